/* tests/lib/th_client.c -- REQ calls and SUB events over real nng sockets. */
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/tls/tls.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/retry.h"
#include "common/util.h"
#include "tests/lib/harness.h"

struct th_client {
    nng_socket sock;
    nng_dialer dialer;
    bool list; /* several URLs, one dialer each: never parked */
    char url[TH_DIR_MAX * 2 + 64];
};

#define TH_SUB_TOPICS 8

struct th_sub {
    nng_socket sock;
    nng_dialer dialer;
    char url[TH_DIR_MAX + 32];
    char topics[TH_SUB_TOPICS][64];
    int ntopics;
};

/* The harness never closes an nng socket. nng 1.5.2 can lose requests in
 * flight on a process's other sockets when it closes sockets and their
 * connections (a close-heavy client lost payments in 3 runs of 12, none
 * when it kept its sockets), and can wedge in nng_close (nng issue
 * #1543). A client or subscriber that is done parks its socket here with
 * its dialer, still connected (a subscriber's topics dropped and its queue
 * drained); the next open for the same URL takes it back as it is. Only a
 * socket parked for another URL, whose server is normally gone with its
 * test, has its dialer replaced. So a test process holds as many sockets
 * as it ever used at once, for its whole life. */
#define TH_PARK_MAX 512

typedef struct {
    nng_socket sock;
    nng_dialer dialer;
    bool sub;
    char url[TH_DIR_MAX + 32];
} th_parked;

static pthread_mutex_t th_park_mu = PTHREAD_MUTEX_INITIALIZER;
static th_parked th_park[TH_PARK_MAX];
static int th_park_n;

/* Dials url (its dialer in *d); for tls+tcp:// with a client TLS config
 * that accepts the test's self-signed certificate. */
static int th_dial(nng_socket sock, const char *url, int flags, nng_dialer *d)
{
    nng_tls_config *cfg;
    int rv = nng_dialer_create(d, sock, url);
    if (rv != 0 || strncmp(url, "tls+", 4) != 0)
        return rv ? rv : nng_dialer_start(*d, flags);
    if ((rv = nng_tls_config_alloc(&cfg, NNG_TLS_MODE_CLIENT)) != 0)
        return rv;
    nng_tls_config_auth_mode(cfg, NNG_TLS_AUTH_MODE_NONE);
    rv = nng_dialer_set_ptr(*d, NNG_OPT_TLS_CONFIG, cfg);
    nng_tls_config_free(cfg); /* the dialer holds its own reference */
    return rv ? rv : nng_dialer_start(*d, flags);
}

/* A socket of the kind for url: a parked one for that URL, still dialed
 * (true), or another parked one with its dialer closed, or a new one
 * (false: the caller sets its options and dials). */
static bool th_socket_take(bool sub, const char *url, nng_socket *s, nng_dialer *d)
{
    th_parked got = {.sub = sub};
    int pick = -1;
    pthread_mutex_lock(&th_park_mu);
    for (int i = 0; i < th_park_n; i++)
        if (th_park[i].sub == sub && (pick < 0 || !strcmp(th_park[i].url, url)))
            pick = i;
    if (pick >= 0) {
        got = th_park[pick];
        th_park[pick] = th_park[--th_park_n];
    }
    pthread_mutex_unlock(&th_park_mu);
    *s = got.sock;
    *d = got.dialer;
    if (pick >= 0 && !strcmp(got.url, url))
        return true;
    if (pick >= 0)
        nng_dialer_close(got.dialer);
    else if (sub ? nng_sub0_open(s) : nng_req0_open(s))
        abort();
    return false;
}

static void th_socket_park(nng_socket s, nng_dialer d, bool sub, const char *url)
{
    pthread_mutex_lock(&th_park_mu);
    if (th_park_n < TH_PARK_MAX) {
        th_parked *p = &th_park[th_park_n++];
        p->sock = s;
        p->dialer = d;
        p->sub = sub;
        snprintf(p->url, sizeof p->url, "%s", url);
    }
    pthread_mutex_unlock(&th_park_mu); /* past the cap: left open, unused */
}

static atomic_llong th_next_id = 1;

th_client *th_client_open_url(const char *url, int recv_ms)
{
    th_client *c = calloc(1, sizeof(*c));
    if (!c)
        abort();
    snprintf(c->url, sizeof c->url, "%s", url);
    rt_urls urls;
    c->list = strchr(url, ',') != NULL;
    if (c->list && (rt_urls_parse(&urls, url) != 0 || nng_req0_open(&c->sock) != 0))
        abort();
    bool dialed = !c->list && th_socket_take(false, url, &c->sock, &c->dialer);
    /* The contract's client rules: never resend, own deadline. */
    nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
    nng_socket_set_ms(c->sock, NNG_OPT_RECVTIMEO, recv_ms);
    nng_socket_set_ms(c->sock, NNG_OPT_SENDTIMEO, recv_ms);
    nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 20);
    nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 200);
    /* Non-blocking dial: it keeps retrying in the background, so a client
     * opened before the server listens (or across a restart) still works. */
    for (int i = 0; c->list && i < urls.n; i++)
        th_dial(c->sock, urls.urls[i], NNG_FLAG_NONBLOCK, &c->dialer);
    if (!dialed && !c->list)
        th_dial(c->sock, url, NNG_FLAG_NONBLOCK, &c->dialer);
    return c;
}

void th_client_set_timeout(th_client *c, int recv_ms)
{
    nng_socket_set_ms(c->sock, NNG_OPT_RECVTIMEO, recv_ms);
    nng_socket_set_ms(c->sock, NNG_OPT_SENDTIMEO, recv_ms);
}

th_client *th_client_open(th_server *s)
{
    return th_client_open_url(s->rpc_url, TH_CALL_MS);
}

void th_client_close(th_client *c)
{
    if (!c)
        return;
    if (!c->list) /* a list's socket is left open, unused */
        th_socket_park(c->sock, c->dialer, false, c->url);
    free(c);
}

static rpc_reply th_fail(const char *why)
{
    rpc_reply r;
    memset(&r, 0, sizeof(r));
    r.err = TK_ERR_COUNT;
    r.message = why;
    return r;
}

/* Sends len bytes and decodes the reply; *raw gets the reply text. */
static rpc_reply th_exchange(th_client *c, const void *buf, size_t len, const char **raw)
{
    if (raw)
        *raw = "";
    int rv = nng_send(c->sock, (void *)buf, len, 0);
    if (rv != 0)
        return th_fail(nng_strerror(rv));
    char *in = NULL;
    size_t inlen = 0;
    rv = nng_recv(c->sock, &in, &inlen, NNG_FLAG_ALLOC);
    if (rv != 0)
        return th_fail(nng_strerror(rv));
    char *text = th_keep_mem(malloc(inlen + 1));
    memcpy(text, in, inlen);
    text[inlen] = '\0';
    nng_free(in, inlen);
    if (raw)
        *raw = text;
    if (getenv("TH_TRACE")) /* debugging aid: every exchange on stderr */
        fprintf(stderr, "th> %.*s\nth< %.300s\n", (int)(len > 300 ? 300 : len), (const char *)buf,
                text);
    rpc_reply r;
    if (rpc_reply_decode(text, inlen, &r) != TK_OK) {
        rpc_reply_free(&r);
        return th_fail("reply is not a JSON-RPC reply");
    }
    th_keep_json(r.root);
    return r;
}

/* On a transport failure, say so when the server is gone. */
static rpc_reply th_explain(th_server *s, rpc_reply r)
{
    if (r.err == TK_ERR_COUNT && !th_alive(s))
        r.message = "ticketd is not running any more (see its log)";
    return r;
}

rpc_reply th_ccall_raw(th_client *c, const void *buf, size_t len, const char **raw_out)
{
    return th_exchange(c, buf, len, raw_out);
}

rpc_reply th_call_raw(th_server *s, const void *buf, size_t len, const char **raw_out)
{
    return th_explain(s, th_exchange(s->client, buf, len, raw_out));
}

/* params text is put in verbatim: the test controls every byte of it. */
static rpc_reply th_vcall(th_client *c, const char *method, const char *prefix,
                          const char *fmt, va_list ap)
{
    char *params = NULL;
    if (fmt && vasprintf(&params, fmt, ap) < 0)
        abort();
    long long id = atomic_fetch_add(&th_next_id, 1);
    char *req = NULL;
    int n;
    if (!params) {
        n = asprintf(&req, "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"method\":\"%s\"%s}", id, method,
                     prefix ? prefix : "");
    } else if (prefix) {
        /* prefix is "admin_key":"...": insert it as the first member. */
        const char *rest = params + 1;
        while (*rest == ' ')
            rest++;
        n = asprintf(&req, "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"method\":\"%s\",\"params\":{%s%s%s}",
                     id, method, prefix, *rest == '}' ? "" : ",", rest);
    } else {
        n = asprintf(&req, "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"method\":\"%s\",\"params\":%s}", id,
                     method, params);
    }
    free(params);
    if (n < 0)
        abort();
    rpc_reply r = th_exchange(c, req, (size_t)n, NULL);
    free(req);
    if (r.err != TK_ERR_COUNT && r.id != id)
        return th_fail("reply id does not echo the request id");
    return r;
}

rpc_reply th_ccall(th_client *c, const char *method, const char *params_fmt, ...)
{
    va_list ap;
    va_start(ap, params_fmt);
    rpc_reply r = th_vcall(c, method, NULL, params_fmt, ap);
    va_end(ap);
    return r;
}

rpc_reply th_call(th_server *s, const char *method, const char *params_fmt, ...)
{
    ck_assert_msg(s->client != NULL, "th_call on a stopped server");
    va_list ap;
    va_start(ap, params_fmt);
    rpc_reply r = th_vcall(s->client, method, NULL, params_fmt, ap);
    va_end(ap);
    return th_explain(s, r);
}

rpc_reply th_admin(th_server *s, const char *method, const char *params_fmt, ...)
{
    char prefix[sizeof(s->admin_key) + 32];
    snprintf(prefix, sizeof(prefix), "\"admin_key\":\"%s\"", s->admin_key);
    va_list ap;
    va_start(ap, params_fmt);
    rpc_reply r = th_vcall(s->client, method, prefix, params_fmt ? params_fmt : "{}", ap);
    va_end(ap);
    return th_explain(s, r);
}

/* ---- events ------------------------------------------------------------ */

th_sub *th_sub_open(th_server *s, const char *topic, ...)
{
    th_sub *sub = calloc(1, sizeof(*sub));
    ck_assert_ptr_nonnull(sub);
    bool dialed = th_socket_take(true, s->ev_url, &sub->sock, &sub->dialer);
    snprintf(sub->url, sizeof sub->url, "%s", s->ev_url);
    /* A deep queue: the tests read after acting, not while. */
    nng_socket_set_int(sub->sock, NNG_OPT_RECVBUF, 8192);
    va_list ap;
    va_start(ap, topic);
    for (const char *t = topic; t; t = va_arg(ap, const char *)) {
        ck_assert_int_lt(sub->ntopics, TH_SUB_TOPICS);
        ck_assert_int_lt(strlen(t), sizeof sub->topics[0]);
        strcpy(sub->topics[sub->ntopics++], t);
        ck_assert_int_eq(nng_socket_set(sub->sock, NNG_OPT_SUB_SUBSCRIBE, t, strlen(t)), 0);
    }
    va_end(ap);
    /* Blocking dial: returns once connected (a parked socket still is). */
    int rv = dialed ? 0 : th_dial(sub->sock, s->ev_url, 0, &sub->dialer);
    ck_assert_msg(rv == 0, "dial %s: %s", s->ev_url, nng_strerror(rv));
    return sub;
}

void th_sub_close(th_sub *sub)
{
    if (!sub)
        return;
    for (int i = 0; i < sub->ntopics; i++)
        nng_socket_set(sub->sock, NNG_OPT_SUB_UNSUBSCRIBE, sub->topics[i],
                       strlen(sub->topics[i]));
    char *in;
    size_t len;
    while (nng_recv(sub->sock, &in, &len, NNG_FLAG_ALLOC | NNG_FLAG_NONBLOCK) == 0)
        nng_free(in, len);
    th_socket_park(sub->sock, sub->dialer, true, sub->url);
    free(sub);
}

bool th_sub_recv(th_sub *sub, int ms, th_event *ev)
{
    nng_socket_set_ms(sub->sock, NNG_OPT_RECVTIMEO, ms);
    char *in = NULL;
    size_t len = 0;
    if (nng_recv(sub->sock, &in, &len, NNG_FLAG_ALLOC) != 0)
        return false;
    char *text = th_keep_mem(malloc(len + 1));
    memcpy(text, in, len);
    text[len] = '\0';
    nng_free(in, len);
    char *sp = memchr(text, ' ', len);
    ck_assert_msg(sp && sp > text && (size_t)(sp - text) < sizeof(ev->topic),
                  "event without \"<topic> <json>\" framing: %s", text);
    memcpy(ev->topic, text, (size_t)(sp - text));
    ev->topic[sp - text] = '\0';
    ev->body = jv_parse(sp + 1, len - (size_t)(sp - text) - 1);
    ck_assert_msg(cJSON_IsObject(ev->body), "event body is not a JSON object: %s", text);
    th_keep_json(ev->body);
    return true;
}

bool th_sub_wait(th_sub *sub, const char *topic, int ms, th_event *ev)
{
    int64_t end = clock_mono_ms() + ms;
    for (;;) {
        int64_t left = end - clock_mono_ms();
        if (left <= 0 || !th_sub_recv(sub, (int)left, ev))
            return false;
        if (strcmp(ev->topic, topic) == 0)
            return true;
    }
}

void th_sub_drain(th_sub *sub)
{
    th_event ev;
    while (th_sub_recv(sub, 50, &ev))
        ;
}
