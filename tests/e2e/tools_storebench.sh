#!/bin/sh
# e2e: ticket-storebench (the store's CPU per hold and payment, no sockets)
# runs a small sale on a real SQLite file, reports both figures and a clean
# invariant check, and refuses bad arguments. It measures; this keeps it
# working as the domain and the store change.
. "$(dirname "$0")/lib.sh"
e2e_init tools_storebench
SB=$(dirname "$TICKETD")/ticket-storebench
out=$E2E_WORK/storebench.log

run_small() { "$SB" --users 600 --batch 16 --db "$E2E_WORK/sb.db" >"$out" 2>"$E2E_WORK/sb.err"; }
check "a 600-user sale runs to the end" run_small
# "hold 600 calls X commit Y flush Z total T us each", T > 0
positive_total() { grep -Eq "^$1 +600 .*total +[0-9]*[1-9][0-9]*\.[0-9] us each" "$out"; }
check "it reports the CPU per hold" positive_total hold
check "it reports the CPU per payment" positive_total payment
check "the invariants hold after the sale" grep -qx 'invariants: clean' "$out"
sold() { [ "$(sqlite3 "$E2E_WORK/sb.db" 'SELECT count(*) FROM bookings WHERE state=0')" = 600 ]; }
check "every user's seat is sold in the database" sold
refused() { "$SB" --users 0 >/dev/null 2>&1; [ $? -eq 2 ]; }
check "--users 0 is refused with status 2" refused
e2e_done
