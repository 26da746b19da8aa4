#!/bin/sh
# e2e: a pre-queue lottery seen from the counter. The operator sets the
# opening a few seconds ahead; two customers who join before it are told
# when sales open and that their place is drawn then, with the draw's size;
# the console shows the pre-queue; at the opening the draw happens and both
# are admitted by themselves (max_active 100).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
e2e_init kiosk_prequeue
start_server || { not_ok "ticketd starts"; e2e_done; }
opens=$(date -u -d '+12 seconds' +%Y-%m-%dT%H:%M:%SZ)
check "the operator opens a pre-queue" sh -c "cd '$E2E_WORK' && '$TICKETCTL' admin.queue.set '{\"opens_at\":\"$opens\"}' >/dev/null"
kiosk_start A
kiosk_start B
wait_for A "Welcome" && wait_for B "Welcome"
register A "Early One" >/dev/null
keys A Enter
register B "Early Two" >/dev/null
keys B Enter
check "A is told when sales open" wait_re A "Sales open at [0-9]{2}:[0-9]{2} KST; your place is drawn then"
check "B too" wait_re B "Sales open at [0-9]{2}:[0-9]{2} KST; your place is drawn then"
check "the draw's size is shown" wait_re B "In the draw +2"
console_start C
check "the console shows the pre-queue" wait_for C "PRE-QUEUE"
check "A is admitted after the draw, by itself" wait_for A "Choose a date" 30
check "B too" wait_for B "Choose a date" 30
check "the draw is logged" grep -q "event=prequeue_drawn n=2" "$E2E_WORK/ticketd.log"
e2e_done
