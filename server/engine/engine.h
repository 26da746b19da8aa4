/* server/engine/engine.h -- the one thread that owns the domain.
 *
 * Transport threads hand requests in as jobs (engine_submit never blocks
 * beyond a short mutex). The engine thread takes every waiting job as one
 * batch and, holding the domain's lock exclusively, runs api_handle on
 * each inside one transaction, runs tk_tick and COMMITs once; the COMMIT
 * writes the log but does not wait for the disk. The batch then goes to
 * the syncer (server/engine/syncer.h), which flushes it together with every
 * other batch committed meanwhile (one fdatasync) and only then publishes
 * its events and calls each job's done() with its reply. So no reply
 * leaves before the change it reports is durable, a burst of N requests
 * costs one flush, not N, and the engine works on the next batch while
 * the disk flushes the last one. If a commit or a flush fails, memory is
 * ahead of disk: the process logs and exits (fail-stop); a restart reloads
 * the last durable state and no reply of a lost batch was sent.
 *
 * Pure reads skip the queue when they can (engine_try_shared): they run on
 * the transport thread that received them, under the domain's lock taken
 * shared, and only while every committed change is already on disk. */
#ifndef TK_ENGINE_H
#define TK_ENGINE_H

/* How long after its last proof of the session a leader still answers
 * reads from memory (engine.c). A new leader waits this long, and a
 * little more, after taking the lead before it listens (server/main.c),
 * so two nodes never answer at once. */
#define ENGINE_LEASE_MS 1000

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/api/api.h"
#include "server/domain/domain.h"

typedef struct engine engine;

typedef struct engine_job {
    struct engine_job *next;  /* engine-owned while queued */
    const char *msg;          /* request bytes (owned by the submitter) */
    size_t len;
    char peer[64];
    char *reply;              /* set by the engine before done(); malloc'd, */
                              /* NULL only on out-of-memory */
    void (*done)(struct engine_job *j); /* syncer thread, after the flush;
                                           must not block (transport hands
                                           the reply to an nng thread) */
} engine_job;

/* Called on the syncer thread with one encoded event ("topic json"),
 * after the flush that made its change durable. */
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
/* Any thread (the metrics endpoint): runs fn with the domain under the
 * shared lock that pure reads take. It waits for a batch in progress to
 * end, as a reader, so the engine never waits longer than fn takes; fn
 * must only read (what admin.dashboard reads). The figures may include a
 * committed batch whose flush is still under way. */
void engine_read(engine *e, void (*fn)(void *arg, tk_domain *d, int64_t now_ms), void *arg);
/* Any thread: commits and flushes so far (syncer_counts_get). */
typedef struct {
    int64_t commits, flushes, flush_us;
} engine_counts;
void engine_counts_get(engine *e, engine_counts *out);
/* Runs the jobs still queued, then joins the thread. */
void engine_stop(engine *e);
void engine_free(engine *e);

#endif
