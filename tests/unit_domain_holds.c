/* tests/unit_domain_holds.c -- holds: races, limits, sale window, lapse on
 * touch and by tick, the active window, the turn's end, events, restart
 * behaviour. */
#include "tests/unit_domain_util.h"

#include "common/errors.h"

static size_t take_events(tk_domain *d, tk_event *ev, size_t max)
{
    return tk_events_take(d, ev, max);
}

START_TEST(hold_race_and_errors)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN], b[TOKEN_MAX_LEN];
    ut_active(d, "a", T0, a);
    ut_active(d, "b", T0, b);
    int64_t h = ut_hold(d, a, date, 7, T0);
    tk_hold_info hi;
    tk_errinfo ei = {0};
    ck_assert_int_eq(tk_seat_hold(d, b, date, 7, T0, &hi, &ei), TK_SEAT_TAKEN);
    ck_assert_int_eq(ei.seat_no, 7);
    /* the same user again: the same hold, unchanged */
    ck_assert_int_eq(tk_seat_hold(d, a, date, 7, T0 + 5000, &hi, NULL), TK_OK);
    ck_assert_int_eq(hi.hold_id, h);
    ck_assert_int_eq(hi.expires_at_ms, T0 + 300000);
    ck_assert_int_eq(hi.price, 150000);
    ck_assert_int_eq(tk_seat_hold(d, a, date + 1, 1, T0, &hi, NULL), TK_DATE_NOT_FOUND);
    ck_assert_int_eq(tk_seat_hold(d, a, 0, 1, T0, &hi, NULL), TK_DATE_NOT_FOUND);
    ck_assert_int_eq(tk_seat_hold(d, a, date, 0, T0, &hi, &ei), TK_SEAT_NOT_FOUND);
    ck_assert_int_eq(tk_seat_hold(d, a, date, 51, T0, &hi, &ei), TK_SEAT_NOT_FOUND);
    ck_assert_int_eq(ei.seat_no, 51);
    ck_assert_int_eq(tk_seat_hold(d, "t1.garbage.x", date, 1, T0, &hi, NULL), TK_TOKEN_INVALID);
    ck_assert_int_eq(tk_seat_hold(d, NULL, date, 1, T0, &hi, NULL), TK_TOKEN_INVALID);
    /* hold limit: 4 live holds */
    ut_hold(d, a, date, 8, T0);
    ut_hold(d, a, date, 9, T0);
    int64_t h4 = ut_hold(d, a, date, 10, T0);
    ck_assert_int_eq(tk_seat_hold(d, a, date, 11, T0, &hi, NULL), TK_HOLD_LIMIT);
    ck_assert_int_eq(tk_hold_release(d, b, h4, T0, &ei), TK_HOLD_NOT_FOUND); /* not b's */
    ck_assert_int_eq(tk_hold_release(d, a, 999, T0, &ei), TK_HOLD_NOT_FOUND);
    ck_assert_int_eq(tk_hold_release(d, a, h4, T0, NULL), TK_OK);
    ck_assert_int_eq(tk_hold_release(d, a, h4, T0, NULL), TK_OK); /* twice: a resend */
    ck_assert_int_eq(ut_seat(d, date, 10, T0), TK_SEAT_FREE);
    /* a resend that arrives after b took the seat leaves b's hold alone */
    ut_hold(d, b, date, 10, T0);
    ck_assert_int_eq(tk_hold_release(d, a, h4, T0, NULL), TK_OK);
    ck_assert_int_eq(ut_seat(d, date, 10, T0), TK_SEAT_HELD);
    ck_assert_int_eq(tk_hold_release(d, b, h4, T0, NULL), TK_HOLD_NOT_FOUND); /* still not b's */
    ut_hold(d, a, date, 11, T0);
    ut_commit(d);
    ut_close(d);
}
END_TEST

START_TEST(sale_window)
{
    tk_domain *d = ut_open(T0);
    int64_t cid, did, prices[TK_SEATS] = {0};
    tk_errinfo ei = {0};
    ck_assert_int_eq(tk_admin_concert_create(d, "c", "v", T0, &cid, NULL), TK_OK);
    ck_assert_int_eq(tk_admin_date_create(d, cid, T0 + DAY, prices, T0 + 1000, T0, &did, &ei),
                     TK_OK);
    char t[TOKEN_MAX_LEN];
    ut_active(d, "a", T0, t);
    tk_hold_info hi;
    ck_assert_int_eq(tk_seat_hold(d, t, did, 1, T0 + 999, &hi, NULL), TK_NOT_ON_SALE);
    ck_assert_int_eq(tk_seat_hold(d, t, did, 1, T0 + 1000, &hi, NULL), TK_OK);
    ck_assert_int_eq(hi.price, 0); /* free seats are allowed */
    ut_active(d, "late", T0 + DAY, t);
    ck_assert_int_eq(tk_seat_hold(d, t, did, 2, T0 + DAY, &hi, NULL), TK_NOT_ON_SALE);
    ck_assert_int_eq(tk_admin_date_create(d, cid, T0 + 10, prices, T0 + 11, T0, &did, &ei),
                     TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "on_sale_at");
    ut_close(d);
}
END_TEST

START_TEST(lapse_on_touch_then_tick)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN], b[TOKEN_MAX_LEN];
    ut_active(d, "a", T0, a);
    ut_active(d, "b", T0, b);
    ut_hold(d, a, date, 3, T0);
    ut_commit(d);
    tk_event ev[64];
    take_events(d, ev, 64);
    int64_t t1 = T0 + 300000; /* the deadline: lapsed from here on */
    tk_seat_info s[TK_SEATS];
    uint64_t seq0, seq1;
    ck_assert_int_eq(tk_seats_list(d, b, date, t1 - 1, s, &seq0, NULL, NULL), TK_OK);
    ck_assert_int_eq(s[2].state, TK_SEAT_HELD);
    ck_assert(!s[2].mine);
    ck_assert_int_eq(tk_seats_list(d, b, date, t1, s, &seq1, NULL, NULL), TK_OK);
    ck_assert_int_eq(s[2].state, TK_SEAT_FREE); /* no tick has run */
    ck_assert_int_eq(seq1, seq0);
    /* a's token is spent by the lapse, even before the sweep */
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_status(d, a, t1, &q, NULL), TK_TOKEN_EXPIRED);
    /* b takes the seat: the touch releases the lapsed hold first */
    int64_t hb = ut_hold(d, b, date, 3, t1);
    ut_commit(d);
    size_t n = take_events(d, ev, 64);
    /* lapse (free) then hold (held), each with a SALES event */
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(ev[0].kind, TK_EV_SEAT);
    ck_assert_int_eq(ev[0].state, TK_SEAT_FREE);
    ck_assert_int_eq(ev[0].seq, seq0 + 1);
    ck_assert_int_eq(ev[1].kind, TK_EV_SALES);
    ck_assert_int_eq(ev[2].state, TK_SEAT_HELD);
    ck_assert_int_eq(ev[2].seq, seq0 + 2);
    ck_assert_int_eq(ev[3].held, 1);
    ck_assert_int_eq(ev[3].free, 49);
    /* tick releases b's hold when it lapses and ends b's token */
    ck_assert_int_eq(tk_next_deadline(d, t1), t1 + 300000 < t1 + 1000 ? t1 + 300000 : t1 + 1000);
    tk_tick(d, t1 + 299999);
    ck_assert_int_eq(ut_seat(d, date, 3, t1 + 299999), TK_SEAT_HELD);
    ck_assert_int_eq(tk_next_deadline(d, t1 + 299500), t1 + 300000);
    tk_tick(d, t1 + 300000);
    ut_commit(d);
    ck_assert_int_eq(ut_seat(d, date, 3, t1 + 300000), TK_SEAT_FREE);
    ck_assert_int_eq(tk_queue_status(d, b, t1 + 300000, &q, NULL), TK_TOKEN_EXPIRED);
    tk_errinfo ei = {0};
    tk_pay_result pr;
    ck_assert_int_eq(tk_payment_pay(d, b, &hb, 1, "p", t1 + 300000, &pr, &ei), TK_TOKEN_EXPIRED);
    ut_close(d);
}
END_TEST

START_TEST(partial_lapse_keeps_token)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN];
    tk_uuid u = ut_active(d, "a", T0, a);
    int64_t h1 = ut_hold(d, a, date, 1, T0);
    int64_t h2 = ut_hold(d, a, date, 2, T0 + 60000);
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_status(d, a, T0 + 1000, &q, NULL), TK_OK);
    ck_assert_int_eq(q.expires_in_s, 359); /* the last hold's deadline */
    int64_t t = T0 + 300000;
    ck_assert_int_eq(tk_queue_status(d, a, t, &q, NULL), TK_OK);
    tk_errinfo ei = {0};
    ck_assert_int_eq(tk_hold_release(d, a, h1, t, &ei), TK_HOLD_EXPIRED);
    ut_charge(d, &u, 1000000, "c", t);
    tk_pay_result pr;
    int64_t both[2] = {h1, h2};
    ck_assert_int_eq(tk_payment_pay(d, a, both, 2, "p", t, &pr, &ei), TK_HOLD_EXPIRED);
    ck_assert_int_eq(ei.hold_id, h1);
    ck_assert_int_eq(tk_payment_pay(d, a, &h2, 1, "p", t, &pr, &ei), TK_OK);
    ck_assert_int_eq(pr.amount, 150000);
    ut_close(d);
}
END_TEST

START_TEST(active_window)
{
    tk_config c = ut_cfg(":memory:");
    c.turn_ms = 3600000; /* the window alone here; the turn has its own tests */
    tk_domain *d = ut_open_cfg(&c, T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN];
    ut_active(d, "a", T0, a);
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_status(d, a, T0, &q, NULL), TK_OK);
    ck_assert_int_eq(q.expires_in_s, 600);
    /* a hold and its release restart the window from the release */
    int64_t h = ut_hold(d, a, date, 1, T0 + 500000);
    ck_assert_int_eq(tk_hold_release(d, a, h, T0 + 700000, NULL), TK_OK);
    ck_assert_int_eq(tk_queue_status(d, a, T0 + 700000 + 599999, &q, NULL), TK_OK);
    ck_assert_int_eq(q.expires_in_s, 1);
    ck_assert_int_eq(tk_queue_status(d, a, T0 + 1300000, &q, NULL), TK_TOKEN_EXPIRED);
    tk_queue_stats qs;
    tk_queue_stats_get(d, T0 + 1300000, &qs);
    ck_assert_int_eq(qs.active, 1); /* not swept yet */
    tk_uuid who;
    ck_assert_int_eq(tk_token_user(d, a, T0 + 1300000, &who, NULL), TK_TOKEN_EXPIRED);
    tk_tick(d, T0 + 1300000);
    tk_queue_stats_get(d, T0 + 1300000, &qs);
    ck_assert_int_eq(qs.active, 0);
    ut_close(d);
}
END_TEST

START_TEST(leave_and_rejoin_release_holds)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN];
    tk_uuid u = ut_active(d, "a", T0, a);
    ut_hold(d, a, date, 1, T0);
    ut_hold(d, a, date, 2, T0);
    ut_commit(d);
    tk_event ev[16];
    tk_events_take(d, ev, 16);
    ck_assert_int_eq(tk_queue_leave(d, a, T0 + 10, NULL), TK_OK);
    ck_assert_int_eq(ut_seat(d, date, 1, T0 + 10), TK_SEAT_FREE);
    ck_assert_int_eq(ut_seat(d, date, 2, T0 + 10), TK_SEAT_FREE);
    ut_commit(d);
    size_t n = tk_events_take(d, ev, 16);
    ck_assert_int_eq(n, 4); /* two seats, each SEAT + SALES */
    ck_assert_int_eq(ev[2].seq, ev[0].seq + 1);
    /* an idle-expired token is replaced by a fresh place on join */
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_join(d, &u, T0 + 20, &q, NULL), TK_OK);
    ck_assert_int_eq(q.seq, 2);
    ck_assert_int_eq(tk_queue_join(d, &u, T0 + 20 + 600000, &q, NULL), TK_OK);
    ck_assert_int_eq(q.seq, 3);
    ck_assert_int_eq(q.state, TK_TOKEN_ACTIVE);
    ut_close(d);
}
END_TEST

START_TEST(restart_keeps_live_releases_lapsed)
{
    char *path = ut_tmpdb();
    tk_config c = ut_cfg(path);
    tk_domain *d = ut_open_cfg(&c, T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN], b[TOKEN_MAX_LEN];
    ut_active(d, "a", T0, a);
    ut_active(d, "b", T0, b);
    int64_t ha = ut_hold(d, a, date, 1, T0);
    int64_t hb = ut_hold(d, b, date, 2, T0 + 200000);
    tk_seat_info s[TK_SEATS];
    uint64_t seq_before;
    ck_assert_int_eq(tk_admin_seats(d, date, T0, s, &seq_before, NULL), TK_OK);
    ut_close(d);

    /* down for 250 s: a's hold (deadline T0+300 s) is live, b's too */
    d = ut_open_cfg(&c, T0 + 250000);
    uint64_t seq;
    ck_assert_int_eq(tk_admin_seats(d, date, T0 + 250000, s, &seq, NULL), TK_OK);
    ck_assert_int_eq(seq, seq_before);
    ck_assert_int_eq(s[0].state, TK_SEAT_HELD);
    ck_assert_int_eq(s[0].hold_id, ha);
    ck_assert_int_eq(s[0].hold_expires_ms, T0 + 300000);
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_status(d, a, T0 + 250000, &q, NULL), TK_OK);
    ck_assert_int_eq(q.state, TK_TOKEN_ACTIVE);
    ut_close(d);

    /* down past a's deadline: released at open, a's token expired, b's live */
    d = ut_open_cfg(&c, T0 + 400000);
    ck_assert_int_eq(tk_admin_seats(d, date, T0 + 400000, s, &seq, NULL), TK_OK);
    ck_assert_int_eq(s[0].state, TK_SEAT_FREE);
    ck_assert_int_eq(s[1].state, TK_SEAT_HELD);
    ck_assert_int_eq(s[1].hold_id, hb);
    ck_assert_int_eq(seq, seq_before + 1); /* the release at open counted */
    ck_assert_int_eq(tk_queue_status(d, a, T0 + 400000, &q, NULL), TK_TOKEN_EXPIRED);
    ck_assert_int_eq(tk_queue_status(d, b, T0 + 400000, &q, NULL), TK_OK);
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

/* A date's seq is written once per batch (at its commit), not per change:
 * whatever happened in the batch, the seq a restart reads back is the one
 * the last change announced, including a batch that a close committed. */
START_TEST(seq_written_at_commit_survives_restart)
{
    char *path = ut_tmpdb();
    tk_config c = ut_cfg(path);
    tk_domain *d = ut_open_cfg(&c, T0);
    int64_t date = ut_date(d, T0), other = ut_date(d, T0);
    char a[TOKEN_MAX_LEN];
    ut_active(d, "a", T0, a);
    ut_commit(d);
    tk_seat_info s[TK_SEATS];
    uint64_t seq0, seq, oseq0, oseq;
    ck_assert_int_eq(tk_admin_seats(d, date, T0, s, &seq0, NULL), TK_OK);
    ck_assert_int_eq(tk_admin_seats(d, other, T0, s, &oseq0, NULL), TK_OK);
    for (int i = 0; i < 10; i++) /* 20 changes to one date in one batch */
        ck_assert_int_eq(tk_hold_release(d, a, ut_hold(d, a, date, 1, T0), T0, NULL), TK_OK);
    ut_hold(d, a, other, 3, T0);
    ck_assert_int_eq(tk_batch_commit(d), 0);
    ck_assert_int_eq(tk_admin_seats(d, date, T0, s, &seq, NULL), TK_OK);
    ck_assert_int_eq(seq, seq0 + 20);
    ut_hold(d, a, date, 2, T0); /* a change left for the close to commit */
    tk_close(d);

    d = ut_open_cfg(&c, T0 + 1000);
    ck_assert_int_eq(tk_admin_seats(d, date, T0 + 1000, s, &seq, NULL), TK_OK);
    ck_assert_int_eq(seq, seq0 + 21);
    ck_assert_int_eq(s[1].state, TK_SEAT_HELD);
    ck_assert_int_eq(tk_admin_seats(d, other, T0 + 1000, s, &oseq, NULL), TK_OK);
    ck_assert_int_eq(oseq, oseq0 + 1);
    ut_close(d);

    /* past the deadlines: the releases done while opening are saved too */
    d = ut_open_cfg(&c, T0 + 400000);
    ck_assert_int_eq(tk_admin_seats(d, date, T0 + 400000, s, &seq, NULL), TK_OK);
    ck_assert_int_eq(seq, seq0 + 22);
    tk_close(d);
    d = ut_open_cfg(&c, T0 + 400000);
    ck_assert_int_eq(tk_admin_seats(d, date, T0 + 400000, s, &seq, NULL), TK_OK);
    ck_assert_int_eq(seq, seq0 + 22);
    ck_assert_int_eq(s[1].state, TK_SEAT_FREE);
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

START_TEST(admin_release_and_seat_view)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN];
    ut_active(d, "a", T0, a);
    int64_t h = ut_hold(d, a, date, 5, T0);
    tk_seat_info s[TK_SEATS];
    uint64_t seq;
    ck_assert_int_eq(tk_seats_list(d, a, date, T0, s, &seq, NULL, NULL), TK_OK);
    ck_assert(s[4].mine);
    ck_assert_int_eq(s[4].hold_id, 0); /* member view has no hold ids */
    ck_assert_int_eq(tk_admin_seats(d, date, T0, s, &seq, NULL), TK_OK);
    ck_assert_int_eq(s[4].hold_id, h);
    ck_assert(!s[4].mine);
    ck_assert_int_eq(tk_admin_seats(d, 99, T0, s, &seq, NULL), TK_DATE_NOT_FOUND);
    ck_assert_int_eq(tk_seats_list(d, a, 99, T0, s, &seq, NULL, NULL), TK_DATE_NOT_FOUND);
    ck_assert_int_eq(tk_admin_hold_release(d, 0, T0, NULL), TK_HOLD_NOT_FOUND);
    ck_assert_int_eq(tk_admin_hold_release(d, h + 1, T0, NULL), TK_HOLD_NOT_FOUND);
    ck_assert_int_eq(tk_admin_hold_release(d, h, T0, NULL), TK_OK);
    ck_assert_int_eq(tk_admin_hold_release(d, h, T0, NULL), TK_HOLD_NOT_FOUND);
    ck_assert_int_eq(ut_seat(d, date, 5, T0), TK_SEAT_FREE);
    /* the token survives an operator release (window restarts) */
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_status(d, a, T0 + 1000, &q, NULL), TK_OK);
    int64_t h2 = ut_hold(d, a, date, 6, T0);
    ck_assert_int_eq(tk_admin_hold_release(d, h2, T0 + 300000, NULL), TK_HOLD_EXPIRED);
    ut_close(d);
}
END_TEST


#define TURN_END (T0 + 900000) /* the default turn, from admission at T0 */

/* Default turn and holds, with an idle window longer than the turn, so
 * that only the turn ends a token that sits still; a date (*date) and a
 * member admitted at T0 (token a). */
static tk_domain *turn_open(const char *path, int64_t max_active, tk_config *c, int64_t *date,
                            char *a)
{
    *c = ut_cfg(path);
    c->active_window_ms = 3600000;
    c->max_active = max_active;
    tk_domain *d = ut_open_cfg(c, T0);
    *date = ut_date(d, T0);
    ut_active(d, "a", T0, a);
    return d;
}

/* How many events of kind k the batch emitted; *last (when not NULL) the
 * last of them. */
static int kind_count(const tk_event *ev, size_t n, tk_event_kind k, tk_event *last)
{
    int c = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].kind == k) {
            c++;
            if (last)
                *last = ev[i];
        }
    return c;
}

/* The exploit the turn closes: releasing the hold and holding again every
 * second restarted the active window each time, so a member kept a seat
 * and an active slot forever. Now every hold ends at the turn's end at the
 * latest, and the turn ends 900 s after admission whatever is held. */
START_TEST(turn_release_and_rehold_cannot_outlive_it)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN];
    ut_active(d, "a", T0, a);
    tk_hold_info h;
    int64_t t = T0;
    ck_assert_int_eq(tk_seat_hold(d, a, date, 7, t, &h, NULL), TK_OK);
    for (t = T0 + 1000; t < TURN_END; t += 1000) {
        ck_assert_int_eq(tk_hold_release(d, a, h.hold_id, t, NULL), TK_OK);
        ck_assert_int_eq(tk_seat_hold(d, a, date, 7, t, &h, NULL), TK_OK);
        ck_assert_int_le(h.expires_at_ms, TURN_END);
        ck_assert_int_eq(h.turn_ends_ms, TURN_END);
    }
    ck_assert_int_eq(h.expires_at_ms, TURN_END); /* the last one: the turn's end */
    ut_commit(d);
    tk_event ev[4096];
    take_events(d, ev, 4096);
    uint64_t seq0;
    tk_seat_info s[TK_SEATS];
    ck_assert_int_eq(tk_admin_seats(d, date, TURN_END - 1, s, &seq0, NULL), TK_OK);
    ck_assert_int_eq(s[6].state, TK_SEAT_HELD);
    /* the end: the token is spent, the seat free, with no tick run yet */
    ck_assert_int_eq(tk_seat_hold(d, a, date, 8, TURN_END, &h, NULL), TK_TOKEN_EXPIRED);
    ck_assert_int_eq(tk_hold_release(d, a, h.hold_id, TURN_END, NULL), TK_TOKEN_EXPIRED);
    tk_tick(d, TURN_END);
    ut_commit(d);
    ck_assert_int_eq(ut_seat(d, date, 7, TURN_END), TK_SEAT_FREE);
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_status(d, a, TURN_END, &q, NULL), TK_TOKEN_EXPIRED);
    /* published: the seat (next seq), the sales, and the queue's active count */
    size_t n = take_events(d, ev, 4096);
    tk_event e;
    ck_assert_int_eq(kind_count(ev, n, TK_EV_SEAT, &e), 1);
    ck_assert_int_eq(e.seat_no, 7);
    ck_assert_int_eq(e.state, TK_SEAT_FREE);
    ck_assert_int_eq(e.seq, seq0 + 1);
    ck_assert_int_eq(kind_count(ev, n, TK_EV_SALES, &e), 1);
    ck_assert_int_eq(e.held, 0);
    ck_assert_int_eq(kind_count(ev, n, TK_EV_QUEUE, &e), 1);
    ck_assert_int_eq(e.active, 0);
    ut_close(d);
}
END_TEST

/* A hold taken 100 s before the turn's end gets the turn's end as its
 * deadline, not now + 300 s; every reply that carries the turn says so. */
START_TEST(turn_caps_a_late_hold)
{
    tk_config c;
    int64_t date;
    char a[TOKEN_MAX_LEN];
    tk_domain *d = turn_open(":memory:", 100, &c, &date, a);
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_status(d, a, T0, &q, NULL), TK_OK);
    ck_assert_int_eq(q.turn_expires_in_s, 900);
    ck_assert_int_eq(q.expires_in_s, 900); /* the idle window is cut to the turn */
    ut_hold(d, a, date, 1, T0 + 790000); /* a hold ending before the turn */
    tk_hold_info h;
    ck_assert_int_eq(tk_seat_hold(d, a, date, 2, T0 + 800000, &h, NULL), TK_OK);
    ck_assert_int_eq(h.expires_at_ms, TURN_END);
    ck_assert_int_eq(h.turn_ends_ms, TURN_END);
    ck_assert_int_eq(tk_queue_status(d, a, T0 + 800000, &q, NULL), TK_OK);
    ck_assert_int_eq(q.turn_expires_in_s, 100);
    ck_assert_int_eq(q.expires_in_s, 100);
    tk_seat_info s[TK_SEATS];
    uint64_t seq;
    int64_t ends = 0;
    ck_assert_int_eq(tk_seats_list(d, a, date, T0 + 800000, s, &seq, &ends, NULL), TK_OK);
    ck_assert_int_eq(ends, TURN_END);
    ck_assert_int_eq(s[1].own_expires_ms, TURN_END);
    ck_assert_int_eq(s[0].own_expires_ms, TURN_END); /* 790 s + 300 s, cut too */
    tk_tick(d, TURN_END - 1);
    ck_assert_int_eq(ut_seat(d, date, 2, TURN_END - 1), TK_SEAT_HELD);
    tk_tick(d, TURN_END);
    ck_assert_int_eq(ut_seat(d, date, 1, TURN_END), TK_SEAT_FREE);
    ck_assert_int_eq(ut_seat(d, date, 2, TURN_END), TK_SEAT_FREE);
    ck_assert_int_eq(tk_queue_status(d, a, TURN_END, &q, NULL), TK_TOKEN_EXPIRED);
    ut_close(d);
}
END_TEST

/* Without a hold the turn ends too: a release just before the end used to
 * restart the idle window past it. */
START_TEST(turn_ends_without_a_hold)
{
    tk_config c;
    int64_t date;
    char a[TOKEN_MAX_LEN], b[TOKEN_MAX_LEN];
    tk_domain *d = turn_open(":memory:", 1, &c, &date, a);
    int64_t h = ut_hold(d, a, date, 1, T0 + 850000);
    ck_assert_int_eq(tk_hold_release(d, a, h, T0 + 860000, NULL), TK_OK);
    tk_uuid ub = ut_user(d, "b", T0);
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_join(d, &ub, T0 + 860000, &q, NULL), TK_OK);
    ck_assert_int_eq(q.state, TK_TOKEN_WAITING);
    strcpy(b, q.token);
    ck_assert_int_eq(tk_queue_status(d, a, TURN_END - 1, &q, NULL), TK_OK);
    ck_assert_int_eq(q.expires_in_s, 1);
    tk_tick(d, TURN_END);
    ck_assert_int_eq(tk_queue_status(d, a, TURN_END, &q, NULL), TK_TOKEN_EXPIRED);
    ck_assert_int_eq(tk_queue_status(d, b, TURN_END, &q, NULL), TK_OK);
    ck_assert_int_eq(q.state, TK_TOKEN_ACTIVE); /* the slot went to the next in line */
    ut_close(d);
}
END_TEST

/* The turn is counted from the stored admission time: a restart in the
 * middle of it neither restarts nor forgets it, and one after it finds the
 * token expired and its seats free. */
START_TEST(turn_survives_restart)
{
    char *path = ut_tmpdb();
    tk_config c;
    int64_t date;
    char a[TOKEN_MAX_LEN];
    tk_domain *d = turn_open(path, 100, &c, &date, a);
    int64_t h = ut_hold(d, a, date, 1, T0 + 700000);
    ck_assert_int_eq(tk_hold_release(d, a, h, T0 + 800000, NULL), TK_OK);
    ut_close(d);

    d = ut_open_cfg(&c, T0 + 850000);
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_status(d, a, T0 + 850000, &q, NULL), TK_OK);
    ck_assert_int_eq(q.turn_expires_in_s, 50);
    tk_hold_info hi;
    ck_assert_int_eq(tk_seat_hold(d, a, date, 2, T0 + 850000, &hi, NULL), TK_OK);
    ck_assert_int_eq(hi.expires_at_ms, TURN_END);
    ut_close(d);

    d = ut_open_cfg(&c, TURN_END + 1000);
    ck_assert_int_eq(ut_seat(d, date, 2, TURN_END + 1000), TK_SEAT_FREE);
    ck_assert_int_eq(tk_queue_status(d, a, TURN_END + 1000, &q, NULL), TK_TOKEN_EXPIRED);
    tk_queue_stats qs;
    tk_queue_stats_get(d, TURN_END + 1000, &qs);
    ck_assert_int_eq(qs.active, 0);
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

int main(void)
{
    const TTest *holds[] = {
        hold_race_and_errors, sale_window, lapse_on_touch_then_tick,
        partial_lapse_keeps_token, active_window, leave_and_rejoin_release_holds,
        restart_keeps_live_releases_lapsed, seq_written_at_commit_survives_restart,
        admin_release_and_seat_view, turn_release_and_rehold_cannot_outlive_it,
        turn_caps_a_late_hold, turn_ends_without_a_hold, turn_survives_restart};
    Suite *s = suite_create("domain_holds");
    ur_tcase(s, "holds", 30, holds, UR_LEN(holds));
    return ur_run(s);
}
