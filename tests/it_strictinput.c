/* tests/it_strictinput.c -- only RFC 8259 JSON in well-formed UTF-8 gets
 * past decoding (common/jsoncheck.c), over the real server: raw bytes a
 * lenient parser would take are PARSE_ERROR with id null, nothing is
 * changed or audited, and every reply is itself strict, valid UTF-8 JSON.
 * Each case here was accepted before the check (a raw NUL cut the string
 * it was in, invalid UTF-8 came back in the reply). */
#include "common/jsoncheck.h"
#include "common/util.h"
#include "tests/lib/harness.h"

#define SI_ENV "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"

/* head + n raw bytes + tail, as one message. */
static rpc_reply si_send(th_server *s, const char *head, const void *bytes, size_t n,
                         const char *tail, const char **text)
{
    size_t hl = strlen(head), tl = strlen(tail);
    char *m = th_keep_mem(malloc(hl + n + tl + 1));
    memcpy(m, head, hl);
    memcpy(m + hl, bytes, n);
    memcpy(m + hl + n, tail, tl);
    rpc_reply r = th_call_raw(s, m, hl + n + tl, text);
    ck_assert_msg(jc_check(*text, strlen(*text), NULL), "reply is not strict JSON: %s", *text);
    return r;
}

/* Asserts PARSE_ERROR with id null; returns the reply's message. */
static const char *si_refused(th_server *s, const char *head, const void *bytes, size_t n,
                              const char *tail)
{
    const char *text = NULL;
    rpc_reply r = si_send(s, head, bytes, n, tail, &text);
    TH_ERR(r, TK_PARSE_ERROR);
    ck_assert_int_eq(r.code, -32700);
    ck_assert_msg(strstr(text, "\"id\":null") != NULL, "id not null in %s", text);
    return r.message;
}

#define SI_REFUSED(s, head, lit, tail) si_refused(s, head, lit, sizeof(lit) - 1, tail)

START_TEST(nul_in_request_id)
{
    th_server *s = th_start(NULL);
    th_user u;
    th_user_new(s, &u, "Nul");
    char *head = th_sprintf(SI_ENV "\"wallet.charge\",\"params\":{\"user_id\":\"%s\","
                                   "\"amount\":1000,\"request_id\":\"abc", u.user_id);
    /* Two ids that differ only after a NUL: a parser that cuts at the NUL
     * took them for one (the second charge silently not applied). */
    const char *msg = SI_REFUSED(s, head, "\0first", "\"}}");
    ck_assert_msg(strstr(msg, "control character") != NULL, "message: %s", msg);
    SI_REFUSED(s, head, "\0second", "\"}}");
    ck_assert_int_eq(th_balance(s, u.user_id), 0);
    /* The bare prefix was never taken. */
    TH_OK(th_call(s, "wallet.charge", "{\"user_id\":\"%s\",\"amount\":1000,\"request_id\":\"abc\"}",
                  u.user_id));
    ck_assert_int_eq(th_balance(s, u.user_id), 1000);
    /* A raw NUL in a name is no name cut short. */
    SI_REFUSED(s, SI_ENV "\"user.register\",\"params\":{\"name\":\"Kim", "\0Evil", "\"}}");
    /* The escape \u0000 stays INVALID_REQUEST, with the id echoed. */
    const char *esc = "{\"jsonrpc\":\"2.0\",\"id\":\"k\",\"method\":\"user.register\","
                      "\"params\":{\"name\":\"a\\u0000b\"}}";
    const char *text = NULL;
    rpc_reply r = th_call_raw(s, esc, strlen(esc), &text);
    TH_ERR(r, TK_INVALID_REQUEST);
    ck_assert_msg(strstr(text, "\"id\":\"k\"") != NULL, "id not echoed: %s", text);
}
END_TEST

START_TEST(invalid_utf8_never_echoed)
{
    th_server *s = th_start(NULL);
    const char *m = SI_REFUSED(s, "{\"jsonrpc\":\"2.0\",\"id\":\"", "\xff\xfe",
                               "\",\"method\":\"no.such\"}");
    ck_assert_msg(strstr(m, "invalid UTF-8 at byte 23") != NULL, "message: %s", m);
    SI_REFUSED(s, SI_ENV "\"no.such", "\xc0\xaf", "\"}");
    /* Overlong, UTF-16 surrogate, above U+10FFFF, cut short: in a name. */
    const char *head = SI_ENV "\"user.register\",\"params\":{\"name\":\"a";
    SI_REFUSED(s, head, "\xe0\x80\xaf", "\"}}");
    SI_REFUSED(s, head, "\xed\xa0\x80", "\"}}");
    SI_REFUSED(s, head, "\xf4\x90\x80\x80", "\"}}");
    SI_REFUSED(s, head, "\xe4\xb8", "\"}}");
    /* A \u escape of a lone surrogate: refused the same way. */
    SI_REFUSED(s, head, "\\ud800", "\"}}");
    SI_REFUSED(s, head, "\\udc00x", "\"}}");
    /* A pair, and plain multi-byte text, are fine. */
    const char *text = NULL;
    TH_OK(si_send(s, head, "\\ud83c\\udfab \xea\xb9\x80", 16, "\"}}", &text));
}
END_TEST

START_TEST(controls_numbers_whitespace)
{
    th_server *s = th_start(NULL);
    th_user u;
    th_user_new(s, &u, "Num");
    const char *head = SI_ENV "\"user.register\",\"params\":{\"name\":\"a";
    SI_REFUSED(s, head, "\x01", "\"}}");
    SI_REFUSED(s, head, "\t", "\"}}");
    SI_REFUSED(s, head, "\n", "\"}}");
    SI_REFUSED(s, head, "\x1f", "\"}}");
    /* Leading zeros and "1.": cJSON read 00100 as 100. */
    char *charge = th_sprintf(SI_ENV "\"wallet.charge\",\"params\":{\"user_id\":\"%s\","
                                     "\"request_id\":\"z\",\"amount\":", u.user_id);
    const char *m = SI_REFUSED(s, charge, "00100", "}}");
    ck_assert_msg(strstr(m, "bad number") != NULL, "message: %s", m);
    SI_REFUSED(s, charge, "100.", "}}");
    SI_REFUSED(s, charge, "-", "}}");
    ck_assert_int_eq(th_balance(s, u.user_id), 0);
    /* Only space, tab, CR and LF around the value; no BOM, no trailing NUL. */
    const char *reg = SI_ENV "\"user.register\",\"params\":{\"name\":\"a\"}}";
    SI_REFUSED(s, "", "\xef\xbb\xbf", reg);
    SI_REFUSED(s, "", "\x0b", reg);
    SI_REFUSED(s, reg, "\0", "");
    SI_REFUSED(s, reg, "\x01", "");
    const char *text = NULL;
    TH_OK(si_send(s, " \r\n\t", reg, strlen(reg), " \n", &text));
}
END_TEST

START_TEST(nesting_limit)
{
    th_server *s = th_start(NULL);
    size_t depth = 10000;
    char *deep = th_keep_mem(malloc(depth * 2));
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    const char *m = si_refused(s, "", deep, depth * 2, "");
    ck_assert_msg(strstr(m, "nesting deeper than 64 levels") != NULL, "message: %s", m);
    /* Inside a request: 62 levels in params (64 in all) pass, 63 do not. */
    char x[256];
    for (int levels = 62; levels <= 63; levels++) {
        memset(x, '[', (size_t)levels);
        memset(x + levels, ']', (size_t)levels);
        const char *text = NULL;
        rpc_reply r = si_send(s, SI_ENV "\"user.register\",\"params\":{\"name\":\"d\",\"x\":", x,
                              (size_t)levels * 2, "}}", &text);
        if (levels == 62)
            TH_OK(r);
        else
            TH_ERR(r, TK_PARSE_ERROR);
    }
}
END_TEST

START_TEST(nothing_touched_nothing_audited)
{
    th_server *s = th_start(NULL);
    char *head = th_sprintf(SI_ENV "\"admin.concert.create\",\"params\":{\"admin_key\":\"%s\","
                                   "\"venue\":\"Hall\",\"title\":\"Night",
                            s->admin_key);
    SI_REFUSED(s, head, "\x01", "\"}}");
    SI_REFUSED(s, head, "\xff", "\"}}");
    SI_REFUSED(s, head, "\0", "\"}}");
    /* Not even a refused call's audit row: decoding failed before it. */
    rpc_reply a = th_admin(s, "admin.audit.list", NULL);
    TH_OK(a);
    ck_assert_int_eq(cJSON_GetArraySize(th_arr(a.result, "entries")), 0);
    /* The same request, well-formed, is served and audited. */
    const char *text = NULL;
    TH_OK(si_send(s, head, "", 0, "\"}}", &text));
    a = th_admin(s, "admin.audit.list", NULL);
    ck_assert_int_eq(cJSON_GetArraySize(th_arr(a.result, "entries")), 1);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_strictinput");
    TCase *tc = th_tcase("strictinput");
    tcase_add_test(tc, nul_in_request_id);
    tcase_add_test(tc, invalid_utf8_never_echoed);
    tcase_add_test(tc, controls_numbers_whitespace);
    tcase_add_test(tc, nesting_limit);
    tcase_add_test(tc, nothing_touched_nothing_audited);
    suite_add_tcase(su, tc);
    return th_main(su);
}
