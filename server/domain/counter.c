/* server/domain/counter.c -- the box-office counter (issue 17): finding a
 * member for a cashier, and the day's close (sales, refunds, top-ups per
 * date, staff member and method). Read-only: both walk memory, which
 * holds every user, booking and ledger entry, so no SQL is needed. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "server/domain/domain_int.h"

/* ---- member lookup --------------------------------------------------------- */

static bool counter_prefix(const char *name, const char *prefix)
{
    for (; *prefix; prefix++, name++)
        if (tolower((unsigned char)*name) != tolower((unsigned char)*prefix))
            return false; /* also at the name's end: '\0' matches no prefix byte */
    return true;
}

static void counter_member(const tk_domain *d, uint32_t u, tk_member_cb cb, void *ctx)
{
    const dm_user *x = &d->users[u];
    tk_member_info m = {.name = x->name, .balance = x->balance};
    memcpy(m.user_id.b, x->id, 16);
    for (int32_t i = x->last_booking; i >= 0; i = d->bookings[i].prev)
        m.bookings += d->bookings[i].state == BOOK_PAID;
    cb(ctx, &m);
}

tk_err tk_member_find(const tk_domain *d, const char *name_prefix, const char *code,
                      tk_member_cb cb, void *ctx, tk_errinfo *ei)
{
    bool by_name = name_prefix && name_prefix[0], by_code = code && code[0];
    if (!by_name && !by_code)
        return dm_bad_param(ei, "name", "give name (a prefix) or code");
    int n = 0;
    int64_t owner = -1;
    if (by_code) {
        int32_t b = dm_booking_by_text(d, code);
        if (b >= 0) {
            owner = d->bookings[b].user;
            counter_member(d, (uint32_t)owner, cb, ctx);
            n++;
        }
    }
    /* Newest first: the member at the counter most likely joined lately. */
    for (size_t i = d->nusers; by_name && i-- > 0 && n < TK_MEMBER_FIND_MAX;) {
        if ((int64_t)i == owner || !counter_prefix(d->users[i].name, name_prefix))
            continue;
        counter_member(d, (uint32_t)i, cb, ctx);
        n++;
    }
    return TK_OK;
}

/* ---- the day's close ------------------------------------------------------- */

typedef struct {
    tk_report_row *rows;
    size_t n, cap;
    bool oom;
} counter_sums;

static void counter_add(counter_sums *s, tk_report_kind kind, int64_t date_id,
                        const char *staff, const char *method, int64_t amount)
{
    for (size_t i = 0; i < s->n; i++) {
        tk_report_row *r = &s->rows[i];
        if (r->kind == kind && r->date_id == date_id && !strcmp(r->staff, staff) &&
            !strcmp(r->method, method)) {
            r->count++;
            r->amount += amount;
            return;
        }
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        tk_report_row *g = realloc(s->rows, cap * sizeof *g);
        if (!g) {
            s->oom = true;
            return;
        }
        s->rows = g;
        s->cap = cap;
    }
    s->rows[s->n++] = (tk_report_row){kind, date_id, staff, method, 1, amount};
}

static int counter_cmp(const void *pa, const void *pb)
{
    const tk_report_row *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->date_id != b->date_id)
        return a->date_id < b->date_id ? -1 : 1;
    int c = strcmp(a->staff, b->staff);
    return c ? c : strcmp(a->method, b->method);
}

static const char *const report_kinds[] = {"sale", "refund", "topup", "checkin"};

const char *tk_report_kind_name(tk_report_kind k)
{
    return (unsigned)k < 4 ? report_kinds[k] : "";
}

tk_err tk_report(const tk_domain *d, int64_t from_ms, int64_t to_ms, tk_report_cb cb, void *ctx,
                 tk_errinfo *ei)
{
    if (from_ms >= to_ms)
        return dm_bad_param(ei, "to", "to must be after from");
    counter_sums s = {0};
    for (size_t i = 0; i < d->nbookings; i++) {
        const dm_booking *b = &d->bookings[i];
        if (b->paid_ms >= from_ms && b->paid_ms < to_ms)
            counter_add(&s, TK_REP_SALE, b->date + 1, "", "wallet", b->price);
    }
    for (size_t i = 0; i < d->nledger; i++) {
        const dm_ledger *l = &d->ledger[i];
        if (l->at_ms < from_ms || l->at_ms >= to_ms || l->kind == LEDGER_PAYMENT)
            continue;
        const char *staff = dm_staff_name(d, l->staff);
        if (l->kind == LEDGER_REFUND) {
            int64_t date = l->ref >= 1 && l->ref <= (int64_t)d->nbookings
                               ? d->bookings[l->ref - 1].date + 1 : 0;
            counter_add(&s, TK_REP_REFUND, date, staff, "wallet", l->amount);
        } else {
            const char *m = l->method ? tk_pay_method_name(l->method) : "kiosk";
            counter_add(&s, TK_REP_TOPUP, 0, staff, m, l->amount);
        }
    }
    /* Check-ins by date and gate (the row's method names the gate; the
     * booking records where it was scanned, not by whom). */
    for (size_t i = 0; i < d->nbookings; i++) {
        const dm_booking *b = &d->bookings[i];
        if (b->checkin_ms && b->checkin_ms >= from_ms && b->checkin_ms < to_ms)
            counter_add(&s, TK_REP_CHECKIN, b->date + 1, "", b->gate ? b->gate : "", 0);
    }
    if (s.oom) {
        free(s.rows);
        return dm_fail(ei, TK_INTERNAL, "out of memory");
    }
    if (s.n)
        qsort(s.rows, s.n, sizeof *s.rows, counter_cmp);
    for (size_t i = 0; i < s.n; i++)
        cb(ctx, &s.rows[i]);
    free(s.rows);
    return TK_OK;
}
