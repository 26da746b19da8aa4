/* tests/unit_clock.c -- steady time and the wall clock (domain.h, Time).
 *
 * Deadlines run on the steady line and the wall clock appears only at the
 * edges: a deadline written to disk is wall time and comes back onto the
 * new run's line at load, so a restart keeps what was left of it even
 * when the wall clock stepped before; facts (paid_at, the ledger's `at`)
 * are the wall clock of their moment and stay put; sales hours are the
 * calendar's. The engine's side (a step while the server runs) is in
 * unit_engine. */
#include "tests/unit_clock.h"
#include "tests/unit_domain_util.h"

#define HOUR 3600000LL

/* As ticketd's start: the steady line's now, and the offset tk_open takes. */
static tk_domain *uc_open(const char *path, int64_t *now)
{
    tk_config c = ut_cfg(path);
    /* Turns longer than the hour these tests step the clock by: an entry's
     * admission is a fact stored as wall time, so after a step and a
     * restart a 15-minute turn would read as an hour old (see
     * docs/architecture.md, Time). These tests are about hold deadlines. */
    c.turn_ms = 4 * 3600 * 1000;
    *now = clock_steady_ms();
    c.wall_offset_ms = clock_wall_ms() - *now;
    return ut_open_cfg(&c, *now);
}

/* As the engine's batch: the steady now, the domain told the wall clock. */
static int64_t uc_now(tk_domain *d)
{
    int64_t now = clock_steady_ms();
    tk_clock_set(d, clock_wall_ms(), now);
    return now;
}

START_TEST(steady_line_ignores_steps)
{
    uc_start(T0, 5000);
    ck_assert_int_eq(clock_steady_ms(), T0); /* starts on the wall clock */
    uc_step(HOUR);
    ck_assert_int_eq(clock_steady_ms(), T0);
    uc_pass(1000);
    uc_step(-2 * HOUR);
    ck_assert_int_eq(clock_steady_ms(), T0 + 1000);
    ck_assert_int_eq(clock_wall_ms(), T0 + 1000 - HOUR);
    uc_stop(); /* the system's clocks again, on a new line from the wall clock */
    int64_t wall = clock_wall_ms(), steady = clock_steady_ms();
    ck_assert(steady - wall < 1000 && wall - steady < 1000);
}
END_TEST

static int64_t own_left_ms(tk_domain *d, const char *tok, int64_t date, int seat, int64_t now)
{
    tk_seat_info s[TK_SEATS];
    uint64_t seq;
    ck_assert_int_eq(tk_seats_list(d, tok, date, now, s, &seq, NULL, NULL), TK_OK);
    ck_assert(s[seat - 1].mine);
    return s[seat - 1].own_expires_ms - now;
}

/* A hold made after the wall clock stepped forward, then a restart (a new
 * steady line, and the wall clock stepped before the domain opened):
 * the hold keeps exactly the time it had left, and lapses when that runs
 * out. Stored as its steady value it would have lapsed at load; loaded
 * without the new line's offset it would last half an hour longer. */
START_TEST(restart_keeps_deadlines_across_steps)
{
    char *path = ut_tmpdb();
    uc_start(T0, 5000);
    int64_t now;
    tk_domain *d = uc_open(path, &now);
    int64_t date = ut_date(d, now);
    char tok[TOKEN_MAX_LEN];
    ut_active(d, "a", now, tok);
    uc_pass(1000);
    uc_step(HOUR);
    now = uc_now(d);
    ut_hold(d, tok, date, 7, now);
    ck_assert_int_eq(own_left_ms(d, tok, date, 7, now), 300000);
    ut_close(d);

    /* Down ten seconds; the new process fixed its steady line while the
     * wall clock read half an hour behind, then NTP stepped it right
     * before the domain opened: the line and the wall clock differ. */
    uc_pass(10000);
    int64_t wall = clock_wall_ms();
    uc_start(wall - HOUR / 2, 777);
    uc_step(HOUR / 2);
    d = uc_open(path, &now);
    ck_assert_int_eq(own_left_ms(d, tok, date, 7, now), 290000);
    uc_pass(289000);
    now = uc_now(d);
    tk_tick(d, now);
    ck_assert_int_eq(ut_seat(d, date, 7, now), TK_SEAT_HELD);
    uc_pass(1000);
    now = uc_now(d);
    tk_tick(d, now);
    ck_assert_int_eq(ut_seat(d, date, 7, now), TK_SEAT_FREE);
    ut_close(d);
    uc_stop();
    ut_rmdb(path);
}
END_TEST

static void on_booking(void *ctx, const tk_booking_info *b) { *(int64_t *)ctx = b->paid_at_ms; }
static void on_ledger(void *ctx, const tk_ledger_entry *e)
{
    if (!strcmp(e->kind, "payment"))
        *(int64_t *)ctx = e->at_ms;
}

/* paid_at and the ledger's `at` are the wall clock when it happened, and a
 * later step does not move them; the dashboard's last minute counts the
 * sale whatever the wall clock did. */
START_TEST(facts_are_wall_time_of_their_moment)
{
    uc_start(T0, 5000);
    int64_t now;
    tk_domain *d = uc_open(":memory:", &now);
    int64_t date = ut_date(d, now);
    char tok[TOKEN_MAX_LEN];
    tk_uuid u = ut_active(d, "a", now, tok);
    ut_charge(d, &u, 500000, "r1", now);
    int64_t hold = ut_hold(d, tok, date, 40, now);
    uc_pass(1000);
    uc_step(HOUR);
    now = uc_now(d);
    tk_pay_result pr;
    ck_assert_int_eq(tk_payment_pay(d, tok, &hold, 1, "p1", now, &pr, NULL), TK_OK);
    uc_step(-2 * HOUR);
    now = uc_now(d);
    int64_t paid = 0, at = 0;
    ck_assert_int_eq(tk_booking_list(d, &u, on_booking, &paid, NULL), TK_OK);
    ck_assert_int_eq(tk_wallet_history(d, &u, 10, on_ledger, &at, NULL), TK_OK);
    ck_assert_int_eq(paid, T0 + 1000 + HOUR);
    ck_assert_int_eq(at, T0 + 1000 + HOUR);
    tk_history h;
    tk_history_get(d, now, &h);
    ck_assert_int_eq(h.sold[TK_HIST_MINUTES - 1], 1);
    ut_close(d);
    uc_stop();
}
END_TEST

/* A date goes on sale when the calendar says, not when the steady line
 * gets there: after a step forward past on_sale_at it is on sale. */
START_TEST(sales_hours_follow_the_calendar)
{
    uc_start(T0, 5000);
    int64_t now;
    tk_domain *d = uc_open(":memory:", &now);
    int64_t cid, date, prices[TK_SEATS] = {0};
    ck_assert_int_eq(tk_admin_concert_create(d, "c", "v", now, &cid, NULL), TK_OK);
    ck_assert_int_eq(tk_admin_date_create(d, cid, T0 + DAY, prices, T0 + HOUR / 2, now, &date,
                                          NULL),
                     TK_OK);
    char tok[TOKEN_MAX_LEN];
    ut_active(d, "a", now, tok);
    tk_hold_info h;
    ck_assert_int_eq(tk_seat_hold(d, tok, date, 1, now, &h, NULL), TK_NOT_ON_SALE);
    uc_step(HOUR);
    now = uc_now(d);
    ck_assert_int_eq(tk_seat_hold(d, tok, date, 1, now, &h, NULL), TK_OK);
    ck_assert_int_eq(h.expires_at_ms - now, 300000); /* the deadline is steady */
    ck_assert_int_eq(tk_wall_ms(d, h.expires_at_ms), T0 + HOUR + 300000);
    ut_close(d);
    uc_stop();
}
END_TEST

int main(void)
{
    const TTest *t[] = {steady_line_ignores_steps, restart_keeps_deadlines_across_steps,
                        facts_are_wall_time_of_their_moment, sales_hours_follow_the_calendar};
    Suite *s = suite_create("clock");
    ur_tcase(s, "clock", 0, t, UR_LEN(t));
    return ur_run(s);
}
