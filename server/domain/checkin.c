/* server/domain/checkin.c -- the door: the one owner of a booking's check-in
 * (when and at which gate it was first scanned) and of each date's count
 * of checked-in bookings.
 *
 * A scan answers with a reason instead of failing: a gate shows every
 * answer, and only a request that makes no sense (a date that does not
 * exist, a gate name that is not one) is an error. The first scan of a
 * paid booking is the only one that changes anything: one checkins row,
 * the date's count, a `checkin` event. */
#include <string.h>

#include "server/domain/domain_int.h"

const char *tk_checkin_reason_name(tk_checkin_reason r)
{
    static const char *const names[] = {"ADMITTED", "ALREADY_USED", "REFUNDED", "WRONG_DATE",
                                        "UNKNOWN_CODE"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "UNKNOWN_CODE";
}

/* Gate names are few (one per door) and repeat with every scan: each is
 * kept once, and bookings point at it. NULL on OOM or for "". */
static const char *gate_intern(tk_domain *d, const char *gate)
{
    if (!gate || !gate[0])
        return NULL;
    for (size_t i = 0; i < d->ngates; i++)
        if (!strcmp(d->gates[i], gate))
            return d->gates[i];
    if (DM_RESERVE(d->gates, d->capgates, d->ngates) < 0)
        return NULL;
    const char *g = dm_strdup(&d->arena, gate);
    if (g)
        d->gates[d->ngates++] = g;
    return g;
}

static bool gate_ok(const char *gate)
{
    size_t n = 0;
    for (; gate && gate[n]; n++)
        if (gate[n] < 0x20 || gate[n] > 0x7e)
            return false;
    return n <= TK_GATE_MAX;
}

static void checkin_emit(tk_domain *d, uint32_t date)
{
    const dm_date *dt = &d->dates[date];
    tk_event e = {.kind = TK_EV_CHECKIN, .date_id = date + 1, .checked_in = dt->checked_in,
                  .sold = dt->sold};
    dm_emit(d, &e);
}

/* The change itself: memory, the row, the event. */
static tk_err checkin_admit(tk_domain *d, int32_t bi, const char *gate, int64_t now_ms,
                            tk_errinfo *ei)
{
    const char *g = gate_intern(d, gate);
    if (gate && gate[0] && !g)
        return dm_fail(ei, TK_INTERNAL, "out of memory");
    dm_begin_mutation(d, now_ms);
    dm_booking *b = &d->bookings[bi];
    b->checkin_ms = dm_wall(d, now_ms); /* a fact: wall time (domain.h, Time) */
    b->gate = g;
    d->dates[b->date].checked_in++;
    st_checkin row = {bi + 1, b->checkin_ms, g ? g : ""};
    store_checkin_insert(d->st, &row);
    checkin_emit(d, b->date);
    return TK_OK;
}

static tk_checkin_reason checkin_reason(const dm_booking *b, int64_t date_id)
{
    if (b->state == BOOK_REFUNDED)
        return TK_CHECKIN_REFUNDED;
    if (date_id > 0 && (int64_t)b->date + 1 != date_id)
        return TK_CHECKIN_WRONG_DATE;
    return b->checkin_ms ? TK_CHECKIN_ALREADY_USED : TK_CHECKIN_ADMITTED;
}

tk_err tk_admin_booking_checkin(tk_domain *d, const char *code, int64_t date_id,
                                const char *gate, int64_t now_ms, tk_checkin_result *out,
                                tk_errinfo *ei)
{
    if (!gate_ok(gate))
        return dm_bad_param(ei, "gate", "gate must be up to 32 printable ASCII characters");
    if (date_id > 0 && !dm_date_get(d, date_id, ei))
        return TK_DATE_NOT_FOUND;
    memset(out, 0, sizeof *out);
    dm_code_norm(code, out->code);
    int32_t bi = dm_booking_by_code(d, out->code);
    if (bi < 0) {
        out->reason = TK_CHECKIN_UNKNOWN_CODE;
        return TK_OK;
    }
    out->reason = checkin_reason(&d->bookings[bi], date_id);
    if (out->reason == TK_CHECKIN_ADMITTED) {
        tk_err e = checkin_admit(d, bi, gate, now_ms, ei);
        if (e)
            return e;
        out->admitted = true;
    }
    out->found = true;
    dm_booking_info(d, bi, &out->booking);
    const dm_date *dt = &d->dates[d->bookings[bi].date];
    out->checked_in = dt->checked_in;
    out->sold = dt->sold;
    return TK_OK;
}

int dm_checkin_load(tk_domain *d, const st_checkin *r)
{
    if (r->booking_id < 1 || r->booking_id > (int64_t)d->nbookings || r->at_ms <= 0 ||
        !gate_ok(r->gate))
        return -1;
    dm_booking *b = &d->bookings[r->booking_id - 1];
    if (b->checkin_ms)
        return -1; /* two first scans */
    const char *g = gate_intern(d, r->gate);
    if (r->gate && r->gate[0] && !g)
        return -1;
    b->checkin_ms = r->at_ms;
    b->gate = g;
    /* A refunded booking is never checked in (the refund refuses it), but
     * only paid ones count: the count is of people inside per seat sold. */
    if (b->state == BOOK_PAID)
        d->dates[b->date].checked_in++;
    return 0;
}
