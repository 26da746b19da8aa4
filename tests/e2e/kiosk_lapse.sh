#!/bin/sh
# e2e: holds lapse (--hold-seconds 4) while the customer sits at checkout:
# back to the queue with an explanation, and the seats are free again on
# the map. The second seat is held two seconds after the first, so the
# server still keeps the turn when the kiosk sees the first lapse.
. "$(dirname "$0")/lib.sh"
e2e_init kiosk_lapse
start_server --hold-seconds 4 || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A
wait_for A "Welcome"
check "registers" test -n "$(register A 'Lee Jiwoo')"
check "on the seat map" to_seats A
keys A l l Enter
check "holds seat 3" wait_for A "[* 3]"
# one countdown, at the top: the first hold's (the turn ends later)
check "seat 3 counting down" wait_re A "left on your seats: 00:0[0-3]"
check "listed once, without a second timer" wait_re A "Your seats: A-3  c: checkout"
keys A l Enter
check "and seat 4, two seconds later" wait_for A "[* 4]"
keys A c
check "checkout shows the countdown" wait_re A "Time left +00:0[0-2]"
check "the lapse is explained" wait_for A "Your hold ran out before payment" 8
check "whole, over two lines at 80 columns" wait_re A "^ *in the queue\\.\$" 2
check "back in the line: dates offered again" wait_for A "Choose a date"
# the server keeps the token until seat 4's hold lapses too; the kiosk
# leaves it rather than getting it back, so the new turn is a whole one
# and no second "turn ended" follows
check "a fresh turn" wait_re A "Your turn: (10:00|09:5[0-9]) left"
check "the lapse is still what the kiosk says" wait_for A "Your hold ran out before payment"
no_second_requeue() { ! wait_for A "Your turn ended" 8 >/dev/null; }
check "no second requeue (8 s)" no_second_requeue
wait_for A "free  held  sold"
keys A Enter
check "seat map again" wait_for A "STAGE"
check "seat 3 is free again" wait_for A "[  3]"
check "seat 4 too" wait_for A "[  4]"
check "no seat left as mine" sh -c "! tmux -L '$E2E_SOCK' capture-pane -p -t A | grep -Eq '\[\*[ 0-9][0-9]\]'"
e2e_done
