/* tui/console/console_audit.c -- the audit log (admin.audit.list), newest first:
 * what was done, when, from which peer, and the result; the detail line
 * has the selected entry's node (which ticketd took it), peer and params. Pages of
 * ADM_AUDIT_PAGE entries; 'o' / PgDn fetches the next older page
 * (before_id = the oldest id shown) and appends it. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/console/console_int.h"
#include "tui/ui/list.h"
#include "tui/ui/widgets.h"

#define ADM_AUDIT_PAGE 100
#define ADM_AUDIT_MAX 2000

typedef struct {
    int64_t id;
    char at[24], method[40], peer[80], result[24]; /* at: server time, "12-07 19:00:05" */
    char node[64]; /* "-" on entries from before nodes */
    char params[200];
} audit_row;

typedef struct {
    audit_row *rows;
    ls_list list; /* list.n rows held */
    bool inflight, loaded, at_end;
} adm_audit;

void *adm_audit_new(void)
{
    adm_audit *s = calloc(1, sizeof *s);
    if (s && !(s->rows = calloc(ADM_AUDIT_MAX, sizeof *s->rows))) {
        free(s);
        return NULL;
    }
    return s;
}

static void audit_free(void *st)
{
    adm_audit *s = st;
    if (s)
        free(s->rows);
    free(s);
}

static void audit_fetch(app *a, adm_audit *s, bool older)
{
    int n = s->list.n;
    if (s->inflight || (older && (s->at_end || n == ADM_AUDIT_MAX)))
        return;
    cJSON *p = cJSON_CreateObject();
    jv_add_int(p, "limit", ADM_AUDIT_PAGE);
    if (older && n > 0)
        jv_add_int(p, "before_id", s->rows[n - 1].id);
    if (!older)
        s->list = (ls_list){0}, s->at_end = false;
    s->inflight = true;
    app_call(a, s, "admin.audit.list", p, ADM_TAG_AUDIT);
}

static void audit_reply(app *a, void *st, int tag, const app_reply *r)
{
    adm_audit *s = st;
    s->inflight = false;
    const cJSON *arr = r->result ? cJSON_GetObjectItemCaseSensitive(r->result, "entries") : NULL;
    if (r->err || !cJSON_IsArray(arr)) {
        adm_fail(a, "admin.audit.list", r);
        return;
    }
    int got = 0, n = s->list.n;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        audit_row *w = &s->rows[n];
        if (n == ADM_AUDIT_MAX || jv_get_int(it, "audit_id", 1, JV_INT_MAX, &w->id) != JV_OK)
            continue;
        adm_str(it, "at", w->at, sizeof w->at);
        tx_when(w->at, sizeof w->at, w->at, NULL, "%m-%d %H:%M:%S"); /* the server's zone */
        adm_str(it, "method", w->method, sizeof w->method);
        adm_str(it, "peer", w->peer, sizeof w->peer);
        adm_str(it, "result", w->result, sizeof w->result);
        adm_str(it, "params", w->params, sizeof w->params);
        adm_str(it, "node", w->node, sizeof w->node);
        if (!w->node[0])
            snprintf(w->node, sizeof w->node, "-");
        n++;
        got++;
    }
    ls_set_count(&s->list, n);
    s->loaded = true;
    s->at_end = got < ADM_AUDIT_PAGE;
}

static void audit_enter(app *a, void *st)
{
    adm_audit *s = st;
    if (!s->loaded)
        audit_fetch(a, s, false);
}

static void audit_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0)
        audit_fetch(a, st, false);
}

/* ---- keys -------------------------------------------------------------- */

static int act_move(app *a, void *st, int key)
{
    adm_audit *s = st;
    int d = key == KEY_UP || key == 'k' ? -1 : key == KEY_DOWN || key == 'j' ? 1
          : key == KEY_PPAGE ? -10 : 10;
    bool past = s->list.sel + d >= s->list.n;
    ls_move(&s->list, d);
    if (past)
        audit_fetch(a, s, true); /* scrolling past the end asks for more */
    return APP_DONE;
}

static int act_older(app *a, void *st, int key)
{
    audit_fetch(a, st, true);
    return APP_DONE;
}

static int act_newest(app *a, void *st, int key)
{
    audit_fetch(a, st, false);
    return APP_DONE;
}


static const km_binding audit_keys[] = {
    {{KEY_UP, KEY_DOWN, KEY_PPAGE, KEY_NPAGE}, act_move, "\u2191\u2193 PgUp/Dn", T_H_MOVE, KM_BAR, 0},
    {{'o'}, act_older, "o", A_H_OLDER, KM_BAR, 0},
    {{'g'}, act_newest, "g", A_H_NEWEST, KM_BAR, 0},
    {{ADM_KEY_ESC}, app_act_pop, "Esc", T_H_BACK, KM_BAR, 0},
    {{'j', 'k'}, act_move, "j k", T_H_MOVE, KM_HELP, 0},
    {{KEY_HOME}, act_newest, "Home", A_H_NEWEST, KM_HELP, 0},
    {{'q'}, app_act_pop, "q", T_H_BACK, KM_HELP, 0},
    ADM_KEY_LANG_ROW(KM_HELP),
};

KM_TABLE_FN(audit_keys_fn, audit_keys)

/* ---- drawing ----------------------------------------------------------- */

typedef struct {
    const adm_audit *s;
    int x, w;
} audit_rows;

static void draw_row(void *ctx, int i, int y, bool sel)
{
    const audit_rows *ar = ctx;
    const audit_row *e = &ar->s->rows[i];
    char line[512];
    bool ok = !strcmp(e->result, "ok");
    wg_style st = sel ? WG_CURSOR : ok ? WG_NORMAL : WG_WARN;
    int n = snprintf(line, sizeof line, "%-6lld %-14.14s %-22.22s %-10.10s ", (long long)e->id,
                     e->at, e->method, e->result);
    wg_text(y, ar->x, n, line, st);
    if (ar->w > n) /* the peer takes the rest; one cut ends in "…", and the detail line has it */
        wg_cell(y, ar->x + n, ar->w - n, e->peer, st);
}

static void audit_draw(app *a, void *st, const wg_rect *r)
{
    adm_audit *s = st;
    int x = r->x + 1, w = r->w - 2, y = r->y;
    wg_text(y++, x, w, tx(A_A_TITLE), WG_HEAD);
    char head[160], zone[16];
    tx_when_ms(zone, sizeof zone, clock_wall_ms(), NULL, "(%Z)"); /* the rows' zone */
    snprintf(head, sizeof head, tx(A_A_COLS), zone);
    wg_text(y++, x, w, head, WG_HEAD);
    if (s->loaded && s->list.n == 0)
        wg_text(y, x, w, tx(A_A_EMPTY), WG_DIM);
    int rows = r->h - 4; /* title, columns, and two detail rows */
    if (rows < 1)
        rows = 1;
    audit_rows ar = {s, x, w};
    ls_draw(&s->list, y, rows, draw_row, &ar);
    int n = s->list.n, top = s->list.top;
    if (s->at_end && n > 0 && n - top < rows)
        wg_text(y + n - top, x, w, tx(A_A_END), WG_DIM);
    if (s->list.sel < n) { /* the selected entry's node, peer and params, what the table cuts */
        const audit_row *e = &s->rows[s->list.sel];
        char detail[480];
        snprintf(detail, sizeof detail, tx(A_A_DETAIL), e->node, e->peer, e->params);
        wg_text(r->y + r->h - 1, x, w, detail, WG_DIM);
    }
}

const app_screen_ops adm_audit_ops = {
    .name = "admin-audit",
    .enter = audit_enter,
    .keys = audit_keys_fn,
    .reply = audit_reply,
    .resync = audit_resync,
    .draw = audit_draw,
    .free = audit_free,
    .about = A_AB_AUDIT,
};
