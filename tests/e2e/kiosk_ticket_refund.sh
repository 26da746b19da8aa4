#!/bin/sh
# e2e: a ticket refunded by the box office while the customer looks at it
# loses its QR at once and says it is void; Esc to the list and back to the
# ticket does not bring the QR (or "Show this code at the door") back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
e2e_init kiosk_ticket_refund
start_server || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A
wait_for A "Welcome to the box office" >/dev/null
ID=$(register A "Kim Minji")
check "registers" test -n "$ID"
check "on the seat map" to_seats A
charge A 4
wait_for A "STAGE" >/dev/null
keys A j l l Enter
check "holds seat B-13" wait_for A "Seat B-13 is yours"
keys A c
wait_for A "Seat B-13" >/dev/null
keys A Enter
check "paid: the ticket" wait_for A "Show this code at the door"
keys A b
check "the history lists it" wait_for A "My bookings"
keys A Enter
check "the ticket from the history has its QR" wait_for A "█"
check "and says to show it" wait_for A "Show this code at the door"

BOOKING=$(ctl booking.list "{\"user_id\":\"$ID\"}" | jfield booking_id)
ctl admin.booking.refund "{\"booking_id\":$BOOKING}" >/dev/null
check "refunded on screen: it says so" wait_for A "Refunded: this ticket is no longer valid."
check "its QR is gone" wait_gone A "█" 5
check "nobody is told to show it" wait_gone A "Show this code at the door" 1
keys A Escape
check "the history shows it refunded" wait_for A "refunded"
keys A Enter
check "opened again: still void" wait_for A "Refunded: this ticket is no longer valid."
check "still no QR" wait_gone A "█" 1
e2e_done
