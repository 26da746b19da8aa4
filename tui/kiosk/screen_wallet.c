/* tui/kiosk/screen_wallet.c -- balance, preset and custom charges, history. A
 * charge keeps its request_id until it gets a definite answer, so a retry
 * after a timeout can never charge twice. When the server takes top-ups
 * only at the counter (server.info's topup "staff"), the screen says so and
 * shows the member's QR for the cashier to scan instead of the charge keys. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"
#include "tui/ui/widgets.h"

#define WALLET_ROWS 8

enum { TAG_BALANCE = 1, TAG_HISTORY, TAG_CHARGE, TAG_INFO };

static const int64_t presets[] = {10000, 50000, 100000, 300000};

typedef struct {
    bool back_after_charge, custom, charging, unsure;
    wg_input in;
    int64_t amount;
    char request_id[40];
    ks_wallet_row rows[WALLET_ROWS];
    int nrows;
    bool history_loaded;
    bool info_known, counter; /* server.info answered; its topup is "staff" */
} wallet_st;

void *ks_wallet_new(bool back_after_charge)
{
    wallet_st *w = calloc(1, sizeof(*w));
    if (w)
        w->back_after_charge = back_after_charge;
    return w;
}

static void refresh_all(app *a, wallet_st *w)
{
    app_call(a, w, "wallet.balance", ks_user_params(a), TAG_BALANCE);
    cJSON *p = ks_user_params(a);
    jv_add_int(p, "limit", WALLET_ROWS);
    app_call(a, w, "wallet.history", p, TAG_HISTORY);
}

/* The policy is asked on every entry and resync: a server restarted with
 * another --topup is followed. */
static void ask_policy(app *a, wallet_st *w)
{
    app_call(a, w, "server.info", cJSON_CreateObject(), TAG_INFO);
}

static void wallet_enter(app *a, void *st)
{
    ask_policy(a, st);
    refresh_all(a, st);
}

static void read_policy(wallet_st *w, const app_reply *r)
{
    const char *t = NULL;
    if (r->offline)
        return;
    w->info_known = true; /* an older server without server.info: open */
    w->counter = !r->err && jv_get_str(r->result, "topup", 16, &t) == JV_OK &&
                 !strcmp(t, "staff");
}

static void charge(app *a, wallet_st *w, int64_t amount)
{
    if (w->charging || w->counter)
        return;
    if (!w->unsure || amount != w->amount || !w->request_id[0])
        ks_request_id(w->request_id);
    w->amount = amount;
    cJSON *p = ks_user_params(a);
    jv_add_int(p, "amount", amount);
    cJSON_AddStringToObject(p, "request_id", w->request_id);
    w->charging = true;
    app_call(a, w, "wallet.charge", p, TAG_CHARGE);
}

static void read_history(wallet_st *w, const cJSON *res)
{
    w->nrows = ks_parse_wallet(res, w->rows, WALLET_ROWS);
    w->history_loaded = true;
}

/* A charge the server refused for its amount: say what is allowed (the
 * limits come in the error's data; an older server sends none), and empty
 * the field so the next amount is typed afresh, not onto this one. */
static void refused(app *a, wallet_st *w, const app_reply *r)
{
    char m[256], max[48], room[48];
    int64_t lim = 0, bal = 0;
    bool has = jv_get_int(r->data, "max", 1, JV_INT_MAX, &lim) == JV_OK;
    tx_money(max, sizeof max, lim);
    if (r->err == TK_AMOUNT_INVALID && has) {
        snprintf(m, sizeof m, tx(T_WALLET_AMOUNT_MAX), max);
    } else if (r->err == TK_BALANCE_LIMIT && has &&
               jv_get_int(r->data, "balance", 0, JV_INT_MAX, &bal) == JV_OK) {
        tx_money(room, sizeof room, lim > bal ? lim - bal : 0);
        snprintf(m, sizeof m, tx(T_WALLET_LIMIT_ROOM), max, room);
    } else {
        snprintf(m, sizeof m, "%s",
                 tx(r->err == TK_AMOUNT_INVALID ? T_WALLET_AMOUNT_BAD : T_WALLET_LIMIT));
    }
    app_flash(a, m);
    wg_input_clear(&w->in);
}

static void charge_done(app *a, wallet_st *w, const app_reply *r)
{
    char m[256], money[48];
    w->charging = false;
    if (r->offline) {
        w->unsure = true;
        app_flash(a, tx(T_ERR_OFFLINE));
        return;
    }
    w->unsure = false;
    w->request_id[0] = 0;
    if (r->err == TK_AMOUNT_INVALID || r->err == TK_BALANCE_LIMIT) {
        refused(a, w, r);
        return;
    }
    if (r->err) {
        ks_reply_error(a, r);
        return;
    }
    int64_t bal = ks(a)->balance; /* the last known, if the answer lacks it */
    ks_parse_balance(r->result, &bal);
    ks_balance_note(ks(a), bal);
    ks_won(money, sizeof(money), w->amount);
    snprintf(m, sizeof(m), tx(T_WALLET_CHARGED), money);
    app_flash(a, m);
    w->custom = false;
    wg_input_clear(&w->in);
    if (w->back_after_charge)
        app_pop(a); /* back to checkout, which shows the new balance */
    else
        refresh_all(a, w);
}

static void wallet_reply(app *a, void *st, int tag, const app_reply *r)
{
    wallet_st *w = st;
    ks_session *s = ks(a);
    if (tag == TAG_CHARGE) {
        charge_done(a, w, r);
        return;
    }
    if (tag == TAG_INFO) {
        read_policy(w, r);
        return;
    }
    if (r->err) {
        if (r->err == TK_USER_NOT_FOUND && !r->offline)
            ks_logout(a, T_USER_NOT_FOUND);
        return;
    }
    int64_t bal;
    if (tag == TAG_BALANCE) {
        if (ks_parse_balance(r->result, &bal))
            ks_balance_note(s, bal);
    } else {
        read_history(w, r->result);
    }
}

static void wallet_resync(app *a, void *st, int64_t date_id)
{
    wallet_st *w = st;
    if (date_id != 0)
        return;
    ask_policy(a, w);
    refresh_all(a, w);
    if (w->unsure)
        charge(a, w, w->amount);
}

static int act_preset(app *a, void *st, int key)
{
    charge(a, st, presets[key - '1']);
    return APP_DONE;
}

static int act_custom(app *a, void *st, int key)
{
    ((wallet_st *)st)->custom = true;
    return APP_DONE;
}

static int act_custom_ok(app *a, void *st, int key)
{
    wallet_st *w = st;
    char *end = NULL;
    long long v = strtoll(w->in.buf, &end, 10);
    if (!w->in.len || *end || v <= 0)
        app_flash(a, tx(T_WALLET_AMOUNT_BAD));
    else
        charge(a, w, v);
    return APP_DONE;
}

static int act_custom_cancel(app *a, void *st, int key)
{
    wallet_st *w = st;
    w->custom = false;
    wg_input_clear(&w->in);
    return APP_DONE;
}

/* The four presets are keys '1'..'4'. */
_Static_assert(sizeof presets / sizeof *presets == 4, "wallet_keys lists keys 1-4");
static const km_binding wallet_keys[] = {
    {{'1', '2', '3', '4'}, act_preset, "1-4", T_H_CHARGE, KM_BAR, T_HK_PRESET},
    {{'c'}, act_custom, "c", T_H_CUSTOM, KM_BAR, 0},
    {{27}, app_act_pop, "Esc", T_H_BACK, KM_BAR, 0},
    {{'q'}, app_act_pop, "q", T_H_BACK, KM_HELP, 0},
};
/* At a box office whose top-ups are taken at the counter: nothing to charge. */
static const km_binding counter_keys[] = {
    {{27}, app_act_pop, "Esc", T_H_BACK, KM_BAR, 0},
    {{'q'}, app_act_pop, "q", T_H_BACK, KM_HELP, 0},
};
/* Typing an amount: digits go to the field (wallet_key). */
static const km_binding custom_keys[] = {
    {{'\n', '\r', KEY_ENTER}, act_custom_ok, "Enter", T_H_CHARGE, KM_BAR, 0},
    {{27}, act_custom_cancel, "Esc", T_H_BACK, KM_BAR, 0},
};

static int wallet_keys_fn(void *st, const km_binding **out)
{
    if (((wallet_st *)st)->counter) {
        *out = counter_keys;
        return (int)(sizeof counter_keys / sizeof *counter_keys);
    }
    bool custom = ((wallet_st *)st)->custom;
    *out = custom ? custom_keys : wallet_keys;
    return custom ? (int)(sizeof custom_keys / sizeof *custom_keys)
                  : (int)(sizeof wallet_keys / sizeof *wallet_keys);
}

static int wallet_key(app *a, void *st, int key)
{
    wallet_st *w = st;
    if (!w->custom)
        return APP_PASS;
    return wg_input_key(&w->in, key, 12, "0123456789") ? APP_DONE : APP_PASS;
}

static tx_id kind_name(const char *k)
{
    return strcmp(k, "charge") == 0 ? T_KIND_CHARGE : strcmp(k, "refund") == 0 ? T_KIND_REFUND : T_KIND_PAYMENT;
}

static void draw_history(const wallet_st *w, int y, int x, int wd, int rows)
{
    char when[40], amt[48], bal[48];
    wg_text(y++, x, wd, tx(T_WALLET_HISTORY), WG_HEAD);
    if (w->history_loaded && w->nrows == 0)
        wg_text(y, x, wd, tx(T_WALLET_EMPTY), WG_DIM);
    for (int i = 0; i < w->nrows && i < rows; i++, y++) {
        const ks_wallet_row *r = &w->rows[i];
        tx_when(when, sizeof(when), r->at, NULL, "%m-%d %H:%M %Z"); /* the server's zone */
        tx_money(amt, sizeof(amt), r->amount);
        tx_money(bal, sizeof(bal), r->balance);
        wg_text(y, x, 17, when, WG_NORMAL);
        wg_text(y, x + 18, 10, tx(kind_name(r->kind)), WG_NORMAL);
        char num[64];
        snprintf(num, sizeof(num), "%12s", amt);
        wg_text(y, x + 28, 13, num, r->amount < 0 ? WG_BAD : WG_GOOD);
        snprintf(num, sizeof(num), "%12s", bal);
        wg_text(y, x + 42, wd - 42, num, WG_NORMAL);
    }
}

/* Top-ups at the counter: the member's QR (it encodes the member id) for
 * the cashier to scan. */
static void draw_counter(const ks_session *s, int y, int x, int wd)
{
    wg_text(y, x, wd, tx(T_WALLET_COUNTER), WG_HEAD);
    wg_text(y + 1, x, wd, tx(T_WALLET_COUNTER_HOW), WG_NORMAL);
    int used = wg_qr(y + 3, x, s->user_id);
    if (used == 0) /* no room or no QR: the id itself, to read out */
        wg_text(y + 3, x, wd, s->user_id, WG_NORMAL);
}

static void wallet_draw(app *a, void *st, const wg_rect *r)
{
    wallet_st *w = st;
    ks_session *s = ks(a);
    char line[256], money[48];
    int x = r->x + 2, wd = r->w - 4, y = r->y;
    wg_text(y, x, wd, tx(T_WALLET_TITLE), WG_HEAD);
    if (s->balance_known)
        ks_won(money, sizeof(money), s->balance);
    else
        snprintf(money, sizeof(money), "...");
    snprintf(line, sizeof(line), "%s: %s", tx(T_WALLET_BALANCE), money);
    wg_text(y + 2, x + 2, wd - 2, line, WG_GOOD);
    if (!w->info_known)
        return; /* charge keys or the counter: the server says which */
    if (w->counter) {
        draw_counter(s, y + 4, x + 2, wd - 2);
        return;
    }
    wg_text(y + 4, x + 2, wd - 2, tx(T_WALLET_CHARGE), WG_HEAD);
    int n = (int)(sizeof(presets) / sizeof(*presets)), cx = x + 2;
    for (int i = 0; i < n; i++) {
        ks_won(money, sizeof(money), presets[i]);
        snprintf(line, sizeof(line), "%d) %s", i + 1, money);
        wg_text(y + 5, cx, -1, line, WG_NORMAL);
        cx += tx_width(line) + 3;
    }
    if (w->custom)
        wg_input_draw(y + 6, x + 2, wd - 2, tx(T_WALLET_CUSTOM), &w->in, true);
    else {
        snprintf(line, sizeof(line), "c) %s", tx(T_H_CUSTOM));
        wg_text(y + 6, x + 2, wd - 2, line, WG_DIM);
    }
    if (w->charging)
        wg_text(y + 7, x + 2, wd - 2, tx(T_WORKING), WG_DIM);
    draw_history(w, y + 9, x, wd, r->h - 10);
}

const app_screen_ops ks_wallet_ops = {
    .name = "wallet",
    .enter = wallet_enter,
    .keys = wallet_keys_fn,
    .key = wallet_key,
    .reply = wallet_reply,
    .resync = wallet_resync,
    .draw = wallet_draw,
    .free = free,
    .about = T_AB_WALLET,
};
