#!/bin/sh
# e2e: the waiting line (--max-active 1): the second customer waits with a
# place and moves on by itself when the first leaves; and --kiosk mode:
# F10 does not quit, idle returns to the welcome screen. Also the turn's
# time left, and a terminal under 80x24 saying so and recovering. F2
# switches the language; idle switches it back for the next customer.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
e2e_init kiosk_queue
start_server --max-active 1 || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A
kiosk_start B --kiosk --idle-seconds 4
wait_for A "Welcome" && wait_for B "Welcome"
register A "First" >/dev/null
keys A Enter
check "A is admitted" wait_for A "Choose a date"
check "A sees its turn's time left" wait_re A "Your turn: (09|10):[0-9]{2} left"
resize A 70 20
check "under 80x24: the kiosk says the terminal is too small" wait_for A "terminal too small (need 80x24)"
resize A 80 24
check "back at 80x24: the screen is whole again" wait_for A "Choose a date"
register B "Second" >/dev/null
keys B Enter
check "B waits in line" wait_for B "Waiting line"
check "B sees its place" wait_re B "Your place +1"
check "B sees people ahead" wait_re B "People ahead +0"
# the one slot is A's and nobody has finished yet: a place takes the
# 10-minute active window, not the admission rate's tenth of a second;
# the queue events (every second while B waits) keep that pace
check "B's wait counts A's turn, not the admission rate" wait_re B "Estimated wait +(10:00|09:5[0-9])"
sleep 2 # the one bare wait here: what is checked is that nothing changes
check "and the queue events keep it" wait_re B "Estimated wait +(10:00|09:5[0-9])"
check "it counts down while the line stands still" wait_re B "Estimated wait +09:5[0-7]"
console_start C
check "the console says how long the last in line waits" wait_re C "waiting 1 \(~10 min\)"
ctl admin.queue.set '{"paused":true}' >/dev/null
check "paused: B is told so" wait_for B "Sales are paused by the box office."
check "and gets no estimate" wait_re B "Estimated wait +--:--"
ctl admin.queue.set '{"paused":false}' >/dev/null
check "resumed: the estimate is back" wait_re B "Estimated wait +0?9:[0-9]{2}"
keys B F10
keys B C-c
check "kiosk mode: F10 and ^C do not quit" wait_for B "Waiting line"
# waiting in line is not idle: still there after the idle time
i=0
while [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done # 5 s > --idle-seconds 4, on purpose
check "kiosk mode: no idle reset while waiting in line" wait_for B "Waiting line" 1
keys A Escape
check "A leaves: welcome again" wait_for A "Welcome to the box office"
check "B moves on by itself when admitted" wait_for B "Choose a date" 10
check "kiosk mode: idle returns to welcome" wait_for B "Welcome to the box office" 10
check "idle is explained" wait_for B "Session ended after inactivity"
keys B F2
check "F2 switches the kiosk to Korean" wait_for B "티켓 키오스크"
check "the bar offers the way back, in English" wait_for B "F2 English" 1
check "idle brings the kiosk's own language back for the next customer" wait_for B "Welcome to the box office" 10
check "the kiosk is still running" sh -c "tmux -L '$E2E_SOCK' has-session -t B"
e2e_done
