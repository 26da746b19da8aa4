/* tui/kiosk/screen_history.c -- the member's bookings (booking.list); Enter shows
 * one as a ticket with its QR code. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"
#include "tui/ui/list.h"
#include "tui/ui/widgets.h"

#define HISTORY_MAX 200

typedef struct {
    ks_ticket rows[HISTORY_MAX];
    ls_list list;
    bool loaded;
} history_st;

void *ks_history_new(void) { return calloc(1, sizeof(history_st)); }

/* Every time it is shown, uncovered included: a ticket looked at may have
 * been refunded meanwhile, and the list must not offer its QR again. The
 * rows stay on screen until the answer replaces them. */
static void history_enter(app *a, void *st)
{
    app_call(a, st, "booking.list", ks_user_params(a), 1);
}

static void history_reply(app *a, void *st, int tag, const app_reply *r)
{
    history_st *h = st;
    if (r->err) {
        if (!ks_common_error(a, r))
            app_flash(a, r->message);
        return;
    }
    int n = ks_parse_bookings(r->result, h->rows, HISTORY_MAX);
    ls_set_count(&h->list, n);
    h->loaded = true;
}

static void history_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0)
        history_enter(a, st);
}

static int act_move(app *a, void *st, int key)
{
    ls_move(&((history_st *)st)->list, key == KEY_UP || key == 'k' ? -1 : 1);
    return APP_DONE;
}

static int act_open(app *a, void *st, int key)
{
    history_st *h = st;
    if (h->list.n)
        ks_go_tickets(a, &h->rows[h->list.sel], 1, false);
    return APP_DONE;
}

static const km_binding history_keys[] = {
    {{KEY_UP, KEY_DOWN}, act_move, "↑↓", T_H_MOVE, KM_BAR, 0},
    {{'\n', '\r', KEY_ENTER}, act_open, "Enter", T_H_SELECT, KM_BAR, 0},
    {{27}, app_act_pop, "Esc", T_H_BACK, KM_BAR, 0},
    {{'j', 'k'}, act_move, "j k", T_H_MOVE, KM_HELP, 0},
    {{'q'}, app_act_pop, "q", T_H_BACK, KM_HELP, 0},
};

KM_TABLE_FN(history_keys_fn, history_keys)

typedef struct {
    const history_st *h;
    int x, titw;
} history_cols;

enum { H_CODE_W = 16, H_WHEN_W = 21, H_SEAT_W = 6, H_PRICE_W = 10, H_STATE_W = 10 };

static void draw_row(void *ctx, int i, int y, bool sel)
{
    const history_cols *c = ctx;
    const ks_ticket *t = &c->h->rows[i];
    char when[40], seat[16], price[32], pr[40];
    int x = c->x, cx = x + 1;
    wg_style st2 = sel ? WG_CURSOR : WG_NORMAL;
    ks_when(when, sizeof(when), t->starts_at, t->tz);
    char name[8];
    wg_seat_name(name, t->seat_no);
    snprintf(seat, sizeof(seat), "%5s", name);
    tx_money(price, sizeof(price), t->price);
    wg_text(y, x, 1, sel ? ">" : " ", WG_HEAD);
    wg_text(y, cx, H_CODE_W, t->code, st2);
    wg_cell(y, cx += H_CODE_W, c->titw, t->title, st2);
    wg_text(y, cx += c->titw, H_WHEN_W, when, st2);
    wg_text(y, cx += H_WHEN_W, H_SEAT_W, seat, st2);
    snprintf(pr, sizeof(pr), "%9s", price);
    wg_text(y, cx += H_SEAT_W, H_PRICE_W, pr, st2);
    wg_text(y, cx + H_PRICE_W, H_STATE_W, ks_booking_state(t->state),
            strcmp(t->state, "refunded") == 0 ? WG_DIM : st2);
}

static void history_draw(app *a, void *st, const wg_rect *r)
{
    history_st *h = st;
    int x = r->x + 2, w = r->w - 4;
    wg_text(r->y, x, w, tx(T_HISTORY_TITLE), WG_HEAD);
    if (!h->loaded) {
        wg_text(r->y + 2, x, w, tx(T_WORKING), WG_DIM);
        return;
    }
    if (h->list.n == 0) {
        wg_text(r->y + 2, x, w, tx(T_HISTORY_NONE), WG_NORMAL);
        return;
    }
    history_cols c = {h, x, w - 1 - H_CODE_W - H_WHEN_W - H_SEAT_W - H_PRICE_W - H_STATE_W};
    ls_draw(&h->list, r->y + 2, r->h - 3, draw_row, &c);
}

const app_screen_ops ks_history_ops = {
    .name = "history",
    .enter = history_enter,
    .keys = history_keys_fn,
    .reply = history_reply,
    .resync = history_resync,
    .draw = history_draw,
    .free = free,
    .about = T_AB_HISTORY,
};
