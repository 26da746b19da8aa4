/* tui/gate/screen_gate.c -- the gate's one screen: the code being typed, the
 * last verdict in block letters across the screen, its words, and the
 * date's admitted / sold.
 *
 * A scanner is a keyboard that types fast and ends with Enter, so every
 * Enter sends what was typed and clears the field at once: the next ticket
 * can be scanned before the answer to this one is back. The answer shown
 * is always the newest scan's; an older scan's answer arriving later is
 * not shown over it. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/gate/gate.h"
#include "tui/ui/text.h"
#include "tui/ui/widgets.h"

#define GT_CODE_MAX 20 /* a code is 12; a little room for what a person adds */

enum { GT_TAG_SCAN = 1, GT_TAG_DASH };

typedef struct {
    char gate_name[40];
    int64_t want_date;        /* --date, 0 any */
    char input[GT_CODE_MAX + 1];
    char checking[GT_CODE_MAX + 1]; /* the newest code sent, until its answer */
    int64_t newest;           /* the call id of the newest scan */
    gt_scan scan;             /* the newest answer */
    gt_count count;
    char title[208], starts_at[40]; /* the counted date, for the heading */
} gt_state;

void *gt_screen_new(const gt_options *o)
{
    gt_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    snprintf(s->gate_name, sizeof s->gate_name, "%s", o && o->gate_name ? o->gate_name : "");
    s->want_date = o ? o->date_id : 0;
    s->count.date_id = s->want_date;
    return s;
}

const gt_scan *gt_screen_scan(const void *st) { return &((const gt_state *)st)->scan; }
const gt_count *gt_screen_count(const void *st) { return &((const gt_state *)st)->count; }

/* The counted date's row of the dashboard: its count and its heading. */
static void gt_fetch_count(app *a, gt_state *s)
{
    if (s->count.date_id > 0)
        app_call(a, s, "admin.dashboard", NULL, GT_TAG_DASH);
}

static void gt_enter(app *a, void *st)
{
    app_subscribe(a, "checkin");
    app_subscribe(a, "sales");
    gt_fetch_count(a, st);
}

/* ---- keys -------------------------------------------------------------- */

static int act_scan(app *a, void *st, int key)
{
    gt_state *s = st;
    if (!s->input[0])
        return APP_DONE;
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "code", s->input);
    if (s->want_date > 0)
        jv_add_int(p, "date_id", s->want_date);
    if (s->gate_name[0])
        cJSON_AddStringToObject(p, "gate", s->gate_name);
    s->newest = app_call(a, s, "admin.booking.checkin", p, GT_TAG_SCAN);
    snprintf(s->checking, sizeof s->checking, "%s", s->input);
    s->input[0] = '\0';
    return APP_DONE;
}

static int act_clear(app *a, void *st, int key)
{
    gt_state *s = st;
    s->input[0] = '\0';
    s->scan.v = GT_NONE; /* the guard waves the next one in: a blank screen */
    return APP_DONE;
}

/* The code field, as the kiosk's text fields: printable ASCII in,
 * Backspace out; '?' is left to the app (help). */
static int gt_key(app *a, void *st, int key)
{
    gt_state *s = st;
    size_t n = strlen(s->input);
    if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        if (n)
            s->input[n - 1] = '\0';
        return APP_DONE;
    }
    if (key < 0x20 || key > 0x7e || key == '?')
        return APP_PASS;
    if (n < GT_CODE_MAX) {
        s->input[n] = (char)key;
        s->input[n + 1] = '\0';
    }
    return APP_DONE;
}

static const km_binding gt_keys[] = {
    {{'\n', '\r', KEY_ENTER}, act_scan, "Enter", G_H_SCAN, KM_BAR, G_HK_SCAN},
    {{27}, act_clear, "Esc", G_H_CLEAR, KM_BAR, 0},
};

KM_TABLE_FN(gt_keys_fn, gt_keys)

/* ---- answers and events -------------------------------------------------- */

static void gt_failed(gt_state *s, const app_reply *r)
{
    gt_scan f = {.v = GT_FAILED};
    snprintf(f.code, sizeof f.code, "%s", s->checking);
    if (r->offline)
        snprintf(f.detail, sizeof f.detail, "%s", tx(G_NO_ANSWER));
    else if (r->err == TK_FORBIDDEN)
        snprintf(f.detail, sizeof f.detail, "%s", tx(G_FORBIDDEN));
    else
        snprintf(f.detail, sizeof f.detail, tx(G_FAILED), r->message ? r->message
                                                                    : tk_err_reason(r->err));
    s->scan = f;
}

static void gt_scan_reply(app *a, gt_state *s, const app_reply *r)
{
    if (r->call_id != s->newest)
        return; /* a newer scan is on its way: its answer is the one to show */
    if (r->err || !r->result || !gt_parse_scan(r->result, &s->scan))
        gt_failed(s, r);
    s->checking[0] = '\0';
    /* Without --date the count follows the tickets scanned. */
    if (!s->want_date && s->scan.date_id && s->scan.date_id != s->count.date_id) {
        s->count = (gt_count){.date_id = s->scan.date_id};
        gt_fetch_count(a, s);
    }
}

static void gt_reply(app *a, void *st, int tag, const app_reply *r)
{
    gt_state *s = st;
    if (tag == GT_TAG_SCAN)
        gt_scan_reply(a, s, r);
    else if (tag == GT_TAG_DASH && !r->err && r->result)
        gt_count_dashboard(&s->count, r->result, s->title, sizeof s->title, s->starts_at,
                           sizeof s->starts_at);
    /* a dashboard the key may not read (a gate role): the events still count */
}

static void gt_event(app *a, void *st, const char *topic, const cJSON *body)
{
    gt_count_event(&((gt_state *)st)->count, topic, body);
}

static void gt_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0)
        gt_fetch_count(a, st);
}

/* ---- drawing ------------------------------------------------------------- */

static void gt_draw_head(const gt_state *s, const wg_rect *r)
{
    char head[448], gate[64], date[64], when[40], count[64];
    if (s->gate_name[0])
        snprintf(gate, sizeof gate, tx(G_HEAD_GATE), s->gate_name);
    else
        snprintf(gate, sizeof gate, "%s", tx(G_HEAD_ANY_GATE));
    if (s->count.date_id)
        snprintf(date, sizeof date, tx(G_HEAD_DATE), (long long)s->count.date_id);
    else
        snprintf(date, sizeof date, "%s", tx(G_HEAD_ANY_DATE));
    gt_time_text(when, sizeof when, s->starts_at, NULL); /* the server zone */
    snprintf(head, sizeof head, "%s  |  %s %s %s", gate, date, s->title, when);
    if (s->count.known)
        snprintf(count, sizeof count, tx(G_COUNT), s->count.checked_in, s->count.sold);
    else
        snprintf(count, sizeof count, "%s", tx(G_COUNT_NONE));
    int cw = tx_width(count);
    wg_text(r->y, r->x + 1, r->w - cw - 3, head, WG_HEAD);
    wg_text(r->y, r->x + r->w - cw - 1, cw, count, WG_HEAD);
}

/* text in block letters, centred; false (nothing drawn) when too wide. */
static bool gt_draw_banner(const char *text, int y, const wg_rect *r, wg_style st)
{
    char rows[GT_BANNER_ROWS][GT_BANNER_MAX];
    int w = gt_banner(text, tx_utf8(), rows);
    if (w > r->w - 2)
        return false;
    int x = r->x + (r->w - w) / 2;
    for (int i = 0; i < GT_BANNER_ROWS; i++)
        wg_text(y + i, x, w, rows[i], st);
    return true;
}

/* ADMITTED with the seat ("ADMITTED B-13", the seat alone under it when
 * that is too wide) or REFUSED in block letters, then the same in words:
 * never colour alone. */
static void gt_draw_verdict(const gt_state *s, int y, const wg_rect *r)
{
    const gt_scan *v = &s->scan;
    bool ok = v->v == GT_ADMITTED;
    wg_style st = ok ? WG_GOOD : WG_BAD;
    char line[400], seat[8] = "", when[40], big[24];
    if (v->seat_no)
        wg_seat_name(seat, v->seat_no);
    if (v->v != GT_FAILED) {
        snprintf(big, sizeof big, "%s%s%s", ok ? "ADMITTED" : "REFUSED", ok ? " " : "",
                 ok ? seat : "");
        if (!gt_draw_banner(big, y, r, st))
            gt_draw_banner(ok ? "ADMITTED" : "REFUSED", y, r, st);
        snprintf(line, sizeof line, "%s%s%s", tx(ok ? G_ADMITTED : G_REFUSED),
                 ok ? "  " : "", ok ? seat : "");
        wg_text(y + GT_BANNER_ROWS + 1, r->x + 2, r->w - 4, line, st);
        y += GT_BANNER_ROWS + 2;
    }
    gt_why(line, sizeof line, v);
    if (line[0]) { /* may take two rows on a narrow screen */
        y += 2;
        wg_text2(y, r->x + 2, r->w - 4, line, st);
    }
    if (v->seat_no) {
        gt_time_text(when, sizeof when, v->starts_at, v->tz);
        snprintf(line, sizeof line, tx(G_SEAT_LINE), seat, when, v->title);
        wg_text(++y, r->x + 2, r->w - 4, line, WG_NORMAL);
    }
    snprintf(line, sizeof line, tx(G_CODE_LINE), v->code);
    wg_text(++y, r->x + 2, r->w - 4, line, WG_DIM);
}

static void gt_draw(app *a, void *st, const wg_rect *r)
{
    gt_state *s = st;
    char line[128];
    gt_draw_head(s, r);
    wg_text(r->y + 2, r->x + 2, r->w - 4, tx(G_PROMPT), WG_NORMAL);
    snprintf(line, sizeof line, "> %s_", s->input);
    wg_text(r->y + 3, r->x + 2, r->w - 4, line, WG_HEAD);
    if (s->checking[0]) {
        snprintf(line, sizeof line, tx(G_CHECKING), s->checking);
        wg_text(r->y + 4, r->x + 2, r->w - 4, line, WG_DIM);
    }
    if (s->scan.v == GT_NONE)
        wg_text(r->y + 6, r->x + 2, r->w - 4, tx(G_READY), WG_DIM);
    else
        gt_draw_verdict(s, r->y + 6, r);
}

const app_screen_ops gt_screen_ops = {
    .name = "gate",
    .enter = gt_enter,
    .keys = gt_keys_fn,
    .key = gt_key,
    .event = gt_event,
    .reply = gt_reply,
    .resync = gt_resync,
    .draw = gt_draw,
    .free = free,
    .about = G_AB_GATE,
};
