/* server/domain/queue.c -- the waiting line and queue tokens.
 *
 * Each queue.join appends an entry; its seq is its index + 1, and its
 * place in line is its seq, or its drawn place when it joined a pre-queue
 * (prequeue.c). The Fenwick tree holds 1 at every waiting place, so a
 * position is a prefix sum (O(log n)), and leaving from the middle is a
 * point update. Admission walks a cursor forward over places (every place
 * below it no longer waits), bounded by max_active and a token bucket
 * refilled at admit_per_min. */
#include <string.h>

#include "common/util.h"
#include "server/domain/domain_int.h"

static int entry_push(tk_domain *d, const dm_entry *e)
{
    if (DM_RESERVE(d->entries, d->capentries, d->nentries) < 0)
        return -1;
    d->entries[d->nentries++] = *e;
    return 0;
}

static void active_add(tk_domain *d, uint32_t seq)
{
    if (DM_RESERVE(d->active, d->capactive, d->nactive) < 0)
        return; /* cannot happen for sane max_active; the entry stays unlisted */
    d->entries[seq - 1].slot = (int32_t)d->nactive;
    d->active[d->nactive++] = seq;
}

static void active_remove(tk_domain *d, uint32_t seq)
{
    int32_t slot = d->entries[seq - 1].slot;
    if (slot < 0)
        return;
    uint32_t last = d->active[--d->nactive];
    d->active[slot] = last;
    d->entries[last - 1].slot = slot;
    d->entries[seq - 1].slot = -1;
}

/* A turn is counted from admission, never from the last release, so that
 * no pattern of releasing and holding again keeps a seat or an active slot
 * beyond it. admitted_ms is stored with the entry: a restart keeps it. */
int64_t dm_turn_end_ms(const tk_domain *d, uint32_t seq)
{
    return d->entries[seq - 1].admitted_ms + d->cfg.turn_ms;
}

/* The state a token has right now, whether or not the sweeps ran: an
 * active token lapses with its last hold, after the active window with no
 * hold at all, and in any case at the end of its turn. */
tk_token_state dm_entry_state(const tk_domain *d, uint32_t seq, int64_t now_ms)
{
    const dm_entry *e = &d->entries[seq - 1];
    if (e->state != TK_TOKEN_ACTIVE)
        return (tk_token_state)e->state;
    if (now_ms >= dm_turn_end_ms(d, seq))
        return TK_TOKEN_STATE_EXPIRED;
    const dm_user *u = &d->users[e->user];
    if (u->first_hold >= 0)
        return dm_user_live_holds(d, e->user, now_ms) > 0 ? TK_TOKEN_ACTIVE
                                                          : TK_TOKEN_STATE_EXPIRED;
    return now_ms - e->since_ms >= d->cfg.active_window_ms ? TK_TOKEN_STATE_EXPIRED
                                                           : TK_TOKEN_ACTIVE;
}

tk_err dm_token_parse(const tk_domain *d, const char *token, uint32_t *user, uint32_t *seq)
{
    token_claims c;
    if (!token || !token_verify(d->cfg.token_key, token, &c) || c.seq < 1 ||
        c.seq > d->nentries)
        return TK_TOKEN_INVALID;
    const dm_entry *e = &d->entries[c.seq - 1];
    if (memcmp(d->users[e->user].id, c.user, 16) != 0 || e->issued_ms != c.issued_ms)
        return TK_TOKEN_INVALID;
    *user = e->user;
    *seq = (uint32_t)c.seq;
    return TK_OK;
}

#define PACE_WINDOW_MIN 5      /* minutes of turnover the pace reads */
#define PACE_MIN_SPAN_MS 60000 /* and never fewer than one minute of it */

/* Milliseconds one place in line takes now. Admission needs a free active
 * slot and admit_per_min's budget. While slots are free the budget sets the
 * pace. With all max_active slots taken, each admission waits for a session
 * to end (paid, left or idle), so the pace is the turnover of the last few
 * minutes; when none ended in that time, each slot is taken to turn over
 * once per active window (the longest an idle session keeps it), i.e. a
 * place per window / max_active. The budget's pace is the floor. */
int64_t dm_queue_pace_ms(const tk_domain *d, int64_t now_ms)
{
    int64_t rate = d->qs.admit_per_min > 0 ? d->qs.admit_per_min : 1;
    int64_t pace = (60000 + rate - 1) / rate, turn = 0;
    if ((int64_t)d->nactive < d->qs.max_active || d->qs.max_active < 1)
        return pace;
    int64_t ended = min_sum(&d->ended_min, now_ms, PACE_WINDOW_MIN);
    if (ended > 0) {
        int64_t span = (PACE_WINDOW_MIN - 1) * 60000 + now_ms % 60000;
        if (span > now_ms - d->opened_ms)
            span = now_ms - d->opened_ms; /* the ring knows nothing older */
        if (span < PACE_MIN_SPAN_MS)
            span = PACE_MIN_SPAN_MS;
        turn = span / ended;
    } else {
        turn = d->cfg.active_window_ms / d->qs.max_active;
    }
    return turn > pace ? turn : pace;
}

/* Seconds until the user at `position` is likely admitted. */
static int64_t eta_s(const tk_domain *d, int64_t position, int64_t now_ms)
{
    return (position * dm_queue_pace_ms(d, now_ms) + 999) / 1000;
}

static int64_t secs_until(int64_t deadline_ms, int64_t now_ms)
{
    return deadline_ms > now_ms ? (deadline_ms - now_ms + 999) / 1000 : 0;
}

/* A waiting entry's position and wait. In the pre-queue nobody has a
 * place yet: the position is the pre-queue's size, the wait the opening. */
static void waiting_place(const tk_domain *d, uint32_t seq, int64_t now_ms, int64_t *pos,
                          int64_t *eta)
{
    if (dm_in_prequeue(d, seq)) {
        *pos = d->nprequeue;
        *eta = secs_until(d->qs.opens_at_ms, dm_wall(d, now_ms));
        return;
    }
    *pos = fw_prefix(&d->waiting_fw, d->entries[seq - 1].place);
    *eta = eta_s(d, *pos, now_ms);
}

tk_err dm_token_active(tk_domain *d, const char *token, int64_t now_ms, uint32_t *user,
                       uint32_t *seq, tk_errinfo *ei)
{
    if (dm_token_parse(d, token, user, seq))
        return dm_fail(ei, TK_TOKEN_INVALID, "token is not valid");
    tk_token_state s = dm_entry_state(d, *seq, now_ms);
    if (s == TK_TOKEN_STATE_EXPIRED)
        return dm_fail(ei, TK_TOKEN_EXPIRED, "token has expired");
    if (s == TK_TOKEN_WAITING) {
        int64_t pos, eta;
        waiting_place(d, *seq, now_ms, &pos, &eta);
        if (ei) {
            ei->position = pos;
            ei->eta_s = eta;
        }
        return dm_fail(ei, TK_NOT_ADMITTED, "still waiting: place %lld", (long long)pos);
    }
    return TK_OK;
}

tk_err tk_token_user(tk_domain *d, const char *token, int64_t now_ms, tk_uuid *user,
                     tk_errinfo *ei)
{
    uint32_t u, seq;
    tk_err err = dm_token_active(d, token, now_ms, &u, &seq, ei);
    if (!err)
        memcpy(user->b, d->users[u].id, 16);
    return err;
}

void dm_queue_event(tk_domain *d, int64_t now_ms)
{
    tk_event e = {.kind = TK_EV_QUEUE, .admitted_seq = d->cursor - 1, .waiting = d->nwaiting,
                  .active = (int64_t)d->nactive, .admit_per_min = d->qs.admit_per_min,
                  .ms_per_place = dm_queue_pace_ms(d, now_ms), .paused = d->qs.paused,
                  .prequeue_open = d->qs.opens_at_ms != 0, .prequeue = d->nprequeue,
                  .opens_in_s = secs_until(d->qs.opens_at_ms, dm_wall(d, now_ms))};
    dm_emit(d, &e);
    d->last_queue_ev_ms = now_ms;
    d->queue_ev_due = false;
}

/* Stages the entry's state, since and admitted (as wall time). */
static void entry_store(tk_domain *d, uint32_t seq)
{
    const dm_entry *e = &d->entries[seq - 1];
    store_entry_update(d->st, seq, e->state, dm_wall_opt(d, e->since_ms),
                       dm_wall_opt(d, e->admitted_ms));
}

void dm_entry_expire(tk_domain *d, uint32_t seq, int64_t now_ms)
{
    dm_entry *e = &d->entries[seq - 1];
    if (e->state == TK_TOKEN_STATE_EXPIRED)
        return;
    if (dm_in_prequeue(d, seq)) {
        d->nprequeue--;
    } else if (e->state == TK_TOKEN_WAITING) {
        fw_add(&d->waiting_fw, e->place, -1);
        d->nwaiting--;
    } else {
        active_remove(d, seq);
        min_add(&d->ended_min, now_ms, 1); /* a slot turned over: see dm_queue_pace_ms */
        d->queue_ev_due = true; /* `active` changed: the next tick says so */
    }
    e->state = TK_TOKEN_STATE_EXPIRED;
    entry_store(d, seq);
    /* Holds exist only under an active token: the seats go back now. */
    dm_user_release_all(d, e->user, now_ms);
}

/* Only the last hold's end says something about the turn: released, the
 * active window counts again from now (holding nothing, the token idles
 * out after the window); lapsed unpaid, the token is over (per the seed).
 * A payment ends the token itself once every hold it pays is sold. */
void dm_queue_hold_ended(tk_domain *d, uint32_t user, int why, int64_t now_ms)
{
    const dm_user *u = &d->users[user];
    if (u->first_hold >= 0 || !u->entry)
        return;
    dm_entry *e = &d->entries[u->entry - 1];
    if (why == HOLD_RELEASED && e->state == TK_TOKEN_ACTIVE) {
        e->since_ms = now_ms;
        entry_store(d, u->entry);
    } else if (why == HOLD_LAPSED) {
        dm_entry_expire(d, u->entry, now_ms);
    }
}

void dm_user_settle(tk_domain *d, uint32_t user, int64_t now_ms)
{
    uint32_t seq = d->users[user].entry;
    if (seq && d->entries[seq - 1].state == TK_TOKEN_ACTIVE &&
        dm_entry_state(d, seq, now_ms) == TK_TOKEN_STATE_EXPIRED)
        dm_entry_expire(d, seq, now_ms);
}

void dm_queue_idle_sweep(tk_domain *d, int64_t now_ms)
{
    for (size_t i = d->nactive; i-- > 0;) {
        if (i >= d->nactive)
            continue;
        uint32_t seq = d->active[i];
        if (dm_entry_state(d, seq, now_ms) == TK_TOKEN_STATE_EXPIRED)
            dm_entry_expire(d, seq, now_ms);
    }
}

static void refill(tk_domain *d, int64_t now_ms)
{
    double cap = (double)d->qs.admit_per_min;
    if (now_ms > d->budget_ms) {
        d->budget += (double)(now_ms - d->budget_ms) * cap / 60000.0;
        d->budget_ms = now_ms;
    }
    if (d->budget > cap)
        d->budget = cap;
}

void dm_queue_admit(tk_domain *d, int64_t now_ms)
{
    refill(d, now_ms);
    if (d->qs.paused)
        return;
    int64_t n = 0;
    while (d->nwaiting > 0 && (int64_t)d->nactive < d->qs.max_active && d->budget >= 1.0) {
        while (d->cursor <= d->nentries &&
               d->entries[dm_line_seq(d, d->cursor) - 1].state != TK_TOKEN_WAITING)
            d->cursor++;
        uint32_t seq = d->cursor <= d->nentries ? dm_line_seq(d, d->cursor) : 0;
        if (!seq || dm_in_prequeue(d, seq))
            break; /* nwaiting out of step: cannot happen */
        dm_entry *e = &d->entries[seq - 1];
        fw_add(&d->waiting_fw, d->cursor++, -1);
        d->nwaiting--;
        e->state = TK_TOKEN_ACTIVE;
        e->since_ms = e->admitted_ms = now_ms;
        active_add(d, seq);
        entry_store(d, seq);
        d->budget -= 1.0;
        d->admitted_total++;
        n++;
    }
    if (n > 0)
        dm_queue_event(d, now_ms);
}

/* ---- load ------------------------------------------------------------------- */

int dm_queue_load_entry(tk_domain *d, const st_entry *r)
{
    if (r->seq != (int64_t)d->nentries + 1 || r->user_id < 1 || r->user_id > (int64_t)d->nusers)
        return -1;
    /* Deadlines come back onto this run's steady line (domain.h, Time); a
     * draw may give another place than the seq. */
    dm_entry e = {r->issued_ms, dm_steady_opt(d, r->since_ms), dm_steady_opt(d, r->admitted_ms),
                  (uint32_t)(r->user_id - 1), -1, (uint32_t)r->seq, (uint8_t)r->state};
    return entry_push(d, &e);
}

/* Queue structures from the entries: waiting flags (by place), cursor (the
 * lowest waiting place, pre-queue included), active set, pre-queue count. */
int dm_queue_rebuild(tk_domain *d)
{
    if (d->qs.opens_at_ms && (d->pq_from < 1 || d->pq_from > d->nentries + 1))
        return -1;
    d->cursor = d->nentries + 1;
    for (size_t i = 0; i < d->nentries; i++) {
        dm_entry *e = &d->entries[i];
        uint32_t seq = (uint32_t)i + 1;
        d->users[e->user].entry = seq;
        if (e->admitted_ms)
            d->admitted_total++;
        if (e->state == TK_TOKEN_WAITING) {
            if (e->place < d->cursor)
                d->cursor = e->place;
            if (dm_in_prequeue(d, seq)) {
                d->nprequeue++;
                continue;
            }
            if (fw_add(&d->waiting_fw, e->place, 1) < 0)
                return -1;
            d->nwaiting++;
        } else if (e->state == TK_TOKEN_ACTIVE) {
            active_add(d, seq);
        }
    }
    return 0;
}

/* ---- the methods ----------------------------------------------------------- */

static void fill_info(const tk_domain *d, uint32_t seq, int64_t now_ms, tk_queue_info *out)
{
    const dm_entry *e = &d->entries[seq - 1];
    const dm_user *u = &d->users[e->user];
    token_claims c = {.seq = seq, .issued_ms = e->issued_ms};
    memcpy(c.user, u->id, 16);
    memset(out, 0, sizeof *out);
    token_sign(d->cfg.token_key, &c, out->token);
    out->state = dm_entry_state(d, seq, now_ms);
    out->seq = e->place; /* what `queue` events' admitted_seq counts */
    if (out->state == TK_TOKEN_WAITING) {
        waiting_place(d, seq, now_ms, &out->position, &out->eta_s);
        out->prequeue = dm_in_prequeue(d, seq);
        out->opens_in_s = out->prequeue ? out->eta_s : 0;
    } else if (out->state == TK_TOKEN_ACTIVE) {
        int64_t until = e->since_ms + d->cfg.active_window_ms, end = dm_turn_end_ms(d, seq);
        if (u->first_hold >= 0) {
            until = 0;
            for (int32_t h = u->first_hold; h >= 0; h = d->holds[h].next)
                if (d->holds[h].expires_ms > until)
                    until = d->holds[h].expires_ms;
        }
        out->expires_in_s = secs_until(until < end ? until : end, now_ms);
        out->turn_expires_in_s = secs_until(end, now_ms);
    }
}

tk_err tk_queue_join(tk_domain *d, const tk_uuid *user, int64_t now_ms, tk_queue_info *out,
                     tk_errinfo *ei)
{
    int64_t u = user ? dm_user_find(d, user->b) : -1;
    if (u < 0)
        return dm_fail(ei, TK_USER_NOT_FOUND, "no such user");
    dm_begin_mutation(d, now_ms);
    dm_prequeue_due(d, now_ms); /* a join at the opening lines up behind the draw */
    dm_user_settle(d, (uint32_t)u, now_ms);
    uint32_t seq = d->users[u].entry;
    if (!seq || d->entries[seq - 1].state == TK_TOKEN_STATE_EXPIRED) {
        if (d->nentries >= UINT32_MAX - 1)
            return dm_fail(ei, TK_INTERNAL, "queue is full");
        uint32_t place = (uint32_t)d->nentries + 1;
        bool pre = d->qs.opens_at_ms != 0; /* unplaced until the draw */
        dm_entry e = {now_ms, 0, 0, (uint32_t)u, -1, place, TK_TOKEN_WAITING};
        if (entry_push(d, &e) < 0 || (!pre && fw_add(&d->waiting_fw, place, 1) < 0))
            return dm_fail(ei, TK_INTERNAL, "out of memory");
        seq = place;
        if (pre)
            d->nprequeue++;
        else
            d->nwaiting++;
        d->users[u].entry = seq;
        store_entry_insert(d->st, seq, u + 1, now_ms);
        dm_queue_admit(d, now_ms);
        min_max(&d->waiting_min, now_ms, d->nwaiting); /* the line only grows here */
    }
    fill_info(d, seq, now_ms, out);
    return TK_OK;
}

tk_err tk_queue_status(tk_domain *d, const char *token, int64_t now_ms, tk_queue_info *out,
                       tk_errinfo *ei)
{
    uint32_t u, seq;
    if (dm_token_parse(d, token, &u, &seq))
        return dm_fail(ei, TK_TOKEN_INVALID, "token is not valid");
    if (dm_entry_state(d, seq, now_ms) == TK_TOKEN_STATE_EXPIRED)
        return dm_fail(ei, TK_TOKEN_EXPIRED, "token has expired");
    fill_info(d, seq, now_ms, out);
    return TK_OK;
}

tk_err tk_queue_leave(tk_domain *d, const char *token, int64_t now_ms, tk_errinfo *ei)
{
    uint32_t u, seq;
    if (dm_token_parse(d, token, &u, &seq))
        return dm_fail(ei, TK_TOKEN_INVALID, "token is not valid");
    /* Leaving is done once the token is expired, however it got there:
     * a leave resent after a lost reply answers as the first did. */
    if (dm_entry_state(d, seq, now_ms) == TK_TOKEN_STATE_EXPIRED)
        return TK_OK;
    dm_begin_mutation(d, now_ms);
    dm_entry_expire(d, seq, now_ms);
    dm_queue_admit(d, now_ms);
    return TK_OK;
}

void tk_queue_stats_get(tk_domain *d, int64_t now_ms, tk_queue_stats *out)
{
    out->waiting = d->nwaiting;
    out->active = (int64_t)d->nactive;
    out->ms_per_place = dm_queue_pace_ms(d, now_ms);
    out->admitted = d->admitted_total;
    out->admitted_seq = d->cursor - 1;
    out->last_seq = d->nentries;
    out->settings = d->qs;
    out->prequeue = d->nprequeue;
    out->opens_in_s = secs_until(d->qs.opens_at_ms, dm_wall(d, now_ms));
    out->draw_n = d->draw_n;
    out->draw_ms = d->draw_ms;
    out->draw_at_ms = d->draw_at_ms;
}
