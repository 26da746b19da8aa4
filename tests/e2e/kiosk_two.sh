#!/bin/sh
# e2e: two kiosks on one date; a hold made at one appears on the other
# within a second (seat.<date_id> events), and the other kiosk gets a clear
# message when it tries that seat, which stays on its map.
. "$(dirname "$0")/lib.sh"
e2e_init kiosk_two
start_server || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A
kiosk_start B
wait_for A "Welcome" && wait_for B "Welcome"
check "kiosk A registers" test -n "$(register A 'Alice')"
check "kiosk B registers" test -n "$(register B 'Bob')"
check "kiosk A on the seat map" to_seats A
check "kiosk B on the seat map" to_seats B
check "B sees seat 12 free" wait_for B "[ 12]"

# seat 12: down one row, right one
keys A j l Enter
check "A holds seat 12" wait_for A "[*12]"
check "B sees A's hold within a second" wait_for B "[#12]" 1
keys B j l Enter
check "B is told seat 12 is held" wait_for B "Seat B-12 is held by someone else"
check "seat 12 stays on B's map as held" wait_for B "[#12]"
check "B's cursor info shows the seat held" wait_for B "Seat B-12: 90,000 won, held"

# A gives it back: B sees it free again, and can take it
keys A Enter
check "A releases seat 12" wait_for A "Seat B-12 released"
check "B sees seat 12 free again" wait_for B "[ 12]" 1
keys B Enter
check "B holds seat 12" wait_for B "[*12]"
check "A sees B's hold" wait_for A "[#12]" 1

# the two kiosks ask for one seat at the same moment: one wins
keys A l
keys B l
tmux -L "$E2E_SOCK" send-keys -t A Enter \; send-keys -t B Enter
wait_re A "Seat B-13 (is yours|was just taken)"
wait_re B "Seat B-13 (is yours|was just taken)"
won=0
screen A | grep -q '\[\*13\]' && won=$((won + 1))
screen B | grep -q '\[\*13\]' && won=$((won + 1))
check "a race for seat 13 has exactly one winner" test "$won" -eq 1
e2e_done
