/* server/domain/payment.c -- payment.pay: holds -> bookings, all or nothing.
 *
 * Everything that can fail is checked before the first change, so one
 * call either stages the whole payment (debit, payment row, bookings,
 * ledger entry, seats sold, holds gone, token expired) or nothing. */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "server/domain/domain_int.h"

/* No 0/O, 1/I/L, U: a code read aloud at a box office can't be misheard. */
static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

uint64_t dm_code_hash(const tk_domain *d, uint32_t ix)
{
    return dm_hash_bytes(d->bookings[ix].code, strlen(d->bookings[ix].code), 0);
}

static bool code_eq(const tk_domain *d, uint32_t ix, const void *code)
{
    return strcmp(d->bookings[ix].code, code) == 0;
}

/* One unpredictable byte. libsodium's generator is a getrandom() system
 * call per request, so nine calls per booking code were a tenth of a
 * payment's time; the bytes are drawn 512 at a time instead. */
static uint8_t rnd_byte(tk_domain *d)
{
    if (d->rnd_left == 0) {
        randombytes_buf(d->rnd, sizeof d->rnd);
        d->rnd_left = sizeof d->rnd;
    }
    uint8_t b = d->rnd[--d->rnd_left];
    d->rnd[d->rnd_left] = 0; /* a used byte does not linger */
    return b;
}

/* A uniform letter: bytes at or above the largest multiple of the
 * alphabet's size are redrawn, so no letter is likelier than another. */
static char code_letter(tk_domain *d)
{
    const unsigned n = sizeof code_alphabet - 1, limit = 256 / n * n;
    unsigned b;
    do
        b = rnd_byte(d);
    while (b >= limit);
    return code_alphabet[b % n];
}

static void new_code(tk_domain *d, char out[16])
{
    do {
        memcpy(out, "TK-XXXX-XXXX", 13);
        for (int i = 3; i < 12; i++)
            if (out[i] == 'X')
                out[i] = code_letter(d);
    } while (dm_booking_by_code(d, out) >= 0);
}

void dm_code_norm(const char *code, char out[TK_CODE_LEN + 2])
{
    size_t n = 0;
    while (code && *code == ' ')
        code++;
    for (; code && code[n] && code[n] != ' ' && n < TK_CODE_LEN + 1; n++)
        out[n] = (char)toupper((unsigned char)code[n]);
    out[n] = '\0';
}

int32_t dm_booking_by_code(const tk_domain *d, const char *code)
{
    size_t n = strlen(code);
    if (n != TK_CODE_LEN)
        return -1;
    return (int32_t)dm_hash_find(&d->code_ix, dm_hash_bytes(code, n, 0), code_eq, d, code);
}

int dm_booking_push(tk_domain *d, const dm_booking *b)
{
    if (DM_RESERVE(d->bookings, d->capbookings, d->nbookings) < 0)
        return -1;
    uint32_t ix = (uint32_t)d->nbookings;
    dm_booking *x = &d->bookings[ix];
    *x = *b;
    x->prev = d->users[b->user].last_booking;
    if (dm_hash_put(&d->code_ix, dm_hash_bytes(x->code, strlen(x->code), 0), ix, dm_code_hash,
                    d) < 0)
        return -1;
    d->users[b->user].last_booking = (int32_t)ix;
    d->nbookings++;
    /* Sales per minute for the console: from every booking, loaded or new,
     * so the last hour is known after a restart too. */
    min_add(&d->sold_min, dm_steady(d, b->paid_ms), 1); /* the rings count steady minutes */
    return 0;
}

static void fill_result(const tk_domain *d, uint32_t p, tk_pay_result *out)
{
    const dm_payment *pm = &d->payments[p];
    memset(out, 0, sizeof *out);
    out->payment_id = p + 1;
    out->amount = pm->amount;
    out->balance = pm->balance;
    out->n = pm->n;
    for (int i = 0; i < pm->n && i < TK_MAX_PAY_HOLDS; i++) {
        const dm_booking *b = &d->bookings[pm->first_booking + i];
        tk_booked *o = &out->bookings[i];
        o->booking_id = pm->first_booking + i + 1;
        strcpy(o->code, b->code);
        o->date_id = b->date + 1;
        o->seat_no = b->seat;
        o->price = b->price;
    }
}

/* Shape of the request: 1..4 distinct ids; canonical params text (sorted
 * ids) for the request_id record. */
static tk_err check_ids(const int64_t *ids, int n, char *params, size_t plen, tk_errinfo *ei)
{
    if (!ids || n < 1 || n > TK_MAX_PAY_HOLDS)
        return dm_bad_param(ei, "hold_ids", "hold_ids must list 1..4 holds");
    int64_t s[TK_MAX_PAY_HOLDS];
    memcpy(s, ids, (size_t)n * sizeof *s);
    for (int i = 1; i < n; i++) /* insertion sort: n <= 4 */
        for (int j = i; j > 0 && s[j - 1] > s[j]; j--) {
            int64_t t = s[j];
            s[j] = s[j - 1];
            s[j - 1] = t;
        }
    size_t off = (size_t)snprintf(params, plen, "holds=");
    for (int i = 0; i < n; i++) {
        if (i > 0 && s[i] == s[i - 1])
            return dm_bad_param(ei, "hold_ids", "hold_ids must not repeat");
        off += (size_t)snprintf(params + off, plen - off, "%s%lld", i ? "," : "",
                                (long long)s[i]);
    }
    return TK_OK;
}

static tk_err check_holds(tk_domain *d, uint32_t u, const int64_t *ids, int n, int64_t now_ms,
                          int64_t *total, tk_errinfo *ei)
{
    *total = 0;
    for (int i = 0; i < n; i++) {
        int64_t id = ids[i];
        if (ei)
            ei->hold_id = id;
        if (id < 1 || id > (int64_t)d->nholds || d->holds[id - 1].user != u)
            return dm_fail(ei, TK_HOLD_NOT_FOUND, "no such hold %lld", (long long)id);
        const dm_hold *h = &d->holds[id - 1];
        if (h->state == HOLD_LAPSED || (h->state == HOLD_LIVE && h->expires_ms <= now_ms))
            return dm_fail(ei, TK_HOLD_EXPIRED, "hold %lld has lapsed", (long long)id);
        if (h->state != HOLD_LIVE)
            return dm_fail(ei, TK_HOLD_NOT_FOUND, "hold %lld is not live", (long long)id);
        *total += h->price;
    }
    if (ei)
        ei->hold_id = 0;
    return TK_OK;
}

/* paid_ms: the wall clock's now (a fact, domain.h Time). */
static int sell(tk_domain *d, int32_t h, uint32_t payment, int64_t now_ms, int64_t paid_ms)
{
    dm_hold x = d->holds[h];
    dm_hold_end(d, h, HOLD_PAID, now_ms);
    dm_booking b = {.price = x.price, .paid_ms = paid_ms, .user = x.user, .date = x.date,
                    .payment = payment, .seat = x.seat, .state = BOOK_PAID};
    new_code(d, b.code);
    if (dm_booking_push(d, &b) < 0)
        return -1;
    /* HELD -> SOLD: the hold's end and the booking's row, seq, events */
    return dm_seat_set(d, x.date, x.seat, TK_SEAT_SOLD, (int32_t)d->nbookings - 1, now_ms);
}

tk_err tk_payment_pay(tk_domain *d, const char *token, const int64_t *hold_ids, int n,
                      const char *request_id, int64_t now_ms, tk_pay_result *out,
                      tk_errinfo *ei)
{
    uint32_t u, seq;
    if (dm_token_parse(d, token, &u, &seq))
        return dm_fail(ei, TK_TOKEN_INVALID, "token is not valid");
    char params[128];
    tk_err err = check_ids(hold_ids, n, params, sizeof params, ei);
    if (!err)
        err = dm_check_request_id(request_id, ei);
    if (err)
        return err;
    const dm_idem *r = dm_idem_find(d, u, request_id);
    if (r) { /* a replay: the first result, whatever the token says now */
        if (r->method != IDEM_PAY || strcmp(r->params, params))
            return dm_fail(ei, TK_CONFLICT, "request_id already used with other params");
        fill_result(d, (uint32_t)(r->ref - 1), out);
        return TK_OK;
    }
    if ((err = dm_token_active(d, token, now_ms, &u, &seq, ei)))
        return err;
    int64_t total;
    if ((err = check_holds(d, u, hold_ids, n, now_ms, &total, ei)))
        return err;
    int64_t balance = d->users[u].balance;
    if (balance < total) {
        if (ei) {
            ei->balance = balance;
            ei->amount = total;
        }
        return dm_fail(ei, TK_INSUFFICIENT_FUNDS, "balance %lld is below %lld",
                       (long long)balance, (long long)total);
    }
    /* Reserve up front so nothing below can fail halfway. */
    if (DM_RESERVE(d->payments, d->cappayments, d->npayments) < 0 ||
        DM_RESERVE(d->bookings, d->capbookings, d->nbookings + (size_t)n) < 0 ||
        DM_RESERVE(d->ledger, d->capledger, d->nledger) < 0)
        return dm_fail(ei, TK_INTERNAL, "out of memory");
    dm_begin_mutation(d, now_ms);
    int64_t paid = dm_wall(d, now_ms);
    uint32_t p = (uint32_t)d->npayments++;
    d->payments[p] = (dm_payment){total, balance - total, paid, u, (int32_t)d->nbookings,
                                  (uint8_t)n};
    st_payment prow = {p + 1, u + 1, total, balance - total, paid};
    store_payment_insert(d->st, &prow, request_id);
    dm_ledger_add(d, u, LEDGER_PAYMENT, -total, paid, p + 1);
    for (int i = 0; i < n; i++)
        if (sell(d, (int32_t)(hold_ids[i] - 1), p, now_ms, paid) < 0)
            return dm_fail(ei, TK_INTERNAL, "out of memory");
    dm_idem_add(d, u, request_id, IDEM_PAY, params, p + 1, true);
    dm_entry_expire(d, seq, now_ms); /* paid out: the token is done */
    dm_queue_admit(d, now_ms);
    fill_result(d, p, out);
    return TK_OK;
}
