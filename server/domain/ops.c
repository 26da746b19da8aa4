/* server/domain/ops.c -- operator calls: queue settings, releasing a hold,
 * refunding a booking, finding one by code, the last hour's history, the
 * audit log. The api layer checks admin_key. */
#include <string.h>

#include "common/rpc.h"
#include "common/util.h"
#include "server/domain/domain_int.h"

#define QUEUE_SETTING_MAX RPC_QUEUE_SETTING_MAX

tk_err tk_admin_queue_set(tk_domain *d, const bool *paused, const int64_t *max_active,
                          const int64_t *admit_per_min, const int64_t *opens_at_ms,
                          int64_t now_ms, tk_queue_settings *out, tk_errinfo *ei)
{
    if (max_active && (*max_active < 1 || *max_active > QUEUE_SETTING_MAX))
        return dm_bad_param(ei, "max_active", "max_active must be 1..1000000");
    if (admit_per_min && (*admit_per_min < 1 || *admit_per_min > QUEUE_SETTING_MAX))
        return dm_bad_param(ei, "admit_per_min", "admit_per_min must be 1..1000000");
    int64_t wall = dm_wall(d, now_ms); /* opens_at is a calendar instant */
    if (opens_at_ms && *opens_at_ms &&
        (*opens_at_ms <= wall || *opens_at_ms - wall > TK_OPENS_MAX_AHEAD_MS))
        return dm_bad_param(ei, "opens_at",
                            "opens_at must be in the future, within a year (null opens now)");
    dm_begin_mutation(d, now_ms);
    if (opens_at_ms)
        dm_prequeue_set(d, *opens_at_ms, now_ms);
    if (paused) {
        d->qs.paused = *paused;
        store_setting_put(d->st, "paused", *paused);
    }
    if (max_active) {
        d->qs.max_active = *max_active;
        store_setting_put(d->st, "max_active", *max_active);
    }
    if (admit_per_min) {
        d->qs.admit_per_min = *admit_per_min;
        store_setting_put(d->st, "admit_per_min", *admit_per_min);
    }
    dm_queue_admit(d, now_ms);
    dm_queue_event(d, now_ms); /* clients see the new rate / pause at once */
    if (out)
        *out = d->qs;
    return TK_OK;
}

tk_err tk_admin_hold_release(tk_domain *d, int64_t hold_id, int64_t now_ms, tk_errinfo *ei)
{
    if (hold_id < 1 || hold_id > (int64_t)d->nholds) {
        if (ei)
            ei->hold_id = hold_id;
        return dm_fail(ei, TK_HOLD_NOT_FOUND, "no such hold");
    }
    return dm_hold_release_ix(d, (int32_t)(hold_id - 1), now_ms, ei);
}

tk_err tk_admin_booking_refund(tk_domain *d, int64_t booking_id, int64_t now_ms,
                               tk_refund_result *out, tk_errinfo *ei)
{
    if (booking_id < 1 || booking_id > (int64_t)d->nbookings)
        return dm_bad_param(ei, "booking_id", "no such booking");
    dm_booking *b = &d->bookings[booking_id - 1];
    if (b->state == BOOK_REFUNDED)
        return dm_fail(ei, TK_CONFLICT, "booking %lld is already refunded",
                       (long long)booking_id);
    if (b->checkin_ms)
        return dm_fail(ei, TK_CONFLICT, "booking %lld was checked in at the door",
                       (long long)booking_id);
    if (DM_RESERVE(d->ledger, d->capledger, d->nledger) < 0)
        return dm_fail(ei, TK_INTERNAL, "out of memory");
    dm_begin_mutation(d, now_ms);
    b->state = BOOK_REFUNDED;
    /* SOLD -> FREE: the counters, the booking's refund row, seq, events */
    dm_seat_set(d, b->date, b->seat, TK_SEAT_FREE, -1, now_ms);
    /* Money back even past max_balance: the ceiling limits charges only. */
    dm_ledger_add(d, b->user, LEDGER_REFUND, b->price, dm_wall(d, now_ms), booking_id);
    out->booking_id = booking_id;
    out->amount = b->price;
    out->balance = d->users[b->user].balance;
    return TK_OK;
}

int32_t dm_booking_by_text(const tk_domain *d, const char *code)
{
    char c[TK_CODE_LEN + 2]; /* one more than a code: a longer text never matches */
    dm_code_norm(code, c);
    return dm_booking_by_code(d, c);
}

tk_err tk_admin_booking_find(const tk_domain *d, const char *code, tk_booking_info *out,
                             tk_errinfo *ei)
{
    int32_t i = dm_booking_by_text(d, code);
    if (i < 0)
        return dm_bad_param(ei, "code", "no such booking");
    dm_booking_info(d, i, out);
    return TK_OK;
}

_Static_assert(TK_HIST_MINUTES == MIN_SLOTS, "the history is one ring slot per minute");

void tk_history_get(const tk_domain *d, int64_t now_ms, tk_history *out)
{
    min_read(&d->sold_min, now_ms, out->sold);
    min_read(&d->waiting_min, now_ms, out->waiting);
    int64_t seen = now_ms / 60000 - d->opened_ms / 60000 + 1;
    out->waiting_minutes = seen < 1 ? 1 : seen > TK_HIST_MINUTES ? TK_HIST_MINUTES : (int)seen;
}

int tk_audit_append(tk_domain *d, int64_t now_ms, const char *method, const char *peer,
                    const char *params_json, const char *result, const char *staff,
                    const char *node)
{
    return store_audit_append(d->st, dm_wall(d, now_ms), method ? method : "", peer,
                              params_json, result, staff, node);
}

typedef struct { tk_audit_cb cb; void *ctx; } audit_fwd;

static void audit_row(void *ctx, const st_audit *a)
{
    audit_fwd *f = ctx;
    tk_audit_entry e = {a->id,     a->at_ms,  a->method, a->peer,
                        a->params, a->result, a->staff,  a->node};
    f->cb(f->ctx, &e);
}

tk_err tk_audit_list(tk_domain *d, int64_t before_id, int64_t limit, tk_audit_cb cb, void *ctx,
                     tk_errinfo *ei)
{
    if (limit <= 0)
        limit = 100;
    if (limit > 500)
        return dm_bad_param(ei, "limit", "limit must be 1..500");
    audit_fwd f = {cb, ctx};
    if (store_audit_list(d->st, before_id, limit, audit_row, &f) < 0)
        return dm_fail(ei, TK_INTERNAL, "audit log unreadable");
    return TK_OK;
}
