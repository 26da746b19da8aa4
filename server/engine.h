/* server/engine.h -- the one thread that owns the domain.
 *
 * Transport threads hand requests in as jobs (engine_submit never blocks
 * beyond a short mutex). The engine thread takes every waiting job as one
 * batch, runs api_handle on each inside one transaction, runs tk_tick,
 * commits ONCE (group commit), and only then calls each job's done()
 * callback with its reply and publishes the batch's events. So no reply
 * leaves before the change it reports is durable, and a burst of N
 * requests costs one fsync, not N. If the commit fails, memory is ahead of
 * disk: the engine logs and exits the process (fail-stop); a restart
 * reloads the last durable state and no reply of the lost batch was sent. */
#ifndef TK_ENGINE_H
#define TK_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/api.h"
#include "server/domain.h"

typedef struct engine engine;

typedef struct engine_job {
    struct engine_job *next;  /* engine-owned while queued */
    const char *msg;          /* request bytes (owned by the submitter) */
    size_t len;
    char peer[64];
    char *reply;              /* set by the engine before done(); malloc'd, */
                              /* NULL only on out-of-memory */
    void (*done)(struct engine_job *j); /* engine thread, after the commit */
} engine_job;

/* Called on the engine thread with one encoded event ("topic json"). */
typedef void (*engine_publish_fn)(void *arg, const char *msg, size_t len);

engine *engine_new(tk_domain *d, api_server *a, engine_publish_fn pub, void *pub_arg);
int engine_start(engine *e); /* 0 or -1 */
/* Any thread. After engine_stop has begun the job is still run. */
void engine_submit(engine *e, engine_job *j);
/* Any thread: runs j right here if it is a pure read (api_handle_shared)
 * and the domain is not being changed at this instant, setting j->reply
 * (NULL only on out of memory); the caller sends it. false: nothing was
 * done, submit j. Never blocks: a reader that would have to wait for the
 * engine's batch simply joins the queue. */
bool engine_try_shared(engine *e, engine_job *j);
/* Runs the jobs still queued, then joins the thread. */
void engine_stop(engine *e);
void engine_free(engine *e);

#endif
