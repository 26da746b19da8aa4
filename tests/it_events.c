/* tests/it_events.c -- the PUB channel: seat.<date_id> with a per-date seq
 * rising by 1 per change and agreeing with seats.list, sales counts,
 * topic framing (seat.1 does not get seat.10), queue events, and no
 * member id in any event. */
#include "common/util.h"
#include "tests/lib/harness.h"

static void expect_seat(th_sub *sub, int64_t d, int64_t seq, int seat, const char *state,
                        const char *user_id)
{
    char topic[32];
    snprintf(topic, sizeof(topic), "seat.%lld", (long long)d);
    th_event ev;
    ck_assert_msg(th_sub_wait(sub, topic, 5000, &ev), "no %s event (seq %lld, %s)", topic,
                  (long long)seq, state);
    ck_assert_int_eq(th_int(ev.body, "date_id"), d);
    ck_assert_int_eq(th_int(ev.body, "seq"), seq);
    ck_assert_int_eq(th_int(ev.body, "seat_no"), seat);
    ck_assert_str_eq(th_str(ev.body, "state"), state);
    char *text = cJSON_PrintUnformatted(ev.body);
    bool leak = strstr(text, user_id) != NULL;
    free(text);
    ck_assert_msg(!leak, "a seat event carries the member id");
}

static void expect_sales(th_sub *sub, int64_t d, int fr, int held, int sold, int64_t rev)
{
    th_event ev;
    ck_assert_msg(th_sub_wait(sub, "sales", 5000, &ev), "no sales event");
    ck_assert_int_eq(th_int(ev.body, "date_id"), d);
    ck_assert_int_eq(th_int(ev.body, "free"), fr);
    ck_assert_int_eq(th_int(ev.body, "held"), held);
    ck_assert_int_eq(th_int(ev.body, "sold"), sold);
    ck_assert_int_eq(th_int(ev.body, "revenue"), rev);
}

static int64_t snapshot_seq(th_server *s, th_user *u, int64_t d)
{
    rpc_reply r = th_call(s, "seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", u->token,
                          (long long)d);
    TH_OK(r);
    return th_int(r.result, "seq");
}

START_TEST(seat_seq_and_sales)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 5, 25000);
    th_user u;
    th_user_active(s, &u, "Watcher", 100000);
    char topic[32];
    snprintf(topic, sizeof(topic), "seat.%lld ", (long long)d);
    th_sub *seat_sub = th_sub_open(s, topic, NULL);
    th_sub_warmup(s, seat_sub, &u, d, 50);
    th_sub *sales_sub = th_sub_open(s, "sales ", NULL);
    th_sub_warmup(s, sales_sub, &u, d, 50);
    th_sub_drain(seat_sub);
    const char *seat_topic = th_sprintf("seat.%lld", (long long)d);
    th_event ev;

    int64_t seq = snapshot_seq(s, &u, d);
    int64_t h1 = th_hold(s, &u, d, 3);
    expect_seat(seat_sub, d, seq + 1, 3, "held", u.user_id);
    expect_sales(sales_sub, d, 49, 1, 0, 0);
    TH_OK(th_call(s, "hold.release", "{\"token\":\"%s\",\"hold_id\":%lld}", u.token,
                  (long long)h1));
    expect_seat(seat_sub, d, seq + 2, 3, "free", u.user_id);
    expect_sales(sales_sub, d, 50, 0, 0, 0);
    int64_t h[2] = {th_hold(s, &u, d, 4), th_hold(s, &u, d, 5)};
    expect_seat(seat_sub, d, seq + 3, 4, "held", u.user_id);
    expect_seat(seat_sub, d, seq + 4, 5, "held", u.user_id);
    TH_OK(th_pay(s, &u, h, 2));
    /* Two seats sold: two events, in either order, seq +1 each. */
    for (int i = 0; i < 2; i++) {
        ck_assert(th_sub_wait(seat_sub, seat_topic, 5000, &ev));
        ck_assert_int_eq(th_int(ev.body, "seq"), seq + 5 + i);
        ck_assert_str_eq(th_str(ev.body, "state"), "sold");
        int64_t no = th_int(ev.body, "seat_no");
        ck_assert(no == 4 || no == 5);
    }
    /* u's token is paid out; the operator's snapshot has the same seq. */
    rpc_reply snap = th_admin(s, "admin.seats.list", "{\"date_id\":%lld}", (long long)d);
    TH_OK(snap);
    ck_assert_int_eq(th_int(snap.result, "seq"), seq + 6);
    /* The last sales event shows both sold. */
    th_event last = {0};
    bool any = false;
    while (th_sub_recv(sales_sub, 500, &ev)) {
        last = ev;
        any = true;
    }
    ck_assert(any);
    ck_assert_int_eq(th_int(last.body, "sold"), 2);
    ck_assert_int_eq(th_int(last.body, "revenue"), 50000);
    ck_assert_int_eq(th_int(last.body, "free"), 48);
    th_sub_close(seat_sub);
    th_sub_close(sales_sub);
}
END_TEST

START_TEST(topic_framing)
{
    th_server *s = th_start(NULL);
    /* Make date ids a and b where b's decimal form starts with a's. */
    int64_t ids[40];
    int n = 0, ia = -1, ib = -1;
    while (n < 40 && ib < 0) {
        ids[n] = th_date_new(s, 5 + n, 1000);
        for (int k = 0; k < n && ib < 0; k++) {
            char ka[24], kb[24];
            snprintf(ka, sizeof(ka), "%lld", (long long)ids[k]);
            snprintf(kb, sizeof(kb), "%lld", (long long)ids[n]);
            if (strncmp(kb, ka, strlen(ka)) == 0) {
                ia = k;
                ib = n;
            }
        }
        n++;
    }
    ck_assert_msg(ib >= 0, "no pair of date ids with a common prefix among %d", n);
    int64_t a = ids[ia], b = ids[ib];
    th_user u;
    th_user_active(s, &u, "Framer", 0);
    char topic[32];
    snprintf(topic, sizeof(topic), "seat.%lld ", (long long)a);
    th_sub *sub = th_sub_open(s, topic, NULL);
    th_sub_warmup(s, sub, &u, a, 50);
    th_hold(s, &u, b, 1);
    th_hold(s, &u, a, 2);
    th_event ev;
    ck_assert(th_sub_recv(sub, 5000, &ev));
    ck_assert_str_eq(ev.topic, th_sprintf("seat.%lld", (long long)a));
    ck_assert_int_eq(th_int(ev.body, "date_id"), a);
    ck_assert_int_eq(th_int(ev.body, "seat_no"), 2);
    ck_assert_msg(!th_sub_recv(sub, 300, &ev), "got an event on %s", ev.topic);
    th_sub_close(sub);
}
END_TEST

START_TEST(queue_events)
{
    th_server *s = th_start("--max-active", "1", NULL);
    th_user a, b;
    th_user_active(s, &a, "A", 0);
    th_user_new(s, &b, "B");
    th_sub *sub = th_sub_open(s, "queue ", NULL);
    ck_assert_str_eq(th_join(s, &b), "waiting");
    /* At least once a second while anyone waits. */
    th_event ev;
    ck_assert_msg(th_sub_wait(sub, "queue", 5000, &ev), "no queue event while someone waits");
    ck_assert_int_ge(th_int(ev.body, "waiting"), 1);
    ck_assert_int_eq(th_int(ev.body, "active"), 1);
    th_int(ev.body, "admit_per_min");
    /* the one slot is taken and no session has ended: a place takes the
     * whole 10-minute active window */
    ck_assert_int_eq(th_int(ev.body, "ms_per_place"), 600000);
    ck_assert(!th_bool(ev.body, "paused"));
    int64_t admitted = th_int(ev.body, "admitted_seq");
    ck_assert_int_lt(admitted, b.seq);
    ck_assert_msg(th_sub_wait(sub, "queue", 5000, &ev), "only one queue event in 5 s");
    /* A leaves: an event announces B's admission. */
    TH_OK(th_call(s, "queue.leave", "{\"token\":\"%s\"}", a.token));
    int64_t end = clock_mono_ms() + TH_WAIT_MS;
    do {
        ck_assert_msg(th_sub_wait(sub, "queue", 5000, &ev), "no queue event after a leave");
    } while (th_int(ev.body, "admitted_seq") < b.seq && clock_mono_ms() < end);
    ck_assert_int_ge(th_int(ev.body, "admitted_seq"), b.seq);
    th_wait_active(s, &b);
    th_sub_close(sub);
}
END_TEST

/* Operator changes are seat changes too: admin.hold.release and
 * admin.booking.refund publish the seat going free. */
START_TEST(admin_changes_publish)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 5, 7000);
    th_user u, v;
    th_user_active(s, &u, "Buyer", 50000);
    th_user_active(s, &v, "Holder", 0);
    char topic[32];
    snprintf(topic, sizeof(topic), "seat.%lld ", (long long)d);
    th_sub *sub = th_sub_open(s, topic, NULL);
    th_sub_warmup(s, sub, &v, d, 50);
    int64_t seq = snapshot_seq(s, &v, d);
    int64_t hv = th_hold(s, &v, d, 6);
    expect_seat(sub, d, seq + 1, 6, "held", v.user_id);
    TH_OK(th_admin(s, "admin.hold.release", "{\"hold_id\":%lld}", (long long)hv));
    expect_seat(sub, d, seq + 2, 6, "free", v.user_id);
    int64_t hu = th_hold(s, &u, d, 7);
    expect_seat(sub, d, seq + 3, 7, "held", u.user_id);
    rpc_reply p = th_pay(s, &u, &hu, 1);
    TH_OK(p);
    expect_seat(sub, d, seq + 4, 7, "sold", u.user_id);
    int64_t bid = th_int(cJSON_GetArrayItem(th_arr(p.result, "bookings"), 0), "booking_id");
    TH_OK(th_admin(s, "admin.booking.refund", "{\"booking_id\":%lld}", (long long)bid));
    expect_seat(sub, d, seq + 5, 7, "free", u.user_id);
    rpc_reply snap = th_admin(s, "admin.seats.list", "{\"date_id\":%lld}", (long long)d);
    TH_OK(snap);
    ck_assert_int_eq(th_int(snap.result, "seq"), seq + 5);
    th_sub_close(sub);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_events");
    TCase *tc = th_tcase("events");
    tcase_add_test(tc, seat_seq_and_sales);
    tcase_add_test(tc, topic_framing);
    tcase_add_test(tc, queue_events);
    tcase_add_test(tc, admin_changes_publish);
    suite_add_tcase(su, tc);
    return th_main(su);
}
