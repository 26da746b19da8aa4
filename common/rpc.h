/* common/rpc.h -- the JSON-RPC 2.0 envelope, both sides.
 *
 * Ownership: every function that takes a cJSON *result / *data / *params
 * takes ownership of it (it is freed or attached to the envelope, also on
 * failure). Returned char * are malloc'd, caller frees. */
#ifndef TK_RPC_H
#define TK_RPC_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/errors.h"
#include "common/jsoncheck.h"

/* The server refuses rpc messages larger than this (NNG_OPT_RECVMAXSZ). */
#define RPC_MAX_MSG (64 * 1024)
/* max_active and admit_per_min are 1..this, however they are set
 * (admin.queue.set, ticketd's flags, the console's prompts). */
#define RPC_QUEUE_SETTING_MAX 1000000

/* A numeric id longer than this is echoed as parsed, not as written. */
#define RPC_ID_TEXT_MAX 64

/* A decoded request. `root` owns everything; id/params point into it. */
typedef struct {
    cJSON *root;
    /* NULL when absent (notification-shaped). A numeric id is a raw item
     * holding the client's own text, so it is echoed as given. */
    const cJSON *id;
    const char *method;
    const cJSON *params;  /* object, or NULL when absent */
    /* What the strict check found (jsoncheck.h): on TK_PARSE_ERROR, why
     * and where, for the reply's message. */
    jc_result check;
} rpc_request;

/* Decode one message. Only strict RFC 8259 JSON in well-formed UTF-8
 * reaches cJSON (jc_check): anything else is TK_PARSE_ERROR with root NULL,
 * so its id is never read and the reply's id is null. A string holding the
 * escape \u0000 is TK_INVALID_REQUEST. On error req->root may still be set
 * (so the id can be echoed); always call rpc_request_free. */
tk_err rpc_request_decode(const char *buf, size_t len, rpc_request *req);
void rpc_request_free(rpc_request *req);

/* Server side: encode a success / failure reply. id may be NULL (-> null). */
char *rpc_encode_result(const cJSON *id, cJSON *result);
/* data may be NULL; "reason" is added to it. msg NULL -> a default text. */
char *rpc_encode_error(const cJSON *id, tk_err err, const char *msg, cJSON *data);

/* Client side: encode a request with a numeric id; params may be NULL. */
char *rpc_encode_request(int64_t id, const char *method, cJSON *params);

/* Client side: a decoded reply. */
typedef struct {
    cJSON *root;
    int64_t id;
    const cJSON *result;  /* set on success */
    tk_err err;           /* TK_OK on success */
    int code;
    const char *message;
    const cJSON *data;    /* error.data, may be NULL */
} rpc_reply;

/* Returns TK_OK when buf is a well-formed reply (success or error);
 * TK_PARSE_ERROR / TK_INVALID_REQUEST otherwise. Always rpc_reply_free. */
tk_err rpc_reply_decode(const char *buf, size_t len, rpc_reply *rep);
void rpc_reply_free(rpc_reply *rep);

/* A finished call as a client sees it (the kiosk's and console's network
 * client hands it to the screens: cl_reply, app_reply). Valid only during
 * the callback that gets it. */
typedef struct {
    int64_t call_id;      /* as the client returned it when calling */
    bool offline;         /* no reply before the deadline (or never sent) */
    bool unsure;          /* offline, and the request may have been carried
                           * out: it was sent, its reply lost, and it is not
                           * one common/retry lets the client send again */
    tk_err err;           /* TK_OK on success; TK_INTERNAL when offline */
    int code;             /* wire error code */
    const char *message;  /* error.message ("" when none) */
    const cJSON *result;  /* success result, else NULL */
    const cJSON *data;    /* error.data, may be NULL */
} rpc_answer;

#endif
