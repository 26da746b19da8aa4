/* tui/kiosk/screen_welcome.c -- member id entry (typed, or scanned: a scanner
 * types it and presses Enter), or register by name and show the new member
 * id to keep, with a QR code of it when the terminal has room. */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"
#include "tui/ui/widgets.h"

enum { W_LOGIN, W_REGISTER, W_SHOW_ID };
enum { TAG_LOGIN = 1, TAG_REGISTER };

typedef struct {
    int mode;
    wg_input in;
    bool busy;
    char user_id[40], name[96]; /* asked about; the session's once answered */
} welcome_st;

void *ks_welcome_new(void) { return calloc(1, sizeof(welcome_st)); }

static void submit(app *a, welcome_st *w)
{
    if (w->busy)
        return;
    if (w->mode == W_SHOW_ID) {
        ks_go_queue(a);
        return;
    }
    if (w->mode == W_LOGIN) {
        uint8_t u[16];
        if (!uuid_parse_loose(w->in.buf, u)) {
            app_flash(a, tx(T_BAD_MEMBER_ID));
            return;
        }
        uuid_format(u, w->user_id); /* the wire's form, whatever was typed */
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "user_id", w->user_id);
        w->busy = true;
        app_call(a, w, "wallet.balance", p, TAG_LOGIN);
        return;
    }
    /* names are trimmed; an all-blank name is no name */
    char *t = w->in.buf;
    while (*t == ' ')
        t++;
    if (!*t) {
        app_flash(a, tx(T_NAME_EMPTY));
        return;
    }
    snprintf(w->name, sizeof(w->name), "%.*s", (int)sizeof(w->name) - 1, t); /* the field is longer */
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", w->name);
    w->busy = true;
    app_call(a, w, "user.register", p, TAG_REGISTER);
}

static int act_submit(app *a, void *st, int key)
{
    submit(a, st);
    return APP_DONE;
}

static int act_switch(app *a, void *st, int key)
{
    welcome_st *w = st;
    w->mode = w->mode == W_LOGIN ? W_REGISTER : W_LOGIN;
    wg_input_clear(&w->in);
    return APP_DONE;
}

static int act_clear(app *a, void *st, int key)
{
    wg_input_clear(&((welcome_st *)st)->in);
    return APP_DONE;
}

#define WELCOME_ENTER {{'\n', '\r', KEY_ENTER}, act_submit, "Enter", T_H_SELECT, KM_BAR, 0}
#define WELCOME_CLEAR {{27}, act_clear, "Esc", T_H_CLEAR, KM_HELP, 0}
static const km_binding login_keys[] = {
    WELCOME_ENTER, {{'\t'}, act_switch, "Tab", T_H_REGISTER, KM_BAR, 0}, WELCOME_CLEAR};
static const km_binding register_keys[] = {
    WELCOME_ENTER, {{'\t'}, act_switch, "Tab", T_H_LOGIN, KM_BAR, 0}, WELCOME_CLEAR};
static const km_binding show_keys[] = {WELCOME_ENTER};

static int welcome_keys_fn(void *st, const km_binding **out)
{
    switch (((welcome_st *)st)->mode) {
    case W_LOGIN:
        *out = login_keys;
        return (int)(sizeof login_keys / sizeof *login_keys);
    case W_REGISTER:
        *out = register_keys;
        return (int)(sizeof register_keys / sizeof *register_keys);
    default:
        *out = show_keys;
        return 1;
    }
}

/* What no row has goes to the field: a member id's characters, or a name's. */
static int welcome_key(app *a, void *st, int key)
{
    welcome_st *w = st;
    if (w->mode == W_SHOW_ID)
        return APP_PASS;
    if (w->mode == W_LOGIN)
        return wg_input_key(&w->in, key, 36, "0123456789abcdefABCDEF-") && key != '?' ? APP_DONE : APP_PASS;
    /* '?' opens the help here too, as on every screen: it is hardly ever
     * part of a name, and a kiosk's customer never learns of F1 */
    return key != '?' && wg_input_key(&w->in, key, KS_NAME_MAX, NULL) ? APP_DONE : APP_PASS;
}

static void welcome_reply(app *a, void *st, int tag, const app_reply *r)
{
    welcome_st *w = st;
    ks_session *s = ks(a);
    w->busy = false;
    if (r->offline) {
        app_flash(a, tx(T_ERR_OFFLINE));
        return;
    }
    if (r->err == TK_USER_NOT_FOUND || (tag == TAG_LOGIN && r->err == TK_INVALID_PARAMS)) {
        app_flash(a, tx(T_USER_NOT_FOUND));
        return;
    }
    if (r->err) {
        char m[256];
        snprintf(m, sizeof(m), tx(T_ERR_OTHER), tk_err_reason(r->err));
        app_flash(a, m);
        return;
    }
    if (tag == TAG_LOGIN) {
        int64_t bal = 0;
        ks_login(s, w->user_id, "");
        if (ks_parse_balance(r->result, &bal))
            ks_balance_note(s, bal);
        ks_go_queue(a);
    } else {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(r->result, "user_id");
        ks_login(s, cJSON_IsString(id) ? id->valuestring : "", w->name);
        w->mode = W_SHOW_ID;
    }
}

/* The new member id, and beside it a QR code of it when it fits (upper
 * case: a smaller code, and a UUID reads the same in either case). */
static void draw_new_id(app *a, const wg_rect *r)
{
    const char *id = ks(a)->user_id;
    char up[UUID_STR_LEN];
    size_t n = 0;
    for (; id[n] && n < sizeof up - 1; n++)
        up[n] = (char)toupper((unsigned char)id[n]);
    up[n] = '\0';
    int rows = 0, cols = 0;
    char **qr = wg_qr_lines(up, tx_utf8(), &rows, &cols);
    int bw = r->w - 4 < 78 ? r->w - 4 : 78;
    bool side = qr && rows + 2 <= r->h && bw >= cols + (int)strlen(id) + 8;
    int bh = side ? rows + 2 : 12, tw = side ? bw - cols - 6 : bw - 6;
    int y = r->y + (r->h - bh) / 2, x = r->x + (r->w - bw) / 2;
    wg_box(y, x, bh, bw, tx(T_WELCOME_TITLE));
    int ty = y + (bh - 10) / 2;
    char hello[160];
    snprintf(hello, sizeof(hello), tx(T_HELLO), ks(a)->name);
    wg_text(ty + 1, x + 3, tw, hello, WG_HEAD);
    wg_text(ty + 3, x + 3, tw, tx(T_WELCOME_NEW_ID), WG_NORMAL);
    wg_text(ty + 4, x + 3, tw, id, WG_GOOD);
    wg_text(ty + 5, x + 3, tw, tx(T_WELCOME_KEEP), WG_NORMAL);
    if (side)
        wg_text(ty + 6, x + 3, tw, tx(T_WELCOME_SCAN), WG_DIM);
    wg_text(ty + 8, x + 3, tw, tx(T_WELCOME_CONTINUE), WG_DIM);
    for (int i = 0; side && i < rows; i++)
        mvaddstr(y + 1 + i, x + bw - cols - 2, qr[i]);
    wg_qr_free(qr);
}

static void welcome_draw(app *a, void *st, const wg_rect *r)
{
    welcome_st *w = st;
    if (w->mode == W_SHOW_ID) {
        draw_new_id(a, r);
        return;
    }
    int bw = r->w - 4 < 70 ? r->w - 4 : 70, bh = 11;
    int y = r->y + (r->h - bh) / 2, x = r->x + (r->w - bw) / 2;
    wg_box(y, x, bh, bw, tx(T_WELCOME_TITLE));
    bool login = w->mode == W_LOGIN;
    wg_text(y + 2, x + 3, bw - 6, tx(login ? T_WELCOME_LOGIN : T_WELCOME_REG), WG_NORMAL);
    wg_input_draw(y + 4, x + 3, bw - 6, tx(login ? T_WELCOME_MEMBER : T_WELCOME_NAME), &w->in, true);
    if (w->busy)
        wg_text(y + 6, x + 3, bw - 6, tx(T_WORKING), WG_DIM);
    wg_text(y + 8, x + 3, bw - 6, tx(T_WELCOME_SWITCH), WG_DIM);
}

const app_screen_ops ks_welcome_ops = {
    .name = "welcome",
    .keys = welcome_keys_fn,
    .key = welcome_key,
    .reply = welcome_reply,
    .draw = welcome_draw,
    .free = free,
    .about = T_AB_WELCOME,
};
