#!/bin/sh
# e2e: the server stops mid-session and comes back. The kiosk shows the
# offline banner, keeps its state (member, hold, seat map), reconnects by
# itself, resyncs, follows live events again and can still pay.
. "$(dirname "$0")/lib.sh"
e2e_init kiosk_restart
start_server || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A
wait_for A "Welcome"
check "registers" test -n "$(register A 'Choi Yuna')"
check "on the seat map" to_seats A
charge A 4
wait_for A "STAGE"
keys A l l l l Enter
check "holds seat 5" wait_for A "[* 5]"

stop_server
check "offline banner while the server is down" wait_for A "offline, reconnecting" 5
check "the hold is still on the map while offline" wait_for A "[* 5]"
keys A l
check "keys still work offline (cursor moves)" wait_for A "Seat 6:"

start_server || not_ok "ticketd restarts"
check "banner goes away by itself" wait_gone A "offline, reconnecting" 15
check "hold survives the restart (resynced map)" wait_for A "[* 5]"

# live events flow again after the SUB socket redialed
kiosk_start B
wait_for B "Welcome"
register B "Jung Hoseok" >/dev/null
to_seats B
keys B l l l l l Enter
check "B holds seat 6" wait_for B "[* 6]"
check "A sees B's hold live after the restart" wait_for A "[# 6]" 2

keys A c
check "checkout after the restart" wait_for A "Seat 5"
keys A Enter
check "payment for the pre-restart hold" wait_for A "Booking code"
e2e_done
