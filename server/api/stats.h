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
/* Any thread: one request handled (error: the reply was an error). */
void stats_request(tk_stats *s, int64_t now_ms, bool error);
/* Any thread: one reply sent at now_ms, us after its request arrived. */
void stats_latency_us(tk_stats *s, int64_t now_ms, int64_t us);
/* Any thread (nng's pipe callbacks, the listener watchdog): adds to the
 * connection counters. */
void stats_net_add(tk_stats *s, int64_t open, int64_t refused, int64_t restarts);
/* Any thread. */
void stats_get(tk_stats *s, int64_t now_ms, stats_view *out);

#endif
