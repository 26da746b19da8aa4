/* server/domain/load.c -- rebuilds the in-memory state from the store at open.
 *
 * Rows arrive parents first (users, queue, catalog, holds, payments,
 * bookings, check-ins, ledger, request ids); derived structures are rebuilt by their
 * owners (seat states and counters: seats.c; live holds' chains and
 * deadline heap: holds.c; the waiting tree and the active set: queue.c),
 * then holds that lapsed while the server was down are released. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "server/domain/domain_int.h"

static int ld_setting(void *ctx, const st_setting *r)
{
    tk_domain *d = ctx;
    if (!strcmp(r->key, "paused"))
        d->qs.paused = r->value != 0;
    else if (!strcmp(r->key, "max_active") && r->value > 0)
        d->qs.max_active = r->value;
    else if (!strcmp(r->key, "admit_per_min") && r->value > 0)
        d->qs.admit_per_min = r->value;
    else if (!strcmp(r->key, "opens_at"))
        d->qs.opens_at_ms = r->value; /* 0: none, or drawn (see draws) */
    else if (!strcmp(r->key, "prequeue_from") && r->value > 0 && r->value <= UINT32_MAX)
        d->pq_from = (uint32_t)r->value;
    return 0;
}

static int ld_user(void *ctx, const st_user *r)
{
    tk_domain *d = ctx;
    if (r->id != (int64_t)d->nusers + 1)
        return -1;
    return dm_user_add(d, r->uuid, r->name, r->balance);
}

static int ld_entry(void *ctx, const st_entry *r)
{
    return dm_queue_load_entry(ctx, r);
}

static int ld_concert(void *ctx, const st_concert *r)
{
    tk_domain *d = ctx;
    if (r->id != (int64_t)d->nconcerts + 1 || DM_RESERVE(d->concerts, d->capconcerts,
                                                         d->nconcerts) < 0)
        return -1;
    dm_concert *c = &d->concerts[d->nconcerts];
    c->title = strdup(r->title ? r->title : "");
    c->venue = strdup(r->venue ? r->venue : "");
    c->tz = strdup(r->tz && r->tz[0] ? r->tz : d->cfg.tz);
    d->nconcerts++;
    return c->title && c->venue && c->tz ? 0 : -1;
}

static int ld_date(void *ctx, const st_date *r)
{
    tk_domain *d = ctx;
    if (r->id != (int64_t)d->ndates + 1 || r->concert_id < 1 ||
        r->concert_id > (int64_t)d->nconcerts || DM_RESERVE(d->dates, d->capdates, d->ndates) < 0)
        return -1;
    dm_date *dt = &d->dates[d->ndates++];
    memset(dt, 0, sizeof *dt);
    dt->starts_ms = r->starts_ms;
    dt->on_sale_ms = r->on_sale_ms;
    dt->seq = (uint64_t)r->seq;
    dt->concert = (uint32_t)(r->concert_id - 1);
    for (int i = 0; i < TK_SEATS; i++)
        dt->seats[i].ref = -1;
    return 0;
}

static int ld_seat(void *ctx, const st_seat *r)
{
    tk_domain *d = ctx;
    if (r->date_id < 1 || r->date_id > (int64_t)d->ndates || r->seat_no < 1 ||
        r->seat_no > TK_SEATS)
        return -1;
    d->dates[r->date_id - 1].seats[r->seat_no - 1].price = r->price;
    return 0;
}

static int ld_hold(void *ctx, const st_hold *r)
{
    return dm_hold_load(ctx, r);
}

static int ld_payment(void *ctx, const st_payment *r)
{
    tk_domain *d = ctx;
    if (r->id != (int64_t)d->npayments + 1 || r->user_id < 1 ||
        r->user_id > (int64_t)d->nusers || DM_RESERVE(d->payments, d->cappayments,
                                                      d->npayments) < 0)
        return -1;
    d->payments[d->npayments++] = (dm_payment){r->amount, r->balance, r->paid_ms,
                                               (uint32_t)(r->user_id - 1), -1, 0};
    return 0;
}

static int ld_booking(void *ctx, const st_booking *r)
{
    tk_domain *d = ctx;
    if (r->id != (int64_t)d->nbookings + 1 || r->user_id < 1 ||
        r->user_id > (int64_t)d->nusers || r->date_id < 1 || r->date_id > (int64_t)d->ndates ||
        r->payment_id < 1 || r->payment_id > (int64_t)d->npayments || r->seat_no < 1 ||
        r->seat_no > TK_SEATS || !r->code || strlen(r->code) >= 16)
        return -1;
    dm_booking b = {.price = r->price, .paid_ms = r->paid_ms,
                    .user = (uint32_t)(r->user_id - 1), .date = (uint32_t)(r->date_id - 1),
                    .payment = (uint32_t)(r->payment_id - 1), .seat = (uint8_t)r->seat_no,
                    .state = (uint8_t)r->state};
    strcpy(b.code, r->code);
    if (dm_booking_push(d, &b) < 0)
        return -1;
    int32_t bi = (int32_t)d->nbookings - 1;
    dm_payment *p = &d->payments[b.payment];
    if (p->n == 0)
        p->first_booking = bi;
    p->n++;
    if (b.state != BOOK_PAID)
        return 0;
    /* -1: sold twice, or sold and held */
    return dm_seat_restore(d, b.date, b.seat, TK_SEAT_SOLD, bi);
}

static int ld_ledger(void *ctx, const st_ledger *r)
{
    tk_domain *d = ctx;
    int kind = dm_ledger_kind(r->kind);
    if (r->id != (int64_t)d->nledger + 1 || kind < 0 || r->user_id < 1 ||
        r->user_id > (int64_t)d->nusers)
        return -1;
    int method = r->method && r->method[0] ? tk_pay_method_parse(r->method) : TK_PAY_NONE;
    int32_t staff = dm_staff_intern(d, r->staff);
    if (method < 0 || staff < 0)
        return -1;
    dm_ledger e = {r->amount, r->balance, r->at_ms, r->ref, (uint32_t)(r->user_id - 1), -1,
                   (uint8_t)kind, (uint8_t)method, (uint16_t)staff};
    return dm_ledger_push(d, &e);
}

static int ld_idem(void *ctx, const st_idem *r)
{
    tk_domain *d = ctx;
    int method = !strcmp(r->method, "wallet.charge") ? IDEM_CHARGE : IDEM_PAY;
    if (r->user_id < 1 || r->user_id > (int64_t)d->nusers)
        return -1;
    return dm_idem_add(d, (uint32_t)(r->user_id - 1), r->request_id, method, r->params, r->ref,
                       false);
}

static int ld_checkin(void *ctx, const st_checkin *r)
{
    return dm_checkin_load(ctx, r);
}

static int ld_draw(void *ctx, const st_draw *r)
{
    return dm_draw_load(ctx, r);
}

/* By value: each load builds its own on the stack (no shared static). */
static store_loader loader(tk_domain *d)
{
    return (store_loader){d,          ld_user,    ld_entry,  ld_concert, ld_date, ld_seat,
                          ld_hold,    ld_payment, ld_booking, ld_ledger, ld_idem, ld_setting,
                          ld_draw,    ld_checkin};
}

int dm_load(tk_domain *d, int64_t now_ms)
{
    store_loader l = loader(d);
    if (store_load(d->st, &l) < 0 || dm_queue_rebuild(d) < 0)
        return -1;
    /* Down time counts: holds that lapsed meanwhile go (expiring their
     * tokens per the rules); live ones keep their deadline. */
    dm_begin_mutation(d, now_ms);
    dm_queue_idle_sweep(d, now_ms);
    d->budget = (double)d->qs.admit_per_min;
    d->budget_ms = now_ms;
    dm_prequeue_due(d, now_ms); /* down at the opening: draw now, committed with the load */
    log_info("domain_loaded",
             "users=%zu entries=%zu waiting=%lld prequeue=%lld dates=%zu holds=%zu", d->nusers,
             d->nentries, (long long)d->nwaiting, (long long)d->nprequeue, d->ndates, d->nheap);
    return 0;
}

int dm_reload_catalog(tk_domain *d)
{
    for (size_t i = 0; i < d->nconcerts; i++) {
        free(d->concerts[i].title);
        free(d->concerts[i].venue);
        free(d->concerts[i].tz);
    }
    d->nconcerts = 0;
    d->ndates = 0;
    store_loader l = loader(d);
    return store_load_catalog(d->st, &l);
}
