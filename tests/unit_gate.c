/* tests/unit_gate.c -- the door check-in screen (tui/gate), headless: what a
 * scan sends, each verdict as the guard reads it, the admitted / sold count
 * from the dashboard and from events, the newest scan's answer winning,
 * no answer, and the block letters. */
#include <check.h>
#include <curses.h>
#include <sodium.h>
#include <string.h>

#include "tests/lib/tui_fake.h"
#include "tests/unit_run.h"
#include "tui/gate/gate.h"
#include "tui/ui/text.h"

#define STARTS "2099-12-24T19:00:00Z"
#define VERDICT(reason, admitted, gate)                                                      \
    "{\"booking_id\":7,\"code\":\"TK-AAAA-BBBB\",\"date_id\":1,\"seat_no\":13,"              \
    "\"title\":\"IU\",\"starts_at\":\"" STARTS "\",\"admitted\":" admitted ",\"reason\":\""  \
    reason "\",\"checked_in_at\":\"2026-12-07T10:00:00Z\",\"gate\":" gate "}"

static app *A;

static const tf_sent *sent(const char *method)
{
    const tf_sent *c = tf_find(A, method);
    ck_assert_msg(c != NULL, "no %s call", method);
    return c;
}

static void answer(const char *method, const char *result)
{
    tf_reply(A, sent(method)->id, result, TK_OK, NULL);
}

static void scan(const char *code)
{
    for (const char *p = code; *p; p++)
        app_key(A, (unsigned char)*p);
    app_key(A, '\n');
}

static const gt_scan *shown(void) { return gt_screen_scan(app_top_state(A)); }

static void setup(void)
{
    ck_assert_int_ge(sodium_init(), 0);
    tx_set_lang(TX_EN);
    A = tf_app_new(&(app_config){.title = "gate"});
    app_push(A, &gt_screen_ops, gt_screen_new(&(gt_options){"North", 1}));
    app_settle(A);
}

static void teardown(void) { app_free(A); }

START_TEST(scans_and_verdicts)
{
    /* the date's count first, from the dashboard */
    answer("admin.dashboard", "{\"dates\":[{\"date_id\":1,\"title\":\"IU\",\"starts_at\":\"" STARTS
                              "\",\"sold\":2,\"checked_in\":0}]}");
    const gt_count *c = gt_screen_count(app_top_state(A));
    ck_assert(c->known);
    ck_assert_int_eq(c->sold, 2);
    scan("tk-aaaa-bbbb");
    ck_assert_str_eq(sent("admin.booking.checkin")->params,
                     "{\"code\":\"tk-aaaa-bbbb\",\"date_id\":1,\"gate\":\"North\"}");
    answer("admin.booking.checkin", VERDICT("ADMITTED", "true", "\"North\""));
    ck_assert_int_eq(shown()->v, GT_ADMITTED);
    ck_assert_int_eq(shown()->seat_no, 13);
    tf_event(A, "checkin", "{\"date_id\":1,\"checked_in\":1,\"sold\":2}");
    tf_event(A, "checkin", "{\"date_id\":2,\"checked_in\":5,\"sold\":9}"); /* another date */
    ck_assert_int_eq(c->checked_in, 1);
    tf_event(A, "sales", "{\"date_id\":1,\"free\":47,\"held\":0,\"sold\":3,\"revenue\":1}");
    ck_assert_int_eq(c->sold, 3);

    char why[256];
    scan("TK-AAAA-BBBB");
    answer("admin.booking.checkin", VERDICT("ALREADY_USED", "false", "\"North\""));
    ck_assert_int_eq(shown()->v, GT_ALREADY_USED);
    gt_why(why, sizeof why, shown());
    ck_assert_msg(strstr(why, "Already used: scanned ") == why && strstr(why, " at North."), "%s",
                  why);
    scan("TK-CCCC-DDDD");
    answer("admin.booking.checkin", VERDICT("REFUNDED", "false", "null"));
    gt_why(why, sizeof why, shown());
    ck_assert_str_eq(why, "Refunded: this ticket is void.");
    scan("TK-EEEE-FFFF");
    answer("admin.booking.checkin", VERDICT("WRONG_DATE", "false", "null"));
    gt_why(why, sizeof why, shown());
    ck_assert_msg(strstr(why, "Another date's ticket: it is for 2099-12-2"), "%s", why);
    scan("NOPE");
    answer("admin.booking.checkin",
           "{\"booking_id\":null,\"code\":\"NOPE\",\"date_id\":null,\"seat_no\":null,\"title\":null,"
           "\"starts_at\":null,\"admitted\":false,\"reason\":\"UNKNOWN_CODE\","
           "\"checked_in_at\":null,\"gate\":null}");
    ck_assert_int_eq(shown()->v, GT_UNKNOWN_CODE);
    ck_assert_int_eq(shown()->seat_no, 0);
    /* a reply that does not add up is not shown as a verdict */
    scan("TK-AAAA-BBBB");
    answer("admin.booking.checkin", VERDICT("ADMITTED", "false", "null"));
    ck_assert_int_eq(shown()->v, GT_FAILED);
}
END_TEST

START_TEST(newest_scan_wins_and_no_answer)
{
    scan("TK-1111-1111");
    int64_t first = sent("admin.booking.checkin")->id;
    scan("TK-2222-2222");
    answer("admin.booking.checkin", VERDICT("ADMITTED", "true", "null")); /* the newest */
    tf_reply(A, first, VERDICT("ALREADY_USED", "false", "null"), TK_OK, NULL);
    ck_assert_int_eq(shown()->v, GT_ADMITTED);
    scan("TK-3333-3333");
    tf_offline(A, sent("admin.booking.checkin")->id);
    ck_assert_int_eq(shown()->v, GT_FAILED);
    ck_assert_str_eq(shown()->detail, tx(G_NO_ANSWER));
    scan("TK-3333-3333");
    tf_reply(A, sent("admin.booking.checkin")->id, NULL, TK_FORBIDDEN, NULL);
    ck_assert_str_eq(shown()->detail, tx(G_FORBIDDEN));
    /* Esc clears for the next one; Enter on nothing sends nothing */
    app_key(A, 27);
    ck_assert_int_eq(shown()->v, GT_NONE);
    app_key(A, '\n');
    ck_assert_ptr_null(tf_find(A, "admin.booking.checkin"));
}
END_TEST

START_TEST(banner_letters)
{
    char rows[GT_BANNER_ROWS][GT_BANNER_MAX];
    ck_assert_int_eq(gt_banner("B-13", false, rows), 23);
    ck_assert_str_eq(rows[0], "####          #   #### ");
    ck_assert_str_eq(rows[2], "####  #####   #    ### ");
    ck_assert_int_eq(gt_banner("ADMITTED", false, rows), 47);
    ck_assert_int_eq(gt_banner("REFUSED", true, rows), 41);
    ck_assert_ptr_nonnull(strstr(rows[0], "\u2588"));
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {scans_and_verdicts, newest_scan_wins_and_no_answer, banner_letters};
    Suite *s = suite_create("gate");
    tcase_add_checked_fixture(ur_tcase(s, "gate", 0, tests, UR_LEN(tests)), setup, teardown);
    return ur_run(s);
}
