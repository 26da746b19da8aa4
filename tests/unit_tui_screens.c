/* tests/unit_tui_screens.c -- the kiosk's screens driven as functions of
 * (state, key/event/reply) through a headless app: calls land in an outbox
 * and the test answers them, ticks carry the time. No terminal, no server. */
#include "tests/unit_tui_util.h"

#include <time.h>

/* ---- the stack ---- */

typedef struct {
    int entered, left, replies;
} probe_st;
static int probe_freed;
static void p_enter(app *a, void *st) { ((probe_st *)st)->entered++; }
static void p_leave(app *a, void *st) { ((probe_st *)st)->left++; }
static void p_reply(app *a, void *st, int tag, const app_reply *r) { ((probe_st *)st)->replies++; }
static void p_free(void *st)
{
    probe_freed++;
    free(st);
}
static int p_key(app *a, void *st, int key);
static const app_screen_ops probe_ops = {.enter = p_enter, .leave = p_leave, .reply = p_reply, .key = p_key, .free = p_free};
static int p_key(app *a, void *st, int key)
{
    if (key == 'r') { /* replace myself from inside my own handler */
        app_replace(a, &probe_ops, calloc(1, sizeof(probe_st)));
        ((probe_st *)st)->entered += 100; /* still mine to touch */
        return APP_DONE;
    }
    return APP_PASS;
}

START_TEST(stack_rules)
{
    probe_freed = 0;
    probe_st *one = calloc(1, sizeof(*one));
    app *a = mk(false, &probe_ops, one);
    ck_assert_int_eq(one->entered, 1);
    int64_t id = app_call(a, one, "x.y", NULL, 7);
    probe_st *two = calloc(1, sizeof(*two));
    app_push(a, &probe_ops, two);
    ck_assert_int_eq(app_depth(a), 1); /* deferred until settled */
    app_settle(a);
    ck_assert_int_eq(app_depth(a), 2);
    ck_assert_int_eq(one->left, 1);
    tf_reply(a, id, "{}", TK_OK, NULL); /* covered screens get their replies */
    ck_assert_int_eq(one->replies, 1);
    int64_t id2 = app_call(a, two, "x.z", NULL, 1);
    app_key(a, 'r');
    ck_assert_int_eq(app_depth(a), 2);
    ck_assert_int_eq(probe_freed, 1);
    tf_reply(a, id2, "{}", TK_OK, NULL); /* its screen is gone: dropped */
    app_pop(a);
    app_settle(a);
    ck_assert_ptr_eq(app_top_state(a), one);
    ck_assert_int_eq(one->entered, 2);
    app_key(a, KEY_F(10));
    ck_assert(app_quitting(a));
    app_free(a);
    ck_assert_int_eq(probe_freed, 3);
}
END_TEST

START_TEST(kiosk_mode_never_quits)
{
    app *a = mk(true, &ks_welcome_ops, ks_welcome_new());
    app_key(a, KEY_F(10));
    app_key(a, 3); /* ^C */
    app_key(a, 27);
    app_key(a, 'q');
    ck_assert(!app_quitting(a));
    app_quit(a);
    ck_assert(!app_quitting(a));
    app_free(a);
}
END_TEST

/* F2 is a language switch only where the program asks for one; in kiosk
 * mode the end of a session brings the home language back, on a terminal
 * of one's own the choice stays. */
START_TEST(f2_switches_language)
{
    for (int kiosk_mode = 0; kiosk_mode <= 1; kiosk_mode++) {
        tx_set_lang(TX_EN);
        app *a = mk(kiosk_mode, &ks_welcome_ops, ks_welcome_new());
        app_key(a, KEY_F(2));
        ck_assert_int_eq(tx_get_lang(), TX_EN); /* not asked for: no switch */
        ks_set_home_lang(TX_EN);
        app_on_lang(a, ks_lang_changed);
        app_key(a, KEY_F(2));
        ck_assert_int_eq(tx_get_lang(), TX_KO);
        ck_assert_str_eq(app_cfg(a)->title, tx(T_APP_TITLE));
        ck_assert_str_ne(app_cfg(a)->title, "ticketd kiosk");
        app_key(a, KEY_F(2));
        ck_assert_int_eq(tx_get_lang(), TX_EN);
        ck_assert_str_eq(app_cfg(a)->title, "ticketd kiosk");
        app_key(a, KEY_F(2));
        ks_logout(a, T_COUNT);
        app_settle(a);
        ck_assert_int_eq(tx_get_lang(), kiosk_mode ? TX_EN : TX_KO);
        app_free(a);
    }
    tx_set_lang(TX_EN);
}
END_TEST

/* ---- screens ---- */


START_TEST(welcome_register)
{
    app *a = mk(false, &ks_welcome_ops, ks_welcome_new());
    app_key(a, '\t');
    type(a, "Kim Minji"); /* a '?' would open the help (unit_tui_edges) */
    app_key(a, '\n');
    const tf_sent *c = sent(a, "user.register");
    ck_assert_str_eq(c->params, "{\"name\":\"Kim Minji\"}");
    answer(a, "user.register", "{\"user_id\":\"" UID "\"}");
    ck_assert_str_eq(S.user_id, UID);
    ck_assert_ptr_eq(app_top_ops(a), &ks_welcome_ops); /* shows the id first */
    app_key(a, '\n');
    ck_assert_ptr_eq(app_top_ops(a), &ks_queue_ops);
    ck_assert_str_eq(sent(a, "queue.join")->params, "{\"user_id\":\"" UID "\"}");
    app_free(a);
}
END_TEST

START_TEST(welcome_login)
{
    app *a = mk(false, &ks_welcome_ops, ks_welcome_new());
    type(a, "1234");
    app_key(a, '\n');
    ck_assert_ptr_null(tf_find(a, "wallet.balance"));
    ck_assert_str_eq(app_flash_text(a), tx(T_BAD_MEMBER_ID));
    for (int i = 0; i < 4; i++)
        app_key(a, KEY_BACKSPACE);
    type(a, UID);
    app_key(a, '\n');
    fail_with(a, "wallet.balance", TK_USER_NOT_FOUND, NULL);
    ck_assert_str_eq(app_flash_text(a), tx(T_USER_NOT_FOUND));
    ck_assert_ptr_eq(app_top_ops(a), &ks_welcome_ops);
    app_key(a, '\n');
    answer(a, "wallet.balance", "{\"balance\":70000}");
    ck_assert_ptr_eq(app_top_ops(a), &ks_queue_ops);
    ck_assert_int_eq(S.balance, 70000);
    app_free(a);
}
END_TEST

static app *in_queue(void)
{
    snprintf(S.user_id, sizeof(S.user_id), UID);
    return mk(false, &ks_queue_ops, ks_queue_new());
}

/* Before the opening there is no place: admitted_seq events must not be
 * read as one, and the first event without the pre-queue asks for the
 * drawn place, whose seq then drives the estimate. */
START_TEST(queue_prequeue_waits_for_the_draw)
{
    app *a = in_queue();
    answer(a, "queue.join", "{\"token\":\"tok\",\"state\":\"waiting\",\"position\":3,\"eta_s\":90,"
                            "\"seq\":10,\"prequeue\":true,\"opens_in_s\":90}");
    tf_event(a, "queue", "{\"admitted_seq\":10,\"waiting\":0,\"active\":0,\"admit_per_min\":60,"
                               "\"paused\":false,\"prequeue\":4,\"opens_in_s\":89}");
    ck_assert_ptr_null(tf_find(a, "queue.status")); /* not "the line reached us" */
    tf_event(a, "queue", "{\"admitted_seq\":9,\"waiting\":4,\"active\":0,\"admit_per_min\":60,"
                               "\"paused\":false}");
    ck_assert_str_eq(sent(a, "queue.status")->params, "{\"token\":\"tok\"}");
    answer(a, "queue.status", "{\"state\":\"waiting\",\"position\":2,\"eta_s\":20,\"seq\":12}");
    ck_assert_int_eq(S.queue_seq, 12); /* the drawn number */
    app_free(a);
}
END_TEST

/* The pre-queue's line, in both languages, the opening in the server's
 * zone (Asia/Seoul until server.info says), whatever the host's. */
START_TEST(queue_prequeue_text)
{
    setenv("TZ", "UTC", 1);
    char out[160];
    int64_t now = 1900000000000LL; /* 2030-03-17T17:46:40Z = 02:46:40 KST */
    tx_set_lang(TX_EN);
    ks_prequeue_text(out, sizeof out, now, 3600 + 13 * 60 + 20); /* 04:00 */
    ck_assert_str_eq(out, "Sales open at 04:00 KST; your place is drawn then.");
    tx_set_lang(TX_KO);
    ks_prequeue_text(out, sizeof out, now, 3600 + 13 * 60 + 20);
    ck_assert_str_eq(out, "04:00 KST에 판매가 시작되며, 그때 순서를 추첨합니다.");
    tx_set_lang(TX_EN);
    unsetenv("TZ");
    tzset();
}
END_TEST

START_TEST(queue_follows_events)
{
    app *a = in_queue();
    answer(a, "queue.join", "{\"token\":\"tok\",\"state\":\"waiting\",\"position\":5,\"eta_s\":30,\"seq\":10}");
    ck_assert_str_eq(S.token, "tok");
    ck_assert_int_eq(S.queue_seq, 10);
    tf_event(a, "queue", "{\"admitted_seq\":7,\"waiting\":3,\"active\":100,\"admit_per_min\":60,\"paused\":false}");
    ck_assert_ptr_null(tf_find(a, "queue.status"));
    tf_event(a, "queue", "{\"admitted_seq\":10,\"waiting\":0,\"active\":100,\"admit_per_min\":60,\"paused\":false}");
    ck_assert_str_eq(sent(a, "queue.status")->params, "{\"token\":\"tok\"}");
    answer(a, "queue.status", "{\"state\":\"active\",\"position\":0,\"eta_s\":0,\"expires_in_s\":600}");
    ck_assert_ptr_eq(app_top_ops(a), &ks_dates_ops);
    ck_assert_ptr_nonnull(tf_find(a, "dates.list"));
    app_free(a);
}
END_TEST

START_TEST(queue_polls_when_events_stop)
{
    app *a = in_queue();
    answer(a, "queue.join", "{\"token\":\"tok\",\"state\":\"waiting\",\"position\":5,\"eta_s\":30,\"seq\":10}");
    int64_t now = clock_mono_ms();
    tf_event(a, "queue", "{\"admitted_seq\":6,\"waiting\":5,\"active\":1,\"admit_per_min\":60,\"paused\":false}");
    app_tick(a, now + 1000);
    ck_assert_ptr_null(tf_find(a, "queue.status")); /* events flow: no poll */
    app_tick(a, now + 6000);
    ck_assert_ptr_nonnull(tf_find(a, "queue.status"));
    /* an expired token while waiting: join again */
    fail_with(a, "queue.status", TK_TOKEN_EXPIRED, NULL);
    ck_assert_ptr_nonnull(tf_find(a, "queue.join"));
    ck_assert_str_eq(S.token, "");
    app_free(a);
}
END_TEST


START_TEST(seats_hold_and_taken)
{
    static char buf[8192];
    app *a = on_seats();
    ck_assert_str_eq(sent(a, "seats.list")->params, "{\"token\":\"tok\",\"date_id\":1}");
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 5, 0, 0));
    /* another kiosk's hold arrives as an event */
    tf_event(a, "seat.1", "{\"date_id\":1,\"seq\":6,\"seat_no\":2,\"state\":\"held\"}");
    app_key(a, KEY_RIGHT); /* seat 2 */
    app_key(a, '\n');
    ck_assert_ptr_null(tf_find(a, "seat.hold")); /* known taken: no call */
    ck_assert_str_eq(app_flash_text(a), "Seat A-2 is held by someone else. Pick another seat.");
    tf_event(a, "seat.1", "{\"date_id\":1,\"seq\":7,\"seat_no\":2,\"state\":\"sold\"}");
    app_key(a, '\n');
    ck_assert_ptr_null(tf_find(a, "seat.hold"));
    ck_assert_str_eq(app_flash_text(a), "Seat A-2 is sold. Pick another seat.");
    app_key(a, 'l'); /* seat 3 */
    app_key(a, '\n');
    ck_assert_str_eq(sent(a, "seat.hold")->params, "{\"token\":\"tok\",\"date_id\":1,\"seat_no\":3}");
    fail_with(a, "seat.hold", TK_SEAT_TAKEN, NULL); /* lost a race */
    ck_assert_str_eq(app_flash_text(a), "Seat A-3 was just taken by someone else. Pick another seat.");
    ck_assert_int_eq(S.nholds, 0);
    app_key(a, 'j'); /* seat 13 */
    app_key(a, ' ');
    answer(a, "seat.hold",
           "{\"hold_id\":44,\"date_id\":1,\"seat_no\":13,\"price\":90000,\"expires_at\":\"x\",\"expires_in_s\":300}");
    ck_assert_int_eq(S.nholds, 1);
    ck_assert_int_eq(S.holds[0].hold_id, 44);
    ck_assert_str_eq(app_flash_text(a), "Seat B-13 is yours for 05:00.");
    /* our own seat event must not turn it into "held by other" */
    tf_event(a, "seat.1", "{\"date_id\":1,\"seq\":7,\"seat_no\":13,\"state\":\"held\"}");
    app_key(a, '\n'); /* Enter on our own seat releases it */
    ck_assert_str_eq(sent(a, "hold.release")->params, "{\"token\":\"tok\",\"hold_id\":44}");
    answer(a, "hold.release", "{\"released\":true}");
    ck_assert_int_eq(S.nholds, 0);
    app_key(a, 'c');
    ck_assert_ptr_eq(app_top_ops(a), &ks_seats_ops); /* nothing to check out */
    app_free(a);
}
END_TEST

START_TEST(seats_mouse_and_lapse_event)
{
    static char buf[8192];
    app *a = on_seats();
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 1, 0, 0));
    /* the grid at 80x24 starts at row 6; find seat 23's cell */
    int y, x;
    wg_seat_pos(23, 6, (80 - WG_GRID_W) / 2, &y, &x);
    app_mouse_key(a, y, x + 2);
    ck_assert_str_eq(sent(a, "seat.hold")->params, "{\"token\":\"tok\",\"date_id\":1,\"seat_no\":23}");
    answer(a, "seat.hold", "{\"hold_id\":9,\"date_id\":1,\"seat_no\":23,\"price\":90000,\"expires_in_s\":300}");
    ck_assert_int_eq(S.nholds, 1);
    /* staff released it: the event frees it, our hold goes; 300 s early
     * is not a lapse, so a turn that ends later ends as a turn */
    tf_event(a, "seat.1", "{\"date_id\":1,\"seq\":2,\"seat_no\":23,\"state\":\"free\"}");
    ck_assert_int_eq(S.nholds, 0);
    ck_assert(!ks_hold_lapsed(&S));
    app_free(a);
}
END_TEST

START_TEST(seats_lost_hold_reply_resync)
{
    static char buf[8192];
    app *a = on_seats();
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 1, 0, 0));
    app_key(a, 'l'); /* seat 2 */
    app_key(a, '\n');
    tf_unsure(a, sent(a, "seat.hold")->id); /* the server got it; we never heard */
    ck_assert_str_eq(app_flash_text(a), "No answer about seat A-2: checking whether it is yours...");
    ck_assert_int_eq(S.nholds, 0);
    /* the snapshot fetched to find out carries our hold's id and time left */
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 2, 0, 2));
    ck_assert_int_eq(S.nholds, 1);
    ck_assert_int_eq(S.holds[0].hold_id, 77);
    ck_assert_int_eq(S.holds[0].price, 120000);
    ck_assert_int_eq(ks_holds_total(&S), 120000); /* checkout can pay it */
    app_key(a, '\n'); /* and Enter can release it */
    ck_assert_str_eq(sent(a, "hold.release")->params, "{\"token\":\"tok\",\"hold_id\":77}");
    app_free(a);
}
END_TEST

START_TEST(keys_while_loading_are_kept)
{
    static char buf[8192];
    member_with_token();
    app *a = mk(false, &ks_dates_ops, ks_dates_new());
    app_key(a, 'j');  /* to the second date... */
    app_key(a, '\n'); /* ...then Enter: kept, and said so */
    ck_assert_str_eq(app_flash_text(a), "loading... your key is kept until the list is here");
    ck_assert_ptr_eq(app_top_ops(a), &ks_dates_ops);
    answer(a, "dates.list", "{\"dates\":[{\"date_id\":1,\"title\":\"A\",\"starts_at\":\"x\"},"
                            "{\"date_id\":2,\"title\":\"B\",\"starts_at\":\"y\"}]}");
    app_settle(a);
    ck_assert_ptr_eq(app_top_ops(a), &ks_seats_ops); /* Enter went through on the list */
    ck_assert_int_eq(S.date_id, 2); /* the move typed ahead counted too */
    app_key(a, '\n'); /* on the map before its snapshot */
    ck_assert_ptr_null(tf_find(a, "seat.hold"));
    app_key(a, 'l'); /* the cursor still moves: seat 2 is the one held */
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 1, 0, 0));
    ck_assert_str_eq(sent(a, "seat.hold")->params, "{\"token\":\"tok\",\"date_id\":2,\"seat_no\":2}");
    app_free(a);
}
END_TEST

/* An open dates screen learns of a new date live: its first `sales`
 * event (admin.date.create publishes one) names a date the list does not
 * have, so the list is fetched again; a known date's event only updates
 * its counts. */
START_TEST(dates_learn_new_dates_live)
{
    member_with_token();
    app *a = mk(false, &ks_dates_ops, ks_dates_new());
    answer(a, "dates.list", "{\"dates\":[{\"date_id\":1,\"title\":\"A\",\"starts_at\":\"x\"}]}");
    tf_event(a, "sales", "{\"date_id\":1,\"free\":49,\"held\":1,\"sold\":0,\"revenue\":0}");
    ck_assert_ptr_null(tf_find(a, "dates.list"));
    tf_event(a, "sales", "{\"date_id\":7,\"free\":50,\"held\":0,\"sold\":0,\"revenue\":0}");
    ck_assert_ptr_nonnull(tf_find(a, "dates.list"));
    app_free(a);
}
END_TEST

/* A refused amount says what is allowed and empties the field, so the
 * next amount is not typed onto the refused one. */
START_TEST(wallet_refused_amount)
{
    snprintf(S.user_id, sizeof(S.user_id), UID);
    app *a = mk(false, &ks_wallet_ops, ks_wallet_new(false));
    app_key(a, 'c');
    type(a, "2000000\n");
    fail_with(a, "wallet.charge", TK_AMOUNT_INVALID, "{\"max\":1000000}");
    ck_assert_str_eq(app_flash_text(a), "Charge 1 to 1,000,000 won at a time.");
    type(a, "500000\n");
    cJSON *p = cJSON_Parse(sent(a, "wallet.charge")->params);
    ck_assert_int_eq((int)cJSON_GetObjectItem(p, "amount")->valuedouble, 500000);
    cJSON_Delete(p);
    fail_with(a, "wallet.charge", TK_BALANCE_LIMIT, "{\"max\":10000000,\"balance\":9800000}");
    ck_assert_str_eq(app_flash_text(a), "The wallet holds at most 10,000,000 won: up to 200,000 more now.");
    type(a, "7\n"); /* an older server: no limits in the data */
    fail_with(a, "wallet.charge", TK_AMOUNT_INVALID, NULL);
    ck_assert_str_eq(app_flash_text(a), tx(T_WALLET_AMOUNT_BAD));
    app_free(a);
}
END_TEST

START_TEST(kiosk_idle_releases)
{
    member_with_token();
    ks_add_hold(&S, 44, 1, 13, 90000, 300, clock_mono_ms());
    app *a = mk(true, &ks_seats_ops, ks_seats_new(1));
    app_tick(a, clock_mono_ms() + 30000);
    ck_assert_ptr_eq(app_top_ops(a), &ks_seats_ops);
    app_tick(a, clock_mono_ms() + 91000);
    ck_assert_ptr_eq(app_top_ops(a), &ks_welcome_ops);
    ck_assert_int_eq(app_depth(a), 1);
    ck_assert_str_eq(sent(a, "hold.release")->params, "{\"token\":\"tok\",\"hold_id\":44}");
    ck_assert_str_eq(sent(a, "queue.leave")->params, "{\"token\":\"tok\"}");
    ck_assert_str_eq(S.user_id, "");
    ck_assert_str_eq(app_flash_text(a), tx(T_IDLE_RESET));
    app_free(a);
}
END_TEST


Suite *screens_suite(void)
{
    Suite *s = suite_create("tui_screens");
    TCase *t = tcase_create("screens");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, stack_rules);
    tcase_add_test(t, kiosk_mode_never_quits);
    tcase_add_test(t, f2_switches_language);
    tcase_add_test(t, welcome_register);
    tcase_add_test(t, welcome_login);
    tcase_add_test(t, queue_follows_events);
    tcase_add_test(t, queue_polls_when_events_stop);
    tcase_add_test(t, queue_prequeue_waits_for_the_draw);
    tcase_add_test(t, queue_prequeue_text);
    tcase_add_test(t, seats_hold_and_taken);
    tcase_add_test(t, seats_mouse_and_lapse_event);
    tcase_add_test(t, seats_lost_hold_reply_resync);
    tcase_add_test(t, keys_while_loading_are_kept);
    tcase_add_test(t, dates_learn_new_dates_live);
    tcase_add_test(t, wallet_refused_amount);
    tcase_add_test(t, kiosk_idle_releases);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(screens_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
