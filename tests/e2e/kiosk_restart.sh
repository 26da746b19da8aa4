#!/bin/sh
# e2e: the server stops mid-session and comes back. The kiosk shows the
# offline banner, keeps its state (member, hold, seat map), reconnects by
# itself, resyncs, follows live events again and can still pay.
. "$(dirname "$0")/lib.sh"
e2e_init kiosk_restart
start_server || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A
holding_seat5 A "Choi Yuna"

stop_server
check "offline banner while the server is down" wait_for A "offline, reconnecting" 5
check "the hold is still on the map while offline" wait_for A "[* 5]"
keys A l
check "keys still work offline (cursor moves)" wait_for A "Seat A-6:"

start_server || not_ok "ticketd restarts"
check "banner goes away by itself" wait_gone A "offline, reconnecting" 15
check "hold survives the restart (resynced map)" wait_for A "[* 5]"

# live events flow again after the SUB socket redialed; the old hold pays
live_after restart
e2e_done
