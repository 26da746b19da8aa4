/* tests/it_hold.c -- seat.hold and hold.release: success, SEAT_TAKEN,
 * SEAT_NOT_FOUND, HOLD_NOT_FOUND, HOLD_LIMIT, HOLD_EXPIRED, a hold
 * lapsing with --hold-seconds 1 (seat free again, events, token expired),
 * a turn ending with --turn-seconds 3 however the member re-holds, and
 * the retry rule for seat.hold and hold.release. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tests/lib/harness.h"

static rpc_reply hold(th_server *s, th_user *u, int64_t d, int seat)
{
    return th_call(s, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%d}", u->token,
                   (long long)d, seat);
}

static rpc_reply release(th_server *s, th_user *u, int64_t h)
{
    return th_call(s, "hold.release", "{\"token\":\"%s\",\"hold_id\":%lld}", u->token,
                   (long long)h);
}

START_TEST(hold_success)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 7, 99000);
    th_user a, b;
    th_user_active(s, &a, "A", 0);
    th_user_active(s, &b, "B", 0);
    rpc_reply r = hold(s, &a, d, 12);
    TH_OK(r);
    ck_assert_int_gt(th_int(r.result, "hold_id"), 0);
    ck_assert_int_eq(th_int(r.result, "date_id"), d);
    ck_assert_int_eq(th_int(r.result, "seat_no"), 12);
    ck_assert_int_eq(th_int(r.result, "price"), 99000);
    int64_t exp_s = th_int(r.result, "expires_in_s");
    ck_assert_int_gt(exp_s, 290);
    ck_assert_int_le(exp_s, 300);
    int64_t at = 0;
    ck_assert(time_parse(th_str(r.result, "expires_at"), &at));
    int64_t left = at - clock_wall_ms();
    ck_assert_msg(left > 280000 && left <= 301000, "expires_at %lld ms away", (long long)left);

    const cJSON *mine = th_seat(s, &a, d, 12);
    ck_assert_str_eq(th_str(mine, "state"), "held");
    ck_assert(th_bool(mine, "mine"));
    const cJSON *theirs = th_seat(s, &b, d, 12);
    ck_assert_str_eq(th_str(theirs, "state"), "held");
    ck_assert(!th_bool(theirs, "mine"));
    ck_assert_str_eq(th_str(th_seat(s, &a, d, 13), "state"), "free");
}
END_TEST

START_TEST(seat_taken_and_not_found)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 7, 1000);
    th_user a, b;
    th_user_active(s, &a, "A", 10000);
    th_user_active(s, &b, "B", 0);
    int64_t h = th_hold(s, &a, d, 5);
    rpc_reply t = hold(s, &b, d, 5);
    TH_ERR(t, TK_SEAT_TAKEN);
    TH_ERR(hold(s, &b, d, 0), TK_SEAT_NOT_FOUND);
    TH_ERR(hold(s, &b, d, 51), TK_SEAT_NOT_FOUND);
    /* Sold is taken too. */
    TH_OK(th_pay(s, &a, &h, 1));
    TH_ERR(hold(s, &b, d, 5), TK_SEAT_TAKEN);
    ck_assert_str_eq(th_str(th_seat(s, &b, d, 5), "state"), "sold");
}
END_TEST

START_TEST(release_and_hold_not_found)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 7, 1000);
    th_user a, b;
    th_user_active(s, &a, "A", 0);
    th_user_active(s, &b, "B", 0);
    int64_t ha = th_hold(s, &a, d, 1);
    int64_t hb = th_hold(s, &b, d, 2);
    /* Not yours, and no such hold. */
    TH_ERR(release(s, &a, hb), TK_HOLD_NOT_FOUND);
    TH_ERR(release(s, &a, 999999), TK_HOLD_NOT_FOUND);
    ck_assert_str_eq(th_str(th_seat(s, &b, d, 2), "state"), "held");
    rpc_reply r = release(s, &a, ha);
    TH_OK(r);
    ck_assert(th_bool(r.result, "released"));
    ck_assert_str_eq(th_str(th_seat(s, &a, d, 1), "state"), "free");
    /* Released again (a resend): the same answer (tests/it_retry.c). */
    ck_assert(th_bool(release(s, &a, ha).result, "released"));
    /* The seat is free for the other member now. */
    th_hold(s, &b, d, 1);
    TH_ERR_FIELD(th_call(s, "hold.release", "{\"token\":\"%s\"}", a.token), "hold_id");
}
END_TEST

/* The retry rule (a client resends after its reply was lost, maybe to
 * another node after a restart): holding a seat again with the same token
 * answers the same hold; releasing one's own released hold answers
 * released: true and changes nothing, also once another member has the
 * seat, and after a restart (the next node loads the released hold). */
START_TEST(hold_and_release_twice)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 7, 1000);
    th_user a, b;
    th_user_active(s, &a, "A", 0);
    th_user_active(s, &b, "B", 0);
    rpc_reply h1 = hold(s, &a, d, 5);
    TH_OK(h1);
    rpc_reply h2 = hold(s, &a, d, 5);
    TH_OK(h2);
    int64_t h = th_int(h1.result, "hold_id");
    ck_assert_int_eq(th_int(h2.result, "hold_id"), h);
    ck_assert_str_eq(th_str(h2.result, "expires_at"), th_str(h1.result, "expires_at"));
    TH_ERR(hold(s, &b, d, 5), TK_SEAT_TAKEN);

    ck_assert(th_bool(release(s, &a, h).result, "released"));
    ck_assert(th_bool(release(s, &a, h).result, "released"));
    int64_t hb = th_hold(s, &b, d, 5);
    ck_assert(th_bool(release(s, &a, h).result, "released"));
    ck_assert_str_eq(th_str(th_admin_seat(s, d, 5), "state"), "held");
    ck_assert_int_eq(th_int(th_admin_seat(s, d, 5), "hold_id"), hb);

    th_stop(s);
    th_restart(s);
    ck_assert(th_bool(release(s, &a, h).result, "released"));
    ck_assert_int_eq(th_int(th_admin_seat(s, d, 5), "hold_id"), hb);
    TH_ERR(release(s, &b, h), TK_HOLD_NOT_FOUND); /* still only a's */
}
END_TEST

START_TEST(hold_limit)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 7, 1000);
    int64_t d2 = th_date_new(s, 8, 1000);
    th_user a;
    th_user_active(s, &a, "A", 0);
    int64_t h[4];
    for (int i = 0; i < 4; i++)
        h[i] = th_hold(s, &a, d, 10 + i);
    TH_ERR(hold(s, &a, d, 20), TK_HOLD_LIMIT);
    TH_ERR(hold(s, &a, d2, 20), TK_HOLD_LIMIT); /* per user, not per date */
    ck_assert_str_eq(th_str(th_seat(s, &a, d, 20), "state"), "free");
    TH_OK(release(s, &a, h[0]));
    th_hold(s, &a, d2, 20);
}
END_TEST

/* The hold lapses: the seat is free for others, the seat events show held
 * then free, and the token (whose last hold lapsed unpaid) is expired. */
START_TEST(hold_lapses)
{
    th_server *s = th_start("--hold-seconds", "1", NULL);
    int64_t d = th_date_new(s, 7, 1000);
    th_user a, b;
    th_user_active(s, &a, "A", 0);
    th_user_active(s, &b, "B", 0);
    char topic[32];
    snprintf(topic, sizeof(topic), "seat.%lld ", (long long)d);
    th_sub *sub = th_sub_open(s, topic, NULL);
    th_sub_warmup(s, sub, &b, d, 50);
    topic[strlen(topic) - 1] = '\0';

    rpc_reply r = hold(s, &a, d, 9);
    TH_OK(r);
    ck_assert_int_le(th_int(r.result, "expires_in_s"), 1);
    th_event ev;
    ck_assert_msg(th_sub_wait(sub, topic, 5000, &ev), "no seat event for the hold");
    ck_assert_int_eq(th_int(ev.body, "seat_no"), 9);
    ck_assert_str_eq(th_str(ev.body, "state"), "held");
    int64_t seq = th_int(ev.body, "seq");
    /* The sweeper releases it and says so. */
    ck_assert_msg(th_sub_wait(sub, topic, 10000, &ev), "no seat event for the lapse");
    ck_assert_int_eq(th_int(ev.body, "seat_no"), 9);
    ck_assert_str_eq(th_str(ev.body, "state"), "free");
    ck_assert_int_eq(th_int(ev.body, "seq"), seq + 1);
    th_sub_close(sub);

    TH_ERR(th_call(s, "queue.status", "{\"token\":\"%s\"}", a.token), TK_TOKEN_EXPIRED);
    TH_ERR(th_call(s, "dates.list", "{\"token\":\"%s\"}", a.token), TK_TOKEN_EXPIRED);
    ck_assert_str_eq(th_str(th_seat(s, &b, d, 9), "state"), "free");
    th_hold(s, &b, d, 9);
}
END_TEST

/* A lapsed hold is treated as free at once, sweeper or not; and a lapsed
 * hold cannot be paid (HOLD_EXPIRED) while another hold keeps the token. */
START_TEST(hold_expired_on_pay)
{
    th_server *s = th_start("--hold-seconds", "4", NULL);
    int64_t d = th_date_new(s, 7, 1000);
    th_user a;
    th_user_active(s, &a, "A", 100000);
    int64_t h1 = th_hold(s, &a, d, 1);
    th_sleep_ms(2000);
    int64_t h2 = th_hold(s, &a, d, 2);
    int64_t end = clock_mono_ms() + TH_WAIT_MS;
    while (strcmp(th_str(th_seat(s, &a, d, 1), "state"), "free") != 0) {
        ck_assert_msg(clock_mono_ms() < end, "hold 1 never lapsed");
        th_sleep_ms(50);
    }
    int64_t ids[1] = {h1};
    TH_ERR(th_pay(s, &a, ids, 1), TK_HOLD_EXPIRED);
    ck_assert_int_eq(th_balance(s, a.user_id), 100000);
    /* Hold 2 is still live and pays. */
    ids[0] = h2;
    rpc_reply p = th_pay(s, &a, ids, 1);
    TH_OK(p);
    ck_assert_int_eq(th_int(p.result, "amount"), 1000);
}
END_TEST


/* The turn ends turn_seconds after admission even for a member who
 * releases and re-holds all the time (which restarted the active window
 * before): the token expires, the seat comes free, and the events say so.
 * server.info reports the setting; the flag refuses values out of range. */
START_TEST(turn_ends)
{
    const char *t = getenv("TICKETD");
    const char *zero[] = {t, "--turn-seconds", "0", "--help", NULL};
    const char *big[] = {t, "--turn-seconds", "86401", "--help", NULL};
    ck_assert_int_eq(th_run(zero), 2);
    ck_assert_int_eq(th_run(big), 2);
    th_server *s = th_start("--turn-seconds", "3", NULL);
    rpc_reply info = th_call(s, "server.info", NULL);
    TH_OK(info);
    ck_assert_int_eq(th_int(info.result, "turn_seconds"), 3);
    ck_assert_int_eq(th_int(info.result, "hold_seconds"), 300);
    ck_assert(th_bool(info.result, "leader"));
    ck_assert_str_eq(th_str(info.result, "topup"), "open");
    ck_assert_str_eq(th_str(info.result, "tz"), "Asia/Seoul");
    ck_assert_int_gt(strlen(th_str(info.result, "version")), 0);
    ck_assert_int_gt(strlen(th_str(info.result, "node")), 0);

    int64_t d = th_date_new(s, 7, 1000);
    char topic[32];
    snprintf(topic, sizeof(topic), "seat.%lld ", (long long)d);
    th_sub *sub = th_sub_open(s, topic, "queue ", NULL);
    th_user a, w;
    th_user_active(s, &w, "W", 0);
    th_sub_warmup(s, sub, &w, d, 50);
    topic[strlen(topic) - 1] = '\0';

    th_user_active(s, &a, "A", 0);
    rpc_reply r = hold(s, &a, d, 9);
    TH_OK(r);
    int64_t turn = th_int(r.result, "turn_expires_in_s");
    ck_assert_int_ge(turn, 1);
    ck_assert_int_le(turn, 3);
    ck_assert_int_le(th_int(r.result, "expires_in_s"), turn); /* no hold outlives the turn */
    rpc_reply st = th_call(s, "queue.status", "{\"token\":\"%s\"}", a.token);
    TH_OK(st);
    ck_assert_int_le(th_int(st.result, "turn_expires_in_s"), 3);
    rpc_reply map = th_call(s, "seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", a.token,
                            (long long)d);
    TH_OK(map);
    ck_assert_int_le(th_int(map.result, "turn_expires_in_s"), 3);

    /* release and hold again, again and again: it stops at the turn's end */
    int64_t h = th_int(r.result, "hold_id"), end = clock_mono_ms() + 15000;
    tk_err e = TK_OK;
    while (e == TK_OK && clock_mono_ms() < end) {
        th_sleep_ms(200);
        if ((e = release(s, &a, h).err) == TK_OK && (r = hold(s, &a, d, 9)).err == TK_OK)
            h = th_int(r.result, "hold_id");
        else if (e == TK_OK)
            e = r.err;
    }
    ck_assert_msg(e == TK_TOKEN_EXPIRED, "the turn did not end: %s", tk_err_reason(e));
    TH_ERR(th_call(s, "queue.status", "{\"token\":\"%s\"}", a.token), TK_TOKEN_EXPIRED);
    /* the seat is free for everyone, and its last event says so */
    end = clock_mono_ms() + TH_WAIT_MS;
    while (strcmp(th_str(th_admin_seat(s, d, 9), "state"), "free") != 0) {
        ck_assert_msg(clock_mono_ms() < end, "seat 9 never came free");
        th_sleep_ms(50);
    }
    th_event ev;
    int64_t last_seq = 0;
    const char *last_state = "";
    bool queue_idle = false;
    while (th_sub_recv(sub, 1500, &ev)) {
        if (!strcmp(ev.topic, topic) && th_int(ev.body, "seat_no") == 9) {
            last_seq = th_int(ev.body, "seq");
            last_state = th_keep_mem(strdup(th_str(ev.body, "state")));
        } else if (!strcmp(ev.topic, "queue") && th_int(ev.body, "active") == 0) {
            queue_idle = true; /* both turns over, and announced */
        }
    }
    ck_assert_str_eq(last_state, "free");
    rpc_reply adm = th_admin(s, "admin.seats.list", "{\"date_id\":%lld}", (long long)d);
    TH_OK(adm);
    ck_assert_int_eq(last_seq, th_int(adm.result, "seq"));
    ck_assert_msg(queue_idle, "no queue event with active 0");
    th_sub_close(sub);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_hold");
    TCase *tc = th_tcase("hold");
    tcase_add_test(tc, hold_success);
    tcase_add_test(tc, seat_taken_and_not_found);
    tcase_add_test(tc, release_and_hold_not_found);
    tcase_add_test(tc, hold_and_release_twice);
    tcase_add_test(tc, hold_limit);
    tcase_add_test(tc, hold_lapses);
    tcase_add_test(tc, hold_expired_on_pay);
    tcase_add_test(tc, turn_ends);
    suite_add_tcase(su, tc);
    return th_main(su);
}
