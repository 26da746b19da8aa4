/* tests/it_wallet.c -- user.register, wallet.balance/charge/history and
 * booking.list by user_id: success, replay, CONFLICT, AMOUNT_INVALID,
 * BALANCE_LIMIT, USER_NOT_FOUND. */
#include "common/util.h"
#include "tests/lib/harness.h"

#define NOBODY "00000000-0000-4000-8000-0000000000aa"

static rpc_reply charge(th_server *s, const char *user, const char *amount, const char *rid)
{
    return th_call(s, "wallet.charge", "{\"user_id\":\"%s\",\"amount\":%s,\"request_id\":\"%s\"}",
                   user, amount, rid);
}

START_TEST(register_and_charge)
{
    th_server *s = th_start(NULL);
    th_user u, v;
    th_user_new(s, &u, "Kim Minji");
    th_user_new(s, &v, "Kim Minji"); /* names need not be unique */
    ck_assert_str_ne(u.user_id, v.user_id);
    ck_assert_int_eq(th_balance(s, u.user_id), 0);
    rpc_reply r = charge(s, u.user_id, "50000", "c1");
    TH_OK(r);
    ck_assert_int_eq(th_int(r.result, "balance"), 50000);
    int64_t entry = th_int(r.result, "entry_id");
    ck_assert_int_gt(entry, 0);
    ck_assert_int_eq(th_balance(s, u.user_id), 50000);
    ck_assert_int_eq(th_balance(s, v.user_id), 0);

    rpc_reply h = th_call(s, "wallet.history", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(h);
    const cJSON *entries = th_arr(h.result, "entries");
    ck_assert_int_eq(cJSON_GetArraySize(entries), 1);
    const cJSON *e = cJSON_GetArrayItem(entries, 0);
    ck_assert_int_eq(th_int(e, "entry_id"), entry);
    ck_assert_str_eq(th_str(e, "kind"), "charge");
    ck_assert_int_eq(th_int(e, "amount"), 50000);
    ck_assert_int_eq(th_int(e, "balance"), 50000);
    int64_t at = 0;
    ck_assert(time_parse(th_str(e, "at"), &at));

    rpc_reply b = th_call(s, "booking.list", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(b);
    ck_assert_int_eq(cJSON_GetArraySize(th_arr(b.result, "bookings")), 0);
}
END_TEST

START_TEST(charge_replay_and_conflict)
{
    th_server *s = th_start(NULL);
    th_user u, v;
    th_user_new(s, &u, "U");
    th_user_new(s, &v, "V");
    rpc_reply first = charge(s, u.user_id, "30000", "same-id");
    TH_OK(first);
    rpc_reply again = charge(s, u.user_id, "30000", "same-id");
    TH_OK(again);
    ck_assert_int_eq(th_int(again.result, "entry_id"), th_int(first.result, "entry_id"));
    ck_assert_int_eq(th_int(again.result, "balance"), 30000);
    ck_assert_int_eq(th_balance(s, u.user_id), 30000);
    TH_ERR(charge(s, u.user_id, "40000", "same-id"), TK_CONFLICT);
    ck_assert_int_eq(th_balance(s, u.user_id), 30000);
    /* request_id is per user: another member may use the same one. */
    rpc_reply other = charge(s, v.user_id, "40000", "same-id");
    TH_OK(other);
    ck_assert_int_eq(th_int(other.result, "balance"), 40000);
    /* A replay after later charges still returns the first result. */
    TH_OK(charge(s, u.user_id, "1000", "next-id"));
    again = charge(s, u.user_id, "30000", "same-id");
    TH_OK(again);
    ck_assert_int_eq(th_int(again.result, "entry_id"), th_int(first.result, "entry_id"));
    ck_assert_int_eq(th_int(again.result, "balance"), 30000);
    ck_assert_int_eq(th_balance(s, u.user_id), 31000);
    rpc_reply h = th_call(s, "wallet.history", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(h);
    ck_assert_int_eq(cJSON_GetArraySize(th_arr(h.result, "entries")), 2);
}
END_TEST

START_TEST(amount_invalid)
{
    th_server *s = th_start(NULL);
    th_user u;
    th_user_new(s, &u, "U");
    TH_ERR(charge(s, u.user_id, "0", "a1"), TK_AMOUNT_INVALID);
    TH_ERR(charge(s, u.user_id, "-5", "a2"), TK_AMOUNT_INVALID);
    TH_ERR(charge(s, u.user_id, "1.5", "a3"), TK_AMOUNT_INVALID);
    rpc_reply big = charge(s, u.user_id, "1000001", "a4");
    TH_ERR(big, TK_AMOUNT_INVALID);
    ck_assert_int_eq(th_int(big.data, "max"), 1000000); /* what is allowed */
    TH_OK(charge(s, u.user_id, "1000000", "a5")); /* the limit itself is fine */
    TH_ERR_FIELD(th_call(s, "wallet.charge", "{\"user_id\":\"%s\",\"request_id\":\"a6\"}",
                         u.user_id),
                 "amount");
    TH_ERR_FIELD(th_call(s, "wallet.charge", "{\"user_id\":\"%s\",\"amount\":100}", u.user_id),
                 "request_id");
    char longid[80];
    memset(longid, 'r', 65);
    longid[65] = '\0';
    TH_ERR_FIELD(charge(s, u.user_id, "100", longid), "request_id");
    longid[64] = '\0';
    TH_OK(charge(s, u.user_id, "100", longid)); /* 64 chars is allowed */
    ck_assert_int_eq(th_balance(s, u.user_id), 1000100);
    /* A refused request_id was not consumed. */
    TH_OK(charge(s, u.user_id, "7", "a1"));
    ck_assert_int_eq(th_balance(s, u.user_id), 1000107);
}
END_TEST

START_TEST(balance_limit)
{
    th_server *s = th_start(NULL);
    th_user u;
    th_user_new(s, &u, "Rich");
    for (int i = 0; i < 10; i++)
        th_charge(s, &u, 1000000);
    ck_assert_int_eq(th_balance(s, u.user_id), 10000000);
    rpc_reply over = charge(s, u.user_id, "1", "over");
    TH_ERR(over, TK_BALANCE_LIMIT);
    ck_assert_int_eq(th_int(over.data, "max"), 10000000);
    ck_assert_int_eq(th_int(over.data, "balance"), 10000000);
    ck_assert_int_eq(th_balance(s, u.user_id), 10000000);
    th_money_check(s, &u, 1, 0);
}
END_TEST

START_TEST(user_not_found)
{
    th_server *s = th_start(NULL);
    TH_ERR(th_call(s, "wallet.balance", "{\"user_id\":\"%s\"}", NOBODY), TK_USER_NOT_FOUND);
    TH_ERR(charge(s, NOBODY, "100", "x"), TK_USER_NOT_FOUND);
    TH_ERR(th_call(s, "wallet.history", "{\"user_id\":\"%s\"}", NOBODY), TK_USER_NOT_FOUND);
    TH_ERR(th_call(s, "booking.list", "{\"user_id\":\"%s\"}", NOBODY), TK_USER_NOT_FOUND);
    TH_ERR_FIELD(th_call(s, "wallet.balance", "{}"), "user_id");
    TH_ERR_FIELD(th_call(s, "user.register", "{}"), "name");
    TH_ERR_FIELD(th_call(s, "user.register", "{\"name\":\"\"}"), "name");
    TH_ERR_FIELD(th_call(s, "user.register", "{\"name\":7}"), "name");
    char longname[80];
    memset(longname, 'n', 65);
    longname[65] = '\0';
    TH_ERR_FIELD(th_call(s, "user.register", "{\"name\":\"%s\"}", longname), "name");
}
END_TEST

START_TEST(history_order_and_limit)
{
    th_server *s = th_start(NULL);
    th_user u;
    th_user_new(s, &u, "H");
    th_charge(s, &u, 100);
    th_charge(s, &u, 200);
    th_charge(s, &u, 300);
    rpc_reply h = th_call(s, "wallet.history", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(h);
    const cJSON *e = th_arr(h.result, "entries");
    ck_assert_int_eq(cJSON_GetArraySize(e), 3);
    ck_assert_int_eq(th_int(cJSON_GetArrayItem(e, 0), "amount"), 300);
    ck_assert_int_eq(th_int(cJSON_GetArrayItem(e, 0), "balance"), 600);
    ck_assert_int_eq(th_int(cJSON_GetArrayItem(e, 2), "amount"), 100);
    ck_assert_int_eq(th_int(cJSON_GetArrayItem(e, 2), "balance"), 100);
    ck_assert_int_gt(th_int(cJSON_GetArrayItem(e, 0), "entry_id"),
                     th_int(cJSON_GetArrayItem(e, 1), "entry_id"));
    rpc_reply l = th_call(s, "wallet.history", "{\"user_id\":\"%s\",\"limit\":2}", u.user_id);
    TH_OK(l);
    e = th_arr(l.result, "entries");
    ck_assert_int_eq(cJSON_GetArraySize(e), 2);
    ck_assert_int_eq(th_int(cJSON_GetArrayItem(e, 0), "amount"), 300);
    TH_ERR_FIELD(th_call(s, "wallet.history", "{\"user_id\":\"%s\",\"limit\":\"x\"}", u.user_id),
                 "limit");
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_wallet");
    TCase *tc = th_tcase("wallet");
    tcase_add_test(tc, register_and_charge);
    tcase_add_test(tc, charge_replay_and_conflict);
    tcase_add_test(tc, amount_invalid);
    tcase_add_test(tc, balance_limit);
    tcase_add_test(tc, user_not_found);
    tcase_add_test(tc, history_order_and_limit);
    suite_add_tcase(su, tc);
    return th_main(su);
}
