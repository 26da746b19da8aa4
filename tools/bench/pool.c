/* tools/bench/pool.c -- slots over REQ contexts, driven by a phase.
 *
 * Each slot is a closed loop: send, receive, hand the reply to the phase,
 * ask for the next request. Everything after bpool_run's first send
 * happens in nng completion callbacks, which do no blocking work (they
 * build a request with snprintf and queue an aio), so the pool keeps
 * exactly `nactive` requests in flight. The main thread sleeps on a
 * condition variable until the last slot has gone idle. */
#include "tools/bench/bench.h"

#include <nng/protocol/reqrep0/req.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct bench_pool {
    nng_socket *socks;
    int nsock;
    bench_slot *slots;
    int nslot;
    bench_phase *phase;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int running;
};

static void bpool_idle(bench_pool *p)
{
    pthread_mutex_lock(&p->mu);
    if (--p->running == 0)
        pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* Asks the phase for the next request and sends it, or goes idle. */
static void bpool_kick(bench_slot *s)
{
    bench_pool *p = s->pool;
    bench_phase *ph = p->phase;
    nng_msg *m = NULL;
    if ((ph->stop_us && clock_mono_us() >= ph->stop_us) || !ph->next(ph, s) ||
        nng_msg_alloc(&m, s->req_len) != 0) {
        bpool_idle(p);
        return;
    }
    memcpy(nng_msg_body(m), s->req, s->req_len);
    s->sending = true;
    s->t_send_us = clock_mono_us();
    nng_aio_set_msg(s->aio, m);
    nng_ctx_send(s->ctx, s->aio);
}

static void bpool_cb(void *arg)
{
    bench_slot *s = arg;
    bench_phase *ph = s->pool->phase;
    int rc = nng_aio_result(s->aio);
    if (s->sending) {
        s->sending = false;
        if (rc != 0) {
            nng_msg_free(nng_aio_get_msg(s->aio));
            goto failed;
        }
        nng_ctx_recv(s->ctx, s->aio);
        return;
    }
    if (rc != 0)
        goto failed;
    nng_msg *m = nng_aio_get_msg(s->aio);
    int64_t lat = clock_mono_us() - s->t_send_us;
    size_t len = nng_msg_len(m);
    /* NUL-terminate so the phase can scan the body as a string. */
    if (nng_msg_append(m, "", 1) != 0) {
        nng_msg_free(m);
        goto failed;
    }
    const char *body = nng_msg_body(m);
    /* Whether an error reply is an error or an expected outcome (a lost
     * race is SEAT_TAKEN) is the phase's call: done() counts those. */
    if (s->stat)
        bstats_add(s->stat, lat, s->req_len, len, false);
    ph->done(ph, s, body, len, 0);
    nng_msg_free(m);
    bpool_kick(s);
    return;
failed:
    if (s->stat)
        bstats_add(s->stat, clock_mono_us() - s->t_send_us, s->req_len, 0, true);
    ph->done(ph, s, NULL, 0, rc);
    bpool_kick(s);
}

bench_pool *bpool_open(const char *url, int nsock, int nslot, int timeout_ms)
{
    bench_pool *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->socks = calloc((size_t)nsock, sizeof(nng_socket));
    p->slots = calloc((size_t)nslot, sizeof(bench_slot));
    if (!p->socks || !p->slots)
        goto fail;
    for (int i = 0; i < nsock; i++) {
        int rv = nng_req0_open(&p->socks[i]);
        if (rv == 0) {
            p->nsock++;
            nng_socket_set_size(p->socks[i], NNG_OPT_RECVMAXSZ, 0);
            rv = bench_dial(p->socks[i], url, 0);
        }
        if (rv != 0) {
            fprintf(stderr, "bench: dial %s: %s\n", url, nng_strerror(rv));
            goto fail;
        }
    }
    for (int i = 0; i < nslot; i++) {
        bench_slot *s = &p->slots[i];
        s->pool = p;
        s->idx = i;
        if (nng_ctx_open(&s->ctx, p->socks[i % nsock]) != 0 ||
            nng_aio_alloc(&s->aio, bpool_cb, s) != 0)
            goto fail;
        p->nslot++;
        /* The server must be safe against resends, but a benchmark that
         * resent would count one operation twice: deadline only. */
        nng_ctx_set_ms(s->ctx, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
        nng_aio_set_timeout(s->aio, timeout_ms);
    }
    return p;
fail:
    bpool_close(p);
    return NULL;
}

void bpool_close(bench_pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->nslot; i++) {
        nng_aio_stop(p->slots[i].aio);
        nng_aio_free(p->slots[i].aio);
        nng_ctx_close(p->slots[i].ctx);
    }
    for (int i = 0; i < p->nsock; i++)
        nng_close(p->socks[i]);
    free(p->socks);
    free(p->slots);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}

int bpool_slots(const bench_pool *p) { return p->nslot; }

void bpool_run(bench_pool *p, bench_phase *ph, int nactive)
{
    if (nactive > p->nslot)
        nactive = p->nslot;
    p->phase = ph;
    p->running = nactive;
    for (int i = 0; i < nactive; i++) {
        bench_slot *s = &p->slots[i];
        s->user = s->step = s->aux = s->tries = 0;
        s->stat = NULL;
    }
    for (int i = 0; i < nactive; i++)
        bpool_kick(&p->slots[i]);
    pthread_mutex_lock(&p->mu);
    while (p->running > 0)
        pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
    p->phase = NULL;
}
