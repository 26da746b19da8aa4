#!/bin/sh
# e2e: a console started with a wrong admin key gets FORBIDDEN, on screen,
# from every admin method; nothing changes on the server, and nothing is
# written to its database: the refused changes are in the server's log, not
# in the audit log (which only callers with the key can write to). Then the
# right key works.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
e2e_init console_forbidden
start_server || { not_ok "ticketd starts"; e2e_done; }
echo "0123456789abcdef0123456789abcdef" >"$E2E_WORK/wrong.key"
console_start C --admin-key-file wrong.key
F="FORBIDDEN (wrong admin key)"

check "the key is refused, naming its file" wait_for C "The server refused the key read from wrong.key (wrong admin"
said_once() { [ "$(screen C | grep -c 'refused the key read from')" -eq 1 ]; }
check "said once, not per call" said_once
keys C p
check "admin.queue.set (pause): FORBIDDEN" wait_for C "admin.queue.set failed: $F"
keys C m
check "max_active is asked for" wait_for C "Max active tokens"
type_text C "5"
keys C Enter
# the screen already says so from the pause: the server's log tells them apart
refused() { # METHOD COUNT: the server logged COUNT refusals of METHOD
    [ "$(grep -c "event=admin method=$1 peer=.* result=FORBIDDEN" "$E2E_WORK/ticketd.log")" -eq "$2" ]
}
check "admin.queue.set (max_active): on screen" wait_for C "admin.queue.set failed: $F"
check "and both queue.set refusals are in the server's log" refused admin.queue.set 2
keys C c
type_text C "Nope"
keys C Tab
type_text C "Nowhere"
keys C Enter
check "admin.concert.create: FORBIDDEN" wait_for C "admin.concert.create failed: $F"
keys C Escape
keys C n
type_text C "1"
keys C Tab
type_text C "$(date -u -d '+2 days' +%Y-%m-%dT%H:00:00Z)"
keys C Tab Tab
type_text C "1-50:1000"
keys C Enter
check "admin.date.create: FORBIDDEN" wait_for C "admin.date.create failed: $F"
keys C Escape
keys C l
check "admin.audit.list: FORBIDDEN" wait_for C "admin.audit.list failed: $F"
keys C Escape
keys C d
type_text C "1"
keys C Enter
check "admin.seats.list: FORBIDDEN" wait_for C "admin.seats.list failed: $F"
keys C Escape
keys C h
type_text C "1"
keys C Enter
wait_for C "Release hold 1? (No date's map could be read" >/dev/null
keys C y
check "admin.hold.release: FORBIDDEN" wait_for C "admin.hold.release failed: $F"
keys C b
type_text C "1"
keys C Enter
wait_for C "Refund booking 1? (No date's map could be read" >/dev/null
keys C y
check "admin.booking.refund: FORBIDDEN" wait_for C "admin.booking.refund failed: $F"

# nothing changed; the refused changes are in the audit log
N=$(ctl admin.dashboard | grep -c '"date_id"')
check "no date was created (6 demo dates)" test "$N" -eq 6
N=$(ctl admin.dashboard | grep -Ec '"paused":[[:space:]]*false')
check "the queue is not paused" test "$N" -eq 1
N=$(grep -c 'event=admin method=.* result=FORBIDDEN' "$E2E_WORK/ticketd.log")
check "6 refused changes in the server's log (got $N)" test "$N" -eq 6
N=$(ctl admin.audit.list | grep -c '"audit_id"')
check "and none in the audit log (got $N)" test "$N" -eq 0

# the right key (the default var/admin.key) works
console_start R
check "with the right key the dashboard loads" wait_for R "Seoul Philharmonic"
keys R p
check "and the queue pauses" wait_for R "Queue: PAUSED"
e2e_done
