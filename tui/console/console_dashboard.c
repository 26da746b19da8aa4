/* tui/console/console_dashboard.c -- the console's home screen: every date with a
 * sold/held/free bar and revenue, totals, the queue, sparklines of the last
 * hour, and the server's health.
 *
 * Freshness: `sales`, `queue` and `checkin` (the door) events update the
 * model as they come, and
 * admin.dashboard is polled every poll_ms (one call in flight at most) for
 * what events do not carry (new dates, request counters, latency). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tui/console/console_int.h"
#include "tui/ui/list.h"
#include "tui/ui/widgets.h"

typedef struct {
    ls_list list;       /* the dates: which is selected, which shown */
    int64_t next_poll;  /* monotonic ms */
    bool inflight;
    bool failing;       /* the last poll failed: say so once, not every poll */
    char fail[320];     /* ...and keep it where the dates would be */
} adm_dash;

void *adm_dash_new(void) { return calloc(1, sizeof(adm_dash)); }

static void dash_poll(app *a, adm_dash *d, int64_t now)
{
    if (d->inflight)
        return;
    d->inflight = true;
    d->next_poll = now + adm_get(a)->poll_ms;
    app_call(a, d, "admin.dashboard", NULL, ADM_TAG_DASH);
}

void adm_dash_poll_now(app *a)
{
    adm_dash *d = app_find(a, &adm_dash_ops);
    if (d)
        d->next_poll = 0; /* at the next tick: keeps one call in flight */
}

int64_t adm_dash_selected(app *a)
{
    adm_dash *d = app_find(a, &adm_dash_ops);
    adm_model *m = &adm_get(a)->m;
    return d && d->list.sel < m->ndates ? m->dates[d->list.sel].date_id : 0;
}

/* ---- input ------------------------------------------------------------- */

static void dash_tick(app *a, void *st, int64_t now)
{
    adm_dash *d = st;
    adm_model_tick(&adm_get(a)->m, now);
    if (now >= d->next_poll)
        dash_poll(a, d, now);
}

static void dash_enter(app *a, void *st)
{
    dash_poll(a, st, clock_mono_ms());
}

static void dash_reply(app *a, void *st, int tag, const app_reply *r)
{
    adm_dash *d = st;
    if (adm_queue_reply(a, tag, r) || adm_byid_reply(a, st, tag, r) || tag != ADM_TAG_DASH)
        return;
    d->inflight = false;
    adm_model *m = &adm_get(a)->m;
    int64_t was = adm_dash_selected(a); /* rows are sorted by start: a new date may come first */
    if (r->err || !r->result || !adm_model_dashboard(m, r->result, clock_mono_ms())) {
        /* offline: the app's banner says it; a refused key: the start did */
        if (!d->failing && !r->offline && !(r->err == TK_FORBIDDEN && adm_get(a)->key_refused))
            adm_fail(a, "admin.dashboard", r);
        if (r->err == TK_FORBIDDEN && adm_get(a)->key_refused)
            adm_key_refused_text(a, d->fail, sizeof d->fail); /* where the table would be */
        else
            adm_fail_text(d->fail, sizeof d->fail, "admin.dashboard", r);
        d->failing = true;
        return;
    }
    d->failing = false;
    ls_set_count(&d->list, m->ndates);
    for (int i = 0; i < m->ndates; i++)
        if (m->dates[i].date_id == was)
            ls_select(&d->list, i);
}

static void dash_event(app *a, void *st, const char *topic, const cJSON *body)
{
    adm_model *m = &adm_get(a)->m;
    if (!strcmp(topic, "sales") && !adm_model_sales(m, body, clock_mono_ms()))
        adm_dash_poll_now(a); /* a date we do not know yet: fetch its row */
    else if (!strcmp(topic, "queue"))
        adm_model_queue(m, body, clock_mono_ms());
    else if (!strcmp(topic, "checkin") && !adm_model_checkin(m, body))
        adm_dash_poll_now(a);
}

static void dash_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0)
        adm_dash_poll_now(a);
}

static int act_move(app *a, void *st, int key)
{
    adm_dash *d = st;
    ls_set_count(&d->list, adm_get(a)->m.ndates);
    ls_move(&d->list, key == KEY_UP || key == 'k' ? -1 : 1);
    return APP_DONE;
}

static int act_seats(app *a, void *st, int key)
{
    int64_t id = adm_dash_selected(a);
    if (!id)
        app_flash(a, tx(A_S_NO_DATE));
    else
        app_push(a, &adm_seats_ops, adm_seats_new(id));
    return APP_DONE;
}

static int act_concert(app *a, void *st, int key)
{
    app_push(a, &adm_form_ops, adm_form_new_concert());
    return APP_DONE;
}

static int act_date(app *a, void *st, int key)
{
    adm_dash *d = st;
    adm_model *m = &adm_get(a)->m;
    int sel = d->list.sel;
    app_push(a, &adm_form_ops, adm_form_new_date(sel < m->ndates ? m->dates[sel].concert_id : 0));
    return APP_DONE;
}

static int act_audit(app *a, void *st, int key)
{
    app_push(a, &adm_audit_ops, adm_audit_new());
    return APP_DONE;
}

static int act_refresh(app *a, void *st, int key)
{
    adm_dash_poll_now(a);
    return APP_DONE;
}

static int act_quit(app *a, void *st, int key)
{
    app_quit(a);
    return APP_DONE;
}

/* Most used first: the hint bar shows what fits, the '?' overlay all. */
static const km_binding dash_keys[] = {
    {{ADM_KEY_ENTER, '\n', KEY_ENTER}, act_seats, "Enter", A_H_SEATS, KM_BAR, 0},
    {{'p'}, adm_queue_pause, "p", A_H_PAUSE, KM_BAR, 0},
    {{'m'}, adm_queue_max, "m", A_H_MAXACT, KM_BAR, 0},
    {{'a'}, adm_queue_rate, "a", A_H_RATE, KM_BAR, 0},
    {{'o'}, adm_queue_opens, "o", A_H_OPENS, KM_BAR, 0},
    {{'c'}, act_concert, "c", A_H_CONCERT, KM_BAR, 0},
    {{'n'}, act_date, "n", A_H_DATE, KM_BAR, 0},
    {{'l'}, act_audit, "l", A_H_AUDIT, KM_BAR, 0},
    {{KEY_UP, KEY_DOWN}, act_move, "\u2191\u2193", T_H_MOVE, KM_BAR, 0},
    {{'d'}, adm_byid_date, "d", A_H_BYDATE, KM_BAR, 0},
    {{'h'}, adm_byid_release, "h", A_H_BYHOLD, KM_BAR, 0},
    {{'b'}, adm_byid_refund, "b", A_H_BYBOOKING, KM_BAR, 0},
    {{'t'}, adm_byid_code, "t", A_H_BYCODE, KM_BAR, 0},
    ADM_KEY_LANG_ROW(KM_BAR),
    {{'q'}, act_quit, "q", T_H_QUIT, KM_BAR, 0},
    /* the rest only in the help: aliases, and polls run anyway */
    {{'s'}, act_seats, "s", A_H_SEATS, KM_HELP, 0},
    {{'j', 'k'}, act_move, "j k", T_H_MOVE, KM_HELP, 0},
    {{'g'}, act_refresh, "g", T_H_REFRESH, KM_HELP, 0},
    {{'$'}, adm_open_cashier, "$", A_H_COUNTER, KM_HELP, 0},
    {{'R'}, adm_open_report, "R", A_H_REPORT, KM_HELP, 0},
};

KM_TABLE_FN(dash_keys_fn, dash_keys)

/* ---- drawing ----------------------------------------------------------- */

/* Columns of a date row at width w: the concert name takes what is left. */
typedef struct { int date, concert, bar, counts, door, revenue; } dash_cols;

static dash_cols dash_layout(int w)
{
    /* date: "2026-12-21 19:00 KST"; the door's "in/sold" (7) came out of
     * the bar: at 80 columns the concert keeps its room */
    dash_cols c = {20, 0, 6, 8, 7, 11};
    int extra = w - 80 > 0 ? (w - 80) / 3 : 0;
    c.bar += extra;
    c.concert = w - c.date - c.bar - c.counts - c.door - c.revenue - 6;
    if (c.concert < 8) { /* under 80 columns: the bar gives way first */
        c.bar -= 8 - c.concert;
        c.concert = 8;
        if (c.bar < 3)
            c.bar = 0;
    }
    return c;
}

static void draw_date(const adm_date_row *d, int y, int x, const dash_cols *c, bool sel)
{
    wg_style st = sel ? WG_CURSOR : WG_NORMAL;
    char buf[448], money[32];
    tx_when(buf, sizeof buf, d->starts_at, d->tz, NULL); /* venue time */
    wg_text(y, x, c->date, buf, st);
    x += c->date + 1;
    snprintf(buf, sizeof buf, "%s @ %s", d->title, d->venue);
    wg_cell(y, x, c->concert + 1, buf, st); /* its gap included: cut with "…" */
    x += c->concert + 1;
    if (c->bar) {
        adm_stack_bar(y, x, c->bar, d->sold, d->held, d->free);
        x += c->bar + 1;
    }
    snprintf(buf, sizeof buf, "%d/%d/%d", d->sold, d->held, d->free);
    wg_text(y, x, c->counts, buf, st);
    x += c->counts + 1;
    if (d->checked_in >= 0) /* checked in at the door / sold */
        snprintf(buf, sizeof buf, "%d/%d", d->checked_in, d->sold);
    else
        snprintf(buf, sizeof buf, "-");
    wg_text(y, x, c->door, buf, st);
    x += c->door + 1;
    tx_money(money, sizeof money, d->revenue);
    snprintf(buf, sizeof buf, "%*s", c->revenue, money);
    wg_text(y, x, c->revenue, buf, st);
}

typedef struct {
    const adm_model *m;
    int x;
    const dash_cols *c;
} dash_rows;

static void draw_row(void *ctx, int i, int y, bool sel)
{
    const dash_rows *r = ctx;
    draw_date(&r->m->dates[i], y, r->x, r->c, sel);
}

static void draw_dates(const adm_model *m, adm_dash *d, const wg_rect *r, int rows)
{
    dash_cols c = dash_layout(r->w - 2);
    int x = r->x + 1, y = r->y;
    /* Headings are padded by columns (tx_fit), not bytes: Hangul is 3 bytes
     * and 2 columns, so printf's %-*s would misalign them. */
    const struct { int id, w; } heads[] = {
        {A_D_COL_DATE, c.date},
        {A_D_COL_CONCERT, c.concert},
        {A_D_COL_SEATS, c.bar + c.counts + (c.bar ? 1 : 0)},
        {A_D_COL_DOOR, c.door},
        {A_D_COL_REVENUE, c.revenue},
    };
    for (int i = 0, hx = x; i < 5; hx += heads[i].w + 1, i++)
        wg_text(y, hx, heads[i].w, tx((tx_id)heads[i].id), WG_HEAD);
    y++;
    if (!m->loaded || m->ndates == 0) {
        const char *why = d->failing ? d->fail : tx(m->loaded ? A_D_NO_DATES : A_D_LOADING);
        wg_text(y, x, r->w - 2, why, d->failing ? WG_BAD : WG_DIM);
        return;
    }
    dash_rows dr = {m, x, &c};
    ls_set_count(&d->list, m->ndates);
    ls_draw(&d->list, y, rows, draw_row, &dr);
}

static void draw_totals(const adm_model *m, int y, int x, int w)
{
    char buf[256], money[32];
    tx_money(money, sizeof money, m->t_revenue);
    snprintf(buf, sizeof buf, "%s: %lld/%lld/%lld  %s", tx(A_D_TOTAL), (long long)m->t_sold,
             (long long)m->t_held, (long long)m->t_free, money);
    wg_text(y, x, w, buf, WG_HEAD);
}

bool adm_dash_last_repeats(app *a)
{
    adm_console *c = adm_get(a);
    adm_dash *d = app_find(a, &adm_dash_ops);
    char key[320];
    adm_key_refused_text(a, key, sizeof key);
    if (c->key_refused && d && d->failing && !strcmp(c->last, key))
        return true; /* the table's place says it */
    return c->last[0] && !strcmp(app_flash_live(a), c->last);
}

/* The last minutes of a series that fit, then their max and how long they
 * cover: "last hour" only when all 60 minutes are drawn and known. */
static void draw_spark(const int64_t *v, int minutes, const char *label, int y, int x, int w)
{
    double d[ADM_HIST];
    for (int i = 0; i < ADM_HIST; i++)
        d[i] = (double)v[i];
    int lw = 11;
    wg_text(y, x, lw, label, WG_HEAD);
    int sw = w - lw - 22 < ADM_HIST ? w - lw - 22 : ADM_HIST;
    if (sw < 4)
        return;
    wg_sparkline(y, x + lw, sw, d, ADM_HIST);
    int64_t max;
    int span = adm_spark_span(v, minutes, sw, &max);
    char tail[64];
    if (span >= ADM_HIST)
        snprintf(tail, sizeof tail, tx(A_D_SPARK_TAIL), (long long)max);
    else
        snprintf(tail, sizeof tail, tx(A_D_SPARK_TAIL_MIN), (long long)max, span);
    wg_text(y, x + lw + sw, w - lw - sw, tail, WG_DIM);
}

static void draw_health(const adm_model *m, int y, int x, int w)
{
    char up[16], buf[256];
    wg_mmss(up, m->uptime_s);
    snprintf(buf, sizeof buf, tx(A_D_H_LINE), m->rq.per_s, (long long)m->rq.errors, m->rq.p50_ms,
             m->rq.p99_ms, up);
    int hw = tx_width(tx(A_D_HEALTH)) + 1;
    wg_text(y, x, hw, tx(A_D_HEALTH), WG_HEAD);
    wg_text(y, x + hw, w - hw, buf, m->rq.errors ? WG_WARN : WG_NORMAL);
}

static void draw_below(const adm_model *m, int *y, int x, int w)
{
    draw_totals(m, (*y)++, x, w);
    adm_queue_draw(m, (*y)++, x, w);
    draw_spark(m->hist.sales, adm_hist_minutes(&m->hist, ADM_SERIES_SALES),
               tx(A_D_SALES_SPARK), (*y)++, x, w);
    draw_spark(m->hist.queue, adm_hist_minutes(&m->hist, ADM_SERIES_QUEUE),
               tx(A_D_QUEUE_SPARK), (*y)++, x, w);
    draw_health(m, (*y)++, x, w);
}

static void dash_draw(app *a, void *st, const wg_rect *r)
{
    adm_console *c = adm_get(a);
    const adm_model *m = &c->m;
    int below = 6; /* totals, queue, two sparklines, health, last action */
    int rows = r->h - 1 - below;
    if (rows < 1)
        rows = 1;
    draw_dates(m, st, r, rows);
    int x = r->x + 1, w = r->w - 2, y = r->y + 1 + rows;
    if (!m->loaded)
        y = r->y + r->h - 1; /* nothing to total yet: only the last action */
    else
        draw_below(m, &y, x, w);
    /* while the status line below still says it, once is enough */
    if (c->last[0] && y < r->y + r->h && !adm_dash_last_repeats(a)) {
        char buf[400];
        snprintf(buf, sizeof buf, tx(A_D_LAST), c->last);
        wg_text(y, x, w, buf, c->last_bad ? WG_BAD : WG_GOOD);
    }
}

const app_screen_ops adm_dash_ops = {
    .name = "admin-dashboard",
    .enter = dash_enter,
    .keys = dash_keys_fn,
    .event = dash_event,
    .reply = dash_reply,
    .tick = dash_tick,
    .resync = dash_resync,
    .draw = dash_draw,
    .free = free,
    .about = A_AB_DASH,
};
