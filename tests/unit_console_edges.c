/* tests/unit_console_edges.c -- the console's rough edges (issue 17,
 * section 5) on a headless app: a wrong key is said once, naming the key
 * file; the dashboard's "Last action" does not repeat the status line and
 * follows L into the other language. */
#include <check.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit_console_util.h"
#include "tests/unit_run.h"

static void setup(void)
{
    uc_open(ADM_ROLE_ADMIN);
    C.poll_ms = 1500;
    C.key_file = "/etc/ticketd/admin.key";
}

/* whoami refused: said once, with the file read; the dashboard shows it
 * where its table would be and does not add its own FORBIDDEN, nor the
 * "Last action" line; an action tried still says its own refusal. */
START_TEST(wrong_key_said_once_with_its_file)
{
    static const char *msg = "The server refused the key read from /etc/ticketd/admin.key (wrong admin "
                             "key): start again with --admin-key-file FILE.";
    app_push(A, &adm_start_ops, adm_start_new());
    app_settle(A);
    tf_reply(A, call_of("admin.whoami")->id, NULL, TK_FORBIDDEN, NULL);
    ck_assert_str_eq(C.last, msg);
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
    tf_reply(A, call_of("admin.dashboard")->id, NULL, TK_FORBIDDEN, NULL);
    ck_assert_str_eq(C.last, msg); /* not "admin.dashboard failed" on top */
    ck_assert(adm_dash_last_repeats(A));
    app_flash(A, "");
    ck_assert(adm_dash_last_repeats(A)); /* the table's place has it: once */
    app_key(A, 'p');
    tf_reply(A, call_of("admin.queue.set")->id, NULL, TK_FORBIDDEN, NULL);
    ck_assert_str_eq(C.last, "admin.queue.set failed: FORBIDDEN (wrong admin key)");
}
END_TEST

/* A result is on the status line for a while: the dashboard's "Last
 * action" line waits until it is gone; L says it in the other language. */
START_TEST(last_action_once_and_in_the_language_shown)
{
    app_push(A, &adm_dash_ops, adm_dash_new());
    app_settle(A);
    adm_ok(A, tx(A_R_CONCERT), 7LL);
    ck_assert(adm_dash_last_repeats(A)); /* the status line says it now */
    app_key(A, 'L');
    ck_assert_str_eq(C.last, "공연 7 생성됨.");
    app_key(A, 'L');
    ck_assert_str_eq(C.last, "Concert 7 created.");
    app_flash(A, "something else"); /* the status line moved on */
    ck_assert(!adm_dash_last_repeats(A));
    adm_bad(A, "%s", tx(A_B_NO_CODE));
    app_key(A, 'L');
    tx_set_lang(TX_EN);
    ck_assert_str_ne(C.last, tx(A_B_NO_CODE));
    tx_set_lang(TX_KO);
    ck_assert_str_eq(C.last, tx(A_B_NO_CODE));
}
END_TEST

/* Both dates' maps, one after the other: date 4 has hold 77 on B-13 and
 * booking 9 (TK-AAAA-BBBB) on A-3; date 5 neither. */
static void answer_maps(void)
{
    const tf_sent *o;
    int n = tf_outbox(A, &o);
    int64_t ids[2] = {0, 0};
    for (int i = 0, k = 0; i < n && k < 2; i++)
        if (!strcmp(o[i].method, "admin.seats.list"))
            ids[k++] = o[i].id;
    tf_reply(A, ids[0], "{\"date_id\":4,\"seq\":1,\"seats\":[{\"no\":3,\"state\":\"sold\",\"price\":120000,"
                        "\"code\":\"TK-AAAA-BBBB\",\"booking_id\":9},{\"no\":13,\"state\":\"held\","
                        "\"price\":110000,\"hold_id\":77,\"expires_in_s\":100}]}", TK_OK, NULL);
    tf_reply(A, ids[1], "{\"date_id\":5,\"seq\":1,\"seats\":[{\"no\":1,\"state\":\"free\",\"price\":1}]}",
             TK_OK, NULL);
}

static void on_dashboard(void)
{
    app_push(A, &adm_dash_ops, adm_dash_new());
    app_settle(A);
    tf_reply(A, call_of("admin.dashboard")->id,
             "{\"dates\":[{\"date_id\":4,\"concert_id\":2,\"title\":\"IU\",\"venue\":\"Hall\","
             "\"starts_at\":\"2030-03-01T11:00:00Z\",\"free\":47,\"held\":1,\"sold\":2,\"revenue\":1},"
             "{\"date_id\":5,\"concert_id\":3,\"title\":\"BTS\",\"venue\":\"Dome\","
             "\"starts_at\":\"2030-04-01T11:00:00Z\",\"free\":50,\"held\":0,\"sold\":0,\"revenue\":0}],"
             "\"queue\":{\"waiting\":0,\"active\":0,\"admitted\":0,\"admitted_seq\":0,"
             "\"admit_per_min\":600,\"max_active\":100,\"paused\":false}}",
             TK_OK, NULL);
    ck_assert_int_eq(C.m.ndates, 2);
}

/* h and b look the id up in every date's map first: the y/n says the
 * seat (B-13 style), the code and the amount; an id on no map is said
 * without asking. */
START_TEST(release_and_refund_by_id_say_what)
{
    on_dashboard();
    type("h77\r");
    ck_assert_int_eq(pending("admin.seats.list"), 2);
    ck_assert_int_eq(pending("admin.hold.release"), 0);
    answer_maps();
    ck_assert_ptr_eq(app_top_ops(A), &adm_ask_ops);
    ck_assert_str_eq(adm_ask_question(app_top_state(A)), "Release hold 77 (seat B-13 of date 4, 110,000 won)? y/n");
    type("y");
    ck_assert_str_eq(call_of("admin.hold.release")->params, "{\"hold_id\":77}");
    tf_reply(A, call_of("admin.hold.release")->id, "{\"released\":true}", TK_OK, NULL);
    ck_assert_str_eq(C.last, "Hold 77 on seat B-13 released.");
    type("b9\r");
    answer_maps();
    ck_assert_str_eq(adm_ask_question(app_top_state(A)),
                     "Refund booking 9, TK-AAAA-BBBB (seat A-3 of date 4, 120,000 won)? y/n");
    type("n");
    ck_assert_int_eq(pending("admin.booking.refund"), 0);
    type("h78\r");
    answer_maps();
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
    ck_assert_str_eq(C.last, "No date has hold 78 (released or lapsed already?).");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("console_edges");
    const TTest *tests[] = {wrong_key_said_once_with_its_file, last_action_once_and_in_the_language_shown,
                            release_and_refund_by_id_say_what};
    TCase *t = ur_tcase(s, "edges", 0, tests, UR_LEN(tests));
    tcase_add_checked_fixture(t, setup, teardown);
    return ur_run(s);
}
