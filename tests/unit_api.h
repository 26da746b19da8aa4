/* tests/unit_api.h -- shared by unit_api.c and unit_api_flow.c: a
 * ":memory:" domain and an api_server driven with raw JSON through
 * api_handle, inside tk_batch_begin/commit as the engine does. Each test
 * binary includes it once. */
#ifndef TK_TEST_UNIT_API_H
#define TK_TEST_UNIT_API_H
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/rpc.h"
#include "common/util.h"
#include "server/api/api.h"
#include "server/api/events.h"
#include "server/api/ratelimit.h"
#include "tests/unit_run.h"

#define KEY "test-admin-key"
#define FAR "2099-12-24T19:00:00Z"

static tk_domain *D;
static api_server *A;
static int64_t NOW;
static const char *PEER = "ipc:pid=1";
static bool WROTE;

static __attribute__((unused)) void open_all(int64_t max_active, const api_limits *lim)
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

static __attribute__((unused)) void setup(void) { open_all(0, NULL); }

static __attribute__((unused)) void teardown(void)
{
    api_free(A);
    tk_close(D);
    A = NULL;
    D = NULL;
}

/* One raw message through api_handle; returns the parsed reply. */
static __attribute__((unused)) cJSON *raw(const char *msg, size_t len)
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
static __attribute__((unused)) cJSON *call(const char *method, const char *fmt, ...)
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
static __attribute__((unused)) const cJSON *ok(cJSON *r)
{
    const cJSON *res = cJSON_GetObjectItem(r, "result");
    if (!res) {
        char *s = cJSON_PrintUnformatted(r);
        ck_abort_msg("expected a result, got %s", s);
    }
    return res;
}

/* Asserts the reply is the error `reason`; returns error.data. */
static __attribute__((unused)) const cJSON *err(const cJSON *r, const char *reason)
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

static __attribute__((unused)) void expect_err(const char *reason, const char *method, const char *params)
{
    cJSON *r = call(method, "%s", params);
    err(r, reason);
    cJSON_Delete(r);
}

/* INVALID_PARAMS naming field. */
static __attribute__((unused)) void expect_field(const char *field, const char *method, const char *params)
{
    cJSON *r = call(method, "%s", params);
    const cJSON *d = err(r, "INVALID_PARAMS");
    const cJSON *f = cJSON_GetObjectItem(d, "field");
    ck_assert_msg(cJSON_IsString(f) && !strcmp(f->valuestring, field),
                  "%s %s: expected field %s", method, params, field);
    cJSON_Delete(r);
}

/* expect_err and expect_field with printf-style params. */
#define EXPECT_F(fn, what, method, fmt)                                                         \
    do {                                                                                        \
        char params_[2048];                                                                     \
        va_list ap_;                                                                            \
        va_start(ap_, fmt);                                                                     \
        vsnprintf(params_, sizeof params_, fmt, ap_);                                           \
        va_end(ap_);                                                                            \
        fn(what, method, params_);                                                              \
    } while (0)

static __attribute__((unused, format(printf, 3, 4))) void
expect_errf(const char *reason, const char *method, const char *fmt, ...)
{
    EXPECT_F(expect_err, reason, method, fmt);
}

static __attribute__((unused, format(printf, 3, 4))) void
expect_fieldf(const char *field, const char *method, const char *fmt, ...)
{
    EXPECT_F(expect_field, field, method, fmt);
}

static __attribute__((unused)) int64_t num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    ck_assert_msg(cJSON_IsNumber(v), "no number %s", name);
    return (int64_t)v->valuedouble;
}

static __attribute__((unused)) const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);
    ck_assert_msg(cJSON_IsString(v), "no string %s", name);
    return v->valuestring;
}

/* Registers a member; uid gets the user_id. */
static __attribute__((unused)) void new_user(char uid[UUID_STR_LEN])
{
    cJSON *r = call("user.register", "{\"name\":\"Kim\"}");
    snprintf(uid, UUID_STR_LEN, "%s", str(ok(r), "user_id"));
    cJSON_Delete(r);
}

/* Joins the queue; tok gets the token. Returns the state. */
static __attribute__((unused)) void join(const char *uid, char tok[TOKEN_MAX_LEN], char state[16])
{
    cJSON *r = call("queue.join", "{\"user_id\":\"%s\"}", uid);
    snprintf(tok, TOKEN_MAX_LEN, "%s", str(ok(r), "token"));
    if (state)
        snprintf(state, 16, "%s", str(ok(r), "state"));
    cJSON_Delete(r);
}

/* A concert and one date on sale now, seats 1-10 at 150000, rest 80000. */
static __attribute__((unused)) int64_t new_date(void)
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

/* Runs the named tests with the fixture above; the exit status of main. */
static __attribute__((unused)) int run_suite(const char *name, const TTest *const *tests, size_t n)
{
    Suite *s = suite_create(name);
    tcase_add_checked_fixture(ur_tcase(s, "all", 30, tests, n), setup, teardown);
    return ur_run(s);
}

#endif
