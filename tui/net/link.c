/* tui/net/link.c -- the nng client behind the app's link interface. */
#include "tui/net/link.h"

#include <stdlib.h>

#include "common/json.h"
#include "common/tz.h"
#include "tui/ui/text.h"

/* cl_reply and app_reply are the one rpc_answer: handed on as it is. */
static void link_reply_cb(void *ctx, const cl_reply *r) { app_deliver_reply(ctx, r); }

static void link_event_cb(void *ctx, const char *topic, const cJSON *body)
{
    app_deliver_event(ctx, topic, body);
}

static void link_resync_cb(void *ctx, int64_t date_id) { app_deliver_resync(ctx, date_id); }

/* The link's ctx: calls go to the client, their replies to the app. */
typedef struct {
    cl_client *cl;
    app *a;
} link_ctx;

/* server.info, asked whenever the server (or, given several nodes, the
 * leader) is back: its zone is where times that belong to no concert are
 * shown (tx_set_zone). */
static void link_info_cb(void *ctx, const cl_reply *r)
{
    const char *zone;
    if (r->err == TK_OK && jv_get_str(r->result, "tz", TZ_NAME_MAX, &zone) == JV_OK)
        tx_set_zone(zone);
}

static void link_status_cb(void *ctx, bool online)
{
    link_ctx *l = ctx;
    if (online)
        cl_call(l->cl, "server.info", NULL, link_info_cb, l);
    app_set_online(l->a, online);
}

static int64_t link_call(void *ctx, const char *method, cJSON *params)
{
    link_ctx *l = ctx;
    return cl_call(l->cl, method, params, link_reply_cb, l->a);
}

static void link_subscribe(void *ctx, const char *topic, bool on)
{
    link_ctx *l = ctx;
    if (on)
        cl_subscribe(l->cl, topic);
    else
        cl_unsubscribe(l->cl, topic);
}

static void link_seq_pending(void *ctx, int64_t date_id) { cl_seq_pending(((link_ctx *)ctx)->cl, date_id); }
static void link_seq_reset(void *ctx, int64_t date_id, int64_t seq) { cl_seq_reset(((link_ctx *)ctx)->cl, date_id, seq); }
static void link_seq_forget(void *ctx, int64_t date_id) { cl_seq_forget(((link_ctx *)ctx)->cl, date_id); }
static int link_fd(void *ctx) { return cl_fd(((link_ctx *)ctx)->cl); }
static void link_poll(void *ctx) { cl_poll(((link_ctx *)ctx)->cl); }

static const app_link link_ops = {
    .call = link_call,
    .subscribe = link_subscribe,
    .seq_pending = link_seq_pending,
    .seq_reset = link_seq_reset,
    .seq_forget = link_seq_forget,
    .fd = link_fd,
    .poll = link_poll,
};

bool link_attach(app *a, cl_client *c)
{
    /* Lives as long as the client, which is never freed (see tui/main.c). */
    link_ctx *l = malloc(sizeof *l);
    if (!l)
        return false;
    *l = (link_ctx){c, a};
    cl_on_status(c, link_status_cb, l);
    cl_on_event(c, link_event_cb, a);
    cl_on_resync(c, link_resync_cb, a);
    app_set_link(a, &link_ops, l);
    return true;
}
