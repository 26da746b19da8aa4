/* tests/it_catalog.c -- dates.list and seats.list: what is bookable, the
 * seat map's shape and prices, DATE_NOT_FOUND, NOT_ON_SALE, --demo. */
#include "common/util.h"
#include "tests/lib/harness.h"

static const cJSON *find_date(const cJSON *dates, int64_t date_id)
{
    const cJSON *d;
    cJSON_ArrayForEach(d, dates)
        if (th_int(d, "date_id") == date_id)
            return d;
    return NULL;
}

static const cJSON *list_dates(th_server *s, th_user *u)
{
    rpc_reply r = th_call(s, "dates.list", "{\"token\":\"%s\"}", u->token);
    TH_OK(r);
    return th_arr(r.result, "dates");
}

START_TEST(dates_list_bookable_only)
{
    th_server *s = th_start(NULL);
    int64_t c = th_concert_new(s, "Spring Gala");
    int64_t on = th_date_new_full(s, c, 10, "{\"1-50\":70000}", NULL);
    int64_t later = th_date_new_full(s, c, 12, "{\"1-50\":70000}", th_time_in(86400));
    th_user u;
    th_user_active(s, &u, "Kim", 0);
    const cJSON *dates = list_dates(s, &u);
    const cJSON *d = find_date(dates, on);
    ck_assert_msg(d != NULL, "on-sale date %lld not listed", (long long)on);
    ck_assert_msg(find_date(dates, later) == NULL, "date not yet on sale is listed");
    ck_assert_int_eq(th_int(d, "concert_id"), c);
    ck_assert_str_eq(th_str(d, "title"), "Spring Gala");
    ck_assert_str_eq(th_str(d, "venue"), "Hall A");
    int64_t ms = 0;
    ck_assert_msg(time_parse(th_str(d, "starts_at"), &ms), "starts_at not RFC 3339");
    ck_assert_int_gt(ms, clock_wall_ms() + 9LL * 86400 * 1000);
    ck_assert_int_eq(th_int(d, "free"), 50);
    ck_assert_int_eq(th_int(d, "held"), 0);
    ck_assert_int_eq(th_int(d, "sold"), 0);
    /* The counts follow a hold. */
    th_hold(s, &u, on, 7);
    d = find_date(list_dates(s, &u), on);
    ck_assert_int_eq(th_int(d, "free"), 49);
    ck_assert_int_eq(th_int(d, "held"), 1);
}
END_TEST

START_TEST(seats_list_shape_and_prices)
{
    th_server *s = th_start(NULL);
    int64_t c = th_concert_new(s, "Tiers");
    int64_t d = th_date_new_full(s, c, 3, "{\"1-10\":150000,\"11-30\":110000,\"31-50\":80000}", NULL);
    th_user u;
    th_user_active(s, &u, "Lee", 0);
    rpc_reply r = th_call(s, "seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", u.token,
                          (long long)d);
    TH_OK(r);
    ck_assert_int_eq(th_int(r.result, "date_id"), d);
    ck_assert_int_ge(th_int(r.result, "seq"), 0);
    const cJSON *seats = th_arr(r.result, "seats");
    ck_assert_int_eq(cJSON_GetArraySize(seats), 50);
    int seen[51] = {0};
    const cJSON *seat;
    cJSON_ArrayForEach(seat, seats) {
        int64_t no = th_int(seat, "no");
        ck_assert(no >= 1 && no <= 50);
        ck_assert_msg(!seen[no]++, "seat %lld listed twice", (long long)no);
        ck_assert_str_eq(th_str(seat, "state"), "free");
        ck_assert(!th_bool(seat, "mine"));
        int64_t want = no <= 10 ? 150000 : no <= 30 ? 110000 : 80000;
        ck_assert_int_eq(th_int(seat, "price"), want);
    }
}
END_TEST

START_TEST(date_not_found)
{
    th_server *s = th_start(NULL);
    th_date_new(s, 5, 10000);
    th_user u;
    th_user_active(s, &u, "Choi", 0);
    TH_ERR(th_call(s, "seats.list", "{\"token\":\"%s\",\"date_id\":999999}", u.token),
           TK_DATE_NOT_FOUND);
    TH_ERR(th_call(s, "seat.hold", "{\"token\":\"%s\",\"date_id\":999999,\"seat_no\":1}", u.token),
           TK_DATE_NOT_FOUND);
    TH_ERR_FIELD(th_call(s, "seats.list", "{\"token\":\"%s\"}", u.token), "date_id");
    TH_ERR_FIELD(th_call(s, "seats.list", "{\"token\":\"%s\",\"date_id\":\"1\"}", u.token),
                 "date_id");
}
END_TEST

START_TEST(not_on_sale)
{
    th_server *s = th_start(NULL);
    int64_t c = th_concert_new(s, "Future");
    int64_t later = th_date_new_full(s, c, 20, "{\"1-50\":50000}", th_time_in(3600));
    th_user u;
    th_user_active(s, &u, "Jung", 0);
    TH_ERR(th_call(s, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":1}", u.token,
                   (long long)later),
           TK_NOT_ON_SALE);
    /* A date that already started is not on sale either (if the server
     * accepts creating one at all). */
    rpc_reply r = th_admin(s, "admin.date.create",
                           "{\"concert_id\":%lld,\"starts_at\":\"%s\",\"prices\":{\"1-50\":1000}}",
                           (long long)c, th_time_in(-86400));
    if (r.err == TK_OK) {
        int64_t past = th_int(r.result, "date_id");
        TH_ERR(th_call(s, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":1}",
                       u.token, (long long)past),
               TK_NOT_ON_SALE);
        ck_assert(find_date(list_dates(s, &u), past) == NULL);
    } else {
        TH_ERR_FIELD(r, "starts_at");
    }
    /* Nothing was held by the refusals. */
    rpc_reply d = th_admin(s, "admin.dashboard", NULL);
    TH_OK(d);
    ck_assert_int_eq(th_int(th_obj(d.result, "totals"), "held"), 0);
}
END_TEST

START_TEST(demo_catalog)
{
    th_server *s = th_start("--demo", NULL);
    th_user u;
    th_user_active(s, &u, "Demo", 0);
    const cJSON *dates = list_dates(s, &u);
    ck_assert_int_ge(cJSON_GetArraySize(dates), 2);
    int64_t d = th_pick_date(s, &u);
    int free_seats[50];
    ck_assert_int_eq(th_free_seats(s, &u, d, free_seats, 50), 50);
    /* --demo on a non-empty catalog loads nothing twice. */
    int n = cJSON_GetArraySize(dates);
    th_stop(s);
    th_restart(s);
    th_join(s, &u);
    th_wait_active(s, &u);
    ck_assert_int_eq(cJSON_GetArraySize(list_dates(s, &u)), n);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_catalog");
    TCase *tc = th_tcase("catalog");
    tcase_add_test(tc, dates_list_bookable_only);
    tcase_add_test(tc, seats_list_shape_and_prices);
    tcase_add_test(tc, date_not_found);
    tcase_add_test(tc, not_on_sale);
    tcase_add_test(tc, demo_catalog);
    suite_add_tcase(su, tc);
    return th_main(su);
}
