/* server/domain/prequeue.c -- the pre-queue lottery (admin.queue.set opens_at).
 *
 * While opens_at is set, every new queue entry joins the pre-queue: seqs
 * pq_from..nentries, waiting but with no place (not in waiting_fw, not
 * admitted, counted in nprequeue). At opens_at they are drawn: a
 * Fisher-Yates shuffle with libsodium's randombytes_uniform gives the
 * permutation ord, and place pq_from + i goes to seq pq_from + ord[i]. The
 * places stay inside the pre-queue's own seq range, which is the tail of
 * the line (everyone who joined before it keeps a lower place; everyone
 * after it gets a higher seq, i.e. a higher place), so the Fenwick tree
 * and the admission cursor simply work over places instead of seqs and
 * nothing else moves. Memory is the 4-byte ord per drawn member; the draw
 * is O(n log n) with no allocation but ord. The order goes to the store in
 * the same batch that clears opens_at, so it commits with the flip. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "server/domain/domain_int.h"

bool dm_in_prequeue(const tk_domain *d, uint32_t seq)
{
    return d->qs.opens_at_ms != 0 && seq >= d->pq_from &&
           d->entries[seq - 1].state == TK_TOKEN_WAITING;
}

uint32_t dm_line_seq(const tk_domain *d, size_t place)
{
    for (size_t i = d->ndraws; i-- > 0;) { /* newest first: the one being admitted */
        const dm_draw *w = &d->draws[i];
        if (place >= w->first && place - w->first < w->n)
            return w->first + w->ord[place - w->first];
    }
    return (uint32_t)place;
}

/* Gives the drawn places and puts those still waiting into the line. */
static int apply_draw(tk_domain *d, const dm_draw *w)
{
    for (uint32_t i = 0; i < w->n; i++) {
        uint32_t seq = w->first + w->ord[i], place = w->first + i;
        dm_entry *e = &d->entries[seq - 1];
        e->place = place;
        if (e->state == TK_TOKEN_WAITING && fw_add(&d->waiting_fw, place, 1) < 0)
            return -1;
    }
    return 0;
}

static dm_draw *draw_push(tk_domain *d, uint32_t first, uint32_t n, uint32_t *ord)
{
    if (DM_RESERVE(d->draws, d->capdraws, d->ndraws) < 0)
        return NULL;
    dm_draw *w = &d->draws[d->ndraws++];
    *w = (dm_draw){first, n, ord};
    return w;
}

int dm_draw_load(tk_domain *d, const st_draw *r)
{
    if (r->first_seq < 1 || r->n < 1 || r->first_seq - 1 + r->n > (int64_t)d->nentries)
        return -1;
    uint32_t n = (uint32_t)r->n, *ord = malloc(n * sizeof *ord);
    if (!ord)
        return -1;
    memcpy(ord, r->ord, n * sizeof *ord);
    for (uint32_t i = 0; i < n; i++)
        if (ord[i] >= n) {
            free(ord);
            return -1; /* not a permutation of the range: refuse to start */
        }
    if (!draw_push(d, (uint32_t)r->first_seq, n, ord)) {
        free(ord);
        return -1;
    }
    /* Places only: the waiting tree is rebuilt from them after the load. */
    for (uint32_t i = 0; i < n; i++)
        d->entries[r->first_seq - 1 + ord[i]].place = (uint32_t)r->first_seq + i;
    d->draw_n = r->n;
    d->draw_ms = r->ms;
    d->draw_at_ms = r->drawn_ms;
    return 0;
}

void dm_draws_free(tk_domain *d)
{
    for (size_t i = 0; i < d->ndraws; i++)
        free(d->draws[i].ord);
    free(d->draws);
    d->draws = NULL;
    d->ndraws = d->capdraws = 0;
}

static void close_prequeue(tk_domain *d)
{
    d->qs.opens_at_ms = 0;
    d->nprequeue = 0;
    store_setting_put(d->st, "opens_at", 0);
}

void dm_prequeue_draw(tk_domain *d, int64_t now_ms)
{
    if (!d->qs.opens_at_ms)
        return;
    int64_t t0 = clock_mono_us(), waiting = d->nprequeue;
    uint32_t first = d->pq_from, n = (uint32_t)(d->nentries + 1 - first);
    uint32_t *ord = n ? malloc(n * sizeof *ord) : NULL;
    if (n && !ord) {
        log_error("prequeue_draw", "err=\"out of memory\" n=%u", n);
        tk_batch_void(d); /* memory stays pre-queue; the restart draws again */
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        ord[i] = i;
    for (uint32_t i = n; i > 1; i--) { /* Fisher-Yates: uniform over n! orders */
        uint32_t j = randombytes_uniform(i), t = ord[i - 1];
        ord[i - 1] = ord[j];
        ord[j] = t;
    }
    dm_draw *w = n ? draw_push(d, first, n, ord) : NULL;
    if ((n && !w) || (w && apply_draw(d, w) < 0)) {
        log_error("prequeue_draw", "err=\"out of memory\" n=%u", n);
        if (!w)
            free(ord);
        tk_batch_void(d);
        return;
    }
    d->nwaiting += waiting;
    if (d->cursor > first)
        d->cursor = first; /* cannot happen: the cursor stops at the first waiter */
    int64_t ms = (clock_mono_us() - t0) / 1000;
    if (n) {
        st_draw r = {first, n, dm_wall(d, now_ms), ms, ord}; /* a fact: wall time */
        store_draw_insert(d->st, &r);
    }
    close_prequeue(d);
    d->draw_n = n;
    d->draw_ms = ms;
    d->draw_at_ms = dm_wall(d, now_ms);
    log_info("prequeue_drawn", "n=%u waiting=%lld first_seq=%u ms=%lld", n,
             (long long)waiting, first, (long long)ms);
    dm_queue_admit(d, now_ms);
    dm_queue_event(d, now_ms); /* waiting clients learn the pre-queue is over */
}

void dm_prequeue_due(tk_domain *d, int64_t now_ms)
{
    /* opens_at is a calendar instant the operator gave: the wall clock's. */
    if (d->qs.opens_at_ms && dm_wall(d, now_ms) >= d->qs.opens_at_ms)
        dm_prequeue_draw(d, now_ms);
}

void dm_prequeue_set(tk_domain *d, int64_t opens_at_ms, int64_t now_ms)
{
    if (!opens_at_ms) {
        dm_prequeue_draw(d, now_ms);
        return;
    }
    if (!d->qs.opens_at_ms) { /* a new pre-queue: from the next join on */
        d->pq_from = (uint32_t)d->nentries + 1;
        d->nprequeue = 0;
        store_setting_put(d->st, "prequeue_from", d->pq_from);
    }
    d->qs.opens_at_ms = opens_at_ms;
    store_setting_put(d->st, "opens_at", opens_at_ms);
}
