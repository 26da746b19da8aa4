/* tests/unit_api.c -- the request layer in-process, no sockets: the
 * envelope errors and every method's param validation (missing, wrong
 * type, 1.5, 1e300, negative, huge strings, bad UUID, bad token), plus
 * event encoding, the rate-limit buckets and the dashboard's latency
 * window. Flows: unit_api_flow.c. */
#include "tests/unit_api.h"

#include "server/api/stats.h"

START_TEST(envelope_errors)
{
    const char *parse[] = {"{", "", "nope", "{\"jsonrpc\":\"2.0\",}", "{} x"};
    for (size_t i = 0; i < sizeof parse / sizeof *parse; i++) {
        cJSON *r = raw(parse[i], strlen(parse[i]));
        err(r, "PARSE_ERROR");
        ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r, "id")));
        cJSON_Delete(r);
    }
    const char *inval[] = {
        "[]", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"user.register\"}]", "42", "\"x\"",
        "{\"id\":1,\"method\":\"user.register\"}",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"user.register\"}",
        "{\"jsonrpc\":2,\"id\":1,\"method\":\"user.register\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"user.register\",\"params\":[\"x\"]}",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"user.register\"}"};
    for (size_t i = 0; i < sizeof inval / sizeof *inval; i++) {
        cJSON *r = raw(inval[i], strlen(inval[i]));
        err(r, "INVALID_REQUEST");
        cJSON_Delete(r);
    }
}
END_TEST

START_TEST(envelope_oversize)
{
    size_t n = RPC_MAX_MSG + 10;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    const char *m = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"user.register\",\"params\":{\"name\":\"x\"}}";
    memcpy(big, m, strlen(m));
    cJSON *r = raw(big, n);
    err(r, "INVALID_REQUEST");
    ck_assert_str_eq(str(cJSON_GetObjectItem(r, "error"), "message"), "message over 65536 bytes");
    cJSON_Delete(r);
    /* Exactly the limit is still served. */
    r = raw(big, RPC_MAX_MSG);
    ok(r);
    cJSON_Delete(r);
    free(big);
}
END_TEST

START_TEST(envelope_ids_and_methods)
{
    const char *m = "{\"jsonrpc\":\"2.0\",\"id\":\"abc-7\",\"method\":\"user.register\","
                    "\"params\":{\"name\":\"x\"}}";
    cJSON *r = raw(m, strlen(m));
    ck_assert_str_eq(cJSON_GetObjectItem(r, "id")->valuestring, "abc-7");
    ck_assert_str_eq(cJSON_GetObjectItem(r, "jsonrpc")->valuestring, "2.0");
    cJSON_Delete(r);
    m = "{\"jsonrpc\":\"2.0\",\"id\":9007199254740991,\"method\":\"no.such\"}";
    r = raw(m, strlen(m));
    err(r, "METHOD_NOT_FOUND");
    ck_assert(cJSON_GetObjectItem(r, "id")->valuedouble == 9007199254740991.0);
    cJSON_Delete(r);
    m = "{\"jsonrpc\":\"2.0\",\"method\":\"user.register\",\"params\":{\"name\":\"x\"}}";
    r = raw(m, strlen(m));
    ok(r);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(r, "id")));
    cJSON_Delete(r);
    expect_err("METHOD_NOT_FOUND", "admin.nope", "{}");
    expect_err("METHOD_NOT_FOUND", "USER.REGISTER", "{}");
    /* Unknown params are ignored; a null params is no params. */
    r = call("user.register", "{\"name\":\"x\",\"extra\":[1,2,{}]}");
    ok(r);
    ck_assert(WROTE);
    cJSON_Delete(r);
    expect_field("name", "user.register", "null");
}
END_TEST

START_TEST(params_user_register)
{
    expect_field("name", "user.register", "{}");
    expect_field("name", "user.register", "{\"name\":5}");
    expect_field("name", "user.register", "{\"name\":\"\"}");
    expect_field("name", "user.register", "{\"name\":\"a\\u0001b\"}");
    char big[200];
    memset(big, 'a', 65);
    big[65] = '\0';
    char p[300];
    expect_fieldf("name", "user.register", "{\"name\":\"%s\"}", big);
    big[64] = '\0';
    snprintf(p, sizeof p, "{\"name\":\"%s\"}", big);
    cJSON *r = call("user.register", "%s", p);
    ck_assert(uuid_parse(str(ok(r), "user_id"), (uint8_t[16]){0}));
    cJSON_Delete(r);
}
END_TEST

START_TEST(params_user_id)
{
    const char *methods[] = {"queue.join", "wallet.balance", "wallet.history", "booking.list",
                             "wallet.charge"};
    char huge[12000];
    memset(huge, 'f', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    char *hp = malloc(sizeof huge + 32);
    snprintf(hp, sizeof huge + 32, "{\"user_id\":\"%s\"}", huge);
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        expect_field("user_id", methods[i], "{}");
        expect_field("user_id", methods[i], "{\"user_id\":12}");
        expect_field("user_id", methods[i], "{\"user_id\":\"not-a-uuid\"}");
        expect_field("user_id", methods[i], "{\"user_id\":\"123e4567-e89b-12d3-a456-42661417400\"}");
        expect_field("user_id", methods[i], hp);
    }
    free(hp);
    const char *ghost = "123e4567-e89b-42d3-a456-426614174000";
    char p[200];
    snprintf(p, sizeof p, "{\"user_id\":\"%s\",\"amount\":5,\"request_id\":\"r\"}", ghost);
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        expect_err("USER_NOT_FOUND", methods[i], p);
}
END_TEST

START_TEST(params_wallet)
{
    char u[UUID_STR_LEN];
    new_user(u);
    const char *amounts[] = {"1.5", "1e300", "-5", "0", "9007199254740993", "-1e300"};
    for (size_t i = 0; i < sizeof amounts / sizeof *amounts; i++) {
        expect_errf("AMOUNT_INVALID", "wallet.charge",
                    "{\"user_id\":\"%s\",\"amount\":%s,\"request_id\":\"r\"}", u, amounts[i]);
    }
    expect_fieldf("amount", "wallet.charge", "{\"user_id\":\"%s\",\"request_id\":\"r\"}", u);
    expect_fieldf("amount", "wallet.charge",
                  "{\"user_id\":\"%s\",\"amount\":\"100\",\"request_id\":\"r\"}", u);
    const char *rids[] = {"", "5", "null",
                          "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""};
    for (size_t i = 0; i < sizeof rids / sizeof *rids; i++) {
        expect_fieldf("request_id", "wallet.charge", "{\"user_id\":\"%s\",\"amount\":100%s%s}", u,
                      rids[i][0] ? ",\"request_id\":" : "", rids[i]);
    }
    const char *limits[] = {"0", "501", "1.5", "\"5\"", "-1"};
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
        expect_fieldf("limit", "wallet.history", "{\"user_id\":\"%s\",\"limit\":%s}", u, limits[i]);
    }
    /* Over the per-charge limit and over the balance ceiling. */
    expect_errf("AMOUNT_INVALID", "wallet.charge",
                "{\"user_id\":\"%s\",\"amount\":1000001,\"request_id\":\"big\"}", u);
}
END_TEST

START_TEST(params_token)
{
    const char *methods[] = {"queue.status", "queue.leave", "dates.list", "seats.list",
                             "seat.hold", "hold.release", "payment.pay"};
    const char *rest = ",\"date_id\":1,\"seat_no\":1,\"hold_id\":1,\"hold_ids\":[1],"
                       "\"request_id\":\"r\"}";
    char longtok[700];
    memset(longtok, 'A', sizeof longtok - 1);
    longtok[sizeof longtok - 1] = '\0';
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        expect_fieldf("token", methods[i], "{\"x\":0%s", rest);
        expect_fieldf("token", methods[i], "{\"token\":5%s", rest);
        expect_fieldf("token", methods[i], "{\"token\":\"\"%s", rest);
        expect_errf("TOKEN_INVALID", methods[i], "{\"token\":\"garbage\"%s", rest);
        expect_errf("TOKEN_INVALID", methods[i], "{\"token\":\"%s\"%s", longtok, rest);
    }
    /* One altered character of a real token. */
    char u[UUID_STR_LEN], tok[TOKEN_MAX_LEN];
    new_user(u);
    join(u, tok, NULL);
    size_t n = strlen(tok);
    tok[n - 3] = tok[n - 3] == 'A' ? 'B' : 'A';
    expect_errf("TOKEN_INVALID", "queue.status", "{\"token\":\"%s\"}", tok);
    expect_errf("TOKEN_INVALID", "dates.list", "{\"token\":\"%s\"}", tok);
}
END_TEST

START_TEST(params_seats_and_holds)
{
    char u[UUID_STR_LEN], tok[TOKEN_MAX_LEN];
    new_user(u);
    join(u, tok, NULL);
    int64_t did = new_date();
    const char *bad[] = {"\"1\"", "1.5", "1e300", "true", "[]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        expect_fieldf("date_id", "seats.list", "{\"token\":\"%s\",\"date_id\":%s}", tok, bad[i]);
        expect_fieldf("seat_no", "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%s}",
                      tok, (long long)did, bad[i]);
        expect_fieldf("hold_id", "hold.release", "{\"token\":\"%s\",\"hold_id\":%s}", tok, bad[i]);
    }
    expect_fieldf("date_id", "seats.list", "{\"token\":\"%s\"}", tok);
    expect_errf("DATE_NOT_FOUND", "seats.list", "{\"token\":\"%s\",\"date_id\":999}", tok);
    expect_errf("DATE_NOT_FOUND", "seats.list", "{\"token\":\"%s\",\"date_id\":-3}", tok);
    const char *seats[] = {"0", "51", "-1", "9007199254740991"};
    for (size_t i = 0; i < sizeof seats / sizeof *seats; i++) {
        /* data.seat_no is the seat asked for, 0 too */
        cJSON *r = call("seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%s}", tok,
                        (long long)did, seats[i]);
        ck_assert_int_eq(num(err(r, "SEAT_NOT_FOUND"), "seat_no"), strtoll(seats[i], NULL, 10));
        cJSON_Delete(r);
    }
    expect_errf("HOLD_NOT_FOUND", "hold.release", "{\"token\":\"%s\",\"hold_id\":77}", tok);
    const char *ids[] = {"[]", "[1,1]", "[1,2,3,4,5]", "[0]", "[-1]", "[1.5]", "\"1\"", "1",
                         "[\"1\"]", "[1e300]", "{}"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        expect_fieldf("hold_ids", "payment.pay",
                      "{\"token\":\"%s\",\"hold_ids\":%s,\"request_id\":\"r\"}", tok, ids[i]);
    }
    expect_fieldf("hold_ids", "payment.pay", "{\"token\":\"%s\",\"request_id\":\"r\"}", tok);
    expect_fieldf("request_id", "payment.pay", "{\"token\":\"%s\",\"hold_ids\":[1]}", tok);
}
END_TEST

START_TEST(events_and_buckets)
{
    char m[EVENTS_MSG_MAX];
    tk_event e = {.kind = TK_EV_SEAT, .date_id = 4, .seq = 17, .seat_no = 12, .state = TK_SEAT_HELD};
    size_t n = events_encode(&e, m);
    ck_assert_str_eq(m, "seat.4 {\"date_id\":4,\"seq\":17,\"seat_no\":12,\"state\":\"held\"}");
    ck_assert_int_eq(n, strlen(m));
    tk_event q = {.kind = TK_EV_QUEUE, .admitted_seq = 9, .waiting = 3, .active = 2,
                  .admit_per_min = 60, .ms_per_place = 1500, .paused = true};
    events_encode(&q, m);
    ck_assert_str_eq(m, "queue {\"admitted_seq\":9,\"waiting\":3,\"active\":2,"
                        "\"admit_per_min\":60,\"ms_per_place\":1500,\"paused\":true}");
    tk_event s = {.kind = TK_EV_SALES, .date_id = 2, .free = 40, .held = 5, .sold = 5,
                  .revenue = 500000};
    events_encode(&s, m);
    ck_assert_str_eq(m, "sales {\"date_id\":2,\"free\":40,\"held\":5,\"sold\":5,\"revenue\":500000}");

    /* Idle buckets are dropped: memory follows busy keys only. */
    rl_table *t = rl_new(10, 10);
    for (int i = 0; i < 10000; i++)
        ck_assert_int_eq(rl_take(t, &i, sizeof i, 1000 + i), 0);
    ck_assert_int_lt(rl_size(t), 2000);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(rl_take(t, "k", 1, 500000), 0);
    ck_assert_int_eq(rl_take(t, "k", 1, 500000), 100);
    ck_assert_int_eq(rl_take(t, "k", 1, 500100), 0);
    rl_free(t);
}
END_TEST

/* admin.dashboard's percentiles cover the last minute, not all time: an
 * old slow spell leaves them, a slot is cleared before it is reused, and
 * an idle minute reads as no data. */
START_TEST(stats_latency_window)
{
    const int64_t T = 1700000000000; /* a multiple of the 10 s slot */
    tk_stats *s = stats_new(T);
    stats_view v;
    stats_get(s, T, &v);
    ck_assert_int_eq(v.latency_window_s, 60);
    ck_assert_int_eq(v.latency_n, 0);
    ck_assert(v.p99_ms == 0);
    for (int i = 0; i < 98; i++)
        stats_latency_us(s, T + 1000, 1000);
    stats_latency_us(s, T + 1000, 50000);
    stats_latency_us(s, T + 1000, 50000);
    stats_get(s, T + 2000, &v);
    ck_assert_int_eq(v.latency_n, 100);
    ck_assert_msg(v.p50_ms > 0.9 && v.p50_ms < 1.1, "p50 %f", v.p50_ms);
    ck_assert_msg(v.p99_ms > 45 && v.p99_ms < 55, "p99 %f", v.p99_ms);
    for (int i = 0; i < 100; i++)
        stats_latency_us(s, T + 31000, 20000);
    stats_get(s, T + 31000, &v);
    ck_assert_int_eq(v.latency_n, 200);
    /* 70 s on, the first slot has left the window; only the 20 ms remain. */
    stats_get(s, T + 71000, &v);
    ck_assert_int_eq(v.latency_n, 100);
    ck_assert_msg(v.p50_ms > 18 && v.p50_ms < 22, "p50 %f", v.p50_ms);
    ck_assert_msg(v.p99_ms > 18 && v.p99_ms < 22, "p99 %f", v.p99_ms);
    /* The first slot's storage comes round again: cleared, then counted. */
    stats_latency_us(s, T + 72000, 3000);
    stats_get(s, T + 72000, &v);
    ck_assert_int_eq(v.latency_n, 101);
    stats_get(s, T + 200000, &v);
    ck_assert_int_eq(v.latency_n, 0);
    ck_assert(v.p50_ms == 0 && v.p99_ms == 0);
    stats_free(s);
}
END_TEST

/* server.info: no params, no token; the settings the domain runs with. */
START_TEST(server_info)
{
    cJSON *r = call("server.info", "{}");
    ck_assert_str_eq(str(ok(r), "version"), TK_VERSION);
    ck_assert_int_gt(strlen(str(ok(r), "node")), 0);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(ok(r), "leader")));
    ck_assert_int_eq(num(ok(r), "hold_seconds"), 300);
    ck_assert_int_eq(num(ok(r), "turn_seconds"), 900);
    ck_assert_str_eq(str(ok(r), "topup"), "open");
    ck_assert_str_eq(str(ok(r), "tz"), "Asia/Seoul");
    ck_assert(!WROTE);
    cJSON_Delete(r);
    const char *m = "{\"method\":\"server.info\"}";
    ck_assert(api_shared_hint(m, strlen(m))); /* a pure read */
}
END_TEST

int main(void)
{
    const TTest *tests[] = {
        envelope_errors, envelope_oversize, envelope_ids_and_methods, params_user_register,
        params_user_id, params_wallet, params_token, params_seats_and_holds, events_and_buckets,
        stats_latency_window, server_info};
    return run_suite("api", tests, sizeof tests / sizeof tests[0]);
}
