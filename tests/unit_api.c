/* tests/unit_api.c -- the request layer in-process: a ":memory:" domain
 * and an api_server driven with raw JSON through api_handle, inside
 * tk_batch_begin/commit as the engine does. No sockets: every method's
 * param validation, the envelope errors, admin key and audit, rate
 * limits, and a full purchase. */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/rpc.h"
#include "common/util.h"
#include "server/api.h"
#include "server/events.h"
#include "server/ratelimit.h"

#define KEY "test-admin-key"
#define FAR "2099-12-24T19:00:00Z"

static tk_domain *D;
static api_server *A;
static int64_t NOW;
static const char *PEER = "ipc:pid=1";
static bool WROTE;

static void open_all(int64_t max_active, const api_limits *lim)
{
    tk_config cfg;
    tk_config_defaults(&cfg);
    cfg.db_path = ":memory:";
    for (int i = 0; i < TOKEN_KEY_BYTES; i++)
        cfg.token_key[i] = (uint8_t)(i * 7 + 1);
    if (max_active > 0)
        cfg.max_active = max_active;
    NOW = clock_wall_ms();
    D = tk_open(&cfg, NOW);
    ck_assert_ptr_nonnull(D);
    A = api_new(D, KEY, lim);
    ck_assert_ptr_nonnull(A);
}

static void setup(void) { open_all(0, NULL); }

static void teardown(void)
{
    api_free(A);
    tk_close(D);
    A = NULL;
    D = NULL;
}

/* One raw message through api_handle; returns the parsed reply. */
static cJSON *raw(const char *msg, size_t len)
{
    ck_assert_int_eq(tk_batch_begin(D), 0);
    char *out = api_handle(A, msg, len, PEER, NOW, &WROTE);
    ck_assert_int_eq(tk_batch_commit(D), 0);
    ck_assert_ptr_nonnull(out);
    cJSON *r = cJSON_Parse(out);
    ck_assert_msg(r != NULL, "reply is not JSON: %s", out);
    free(out);
    return r;
}

/* call("method", "{params}") */
static cJSON *call(const char *method, const char *fmt, ...)
{
    static char params[65536], msg[66000];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(params, sizeof params, fmt, ap);
    va_end(ap);
    snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}",
             method, params);
    return raw(msg, strlen(msg));
}

/* The reply's result, asserting success. The caller frees *root. */
static const cJSON *ok(cJSON *r)
{
    const cJSON *res = cJSON_GetObjectItem(r, "result");
    if (!res) {
        char *s = cJSON_PrintUnformatted(r);
        ck_abort_msg("expected a result, got %s", s);
    }
    return res;
}

/* Asserts the reply is the error `reason`; returns error.data. */
static const cJSON *err(const cJSON *r, const char *reason)
{
    const cJSON *e = cJSON_GetObjectItem(r, "error");
    char *s = cJSON_PrintUnformatted(r);
    ck_assert_msg(e != NULL, "expected %s, got %s", reason, s);
    const cJSON *data = cJSON_GetObjectItem(e, "data");
    const cJSON *rs = cJSON_GetObjectItem(data, "reason");
    ck_assert_msg(cJSON_IsString(rs) && !strcmp(rs->valuestring, reason), "expected %s, got %s",
                  reason, s);
    ck_assert_int_eq((int)cJSON_GetObjectItem(e, "code")->valuedouble,
                     tk_err_code(tk_err_from_reason(reason)));
    free(s);
    return data;
}

static void expect_err(const char *reason, const char *method, const char *params)
{
    cJSON *r = call(method, "%s", params);
    err(r, reason);
    cJSON_Delete(r);
}

/* INVALID_PARAMS naming field. */
static void expect_field(const char *field, const char *method, const char *params)
{
    cJSON *r = call(method, "%s", params);
    const cJSON *d = err(r, "INVALID_PARAMS");
    const cJSON *f = cJSON_GetObjectItem(d, "field");
    ck_assert_msg(cJSON_IsString(f) && !strcmp(f->valuestring, field),
                  "%s %s: expected field %s", method, params, field);
    cJSON_Delete(r);
}

static int64_t num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    ck_assert_msg(cJSON_IsNumber(v), "no number %s", name);
    return (int64_t)v->valuedouble;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    ck_assert_msg(cJSON_IsString(v), "no string %s", name);
    return v->valuestring;
}

/* Registers a member; uid gets the user_id. */
static void new_user(char uid[UUID_STR_LEN])
{
    cJSON *r = call("user.register", "{\"name\":\"Kim\"}");
    snprintf(uid, UUID_STR_LEN, "%s", str(ok(r), "user_id"));
    cJSON_Delete(r);
}

/* Joins the queue; tok gets the token. Returns the state. */
static void join(const char *uid, char tok[TOKEN_MAX_LEN], char state[16])
{
    cJSON *r = call("queue.join", "{\"user_id\":\"%s\"}", uid);
    snprintf(tok, TOKEN_MAX_LEN, "%s", str(ok(r), "token"));
    if (state)
        snprintf(state, 16, "%s", str(ok(r), "state"));
    cJSON_Delete(r);
}

/* A concert and one date on sale now, seats 1-10 at 150000, rest 80000. */
static int64_t new_date(void)
{
    cJSON *r = call("admin.concert.create", "{\"admin_key\":\"" KEY "\",\"title\":\"IU\","
                                            "\"venue\":\"Olympic Hall\"}");
    int64_t cid = num(ok(r), "concert_id");
    cJSON_Delete(r);
    r = call("admin.date.create",
             "{\"admin_key\":\"" KEY "\",\"concert_id\":%lld,\"starts_at\":\"" FAR "\","
             "\"prices\":{\"1-10\":150000,\"11-50\":80000}}",
             (long long)cid);
    int64_t did = num(ok(r), "date_id");
    cJSON_Delete(r);
    return did;
}

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
    snprintf(p, sizeof p, "{\"name\":\"%s\"}", big);
    expect_field("name", "user.register", p);
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
    char u[UUID_STR_LEN], p[400];
    new_user(u);
    const char *amounts[] = {"1.5", "1e300", "-5", "0", "9007199254740993", "-1e300"};
    for (size_t i = 0; i < sizeof amounts / sizeof *amounts; i++) {
        snprintf(p, sizeof p, "{\"user_id\":\"%s\",\"amount\":%s,\"request_id\":\"r\"}", u,
                 amounts[i]);
        expect_err("AMOUNT_INVALID", "wallet.charge", p);
    }
    snprintf(p, sizeof p, "{\"user_id\":\"%s\",\"request_id\":\"r\"}", u);
    expect_field("amount", "wallet.charge", p);
    snprintf(p, sizeof p, "{\"user_id\":\"%s\",\"amount\":\"100\",\"request_id\":\"r\"}", u);
    expect_field("amount", "wallet.charge", p);
    const char *rids[] = {"", "5", "null",
                          "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\""};
    for (size_t i = 0; i < sizeof rids / sizeof *rids; i++) {
        snprintf(p, sizeof p, "{\"user_id\":\"%s\",\"amount\":100%s%s}", u,
                 rids[i][0] ? ",\"request_id\":" : "", rids[i]);
        expect_field("request_id", "wallet.charge", p);
    }
    const char *limits[] = {"0", "501", "1.5", "\"5\"", "-1"};
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
        snprintf(p, sizeof p, "{\"user_id\":\"%s\",\"limit\":%s}", u, limits[i]);
        expect_field("limit", "wallet.history", p);
    }
    /* Over the per-charge limit and over the balance ceiling. */
    snprintf(p, sizeof p, "{\"user_id\":\"%s\",\"amount\":1000001,\"request_id\":\"big\"}", u);
    expect_err("AMOUNT_INVALID", "wallet.charge", p);
}
END_TEST

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
    char p[200];
    snprintf(p, sizeof p, "{\"user_id\":\"%s\",\"amount\":501,\"request_id\":\"c1\"}", u);
    expect_err("CONFLICT", "wallet.charge", p);
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

START_TEST(params_token)
{
    const char *methods[] = {"queue.status", "queue.leave", "dates.list", "seats.list",
                             "seat.hold", "hold.release", "payment.pay"};
    const char *rest = ",\"date_id\":1,\"seat_no\":1,\"hold_id\":1,\"hold_ids\":[1],"
                       "\"request_id\":\"r\"}";
    char p[1200], longtok[700];
    memset(longtok, 'A', sizeof longtok - 1);
    longtok[sizeof longtok - 1] = '\0';
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
        snprintf(p, sizeof p, "{\"x\":0%s", rest);
        expect_field("token", methods[i], p);
        snprintf(p, sizeof p, "{\"token\":5%s", rest);
        expect_field("token", methods[i], p);
        snprintf(p, sizeof p, "{\"token\":\"\"%s", rest);
        expect_field("token", methods[i], p);
        snprintf(p, sizeof p, "{\"token\":\"garbage\"%s", rest);
        expect_err("TOKEN_INVALID", methods[i], p);
        snprintf(p, sizeof p, "{\"token\":\"%s\"%s", longtok, rest);
        expect_err("TOKEN_INVALID", methods[i], p);
    }
    /* One altered character of a real token. */
    char u[UUID_STR_LEN], tok[TOKEN_MAX_LEN];
    new_user(u);
    join(u, tok, NULL);
    size_t n = strlen(tok);
    tok[n - 3] = tok[n - 3] == 'A' ? 'B' : 'A';
    snprintf(p, sizeof p, "{\"token\":\"%s\"}", tok);
    expect_err("TOKEN_INVALID", "queue.status", p);
    expect_err("TOKEN_INVALID", "dates.list", p);
}
END_TEST

START_TEST(params_seats_and_holds)
{
    char u[UUID_STR_LEN], tok[TOKEN_MAX_LEN], p[600];
    new_user(u);
    join(u, tok, NULL);
    int64_t did = new_date();
    const char *bad[] = {"\"1\"", "1.5", "1e300", "true", "[]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(p, sizeof p, "{\"token\":\"%s\",\"date_id\":%s}", tok, bad[i]);
        expect_field("date_id", "seats.list", p);
        snprintf(p, sizeof p, "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%s}", tok,
                 (long long)did, bad[i]);
        expect_field("seat_no", "seat.hold", p);
        snprintf(p, sizeof p, "{\"token\":\"%s\",\"hold_id\":%s}", tok, bad[i]);
        expect_field("hold_id", "hold.release", p);
    }
    snprintf(p, sizeof p, "{\"token\":\"%s\"}", tok);
    expect_field("date_id", "seats.list", p);
    snprintf(p, sizeof p, "{\"token\":\"%s\",\"date_id\":999}", tok);
    expect_err("DATE_NOT_FOUND", "seats.list", p);
    snprintf(p, sizeof p, "{\"token\":\"%s\",\"date_id\":-3}", tok);
    expect_err("DATE_NOT_FOUND", "seats.list", p);
    const char *seats[] = {"0", "51", "-1", "9007199254740991"};
    for (size_t i = 0; i < sizeof seats / sizeof *seats; i++) {
        snprintf(p, sizeof p, "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%s}", tok,
                 (long long)did, seats[i]);
        expect_err("SEAT_NOT_FOUND", "seat.hold", p);
    }
    snprintf(p, sizeof p, "{\"token\":\"%s\",\"hold_id\":77}", tok);
    expect_err("HOLD_NOT_FOUND", "hold.release", p);
    const char *ids[] = {"[]", "[1,1]", "[1,2,3,4,5]", "[0]", "[-1]", "[1.5]", "\"1\"", "1",
                         "[\"1\"]", "[1e300]", "{}"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        snprintf(p, sizeof p, "{\"token\":\"%s\",\"hold_ids\":%s,\"request_id\":\"r\"}", tok,
                 ids[i]);
        expect_field("hold_ids", "payment.pay", p);
    }
    snprintf(p, sizeof p, "{\"token\":\"%s\",\"request_id\":\"r\"}", tok);
    expect_field("hold_ids", "payment.pay", p);
    snprintf(p, sizeof p, "{\"token\":\"%s\",\"hold_ids\":[1]}", tok);
    expect_field("request_id", "payment.pay", p);
}
END_TEST

/* The whole purchase, as a kiosk does it. */
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
    new_date();
    cJSON *r = call("admin.audit.list", "{\"admin_key\":\"" KEY "\",\"limit\":10}");
    const cJSON *es = cJSON_GetObjectItem(ok(r), "entries");
    /* Newest first: date, concert, the INVALID_PARAMS, the FORBIDDEN one;
     * the dashboard calls are not audited. */
    ck_assert_int_eq(cJSON_GetArraySize(es), 4);
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 0), "method"), "admin.date.create");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 0), "result"), "ok");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 2), "result"), "INVALID_PARAMS");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 3), "result"), "FORBIDDEN");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 3), "peer"), PEER);
    for (int i = 0; i < 4; i++)
        ck_assert_ptr_null(strstr(str(cJSON_GetArrayItem(es, i), "params"), "admin_key"));
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
    api_limits lim = {1, 2, 5, 5};
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

START_TEST(events_and_buckets)
{
    char m[EVENTS_MSG_MAX];
    tk_event e = {.kind = TK_EV_SEAT, .date_id = 4, .seq = 17, .seat_no = 12, .state = TK_SEAT_HELD};
    size_t n = events_encode(&e, m);
    ck_assert_str_eq(m, "seat.4 {\"date_id\":4,\"seq\":17,\"seat_no\":12,\"state\":\"held\"}");
    ck_assert_int_eq(n, strlen(m));
    tk_event q = {.kind = TK_EV_QUEUE, .admitted_seq = 9, .waiting = 3, .active = 2,
                  .admit_per_min = 60, .paused = true};
    events_encode(&q, m);
    ck_assert_str_eq(m, "queue {\"admitted_seq\":9,\"waiting\":3,\"active\":2,"
                        "\"admit_per_min\":60,\"paused\":true}");
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

int main(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("all");
    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, envelope_errors);
    tcase_add_test(tc, envelope_oversize);
    tcase_add_test(tc, envelope_ids_and_methods);
    tcase_add_test(tc, params_user_register);
    tcase_add_test(tc, params_user_id);
    tcase_add_test(tc, params_wallet);
    tcase_add_test(tc, wallet_idempotent_and_conflict);
    tcase_add_test(tc, params_token);
    tcase_add_test(tc, params_seats_and_holds);
    tcase_add_test(tc, purchase_flow);
    tcase_add_test(tc, not_admitted);
    tcase_add_test(tc, admin_key_and_audit);
    tcase_add_test(tc, admin_date_params);
    tcase_add_test(tc, admin_operations);
    tcase_add_test(tc, rate_limits);
    tcase_add_test(tc, events_and_buckets);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
