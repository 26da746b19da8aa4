/* server/net/lguard.h -- the server's nng listeners, kept accepting (prefix lg_).
 *
 * Why: nng 1.5.2 (Debian 12's; upstream fixed it later, issue #1518) can
 * break a listener for good when a peer hangs up during the SP handshake.
 * The ipc transport hands the failed handshake's NNG_ECLOSED (EPIPE) to the
 * listener's pending accept, and the listener takes it to mean that it was
 * closed itself: it never asks for another connection. The transport goes
 * on accepting and completing handshakes, but parks every connection in a
 * list nobody reads, so clients connect and are never answered, and the
 * hung-up ones make nng's poller spin on EPOLLHUP. Nothing in nng's public
 * API reports it.
 *
 * So a watchdog thread probes each listener every LG_PERIOD_MS: it dials it
 * as a peer would (nng's stream API, which speaks ipc, tcp, tls+tcp and ws
 * alike), completes the handshake, and waits for the socket's pipe
 * notification of a pipe from that listener (lg_pipe_added). A listener
 * that completes handshakes but hands nothing on, twice in a row, or whose
 * address stopped answering (its ipc file removed), is closed and replaced
 * by a new one on the same URL, and `event=listener_restarted` is logged.
 * Closing it also closes its half-open connections, which ends the spin.
 *
 * What a restart does to clients: closing a listener closes every pipe it
 * accepted, so the clients connected through it see their connection drop;
 * their dialers reconnect by themselves, and a request that was in flight
 * fails with NNG_ECONNRESET (REQ with resend off), for the client to retry
 * (the contract makes every write safe to repeat). A restart happens only
 * when the listener was already broken, i.e. when no new client could
 * reach the server anyway. */
#ifndef TK_LGUARD_H
#define TK_LGUARD_H

#include <nng/nng.h>
#include <nng/supplemental/tls/tls.h>
#include <stdint.h>

#include "server/api/stats.h"

typedef struct lguard lguard;

typedef struct {
    nng_socket sock;
    const char *url;      /* copied */
    nng_tls_config *tls;  /* server side, for tls+tcp://; outlives the guard */
    const char *proto;    /* the socket's protocol name, "rep" or "pub" (ws) */
    uint16_t peer_proto;  /* SP number its peers speak: REQ 0x30, SUB 0x21 */
} lg_spec;

/* stats may be NULL; tick(tick_arg), if given, runs on the watchdog thread
 * after every round of probes (the caps flush their refusal log there). */
lguard *lg_new(tk_stats *stats, void (*tick)(void *), void *tick_arg);
/* Creates and starts a listener; 0, or -1 (logged). Before lg_start. */
int lg_listen(lguard *g, const lg_spec *spec);
/* Starts the watchdog thread: 0 or -1. */
int lg_start(lguard *g);
/* From a socket's NNG_PIPE_EV_ADD_PRE notification (an nng thread; never
 * blocks): a pipe reached the socket, so its listener works. */
void lg_pipe_added(lguard *g, nng_pipe p);
/* Stops the watchdog (waits for its probe to end); the listeners stay. */
void lg_stop(lguard *g);
/* After lg_stop, once the sockets are closed (which closes the listeners). */
void lg_free(lguard *g);

#endif
