#!/bin/sh
# e2e: a kiosk given two nodes' URLs (--rpc/--events "url1,url2") while the
# serving node changes: the first ticketd stops, a second starts on the same
# database at the second URLs (as a standby taking over would). The kiosk
# shows "reconnecting", keeps its screen and the member's hold, comes back
# by itself on the new node, follows live seat events there, and can pay.
. "$(dirname "$0")/lib.sh"
e2e_init kiosk_failover
RPC="ipc://var/rpc.sock,ipc://var/rpc2.sock"
EV="ipc://var/events.sock,ipc://var/events2.sock"
start_server || { not_ok "node 1 starts"; e2e_done; }
kiosk_start A --rpc "$RPC" --events "$EV"
holding_seat5 A "Han Jisoo"

stop_server
check "reconnecting while no node serves" wait_for A "offline, reconnecting" 5
check "the seat map stays, with the hold" wait_for A "[* 5]"

start_server --rpc ipc://var/rpc2.sock --events ipc://var/events2.sock ||
    not_ok "node 2 starts on the same database"
check "back by itself on node 2" wait_gone A "offline, reconnecting" 15
check "the hold is still there (resynced from node 2)" wait_for A "[* 5]"

# live events from node 2 (B given the same two URLs); the hold made on node 1 pays
live_after switch --rpc "$RPC" --events "$EV"
e2e_done
