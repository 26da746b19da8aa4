/* tui/console/console_cashier.c -- the counter (issue 17): a cashier finds
 * the member in front of them (the member id typed or scanned from the
 * member QR, which encodes it; a name prefix or a ticket code through
 * admin.member.find), takes money and charges the wallet with how it was
 * paid (wallet.charge with the staff key and a method), and sees the
 * member's recent history. 's' is the end-of-shift summary and 'R' the
 * day's report (console_report.c). A cashier's console opens here; an
 * admin reaches it with '$' from the dashboard. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/console/console_int.h"
#include "tui/ui/list.h"
#include "tui/ui/widgets.h"

#define CASH_HISTORY 8
#define CASH_FOUND 20
#define CASH_MAX_CHARGE 1000000 /* the server's per-charge limit (tk_config) */

typedef struct {
    char user_id[40], name[80];
    int64_t balance;
} cash_member;

typedef struct {
    char at[24], kind[12], method[8], staff[40];
    int64_t amount, balance;
} cash_entry;

typedef struct {
    cash_member member;   /* user_id[0] == 0: nobody yet */
    bool balance_known;
    cash_entry hist[CASH_HISTORY];
    int nhist;
    cash_member found[CASH_FOUND]; /* admin.member.find's answer, to pick from */
    ls_list list;
    int64_t amount;        /* the charge being made: amount, then its method */
    char request_id[48];   /* kept until a definite answer (retries charge once) */
    bool charging;
} adm_cash;

void *adm_cash_new(void) { return calloc(1, sizeof(adm_cash)); }

/* ---- the member ---------------------------------------------------------- */

static cJSON *member_params(const adm_cash *c)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "user_id", c->member.user_id);
    return p;
}

static void member_refresh(app *a, adm_cash *c)
{
    if (!c->member.user_id[0])
        return;
    app_call(a, c, "wallet.balance", member_params(c), ADM_TAG_CASH_BALANCE);
    cJSON *p = member_params(c);
    jv_add_int(p, "limit", CASH_HISTORY);
    app_call(a, c, "wallet.history", p, ADM_TAG_CASH_HISTORY);
}

static void member_take(app *a, adm_cash *c, const cash_member *m)
{
    c->member = *m;
    c->balance_known = false;
    c->nhist = 0;
    ls_set_count(&c->list, 0);
    member_refresh(a, c);
}

/* A member id as typed or scanned: capitals and dashes do not matter. */
static const char *check_member_id(const char *text)
{
    uint8_t u[16];
    return uuid_parse_loose(text, u) ? NULL : tx(A_C_BAD_ID);
}

static void by_id(app *a, void *owner, const char *text)
{
    uint8_t u[16];
    cash_member m = {0};
    uuid_parse_loose(text, u);
    uuid_format(u, m.user_id);
    member_take(a, owner, &m);
}

static void find_send(app *a, adm_cash *c, const char *field, const char *text)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, field, text);
    app_call(a, c, "admin.member.find", p, ADM_TAG_CASH_FIND);
}

static const char *check_name(const char *text) { return NULL; } /* any prefix */

static void by_name(app *a, void *owner, const char *text) { find_send(a, owner, "name", text); }
static void by_code(app *a, void *owner, const char *text) { find_send(a, owner, "code", text); }

/* ---- the charge ---------------------------------------------------------- */

static const char *const cash_methods[] = {"cash", "card", "other"};

static void charge_send(app *a, void *owner, int64_t amount, int64_t method)
{
    adm_cash *c = owner;
    cJSON *p = member_params(c);
    jv_add_int(p, "amount", amount);
    cJSON_AddStringToObject(p, "method", cash_methods[method - 1]);
    if (!c->request_id[0]) {
        uint8_t u[16];
        uuid_v4(u);
        memcpy(c->request_id, "counter-", 8);
        uuid_format(u, c->request_id + 8);
    }
    cJSON_AddStringToObject(p, "request_id", c->request_id);
    c->amount = amount;
    c->charging = true;
    app_call(a, c, "wallet.charge", p, ADM_TAG_CASH_CHARGE);
}

static void ask_method(app *a, void *owner, int64_t ctx, int64_t amount)
{
    char q[200], money[32];
    tx_money(money, sizeof money, amount);
    snprintf(q, sizeof q, tx(A_C_METHOD_Q), money);
    adm_ask_number(a, owner, &adm_cash_ops, q, 1, 3, amount, charge_send);
}

static void charge_done(app *a, adm_cash *c, const app_reply *r)
{
    char money[32];
    c->charging = false;
    if (r->offline) { /* the client sends it again; the request_id keeps it once */
        adm_fail(a, "wallet.charge", r);
        return;
    }
    c->request_id[0] = '\0';
    if (r->err || !r->result) {
        adm_fail(a, "wallet.charge", r);
        return;
    }
    tx_money(money, sizeof money, c->amount);
    adm_ok(a, tx(A_C_CHARGED), money, c->member.name[0] ? c->member.name : c->member.user_id);
    member_refresh(a, c);
}

/* ---- replies ------------------------------------------------------------- */

static void read_found(app *a, adm_cash *c, const cJSON *res)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(res, "members"), *it;
    int n = 0;
    cJSON_ArrayForEach(it, arr) {
        if (n == CASH_FOUND)
            break;
        cash_member *m = &c->found[n];
        adm_str(it, "user_id", m->user_id, sizeof m->user_id);
        adm_str(it, "name", m->name, sizeof m->name);
        jv_get_int(it, "balance", 0, JV_INT_MAX, &m->balance);
        n++;
    }
    if (n == 1) { /* the one: straight to them */
        member_take(a, c, &c->found[0]);
        return;
    }
    ls_set_count(&c->list, n);
    if (n == 0)
        adm_bad(a, "%s", tx(A_C_NONE));
}

static void read_history(adm_cash *c, const cJSON *res)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(res, "entries"), *it;
    c->nhist = 0;
    cJSON_ArrayForEach(it, arr) {
        if (c->nhist == CASH_HISTORY)
            break;
        cash_entry *e = &c->hist[c->nhist++];
        adm_str(it, "at", e->at, sizeof e->at);
        adm_str(it, "kind", e->kind, sizeof e->kind);
        adm_str(it, "method", e->method, sizeof e->method);
        adm_str(it, "staff", e->staff, sizeof e->staff);
        jv_get_int(it, "amount", -JV_INT_MAX, JV_INT_MAX, &e->amount);
        jv_get_int(it, "balance", 0, JV_INT_MAX, &e->balance);
    }
}

static void cash_reply(app *a, void *st, int tag, const app_reply *r)
{
    adm_cash *c = st;
    if (tag == ADM_TAG_CASH_CHARGE) {
        charge_done(a, c, r);
        return;
    }
    if (r->err || !r->result) {
        adm_fail(a, tag == ADM_TAG_CASH_FIND ? "admin.member.find" : "wallet", r);
        if (r->err == TK_USER_NOT_FOUND)
            c->member.user_id[0] = '\0';
        return;
    }
    if (tag == ADM_TAG_CASH_FIND)
        read_found(a, c, r->result);
    else if (tag == ADM_TAG_CASH_HISTORY)
        read_history(c, r->result);
    else if (jv_get_int(r->result, "balance", 0, JV_INT_MAX, &c->member.balance) == JV_OK)
        c->balance_known = true;
}

static void cash_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0)
        member_refresh(a, st);
}

/* ---- keys ---------------------------------------------------------------- */

static int act_id(app *a, void *st, int key)
{
    adm_ask_text(a, st, &adm_cash_ops, tx(A_C_ID_Q), check_member_id, by_id);
    return APP_DONE;
}

static int act_name(app *a, void *st, int key)
{
    adm_ask_text(a, st, &adm_cash_ops, tx(A_C_NAME_Q), check_name, by_name);
    return APP_DONE;
}

static int act_code(app *a, void *st, int key)
{
    adm_ask_code(a, st, &adm_cash_ops, tx(A_B_CODE), by_code);
    return APP_DONE;
}

static int act_charge(app *a, void *st, int key)
{
    adm_cash *c = st;
    if (!c->member.user_id[0])
        adm_bad(a, "%s", tx(A_C_NOBODY));
    else if (!c->charging)
        adm_ask_number(a, st, &adm_cash_ops, tx(A_C_AMOUNT_Q), 1, CASH_MAX_CHARGE, 0, ask_method);
    return APP_DONE;
}

static int act_move(app *a, void *st, int key)
{
    ls_move(&((adm_cash *)st)->list, key == KEY_UP || key == 'k' ? -1 : 1);
    return APP_DONE;
}

static int act_pick(app *a, void *st, int key)
{
    adm_cash *c = st;
    if (c->list.n > 0 && c->list.sel < c->list.n)
        member_take(a, c, &c->found[c->list.sel]);
    return APP_DONE;
}

static int act_shift(app *a, void *st, int key)
{
    app_push(a, &adm_report_ops, adm_report_new(true));
    return APP_DONE;
}

static int act_report(app *a, void *st, int key)
{
    app_push(a, &adm_report_ops, adm_report_new(false));
    return APP_DONE;
}

/* Back to the dashboard for an admin; a cashier's console ends here. */
static int act_back(app *a, void *st, int key)
{
    if (adm_role_allows(a, ADM_ROLE_ADMIN))
        app_pop(a);
    else
        app_quit(a);
    return APP_DONE;
}

static const km_binding cash_keys[] = {
    {{'i'}, act_id, "i", A_H_C_ID, KM_BAR, A_HK_C_ID},
    {{'f'}, act_name, "f", A_H_C_NAME, KM_BAR, 0},
    {{'t'}, act_code, "t", A_H_C_CODE, KM_HELP, 0},
    {{'c'}, act_charge, "c", A_H_C_CHARGE, KM_BAR, A_HK_C_CHARGE},
    {{KEY_UP, KEY_DOWN}, act_move, "\u2191\u2193", T_H_MOVE, KM_HELP, 0},
    {{'j', 'k'}, act_move, "j k", T_H_MOVE, KM_HELP, 0},
    {{ADM_KEY_ENTER, '\n', KEY_ENTER}, act_pick, "Enter", T_H_SELECT, KM_HELP, 0},
    {{'s'}, act_shift, "s", A_H_C_SHIFT, KM_BAR, A_HK_C_SHIFT},
    {{'R'}, act_report, "R", A_H_REPORT, KM_BAR, 0},
    {{ADM_KEY_ESC, 'q'}, act_back, "Esc q", T_H_BACK, KM_BAR, 0},
    ADM_KEY_LANG_ROW(KM_HELP),
};

KM_TABLE_FN(cash_keys_fn, cash_keys)

/* ---- drawing ------------------------------------------------------------- */

typedef struct {
    const adm_cash *c;
    int x, w;
} cash_rows;

static void draw_found(void *ctx, int i, int y, bool sel)
{
    const cash_rows *cr = ctx;
    const cash_member *m = &cr->c->found[i];
    char line[200], money[32];
    tx_money(money, sizeof money, m->balance);
    snprintf(line, sizeof line, "%-30.30s %12s  %.8s...", m->name, money, m->user_id);
    wg_text(y, cr->x, cr->w, line, sel ? WG_CURSOR : WG_NORMAL);
}

static void draw_history(const adm_cash *c, int y, int x, int w)
{
    char line[200], amt[32], bal[32], how[64];
    wg_text(y++, x, w, tx(A_C_HISTORY), WG_HEAD);
    for (int i = 0; i < c->nhist; i++) {
        const cash_entry *e = &c->hist[i];
        tx_money(amt, sizeof amt, e->amount);
        tx_money(bal, sizeof bal, e->balance);
        snprintf(how, sizeof how, "%s%s%s", e->method, e->staff[0] ? " " : "", e->staff);
        snprintf(line, sizeof line, "%-20.20s %-8.8s %12s %12s  %s", e->at, e->kind, amt, bal,
                 how);
        wg_text(y++, x, w, line, e->amount < 0 ? WG_NORMAL : WG_GOOD);
    }
}

static void cash_draw(app *a, void *st, const wg_rect *r)
{
    adm_cash *c = st;
    int x = r->x + 1, w = r->w - 2, y = r->y;
    char line[240], money[32];
    wg_text(y++, x, w, tx(A_C_TITLE), WG_HEAD);
    y++;
    if (c->list.n > 0) {
        wg_text(y++, x, w, tx(A_C_PICK), WG_DIM);
        cash_rows cr = {c, x, w};
        ls_draw(&c->list, y, 6, draw_found, &cr);
        y += 7;
    }
    if (!c->member.user_id[0]) {
        wg_text(y, x, w, tx(A_C_NOBODY), WG_DIM);
        return;
    }
    if (c->balance_known)
        tx_money(money, sizeof money, c->member.balance);
    else
        snprintf(money, sizeof money, "...");
    snprintf(line, sizeof line, tx(A_C_MEMBER), c->member.name[0] ? c->member.name : "-",
             c->member.user_id, money);
    wg_text(y++, x, w, line, WG_GOOD);
    if (c->charging)
        wg_text(y, x, w, tx(T_WORKING), WG_DIM);
    draw_history(c, y + 1, x, w);
}

const app_screen_ops adm_cash_ops = {
    .name = "admin-cashier",
    .enter = NULL,
    .keys = cash_keys_fn,
    .reply = cash_reply,
    .resync = cash_resync,
    .draw = cash_draw,
    .free = free,
    .about = A_AB_CASH,
};
