#!/bin/sh
# e2e: the door. Two tickets bought through ticketctl; `kiosk --gate`
# scans the first (ADMITTED, with its seat B-13 and the count going up),
# scans it again (REFUSED: already used, with the gate's name), and scans
# the second after the box office refunded it (REFUSED: refunded). The
# console's dashboard counts the admission live.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
e2e_init gate_checkin
start_server || { not_ok "ticketd starts"; e2e_done; }

# buy NAME SEAT: a member buys SEAT of the first date; prints "DATE CODE BOOKING_ID".
buy() {
    _uid=$(ctl user.register "{\"name\":\"$1\"}" | jfield user_id)
    ctl wallet.charge "{\"user_id\":\"$_uid\",\"amount\":300000,\"request_id\":\"c-$1\"}" >/dev/null
    _tok=$(ctl queue.join "{\"user_id\":\"$_uid\"}" | jfield token)
    _date=$(ctl dates.list "{\"token\":\"$_tok\"}" | jfield date_id)
    _hold=$(ctl seat.hold "{\"token\":\"$_tok\",\"date_id\":$_date,\"seat_no\":$2}" | jfield hold_id)
    _pay=$(ctl payment.pay "{\"token\":\"$_tok\",\"hold_ids\":[$_hold],\"request_id\":\"p-$1\"}")
    echo "$_date $(echo "$_pay" | jfield code) $(echo "$_pay" | jfield booking_id)"
}
set -- $(buy Kim 13)
DATE=$1 GOOD=$2
set -- $(buy Lee 14)
VOID=$2 VOID_ID=$3
check "two tickets bought ($GOOD, $VOID) for date $DATE" test -n "$GOOD" -a -n "$VOID"

console_start C
kiosk_start G --gate --gate-name North --date "$DATE"
check "the gate waits for a ticket" wait_for G "Scan or type the ticket's code"
check "the gate counts the date's sales" wait_for G "Admitted 0 / 2 sold"

type_text G "$(echo "$GOOD" | tr A-Z a-z)"
keys G Enter
check "the good ticket is admitted" wait_for G "ADMITTED"
check "in block letters, with the seat" wait_for G " ███  ████  █   █ █████ █████ █████ █████ ████        ████          █   ████"
check "with its seat, as the map names it" wait_for G "Seat B-13"
check "the count goes up" wait_for G "Admitted 1 / 2 sold"
check "the console's dashboard counts it live" wait_re C "1/2"

type_text G "$GOOD"
keys G Enter
check "the same ticket again is refused" wait_for G "REFUSED"
check "as already used, at which gate" wait_re G "Already used: scanned [0-9:]+ [A-Z]+ at North\\."

ctl admin.booking.refund "{\"booking_id\":$VOID_ID}" >/dev/null
type_text G "$VOID"
keys G Enter
check "a refunded ticket is refused as refunded" wait_for G "Refunded: this ticket is void."
check "and the count does not move" wait_for G "Admitted 1 / 1 sold"
REFUND=$(ctl admin.booking.refund "{\"booking_id\":1}" 2>&1)
check "a checked-in ticket cannot be refunded" sh -c "echo '$REFUND' | grep -q CONFLICT"
e2e_done
