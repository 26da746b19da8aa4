#!/bin/sh
# e2e: venue time. The host says TZ=UTC (kiosk_start sets it), the demo's
# Seoul concerts start in the evening there, and every screen shows Seoul's
# clock with its abbreviation: the kiosk's dates, seat map, ticket and
# history, the console's dashboard, seat map, forms and audit log. A date
# typed as 19:00+09:00 or as a local 19:00 shows as 19:00 KST; a concert in
# Europe/Berlin shows Berlin's clock.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
e2e_init venue_time
start_server || { not_ok "ticketd starts"; e2e_done; }

kiosk_start K
wait_for K "Welcome to the box office" >/dev/null
check "kiosk registers" test -n "$(register K "Kim Minji")"
keys K Enter
check "dates list loads" wait_for K "free  held  sold"
# the demo's shows start at 17:00..20:00 Seoul time (08:00..11:00 UTC)
check "kiosk dates are in Seoul time with KST" wait_re K "20[0-9]{2}-[0-9]{2}-[0-9]{2} 20:00 KST"
check "no date shows the UTC hour" sh -c "! tmux -L '$E2E_SOCK' capture-pane -p -t K | grep -Eq '(08|09|10|11):00 KST'"
keys K Enter
check "seat map's title line has KST" wait_re K "20:00 KST"
charge K 4
wait_for K "STAGE" >/dev/null
keys K Enter
check "a seat held" wait_for K "[* 1]"
keys K c
check "checkout" wait_for K "Seat A-1"
keys K Enter
check "ticket after payment" wait_for K "Booking code"
check "the ticket's date is in KST" wait_re K "Date +20[0-9-]+ 20:00 KST"
keys K b
check "history lists the booking in KST" wait_re K "20:00 KST"

console_start C
check "console dashboard shows KST" wait_re C "20[0-9]{2}-[0-9]{2}-[0-9]{2} 19:00 KST +IU"
# a date typed with an offset shows at that clock (it showed 10:00 before)
keys C n
check "date form" wait_for C "New date"
keys C BTab
backspace C 4
type_text C "2"
keys C Tab
DAY=$(date -u -d '+30 day' +%Y-%m-%d)
type_text C "${DAY}T19:30+09:00"
check "the form says what it means in venue time" wait_for C "$DAY 19:30 KST"
keys C Tab Tab
type_text C "1-50:1000"
keys C Enter
check "offset date created" wait_for C "created."
check "it shows as 19:30 KST on the dashboard" wait_re C "$DAY 19:30 KST +Seoul Phil"
# a local time without an offset is the concert's clock
keys C n
wait_for C "New date" >/dev/null
keys C BTab
backspace C 4
type_text C "3"
keys C Tab
type_text C "$DAY 18:45"
check "a local time is read in Seoul" wait_for C "$DAY 18:45 KST"
keys C Tab Tab
type_text C "1-50:1000"
keys C Enter
check "local date shows as 18:45 KST" wait_re C "$DAY 18:45 KST +NewJeans"
# a concert in Berlin shows Berlin's clock
keys C c
wait_for C "New concert" >/dev/null
type_text C "Berliner Phil"
keys C Tab
type_text C "Philharmonie"
keys C Tab
type_text C "Europe/Berlin"
keys C Enter
check "Berlin concert created, its date form follows" wait_for C "New date"
WINTER=$(($(date -u +%Y) + 1))-12-20
type_text C "$WINTER 20:00"
check "the form reads it in Berlin" wait_for C "$WINTER 20:00 CET"
keys C Tab Tab
type_text C "1-50:1000"
keys C Enter
check "Berlin's date shows 20:00 CET" wait_re C "$WINTER 20:00 CET +Berliner Phil"
check "...which is 19:00 UTC on the wire" wait_ctl 5 "${WINTER}T19:00:00Z" admin.dashboard
keys C s
check "console seat map title in venue time" wait_re C "Seats of date [0-9]+: .* [0-9]{2}:[0-9]{2} (KST|CET)"
keys C Escape
keys C l
check "audit log times are the server's zone" wait_re C "time \(KST\)"
e2e_done
