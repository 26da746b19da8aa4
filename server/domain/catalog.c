/* server/domain/catalog.c -- concerts, dates and seat maps: the read side of the
 * catalog and the operator's create calls. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "server/domain/domain_int.h"

void dm_date_counts(const tk_domain *d, uint32_t date, int64_t now_ms, tk_date_info *out)
{
    const dm_date *dt = &d->dates[date];
    const dm_concert *c = &d->concerts[dt->concert];
    int held = 0;
    for (int i = 0; i < TK_SEATS; i++)
        if (dt->seats[i].state == TK_SEAT_HELD && dm_hold_live(d, dt->seats[i].ref, now_ms))
            held++;
    *out = (tk_date_info){date + 1, dt->concert + 1, c->title, c->venue, dt->starts_ms,
                          dt->on_sale_ms, TK_SEATS - held - dt->sold, held, dt->sold,
                          dt->revenue, c->tz, dt->checked_in};
}

/* viewer: user index whose holds are "mine", or -1. admin adds hold ids,
 * deadlines and booking codes. A lapsed hold reads as free. */
void dm_seats_fill(const tk_domain *d, uint32_t date, int64_t now_ms, int64_t viewer,
                   bool admin, tk_seat_info out[TK_SEATS])
{
    const dm_date *dt = &d->dates[date];
    for (int i = 0; i < TK_SEATS; i++) {
        const dm_seat *s = &dt->seats[i];
        tk_seat_info *o = &out[i];
        memset(o, 0, sizeof *o);
        o->no = i + 1;
        o->price = s->price;
        o->state = (tk_seat_state)s->state;
        if (s->state == TK_SEAT_HELD) {
            const dm_hold *h = &d->holds[s->ref];
            if (!dm_hold_live(d, s->ref, now_ms)) {
                o->state = TK_SEAT_FREE;
                continue;
            }
            o->mine = viewer >= 0 && h->user == (uint32_t)viewer;
            if (o->mine) {
                o->own_hold_id = s->ref + 1;
                o->own_expires_ms = h->expires_ms;
            }
            if (admin) {
                o->hold_id = s->ref + 1;
                o->hold_expires_ms = h->expires_ms;
            }
        } else if (s->state == TK_SEAT_SOLD && admin) {
            strcpy(o->booking_code, d->bookings[s->ref].code);
            o->booking_id = (int64_t)s->ref + 1; /* booking ids are 1-based indexes */
        }
    }
}

static int by_start(const void *a, const void *b, void *ctx)
{
    const tk_domain *d = ctx;
    const dm_date *x = &d->dates[*(const uint32_t *)a], *y = &d->dates[*(const uint32_t *)b];
    if (x->starts_ms != y->starts_ms)
        return x->starts_ms < y->starts_ms ? -1 : 1;
    return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

tk_err tk_dates_list(tk_domain *d, const char *token, int64_t now_ms, tk_date_cb cb, void *ctx,
                     tk_errinfo *ei)
{
    uint32_t u, seq;
    tk_err err = dm_token_active(d, token, now_ms, &u, &seq, ei);
    if (err)
        return err;
    uint32_t *ix = malloc((d->ndates + 1) * sizeof *ix);
    if (!ix)
        return dm_fail(ei, TK_INTERNAL, "out of memory");
    size_t n = 0;
    int64_t wall = dm_wall(d, now_ms); /* sales hours are the calendar's */
    for (size_t i = 0; i < d->ndates; i++)
        if (d->dates[i].on_sale_ms <= wall && wall < d->dates[i].starts_ms)
            ix[n++] = (uint32_t)i;
    qsort_r(ix, n, sizeof *ix, by_start, d);
    for (size_t i = 0; i < n; i++) {
        tk_date_info di;
        dm_date_counts(d, ix[i], now_ms, &di);
        cb(ctx, &di);
    }
    free(ix);
    return TK_OK;
}

void tk_dates_all(tk_domain *d, int64_t now_ms, tk_date_cb cb, void *ctx)
{
    for (size_t i = 0; i < d->ndates; i++) {
        tk_date_info di;
        dm_date_counts(d, (uint32_t)i, now_ms, &di);
        cb(ctx, &di);
    }
}

static tk_err seats_view(tk_domain *d, int64_t date_id, int64_t now_ms, int64_t viewer,
                         bool admin, tk_seat_info out[TK_SEATS], uint64_t *seq, tk_errinfo *ei)
{
    dm_date *dt = dm_date_get(d, date_id, ei);
    if (!dt)
        return TK_DATE_NOT_FOUND;
    dm_seats_fill(d, (uint32_t)(date_id - 1), now_ms, viewer, admin, out);
    *seq = dt->seq;
    return TK_OK;
}

tk_err tk_seats_list(tk_domain *d, const char *token, int64_t date_id, int64_t now_ms,
                     tk_seat_info out[TK_SEATS], uint64_t *seq, int64_t *turn_ends_ms,
                     tk_errinfo *ei)
{
    uint32_t u, qseq;
    tk_err err = dm_token_active(d, token, now_ms, &u, &qseq, ei);
    if (err)
        return err;
    if (turn_ends_ms)
        *turn_ends_ms = dm_turn_end_ms(d, qseq);
    return seats_view(d, date_id, now_ms, u, false, out, seq, ei);
}

tk_err tk_admin_seats(tk_domain *d, int64_t date_id, int64_t now_ms, tk_seat_info out[TK_SEATS],
                      uint64_t *seq, tk_errinfo *ei)
{
    return seats_view(d, date_id, now_ms, -1, true, out, seq, ei);
}

static bool text_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= TK_TITLE_MAX;
}

tk_err tk_admin_concert_create(tk_domain *d, const char *title, const char *venue,
                               int64_t now_ms, int64_t *concert_id, tk_errinfo *ei)
{
    return tk_admin_concert_create_in(d, title, venue, NULL, now_ms, concert_id, ei);
}

tk_err tk_admin_concert_create_in(tk_domain *d, const char *title, const char *venue,
                                  const char *tz, int64_t now_ms, int64_t *concert_id,
                                  tk_errinfo *ei)
{
    if (!tz)
        tz = d->cfg.tz;
    if (!text_ok(title))
        return dm_bad_param(ei, "title", "title must be 1..200 bytes");
    if (!text_ok(venue))
        return dm_bad_param(ei, "venue", "venue must be 1..200 bytes");
    if (!tz[0] || strlen(tz) > TZ_NAME_MAX)
        return dm_bad_param(ei, "tz", "tz must be an IANA time zone name");
    if (DM_RESERVE(d->concerts, d->capconcerts, d->nconcerts) < 0)
        return dm_fail(ei, TK_INTERNAL, "out of memory");
    dm_concert c = {strdup(title), strdup(venue), strdup(tz)};
    if (!c.title || !c.venue || !c.tz) {
        free(c.title);
        free(c.venue);
        free(c.tz);
        return dm_fail(ei, TK_INTERNAL, "out of memory");
    }
    dm_begin_mutation(d, now_ms);
    d->concerts[d->nconcerts++] = c;
    *concert_id = (int64_t)d->nconcerts;
    st_concert row = {*concert_id, title, venue, tz};
    store_concert_insert(d->st, &row, dm_wall(d, now_ms));
    return TK_OK;
}

const char *tk_concert_tz(const tk_domain *d, int64_t concert_id)
{
    if (concert_id < 1 || concert_id > (int64_t)d->nconcerts)
        return NULL;
    return d->concerts[concert_id - 1].tz;
}

tk_err tk_admin_date_create(tk_domain *d, int64_t concert_id, int64_t starts_at_ms,
                            const int64_t prices[TK_SEATS], int64_t on_sale_at_ms,
                            int64_t now_ms, int64_t *date_id, tk_errinfo *ei)
{
    if (concert_id < 1 || concert_id > (int64_t)d->nconcerts)
        return dm_bad_param(ei, "concert_id", "no such concert");
    int64_t wall = dm_wall(d, now_ms); /* the operator's instants are the calendar's */
    if (starts_at_ms <= wall)
        return dm_bad_param(ei, "starts_at", "starts_at must be in the future");
    for (int i = 0; i < TK_SEATS; i++)
        if (!prices || prices[i] < 0 || prices[i] > TK_PRICE_MAX)
            return dm_bad_param(ei, "prices", "each price must be 0..10000000");
    if (on_sale_at_ms < 0)
        on_sale_at_ms = wall;
    if (on_sale_at_ms > starts_at_ms)
        return dm_bad_param(ei, "on_sale_at", "on_sale_at must not be after starts_at");
    if (DM_RESERVE(d->dates, d->capdates, d->ndates) < 0)
        return dm_fail(ei, TK_INTERNAL, "out of memory");
    dm_begin_mutation(d, now_ms);
    dm_date *dt = &d->dates[d->ndates++];
    memset(dt, 0, sizeof *dt);
    dt->starts_ms = starts_at_ms;
    dt->on_sale_ms = on_sale_at_ms;
    dt->concert = (uint32_t)(concert_id - 1);
    for (int i = 0; i < TK_SEATS; i++)
        dt->seats[i] = (dm_seat){TK_SEAT_FREE, -1, prices[i]};
    *date_id = (int64_t)d->ndates;
    st_date row = {*date_id, concert_id, starts_at_ms, on_sale_at_ms, 0};
    store_date_insert(d->st, &row, prices);
    /* A new date's first `sales` event: an open dates screen learns of it
     * without asking (kiosks refetch the list for a date they do not know). */
    tk_event e = {.kind = TK_EV_SALES, .date_id = *date_id, .free = TK_SEATS};
    dm_emit(d, &e);
    return TK_OK;
}
