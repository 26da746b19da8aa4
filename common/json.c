/* common/json.c -- see json.h. */
#include "common/json.h"

#include <math.h>
#include <string.h>

jv_status jv_int_value(const cJSON *item, int64_t min, int64_t max, int64_t *out)
{
    if (!item || cJSON_IsNull(item))
        return JV_MISSING;
    if (!cJSON_IsNumber(item))
        return JV_BAD;
    double d = item->valuedouble;
    /* Reject NaN/inf, fractions and anything not exactly representable. */
    if (!isfinite(d) || d != floor(d) || d > (double)JV_INT_MAX || d < -(double)JV_INT_MAX)
        return JV_BAD;
    int64_t v = (int64_t)d;
    if (v < min || v > max)
        return JV_BAD;
    *out = v;
    return JV_OK;
}

jv_status jv_get_int(const cJSON *obj, const char *name, int64_t min, int64_t max, int64_t *out)
{
    if (!cJSON_IsObject(obj))
        return JV_MISSING;
    return jv_int_value(cJSON_GetObjectItemCaseSensitive(obj, name), min, max, out);
}

bool jv_text_ok(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        if (c < 0x20 || c == 0x7f)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned cp;
        if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; }
        else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; }
        else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; }
        else return false;
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        /* Overlong forms, surrogates and out-of-range code points. */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

static jv_status jv_str(const cJSON *obj, const char *name, size_t minlen, size_t maxlen,
                        const char **out)
{
    if (!cJSON_IsObject(obj))
        return JV_MISSING;
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!it || cJSON_IsNull(it))
        return JV_MISSING;
    if (!cJSON_IsString(it) || !it->valuestring)
        return JV_BAD;
    size_t len = strlen(it->valuestring);
    if (len < minlen || len > maxlen || !jv_text_ok(it->valuestring, len))
        return JV_BAD;
    *out = it->valuestring;
    return JV_OK;
}

jv_status jv_get_str(const cJSON *obj, const char *name, size_t maxlen, const char **out)
{
    return jv_str(obj, name, 1, maxlen, out);
}

jv_status jv_get_str0(const cJSON *obj, const char *name, size_t maxlen, const char **out)
{
    return jv_str(obj, name, 0, maxlen, out);
}

jv_status jv_get_bool(const cJSON *obj, const char *name, bool *out)
{
    if (!cJSON_IsObject(obj))
        return JV_MISSING;
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!it || cJSON_IsNull(it))
        return JV_MISSING;
    if (!cJSON_IsBool(it))
        return JV_BAD;
    *out = cJSON_IsTrue(it);
    return JV_OK;
}

bool jv_add_int(cJSON *obj, const char *name, int64_t v)
{
    return cJSON_AddNumberToObject(obj, name, (double)v) != NULL;
}

cJSON *jv_parse_checked(const char *buf, size_t len, jc_result *why)
{
    jc_result local;
    if (!jc_check(buf, len, why ? why : &local))
        return NULL;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    /* What passes the check cJSON accepts (only memory can fail it now);
     * still, it must have read the whole value, up to trailing space. */
    while (root && end && end < buf + len &&
           (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
        end++;
    if (root && end != buf + len) {
        cJSON_Delete(root);
        root = NULL;
    }
    return root;
}

cJSON *jv_parse(const char *buf, size_t len)
{
    return jv_parse_checked(buf, len, NULL);
}
