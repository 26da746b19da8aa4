#!/bin/sh
# e2e: the man pages lint clean (mandoc -Tlint: no warning, no error; the
# STYLE notes, such as a cross-reference to a page not installed here, do
# not count), `man -l` renders each, and every option a program's --help
# lists is in its page.
. "$(dirname "$0")/lib.sh"
e2e_init ops_man
BIN=${BIN:-bin}
case "$BIN" in /*) ;; *) BIN=$TOP/$BIN ;; esac
command -v mandoc >/dev/null || { not_ok "mandoc is installed (mk/deps.sh installs it)"; e2e_done; }

for page in ticketd.8 kiosk.1 ticketctl.1 ticket-audit.1 ticket-bench.1; do
    f=$TOP/man/$page
    lint=$(mandoc -Tlint -Wwarning "$f" 2>&1 | grep -v 'mandoc.db')
    [ -z "$lint" ] && ok "mandoc -Tlint $page" || not_ok "mandoc -Tlint $page: $lint"
    out=$(MANWIDTH=80 man -l "$f" 2>"$E2E_WORK/man.err")
    if printf '%s' "$out" | grep -q '^NAME' && printf '%s' "$out" | grep -q '^EXIT STATUS' &&
        [ ! -s "$E2E_WORK/man.err" ]; then
        ok "man -l $page renders"
    else
        not_ok "man -l $page renders: $(cat "$E2E_WORK/man.err")"
    fi
    prog=${page%.*}
    help=$("$BIN/$prog" --help 2>&1)
    [ "$prog" = kiosk ] && help="$help $("$BIN/kiosk" --admin --help 2>&1)"
    undocumented=""
    for opt in $(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
        grep -q -- "Fl -${opt#--}\b" "$f" || undocumented="$undocumented $opt"
    done
    [ -z "$undocumented" ] && ok "$page documents every option of $prog --help" ||
        not_ok "$page lacks:$undocumented"
done
e2e_done
