/* tests/unit_console_edges.c -- the console's rough edges (issue 17,
 * section 5) on a headless app: a wrong key is said once, naming the key
 * file; the dashboard's "Last action" does not repeat the status line and
 * follows L into the other language. */
#include <check.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lib/tui_fake.h"
#include "tests/unit_run.h"
#include "tui/console/console_int.h"
#include "tui/ui/text.h"

static app *A;
static adm_console C;

static void setup(void)
{
    tx_set_lang(TX_EN);
    A = tf_app_new(&(app_config){.title = "console"});
    memset(&C, 0, sizeof C);
    adm_model_init(&C.m);
    C.role = ADM_ROLE_ADMIN;
    C.poll_ms = 1500;
    C.key_file = "/etc/ticketd/admin.key";
    app_set_model(A, &C);
}

static void teardown(void) { app_free(A); }

static const tf_sent *call_of(const char *method)
{
    const tf_sent *s = tf_find(A, method);
    ck_assert_msg(s != NULL, "no %s call", method);
    return s;
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

int main(void)
{
    Suite *s = suite_create("console_edges");
    const TTest *tests[] = {wrong_key_said_once_with_its_file, last_action_once_and_in_the_language_shown};
    TCase *t = ur_tcase(s, "edges", 0, tests, UR_LEN(tests));
    tcase_add_checked_fixture(t, setup, teardown);
    return ur_run(s);
}
