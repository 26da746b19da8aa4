/* tui/net/client.h -- the kiosk's and console's network client (prefix cl_).
 *
 * One REQ socket for calls and one SUB socket for events, both driven by nng
 * aio so nothing ever blocks the draw loop. nng completes operations on its
 * own threads; those callbacks only queue the result and poke a self-pipe.
 * The UI thread polls cl_fd() next to stdin and calls cl_poll(), which runs
 * every reply, event, resync and status callback on the UI thread -- so no
 * screen code ever needs a lock.
 *
 * Several nodes: rpc_url and events_url may each be a comma-separated list
 * (one URL per ticketd node); all are dialed on the one socket, and only the
 * node that leads listens. A call whose reply is lost to a closed connection
 * or a timeout is sent again (at most RT_MAX_ATTEMPTS sends in all) when
 * common/retry's table says that is harmless; otherwise it finishes offline
 * with `unsure` set. After the events socket reconnects, each seat stream's
 * next event must follow its last seq (a gap or a seq that went back raises
 * the resync callback), and a reconnect that never showed as offline raises
 * a resync of everything (date_id 0).
 *
 * Reconnect: nng redials by itself. The client counts live REQ pipes and
 * treats call timeouts as "server down" too (a hung server keeps its pipe);
 * while down it sends a cheap probe every few seconds. Every change of the
 * online state is reported through the status callback, and a return to
 * online is the cue for screens to resync (seat maps, queue place).
 *
 * Seat streams: events that carry a per-date "seq" (seat.<date_id>) are
 * checked for gaps. Give the client the snapshot seq (cl_seq_reset, after
 * seats.list); events at or below it are dropped, the next ones delivered in
 * order, and a gap raises the resync callback. Events that arrive while a
 * snapshot is pending are buffered and replayed on top of it. */
#ifndef TK_CLIENT_H
#define TK_CLIENT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/errors.h"
#include "common/rpc.h"

typedef struct cl_client cl_client;

/* A finished call (common/rpc.h), valid only during the callback. */
typedef rpc_answer cl_reply;

typedef void (*cl_reply_fn)(void *ctx, const cl_reply *r);
/* topic without the trailing space, body parsed JSON. */
typedef void (*cl_event_fn)(void *ctx, const char *topic, const cJSON *body);
/* A seq gap on seat.<date_id>: refetch the snapshot, then cl_seq_reset. */
typedef void (*cl_resync_fn)(void *ctx, int64_t date_id);
typedef void (*cl_status_fn)(void *ctx, bool online);

#define CL_DEFAULT_RPC "ipc://var/rpc.sock"
#define CL_DEFAULT_EVENTS "ipc://var/events.sock"
#define CL_DEFAULT_TIMEOUT_MS 4000

/* Opens both sockets and starts dialing (non-blocking: the server may be
 * down). NULL with *err set on a bad URL or out of memory. */
cl_client *cl_new(const char *rpc_url, const char *events_url, tk_err *err);
void cl_free(cl_client *c);

/* Per-call deadline (NNG_OPT_RECVTIMEO); default CL_DEFAULT_TIMEOUT_MS. */
void cl_set_timeout(cl_client *c, int ms);
/* The console's admin key: added as "admin_key" to every admin.* call. */
void cl_set_admin_key(cl_client *c, const char *key);

void cl_on_event(cl_client *c, cl_event_fn fn, void *ctx);
void cl_on_resync(cl_client *c, cl_resync_fn fn, void *ctx);
void cl_on_status(cl_client *c, cl_status_fn fn, void *ctx);

/* Starts a call; takes ownership of params (may be NULL). Returns the call
 * id (> 0). cb (may be NULL) runs later from cl_poll, exactly once, also
 * when the call times out (r->offline). Never blocks. */
int64_t cl_call(cl_client *c, const char *method, cJSON *params, cl_reply_fn cb, void *ctx);
/* Forget a pending call's callback (its screen went away). */
void cl_cancel(cl_client *c, int64_t call_id);

/* Topic without the trailing space ("seat.4", "queue", "sales"); the client
 * adds the space so "seat.4" never matches "seat.42". */
int cl_subscribe(cl_client *c, const char *topic);
int cl_unsubscribe(cl_client *c, const char *topic);

/* Seq bookkeeping for seat.<date_id> streams (see top of file). */
void cl_seq_reset(cl_client *c, int64_t date_id, int64_t snapshot_seq);
/* Mark a date's snapshot as pending: events are buffered until reset. */
void cl_seq_pending(cl_client *c, int64_t date_id);
void cl_seq_forget(cl_client *c, int64_t date_id);

/* Readable when cl_poll has work; for poll(2) next to stdin. */
int cl_fd(const cl_client *c);
/* Runs due callbacks on the calling thread; never blocks. Also drives the
 * offline probe, so call it at least once a second. */
void cl_poll(cl_client *c);
bool cl_online(const cl_client *c);
/* Feed one event as if the SUB socket had received "topic json" (tests of
 * the seq logic; also handy for replaying a capture). */
void cl_inject(cl_client *c, const char *topic, const char *json);

#endif
