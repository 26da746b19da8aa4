/* server/net/transport.h -- the nng side: a REP socket served by many contexts,
 * and a PUB socket for events.
 *
 * Each REP context is a small aio state machine (RECV -> engine -> SEND ->
 * RECV), after nng's demo/async/server.c. Its callbacks never block: a
 * received request is handed to the engine with engine_submit (a mutex-
 * guarded list push) and the reply is sent from the engine's done()
 * callback with nng_ctx_send, which is asynchronous too. The number of
 * contexts bounds the requests in flight. */
#ifndef TK_TRANSPORT_H
#define TK_TRANSPORT_H

#include <stddef.h>

#include "server/net/cidr.h"
#include "server/engine/engine.h"
#include "server/api/stats.h"

typedef struct transport transport;

typedef struct {
    const char *rpc_url, *events_url;
    const char *tls_cert, *tls_key; /* PEM files, for tls+tcp:// */
    int nctx;                        /* REP contexts, default 128 */
    int64_t max_conns;               /* connections in all (0: 4096) */
    int64_t max_conns_per_peer;      /* per ipc uid or IP address; 0 = no cap */
    const cidr_list *exempt;         /* networks with no per-peer cap; may be NULL */
    tk_stats *stats;                 /* connection counters; may be NULL */
} transport_opts;

/* Opens both sockets and starts listening (ipc files 0660), with the
 * connection caps (server/conns) and the listener watchdog (server/lguard)
 * in place. NULL on failure (logged). Nothing is received before
 * transport_start. */
transport *transport_open(const transport_opts *o);
/* Posts the first receive on every context. stats may be NULL. */
int transport_start(transport *t, engine *e, tk_stats *stats);
/* engine_publish_fn: sends one event on the PUB socket, never blocking
 * (a slow subscriber loses messages, as PUB/SUB does). */
void transport_publish(void *t, const char *msg, size_t len);
/* Stops taking requests and waits (at most timeout_ms) until every request
 * already taken has had its reply sent. */
void transport_quiesce(transport *t, int timeout_ms);
/* Closes the sockets and frees everything. Only once no job is left in
 * the engine (after engine_stop): a write still there would later hand
 * its reply to a context this freed. */
void transport_close(transport *t);

#endif
