/* server/api/stats.c -- see stats.h. */
#include "server/api/stats.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

/* Log-linear buckets: 16 exact buckets for 0..15 us, then 16 per power of
 * two (so a bucket is at most 1/16 = 6% wide). 640 buckets reach 2^43 us. */
#define ST_SUB 16
#define ST_BUCKETS 640
#define ST_RING 16     /* seconds kept for the per-second rate */
#define ST_RATE_WIN 5  /* whole seconds averaged */
/* Latency over a sliding minute: one histogram per 10 s slot; the
 * percentiles read the current slot and the five before it (50-60 s). An
 * operator watching a rush needs "now", which a histogram since start
 * stops showing after the first hour. The seventh slot is the one being
 * cleared for reuse, so no reader mixes in a stale one. */
#define ST_SLOT_MS 10000
#define ST_SLOTS 7
#define ST_SLOTS_READ 6
/* (method, result) pairs counted: 23 methods times the few reasons each
 * can answer stays far below; beyond it, pairs go uncounted (logged once). */
#define ST_PAIRS 512

typedef struct {
    const char *method;
    tk_err e;
    int64_t n;
} st_pair;

const double stats_le_s[STATS_LE_N] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                       0.025,  0.05,    0.1,    0.25,  0.5,    1,     2.5};

struct tk_stats {
    int64_t started_ms;
    pthread_mutex_t mu; /* guards the counters, the ring and slot reuse */
    int64_t total, errors;
    int64_t ring_sec[ST_RING], ring_n[ST_RING];
    _Atomic int64_t slot_period[ST_SLOTS]; /* now_ms / ST_SLOT_MS it counts */
    _Atomic uint64_t hist[ST_SLOTS][ST_BUCKETS];
    _Atomic int64_t conns_open, conns_refused, listener_restarts;
    st_pair pairs[ST_PAIRS]; /* guarded by mu */
    int npairs;
    _Atomic uint64_t le[STATS_LE_N + 1], le_sum_us;
};

tk_stats *stats_new(int64_t now_ms)
{
    tk_stats *s = calloc(1, sizeof(*s));
    if (s) {
        s->started_ms = now_ms;
        pthread_mutex_init(&s->mu, NULL);
        for (int i = 0; i < ST_SLOTS; i++)
            atomic_init(&s->slot_period[i], -1);
    }
    return s;
}

void stats_free(tk_stats *s)
{
    if (s)
        pthread_mutex_destroy(&s->mu);
    free(s);
}

/* Under mu: the pair's counter, added when new. */
static void st_pair_add(tk_stats *s, const char *method, tk_err e)
{
    for (int i = 0; i < s->npairs; i++)
        if (s->pairs[i].e == e && strcmp(s->pairs[i].method, method) == 0) {
            s->pairs[i].n++;
            return;
        }
    if (s->npairs == ST_PAIRS) {
        static atomic_bool said;
        if (!atomic_exchange(&said, true))
            log_warn("stats_full", "pairs=%d method=%s", ST_PAIRS, method);
        return;
    }
    s->pairs[s->npairs++] = (st_pair){method, e, 1};
}

void stats_request(tk_stats *s, int64_t now_ms, const char *method, tk_err e)
{
    pthread_mutex_lock(&s->mu);
    s->total++;
    if (e != TK_OK)
        s->errors++;
    st_pair_add(s, method, e);
    int64_t sec = now_ms / 1000;
    int slot = (int)(sec % ST_RING);
    if (s->ring_sec[slot] != sec) {
        s->ring_sec[slot] = sec;
        s->ring_n[slot] = 0;
    }
    s->ring_n[slot]++;
    pthread_mutex_unlock(&s->mu);
}

static int st_index(uint64_t us)
{
    if (us < ST_SUB)
        return (int)us;
    int e = 63 - __builtin_clzll(us); /* >= 4 */
    int mant = (int)((us >> (e - 4)) & (ST_SUB - 1));
    int idx = ST_SUB + (e - 4) * ST_SUB + mant;
    return idx < ST_BUCKETS ? idx : ST_BUCKETS - 1;
}

/* The middle of bucket idx, in us. */
static double st_value(int idx)
{
    if (idx < ST_SUB)
        return idx + 0.5;
    int e = (idx - ST_SUB) / ST_SUB + 4, mant = (idx - ST_SUB) % ST_SUB;
    double lo = (double)((uint64_t)(ST_SUB + mant) << (e - 4));
    return lo + (double)(1ULL << (e - 4)) / 2.0;
}

/* The first latency of a new period takes its slot over: cleared under
 * the mutex (once per ST_SLOT_MS), then stamped, so a thread that sees
 * the stamp also sees the empty buckets. */
static void st_slot_claim(tk_stats *s, int slot, int64_t period)
{
    pthread_mutex_lock(&s->mu);
    if (atomic_load_explicit(&s->slot_period[slot], memory_order_relaxed) != period) {
        for (int i = 0; i < ST_BUCKETS; i++)
            atomic_store_explicit(&s->hist[slot][i], 0, memory_order_relaxed);
        atomic_store_explicit(&s->slot_period[slot], period, memory_order_release);
    }
    pthread_mutex_unlock(&s->mu);
}

void stats_latency_us(tk_stats *s, int64_t now_ms, int64_t us)
{
    int64_t period = now_ms / ST_SLOT_MS;
    int slot = (int)(period % ST_SLOTS);
    if (atomic_load_explicit(&s->slot_period[slot], memory_order_acquire) != period)
        st_slot_claim(s, slot, period);
    atomic_fetch_add_explicit(&s->hist[slot][st_index(us < 0 ? 0 : (uint64_t)us)], 1,
                              memory_order_relaxed);
    int b = 0;
    while (b < STATS_LE_N && (double)us > stats_le_s[b] * 1e6)
        b++;
    atomic_fetch_add_explicit(&s->le[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->le_sum_us, us < 0 ? 0 : (uint64_t)us, memory_order_relaxed);
}

void stats_latency_get(tk_stats *s, stats_latency *out)
{
    out->count = 0;
    for (int b = 0; b <= STATS_LE_N; b++) {
        out->bucket[b] = atomic_load_explicit(&s->le[b], memory_order_relaxed);
        out->count += out->bucket[b];
    }
    out->sum_s = (double)atomic_load_explicit(&s->le_sum_us, memory_order_relaxed) / 1e6;
}

void stats_each(tk_stats *s, stats_count_cb cb, void *ctx)
{
    st_pair copy[ST_PAIRS];
    pthread_mutex_lock(&s->mu);
    int n = s->npairs;
    for (int i = 0; i < n; i++)
        copy[i] = s->pairs[i];
    pthread_mutex_unlock(&s->mu);
    for (int i = 0; i < n; i++)
        cb(ctx, copy[i].method, copy[i].e, copy[i].n);
}

static void st_percentiles(tk_stats *s, int64_t now_ms, stats_view *out)
{
    uint64_t snap[ST_BUCKETS] = {0};
    uint64_t n = 0;
    int64_t period = now_ms / ST_SLOT_MS;
    for (int64_t p = period - ST_SLOTS_READ + 1; p <= period; p++) {
        int slot = (int)(p % ST_SLOTS);
        if (p < 0 || atomic_load_explicit(&s->slot_period[slot], memory_order_acquire) != p)
            continue; /* no request in that period */
        for (int i = 0; i < ST_BUCKETS; i++) {
            uint64_t c = atomic_load_explicit(&s->hist[slot][i], memory_order_relaxed);
            snap[i] += c;
            n += c;
        }
    }
    out->latency_n = (int64_t)n;
    const double q[3] = {0.50, 0.90, 0.99};
    double *dst[3] = {&out->p50_ms, &out->p90_ms, &out->p99_ms};
    for (int k = 0; k < 3; k++) {
        *dst[k] = 0;
        if (!n)
            continue;
        uint64_t want = (uint64_t)(q[k] * (double)n), seen = 0;
        if (want < 1)
            want = 1;
        for (int i = 0; i < ST_BUCKETS; i++) {
            seen += snap[i];
            if (seen >= want) {
                *dst[k] = st_value(i) / 1000.0;
                break;
            }
        }
    }
}

void stats_net_add(tk_stats *s, int64_t open, int64_t refused, int64_t restarts)
{
    atomic_fetch_add_explicit(&s->conns_open, open, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->conns_refused, refused, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->listener_restarts, restarts, memory_order_relaxed);
}

void stats_get(tk_stats *s, int64_t now_ms, stats_view *out)
{
    out->conns_open = atomic_load_explicit(&s->conns_open, memory_order_relaxed);
    out->conns_refused = atomic_load_explicit(&s->conns_refused, memory_order_relaxed);
    out->listener_restarts = atomic_load_explicit(&s->listener_restarts, memory_order_relaxed);
    pthread_mutex_lock(&s->mu);
    out->total = s->total;
    out->errors = s->errors;
    out->uptime_s = (now_ms - s->started_ms) / 1000;
    if (out->uptime_s < 0)
        out->uptime_s = 0;
    /* Whole seconds only: the current one is still filling up. */
    int64_t sec = now_ms / 1000, sum = 0;
    int64_t win = out->uptime_s < ST_RATE_WIN ? out->uptime_s : ST_RATE_WIN;
    for (int64_t k = 1; k <= win; k++) {
        int slot = (int)((sec - k) % ST_RING);
        if (s->ring_sec[slot] == sec - k)
            sum += s->ring_n[slot];
    }
    out->per_s = win > 0 ? (double)sum / (double)win : 0.0;
    pthread_mutex_unlock(&s->mu);
    out->latency_window_s = ST_SLOTS_READ * ST_SLOT_MS / 1000;
    st_percentiles(s, now_ms, out);
}
