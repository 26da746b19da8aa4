/* tui/kiosk/screen_dates.c -- bookable dates with live free/held/sold counts
 * (dates.list, then `sales` events). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/kiosk/kiosk.h"
#include "tui/ui/widgets.h"

#define DATES_MAX 64

enum { TAG_LIST = 1, TAG_TURN };

typedef struct {
    int64_t date_id, free, held, sold;
    char title[128], venue[128], starts_at[40];
} date_row;

typedef struct {
    date_row rows[DATES_MAX];
    int n, cursor, top;
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

static int dates_key(app *a, void *st, int key);

static void read_counts(date_row *row, const cJSON *o)
{
    jv_get_int(o, "free", 0, JV_INT_MAX, &row->free);
    jv_get_int(o, "held", 0, JV_INT_MAX, &row->held);
    jv_get_int(o, "sold", 0, JV_INT_MAX, &row->sold);
}

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
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(r->result, "dates"), *o;
    d->n = 0;
    cJSON_ArrayForEach(o, arr)
    {
        if (d->n == DATES_MAX)
            break;
        date_row *row = &d->rows[d->n];
        if (jv_get_int(o, "date_id", 1, JV_INT_MAX, &row->date_id) != JV_OK)
            continue;
        ks_copy_str(row->title, sizeof(row->title), o, "title");
        ks_copy_str(row->venue, sizeof(row->venue), o, "venue");
        ks_copy_str(row->starts_at, sizeof(row->starts_at), o, "starts_at");
        read_counts(row, o);
        d->n++;
    }
    if (d->cursor >= d->n)
        d->cursor = d->n > 0 ? d->n - 1 : 0;
    d->loaded = true;
    int k = d->pending;
    d->pending = 0;
    if (k)
        dates_key(a, d, k); /* pressed while loading: now there is a list to act on */
}

static void dates_event(app *a, void *st, const char *topic, const cJSON *body)
{
    dates_st *d = st;
    int64_t id = 0;
    if (strcmp(topic, "sales") != 0 || jv_get_int(body, "date_id", 1, JV_INT_MAX, &id) != JV_OK)
        return;
    for (int i = 0; i < d->n; i++)
        if (d->rows[i].date_id == id)
            read_counts(&d->rows[i], body);
}

static void dates_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0) {
        fetch(a, st);
        ks_turn_ask(a, st, TAG_TURN);
    }
}

static void open_date(app *a, dates_st *d)
{
    if (d->n == 0)
        return;
    ks_session *s = ks(a);
    const date_row *row = &d->rows[d->cursor];
    s->date_id = row->date_id;
    snprintf(s->title, sizeof(s->title), "%s", row->title);
    snprintf(s->venue, sizeof(s->venue), "%s", row->venue);
    snprintf(s->starts_at, sizeof(s->starts_at), "%s", row->starts_at);
    app_push(a, &ks_seats_ops, ks_seats_new(row->date_id));
}

static int dates_key(app *a, void *st, int key)
{
    dates_st *d = st;
    if (!d->loaded) {
        /* Before the first list: moves count (clamped when it comes) and
         * one Enter waits for it, so nothing typed ahead is lost. */
        if (key == KEY_DOWN || key == 'j' || key == KEY_UP || key == 'k') {
            d->cursor += key == KEY_DOWN || key == 'j' ? 1 : d->cursor > 0 ? -1 : 0;
            return APP_DONE;
        }
        if (key == '\n' || key == '\r' || key == KEY_ENTER) {
            d->pending = key;
            app_flash(a, tx(T_LOADING));
            return APP_DONE;
        }
    }
    switch (key) {
    case KEY_UP:
    case 'k':
        if (d->cursor > 0)
            d->cursor--;
        return APP_DONE;
    case KEY_DOWN:
    case 'j':
        if (d->cursor + 1 < d->n)
            d->cursor++;
        return APP_DONE;
    case '\n':
    case '\r':
    case KEY_ENTER:
        open_date(a, d);
        return APP_DONE;
    case 'r':
        fetch(a, d);
        return APP_DONE;
    }
    return ks_common_key(a, key);
}

static void dates_draw(app *a, void *st, const wg_rect *r)
{
    dates_st *d = st;
    int x = r->x + 2, w = r->w - 4;
    int cw = 6, whenw = 17, titw, venw, needt = tx_width(tx(T_COL_CONCERT)) + 1,
        needv = tx_width(tx(T_COL_VENUE)) + 1;
    for (int i = 0; i < d->n; i++) {
        int tw = tx_width(d->rows[i].title) + 1, vw = tx_width(d->rows[i].venue) + 1;
        needt = tw > needt ? tw : needt;
        needv = vw > needv ? vw : needv;
    }
    /* Title and venue share what the date and the counts leave. */
    wg_split2(w - whenw - 3 * cw - 1, needt, needv, 12, &titw, &venw);
    wg_text(r->y, x, w, tx(T_DATES_TITLE), WG_HEAD);
    ks_turn_draw(a, r->y, x + w / 2, w - w / 2);
    if (!d->loaded) {
        wg_text(r->y + 2, x, w, tx(T_WORKING), WG_DIM);
        return;
    }
    if (d->n == 0) {
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
    int rows = r->h - 4;
    if (d->cursor < d->top)
        d->top = d->cursor;
    if (d->cursor >= d->top + rows)
        d->top = d->cursor - rows + 1;
    for (int i = d->top; i < d->n && i - d->top < rows; i++) {
        const date_row *row = &d->rows[i];
        char when[40], num[3][24];
        int ry = y + 1 + (i - d->top);
        ks_when(when, sizeof(when), row->starts_at);
        snprintf(num[0], sizeof(num[0]), "%5lld", (long long)row->free);
        snprintf(num[1], sizeof(num[1]), "%5lld", (long long)row->held);
        snprintf(num[2], sizeof(num[2]), "%5lld", (long long)row->sold);
        wg_style st2 = i == d->cursor ? WG_CURSOR : WG_NORMAL;
        wg_text(ry, x, 1, i == d->cursor ? ">" : " ", WG_HEAD);
        wg_cell(ry, x + 1, titw, row->title, st2);
        wg_text(ry, x + 1 + titw, whenw, when, st2);
        wg_cell(ry, x + 1 + titw + whenw, venw, row->venue, st2);
        for (int c = 0; c < 3; c++)
            wg_text(ry, x + 1 + titw + whenw + venw + c * cw, cw, num[c], st2);
    }
}

static int dates_hints(void *st, const wg_hint **out)
{
    static const wg_hint h[] = {{"↑↓", T_H_MOVE}, {"Enter", T_H_SELECT}, {"w", T_H_WALLET},
                                 {"b", T_H_HISTORY}, {"Esc", T_H_LEAVE}};
    *out = h;
    return 5;
}

const app_screen_ops ks_dates_ops = {
    .name = "dates",
    .enter = dates_enter,
    .key = dates_key,
    .event = dates_event,
    .reply = dates_reply,
    .resync = dates_resync,
    .tick = dates_tick,
    .draw = dates_draw,
    .hints = dates_hints,
    .free = free,
};
