/* tests/unit_domain_seats.c -- every path that changes a seat (hold,
 * release, lapse, pay, refund, operator release, turn end, queue leave,
 * load) keeps the date's counters, its seq and its events in step with the
 * seat array: after each step the events are replayed over the seats as
 * they were, every `sales` event must match a recount of the replayed
 * seats, the seqs must run on by one per change, and the counters must
 * match a recount of the seats as they are now. The store side is the
 * invariants checker's (tk_check_invariants, run at every commit) and the
 * reload's: a restart must read back the same seats, seq and counters. */
#include "tests/unit_domain_util.h"

typedef struct {
    tk_seat_info s[TK_SEATS];
    uint64_t seq;
    tk_date_info di;
} sv_view;

typedef struct { int free, held, sold; int64_t revenue; } sv_tally;

typedef struct { int64_t date; tk_date_info *out; } sv_find;

static void sv_date_cb(void *ctx, const tk_date_info *di)
{
    sv_find *f = ctx;
    if (di->date_id == f->date)
        *f->out = *di;
}

static void sv_look(tk_domain *d, int64_t date, int64_t now, sv_view *v)
{
    ck_assert_int_eq(tk_admin_seats(d, date, now, v->s, &v->seq, NULL), TK_OK);
    sv_find f = {date, &v->di};
    memset(&v->di, 0, sizeof v->di);
    tk_dates_all(d, now, sv_date_cb, &f);
    ck_assert_int_eq(v->di.date_id, date);
}

/* The counters as the seats say they should be (the booking's price is
 * the seat's: prices never change after the date is made). */
static sv_tally sv_recount(const tk_seat_state st[TK_SEATS], const tk_seat_info s[TK_SEATS])
{
    sv_tally t = {0};
    for (int i = 0; i < TK_SEATS; i++) {
        t.free += st[i] == TK_SEAT_FREE;
        t.held += st[i] == TK_SEAT_HELD;
        if (st[i] == TK_SEAT_SOLD) {
            t.sold++;
            t.revenue += s[i].price;
        }
    }
    return t;
}

static void sv_tally_eq(sv_tally t, int free, int held, int sold, int64_t revenue,
                        const char *what)
{
    ck_assert_msg(t.free == free && t.held == held && t.sold == sold && t.revenue == revenue,
                  "%s: counters %d/%d/%d/%lld, the seats say %d/%d/%d/%lld", what, free, held,
                  sold, (long long)revenue, t.free, t.held, t.sold, (long long)t.revenue);
}

/* Checks the step from *v to now: `changed` seat changes, each a `seat`
 * event with the next seq followed by a `sales` event that matches the
 * seats replayed so far; then commits (invariants) and moves *v on. */
static void sv_step(tk_domain *d, int64_t date, int64_t now, sv_view *v, int changed,
                    const char *what)
{
    sv_view after;
    sv_look(d, date, now, &after);
    tk_event ev[256];
    size_t n = tk_events_take(d, ev, 256);
    tk_seat_state replay[TK_SEATS];
    for (int i = 0; i < TK_SEATS; i++)
        replay[i] = v->s[i].state;
    uint64_t seq = v->seq;
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind == TK_EV_QUEUE)
            continue;
        ck_assert_int_eq(ev[i].date_id, date);
        ck_assert_msg(ev[i].kind == TK_EV_SEAT, "%s: a sales event without its seat", what);
        ck_assert_msg(ev[i].seq == ++seq, "%s: seq %llu after %llu", what,
                      (unsigned long long)ev[i].seq, (unsigned long long)seq - 1);
        replay[ev[i].seat_no - 1] = ev[i].state;
        seen++;
        ck_assert_msg(i + 1 < n && ev[i + 1].kind == TK_EV_SALES, "%s: no sales event", what);
        i++;
        sv_tally_eq(sv_recount(replay, v->s), ev[i].free, ev[i].held, ev[i].sold,
                    ev[i].revenue, what);
    }
    ck_assert_msg(seen == changed, "%s: %d seat events, %d expected", what, seen, changed);
    ck_assert_msg(after.seq == seq, "%s: the date's seq %llu, its events end at %llu", what,
                  (unsigned long long)after.seq, (unsigned long long)seq);
    tk_seat_state now_st[TK_SEATS];
    for (int i = 0; i < TK_SEATS; i++) {
        now_st[i] = after.s[i].state;
        ck_assert_msg(replay[i] == now_st[i], "%s: seat %d is %d, its events say %d", what,
                      i + 1, now_st[i], replay[i]);
    }
    sv_tally_eq(sv_recount(now_st, after.s), after.di.free, after.di.held, after.di.sold,
                after.di.revenue, what);
    ut_commit(d);
    *v = after;
}

static int64_t sv_booking_of(const sv_view *v, int seat)
{
    ck_assert_int_eq(v->s[seat - 1].state, TK_SEAT_SOLD);
    return v->s[seat - 1].booking_id;
}

/* A restart: the seats, seq and counters come back from the rows, and the
 * load says nothing (nobody listens yet). lapsed: seats whose hold lapsed
 * while down (released at load: one seq each). */
static tk_domain *sv_reopen(tk_domain *d, const tk_config *c, int64_t date, int64_t now,
                            sv_view *v, int lapsed)
{
    ut_close(d);
    d = ut_open_cfg(c, now);
    tk_event ev[8];
    ck_assert_uint_eq(tk_events_take(d, ev, 8), 0);
    sv_view after;
    sv_look(d, date, now, &after);
    ck_assert_uint_eq(after.seq, v->seq + (uint64_t)lapsed);
    int changed = 0;
    tk_seat_state st[TK_SEATS];
    for (int i = 0; i < TK_SEATS; i++) {
        st[i] = after.s[i].state;
        changed += st[i] != v->s[i].state;
        ck_assert(st[i] == v->s[i].state || (v->s[i].state == TK_SEAT_HELD &&
                                             st[i] == TK_SEAT_FREE));
    }
    ck_assert_int_eq(changed, lapsed);
    sv_tally_eq(sv_recount(st, after.s), after.di.free, after.di.held, after.di.sold,
                after.di.revenue, "load");
    ut_commit(d);
    *v = after;
    return d;
}

static void sv_join(tk_domain *d, const char *name, int64_t now, char *token)
{
    ut_active(d, name, now, token);
    tk_event ev[16];
    while (tk_events_take(d, ev, 16) > 0) /* queue events only: no seat changed */
        ;
}

START_TEST(every_seat_path_keeps_counters_seq_and_events)
{
    char *path;
    tk_config c;
    tk_domain *d = ut_open_file(&path, &c, 100, T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN], b[TOKEN_MAX_LEN], t[TOKEN_MAX_LEN], e[TOKEN_MAX_LEN];
    sv_join(d, "a", T0, a);
    sv_join(d, "b", T0, b);
    sv_join(d, "t", T0, t);
    tk_uuid ua;
    ck_assert_int_eq(tk_token_user(d, a, T0, &ua, NULL), TK_OK);
    ut_charge(d, &ua, 1000000, "c1", T0);
    sv_view v;
    sv_look(d, date, T0, &v);
    ut_commit(d);

    /* hold, release */
    int64_t h1 = ut_hold(d, a, date, 1, T0), h2 = ut_hold(d, a, date, 2, T0);
    int64_t h3 = ut_hold(d, a, date, 3, T0);
    sv_step(d, date, T0, &v, 3, "hold");
    ck_assert_int_eq(tk_hold_release(d, a, h3, T0, NULL), TK_OK);
    sv_step(d, date, T0, &v, 1, "release");

    /* pay (held -> sold, no free step between), refund */
    int64_t ids[2] = {h1, h2};
    tk_pay_result pr;
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 2, "p1", T0, &pr, NULL), TK_OK);
    sv_step(d, date, T0, &v, 2, "pay");
    tk_refund_result rr;
    ck_assert_int_eq(tk_admin_booking_refund(d, sv_booking_of(&v, 1), T0, &rr, NULL), TK_OK);
    sv_step(d, date, T0, &v, 1, "refund");

    /* the operator's release; a lapse (the last hold: the token ends) */
    int64_t hb = ut_hold(d, b, date, 10, T0);
    sv_step(d, date, T0, &v, 1, "hold b");
    ck_assert_int_eq(tk_admin_hold_release(d, hb, T0, NULL), TK_OK);
    sv_step(d, date, T0, &v, 1, "operator release");
    ut_hold(d, b, date, 11, T0 + 1000);
    sv_step(d, date, T0 + 1000, &v, 1, "hold b again");
    tk_tick(d, T0 + 301000);
    sv_step(d, date, T0 + 301000, &v, 1, "lapse");
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_status(d, b, T0 + 301000, &q, NULL), TK_TOKEN_EXPIRED);

    /* the turn's end: t's second hold is cut to it (turn 900 s) */
    ut_hold(d, t, date, 21, T0 + 500000);
    ut_hold(d, t, date, 20, T0 + 700000);
    sv_step(d, date, T0 + 700000, &v, 2, "holds t");
    tk_tick(d, T0 + 800000);
    sv_step(d, date, T0 + 800000, &v, 1, "lapse, not the last");
    ck_assert_int_eq(tk_queue_status(d, t, T0 + 800000, &q, NULL), TK_OK);
    tk_tick(d, T0 + 900000);
    sv_step(d, date, T0 + 900000, &v, 1, "turn end");
    ck_assert_int_eq(tk_queue_status(d, t, T0 + 900000, &q, NULL), TK_TOKEN_EXPIRED);

    /* leaving the queue releases what one holds */
    int64_t now = T0 + 900000;
    sv_join(d, "e", now, e);
    ut_hold(d, e, date, 30, now);
    ut_hold(d, e, date, 31, now);
    sv_step(d, date, now, &v, 2, "holds e");
    ck_assert_int_eq(tk_queue_leave(d, e, now, NULL), TK_OK);
    sv_step(d, date, now, &v, 2, "queue leave");

    /* load: a live hold and a sale come back as they were; a hold that
     * lapsed while down is released at load */
    sv_join(d, "f", now, e);
    ut_hold(d, e, date, 40, now);
    sv_step(d, date, now, &v, 1, "hold f");
    d = sv_reopen(d, &c, date, now + 5000, &v, 0);
    ck_assert_int_eq(v.s[39].state, TK_SEAT_HELD);
    ck_assert_int_eq(v.s[1].state, TK_SEAT_SOLD);
    d = sv_reopen(d, &c, date, now + 400000, &v, 1);
    ck_assert_int_eq(v.s[39].state, TK_SEAT_FREE);
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

int main(void)
{
    const TTest *seats[] = {every_seat_path_keeps_counters_seq_and_events};
    Suite *s = suite_create("domain_seats");
    ur_tcase(s, "seats", 60, seats, UR_LEN(seats));
    return ur_run(s);
}
