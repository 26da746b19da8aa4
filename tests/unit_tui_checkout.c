/* tests/unit_tui_checkout.c -- checkout and the ways a hold ends, driven
 * through the headless kiosk (tests/unit_tui_util.h): a payment whose
 * answer was lost, lapses seen by our clock or by events, staff releasing
 * a seat, HOLD_EXPIRED and HOLD_NOT_FOUND. No terminal, no server. */
#include "tests/unit_run.h"
#include "tests/unit_tui_util.h"

START_TEST(checkout_retry_same_attempt)
{
    char r1[64], r2[64], r3[64];
    app *a = at_checkout(300);
    answer(a, "wallet.balance", "{\"balance\":500000}");
    app_key(a, '\n');
    request_id_of(a, r1);
    tf_offline(a, sent(a, "payment.pay")->id); /* no answer: outcome unknown */
    ck_assert_ptr_null(tf_find(a, "payment.pay"));
    app_set_online(a, false);
    app_set_online(a, true); /* back: the same attempt again */
    request_id_of(a, r2);
    ck_assert_str_eq(r1, r2);
    fail_with(a, "payment.pay", TK_INSUFFICIENT_FUNDS, "{\"balance\":1000,\"amount\":180000}");
    ck_assert_ptr_eq(app_top_ops(a), &ks_wallet_ops);
    ck_assert_str_eq(app_flash_text(a), "Not enough money: balance 1,000 won, need 180,000 won. Charge first.");
    /* charge in the wallet, which then returns to checkout by itself */
    app_key(a, '3');
    cJSON *p = cJSON_Parse(sent(a, "wallet.charge")->params);
    ck_assert_int_eq((int)cJSON_GetObjectItem(p, "amount")->valuedouble, 100000);
    cJSON_Delete(p);
    answer(a, "wallet.charge", "{\"balance\":101000,\"entry_id\":3}");
    ck_assert_ptr_eq(app_top_ops(a), &ks_checkout_ops);
    app_key(a, '\n');
    request_id_of(a, r3);
    ck_assert_str_ne(r1, r3); /* a definite failure ends the attempt */
    answer(a, "payment.pay",
           "{\"payment_id\":1,\"amount\":180000,\"balance\":1000,\"bookings\":[{\"booking_id\":1,\"code\":\"TK-A\","
           "\"date_id\":1,\"seat_no\":13,\"price\":90000},{\"booking_id\":2,\"code\":\"TK-B\",\"date_id\":1,"
           "\"seat_no\":14,\"price\":90000}]}");
    ck_assert_ptr_eq(app_top_ops(a), &ks_ticket_ops);
    ck_assert_int_eq(app_depth(a), 1);
    ck_assert_int_eq(S.nholds, 0);
    ck_assert_str_eq(S.token, "");
    app_free(a);
}
END_TEST

START_TEST(checkout_lapse_requeues)
{
    app *a = at_checkout(2);
    app_tick(a, clock_mono_ms() + 1000);
    ck_assert_ptr_eq(app_top_ops(a), &ks_checkout_ops);
    app_tick(a, clock_mono_ms() + 2500);
    ck_assert_ptr_eq(app_top_ops(a), &ks_queue_ops);
    ck_assert_str_eq(app_flash_text(a), tx(T_LAPSED));
    ck_assert_int_eq(S.nholds, 0);
    /* the lapsed turn's token is left first: with two holds the server may
     * keep it a moment longer, and a join would get it back */
    ck_assert_str_eq(sent(a, "queue.leave")->params, "{\"token\":\"tok\"}");
    ck_assert_ptr_null(tf_find(a, "queue.join"));
    fail_with(a, "queue.leave", TK_TOKEN_EXPIRED, NULL); /* gone already: fine */
    ck_assert_ptr_eq(app_top_ops(a), &ks_queue_ops);
    ck_assert_str_eq(app_flash_text(a), tx(T_LAPSED));
    ck_assert_ptr_nonnull(tf_find(a, "queue.join"));
    ck_assert_str_eq(S.stale_token, "");
    app_free(a);
}
END_TEST

/* The seats under checkout come free at the deadline (an event) before
 * the kiosk's own clock says so. That was the last hold, so the server
 * ended the turn with it: the kiosk says so at once and requeues, leaving
 * the spent token first, rather than showing a map with no hold and a
 * turn clock that is no longer true. */
START_TEST(checkout_lapse_seen_as_events)
{
    app *a = checkout_from_map("jll", 9, 13, 1); /* seat 13, one second left */
    ck_assert_ptr_eq(app_top_ops(a), &ks_checkout_ops);
    tf_event(a, "seat.1", "{\"date_id\":1,\"seq\":3,\"seat_no\":13,\"state\":\"free\"}");
    ck_assert_int_eq(S.nholds, 0);
    ck_assert_ptr_eq(app_top_ops(a), &ks_queue_ops);
    ck_assert_str_eq(app_flash_text(a), tx(T_LAPSED));
    ck_assert_str_eq(sent(a, "queue.leave")->params, "{\"token\":\"tok\"}");
    app_free(a);
}
END_TEST

/* Checkout from the map for seat 1 (hold 5, five minutes), the balance
 * known, Enter pressed: the payment is in flight. */
static app *paying_from_map(void)
{
    app *a = checkout_from_map("", 5, 1, 300);
    answer(a, "wallet.balance", "{\"balance\":500000}");
    app_key(a, '\n');
    return a;
}

/* The payment of paying_from_map went through. */
static void answer_paid_seat1(app *a)
{
    answer(a, "payment.pay",
           "{\"payment_id\":1,\"amount\":120000,\"balance\":380000,\"bookings\":[{\"booking_id\":1,"
           "\"code\":\"TK-A\",\"date_id\":1,\"seat_no\":1,\"price\":120000}]}");
}

/* Paying for a hold the server no longer has for us (staff released it,
 * or this member paid at another kiosk) is not a lapse: back to the map,
 * the turn goes on, and the message says what happened. */
START_TEST(checkout_hold_gone)
{
    app *a = paying_from_map();
    fail_with(a, "payment.pay", TK_HOLD_NOT_FOUND, NULL);
    ck_assert_ptr_eq(app_top_ops(a), &ks_seats_ops);
    ck_assert_str_eq(app_flash_text(a), tx(T_HOLD_GONE));
    ck_assert_int_eq(S.nholds, 0);
    ck_assert_str_eq(S.token, "tok"); /* still this member's turn */
    app_free(a);
}
END_TEST

START_TEST(checkout_hold_expired_reply)
{
    app *a = at_checkout(300);
    app_key(a, '\n');
    fail_with(a, "payment.pay", TK_HOLD_EXPIRED, NULL);
    ck_assert_ptr_eq(app_top_ops(a), &ks_queue_ops);
    ck_assert_str_eq(app_flash_text(a), tx(T_LAPSED));
    /* the lapsed token's leave gets no answer: join anyway (the server
     * ends that turn by itself) */
    tf_offline(a, sent(a, "queue.leave")->id);
    ck_assert_ptr_nonnull(tf_find(a, "queue.join"));
    ck_assert_str_eq(S.stale_token, "");
    app_free(a);
}
END_TEST

/* The payment's answer is lost, and when the kiosk is back the seat map
 * beneath asks for its seats with a token the payment has spent. That
 * TOKEN_EXPIRED must not send the customer back to the queue: the same
 * payment, retried, says it went through, and the ticket is shown. Esc
 * cannot leave while the outcome is unknown. */
START_TEST(checkout_unsure_payment_outlives_spent_token)
{
    app *a = paying_from_map();
    tf_offline(a, sent(a, "payment.pay")->id);
    app_key(a, 27);
    ck_assert_ptr_eq(app_top_ops(a), &ks_checkout_ops);
    /* the seat goes "sold" (our own payment, most likely) before we know */
    tf_event(a, "seat.1", "{\"date_id\":1,\"seq\":3,\"seat_no\":1,\"state\":\"sold\"}");
    app_tick(a, clock_mono_ms() + 100);
    ck_assert_ptr_eq(app_top_ops(a), &ks_checkout_ops);
    app_set_online(a, false);
    app_set_online(a, true); /* back: every screen resyncs */
    fail_with(a, "seats.list", TK_TOKEN_EXPIRED, NULL);
    ck_assert_ptr_eq(app_top_ops(a), &ks_checkout_ops);
    ck_assert_str_eq(S.token, "tok");
    /* the retry names the same hold, though the list has let it go */
    cJSON *p = cJSON_Parse(sent(a, "payment.pay")->params);
    ck_assert_int_eq((int)cJSON_GetArrayItem(cJSON_GetObjectItem(p, "hold_ids"), 0)->valuedouble, 5);
    cJSON_Delete(p);
    answer_paid_seat1(a);
    ck_assert_ptr_eq(app_top_ops(a), &ks_ticket_ops);
    ck_assert(!ks_pay_open(&S));
    app_free(a);
}
END_TEST

/* Staff release the seat while checkout is open: checkout hears it (the
 * map below is not listening), says so, and goes back to the map; the
 * turn goes on, and since the server restarted its window the kiosk asks
 * for the new deadline instead of showing the old one. */
START_TEST(checkout_hears_staff_release)
{
    app *a = checkout_from_map("", 5, 1, 300);
    tf_event(a, "seat.1", "{\"date_id\":1,\"seq\":3,\"seat_no\":1,\"state\":\"free\"}");
    ck_assert_int_eq(S.nholds, 0);
    char m[256];
    snprintf(m, sizeof m, tx(T_SEAT_TAKEN_BACK), "A-1");
    ck_assert_str_eq(app_flash_text(a), m);
    ck_assert_int_eq(ks_countdown_s(&S, clock_mono_ms(), NULL), -1); /* unknown, not stale */
    app_tick(a, clock_mono_ms() + 100);
    ck_assert_ptr_eq(app_top_ops(a), &ks_seats_ops);
    app_tick(a, clock_mono_ms() + 6000);
    answer(a, "queue.status", "{\"state\":\"active\",\"position\":0,\"expires_in_s\":600}");
    ck_assert_int_ge(ks_countdown_s(&S, clock_mono_ms(), NULL), 590);
    ck_assert_str_eq(S.token, "tok");
    app_free(a);
}
END_TEST

/* With two holds, the earlier one lapsing loses that seat only: the server
 * keeps the turn while the other is live, and so does the kiosk. */
START_TEST(checkout_first_of_two_lapses)
{
    member_with_token();
    ks_add_hold(&S, 44, 1, 13, 90000, 1, clock_mono_ms());
    ks_add_hold(&S, 45, 1, 14, 90000, 300, clock_mono_ms());
    app *a = mk(false, &ks_checkout_ops, ks_checkout_new());
    app_tick(a, clock_mono_ms() + 2000);
    ck_assert_ptr_eq(app_top_ops(a), &ks_checkout_ops);
    ck_assert_int_eq(S.nholds, 1);
    ck_assert_int_eq(S.holds[0].seat_no, 14);
    char m[256];
    snprintf(m, sizeof m, tx(T_SEAT_LAPSED), "B-13"); /* the map's row B */
    ck_assert_str_eq(app_flash_text(a), m);
    app_key(a, '\n'); /* pays for what is left */
    cJSON *p = cJSON_Parse(sent(a, "payment.pay")->params);
    const cJSON *ids = cJSON_GetObjectItem(p, "hold_ids");
    ck_assert_int_eq(cJSON_GetArraySize(ids), 1);
    ck_assert_int_eq((int)cJSON_GetArrayItem(ids, 0)->valuedouble, 45);
    cJSON_Delete(p);
    app_free(a);
}
END_TEST

/* The server publishes the seat as sold a moment before our payment's
 * answer arrives: that is our payment, not staff. No "released" message,
 * no background question about the turn (the spent token would end it),
 * and the answer shows the ticket. */
START_TEST(checkout_sold_event_before_the_answer)
{
    app *a = paying_from_map();
    tf_event(a, "seat.1", "{\"date_id\":1,\"seq\":3,\"seat_no\":1,\"state\":\"sold\"}");
    ck_assert_ptr_eq(app_top_ops(a), &ks_checkout_ops);
    ck_assert_ptr_null(strstr(app_flash_text(a), "no longer held"));
    app_tick(a, clock_mono_ms() + 6000);
    ck_assert_ptr_null(tf_find(a, "queue.status"));
    answer_paid_seat1(a);
    ck_assert_ptr_eq(app_top_ops(a), &ks_ticket_ops);
    app_free(a);
}
END_TEST

/* At the turn's end the server lapses every hold at once (none outlives
 * the turn): the kiosk, told the turn's end by seat.hold, counts down to
 * it and then says the turn ended, not that a hold ran out. */
START_TEST(checkout_turn_ends)
{
    static char buf[8192];
    app *a = on_seats();
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 1, 0, 0));
    app_key(a, '\n');
    answer(a, "seat.hold", "{\"hold_id\":5,\"date_id\":1,\"seat_no\":1,\"price\":90000,"
                           "\"expires_in_s\":1,\"turn_expires_in_s\":1}");
    ck_assert_int_le(ks_countdown_s(&S, clock_mono_ms(), NULL), 1);
    app_key(a, 'c');
    ck_assert_ptr_eq(app_top_ops(a), &ks_checkout_ops);
    app_tick(a, clock_mono_ms() + 2000);
    ck_assert_ptr_eq(app_top_ops(a), &ks_queue_ops);
    ck_assert_str_eq(app_flash_text(a), tx(T_TURN_ENDED));
    app_free(a);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        checkout_retry_same_attempt,   checkout_lapse_requeues,
        checkout_hold_expired_reply,   checkout_lapse_seen_as_events,
        checkout_hold_gone,            checkout_unsure_payment_outlives_spent_token,
        checkout_hears_staff_release,  checkout_first_of_two_lapses,
        checkout_sold_event_before_the_answer, checkout_turn_ends,
    };
    Suite *s = suite_create("tui_checkout");
    tcase_add_checked_fixture(ur_tcase(s, "checkout", 0, tests, UR_LEN(tests)), setup, NULL);
    return ur_run(s);
}
