/* server/store/sqlite_rows.c -- rows in (staged writes) and out (load at open,
 * audit log, money sums). */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "server/store/sqlite_int.h"

#define COL_I(st, c) sqlite3_column_int64((st), (c))
#define COL_T(st, c) ((const char *)sqlite3_column_text((st), (c)))

/* Steps a load query, handing each row to fn; fn converts and forwards. */
typedef int (*row_fn)(const store_loader *l, sqlite3_stmt *st);

static int each_row(tk_store *s, int which, const store_loader *l, row_fn fn)
{
    sqlite3_stmt *st = st_bind(s, which, "");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (fn(l, st) != 0) {
            sqlite3_reset(st);
            return -1;
        }
    }
    if (rc != SQLITE_DONE)
        log_error("store_load", "err=\"%s\"", sqlite3_errmsg(s->db));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int row_user(const store_loader *l, sqlite3_stmt *st)
{
    if (sqlite3_column_bytes(st, 1) != 16)
        return -1;
    st_user r = {COL_I(st, 0), sqlite3_column_blob(st, 1), COL_T(st, 2), COL_I(st, 3)};
    return l->user(l->ctx, &r);
}

static int row_entry(const store_loader *l, sqlite3_stmt *st)
{
    st_entry r = {COL_I(st, 0), COL_I(st, 1), COL_I(st, 2),
                  COL_I(st, 3), COL_I(st, 4), COL_I(st, 5)};
    return l->entry(l->ctx, &r);
}

static int row_concert(const store_loader *l, sqlite3_stmt *st)
{
    st_concert r = {COL_I(st, 0), COL_T(st, 1), COL_T(st, 2)};
    return l->concert(l->ctx, &r);
}

static int row_date(const store_loader *l, sqlite3_stmt *st)
{
    st_date r = {COL_I(st, 0), COL_I(st, 1), COL_I(st, 2), COL_I(st, 3), COL_I(st, 4)};
    return l->date(l->ctx, &r);
}

static int row_seat(const store_loader *l, sqlite3_stmt *st)
{
    st_seat r = {COL_I(st, 0), COL_I(st, 1), COL_I(st, 2)};
    return l->seat(l->ctx, &r);
}

static int row_hold(const store_loader *l, sqlite3_stmt *st)
{
    st_hold r = {COL_I(st, 0), COL_I(st, 1), COL_I(st, 2), COL_I(st, 3),
                 COL_I(st, 4), COL_I(st, 5), COL_I(st, 6)};
    return l->hold(l->ctx, &r);
}

static int row_payment(const store_loader *l, sqlite3_stmt *st)
{
    st_payment r = {COL_I(st, 0), COL_I(st, 1), COL_I(st, 2), COL_I(st, 3), COL_I(st, 4)};
    return l->payment(l->ctx, &r);
}

static int row_booking(const store_loader *l, sqlite3_stmt *st)
{
    st_booking r = {COL_I(st, 0), COL_T(st, 1), COL_I(st, 2), COL_I(st, 3), COL_I(st, 4),
                    COL_I(st, 5), COL_I(st, 6), COL_I(st, 7), COL_I(st, 8), COL_I(st, 9)};
    return l->booking(l->ctx, &r);
}

static int row_ledger(const store_loader *l, sqlite3_stmt *st)
{
    st_ledger r = {COL_I(st, 0), COL_I(st, 1), COL_T(st, 2), COL_I(st, 3),
                   COL_I(st, 4), COL_I(st, 5), COL_I(st, 6)};
    return l->ledger(l->ctx, &r);
}

static int row_idem(const store_loader *l, sqlite3_stmt *st)
{
    st_idem r = {COL_I(st, 0), COL_T(st, 1), COL_T(st, 2), COL_T(st, 3), COL_I(st, 4)};
    return l->idem(l->ctx, &r);
}

static int row_setting(const store_loader *l, sqlite3_stmt *st)
{
    st_setting r = {COL_T(st, 0), COL_I(st, 1)};
    return l->setting(l->ctx, &r);
}

/* ord is stored little-endian (see schema.sql), decoded into one buffer
 * that lives for the call. */
static int row_draw(const store_loader *l, sqlite3_stmt *st)
{
    int64_t n = COL_I(st, 1);
    const uint8_t *b = sqlite3_column_blob(st, 4);
    if (n < 1 || n > UINT32_MAX || !b || sqlite3_column_bytes(st, 4) != 4 * n)
        return -1;
    uint32_t *ord = malloc((size_t)n * sizeof *ord);
    if (!ord)
        return -1;
    for (int64_t i = 0; i < n; i++)
        ord[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
                 (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
    st_draw r = {COL_I(st, 0), n, COL_I(st, 2), COL_I(st, 3), ord};
    int rc = l->draw(l->ctx, &r);
    free(ord);
    return rc;
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
    {ST_L_LEDGER, row_ledger}, {ST_L_IDEM, row_idem}};

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
    ST_WRITE(s, ST_USER_INS, "ibti", id, uuid, name, at_ms);
}

void store_user_balance(tk_store *s, int64_t id, int64_t balance)
{
    ST_WRITE(s, ST_USER_BAL, "ii", balance, id);
}

void store_entry_insert(tk_store *s, int64_t seq, int64_t user_id, int64_t issued_ms)
{
    ST_WRITE(s, ST_ENTRY_INS, "iii", seq, user_id, issued_ms);
}

void store_entry_update(tk_store *s, int64_t seq, int64_t state, int64_t since_ms,
                        int64_t admitted_ms)
{
    ST_WRITE(s, ST_ENTRY_UPD, "iiii", state, since_ms, admitted_ms, seq);
}

void store_concert_insert(tk_store *s, int64_t id, const char *title, const char *venue,
                          int64_t at_ms)
{
    ST_WRITE(s, ST_CONCERT_INS, "itti", id, title, venue, at_ms);
}

void store_date_insert(tk_store *s, const st_date *d, const int64_t prices[50])
{
    ST_WRITE(s, ST_DATE_INS, "iiiii", d->id, d->concert_id, d->starts_ms, d->on_sale_ms,
             d->seq);
    for (int64_t i = 0; i < 50; i++)
        ST_WRITE(s, ST_SEAT_INS, "iii", d->id, i + 1, prices[i]);
}

void store_date_seq(tk_store *s, int64_t date_id, int64_t seq)
{
    ST_WRITE(s, ST_DATE_SEQ, "ii", seq, date_id);
}

void store_hold_insert(tk_store *s, const st_hold *h, int64_t at_ms)
{
    ST_WRITE(s, ST_HOLD_INS, "iiiiiii", h->id, h->user_id, h->date_id, h->seat_no, h->price,
             at_ms, h->expires_ms);
}

void store_hold_end(tk_store *s, int64_t id, int64_t state, int64_t at_ms)
{
    ST_WRITE(s, ST_HOLD_END, "iii", state, at_ms, id);
}

void store_payment_insert(tk_store *s, const st_payment *p, const char *request_id)
{
    ST_WRITE(s, ST_PAY_INS, "iiiiit", p->id, p->user_id, p->amount, p->balance, p->paid_ms,
             request_id);
}

void store_booking_insert(tk_store *s, const st_booking *b)
{
    ST_WRITE(s, ST_BOOK_INS, "itiiiiiii", b->id, b->code, b->user_id, b->payment_id,
             b->hold_id, b->date_id, b->seat_no, b->price, b->paid_ms);
}

void store_booking_refund(tk_store *s, int64_t id, int64_t at_ms)
{
    ST_WRITE(s, ST_BOOK_REFUND, "ii", at_ms, id);
}

void store_ledger_insert(tk_store *s, const st_ledger *e)
{
    ST_WRITE(s, ST_LEDGER_INS, "iitiiii", e->id, e->user_id, e->kind, e->amount, e->balance,
             e->at_ms, e->ref);
}

void store_idem_insert(tk_store *s, const st_idem *r)
{
    ST_WRITE(s, ST_IDEM_INS, "ittti", r->user_id, r->request_id,
             r->method, r->params, r->ref);
}

void store_setting_put(tk_store *s, const char *key, int64_t value)
{
    ST_WRITE(s, ST_SETTING_PUT, "ti", key, value);
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
    ST_WRITE(s, ST_DRAW_INS, "iiiiB", r->first_seq, r->n, r->drawn_ms, r->ms, (const void *)b,
             r->n * 4);
    free(b);
}

/* ---- audit --------------------------------------------------------------- */

int store_audit_append(tk_store *s, int64_t at_ms, const char *method, const char *peer,
                       const char *params, const char *result)
{
    return st_run(s, ST_AUDIT_INS, true, "itttt", at_ms, method, peer ? peer : "",
                  params ? params : "{}", result ? result : "ok");
}

int store_audit_list(tk_store *s, int64_t before_id, int64_t limit,
                     void (*cb)(void *ctx, const st_audit *a), void *ctx)
{
    sqlite3_stmt *st = st_bind(s, ST_AUDIT_LIST, "ii", before_id > 0 ? before_id : INT64_MAX,
                               limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        st_audit a = {COL_I(st, 0), COL_I(st, 1), COL_T(st, 2),
                      COL_T(st, 3), COL_T(st, 4), COL_T(st, 5)};
        cb(ctx, &a);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* ---- sums ----------------------------------------------------------------- */

int st_scalars(tk_store *s, int which, int64_t *out, int ncols)
{
    sqlite3_stmt *st = st_bind(s, which, "");
    int ok = sqlite3_step(st) == SQLITE_ROW;
    for (int i = 0; ok && i < ncols; i++)
        out[i] = COL_I(st, i);
    sqlite3_reset(st);
    return ok ? 0 : -1;
}

int store_sums(tk_store *s, st_sums *out)
{
    int64_t l[3];
    memset(out, 0, sizeof *out);
    if (st_scalars(s, ST_SUM_LEDGER, l, 3) < 0 ||
        st_scalars(s, ST_SUM_BALANCES, &out->balances, 1) < 0 ||
        st_scalars(s, ST_SUM_BOOKINGS, &out->paid_bookings, 1) < 0 ||
        st_scalars(s, ST_SUM_PAYMENTS, &out->payment_total, 1) < 0 ||
        st_scalars(s, ST_SUM_HOLDS, &out->live_holds, 1) < 0)
        return -1;
    out->charges = l[0];
    out->payments = l[1];
    out->refunds = l[2];
    return 0;
}
