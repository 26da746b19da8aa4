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

/* The status jc_check gives n bytes of s (n 0: strlen). */
static jc_status jc_of(const char *s, size_t n, size_t *off)
{
    jc_result r;
    bool ok = jc_check(s, n ? n : strlen(s), &r);
    ck_assert_int_eq(ok, r.status == JC_OK);
    if (off)
        *off = r.offset;
    return r.status;
}

#define JC_IS(want, s) ck_assert_msg(jc_of(s, 0, NULL) == (want), "%s: got %s", s, \
                                     jc_reason(jc_of(s, 0, NULL)))
/* Literal with embedded NULs: its sizeof, less the terminator. */
#define JC_IS_N(want, lit) ck_assert_int_eq(jc_of(lit, sizeof(lit) - 1, NULL), (want))

START_TEST(accepts_rfc8259)
{
    const char *ok[] = {
        "{}", "[]", " \t\r\n{ } \n", "0", "-0", "1.5e-3", "1E+9", "-12.0e0", "true", "null",
        "\"\"", "\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u00e9\\uD83C\\uDFAB\"",
        "{\"a\":[1,{\"b\":null},[]],\"c\":\"\xea\xb9\x80 \xf0\x9f\x8e\xab\"}",
        "\"\x7f\"", /* DEL is not a control character to RFC 8259 */
        "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"", /* U+FFFF and U+10FFFF */
        "123456789012345678901234567890123456789012345678901234567890123456789",
        "{\"a\":1,\"a\":2}", /* duplicate names: valid, cJSON takes the first */
    };
    for (size_t i = 0; i < UR_LEN(ok); i++)
        JC_IS(JC_OK, ok[i]);
}
END_TEST

START_TEST(raw_nul_and_controls)
{
    JC_IS_N(JC_CONTROL, "{\"request_id\":\"abc\0first\"}");
    JC_IS_N(JC_CONTROL, "[\"\0\"]");
    JC_IS(JC_CONTROL, "[\"a\x01\"]");
    JC_IS(JC_CONTROL, "[\"tab\there\"]");
    JC_IS(JC_CONTROL, "[\"line\nbreak\"]");
    JC_IS(JC_CONTROL, "[\"\x1f\"]");
    /* Outside strings a NUL or a control is no whitespace either. */
    JC_IS_N(JC_TRAILING, "{}\0");
    JC_IS_N(JC_SYNTAX, "\0{}");
    JC_IS(JC_SYNTAX, "\x01{}");
    JC_IS(JC_SYNTAX, "{\v}");
    JC_IS(JC_SYNTAX, "[1,\f2]");
    size_t off = 0;
    ck_assert_int_eq(jc_of("{\"ab\0c\":1}", 10, &off), JC_CONTROL);
    ck_assert_int_eq(off, 4);
}
END_TEST

START_TEST(utf8)
{
    const char *bad[] = {
        "\"\xff\"", "\"\xfe\"", "\"\x80\"",          /* never a lead byte, a lone continuation */
        "\"\xc0\xaf\"", "\"\xc1\xbf\"",              /* overlong 2-byte */
        "\"\xe0\x80\xaf\"", "\"\xe0\x9f\xbf\"",      /* overlong 3-byte */
        "\"\xf0\x80\x80\xaf\"", "\"\xf0\x8f\xbf\xbf\"", /* overlong 4-byte */
        "\"\xed\xa0\x80\"", "\"\xed\xbf\xbf\"",      /* UTF-16 surrogates in UTF-8 */
        "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xf8\x88\x80\x80\x80\"", /* > U+10FFFF */
        "\"\xe4\xb8\"", "\"\xf0\x9f\x8e\"", "\"\xc3\"", /* cut short before the quote */
        "\"\xc3\x28\"", "\"\xe4\x28\xad\"",          /* a continuation that is not */
    };
    for (size_t i = 0; i < UR_LEN(bad); i++)
        ck_assert_msg(jc_of(bad[i], 0, NULL) == JC_UTF8, "case %zu: %s", i,
                      jc_reason(jc_of(bad[i], 0, NULL)));
    /* A sequence cut by the end of the buffer, not by a quote. */
    ck_assert_int_eq(jc_of("\"\xe4\xb8\xad", 3, NULL), JC_UTF8);
    /* A BOM is refused, not skipped (cJSON skips it). */
    JC_IS(JC_SYNTAX, "\xef\xbb\xbf{}");
    size_t off = 0;
    ck_assert_int_eq(jc_of("{\"id\":\"a\xff\"}", 0, &off), JC_UTF8);
    ck_assert_int_eq(off, 8);
}
END_TEST

START_TEST(escapes)
{
    JC_IS(JC_ESCAPE, "[\"\\x\"]");
    JC_IS(JC_ESCAPE, "[\"\\u12\"]");
    JC_IS(JC_ESCAPE, "[\"\\u12g4\"]");
    JC_IS(JC_ESCAPE, "[\"\\U0041\"]");
    /* Lone surrogates: refused (cJSON refuses them too). */
    JC_IS(JC_ESCAPE, "[\"\\ud800\"]");
    JC_IS(JC_ESCAPE, "[\"\\udc00\"]");
    JC_IS(JC_ESCAPE, "[\"\\ud800\\u0041\"]");
    JC_IS(JC_ESCAPE, "[\"\\ud800\\ud800\"]");
    JC_IS(JC_ESCAPE, "[\"\\ud800x\\udc00\"]");
    JC_IS(JC_ESCAPE, "[\"\\uDFFF\\uD800\"]");
    JC_IS(JC_OK, "[\"\\uDBFF\\uDFFF\"]");
    ck_assert_int_eq(jc_of("\"\\", 2, NULL), JC_SYNTAX);
    ck_assert_int_eq(jc_of("\"\\ud83c\\udf", 11, NULL), JC_ESCAPE);

    /* \u0000 is valid JSON; the check says it was there. */
    jc_result r;
    ck_assert(jc_check("[\"a\\u0000b\"]", 12, &r));
    ck_assert(r.nul_escape);
    ck_assert(jc_check("[\"a\\\\u0000b\"]", 13, &r)); /* an escaped backslash, then text */
    ck_assert(!r.nul_escape);
    ck_assert(jc_check("[\"\\\\\\u0000\"]", 12, &r)); /* \\ then \u0000 */
    ck_assert(r.nul_escape);
    ck_assert(jc_check("{\"\\u0000\":1}", 12, &r)); /* in a name too */
    ck_assert(r.nul_escape);
}
END_TEST

START_TEST(numbers)
{
    const char *bad[] = {"00100", "[01]", "-01", "[1.]", "1.e5", "[-]", "-", "[1e]", "1e+",
                         "[.5]", "+1", "[0x10]", "-a"};
    for (size_t i = 0; i < UR_LEN(bad); i++) {
        jc_status s = jc_of(bad[i], 0, NULL);
        ck_assert_msg(s == JC_NUMBER || s == JC_SYNTAX, "%s: %s", bad[i], jc_reason(s));
    }
    JC_IS(JC_NUMBER, "{\"amount\":00100}");
    JC_IS(JC_NUMBER, "[1.]");
    JC_IS(JC_NUMBER, "[-]");
    JC_IS(JC_SYNTAX, "[1.5.3]");
    JC_IS(JC_SYNTAX, "[NaN]");
    JC_IS(JC_SYNTAX, "[Infinity]");
    size_t off = 0;
    ck_assert_int_eq(jc_of("{\"id\":00100}", 0, &off), JC_NUMBER);
    ck_assert_int_eq(off, 6);
}
END_TEST

START_TEST(grammar)
{
    const char *bad[] = {
        "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "[1 2]", "{\"a\":1 \"b\":2}",
        "[", "{", "{\"a\"", "{\"a\":", "[1", "\"abc", "tru", "nul", "[true false]", "{,}",
        "[,1]", "{\"a\":1]", "[1}", "]", "}", "{1:2}", "[\"a\":1]",
    };
    for (size_t i = 0; i < UR_LEN(bad); i++)
        ck_assert_msg(jc_of(bad[i], 0, NULL) == JC_SYNTAX, "%s: %s", bad[i],
                      jc_reason(jc_of(bad[i], 0, NULL)));
    JC_IS(JC_EMPTY, "");
    JC_IS(JC_EMPTY, " \n\t");
    JC_IS(JC_TRAILING, "{} x");
    JC_IS(JC_TRAILING, "{}{}");
    JC_IS(JC_TRAILING, "1 2");
    /* Only len bytes count: what follows them is never read. */
    ck_assert_int_eq(jc_of("{}garbage", 2, NULL), JC_OK);
    ck_assert_int_eq(jc_of("[1,2]", 4, NULL), JC_SYNTAX);
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
    JC_IS(JC_OK, s);
    free(s);
    s = nest(JC_MAX_DEPTH + 1, '[', ']');
    size_t off = 0;
    ck_assert_int_eq(jc_of(s, 0, &off), JC_DEPTH);
    ck_assert_int_eq(off, JC_MAX_DEPTH);
    free(s);
    s = nest(10000, '[', ']');
    JC_IS(JC_DEPTH, s);
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
    JC_IS(JC_OK, mixed);
    mixed[n - 1] = ']'; /* the outermost '{' closed by ']' */
    JC_IS(JC_SYNTAX, mixed);
    mixed[n - 1] = '}';
    mixed[first_close] = '}'; /* the innermost '[' closed by '}' */
    JC_IS(JC_SYNTAX, mixed);
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
