/* tui/kiosk/screen_dates.c -- bookable dates with live free/held/sold counts
 * (dates.list, then `sales` events). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"
#include "tui/ui/list.h"
#include "tui/ui/widgets.h"

#define DATES_MAX 64

enum { TAG_LIST = 1, TAG_TURN };

typedef struct {
    ks_date_row rows[DATES_MAX];
    ls_list list;
    bool loaded, busy;
    int pending; /* Enter pressed before the first list, or 0 */
} dates_st;

void *ks_dates_new(void) { return calloc(1, sizeof(dates_st)); }

static void fetch(app *a, dates_st *d)
{
    if (d->busy)
        return;
    d->busy = true;
    app_call(a, d, "dates.list", ks_token_params(a), TAG_LIST);
}

static void dates_enter(app *a, void *st)
{
    app_subscribe(a, "sales");
    fetch(a, st);
    if (ks(a)->turn_deadline_ms == 0 && ks(a)->nholds == 0)
        ks_turn_ask(a, st, TAG_TURN); /* back from seats after a release: the window restarted */
}

static void dates_tick(app *a, void *st, int64_t now)
{
    if (app_top_state(a) == st) /* covered, the screen on top decides */
        ks_turn_tick(a, st, TAG_TURN, now);
}

static int act_open(app *a, void *st, int key);

static void dates_reply(app *a, void *st, int tag, const app_reply *r)
{
    dates_st *d = st;
    if (tag == TAG_TURN) {
        ks_turn_reply(a, r);
        return;
    }
    d->busy = false;
    if (r->err) {
        ks_reply_error(a, r);
        return;
    }
    int n = ks_parse_dates(r->result, d->rows, DATES_MAX);
    ls_set_count(&d->list, n); /* a cursor moved ahead of the list is clamped now */
    d->loaded = true;
    int k = d->pending;
    d->pending = 0;
    if (k)
        act_open(a, d, k); /* pressed while loading: now there is a list to act on */
}

static void dates_event(app *a, void *st, const char *topic, const cJSON *body)
{
    dates_st *d = st;
    int64_t id = 0;
    ks_date_row counts = {0};
    if (strcmp(topic, "sales") != 0 || !ks_parse_sales(body, &id, &counts))
        return;
    for (int i = 0; i < d->list.n; i++)
        if (d->rows[i].date_id == id) {
            ks_parse_sales(body, &id, &d->rows[i]);
            return;
        }
    if (d->loaded) /* a date the list does not have: new (its first event), so ask */
        fetch(a, d);
}

static void dates_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0) {
        fetch(a, st);
        ks_turn_ask(a, st, TAG_TURN);
    }
}

static int act_open(app *a, void *st, int key)
{
    dates_st *d = st;
    if (!d->loaded) { /* one Enter waits for the list, so nothing typed ahead is lost */
        d->pending = key;
        app_flash(a, tx(T_LOADING));
        return APP_DONE;
    }
    if (d->list.n == 0)
        return APP_DONE;
    const ks_date_row *row = &d->rows[d->list.sel];
    ks_choose_date(ks(a), row->date_id, row->title, row->venue, row->starts_at, row->tz);
    ks_go_seats(a, row->date_id);
    return APP_DONE;
}

static int act_move(app *a, void *st, int key)
{
    dates_st *d = st;
    int delta = key == KEY_DOWN || key == 'j' ? 1 : -1;
    if (d->loaded)
        ls_move(&d->list, delta);
    else if (d->list.sel + delta >= 0) /* before the list: counted, clamped when it comes */
        d->list.sel += delta;
    return APP_DONE;
}

static int act_refresh(app *a, void *st, int key)
{
    fetch(a, st);
    return APP_DONE;
}

static const km_binding dates_keys[] = {
    {{KEY_UP, KEY_DOWN}, act_move, "↑↓", T_H_MOVE, KM_BAR, 0},
    {{'\n', '\r', KEY_ENTER}, act_open, "Enter", T_H_SELECT, KM_BAR, 0},
    KS_KEYS_GO,
    KS_KEYS_LEAVE,
    {{'j', 'k'}, act_move, "j k", T_H_MOVE, KM_HELP, 0},
    /* not on the bar (full at 80 columns): the list is live, r is rarely needed */
    {{'r'}, act_refresh, "r", T_H_REFRESH, KM_HELP, T_HK_DATES_REFRESH},
};

KM_TABLE_FN(dates_keys_fn, dates_keys)

typedef struct {
    const dates_st *d;
    int x, titw, venw, whenw, cw;
} dates_cols;

static void draw_row(void *ctx, int i, int ry, bool sel)
{
    const dates_cols *c = ctx;
    const ks_date_row *row = &c->d->rows[i];
    char when[40], num[3][24];
    int x = c->x;
    ks_when(when, sizeof(when), row->starts_at, row->tz);
    snprintf(num[0], sizeof(num[0]), "%5lld", (long long)row->free);
    snprintf(num[1], sizeof(num[1]), "%5lld", (long long)row->held);
    snprintf(num[2], sizeof(num[2]), "%5lld", (long long)row->sold);
    wg_style st2 = sel ? WG_CURSOR : WG_NORMAL;
    wg_text(ry, x, 1, sel ? ">" : " ", WG_HEAD);
    wg_cell(ry, x + 1, c->titw, row->title, st2);
    wg_text(ry, x + 1 + c->titw, c->whenw, when, st2);
    wg_cell(ry, x + 1 + c->titw + c->whenw, c->venw, row->venue, st2);
    for (int k = 0; k < 3; k++)
        wg_text(ry, x + 1 + c->titw + c->whenw + c->venw + k * c->cw, c->cw, num[k], st2);
}

static void dates_draw(app *a, void *st, const wg_rect *r)
{
    dates_st *d = st;
    int x = r->x + 2, w = r->w - 4;
    int cw = 6, whenw = 21, titw, venw, /* whenw: "2026-12-21 19:00 KST " */ needt = tx_width(tx(T_COL_CONCERT)) + 1,
        needv = tx_width(tx(T_COL_VENUE)) + 1;
    for (int i = 0; i < d->list.n; i++) {
        int tw = tx_width(d->rows[i].title) + 1, vw = tx_width(d->rows[i].venue) + 1;
        needt = tw > needt ? tw : needt;
        needv = vw > needv ? vw : needv;
    }
    /* Title and venue share what the date and the counts leave. */
    wg_split2(w - whenw - 3 * cw - 1, needt, needv, 12, &titw, &venw);
    wg_text(r->y, x, w, tx(T_DATES_TITLE), WG_HEAD);
    ks_turn_draw(ks(a), clock_mono_ms(), r->y, x + w / 2, w - w / 2);
    if (!d->loaded) {
        wg_text(r->y + 2, x, w, tx(T_WORKING), WG_DIM);
        return;
    }
    if (d->list.n == 0) {
        wg_text(r->y + 2, x, w, tx(T_DATES_NONE), WG_NORMAL);
        return;
    }
    int y = r->y + 2;
    wg_cell(y, x + 1, titw, tx(T_COL_CONCERT), WG_DIM);
    wg_text(y, x + 1 + titw, whenw, tx(T_COL_DATE), WG_DIM);
    wg_cell(y, x + 1 + titw + whenw, venw, tx(T_COL_VENUE), WG_DIM);
    static const tx_id cols[] = {T_COL_FREE, T_COL_HELD, T_COL_SOLD};
    for (int c = 0; c < 3; c++)
        wg_text(y, x + 1 + titw + whenw + venw + c * cw, cw, tx(cols[c]), WG_DIM);
    dates_cols c = {d, x, titw, venw, whenw, cw};
    ls_draw(&d->list, y + 1, r->h - 4, draw_row, &c);
}

const app_screen_ops ks_dates_ops = {
    .name = "dates",
    .enter = dates_enter,
    .keys = dates_keys_fn,
    .event = dates_event,
    .reply = dates_reply,
    .resync = dates_resync,
    .tick = dates_tick,
    .draw = dates_draw,
    .free = free,
    .about = T_AB_DATES,
};
