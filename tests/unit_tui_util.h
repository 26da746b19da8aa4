/* tests/unit_tui_util.h -- the headless kiosk the unit_tui_* screen suites
 * drive: one session S, an app with no client (calls land in an outbox the
 * test answers), and the usual ways onto a screen. Each suite includes it
 * once. */
#ifndef TK_TEST_UNIT_TUI_UTIL_H
#define TK_TEST_UNIT_TUI_UTIL_H
#include <check.h>
#include <curses.h>
#include <poll.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tui/ui/app.h"
#include "tests/lib/tui_fake.h"
#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"
#include "tui/ui/text.h"
#include "tui/ui/widgets.h"

static ks_session S;

static __attribute__((unused)) app *mk(bool kiosk_mode, const app_screen_ops *ops, void *st)
{
    app_config cfg = {.title = "t", .kiosk = kiosk_mode, .idle_s = 90};
    app *a = tf_app_new(&cfg);
    app_set_model(a, &S);
    if (kiosk_mode) {
        app_on_idle(a, ks_idle);
        app_idle_warn(a, ks_idle_warn);
    }
    app_push(a, ops, st);
    app_settle(a);
    return a;
}

static __attribute__((unused)) void type(app *a, const char *s)
{
    while (*s)
        app_key(a, (unsigned char)*s++);
}

/* The newest unanswered call to method; fails the test when absent. */
static __attribute__((unused)) const tf_sent *sent(app *a, const char *method)
{
    const tf_sent *c = tf_find(a, method);
    ck_assert_msg(c != NULL, "no %s call", method);
    return c;
}

static __attribute__((unused)) void answer(app *a, const char *method, const char *result)
{
    tf_reply(a, sent(a, method)->id, result, TK_OK, NULL);
}

static __attribute__((unused)) void fail_with(app *a, const char *method, tk_err e, const char *data)
{
    tf_reply(a, sent(a, method)->id, NULL, e, data);
}

static __attribute__((unused)) void setup(void)
{
    ck_assert_int_ge(sodium_init(), 0);
    tx_set_lang(TX_EN);
    memset(&S, 0, sizeof(S)); /* each test starts with no member */
}

#define UID "5b0c3c0e-8a4e-4c1e-9a8e-2f7d2d1f4a10"

static __attribute__((unused)) const char *snapshot(char *buf, size_t n, int seq, int held_by_other, int mine)
{
    size_t o = (size_t)snprintf(buf, n, "{\"date_id\":1,\"seq\":%d,\"seats\":[", seq);
    for (int i = 1; i <= 50; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s{\"no\":%d,\"state\":\"%s\",\"price\":%d,\"mine\":%s}", i > 1 ? "," : "",
                              i, i == held_by_other || i == mine ? "held" : "free", i <= 10 ? 120000 : 90000,
                              i == mine ? "true,\"hold_id\":77,\"expires_in_s\":200" : "false");
    snprintf(buf + o, n - o, "]}");
    return buf;
}

static __attribute__((unused)) void member_with_token(void)
{
    snprintf(S.user_id, sizeof(S.user_id), UID);
    snprintf(S.token, sizeof(S.token), "tok");
    S.date_id = 1;
}

static __attribute__((unused)) app *on_seats(void)
{
    member_with_token();
    return mk(false, &ks_seats_ops, ks_seats_new(1));
}

static __attribute__((unused)) app *at_checkout(int64_t left_s)
{
    member_with_token();
    ks_add_hold(&S, 44, 1, 13, 90000, left_s, clock_mono_ms());
    ks_add_hold(&S, 45, 1, 14, 90000, left_s, clock_mono_ms());
    return mk(false, &ks_checkout_ops, ks_checkout_new());
}

static __attribute__((unused)) void request_id_of(app *a, char out[64])
{
    cJSON *p = cJSON_Parse(sent(a, "payment.pay")->params);
    ck_assert_ptr_nonnull(p);
    const cJSON *r = cJSON_GetObjectItem(p, "request_id");
    ck_assert(cJSON_IsString(r));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(p, "hold_ids")), 2);
    snprintf(out, 64, "%s", r->valuestring);
    cJSON_Delete(p);
}

/* On the map: the cursor moved by `moves`, the seat held (hold_id, seat
 * seat_no, left_s to go), then 'c': the checkout on top of the map. */
static __attribute__((unused)) app *checkout_from_map(const char *moves, int hold_id, int seat_no, int left_s)
{
    static char buf[8192];
    char hold[160];
    app *a = on_seats();
    answer(a, "seats.list", snapshot(buf, sizeof(buf), 1, 0, 0));
    type(a, moves);
    app_key(a, '\n');
    snprintf(hold, sizeof hold,
             "{\"hold_id\":%d,\"date_id\":1,\"seat_no\":%d,\"price\":90000,\"expires_in_s\":%d}",
             hold_id, seat_no, left_s);
    answer(a, "seat.hold", hold);
    app_key(a, 'c');
    return a;
}

#endif
