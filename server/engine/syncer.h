/* server/engine/syncer.h -- the second half of a group commit: flush, then answer.
 *
 * The engine COMMITs a batch without waiting for the disk (tk_sync_defer)
 * and hands it here, with its jobs and its encoded events. The syncer
 * thread takes every batch waiting, makes them all durable with ONE
 * tk_sync (fdatasync of the WAL), then publishes their events and calls
 * each job's done(), batch by batch in commit order. So the engine runs
 * batch N+1 while batch N's flush is in flight, and one flush covers
 * every batch that committed during the previous flush: group commit
 * without a timer. Nothing leaves before the change it reports is on
 * disk; a batch that wrote nothing is answered in its turn without a
 * flush of its own.
 *
 * A failed flush is fail-stop, like a failed commit: the process exits
 * before any reply of the lost batches left, and a restart reloads. */
#ifndef TK_SYNCER_H
#define TK_SYNCER_H

#include <stdbool.h>
#include <stddef.h>

#include "server/domain/domain.h"
#include "server/engine/engine.h"

typedef struct syncer syncer;
typedef struct syncer_batch syncer_batch;

/* pub: called on the syncer thread with each event, after the flush.
 * flushed: called on the syncer thread when a flush ends (the engine
 * commits what it gathered meanwhile). */
syncer *syncer_new(tk_domain *d, engine_publish_fn pub, void *pub_arg,
                   void (*flushed)(void *arg), void *flushed_arg);
int syncer_start(syncer *s); /* 0 or -1 */

/* Engine thread: a batch for jobs (a list linked by next; the syncer
 * owns the list until it calls done() on each). NULL: out of memory. */
syncer_batch *syncer_batch_new(engine_job *jobs, bool wrote);
/* The allocator syncer_batch_new uses: calloc, unless a test swaps in one
 * that fails, to drive the engine's out-of-memory path (unit_engine). */
extern void *(*syncer_calloc)(size_t n, size_t size);
/* Engine thread: one encoded event, copied; 0 or -1 (out of memory: the
 * event is dropped, which subscribers detect by the seq gap). */
int syncer_batch_event(syncer_batch *b, const char *msg, size_t len);
/* Engine thread: hands the committed batch over (ownership included). */
void syncer_submit(syncer *s, syncer_batch *b);
/* Any thread: true when no batch that wrote is waiting for its flush, so
 * every committed change is durable. */
bool syncer_clean(syncer *s);
/* Any thread: a flush is under way right now. */
bool syncer_busy(syncer *s);
/* Any thread: since start, batches that wrote and are durable (commits),
 * the flushes that made them so, and the time those flushes took. */
typedef struct {
    int64_t commits, flushes, flush_us;
} syncer_counts;
void syncer_counts_get(syncer *s, syncer_counts *out);
/* Flushes and answers everything submitted, then joins the thread. */
void syncer_stop(syncer *s);
void syncer_free(syncer *s);

#endif
