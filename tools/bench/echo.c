/* tools/bench/echo.c -- the ceiling: a plain nng REP echo server.
 *
 * Raw REP socket, one thread of its own (like the server's single engine
 * thread), blocking recv/send: the least work any nng server can do per
 * request. The request's first 8 bytes give the reply size, so one server
 * can mirror every method's request/reply sizes; the client side runs the
 * same pool, the same slot count and the same reply scan as the real
 * phases. */
#include "tools/bench/bench.h"

#include <nng/protocol/reqrep0/rep.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BECHO_CTXS 256

typedef struct {
    nng_ctx ctx;
    nng_aio *aio;
    bool sending;
} becho_ctx;

struct bench_echo {
    nng_socket sock;
    pthread_t thr;
    bool aio_mode;
    becho_ctx ctxs[BECHO_CTXS];
    int nctx;
};

static char becho_pad[64 * 1024];

/* Resizes m to the reply size its first 8 bytes ask for. */
static void becho_shape(nng_msg *m)
{
    size_t have = nng_msg_len(m), want = have;
        if (have >= 8) {
            char num[9];
            memcpy(num, nng_msg_body(m), 8);
            num[8] = '\0';
            want = strtoul(num, NULL, 10);
        }
        if (want > sizeof(becho_pad))
            want = sizeof(becho_pad);
        if (want < have)
            nng_msg_chop(m, have - want);
        else if (want > have)
            nng_msg_append(m, becho_pad, want - have);
}

static void *becho_main(void *arg)
{
    bench_echo *e = arg;
    for (;;) {
        nng_msg *m;
        if (nng_recvmsg(e->sock, &m, 0) != 0)
            break;
        becho_shape(m);
        if (nng_sendmsg(e->sock, m, 0) != 0)
            nng_msg_free(m);
    }
    return NULL;
}

/* The other plain echo: cooked REP, one context per request in flight,
 * echoing in the completion callbacks (the shape ticketd's transport has). */
static void becho_ctx_cb(void *arg)
{
    becho_ctx *c = arg;
    int rv = nng_aio_result(c->aio);
    if (c->sending) {
        c->sending = false;
        if (rv != 0)
            nng_msg_free(nng_aio_get_msg(c->aio));
    } else if (rv == 0) {
        nng_msg *m = nng_aio_get_msg(c->aio);
        becho_shape(m);
        c->sending = true;
        nng_aio_set_msg(c->aio, m);
        nng_ctx_send(c->ctx, c->aio);
        return;
    }
    if (rv == NNG_ECLOSED || rv == NNG_ECANCELED)
        return;
    nng_ctx_recv(c->ctx, c->aio);
}

bench_echo *becho_start(const char *url, bool aio_mode)
{
    bench_echo *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->aio_mode = aio_mode;
    memset(becho_pad, 'x', sizeof(becho_pad));
    int rv = aio_mode ? nng_rep0_open(&e->sock) : nng_rep0_open_raw(&e->sock);
    if (rv == 0)
        rv = nng_listen(e->sock, url, NULL, 0);
    if (rv != 0) {
        fprintf(stderr, "bench: echo listen %s: %s\n", url, nng_strerror(rv));
        nng_close(e->sock);
        free(e);
        return NULL;
    }
    for (int i = 0; aio_mode && i < BECHO_CTXS; i++) {
        becho_ctx *c = &e->ctxs[i];
        if (nng_ctx_open(&c->ctx, e->sock) != 0 || nng_aio_alloc(&c->aio, becho_ctx_cb, c) != 0)
            break;
        e->nctx++;
        nng_ctx_recv(c->ctx, c->aio);
    }
    if (!aio_mode && pthread_create(&e->thr, NULL, becho_main, e) != 0) {
        nng_close(e->sock);
        free(e);
        return NULL;
    }
    return e;
}

void becho_stop(bench_echo *e)
{
    if (!e)
        return;
    for (int i = 0; i < e->nctx; i++)
        nng_aio_stop(e->ctxs[i].aio);
    nng_close(e->sock);
    if (!e->aio_mode)
        pthread_join(e->thr, NULL);
    for (int i = 0; i < e->nctx; i++)
        nng_aio_free(e->ctxs[i].aio);
    free(e);
}

typedef struct {
    size_t req_len, rep_len;
    bench_stats *st;
} becho_arg;

static bool becho_next(bench_phase *ph, bench_slot *s)
{
    becho_arg *a = ph->arg;
    size_t n = a->req_len < 8 ? 8 : a->req_len;
    if (n > BSLOT_REQ_MAX)
        n = BSLOT_REQ_MAX;
    char head[16];
    snprintf(head, sizeof(head), "%08zu", a->rep_len);
    memcpy(s->req, head, 8);
    memset(s->req + 8, 'x', n - 8);
    s->req_len = n;
    s->stat = a->st;
    return true;
}

static void becho_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    /* The same scan the real phases do on every reply. */
    if (body) {
        char reason[40];
        brep_error(body, reason, sizeof(reason));
    }
}

void becho_run(bench_pool *p, int nactive, size_t req_len, size_t rep_len, int64_t dur_us,
               bench_stats *st)
{
    becho_arg a = {req_len, rep_len, st};
    bench_phase ph = {becho_next, becho_done, &a, 0};
    int64_t cpu0 = bsrv_cpu_us(getpid());
    st->t0_us = clock_mono_us();
    ph.stop_us = st->t0_us + dur_us;
    bpool_run(p, &ph, nactive);
    st->t1_us = clock_mono_us();
    int64_t cpu1 = cpu0 >= 0 ? bsrv_cpu_us(getpid()) : -1;
    st->gen_cpu_us = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1;
    st->phase_ops = (int64_t)atomic_load(&st->ops);
}
