/* tests/unit_console.c -- the console's screens on a headless app: keys in,
 * calls out (tf_outbox), replies and events back in, state checked.
 * No terminal and no server: the wire side is tests/e2e/console_*.sh. */
#include <check.h>
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tests/lib/tui_fake.h"
#include "tui/console/console_int.h"
#include "tui/ui/text.h"
#include "tui/ui/widgets.h"
#include "tests/unit_run.h"

static app *A;
static adm_console C;

static const char *DASH =
    "{\"dates\":[{\"date_id\":4,\"concert_id\":2,\"title\":\"IU\",\"venue\":\"Hall\","
    "\"starts_at\":\"2030-03-01T11:00:00Z\",\"on_sale_at\":\"2029-01-01T00:00:00Z\","
    "\"free\":47,\"held\":1,\"sold\":2,\"revenue\":300000},"
    "{\"date_id\":5,\"concert_id\":3,\"title\":\"BTS\",\"venue\":\"Dome\","
    "\"starts_at\":\"2030-04-01T11:00:00Z\",\"on_sale_at\":\"2029-01-01T00:00:00Z\","
    "\"free\":50,\"held\":0,\"sold\":0,\"revenue\":0}],"
    "\"totals\":{\"free\":97,\"held\":1,\"sold\":2,\"revenue\":300000},"
    "\"queue\":{\"waiting\":3,\"active\":2,\"admitted\":9,\"admitted_seq\":11,"
    "\"admit_per_min\":600,\"max_active\":100,\"paused\":false},"
    "\"requests\":{\"total\":10,\"errors\":0,\"per_s\":1,\"p50_ms\":1,\"p90_ms\":1,\"p99_ms\":1},"
    "\"server\":{\"version\":\"1\",\"uptime_s\":5,\"now\":\"2030-01-01T00:00:00Z\"}}";

/* Seat 3 sold (no booking_id: the server does not send one), seat 12 held. */
static const char *SEATS =
    "{\"date_id\":4,\"seq\":7,\"seats\":[{\"no\":1,\"state\":\"free\",\"price\":100},"
    "{\"no\":3,\"state\":\"sold\",\"price\":150000,\"code\":\"TK-AAAA-BBBB\"},"
    "{\"no\":12,\"state\":\"held\",\"price\":110000,\"hold_id\":77,\"expires_in_s\":250}]}";

static void setup(void)
{
    tx_set_lang(TX_EN);
    A = tf_app_new(&(app_config){.title = "console"});
    memset(&C, 0, sizeof C);
    adm_model_init(&C.m);
    C.poll_ms = 1500;
    app_set_model(A, &C);
    app_push(A, &adm_dash_ops, adm_dash_new());
    app_settle(A);
}

static void teardown(void) { app_free(A); }

static void keys(const char *s)
{
    for (; *s; s++)
        app_key(A, (unsigned char)*s);
}

/* The newest unanswered call to method; fails the test when there is none. */
static const tf_sent *sent(const char *method)
{
    const tf_sent *s = tf_find(A, method);
    ck_assert_msg(s != NULL, "no %s call", method);
    return s;
}

static int pending(const char *method)
{
    const tf_sent *o;
    int n = tf_outbox(A, &o), k = 0;
    for (int i = 0; i < n; i++)
        k += !strcmp(o[i].method, method);
    return k;
}

static void load_dashboard(void)
{
    tf_reply(A, sent("admin.dashboard")->id, DASH, TK_OK, NULL);
    ck_assert(C.m.loaded);
}

START_TEST(dashboard_polls_one_at_a_time)
{
    ck_assert_int_eq(pending("admin.dashboard"), 1); /* on entering */
    app_tick(A, 1LL << 40);
    ck_assert_int_eq(pending("admin.dashboard"), 1); /* still in flight: no second */
    load_dashboard();
    ck_assert_int_eq(C.m.ndates, 2);
    app_tick(A, (1LL << 40) + 10);
    ck_assert_int_eq(pending("admin.dashboard"), 1); /* due again */
    /* a failing poll says so once and keeps polling */
    tf_reply(A, sent("admin.dashboard")->id, NULL, TK_FORBIDDEN, NULL);
    ck_assert_ptr_nonnull(strstr(C.last, "admin.dashboard failed: FORBIDDEN (wrong admin key)"));
    ck_assert(C.last_bad);
    ck_assert(C.m.loaded); /* what we had stays on screen */
}
END_TEST

START_TEST(dashboard_sorted_by_start)
{
    load_dashboard();
    keys("j"); /* date 5 */
    ck_assert_int_eq(adm_dash_selected(A), 5);
    app_tick(A, 1LL << 40);
    /* the server lists by id; a new date 6 starts first */
    static const char *row = "{\"date_id\":%d,\"concert_id\":2,\"title\":\"X\",\"venue\":\"V\","
                             "\"starts_at\":\"%s\",\"on_sale_at\":\"2029-01-01T00:00:00Z\","
                             "\"free\":50,\"held\":0,\"sold\":0,\"revenue\":0}";
    char a[400], b[400], c[400], all[2048];
    snprintf(a, sizeof a, row, 4, "2030-03-01T11:00:00Z");
    snprintf(b, sizeof b, row, 5, "2030-04-01T20:00:00+09:00");
    snprintf(c, sizeof c, row, 6, "2030-02-01T11:00:00Z");
    snprintf(all, sizeof all, "{\"dates\":[%s,%s,%s],%s", b, a, c, strstr(DASH, "\"totals\""));
    tf_reply(A, sent("admin.dashboard")->id, all, TK_OK, NULL);
    ck_assert_int_eq(C.m.ndates, 3);
    ck_assert_int_eq(C.m.dates[0].date_id, 6);
    ck_assert_int_eq(C.m.dates[1].date_id, 4);
    ck_assert_int_eq(C.m.dates[2].date_id, 5);
    ck_assert_int_eq(adm_dash_selected(A), 5); /* the selection follows its date */
}
END_TEST

START_TEST(dashboard_events)
{
    load_dashboard();
    tf_event(A, "sales", "{\"date_id\":5,\"free\":48,\"held\":1,\"sold\":1,\"revenue\":9}");
    ck_assert_int_eq(C.m.t_sold, 3);
    tf_event(A, "queue", "{\"admitted_seq\":12,\"waiting\":40,\"active\":3,"
                               "\"admit_per_min\":600,\"paused\":true}");
    ck_assert(C.m.q.paused);
    ck_assert_int_eq(C.m.q.waiting, 40);
    /* the door: checked-in / sold of the date, live; unknown before */
    const adm_date_row *d5 = adm_model_date(&C.m, 5);
    ck_assert_int_eq(d5->checked_in, -1); /* this dashboard has no checked_in */
    tf_event(A, "checkin", "{\"date_id\":5,\"checked_in\":1,\"sold\":2}");
    ck_assert_int_eq(d5->checked_in, 1);
    ck_assert_int_eq(d5->sold, 2);
    tf_event(A, "checkin", "{\"date_id\":5,\"checked_in\":3,\"sold\":2}"); /* nonsense */
    ck_assert_int_eq(d5->checked_in, 1);
    /* a sale on a date the console has not seen asks for a poll at once */
    tf_event(A, "sales", "{\"date_id\":9,\"free\":50,\"held\":0,\"sold\":0,\"revenue\":0}");
    app_tick(A, 1);
    ck_assert_int_eq(pending("admin.dashboard"), 1);
}
END_TEST

START_TEST(queue_controls)
{
    load_dashboard();
    keys("p");
    const tf_sent *s = sent("admin.queue.set");
    ck_assert_str_eq(s->params, "{\"paused\":true}");
    tf_reply(A, s->id, "{\"paused\":true,\"max_active\":100,\"admit_per_min\":600}", TK_OK,
                   NULL);
    ck_assert(C.m.q.paused);
    ck_assert_str_eq(C.last, "Queue: PAUSED, max active 100, admit 600/min");
    keys("p");
    ck_assert_str_eq(sent("admin.queue.set")->params, "{\"paused\":false}");
    tf_reply(A, sent("admin.queue.set")->id, NULL, TK_FORBIDDEN, NULL);
    ck_assert_str_eq(C.last, "admin.queue.set failed: FORBIDDEN (wrong admin key)");
    /* max_active: out of range is refused in the dialog, nothing sent */
    keys("m");
    ck_assert_ptr_eq(app_top_ops(A), &adm_ask_ops);
    keys("0\r");
    ck_assert_ptr_eq(app_top_ops(A), &adm_ask_ops);
    ck_assert_int_eq(pending("admin.queue.set"), 0);
    app_key(A, KEY_BACKSPACE);
    keys("x25\r"); /* letters are ignored */
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
    ck_assert_str_eq(sent("admin.queue.set")->params, "{\"max_active\":25}");
    tf_reply(A, sent("admin.queue.set")->id,
                   "{\"paused\":true,\"max_active\":25,\"admit_per_min\":600}", TK_OK, NULL);
    ck_assert_int_eq(C.m.q.max_active, 25);
    /* admit_per_min, and Esc cancels without a call */
    keys("a");
    app_key(A, ADM_KEY_ESC);
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
    keys("a120\r");
    ck_assert_str_eq(sent("admin.queue.set")->params, "{\"admit_per_min\":120}");
}
END_TEST

/* o: the pre-queue's opening, checked in the dialog before it is sent. */
START_TEST(queue_opens_at)
{
    load_dashboard();
    keys("o");
    ck_assert_ptr_eq(app_top_ops(A), &adm_ask_ops);
    keys("25:00\r");
    ck_assert_ptr_eq(app_top_ops(A), &adm_ask_ops); /* refused: nothing sent */
    ck_assert_int_eq(pending("admin.queue.set"), 0);
    app_key(A, 21); /* ^U */
    keys("2001-01-01T00:00:00Z\r");
    ck_assert_ptr_eq(app_top_ops(A), &adm_ask_ops); /* in the past */
    ck_assert_int_eq(pending("admin.queue.set"), 0);
    app_key(A, 21);
    keys("2099-12-24T19:00:00+09:00\r");
    ck_assert_ptr_eq(app_top_ops(A), &adm_ask_ops); /* more than a year ahead */
    app_key(A, 21);
    char at[40], typed[48];
    time_format(clock_wall_ms() + 3600000, at, sizeof at);
    snprintf(typed, sizeof typed, "%s\r", at);
    keys(typed);
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
    char want[80];
    snprintf(want, sizeof want, "{\"opens_at\":\"%s\"}", at);
    ck_assert_str_eq(sent("admin.queue.set")->params, want);
    char reply[200];
    snprintf(reply, sizeof reply,
             "{\"paused\":false,\"max_active\":100,\"admit_per_min\":600,\"opens_at\":\"%s\"}",
             at);
    tf_reply(A, sent("admin.queue.set")->id, reply, TK_OK, NULL);
    ck_assert_ptr_nonnull(strstr(C.last, "places are drawn then"));
    keys("o-\r");
    ck_assert_str_eq(sent("admin.queue.set")->params, "{\"opens_at\":null}");
    tf_reply(A, sent("admin.queue.set")->id,
                   "{\"paused\":false,\"max_active\":100,\"admit_per_min\":600,\"opens_at\":null}",
                   TK_OK, NULL);
    ck_assert_str_eq(C.last, "No pre-queue: the line is open.");
}
END_TEST

static void open_seats(void)
{
    load_dashboard();
    keys("\r");
    ck_assert_ptr_eq(app_top_ops(A), &adm_seats_ops);
    const tf_sent *s = sent("admin.seats.list");
    ck_assert_str_eq(s->params, "{\"date_id\":4}");
    tf_reply(A, s->id, SEATS, TK_OK, NULL);
}

static void cursor_to(int from, int to)
{
    for (; from < to; from++)
        app_key(A, KEY_RIGHT);
}

START_TEST(seats_release)
{
    open_seats();
    keys("r"); /* seat 1 is free */
    ck_assert_int_eq(pending("admin.hold.release"), 0);
    ck_assert_str_eq(app_flash_text(A), "Seat A-1 is not held.");
    app_key(A, KEY_DOWN); /* 11 */
    cursor_to(11, 12);
    keys("r");
    ck_assert_ptr_eq(app_top_ops(A), &adm_ask_ops); /* the confirmation */
    keys("n");
    ck_assert_ptr_eq(app_top_ops(A), &adm_seats_ops);
    ck_assert_int_eq(pending("admin.hold.release"), 0); /* not before the y */
    keys("ry");
    const tf_sent *s = sent("admin.hold.release");
    ck_assert_str_eq(s->params, "{\"hold_id\":77}");
    /* the seat event and the refetched map (seat 12 free, no hold id)
     * come before the reply: it still names the hold that was released */
    int64_t release_id = s->id;
    tf_event(A, "seat.4", "{\"date_id\":4,\"seat_no\":12,\"state\":\"free\",\"seq\":9}");
    tf_reply(A, sent("admin.seats.list")->id,
             "{\"date_id\":4,\"seq\":9,\"seats\":[{\"no\":12,\"state\":\"free\",\"price\":1000}]}",
             TK_OK, NULL);
    tf_reply(A, release_id, "{\"released\":true}", TK_OK, NULL);
    ck_assert_str_eq(C.last, "Hold 77 on seat B-12 released.");
    ck_assert_int_eq(pending("admin.seats.list"), 1); /* the map is fetched again */
    tf_reply(A, sent("admin.seats.list")->id, SEATS, TK_OK, NULL); /* held again, for below */
    keys("ry");
    tf_reply(A, sent("admin.hold.release")->id, NULL, TK_HOLD_NOT_FOUND, NULL);
    ck_assert_ptr_nonnull(strstr(C.last, "admin.hold.release failed: HOLD_NOT_FOUND"));
}
END_TEST

/* A seat map that cannot load (no such date) does not stay on screen
 * "loading" with its keys live: back to the dashboard, the reason said. */
START_TEST(seats_of_no_date_go_back)
{
    load_dashboard();
    keys("d999\r");
    ck_assert_ptr_eq(app_top_ops(A), &adm_seats_ops);
    tf_reply(A, sent("admin.seats.list")->id, NULL, TK_DATE_NOT_FOUND, NULL);
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
    ck_assert_ptr_nonnull(strstr(C.last, "DATE_NOT_FOUND"));
}
END_TEST

START_TEST(seats_refund_asks_first)
{
    open_seats();
    cursor_to(1, 3);
    keys("f");
    ck_assert_ptr_eq(app_top_ops(A), &adm_ask_ops); /* the booking id */
    keys("42\r");
    ck_assert_ptr_eq(app_top_ops(A), &adm_ask_ops); /* the confirmation */
    keys("n");
    ck_assert_ptr_eq(app_top_ops(A), &adm_seats_ops);
    ck_assert_int_eq(pending("admin.booking.refund"), 0);
    keys("f42\rxy"); /* x does nothing; y confirms */
    const tf_sent *s = sent("admin.booking.refund");
    ck_assert_str_eq(s->params, "{\"booking_id\":42}");
    /* the seat event may come before the reply: the result keeps the code */
    tf_event(A, "seat.4", "{\"date_id\":4,\"seq\":8,\"seat_no\":3,\"state\":\"free\"}");
    tf_reply(A, s->id, "{\"refunded\":true,\"booking_id\":42,\"amount\":150000,"
                             "\"balance\":150000}", TK_OK, NULL);
    ck_assert_str_eq(C.last, "Booking TK-AAAA-BBBB refunded: 150,000 won back to the wallet.");
    /* a free seat cannot be refunded */
    cursor_to(3, 4);
    keys("f");
    ck_assert_ptr_eq(app_top_ops(A), &adm_seats_ops);
    ck_assert_str_eq(app_flash_text(A), "Seat A-4 is not sold.");
}
END_TEST

START_TEST(seats_refund_with_booking_id)
{
    load_dashboard();
    keys("\r");
    tf_reply(A, sent("admin.seats.list")->id,
                   "{\"date_id\":4,\"seq\":1,\"seats\":[{\"no\":1,\"state\":\"sold\",\"price\":5,"
                   "\"code\":\"TK-1\",\"booking_id\":9}]}", TK_OK, NULL);
    keys("f"); /* straight to the confirmation */
    keys("y");
    ck_assert_str_eq(sent("admin.booking.refund")->params, "{\"booking_id\":9}");
    tf_reply(A, sent("admin.booking.refund")->id, NULL, TK_FORBIDDEN, NULL);
    ck_assert_str_eq(C.last, "admin.booking.refund failed: FORBIDDEN (wrong admin key)");
}
END_TEST

/* A customer's ticket in hand: 't' and its code open its date's map on
 * its seat, where 'f' refunds it. */
START_TEST(find_by_ticket_code)
{
    load_dashboard();
    keys("t\r"); /* nothing typed: asks again, sends nothing */
    ck_assert_int_eq(pending("admin.booking.find"), 0);
    keys("tk-aaaa-bbbb\r");
    ck_assert_str_eq(sent("admin.booking.find")->params, "{\"code\":\"tk-aaaa-bbbb\"}");
    tf_reply(A, sent("admin.booking.find")->id,
                   "{\"booking_id\":9,\"code\":\"TK-AAAA-BBBB\",\"title\":\"IU\",\"venue\":\"Hall\","
                   "\"date_id\":4,\"starts_at\":\"2030-03-01T11:00:00Z\",\"seat_no\":3,"
                   "\"price\":150000,\"paid_at\":\"2030-01-01T00:00:00Z\",\"state\":\"paid\"}",
                   TK_OK, NULL);
    ck_assert_ptr_eq(app_top_ops(A), &adm_seats_ops);
    ck_assert_str_eq(C.last, "Ticket TK-AAAA-BBBB: booking 9, seat A-3, paid.");
    ck_assert_str_eq(sent("admin.seats.list")->params, "{\"date_id\":4}");
    tf_reply(A, sent("admin.seats.list")->id,
                   "{\"date_id\":4,\"seq\":1,\"seats\":[{\"no\":3,\"state\":\"sold\",\"price\":5,"
                   "\"code\":\"TK-AAAA-BBBB\",\"booking_id\":9}]}", TK_OK, NULL);
    keys("fy"); /* the cursor is on seat 3 */
    ck_assert_str_eq(sent("admin.booking.refund")->params, "{\"booking_id\":9}");
    /* an unknown code says so, and stays on the screen it was asked from */
    app_key(A, 27);
    keys("tTK-0000-0000\r");
    tf_reply(A, sent("admin.booking.find")->id, NULL, TK_INVALID_PARAMS,
                   "{\"field\":\"code\"}");
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
    ck_assert_str_eq(C.last, "No ticket has that code.");
}
END_TEST

START_TEST(seats_live)
{
    open_seats();
    /* two events while one fetch flies: one more fetch after it, not two */
    tf_event(A, "seat.4", "{\"date_id\":4,\"seq\":8,\"seat_no\":1,\"state\":\"held\"}");
    tf_event(A, "seat.4", "{\"date_id\":4,\"seq\":9,\"seat_no\":2,\"state\":\"held\"}");
    tf_event(A, "seat.44", "{\"date_id\":44,\"seq\":9,\"seat_no\":2,\"state\":\"held\"}");
    ck_assert_int_eq(pending("admin.seats.list"), 1);
    tf_reply(A, sent("admin.seats.list")->id, SEATS, TK_OK, NULL);
    ck_assert_int_eq(pending("admin.seats.list"), 1);
    tf_reply(A, sent("admin.seats.list")->id, SEATS, TK_OK, NULL);
    ck_assert_int_eq(pending("admin.seats.list"), 0);
    app_key(A, ADM_KEY_ESC);
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
}
END_TEST

static void type(const char *s)
{
    keys(s);
}

START_TEST(forms_concert_then_date)
{
    load_dashboard();
    keys("c");
    ck_assert_ptr_eq(app_top_ops(A), &adm_form_ops);
    keys("\r"); /* empty: refused here, nothing sent */
    ck_assert_int_eq(pending("admin.concert.create"), 0);
    type("typo");
    app_key(A, 21); /* ^U clears the field, as in the kiosk */
    type("BTS \xec\x9b\x94\xeb\x93\x9c"); /* "BTS 월드" as the terminal sends it */
    app_key(A, '\t');
    type("Dome?");
    keys("\r");
    const tf_sent *s = sent("admin.concert.create");
    ck_assert_str_eq(s->params, "{\"title\":\"BTS \xec\x9b\x94\xeb\x93\x9c\",\"venue\":\"Dome?\"}");
    tf_reply(A, s->id, "{\"concert_id\":12}", TK_OK, NULL);
    ck_assert_str_eq(C.last, "Concert 12 created.");
    ck_assert_ptr_eq(app_top_ops(A), &adm_form_ops); /* now the date form */
    type("2020-01-01T00:00:00Z\r");                 /* in the past */
    ck_assert_int_eq(pending("admin.date.create"), 0);
    for (int i = 0; i < 20; i++)
        app_key(A, KEY_BACKSPACE);
    type("2099-01-01T19:00:00+09:00\t\t1-25:100,26-50:50\r");
    s = sent("admin.date.create");
    /* sent as typed: the server reads it as the operator did */
    ck_assert_ptr_nonnull(strstr(s->params, "\"concert_id\":12,\"starts_at\":\"2099-01-01T19:00:00+09:00\""));
    ck_assert_ptr_nonnull(strstr(s->params, "\"prices\":[100,"));
    ck_assert_ptr_nonnull(strstr(s->params, ",50]"));
    /* the server's refusal stays on the form */
    tf_reply(A, s->id, NULL, TK_INVALID_PARAMS, "{\"field\":\"starts_at\"}");
    ck_assert_ptr_eq(app_top_ops(A), &adm_form_ops);
    ck_assert_ptr_nonnull(strstr(C.last, "admin.date.create failed: INVALID_PARAMS (starts_at"));
    keys("\r");
    tf_reply(A, sent("admin.date.create")->id, "{\"date_id\":31}", TK_OK, NULL);
    ck_assert_str_eq(C.last, "Date 31 created.");
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
}
END_TEST

START_TEST(forms_date_prefilled_and_forbidden)
{
    load_dashboard();
    app_key(A, KEY_DOWN); /* BTS, concert 3 */
    keys("n");
    type("2099-01-01T19:00:00Z\t\t1-50:1000\r");
    const tf_sent *s = sent("admin.date.create");
    ck_assert_ptr_nonnull(strstr(s->params, "\"concert_id\":3,"));
    tf_reply(A, s->id, NULL, TK_FORBIDDEN, NULL);
    ck_assert_str_eq(C.last, "admin.date.create failed: FORBIDDEN (wrong admin key)");
    app_key(A, ADM_KEY_ESC);
    keys("c");
    type("t\tv\r");
    tf_reply(A, sent("admin.concert.create")->id, NULL, TK_FORBIDDEN, NULL);
    ck_assert_str_eq(C.last, "admin.concert.create failed: FORBIDDEN (wrong admin key)");
}
END_TEST

START_TEST(by_id_actions)
{
    /* they work even when the dashboard cannot load */
    tf_reply(A, sent("admin.dashboard")->id, NULL, TK_FORBIDDEN, NULL);
    keys("h55");
    app_key(A, 21); /* ^U: the number starts again */
    keys("7\r");
    ck_assert_int_eq(pending("admin.hold.release"), 0); /* asks first, by id alone */
    keys("y");
    ck_assert_str_eq(sent("admin.hold.release")->params, "{\"hold_id\":7}");
    tf_reply(A, sent("admin.hold.release")->id, "{\"released\":true}", TK_OK, NULL);
    ck_assert_str_eq(C.last, "Hold released.");
    keys("b9\r");
    ck_assert_int_eq(pending("admin.booking.refund"), 0); /* not before the y */
    keys("y");
    ck_assert_str_eq(sent("admin.booking.refund")->params, "{\"booking_id\":9}");
    tf_reply(A, sent("admin.booking.refund")->id, "{\"refunded\":true,\"booking_id\":9,"
                   "\"amount\":70000,\"balance\":1}", TK_OK, NULL);
    ck_assert_str_eq(C.last, "Booking 9 refunded: 70,000 won back to the wallet.");
    keys("d5\r");
    ck_assert_ptr_eq(app_top_ops(A), &adm_seats_ops);
    tf_reply(A, sent("admin.seats.list")->id, NULL, TK_FORBIDDEN, NULL);
    ck_assert_str_eq(C.last, "admin.seats.list failed: FORBIDDEN (wrong admin key)");
}
END_TEST

START_TEST(audit_pages)
{
    load_dashboard();
    keys("l");
    ck_assert_ptr_eq(app_top_ops(A), &adm_audit_ops);
    const tf_sent *s = sent("admin.audit.list");
    ck_assert_str_eq(s->params, "{\"limit\":100}");
    char *page = malloc(100 * 160 + 32);
    strcpy(page, "{\"entries\":[");
    for (int i = 0; i < 100; i++)
        sprintf(page + strlen(page), "%s{\"audit_id\":%d,\"at\":\"2030-01-01T00:00:00Z\","
                                     "\"method\":\"admin.queue.set\",\"peer\":\"ipc\","
                                     "\"params\":\"{}\",\"result\":\"ok\"}", i ? "," : "", 500 - i);
    strcat(page, "]}");
    tf_reply(A, s->id, page, TK_OK, NULL);
    free(page);
    keys("o");
    ck_assert_str_eq(sent("admin.audit.list")->params, "{\"limit\":100,\"before_id\":401}");
    tf_reply(A, sent("admin.audit.list")->id, NULL, TK_FORBIDDEN, NULL);
    ck_assert_str_eq(C.last, "admin.audit.list failed: FORBIDDEN (wrong admin key)");
    keys("q");
    ck_assert_ptr_eq(app_top_ops(A), &adm_dash_ops);
}
END_TEST

START_TEST(hints_and_language)
{
    wg_hint h[40];
    bool shown[40];
    int keep, n = app_hints(A, false, h, 40, &keep), qs = 0, helps = 0;
    for (int i = 0; i < n; i++)
        qs += !strcmp(h[i].key, "q");
    ck_assert_int_eq(qs, 1);
    ck_assert_int_eq(keep, 2); /* the app's own "? help" and "F10 quit" */
    ck_assert_str_eq(h[n - 2].key, "?");
    ck_assert_str_eq(h[n - 1].key, "F10");
    /* on the 80-column bar, the app's "? help" and "F10 quit" keep their room */
    wg_hint_fit(80, h, n, keep, shown);
    ck_assert(shown[n - 2] && shown[n - 1]);
    /* the help lists '?' once, and the keys the bar leaves out */
    n = app_hints(A, true, h, 40, NULL);
    bool refresh = false;
    for (int i = 0; i < n; i++) {
        helps += !strcmp(h[i].key, "?");
        refresh = refresh || !strcmp(h[i].key, "g");
    }
    ck_assert_int_eq(helps, 1);
    ck_assert(refresh);
    keys("L");
    ck_assert_int_eq(tx_get_lang(), TX_KO);
    ck_assert_str_eq(app_cfg(A)->title, tx(A_TITLE)); /* the title bar follows */
    ck_assert_str_eq(tx(A_H_SEATS), "\xec\xa2\x8c\xec\x84\x9d"); /* 좌석 */
    keys("L");
    ck_assert_int_eq(tx_get_lang(), TX_EN);
    keys("q");
    ck_assert(app_quitting(A));
}
END_TEST

START_TEST(stack_bar_text)
{
    char b[256];
    adm_stack_text(b, sizeof b, 10, 25, 5, 20, false);
    ck_assert_str_eq(b, "#####+....");
    adm_stack_text(b, sizeof b, 10, 0, 0, 50, false);
    ck_assert_str_eq(b, "..........");
    adm_stack_text(b, sizeof b, 10, 50, 0, 0, false);
    ck_assert_str_eq(b, "##########");
    adm_stack_text(b, sizeof b, 10, 1, 0, 49, false); /* one sale still shows */
    ck_assert_str_eq(b, "#.........");
    adm_stack_text(b, sizeof b, 12, 2, 2, 46, false);
    ck_assert_str_eq(b, "#+..........");
    adm_stack_text(b, sizeof b, 3, 48, 1, 1, false); /* every part keeps a cell */
    ck_assert_str_eq(b, "#+.");
    adm_stack_text(b, sizeof b, 4, 25, 25, 0, false);
    ck_assert_str_eq(b, "##++");
    adm_stack_text(b, sizeof b, 3, 1, 1, 1, true);
    ck_assert_str_eq(b, "\xe2\x96\x88\xe2\x96\x92\xc2\xb7");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("console");
    TCase *tc = tcase_create("screens");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, dashboard_polls_one_at_a_time);
    tcase_add_test(tc, dashboard_sorted_by_start);
    tcase_add_test(tc, dashboard_events);
    tcase_add_test(tc, queue_controls);
    tcase_add_test(tc, queue_opens_at);
    tcase_add_test(tc, seats_release);
    tcase_add_test(tc, seats_refund_asks_first);
    tcase_add_test(tc, seats_refund_with_booking_id);
    tcase_add_test(tc, find_by_ticket_code);
    tcase_add_test(tc, seats_live);
    tcase_add_test(tc, forms_concert_then_date);
    tcase_add_test(tc, forms_date_prefilled_and_forbidden);
    tcase_add_test(tc, by_id_actions);
    tcase_add_test(tc, audit_pages);
    tcase_add_test(tc, seats_of_no_date_go_back);
    tcase_add_test(tc, hints_and_language);
    suite_add_tcase(s, tc);
    TCase *tw = tcase_create("widgets");
    tcase_add_test(tw, stack_bar_text);
    suite_add_tcase(s, tw);
    return s;
}

int main(void)
{
    return ur_run(suite());
}
