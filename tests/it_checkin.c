/* tests/it_checkin.c -- door check-in over the real server: the first scan
 * admits (and a `checkin` event says so), every later one is ALREADY_USED
 * with the first scan's time and gate, refunded / another date's / unknown
 * tickets are refused with their reason, a checked-in booking is not
 * refunded, and a check-in that was answered survives kill -9. */
#include "common/json.h"
#include "common/util.h"
#include "tests/lib/harness.h"

/* u buys seat on date; the booking's code into code; its id. */
static int64_t buy(th_server *s, th_user *u, int64_t date, int seat, char code[32])
{
    int64_t h = th_hold(s, u, date, seat);
    rpc_reply p = th_pay(s, u, &h, 1);
    TH_OK(p);
    const cJSON *b = cJSON_GetArrayItem(th_arr(p.result, "bookings"), 0);
    snprintf(code, 32, "%s", th_str(b, "code"));
    return th_int(b, "booking_id");
}

START_TEST(scan_at_the_door)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 3, 10000), other = th_date_new(s, 4, 10000);
    th_user u, v, w;
    th_user_active(s, &u, "U", 100000);
    th_user_active(s, &v, "V", 100000);
    th_user_active(s, &w, "W", 100000);
    char good[32], refunded[32], elsewhere[32];
    buy(s, &u, d, 13, good);
    int64_t rid = buy(s, &v, d, 14, refunded);
    buy(s, &w, other, 1, elsewhere);
    th_sub *sub = th_sub_open(s, "checkin ", "sales ", NULL);
    th_user x;
    th_user_active(s, &x, "X", 0);
    th_sub_warmup(s, sub, &x, d, 50);

    rpc_reply r = th_admin(s, "admin.booking.checkin",
                           "{\"code\":\"%s\",\"date_id\":%lld,\"gate\":\"Gate 1\"}", good,
                           (long long)d);
    TH_OK(r);
    ck_assert(th_bool(r.result, "admitted"));
    ck_assert_str_eq(th_str(r.result, "reason"), "ADMITTED");
    ck_assert_int_eq(th_int(r.result, "seat_no"), 13);
    ck_assert_int_eq(th_int(r.result, "date_id"), d);
    ck_assert_str_eq(th_str(r.result, "gate"), "Gate 1");
    th_str(r.result, "title");
    th_str(r.result, "starts_at");
    const char *first = th_str(r.result, "checked_in_at");
    th_event ev;
    ck_assert(th_sub_wait(sub, "checkin", 5000, &ev));
    ck_assert_int_eq(th_int(ev.body, "date_id"), d);
    ck_assert_int_eq(th_int(ev.body, "checked_in"), 1);
    ck_assert_int_eq(th_int(ev.body, "sold"), 2);

    rpc_reply again = th_admin(s, "admin.booking.checkin", "{\"code\":\"%s\",\"gate\":\"Gate 2\"}",
                               good);
    TH_OK(again);
    ck_assert(!th_bool(again.result, "admitted"));
    ck_assert_str_eq(th_str(again.result, "reason"), "ALREADY_USED");
    ck_assert_str_eq(th_str(again.result, "checked_in_at"), first);
    ck_assert_str_eq(th_str(again.result, "gate"), "Gate 1");

    TH_OK(th_admin(s, "admin.booking.refund", "{\"booking_id\":%lld}", (long long)rid));
    rpc_reply rf = th_admin(s, "admin.booking.checkin", "{\"code\":\"%s\"}", refunded);
    TH_OK(rf);
    ck_assert_str_eq(th_str(rf.result, "reason"), "REFUNDED");
    rpc_reply wd = th_admin(s, "admin.booking.checkin", "{\"code\":\"%s\",\"date_id\":%lld}",
                            elsewhere, (long long)d);
    TH_OK(wd);
    ck_assert_str_eq(th_str(wd.result, "reason"), "WRONG_DATE");
    rpc_reply uk = th_admin(s, "admin.booking.checkin", "{\"code\":\"TK-2345-6789\"}");
    TH_OK(uk);
    ck_assert_str_eq(th_str(uk.result, "reason"), "UNKNOWN_CODE");
    /* none of the refusals is an admission */
    ck_assert(!th_sub_wait(sub, "checkin", 300, &ev));
    rpc_reply f = th_admin(s, "admin.booking.find", "{\"code\":\"%s\"}", good);
    TH_OK(f);
    int64_t bid = th_int(f.result, "booking_id");
    TH_ERR(th_admin(s, "admin.booking.refund", "{\"booking_id\":%lld}", (long long)bid),
           TK_CONFLICT);
    TH_ERR(th_call(s, "admin.booking.checkin", "{\"code\":\"%s\"}", good), TK_FORBIDDEN);
    th_sub_close(sub);
}
END_TEST

START_TEST(checkin_survives_kill9)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 3, 10000);
    th_user u;
    th_user_active(s, &u, "U", 100000);
    char code[32];
    int64_t bid = buy(s, &u, d, 7, code);
    rpc_reply r = th_admin(s, "admin.booking.checkin", "{\"code\":\"%s\",\"gate\":\"East\"}", code);
    TH_OK(r);
    ck_assert(th_bool(r.result, "admitted"));
    char first[40];
    snprintf(first, sizeof first, "%s", th_str(r.result, "checked_in_at"));
    th_kill9(s); /* answered, so committed and flushed */
    th_restart(s);
    rpc_reply again = th_admin(s, "admin.booking.checkin", "{\"code\":\"%s\"}", code);
    TH_OK(again);
    ck_assert_str_eq(th_str(again.result, "reason"), "ALREADY_USED");
    ck_assert_str_eq(th_str(again.result, "checked_in_at"), first);
    ck_assert_str_eq(th_str(again.result, "gate"), "East");
    TH_ERR(th_admin(s, "admin.booking.refund", "{\"booking_id\":%lld}", (long long)bid),
           TK_CONFLICT);
    rpc_reply dash = th_admin(s, "admin.dashboard", NULL);
    TH_OK(dash);
    ck_assert_int_eq(th_int(cJSON_GetArrayItem(th_arr(dash.result, "dates"), 0), "checked_in"), 1);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_checkin");
    TCase *tc = th_tcase("checkin");
    tcase_add_test(tc, scan_at_the_door);
    tcase_add_test(tc, checkin_survives_kill9);
    suite_add_tcase(su, tc);
    return th_main(su);
}
