#!/bin/sh
# e2e: a hold lapses (--hold-seconds 2) while the customer sits at
# checkout: back to the queue with an explanation, and the seat is free
# again on the map.
. "$(dirname "$0")/lib.sh"
e2e_init kiosk_lapse
start_server --hold-seconds 2 || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A
wait_for A "Welcome"
check "registers" test -n "$(register A 'Lee Jiwoo')"
check "on the seat map" to_seats A
keys A l l Enter
check "holds seat 3" wait_for A "[* 3]"
keys A c
check "checkout shows the countdown" wait_re A "Time left +00:0[0-2]"
check "the lapse is explained" wait_for A "Your hold ran out before payment" 8
check "back in the line: dates offered again" wait_for A "Choose a date"
wait_for A "free  held  sold"
keys A Enter
check "seat map again" wait_for A "STAGE"
check "seat 3 is free again" wait_for A "[  3]"
check "no seat left as mine" sh -c "! tmux -L '$E2E_SOCK' capture-pane -p -t A | grep -Eq '\[\*[ 0-9][0-9]\]'"
e2e_done
