/* common/rpc.c -- see rpc.h. */
#include "common/rpc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

/* ---- the id's own text ----------------------------------------------
 * A numeric id is echoed as the client wrote it: a double cannot hold
 * 9007199254740993 or 1e400, so the parsed value would come back changed.
 * These scans run only on text jc_check and cJSON have already accepted. */

static const char *rpc_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* p at a '"': just past the closing quote, or NULL. */
static const char *rpc_past_string(const char *p, const char *e)
{
    for (p++; p < e; p++) {
        if (*p == '\\')
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

/* p at any value: just past it, or NULL. */
static const char *rpc_past_value(const char *p, const char *e)
{
    if (p < e && *p == '"')
        return rpc_past_string(p, e);
    int depth = 0;
    for (; p < e; p++) {
        if (*p == '"') {
            if (!(p = rpc_past_string(p, e)))
                return NULL;
            p--;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            if (depth-- == 0)
                return p; /* the end of the enclosing object */
            if (depth == 0)
                return p + 1;
        } else if (depth == 0 && (*p == ',' || *p == ' ' || *p == '\t' || *p == '\n' ||
                                  *p == '\r')) {
            return p;
        }
    }
    return depth == 0 ? p : NULL;
}

/* The text of the first top-level member spelt exactly "id". */
static bool rpc_id_text(const char *buf, size_t len, const char **v, size_t *n)
{
    const char *p = rpc_ws(buf, buf + len), *e = buf + len;
    if (p >= e || *p++ != '{')
        return false;
    for (;;) {
        p = rpc_ws(p, e);
        if (p >= e || *p != '"')
            return false;
        const char *k = p + 1;
        if (!(p = rpc_past_string(p, e)))
            return false;
        bool is_id = p - k == 3 && memcmp(k, "id\"", 3) == 0;
        p = rpc_ws(p, e);
        if (p >= e || *p++ != ':')
            return false;
        const char *s = rpc_ws(p, e);
        if (!(p = rpc_past_value(s, e)))
            return false;
        if (is_id) {
            *v = s;
            *n = (size_t)(p - s);
            return true;
        }
        p = rpc_ws(p, e);
        if (p >= e || *p++ != ',')
            return false;
    }
}

static const char *rpc_digits(const char *p, const char *e)
{
    const char *s = p;
    while (p < e && *p >= '0' && *p <= '9')
        p++;
    return p > s ? p : NULL;
}

/* s[0..n) is a number by JSON's grammar (cJSON also takes "01", "1.").
 */
static bool rpc_json_number(const char *s, size_t n)
{
    const char *p = s, *e = s + n;
    if (p < e && *p == '-')
        p++;
    if (p < e && *p == '0')
        p++;
    else if (!(p < e && *p >= '1' && *p <= '9') || !(p = rpc_digits(p, e)))
        return false;
    if (p < e && *p == '.' && !(p = rpc_digits(p + 1, e)))
        return false;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (!(p = rpc_digits(p, e)))
            return false;
    }
    return p == e;
}

/* Swaps a numeric id for a raw item holding the client's text, when that
 * text is a JSON number and says what cJSON read (a member spelt with
 * escapes is left as parsed). */
static void rpc_keep_id_text(rpc_request *req, const char *buf, size_t len)
{
    const char *v;
    size_t n;
    char text[RPC_ID_TEXT_MAX + 1];
    if (!cJSON_IsNumber(req->id) || !rpc_id_text(buf, len, &v, &n) || n > RPC_ID_TEXT_MAX ||
        !rpc_json_number(v, n))
        return;
    memcpy(text, v, n);
    text[n] = '\0';
    if (strtod(text, NULL) != req->id->valuedouble)
        return;
    cJSON *raw = cJSON_CreateRaw(text);
    if (raw && cJSON_ReplaceItemInObjectCaseSensitive(req->root, "id", raw))
        req->id = raw;
    else
        cJSON_Delete(raw);
}

tk_err rpc_request_decode(const char *buf, size_t len, rpc_request *req)
{
    memset(req, 0, sizeof(*req));
    req->root = jv_parse_checked(buf, len, &req->check);
    if (!req->root)
        return TK_PARSE_ERROR;
    if (!cJSON_IsObject(req->root))
        return TK_INVALID_REQUEST;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(req->root, "id");
    if (id && (cJSON_IsNumber(id) || cJSON_IsString(id) || cJSON_IsNull(id)))
        req->id = id;
    else if (id)
        return TK_INVALID_REQUEST;
    rpc_keep_id_text(req, buf, len);
    /* An escape of U+0000 (found by jc_check): cJSON ends the decoded
     * string there, so "a\u0000b" would reach us as "a", a name or
     * request_id silently cut. Refused after the id: the refusal carries it. */
    if (req->check.nul_escape)
        return TK_INVALID_REQUEST;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req->root, "jsonrpc");
    if (!cJSON_IsString(v) || strcmp(v->valuestring, "2.0") != 0)
        return TK_INVALID_REQUEST;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(req->root, "method");
    if (!cJSON_IsString(m) || !m->valuestring[0] || strlen(m->valuestring) > 64)
        return TK_INVALID_REQUEST;
    req->method = m->valuestring;
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(req->root, "params");
    if (p && !cJSON_IsNull(p) && !cJSON_IsObject(p))
        return TK_INVALID_REQUEST; /* positional params are not part of the contract */
    req->params = cJSON_IsObject(p) ? p : NULL;
    return TK_OK;
}

void rpc_request_free(rpc_request *req)
{
    cJSON_Delete(req->root);
    memset(req, 0, sizeof(*req));
}

static cJSON *rpc_envelope(const cJSON *id)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "jsonrpc", "2.0");
    cJSON *idc = id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull();
    cJSON_AddItemToObject(o, "id", idc ? idc : cJSON_CreateNull());
    return o;
}

static char *rpc_print(cJSON *o)
{
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s;
}

char *rpc_encode_result(const cJSON *id, cJSON *result)
{
    cJSON *o = rpc_envelope(id);
    if (!o) {
        cJSON_Delete(result);
        return NULL;
    }
    cJSON_AddItemToObject(o, "result", result ? result : cJSON_CreateObject());
    return rpc_print(o);
}

char *rpc_encode_error(const cJSON *id, tk_err err, const char *msg, cJSON *data)
{
    cJSON *o = rpc_envelope(id);
    cJSON *e = cJSON_CreateObject();
    if (!data)
        data = cJSON_CreateObject();
    if (!o || !e || !data) {
        cJSON_Delete(o);
        cJSON_Delete(e);
        cJSON_Delete(data);
        return NULL;
    }
    cJSON_AddNumberToObject(e, "code", tk_err_code(err));
    cJSON_AddStringToObject(e, "message", msg ? msg : tk_err_reason(err));
    cJSON_DeleteItemFromObjectCaseSensitive(data, "reason");
    cJSON_AddStringToObject(data, "reason", tk_err_reason(err));
    cJSON_AddItemToObject(e, "data", data);
    cJSON_AddItemToObject(o, "error", e);
    return rpc_print(o);
}

char *rpc_encode_request(int64_t id, const char *method, cJSON *params)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        cJSON_Delete(params);
        return NULL;
    }
    cJSON_AddStringToObject(o, "jsonrpc", "2.0");
    jv_add_int(o, "id", id);
    cJSON_AddStringToObject(o, "method", method);
    cJSON_AddItemToObject(o, "params", params ? params : cJSON_CreateObject());
    return rpc_print(o);
}

tk_err rpc_reply_decode(const char *buf, size_t len, rpc_reply *rep)
{
    memset(rep, 0, sizeof(*rep));
    rep->root = jv_parse(buf, len);
    if (!rep->root)
        return TK_PARSE_ERROR;
    if (!cJSON_IsObject(rep->root))
        return TK_INVALID_REQUEST;
    jv_get_int(rep->root, "id", -JV_INT_MAX, JV_INT_MAX, &rep->id);
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(rep->root, "result");
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(rep->root, "error");
    if (res) {
        rep->result = res;
        rep->err = TK_OK;
        return TK_OK;
    }
    if (!cJSON_IsObject(err))
        return TK_INVALID_REQUEST;
    int64_t code = 0;
    jv_get_int(err, "code", -JV_INT_MAX, JV_INT_MAX, &code);
    rep->code = (int)code;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(err, "message");
    rep->message = cJSON_IsString(m) ? m->valuestring : "";
    rep->data = cJSON_GetObjectItemCaseSensitive(err, "data");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(rep->data, "reason");
    rep->err = cJSON_IsString(r) ? tk_err_from_reason(r->valuestring) : tk_err_from_code(rep->code);
    if (rep->err == TK_ERR_COUNT || rep->err == TK_OK)
        rep->err = TK_INTERNAL;
    return TK_OK;
}

void rpc_reply_free(rpc_reply *rep)
{
    cJSON_Delete(rep->root);
    memset(rep, 0, sizeof(*rep));
}
