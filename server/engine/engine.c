/* server/engine/engine.c -- see engine.h. */
#include "server/engine/engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "common/util.h"
#include "server/api/events.h"
#include "server/engine/syncer.h"

#define ENGINE_MAX_WAIT_MS 250 /* tick at least this often */
#define ENGINE_TICK_MS 100     /* and not more often than this without cause */
#define ENGINE_MIN_TICK_MS 10  /* nor, with cause, more often than this */
#define ENGINE_EVENTS_CHUNK 256
/* Group commit without a timer. While the syncer is flushing earlier
 * batches, a COMMIT now would only wait for that flush to end, so the
 * engine keeps its transaction open and goes on taking jobs into it; it
 * commits the moment the flush is done (the syncer kicks it), or once the
 * open batch is GATHER_MAX_JOBS big or GATHER_MAX_US old. Fewer, bigger
 * COMMITs write each hot page to the WAL once instead of many times, and
 * no request ever waits for a timer. */
#define ENGINE_GATHER_MAX_JOBS 1024
#define ENGINE_GATHER_MAX_US 5000
/* A leased store (PostgreSQL: the session's advisory lock is the
 * leadership) is proven alive by a round trip at least every
 * ENGINE_PING_MS while the engine is idle; a commit is one too. Shared
 * reads answer from memory only within ENGINE_LEASE_MS of the start of the
 * last proof; later (the process was paused, the engine is stuck on a dead
 * connection) they join the queue, and the engine proves the session
 * before it answers anything. A lost session is fail-stop. */
#define ENGINE_PING_MS 200

struct engine {
    tk_domain *d;
    api_server *a;
    syncer *sync;             /* flushes committed batches, then answers them */
    pthread_t thread;
    bool started;
    /* The domain's lock. The engine holds it exclusively from a batch's
     * first job to its COMMIT, so a reader can never see a change that is
     * not yet durable; pure reads take it shared on transport threads
     * (engine_try_shared) and never wait for it. Writer-preferring, so a
     * stream of readers cannot starve the engine. */
    pthread_rwlock_t lock;
    pthread_mutex_t mu;
    pthread_cond_t cv;        /* CLOCK_MONOTONIC */
    engine_job *head, *tail;  /* guarded by mu */
    bool stopping;            /* guarded by mu */
    bool sleeping;            /* guarded by mu: the engine waits on cv */
    bool kicked;              /* guarded by mu: the syncer finished a flush */
    bool gathering;           /* guarded by mu: waiting for the flush to end */
    int64_t last_tick_ms;     /* engine thread only */
    bool leased;              /* tk_leased: answers need a live session */
    int64_t proved_us;        /* engine thread only: start of the last round trip */
    _Atomic int64_t lease_us; /* shared reads answer from memory until then */
};

/* The syncer's flush ended (syncer thread). */
static void engine_kick(void *arg)
{
    engine *e = arg;
    pthread_mutex_lock(&e->mu);
    e->kicked = true;
    if (e->sleeping)
        pthread_cond_signal(&e->cv);
    pthread_mutex_unlock(&e->mu);
}

engine *engine_new(tk_domain *d, api_server *a, engine_publish_fn pub, void *pub_arg)
{
    engine *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->d = d;
    e->a = a;
    e->leased = tk_leased(d);
    e->proved_us = clock_mono_us();
    atomic_init(&e->lease_us, e->leased ? e->proved_us + ENGINE_LEASE_MS * 1000 : INT64_MAX);
    if (!(e->sync = syncer_new(d, pub, pub_arg, engine_kick, e))) {
        free(e);
        return NULL;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_rwlockattr_t ra;
    pthread_rwlockattr_init(&ra);
    pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&e->lock, &ra);
    pthread_rwlockattr_destroy(&ra);
    return e;
}

void engine_submit(engine *e, engine_job *j)
{
    j->next = NULL;
    j->reply = NULL;
    pthread_mutex_lock(&e->mu);
    if (e->tail)
        e->tail->next = j;
    else
        e->head = j;
    e->tail = j;
    /* A busy engine will find the job without a wake-up; so will one that
     * waits for a flush to end (the kick wakes it). */
    if (e->sleeping && !e->gathering)
        pthread_cond_signal(&e->cv);
    pthread_mutex_unlock(&e->mu);
}

bool engine_try_shared(engine *e, engine_job *j)
{
    if (!api_shared_hint(j->msg, j->len) || clock_mono_us() >= atomic_load(&e->lease_us) ||
        pthread_rwlock_tryrdlock(&e->lock) != 0)
        return false;
    if (!syncer_clean(e->sync)) { /* committed but not yet on disk */
        pthread_rwlock_unlock(&e->lock);
        return false;
    }
    bool declined;
    j->reply = api_handle_shared(e->a, j->msg, j->len, j->peer, clock_steady_ms(), &declined);
    pthread_rwlock_unlock(&e->lock);
    return !declined;
}

void engine_read(engine *e, void (*fn)(void *arg, tk_domain *d, int64_t now_ms), void *arg)
{
    pthread_rwlock_rdlock(&e->lock);
    fn(arg, e->d, clock_steady_ms());
    pthread_rwlock_unlock(&e->lock);
}

void engine_counts_get(engine *e, engine_counts *out)
{
    syncer_counts c;
    syncer_counts_get(e->sync, &c);
    *out = (engine_counts){c.commits, c.flushes, c.flush_us};
}

/* Waits until a job is queued, stop is asked, the monotonic instant
 * until_us, or (kick) a kick; takes the whole queue (NULL when none).
 * *stopping: the flag. */
static engine_job *engine_wait(engine *e, int64_t until_us, bool kick, bool *stopping)
{
    struct timespec ts = {until_us / 1000000, (long)(until_us % 1000000) * 1000};
    pthread_mutex_lock(&e->mu);
    if (kick)
        e->kicked = false;
    e->sleeping = true;
    e->gathering = kick;
    while ((kick || !e->head) && !e->stopping && !(kick && e->kicked))
        if (pthread_cond_timedwait(&e->cv, &e->mu, &ts) != 0)
            break;
    e->sleeping = false;
    e->gathering = false;
    engine_job *list = e->head;
    e->head = e->tail = NULL;
    *stopping = e->stopping;
    pthread_mutex_unlock(&e->mu);
    return list;
}

/* Waits for jobs or the next tick deadline; returns the whole queue (NULL
 * on a timeout). *stop is set once stopping and nothing is left. */
static engine_job *engine_take(engine *e, bool *stop)
{
    int64_t now = clock_steady_ms();
    int64_t wait = tk_next_deadline(e->d, now) - now;
    if (wait > ENGINE_MAX_WAIT_MS)
        wait = ENGINE_MAX_WAIT_MS;
    /* A deadline still due right after a tick would make this loop spin;
     * ticks are at least ENGINE_MIN_TICK_MS apart unless requests come. */
    int64_t since = now - e->last_tick_ms;
    if (wait < ENGINE_MIN_TICK_MS - since && since >= 0)
        wait = ENGINE_MIN_TICK_MS - since;
    if (wait < 0)
        wait = 0;
    bool stopping;
    engine_job *batch = engine_wait(e, clock_mono_us() + wait * 1000, false, &stopping);
    *stop = stopping && !batch;
    return batch;
}

/* Moves the domain's pending events into b, encoded. */
static void engine_events(engine *e, syncer_batch *b)
{
    tk_event ev[ENGINE_EVENTS_CHUNK];
    size_t n;
    char msg[EVENTS_MSG_MAX];
    while ((n = tk_events_take(e->d, ev, ENGINE_EVENTS_CHUNK)) > 0) {
        for (size_t i = 0; i < n; i++) {
            size_t len = events_encode(&ev[i], msg);
            if (len && syncer_batch_event(b, msg, len) != 0)
                log_warn("event_dropped", "err=\"out of memory\"");
        }
        if (n < ENGINE_EVENTS_CHUNK)
            break;
    }
}

/* Runs api_handle on each job of the list, counting them into *n. */
static void engine_handle(engine *e, engine_job *list, size_t *n)
{
    int64_t now = clock_steady_ms();
    for (engine_job *j = list; j; j = j->next, (*n)++) {
        bool wrote; /* the store's change count decides the flush instead */
        j->reply = api_handle(e->a, j->msg, j->len, j->peer, now, &wrote);
    }
}

/* See ENGINE_GATHER_*: while the syncer flushes, takes more jobs into the
 * open transaction, appending them to the batch ending at *tail. */
static void engine_gather(engine *e, engine_job **tail, size_t *n)
{
    int64_t until = clock_mono_us() + ENGINE_GATHER_MAX_US;
    while (*n < ENGINE_GATHER_MAX_JOBS && syncer_busy(e->sync)) {
        bool stopping;
        engine_job *more = engine_wait(e, until, true, &stopping);
        if (more) {
            engine_handle(e, more, n);
            (*tail)->next = more;
            while ((*tail)->next)
                *tail = (*tail)->next;
        } else if (stopping || clock_mono_us() >= until) {
            return;
        }
    }
}

/* A round trip that started at t_us reached the server: the lease runs
 * from then. */
static void engine_proved(engine *e, int64_t t_us)
{
    e->proved_us = t_us;
    atomic_store(&e->lease_us, t_us + ENGINE_LEASE_MS * 1000);
}

/* See ENGINE_PING_MS: before a batch is answered, and when idle. */
static void engine_keepalive(engine *e, bool answering)
{
    int64_t t = clock_mono_us();
    if (!e->leased || (t - e->proved_us < ENGINE_PING_MS * 1000 &&
                       !(answering && t >= atomic_load(&e->lease_us))))
        return;
    if (tk_ping(e->d) != 0) {
        /* Another node may lead by now: answer nothing more, not even
         * from memory. */
        tk_lead l;
        tk_lead_get(e->d, &l);
        log_error("session_lost", "node=%s epoch=%lld action=exit", l.node, (long long)l.epoch);
        exit(1);
    }
    engine_proved(e, t);
}

/* One batch, under the exclusive lock: every job, the tick, one COMMIT
 * (written, not yet flushed), then off to the syncer, which flushes and
 * answers. No BEGIN here: the store opens the transaction at the first
 * write, so a batch of reads costs SQLite nothing. */
static void engine_batch(engine *e, engine_job *batch)
{
    /* Deadlines run on the steady clock; the wall clock only tells the
     * domain how to write instants (domain.h, Time). A step of it shows
     * from the next batch on, so readers lag one at most (a second). */
    int64_t now = clock_steady_ms();
    bool tick = now - e->last_tick_ms >= ENGINE_TICK_MS || tk_next_deadline(e->d, now) <= now;
    engine_keepalive(e, batch != NULL);
    if (!batch && !tick)
        return;
    pthread_rwlock_wrlock(&e->lock);
    tk_clock_set(e->d, clock_wall_ms(), clock_steady_ms());
    size_t n = 0;
    engine_handle(e, batch, &n);
    if (batch && tk_batch_dirty(e->d)) {
        engine_job *tail = batch;
        while (tail->next)
            tail = tail->next;
        engine_gather(e, &tail, &n);
    }
    if (tick) {
        tk_tick(e->d, now);
        e->last_tick_ms = now;
    }
    /* Whether to flush is the store's call (it counts changed rows): a
     * lost race or a tick with nothing to do costs no fdatasync, and
     * readers stay on their fast path. */
    bool wrote = tk_batch_dirty(e->d);
    int64_t commit_us = clock_mono_us();
    if (tk_batch_commit(e->d) != 0) {
        /* Memory is ahead of disk and none of this batch's replies left:
         * stop here, and a restart reloads the last durable state. */
        log_error("commit_failed", "batch=%zu action=exit", n);
        exit(1);
    }
    if (wrote && e->leased)
        engine_proved(e, commit_us);
    syncer_batch *b = syncer_batch_new(batch, wrote);
    if (b) {
        engine_events(e, b);
        syncer_submit(e->sync, b);
        pthread_rwlock_unlock(&e->lock);
        return;
    }
    /* Out of memory for the hand-over: flush right here, still holding the
     * lock so no reader sees the batch before it is on disk, then answer
     * (the events stay queued in the domain and leave with the next
     * batch). The flush covers the syncer's waiting batches too; their
     * replies still leave from the syncer, only later than these. */
    if (tk_sync(e->d) != 0) {
        log_error("sync_failed", "batch=%zu action=exit", n);
        exit(1);
    }
    pthread_rwlock_unlock(&e->lock);
    while (batch) {
        engine_job *next = batch->next;
        batch->done(batch);
        batch = next;
    }
}

static void *engine_main(void *arg)
{
    engine *e = arg;
    bool stop = false;
    while (!stop)
        engine_batch(e, engine_take(e, &stop));
    return NULL;
}

int engine_start(engine *e)
{
    if (tk_sync_defer(e->d) != 0)
        log_warn("sync_defer_failed", "mode=\"every COMMIT flushes\"");
    if (syncer_start(e->sync) != 0)
        return -1;
    if (pthread_create(&e->thread, NULL, engine_main, e) != 0)
        return -1;
    pthread_setname_np(e->thread, "engine"); /* for top -H and perf */
    e->started = true;
    return 0;
}

void engine_stop(engine *e)
{
    pthread_mutex_lock(&e->mu);
    e->stopping = true;
    pthread_cond_signal(&e->cv);
    pthread_mutex_unlock(&e->mu);
    if (e->started)
        pthread_join(e->thread, NULL);
    e->started = false;
    syncer_stop(e->sync); /* after the engine: it flushes the last batches */
}

void engine_free(engine *e)
{
    if (!e)
        return;
    pthread_mutex_destroy(&e->mu);
    pthread_cond_destroy(&e->cv);
    pthread_rwlock_destroy(&e->lock);
    syncer_free(e->sync);
    free(e);
}
