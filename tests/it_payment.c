/* tests/it_payment.c -- payment.pay and booking.list: success (seats sold,
 * token expired, ledger), INSUFFICIENT_FUNDS then retry, replay, CONFLICT,
 * HOLD_NOT_FOUND, all-or-nothing, hold_ids validation. */
#include "common/util.h"
#include "tests/lib/harness.h"

static rpc_reply pay_rid(th_server *s, th_user *u, const int64_t *ids, int n, const char *rid)
{
    return th_call(s, "payment.pay", "{\"token\":\"%s\",\"hold_ids\":%s,\"request_id\":\"%s\"}",
                   u->token, th_ids_json(ids, n), rid);
}

START_TEST(pay_success)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 9, 100000);
    th_user u;
    th_user_active(s, &u, "Buyer", 300000);
    int64_t h[2] = {th_hold(s, &u, d, 21), th_hold(s, &u, d, 22)};
    rpc_reply p = pay_rid(s, &u, h, 2, "pay-1");
    TH_OK(p);
    ck_assert_int_gt(th_int(p.result, "payment_id"), 0);
    ck_assert_int_eq(th_int(p.result, "amount"), 200000);
    ck_assert_int_eq(th_int(p.result, "balance"), 100000);
    const cJSON *bk = th_arr(p.result, "bookings");
    ck_assert_int_eq(cJSON_GetArraySize(bk), 2);
    const cJSON *b;
    int seats_seen = 0;
    cJSON_ArrayForEach(b, bk) {
        ck_assert_int_gt(th_int(b, "booking_id"), 0);
        ck_assert_int_gt(strlen(th_str(b, "code")), 4);
        ck_assert_int_eq(th_int(b, "date_id"), d);
        ck_assert_int_eq(th_int(b, "price"), 100000);
        seats_seen |= 1 << (th_int(b, "seat_no") - 21);
    }
    ck_assert_int_eq(seats_seen, 3);
    ck_assert_str_ne(th_str(cJSON_GetArrayItem(bk, 0), "code"),
                     th_str(cJSON_GetArrayItem(bk, 1), "code"));
    ck_assert_int_eq(th_balance(s, u.user_id), 100000);

    /* The token is paid out. */
    TH_ERR(th_call(s, "queue.status", "{\"token\":\"%s\"}", u.token), TK_TOKEN_EXPIRED);
    TH_ERR(th_call(s, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":30}", u.token,
                   (long long)d),
           TK_TOKEN_EXPIRED);

    rpc_reply l = th_call(s, "booking.list", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(l);
    const cJSON *list = th_arr(l.result, "bookings");
    ck_assert_int_eq(cJSON_GetArraySize(list), 2);
    cJSON_ArrayForEach(b, list) {
        ck_assert_str_eq(th_str(b, "state"), "paid");
        ck_assert_str_eq(th_str(b, "title"), "Test Concert");
        ck_assert_str_eq(th_str(b, "venue"), "Hall A"); /* a ticket says where */
        ck_assert_int_eq(th_int(b, "price"), 100000);
        int64_t ms;
        ck_assert(time_parse(th_str(b, "starts_at"), &ms));
        ck_assert(time_parse(th_str(b, "paid_at"), &ms));
        th_int(b, "booking_id");
        th_str(b, "code");
        int64_t no = th_int(b, "seat_no");
        ck_assert(no == 21 || no == 22);
    }
    rpc_reply h2 = th_call(s, "wallet.history", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(h2);
    const cJSON *top = cJSON_GetArrayItem(th_arr(h2.result, "entries"), 0);
    ck_assert_str_eq(th_str(top, "kind"), "payment");
    ck_assert_int_eq(th_int(top, "amount"), -200000);
    ck_assert_int_eq(th_int(top, "balance"), 100000);

    /* Seats are sold; a new token is needed to book again. */
    th_user other;
    th_user_active(s, &other, "Other", 0);
    ck_assert_str_eq(th_str(th_seat(s, &other, d, 21), "state"), "sold");
    char old[TOKEN_MAX_LEN];
    strcpy(old, u.token);
    ck_assert_str_eq(th_join(s, &u), "active");
    ck_assert_str_ne(u.token, old);
    th_money_check(s, &u, 1, 0);
}
END_TEST

START_TEST(insufficient_then_retry)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 9, 100000);
    th_user u;
    th_user_active(s, &u, "Short", 50000);
    int64_t h = th_hold(s, &u, d, 3);
    rpc_reply p = pay_rid(s, &u, &h, 1, "retry-me");
    TH_ERR(p, TK_INSUFFICIENT_FUNDS);
    ck_assert_int_eq(th_int(p.data, "balance"), 50000);
    ck_assert_int_eq(th_int(p.data, "amount"), 100000);
    /* Nothing moved; the hold stays, the token stays active. */
    ck_assert_int_eq(th_balance(s, u.user_id), 50000);
    const cJSON *seat = th_seat(s, &u, d, 3);
    ck_assert_str_eq(th_str(seat, "state"), "held");
    ck_assert(th_bool(seat, "mine"));
    th_charge(s, &u, 50000);
    p = pay_rid(s, &u, &h, 1, "retry-me");
    TH_OK(p);
    ck_assert_int_eq(th_int(p.result, "balance"), 0);
    ck_assert_int_eq(th_balance(s, u.user_id), 0);
    th_money_check(s, &u, 1, 0);
}
END_TEST

START_TEST(pay_replay_and_conflict)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 9, 40000);
    th_user u;
    th_user_active(s, &u, "Twice", 100000);
    int64_t h = th_hold(s, &u, d, 8);
    rpc_reply p1 = pay_rid(s, &u, &h, 1, "once");
    TH_OK(p1);
    rpc_reply p2 = pay_rid(s, &u, &h, 1, "once");
    TH_OK(p2);
    ck_assert_int_eq(th_int(p2.result, "payment_id"), th_int(p1.result, "payment_id"));
    ck_assert_int_eq(th_int(p2.result, "amount"), 40000);
    ck_assert_int_eq(th_int(p2.result, "balance"), 60000);
    ck_assert_int_eq(th_balance(s, u.user_id), 60000);
    int64_t other = h + 1000;
    TH_ERR(pay_rid(s, &u, &other, 1, "once"), TK_CONFLICT);
    rpc_reply l = th_call(s, "booking.list", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(l);
    ck_assert_int_eq(cJSON_GetArraySize(th_arr(l.result, "bookings")), 1);
    th_money_check(s, &u, 1, 0);
}
END_TEST

START_TEST(pay_hold_not_found_all_or_nothing)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 9, 10000);
    th_user a, b;
    th_user_active(s, &a, "A", 100000);
    th_user_active(s, &b, "B", 100000);
    int64_t ha = th_hold(s, &a, d, 1);
    int64_t hb = th_hold(s, &b, d, 2);
    int64_t bogus = 999999;
    TH_ERR(th_pay(s, &a, &bogus, 1), TK_HOLD_NOT_FOUND);
    TH_ERR(th_pay(s, &a, &hb, 1), TK_HOLD_NOT_FOUND); /* not a's */
    int64_t mixed[2] = {ha, hb};
    TH_ERR(th_pay(s, &a, mixed, 2), TK_HOLD_NOT_FOUND);
    /* Nothing happened: balance, holds and seats as before. */
    ck_assert_int_eq(th_balance(s, a.user_id), 100000);
    ck_assert_int_eq(th_balance(s, b.user_id), 100000);
    ck_assert_str_eq(th_str(th_seat(s, &a, d, 1), "state"), "held");
    ck_assert_str_eq(th_str(th_seat(s, &b, d, 2), "state"), "held");
    rpc_reply l = th_call(s, "booking.list", "{\"user_id\":\"%s\"}", a.user_id);
    TH_OK(l);
    ck_assert_int_eq(cJSON_GetArraySize(th_arr(l.result, "bookings")), 0);
    TH_OK(th_pay(s, &a, &ha, 1));
    TH_OK(th_pay(s, &b, &hb, 1));
    th_user both[2] = {a, b};
    th_money_check(s, both, 2, 0);
}
END_TEST

START_TEST(pay_params)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 9, 10000);
    th_user u;
    th_user_active(s, &u, "P", 100000);
    int64_t h = th_hold(s, &u, d, 1);
    TH_ERR_FIELD(th_call(s, "payment.pay", "{\"token\":\"%s\",\"hold_ids\":[],\"request_id\":\"r\"}",
                         u.token),
                 "hold_ids");
    TH_ERR_FIELD(th_call(s, "payment.pay",
                         "{\"token\":\"%s\",\"hold_ids\":[1,2,3,4,5],\"request_id\":\"r\"}", u.token),
                 "hold_ids");
    TH_ERR_FIELD(th_call(s, "payment.pay", "{\"token\":\"%s\",\"hold_ids\":\"x\",\"request_id\":\"r\"}",
                         u.token),
                 "hold_ids");
    TH_ERR_FIELD(th_call(s, "payment.pay",
                         "{\"token\":\"%s\",\"hold_ids\":[1.5],\"request_id\":\"r\"}", u.token),
                 "hold_ids");
    TH_ERR_FIELD(th_call(s, "payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld]}", u.token,
                         (long long)h),
                 "request_id");
    TH_ERR_FIELD(th_call(s, "payment.pay", "{\"hold_ids\":[%lld],\"request_id\":\"r\"}",
                         (long long)h),
                 "token");
    ck_assert_int_eq(th_balance(s, u.user_id), 100000);
    TH_OK(th_pay(s, &u, &h, 1));
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_payment");
    TCase *tc = th_tcase("payment");
    tcase_add_test(tc, pay_success);
    tcase_add_test(tc, insufficient_then_retry);
    tcase_add_test(tc, pay_replay_and_conflict);
    tcase_add_test(tc, pay_hold_not_found_all_or_nothing);
    tcase_add_test(tc, pay_params);
    suite_add_tcase(su, tc);
    return th_main(su);
}
