/* server/net/metrics.h -- the Prometheus endpoint (ticketd --metrics URL).
 *
 * nng's own HTTP server answers GET on the URL's path with the text
 * exposition format (version 0.0.4). A scrape never waits in the engine's
 * queue: domain figures (queue, seats, revenue, lapsed holds) are read
 * under the engine's shared lock, like the pure reads (engine_read), and
 * the rest comes from counters other threads keep (server/api/stats,
 * the syncer's commit counts). Scrapes run on nng's HTTP threads. */
#ifndef TK_METRICS_H
#define TK_METRICS_H

#include "server/api/stats.h"
#include "server/engine/engine.h"

typedef struct metrics metrics;

/* Starts serving url (http://HOST:PORT[/PATH], path default /metrics).
 * NULL on a bad URL or a port that cannot be bound (logged). */
metrics *metrics_start(const char *url, engine *e, tk_stats *stats);
/* Stops the server (no scrape runs after it returns) and frees m. */
void metrics_stop(metrics *m);

/* The exposition text, malloc'd (NULL on out of memory); *len its length.
 * What a scrape returns; separate for the tests. */
char *metrics_render(engine *e, tk_stats *stats, size_t *len);

#endif
