/* server/store/store_rows.c -- rows in (staged writes) and out (load at open,
 * audit log, money sums), for every backend (see store_int.h). */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "server/store/store_int.h"

/* Each load query's column types (st_row letters), by statement. */
static const char *const load_cols[ST_COUNT] = {
    [ST_L_USERS] = "ibti",      [ST_L_ENTRIES] = "iiiiii",     [ST_L_CONCERTS] = "ittt",
    [ST_L_DATES] = "iiiii",     [ST_L_SEATS] = "iii",          [ST_L_HOLDS] = "iiiiiii",
    [ST_L_PAYMENTS] = "iiiii",  [ST_L_BOOKINGS] = "itiiiiiiii", [ST_L_LEDGER] = "iitiiiitt",
    [ST_L_IDEM] = "ittti",      [ST_L_SETTINGS] = "ti",        [ST_L_DRAWS] = "iiiib",
    [ST_AUDIT_LIST] = "iitttttt", [ST_L_CHECKINS] = "iit",
};

/* Converts a row for a loader callback; l is the loader. */
typedef int (*row_fn)(const store_loader *l, const st_row *r);

static int row_user(const store_loader *l, const st_row *r)
{
    if (r->blen[1] != 16)
        return -1;
    st_user u = {r->i[0], r->b[1], r->t[2], r->i[3]};
    return l->user(l->ctx, &u);
}

static int row_entry(const store_loader *l, const st_row *r)
{
    st_entry e = {r->i[0], r->i[1], r->i[2], r->i[3], r->i[4], r->i[5]};
    return l->entry(l->ctx, &e);
}

static int row_concert(const store_loader *l, const st_row *r)
{
    st_concert c = {r->i[0], r->t[1], r->t[2], r->t[3]};
    return l->concert(l->ctx, &c);
}

static int row_date(const store_loader *l, const st_row *r)
{
    st_date d = {r->i[0], r->i[1], r->i[2], r->i[3], r->i[4]};
    return l->date(l->ctx, &d);
}

static int row_seat(const store_loader *l, const st_row *r)
{
    st_seat x = {r->i[0], r->i[1], r->i[2]};
    return l->seat(l->ctx, &x);
}

static int row_hold(const store_loader *l, const st_row *r)
{
    st_hold h = {r->i[0], r->i[1], r->i[2], r->i[3], r->i[4], r->i[5], r->i[6]};
    return l->hold(l->ctx, &h);
}

static int row_payment(const store_loader *l, const st_row *r)
{
    st_payment p = {r->i[0], r->i[1], r->i[2], r->i[3], r->i[4]};
    return l->payment(l->ctx, &p);
}

static int row_booking(const store_loader *l, const st_row *r)
{
    st_booking b = {r->i[0], r->t[1], r->i[2], r->i[3], r->i[4],
                    r->i[5], r->i[6], r->i[7], r->i[8], r->i[9]};
    return l->booking(l->ctx, &b);
}

static int row_ledger(const store_loader *l, const st_row *r)
{
    st_ledger e = {r->i[0], r->i[1], r->t[2], r->i[3], r->i[4], r->i[5], r->i[6], r->t[7], r->t[8]};
    return l->ledger(l->ctx, &e);
}

static int row_idem(const store_loader *l, const st_row *r)
{
    st_idem x = {r->i[0], r->t[1], r->t[2], r->t[3], r->i[4]};
    return l->idem(l->ctx, &x);
}

static int row_setting(const store_loader *l, const st_row *r)
{
    st_setting x = {r->t[0], r->i[1]};
    return l->setting(l->ctx, &x);
}

static int row_checkin(const store_loader *l, const st_row *r)
{
    st_checkin c = {r->i[0], r->i[1], r->t[2]};
    return l->checkin(l->ctx, &c);
}

/* ord is stored little-endian (see schema.sql), decoded into one buffer
 * that lives for the call. */
static int row_draw(const store_loader *l, const st_row *r)
{
    int64_t n = r->i[1];
    const uint8_t *b = r->b[4];
    if (n < 1 || n > UINT32_MAX || !b || r->blen[4] != (size_t)(4 * n))
        return -1;
    uint32_t *ord = malloc((size_t)n * sizeof *ord);
    if (!ord)
        return -1;
    for (int64_t i = 0; i < n; i++)
        ord[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
                 (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
    st_draw d = {r->i[0], n, r->i[2], r->i[3], ord};
    int rc = l->draw(l->ctx, &d);
    free(ord);
    return rc;
}

typedef struct {
    const store_loader *l;
    row_fn fn;
} load_ctx;

static int load_row(void *ctx, const st_row *r)
{
    load_ctx *c = ctx;
    return c->fn(c->l, r);
}

static int each_row(tk_store *s, int which, const store_loader *l, row_fn fn)
{
    load_ctx c = {l, fn};
    return s->ops->query(s, ST_STMT(which), NULL, 0, load_cols[which], load_row, &c);
}

typedef struct {
    int which;
    row_fn fn;
} load_step;

/* The order matters: rows refer back to rows loaded before them (holds to
 * dates and users, bookings to payments). */
static const load_step load_before_catalog[] = {
    {ST_L_SETTINGS, row_setting}, {ST_L_USERS, row_user}, {ST_L_ENTRIES, row_entry},
    {ST_L_DRAWS, row_draw}};
static const load_step load_catalog[] = {
    {ST_L_CONCERTS, row_concert}, {ST_L_DATES, row_date}, {ST_L_SEATS, row_seat}};
static const load_step load_after_catalog[] = {
    {ST_L_HOLDS, row_hold},   {ST_L_PAYMENTS, row_payment}, {ST_L_BOOKINGS, row_booking},
    {ST_L_CHECKINS, row_checkin}, {ST_L_LEDGER, row_ledger}, {ST_L_IDEM, row_idem}};

static int load_steps(tk_store *s, const store_loader *l, const load_step *steps, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (each_row(s, steps[i].which, l, steps[i].fn) < 0)
            return -1;
    return 0;
}
#define LOAD_STEPS(s, l, steps) load_steps((s), (l), (steps), sizeof(steps) / sizeof((steps)[0]))

int store_load_catalog(tk_store *s, const store_loader *l)
{
    return LOAD_STEPS(s, l, load_catalog);
}

int store_load(tk_store *s, const store_loader *l)
{
    if (LOAD_STEPS(s, l, load_before_catalog) < 0 || LOAD_STEPS(s, l, load_catalog) < 0 ||
        LOAD_STEPS(s, l, load_after_catalog) < 0)
        return -1;
    return 0;
}

/* ---- staged writes ------------------------------------------------------ */

void store_user_insert(tk_store *s, int64_t id, const uint8_t uuid[16], const char *name,
                       int64_t at_ms)
{
    st_write(s, ST_USER_INS, "ibti", id, (const void *)uuid, (size_t)16, name, at_ms);
}

void store_user_balance(tk_store *s, int64_t id, int64_t balance)
{
    st_write(s, ST_USER_BAL, "ii", balance, id);
}

void store_entry_insert(tk_store *s, int64_t seq, int64_t user_id, int64_t issued_ms)
{
    st_write(s, ST_ENTRY_INS, "iii", seq, user_id, issued_ms);
}

void store_entry_update(tk_store *s, int64_t seq, int64_t state, int64_t since_ms,
                        int64_t admitted_ms)
{
    st_write(s, ST_ENTRY_UPD, "iiii", state, since_ms, admitted_ms, seq);
}

void store_concert_insert(tk_store *s, const st_concert *c, int64_t at_ms)
{
    st_write(s, ST_CONCERT_INS, "ittit", c->id, c->title, c->venue, at_ms, c->tz);
}

void store_date_insert(tk_store *s, const st_date *d, const int64_t prices[50])
{
    st_write(s, ST_DATE_INS, "iiiii", d->id, d->concert_id, d->starts_ms, d->on_sale_ms,
             d->seq);
    for (int64_t i = 0; i < 50; i++)
        st_write(s, ST_SEAT_INS, "iii", d->id, i + 1, prices[i]);
}

void store_date_seq(tk_store *s, int64_t date_id, int64_t seq)
{
    st_write(s, ST_DATE_SEQ, "ii", seq, date_id);
}

void store_hold_insert(tk_store *s, const st_hold *h, int64_t at_ms)
{
    st_write(s, ST_HOLD_INS, "iiiiiii", h->id, h->user_id, h->date_id, h->seat_no, h->price,
             at_ms, h->expires_ms);
}

void store_hold_end(tk_store *s, int64_t id, int64_t state, int64_t at_ms)
{
    st_write(s, ST_HOLD_END, "iii", state, at_ms, id);
}

void store_payment_insert(tk_store *s, const st_payment *p, const char *request_id)
{
    st_write(s, ST_PAY_INS, "iiiiit", p->id, p->user_id, p->amount, p->balance, p->paid_ms,
             request_id);
}

void store_booking_insert(tk_store *s, const st_booking *b)
{
    st_write(s, ST_BOOK_INS, "itiiiiiii", b->id, b->code, b->user_id, b->payment_id,
             b->hold_id, b->date_id, b->seat_no, b->price, b->paid_ms);
}

void store_booking_refund(tk_store *s, int64_t id, int64_t at_ms)
{
    st_write(s, ST_BOOK_REFUND, "ii", at_ms, id);
}

void store_checkin_insert(tk_store *s, const st_checkin *c)
{
    st_write(s, ST_CHECKIN_INS, "iit", c->booking_id, c->at_ms, c->gate);
}

void store_ledger_insert(tk_store *s, const st_ledger *e)
{
    st_write(s, ST_LEDGER_INS, "iitiiiitt", e->id, e->user_id, e->kind, e->amount, e->balance,
             e->at_ms, e->ref, e->method ? e->method : "", e->staff ? e->staff : "");
}

void store_idem_insert(tk_store *s, const st_idem *r)
{
    st_write(s, ST_IDEM_INS, "ittti", r->user_id, r->request_id,
             r->method, r->params, r->ref);
}

void store_setting_put(tk_store *s, const char *key, int64_t value)
{
    st_write(s, ST_SETTING_PUT, "ti", key, value);
}

void store_draw_insert(tk_store *s, const st_draw *r)
{
    uint8_t *b = malloc((size_t)r->n * 4);
    if (!b) {
        store_void(s); /* the draw must not commit without its order */
        return;
    }
    for (int64_t i = 0; i < r->n; i++) {
        uint32_t v = r->ord[i];
        b[4 * i] = (uint8_t)v;
        b[4 * i + 1] = (uint8_t)(v >> 8);
        b[4 * i + 2] = (uint8_t)(v >> 16);
        b[4 * i + 3] = (uint8_t)(v >> 24);
    }
    st_write(s, ST_DRAW_INS, "iiiib", r->first_seq, r->n, r->drawn_ms, r->ms, (const void *)b,
             (size_t)r->n * 4);
    free(b);
}

/* ---- audit --------------------------------------------------------------- */

int store_audit_append(tk_store *s, int64_t at_ms, const char *method, const char *peer,
                       const char *params, const char *result, const char *staff,
                       const char *node)
{
    return st_write(s, ST_AUDIT_INS, "itttttt", at_ms, method, peer ? peer : "",
                    params ? params : "{}", result ? result : "ok", staff ? staff : "",
                    node ? node : "");
}

typedef struct {
    void (*cb)(void *ctx, const st_audit *a);
    void *ctx;
} audit_ctx;

static int audit_row(void *ctx, const st_row *r)
{
    audit_ctx *c = ctx;
    st_audit a = {r->i[0], r->i[1], r->t[2], r->t[3], r->t[4], r->t[5], r->t[6], r->t[7]};
    c->cb(c->ctx, &a);
    return 0;
}

int store_audit_list(tk_store *s, int64_t before_id, int64_t limit,
                     void (*cb)(void *ctx, const st_audit *a), void *ctx)
{
    st_arg a[2] = {{.type = 'i', .i = before_id > 0 ? before_id : INT64_MAX},
                   {.type = 'i', .i = limit}};
    audit_ctx c = {cb, ctx};
    return s->ops->query(s, ST_STMT(ST_AUDIT_LIST), a, 2, load_cols[ST_AUDIT_LIST], audit_row,
                         &c);
}

/* ---- sums ----------------------------------------------------------------- */

int store_sums(tk_store *s, st_sums *out)
{
    int64_t l[3];
    memset(out, 0, sizeof *out);
    if (st_scalars(s, ST_STMT(ST_SUM_LEDGER), l, 3) < 0 ||
        st_scalars(s, ST_STMT(ST_SUM_BALANCES), &out->balances, 1) < 0 ||
        st_scalars(s, ST_STMT(ST_SUM_BOOKINGS), &out->paid_bookings, 1) < 0 ||
        st_scalars(s, ST_STMT(ST_SUM_PAYMENTS), &out->payment_total, 1) < 0 ||
        st_scalars(s, ST_STMT(ST_SUM_HOLDS), &out->live_holds, 1) < 0)
        return -1;
    out->charges = l[0];
    out->payments = l[1];
    out->refunds = l[2];
    return 0;
}
