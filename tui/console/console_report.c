/* tui/console/console_report.c -- the day's close (admin.report): sales,
 * refunds, top-ups (and check-ins, once the server reports them) per
 * date, staff member and method, with totals; and a cashier's end of
 * shift: their own top-ups today per method, which is what the drawer
 * should hold in cash. The day is the console host's local day; ←/→ move
 * a day. The same rows as CSV: `ticketctl admin.report ... --csv`. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/console/console_int.h"
#include "tui/ui/list.h"
#include "tui/ui/widgets.h"

#define REPORT_ROWS 200

typedef struct {
    char kind[12], staff[40], method[12];
    int64_t date_id, count, amount;
} report_row;

typedef struct {
    bool shift;     /* only the signed-in cashier's top-ups */
    int day;        /* 0 today, -1 yesterday, ... */
    char from[32], to[32];
    report_row rows[REPORT_ROWS];
    ls_list list;
    bool loaded, inflight;
} adm_report;

void *adm_report_new(bool shift)
{
    adm_report *r = calloc(1, sizeof *r);
    if (r)
        r->shift = shift;
    return r;
}

/* The local day `day` days from today, as RFC 3339 UTC instants. */
int adm_report_count(const void *st) { return ((const adm_report *)st)->list.n; }

static void report_range(adm_report *r)
{
    time_t now = time(NULL);
    struct tm lt;
    localtime_r(&now, &lt);
    lt.tm_hour = lt.tm_min = lt.tm_sec = 0;
    lt.tm_mday += r->day;
    lt.tm_isdst = -1;
    time_t from = mktime(&lt);
    lt.tm_mday += 1;
    lt.tm_isdst = -1;
    time_t to = mktime(&lt);
    time_format((int64_t)from * 1000, r->from, sizeof r->from);
    time_format((int64_t)to * 1000, r->to, sizeof r->to);
}

static void report_fetch(app *a, adm_report *r)
{
    if (r->inflight)
        return;
    report_range(r);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "from", r->from);
    cJSON_AddStringToObject(p, "to", r->to);
    r->inflight = true;
    app_call(a, r, "admin.report", p, ADM_TAG_REPORT);
}

static void report_enter(app *a, void *st) { report_fetch(a, st); }

static void report_reply(app *a, void *st, int tag, const app_reply *rep)
{
    adm_report *r = st;
    r->inflight = false;
    const cJSON *arr = rep->result ? cJSON_GetObjectItemCaseSensitive(rep->result, "rows") : NULL;
    if (rep->err || !cJSON_IsArray(arr)) {
        adm_fail(a, "admin.report", rep);
        return;
    }
    const char *me = adm_get(a)->staff;
    int n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        report_row *w = &r->rows[n];
        if (n == REPORT_ROWS)
            break;
        adm_str(it, "kind", w->kind, sizeof w->kind);
        adm_str(it, "staff", w->staff, sizeof w->staff);
        adm_str(it, "method", w->method, sizeof w->method);
        jv_get_int(it, "date_id", 0, JV_INT_MAX, &w->date_id);
        jv_get_int(it, "count", 0, JV_INT_MAX, &w->count);
        jv_get_int(it, "amount", -JV_INT_MAX, JV_INT_MAX, &w->amount);
        if (!r->shift || (!strcmp(w->kind, "topup") && !strcmp(w->staff, me)))
            n++;
    }
    ls_set_count(&r->list, n);
    r->loaded = true;
}

static void report_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0)
        report_fetch(a, st);
}

/* ---- keys ---------------------------------------------------------------- */

static int act_day(app *a, void *st, int key)
{
    adm_report *r = st;
    if (key == KEY_LEFT)
        r->day--;
    else if (r->day < 0)
        r->day++;
    report_fetch(a, r);
    return APP_DONE;
}

static int act_move(app *a, void *st, int key)
{
    ls_move(&((adm_report *)st)->list, key == KEY_UP || key == 'k' ? -1 : 1);
    return APP_DONE;
}

static int act_refresh(app *a, void *st, int key)
{
    report_fetch(a, st);
    return APP_DONE;
}

static const km_binding report_keys[] = {
    {{KEY_LEFT, KEY_RIGHT}, act_day, "\u2190\u2192", A_H_R_DAY, KM_BAR, 0},
    {{KEY_UP, KEY_DOWN}, act_move, "\u2191\u2193", T_H_MOVE, KM_HELP, 0},
    {{'j', 'k'}, act_move, "j k", T_H_MOVE, KM_HELP, 0},
    {{'g'}, act_refresh, "g", T_H_REFRESH, KM_BAR, 0},
    {{ADM_KEY_ESC, 'q'}, app_act_pop, "Esc q", T_H_BACK, KM_BAR, 0},
    ADM_KEY_LANG_ROW(KM_HELP),
};

KM_TABLE_FN(report_keys_fn, report_keys)

/* ---- drawing ------------------------------------------------------------- */

typedef struct {
    const adm_report *r;
    int x, w;
} report_rows;

static void draw_row(void *ctx, int i, int y, bool sel)
{
    const report_rows *rr = ctx;
    const report_row *e = &rr->r->rows[i];
    char line[200], money[32], date[16] = "";
    tx_money(money, sizeof money, e->amount);
    if (e->date_id)
        snprintf(date, sizeof date, "%lld", (long long)e->date_id);
    snprintf(line, sizeof line, "%-8.8s %6s %-16.16s %-7.7s %6lld %14s", e->kind, date,
             e->staff[0] ? e->staff : "-", e->method, (long long)e->count, money);
    wg_text(y, rr->x, rr->w, line, sel ? WG_CURSOR : WG_NORMAL);
}

/* Totals per kind (day) or per method (shift): the lines under the table. */
static int draw_totals(const adm_report *r, int y, int x, int w)
{
    static const char *const kinds[] = {"sale", "refund", "topup", "checkin"};
    static const char *const methods[] = {"cash", "card", "other"};
    const char *const *keys = r->shift ? methods : kinds;
    int nkeys = r->shift ? 3 : 4, drawn = 0;
    for (int k = 0; k < nkeys; k++) {
        int64_t count = 0, amount = 0;
        for (int i = 0; i < r->list.n; i++) {
            const report_row *e = &r->rows[i];
            if (!strcmp(r->shift ? e->method : e->kind, keys[k]))
                count += e->count, amount += e->amount;
        }
        char line[160], money[32];
        tx_money(money, sizeof money, amount);
        snprintf(line, sizeof line, tx(A_R_TOTAL), keys[k], (long long)count, money);
        wg_text(y + drawn++, x, w, line, k == 0 && r->shift ? WG_GOOD : WG_NORMAL);
    }
    return drawn;
}

static void report_draw(app *a, void *st, const wg_rect *rect)
{
    adm_report *r = st;
    int x = rect->x + 1, w = rect->w - 2, y = rect->y;
    char line[240];
    snprintf(line, sizeof line, tx(r->shift ? A_R_SHIFT_TITLE : A_R_DAY_TITLE),
             adm_get(a)->staff, r->from, r->to);
    wg_text(y++, x, w, line, WG_HEAD);
    wg_text(y++, x, w, tx(A_R_COLS), WG_HEAD);
    if (r->loaded && r->list.n == 0)
        wg_text(y, x, w, tx(A_R_EMPTY), WG_DIM);
    int rows = rect->h - 7;
    report_rows rr = {r, x, w};
    ls_draw(&r->list, y, rows > 1 ? rows : 1, draw_row, &rr);
    draw_totals(r, rect->y + rect->h - 4, x, w);
}

const app_screen_ops adm_report_ops = {
    .name = "admin-report",
    .enter = report_enter,
    .keys = report_keys_fn,
    .reply = report_reply,
    .resync = report_resync,
    .draw = report_draw,
    .free = free,
    .about = A_AB_REPORT,
};
