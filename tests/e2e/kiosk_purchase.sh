#!/bin/sh
# e2e: a full purchase at one kiosk, welcome -> ticket, with a golden seat
# map (80x24, volatile fields masked).
. "$(dirname "$0")/lib.sh"
e2e_init kiosk_purchase
start_server || { not_ok "ticketd starts"; e2e_done; }
kiosk_start A

check "welcome screen shows" wait_for A "Welcome to the box office"
ID=$(register A "Kim Minji")
check "registration shows a member id" test -n "$ID"
keys A Enter
check "queue admits and dates list shows" wait_for A "free  held  sold"
# at 80 columns title and venue share the row: what does not fit is cut
# with an ellipsis, what fits is whole
check "a venue that fits is whole" wait_for A "KSPO Dome"
check "a venue too long for 80 columns is cut with an ellipsis" \
    wait_for A "예술의전당 …"
keys A Enter
check "the first date's seat map opens" wait_for A "STAGE"

# the golden map: grid, stage, legend, prices; seat 1 under the cursor
screen A | mask | sed -n '5,20p' >"$E2E_WORK/map.txt"
cat >"$E2E_WORK/map.want" <<'MAP'
                         ==========  STAGE  ==========

       A  [  1] [  2] [  3] [  4] [  5]   [  6] [  7] [  8] [  9] [ 10]

       B  [ 11] [ 12] [ 13] [ 14] [ 15]   [ 16] [ 17] [ 18] [ 19] [ 20]

       C  [ 21] [ 22] [ 23] [ 24] [ 25]   [ 26] [ 27] [ 28] [ 29] [ 30]

       D  [ 31] [ 32] [ 33] [ 34] [ 35]   [ 36] [ 37] [ 38] [ 39] [ 40]

       E  [ 41] [ 42] [ 43] [ 44] [ 45]   [ 46] [ 47] [ 48] [ 49] [ 50]

       [   ] free   [#  ] held   [*  ] yours   [X  ] sold
       Prices: 1-10 120,000  11-30 90,000  31-50 50,000
       Seat A-1: 120,000 won, free
       Your seats:
MAP
check "seat map matches the 80x24 golden capture" diff -u "$E2E_WORK/map.want" "$E2E_WORK/map.txt"

charge A 4
check "wallet charged, back on the map" wait_for A "STAGE"
# seat 13: down one row, right two
keys A j l l Enter
check "hold shows as mine" wait_for A "[*13]"
check "hold message names the seat" wait_for A "Seat B-13 is yours"
keys A c
check "checkout lists the seat and total" wait_for A "Seat B-13"
check "checkout shows a countdown" sh -c "tmux -L '$E2E_SOCK' capture-pane -p -t A | grep -Eq 'Time left +0[45]:[0-9]{2} \\['"
keys A Enter
check "ticket screen after payment" wait_for A "Booking code"
check "ticket shows the seat" sh -c "tmux -L '$E2E_SOCK' capture-pane -p -t A | grep -Eq 'Seat +B-13'"
check "ticket shows the venue" sh -c "tmux -L '$E2E_SOCK' capture-pane -p -t A | grep -Eq 'Venue +예술의전당 콘서트홀'"
check "ticket shows a booking code" sh -c "tmux -L '$E2E_SOCK' capture-pane -p -t A | grep -Eq 'TK-[A-Z0-9]'"
check "ticket shows a QR code" sh -c "tmux -L '$E2E_SOCK' capture-pane -p -t A | grep -q '█'"
keys A b
check "history lists the booking" wait_for A "My bookings"
check "history row has the seat price" wait_for A "90,000"
keys A Enter
check "a ticket from history shows the venue too" wait_re A "Venue +예술의전당 콘서트홀"
keys A Escape
keys A Escape Enter
check "done returns to welcome" wait_for A "Welcome to the box office"
e2e_done
