/* server/api/stats.h -- request counters and a latency histogram for
 * admin.dashboard.
 *
 * Counting (stats_request) happens where api_handle or api_handle_shared
 * runs: the engine thread and, for pure reads, transport threads; a mutex
 * guards the counters. Latency is "request received -> reply sent" and is known only in
 * the transport's nng callbacks, on nng's threads: stats_latency_us uses
 * relaxed atomics (a lock only once per 10 s, to reuse a slot). The
 * percentiles cover the last minute (latency_window_s), not the time since
 * start, and are accurate to about 6%. Times are steady ms (clock_steady_ms): a step of
 * the wall clock neither empties nor freezes the window. */
#ifndef TK_STATS_H
#define TK_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/errors.h"

typedef struct tk_stats tk_stats;

typedef struct {
    int64_t total, errors;
    double per_s;               /* mean over the last few whole seconds */
    double p50_ms, p90_ms, p99_ms;  /* over the last latency_window_s */
    int64_t latency_window_s, latency_n; /* the window, replies timed in it */
    int64_t uptime_s;
    /* Connections (server/conns, server/lguard): open now, refused by
     * --max-conns / --max-conns-per-peer, listeners restarted. */
    int64_t conns_open, conns_refused, listener_restarts;
} stats_view;

tk_stats *stats_new(int64_t now_ms);
void stats_free(tk_stats *s);
/* Any thread: one request of `method` handled, answered e (TK_OK or the
 * error). method must outlive s (a name from the method table, or a
 * literal): requests are counted per method and result (stats_each). */
void stats_request(tk_stats *s, int64_t now_ms, const char *method, tk_err e);
/* Any thread: calls cb for every (method, result) counted so far, outside
 * the lock. */
typedef void (*stats_count_cb)(void *ctx, const char *method, tk_err e, int64_t n);
void stats_each(tk_stats *s, stats_count_cb cb, void *ctx);

/* Reply latency since start, for the metrics: counts per bucket whose
 * upper bounds, in seconds, are stats_le_s (the last bucket is above them
 * all), and the sum. The minute-window percentiles above are the
 * dashboard's; a scraper wants counters it can take rates of. */
#define STATS_LE_N 14
extern const double stats_le_s[STATS_LE_N];
typedef struct {
    uint64_t bucket[STATS_LE_N + 1];
    uint64_t count;
    double sum_s;
} stats_latency;
void stats_latency_get(tk_stats *s, stats_latency *out);
/* Any thread: one reply sent at now_ms, us after its request arrived. */
void stats_latency_us(tk_stats *s, int64_t now_ms, int64_t us);
/* Any thread (nng's pipe callbacks, the listener watchdog): adds to the
 * connection counters. */
void stats_net_add(tk_stats *s, int64_t open, int64_t refused, int64_t restarts);
/* Any thread. */
void stats_get(tk_stats *s, int64_t now_ms, stats_view *out);

#endif
