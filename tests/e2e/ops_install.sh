#!/bin/sh
# e2e: `make install DESTDIR=...` puts every file where mk/install.mk says,
# the installed binaries run, the installed ticketd finds its demo data in
# share/ticketd (not in the build tree), the units name the installed paths
# and pass `systemd-analyze verify`, and `make uninstall` takes it all away
# but the configuration.
. "$(dirname "$0")/lib.sh"
e2e_init ops_install
BIN=${BIN:-bin}
ROOT=$E2E_WORK/root
mk() { make -s -C "$TOP" BUILD="${BUILD:-build}" BIN="$BIN" "$@" >>"$E2E_WORK/make.log" 2>&1; }

check "make install DESTDIR=... PREFIX=/usr" mk install DESTDIR="$ROOT" PREFIX=/usr

missing=""
for f in usr/sbin/ticketd usr/bin/kiosk usr/bin/ticketctl usr/bin/ticket-audit \
    usr/bin/ticket-bench usr/share/ticketd/schema.sql usr/share/ticketd/demo.sql usr/share/ticketd/demo.pg.sql \
    usr/share/ticketd/staff.example usr/share/man/man8/ticketd.8 \
    usr/share/man/man1/kiosk.1 usr/share/man/man1/ticketctl.1 \
    usr/share/man/man1/ticket-audit.1 usr/share/man/man1/ticket-bench.1 \
    usr/lib/systemd/system/ticketd.service usr/lib/systemd/system/ticketd@.service \
    usr/lib/systemd/system/kiosk@.service usr/lib/sysusers.d/ticketd.conf \
    etc/ticketd/ticketd.conf etc/ticketd/kiosk.conf; do
    [ -f "$ROOT/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && ok "every file is in the tree" || not_ok "missing:$missing"
[ -x "$ROOT/usr/sbin/ticketd" ] && [ ! -e "$ROOT/usr/bin/ticketd" ] &&
    ok "ticketd is in sbin, not bin" || not_ok "ticketd is in sbin, not bin"

for b in sbin/ticketd bin/kiosk bin/ticketctl bin/ticket-audit bin/ticket-bench; do
    out=$("$ROOT/usr/$b" --version 2>&1)
    rc=$?
    case "$rc:$out" in
    "0:$(basename $b) "[0-9]*) ok "$b --version: $out" ;;
    *) not_ok "$b --version (exit $rc: $out)" ;;
    esac
done

# The installed ticketd, started where there is no data/ at all.
mkdir -p "$E2E_WORK/elsewhere"
(cd "$E2E_WORK/elsewhere" && exec "$ROOT/usr/sbin/ticketd" --demo \
    --state-dir "$E2E_WORK/state" >"$E2E_WORK/ticketd.log" 2>&1) &
SERVER_PID=$!
n=0
until grep -q 'event=ready' "$E2E_WORK/ticketd.log" 2>/dev/null; do
    n=$((n + 1))
    { [ $n -gt 100 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; } && break
    sleep 0.1
done
check "the installed ticketd loads share/ticketd/demo.sql" \
    grep -q "event=demo loaded=yes path=$ROOT/usr/sbin/../share/ticketd/demo.sql" "$E2E_WORK/ticketd.log"
dash=$("$ROOT/usr/bin/ticketctl" --rpc "ipc://$E2E_WORK/state/rpc.sock" \
    --admin-key-file "$E2E_WORK/state/admin.key" admin.dashboard 2>&1)
dates=$(printf '%s' "$dash" | grep -o '"date_id"' | wc -l)
[ "$dates" -ge 6 ] && ok "the installed ticketctl reads its six demo dates" ||
    not_ok "the installed ticketctl reads its six demo dates ($dash)"
stop_server

U=$ROOT/usr/lib/systemd/system
check "the units name the installed paths" grep -q '^ExecStart=/usr/sbin/ticketd --system ' "$U/ticketd.service"
if grep -q '@[A-Z]*@' "$U"/*.service; then not_ok "no @VAR@ left in the units"; else ok "no @VAR@ left in the units"; fi

# systemd-analyze wants the commands to exist: a second install, at a
# PREFIX of its own (no DESTDIR), whose units name real files.
if command -v systemd-analyze >/dev/null 2>&1; then
    P=$E2E_WORK/prefix
    mk install PREFIX="$P" SYSCONFDIR="$P/etc"
    (cd "$P/lib/systemd/system" && MANPATH=$P/share/man systemd-analyze verify \
        ./ticketd.service ./ticketd@node1.service ./kiosk@tty1.service) >"$E2E_WORK/verify.log" 2>&1
    if [ $? -eq 0 ] && [ ! -s "$E2E_WORK/verify.log" ]; then
        ok "systemd-analyze verify: the three units are clean"
    else
        not_ok "systemd-analyze verify: $(cat "$E2E_WORK/verify.log")"
    fi
else
    ok "systemd-analyze verify # skip: systemd-analyze not installed"
fi

echo "# admin's edit" >>"$ROOT/etc/ticketd/ticketd.conf"
mk install DESTDIR="$ROOT" PREFIX=/usr
check "a second install keeps an edited ticketd.conf" grep -q "admin's edit" "$ROOT/etc/ticketd/ticketd.conf"
check "make uninstall" mk uninstall DESTDIR="$ROOT" PREFIX=/usr
left=$(cd "$ROOT" && find . -type f | sort | tr '\n' ' ')
[ "$left" = "./etc/ticketd/kiosk.conf ./etc/ticketd/ticketd.conf " ] &&
    ok "uninstall leaves only the configuration" || not_ok "uninstall left: $left"
e2e_done
