/* tests/unit_tui.c -- kiosk logic with no terminal: strings and widths,
 * widget text, the screen stack, and the screens driven as functions of
 * (state, key/event/reply) through a headless app whose calls land in an
 * outbox. The client's seq bookkeeping runs on a real (unconnected) client
 * fed with cl_inject. */
#include <check.h>
#include <curses.h>
#include <poll.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tui/app.h"
#include "tui/client.h"
#include "tui/kiosk.h"
#include "tui/text.h"
#include "tui/widgets.h"

static ks_session S;

static app *mk(bool kiosk_mode, const app_screen_ops *ops, void *st)
{
    app_config cfg = {.title = "t", .kiosk = kiosk_mode, .idle_s = 90};
    app *a = app_new(NULL, &cfg);
    app_set_model(a, &S);
    if (kiosk_mode)
        app_on_idle(a, ks_idle);
    app_push(a, ops, st);
    app_settle(a);
    return a;
}

static void type(app *a, const char *s)
{
    while (*s)
        app_key(a, (unsigned char)*s++);
}

/* The newest unanswered call to method; fails the test when absent. */
static const app_sent *sent(app *a, const char *method)
{
    const app_sent *c = app_test_find(a, method);
    ck_assert_msg(c != NULL, "no %s call", method);
    return c;
}

static void answer(app *a, const char *method, const char *result)
{
    app_test_reply(a, sent(a, method)->id, result, TK_OK, NULL);
}

static void fail_with(app *a, const char *method, tk_err e, const char *data)
{
    app_test_reply(a, sent(a, method)->id, NULL, e, data);
}

static void setup(void)
{
    ck_assert_int_ge(sodium_init(), 0);
    tx_set_lang(TX_EN);
    memset(&S, 0, sizeof(S)); /* each test starts with no member */
}

/* ---- text ---- */

START_TEST(text_widths)
{
    ck_assert_int_eq(tx_width("abc"), 3);
    ck_assert_int_eq(tx_width("가나"), 4); /* Hangul is two columns each */
    char b[64];
    /* a wide character never gets cut in half: 5 columns hold two of them */
    ck_assert_int_eq(tx_fit(b, sizeof(b), "가나다", 5, true), 5);
    ck_assert_str_eq(b, "가나 ");
    ck_assert_int_eq(tx_fit(b, sizeof(b), "ab", 4, true), 4);
    ck_assert_str_eq(b, "ab  ");
    ck_assert_int_eq(tx_fit(b, sizeof(b), "abcdef", 3, false), 3);
    ck_assert_str_eq(b, "abc");
    tx_money(b, sizeof(b), 1234567);
    ck_assert_str_eq(b, "1,234,567");
    tx_money(b, sizeof(b), 500);
    ck_assert_str_eq(b, "500");
}
END_TEST

START_TEST(text_langs)
{
    tx_lang l = TX_EN;
    ck_assert(tx_parse_lang("ko", &l) && l == TX_KO);
    ck_assert(tx_parse_lang("en_US.UTF-8", &l) && l == TX_EN);
    ck_assert(!tx_parse_lang("fr", &l));
    setenv("LC_ALL", "ko_KR.UTF-8", 1);
    ck_assert_int_eq(tx_lang_from_env(), TX_KO);
    setenv("LC_ALL", "C.UTF-8", 1);
    ck_assert_int_eq(tx_lang_from_env(), TX_EN);
    unsetenv("LC_ALL");
    tx_set_lang(TX_KO);
    ck_assert_str_eq(tx(T_SEAT_SOLD), "판매됨");
    tx_set_lang(TX_EN);
    ck_assert_str_eq(tx(T_SEAT_SOLD), "sold");
    /* every id has both languages */
    for (int i = 0; i < T_COUNT; i++) {
        tx_set_lang(TX_KO);
        const char *ko = tx((tx_id)i);
        tx_set_lang(TX_EN);
        ck_assert_msg(*ko && *tx((tx_id)i), "string %d is empty", i);
    }
}
END_TEST

/* ---- widgets ---- */

START_TEST(widget_seats)
{
    char c[8];
    wg_seat_label(c, 12, WG_S_FREE);
    ck_assert_str_eq(c, "[ 12]");
    wg_seat_label(c, 12, WG_S_HELD);
    ck_assert_str_eq(c, "[#12]");
    wg_seat_label(c, 3, WG_S_MINE);
    ck_assert_str_eq(c, "[* 3]");
    wg_seat_label(c, 50, WG_S_SOLD);
    ck_assert_str_eq(c, "[X50]");
    ck_assert_int_eq(wg_seat_parse("held", true), WG_S_MINE);
    ck_assert_int_eq(wg_seat_parse("held", false), WG_S_HELD);
    ck_assert_int_eq(wg_seat_parse("free", false), WG_S_FREE);
    ck_assert_int_eq(wg_seat_parse("sold", false), WG_S_SOLD);
    /* every cell maps back to its seat; the gaps map to none */
    for (int no = 1; no <= WG_SEATS; no++) {
        int y, x;
        wg_seat_pos(no, 6, 7, &y, &x);
        ck_assert_int_eq(wg_seat_at(6, 7, y, x), no);
        ck_assert_int_eq(wg_seat_at(6, 7, y, x + 4), no);
        ck_assert_int_eq(wg_seat_at(6, 7, y, x + 5), 0);
        ck_assert_int_eq(wg_seat_at(6, 7, y + 1, x), 0);
    }
    int y, x;
    wg_seat_pos(10, 0, 0, &y, &x);
    ck_assert_int_eq(x + 5, WG_GRID_W - 1); /* the grid is as wide as it says */
}
END_TEST

START_TEST(widget_bars)
{
    char b[64], t[16];
    wg_bar_text(b, sizeof(b), 12, 0.5);
    ck_assert_str_eq(b, "[#####.....]");
    wg_bar_text(b, sizeof(b), 6, 2.0);
    ck_assert_str_eq(b, "[####]");
    wg_bar_text(b, sizeof(b), 6, -1);
    ck_assert_str_eq(b, "[....]");
    wg_mmss(t, 299);
    ck_assert_str_eq(t, "04:59");
    wg_mmss(t, -5);
    ck_assert_str_eq(t, "00:00");
    wg_mmss(t, 3725);
    ck_assert_str_eq(t, "1:02:05");
    double v[] = {0, 1, 2, 4, 8};
    wg_spark_text(b, sizeof(b), v, 5, 5, false);
    ck_assert_str_eq(b, "_.-=#");
    wg_spark_text(b, sizeof(b), v, 5, 2, false); /* the newest values */
    ck_assert_str_eq(b, "=#");
    wg_spark_text(b, sizeof(b), v, 5, 5, true);
    ck_assert_str_eq(b, "▁▂▃▅█");
}
END_TEST

START_TEST(widget_qr)
{
    int rows = 0, cols = 0;
    char **l = wg_qr_lines("TK-8JSW-FMNP", true, &rows, &cols);
    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(cols, 21 + 4); /* version 1 plus a quiet zone of 2 */
    ck_assert_int_eq(rows, (cols + 1) / 2);
    for (int i = 0; i < rows; i++)
        ck_assert_int_eq(tx_width(l[i]), cols);
    ck_assert_str_eq(l[0], "█████████████████████████"); /* quiet zone, drawn light */
    wg_qr_free(l);
    l = wg_qr_lines("TK-8JSW-FMNP", false, &rows, &cols);
    for (int i = 0; i < rows; i++) {
        ck_assert_int_eq((int)strlen(l[i]), cols);
        for (const char *p = l[i]; *p; p++)
            ck_assert(strchr(" \",#", *p));
    }
    /* under the quiet zone, a finder pattern: its top edge (dark) over its
     * second row (dark, five light, dark), at both upper corners */
    ck_assert_ptr_eq(strstr(l[1], "  #\"\"\"\"\"#"), l[1]);
    ck_assert_str_eq(l[1] + cols - 9, "#\"\"\"\"\"#  ");
    wg_qr_free(l);
}
END_TEST

START_TEST(widget_input)
{
    wg_input in = {0};
    ck_assert(wg_input_key(&in, 'a', 10, NULL));
    const char *hangul = "한";
    for (const char *p = hangul; *p; p++)
        wg_input_key(&in, (unsigned char)*p, 10, NULL);
    ck_assert_str_eq(in.buf, "a한");
    ck_assert(wg_input_key(&in, KEY_BACKSPACE, 10, NULL)); /* the whole syllable */
    ck_assert_str_eq(in.buf, "a");
    ck_assert(wg_input_key(&in, 'g', 10, "0123456789abcdef-")); /* swallowed */
    ck_assert_str_eq(in.buf, "a");
    ck_assert(!wg_input_key(&in, KEY_UP, 10, NULL));
    for (int i = 0; i < 20; i++)
        wg_input_key(&in, '1', 4, NULL);
    ck_assert_int_eq((int)in.len, 4);
}
END_TEST

/* ---- the stack ---- */

typedef struct {
    int entered, left, replies;
} probe_st;
static int probe_freed;
static void p_enter(app *a, void *st) { ((probe_st *)st)->entered++; }
static void p_leave(app *a, void *st) { ((probe_st *)st)->left++; }
static void p_reply(app *a, void *st, int tag, const cl_reply *r) { ((probe_st *)st)->replies++; }
static void p_free(void *st)
{
    probe_freed++;
    free(st);
}
static int p_key(app *a, void *st, int key);
static const app_screen_ops probe_ops = {.enter = p_enter, .leave = p_leave, .reply = p_reply, .key = p_key, .free = p_free};
static int p_key(app *a, void *st, int key)
{
    if (key == 'r') { /* replace myself from inside my own handler */
        app_replace(a, &probe_ops, calloc(1, sizeof(probe_st)));
        ((probe_st *)st)->entered += 100; /* still mine to touch */
        return APP_DONE;
    }
    return APP_PASS;
}

START_TEST(stack_rules)
{
    probe_freed = 0;
    probe_st *one = calloc(1, sizeof(*one));
    app *a = mk(false, &probe_ops, one);
    ck_assert_int_eq(one->entered, 1);
    int64_t id = app_call(a, one, "x.y", NULL, 7);
    probe_st *two = calloc(1, sizeof(*two));
    app_push(a, &probe_ops, two);
    ck_assert_int_eq(app_depth(a), 1); /* deferred until settled */
    app_settle(a);
    ck_assert_int_eq(app_depth(a), 2);
    ck_assert_int_eq(one->left, 1);
    app_test_reply(a, id, "{}", TK_OK, NULL); /* covered screens get their replies */
    ck_assert_int_eq(one->replies, 1);
    int64_t id2 = app_call(a, two, "x.z", NULL, 1);
    app_key(a, 'r');
    ck_assert_int_eq(app_depth(a), 2);
    ck_assert_int_eq(probe_freed, 1);
    app_test_reply(a, id2, "{}", TK_OK, NULL); /* its screen is gone: dropped */
    app_pop(a);
    app_settle(a);
    ck_assert_ptr_eq(app_top_state(a), one);
    ck_assert_int_eq(one->entered, 2);
    app_key(a, KEY_F(10));
    ck_assert(app_quitting(a));
    app_free(a);
    ck_assert_int_eq(probe_freed, 3);
}
END_TEST

START_TEST(kiosk_mode_never_quits)
{
    app *a = mk(true, &ks_welcome_ops, ks_welcome_new());
    app_key(a, KEY_F(10));
    app_key(a, 3); /* ^C */
    app_key(a, 27);
    app_key(a, 'q');
    ck_assert(!app_quitting(a));
    app_quit(a);
    ck_assert(!app_quitting(a));
    app_free(a);
}
END_TEST

/* ---- screens ---- */

#define UID "5b0c3c0e-8a4e-4c1e-9a8e-2f7d2d1f4a10"

START_TEST(welcome_register)
{
    app *a = mk(false, &ks_welcome_ops, ks_welcome_new());
    app_key(a, '\t');
    type(a, "Kim Minji?");
    app_key(a, '\n');
    const app_sent *c = sent(a, "user.register");
    ck_assert_str_eq(c->params, "{\"name\":\"Kim Minji?\"}");
    answer(a, "user.register", "{\"user_id\":\"" UID "\"}");
    ck_assert_str_eq(S.user_id, UID);
    ck_assert_ptr_eq(app_top_ops(a), &ks_welcome_ops); /* shows the id first */
    app_key(a, '\n');
    ck_assert_ptr_eq(app_top_ops(a), &ks_queue_ops);
    ck_assert_str_eq(sent(a, "queue.join")->params, "{\"user_id\":\"" UID "\"}");
    app_free(a);
}
END_TEST

START_TEST(welcome_login)
{
    app *a = mk(false, &ks_welcome_ops, ks_welcome_new());
    type(a, "1234");
    app_key(a, '\n');
    ck_assert_ptr_null(app_test_find(a, "wallet.balance"));
    ck_assert_str_eq(app_flash_text(a), tx(T_BAD_MEMBER_ID));
    for (int i = 0; i < 4; i++)
        app_key(a, KEY_BACKSPACE);
    type(a, UID);
    app_key(a, '\n');
    fail_with(a, "wallet.balance", TK_USER_NOT_FOUND, NULL);
    ck_assert_str_eq(app_flash_text(a), tx(T_USER_NOT_FOUND));
    ck_assert_ptr_eq(app_top_ops(a), &ks_welcome_ops);
    app_key(a, '\n');
    answer(a, "wallet.balance", "{\"balance\":70000}");
    ck_assert_ptr_eq(app_top_ops(a), &ks_queue_ops);
    ck_assert_int_eq(S.balance, 70000);
    app_free(a);
}
END_TEST

static app *in_queue(void)
{
    snprintf(S.user_id, sizeof(S.user_id), UID);
    return mk(false, &ks_queue_ops, ks_queue_new());
}

START_TEST(queue_follows_events)
{
    app *a = in_queue();
    answer(a, "queue.join", "{\"token\":\"tok\",\"state\":\"waiting\",\"position\":5,\"eta_s\":30,\"seq\":10}");
    ck_assert_str_eq(S.token, "tok");
    ck_assert_int_eq(S.queue_seq, 10);
    app_test_event(a, "queue", "{\"admitted_seq\":7,\"waiting\":3,\"active\":100,\"admit_per_min\":60,\"paused\":false}");
    ck_assert_ptr_null(app_test_find(a, "queue.status"));
    app_test_event(a, "queue", "{\"admitted_seq\":10,\"waiting\":0,\"active\":100,\"admit_per_min\":60,\"paused\":false}");
    ck_assert_str_eq(sent(a, "queue.status")->params, "{\"token\":\"tok\"}");
    answer(a, "queue.status", "{\"state\":\"active\",\"position\":0,\"eta_s\":0,\"expires_in_s\":600}");
    ck_assert_ptr_eq(app_top_ops(a), &ks_dates_ops);
    ck_assert_ptr_nonnull(app_test_find(a, "dates.list"));
    app_free(a);
}
END_TEST

START_TEST(queue_polls_when_events_stop)
{
    app *a = in_queue();
    answer(a, "queue.join", "{\"token\":\"tok\",\"state\":\"waiting\",\"position\":5,\"eta_s\":30,\"seq\":10}");
    int64_t now = clock_mono_ms();
    app_test_event(a, "queue", "{\"admitted_seq\":6,\"waiting\":5,\"active\":1,\"admit_per_min\":60,\"paused\":false}");
    app_test_tick(a, now + 1000);
    ck_assert_ptr_null(app_test_find(a, "queue.status")); /* events flow: no poll */
    app_test_tick(a, now + 6000);
    ck_assert_ptr_nonnull(app_test_find(a, "queue.status"));
    /* an expired token while waiting: join again */
    fail_with(a, "queue.status", TK_TOKEN_EXPIRED, NULL);
    ck_assert_ptr_nonnull(app_test_find(a, "queue.join"));
    ck_assert_str_eq(S.token, "");
    app_free(a);
}
END_TEST

static const char *snapshot(char *buf, size_t n, int seq, int held_by_other, int mine)
{
    size_t o = (size_t)snprintf(buf, n, "{\"date_id\":1,\"seq\":%d,\"seats\":[", seq);
    for (int i = 1; i <= 50; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s{\"no\":%d,\"state\":\"%s\",\"price\":%d,\"mine\":%s}", i > 1 ? "," : "",
                              i, i == held_by_other || i == mine ? "held" : "free", i <= 10 ? 120000 : 90000,
                              i == mine ? "true" : "false");
    snprintf(buf + o, n - o, "]}");
    return buf;
}

static void member_with_token(void)
{
    snprintf(S.user_id, sizeof(S.user_id), UID);
    snprintf(S.token, sizeof(S.token), "tok");
    S.date_id = 1;
}

static app *on_seats(void)
{
    member_with_token();
    return mk(false, &ks_seats_ops, ks_seats_new(1));
}

START_TEST(seats_hold_and_taken)
{
    static char buf[8192];
    app *a = on_seats();
    ck_assert_str_eq(sent(a, "seats.list")->params, "{\"token\":\"tok\",\"date_id\":1}");
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 5, 0, 0));
    /* another kiosk's hold arrives as an event */
    app_test_event(a, "seat.1", "{\"date_id\":1,\"seq\":6,\"seat_no\":2,\"state\":\"held\"}");
    app_key(a, KEY_RIGHT); /* seat 2 */
    app_key(a, '\n');
    ck_assert_ptr_null(app_test_find(a, "seat.hold")); /* known taken: no call */
    ck_assert_str_eq(app_flash_text(a), "Seat 2 was just taken by someone else. Pick another seat.");
    app_key(a, 'l'); /* seat 3 */
    app_key(a, '\n');
    ck_assert_str_eq(sent(a, "seat.hold")->params, "{\"token\":\"tok\",\"date_id\":1,\"seat_no\":3}");
    fail_with(a, "seat.hold", TK_SEAT_TAKEN, NULL); /* lost a race */
    ck_assert_str_eq(app_flash_text(a), "Seat 3 was just taken by someone else. Pick another seat.");
    ck_assert_int_eq(S.nholds, 0);
    app_key(a, 'j'); /* seat 13 */
    app_key(a, ' ');
    answer(a, "seat.hold",
           "{\"hold_id\":44,\"date_id\":1,\"seat_no\":13,\"price\":90000,\"expires_at\":\"x\",\"expires_in_s\":300}");
    ck_assert_int_eq(S.nholds, 1);
    ck_assert_int_eq(S.holds[0].hold_id, 44);
    ck_assert_str_eq(app_flash_text(a), "Seat 13 is yours for 05:00.");
    /* our own seat event must not turn it into "held by other" */
    app_test_event(a, "seat.1", "{\"date_id\":1,\"seq\":7,\"seat_no\":13,\"state\":\"held\"}");
    app_key(a, '\n'); /* Enter on our own seat releases it */
    ck_assert_str_eq(sent(a, "hold.release")->params, "{\"token\":\"tok\",\"hold_id\":44}");
    answer(a, "hold.release", "{\"released\":true}");
    ck_assert_int_eq(S.nholds, 0);
    app_key(a, 'c');
    ck_assert_ptr_eq(app_top_ops(a), &ks_seats_ops); /* nothing to check out */
    app_free(a);
}
END_TEST

START_TEST(seats_mouse_and_lapse_event)
{
    static char buf[8192];
    app *a = on_seats();
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 1, 0, 0));
    /* the grid at 80x24 starts at row 6; find seat 23's cell */
    int y, x;
    wg_seat_pos(23, 6, (80 - WG_GRID_W) / 2, &y, &x);
    app_test_mouse(a, y, x + 2);
    ck_assert_str_eq(sent(a, "seat.hold")->params, "{\"token\":\"tok\",\"date_id\":1,\"seat_no\":23}");
    answer(a, "seat.hold", "{\"hold_id\":9,\"date_id\":1,\"seat_no\":23,\"price\":90000,\"expires_in_s\":300}");
    ck_assert_int_eq(S.nholds, 1);
    /* staff released it (or it lapsed): the event frees it, our hold goes */
    app_test_event(a, "seat.1", "{\"date_id\":1,\"seq\":2,\"seat_no\":23,\"state\":\"free\"}");
    ck_assert_int_eq(S.nholds, 0);
    app_free(a);
}
END_TEST

static app *at_checkout(int64_t left_s)
{
    member_with_token();
    ks_add_hold(&S, 44, 1, 13, 90000, left_s, clock_mono_ms());
    ks_add_hold(&S, 45, 1, 14, 90000, left_s, clock_mono_ms());
    return mk(false, &ks_checkout_ops, ks_checkout_new());
}

static void request_id_of(app *a, char out[64])
{
    cJSON *p = cJSON_Parse(sent(a, "payment.pay")->params);
    ck_assert_ptr_nonnull(p);
    const cJSON *r = cJSON_GetObjectItem(p, "request_id");
    ck_assert(cJSON_IsString(r));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(p, "hold_ids")), 2);
    snprintf(out, 64, "%s", r->valuestring);
    cJSON_Delete(p);
}

START_TEST(checkout_retry_same_attempt)
{
    char r1[64], r2[64], r3[64];
    app *a = at_checkout(300);
    answer(a, "wallet.balance", "{\"balance\":500000}");
    app_key(a, '\n');
    request_id_of(a, r1);
    app_test_offline(a, sent(a, "payment.pay")->id); /* no answer: outcome unknown */
    ck_assert_ptr_null(app_test_find(a, "payment.pay"));
    app_test_set_online(a, false);
    app_test_set_online(a, true); /* back: the same attempt again */
    request_id_of(a, r2);
    ck_assert_str_eq(r1, r2);
    fail_with(a, "payment.pay", TK_INSUFFICIENT_FUNDS, "{\"balance\":1000,\"amount\":180000}");
    ck_assert_ptr_eq(app_top_ops(a), &ks_wallet_ops);
    ck_assert_str_eq(app_flash_text(a), "Not enough money: balance 1,000 won, needed 180,000 won. Charge your wallet (w).");
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
    app_test_tick(a, clock_mono_ms() + 1000);
    ck_assert_ptr_eq(app_top_ops(a), &ks_checkout_ops);
    app_test_tick(a, clock_mono_ms() + 2500);
    ck_assert_ptr_eq(app_top_ops(a), &ks_queue_ops);
    ck_assert_str_eq(app_flash_text(a), tx(T_LAPSED));
    ck_assert_int_eq(S.nholds, 0);
    ck_assert_ptr_nonnull(app_test_find(a, "queue.join"));
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
    app_free(a);
}
END_TEST

START_TEST(kiosk_idle_releases)
{
    member_with_token();
    ks_add_hold(&S, 44, 1, 13, 90000, 300, clock_mono_ms());
    app *a = mk(true, &ks_seats_ops, ks_seats_new(1));
    app_test_tick(a, clock_mono_ms() + 30000);
    ck_assert_ptr_eq(app_top_ops(a), &ks_seats_ops);
    app_test_tick(a, clock_mono_ms() + 91000);
    ck_assert_ptr_eq(app_top_ops(a), &ks_welcome_ops);
    ck_assert_int_eq(app_depth(a), 1);
    ck_assert_str_eq(sent(a, "hold.release")->params, "{\"token\":\"tok\",\"hold_id\":44}");
    ck_assert_str_eq(sent(a, "queue.leave")->params, "{\"token\":\"tok\"}");
    ck_assert_str_eq(S.user_id, "");
    ck_assert_str_eq(app_flash_text(a), tx(T_IDLE_RESET));
    app_free(a);
}
END_TEST

/* ---- client seq bookkeeping ---- */

static char got[16][96];
static int ngot, nresync;
static int64_t resync_date;
static void on_ev(void *ctx, const char *topic, const cJSON *body)
{
    int64_t seq = -1, no = -1;
    const cJSON *s = cJSON_GetObjectItem(body, "seq"), *n = cJSON_GetObjectItem(body, "seat_no");
    if (s)
        seq = (int64_t)s->valuedouble;
    if (n)
        no = (int64_t)n->valuedouble;
    if (ngot < 16)
        snprintf(got[ngot++], 96, "%s:%lld:%lld", topic, (long long)seq, (long long)no);
}
static void on_rs(void *ctx, int64_t date) { nresync++, resync_date = date; }

START_TEST(client_seq_gaps)
{
    tk_err err;
    ngot = nresync = 0;
    cl_client *c = cl_new("ipc:///nonexistent/tk-unit.sock", "ipc:///nonexistent/tk-unit-ev.sock", &err);
    ck_assert_ptr_nonnull(c);
    cl_on_event(c, on_ev, NULL);
    cl_on_resync(c, on_rs, NULL);
    cl_seq_pending(c, 4);
    cl_inject(c, "seat.4", "{\"date_id\":4,\"seq\":6,\"seat_no\":1,\"state\":\"held\"}");
    ck_assert_int_eq(ngot, 0); /* buffered until the snapshot */
    cl_inject(c, "seat.42", "{\"date_id\":42,\"seq\":99,\"seat_no\":2,\"state\":\"held\"}");
    ck_assert_int_eq(ngot, 1); /* another date: untracked, delivered */
    cl_seq_reset(c, 4, 5);
    ck_assert_int_eq(ngot, 2);
    ck_assert_str_eq(got[1], "seat.4:6:1");
    cl_inject(c, "seat.4", "{\"date_id\":4,\"seq\":7,\"seat_no\":3,\"state\":\"free\"}");
    cl_inject(c, "seat.4", "{\"date_id\":4,\"seq\":7,\"seat_no\":3,\"state\":\"free\"}"); /* dup */
    ck_assert_int_eq(ngot, 3);
    cl_inject(c, "seat.4", "{\"date_id\":4,\"seq\":9,\"seat_no\":5,\"state\":\"held\"}"); /* 8 lost */
    ck_assert_int_eq(nresync, 1);
    ck_assert_int_eq(resync_date, 4);
    ck_assert_int_eq(ngot, 3);
    cl_inject(c, "seat.4", "{\"date_id\":4,\"seq\":10,\"seat_no\":6,\"state\":\"held\"}");
    cl_seq_reset(c, 4, 9); /* the new snapshot includes 9; 10 replays on top */
    ck_assert_int_eq(ngot, 4);
    ck_assert_str_eq(got[3], "seat.4:10:6");
    cl_inject(c, "queue", "{\"admitted_seq\":3}");
    ck_assert_str_eq(got[4], "queue:-1:-1");
    ck_assert(!cl_online(c));
    cl_free(c);
}
END_TEST

static int cb_done;
static bool cb_offline;
static void on_reply(void *ctx, const cl_reply *r)
{
    cb_done++;
    cb_offline = r->offline;
}

START_TEST(client_offline_call_times_out)
{
    tk_err err;
    cl_client *c = cl_new("ipc:///nonexistent/tk-unit2.sock", "ipc:///nonexistent/tk-unit2-ev.sock", &err);
    ck_assert_ptr_nonnull(c);
    cl_set_timeout(c, 200);
    cb_done = 0;
    int64_t t0 = clock_mono_ms();
    ck_assert_int_gt(cl_call(c, "wallet.balance", NULL, on_reply, NULL), 0);
    while (!cb_done && clock_mono_ms() - t0 < 3000) {
        poll(&(struct pollfd){.fd = cl_fd(c), .events = POLLIN}, 1, 50);
        cl_poll(c);
    }
    ck_assert_int_eq(cb_done, 1);
    ck_assert(cb_offline);
    ck_assert_int_lt(clock_mono_ms() - t0, 2000); /* the deadline, not forever */
    cl_free(c);
}
END_TEST

Suite *tui_suite(void)
{
    Suite *s = suite_create("tui");
    TCase *t = tcase_create("text_widgets");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, text_widths);
    tcase_add_test(t, text_langs);
    tcase_add_test(t, widget_seats);
    tcase_add_test(t, widget_bars);
    tcase_add_test(t, widget_qr);
    tcase_add_test(t, widget_input);
    suite_add_tcase(s, t);
    t = tcase_create("screens");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, stack_rules);
    tcase_add_test(t, kiosk_mode_never_quits);
    tcase_add_test(t, welcome_register);
    tcase_add_test(t, welcome_login);
    tcase_add_test(t, queue_follows_events);
    tcase_add_test(t, queue_polls_when_events_stop);
    tcase_add_test(t, seats_hold_and_taken);
    tcase_add_test(t, seats_mouse_and_lapse_event);
    tcase_add_test(t, checkout_retry_same_attempt);
    tcase_add_test(t, checkout_lapse_requeues);
    tcase_add_test(t, checkout_hold_expired_reply);
    tcase_add_test(t, kiosk_idle_releases);
    suite_add_tcase(s, t);
    t = tcase_create("client");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, client_seq_gaps);
    tcase_add_test(t, client_offline_call_times_out);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(tui_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
