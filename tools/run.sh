#!/bin/sh
# tools/run.sh -- what `make run` runs (from the top of the tree, after the
# build): ticketd with demo data in the background (log: var/ticketd.log),
# a kiosk in this terminal, and the server stopped when the kiosk quits.
# If a server already answers on var/rpc.sock, only the kiosk starts.
# Extra arguments go to the kiosk: sh tools/run.sh --lang ko
set -u
BIN=${BIN:-bin}
TICKETD=${TICKETD:-$BIN/ticketd}
KIOSK=${KIOSK:-$BIN/kiosk}
for b in "$TICKETD" "$KIOSK"; do
    [ -x "$b" ] || { echo "run: $b is missing; run make first" >&2; exit 1; }
done
mkdir -p var

if "$KIOSK" --probe 2>/dev/null; then
    echo "run: a server already answers on var/rpc.sock; starting only the kiosk" >&2
    exec "$KIOSK" "$@"
fi

"$TICKETD" --demo >>var/ticketd.log 2>&1 &
SERVER=$!
stop() {
    kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
}
trap stop EXIT
trap 'exit 130' INT TERM HUP

# wait until it answers, not a fixed time
n=0
until "$KIOSK" --probe 2>/dev/null; do
    n=$((n + 1))
    if [ "$n" -ge 20 ] || ! kill -0 "$SERVER" 2>/dev/null; then
        echo "run: ticketd did not come up; last lines of var/ticketd.log:" >&2
        tail -n 5 var/ticketd.log >&2
        exit 1
    fi
done
"$KIOSK" "$@"
