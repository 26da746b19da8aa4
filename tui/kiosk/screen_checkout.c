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
#include "tui/kiosk/screens.h"
#include "tui/ui/widgets.h"

enum { TAG_BALANCE = 1, TAG_PAY };

/* The session's state says whether a payment is open (KS_PAYING, from the
 * first send until an answer); the screen knows whether one is in flight.
 * Open and not in flight: sent, no answer; retry with the same id. */
typedef struct {
    bool paying; /* in flight */
    char request_id[40];
    /* The attempt's holds: a retry sends exactly these (other params under
     * the same request_id are a CONFLICT), even once the seats' events have
     * taken them off our list -- "sold" may be this very payment. */
    int64_t hold_ids[KS_MAX_HOLDS];
    int nids;
    char topic[32]; /* the seats' events we listen to, while on top */
} checkout_st;

void *ks_checkout_new(void) { return calloc(1, sizeof(checkout_st)); }

static bool unsure(app *a, const checkout_st *c) { return ks_pay_open(ks(a)) && !c->paying; }

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
    ks_seat_event ev;
    if (strcmp(topic, c->topic) != 0 || !ks_parse_seat_event(body, &ev) || ev.date_id < 1 ||
        !ev.state[0] || strcmp(ev.state, "held") == 0)
        return;
    ks_hold_gone(a, ev.date_id, ev.seat_no, clock_mono_ms()); /* nothing if not ours */
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
    ks_pay_begin(s);
    app_call(a, c, "payment.pay", p, TAG_PAY);
}

static void paid(app *a, const cJSON *res)
{
    ks_session *s = ks(a);
    ks_ticket t[KS_MAX_TICKETS];
    int64_t bal;
    if (ks_parse_balance(res, &bal))
        s->balance = bal;
    int n = ks_parse_bookings(res, t, KS_MAX_TICKETS);
    for (int i = 0; i < n; i++) { /* the reply names the seats; the date is ours */
        snprintf(t[i].title, sizeof t[i].title, "%s", s->title);
        snprintf(t[i].venue, sizeof t[i].venue, "%s", s->venue);
        snprintf(t[i].starts_at, sizeof t[i].starts_at, "%s", s->starts_at);
        snprintf(t[i].tz, sizeof t[i].tz, "%s", s->tz);
        t[i].state[0] = 0;
    }
    ks_paid(s);
    ks_go_tickets(a, t, n, true);
}

static void pay_failed(app *a, checkout_st *c, const app_reply *r)
{
    char m[256], have[48], need[48];
    ks_session *s = ks(a);
    if (r->offline) { /* still open: keep request_id, same attempt */
        app_flash(a, tx(T_CO_RETRYING));
        return;
    }
    ks_pay_failed(s);
    c->request_id[0] = 0;
    switch (r->err) {
    case TK_INSUFFICIENT_FUNDS: {
        int64_t bal = 0, amt = ks_holds_total(s);
        ks_parse_balance(r->data, &bal);
        jv_get_int(r->data, "amount", 0, JV_INT_MAX, &amt);
        ks_balance_note(s, bal);
        ks_won(have, sizeof(have), bal);
        ks_won(need, sizeof(need), amt);
        snprintf(m, sizeof(m), tx(T_CO_NO_FUNDS), have, need);
        ks_go_wallet(a, true);
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
        ks_holds_gone(s, clock_mono_ms());
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
    int64_t bal;
    if (tag == TAG_BALANCE) {
        if (!r->err && ks_parse_balance(r->result, &bal))
            ks_balance_note(s, bal);
        return;
    }
    c->paying = false;
    if (r->err) {
        pay_failed(a, c, r);
        return;
    }
    paid(a, r->result);
}

static void checkout_tick(app *a, void *st, int64_t now)
{
    ks_session *s = ks(a);
    if (s->nholds == 0 && !ks_pay_open(s)) {
        if (app_top_state(a) == st)
            app_pop(a);
        return;
    }
    /* The server may be a moment behind our count; an answer in flight
     * decides, otherwise the lapse is ours to explain. */
    if (!ks_pay_open(s))
        ks_check_lapse(a, now);
}

static void checkout_resync(app *a, void *st, int64_t date_id)
{
    checkout_st *c = st;
    if (date_id != 0)
        return;
    checkout_enter(a, st);
    if (unsure(a, c))
        pay(a, c); /* same request_id: at most one payment */
}

static int act_pay(app *a, void *st, int key)
{
    pay(a, st);
    return APP_DONE;
}

static int act_charge(app *a, void *st, int key)
{
    ks_go_wallet(a, true);
    return APP_DONE;
}

static int act_back(app *a, void *st, int key)
{
    checkout_st *c = st;
    if (unsure(a, c)) /* leaving now could hide a payment that went through */
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
        char name[8];
        wg_seat_name(name, s->holds[i].seat_no);
        snprintf(line, sizeof(line), tx(T_CO_SEAT), name);
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
    const ks_hold *first;
    int64_t left = ks_countdown_s(s, clock_mono_ms(), NULL);
    int64_t total = ks_holds_deadline(s, &first) ? first->total_s : 0;
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
    .about = T_AB_CHECKOUT,
};
