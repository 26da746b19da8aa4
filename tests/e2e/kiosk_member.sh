#!/bin/sh
# e2e: a new member gets their id with a QR code of it beside; a returning
# member signs in with it, typed as it comes (capitals, no dashes: what a
# scanner or a hurried hand types), and a wrong id is explained.
. "$(dirname "$0")/lib.sh"
e2e_init kiosk_member
start_server || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A
wait_for A "Welcome" >/dev/null
check "the sign-in line mentions scanning" wait_for A "Type or scan your member id"
ID=$(register A "Choi Yuna")
check "registered" test -n "$ID"
check "the id is shown with a QR code beside it" wait_re A "$ID +██"
check "and how to keep it" wait_for A "A photo of the code scans at any kiosk."
# a 25-module code and its quiet zone: 15 rows of half blocks in the box
ROWS=$(screen A | grep -c -e '█ │$' -e '▀ │$')
check "the code is whole ($ROWS rows)" test "$ROWS" -eq 15

kiosk_start B
wait_for B "Welcome" >/dev/null
type_text B "0123"
keys B Enter
check "a wrong id is explained" wait_for B "That is not a member id"
keys B Escape
SCANNED=$(echo "$ID" | tr -d - | tr a-f A-F)
type_text B "$SCANNED"
keys B Enter
check "the member signs in with the id in capitals, without dashes" wait_for B "Choose a date"
keys B w
check "it is the same member (their wallet)" wait_for B "Balance: 0 won"
e2e_done
