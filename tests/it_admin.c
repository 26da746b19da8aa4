/* tests/it_admin.c -- admin methods: FORBIDDEN, catalog creation (both
 * price forms), dashboard shape and counts, queue.set, hold release,
 * refund (seat and money back), finding a booking by code, seats.list
 * operator view, audit log. */
#include <ctype.h>

#include "common/json.h"
#include "common/util.h"
#include "tests/lib/harness.h"

static const char *const admin_methods[] = {
    "admin.concert.create", "admin.date.create",  "admin.dashboard",  "admin.queue.set",
    "admin.hold.release",   "admin.booking.refund", "admin.seats.list", "admin.audit.list",
    "admin.booking.find",   "admin.booking.checkin",
};

START_TEST(forbidden_without_key)
{
    th_server *s = th_start(NULL);
    for (size_t i = 0; i < sizeof(admin_methods) / sizeof(admin_methods[0]); i++) {
        const char *m = admin_methods[i];
        TH_ERR(th_call(s, m, "{\"title\":\"x\",\"venue\":\"y\",\"date_id\":1,\"hold_id\":1}"),
               TK_FORBIDDEN);
        TH_ERR(th_call(s, m, "{\"admin_key\":\"%s\",\"title\":\"x\",\"venue\":\"y\"}",
                       "0123456789abcdef0123456789abcdef"),
               TK_FORBIDDEN);
        TH_ERR(th_call(s, m, "{\"admin_key\":7}"), TK_FORBIDDEN);
        TH_ERR(th_call(s, m, NULL), TK_FORBIDDEN);
    }
    /* The key with one char changed is still wrong. */
    char bad[sizeof(s->admin_key)];
    strcpy(bad, s->admin_key);
    bad[0] = bad[0] == 'a' ? 'b' : 'a';
    TH_ERR(th_call(s, "admin.dashboard", "{\"admin_key\":\"%s\"}", bad), TK_FORBIDDEN);
    /* Nothing was created by the refused calls. */
    rpc_reply d = th_admin(s, "admin.dashboard", NULL);
    TH_OK(d);
    ck_assert_int_eq(cJSON_GetArraySize(th_arr(d.result, "dates")), 0);
}
END_TEST

START_TEST(create_both_price_forms)
{
    th_server *s = th_start(NULL);
    int64_t c = th_concert_new(s, "Forms");
    ck_assert_int_gt(c, 0);
    char arr[50 * 8 + 4], *p = arr;
    *p++ = '[';
    for (int i = 1; i <= 50; i++)
        p += sprintf(p, "%s%d", i > 1 ? "," : "", i * 1000);
    strcpy(p, "]");
    int64_t d1 = th_date_new_full(s, c, 4, arr, NULL);
    int64_t d2 = th_date_new_full(s, c, 5, "{\"1-25\":5000,\"26-50\":3000}", NULL);
    ck_assert_int_ne(d1, d2);
    ck_assert_int_eq(th_int(th_admin_seat(s, d1, 1), "price"), 1000);
    ck_assert_int_eq(th_int(th_admin_seat(s, d1, 50), "price"), 50000);
    ck_assert_int_eq(th_int(th_admin_seat(s, d2, 25), "price"), 5000);
    ck_assert_int_eq(th_int(th_admin_seat(s, d2, 26), "price"), 3000);

    /* Ranges must cover 1..50 exactly once; arrays need 50 integers. */
    const char *bad[] = {"{\"1-10\":100,\"12-50\":100}", "{\"1-30\":100,\"30-50\":100}",
                         "{\"1-51\":100}", "{\"0-50\":100}", "[1,2,3]", "{\"1-50\":1.5}",
                         "\"cheap\"", "{\"1-50\":-5}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        TH_ERR_FIELD(th_admin(s, "admin.date.create",
                              "{\"concert_id\":%lld,\"starts_at\":\"%s\",\"prices\":%s}",
                              (long long)c, th_time_in(86400), bad[i]),
                     "prices");
    TH_ERR_FIELD(th_admin(s, "admin.date.create",
                          "{\"concert_id\":%lld,\"starts_at\":\"tomorrow\",\"prices\":%s}",
                          (long long)c, arr),
                 "starts_at");
    TH_ERR_FIELD(th_admin(s, "admin.concert.create", "{\"venue\":\"v\"}"), "title");
    TH_ERR_FIELD(th_admin(s, "admin.concert.create", "{\"title\":\"t\"}"), "venue");
    rpc_reply d = th_admin(s, "admin.dashboard", NULL);
    TH_OK(d);
    ck_assert_int_eq(cJSON_GetArraySize(th_arr(d.result, "dates")), 2);
}
END_TEST

static void check_counts(const cJSON *o, int64_t fr, int64_t held, int64_t sold, int64_t rev)
{
    ck_assert_int_eq(th_int(o, "free"), fr);
    ck_assert_int_eq(th_int(o, "held"), held);
    ck_assert_int_eq(th_int(o, "sold"), sold);
    ck_assert_int_eq(th_int(o, "revenue"), rev);
}

START_TEST(dashboard_shape_and_counts)
{
    th_server *s = th_start("--max-active", "7", "--admit-per-min", "321", NULL);
    int64_t d = th_date_new(s, 6, 20000);
    th_date_new(s, 8, 30000);
    th_user u, v;
    th_user_active(s, &u, "D", 100000);
    th_user_active(s, &v, "E", 0);
    int64_t h = th_hold(s, &u, d, 1);
    th_hold(s, &v, d, 2);
    TH_OK(th_pay(s, &u, &h, 1));

    rpc_reply r = th_admin(s, "admin.dashboard", NULL);
    TH_OK(r);
    const cJSON *dates = th_arr(r.result, "dates");
    ck_assert_int_eq(cJSON_GetArraySize(dates), 2);
    const cJSON *x;
    cJSON_ArrayForEach(x, dates) {
        th_int(x, "concert_id");
        th_str(x, "title");
        th_str(x, "venue");
        int64_t ms;
        ck_assert(time_parse(th_str(x, "starts_at"), &ms));
        ck_assert(time_parse(th_str(x, "on_sale_at"), &ms));
        if (th_int(x, "date_id") == d)
            check_counts(x, 48, 1, 1, 20000);
        else
            check_counts(x, 50, 0, 0, 0);
    }
    check_counts(th_obj(r.result, "totals"), 98, 1, 1, 20000);
    const cJSON *q = th_obj(r.result, "queue");
    ck_assert_int_eq(th_int(q, "waiting"), 0);
    th_int(q, "active");
    ck_assert_int_ge(th_int(q, "admitted"), 1);
    th_int(q, "admitted_seq");
    ck_assert_int_eq(th_int(q, "admit_per_min"), 321);
    ck_assert_int_eq(th_int(q, "max_active"), 7);
    /* slots free: the pace in line is the admission rate's, 60 s / 321 */
    ck_assert_int_eq(th_int(q, "ms_per_place"), 187);
    ck_assert(!th_bool(q, "paused"));
    const cJSON *req = th_obj(r.result, "requests");
    ck_assert_int_gt(th_int(req, "total"), 5);
    th_int(req, "errors");
    const char *lat[] = {"per_s", "p50_ms", "p90_ms", "p99_ms"};
    for (int i = 0; i < 4; i++)
        ck_assert_msg(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(req, lat[i])),
                      "requests.%s is not a number", lat[i]);
    /* The last minute's replies, just made: some were timed, so p99 > 0. */
    ck_assert_int_eq(th_int(req, "latency_window_s"), 60);
    ck_assert(cJSON_GetObjectItemCaseSensitive(req, "p99_ms")->valuedouble > 0);
    /* the last hour per minute: the one sale is in it (in the last minute,
     * or the one before if a minute just turned), the line was never long */
    const cJSON *hist = th_obj(r.result, "history");
    int64_t sold = 0;
    const char *series[] = {"sold", "waiting"};
    for (int i = 0; i < 2; i++) {
        const cJSON *a = th_arr(hist, series[i]);
        ck_assert_int_eq(cJSON_GetArraySize(a), 60);
        cJSON_ArrayForEach(x, a) {
            int64_t n;
            ck_assert(jv_int_value(x, 0, i ? 0 : 1, &n) == JV_OK);
            sold += i ? 0 : n;
        }
    }
    ck_assert_int_eq(sold, 1);
    ck_assert_int_ge(th_int(hist, "waiting_minutes"), 1);
    ck_assert_int_le(th_int(hist, "waiting_minutes"), 2);
    const cJSON *srv = th_obj(r.result, "server");
    th_str(srv, "version");
    ck_assert_int_ge(th_int(srv, "uptime_s"), 0);
    int64_t now;
    ck_assert(time_parse(th_str(srv, "now"), &now));
}
END_TEST

START_TEST(queue_set)
{
    th_server *s = th_start(NULL);
    rpc_reply r = th_admin(s, "admin.queue.set", "{\"max_active\":5,\"admit_per_min\":77}");
    TH_OK(r);
    ck_assert_int_eq(th_int(r.result, "max_active"), 5);
    ck_assert_int_eq(th_int(r.result, "admit_per_min"), 77);
    ck_assert(!th_bool(r.result, "paused"));
    r = th_admin(s, "admin.queue.set", "{}"); /* nothing changes */
    TH_OK(r);
    ck_assert_int_eq(th_int(r.result, "max_active"), 5);
    TH_ERR_FIELD(th_admin(s, "admin.queue.set", "{\"max_active\":-1}"), "max_active");
    TH_ERR_FIELD(th_admin(s, "admin.queue.set", "{\"admit_per_min\":1e300}"), "admit_per_min");
    TH_ERR_FIELD(th_admin(s, "admin.queue.set", "{\"paused\":\"yes\"}"), "paused");
    /* The settings survive a restart. */
    th_stop(s);
    th_restart(s);
    rpc_reply d = th_admin(s, "admin.dashboard", NULL);
    TH_OK(d);
    ck_assert_int_eq(th_int(th_obj(d.result, "queue"), "max_active"), 5);
    ck_assert_int_eq(th_int(th_obj(d.result, "queue"), "admit_per_min"), 77);
}
END_TEST

START_TEST(admin_hold_release_and_seats_list)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 6, 20000);
    th_user u, v;
    th_user_active(s, &u, "U", 100000);
    th_user_active(s, &v, "V", 0);
    int64_t h = th_hold(s, &v, d, 4);
    int64_t hp = th_hold(s, &u, d, 5);
    rpc_reply p = th_pay(s, &u, &hp, 1);
    TH_OK(p);
    const char *code = th_str(cJSON_GetArrayItem(th_arr(p.result, "bookings"), 0), "code");

    const char *raw = NULL;
    char *req = th_sprintf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin.seats.list\","
                           "\"params\":{\"admin_key\":\"%s\",\"date_id\":%lld}}",
                           s->admin_key, (long long)d);
    TH_OK(th_call_raw(s, req, strlen(req), &raw));
    ck_assert_msg(!strstr(raw, u.user_id) && !strstr(raw, v.user_id), "admin.seats.list shows a member id");
    const cJSON *held = th_admin_seat(s, d, 4);
    ck_assert_str_eq(th_str(held, "state"), "held");
    ck_assert_int_eq(th_int(held, "hold_id"), h);
    int64_t left = th_int(held, "expires_in_s");
    ck_assert(left > 0 && left <= 300);
    const cJSON *sold = th_admin_seat(s, d, 5);
    ck_assert_str_eq(th_str(sold, "state"), "sold");
    ck_assert_str_eq(th_str(sold, "code"), code);
    ck_assert_int_eq(th_int(sold, "booking_id"),
                     th_int(cJSON_GetArrayItem(th_arr(p.result, "bookings"), 0), "booking_id"));
    TH_ERR(th_admin(s, "admin.seats.list", "{\"date_id\":999999}"), TK_DATE_NOT_FOUND);

    rpc_reply r = th_admin(s, "admin.hold.release", "{\"hold_id\":%lld}", (long long)h);
    TH_OK(r);
    ck_assert(th_bool(r.result, "released"));
    ck_assert_str_eq(th_str(th_admin_seat(s, d, 4), "state"), "free");
    ck_assert_str_eq(th_str(th_seat(s, &v, d, 4), "state"), "free");
    TH_ERR(th_admin(s, "admin.hold.release", "{\"hold_id\":%lld}", (long long)h),
           TK_HOLD_NOT_FOUND);
    TH_ERR(th_admin(s, "admin.hold.release", "{\"hold_id\":999999}"), TK_HOLD_NOT_FOUND);
    th_user w;
    th_user_active(s, &w, "W", 0);
    th_hold(s, &w, d, 4);
}
END_TEST

START_TEST(refund_returns_seat_and_money)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 6, 45000);
    th_user u, v;
    th_user_active(s, &u, "U", 100000);
    th_user_active(s, &v, "V", 0);
    int64_t h = th_hold(s, &u, d, 10);
    rpc_reply p = th_pay(s, &u, &h, 1);
    TH_OK(p);
    int64_t bid = th_int(cJSON_GetArrayItem(th_arr(p.result, "bookings"), 0), "booking_id");
    ck_assert_int_eq(th_balance(s, u.user_id), 55000);
    /* the operator finds it by the code on the ticket, typed any which way */
    char code[32], typed[40];
    snprintf(code, sizeof code, "%s", th_str(cJSON_GetArrayItem(th_arr(p.result, "bookings"), 0), "code"));
    snprintf(typed, sizeof typed, " %s ", code);
    for (char *c = typed; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    const char *forms[] = {code, typed};
    for (int i = 0; i < 2; i++) {
        rpc_reply f = th_admin(s, "admin.booking.find", "{\"code\":\"%s\"}", forms[i]);
        TH_OK(f);
        ck_assert_int_eq(th_int(f.result, "booking_id"), bid);
        ck_assert_str_eq(th_str(f.result, "code"), code);
        ck_assert_int_eq(th_int(f.result, "date_id"), d);
        ck_assert_int_eq(th_int(f.result, "seat_no"), 10);
        ck_assert_int_eq(th_int(f.result, "price"), 45000);
        ck_assert_str_eq(th_str(f.result, "state"), "paid");
        th_str(f.result, "title");
    }
    TH_ERR_FIELD(th_admin(s, "admin.booking.find", "{\"code\":\"TK-0000-0000\"}"), "code");
    TH_ERR_FIELD(th_admin(s, "admin.booking.find", "{\"code\":\"%sZ\"}", code), "code");
    TH_ERR_FIELD(th_admin(s, "admin.booking.find", "{\"code\":12}"), "code");
    TH_ERR_FIELD(th_admin(s, "admin.booking.find", "{}"), "code");

    rpc_reply r = th_admin(s, "admin.booking.refund", "{\"booking_id\":%lld}", (long long)bid);
    TH_OK(r);
    ck_assert(th_bool(r.result, "refunded"));
    ck_assert_int_eq(th_balance(s, u.user_id), 100000);
    rpc_reply l = th_call(s, "booking.list", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(l);
    const cJSON *b = cJSON_GetArrayItem(th_arr(l.result, "bookings"), 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(th_str(b, "state"), "refunded");
    rpc_reply f = th_admin(s, "admin.booking.find", "{\"code\":\"%s\"}", code);
    TH_OK(f);
    ck_assert_str_eq(th_str(f.result, "state"), "refunded");
    rpc_reply hist = th_call(s, "wallet.history", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(hist);
    const cJSON *top = cJSON_GetArrayItem(th_arr(hist.result, "entries"), 0);
    ck_assert_str_eq(th_str(top, "kind"), "refund");
    ck_assert_int_eq(th_int(top, "amount"), 45000);
    ck_assert_int_eq(th_int(top, "balance"), 100000);
    /* The seat is on sale again. */
    ck_assert_str_eq(th_str(th_seat(s, &v, d, 10), "state"), "free");
    th_hold(s, &v, d, 10);
    rpc_reply dash = th_admin(s, "admin.dashboard", NULL);
    TH_OK(dash);
    ck_assert_int_eq(th_int(th_obj(dash.result, "totals"), "sold"), 0);
    /* A second refund of the same booking must not pay out twice. */
    rpc_reply again = th_admin(s, "admin.booking.refund", "{\"booking_id\":%lld}", (long long)bid);
    ck_assert_msg(again.err != TK_OK || th_balance(s, u.user_id) == 100000,
                  "second refund paid out again");
    ck_assert_int_eq(th_balance(s, u.user_id), 100000);
    th_user both[2] = {u, v};
    th_money_check(s, both, 2, 0);
}
END_TEST

START_TEST(audit_log)
{
    th_server *s = th_start("--node", "box-a", NULL);
    TH_OK(th_admin(s, "admin.queue.set", "{\"admit_per_min\":99}"));
    TH_ERR(th_call(s, "admin.queue.set", "{\"admin_key\":\"wrong\",\"paused\":true}"),
           TK_FORBIDDEN);
    TH_ERR_FIELD(th_admin(s, "admin.queue.set", "{\"max_active\":-3}"), "max_active");
    TH_OK(th_admin(s, "admin.dashboard", NULL)); /* reads are not audited */
    th_concert_new(s, "Audited");

    const char *raw = NULL;
    char *req = th_sprintf("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"admin.audit.list\","
                           "\"params\":{\"admin_key\":\"%s\"}}", s->admin_key);
    rpc_reply r = th_call_raw(s, req, strlen(req), &raw);
    TH_OK(r);
    ck_assert_msg(strstr(raw, s->admin_key) == NULL, "audit log shows the admin key");
    ck_assert_msg(strstr(raw, "admin_key") == NULL, "audit params keep admin_key");
    const cJSON *e = th_arr(r.result, "entries");
    /* The FORBIDDEN call is not there: without the key nothing is written. */
    ck_assert_int_eq(cJSON_GetArraySize(e), 3);
    const char *want_m[] = {"admin.concert.create", "admin.queue.set", "admin.queue.set"};
    const char *want_r[] = {"ok", "INVALID_PARAMS", "ok"};
    int64_t prev = INT64_MAX;
    for (int i = 0; i < 3; i++) {
        const cJSON *x = cJSON_GetArrayItem(e, i);
        int64_t id = th_int(x, "audit_id");
        ck_assert_int_lt(id, prev);
        prev = id;
        ck_assert_str_eq(th_str(x, "method"), want_m[i]);
        ck_assert_str_eq(th_str(x, "result"), want_r[i]);
        int64_t at;
        ck_assert(time_parse(th_str(x, "at"), &at));
        ck_assert_int_gt(strlen(th_str(x, "peer")), 0);
        th_str(x, "params");
        ck_assert_str_eq(th_str(x, "node"), "box-a"); /* the node that took the call */
    }
    ck_assert_ptr_nonnull(strstr(th_str(cJSON_GetArrayItem(e, 2), "params"), "99"));
    /* Paging. */
    rpc_reply one = th_admin(s, "admin.audit.list", "{\"limit\":1}");
    TH_OK(one);
    ck_assert_int_eq(cJSON_GetArraySize(th_arr(one.result, "entries")), 1);
    int64_t second = th_int(cJSON_GetArrayItem(e, 1), "audit_id");
    rpc_reply page = th_admin(s, "admin.audit.list", "{\"before_id\":%lld}", (long long)second);
    TH_OK(page);
    ck_assert_int_eq(cJSON_GetArraySize(th_arr(page.result, "entries")), 1);
    TH_ERR_FIELD(th_admin(s, "admin.audit.list", "{\"limit\":501}"), "limit");
    TH_ERR_FIELD(th_admin(s, "admin.audit.list", "{\"limit\":0}"), "limit");
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_admin");
    TCase *tc = th_tcase("admin");
    tcase_add_test(tc, forbidden_without_key);
    tcase_add_test(tc, create_both_price_forms);
    tcase_add_test(tc, dashboard_shape_and_counts);
    tcase_add_test(tc, queue_set);
    tcase_add_test(tc, admin_hold_release_and_seats_list);
    tcase_add_test(tc, refund_returns_seat_and_money);
    tcase_add_test(tc, audit_log);
    suite_add_tcase(su, tc);
    return th_main(su);
}
