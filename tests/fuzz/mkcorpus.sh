#!/bin/sh
# tests/fuzz/mkcorpus.sh -- (re)writes the seed corpus: valid and
# near-valid requests for every method, and a few multi-step flows.
# Placeholders ($U $V $T $S $K, "#tick") are explained in fuzz_rpc.c.
set -eu
cd "$(dirname "$0")"
mkdir -p corpus
n=0
seed() { # name, lines...
    name=$1; shift
    printf '%s\n' "$@" >"corpus/$name"
    n=$((n + 1))
}
seedraw() { # name, printf format: octal escapes (\000) put raw bytes in
    # shellcheck disable=SC2059
    printf "$2" >"corpus/$1"
    n=$((n + 1))
}
r() { # method params -> one request line
    printf '{"jsonrpc":"2.0","id":%s,"method":"%s","params":%s}' "${3:-1}" "$1" "$2"
}
P50=$(awk 'BEGIN{for(i=1;i<=50;i++)printf "%s%d", (i>1?",":""), 1000*i; }')

# --- valid, one per method ---
seed register        "$(r user.register '{"name":"kim"}')"
seed join            "$(r queue.join '{"user_id":"$U"}')"
seed status          "$(r queue.status '{"token":"$T"}')"
seed leave           "$(r queue.leave '{"token":"$T"}')"
seed dates           "$(r dates.list '{"token":"$T"}')"
seed seats           "$(r seats.list '{"token":"$T","date_id":1}')"
seed hold            "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":7}')"
seed release         "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":7}')" "$(r hold.release '{"token":"$T","hold_id":1}')"
seed balance         "$(r wallet.balance '{"user_id":"$U"}')"
seed charge          "$(r wallet.charge '{"user_id":"$U","amount":5000,"request_id":"r1"}')"
seed history         "$(r wallet.history '{"user_id":"$U","limit":5}')"
seed pay             "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":3}')" "$(r payment.pay '{"token":"$T","hold_ids":[1],"request_id":"p1"}')"
seed info            "$(r server.info '{}')"
seed bookings        "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":3}')" "$(r payment.pay '{"token":"$T","hold_ids":[1],"request_id":"p1"}')" "$(r booking.list '{"user_id":"$U"}')"
seed a_concert       "$(r admin.concert.create '{"admin_key":"$K","title":"T","venue":"V"}')"
seed a_date          "$(r admin.date.create "{\"admin_key\":\"\$K\",\"concert_id\":1,\"starts_at\":\"2031-01-01T19:00:00Z\",\"prices\":[$P50]}")"
seed a_date_ranges   "$(r admin.date.create '{"admin_key":"$K","concert_id":1,"starts_at":"2031-01-01T19:00:00+09:00","on_sale_at":"2030-01-01T00:00:00Z","prices":{"1-10":150000,"11-50":90000}}')"
seed a_dashboard     "$(r admin.dashboard '{"admin_key":"$K"}')"
seed a_queue_set     "$(r admin.queue.set '{"admin_key":"$K","paused":true,"max_active":5,"admit_per_min":60}')"
seed a_hold_release  "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":9}')" "$(r admin.hold.release '{"admin_key":"$K","hold_id":1}')"
seed a_refund        "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":4}')" "$(r payment.pay '{"token":"$T","hold_ids":[1],"request_id":"p"}')" "$(r admin.booking.refund '{"admin_key":"$K","booking_id":1}')"
seed a_seats         "$(r admin.seats.list '{"admin_key":"$K","date_id":1}')"
seed a_find          "$(r admin.booking.find '{"admin_key":"$K","code":" tk-abcd-2345 "}')"
seed a_audit         "$(r admin.queue.set '{"admin_key":"$K","paused":false}')" "$(r admin.audit.list '{"admin_key":"$K","limit":10}')"

# --- flows: contention, replays, lapses ---
seed race            "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":1}')" "$(r seat.hold '{"token":"$S","date_id":1,"seat_no":1}')"
seed replay_charge   "$(r wallet.charge '{"user_id":"$U","amount":5000,"request_id":"x"}')" "$(r wallet.charge '{"user_id":"$U","amount":5000,"request_id":"x"}')" "$(r wallet.charge '{"user_id":"$U","amount":6000,"request_id":"x"}')"
seed replay_pay      "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":2}')" "$(r payment.pay '{"token":"$T","hold_ids":[1],"request_id":"q"}')" "$(r payment.pay '{"token":"$T","hold_ids":[1],"request_id":"q"}')" "$(r payment.pay '{"token":"$T","hold_ids":[2],"request_id":"q"}')"
seed pay_four        "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":1}')" "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":2}')" "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":3}')" "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":4}')" "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":5}')" "$(r payment.pay '{"token":"$T","hold_ids":[1,2,3,4],"request_id":"four"}')"
seed poor            "$(r seat.hold '{"token":"$S","date_id":1,"seat_no":1}')" "$(r seat.hold '{"token":"$S","date_id":1,"seat_no":2}')" "$(r seat.hold '{"token":"$S","date_id":1,"seat_no":3}')" "$(r seat.hold '{"token":"$S","date_id":1,"seat_no":4}')" "$(r payment.pay '{"token":"$S","hold_ids":[1,2,3,4],"request_id":"poor"}')"
seed lapse           "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":8}')" "#tick" "$(r payment.pay '{"token":"$T","hold_ids":[1],"request_id":"late"}')" "$(r seat.hold '{"token":"$S","date_id":1,"seat_no":8}')"
seed other_hold      "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":8}')" "$(r hold.release '{"token":"$S","hold_id":1}')" "$(r payment.pay '{"token":"$S","hold_ids":[1],"request_id":"steal"}')"
seed full_line       "$(r admin.queue.set '{"admin_key":"$K","max_active":1}')" "$(r queue.leave '{"token":"$T"}')" "$(r queue.join '{"user_id":"$U"}')" "#tick" "$(r queue.join '{"user_id":"$U"}')" "$(r admin.dashboard '{"admin_key":"$K"}')"
seed find_sold       "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":6}')" "$(r payment.pay '{"token":"$T","hold_ids":[1],"request_id":"f"}')" "$(r admin.booking.find '{"admin_key":"$K","code":"TK-"}')"
seed refund_rebuy    "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":4}')" "$(r payment.pay '{"token":"$T","hold_ids":[1],"request_id":"p"}')" "$(r admin.booking.refund '{"admin_key":"$K","booking_id":1}')" "$(r admin.booking.refund '{"admin_key":"$K","booking_id":1}')" "$(r seat.hold '{"token":"$S","date_id":1,"seat_no":4}')"

# --- near-valid: envelope, types, ranges ---
seed e_notjson       '{"jsonrpc":"2.0","id":1,"method":"user.register","params":{"name":"a"}'
seed e_array         '[{"jsonrpc":"2.0","id":1,"method":"user.register","params":{"name":"a"}}]'
seed e_version       '{"jsonrpc":"1.0","id":1,"method":"user.register","params":{"name":"a"}}'
seed e_noid          '{"jsonrpc":"2.0","method":"user.register","params":{"name":"a"}}'
seed e_strid         '{"jsonrpc":"2.0","id":"abc","method":"wallet.balance","params":{"user_id":"$U"}}'
seed e_bigid         '{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"nope","params":{}}'
seed e_posparams     '{"jsonrpc":"2.0","id":1,"method":"user.register","params":["a"]}'
seed e_unknown       "$(r no.such.method '{}')"
seed e_empty         ''
seed e_nul           "$(printf '{"jsonrpc":"2.0","id":1,"method":"user.register","params":{"name":"a\\u0000b"}}')"
seed p_name_long     "$(r user.register "{\"name\":\"$(head -c 300 /dev/zero | tr '\0' x)\"}")"
seed p_name_ctrl     "$(r user.register '{"name":"a\u0007b"}')"
seed p_name_type     "$(r user.register '{"name":12}')"
seed p_uuid_bad      "$(r wallet.balance '{"user_id":"not-a-uuid"}')"
seed p_uuid_unknown  "$(r wallet.balance '{"user_id":"00000000-0000-4000-8000-000000000000"}')"
seed p_amount_float  "$(r wallet.charge '{"user_id":"$U","amount":1.5,"request_id":"f"}')"
seed p_amount_huge   "$(r wallet.charge '{"user_id":"$U","amount":1e300,"request_id":"h"}')"
seed p_amount_neg    "$(r wallet.charge '{"user_id":"$U","amount":-5,"request_id":"n"}')"
seed p_amount_ceil   "$(r wallet.charge '{"user_id":"$U","amount":1000000,"request_id":"a"}')" "$(r wallet.charge '{"user_id":"$U","amount":1000000,"request_id":"b"}')" "$(r wallet.charge '{"user_id":"$U","amount":9000000,"request_id":"c"}')"
seed p_reqid_long    "$(r wallet.charge "{\"user_id\":\"\$U\",\"amount\":5,\"request_id\":\"$(head -c 80 /dev/zero | tr '\0' r)\"}")"
seed p_seat_range    "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":51}')" "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":0}')" "$(r seat.hold '{"token":"$T","date_id":99,"seat_no":1}')"
seed p_seat_str      "$(r seat.hold '{"token":"$T","date_id":"1","seat_no":"2"}')"
seed p_token_forged  "$(r dates.list '{"token":"t1.AAAA.BBBB"}')"
seed p_token_type    "$(r dates.list '{"token":null}')"
seed p_holds_empty   "$(r payment.pay '{"token":"$T","hold_ids":[],"request_id":"e"}')"
seed p_holds_five    "$(r payment.pay '{"token":"$T","hold_ids":[1,2,3,4,5],"request_id":"e"}')"
seed p_holds_dup     "$(r seat.hold '{"token":"$T","date_id":1,"seat_no":2}')" "$(r payment.pay '{"token":"$T","hold_ids":[1,1],"request_id":"d"}')"
seed p_holds_mixed   "$(r payment.pay '{"token":"$T","hold_ids":[1,"2",null,2.5],"request_id":"m"}')"
seed p_history_lim   "$(r wallet.history '{"user_id":"$U","limit":0}')" "$(r wallet.history '{"user_id":"$U","limit":100000}')"
seed p_admin_wrong   "$(r admin.dashboard '{"admin_key":"wrong"}')" "$(r admin.concert.create '{"title":"x","venue":"y"}')"
seed p_prices_short  "$(r admin.date.create '{"admin_key":"$K","concert_id":1,"starts_at":"2031-01-01T19:00:00Z","prices":[1,2,3]}')"
seed p_prices_ranges "$(r admin.date.create '{"admin_key":"$K","concert_id":1,"starts_at":"2031-01-01T19:00:00Z","prices":{"1-10":1,"5-60":2,"x":3}}')"
seed p_starts_bad    "$(r admin.date.create "{\"admin_key\":\"\$K\",\"concert_id\":1,\"starts_at\":\"2031-13-45T99:00:00Z\",\"prices\":[$P50]}")"
seed p_queue_set_bad "$(r admin.queue.set '{"admin_key":"$K","max_active":-1,"admit_per_min":1e20,"paused":"yes"}')"
seed p_audit_before  "$(r admin.audit.list '{"admin_key":"$K","before_id":-3,"limit":501}')"
seed p_refund_none   "$(r admin.booking.refund '{"admin_key":"$K","booking_id":77}')"
seed p_deep          "$(r user.register '{"name":"a","x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}')"
seed p_utf8          "$(r user.register '{"name":"김민수 🎫"}')"
seed p_utf8_bad      "$(printf '{"jsonrpc":"2.0","id":1,"method":"user.register","params":{"name":"\300\257"}}')"
seed p_dup_keys      '{"jsonrpc":"2.0","id":1,"method":"wallet.balance","method":"user.register","params":{"name":"a","name":"b"}}'
# --- strict input (common/jsoncheck.c): each is PARSE_ERROR, id null ---
# Raw bytes a lenient parser took: a NUL cutting a request_id or a name,
# controls, invalid UTF-8 in id/method/params, numbers, whitespace, depth.
E='{"jsonrpc":"2.0","id":1,"method":'
seedraw s_nul_reqid     "$E\"wallet.charge\",\"params\":{\"user_id\":\"\$U\",\"amount\":100,\"request_id\":\"abc\000first\"}}\n$E\"wallet.charge\",\"params\":{\"user_id\":\"\$U\",\"amount\":100,\"request_id\":\"abc\000second\"}}\n$E\"wallet.history\",\"params\":{\"user_id\":\"\$U\"}}"
seedraw s_nul_name      "$E\"user.register\",\"params\":{\"name\":\"Kim\000Evil\"}}"
seedraw s_ctrl_raw      "$E\"user.register\",\"params\":{\"name\":\"a\001b\"}}\n$E\"user.register\",\"params\":{\"name\":\"a\tb\"}}\n$E\"user.register\",\"params\":{\"name\":\"a\037\"}}"
seedraw s_utf8_id       '{"jsonrpc":"2.0","id":"\377\376","method":"no.such"}'
seedraw s_utf8_method   "$E\"no.\300\257\"}\n$E\"wallet.balance\\355\240\200\",\"params\":{\"user_id\":\"\$U\"}}"
seedraw s_utf8_range    "$E\"user.register\",\"params\":{\"name\":\"\355\240\200\"}}\n$E\"user.register\",\"params\":{\"name\":\"\364\220\200\200\"}}\n$E\"user.register\",\"params\":{\"name\":\"\340\200\257\"}}\n$E\"user.register\",\"params\":{\"name\":\"\344\270\"}}"
seedraw s_lone_escape   "$E\"user.register\",\"params\":{\"name\":\"\\\\ud800\"}}\n$E\"user.register\",\"params\":{\"name\":\"\\\\udc00x\"}}\n$E\"user.register\",\"params\":{\"name\":\"\\\\ud83c\\\\udfab\"}}"
seedraw s_leading_zero  '{"jsonrpc":"2.0","id":007,"method":"wallet.balance","params":{"user_id":"$U"}}\n{"jsonrpc":"2.0","id":1,"method":"wallet.charge","params":{"user_id":"$U","amount":00100,"request_id":"z"}}\n{"jsonrpc":"2.0","id":1,"method":"wallet.charge","params":{"user_id":"$U","amount":100.,"request_id":"d"}}\n{"jsonrpc":"2.0","id":-,"method":"x"}'
seedraw s_whitespace    "\357\273\277$E\"user.register\",\"params\":{\"name\":\"bom\"}}\n\013$E\"user.register\",\"params\":{\"name\":\"vt\"}}\n$E\"user.register\",\"params\":{\"name\":\"nul\"}}\000"
seedraw s_admin_ctrl    "$E\"admin.concert.create\",\"params\":{\"admin_key\":\"\$K\",\"title\":\"T\001\",\"venue\":\"V\"}}\n$E\"admin.audit.list\",\"params\":{\"admin_key\":\"\$K\"}}"
seed s_deep             "$(head -c 10000 /dev/zero | tr '\0' '[')$(head -c 10000 /dev/zero | tr '\0' ']')"
seed s_deep_limit       "$(r user.register "{\"name\":\"d\",\"x\":$(head -c 62 /dev/zero | tr '\0' '[')$(head -c 62 /dev/zero | tr '\0' ']')}")" "$(r user.register "{\"name\":\"d\",\"x\":$(head -c 63 /dev/zero | tr '\0' '[')$(head -c 63 /dev/zero | tr '\0' ']')}")"
# Over RPC_MAX_MSG (64 KiB): INVALID_REQUEST "message over 65536 bytes".
# (make fuzz caps mutations at 8 KiB; tests/unit_fuzz replays it whole.)
seed e_oversized     "$(r user.register "{\"name\":\"$(head -c 66000 /dev/zero | tr '\0' x)\"}")"
echo "$n seeds in corpus/"
