#!/bin/sh
# e2e: the server stalls (SIGSTOP) just as the customer pays, so the kiosk
# hears nothing and says it will try the same payment again; Esc cannot
# leave meanwhile. When the server wakes, it has taken the money: the
# kiosk must show the ticket (the retry with the same request_id replays
# the payment), not "your hold ran out" because the map beneath found the
# token spent, and the member is charged once.
. "$(dirname "$0")/lib.sh"
e2e_init kiosk_pay_unsure
start_server || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A --timeout-ms 2000
wait_for A "Welcome"
ID=$(register A "Han Jisoo")
check "registers" test -n "$ID"
check "on the seat map" to_seats A
charge A 4
wait_for A "STAGE"
keys A l l Enter
check "holds seat 3" wait_for A "[* 3]"
keys A c
check "checkout" wait_for A "Seat A-3"

kill -STOP "$SERVER_PID"
keys A Enter
check "no answer: the same payment will be tried again" wait_for A "trying the same payment again" 10
keys A Escape
sleep 0.5
check "Esc does not leave a payment whose outcome is unknown" wait_for A "Seat A-3" 1
kill -CONT "$SERVER_PID"

check "the ticket is shown once the server answers" wait_for A "Booking code" 20
check "and not the lapse message" sh -c "! tmux -L '$E2E_SOCK' capture-pane -p -t A | grep -q 'hold ran out'"
(cd "$E2E_WORK" && "$TICKETCTL" booking.list "{\"user_id\":\"$ID\"}") >"$E2E_WORK/bookings.json" 2>&1
paid=$(grep -c '"paid"' "$E2E_WORK/bookings.json")
check "one booking paid (got $paid)" test "$paid" -eq 1
[ "$paid" -eq 1 ] || cat "$E2E_WORK/bookings.json"
e2e_done
