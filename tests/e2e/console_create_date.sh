#!/bin/sh
# e2e: create a concert and a date with tiered prices in the console; the
# form refuses bad input before sending and names the concert its id
# stands for; the new date shows on the console dashboard, in the audit
# log, and on a kiosk's list of dates.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
e2e_init console_create_date
start_server || { not_ok "ticketd starts"; e2e_done; }
console_start C

check "dashboard lists the demo dates" wait_for C "Seoul Philharmonic"
check "dashboard shows the queue and the server" wait_for C "req/s"
resize C 79 24
check "console under 80x24 says the terminal is too small" wait_for C "terminal too small (need 80x24)"
resize C 80 24
check "console recovers at 80x24" wait_for C "req/s"
keys C c
check "concert form opens" wait_for C "New concert"
keys C Enter
check "an empty title is refused on the form" wait_for C "Title is empty."
type_text C "E2E Live"
keys C Tab
type_text C "Test Hall"
keys C Enter
check "concert created" wait_for C "created."
check "date form follows" wait_for C "New date"
check "it names the concert just created" wait_for C "E2E Live @ Test Hall"

type_text C "2001-01-01T00:00:00Z"
keys C Enter
check "a start in the past is refused on the form" wait_for C "Start must be in the future."
backspace C 20
START=$(date -u -d '+1 day' +%Y-%m-%dT%H:00:00Z)
type_text C "$START"
keys C Tab Tab
type_text C "1-10:70000,11-49:40000"
keys C Enter
check "a seat without a price is refused" wait_for C "Seat 50 has no price."
type_text C ",50:1000"
keys C Enter
check "date created" wait_for C "Date "
check "the new date is on the dashboard" wait_for C "E2E Live @ Test Hall"
check "its row counts 50 free seats" wait_re C "E2E Live @ Test Hall.* 0/0/50 "

keys C l
check "the audit log has the creation" wait_re C "admin\.date\.create +ok +ipc"
check "the audit log has the concert" wait_re C "admin\.concert\.create +ok"
keys C Escape
# the date form names whichever concert its id stands for, as it is typed
keys C n
check "a date form from the dashboard" wait_for C "New date"
keys C BTab # from the start time back to the concert id
backspace C 4
type_text C "1"
check "concert 1 is named under its id" wait_for C "IU 콘서트 <HEREH> @ 잠실 올림픽주경기장"
type_text C "9"
check "an id the console does not know names nothing" wait_gone C "@ 잠실"
keys C Escape

kiosk_start K
wait_for K "Welcome to the box office" >/dev/null
ID=$(register K "Lee Jieun")
check "kiosk member registered" test -n "$ID"
keys K Enter
check "kiosk lists dates" wait_for K "Choose a date"
check "the console's new date is on the kiosk" wait_for K "E2E Live"
e2e_done
