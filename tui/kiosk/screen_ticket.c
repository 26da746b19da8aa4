/* tui/kiosk/screen_ticket.c -- the ticket: booking code, concert, date, seat,
 * price and a QR code of the booking code. Several tickets page with
 * arrows. Shown after a payment (alone on the stack: Enter ends the
 * session) or from the history (Enter goes back).
 *
 * A refunded ticket never shows its QR, also when the box office refunds
 * it while it is on screen: each `sales` event of a shown ticket's date
 * asks booking.list again (one call in flight; an event during it asks
 * once more after it, since the answer may predate the refund), and the
 * answer updates the tickets' states. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"
#include "tui/ui/widgets.h"

#define TICKET_LIST_MAX 200 /* booking.list rows read to find the shown ones */

typedef struct {
    ks_ticket t[KS_MAX_TICKETS];
    int n, idx;
    bool asking, again; /* booking.list in flight; an event came during it */
} ticket_st;

void *ks_ticket_new(const ks_ticket *tickets, int n)
{
    ticket_st *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->n = n < 0 ? 0 : n > KS_MAX_TICKETS ? KS_MAX_TICKETS : n;
    if (s->n)
        memcpy(s->t, tickets, (size_t)s->n * sizeof(*tickets));
    return s;
}

/* ---- the tickets' states, kept current ---------------------------------- */

static void ticket_refresh(app *a, ticket_st *s)
{
    if (s->asking) {
        s->again = true;
        return;
    }
    if (!ks(a)->user_id[0])
        return; /* logged out: nobody to ask for */
    s->asking = true;
    s->again = false;
    app_call(a, s, "booking.list", ks_user_params(a), 1);
}

static void ticket_enter(app *a, void *st)
{
    app_subscribe(a, "sales"); /* as the dates screen: kept for the session */
    ticket_refresh(a, st);
}

static void ticket_event(app *a, void *st, const char *topic, const cJSON *body)
{
    ticket_st *s = st;
    int64_t date = 0;
    if (strcmp(topic, "sales") || jv_get_int(body, "date_id", 1, JV_INT_MAX, &date) != JV_OK)
        return;
    for (int i = 0; i < s->n; i++)
        if (s->t[i].date_id == date && strcmp(s->t[i].state, "refunded")) {
            ticket_refresh(a, s);
            return;
        }
}

static void ticket_reply(app *a, void *st, int tag, const app_reply *r)
{
    ticket_st *s = st;
    s->asking = false;
    ks_ticket *rows = r->err ? NULL : malloc(TICKET_LIST_MAX * sizeof *rows);
    int n = rows ? ks_parse_bookings(r->result, rows, TICKET_LIST_MAX) : 0;
    for (int i = 0; i < s->n; i++)
        for (int k = 0; k < n; k++)
            if (!strcmp(rows[k].code, s->t[i].code))
                snprintf(s->t[i].state, sizeof s->t[i].state, "%s", rows[k].state);
    free(rows);
    if (s->again)
        ticket_refresh(a, s);
}

static void ticket_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0)
        ticket_refresh(a, st);
}

static int act_page(app *a, void *st, int key)
{
    ticket_st *s = st;
    bool back = key == KEY_LEFT || key == 'h';
    if (s->n)
        s->idx = (s->idx + (back ? s->n - 1 : 1)) % s->n;
    return APP_DONE;
}

static int act_history(app *a, void *st, int key)
{
    ks_go_history(a);
    return APP_DONE;
}

static int act_done(app *a, void *st, int key)
{
    if (app_depth(a) > 1)
        app_pop(a);
    else
        ks_logout(a, T_COUNT); /* the purchase is done: next customer */
    return APP_DONE;
}

bool ks_ticket_scannable(const void *st)
{
    const ticket_st *s = st;
    return s->n > 0 && strcmp(s->t[s->idx].state, "refunded") != 0;
}

/* Paging is shown only when there is more than one ticket. */
#define TICKET_PAGING(show)                                                                  \
    {{KEY_LEFT, KEY_RIGHT}, act_page, "←→", T_H_NEXT, show, 0},                                \
    {{'h', 'l', 'n', '\t'}, act_page, "h l n Tab", T_H_NEXT, (show) == KM_BAR ? KM_HELP : show, 0}
#define TICKET_REST                                                                          \
    {{'b'}, act_history, "b", T_H_HISTORY, KM_BAR, 0},                                        \
    {{'\n', '\r', KEY_ENTER}, act_done, "Enter", T_H_DONE, KM_BAR, 0},                        \
    {{27}, act_done, "Esc", T_H_DONE, KM_HELP, 0},                                            \
    {{'q'}, act_done, "q", T_H_DONE, KM_HELP, 0}
static const km_binding ticket_keys_many[] = {TICKET_PAGING(KM_BAR), TICKET_REST};
static const km_binding ticket_keys_one[] = {TICKET_PAGING(KM_HIDDEN), TICKET_REST};

static int ticket_keys_fn(void *st, const km_binding **out)
{
    *out = ((ticket_st *)st)->n > 1 ? ticket_keys_many : ticket_keys_one;
    return (int)(sizeof ticket_keys_many / sizeof *ticket_keys_many);
}

static void field(int y, int x, int w, tx_id label, const char *value, wg_style st)
{
    wg_text(y, x, 16, tx(label), WG_DIM);
    wg_text(y, x + 16, w - 16, value, st);
}

static void ticket_draw(app *a, void *st, const wg_rect *r)
{
    ticket_st *s = st;
    char line[256];
    int x = r->x + 2, y = r->y;
    snprintf(line, sizeof(line), tx(T_TK_COUNT), s->n ? s->idx + 1 : 0, s->n);
    wg_text(y, x, r->w - 4, tx(T_TICKET_TITLE), WG_HEAD);
    if (s->n > 1)
        wg_text(y, r->x + r->w - 2 - tx_width(line), tx_width(line), line, WG_DIM);
    if (!s->n)
        return;
    const ks_ticket *t = &s->t[s->idx];
    bool void_ = !ks_ticket_scannable(s); /* no code to scan at the door */
    int rows = 0, cols = 0;
    char **qr = void_ ? NULL : wg_qr_lines(t->code, tx_utf8(), &rows, &cols);
    int qx = r->x + r->w - cols - 2, dw = (qr ? qx : r->x + r->w) - x - 2;
    if (qr && rows <= r->h - 1 && qx > x + 30)
        for (int i = 0; i < rows; i++)
            mvaddstr(r->y + 1 + i, qx, qr[i]);
    else
        dw = r->w - 4;
    wg_qr_free(qr);
    char when[40], money[48], seat[16];
    ks_when(when, sizeof(when), t->starts_at, t->tz);
    ks_won(money, sizeof(money), t->price);
    wg_seat_name(seat, t->seat_no);
    y += 2;
    field(y, x, dw, T_TK_CODE, t->code, void_ ? WG_DIM : WG_GOOD);
    field(y += 2, x, dw, T_TK_CONCERT, t->title, WG_HEAD);
    field(++y, x, dw, T_TK_DATE, when, WG_NORMAL);
    if (t->venue[0]) /* where to go; "" only from a server before venue */
        field(++y, x, dw, T_TK_VENUE, t->venue, WG_NORMAL);
    field(++y, x, dw, T_TK_SEAT, seat, WG_HEAD);
    field(++y, x, dw, T_TK_PRICE, money, WG_NORMAL);
    if (t->state[0])
        wg_text(y + 1, x + 16, dw - 16, ks_booking_state(t->state), void_ ? WG_BAD : WG_DIM);
    wg_text(y + 3, x, dw, tx(void_ ? T_TK_VOID : T_TK_THANKS), void_ ? WG_BAD : WG_NORMAL);
}

const app_screen_ops ks_ticket_ops = {
    .name = "ticket",
    .enter = ticket_enter,
    .keys = ticket_keys_fn,
    .event = ticket_event,
    .reply = ticket_reply,
    .resync = ticket_resync,
    .draw = ticket_draw,
    .free = free,
    .about = T_AB_TICKET,
};
