/* server/api/api_queue.c -- queue.join, queue.status, queue.leave. */
#include "common/json.h"
#include "server/api/api_int.h"

/* Shared shape of join and status. expires_in_s (the earlier of the idle
 * window, or the last hold, and the turn's end) and turn_expires_in_s only
 * mean something for an active token, so only an active token carries them. */
static void queue_result(api_call *c, const tk_queue_info *q, bool with_token)
{
    cJSON *o = ar_new(c);
    if (with_token)
        ar_str(o, "token", q->token);
    ar_str(o, "state", tk_token_state_name(q->state));
    ar_int(o, "position", q->position);
    ar_int(o, "eta_s", q->eta_s);
    ar_int(o, "seq", (int64_t)q->seq);
    if (q->prequeue) {
        ar_bool(o, "prequeue", true);
        ar_int(o, "opens_in_s", q->opens_in_s);
    }
    if (q->state == TK_TOKEN_ACTIVE) {
        ar_int(o, "expires_in_s", q->expires_in_s);
        ar_int(o, "turn_expires_in_s", q->turn_expires_in_s);
    }
}

tk_err api_queue_join(api_call *c)
{
    tk_uuid u;
    tk_queue_info q;
    tk_err e = ap_user(c, &u);
    if (e || (e = tk_queue_join(c->d, &u, c->now_ms, &q, &c->ei)))
        return e;
    queue_result(c, &q, true);
    return TK_OK;
}

tk_err api_queue_status(api_call *c)
{
    const char *tok;
    tk_queue_info q;
    tk_err e = ap_token(c, &tok);
    if (e || (e = tk_queue_status(c->d, tok, c->now_ms, &q, &c->ei)))
        return e;
    queue_result(c, &q, false);
    return TK_OK;
}

tk_err api_queue_leave(api_call *c)
{
    const char *tok;
    tk_err e = ap_token(c, &tok);
    if (e || (e = tk_queue_leave(c->d, tok, c->now_ms, &c->ei)))
        return e;
    ar_str(ar_new(c), "state", "expired");
    return TK_OK;
}
