/* tools/bench/fanout.c -- one seat change, N subscribers: how long until
 * each of them has it.
 *
 * N SUB sockets (each its own connection, like N kiosks) subscribe to
 * "seat.<date> ". The driver flips one seat between held and free, one
 * change at a time: it stamps the send time, makes the change with a
 * blocking call, and waits until every subscriber has seen the matching
 * event (or a second passed: those count as lost). Latency is from the
 * moment the change request was sent to the moment a subscriber's
 * callback has the event, so it includes the commit. */
#include "tools/bench/bench.h"

#include <nng/protocol/pubsub0/sub.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct bfan bfan;

typedef struct {
    bfan *f;
    nng_socket sock;
    nng_aio *aio;
    int64_t last_seq; /* highest seq counted by this subscriber */
    bool seen;        /* any event at all (warm-up) */
} bfan_sub;

struct bfan {
    bfan_sub *subs;
    int n;
    bench_stats st;
    _Atomic int64_t cur_send_us;
    _Atomic int cur_state; /* 1 held, 0 free, -1 none (warm-up) */
    _Atomic int received, seen;
};

static void bfan_cb(void *arg)
{
    bfan_sub *s = arg;
    bfan *f = s->f;
    if (nng_aio_result(s->aio) != 0)
        return; /* closed */
    nng_msg *m = nng_aio_get_msg(s->aio);
    int64_t now = clock_mono_us();
    if (nng_msg_append(m, "", 1) == 0) {
        const char *body = nng_msg_body(m);
        char state[16];
        int64_t seq = 0;
        if (!s->seen) {
            s->seen = true;
            atomic_fetch_add(&f->seen, 1);
        }
        int want = atomic_load(&f->cur_state);
        if (want >= 0 && brep_int(body, "seq", &seq) && seq > s->last_seq &&
            brep_str(body, "state", state, sizeof(state)) &&
            strcmp(state, want ? "held" : "free") == 0) {
            s->last_seq = seq;
            bstats_add(&f->st, now - atomic_load(&f->cur_send_us), 0, nng_msg_len(m) - 1, false);
            atomic_fetch_add(&f->received, 1);
        }
    }
    nng_msg_free(m);
    nng_recv_aio(s->sock, s->aio);
}

static int bfan_open(bfan *f, const char *url, int64_t date, int n)
{
    f->subs = calloc((size_t)n, sizeof(bfan_sub));
    if (!f->subs)
        return -1;
    char topic[48];
    int tl = snprintf(topic, sizeof(topic), "seat.%lld ", (long long)date);
    for (int i = 0; i < n; i++) {
        bfan_sub *s = &f->subs[i];
        s->f = f;
        if (nng_sub0_open(&s->sock) != 0)
            return -1;
        f->n++;
        if (nng_socket_set(s->sock, NNG_OPT_SUB_SUBSCRIBE, topic, (size_t)tl) != 0 ||
            bench_dial(s->sock, url, 0) != 0 || nng_aio_alloc(&s->aio, bfan_cb, s) != 0)
            return -1;
        nng_recv_aio(s->sock, s->aio);
    }
    return 0;
}

static void bfan_close(bfan *f)
{
    for (int i = 0; i < f->n; i++) {
        if (f->subs[i].aio)
            nng_aio_stop(f->subs[i].aio);
        nng_close(f->subs[i].sock);
        nng_aio_free(f->subs[i].aio);
    }
    free(f->subs);
}

static void bfan_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* One change: hold (held=true) or release the seat; returns the hold id
 * after a hold, 0 after a release, -1 on failure. */
static int64_t bfan_change(bcall *c, const bench_user *u, int64_t date, int64_t hold)
{
    char params[400];
    rpc_reply rep;
    int64_t id = 0;
    if (hold > 0)
        snprintf(params, sizeof(params), "{\"token\":\"%s\",\"hold_id\":%lld}", u->token,
                 (long long)hold);
    else
        snprintf(params, sizeof(params), "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":50}",
                 u->token, (long long)date);
    if (bcall_do(c, hold > 0 ? "hold.release" : "seat.hold", params, &rep) != TK_OK)
        return -1;
    if (rep.err != TK_OK ||
        (hold <= 0 && jv_get_int(rep.result, "hold_id", 1, JV_INT_MAX, &id) != JV_OK))
        id = -1;
    rpc_reply_free(&rep);
    return id;
}

/* Waits until all n subscribers counted the change (or ms passed). */
static void bfan_wait(bfan *f, int target, int ms)
{
    for (int waited = 0; atomic_load(&f->received) < target && waited < ms; waited++)
        bfan_sleep_ms(1);
}

int bfan_run(bench_run *r)
{
    bfan *f = calloc(1, sizeof(*f));
    bcall c;
    if (!f || bcall_open(&c, r->rpc, r->timeout_ms) != 0) {
        free(f);
        return -1;
    }
    bstats_init(&f->st, "fan-out");
    atomic_store(&f->cur_state, -1);
    const bench_user *u = &r->u[r->nu - 1];
    int64_t date = r->dates[r->hot_dates - 1], hold = 0;
    int rc = -1;
    if (bfan_open(f, r->events, date, r->subscribers) != 0) {
        bflow_note(r, "fan-out: could not open %d subscribers", r->subscribers);
        goto out;
    }
    /* Warm-up: changes until every subscriber is connected and receiving. */
    for (int i = 0; i < 500 && atomic_load(&f->seen) < f->n; i++) {
        hold = bfan_change(&c, u, date, hold);
        bfan_sleep_ms(10);
    }
    if (atomic_load(&f->seen) < f->n)
        bflow_note(r, "fan-out: only %d of %d subscribers got the warm-up", atomic_load(&f->seen),
                   f->n);
    if (hold > 0)
        hold = bfan_change(&c, u, date, hold);
    bfan_sleep_ms(100);
    f->st.t0_us = clock_mono_us();
    for (int k = 0; k < r->changes && hold >= 0; k++) {
        atomic_store(&f->received, 0);
        atomic_store(&f->cur_send_us, clock_mono_us());
        atomic_store(&f->cur_state, hold > 0 ? 0 : 1);
        hold = bfan_change(&c, u, date, hold);
        bfan_wait(f, f->n, 1000);
        r->fan_received += atomic_load(&f->received);
        r->fan_expected += f->n;
        atomic_store(&f->cur_state, -1);
        bfan_sleep_ms(5);
    }
    f->st.t1_us = clock_mono_us();
    if (hold > 0)
        bfan_change(&c, u, date, hold);
    if (hold < 0)
        bflow_note(r, "fan-out: a seat change failed");
    r->fan_p50_ms = bstats_quantile(&f->st, 0.50) / 1000.0;
    r->fan_p99_ms = bstats_quantile(&f->st, 0.99) / 1000.0;
    r->fan_max_ms = bstats_quantile(&f->st, 1.0) / 1000.0;
    rc = 0;
out:
    bfan_close(f);
    bcall_close(&c);
    free(f);
    return rc;
}
