/* server/api/api.h -- the request layer: one JSON-RPC message in, one reply out.
 *
 * Sits between the transport (bytes and peers) and the domain (plain C).
 * api_handle runs on the engine thread, inside the engine's
 * tk_batch_begin / tk_batch_commit, with the domain to itself;
 * api_handle_shared runs pure reads on transport threads under the
 * engine's shared lock (the rate limiters and counters lock themselves). The in-process
 * tests and the fuzz harness drive exactly this interface with a ":memory:"
 * domain: no sockets are needed to exercise every method. */
#ifndef TK_API_H
#define TK_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/net/cidr.h"
#include "server/domain/domain.h"
#include "server/api/stats.h"
#include "common/version.h" /* TK_VERSION */

typedef struct api_server api_server;

/* Token buckets: *_rps refill per second, *_burst the bucket size.
 * A rate of 0 disables that limit. */
typedef struct {
    int64_t user_rps, user_burst, peer_rps, peer_burst;
    const cidr_list *peer_exempt; /* peers with no per-peer limit; may be NULL */
} api_limits;

/* admin_key: the operator key (NUL-terminated, trailing whitespace already
 * trimmed); NULL or "" makes every admin method FORBIDDEN. lim NULL means
 * no rate limits. NULL on allocation failure. */
api_server *api_new(tk_domain *d, const char *admin_key, const api_limits *lim);
void api_free(api_server *a);

/* Staff (issue 17): admin_key carries any staff key. The admin key file's
 * key is role admin, named "admin"; the staff file adds keys with a name
 * and one role each. Each admin method lists the roles it allows (the
 * method table in api.c); any other key is FORBIDDEN. */
typedef enum { API_ROLE_ADMIN = 1u, API_ROLE_CASHIER = 2u, API_ROLE_GATE = 4u } api_role;
#define API_STAFF_NAME_MAX 32 /* bytes: letters, digits, '.', '_', '-' */
const char *api_role_name(api_role r); /* "admin" "cashier" "gate" */
int api_role_parse(const char *name);  /* an api_role, or -1 */
/* Adds a staff key (only its hash is kept). 0, -1 (out of memory, a
 * name that is not 1..API_STAFF_NAME_MAX bytes), or -2: the key is
 * already a member's (the admin key file's included). */
int api_staff_add(api_server *a, const char *name, api_role role, const char *key);
/* --topup staff: wallet.charge needs a cashier's or an admin's key and a
 * method; false (the default, "open") lets members top up themselves. */
void api_set_topup_staff(api_server *a, bool staff);
bool api_topup_staff(const api_server *a);

/* One request message -> malloc'd reply JSON (NULL only on OOM), run on
 * the engine thread inside the engine's batch (before its commit). `peer`
 * is a printable peer id ("ipc:pid=123", "tcp:1.2.3.4:5678"). Never
 * crashes on any input; a partial write is impossible because the domain
 * validates before it mutates. *wrote is set true when the method is one
 * that may change state (API_WRITES). The engine does not need it (the
 * store's own change count decides whether a batch is flushed); tests and
 * the fuzz harness use it to tell reads from writes. */
char *api_handle(api_server *a, const char *msg, size_t len, const char *peer, int64_t now_ms,
                 bool *wrote);

/* The same for a pure read (API_SHARED methods: queue.status, dates.list,
 * seats.list, wallet.*, booking.list) on any thread, while the caller
 * holds the engine's shared lock (engine_try_shared): no state changes,
 * so readers may run side by side. Anything else (another method, a
 * malformed or oversized message) is declined: NULL with *declined set,
 * nothing counted, and the caller hands the message to the engine. NULL
 * with *declined false is out of memory. */
char *api_handle_shared(api_server *a, const char *msg, size_t len, const char *peer,
                        int64_t now_ms, bool *declined);
/* Cheap pre-check before any parse: might msg be an API_SHARED method? */
bool api_shared_hint(const char *msg, size_t len);
/* The i-th method of the dispatch table, NULL past the end, and whether it
 * may change state: tests check the clients' retry table (common/retry)
 * against it, so a new method cannot be missed there. */
const char *api_method_at(size_t i, bool *writes);

/* The request counters and latency histogram behind admin.dashboard. The
 * transport records latencies into it (thread-safe); api_handle counts
 * requests and errors. Owned by the api_server. */
tk_stats *api_stats(api_server *a);

#endif
