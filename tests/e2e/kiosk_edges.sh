#!/bin/sh
# e2e: the counter's rough edges (issue 17, section 5) as a customer meets
# them on a terminal: Esc, Esc from a map with a seat held asks before it
# releases (n keeps the seat, y leaves), and an unattended kiosk warns with
# a countdown before its idle reset (a key cancels it).
. "$(dirname "$0")/lib.sh"
e2e_init kiosk_edges
start_server || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A --kiosk --idle-seconds 20
wait_for A "Welcome"
check "registers" test -n "$(register A 'Han Mirae')"
check "on the seat map" to_seats A
keys A Enter
check "holds seat A-1" wait_for A "[* 1]"
keys A Escape
check "back on the dates" wait_for A "Choose a date"
keys A Escape
check "Esc again asks first" wait_for A "You hold 1 seat. Leave and release it? y/n"
keys A n
check "n stays" wait_gone A "Leave and release"
check "still on the dates" wait_for A "Choose a date"
keys A Enter
check "the seat is still ours" wait_for A "[* 1]"
# idle: 20 s, the last 15 of them counted down on screen
check "the idle warning comes" wait_for A "Still there? Press any key" 12
check "with its countdown" wait_re A "Starting over in 1?[0-9] s"
keys A Right
check "a key cancels it" wait_gone A "Still there?"
check "and does nothing else: the cursor stays" wait_re A "Seat A-1"
check "still on the map" wait_for A "STAGE"
check "the warning again" wait_for A "Still there? Press any key" 12
check "at 0 the reset happens" wait_for A "Session ended after inactivity." 20
check "on the welcome screen" wait_for A "Welcome"
e2e_done
