/* tests/unit_jsoncheck.c -- common/jsoncheck.c, the strict RFC 8259 check
 * in front of cJSON, and how rpc_request_decode / rpc_reply_decode use it.
 * Each refused case here is one cJSON 1.7.15 accepts on its own. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/jsoncheck.h"
#include "common/rpc.h"
#include "tests/unit_run.h"

/* The status jc_check gives n bytes of s. */
static jc_status jc_of(const char *s, size_t n, size_t *off)
{
    jc_result r;
    bool ok = jc_check(s, n, &r);
    ck_assert_int_eq(ok, r.status == JC_OK);
    if (off)
        *off = r.offset;
    return r.status;
}

/* Every case (NUL-terminated text) gets want. */
static void jc_each(jc_status want, const char *const *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        jc_status got = jc_of(cases[i], strlen(cases[i]), NULL);
        ck_assert_msg(got == want, "case %zu (%s): want %s, got %s", i, cases[i],
                      jc_reason(want), jc_reason(got));
    }
}
#define JC_EACH(want, ...)                                 \
    do {                                                   \
        const char *const jc_c_[] = {__VA_ARGS__};         \
        jc_each(want, jc_c_, UR_LEN(jc_c_));               \
    } while (0)

/* n bytes of s (NULs allowed) get want, failing at byte off. */
static void jc_at(const char *s, size_t n, jc_status want, size_t off)
{
    size_t got_off = 0;
    jc_status got = jc_of(s, n, &got_off);
    ck_assert_msg(got == want, "%.*s: want %s, got %s", (int)n, s, jc_reason(want),
                  jc_reason(got));
    if (want != JC_OK)
        ck_assert_int_eq(got_off, off);
}
/* A literal with embedded NULs: its sizeof, less the terminator. */
#define JC_AT(lit, want, off) jc_at(lit, sizeof(lit) - 1, want, off)

START_TEST(accepts_rfc8259)
{
    JC_EACH(JC_OK, "{}", "[]", " \t\r\n{ } \n", "0", "-0", "1.5e-3", "1E+9", "-12.0e0", "true",
            "null", "\"\"", "\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u00e9\\uD83C\\uDFAB\"",
            "{\"a\":[1,{\"b\":null},[]],\"c\":\"\xea\xb9\x80 \xf0\x9f\x8e\xab\"}",
            "\"\x7f\"",                       /* DEL is no control character to RFC 8259 */
            "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"", /* U+FFFF and U+10FFFF */
            "123456789012345678901234567890123456789012345678901234567890123456789",
            "{\"a\":1,\"a\":2}"); /* duplicate names: valid, cJSON takes the first */
}
END_TEST

START_TEST(raw_nul_and_controls)
{
    JC_AT("{\"request_id\":\"abc\0first\"}", JC_CONTROL, 18);
    JC_AT("{\"ab\0c\":1}", JC_CONTROL, 4);
    JC_AT("[\"\0\"]", JC_CONTROL, 2);
    JC_EACH(JC_CONTROL, "[\"a\x01\"]", "[\"tab\there\"]", "[\"line\nbreak\"]", "[\"\x1f\"]");
    /* Outside strings a NUL or a control is no whitespace either. */
    JC_AT("{}\0", JC_TRAILING, 2);
    JC_AT("\0{}", JC_SYNTAX, 0);
    JC_EACH(JC_SYNTAX, "\x01{}", "{\v}", "[1,\f2]");
}
END_TEST

START_TEST(utf8)
{
    JC_EACH(JC_UTF8, "\"\xff\"", "\"\xfe\"", "\"\x80\"", /* no lead byte; a lone continuation */
            "\"\xc0\xaf\"", "\"\xc1\xbf\"",                /* overlong 2-byte */
            "\"\xe0\x80\xaf\"", "\"\xe0\x9f\xbf\"",        /* overlong 3-byte */
            "\"\xf0\x80\x80\xaf\"", "\"\xf0\x8f\xbf\xbf\"",  /* overlong 4-byte */
            "\"\xed\xa0\x80\"", "\"\xed\xbf\xbf\"",        /* UTF-16 surrogates in UTF-8 */
            "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xf8\x88\x80\x80\x80\"", /* > U+10FFFF */
            "\"\xe4\xb8\"", "\"\xf0\x9f\x8e\"", "\"\xc3\"",   /* cut short before the quote */
            "\"\xc3\x28\"", "\"\xe4\x28\xad\"");           /* a continuation that is not */
    jc_at("\"\xe4\xb8\xad", 3, JC_UTF8, 1); /* cut by the end of the buffer */
    JC_AT("{\"id\":\"a\xff\"}", JC_UTF8, 8);
    JC_AT("\xef\xbb\xbf{}", JC_SYNTAX, 0); /* a BOM is refused, not skipped as cJSON does */
}
END_TEST

START_TEST(escapes)
{
    JC_EACH(JC_ESCAPE, "[\"\\x\"]", "[\"\\u12\"]", "[\"\\u12g4\"]", "[\"\\U0041\"]",
            /* Lone surrogates: refused (cJSON refuses them too). */
            "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\\ud800\\u0041\"]", "[\"\\ud800\\ud800\"]",
            "[\"\\ud800x\\udc00\"]", "[\"\\uDFFF\\uD800\"]");
    JC_EACH(JC_OK, "[\"\\uDBFF\\uDFFF\"]");
    JC_AT("\"\\", JC_SYNTAX, 2);
    JC_AT("\"\\ud83c\\udf", JC_ESCAPE, 1);

    /* \u0000 is valid JSON; the check says it was there. */
    const char *nul[] = {"[\"a\\u0000b\"]", "[\"\\\\\\u0000\"]" /* \\ then \u0000 */,
                         "{\"\\u0000\":1}" /* in a name too */};
    jc_result r;
    for (size_t i = 0; i < UR_LEN(nul); i++) {
        ck_assert(jc_check(nul[i], strlen(nul[i]), &r));
        ck_assert_msg(r.nul_escape, "%s", nul[i]);
    }
    ck_assert(jc_check("[\"a\\\\u0000b\"]", 13, &r)); /* an escaped backslash, then text */
    ck_assert(!r.nul_escape);
}
END_TEST

START_TEST(numbers)
{
    JC_EACH(JC_NUMBER, "00100", "[01]", "-01", "[1.]", "1.e5", "[-]", "-", "[1e]", "1e+", "-a",
            "{\"amount\":00100}");
    JC_EACH(JC_SYNTAX, "[.5]", "+1", "[0x10]", "[1.5.3]", "[NaN]", "[Infinity]");
    JC_AT("{\"id\":00100}", JC_NUMBER, 6);
}
END_TEST

START_TEST(grammar)
{
    JC_EACH(JC_SYNTAX, "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "[1 2]",
            "{\"a\":1 \"b\":2}", "[", "{", "{\"a\"", "{\"a\":", "[1", "\"abc", "tru", "nul",
            "[true false]", "{,}", "[,1]", "{\"a\":1]", "[1}", "]", "}", "{1:2}", "[\"a\":1]");
    JC_EACH(JC_EMPTY, "", " \n\t");
    JC_EACH(JC_TRAILING, "{} x", "{}{}", "1 2");
    /* Only len bytes count: what follows them is never read. */
    jc_at("{}garbage", 2, JC_OK, 0);
    jc_at("[1,2]", 4, JC_SYNTAX, 4);
}
END_TEST

/* depth containers of open, then as many of close. */
static char *nest(int depth, char open, char close)
{
    char *s = malloc((size_t)depth * 2 + 1);
    memset(s, open, (size_t)depth);
    memset(s + depth, close, (size_t)depth);
    s[depth * 2] = '\0';
    return s;
}

START_TEST(depth_limit)
{
    char *s = nest(JC_MAX_DEPTH, '[', ']');
    jc_at(s, strlen(s), JC_OK, 0);
    free(s);
    s = nest(JC_MAX_DEPTH + 1, '[', ']');
    jc_at(s, strlen(s), JC_DEPTH, JC_MAX_DEPTH);
    free(s);
    s = nest(10000, '[', ']');
    jc_at(s, strlen(s), JC_DEPTH, JC_MAX_DEPTH);
    free(s);
    /* Objects and arrays mixed at the limit: each closes with its own
     * bracket, which the bit stack remembers through all 64 levels. */
    char mixed[JC_MAX_DEPTH * 8];
    size_t n = 0;
    for (int i = 0; i < JC_MAX_DEPTH; i++)
        n += (size_t)snprintf(mixed + n, sizeof mixed - n, "%s", i % 2 ? "[" : "{\"k\":");
    mixed[n++] = '1';
    size_t first_close = n;
    for (int i = JC_MAX_DEPTH - 1; i >= 0; i--)
        mixed[n++] = i % 2 ? ']' : '}';
    mixed[n] = '\0';
    jc_at(mixed, n, JC_OK, 0);
    mixed[n - 1] = ']'; /* the outermost '{' closed by ']' */
    jc_at(mixed, n, JC_SYNTAX, n - 1);
    mixed[n - 1] = '}';
    mixed[first_close] = '}'; /* the innermost '[' closed by '}' */
    jc_at(mixed, n, JC_SYNTAX, first_close);
    ck_assert_str_eq(jc_reason(JC_DEPTH), "nesting deeper than 64 levels");
}
END_TEST

START_TEST(decode_uses_the_check)
{
    rpc_request r;
    /* A raw NUL in request_id: cJSON alone would cut it to "abc". */
    const char nul[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"wallet.charge\","
                       "\"params\":{\"request_id\":\"abc\0first\"}}";
    ck_assert_int_eq(rpc_request_decode(nul, sizeof nul - 1, &r), TK_PARSE_ERROR);
    ck_assert_ptr_null(r.root); /* nothing parsed: the reply's id is null */
    ck_assert_int_eq(r.check.status, JC_CONTROL);
    rpc_request_free(&r);
    /* Invalid UTF-8 in the id is never echoed. */
    const char *bad_id = "{\"jsonrpc\":\"2.0\",\"id\":\"\xc0\xaf\",\"method\":\"x\"}";
    ck_assert_int_eq(rpc_request_decode(bad_id, strlen(bad_id), &r), TK_PARSE_ERROR);
    ck_assert_ptr_null(r.id);
    ck_assert_int_eq(r.check.status, JC_UTF8);
    rpc_request_free(&r);
    const char *lead = "{\"jsonrpc\":\"2.0\",\"id\":00100,\"method\":\"x\"}";
    ck_assert_int_eq(rpc_request_decode(lead, strlen(lead), &r), TK_PARSE_ERROR);
    ck_assert_int_eq(r.check.status, JC_NUMBER);
    rpc_request_free(&r);
    /* \u0000 stays INVALID_REQUEST, with the id. */
    const char *esc = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"x\",\"params\":{\"n\":\"\\u0000\"}}";
    ck_assert_int_eq(rpc_request_decode(esc, strlen(esc), &r), TK_INVALID_REQUEST);
    ck_assert(r.id != NULL);
    rpc_request_free(&r);

    /* The client side is as strict: a reply with invalid UTF-8 is refused. */
    rpc_reply rep;
    const char *reply = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"name\":\"\xed\xa0\x80\"}}";
    ck_assert_int_eq(rpc_reply_decode(reply, strlen(reply), &rep), TK_PARSE_ERROR);
    rpc_reply_free(&rep);
    ck_assert_ptr_null(jv_parse("{\"a\":01}", 8));
    cJSON *o = jv_parse("{\"a\":1}\n", 8);
    ck_assert_ptr_nonnull(o);
    cJSON_Delete(o);
}
END_TEST

int main(void)
{
    const TTest *tests[] = {accepts_rfc8259, raw_nul_and_controls, utf8, escapes, numbers,
                            grammar, depth_limit, decode_uses_the_check};
    Suite *s = suite_create("jsoncheck");
    ur_tcase(s, "all", 0, tests, UR_LEN(tests));
    return ur_run(s);
}
