/* tests/unit_domain_history.c -- the last hour per minute that
 * admin.dashboard reports ("history"): the ring itself, then the domain's
 * sales (from bookings, across a restart) and queue length. */
#include "server/domain/minutes.h"
#include "tests/unit_domain_util.h"

#define MIN 60000LL
#define M0 (T0 / MIN * MIN) /* the start of T0's minute */

START_TEST(minute_ring)
{
    min_ring r;
    int64_t out[MIN_SLOTS];
    min_init(&r);
    min_read(&r, M0, out);
    for (int i = 0; i < MIN_SLOTS; i++)
        ck_assert_int_eq(out[i], 0);
    min_add(&r, M0 + 5, 2);
    min_add(&r, M0 + MIN - 1, 1); /* same minute */
    min_add(&r, M0 - MIN, 4);     /* the minute before */
    min_max(&r, M0 + 10 * MIN, 7);
    min_max(&r, M0 + 10 * MIN + 1, 3); /* a level: the larger stays */
    min_read(&r, M0 + 10 * MIN, out);
    ck_assert_int_eq(out[MIN_SLOTS - 1], 7);
    ck_assert_int_eq(out[MIN_SLOTS - 11], 3);
    ck_assert_int_eq(out[MIN_SLOTS - 12], 4);
    ck_assert_int_eq(out[MIN_SLOTS - 10], 0);
    ck_assert_int_eq(min_sum(&r, M0 + 10 * MIN, 1), 7);
    ck_assert_int_eq(min_sum(&r, M0 + 10 * MIN, 11), 7 + 3);
    ck_assert_int_eq(min_sum(&r, M0 + 10 * MIN, 12), 7 + 3 + 4);
    ck_assert_int_eq(min_sum(&r, M0 + 70 * MIN, MIN_SLOTS), 0); /* all older than an hour */
    /* an hour on, M0's slot is read as zero though nobody cleared it */
    min_read(&r, M0 + 60 * MIN, out);
    ck_assert_int_eq(out[MIN_SLOTS - 51], 7);
    for (int i = 0; i < MIN_SLOTS; i++)
        ck_assert_int_eq(out[i], i == MIN_SLOTS - 51 ? 7 : 0);
    /* M0 + 60 min reuses M0's slot; after that an add for M0 (older than
     * the slot's minute by an hour) is dropped, not mixed in */
    min_add(&r, M0 + 60 * MIN, 1);
    min_add(&r, M0, 100);
    min_read(&r, M0 + 60 * MIN, out);
    ck_assert_int_eq(out[MIN_SLOTS - 1], 1);
    min_add(&r, -1, 5); /* before the epoch: ignored */
    min_read(&r, 0, out);
    for (int i = 0; i < MIN_SLOTS; i++)
        ck_assert_int_eq(out[i], 0);
}
END_TEST

static tk_history hist(tk_domain *d, int64_t now)
{
    tk_history h;
    tk_history_get(d, now, &h);
    return h;
}

/* A sale at M0 + 2 min is seen in that minute, stays after a refund and a
 * restart, and leaves the window an hour later; the queue's longest line
 * per minute is known only since the process opened. */
START_TEST(history_sold_and_waiting)
{
    char *path;
    tk_config c;
    tk_domain *d = ut_open_file(&path, &c, 1, M0);
    int64_t date = ut_date(d, M0);
    char a[TOKEN_MAX_LEN];
    tk_uuid ua = ut_active(d, "a", M0, a);
    tk_queue_info q;
    for (int i = 0; i < 2; i++) {
        tk_uuid u = ut_user(d, i ? "c" : "b", M0);
        ck_assert_int_eq(tk_queue_join(d, &u, M0 + 1000, &q, NULL), TK_OK);
        ck_assert_int_eq(q.state, TK_TOKEN_WAITING);
    }
    tk_history h = hist(d, M0 + 1000);
    ck_assert_int_eq(h.waiting[TK_HIST_MINUTES - 1], 2);
    ck_assert_int_eq(h.waiting_minutes, 1);
    tk_tick(d, M0 + MIN + 5); /* a quiet minute shows its line */
    ut_charge(d, &ua, 300000, "c1", M0);
    tk_tick(d, M0 + 2 * MIN); /* the line is 2 in this minute too */
    int64_t ids[2] = {ut_hold(d, a, date, 1, M0 + 2 * MIN), ut_hold(d, a, date, 2, M0 + 2 * MIN)};
    tk_pay_result p;
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 2, "p1", M0 + 2 * MIN, &p, NULL), TK_OK);
    tk_tick(d, M0 + 2 * MIN + 1); /* a's token is spent: b is admitted */
    h = hist(d, M0 + 2 * MIN + 1);
    ck_assert_int_eq(h.sold[TK_HIST_MINUTES - 1], 2);
    ck_assert_int_eq(h.waiting[TK_HIST_MINUTES - 1], 2); /* the longest, not the last */
    ck_assert_int_eq(h.waiting[TK_HIST_MINUTES - 2], 2);
    ck_assert_int_eq(h.waiting_minutes, 3);
    tk_refund_result rr;
    ck_assert_int_eq(tk_admin_booking_refund(d, p.bookings[0].booking_id, M0 + 2 * MIN + 2, &rr,
                                             NULL),
                     TK_OK);
    ck_assert_int_eq(hist(d, M0 + 2 * MIN + 2).sold[TK_HIST_MINUTES - 1], 2);
    ut_close(d);

    d = ut_open_cfg(&c, M0 + 3 * MIN);
    h = hist(d, M0 + 3 * MIN);
    ck_assert_int_eq(h.sold[TK_HIST_MINUTES - 2], 2); /* from the bookings */
    ck_assert_int_eq(h.sold[TK_HIST_MINUTES - 1], 0);
    ck_assert_int_eq(h.waiting[TK_HIST_MINUTES - 1], 1); /* c, still waiting */
    ck_assert_int_eq(h.waiting[TK_HIST_MINUTES - 2], 0); /* before the restart: unknown */
    ck_assert_int_eq(h.waiting_minutes, 1);
    h = hist(d, M0 + 62 * MIN);
    for (int i = 0; i < TK_HIST_MINUTES; i++)
        ck_assert_int_eq(h.sold[i], 0);
    ck_assert_int_eq(h.waiting_minutes, TK_HIST_MINUTES);
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

int main(void)
{
    const TTest *t[] = {minute_ring, history_sold_and_waiting};
    Suite *s = suite_create("domain_history");
    ur_tcase(s, "history", 30, t, UR_LEN(t));
    return ur_run(s);
}
