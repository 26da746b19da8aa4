/* tests/unit_tui.c -- the kiosk's building blocks with no terminal:
 * strings and column widths, widget text (seat cells, bars, sparkline, QR,
 * input line), and the client's seq bookkeeping and call deadline on a real
 * nng client that is not connected (events fed with cl_inject). The screens
 * are in unit_tui_screens.c. */
#include <check.h>
#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tui/ui/app.h"
#include "tui/net/client.h"
#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"
#include "tui/ui/text.h"
#include "tui/ui/widgets.h"

static void setup(void)
{
    ck_assert_int_ge(sodium_init(), 0);
    tx_set_lang(TX_EN);
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

/* Table cells: full text and a gap when it fits; cut with a mark when not,
 * always exactly the cell's width. */
START_TEST(text_cells)
{
    char b[64];
    ck_assert_int_eq(tx_cell(b, sizeof(b), "KSPO Dome", 12), 12);
    ck_assert_str_eq(b, "KSPO Dome   ");
    ck_assert_int_eq(tx_cell(b, sizeof(b), "abcdefgh", 9), 9); /* just fits */
    ck_assert_str_eq(b, "abcdefgh ");
    ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C.UTF-8"));
    ck_assert_int_eq(tx_cell(b, sizeof(b), "abcdefghi", 9), 9);
    ck_assert_str_eq(b, "abcdefg\xe2\x80\xa6 ");
    /* a wide character is never halved: the cell pads instead */
    ck_assert_int_eq(tx_cell(b, sizeof(b), "예술의전당 콘서트홀", 16), 16);
    ck_assert_str_eq(b, "예술의전당 콘\xe2\x80\xa6  ");
    ck_assert_ptr_nonnull(setlocale(LC_CTYPE, "C"));
    ck_assert_int_eq(tx_cell(b, sizeof(b), "abcdefghi", 9), 9); /* no UTF-8: '~' */
    ck_assert_str_eq(b, "abcdefg~ ");
}
END_TEST

/* Two text columns sharing a row: in full when they fit, else in
 * proportion with a floor for the second, which goes when space is short. */
START_TEST(split_columns)
{
    int a, b;
    wg_split2(60, 29, 20, 12, &a, &b);
    ck_assert(a == 40 && b == 20); /* both fit; the slack to the first */
    wg_split2(40, 29, 20, 12, &a, &b);
    ck_assert(a == 24 && b == 16); /* 40 * 20 / 49 */
    wg_split2(40, 60, 5, 12, &a, &b);
    ck_assert(a == 28 && b == 12); /* the floor */
    wg_split2(20, 29, 20, 12, &a, &b);
    ck_assert(a == 20 && b == 0); /* too narrow for two */
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
    wg_mmss(t, 99 * 3600 + 59 * 60 + 59);
    ck_assert_str_eq(t, "99:59:59");
    wg_mmss(t, 5 * 86400 + 3 * 3600 + 12 * 60 + 9); /* an uptime of days goes on counting */
    ck_assert_str_eq(t, "5d 03:12");
    double v[] = {0, 1, 2, 4, 8};
    wg_spark_text(b, sizeof(b), v, 5, 5, false);
    ck_assert_str_eq(b, "_.-=#");
    wg_spark_text(b, sizeof(b), v, 5, 2, false); /* the newest values */
    ck_assert_str_eq(b, "=#");
    wg_spark_text(b, sizeof(b), v, 5, 5, true);
    ck_assert_str_eq(b, "▁▂▃▅█");
}
END_TEST

START_TEST(widget_hints)
{
    /* widths: "a wallet" 8, "bb my tickets" 13, "c back" 6, "? help" 6 */
    const wg_hint h[] = {{"a", T_H_WALLET}, {"bb", T_H_HISTORY}, {"c", T_H_BACK}, {"?", T_H_HELP}};
    bool shown[4];
    tx_set_lang(TX_EN);
    ck_assert_int_eq(wg_hint_fit(80, h, 4, 1, shown), 4);
    /* "? help" first (6+2), then "a wallet" (8+2); "bb my tickets" does not
     * fit the 11 columns left, but the later "c back" (6) still does */
    ck_assert_int_eq(wg_hint_fit(24, h, 4, 1, shown), 3);
    ck_assert(shown[0] && !shown[1] && shown[2] && shown[3]);
    ck_assert_int_eq(wg_hint_fit(6, h, 4, 1, shown), 1);
    ck_assert(shown[3]); /* the kept hint wins the last columns */
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

/* A long title gives way before the date and the venue do. */
START_TEST(date_line_keeps_when_and_where)
{
    ks_session s;
    memset(&s, 0, sizeof s);
    snprintf(s.title, sizeof s.title, "%s", "방탄소년단 월드투어 2026 서울 앵콜 콘서트 — 스페셜 에디션 with a very long English name");
    snprintf(s.venue, sizeof s.venue, "%s", "잠실 올림픽주경기장");
    snprintf(s.starts_at, sizeof s.starts_at, "%s", "2026-12-09T10:00:00Z");
    char line[1024], when[40];
    snprintf(s.tz, sizeof s.tz, "%s", "Asia/Seoul");
    ks_when(when, sizeof when, s.starts_at, s.tz);
    ck_assert_str_eq(when, "2026-12-09 19:00 KST"); /* venue time, whatever the host's */
    ks_date_line(line, sizeof line, &s, 76);
    ck_assert_int_eq(tx_width(line), 76);
    ck_assert_ptr_nonnull(strstr(line, when));
    ck_assert_ptr_nonnull(strstr(line, "잠실 올림픽주경기장"));
    ck_assert_ptr_nonnull(strstr(line, tx_utf8() ? "…" : "~")); /* the cut is marked */
    snprintf(s.title, sizeof s.title, "%s", "IU"); /* short: as it is */
    ks_date_line(line, sizeof line, &s, 76);
    ck_assert_int_eq(strncmp(line, "IU  ", 4), 0);
}
END_TEST

START_TEST(widget_break)
{
    const char *m = "Your hold ran out before payment, so the seats went back on sale. You are back in the queue.";
    size_t cut = wg_break(m, 78);
    ck_assert_int_eq(m[cut], ' ');
    ck_assert_int_le(tx_width(m) - tx_width(m + cut), 78); /* the first part fits */
    ck_assert_int_le(tx_width(m + cut + 1), 78);
    ck_assert_int_gt((int)cut, 60); /* as late as it fits */
    ck_assert_int_eq(wg_break("short", 78), 5); /* fits: whole */
    ck_assert_int_eq(wg_break("unbreakable-word-that-is-long", 10), 0);
    /* double-width text breaks by columns, not bytes */
    const char *ko = "결제 전에 좌석 선점 시간이 끝나 좌석이 반환되었습니다. 대기열로 돌아왔습니다.";
    cut = wg_break(ko, 40);
    ck_assert_int_eq(ko[cut], ' ');
    char first[256];
    snprintf(first, sizeof first, "%.*s", (int)cut, ko);
    ck_assert_int_le(tx_width(first), 40);
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
    /* At the limit a character goes in whole or not at all: never half a
     * syllable (invalid UTF-8 for the server). */
    wg_input_clear(&in);
    const char *typed = "abcdefgh한é";
    for (const char *p = typed; *p; p++)
        wg_input_key(&in, (unsigned char)*p, 10, NULL);
    ck_assert_str_eq(in.buf, "abcdefghé"); /* 8 + 3 > 10: 한 dropped; 8 + 2 fits */
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

/* One countdown: holding nothing, the token's lapse (the server's
 * expires_in_s); holding, the first hold's deadline; the turn's end
 * (turn_expires_in_s) whenever it comes sooner. */
START_TEST(session_turn)
{
    ks_session s = {0};
    bool hold = true;
    ck_assert_int_eq(ks_countdown_s(&s, 1000, NULL), -1); /* unknown: nothing shown */
    cJSON *waiting = cJSON_Parse("{\"state\":\"waiting\",\"position\":3,\"eta_s\":40}");
    ks_queue_reply q;
    ks_parse_queue(waiting, &q);
    ks_queue_answer(&s, &q, 1000);
    ck_assert_int_eq(s.state, KS_WAITING);
    ck_assert_int_eq(ks_countdown_s(&s, 1000, NULL), -1);
    cJSON *active = cJSON_Parse("{\"state\":\"active\",\"expires_in_s\":600,"
                                "\"turn_expires_in_s\":900}");
    ks_parse_queue(active, &q);
    ks_queue_answer(&s, &q, 1000);
    ck_assert_int_eq(s.state, KS_TURN);
    ck_assert_int_eq(ks_countdown_s(&s, 1000, &hold), 600);
    ck_assert(!hold);
    ck_assert_int_eq(ks_countdown_s(&s, 1000 + 541000, NULL), 59); /* the last minute */
    ck_assert_int_eq(ks_countdown_s(&s, 1000 + 700000, NULL), 0);
    /* two holds: the first to lapse is what counts, not the last */
    ks_add_hold(&s, 5, 1, 7, 1000, 300, 100000);
    ks_add_hold(&s, 6, 1, 8, 1000, 300, 700000); /* past the turn: a server before turns */
    ck_assert_int_eq(ks_countdown_s(&s, 300000, &hold), 100);
    ck_assert(hold);
    /* near the turn's end the turn is what ends first */
    ck_assert_int_eq(ks_drop_hold_seat(&s, 1, 7), true);
    ck_assert_int_eq(ks_countdown_s(&s, 800000, &hold), 101);
    ck_assert(!hold);
    ck_assert(!ks_turn_over(&s, 800000));
    ck_assert(ks_turn_over(&s, 901000));
    /* a seats.list or seat.hold reply moves the turn's end too */
    cJSON *map = cJSON_Parse("{\"date_id\":1,\"seq\":4,\"turn_expires_in_s\":30}");
    ks_seat_map m;
    ks_parse_seats(map, &m);
    ks_turn_note(&s, -1, m.turn_expires_in_s, 800000);
    ck_assert_int_eq(ks_countdown_s(&s, 800000, NULL), 30);
    cJSON_Delete(map);
    cJSON_Delete(waiting);
    cJSON_Delete(active);
}
END_TEST

/* The queue screen's estimate counts down while the line stands still,
 * but not below the places still ahead. */
START_TEST(eta_countdown)
{
    ck_assert_int_eq(ks_eta_shown(600, 0, 1, 600000), 600);
    ck_assert_int_eq(ks_eta_shown(600, 61500, 1, 600000), 539);
    ck_assert_int_eq(ks_eta_shown(600, 700000, 1, 600000), 0); /* late: "any moment" */
    ck_assert_int_eq(ks_eta_shown(120, 50000, 3, 40000), 80);  /* two places ahead: 80 s */
    ck_assert_int_eq(ks_eta_shown(120, 10000, 3, 40000), 110);
    ck_assert_int_eq(ks_eta_shown(30, 20000, 5, 0), 30); /* no pace: as given */
    /* the same place: 67 s shown, the pace wobbles to 68 or 72 s: keep
     * counting down; 59 s is taken, and so is 81 s (a fifth longer: the
     * line slowed); a new place takes any estimate */
    ck_assert(!ks_eta_take(68, 67, true));
    ck_assert(!ks_eta_take(72, 67, true));
    ck_assert(ks_eta_take(59, 67, true));
    ck_assert(ks_eta_take(81, 67, true));
    ck_assert(ks_eta_take(72, 67, false));
}
END_TEST

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
    tcase_add_test(t, text_cells);
    tcase_add_test(t, split_columns);
    tcase_add_test(t, text_langs);
    tcase_add_test(t, widget_seats);
    tcase_add_test(t, widget_bars);
    tcase_add_test(t, widget_hints);
    tcase_add_test(t, widget_qr);
    tcase_add_test(t, widget_input);
    tcase_add_test(t, widget_break);
    tcase_add_test(t, date_line_keeps_when_and_where);
    suite_add_tcase(s, t);
    t = tcase_create("client");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, client_seq_gaps);
    tcase_add_test(t, session_turn);
    tcase_add_test(t, eta_countdown);
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
