/* server/engine/syncer.c -- see syncer.h. */
#include "server/engine/syncer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

struct syncer_batch {
    struct syncer_batch *next;
    engine_job *jobs;
    bool wrote;
    char *ev; /* events, each as a size_t length then its bytes */
    size_t evlen, evcap;
};

struct syncer {
    tk_domain *d;
    engine_publish_fn pub;
    void *pub_arg;
    void (*flushed)(void *arg);
    void *flushed_arg;
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    syncer_batch *head, *tail; /* guarded by mu */
    bool stopping;             /* guarded by mu */
    atomic_int unflushed;      /* batches that wrote, submitted, not yet flushed */
    atomic_bool busy;          /* a flush is under way */
    _Atomic int64_t commits, flushes, flush_us; /* syncer_counts */
};

syncer *syncer_new(tk_domain *d, engine_publish_fn pub, void *pub_arg,
                   void (*flushed)(void *arg), void *flushed_arg)
{
    syncer *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->d = d;
    s->pub = pub;
    s->pub_arg = pub_arg;
    s->flushed = flushed;
    s->flushed_arg = flushed_arg;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    atomic_init(&s->unflushed, 0);
    atomic_init(&s->busy, false);
    return s;
}

void *(*syncer_calloc)(size_t n, size_t size) = calloc;

syncer_batch *syncer_batch_new(engine_job *jobs, bool wrote)
{
    syncer_batch *b = syncer_calloc(1, sizeof(*b));
    if (b) {
        b->jobs = jobs;
        b->wrote = wrote;
    }
    return b;
}

int syncer_batch_event(syncer_batch *b, const char *msg, size_t len)
{
    size_t need = b->evlen + sizeof len + len;
    if (need > b->evcap) {
        size_t cap = b->evcap ? b->evcap * 2 : 1024;
        while (cap < need)
            cap *= 2;
        char *p = realloc(b->ev, cap);
        if (!p)
            return -1;
        b->ev = p;
        b->evcap = cap;
    }
    memcpy(b->ev + b->evlen, &len, sizeof len);
    memcpy(b->ev + b->evlen + sizeof len, msg, len);
    b->evlen = need;
    return 0;
}

void syncer_submit(syncer *s, syncer_batch *b)
{
    b->next = NULL;
    /* Counted before the engine lets readers back in (it still holds its
     * exclusive lock here), so a reader never sees unflushed state as
     * clean. */
    if (b->wrote)
        atomic_fetch_add(&s->unflushed, 1);
    pthread_mutex_lock(&s->mu);
    if (s->tail)
        s->tail->next = b;
    else
        s->head = b;
    s->tail = b;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

bool syncer_clean(syncer *s) { return atomic_load(&s->unflushed) == 0; }

bool syncer_busy(syncer *s) { return atomic_load(&s->busy); }

void syncer_counts_get(syncer *s, syncer_counts *out)
{
    out->commits = atomic_load_explicit(&s->commits, memory_order_relaxed);
    out->flushes = atomic_load_explicit(&s->flushes, memory_order_relaxed);
    out->flush_us = atomic_load_explicit(&s->flush_us, memory_order_relaxed);
}

/* Publishes b's events and answers its jobs; frees b. */
static void syncer_release(syncer *s, syncer_batch *b)
{
    for (size_t off = 0; off < b->evlen;) {
        size_t len;
        memcpy(&len, b->ev + off, sizeof len);
        off += sizeof len;
        if (s->pub)
            s->pub(s->pub_arg, b->ev + off, len);
        off += len;
    }
    for (engine_job *j = b->jobs; j;) {
        engine_job *next = j->next; /* done() may free or reuse the job */
        j->done(j);
        j = next;
    }
    free(b->ev);
    free(b);
}

/* Takes every waiting batch; NULL once stopping and none are left. */
static syncer_batch *syncer_take(syncer *s)
{
    pthread_mutex_lock(&s->mu);
    while (!s->head && !s->stopping)
        pthread_cond_wait(&s->cv, &s->mu);
    syncer_batch *list = s->head;
    s->head = s->tail = NULL;
    pthread_mutex_unlock(&s->mu);
    return list;
}

static void *syncer_main(void *arg)
{
    syncer *s = arg;
    syncer_batch *list;
    while ((list = syncer_take(s)) != NULL) {
        int wrote = 0;
        for (syncer_batch *b = list; b; b = b->next)
            wrote += b->wrote;
        /* Every batch in the list committed before we took it, so this
         * one flush covers them all. */
        if (wrote) {
            atomic_store(&s->busy, true);
            int64_t t0 = clock_mono_us();
            if (tk_sync(s->d) != 0) {
                log_error("sync_failed", "batches=%d action=exit", wrote);
                exit(1);
            }
            atomic_fetch_add_explicit(&s->flush_us, clock_mono_us() - t0, memory_order_relaxed);
            atomic_fetch_add_explicit(&s->flushes, 1, memory_order_relaxed);
            atomic_fetch_add_explicit(&s->commits, wrote, memory_order_relaxed);
            atomic_store(&s->busy, false);
            if (s->flushed)
                s->flushed(s->flushed_arg);
        }
        atomic_fetch_sub(&s->unflushed, wrote);
        while (list) {
            syncer_batch *next = list->next;
            syncer_release(s, list);
            list = next;
        }
    }
    return NULL;
}

int syncer_start(syncer *s)
{
    if (pthread_create(&s->thread, NULL, syncer_main, s) != 0)
        return -1;
    pthread_setname_np(s->thread, "syncer"); /* for top -H and perf */
    s->started = true;
    return 0;
}

void syncer_stop(syncer *s)
{
    pthread_mutex_lock(&s->mu);
    s->stopping = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->started)
        pthread_join(s->thread, NULL);
    s->started = false;
}

void syncer_free(syncer *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
