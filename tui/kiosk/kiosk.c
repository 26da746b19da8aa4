/* tui/kiosk/kiosk.c -- the kiosk session and the navigation screens share. */
#include "tui/kiosk/kiosk.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/ui/widgets.h"

ks_session *ks(app *a) { return app_model(a); }

void ks_session_clear(ks_session *s) { memset(s, 0, sizeof(*s)); }

void ks_add_hold(ks_session *s, int64_t hold_id, int64_t date_id, int seat_no, int64_t price,
                 int64_t expires_in_s, int64_t now_ms)
{
    ks_drop_hold_seat(s, date_id, seat_no);
    if (s->nholds == KS_MAX_HOLDS)
        return;
    s->holds[s->nholds++] = (ks_hold){hold_id, date_id, seat_no, price, now_ms + expires_in_s * 1000, expires_in_s};
}

void ks_sync_hold(ks_session *s, int64_t hold_id, int64_t date_id, int seat_no, int64_t price,
                  int64_t expires_in_s, int64_t now_ms)
{
    for (int i = 0; i < s->nholds; i++) {
        ks_hold *h = &s->holds[i];
        if (h->date_id == date_id && h->seat_no == seat_no) {
            /* keep its place and total_s (the bar's full length) */
            h->hold_id = hold_id;
            h->price = price;
            h->deadline_ms = now_ms + expires_in_s * 1000;
            if (h->total_s < expires_in_s)
                h->total_s = expires_in_s;
            return;
        }
    }
    ks_add_hold(s, hold_id, date_id, seat_no, price, expires_in_s, now_ms);
}

bool ks_drop_hold_seat(ks_session *s, int64_t date_id, int seat_no)
{
    for (int i = 0; i < s->nholds; i++)
        if (s->holds[i].date_id == date_id && s->holds[i].seat_no == seat_no) {
            memmove(&s->holds[i], &s->holds[i + 1], (size_t)(s->nholds - i - 1) * sizeof(s->holds[0]));
            s->nholds--;
            return true;
        }
    return false;
}

#define KS_LAPSE_SLACK_MS 2000 /* our deadline is from receipt: a bit late */

void ks_lose_hold_seat(ks_session *s, int64_t date_id, int seat_no, int64_t now_ms)
{
    const ks_hold *h = ks_find_hold(s, date_id, seat_no);
    if (h && h->deadline_ms <= now_ms + KS_LAPSE_SLACK_MS)
        s->hold_lapsed = true;
    ks_drop_hold_seat(s, date_id, seat_no);
}

bool ks_hold_gone(app *a, int64_t date_id, int seat_no, int64_t now_ms)
{
    ks_session *s = ks(a);
    const ks_hold *h = ks_find_hold(s, date_id, seat_no);
    if (!h)
        return false;
    if (ks_pay_open(a)) { /* likely our own payment: its answer will say */
        ks_drop_hold_seat(s, date_id, seat_no);
        return false;
    }
    bool lapsed = h->deadline_ms <= now_ms + KS_LAPSE_SLACK_MS;
    ks_lose_hold_seat(s, date_id, seat_no, now_ms); /* notes hold_lapsed the same way */
    if (lapsed && s->nholds == 0) { /* at the turn's end, that is what to say */
        ks_requeue(a, ks_turn_over(s, now_ms) ? T_TURN_ENDED : T_LAPSED);
        return true;
    }
    char m[256];
    snprintf(m, sizeof m, tx(lapsed ? T_SEAT_LAPSED : T_SEAT_TAKEN_BACK), seat_no);
    app_flash(a, m);
    if (!lapsed && s->nholds == 0)
        s->turn_stale = true;
    return false;
}

const ks_hold *ks_find_hold(const ks_session *s, int64_t date_id, int seat_no)
{
    for (int i = 0; i < s->nholds; i++)
        if (s->holds[i].date_id == date_id && s->holds[i].seat_no == seat_no)
            return &s->holds[i];
    return NULL;
}

int64_t ks_holds_total(const ks_session *s)
{
    int64_t t = 0;
    for (int i = 0; i < s->nholds; i++)
        t += s->holds[i].price;
    return t;
}

int64_t ks_holds_deadline(const ks_session *s)
{
    int64_t d = 0;
    for (int i = 0; i < s->nholds; i++)
        if (d == 0 || s->holds[i].deadline_ms < d)
            d = s->holds[i].deadline_ms;
    return d;
}

void ks_turn_end_note(ks_session *s, const cJSON *result, int64_t now_ms)
{
    int64_t left = 0;
    if (jv_get_int(result, "turn_expires_in_s", 0, JV_INT_MAX, &left) == JV_OK)
        s->turn_end_ms = now_ms + left * 1000;
}

void ks_turn_note(ks_session *s, const cJSON *result, int64_t now_ms)
{
    int64_t left = 0;
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(result, "state");
    if (cJSON_IsString(st) && strcmp(st->valuestring, "active") == 0 &&
        jv_get_int(result, "expires_in_s", 0, JV_INT_MAX, &left) == JV_OK) {
        s->turn_deadline_ms = now_ms + left * 1000;
        s->turn_stale = false;
        ks_turn_end_note(s, result, now_ms);
    }
}

int64_t ks_countdown_s(const ks_session *s, int64_t now_ms, bool *hold)
{
    /* Holding, the first hold to lapse is what the customer loses first;
     * holding nothing, the token's own lapse. The turn's end bounds both
     * (a server before turns did not say it: then 0, unknown). */
    int64_t until = s->nholds > 0 ? ks_holds_deadline(s) : s->turn_stale ? 0 : s->turn_deadline_ms;
    bool by_hold = s->nholds > 0;
    if (until != 0 && s->turn_end_ms != 0 && s->turn_end_ms <= until) {
        until = s->turn_end_ms;
        by_hold = false;
    }
    if (hold)
        *hold = by_hold;
    if (until == 0)
        return -1;
    return until > now_ms ? (until - now_ms + 999) / 1000 : 0;
}

bool ks_turn_over(const ks_session *s, int64_t now_ms)
{
    return s->turn_end_ms != 0 && s->turn_end_ms <= now_ms + KS_LAPSE_SLACK_MS;
}

void ks_turn_ask(app *a, void *st, int tag)
{
    ks(a)->turn_asked_ms = clock_mono_ms();
    app_call(a, st, "queue.status", ks_token_params(a), tag);
}

void ks_turn_reply(app *a, const app_reply *r)
{
    if (!r->err)
        ks_turn_note(ks(a), r->result, clock_mono_ms());
    else if (!r->offline) /* offline: the banner says it; the resync asks again */
        ks_common_error(a, r);
}

void ks_turn_tick(app *a, void *st, int tag, int64_t now_ms)
{
    ks_session *s = ks(a);
    bool due = s->turn_stale || ks_countdown_s(s, now_ms, NULL) == 0;
    if (s->nholds == 0 && due && now_ms - s->turn_asked_ms >= 5000)
        ks_turn_ask(a, st, tag);
}

void ks_turn_draw(app *a, int y, int x, int w)
{
    bool hold;
    int64_t left = ks_countdown_s(ks(a), clock_mono_ms(), &hold);
    if (left < 0 || w < 1)
        return;
    char t[16], line[160];
    wg_mmss(t, left);
    tx_id fmt = hold ? (left < 60 ? T_HOLD_LAST : T_HOLD_LEFT) : (left < 60 ? T_TURN_LAST : T_TURN_LEFT);
    snprintf(line, sizeof(line), tx(fmt), t);
    int tw = tx_width(line) < w ? tx_width(line) : w;
    wg_text(y, x + w - tw, tw, line, left < 60 ? WG_WARN : WG_DIM);
}

void ks_requeue(app *a, tx_id why)
{
    ks_session *s = ks(a);
    if (why == T_LAPSED && s->token[0])
        snprintf(s->stale_token, sizeof s->stale_token, "%s", s->token);
    s->token[0] = 0;
    s->nholds = 0;
    s->hold_lapsed = false;
    s->turn_stale = false;
    s->turn_deadline_ms = 0;
    s->turn_end_ms = 0;
    app_reset(a, &ks_queue_ops, ks_queue_new());
    if (why != T_COUNT)
        app_flash(a, tx(why));
}

const char *ks_booking_state(const char *state)
{
    return !strcmp(state, "paid") ? tx(T_ST_PAID) : !strcmp(state, "refunded") ? tx(T_ST_REFUNDED) : state;
}

static tx_lang ks_home_lang = TX_EN;

void ks_set_home_lang(tx_lang l) { ks_home_lang = l; }

void ks_lang_changed(app *a) { app_set_title(a, tx(T_APP_TITLE)); }

void ks_logout(app *a, tx_id why)
{
    ks_session *s = ks(a);
    /* The next customer at a kiosk meets it in its own language, whatever
     * the last one switched to (not so on a terminal of one's own). */
    if (app_cfg(a)->kiosk && tx_get_lang() != ks_home_lang) {
        tx_set_lang(ks_home_lang);
        ks_lang_changed(a);
    }
    /* Give the seats back now rather than in five minutes: the next
     * customer at this kiosk (or any other) can have them. */
    for (int i = 0; i < s->nholds && s->token[0]; i++) {
        cJSON *p = ks_token_params(a);
        jv_add_int(p, "hold_id", s->holds[i].hold_id);
        app_call_quiet(a, "hold.release", p);
    }
    if (s->token[0])
        app_call_quiet(a, "queue.leave", ks_token_params(a));
    ks_session_clear(s);
    app_reset(a, &ks_welcome_ops, ks_welcome_new());
    if (why != T_COUNT)
        app_flash(a, tx(why));
}

bool ks_check_lapse(app *a, int64_t now_ms)
{
    ks_session *s = ks(a);
    /* One by one: the server keeps the turn until the last hold lapses,
     * and the others stay ours meanwhile. */
    while (s->nholds > 0 && now_ms >= ks_holds_deadline(s)) {
        const ks_hold *h = NULL;
        for (int i = 0; i < s->nholds; i++)
            if (s->holds[i].deadline_ms == ks_holds_deadline(s))
                h = &s->holds[i];
        if (ks_hold_gone(a, h->date_id, h->seat_no, now_ms))
            return true; /* that was the last */
    }
    return false;
}

void ks_idle(app *a)
{
    ks_session *s = ks(a);
    /* Waiting in line is not being idle: the line moves on its own and
     * the customer keeps their place; the timer applies once admitted. */
    if (app_top_ops(a) == &ks_queue_ops)
        return;
    /* Nor is waiting to learn whether a payment went through. */
    if (ks_pay_open(a))
        return;
    bool fresh = app_top_ops(a) == &ks_welcome_ops && !s->user_id[0];
    ks_logout(a, fresh ? T_COUNT : T_IDLE_RESET);
}

bool ks_common_error(app *a, const app_reply *r)
{
    switch (r->offline ? TK_ERR_COUNT : r->err) {
    case TK_ERR_COUNT:
        app_flash(a, tx(T_ERR_OFFLINE));
        return true;
    case TK_TOKEN_EXPIRED:
    case TK_TOKEN_INVALID:
        /* A payment whose answer was lost may have spent the token: its
         * retry (checkout) decides, not this reply. */
        if (ks_pay_open(a))
            return true;
        /* a hold that lapsed ends the turn with it; say so, even when
         * the seat's event already took it off our list */
        ks_requeue(a, !ks_turn_over(ks(a), clock_mono_ms()) &&
                              (ks(a)->nholds > 0 || ks(a)->hold_lapsed) ? T_LAPSED
                                                                       : T_TURN_ENDED);
        return true;
    case TK_NOT_ADMITTED:
        ks_requeue(a, T_COUNT);
        return true;
    case TK_RATE_LIMITED:
        app_flash(a, tx(T_ERR_RATE));
        return true;
    default:
        return false;
    }
}

void ks_reply_error(app *a, const app_reply *r)
{
    if (ks_common_error(a, r))
        return;
    char m[256];
    snprintf(m, sizeof(m), tx(T_ERR_OTHER), tk_err_reason(r->err));
    app_flash(a, m);
}

int ks_act_wallet(app *a, void *st, int key)
{
    app_push(a, &ks_wallet_ops, ks_wallet_new(false));
    return APP_DONE;
}

int ks_act_history(app *a, void *st, int key)
{
    app_push(a, &ks_history_ops, ks_history_new());
    return APP_DONE;
}

int ks_act_leave(app *a, void *st, int key)
{
    ks_logout(a, T_COUNT);
    return APP_DONE;
}

cJSON *ks_token_params(app *a)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "token", ks(a)->token);
    return p;
}

cJSON *ks_user_params(app *a)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "user_id", ks(a)->user_id);
    return p;
}

void ks_won(char *out, size_t outsz, int64_t won)
{
    char n[40];
    tx_money(n, sizeof(n), won);
    snprintf(out, outsz, tx(T_FMT_WON), n);
}

void ks_date_line(char *out, size_t outsz, const ks_session *s, int w)
{
    char when[40], tail[320], title[512];
    ks_when(when, sizeof when, s->starts_at);
    snprintf(tail, sizeof tail, "%s  %s", when, s->venue);
    int rest = tx_width(tail) + 2; /* the gap, then date and venue */
    if (tx_width(s->title) + rest <= w || w - rest < 12) {
        snprintf(out, outsz, "%s  %s", s->title, tail); /* fits, or too narrow to save */
        return;
    }
    tx_cell(title, sizeof title, s->title, w - rest + 1); /* ends in "…" and a blank */
    snprintf(out, outsz, "%s %s", title, tail);
}

void ks_when(char *out, size_t outsz, const char *rfc3339)
{
    int64_t ms;
    struct tm tm;
    if (!rfc3339 || !time_parse(rfc3339, &ms)) {
        snprintf(out, outsz, "%s", rfc3339 ? rfc3339 : "");
        return;
    }
    time_t t = (time_t)(ms / 1000);
    localtime_r(&t, &tm);
    strftime(out, outsz, "%Y-%m-%d %H:%M", &tm);
}

void ks_request_id(char out[40])
{
    uint8_t u[16];
    char s[UUID_STR_LEN];
    uuid_v4(u);
    uuid_format(u, s);
    snprintf(out, 40, "k-%s", s);
}

void ks_copy_str(char *out, size_t outsz, const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    snprintf(out, outsz, "%s", cJSON_IsString(v) ? v->valuestring : "");
}
