#!/bin/sh
# tools/failover_time.sh [N] -- how long from kill -9 of the leader to the
# first answer from the new one, with N members (default 100,000) waiting
# in the queue (docs/performance.md, "Failover"). Reported, not asserted.
#
# A throwaway PostgreSQL (tools/pgtest.sh), N members and their queue
# entries put in with SQL (as if they had joined), a leader and a standby
# ticketd on it; then kill -9 of the leader, and ticketctl asks the
# standby's URL for server.info every 10 ms until it answers. The standby
# has to take the lock, bump the epoch and load all N entries first.
# Everything runs in a temp dir and is stopped at the end.
set -u
n=${1:-100000}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/failover.XXXXXX)
pg=$(mktemp -d /tmp/failover-pg.XXXXXX)
a=; b=
cleanup() {
    [ -n "$a" ] && kill -9 "$a" 2>/dev/null
    [ -n "$b" ] && kill "$b" 2>/dev/null && wait "$b" 2>/dev/null
    sh "$top/tools/pgtest.sh" stop "$pg"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
uri=$(sh "$top/tools/pgtest.sh" start "$pg") || exit 1
psql "$uri" -qc "CREATE DATABASE failover" || exit 1
db="$uri&dbname=failover"
node() { # name port: a node in the background, its pid in $!
    "$top/bin/ticketd" --db "$db" --node "$1" --state-dir "$work" \
        --rpc "ipc://$work/$1.sock" --events "ipc://$work/$1-ev.sock" 2>"$work/$1.log" &
}
ask() { "$top/bin/ticketctl" --rpc "ipc://$work/$1.sock" --admin-key-file "$work/admin.key" \
    server.info >/dev/null 2>&1; }
node a; a=$!
until ask a; do sleep 0.1; done
# The members and their places, as queue.join would have written them.
psql "$db" -q <<EOF || exit 1
INSERT INTO users (id, uuid, name, balance, created_at)
  SELECT i, decode(lpad(to_hex(i), 32, '0'), 'hex'), 'm' || i, 0, 0 FROM generate_series(1, $n) i;
INSERT INTO queue (seq, user_id, state, issued_at) SELECT i, i, 0, 0 FROM generate_series(1, $n) i;
EOF
kill -9 "$a"; wait "$a" 2>/dev/null; a=
node a; a=$! # the leader again, now with N waiting
until ask a; do sleep 0.1; done
node b; b=$!
until grep -qs event=standby "$work/b.log"; do sleep 0.1; done
t0=$(date +%s%N)
kill -9 "$a"
until ask b; do sleep 0.01; done
t1=$(date +%s%N)
wait "$a" 2>/dev/null; a=
grep -o 'event=domain_loaded.*' "$work/b.log"
echo "failover: $(( (t1 - t0) / 1000000 )) ms from kill -9 of the leader to the new leader's first answer ($n waiting)"
