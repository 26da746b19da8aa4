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
#include "common/util.h"
#include "tests/lib/harness.h"

struct th_client {
    nng_socket sock;
};

struct th_sub {
    nng_socket sock;
};

static atomic_llong th_next_id = 1;

/* Dials url; for tls+tcp:// with a client TLS config that accepts the
 * test's self-signed certificate. */
static int th_dial(nng_socket sock, const char *url, int flags)
{
    if (strncmp(url, "tls+", 4) != 0)
        return nng_dial(sock, url, NULL, flags);
    nng_dialer d;
    nng_tls_config *cfg;
    int rv = nng_dialer_create(&d, sock, url);
    if (rv != 0)
        return rv;
    if ((rv = nng_tls_config_alloc(&cfg, NNG_TLS_MODE_CLIENT)) != 0)
        return rv;
    nng_tls_config_auth_mode(cfg, NNG_TLS_AUTH_MODE_NONE);
    rv = nng_dialer_set_ptr(d, NNG_OPT_TLS_CONFIG, cfg);
    nng_tls_config_free(cfg); /* the dialer holds its own reference */
    return rv ? rv : nng_dialer_start(d, flags);
}

th_client *th_client_open_url(const char *url, int recv_ms)
{
    th_client *c = calloc(1, sizeof(*c));
    if (!c || nng_req0_open(&c->sock) != 0)
        abort();
    /* The contract's client rules: never resend, own deadline. */
    nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
    nng_socket_set_ms(c->sock, NNG_OPT_RECVTIMEO, recv_ms);
    nng_socket_set_ms(c->sock, NNG_OPT_SENDTIMEO, recv_ms);
    nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 20);
    nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 200);
    /* Non-blocking dial: it keeps retrying in the background, so a client
     * opened before the server listens (or across a restart) still works. */
    th_dial(c->sock, url, NNG_FLAG_NONBLOCK);
    return c;
}

void th_client_set_timeout(th_client *c, int recv_ms)
{
    nng_socket_set_ms(c->sock, NNG_OPT_RECVTIMEO, recv_ms);
    nng_socket_set_ms(c->sock, NNG_OPT_SENDTIMEO, recv_ms);
}

/* nng 1.5.2 can wedge in nng_close now and then (nng issue #1543: the reap
 * thread waits for a task that never starts). A test must not hang on it:
 * the close runs on a thread of its own and gets TH_CLOSE_MS; past that the
 * socket is left behind (the process is short-lived) and the test goes on. */
#define TH_CLOSE_MS 3000

typedef struct {
    nng_socket sock;
    atomic_bool done;
} th_closer;

static void *th_close_thread(void *arg)
{
    th_closer *c = arg;
    nng_close(c->sock);
    atomic_store(&c->done, true);
    return NULL;
}

static void th_close_bounded(nng_socket sock)
{
    th_closer *c = calloc(1, sizeof(*c));
    pthread_t t;
    if (!c || (c->sock = sock, pthread_create(&t, NULL, th_close_thread, c)) != 0) {
        nng_close(sock);
        free(c);
        return;
    }
    for (int waited = 0; !atomic_load(&c->done) && waited < TH_CLOSE_MS; waited += 5)
        th_sleep_ms(5);
    if (atomic_load(&c->done)) {
        pthread_join(t, NULL);
        free(c);
    } else {
        fprintf(stderr, "harness: nng_close wedged (nng #1543); socket left behind\n");
        pthread_detach(t); /* c stays with the thread */
    }
}

th_client *th_client_open(th_server *s)
{
    return th_client_open_url(s->rpc_url, TH_CALL_MS);
}

void th_client_close(th_client *c)
{
    if (!c)
        return;
    th_close_bounded(c->sock);
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
    ck_assert_int_eq(nng_sub0_open(&sub->sock), 0);
    /* A deep queue: the tests read after acting, not while. */
    nng_socket_set_int(sub->sock, NNG_OPT_RECVBUF, 8192);
    va_list ap;
    va_start(ap, topic);
    for (const char *t = topic; t; t = va_arg(ap, const char *))
        ck_assert_int_eq(nng_socket_set(sub->sock, NNG_OPT_SUB_SUBSCRIBE, t, strlen(t)), 0);
    va_end(ap);
    /* Blocking dial: returns once connected. */
    int rv = th_dial(sub->sock, s->ev_url, 0);
    ck_assert_msg(rv == 0, "dial %s: %s", s->ev_url, nng_strerror(rv));
    return sub;
}

void th_sub_close(th_sub *sub)
{
    if (!sub)
        return;
    th_close_bounded(sub->sock);
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
