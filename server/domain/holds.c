/* server/domain/holds.c -- seat holds: take, release, lapse.
 *
 * A hold is live until its deadline; every read compares the deadline with
 * now, and every mutating call first sweeps what lapsed (dm_sweep_lapsed
 * pops a min-heap by deadline), so a lapsed hold never blocks a seat even
 * if the periodic tick is late. A live hold exists only under an active
 * token. The seat itself changes through seats.c (dm_seat_set); what a
 * hold's end means for the token is queue.c's rule (dm_queue_hold_ended). */
#include <string.h>

#include "common/util.h"
#include "server/domain/domain_int.h"

bool dm_hold_live(const tk_domain *d, int32_t h, int64_t now_ms)
{
    return d->holds[h].state == HOLD_LIVE && d->holds[h].expires_ms > now_ms;
}

int dm_user_live_holds(const tk_domain *d, uint32_t user, int64_t now_ms)
{
    int n = 0;
    for (int32_t h = d->users[user].first_hold; h >= 0; h = d->holds[h].next)
        n += dm_hold_live(d, h, now_ms);
    return n;
}

/* ---- deadline heap --------------------------------------------------------- */

static bool heap_less(const tk_domain *d, size_t a, size_t b)
{
    const dm_hold *x = &d->holds[d->heap[a]], *y = &d->holds[d->heap[b]];
    return x->expires_ms < y->expires_ms ||
           (x->expires_ms == y->expires_ms && d->heap[a] < d->heap[b]);
}

static void heap_swap(tk_domain *d, size_t a, size_t b)
{
    int32_t t = d->heap[a];
    d->heap[a] = d->heap[b];
    d->heap[b] = t;
    d->holds[d->heap[a]].heap = (int32_t)a;
    d->holds[d->heap[b]].heap = (int32_t)b;
}

static void heap_up(tk_domain *d, size_t i)
{
    while (i > 0 && heap_less(d, i, (i - 1) / 2)) {
        heap_swap(d, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_down(tk_domain *d, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < d->nheap && heap_less(d, l, m))
            m = l;
        if (r < d->nheap && heap_less(d, r, m))
            m = r;
        if (m == i)
            return;
        heap_swap(d, i, m);
        i = m;
    }
}

static void heap_push(tk_domain *d, int32_t h)
{
    if (DM_RESERVE(d->heap, d->capheap, d->nheap) < 0)
        return; /* the deadline is still checked on every touch */
    d->heap[d->nheap] = h;
    d->holds[h].heap = (int32_t)d->nheap;
    heap_up(d, d->nheap++);
}

static void heap_remove(tk_domain *d, int32_t h)
{
    int32_t i = d->holds[h].heap;
    if (i < 0)
        return;
    size_t last = --d->nheap;
    if ((size_t)i != last) {
        heap_swap(d, (size_t)i, last);
        heap_down(d, (size_t)i);
        heap_up(d, (size_t)i);
    }
    d->holds[h].heap = -1;
}

/* ---- dates ------------------------------------------------------------------ */

dm_date *dm_date_get(tk_domain *d, int64_t date_id, tk_errinfo *ei)
{
    if (date_id < 1 || date_id > (int64_t)d->ndates) {
        dm_fail(ei, TK_DATE_NOT_FOUND, "no such date");
        return NULL;
    }
    return &d->dates[date_id - 1];
}

/* ---- ending holds ------------------------------------------------------------ */

static void unlink_from_user(tk_domain *d, int32_t h)
{
    int32_t *p = &d->users[d->holds[h].user].first_hold;
    while (*p >= 0 && *p != h)
        p = &d->holds[*p].next;
    if (*p == h)
        *p = d->holds[h].next;
    d->holds[h].next = -1;
}

void dm_hold_end(tk_domain *d, int32_t h, int state, int64_t now_ms)
{
    dm_hold *x = &d->holds[h];
    if (x->state != HOLD_LIVE)
        return;
    heap_remove(d, h);
    unlink_from_user(d, h);
    x->state = (uint8_t)state; /* before the seat: its row records it */
    d->holds_lapsed += state == HOLD_LAPSED;
    if (state != HOLD_PAID) /* a sale moves the seat to SOLD instead (payment.c) */
        dm_seat_set(d, x->date, x->seat, TK_SEAT_FREE, -1, now_ms);
    dm_queue_hold_ended(d, x->user, state, now_ms);
}

void dm_sweep_lapsed(tk_domain *d, int64_t now_ms)
{
    while (d->nheap > 0 && d->holds[d->heap[0]].expires_ms <= now_ms)
        dm_hold_end(d, d->heap[0], HOLD_LAPSED, now_ms);
}

int64_t tk_holds_lapsed(const tk_domain *d) { return d->holds_lapsed; }

void dm_user_release_all(tk_domain *d, uint32_t user, int64_t now_ms)
{
    while (d->users[user].first_hold >= 0)
        dm_hold_end(d, d->users[user].first_hold, HOLD_RELEASED, now_ms);
}

/* ---- load ------------------------------------------------------------------- */

int dm_hold_load(tk_domain *d, const st_hold *r)
{
    if (r->id != (int64_t)d->nholds + 1 || r->user_id < 1 || r->user_id > (int64_t)d->nusers ||
        r->date_id < 1 || r->date_id > (int64_t)d->ndates || r->seat_no < 1 ||
        r->seat_no > TK_SEATS || DM_RESERVE(d->holds, d->capholds, d->nholds) < 0)
        return -1;
    int32_t h = (int32_t)d->nholds++;
    dm_hold *x = &d->holds[h];
    *x = (dm_hold){dm_steady(d, r->expires_ms), r->price, (uint32_t)(r->user_id - 1),
                   (uint32_t)(r->date_id - 1), -1, -1, (uint8_t)r->seat_no, (uint8_t)r->state};
    if (x->state != HOLD_LIVE)
        return 0;
    if (dm_seat_restore(d, x->date, x->seat, TK_SEAT_HELD, h) < 0)
        return -1; /* two live holds on one seat: refuse to start */
    dm_user *u = &d->users[x->user];
    x->next = u->first_hold;
    u->first_hold = h;
    heap_push(d, h);
    return 0;
}

/* ---- the methods --------------------------------------------------------------- */

/* No hold outlives its holder's turn: at the turn's end the last hold
 * lapses, and that lapse (dm_sweep_lapsed, then dm_queue_hold_ended) ends
 * the token, releases the seats and publishes them, as any lapse does. */
static int64_t hold_deadline(const tk_domain *d, uint32_t seq, int64_t now_ms)
{
    int64_t until = now_ms + d->cfg.hold_ms, end = dm_turn_end_ms(d, seq);
    return until < end ? until : end;
}

static tk_err hold_new(tk_domain *d, uint32_t u, uint32_t seq, uint32_t date, int seat_no,
                       int64_t now_ms, int32_t *out)
{
    if (d->nholds >= INT32_MAX - 1 || DM_RESERVE(d->holds, d->capholds, d->nholds) < 0)
        return TK_INTERNAL;
    int64_t price = d->dates[date].seats[seat_no - 1].price;
    int32_t h = (int32_t)d->nholds++;
    d->holds[h] = (dm_hold){hold_deadline(d, seq, now_ms), price, u, date,
                            d->users[u].first_hold, -1, (uint8_t)seat_no, HOLD_LIVE};
    d->users[u].first_hold = h;
    heap_push(d, h);
    dm_seat_set(d, date, seat_no, TK_SEAT_HELD, h, now_ms); /* and the hold's row */
    *out = h;
    return TK_OK;
}

static void hold_out(const tk_domain *d, int32_t h, uint32_t seq, tk_hold_info *out)
{
    const dm_hold *x = &d->holds[h];
    out->hold_id = h + 1;
    out->date_id = x->date + 1;
    out->seat_no = x->seat;
    out->price = x->price;
    out->expires_at_ms = x->expires_ms;
    out->turn_ends_ms = dm_turn_end_ms(d, seq);
}

tk_err tk_seat_hold(tk_domain *d, const char *token, int64_t date_id, int64_t seat_no,
                    int64_t now_ms, tk_hold_info *out, tk_errinfo *ei)
{
    uint32_t u, seq;
    tk_err err = dm_token_active(d, token, now_ms, &u, &seq, ei);
    if (err)
        return err;
    dm_date *dt = dm_date_get(d, date_id, ei);
    if (!dt)
        return TK_DATE_NOT_FOUND;
    if (seat_no < 1 || seat_no > TK_SEATS) {
        if (ei)
            ei->seat_no = seat_no;
        return dm_fail(ei, TK_SEAT_NOT_FOUND, "no seat %lld (seats are 1..50)",
                       (long long)seat_no);
    }
    int64_t wall = dm_wall(d, now_ms); /* sales hours are the calendar's */
    if (wall < dt->on_sale_ms || wall >= dt->starts_ms)
        return dm_fail(ei, TK_NOT_ON_SALE, "this date is not on sale");
    dm_begin_mutation(d, now_ms);
    const dm_seat *s = &dt->seats[seat_no - 1];
    if (s->state == TK_SEAT_HELD && d->holds[s->ref].user == u) {
        hold_out(d, s->ref, seq, out); /* holding it again: the same hold */
        return TK_OK;
    }
    if (s->state != TK_SEAT_FREE) {
        if (ei)
            ei->seat_no = seat_no;
        return dm_fail(ei, TK_SEAT_TAKEN, "seat %lld is %s", (long long)seat_no,
                       s->state == TK_SEAT_SOLD ? "sold" : "held");
    }
    if (dm_user_live_holds(d, u, now_ms) >= d->cfg.max_holds)
        return dm_fail(ei, TK_HOLD_LIMIT, "you already hold %lld seats",
                       (long long)d->cfg.max_holds);
    int32_t h;
    if (hold_new(d, u, seq, (uint32_t)(dt - d->dates), (int)seat_no, now_ms, &h))
        return dm_fail(ei, TK_INTERNAL, "out of memory");
    hold_out(d, h, seq, out);
    return TK_OK;
}

/* Releases hold h (already known to exist) for its owner or an operator. */
tk_err dm_hold_release_ix(tk_domain *d, int32_t h, int64_t now_ms, tk_errinfo *ei)
{
    dm_begin_mutation(d, now_ms);
    if (ei)
        ei->hold_id = h + 1;
    if (d->holds[h].state == HOLD_LAPSED)
        return dm_fail(ei, TK_HOLD_EXPIRED, "hold %d has lapsed", h + 1);
    if (d->holds[h].state != HOLD_LIVE)
        return dm_fail(ei, TK_HOLD_NOT_FOUND, "no live hold %d", h + 1);
    dm_hold_end(d, h, HOLD_RELEASED, now_ms);
    return TK_OK;
}

tk_err tk_hold_release(tk_domain *d, const char *token, int64_t hold_id, int64_t now_ms,
                       tk_errinfo *ei)
{
    uint32_t u, seq;
    tk_err err = dm_token_active(d, token, now_ms, &u, &seq, ei);
    if (err)
        return err;
    if (hold_id < 1 || hold_id > (int64_t)d->nholds || d->holds[hold_id - 1].user != u) {
        if (ei)
            ei->hold_id = hold_id;
        return dm_fail(ei, TK_HOLD_NOT_FOUND, "no such hold");
    }
    /* A client whose reply was lost sends the release again (the retry
     * rule): its own hold already released gets the first answer again,
     * and nothing changes. */
    if (d->holds[hold_id - 1].state == HOLD_RELEASED)
        return TK_OK;
    return dm_hold_release_ix(d, (int32_t)(hold_id - 1), now_ms, ei);
}
