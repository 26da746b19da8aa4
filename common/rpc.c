/* common/rpc.c -- see rpc.h. */
#include "common/rpc.h"

#include <stdlib.h>
#include <string.h>

#include "common/json.h"

tk_err rpc_request_decode(const char *buf, size_t len, rpc_request *req)
{
    memset(req, 0, sizeof(*req));
    req->root = jv_parse(buf, len);
    if (!req->root)
        return TK_PARSE_ERROR;
    if (!cJSON_IsObject(req->root))
        return TK_INVALID_REQUEST;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(req->root, "id");
    if (id && (cJSON_IsNumber(id) || cJSON_IsString(id) || cJSON_IsNull(id)))
        req->id = id;
    else if (id)
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
