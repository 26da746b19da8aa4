/* tests/unit_tui_ticket.c -- the ticket and the history, headless: a ticket
 * refunded while it is on screen loses its QR at once, and going back to
 * the history and opening it again does not bring the QR back. And seats
 * by the map's names (B-13), with a cursor the map's edges stop. */
#include "tests/unit_run.h"
#include "tests/unit_tui_util.h"

#define BOOKING(state)                                                                        \
    "{\"bookings\":[{\"booking_id\":1,\"code\":\"TK-AAAA-BBBB\",\"title\":\"IU\","            \
    "\"venue\":\"Hall\",\"date_id\":1,\"starts_at\":\"2099-12-24T19:00:00Z\",\"seat_no\":13," \
    "\"price\":90000,\"paid_at\":\"2099-12-01T10:00:00Z\",\"state\":\"" state "\"}]}"

START_TEST(refund_on_screen_hides_the_qr)
{
    snprintf(S.user_id, sizeof S.user_id, UID);
    app *a = mk(false, &ks_history_ops, ks_history_new());
    answer(a, "booking.list", BOOKING("paid"));
    app_key(a, '\n');
    app_settle(a);
    ck_assert_ptr_eq(app_top_ops(a), &ks_ticket_ops);
    answer(a, "booking.list", BOOKING("paid")); /* the ticket asks when shown */
    ck_assert(ks_ticket_scannable(app_top_state(a)));
    /* the box office refunds it: the seat goes back on sale */
    tf_event(a, "sales", "{\"date_id\":1,\"free\":50,\"held\":0,\"sold\":0,\"revenue\":0}");
    answer(a, "booking.list", BOOKING("refunded"));
    ck_assert(!ks_ticket_scannable(app_top_state(a)));
    /* back to the list, which asks again, and the ticket once more */
    app_key(a, 27);
    app_settle(a);
    ck_assert_ptr_eq(app_top_ops(a), &ks_history_ops);
    answer(a, "booking.list", BOOKING("refunded"));
    app_key(a, '\n');
    app_settle(a);
    ck_assert_ptr_eq(app_top_ops(a), &ks_ticket_ops);
    ck_assert(!ks_ticket_scannable(app_top_state(a)));
    app_free(a);
}
END_TEST

/* An event while booking.list is out: that answer may predate the refund,
 * so the ticket asks once more after it. */
START_TEST(event_during_the_call_asks_again)
{
    snprintf(S.user_id, sizeof S.user_id, UID);
    ks_ticket t = {.booking_id = 1, .date_id = 1, .seat_no = 13, .price = 90000};
    snprintf(t.code, sizeof t.code, "TK-AAAA-BBBB");
    snprintf(t.state, sizeof t.state, "paid");
    app *a = mk(false, &ks_ticket_ops, ks_ticket_new(&t, 1));
    const tf_sent *first = sent(a, "booking.list");
    int64_t id = first->id;
    tf_event(a, "sales", "{\"date_id\":1,\"free\":50,\"held\":0,\"sold\":0,\"revenue\":0}");
    tf_event(a, "sales", "{\"date_id\":2,\"free\":50,\"held\":0,\"sold\":0,\"revenue\":0}");
    const tf_sent *out;
    ck_assert_int_eq(tf_outbox(a, &out), 1); /* one call in flight */
    tf_reply(a, id, BOOKING("paid"), TK_OK, NULL);
    ck_assert(ks_ticket_scannable(app_top_state(a)));
    answer(a, "booking.list", BOOKING("refunded"));
    ck_assert(!ks_ticket_scannable(app_top_state(a)));
    app_free(a);
}
END_TEST

START_TEST(seat_names_and_steps)
{
    char n[8];
    const struct { int no; const char *name; } names[] = {
        {1, "A-1"}, {10, "A-10"}, {11, "B-11"}, {13, "B-13"}, {41, "E-41"}, {50, "E-50"}, {0, "0"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        wg_seat_name(n, names[i].no);
        ck_assert_str_eq(n, names[i].name);
    }
    ck_assert_int_eq(wg_seat_step(1, -1, 0), 1);   /* row A: up stays */
    ck_assert_int_eq(wg_seat_step(1, 0, -1), 1);   /* first column: left stays */
    ck_assert_int_eq(wg_seat_step(10, 0, 1), 10);  /* last column: no wrap to B-11 */
    ck_assert_int_eq(wg_seat_step(45, 1, 0), 45);  /* row E: down stays */
    ck_assert_int_eq(wg_seat_step(13, 1, 0), 23);
    ck_assert_int_eq(wg_seat_step(13, 0, -1), 12);
}
END_TEST

/* On the kiosk's map: Up from row A and Left from its first seat stay, so
 * Enter holds seat A-1 (it used to wrap to row E, seat 41, then 50). */
START_TEST(map_arrows_stop_at_the_edges)
{
    static char buf[8192];
    app *a = on_seats();
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 1, 0, 0));
    app_key(a, KEY_UP);
    app_key(a, KEY_LEFT);
    app_key(a, '\n');
    ck_assert_str_eq(sent(a, "seat.hold")->params, "{\"token\":\"tok\",\"date_id\":1,\"seat_no\":1}");
    app_free(a);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {refund_on_screen_hides_the_qr, event_during_the_call_asks_again,
                                  seat_names_and_steps, map_arrows_stop_at_the_edges};
    Suite *s = suite_create("tui_ticket");
    tcase_add_checked_fixture(ur_tcase(s, "ticket", 0, tests, UR_LEN(tests)), setup, NULL);
    return ur_run(s);
}
