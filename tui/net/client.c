/* tui/net/client.c -- REQ/SUB client on nng aio; see client.h for the model.
 *
 * Threading: nng callbacks (call_cb, sub_cb, pipe_cb) touch only the two
 * mutex-guarded queues and the atomics, then write one byte to the wake
 * pipe. Everything else -- decoding, seq checks, resends, user callbacks --
 * runs in cl_poll on the UI thread. */
#include "tui/net/client_int.h"

#include <errno.h>
#include <fcntl.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "common/retry.h"
#include "common/rpc.h"
#include "common/util.h"

bool cl_trace_on(void)
{
    static int on = -1;
    if (on < 0) {
        const char *v = getenv("TK_CLIENT_TRACE");
        on = v && *v && strcmp(v, "0") != 0;
    }
    return on;
}

static void cl_wake(cl_client *c)
{
    char b = 1;
    ssize_t n = write(c->wake[1], &b, 1); /* full pipe: a wake is already due */
    (void)n;
}

/* Both sockets count: without the SUB pipe the map silently goes stale
 * (events sent while it was down are gone), so "online" needs both, and
 * the return to online is what makes every screen refetch. */
static void pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
    cl_client *c = arg;
    nng_socket s = nng_pipe_socket(p);
    atomic_int *n = s.id == c->sub.id ? &c->sub_pipes : &c->req_pipes;
    if (ev == NNG_PIPE_EV_ADD_POST) {
        atomic_fetch_add(n, 1);
        atomic_fetch_add(&c->pipe_epoch, 1);
    } else if (ev == NNG_PIPE_EV_REM_POST) {
        atomic_fetch_sub(n, 1);
        if (n == &c->sub_pipes)
            atomic_fetch_add(&c->sub_drops, 1);
    }
    cl_wake(c);
}

/* Hands a finished call to the UI thread (any thread). */
static void done_push(cl_client *c, cl_call_t *k, int rv)
{
    k->rv = rv;
    pthread_mutex_lock(&c->mu);
    k->next = NULL;
    if (c->done_tail)
        c->done_tail->next = k;
    else
        c->done_head = k;
    c->done_tail = k;
    pthread_mutex_unlock(&c->mu);
    cl_wake(c);
}

static void call_cb(void *arg)
{
    cl_call_t *k = arg;
    cl_client *c = k->c;
    int rv = nng_aio_result(k->aio);
    if (k->stage == 0) {
        if (rv == 0) {
            k->stage = 1;
            nng_ctx_recv(k->ctx, k->aio);
            return;
        }
        nng_msg_free(nng_aio_get_msg(k->aio)); /* unsent: still ours */
    } else if (rv == 0) {
        k->reply = nng_aio_get_msg(k->aio);
    }
    done_push(c, k, rv);
}

static void sub_cb(void *arg)
{
    cl_client *c = arg;
    if (nng_aio_result(c->sub_aio) != 0) {
        if (!atomic_load(&c->closing))
            nng_recv_aio(c->sub, c->sub_aio);
        return;
    }
    nng_msg *m = nng_aio_get_msg(c->sub_aio);
    pthread_mutex_lock(&c->mu);
    if (c->nev == c->cap_ev) {
        size_t cap = c->cap_ev ? c->cap_ev * 2 : 64;
        nng_msg **q = cap <= 65536 ? realloc(c->evq, cap * sizeof(*q)) : NULL;
        if (q) {
            c->evq = q;
            c->cap_ev = cap;
        }
    }
    if (c->nev < c->cap_ev)
        c->evq[c->nev++] = m;
    else
        nng_msg_free(m); /* like PUB/SUB itself: a slow reader loses events */
    pthread_mutex_unlock(&c->mu);
    cl_wake(c);
    if (!atomic_load(&c->closing))
        nng_recv_aio(c->sub, c->sub_aio);
}

static tk_err cl_open(cl_client *c, const char *rpc_url, const char *events_url)
{
    if (nng_req0_open(&c->req) != 0 || nng_sub0_open(&c->sub) != 0)
        return TK_INTERNAL;
    /* Never let nng resend behind our back: the deadline is ours. */
    nng_socket_set_ms(c->req, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
    nng_socket_set_ms(c->req, NNG_OPT_RECVTIMEO, c->timeout_ms);
    nng_socket_set_ms(c->req, NNG_OPT_RECONNMINT, 100);
    nng_socket_set_ms(c->req, NNG_OPT_RECONNMAXT, 1000);
    nng_socket_set_ms(c->sub, NNG_OPT_RECONNMINT, 100);
    nng_socket_set_ms(c->sub, NNG_OPT_RECONNMAXT, 1000);
    nng_pipe_notify(c->req, NNG_PIPE_EV_ADD_POST, pipe_cb, c);
    nng_pipe_notify(c->req, NNG_PIPE_EV_REM_POST, pipe_cb, c);
    nng_pipe_notify(c->sub, NNG_PIPE_EV_ADD_POST, pipe_cb, c);
    nng_pipe_notify(c->sub, NNG_PIPE_EV_REM_POST, pipe_cb, c);
    /* Every node's URL on the one socket: only the leader listens, so only
     * its dialers connect; nng keeps redialing the others (NONBLOCK: none
     * may be up yet), and whichever leads next is reached the same way. */
    rt_urls rpc, ev;
    if (rt_urls_parse(&rpc, rpc_url) != 0 || rt_urls_parse(&ev, events_url) != 0)
        return TK_INVALID_PARAMS;
    for (int i = 0; i < rpc.n; i++)
        if (nng_dial(c->req, rpc.urls[i], NULL, NNG_FLAG_NONBLOCK) != 0)
            return TK_INVALID_PARAMS;
    for (int i = 0; i < ev.n; i++)
        if (nng_dial(c->sub, ev.urls[i], NULL, NNG_FLAG_NONBLOCK) != 0)
            return TK_INVALID_PARAMS;
    if (nng_aio_alloc(&c->sub_aio, sub_cb, c) != 0)
        return TK_INTERNAL;
    nng_recv_aio(c->sub, c->sub_aio);
    return TK_OK;
}

cl_client *cl_new(const char *rpc_url, const char *events_url, tk_err *err)
{
    cl_client *c = calloc(1, sizeof(*c));
    *err = TK_INTERNAL;
    if (!c)
        return NULL;
    c->timeout_ms = CL_DEFAULT_TIMEOUT_MS;
    c->next_id = 1;
    c->wake[0] = c->wake[1] = -1;
    pthread_mutex_init(&c->mu, NULL);
    if (pipe(c->wake) != 0) {
        cl_free(c);
        return NULL;
    }
    for (int i = 0; i < 2; i++)
        fcntl(c->wake[i], F_SETFL, fcntl(c->wake[i], F_GETFL) | O_NONBLOCK);
    *err = cl_open(c, rpc_url ? rpc_url : CL_DEFAULT_RPC, events_url ? events_url : CL_DEFAULT_EVENTS);
    if (*err) {
        cl_free(c);
        return NULL;
    }
    return c;
}

static void call_free(cl_call_t *k)
{
    if (k->aio)
        nng_aio_free(k->aio); /* waits for a callback still returning */
    nng_ctx_close(k->ctx);
    nng_msg_free(k->reply);
    nng_msg_free(k->req);
    free(k->method);
    free(k);
}

void cl_free(cl_client *c)
{
    if (!c)
        return;
    atomic_store(&c->closing, true);
    /* Closing the sockets first fails every outstanding aio, so no
     * callback re-arms an operation while we tear down. */
    nng_close(c->req);
    nng_close(c->sub);
    if (c->sub_aio)
        nng_aio_free(c->sub_aio);
    /* finished calls sit in the done queue too: free via pending only */
    for (cl_call_t *k = c->pending, *n; k; k = n) {
        n = k->pnext;
        call_free(k);
    }
    for (size_t i = 0; i < c->nev; i++)
        nng_msg_free(c->evq[i]);
    free(c->evq);
    for (int i = 0; i < c->nseqs; i++)
        for (int j = 0; j < c->seqs[i].nbuf; j++)
            cJSON_Delete(c->seqs[i].buf[j]);
    free(c->seqs);
    free(c->admin_key);
    if (c->wake[0] >= 0)
        close(c->wake[0]);
    if (c->wake[1] >= 0)
        close(c->wake[1]);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

void cl_set_timeout(cl_client *c, int ms) { c->timeout_ms = ms > 0 ? ms : CL_DEFAULT_TIMEOUT_MS; }

void cl_set_admin_key(cl_client *c, const char *key)
{
    free(c->admin_key);
    c->admin_key = key ? strdup(key) : NULL;
}

void cl_on_event(cl_client *c, cl_event_fn fn, void *ctx) { c->ev_fn = fn, c->ev_ctx = ctx; }
void cl_on_resync(cl_client *c, cl_resync_fn fn, void *ctx) { c->rs_fn = fn, c->rs_ctx = ctx; }
void cl_on_status(cl_client *c, cl_status_fn fn, void *ctx) { c->st_fn = fn, c->st_ctx = ctx; }
int cl_fd(const cl_client *c) { return c->wake[0]; }
bool cl_online(const cl_client *c) { return c->online; }

static nng_msg *cl_encode(cl_client *c, int64_t id, const char *method, cJSON *params)
{
    /* wallet.charge too: a top-up made at the console is the staff
     * member's (issue 17); the kiosk never has a key. */
    if (c->admin_key && (!strncmp(method, "admin.", 6) || !strcmp(method, "wallet.charge"))) {
        if (!params)
            params = cJSON_CreateObject();
        cJSON_DeleteItemFromObjectCaseSensitive(params, "admin_key");
        cJSON_AddStringToObject(params, "admin_key", c->admin_key);
    }
    char *txt = rpc_encode_request(id, method, params);
    nng_msg *m = NULL;
    if (txt && nng_msg_alloc(&m, 0) == 0 && nng_msg_append(m, txt, strlen(txt)) != 0) {
        nng_msg_free(m);
        m = NULL;
    }
    free(txt);
    return m;
}

int64_t cl_call(cl_client *c, const char *method, cJSON *params, cl_reply_fn cb, void *ctx)
{
    cl_call_t *k = calloc(1, sizeof(*k));
    if (!k) {
        cJSON_Delete(params);
        return -1;
    }
    k->id = c->next_id++;
    k->c = c;
    k->cb = cb;
    k->cbctx = ctx;
    k->pnext = c->pending;
    c->pending = k;
    nng_msg *m = cl_encode(c, k->id, method, params);
    k->method = strdup(method);
    int rv = m && k->method ? nng_ctx_open(&k->ctx, c->req) : NNG_ENOMEM;
    if (rv == 0)
        rv = nng_aio_alloc(&k->aio, call_cb, k);
    if (rv == 0 && rt_resend_safe(method)) /* kept to send again */
        rv = nng_msg_dup(&k->req, m);
    if (rv != 0) {
        nng_msg_free(m);
        done_push(c, k, rv);
        return k->id;
    }
    nng_ctx_set_ms(k->ctx, NNG_OPT_RECVTIMEO, c->timeout_ms);
    /* The aio timeout is the whole deadline: queued-while-disconnected
     * sends time out too, which is how "server down" shows up. */
    nng_aio_set_timeout(k->aio, c->timeout_ms);
    k->attempts = 1;
    nng_aio_set_msg(k->aio, m);
    nng_ctx_send(k->ctx, k->aio);
    return k->id;
}

void cl_cancel(cl_client *c, int64_t call_id)
{
    for (cl_call_t *k = c->pending; k; k = k->pnext)
        if (k->id == call_id)
            k->cancelled = true;
}

static int cl_sub_opt(cl_client *c, const char *opt, const char *topic)
{
    size_t n = strlen(topic);
    char *t = malloc(n + 2);
    if (!t)
        return -1;
    memcpy(t, topic, n);
    t[n] = ' '; /* "seat.4 " must not match "seat.42" */
    int rv = nng_socket_set(c->sub, opt, t, n + 1);
    free(t);
    return rv == 0 ? 0 : -1;
}

int cl_subscribe(cl_client *c, const char *topic) { return cl_sub_opt(c, NNG_OPT_SUB_SUBSCRIBE, topic); }
int cl_unsubscribe(cl_client *c, const char *topic) { return cl_sub_opt(c, NNG_OPT_SUB_UNSUBSCRIBE, topic); }

/* ---- the UI-thread pump ---- */

static void handle_event(cl_client *c, nng_msg *m)
{
    const char *b = nng_msg_body(m);
    size_t len = nng_msg_len(m);
    const char *sp = memchr(b, ' ', len);
    if (!sp || sp == b || (size_t)(sp - b) >= 64)
        return;
    char topic[64];
    memcpy(topic, b, (size_t)(sp - b));
    topic[sp - b] = 0;
    cJSON *body = jv_parse(sp + 1, len - (size_t)(sp - b) - 1);
    CL_TRACE("event %s %.*s\n", topic, (int)(len - (size_t)(sp - b) - 1), sp + 1);
    if (!body)
        return;
    bool ok = true;
    if (strncmp(topic, "seat.", 5) == 0) {
        char *end = NULL;
        long long d = strtoll(topic + 5, &end, 10);
        cl_seq_t *s = (end && !*end) ? cl_seq_find(c, d, false) : NULL;
        if (s)
            ok = cl_seq_accept(c, s, body);
    }
    if (ok)
        cl_deliver(c, topic, body);
    cJSON_Delete(body);
}

static void finish_call(cl_client *c, cl_call_t *k)
{
    cl_reply r = {.call_id = k->id, .err = TK_INTERNAL, .message = ""};
    rpc_reply rep = {0};
    if (k->rv == 0 && k->reply &&
        rpc_reply_decode(nng_msg_body(k->reply), nng_msg_len(k->reply), &rep) == TK_OK) {
        c->stalled = false;
        r.err = rep.err;
        r.code = rep.code;
        r.message = rep.message ? rep.message : "";
        r.result = rep.result;
        r.data = rep.data;
    } else if (k->rv == 0) {
        c->stalled = false; /* it answered, if badly */
        r.message = "malformed reply";
    } else {
        r.offline = true;
        /* sent, answer lost, not sent again: it may have been done */
        r.unsure = k->stage == 1 && rt_reply_lost(k->rv);
        r.message = r.unsure ? "outcome unknown: the reply was lost" : nng_strerror(k->rv);
        if (k->rv == NNG_ETIMEDOUT)
            c->stalled = true;
    }
    if (k->probe)
        c->probing = false;
    if (k->cb && !k->cancelled)
        k->cb(k->cbctx, &r);
    rpc_reply_free(&rep);
}

/* A call whose reply was lost (its connection closed under it: its node
 * died or stepped down; or no answer in time) is sent again on the same
 * socket, which reaches whichever node serves now, when common/retry says
 * a repeat is harmless. True when it went out again (still pending). */
static bool resend(cl_client *c, cl_call_t *k)
{
    if (k->stage != 1 || !rt_reply_lost(k->rv) || !k->req || k->cancelled || k->probe ||
        k->attempts >= RT_MAX_ATTEMPTS || atomic_load(&c->closing))
        return false;
    nng_msg *m = NULL;
    if (nng_msg_dup(&m, k->req) != 0)
        return false;
    CL_TRACE("resend %s id=%lld attempt=%d after %s\n", k->method, (long long)k->id, k->attempts + 1,
             nng_strerror(k->rv));
    if (k->rv == NNG_ETIMEDOUT)
        c->stalled = true; /* the banner shows while it waits again */
    k->attempts++;
    k->stage = 0;
    k->rv = 0;
    nng_aio_set_msg(k->aio, m);
    nng_ctx_send(k->ctx, k->aio);
    return true;
}

static void unlink_pending(cl_client *c, cl_call_t *k)
{
    for (cl_call_t **pp = &c->pending; *pp; pp = &(*pp)->pnext)
        if (*pp == k) {
            *pp = k->pnext;
            return;
        }
}

/* The events socket lost its connection and has one again, maybe to
 * another node: events sent meanwhile are gone, and the new node's seqs
 * are checked against ours (a gap, or a seq that went back, refetches the
 * date). When the client never looked offline (a switch between two
 * polls), no return-to-online resync runs, so ask for one here. */
static void reconnected(cl_client *c, bool on)
{
    int drops = atomic_load(&c->sub_drops);
    if (drops == c->seen_drops || atomic_load(&c->sub_pipes) == 0)
        return;
    c->seen_drops = drops;
    CL_TRACE("events reconnected online=%d\n", on);
    cl_seq_suspect_all(c);
    if (on && c->online && c->rs_fn)
        c->rs_fn(c->rs_ctx, 0);
}

static void update_status(cl_client *c)
{
    int epoch = atomic_load(&c->pipe_epoch);
    if (epoch != c->seen_epoch) {
        c->seen_epoch = epoch;
        c->stalled = false; /* a fresh connection deserves a fresh chance */
    }
    bool on = atomic_load(&c->req_pipes) > 0 && atomic_load(&c->sub_pipes) > 0 && !c->stalled;
    reconnected(c, on);
    if (on != c->online) {
        CL_TRACE("status %s pipes=%d stalled=%d\n", on ? "online" : "offline", atomic_load(&c->req_pipes), c->stalled);
        c->online = on;
        if (c->st_fn)
            c->st_fn(c->st_ctx, on);
    }
    int64_t now = clock_mono_ms();
    /* Connected but a call timed out: a hung or restarted server. Probe
     * with a call that any live server answers (USER_NOT_FOUND). */
    if (!on && c->stalled && atomic_load(&c->req_pipes) > 0 && !c->probing && now - c->last_probe_ms >= CL_PROBE_MS) {
        c->probing = true;
        c->last_probe_ms = now;
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "user_id", "00000000-0000-4000-8000-000000000000");
        int64_t id = cl_call(c, "wallet.balance", p, NULL, NULL);
        for (cl_call_t *k = c->pending; k; k = k->pnext)
            if (k->id == id)
                k->probe = true;
    }
}

void cl_poll(cl_client *c)
{
    char drain[256];
    while (read(c->wake[0], drain, sizeof(drain)) > 0) {
    }
    pthread_mutex_lock(&c->mu);
    cl_call_t *done = c->done_head;
    c->done_head = c->done_tail = NULL;
    nng_msg **evs = c->evq;
    size_t nev = c->nev;
    c->evq = NULL;
    c->nev = c->cap_ev = 0;
    pthread_mutex_unlock(&c->mu);

    for (cl_call_t *k = done, *n; k; k = n) {
        n = k->next;
        if (resend(c, k))
            continue;
        unlink_pending(c, k);
        finish_call(c, k);
        call_free(k);
    }
    update_status(c);
    for (size_t i = 0; i < nev; i++) {
        handle_event(c, evs[i]);
        nng_msg_free(evs[i]);
    }
    free(evs);
}

void cl_inject(cl_client *c, const char *topic, const char *json)
{
    nng_msg *m = NULL;
    if (nng_msg_alloc(&m, 0) != 0)
        return;
    if (nng_msg_append(m, topic, strlen(topic)) == 0 && nng_msg_append(m, " ", 1) == 0 &&
        nng_msg_append(m, json, strlen(json)) == 0)
        handle_event(c, m);
    nng_msg_free(m);
}
