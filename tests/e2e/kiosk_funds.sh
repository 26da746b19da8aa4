#!/bin/sh
# e2e: paying with an empty wallet leads to the wallet, a charge brings the
# customer back to checkout, and the retried payment goes through.
. "$(dirname "$0")/lib.sh"
e2e_init kiosk_funds
start_server || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A
wait_for A "Welcome"
check "registers" test -n "$(register A 'Park Seoyeon')"
check "on the seat map" to_seats A
# seat 41 (row E, 50,000 won): down four rows
keys A j j j j Enter
check "holds seat 41" wait_for A "[*41]"
keys A c
check "checkout total" wait_for A "50,000 won"
check "balance is zero" wait_re A "Balance +0 won"
keys A Enter
check "insufficient funds explained" wait_for A "Not enough money: balance 0 won, need 50,000 won. Charge first."
check "the wallet opens by itself" wait_for A "1) 10,000 won"
check "the other-amount key is labelled" wait_for A "c) other amount"
keys A 1
check "a too-small charge is taken" wait_for A "Charged 10,000 won"
check "back at checkout, still short: it says so before Enter" wait_for A "balance is short: press w"
keys A Enter
check "still short: explained again" wait_for A "balance 10,000 won, need 50,000 won"
# custom amount this time
keys A c
type_text A 40000
keys A Enter
check "custom charge back at checkout" wait_re A "Balance +50,000 won"
check "enough now: Enter pays" wait_for A "Press Enter to pay"
keys A Enter
check "payment goes through" wait_for A "Booking code"
check "ticket for seat 41" wait_re A "Seat +E-41"
e2e_done
