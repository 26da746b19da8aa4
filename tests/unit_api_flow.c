/* tests/unit_api_flow.c -- the request layer in-process, no sockets:
 * whole flows (purchase, idempotency and CONFLICT, NOT_ADMITTED), the
 * admin key, audit log and admin methods, and RATE_LIMITED. */
#include "tests/unit_api.h"

START_TEST(wallet_idempotent_and_conflict)
{
    char u[UUID_STR_LEN];
    new_user(u);
    cJSON *a = call("wallet.charge", "{\"user_id\":\"%s\",\"amount\":500,\"request_id\":\"c1\"}", u);
    cJSON *b = call("wallet.charge", "{\"user_id\":\"%s\",\"amount\":500,\"request_id\":\"c1\"}", u);
    ck_assert_int_eq(num(ok(a), "entry_id"), num(ok(b), "entry_id"));
    ck_assert_int_eq(num(ok(b), "balance"), 500);
    cJSON_Delete(a);
    cJSON_Delete(b);
    expect_errf("CONFLICT", "wallet.charge",
                "{\"user_id\":\"%s\",\"amount\":501,\"request_id\":\"c1\"}", u);
    cJSON *r = call("wallet.balance", "{\"user_id\":\"%s\"}", u);
    ck_assert_int_eq(num(ok(r), "balance"), 500);
    ck_assert(!WROTE);
    cJSON_Delete(r);
    r = call("wallet.history", "{\"user_id\":\"%s\",\"limit\":10}", u);
    const cJSON *es = cJSON_GetObjectItem(ok(r), "entries");
    ck_assert_int_eq(cJSON_GetArraySize(es), 1);
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 0), "kind"), "charge");
    int64_t ms;
    ck_assert(time_parse(str(cJSON_GetArrayItem(es, 0), "at"), &ms));
    cJSON_Delete(r);
}
END_TEST

START_TEST(purchase_flow)
{
    char u[UUID_STR_LEN], v[UUID_STR_LEN], tok[TOKEN_MAX_LEN], tv[TOKEN_MAX_LEN], st[16];
    new_user(u);
    new_user(v);
    int64_t did = new_date();
    cJSON *r = call("wallet.charge", "{\"user_id\":\"%s\",\"amount\":200000,\"request_id\":\"c\"}", u);
    ok(r);
    cJSON_Delete(r);
    join(u, tok, st);
    ck_assert_str_eq(st, "active");
    /* Re-joining returns the same token. */
    char tok2[TOKEN_MAX_LEN];
    join(u, tok2, NULL);
    ck_assert_str_eq(tok, tok2);
    r = call("queue.status", "{\"token\":\"%s\"}", tok);
    ck_assert_str_eq(str(ok(r), "state"), "active");
    ck_assert_int_gt(num(ok(r), "expires_in_s"), 0);
    ck_assert_int_eq(num(ok(r), "turn_expires_in_s"), 900); /* the default turn */
    cJSON_Delete(r);

    r = call("dates.list", "{\"token\":\"%s\"}", tok);
    const cJSON *dates = cJSON_GetObjectItem(ok(r), "dates");
    ck_assert_int_eq(cJSON_GetArraySize(dates), 1);
    ck_assert_int_eq(num(cJSON_GetArrayItem(dates, 0), "free"), 50);
    ck_assert_str_eq(str(cJSON_GetArrayItem(dates, 0), "starts_at"), FAR);
    cJSON_Delete(r);

    r = call("seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":3}", tok, (long long)did);
    int64_t h1 = num(ok(r), "hold_id");
    ck_assert_int_eq(num(ok(r), "price"), 150000);
    ck_assert_int_eq(num(ok(r), "expires_in_s"), 300);
    ck_assert_int_eq(num(ok(r), "turn_expires_in_s"), 900);
    int64_t exp_ms;
    ck_assert(time_parse(str(ok(r), "expires_at"), &exp_ms));
    cJSON_Delete(r);
    r = call("seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":20}", tok, (long long)did);
    int64_t h2 = num(ok(r), "hold_id");
    cJSON_Delete(r);

    /* Another member sees the seat taken, and not as theirs. */
    join(v, tv, NULL);
    r = call("seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":3}", tv, (long long)did);
    err(r, "SEAT_TAKEN");
    cJSON_Delete(r);
    r = call("seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", tok, (long long)did);
    const cJSON *seats = cJSON_GetObjectItem(ok(r), "seats");
    ck_assert_int_eq(num(ok(r), "turn_expires_in_s"), 900);
    ck_assert_int_eq(cJSON_GetArraySize(seats), 50);
    ck_assert_str_eq(str(cJSON_GetArrayItem(seats, 2), "state"), "held");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(seats, 2), "mine")));
    ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetArrayItem(seats, 3), "mine")));
    ck_assert(!WROTE);
    cJSON_Delete(r);

    /* 230000 > 200000: INSUFFICIENT_FUNDS with the figures; holds stay. */
    r = call("payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld,%lld],\"request_id\":\"p\"}",
             tok, (long long)h1, (long long)h2);
    const cJSON *d = err(r, "INSUFFICIENT_FUNDS");
    ck_assert_int_eq(num(d, "balance"), 200000);
    ck_assert_int_eq(num(d, "amount"), 230000);
    cJSON_Delete(r);
    r = call("wallet.charge", "{\"user_id\":\"%s\",\"amount\":100000,\"request_id\":\"c2\"}", u);
    ok(r);
    cJSON_Delete(r);
    cJSON *p1 = call("payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld,%lld],\"request_id\":\"p\"}",
                     tok, (long long)h1, (long long)h2);
    ck_assert_int_eq(num(ok(p1), "amount"), 230000);
    ck_assert_int_eq(num(ok(p1), "balance"), 70000);
    const cJSON *bk = cJSON_GetObjectItem(ok(p1), "bookings");
    ck_assert_int_eq(cJSON_GetArraySize(bk), 2);
    ck_assert_int_eq(strlen(str(cJSON_GetArrayItem(bk, 0), "code")), 12);
    /* The same request again: same payment, nothing charged twice. */
    cJSON *p2 = call("payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld,%lld],\"request_id\":\"p\"}",
                     tok, (long long)h1, (long long)h2);
    ck_assert_int_eq(num(ok(p1), "payment_id"), num(ok(p2), "payment_id"));
    cJSON_Delete(p1);
    cJSON_Delete(p2);
    r = call("payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld],\"request_id\":\"p\"}", tok,
             (long long)h1);
    err(r, "CONFLICT");
    cJSON_Delete(r);
    r = call("wallet.balance", "{\"user_id\":\"%s\"}", u);
    ck_assert_int_eq(num(ok(r), "balance"), 70000);
    cJSON_Delete(r);
    /* The token is spent. */
    r = call("dates.list", "{\"token\":\"%s\"}", tok);
    err(r, "TOKEN_EXPIRED");
    cJSON_Delete(r);
    r = call("booking.list", "{\"user_id\":\"%s\"}", u);
    const cJSON *bl = cJSON_GetObjectItem(ok(r), "bookings");
    ck_assert_int_eq(cJSON_GetArraySize(bl), 2);
    ck_assert_str_eq(str(cJSON_GetArrayItem(bl, 0), "state"), "paid");
    ck_assert_str_eq(str(cJSON_GetArrayItem(bl, 0), "title"), "IU");
    cJSON_Delete(r);
    r = call("queue.leave", "{\"token\":\"%s\"}", tv);
    ck_assert_str_eq(str(ok(r), "state"), "expired");
    cJSON_Delete(r);
    char why[200];
    ck_assert_msg(tk_check_invariants(D, why, sizeof why) == 0, "%s", why);
}
END_TEST

START_TEST(not_admitted)
{
    teardown();
    open_all(1, NULL);
    char u[UUID_STR_LEN], v[UUID_STR_LEN], tu[TOKEN_MAX_LEN], tv[TOKEN_MAX_LEN], st[16];
    new_user(u);
    new_user(v);
    join(u, tu, st);
    ck_assert_str_eq(st, "active");
    join(v, tv, st);
    ck_assert_str_eq(st, "waiting");
    cJSON *r = call("dates.list", "{\"token\":\"%s\"}", tv);
    const cJSON *d = err(r, "NOT_ADMITTED");
    ck_assert_int_eq(num(d, "position"), 1);
    ck_assert_int_ge(num(d, "eta_s"), 0);
    cJSON_Delete(r);
    r = call("queue.status", "{\"token\":\"%s\"}", tv);
    ck_assert_str_eq(str(ok(r), "state"), "waiting");
    ck_assert_int_eq(num(ok(r), "position"), 1);
    ck_assert_ptr_null(cJSON_GetObjectItem(ok(r), "expires_in_s"));
    cJSON_Delete(r);
}
END_TEST

START_TEST(admin_key_and_audit)
{
    expect_err("FORBIDDEN", "admin.dashboard", "{}");
    expect_err("FORBIDDEN", "admin.dashboard", "{\"admin_key\":\"wrong\"}");
    expect_err("FORBIDDEN", "admin.dashboard", "{\"admin_key\":5}");
    expect_err("FORBIDDEN", "admin.dashboard", "{\"admin_key\":\"" KEY "x\"}");
    expect_err("FORBIDDEN", "admin.concert.create", "{\"admin_key\":\"bad\",\"title\":\"t\",\"venue\":\"v\"}");
    expect_field("title", "admin.concert.create", "{\"admin_key\":\"" KEY "\",\"venue\":\"v\"}");
    /* The member twice: every copy is kept out of the audit log. */
    expect_field("venue", "admin.concert.create",
                 "{\"admin_key\":\"" KEY "\",\"admin_key\":\"" KEY "\",\"title\":\"t\"}");
    new_date();
    cJSON *r = call("admin.audit.list", "{\"admin_key\":\"" KEY "\",\"limit\":10}");
    const cJSON *es = cJSON_GetObjectItem(ok(r), "entries");
    /* Newest first: date, concert, the two INVALID_PARAMS. The FORBIDDEN
     * call wrote nothing (no key, no database write) and the dashboard
     * calls are not audited. */
    ck_assert_int_eq(cJSON_GetArraySize(es), 4);
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 0), "method"), "admin.date.create");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 0), "result"), "ok");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 2), "result"), "INVALID_PARAMS");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 3), "result"), "INVALID_PARAMS");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 3), "peer"), PEER);
    for (int i = 0; i < 4; i++) {
        ck_assert_ptr_null(strstr(str(cJSON_GetArrayItem(es, i), "params"), "admin_key"));
        ck_assert_ptr_null(strstr(str(cJSON_GetArrayItem(es, i), "params"), KEY));
    }
    ck_assert_ptr_nonnull(strstr(str(cJSON_GetArrayItem(es, 1), "params"), "Olympic Hall"));
    cJSON_Delete(r);
    expect_field("limit", "admin.audit.list", "{\"admin_key\":\"" KEY "\",\"limit\":0}");
    expect_field("limit", "admin.audit.list", "{\"admin_key\":\"" KEY "\",\"limit\":501}");
    expect_field("before_id", "admin.audit.list", "{\"admin_key\":\"" KEY "\",\"before_id\":\"x\"}");
}
END_TEST

START_TEST(admin_date_params)
{
    cJSON *r = call("admin.concert.create", "{\"admin_key\":\"" KEY "\",\"title\":\"T\",\"venue\":\"V\"}");
    int64_t cid = num(ok(r), "concert_id");
    cJSON_Delete(r);
    char arr[600] = "[", p[1200];
    for (int i = 0; i < 50; i++)
        snprintf(arr + strlen(arr), sizeof arr - strlen(arr), "%s%d", i ? "," : "", 1000 + i);
    strcat(arr, "]");
    const char *bad[] = {"[1,2,3]", "{\"1-10\":5,\"10-50\":5}", "{\"1-10\":5,\"12-50\":5}",
                         "{\"0-50\":5}", "{\"10-5\":5,\"1-50\":5}", "{\"a-b\":5}",
                         "{\"1-50\":0}", "{\"1-50\":1.5}", "{\"1-50\":\"5\"}", "{\"1-51\":5}",
                         "{\"-1-50\":5}", "\"1-50\"", "{}", "{\"1-50\":20000000}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(p, sizeof p,
                 "{\"admin_key\":\"" KEY "\",\"concert_id\":%lld,\"starts_at\":\"" FAR "\","
                 "\"prices\":%s}",
                 (long long)cid, bad[i]);
        expect_field("prices", "admin.date.create", p);
    }
    const char *times[] = {"\"tomorrow\"", "5", "\"2099-13-01T00:00:00Z\""};
    for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
        snprintf(p, sizeof p,
                 "{\"admin_key\":\"" KEY "\",\"concert_id\":%lld,\"starts_at\":%s,\"prices\":%s}",
                 (long long)cid, times[i], arr);
        expect_field("starts_at", "admin.date.create", p);
        snprintf(p, sizeof p,
                 "{\"admin_key\":\"" KEY "\",\"concert_id\":%lld,\"starts_at\":\"" FAR "\","
                 "\"on_sale_at\":%s,\"prices\":%s}",
                 (long long)cid, times[i], arr);
        expect_field("on_sale_at", "admin.date.create", p);
    }
    snprintf(p, sizeof p,
             "{\"admin_key\":\"" KEY "\",\"concert_id\":%lld,\"starts_at\":\"" FAR "\",\"prices\":%s}",
             (long long)cid, arr);
    r = call("admin.date.create", "%s", p);
    int64_t did = num(ok(r), "date_id");
    cJSON_Delete(r);
    snprintf(p, sizeof p,
             "{\"admin_key\":\"" KEY "\",\"concert_id\":%lld,\"starts_at\":\"" FAR "\","
             "\"prices\":{\"1\":7,\"2-50\":9}}",
             (long long)cid);
    r = call("admin.date.create", "%s", p);
    ok(r);
    cJSON_Delete(r);
    r = call("admin.seats.list", "{\"admin_key\":\"" KEY "\",\"date_id\":%lld}", (long long)did);
    const cJSON *seats = cJSON_GetObjectItem(ok(r), "seats");
    ck_assert_int_eq(num(cJSON_GetArrayItem(seats, 49), "price"), 1049);
    ck_assert_ptr_null(cJSON_GetObjectItem(cJSON_GetArrayItem(seats, 0), "mine"));
    cJSON_Delete(r);
    expect_field("date_id", "admin.seats.list", "{\"admin_key\":\"" KEY "\"}");
    expect_err("DATE_NOT_FOUND", "admin.seats.list", "{\"admin_key\":\"" KEY "\",\"date_id\":99}");
}
END_TEST

START_TEST(admin_operations)
{
    char u[UUID_STR_LEN], tok[TOKEN_MAX_LEN];
    new_user(u);
    int64_t did = new_date();
    join(u, tok, NULL);
    cJSON *r = call("wallet.charge", "{\"user_id\":\"%s\",\"amount\":500000,\"request_id\":\"c\"}", u);
    cJSON_Delete(r);
    r = call("seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":1}", tok, (long long)did);
    int64_t h1 = num(ok(r), "hold_id");
    cJSON_Delete(r);
    r = call("seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":2}", tok, (long long)did);
    int64_t h2 = num(ok(r), "hold_id");
    cJSON_Delete(r);
    r = call("admin.seats.list", "{\"admin_key\":\"" KEY "\",\"date_id\":%lld}", (long long)did);
    const cJSON *s0 = cJSON_GetArrayItem(cJSON_GetObjectItem(ok(r), "seats"), 0);
    ck_assert_int_eq(num(s0, "hold_id"), h1);
    ck_assert_int_gt(num(s0, "expires_in_s"), 0);
    cJSON_Delete(r);
    r = call("admin.hold.release", "{\"admin_key\":\"" KEY "\",\"hold_id\":%lld}", (long long)h1);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(ok(r), "released")));
    cJSON_Delete(r);
    expect_field("hold_id", "admin.hold.release", "{\"admin_key\":\"" KEY "\",\"hold_id\":1.5}");
    r = call("payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld],\"request_id\":\"p\"}", tok,
             (long long)h2);
    int64_t bid = num(cJSON_GetArrayItem(cJSON_GetObjectItem(ok(r), "bookings"), 0), "booking_id");
    cJSON_Delete(r);
    r = call("admin.seats.list", "{\"admin_key\":\"" KEY "\",\"date_id\":%lld}", (long long)did);
    const cJSON *s1 = cJSON_GetArrayItem(cJSON_GetObjectItem(ok(r), "seats"), 1);
    ck_assert_str_eq(str(s1, "state"), "sold");
    ck_assert_int_eq(strlen(str(s1, "code")), 12);
    cJSON_Delete(r);
    r = call("admin.booking.refund", "{\"admin_key\":\"" KEY "\",\"booking_id\":%lld}", (long long)bid);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(ok(r), "refunded")));
    ck_assert_int_eq(num(ok(r), "balance"), 500000);
    cJSON_Delete(r);
    expect_field("booking_id", "admin.booking.refund", "{\"admin_key\":\"" KEY "\"}");
    expect_field("paused", "admin.queue.set", "{\"admin_key\":\"" KEY "\",\"paused\":\"yes\"}");
    expect_field("max_active", "admin.queue.set", "{\"admin_key\":\"" KEY "\",\"max_active\":-1}");
    expect_field("admit_per_min", "admin.queue.set", "{\"admin_key\":\"" KEY "\",\"admit_per_min\":1.5}");
    r = call("admin.queue.set", "{\"admin_key\":\"" KEY "\",\"paused\":true,\"max_active\":7}");
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(ok(r), "paused")));
    ck_assert_int_eq(num(ok(r), "max_active"), 7);
    ck_assert_int_eq(num(ok(r), "admit_per_min"), 600);
    cJSON_Delete(r);
    r = call("admin.dashboard", "{\"admin_key\":\"" KEY "\"}");
    const cJSON *res = ok(r);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(res, "dates")), 1);
    const cJSON *tot = cJSON_GetObjectItem(res, "totals");
    ck_assert_int_eq(num(tot, "free") + num(tot, "held") + num(tot, "sold"), 50);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(res, "queue"), "paused")));
    const cJSON *rq = cJSON_GetObjectItem(res, "requests");
    ck_assert_int_gt(num(rq, "total"), 10);
    ck_assert_int_ge(num(rq, "errors"), 3);
    ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(rq, "p99_ms")));
    ck_assert_str_eq(str(cJSON_GetObjectItem(res, "server"), "version"), TK_VERSION);
    cJSON_Delete(r);
    char why[200];
    ck_assert_msg(tk_check_invariants(D, why, sizeof why) == 0, "%s", why);
}
END_TEST

START_TEST(rate_limits)
{
    teardown();
    api_limits lim = {1, 2, 5, 5, NULL};
    open_all(0, &lim);
    char u[UUID_STR_LEN], v[UUID_STR_LEN];
    PEER = "tcp:10.0.0.1:1000";
    new_user(u);
    new_user(v);
    cJSON *r;
    for (int i = 0; i < 2; i++) {
        r = call("wallet.balance", "{\"user_id\":\"%s\"}", u);
        ok(r);
        cJSON_Delete(r);
    }
    r = call("wallet.balance", "{\"user_id\":\"%s\"}", u);
    int64_t wait = num(err(r, "RATE_LIMITED"), "retry_after_ms");
    ck_assert(wait > 0 && wait <= 1000);
    cJSON_Delete(r);
    /* The peer's bucket (5) is now empty, also from another port. */
    PEER = "tcp:10.0.0.1:2000";
    r = call("wallet.balance", "{\"user_id\":\"%s\"}", v);
    err(r, "RATE_LIMITED");
    cJSON_Delete(r);
    /* Another host is fine, and so is the first user a second later. */
    PEER = "tcp:10.0.0.2:1000";
    r = call("wallet.balance", "{\"user_id\":\"%s\"}", v);
    ok(r);
    cJSON_Delete(r);
    NOW += wait;
    r = call("wallet.balance", "{\"user_id\":\"%s\"}", u);
    ok(r);
    cJSON_Delete(r);
    PEER = "ipc:pid=1";
}
END_TEST

int main(void)
{
    const TTest *tests[] = {
        wallet_idempotent_and_conflict, purchase_flow, not_admitted, admin_key_and_audit,
        admin_date_params, admin_operations, rate_limits};
    return run_suite("api_flow", tests, sizeof tests / sizeof tests[0]);
}
