/* server/api/api_params.c -- param getters and result helpers for api_*.c.
 * Every getter turns "missing" and "bad" into INVALID_PARAMS with
 * data.field naming the param, so handlers stay one line per param. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/tz.h"
#include "common/util.h"
#include "server/api/api_int.h"

tk_err ap_fail(api_call *c, tk_err e, const char *msg)
{
    snprintf(c->ei.msg, sizeof c->ei.msg, "%s", msg);
    return e;
}

tk_err ap_bad(api_call *c, const char *field, const char *msg)
{
    c->ei.field = field;
    if (msg)
        snprintf(c->ei.msg, sizeof c->ei.msg, "%s", msg);
    else
        snprintf(c->ei.msg, sizeof c->ei.msg, "invalid or missing param '%s'", field);
    return TK_INVALID_PARAMS;
}

static tk_err ap_status(api_call *c, const char *name, jv_status st, const char *what)
{
    if (st == JV_OK)
        return TK_OK;
    char m[160];
    snprintf(m, sizeof m, st == JV_MISSING ? "missing param '%s'" : "param '%s' must be %s",
             name, what);
    return ap_bad(c, name, m);
}

/* The range text is formatted only on failure: these run for every param
 * of every request. */
static tk_err ap_int_status(api_call *c, const char *name, jv_status st, int64_t min,
                            int64_t max)
{
    if (st == JV_OK)
        return TK_OK;
    char what[96];
    snprintf(what, sizeof what, "an integer in %" PRId64 "..%" PRId64, min, max);
    return ap_status(c, name, st, what);
}

tk_err ap_int(api_call *c, const char *name, int64_t min, int64_t max, int64_t *out)
{
    return ap_int_status(c, name, jv_get_int(c->params, name, min, max, out), min, max);
}

tk_err ap_id(api_call *c, const char *name, int64_t *out)
{
    return ap_int(c, name, -JV_INT_MAX, JV_INT_MAX, out);
}

tk_err ap_int_opt(api_call *c, const char *name, int64_t min, int64_t max, int64_t *out,
                  bool *present)
{
    int64_t v;
    jv_status st = jv_get_int(c->params, name, min, max, &v);
    *present = st == JV_OK;
    if (st == JV_MISSING)
        return TK_OK;
    if (st == JV_OK)
        *out = v;
    return ap_int_status(c, name, st, min, max);
}

tk_err ap_str(api_call *c, const char *name, size_t maxlen, const char **out)
{
    jv_status st = jv_get_str(c->params, name, maxlen, out);
    if (st == JV_OK)
        return TK_OK;
    char what[96];
    snprintf(what, sizeof what, "a string of 1..%zu bytes of printable UTF-8", maxlen);
    return ap_status(c, name, st, what);
}

tk_err ap_str_opt(api_call *c, const char *name, size_t maxlen, const char **out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(c->params, name);
    *out = NULL;
    return !it || cJSON_IsNull(it) ? TK_OK : ap_str(c, name, maxlen, out);
}

tk_err ap_user(api_call *c, tk_uuid *out)
{
    const char *s = NULL;
    jv_status st = jv_get_str(c->params, "user_id", 64, &s);
    if (st == JV_OK && !uuid_parse(s, out->b))
        st = JV_BAD;
    return ap_status(c, "user_id", st, "a UUID string");
}

tk_err ap_token(api_call *c, const char **out)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(c->params, "token");
    if (!t || cJSON_IsNull(t))
        return ap_status(c, "token", JV_MISSING, "");
    if (!cJSON_IsString(t) || !t->valuestring[0])
        return ap_status(c, "token", JV_BAD, "a non-empty string");
    /* A string, but not one of ours: that is the token's fault, not the
     * request's shape, so the contract's TOKEN_INVALID. */
    if (strlen(t->valuestring) >= TOKEN_MAX_LEN) {
        return ap_fail(c, TK_TOKEN_INVALID, "malformed token");
    }
    *out = t->valuestring;
    return TK_OK;
}

tk_err ap_request_id(api_call *c, const char **out)
{
    return ap_str(c, "request_id", TK_REQUEST_ID_MAX, out);
}

tk_err ap_time(api_call *c, const char *name, bool required, int64_t *ms, bool *present)
{
    const char *s = NULL;
    jv_status st = jv_get_str(c->params, name, 64, &s);
    if (present)
        *present = st == JV_OK;
    if (st == JV_MISSING && !required)
        return TK_OK;
    if (st == JV_OK && !time_parse(s, ms))
        st = JV_BAD;
    return ap_status(c, name, st, "an RFC 3339 time like 2026-12-24T19:00:00Z");
}

tk_err ap_local_time(api_call *c, const char *name, const char *zone, bool required,
                     int64_t *ms)
{
    const char *s = NULL;
    jv_status st = jv_get_str(c->params, name, 64, &s);
    if (st == JV_MISSING && !required)
        return TK_OK;
    if (st != JV_OK)
        return ap_status(c, name, st, "a time");
    tz_err e = tz_parse(zone, s, ms);
    if (e == TZ_OK)
        return TK_OK;
    char m[160];
    if (e == TZ_NO_SUCH)
        snprintf(m, sizeof m, "%s %s does not exist in %s (the clocks go forward then)", name,
                 s, zone);
    else
        snprintf(m, sizeof m, "param '%s' must be a local time in %s like 2026-12-24T19:00, "
                 "or RFC 3339 with Z or an offset", name, zone ? zone : "the concert's zone");
    return ap_bad(c, name, m);
}

cJSON *ar_new(api_call *c)
{
    cJSON_Delete(c->result);
    c->result = cJSON_CreateObject();
    return c->result;
}

void ar_time(cJSON *o, const char *name, int64_t ms)
{
    char buf[40];
    time_format(ms, buf, sizeof buf);
    cJSON_AddStringToObject(o, name, buf);
}

int64_t ar_secs_until(int64_t now_ms, int64_t ms)
{
    return ms <= now_ms ? 0 : (ms - now_ms + 999) / 1000;
}

void ar_str(cJSON *o, const char *name, const char *s)
{
    cJSON_AddStringToObject(o, name, s ? s : "");
}

void ar_bool(cJSON *o, const char *name, bool v) { cJSON_AddBoolToObject(o, name, v); }

cJSON *ar_array(cJSON *o, const char *name) { return cJSON_AddArrayToObject(o, name); }

cJSON *ar_push(cJSON *arr)
{
    cJSON *o = arr ? cJSON_CreateObject() : NULL;
    if (o && !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* Decimal text of v into out (>= 21 bytes); returns its length. */
static size_t ar_itoa(int64_t v, char *out)
{
    char tmp[24];
    size_t n = 0, k = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    out[k] = '\0';
    return k;
}

void ar_int(cJSON *o, const char *name, int64_t v)
{
    char buf[24];
    ar_itoa(v, buf);
    cJSON_AddRawToObject(o, name, buf);
}

static void ab_append(ar_buf *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + len + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    b->p[b->n] = '\0';
}

void ab_put(ar_buf *b, const char *s) { ab_append(b, s, strlen(s)); }

void ab_int(ar_buf *b, int64_t v)
{
    char buf[24];
    ab_append(b, buf, ar_itoa(v, buf));
}

cJSON *ab_finish(ar_buf *b)
{
    cJSON *r = b->oom || !b->p ? NULL : cJSON_CreateRaw(b->p);
    free(b->p);
    memset(b, 0, sizeof(*b));
    return r;
}
