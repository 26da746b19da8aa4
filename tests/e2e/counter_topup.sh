#!/bin/sh
# e2e (issue 17): a box office with --topup staff. The kiosk's wallet says
# "Top up at the counter" with the member's QR instead of charge keys; a
# cashier (a key from `ticketd --add-staff`) signs in to the console, finds
# the member by id, takes 30,000 won in cash; the kiosk sees the balance,
# the end-of-shift summary counts it, and the day's CSV has it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
e2e_init counter_topup
"$TICKETD" --add-staff park cashier --staff-file "$E2E_WORK/staff" >"$E2E_WORK/park.key" 2>/dev/null
check "--add-staff prints a key" grep -Eq '^[0-9a-f]{32}$' "$E2E_WORK/park.key"
start_server --topup staff --staff-file "$E2E_WORK/staff" || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A
wait_for A "Welcome"
U=$(register A 'Choi Yuna')
check "registers" test -n "$U"
keys A Enter
check "on the dates" wait_for A "Choose a date"
keys A w
check "the wallet sends the member to the counter" wait_for A "Top up at the counter"
check "with the QR to show" wait_for A "Show this code to the cashier"
check "and no charge keys" sh -c "! tmux -L '$E2E_SOCK' capture-pane -p -t A | grep -q '1) 10,000 won'"
keys A 1
sleep 0.3
check "a preset key charges nothing" sh -c "! tmux -L '$E2E_SOCK' capture-pane -p -t A | grep -q 'Charged'"

console_start C --admin-key-file "$E2E_WORK/park.key"
check "a cashier's console opens at the counter" wait_for C "Counter: top-ups"
check "it says who is signed in" wait_for C "park (cashier)"
keys C i
type_text C "$U"
keys C Enter
check "the member found by id" wait_re C "balance 0"
keys C c
type_text C 30000
keys C Enter
check "asks how it was paid" wait_for C "paid by 1 cash"
type_text C 1
keys C Enter
check "charged" wait_for C "Charged 30,000 won to"
check "history names method and cashier" wait_re C "charge +30,000 +30,000 +cash park"

keys A Escape
keys A w
check "the kiosk shows the new balance" wait_for A "Balance: 30,000 won"
keys C s
check "end of shift" wait_for C "End of shift: park"
check "the drawer's cash" wait_re C "^ *cash +1 +30,000"
ctl --admin-key-file "$E2E_WORK/park.key" admin.report \
    '{"from":"2000-01-01T00:00:00Z","to":"2099-01-01T00:00:00Z"}' --csv >"$E2E_WORK/day.csv"
check "the day's CSV" grep -qx 'topup,0,park,cash,1,30000' "$E2E_WORK/day.csv"
e2e_done
