#!/bin/sh
# tools/crashtest.sh -- kill -9 ticketd under load, again and again, and
# prove that nothing it acknowledged was lost.
#
#   BIN=bin KILLS=25 sh tools/crashtest.sh                   (make crashtest)
#   BIN=bin KILLS=10 STORE=postgresql sh tools/crashtest.sh  (make crashtest-pg)
#
# 1. Start ticketd in a temp dir (long holds, so every acknowledged hold
#    must still be there at the end; rate limits off). STORE=postgresql:
#    on a database of its own in a throwaway PostgreSQL cluster
#    (tools/pgtest.sh, stopped on exit whatever happens); each restart is
#    then a new leader that takes the lock the killed one's session held.
# 2. Start `ticket-bench --crash-load`: client threads buying tickets,
#    retrying each write until answered, logging every acknowledged
#    charge, hold and payment with its ids.
# 3. KILLS times: wait a random 50-1500 ms, SIGKILL the server, check the
#    database's invariants with ticket-audit as the crash left it, restart.
# 4. Stop the load, then `ticket-bench --verify`: every logged charge is in
#    its wallet's history and every balance is exact, every unpaid hold
#    still holds its seat, every payment's bookings are paid and sold.
# 5. SIGTERM the server (must exit 0) and audit once more.
# Prints "ok - ..." / "not ok - ..." lines and a summary; exits 1 on any
# failure. Files stay in the temp dir when something failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "${BIN:-bin}" && pwd)
KILLS=${KILLS:-25}
STORE=${STORE:-sqlite}
TICKETD=$BIN/ticketd
BENCH=$BIN/ticket-bench
AUDIT=$BIN/ticket-audit
for b in "$TICKETD" "$BENCH" "$AUDIT"; do
    [ -x "$b" ] || { echo "not ok - $b missing (make all first)"; exit 1; }
done

case "$STORE" in
sqlite | postgresql) ;;
*) echo "not ok - STORE=$STORE: sqlite or postgresql"; exit 1 ;;
esac

dir=$(mktemp -d /tmp/ticket-crash.XXXXXX)
pgdir=
db="$dir/ticket.db"
rpc="ipc://$dir/rpc.sock"
events="ipc://$dir/events.sock"
passed=0
failed=0
spid=0
lpid=0

ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }

cleanup() {
    [ "$lpid" -gt 0 ] && kill -TERM "$lpid" 2>/dev/null
    [ "$spid" -gt 0 ] && kill -KILL "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
    [ -n "$pgdir" ] && sh "$top/tools/pgtest.sh" stop "$pgdir"
}
trap cleanup EXIT INT TERM

rand() { od -An -N2 -tu2 /dev/urandom | tr -d ' \n'; }

sleep_ms() { sleep "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }

# Starts ticketd and waits for its "event=ready" line (up to 20 s).
start_server() {
    before=$(count 'event=ready' "$dir/server.log")
    "$TICKETD" --db "$db" --state-dir "$dir" --rpc "$rpc" --events "$events" \
        --admin-key-file "$dir/admin.key" --secret-file "$dir/secret.key" \
        --hold-seconds 3600 --max-active 100000 --admit-per-min 1000000 \
        --rate-user 0 --rate-peer 0 2>>"$dir/server.log" &
    spid=$!
    i=0
    while [ "$(count 'event=ready' "$dir/server.log")" -le "$before" ]; do
        kill -0 "$spid" 2>/dev/null || return 1
        i=$((i + 1))
        [ "$i" -gt 2000 ] && return 1
        sleep 0.01
    done
    return 0
}

# The summary line; the temp dir goes only when everything passed.
finish() {
    echo "crashtest ($STORE): $k kills, $passed passed, $failed failed"
    if [ "$failed" -eq 0 ]; then
        rm -rf "$dir"
        exit 0
    fi
    echo "crashtest: files kept in $dir"
    exit 1
}

# grep -c prints 0 itself (and fails) when nothing matches.
count() { n=$(grep -c "$1" "$2" 2>/dev/null); echo "${n:-0}"; }
acked() { count "^$1 " "$dir/acked.log"; }

# STORE=postgresql: the cluster, and a database in it for ticketd.
start_postgres() {
    pgdir=$(mktemp -d /tmp/ticket-crash-pg.XXXXXX)
    uri=$(sh "$top/tools/pgtest.sh" start "$pgdir" 2>"$dir/pgtest.log") || return 1
    psql "$uri" -qc "CREATE DATABASE crash" >>"$dir/pgtest.log" 2>&1 || return 1
    db="$uri&dbname=crash"
    echo "# PostgreSQL: $db"
}

if [ "$STORE" = postgresql ] && ! start_postgres; then
    not_ok "no PostgreSQL cluster (see $dir/pgtest.log)"
    k=0
    finish
fi
start_server || { not_ok "ticketd did not start (see $dir/server.log)"; exit 1; }
"$BENCH" --crash-load "$dir/acked.log" --rpc "$rpc" --admin-key-file "$dir/admin.key" \
    --threads 8 --dates 60 2>"$dir/load.log" &
lpid=$!
sleep 1

k=0
progress=0
audit_bad=0
restart_bad=0
last=$(wc -l <"$dir/acked.log" 2>/dev/null || echo 0)
while [ "$k" -lt "$KILLS" ]; do
    sleep_ms $((50 + $(rand) % 1450))
    kill -KILL "$spid"
    wait "$spid" 2>/dev/null
    k=$((k + 1))
    now=$(wc -l <"$dir/acked.log")
    [ "$now" -gt "$last" ] && progress=$((progress + 1))
    last=$now
    # The database exactly as the crash left it (hot WAL and all).
    if ! "$AUDIT" -q "$db" >"$dir/audit.kill$k.txt" 2>&1; then
        audit_bad=$((audit_bad + 1))
        echo "# kill $k: ticket-audit found:"; sed 's/^/#   /' "$dir/audit.kill$k.txt" | head -n 20
    fi
    if ! start_server; then
        restart_bad=$((restart_bad + 1))
        echo "# restart after kill $k failed; see $dir/server.log"
        break
    fi
done
[ "$restart_bad" -eq 0 ] && ok "ticketd SIGKILLed $k times under load, restarted every time" ||
    not_ok "ticketd failed to restart after kill $k"
[ "$audit_bad" -eq 0 ] && ok "invariants held in the database after each of $k kills" ||
    not_ok "invariants violated after $audit_bad of $k kills (see $dir/audit.kill*.txt)"
[ "$progress" -ge $((k / 2)) ] && ok "load made progress between $progress of $k kills" ||
    not_ok "load stalled: progress between only $progress of $k kills (see $dir/load.log)"

sleep 1
kill -TERM "$lpid"
wait "$lpid"
lrc=$?
lpid=0
[ "$lrc" -eq 0 ] && ok "crash load stopped cleanly" || not_ok "crash load exited $lrc (see $dir/load.log)"
echo "# acknowledged: $(acked charge) charges, $(acked hold) holds, $(acked pay) payments," \
    "$(acked user) users; $(acked lost) writes never answered"
sed -n 's/^bench: crash load stopped/# crash load stopped/p' "$dir/load.log"
[ "$(acked charge)" -gt 0 ] && [ "$(acked pay)" -gt 0 ] && ok "load acknowledged charges and payments" ||
    not_ok "load acknowledged nothing to check"

# With no server up, --verify would wait on a dead socket: stop here.
if [ "$restart_bad" -ne 0 ]; then
    not_ok "acknowledged writes not verified: ticketd is not running"
    finish
fi
if "$BENCH" --verify "$dir/acked.log" --rpc "$rpc" --admin-key-file "$dir/admin.key" >"$dir/verify.txt" 2>&1; then
    ok "every acknowledged charge, hold and payment survived ($(tail -n 1 "$dir/verify.txt"))"
else
    not_ok "acknowledged writes lost:"
    sed 's/^/#   /' "$dir/verify.txt" | head -n 30
fi
sed -n 's/^\(ok\|not ok\) - /#   &/p' "$dir/verify.txt"

kill -TERM "$spid"
wait "$spid"
src=$?
spid=0
[ "$src" -eq 0 ] && ok "ticketd exited 0 on SIGTERM" || not_ok "ticketd exited $src on SIGTERM"
if "$AUDIT" "$db" >"$dir/audit.final.txt" 2>&1; then
    ok "final audit clean ($(tail -n 1 "$dir/audit.final.txt"))"
else
    not_ok "final audit:"
    sed 's/^/#   /' "$dir/audit.final.txt"
fi

finish
