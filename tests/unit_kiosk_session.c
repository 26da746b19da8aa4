/* tests/unit_kiosk_session.c -- the kiosk's session as a state machine
 * (tui/kiosk/session.h) and the replies it is fed (tui/kiosk/model.h):
 * no terminal, no app, times given. */
#include "tests/unit_run.h"

#include <string.h>

#include "tui/kiosk/model.h"
#include "tui/kiosk/session.h"

#define UID "5b0c3c0e-8a4e-4c1e-9a8e-2f7d2d1f4a10"

static void answer(ks_session *s, const char *json, int64_t now)
{
    cJSON *j = cJSON_Parse(json);
    ks_queue_reply q;
    ks_parse_queue(j, &q);
    ks_queue_answer(s, &q, now);
    cJSON_Delete(j);
}

/* A member in a turn (token t1, 600 s) holding seats 12 and 13 of date
 * 1 for the given seconds from time 0. */
static void in_turn(ks_session *s, int64_t hold12_s, int64_t hold13_s)
{
    ks_session_clear(s);
    ks_login(s, UID, "");
    answer(s, "{\"token\":\"t1\",\"state\":\"active\",\"expires_in_s\":600}", 0);
    ks_add_hold(s, 5, 1, 12, 110000, hold12_s, 0);
    ks_add_hold(s, 6, 1, 13, 110000, hold13_s, 0);
}

/* In at the welcome screen, through the line, a hold, a payment, out. */
START_TEST(a_whole_visit)
{
    ks_session s;
    ks_session_clear(&s);
    ck_assert_int_eq(s.state, KS_ANON);
    ks_login(&s, UID, "Kim");
    ck_assert_int_eq(s.state, KS_MEMBER);
    answer(&s, "{\"token\":\"t1\",\"state\":\"waiting\",\"position\":3,\"eta_s\":40,\"seq\":7}", 0);
    ck_assert_int_eq(s.state, KS_WAITING);
    ck_assert_str_eq(s.token, "t1");
    ck_assert_int_eq(s.queue_seq, 7);
    answer(&s, "{\"state\":\"active\",\"expires_in_s\":600,\"turn_expires_in_s\":900}", 1000);
    ck_assert_int_eq(s.state, KS_TURN);
    ck_assert_str_eq(s.token, "t1"); /* a status keeps the token it did not name */
    ck_assert_int_eq(s.queue_seq, 7);
    ck_assert_int_eq(ks_countdown_s(&s, 1000, NULL), 600);
    ks_add_hold(&s, 5, 1, 12, 110000, 300, 2000);
    ks_pay_begin(&s);
    ck_assert_int_eq(s.state, KS_PAYING);
    ck_assert(ks_pay_open(&s));
    /* a queue.status answered meanwhile does not close the payment */
    answer(&s, "{\"state\":\"active\",\"expires_in_s\":500}", 3000);
    ck_assert(ks_pay_open(&s));
    ks_paid(&s);
    ck_assert_int_eq(s.state, KS_MEMBER);
    ck_assert(!ks_pay_open(&s));
    ck_assert_str_eq(s.token, ""); /* spent */
    ck_assert_int_eq(s.nholds, 0);
    ck_assert_int_eq(ks_countdown_s(&s, 3000, NULL), -1);
    ck_assert_str_eq(s.user_id, UID); /* still the member: may queue again */
    ks_session_clear(&s);
    ck_assert_int_eq(s.state, KS_ANON);
}
END_TEST

START_TEST(payment_fails)
{
    ks_session s;
    in_turn(&s, 300, 300);
    ks_pay_begin(&s);
    ks_pay_failed(&s);
    ck_assert_int_eq(s.state, KS_TURN);
    ck_assert_int_eq(s.nholds, 2);
    ks_pay_failed(&s); /* twice: still in the turn */
    ck_assert_int_eq(s.state, KS_TURN);
}
END_TEST

/* A lapse is a fact of the turn: it says why the turn ended, keeps the
 * token to leave, and goes with the turn. */
START_TEST(a_lapse_ends_the_turn)
{
    ks_session s;
    in_turn(&s, 10, 20);
    ck_assert(!ks_hold_lapsed(&s));
    ck_assert(!ks_lose_hold_seat(&s, 1, 99, 10000)); /* not ours */
    ck_assert(ks_lose_hold_seat(&s, 1, 12, 10000));  /* due: lapsed */
    ck_assert(ks_hold_lapsed(&s));
    ck_assert_int_eq(s.state, KS_TURN); /* the other hold keeps the turn */
    ck_assert(!ks_turn_stale(&s));
    ks_turn_lost(&s, true);
    ck_assert_int_eq(s.state, KS_MEMBER);
    ck_assert_str_eq(s.stale_token, "t1");
    ck_assert_str_eq(s.token, "");
    ck_assert_int_eq(s.nholds, 0);
    ck_assert(!ks_hold_lapsed(&s)); /* forgotten with the turn */
    ks_stale_left(&s);
    ck_assert_str_eq(s.stale_token, "");
    /* a turn that ends otherwise leaves nothing to leave */
    answer(&s, "{\"token\":\"t2\",\"state\":\"active\",\"expires_in_s\":600}", 0);
    ks_turn_lost(&s, false);
    ck_assert_str_eq(s.stale_token, "");
}
END_TEST

/* Our last hold released early (staff): the token's deadline we have is
 * out of date until the server says again; the countdown shows nothing
 * meanwhile rather than a wrong time. */
START_TEST(an_early_release_stales_the_deadline)
{
    ks_session s;
    in_turn(&s, 300, 300);
    ck_assert(!ks_lose_hold_seat(&s, 1, 12, 1000)); /* not due: released */
    ck_assert(!ks_turn_stale(&s));                  /* one is still held */
    ck_assert(!ks_lose_hold_seat(&s, 1, 13, 1000));
    ck_assert(ks_turn_stale(&s));
    ck_assert(!ks_hold_lapsed(&s));
    ck_assert_int_eq(ks_countdown_s(&s, 1000, NULL), -1);
    answer(&s, "{\"state\":\"active\",\"expires_in_s\":500}", 2000);
    ck_assert(!ks_turn_stale(&s));
    ck_assert_int_eq(ks_countdown_s(&s, 2000, NULL), 500);
    /* staff releasing every hold at once (a payment's HOLD_NOT_FOUND) */
    ks_add_hold(&s, 7, 1, 14, 110000, 300, 3000);
    ks_holds_gone(&s, 3000);
    ck_assert_int_eq(s.nholds, 0);
    ck_assert(ks_turn_stale(&s));
    /* holding again: whatever was stale is the holds' business now */
    ks_add_hold(&s, 8, 1, 15, 110000, 300, 4000);
    ck_assert(!ks_turn_stale(&s));
}
END_TEST

/* The replies are read with range checks: a number cJSON saturates or a
 * wrong type is "not said", never a huge or negative time. */
START_TEST(replies_read_strictly)
{
    cJSON *j = cJSON_Parse("{\"state\":\"active\",\"expires_in_s\":1e300,\"turn_expires_in_s\":-5,"
                           "\"seq\":\"7\",\"token\":42}");
    ks_queue_reply q;
    ks_parse_queue(j, &q);
    ck_assert(q.active);
    ck_assert_int_eq(q.expires_in_s, -1);
    ck_assert_int_eq(q.turn_expires_in_s, -1);
    ck_assert_int_eq(q.seq, -1);
    ck_assert_str_eq(q.token, "");
    cJSON_Delete(j);
    ks_session s = {0};
    ks_login(&s, UID, "");
    ks_queue_answer(&s, &q, 0);
    ck_assert_int_eq(ks_countdown_s(&s, 0, NULL), -1); /* nothing known, nothing shown */
    j = cJSON_Parse("{\"seq\":3,\"seats\":[{\"no\":2,\"state\":\"held\",\"mine\":true,\"hold_id\":9,"
                    "\"expires_in_s\":100,\"price\":5},{\"no\":51,\"state\":\"sold\"},"
                    "{\"no\":3,\"state\":\"held\",\"mine\":true}]}");
    ks_seat_map m;
    ks_parse_seats(j, &m);
    ck_assert_int_eq(m.seat[1], WG_S_MINE);
    ck_assert_int_eq(m.hold_id[1], 9);
    ck_assert_int_eq(m.expires_in_s[1], 100);
    ck_assert_int_eq(m.hold_id[2], 0); /* mine, but without its hold: not adopted */
    ck_assert_int_eq(m.seq, 3);
    ck_assert_int_eq(m.turn_expires_in_s, -1);
    cJSON_Delete(j);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {a_whole_visit, payment_fails, a_lapse_ends_the_turn,
                                  an_early_release_stales_the_deadline, replies_read_strictly};
    Suite *s = suite_create("kiosk_session");
    ur_tcase(s, "session", 0, tests, UR_LEN(tests));
    return ur_run(s);
}
