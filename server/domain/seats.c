/* server/domain/seats.c -- the one owner of a seat's state.
 *
 * A seat is FREE, HELD (ref: its live hold) or SOLD (ref: its paid
 * booking). Every change goes through dm_seat_set, which keeps together
 * what used to be done by hand at each caller and drifted apart: the
 * date's counters (held, sold, revenue), the stored row that records the
 * change (a seat has no row of its own: its state is the hold and booking
 * rows, read back at load), the date's seq, and the `seat` and `sales`
 * events. The load replays stored rows through dm_seat_restore: the same
 * counters, but no row (it is the one being read), no seq (the stored one
 * already counts the change) and no event (nobody listens yet). */
#include "server/domain/domain_int.h"

/* The counters' share of a seat in its current state, added (sign 1) or
 * taken away (sign -1). Revenue is the booking's price, what was paid. */
static void seat_count(tk_domain *d, dm_date *dt, const dm_seat *s, int sign)
{
    if (s->state == TK_SEAT_HELD) {
        dt->held += sign;
    } else if (s->state == TK_SEAT_SOLD) {
        dt->sold += sign;
        dt->revenue += sign * d->bookings[s->ref].price;
    }
}

/* The only moves there are: hold, release or lapse, sale, refund. */
static bool seat_move_ok(int from, int to)
{
    return (from == TK_SEAT_FREE && to == TK_SEAT_HELD) ||
           (from == TK_SEAT_HELD && (to == TK_SEAT_FREE || to == TK_SEAT_SOLD)) ||
           (from == TK_SEAT_SOLD && to == TK_SEAT_FREE);
}

/* Stages the rows for a move from `was` to `s`: the end of the hold it
 * leaves (its state, RELEASED, LAPSED or PAID, already set by holds.c) or
 * the refund of the booking it leaves; the hold or booking it enters. */
static void seat_rows(tk_domain *d, uint32_t date, const dm_seat *was, const dm_seat *s,
                      int64_t now_ms)
{
    int64_t at = dm_wall(d, now_ms); /* a fact: wall time (domain.h, Time) */
    if (was->state == TK_SEAT_HELD)
        store_hold_end(d->st, was->ref + 1, d->holds[was->ref].state, at);
    else if (was->state == TK_SEAT_SOLD)
        store_booking_refund(d->st, was->ref + 1, at);
    if (s->state == TK_SEAT_HELD) {
        const dm_hold *h = &d->holds[s->ref];
        st_hold row = {s->ref + 1, h->user + 1, date + 1, h->seat, h->price,
                       dm_wall(d, h->expires_ms), HOLD_LIVE}; /* a deadline: wall time */
        store_hold_insert(d->st, &row, at);
    } else if (s->state == TK_SEAT_SOLD) {
        const dm_booking *b = &d->bookings[s->ref];
        st_booking row = {s->ref + 1, b->code, b->user + 1, b->payment + 1, was->ref + 1,
                          date + 1, b->seat, b->price, b->paid_ms, BOOK_PAID};
        store_booking_insert(d->st, &row);
    }
}

/* Bumps the date's seq and says so: the seat's new state, then the date's
 * counters. A hot date changes many times per batch: its seq row is
 * written once, at the commit (dm_seat_seqs_store), not once per change. */
static void seat_publish(tk_domain *d, uint32_t date, int seat_no)
{
    dm_date *dt = &d->dates[date];
    dt->seq++;
    if (!dt->seq_dirty) {
        if (DM_RESERVE(d->dirty, d->capdirty, d->ndirty) == 0) {
            d->dirty[d->ndirty++] = date;
            dt->seq_dirty = true;
        } else {
            store_date_seq(d->st, date + 1, (int64_t)dt->seq);
        }
    }
    tk_event e = {.kind = TK_EV_SEAT, .date_id = date + 1, .seq = dt->seq, .seat_no = seat_no,
                  .state = (tk_seat_state)dt->seats[seat_no - 1].state};
    dm_emit(d, &e);
    tk_event s = {.kind = TK_EV_SALES, .date_id = date + 1, .free = TK_SEATS - dt->held - dt->sold,
                  .held = dt->held, .sold = dt->sold, .revenue = dt->revenue};
    dm_emit(d, &s);
}

/* Moves the seat and its counters; returns what it was. */
static dm_seat seat_move(tk_domain *d, uint32_t date, int seat_no, tk_seat_state to,
                         int32_t ref)
{
    dm_date *dt = &d->dates[date];
    dm_seat *s = &dt->seats[seat_no - 1], was = *s;
    seat_count(d, dt, s, -1);
    s->state = (uint8_t)to;
    s->ref = to == TK_SEAT_FREE ? -1 : ref;
    seat_count(d, dt, s, 1);
    return was;
}

int dm_seat_set(tk_domain *d, uint32_t date, int seat_no, tk_seat_state to, int32_t ref,
                int64_t now_ms)
{
    if (!seat_move_ok(d->dates[date].seats[seat_no - 1].state, to))
        return -1; /* the callers check first: cannot happen */
    dm_seat was = seat_move(d, date, seat_no, to, ref);
    seat_rows(d, date, &was, &d->dates[date].seats[seat_no - 1], now_ms);
    seat_publish(d, date, seat_no);
    return 0;
}

int dm_seat_restore(tk_domain *d, uint32_t date, int seat_no, tk_seat_state to, int32_t ref)
{
    if (d->dates[date].seats[seat_no - 1].state != TK_SEAT_FREE || to == TK_SEAT_FREE)
        return -1; /* two live owners of one seat in the store */
    seat_move(d, date, seat_no, to, ref);
    return 0;
}

void dm_seat_seqs_store(tk_domain *d)
{
    for (size_t i = 0; i < d->ndirty; i++) {
        dm_date *dt = &d->dates[d->dirty[i]];
        store_date_seq(d->st, d->dirty[i] + 1, (int64_t)dt->seq);
        dt->seq_dirty = false;
    }
    d->ndirty = 0;
}
