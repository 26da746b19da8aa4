#!/bin/sh
# tools/debtest.sh -- the Debian package, end to end (issue 18):
#   1. dpkg-buildpackage -b -us -uc in a scratch copy of the tree (its
#      `make clean` must not touch this checkout's build);
#   2. lintian on the .debs: no error;
#   3. as root, on a machine without ticketd installed: dpkg -i both .debs,
#      then ticketd started exactly as ticketd.service starts it (its
#      ExecStart, its EnvironmentFile, its User, its State- and
#      RuntimeDirectory) must answer over /run/ticketd/rpc.sock, take an
#      admin call with the key it made, and stop cleanly on SIGTERM;
#      systemd-analyze verify on the installed units; then purge.
# Prints "ok - ..." / "not ok - ..." lines and exits non-zero on a failure.
# .ci/run calls it where dpkg-buildpackage is installed; mk/deps.sh adds
# debhelper and lintian. About 2 minutes on 2 cores (one more build).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
fails=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }
step() { n=$1; shift; if "$@" >>"$W/debtest.log" 2>&1; then ok "$n"; else not_ok "$n (see $W/debtest.log)"; fi; }


sh "$TOP/mk/deps.sh" debhelper lintian || { echo "not ok - debhelper and lintian"; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/debtest.XXXXXX")
INSTALLED="" NEWUSERS="" NEWGROUPS=""
cleanup() {
    [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null
    [ -n "$INSTALLED" ] && dpkg --purge ticketd ticketd-kiosk >>"$W/debtest.log" 2>&1
    [ -n "$INSTALLED" ] && rm -rf /var/lib/ticketd /run/ticketd
    for u in $NEWUSERS; do deluser --system --quiet "$u" >/dev/null 2>&1; done
    for g in $NEWGROUPS; do delgroup --system --quiet "$g" >/dev/null 2>&1; done
    if [ "$fails" -eq 0 ]; then rm -rf "$W"; else echo "# kept $W"; tail -n 30 "$W/debtest.log"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 1. The build, from the files git knows (tracked or new, not ignored).
mkdir -p "$W/src"
(cd "$TOP" && git ls-files -co --exclude-standard -z | xargs -0 tar cf - 2>/dev/null) |
    (cd "$W/src" && tar xf -)
step "dpkg-buildpackage -b -us -uc" sh -c "cd '$W/src' && dpkg-buildpackage -b -us -uc"
DEBS=$(ls "$W"/ticketd_*.deb "$W"/ticketd-kiosk_*.deb 2>/dev/null)
[ "$(echo "$DEBS" | wc -w)" -eq 2 ] && ok "two packages: $(cd "$W" && echo *.deb)" ||
    { not_ok "two packages"; exit 1; }

# 2. lintian: errors fail, warnings are printed.
lintian --fail-on error --tag-display-limit 0 --display-info $DEBS >"$W/lintian.log" 2>&1
rc=$?
grep -v 'running with root privileges' "$W/lintian.log" | sed 's/^/# /'
[ $rc -eq 0 ] && ok "lintian: no error" || not_ok "lintian: errors (above)"

dpkg-deb -c "$W"/ticketd_*.deb >"$W/ticketd.list"
dpkg-deb -c "$W"/ticketd-kiosk_*.deb >"$W/kiosk.list"
for f in usr/sbin/ticketd usr/bin/ticketctl usr/share/ticketd/demo.sql usr/share/man/man8/ticketd.8.gz \
    lib/systemd/system/ticketd.service etc/ticketd/ticketd.conf; do
    grep -q " \./$f\$" "$W/ticketd.list" || not_ok "ticketd has /$f"
done
grep -q ' \./usr/bin/kiosk$' "$W/kiosk.list" || not_ok "ticketd-kiosk has /usr/bin/kiosk"
dpkg-deb -I "$W"/ticketd_*.deb conffiles | grep -qx /etc/ticketd/ticketd.conf &&
    ok "/etc/ticketd/ticketd.conf is a conffile" || not_ok "/etc/ticketd/ticketd.conf is a conffile"

# 3. Install and run, only as root and only where ticketd is not installed.
if [ "$(id -u)" != 0 ]; then
    ok "install test # skip: not root"
    exit $((fails > 0))
fi
if dpkg-query -W ticketd >/dev/null 2>&1 || [ -e /var/lib/ticketd ] || [ -e /run/ticketd ]; then
    ok "install test # skip: ticketd is already on this machine"
    exit $((fails > 0))
fi
# The users the packages make are removed again, unless they were here.
NEWUSERS="" NEWGROUPS=""
for u in ticketd-kiosk ticketd; do
    getent passwd $u >/dev/null || NEWUSERS="$NEWUSERS $u"
    getent group $u >/dev/null || NEWGROUPS="$NEWGROUPS $u"
done
INSTALLED=yes
step "dpkg -i both packages" dpkg -i $DEBS
step "postinst made the user ticketd" getent passwd ticketd
step "ticketd-kiosk is in group ticketd" sh -c "id -nG ticketd-kiosk | grep -qw ticketd"
step "systemd-analyze verify the installed units" systemd-analyze verify \
    /lib/systemd/system/ticketd.service /lib/systemd/system/ticketd@n1.service \
    /lib/systemd/system/kiosk@tty1.service

# What systemd does for the unit: its directories, its environment file,
# its user, its ExecStart (with $TICKETD_OPTS expanded as systemd splits it).
unit=/lib/systemd/system/ticketd.service
user=$(sed -n 's/^User=//p' $unit)
install -d -m 0750 -o "$user" -g "$user" /var/lib/ticketd /run/ticketd
exec_start=$(sed -n 's/^ExecStart=//p' $unit)
(
    set -a
    . /etc/ticketd/ticketd.conf
    set +a
    cd /
    # shellcheck disable=SC2086 # word splitting is what systemd does
    exec setpriv --reuid "$user" --regid "$user" --init-groups $(eval echo "$exec_start")
) >"$W/ticketd.log" 2>&1 &
SERVER=$!
n=0
until grep -q 'event=ready' "$W/ticketd.log"; do
    n=$((n + 1))
    { [ $n -gt 100 ] || ! kill -0 $SERVER 2>/dev/null; } && break
    sleep 0.1
done
step "ticketd runs from the unit's command line as $user" grep -q 'event=ready rpc=ipc:///run/ticketd/rpc.sock' "$W/ticketd.log"
step "ticketctl reaches it at /run/ticketd/rpc.sock" \
    ticketctl --rpc ipc:///run/ticketd/rpc.sock server.info
step "an admin call with the key it made in /var/lib/ticketd" \
    ticketctl --rpc ipc:///run/ticketd/rpc.sock --admin-key-file /var/lib/ticketd/admin.key admin.dashboard
step "its database is the ticketd user's, mode 0600" \
    sh -c "[ \"\$(stat -c %U:%a /var/lib/ticketd/ticket.db)\" = $user:600 ]"
kill -TERM $SERVER
wait $SERVER
rc=$?
SERVER=
[ $rc -eq 0 ] && ok "SIGTERM stops it cleanly" || not_ok "SIGTERM stops it cleanly (exit $rc)"
step "ticket-audit finds the database clean" ticket-audit -q /var/lib/ticketd/ticket.db
step "dpkg --purge both" dpkg --purge ticketd ticketd-kiosk
exit $((fails > 0)) # cleanup: the directories and the users the test made
