/* tests/unit_tui_edges.c -- the counter's rough edges (issue 17, section
 * 5), on the headless kiosk: leaving with seats held asks first, a hold
 * the server never answered says so at once, the idle reset warns first,
 * and '?' opens help with a sentence about the screen. */
#include "tests/unit_run.h"
#include "tests/unit_tui_util.h"

static const char *DATES = "{\"dates\":[{\"date_id\":1,\"title\":\"A\",\"starts_at\":\"x\"}]}";

/* Esc from the map, Esc from the dates: with seats held the second asks
 * (in the language shown); n stays with the seats, y releases and leaves. */
START_TEST(leave_with_holds_asks)
{
    member_with_token();
    ks_add_hold(&S, 44, 1, 13, 90000, 300, clock_mono_ms());
    ks_add_hold(&S, 45, 1, 14, 90000, 300, clock_mono_ms());
    app *a = mk(false, &ks_dates_ops, ks_dates_new());
    answer(a, "dates.list", DATES);
    app_push(a, &ks_seats_ops, ks_seats_new(1));
    app_settle(a);
    app_key(a, 27); /* back to the dates */
    ck_assert_ptr_eq(app_top_ops(a), &ks_dates_ops);
    app_key(a, 27); /* leave? */
    ck_assert_ptr_eq(app_top_ops(a), &ks_leave_ops);
    ck_assert_ptr_null(tf_find(a, "hold.release"));
    char q[256];
    ks_leave_question(q, sizeof q, S.nholds);
    ck_assert_str_eq(q, "You hold 2 seats. Leave and release them? y/n");
    app_key(a, 'w'); /* not an answer: swallowed, the dates do not act */
    ck_assert_ptr_eq(app_top_ops(a), &ks_leave_ops);
    app_key(a, 'n');
    ck_assert_ptr_eq(app_top_ops(a), &ks_dates_ops);
    ck_assert_int_eq(S.nholds, 2);
    ck_assert_ptr_null(tf_find(a, "hold.release"));
    tx_set_lang(TX_KO);
    app_key(a, 'q'); /* q leaves too, and asks too */
    ks_leave_question(q, sizeof q, 1);
    ck_assert_str_eq(q, "좌석 1석을 선택해 두었습니다. 나가면서 해제할까요? y/n");
    app_key(a, 'y');
    ck_assert_ptr_eq(app_top_ops(a), &ks_welcome_ops);
    ck_assert_ptr_nonnull(tf_find(a, "hold.release"));
    ck_assert_int_eq(S.nholds, 0);
    app_free(a);
}
END_TEST

/* No seats held: Esc leaves at once, as before. */
START_TEST(leave_without_holds_does_not_ask)
{
    member_with_token();
    app *a = mk(false, &ks_dates_ops, ks_dates_new());
    answer(a, "dates.list", DATES);
    app_key(a, 27);
    ck_assert_ptr_eq(app_top_ops(a), &ks_welcome_ops);
    app_free(a);
}
END_TEST

/* The server is away: Enter on a free seat says at once that it was not
 * held (no call that would only time out); a hold sent and never answered
 * (not sent after all) says so too, and asks the map again. */
START_TEST(hold_while_away_says_not_held)
{
    static char buf[8192];
    app *a = on_seats();
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 1, 0, 0));
    app_set_online(a, false);
    app_key(a, '\n');
    ck_assert_ptr_null(tf_find(a, "seat.hold"));
    ck_assert_str_eq(app_flash_text(a),
                     "Seat A-1 was not held: the server is not answering. Press Enter again when it is back.");
    app_set_online(a, true); /* back: the map is fetched again, Enter works */
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 2, 0, 0));
    app_key(a, '\n');
    tf_offline(a, sent(a, "seat.hold")->id); /* the banner was late: timed out unsent */
    ck_assert_str_eq(app_flash_text(a),
                     "Seat A-1 was not held: the server is not answering. Press Enter again when it is back.");
    ck_assert_ptr_nonnull(tf_find(a, "seats.list"));
    ck_assert_int_eq(S.nholds, 0);
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 3, 0, 0));
    app_key(a, '\n'); /* not stuck: Enter tries again */
    ck_assert_ptr_nonnull(tf_find(a, "seat.hold"));
    app_free(a);
}
END_TEST

/* --kiosk: 15 s before the idle reset a countdown shows; a key closes it
 * and does nothing else (the seat map keeps its cursor, no call); left
 * alone, the reset at 0 is the one of before. */
START_TEST(idle_counts_down_first)
{
    member_with_token();
    ks_add_hold(&S, 44, 1, 13, 90000, 300, clock_mono_ms());
    app *a = mk(true, &ks_seats_ops, ks_seats_new(1));
    int64_t t0 = clock_mono_ms();
    app_tick(a, t0 + 74000);
    ck_assert_int_eq(app_idle_left(a), -1);
    app_tick(a, t0 + 76000);
    int left = app_idle_left(a);
    ck_assert_msg(left >= 13 && left <= 15, "countdown shows %d", left);
    app_key(a, '\n'); /* the answer: not a hold */
    ck_assert_int_eq(app_idle_left(a), -1);
    ck_assert_ptr_null(tf_find(a, "seat.hold"));
    ck_assert_ptr_eq(app_top_ops(a), &ks_seats_ops);
    app_tick(a, clock_mono_ms() + 60000); /* the key started the wait over */
    ck_assert_int_eq(app_idle_left(a), -1);
    app_tick(a, clock_mono_ms() + 76000);
    ck_assert_int_ge(app_idle_left(a), 13);
    app_tick(a, clock_mono_ms() + 91000);
    ck_assert_ptr_eq(app_top_ops(a), &ks_welcome_ops);
    ck_assert_int_eq(app_idle_left(a), -1);
    ck_assert_str_eq(app_flash_text(a), tx(T_IDLE_RESET));
    ck_assert_str_eq(sent(a, "hold.release")->params, "{\"token\":\"tok\",\"hold_id\":44}");
    app_free(a);
}
END_TEST

/* No countdown where the reset would not happen (in the line) or would
 * lose nothing (an empty welcome screen). */
START_TEST(idle_no_countdown_in_line)
{
    member_with_token();
    app *a = mk(true, &ks_queue_ops, ks_queue_new());
    app_tick(a, clock_mono_ms() + 80000);
    ck_assert_int_eq(app_idle_left(a), -1);
    app_free(a);
    memset(&S, 0, sizeof S);
    a = mk(true, &ks_welcome_ops, ks_welcome_new());
    app_tick(a, clock_mono_ms() + 80000);
    ck_assert_int_eq(app_idle_left(a), -1);
    app_free(a);
}
END_TEST

/* '?' opens the help on every screen, the name field too (it typed a '?'
 * there); the help starts with what the screen is for; on the dates
 * screen it has r, which the full bar at 80 columns leaves out. */
START_TEST(qmark_is_help_everywhere)
{
    app *a = mk(false, &ks_welcome_ops, ks_welcome_new());
    app_key(a, '\t'); /* new member: the name field */
    type(a, "Kim?");
    ck_assert(app_help_open(a));
    ck_assert_str_eq(app_help_about(a), tx(T_AB_WELCOME));
    app_key(a, 'x'); /* closes the help */
    ck_assert(!app_help_open(a));
    app_key(a, '\n');
    ck_assert_str_eq(sent(a, "user.register")->params, "{\"name\":\"Kim\"}");
    app_free(a);
    member_with_token();
    a = mk(false, &ks_dates_ops, ks_dates_new());
    app_key(a, '?');
    ck_assert(app_help_open(a));
    ck_assert_str_eq(app_help_about(a), "The concert dates on sale, with their free, held and sold seats, "
                                        "updated live as others buy. Pick one to see its seat map.");
    wg_hint h[32], bar[32];
    int n = app_hints(a, true, h, 32, NULL), nb = app_hints(a, false, bar, 32, NULL);
    bool in_help = false, on_bar = false;
    for (int i = 0; i < n; i++)
        in_help = in_help || (!strcmp(h[i].key, "r") && h[i].text == T_HK_DATES_REFRESH);
    for (int i = 0; i < nb; i++)
        on_bar = on_bar || !strcmp(bar[i].key, "r");
    ck_assert(in_help && !on_bar);
    ck_assert_str_eq(tx(T_HK_DATES_REFRESH), "refresh now (the list also updates live, by itself)");
    app_free(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tui_edges");
    const TTest *tests[] = {leave_with_holds_asks, leave_without_holds_does_not_ask,
                            hold_while_away_says_not_held, idle_counts_down_first,
                            idle_no_countdown_in_line, qmark_is_help_everywhere};
    TCase *t = ur_tcase(s, "edges", 0, tests, UR_LEN(tests));
    tcase_add_checked_fixture(t, setup, NULL);
    return ur_run(s);
}
