#!/bin/sh
# e2e: a kiosk's hold shows on the console's seat map with its time left;
# once paid it shows sold with its booking code; the console finds it by
# the ticket's code and refunds it (after a confirmation), and a second
# kiosk sees the seat come free, with the money back in the wallet; the
# console releases another kiosk's hold; its audit screen names the node
# that took each call.
# The dashboard's sparklines are the server's last hour, so a console
# opened after the sale shows it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
e2e_init console_hold_refund
start_server --node box-e2e || { not_ok "ticketd starts"; e2e_done; }
console_start C
kiosk_start K
kiosk_start L
wait_for C "Seoul Philharmonic" >/dev/null
# (80 columns leave a sparkline room for 45 of the hour's 60 minutes)
check "the sales sparkline is the server's, as much of it as fits" \
    wait_re C "sales/min +[^ ]+ max 0, last 45 min"
check "the queue sparkline says how long the server has watched the line" \
    wait_re C "queue +[^ ]+ max 0, last [0-9]+ min"
wait_for K "Welcome to the box office" >/dev/null
ID=$(register K "Kim Minji")
check "kiosk K registered" test -n "$ID"
check "kiosk K on a seat map" to_seats K
charge K 4
check "kiosk K charged, back on the map" wait_for K "STAGE"
keys K j l l Enter
check "kiosk K holds seat 13" wait_for K "[*13]"

# which date the kiosk opened: the one with a held seat
check "the hold is on the dashboard" wait_ctl 10 '"held":[[:space:]]*1,' admin.dashboard
DATE=$(ctl admin.dashboard | awk -F'[:,]' '
    /"date_id"/ { gsub(/[ \t]/, "", $2); d = $2 }
    /"held"/    { gsub(/[ \t]/, "", $2); if ($2 == "1" && d != "") { print d; exit } }')
keys C d
type_text C "$DATE"
keys C Enter
check "console opens the seat map of date $DATE" wait_for C "Seats of date $DATE"
check "the kiosk's hold is on the console map" wait_for C "[#13]"
check "the hold shows its id and time left" wait_re C "13:#[0-9]+ 0[45]:[0-9]{2}"
keys C j l l
check "console cursor on seat 13 shows the hold" wait_re C "seat B-13: held \\(hold [0-9]+\\), 0[45]:[0-9]{2} left"

keys K c
wait_for K "Seat B-13" >/dev/null
keys K Enter
check "kiosk K paid" wait_for K "Booking code"
check "the console shows seat 13 sold" wait_for C "[X13]"
check "with its booking code" wait_re C "13:TK-[A-Z0-9]{4}-[A-Z0-9]{4}"

wait_for L "Welcome to the box office" >/dev/null
ID2=$(register L "Park Jisoo")
check "kiosk L on the same seat map" to_seats L
check "kiosk L sees seat 13 sold" wait_for L "[X13]"

BOOKING=$(ctl booking.list "{\"user_id\":\"$ID\"}" | jfield booking_id)
BAL1=$(ctl wallet.balance "{\"user_id\":\"$ID\"}" | jfield balance)
# the customer comes to the counter with the ticket: its code, typed in
# lower case, opens the date's map on the seat
CODE=$(ctl booking.list "{\"user_id\":\"$ID\"}" | jfield code)
keys C Escape
check "back on the dashboard" wait_for C "sold/held/free"
keys C t
type_text C "$(echo "$CODE" | tr A-Z a-z)"
keys C Enter
check "the ticket's code ($CODE) opens its seat" wait_re C "seat B-13: sold, booking $CODE"
# admin.seats.list carries the booking id, so the console goes straight
# to the confirmation (the id it shows must be the member's booking).
keys C f
check "refund asks for a confirmation" wait_for C "Refund booking TK-"
keys C y
check "the console says refunded" wait_for C "refunded:"
REFUNDED=$(ctl booking.list "{\"user_id\":\"$ID\"}" | grep -c '"refunded"')
check "booking $BOOKING of the member reads refunded" test "$REFUNDED" -eq 1
check "kiosk L sees seat 13 free again" wait_for L "[ 13]"
check "the console map shows it free" wait_for C "seat B-13: free"
BAL2=$(ctl wallet.balance "{\"user_id\":\"$ID\"}" | jfield balance)
check "the money is back in the wallet ($BAL1 -> $BAL2)" test "${BAL2:-0}" -gt "${BAL1:-0}"

# kiosk L holds seat 14; the console releases it
keys L j l l l Enter
check "kiosk L holds seat 14" wait_for L "[*14]"
check "the console sees the hold on 14" wait_for C "[#14]"
keys C l r
check "the console asks before releasing" wait_for C "on seat B-14? y/n"
keys C y
check "the console says released" wait_for C "released."
check "kiosk L sees seat 14 free" wait_for L "[ 14]"
N=$(ctl admin.audit.list | grep -Ec '"method":[[:space:]]*"admin\.(booking\.refund|hold\.release)"')
check "the audit log has the refund and the release" test "$N" -eq 2
keys C Escape Escape l
check "the console's audit screen names the node of the newest entry" \
    wait_re C "node box-e2e +peer "
keys C Escape

# A console opened after the sale still shows it: the server keeps the
# last hour per minute (a refund does not unsell the minute).
console_start D
check "a console opened later shows the sale in its minute" \
    wait_re D "sales/min +[^ ]+ max 1, last 45 min"
e2e_done
