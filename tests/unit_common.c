/* tests/unit_common.c -- common/: json getters, rpc envelope, tokens, util. */
#include <check.h>
#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/errors.h"
#include "common/json.h"
#include "common/rpc.h"
#include "common/token.h"
#include "common/util.h"
#include "tests/unit_run.h"

static jv_status get_int(const char *json, int64_t min, int64_t max, int64_t *out)
{
    cJSON *o = jv_parse(json, strlen(json));
    ck_assert_ptr_nonnull(o);
    jv_status st = jv_get_int(o, "v", min, max, out);
    cJSON_Delete(o);
    return st;
}

START_TEST(json_int_ranges)
{
    int64_t v = 0;
    ck_assert_int_eq(get_int("{\"v\":42}", 0, 100, &v), JV_OK);
    ck_assert_int_eq(v, 42);
    ck_assert_int_eq(get_int("{\"v\":1.5}", 0, 100, &v), JV_BAD);
    ck_assert_int_eq(get_int("{\"v\":1e300}", 0, JV_INT_MAX, &v), JV_BAD);
    ck_assert_int_eq(get_int("{\"v\":-1}", 0, 100, &v), JV_BAD);
    ck_assert_int_eq(get_int("{\"v\":101}", 0, 100, &v), JV_BAD);
    ck_assert_int_eq(get_int("{\"v\":\"5\"}", 0, 100, &v), JV_BAD);
    ck_assert_int_eq(get_int("{\"v\":null}", 0, 100, &v), JV_MISSING);
    ck_assert_int_eq(get_int("{\"w\":1}", 0, 100, &v), JV_MISSING);
    ck_assert_int_eq(get_int("{\"v\":9007199254740991}", 0, JV_INT_MAX, &v), JV_OK);
    ck_assert_int_eq(get_int("{\"v\":9007199254740993}", 0, JV_INT_MAX, &v), JV_BAD);
}
END_TEST

START_TEST(json_strings)
{
    const char *s = NULL;
    cJSON *o = jv_parse("{\"a\":\"hi\",\"b\":\"\",\"c\":5,\"d\":\"x\\u0001y\",\"e\":\"\xea\xb9\x80\"}", 0);
    ck_assert_ptr_null(o); /* length 0 parses nothing */
    const char *txt = "{\"a\":\"hi\",\"b\":\"\",\"c\":5,\"d\":\"x\\u0001y\",\"e\":\"\xea\xb9\x80\"}";
    o = jv_parse(txt, strlen(txt));
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(jv_get_str(o, "a", 10, &s), JV_OK);
    ck_assert_str_eq(s, "hi");
    ck_assert_int_eq(jv_get_str(o, "a", 1, &s), JV_BAD);
    ck_assert_int_eq(jv_get_str(o, "b", 10, &s), JV_BAD);
    ck_assert_int_eq(jv_get_str0(o, "b", 10, &s), JV_OK);
    ck_assert_int_eq(jv_get_str(o, "c", 10, &s), JV_BAD);
    ck_assert_int_eq(jv_get_str(o, "d", 10, &s), JV_BAD); /* control character */
    ck_assert_int_eq(jv_get_str(o, "e", 10, &s), JV_OK);  /* Hangul */
    ck_assert_int_eq(jv_get_str(o, "zz", 10, &s), JV_MISSING);
    cJSON_Delete(o);
    ck_assert(!jv_text_ok("\xc0\xaf", 2));     /* overlong */
    ck_assert(!jv_text_ok("\xed\xa0\x80", 3)); /* surrogate */
    ck_assert(!jv_text_ok("\xe0\x80", 2));     /* truncated */
}
END_TEST

START_TEST(json_trailing_garbage)
{
    ck_assert_ptr_null(jv_parse("{} x", 4));
    cJSON *o = jv_parse("{}  \n", 5);
    ck_assert_ptr_nonnull(o);
    cJSON_Delete(o);
    ck_assert_ptr_null(jv_parse("{\"a\":", 5));
}
END_TEST

START_TEST(rpc_decode_cases)
{
    rpc_request r;
    const char *ok = "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"m.n\",\"params\":{\"a\":1}}";
    ck_assert_int_eq(rpc_request_decode(ok, strlen(ok), &r), TK_OK);
    ck_assert_str_eq(r.method, "m.n");
    ck_assert(cJSON_IsString(r.id));
    rpc_request_free(&r);
    ck_assert_int_eq(rpc_request_decode("nope", 4, &r), TK_PARSE_ERROR);
    rpc_request_free(&r);
    ck_assert_int_eq(rpc_request_decode("[1]", 3, &r), TK_INVALID_REQUEST);
    rpc_request_free(&r);
    const char *v1 = "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"m\"}";
    ck_assert_int_eq(rpc_request_decode(v1, strlen(v1), &r), TK_INVALID_REQUEST);
    rpc_request_free(&r);
    const char *pos = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":[1]}";
    ck_assert_int_eq(rpc_request_decode(pos, strlen(pos), &r), TK_INVALID_REQUEST);
    rpc_request_free(&r);
    /* U+0000 in a string would be cut there by cJSON: refused whole; an
     * escaped backslash before "u0000" is just text */
    const char *nul = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{\"name\":\"a\\u0000b\"}}";
    ck_assert_int_eq(rpc_request_decode(nul, strlen(nul), &r), TK_INVALID_REQUEST);
    ck_assert(cJSON_IsRaw(r.id)); /* the refusal still carries the id */
    rpc_request_free(&r);
    const char *nul3 = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{\"n\":\"\\\\\\u0000\"}}";
    ck_assert_int_eq(rpc_request_decode(nul3, strlen(nul3), &r), TK_INVALID_REQUEST);
    rpc_request_free(&r);
    const char *text = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{\"name\":\"a\\\\u0000b\"}}";
    ck_assert_int_eq(rpc_request_decode(text, strlen(text), &r), TK_OK);
    ck_assert_str_eq(cJSON_GetObjectItem(r.params, "name")->valuestring, "a\\u0000b");
    rpc_request_free(&r);
}
END_TEST

/* The reply to a request whose envelope is `head` + the given id text. */
static char *echo_of(const char *before, const char *id, const char *after)
{
    char req[512];
    snprintf(req, sizeof req, "%s%s%s", before, id, after);
    rpc_request r;
    ck_assert_int_eq(rpc_request_decode(req, strlen(req), &r), TK_OK);
    char *out = rpc_encode_result(r.id, cJSON_CreateObject());
    rpc_request_free(&r);
    ck_assert_ptr_nonnull(out);
    return out;
}

static void id_echoed_as(const char *before, const char *id, const char *after,
                         const char *want)
{
    char *out = echo_of(before, id, after), exp[128];
    snprintf(exp, sizeof exp, "\"id\":%s,", want);
    ck_assert_msg(strstr(out, exp) != NULL, "id %s came back in %s", id, out);
    free(out);
}

START_TEST(rpc_id_echoed_as_written)
{
    const char *a = "{\"jsonrpc\":\"2.0\",\"id\":", *b = ",\"method\":\"m\"}";
    const char *same[] = {"7", "-0", "9007199254740993", "-9223372036854775809", "1e400",
                          "1.50", "2E-3", "123456789012345678901234567890"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        id_echoed_as(a, same[i], b, same[i]);
    /* The id after other members, some of them nested, with spaces. */
    id_echoed_as("{\"method\":\"m\",\"params\":{\"id\":1,\"x\":[\"}\",{\"id\":2}]},"
                 "\"jsonrpc\":\"2.0\" , \"id\" : ",
                 "18446744073709551617", " }", "18446744073709551617");
    /* A member spelt with escapes is "id" to cJSON, not to the scan: the
     * parsed value is echoed, never the text of another member. */
    id_echoed_as("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"\\u0069d\":", "5", ",\"id\":6}",
                 "5");
    /* Strings and null as they were. */
    id_echoed_as(a, "\"x-1\"", b, "\"x-1\"");
    id_echoed_as(a, "null", b, "null");
}
END_TEST

/* Writes text to a temp file and reads it as an admin key: the rc and
 * errno of admin_key_read, and the key. */
static int key_of(const char *text, size_t len, char key[ADMIN_KEY_MAX + 1], int *err)
{
    char path[] = "/tmp/unit_common_key.XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    errno = 0;
    int rc = admin_key_read(path, key);
    *err = errno;
    unlink(path);
    return rc;
}

START_TEST(admin_key_file)
{
    char key[ADMIN_KEY_MAX + 1], text[1024];
    int err;
    ck_assert_int_eq(key_of("0123abcd\n", 9, key, &err), 0);
    ck_assert_str_eq(key, "0123abcd");
    ck_assert_int_eq(key_of(" \t\r\n", 4, key, &err), -1);
    ck_assert_int_eq(err, ENODATA);
    /* The longest key, then one byte more; whitespace after it never counts. */
    memset(text, 'k', sizeof text);
    memset(text + ADMIN_KEY_MAX, ' ', 200);
    ck_assert_int_eq(key_of(text, ADMIN_KEY_MAX + 200, key, &err), 0);
    ck_assert_int_eq(strlen(key), ADMIN_KEY_MAX);
    ck_assert_int_eq(key_of(text, ADMIN_KEY_MAX + 200 + 1, key, &err), -1);
    ck_assert_int_eq(err, E2BIG);
    text[ADMIN_KEY_MAX] = 'k';
    ck_assert_int_eq(key_of(text, ADMIN_KEY_MAX + 1, key, &err), -1);
    ck_assert_int_eq(err, E2BIG);
    ck_assert_int_eq(admin_key_read("/nonexistent/admin.key", key), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(rpc_error_roundtrip)
{
    cJSON *id = cJSON_CreateNumber(7);
    cJSON *data = cJSON_CreateObject();
    jv_add_int(data, "position", 12);
    char *s = rpc_encode_error(id, TK_NOT_ADMITTED, "wait", data);
    ck_assert_ptr_nonnull(s);
    rpc_reply rep;
    ck_assert_int_eq(rpc_reply_decode(s, strlen(s), &rep), TK_OK);
    ck_assert_int_eq(rep.err, TK_NOT_ADMITTED);
    ck_assert_int_eq(rep.code, 1004);
    ck_assert_int_eq(rep.id, 7);
    int64_t pos = 0;
    ck_assert_int_eq(jv_get_int(rep.data, "position", 0, 100, &pos), JV_OK);
    ck_assert_int_eq(pos, 12);
    rpc_reply_free(&rep);
    free(s);
    cJSON_Delete(id);
    for (int e = 0; e < TK_ERR_COUNT; e++) {
        ck_assert_int_eq(tk_err_from_reason(tk_err_reason((tk_err)e)), e);
        ck_assert_int_eq(tk_err_from_code(tk_err_code((tk_err)e)), e);
    }
}
END_TEST

START_TEST(token_sign_verify)
{
    uint8_t key[TOKEN_KEY_BYTES], other[TOKEN_KEY_BYTES];
    ck_assert_int_ge(sodium_init(), 0);
    randombytes_buf(key, sizeof key);
    randombytes_buf(other, sizeof other);
    token_claims c = {.seq = 123456789, .issued_ms = 1700000000123LL}, got;
    uuid_v4(c.user);
    char t[TOKEN_MAX_LEN];
    token_sign(key, &c, t);
    ck_assert(token_verify(key, t, &got));
    ck_assert_int_eq(got.seq, c.seq);
    ck_assert_int_eq(got.issued_ms, c.issued_ms);
    ck_assert_mem_eq(got.user, c.user, 16);
    ck_assert(!token_verify(other, t, &got));
    /* Flip every character in turn: no altered token verifies. */
    for (size_t i = 0; t[i]; i++) {
        char u[TOKEN_MAX_LEN];
        strcpy(u, t);
        u[i] = (char)(u[i] == 'A' ? 'B' : 'A');
        ck_assert_msg(!token_verify(key, u, &got), "altered at %zu verified", i);
    }
    ck_assert(!token_verify(key, "", &got));
    ck_assert(!token_verify(key, "t1.", &got));
    ck_assert(!token_verify(key, NULL, &got));
}
END_TEST

START_TEST(token_key_file)
{
    char dir[] = "/tmp/tkkeyXXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/secret.key", dir);
    uint8_t k1[TOKEN_KEY_BYTES], k2[TOKEN_KEY_BYTES];
    ck_assert_int_eq(token_key_load(path, k1), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(token_key_load(path, k2), 0);
    ck_assert_mem_eq(k1, k2, TOKEN_KEY_BYTES);
    chmod(path, 0644); /* a world-readable secret is refused */
    ck_assert_int_eq(token_key_load(path, k2), -1);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(util_uuid_time)
{
    uint8_t u[16], v[16];
    char s[UUID_STR_LEN], sh[9];
    uuid_v4(u);
    uuid_format(u, s);
    ck_assert_int_eq(strlen(s), 36);
    ck_assert_int_eq(s[14], '4');
    ck_assert(uuid_parse(s, v));
    ck_assert_mem_eq(u, v, 16);
    ck_assert(!uuid_parse("not-a-uuid", v));
    ck_assert(!uuid_parse("123e4567-e89b-12d3-a456-42661417400g", v));
    /* typed at a kiosk: no dashes, capitals, blanks around; never a
     * different length or dashes in the wrong places */
    const char *ok[] = {"123e4567-e89b-12d3-a456-426614174000", "123e4567e89b12d3a456426614174000",
                        "  123E4567E89B12D3A456426614174000 ", "123E4567-E89B-12D3-A456-426614174000"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint8_t w[16];
        char t[UUID_STR_LEN];
        ck_assert_msg(uuid_parse_loose(ok[i], w), "%s", ok[i]);
        uuid_format(w, t);
        ck_assert_str_eq(t, "123e4567-e89b-12d3-a456-426614174000");
    }
    const char *bad[] = {"", "123e4567e89b12d3a45642661417400", "123e4567-e89b12d3-a456-426614174000",
                         "123e4567e89b12d3a4564266141740000", "1-3e4567e89b12d3a456426614174000-",
                         "123e4567 e89b 12d3 a456 426614174000", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!uuid_parse_loose(bad[i], v), "%s", bad[i] ? bad[i] : "NULL");
    uuid_short(u, sh);
    ck_assert_int_eq(strncmp(s, sh, 8), 0);

    int64_t ms = 0;
    ck_assert(time_parse("2026-12-24T19:30:00Z", &ms));
    char out[32];
    time_format(ms, out, sizeof out);
    ck_assert_str_eq(out, "2026-12-24T19:30:00Z");
    int64_t ms2 = 0;
    ck_assert(time_parse("2026-12-25T04:30:00+09:00", &ms2));
    ck_assert_int_eq(ms, ms2);
    ck_assert(time_parse("2026-12-24T19:30:00.250Z", &ms2));
    ck_assert_int_eq(ms2, ms + 250);
    ck_assert(!time_parse("2026-02-30T00:00:00Z", &ms2));
    ck_assert(!time_parse("2026-12-24 19:30", &ms2));
    ck_assert(!time_parse("2026-12-24T19:30:00", &ms2));
    ck_assert(time_parse("2024-02-29T00:00:00Z", &ms2));
}
END_TEST

int main(void)
{
    const TTest *tests[] = {
        json_int_ranges, json_strings, json_trailing_garbage, rpc_decode_cases,
        rpc_error_roundtrip, rpc_id_echoed_as_written, admin_key_file, token_sign_verify, token_key_file, util_uuid_time};
    Suite *s = suite_create("common");
    ur_tcase(s, "all", 0, tests, UR_LEN(tests));
    return ur_run(s);
}
