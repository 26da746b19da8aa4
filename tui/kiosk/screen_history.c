/* tui/kiosk/screen_history.c -- the member's bookings (booking.list); Enter shows
 * one as a ticket with its QR code. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "tui/kiosk/kiosk.h"
#include "tui/ui/widgets.h"

#define HISTORY_MAX 200

typedef struct {
    ks_ticket rows[HISTORY_MAX];
    int n, cursor, top;
    bool loaded;
} history_st;

void *ks_history_new(void) { return calloc(1, sizeof(history_st)); }

static void history_enter(app *a, void *st)
{
    if (!((history_st *)st)->loaded)
        app_call(a, st, "booking.list", ks_user_params(a), 1);
}

static void history_reply(app *a, void *st, int tag, const app_reply *r)
{
    history_st *h = st;
    const cJSON *o;
    if (r->err) {
        if (!ks_common_error(a, r))
            app_flash(a, r->message);
        return;
    }
    h->n = 0;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(r->result, "bookings"))
    {
        if (h->n == HISTORY_MAX)
            break;
        ks_ticket *t = &h->rows[h->n++];
        int64_t seat = 0;
        jv_get_int(o, "booking_id", 0, JV_INT_MAX, &t->booking_id);
        jv_get_int(o, "seat_no", 0, 50, &seat);
        jv_get_int(o, "price", 0, JV_INT_MAX, &t->price);
        t->seat_no = (int)seat;
        ks_copy_str(t->code, sizeof(t->code), o, "code");
        ks_copy_str(t->title, sizeof(t->title), o, "title");
        ks_copy_str(t->venue, sizeof(t->venue), o, "venue"); /* "" from an older server */
        ks_copy_str(t->starts_at, sizeof(t->starts_at), o, "starts_at");
        ks_copy_str(t->state, sizeof(t->state), o, "state");
    }
    h->loaded = true;
}

static void history_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0) {
        ((history_st *)st)->loaded = false;
        history_enter(a, st);
    }
}

static int history_key(app *a, void *st, int key)
{
    history_st *h = st;
    switch (key) {
    case KEY_UP: case 'k':
        if (h->cursor > 0)
            h->cursor--;
        return APP_DONE;
    case KEY_DOWN: case 'j':
        if (h->cursor + 1 < h->n)
            h->cursor++;
        return APP_DONE;
    case '\n': case '\r': case KEY_ENTER:
        if (h->n)
            app_push(a, &ks_ticket_ops, ks_ticket_new(&h->rows[h->cursor], 1));
        return APP_DONE;
    case 27: case 'q':
        app_pop(a);
        return APP_DONE;
    }
    return APP_PASS;
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
    if (h->n == 0) {
        wg_text(r->y + 2, x, w, tx(T_HISTORY_NONE), WG_NORMAL);
        return;
    }
    int rows = r->h - 3, codew = 16, whenw = 17, seatw = 5, pricew = 10, statew = 10;
    int titw = w - 1 - codew - whenw - seatw - pricew - statew;
    if (h->cursor < h->top)
        h->top = h->cursor;
    if (h->cursor >= h->top + rows)
        h->top = h->cursor - rows + 1;
    for (int i = h->top; i < h->n && i - h->top < rows; i++) {
        const ks_ticket *t = &h->rows[i];
        char when[40], seat[16], price[32];
        int y = r->y + 2 + i - h->top, cx = x + 1;
        wg_style st2 = i == h->cursor ? WG_CURSOR : WG_NORMAL;
        ks_when(when, sizeof(when), t->starts_at);
        snprintf(seat, sizeof(seat), "%4d", t->seat_no);
        tx_money(price, sizeof(price), t->price);
        wg_text(y, x, 1, i == h->cursor ? ">" : " ", WG_HEAD);
        wg_text(y, cx, codew, t->code, st2);
        wg_cell(y, cx += codew, titw, t->title, st2);
        wg_text(y, cx += titw, whenw, when, st2);
        wg_text(y, cx += whenw, seatw, seat, st2);
        char pr[40];
        snprintf(pr, sizeof(pr), "%9s", price);
        wg_text(y, cx += seatw, pricew, pr, st2);
        wg_text(y, cx + pricew, statew, ks_booking_state(t->state),
                strcmp(t->state, "refunded") == 0 ? WG_DIM : st2);
    }
}

static int history_hints(void *st, const wg_hint **out)
{
    static const wg_hint h[] = {{"↑↓", T_H_MOVE}, {"Enter", T_H_SELECT}, {"Esc", T_H_BACK}};
    *out = h;
    return 3;
}

const app_screen_ops ks_history_ops = {
    .name = "history",
    .enter = history_enter,
    .key = history_key,
    .reply = history_reply,
    .resync = history_resync,
    .draw = history_draw,
    .hints = history_hints,
    .free = free,
};
