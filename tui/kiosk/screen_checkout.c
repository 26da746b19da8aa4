/* tui/kiosk/screen_checkout.c -- held seats, total, balance, the hold countdown
 * and Pay. One request_id per payment attempt: kept while the outcome is
 * unknown (no answer), so a retry can never pay twice; a fresh one after a
 * definite failure, since the server would replay the old failure. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/kiosk/kiosk.h"
#include "tui/ui/widgets.h"

enum { TAG_BALANCE = 1, TAG_PAY };

typedef struct {
    bool paying, unsure; /* unsure: sent, no answer; retry with same id */
    char request_id[40];
    /* The attempt's holds: a retry sends exactly these (other params under
     * the same request_id are a CONFLICT), even once the seats' events have
     * taken them off our list -- "sold" may be this very payment. */
    int64_t hold_ids[KS_MAX_HOLDS];
    int nids;
    char topic[32]; /* the seats' events we listen to, while on top */
} checkout_st;

void *ks_checkout_new(void) { return calloc(1, sizeof(checkout_st)); }

bool ks_pay_open(app *a)
{
    const checkout_st *c = app_find(a, &ks_checkout_ops);
    return c && (c->paying || c->unsure);
}

/* The seats' events: the map below is left while checkout covers it, so
 * checkout listens itself for a hold that lapses or staff release. */
static void checkout_enter(app *a, void *st)
{
    checkout_st *c = st;
    ks_session *s = ks(a);
    snprintf(c->topic, sizeof c->topic, "seat.%lld",
             (long long)(s->nholds ? s->holds[0].date_id : s->date_id));
    app_subscribe(a, c->topic);
    app_call(a, st, "wallet.balance", ks_user_params(a), TAG_BALANCE);
}

static void checkout_leave(app *a, void *st)
{
    app_unsubscribe(a, ((checkout_st *)st)->topic);
}

static void checkout_event(app *a, void *st, const char *topic, const cJSON *body)
{
    checkout_st *c = st;
    int64_t date = 0, no = 0;
    const cJSON *state = cJSON_GetObjectItemCaseSensitive(body, "state");
    if (strcmp(topic, c->topic) != 0 || jv_get_int(body, "date_id", 1, JV_INT_MAX, &date) != JV_OK ||
        jv_get_int(body, "seat_no", 1, WG_SEATS, &no) != JV_OK || !cJSON_IsString(state) ||
        strcmp(state->valuestring, "held") == 0)
        return;
    ks_hold_gone(a, date, (int)no, clock_mono_ms()); /* nothing if not ours */
}

static void pay(app *a, checkout_st *c)
{
    ks_session *s = ks(a);
    if (c->paying || (!c->request_id[0] && s->nholds == 0))
        return;
    if (!c->request_id[0]) { /* a new attempt */
        ks_request_id(c->request_id);
        for (c->nids = 0; c->nids < s->nholds; c->nids++)
            c->hold_ids[c->nids] = s->holds[c->nids].hold_id;
    }
    cJSON *p = ks_token_params(a), *ids = cJSON_AddArrayToObject(p, "hold_ids");
    for (int i = 0; i < c->nids; i++)
        cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)c->hold_ids[i]));
    cJSON_AddStringToObject(p, "request_id", c->request_id);
    c->paying = true;
    app_call(a, c, "payment.pay", p, TAG_PAY);
}

static void paid(app *a, const cJSON *res)
{
    ks_session *s = ks(a);
    ks_ticket t[KS_MAX_TICKETS];
    int n = 0;
    const cJSON *o;
    jv_get_int(res, "balance", 0, JV_INT_MAX, &s->balance);
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(res, "bookings"))
    {
        if (n == KS_MAX_TICKETS)
            break;
        ks_ticket *k = &t[n++];
        memset(k, 0, sizeof(*k));
        int64_t seat = 0;
        jv_get_int(o, "booking_id", 0, JV_INT_MAX, &k->booking_id);
        jv_get_int(o, "date_id", 0, JV_INT_MAX, &k->date_id);
        jv_get_int(o, "seat_no", 0, WG_SEATS, &seat);
        jv_get_int(o, "price", 0, JV_INT_MAX, &k->price);
        k->seat_no = (int)seat;
        ks_copy_str(k->code, sizeof(k->code), o, "code");
        snprintf(k->title, sizeof(k->title), "%s", s->title);
        snprintf(k->venue, sizeof(k->venue), "%s", s->venue);
        snprintf(k->starts_at, sizeof(k->starts_at), "%s", s->starts_at);
    }
    s->nholds = 0;
    s->token[0] = 0; /* a paid token is spent */
    app_reset(a, &ks_ticket_ops, ks_ticket_new(t, n));
}

static void pay_failed(app *a, checkout_st *c, const app_reply *r)
{
    char m[256], have[48], need[48];
    ks_session *s = ks(a);
    if (r->offline) {
        c->unsure = true; /* keep request_id: same attempt */
        app_flash(a, tx(T_CO_RETRYING));
        return;
    }
    c->request_id[0] = 0;
    switch (r->err) {
    case TK_INSUFFICIENT_FUNDS: {
        int64_t bal = 0, amt = ks_holds_total(s);
        jv_get_int(r->data, "balance", 0, JV_INT_MAX, &bal);
        jv_get_int(r->data, "amount", 0, JV_INT_MAX, &amt);
        s->balance = bal;
        s->balance_known = true;
        ks_won(have, sizeof(have), bal);
        ks_won(need, sizeof(need), amt);
        snprintf(m, sizeof(m), tx(T_CO_NO_FUNDS), have, need);
        app_push(a, &ks_wallet_ops, ks_wallet_new(true));
        app_flash(a, m);
        return;
    }
    case TK_HOLD_EXPIRED:
        ks_requeue(a, T_LAPSED);
        return;
    case TK_HOLD_NOT_FOUND:
        /* Not a lapse (that is HOLD_EXPIRED): staff released it, or this
         * member paid for it at another kiosk. The turn goes on; the map
         * shows what is ours now. */
        s->nholds = 0;
        app_pop(a);
        app_flash(a, tx(T_HOLD_GONE));
        return;
    default:
        if (ks_common_error(a, r))
            return;
        snprintf(m, sizeof(m), tx(T_CO_FAILED), tk_err_reason(r->err));
        app_flash(a, m);
    }
}

static void checkout_reply(app *a, void *st, int tag, const app_reply *r)
{
    checkout_st *c = st;
    ks_session *s = ks(a);
    if (tag == TAG_BALANCE) {
        if (!r->err && jv_get_int(r->result, "balance", 0, JV_INT_MAX, &s->balance) == JV_OK)
            s->balance_known = true;
        return;
    }
    c->paying = false;
    if (!r->offline) /* an answer: whatever it says, the outcome is known */
        c->unsure = false;
    if (r->err) {
        pay_failed(a, c, r);
        return;
    }
    paid(a, r->result);
}

static void checkout_tick(app *a, void *st, int64_t now)
{
    checkout_st *c = st;
    ks_session *s = ks(a);
    if (s->nholds == 0 && !c->paying && !c->unsure) {
        if (app_top_state(a) == st)
            app_pop(a);
        return;
    }
    /* The server may be a moment behind our count; an answer in flight
     * decides, otherwise the lapse is ours to explain. */
    if (!c->paying && !c->unsure)
        ks_check_lapse(a, now);
}

static void checkout_resync(app *a, void *st, int64_t date_id)
{
    checkout_st *c = st;
    if (date_id != 0)
        return;
    checkout_enter(a, st);
    if (c->unsure)
        pay(a, c); /* same request_id: at most one payment */
}

static int act_pay(app *a, void *st, int key)
{
    pay(a, st);
    return APP_DONE;
}

static int act_charge(app *a, void *st, int key)
{
    app_push(a, &ks_wallet_ops, ks_wallet_new(true));
    return APP_DONE;
}

static int act_back(app *a, void *st, int key)
{
    checkout_st *c = st;
    if (c->unsure) /* leaving now could hide a payment that went through */
        app_flash(a, tx(T_CO_RETRYING));
    else if (!c->paying)
        app_pop(a);
    return APP_DONE;
}

static const km_binding checkout_keys[] = {
    {{'\n', '\r', KEY_ENTER}, act_pay, "Enter", T_H_PAY, KM_BAR, 0},
    {{'w'}, act_charge, "w", T_H_CHARGE, KM_BAR, 0},
    {{27}, act_back, "Esc", T_H_BACK, KM_BAR, 0},
    {{'p'}, act_pay, "p", T_H_PAY, KM_HELP, 0},
    {{'q'}, act_back, "q", T_H_BACK, KM_HELP, 0},
};

KM_TABLE_FN(checkout_keys_fn, checkout_keys)

static void checkout_draw(app *a, void *st, const wg_rect *r)
{
    checkout_st *c = st;
    ks_session *s = ks(a);
    char line[512], money[48];
    int x = r->x + 4, w = r->w - 8, y = r->y, lw = 16;
    wg_text(y, r->x + 2, r->w - 4, tx(T_CHECKOUT_TITLE), WG_HEAD);
    ks_date_line(line, sizeof line, s, r->w - 4);
    wg_text(y + 1, r->x + 2, r->w - 4, line, WG_NORMAL);
    y += 3;
    for (int i = 0; i < s->nholds; i++, y++) {
        snprintf(line, sizeof(line), tx(T_CO_SEAT), s->holds[i].seat_no);
        wg_text(y, x, lw, line, WG_NORMAL);
        ks_won(money, sizeof(money), s->holds[i].price);
        wg_text(y, x + lw, w - lw, money, WG_NORMAL);
    }
    y++;
    wg_text(y, x, lw, tx(T_CO_TOTAL), WG_HEAD);
    ks_won(money, sizeof(money), ks_holds_total(s));
    wg_text(y++, x + lw, w - lw, money, WG_HEAD);
    wg_text(y, x, lw, tx(T_CO_BALANCE), WG_NORMAL);
    if (s->balance_known)
        ks_won(money, sizeof(money), s->balance);
    else
        snprintf(money, sizeof(money), "...");
    wg_text(y++, x + lw, w - lw, money, s->balance < ks_holds_total(s) ? WG_BAD : WG_GOOD);
    y++;
    /* The one countdown: the first hold's, or the turn's when that ends
     * sooner; the bar is full at the hold's length either way. */
    int64_t total = 0, left = ks_countdown_s(s, clock_mono_ms(), NULL);
    for (int i = 0; i < s->nholds; i++)
        if (s->holds[i].deadline_ms == ks_holds_deadline(s))
            total = s->holds[i].total_s;
    wg_text(y, x, lw, tx(T_CO_TIME_LEFT), WG_NORMAL);
    wg_countdown(y, x + lw, w - lw < 40 ? w - lw : 40, left < 0 ? 0 : left, total > left ? total : left);
    y += 2;
    bool short_ = s->balance_known && s->balance < ks_holds_total(s);
    wg_text(y, x, w, tx(c->paying ? T_CO_PAYING : short_ ? T_CO_CHARGE_FIRST : T_CO_PAY),
            c->paying ? WG_DIM : short_ ? WG_WARN : WG_HEAD);
}

const app_screen_ops ks_checkout_ops = {
    .name = "checkout",
    .enter = checkout_enter,
    .leave = checkout_leave,
    .keys = checkout_keys_fn,
    .event = checkout_event,
    .reply = checkout_reply,
    .tick = checkout_tick,
    .resync = checkout_resync,
    .draw = checkout_draw,
    .free = free,
};
