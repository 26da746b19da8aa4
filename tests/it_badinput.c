/* tests/it_badinput.c -- malformed, ill-typed, out-of-range and oversized
 * requests: the contract's error for each, the id echoed, no crash, no
 * partial write, and the server serving afterwards. */
#include "common/util.h"
#include "tests/lib/harness.h"

static rpc_reply raw(th_server *s, const char *text)
{
    return th_call_raw(s, text, strlen(text), NULL);
}

static void expect_code(rpc_reply r, tk_err e, int code)
{
    TH_ERR(r, e);
    ck_assert_int_eq(r.code, code);
}

START_TEST(envelope_errors)
{
    th_server *s = th_start(NULL);
    expect_code(raw(s, "not json"), TK_PARSE_ERROR, -32700);
    expect_code(raw(s, "{\"jsonrpc\":\"2.0\",\"id\":1,"), TK_PARSE_ERROR, -32700);
    expect_code(th_call_raw(s, "", 0, NULL), TK_PARSE_ERROR, -32700);
    const unsigned char bin[] = {0xff, 0xfe, 0x00, 0x01, 0x80, '{', '}'};
    expect_code(th_call_raw(s, bin, sizeof(bin), NULL), TK_PARSE_ERROR, -32700);
    expect_code(raw(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"} trailing"), TK_PARSE_ERROR,
                -32700);

    const char *invalid[] = {
        "[]", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"user.register\"}]", "42", "\"str\"",
        "null", "{}", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"user.register\"}",
        "{\"id\":1,\"method\":\"user.register\",\"params\":{\"name\":\"x\"}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"user.register\",\"params\":[\"x\"]}",
        "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"user.register\"}",
    };
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
        expect_code(raw(s, invalid[i]), TK_INVALID_REQUEST, -32600);

    expect_code(raw(s, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"no.such\",\"params\":{}}"),
                TK_METHOD_NOT_FOUND, -32601);
    expect_code(th_call(s, "admin.nope", "{}"), TK_METHOD_NOT_FOUND, -32601);
    expect_code(th_call(s, "user.register", "{}"), TK_INVALID_PARAMS, -32602);
    /* None of that registered anybody or created anything. */
    rpc_reply d = th_admin(s, "admin.dashboard", NULL);
    TH_OK(d);
    ck_assert_int_eq(cJSON_GetArraySize(th_arr(d.result, "dates")), 0);
}
END_TEST

START_TEST(id_echoed)
{
    th_server *s = th_start(NULL);
    const char *text = NULL;
    const char *req =
        "{\"jsonrpc\":\"2.0\",\"id\":\"abc-7\",\"method\":\"user.register\",\"params\":{\"name\":\"S\"}}";
    rpc_reply r = th_call_raw(s, req, strlen(req), &text);
    TH_OK(r);
    cJSON *root = (cJSON *)r.root;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
    ck_assert_msg(cJSON_IsString(id) && strcmp(id->valuestring, "abc-7") == 0,
                  "string id not echoed: %s", text);
    ck_assert_str_eq(th_str(root, "jsonrpc"), "2.0");
    r = raw(s, "{\"jsonrpc\":\"2.0\",\"id\":123456789,\"method\":\"no.such\"}");
    TH_ERR(r, TK_METHOD_NOT_FOUND);
    ck_assert_int_eq(r.id, 123456789);
    /* An error reply also carries the id. */
    r = raw(s, "{\"jsonrpc\":\"2.0\",\"id\":\"e1\",\"method\":\"wallet.balance\",\"params\":{}}");
    TH_ERR(r, TK_INVALID_PARAMS);
    id = cJSON_GetObjectItemCaseSensitive(r.root, "id");
    ck_assert(cJSON_IsString(id) && strcmp(id->valuestring, "e1") == 0);
    /* A number a double cannot hold comes back as it was written. */
    const char *big[] = {"9007199254740993", "1e400", "-0"};
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        char *q = th_sprintf("{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"no.such\"}", big[i]);
        char *want = th_sprintf("\"id\":%s,", big[i]);
        r = th_call_raw(s, q, strlen(q), &text);
        TH_ERR(r, TK_METHOD_NOT_FOUND);
        ck_assert_msg(strstr(text, want) != NULL, "id %s echoed as %s", big[i], text);
    }
}
END_TEST

START_TEST(ill_typed_params)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 5, 1000);
    th_user u;
    th_user_active(s, &u, "T", 10000);
    const char *t = u.token;
#define HOLD_WITH(fmt, ...) \
    th_call(s, "seat.hold", "{\"token\":\"%s\"," fmt "}", t, __VA_ARGS__)
    TH_ERR_FIELD(HOLD_WITH("\"date_id\":%lld,\"seat_no\":\"5\"", (long long)d), "seat_no");
    TH_ERR_FIELD(HOLD_WITH("\"date_id\":%lld,\"seat_no\":1.5", (long long)d), "seat_no");
    TH_ERR_FIELD(HOLD_WITH("\"date_id\":%lld,\"seat_no\":1e300", (long long)d), "seat_no");
    TH_ERR_FIELD(HOLD_WITH("\"date_id\":%lld,\"seat_no\":null", (long long)d), "seat_no");
    TH_ERR_FIELD(HOLD_WITH("\"date_id\":%lld", (long long)d), "seat_no");
    TH_ERR_FIELD(HOLD_WITH("\"date_id\":%s,\"seat_no\":1", "1e300"), "date_id");
    TH_ERR_FIELD(HOLD_WITH("\"date_id\":%s,\"seat_no\":1", "9007199254740993"), "date_id");
    TH_ERR_FIELD(HOLD_WITH("\"date_id\":%s,\"seat_no\":1", "true"), "date_id");
    TH_ERR_FIELD(HOLD_WITH("\"date_id\":%s,\"seat_no\":1", "{}"), "date_id");
#undef HOLD_WITH
    TH_ERR_FIELD(th_call(s, "seat.hold", "{\"token\":123,\"date_id\":%lld,\"seat_no\":1}",
                         (long long)d),
                 "token");
    TH_ERR_FIELD(th_call(s, "seat.hold", "{\"date_id\":%lld,\"seat_no\":1}", (long long)d),
                 "token");
    /* For amount the contract has a reason of its own: over the limit. */
    TH_ERR(th_call(s, "wallet.charge",
                   "{\"user_id\":\"%s\",\"amount\":1e300,\"request_id\":\"big\"}", u.user_id),
           TK_AMOUNT_INVALID);
    TH_ERR_FIELD(th_call(s, "wallet.charge",
                         "{\"user_id\":\"%s\",\"amount\":\"100\",\"request_id\":\"s\"}", u.user_id),
                 "amount");
    TH_ERR_FIELD(th_call(s, "wallet.charge", "{\"user_id\":\"%s\",\"amount\":100,\"request_id\":5}",
                         u.user_id),
                 "request_id");
    TH_ERR_FIELD(th_call(s, "queue.status", "{\"token\":[1]}"), "token");
    /* Unknown params are ignored. */
    TH_OK(th_call(s, "wallet.balance", "{\"user_id\":\"%s\",\"extra\":[1,2,{}]}", u.user_id));
    /* A control character written as an escape is valid JSON, and the
     * name's own rule refuses it (raw bytes: see it_strictinput). */
    TH_ERR_FIELD(th_call(s, "user.register", "{\"name\":\"a\\u0007b\"}"), "name");
    /* Nothing partial: no seat held, no money moved. */
    ck_assert_int_eq(th_balance(s, u.user_id), 10000);
    int fr[50];
    ck_assert_int_eq(th_free_seats(s, &u, d, fr, 50), 50);
}
END_TEST

/* Builds a valid request whose name param pads it to about len bytes. */
static char *padded_request(size_t len)
{
    char *m = th_keep_mem(malloc(len + 128));
    int n = sprintf(m, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"user.register\",\"params\":{\"name\":\"");
    memset(m + n, 'x', len);
    strcpy(m + n + len, "\"}}");
    return m;
}

START_TEST(oversized)
{
    th_server *s = th_start(NULL);
    char *m = padded_request(70 * 1024);
    rpc_reply r = th_call_raw(s, m, strlen(m), NULL);
    expect_code(r, TK_INVALID_REQUEST, -32600);
    /* The same connection still works. */
    th_user u;
    th_user_new(s, &u, "After");
    /* Past the 1 MiB transport cap the pipe is dropped without a reply; a
     * short deadline keeps the test quick, and the server keeps serving. */
    th_client *c = th_client_open_url(s->rpc_url, 2000);
    char *huge = padded_request(1100 * 1024);
    rpc_reply h = th_ccall_raw(c, huge, strlen(huge), NULL);
    ck_assert_msg(h.err == TK_ERR_COUNT || h.err == TK_INVALID_REQUEST,
                  "a 1.1 MiB message got %s", th_reply_str(&h));
    th_client_close(c);
    ck_assert(th_alive(s));
    th_user_new(s, &u, "Still");
    /* Deep nesting is refused, not a stack overflow. */
    size_t depth = 30000; /* 60 KB: under the size cap, so the parser sees it */
    char *deep = th_keep_mem(malloc(depth * 2 + 1));
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[depth * 2] = '\0';
    r = th_call_raw(s, deep, depth * 2, NULL);
    ck_assert_msg(r.err == TK_PARSE_ERROR || r.err == TK_INVALID_REQUEST, "deep nesting got %s",
                  th_reply_str(&r));
    ck_assert(th_alive(s));
    th_user_new(s, &u, "Alive");
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_badinput");
    TCase *tc = th_tcase("badinput");
    tcase_add_test(tc, envelope_errors);
    tcase_add_test(tc, id_echoed);
    tcase_add_test(tc, ill_typed_params);
    tcase_add_test(tc, oversized);
    suite_add_tcase(su, tc);
    return th_main(su);
}
