/* tests/unit_api_checkin.c -- admin.booking.checkin on the wire: the
 * contract's result fields and reasons, the `checkin` event, refund after
 * check-in, the key, and checked_in on the dashboard. */
#include "tests/unit_api.h"

#define CK "{\"admin_key\":\"" KEY "\",\"code\":\"%s\""

/* A member buys seat on did; code gets the booking's code. Returns its id. */
static int64_t buy(int64_t did, int seat, char code[16])
{
    char u[UUID_STR_LEN], tok[TOKEN_MAX_LEN];
    new_user(u);
    join(u, tok, NULL);
    cJSON_Delete(call("wallet.charge",
                      "{\"user_id\":\"%s\",\"amount\":500000,\"request_id\":\"c\"}", u));
    cJSON *r = call("seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%d}", tok,
                    (long long)did, seat);
    int64_t h = num(ok(r), "hold_id");
    cJSON_Delete(r);
    r = call("payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld],\"request_id\":\"p\"}", tok,
             (long long)h);
    const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(ok(r), "bookings"), 0);
    snprintf(code, 16, "%s", str(b, "code"));
    int64_t id = num(b, "booking_id");
    cJSON_Delete(r);
    return id;
}

static bool is_null(const cJSON *o, const char *name)
{
    return cJSON_IsNull(cJSON_GetObjectItem(o, name));
}

START_TEST(first_and_second_scan)
{
    int64_t did = new_date();
    char code[16];
    int64_t bid = buy(did, 13, code);
    tk_events_take(D, (tk_event[64]){0}, 64);
    cJSON *r = call("admin.booking.checkin", CK ",\"date_id\":%lld,\"gate\":\"North\"}", code,
                    (long long)did);
    const cJSON *o = ok(r);
    ck_assert(WROTE);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(o, "admitted")));
    ck_assert_str_eq(str(o, "reason"), "ADMITTED");
    ck_assert_int_eq(num(o, "booking_id"), bid);
    ck_assert_str_eq(str(o, "code"), code);
    ck_assert_int_eq(num(o, "date_id"), did);
    ck_assert_int_eq(num(o, "seat_no"), 13);
    ck_assert_str_eq(str(o, "title"), "IU");
    ck_assert_str_eq(str(o, "starts_at"), FAR);
    ck_assert_str_eq(str(o, "gate"), "North");
    char first[40];
    snprintf(first, sizeof first, "%s", str(o, "checked_in_at"));
    cJSON_Delete(r);
    /* the event, as subscribers get it */
    tk_event ev[8];
    size_t n = tk_events_take(D, ev, 8);
    ck_assert_uint_eq(n, 1);
    char msg[EVENTS_MSG_MAX];
    events_encode(&ev[0], msg);
    char want[128];
    snprintf(want, sizeof want, "checkin {\"date_id\":%lld,\"checked_in\":1,\"sold\":1}",
             (long long)did);
    ck_assert_str_eq(msg, want);
    /* the second scan, lower case, another gate, later */
    NOW += 90000;
    char low[16];
    for (int i = 0; i < 16; i++)
        low[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] + 32 : code[i]);
    r = call("admin.booking.checkin", CK ",\"gate\":\"South\"}", low);
    o = ok(r);
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(o, "admitted")));
    ck_assert_str_eq(str(o, "reason"), "ALREADY_USED");
    ck_assert_str_eq(str(o, "checked_in_at"), first);
    ck_assert_str_eq(str(o, "gate"), "North");
    cJSON_Delete(r);
    ck_assert_uint_eq(tk_events_take(D, ev, 8), 0);
    /* refund after check-in: CONFLICT */
    expect_errf("CONFLICT", "admin.booking.refund", "{\"admin_key\":\"" KEY "\",\"booking_id\":%lld}",
                (long long)bid);
    /* the dashboard counts it; admin.booking.find shows when and where */
    r = call("admin.dashboard", "{\"admin_key\":\"" KEY "\"}");
    ck_assert_int_eq(num(cJSON_GetArrayItem(cJSON_GetObjectItem(ok(r), "dates"), 0), "checked_in"),
                     1);
    cJSON_Delete(r);
    r = call("admin.booking.find", CK "}", code);
    ck_assert_str_eq(str(ok(r), "checked_in_at"), first);
    ck_assert_str_eq(str(ok(r), "gate"), "North");
    cJSON_Delete(r);
}
END_TEST

START_TEST(refusals_are_results)
{
    int64_t did = new_date(), other = new_date();
    char code[16], code2[16];
    int64_t bid = buy(did, 1, code);
    buy(other, 2, code2);
    cJSON *r = call("admin.booking.checkin", CK "}", "TK-2222-2222");
    const cJSON *o = ok(r);
    ck_assert_str_eq(str(o, "reason"), "UNKNOWN_CODE");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(o, "admitted")));
    ck_assert_str_eq(str(o, "code"), "TK-2222-2222");
    ck_assert(is_null(o, "booking_id") && is_null(o, "seat_no") && is_null(o, "date_id") &&
              is_null(o, "title") && is_null(o, "starts_at") && is_null(o, "checked_in_at") &&
              is_null(o, "gate"));
    cJSON_Delete(r);
    r = call("admin.booking.checkin", CK ",\"date_id\":%lld}", code2, (long long)did);
    ck_assert_str_eq(str(ok(r), "reason"), "WRONG_DATE");
    ck_assert_int_eq(num(ok(r), "date_id"), other);
    ck_assert(is_null(ok(r), "checked_in_at"));
    cJSON_Delete(r);
    cJSON_Delete(call("admin.booking.refund", "{\"admin_key\":\"" KEY "\",\"booking_id\":%lld}",
                      (long long)bid));
    r = call("admin.booking.checkin", CK "}", code);
    ck_assert_str_eq(str(ok(r), "reason"), "REFUNDED");
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(ok(r), "admitted")));
    cJSON_Delete(r);
    /* errors: the key, the params, a date that does not exist */
    expect_errf("FORBIDDEN", "admin.booking.checkin", "{\"code\":\"%s\"}", code2);
    expect_field("code", "admin.booking.checkin", "{\"admin_key\":\"" KEY "\"}");
    expect_fieldf("gate", "admin.booking.checkin", CK ",\"gate\":7}", code2);
    expect_fieldf("gate", "admin.booking.checkin", CK ",\"gate\":\"%s\"}", code2,
                  "a-gate-name-longer-than-32-bytes!");
    expect_fieldf("date_id", "admin.booking.checkin", CK ",\"date_id\":\"1\"}", code2);
    expect_errf("DATE_NOT_FOUND", "admin.booking.checkin", CK ",\"date_id\":99}", code2);
    /* gate null is no gate */
    r = call("admin.booking.checkin", CK ",\"gate\":null}", code2);
    ck_assert_str_eq(str(ok(r), "reason"), "ADMITTED");
    ck_assert(is_null(ok(r), "gate"));
    cJSON_Delete(r);
}
END_TEST

int main(void)
{
    const TTest *tests[] = {first_and_second_scan, refusals_are_results};
    return run_suite("api_checkin", tests, sizeof tests / sizeof tests[0]);
}
