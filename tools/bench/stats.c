/* tools/bench/stats.c -- latency histograms and reply scanning.
 *
 * The histogram is log-linear (exact below 64 µs, then 32 sub-buckets per
 * octave: under 3% error) with atomic counters, so every nng callback can
 * record into the shared row without a lock and without per-slot merging. */
#include "tools/bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bstats_init(bench_stats *st, const char *name)
{
    memset(st, 0, sizeof(*st));
    snprintf(st->name, sizeof(st->name), "%s", name);
}

static int bh_index(uint64_t v)
{
    if (v < 64)
        return (int)v;
    int msb = 63 - __builtin_clzll(v);
    int idx = 64 + (msb - 6) * 32 + (int)((v >> (msb - 5)) & 31);
    return idx < BH_BUCKETS ? idx : BH_BUCKETS - 1;
}

/* Midpoint of a bucket, the value a quantile reports. */
static double bh_value(int idx)
{
    if (idx < 64)
        return idx;
    int k = (idx - 64) / 32, sub = (idx - 64) % 32;
    int shift = k + 1;
    double lo = (double)((uint64_t)(32 + sub) << shift);
    return lo + (double)((uint64_t)1 << shift) / 2.0;
}

void bstats_add(bench_stats *st, int64_t lat_us, size_t req_len, size_t rep_len, bool error)
{
    atomic_fetch_add_explicit(&st->hist[bh_index(lat_us < 0 ? 0 : (uint64_t)lat_us)], 1,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&st->ops, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&st->req_bytes, req_len, memory_order_relaxed);
    atomic_fetch_add_explicit(&st->rep_bytes, rep_len, memory_order_relaxed);
    if (error)
        atomic_fetch_add_explicit(&st->errors, 1, memory_order_relaxed);
}

void bstats_copy(bench_stats *dst, const bench_stats *src)
{
    for (int i = 0; i < BH_BUCKETS; i++)
        atomic_store(&dst->hist[i], atomic_load(&src->hist[i]));
    atomic_store(&dst->ops, atomic_load(&src->ops));
    atomic_store(&dst->errors, atomic_load(&src->errors));
    atomic_store(&dst->req_bytes, atomic_load(&src->req_bytes));
    atomic_store(&dst->rep_bytes, atomic_load(&src->rep_bytes));
    dst->t0_us = src->t0_us;
    dst->t1_us = src->t1_us;
    dst->srv_cpu_us = src->srv_cpu_us;
    dst->srv_csw = src->srv_csw;
    dst->phase_ops = src->phase_ops;
    dst->gen_cpu_us = src->gen_cpu_us;
}

double bstats_quantile(const bench_stats *st, double q)
{
    uint64_t n = atomic_load(&st->ops);
    if (n == 0)
        return 0;
    /* The rank of the q-quantile, 1-based, rounded up (p99 of 100 is the
     * 99th value, not the 100th). */
    uint64_t rank = (uint64_t)(q * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (int i = 0; i < BH_BUCKETS; i++) {
        seen += atomic_load_explicit(&st->hist[i], memory_order_relaxed);
        if (seen >= rank)
            return bh_value(i);
    }
    return bh_value(BH_BUCKETS - 1);
}

double bstats_rate(const bench_stats *st)
{
    int64_t span = st->t1_us - st->t0_us;
    return span > 0 ? (double)atomic_load(&st->ops) * 1e6 / (double)span : 0;
}

double bstats_avg_req(const bench_stats *st)
{
    uint64_t n = atomic_load(&st->ops);
    return n ? (double)atomic_load(&st->req_bytes) / (double)n : 0;
}

double bstats_avg_rep(const bench_stats *st)
{
    uint64_t n = atomic_load(&st->ops);
    return n ? (double)atomic_load(&st->rep_bytes) / (double)n : 0;
}

/* The replies are cJSON_PrintUnformatted output: no blanks after ':' and
 * keys quoted, so a plain substring search for "key": is exact enough for
 * the few fields the load generator reads (ids, tokens, the reason). A
 * decoded cJSON tree per reply would cost the shared CPU more than the
 * echo side pays, and skew the ratio. */
static const char *brep_find(const char *body, const char *key)
{
    char pat[64];
    int n = snprintf(pat, sizeof(pat), "\"%s\":", key);
    if (n <= 0 || (size_t)n >= sizeof(pat))
        return NULL;
    const char *p = strstr(body, pat);
    return p ? p + n : NULL;
}

bool brep_int(const char *body, const char *key, int64_t *out)
{
    const char *p = brep_find(body, key);
    if (!p)
        return false;
    char *end;
    long long v = strtoll(p, &end, 10);
    if (end == p)
        return false;
    *out = v;
    return true;
}

bool brep_str(const char *body, const char *key, char *out, size_t outlen)
{
    const char *p = brep_find(body, key);
    if (!p || *p != '"')
        return false;
    p++;
    const char *q = strchr(p, '"');
    if (!q || (size_t)(q - p) >= outlen)
        return false;
    memcpy(out, p, (size_t)(q - p));
    out[q - p] = '\0';
    return true;
}

bool brep_error(const char *body, char *out, size_t outlen)
{
    if (outlen)
        out[0] = '\0';
    /* A result object can hold no "error" key of its own: none of the
     * contract's results has one. */
    if (!strstr(body, "\"error\":{"))
        return false;
    if (!brep_str(body, "reason", out, outlen))
        snprintf(out, outlen, "UNKNOWN");
    return true;
}
