/* server/domain/invariants.c -- tk_check_invariants: the properties the system
 * promises (one owner per seat, no negative balance, money conserved),
 * checked over memory and against the store's own sums. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "server/domain/domain_int.h"

static int bad(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(char *why, size_t len, const char *fmt, ...)
{
    if (why && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

#define CHECK(cond, ...)                                                                      \
    do {                                                                                       \
        if (!(cond))                                                                           \
            return bad(why, whylen, __VA_ARGS__);                                              \
    } while (0)

static int check_seats(const tk_domain *d, char *why, size_t whylen)
{
    for (size_t i = 0; i < d->ndates; i++) {
        const dm_date *dt = &d->dates[i];
        int held = 0, sold = 0, inside = 0;
        int64_t revenue = 0;
        for (int s = 0; s < TK_SEATS; s++) {
            const dm_seat *st = &dt->seats[s];
            if (st->state == TK_SEAT_HELD) {
                CHECK(st->ref >= 0 && (size_t)st->ref < d->nholds, "date %zu seat %d: bad hold",
                      i + 1, s + 1);
                const dm_hold *h = &d->holds[st->ref];
                CHECK(h->state == HOLD_LIVE && h->date == i && h->seat == s + 1,
                      "date %zu seat %d: held by a hold that is not its own live hold", i + 1,
                      s + 1);
                held++;
            } else if (st->state == TK_SEAT_SOLD) {
                CHECK(st->ref >= 0 && (size_t)st->ref < d->nbookings,
                      "date %zu seat %d: bad booking", i + 1, s + 1);
                const dm_booking *b = &d->bookings[st->ref];
                CHECK(b->state == BOOK_PAID && b->date == i && b->seat == s + 1,
                      "date %zu seat %d: sold under a foreign booking", i + 1, s + 1);
                sold++;
                inside += b->checkin_ms != 0;
                revenue += b->price;
            }
        }
        CHECK(held == dt->held && sold == dt->sold && revenue == dt->revenue,
              "date %zu: counters out of step", i + 1);
        /* only a sold seat's booking is checked in: a refund refuses one */
        CHECK(inside == dt->checked_in, "date %zu: checked-in count out of step", i + 1);
    }
    return 0;
}

static int check_holds(const tk_domain *d, char *why, size_t whylen, int64_t *live)
{
    int *per_user = calloc(d->nusers + 1, sizeof *per_user);
    CHECK(per_user, "out of memory");
    int rc = 0;
    *live = 0;
    for (size_t h = 0; h < d->nholds && rc == 0; h++) {
        const dm_hold *x = &d->holds[h];
        if (x->state != HOLD_LIVE)
            continue;
        (*live)++;
        const dm_user *u = &d->users[x->user];
        if (d->dates[x->date].seats[x->seat - 1].ref != (int32_t)h ||
            d->dates[x->date].seats[x->seat - 1].state != TK_SEAT_HELD)
            rc = bad(why, whylen, "live hold %zu does not own its seat", h + 1);
        else if (!u->entry || d->entries[u->entry - 1].state != TK_TOKEN_ACTIVE)
            rc = bad(why, whylen, "live hold %zu without an active token", h + 1);
        else if (++per_user[x->user] > d->cfg.max_holds)
            rc = bad(why, whylen, "user over the hold limit");
        else if (x->heap < 0 || (size_t)x->heap >= d->nheap || d->heap[x->heap] != (int32_t)h)
            rc = bad(why, whylen, "live hold %zu missing from the deadline heap", h + 1);
    }
    free(per_user);
    if (rc == 0 && (size_t)*live != d->nheap)
        rc = bad(why, whylen, "heap holds %zu, live holds %lld", d->nheap, (long long)*live);
    return rc;
}

typedef struct { int64_t charges, payments, refunds, balances, bookings; } money;

static int check_money(const tk_domain *d, char *why, size_t whylen, money *m)
{
    *m = (money){0};
    for (size_t i = 0; i < d->nusers; i++) {
        const dm_user *u = &d->users[i];
        CHECK(u->balance >= 0, "user %zu has a negative balance", i + 1);
        int64_t last = u->last_ledger >= 0 ? d->ledger[u->last_ledger].balance : 0;
        CHECK(last == u->balance, "user %zu: balance differs from the ledger", i + 1);
        m->balances += u->balance;
    }
    for (size_t i = 0; i < d->nledger; i++) {
        const dm_ledger *e = &d->ledger[i];
        if (e->kind == LEDGER_CHARGE)
            m->charges += e->amount;
        else if (e->kind == LEDGER_PAYMENT)
            m->payments -= e->amount;
        else
            m->refunds += e->amount;
        if (e->kind == LEDGER_PAYMENT) {
            CHECK(e->ref >= 1 && (size_t)e->ref <= d->npayments &&
                      d->payments[e->ref - 1].amount == -e->amount,
                  "ledger entry %zu does not match its payment", i + 1);
        }
    }
    CHECK(m->charges - m->payments + m->refunds == m->balances,
          "money not conserved: charges %lld - payments %lld + refunds %lld != balances %lld",
          (long long)m->charges, (long long)m->payments, (long long)m->refunds,
          (long long)m->balances);
    int64_t paid = 0;
    for (size_t p = 0; p < d->npayments; p++) {
        const dm_payment *pm = &d->payments[p];
        int64_t sum = 0;
        for (int k = 0; k < pm->n; k++) {
            const dm_booking *b = &d->bookings[pm->first_booking + k];
            CHECK(b->payment == p, "payment %zu: booking list broken", p + 1);
            sum += b->price;
        }
        CHECK(sum == pm->amount && pm->n > 0, "payment %zu: bookings sum to %lld, not %lld",
              p + 1, (long long)sum, (long long)pm->amount);
        paid += pm->amount;
    }
    CHECK(paid == m->payments, "payments total %lld, ledger says %lld", (long long)paid,
          (long long)m->payments);
    for (size_t b = 0; b < d->nbookings; b++)
        m->bookings += d->bookings[b].price;
    return 0;
}

static int check_queue(const tk_domain *d, char *why, size_t whylen)
{
    CHECK(fw_prefix(&d->waiting_fw, d->nentries) == d->nwaiting, "waiting count out of step");
    size_t active = 0;
    int64_t pre = 0;
    for (size_t i = 0; i < d->nentries; i++) {
        active += d->entries[i].state == TK_TOKEN_ACTIVE;
        pre += dm_in_prequeue(d, (uint32_t)i + 1);
        /* places are a permutation of seqs: each place leads back to its entry */
        CHECK(dm_line_seq(d, d->entries[i].place) == i + 1, "entry %zu has place %u of another",
              i + 1, d->entries[i].place);
    }
    CHECK(active == d->nactive, "active set out of step");
    CHECK(pre == d->nprequeue, "pre-queue count out of step");
    for (size_t p = 1; p < d->cursor && p <= d->nentries; p++)
        CHECK(d->entries[dm_line_seq(d, p) - 1].state != TK_TOKEN_WAITING,
              "place %zu waits behind the cursor", p);
    return 0;
}

int tk_check_invariants(tk_domain *d, char *why, size_t whylen)
{
    int64_t live = 0;
    money m;
    if (check_seats(d, why, whylen) < 0 || check_holds(d, why, whylen, &live) < 0 ||
        check_money(d, why, whylen, &m) < 0 || check_queue(d, why, whylen) < 0)
        return -1;
    st_sums s;
    CHECK(store_sums(d->st, &s) == 0, "store sums unreadable");
    CHECK(s.charges == m.charges && s.payments == m.payments && s.refunds == m.refunds &&
              s.balances == m.balances,
          "store money differs from memory");
    CHECK(s.paid_bookings == m.bookings && s.payment_total == m.payments,
          "store bookings/payments differ from memory");
    CHECK(s.live_holds == live, "store has %lld live holds, memory %lld",
          (long long)s.live_holds, (long long)live);
    if (why && whylen)
        why[0] = '\0';
    return 0;
}
