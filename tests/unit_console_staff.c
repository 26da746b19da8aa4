/* tests/unit_console_staff.c -- the console with staff keys (issue 17) on a
 * headless app: admin.whoami decides what it opens; the counter finds a
 * member (id or QR, name) and charges with a method; the end of shift
 * counts only the signed-in cashier's top-ups. */
#include <check.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit_console_util.h"
#include "tests/unit_run.h"

#define MEMBER "5b0c3c0e-8a4e-4c1e-9a8e-2f7d2d1f4a10"


static void setup(void) { uc_open(ADM_ROLE_ADMIN); }

static void start_as(const char *whoami, tk_err err)
{
    app_push(A, &adm_start_ops, adm_start_new());
    app_settle(A);
    tf_reply(A, call_of("admin.whoami")->id, whoami, err, NULL);
}

START_TEST(whoami_opens_what_the_role_allows)
{
    start_as("{\"name\":\"park\",\"role\":\"cashier\",\"topup\":\"staff\"}", TK_OK);
    ck_assert_ptr_eq(app_top_ops(A), &adm_cash_ops);
    ck_assert_str_eq(C.staff, "park");
    ck_assert_str_eq(app_cfg(A)->title, "ticketd console: park (cashier)"); /* who is signed in */
    ck_assert(!adm_role_allows(A, ADM_ROLE_ADMIN));
    app_key(A, 'q'); /* a cashier's console ends at the counter: no dashboard */
    ck_assert(app_quitting(A));
}
END_TEST

START_TEST(whoami_admin_gate_and_old_server)
{
    start_as("{\"name\":\"kim\",\"role\":\"admin\",\"topup\":\"open\"}", TK_OK);
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
    app_key(A, '$'); /* the counter from the dashboard, and back */
    ck_assert_ptr_eq(app_top_ops(A), &adm_cash_ops);
    app_key(A, 27);
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
    app_free(A);
    setup();
    start_as("{\"name\":\"lee\",\"role\":\"gate\",\"topup\":\"open\"}", TK_OK);
    ck_assert_ptr_eq(app_top_ops(A), &adm_start_ops);
    app_free(A);
    setup();
    start_as(NULL, TK_METHOD_NOT_FOUND); /* a server from before staff keys */
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
}
END_TEST

static void open_counter(void)
{
    app_push(A, &adm_cash_ops, adm_cash_new());
    app_settle(A);
}

START_TEST(counter_charges_by_member_id_with_a_method)
{
    open_counter();
    app_key(A, 'c'); /* nobody yet: says how to find one */
    ck_assert(strstr(C.last, "No member yet") != NULL);
    type("i5B0C3C0E8A4E4C1E9A8E2F7D2D1F4A10\r"); /* as a scanner types the QR */
    ck_assert_str_eq(call_of("wallet.balance")->params, "{\"user_id\":\"" MEMBER "\"}");
    tf_reply(A, call_of("wallet.balance")->id, "{\"balance\":1000}", TK_OK, NULL);
    tf_reply(A, call_of("wallet.history")->id,
             "{\"entries\":[{\"entry_id\":1,\"kind\":\"charge\",\"amount\":1000,\"balance\":1000,"
             "\"at\":\"2030-01-01T00:00:00Z\"}]}", TK_OK, NULL);
    type("c50000\r2\r");
    const char *p = call_of("wallet.charge")->params;
    ck_assert_msg(strstr(p, "\"amount\":50000") && strstr(p, "\"method\":\"card\"") &&
                      strstr(p, "\"request_id\":\"counter-") && strstr(p, MEMBER),
                  "%s", p);
    tf_reply(A, call_of("wallet.charge")->id, "{\"balance\":51000,\"entry_id\":2}", TK_OK, NULL);
    ck_assert_str_eq(C.last, "Charged 50,000 won to " MEMBER ".");
    call_of("wallet.balance"); /* the member's figures again */
    type("iabc\r"); /* not an id: the dialog says so and sends nothing */
    ck_assert_ptr_null(tf_find(A, "admin.member.find"));
}
END_TEST

START_TEST(counter_finds_by_name)
{
    open_counter();
    type("fkim\r");
    ck_assert_str_eq(call_of("admin.member.find")->params, "{\"name\":\"kim\"}");
    tf_reply(A, call_of("admin.member.find")->id,
             "{\"members\":[{\"user_id\":\"" MEMBER "\",\"name\":\"Kim A\",\"balance\":5,"
             "\"bookings\":0},{\"user_id\":\"11111111-2222-4333-8444-555555555555\","
             "\"name\":\"Kim B\",\"balance\":7,\"bookings\":1}]}", TK_OK, NULL);
    ck_assert_ptr_null(tf_find(A, "wallet.balance")); /* two: the cashier picks */
    app_key(A, KEY_DOWN);
    app_key(A, '\r');
    ck_assert_str_eq(call_of("wallet.balance")->params,
                     "{\"user_id\":\"11111111-2222-4333-8444-555555555555\"}");
}
END_TEST

START_TEST(end_of_shift_counts_only_mine)
{
    snprintf(C.staff, sizeof C.staff, "park");
    open_counter();
    app_key(A, 's');
    ck_assert_ptr_eq(app_top_ops(A), &adm_report_ops);
    const char *p = call_of("admin.report")->params;
    ck_assert_msg(strstr(p, "\"from\":\"") && strstr(p, "\"to\":\""), "%s", p);
    tf_reply(A, call_of("admin.report")->id,
             "{\"from\":\"x\",\"to\":\"y\",\"rows\":["
             "{\"kind\":\"sale\",\"date_id\":1,\"staff\":\"\",\"method\":\"wallet\",\"count\":1,\"amount\":9},"
             "{\"kind\":\"topup\",\"date_id\":0,\"staff\":\"ann\",\"method\":\"cash\",\"count\":1,\"amount\":5},"
             "{\"kind\":\"topup\",\"date_id\":0,\"staff\":\"park\",\"method\":\"card\",\"count\":1,\"amount\":7},"
             "{\"kind\":\"topup\",\"date_id\":0,\"staff\":\"park\",\"method\":\"cash\",\"count\":2,\"amount\":8}]}",
             TK_OK, NULL);
    ck_assert_int_eq(adm_report_count(app_top_state(A)), 2); /* park's two, not ann's */
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        whoami_opens_what_the_role_allows, whoami_admin_gate_and_old_server,
        counter_charges_by_member_id_with_a_method, counter_finds_by_name,
        end_of_shift_counts_only_mine,
    };
    Suite *s = suite_create("console_staff");
    tcase_add_checked_fixture(ur_tcase(s, "all", 30, tests, UR_LEN(tests)), setup, teardown);
    return ur_run(s);
}
