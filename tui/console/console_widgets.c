/* tui/console/console_widgets.c -- what the console draws that the kiosk does not:
 * the sold/held/free stacked bar, and small dialogs (a number, a booking
 * code, a yes/no) that sit on top of the screen that asked. */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/console/console_int.h"
#include "tui/ui/widgets.h"

/* ---- stacked bar ------------------------------------------------------- */

void adm_stack_text(char *out, size_t outsz, int w, int sold, int held, int free, bool utf8)
{
    int total = sold + held + free;
    if (w < 1 || total <= 0) {
        snprintf(out, outsz, "%*s", w > 0 ? w : 0, "");
        return;
    }
    /* Cumulative rounding, so the parts add up to w cells; then a part
     * that is not zero gets at least one cell (one sale on a 12-cell bar is
     * news to an operator), taken from the free part first. */
    int c_sold = (sold * w * 2 + total) / (total * 2);
    int c_held = ((sold + held) * w * 2 + total) / (total * 2) - c_sold;
    if (sold > 0 && c_sold == 0)
        c_sold = 1;
    if (held > 0 && c_held == 0)
        c_held = 1;
    int keep_free = free > 0 ? 1 : 0;
    while (c_sold + c_held > w - keep_free && (c_sold > 1 || c_held > 1)) {
        if (c_sold >= c_held)
            c_sold--;
        else
            c_held--;
    }
    static const char *const glyph[2][3] = {{"#", "+", "."}, {"\u2588", "\u2592", "\u00b7"}};
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < w; i++) {
        const char *g = glyph[utf8][i < c_sold ? 0 : i < c_sold + c_held ? 1 : 2];
        size_t k = strlen(g);
        if (n + k >= outsz)
            break;
        memcpy(out + n, g, k);
        n += k;
        out[n] = '\0';
    }
}

void adm_stack_bar(int y, int x, int w, int sold, int held, int free)
{
    char buf[512];
    adm_stack_text(buf, sizeof buf, w, sold, held, free, tx_utf8());
    wg_text(y, x, w, buf, WG_NORMAL);
}

/* ---- dialogs ----------------------------------------------------------- */

typedef struct {
    void *owner;
    const app_screen_ops *owner_ops;
    char question[256];
    bool number, code; /* neither (nor check): a yes/no */
    int64_t lo, hi, ctx;
    adm_answer_fn fn;
    adm_text_fn text_fn; /* code, or text with check */
    adm_check_fn check;  /* free text: says what is wrong, or NULL */
    const char *why;     /* check's last answer */
    char buf[40];
    bool bad;
} adm_ask;

#define ADM_CODE_MAX 15 /* "TK-XXXX-XXXX" and a little slack */

static void ask_push(app *a, adm_ask *q, void *owner, const app_screen_ops *owner_ops,
                     const char *question, int64_t ctx, adm_answer_fn fn)
{
    q->owner = owner;
    q->owner_ops = owner_ops;
    snprintf(q->question, sizeof q->question, "%s", question);
    q->ctx = ctx;
    q->fn = fn;
    app_push(a, &adm_ask_ops, q);
}

void adm_ask_number(app *a, void *owner, const app_screen_ops *owner_ops, const char *question,
                    int64_t lo, int64_t hi, int64_t ctx, adm_answer_fn fn)
{
    adm_ask *q = calloc(1, sizeof *q);
    if (!q)
        return;
    q->number = true;
    q->lo = lo;
    q->hi = hi;
    ask_push(a, q, owner, owner_ops, question, ctx, fn);
}

void adm_ask_yes(app *a, void *owner, const app_screen_ops *owner_ops, const char *question,
                 int64_t ctx, adm_answer_fn fn)
{
    adm_ask *q = calloc(1, sizeof *q);
    if (q)
        ask_push(a, q, owner, owner_ops, question, ctx, fn);
}

void adm_ask_code(app *a, void *owner, const app_screen_ops *owner_ops, const char *question,
                  adm_text_fn fn)
{
    adm_ask *q = calloc(1, sizeof *q);
    if (!q)
        return;
    q->code = true;
    q->text_fn = fn;
    ask_push(a, q, owner, owner_ops, question, 0, NULL);
}

void adm_ask_text(app *a, void *owner, const app_screen_ops *owner_ops, const char *question,
                  adm_check_fn check, adm_text_fn fn)
{
    adm_ask *q = calloc(1, sizeof *q);
    if (!q)
        return;
    q->check = check;
    q->text_fn = fn;
    ask_push(a, q, owner, owner_ops, question, 0, NULL);
}

/* Accepts the number if it parses and is in range (a code if not empty,
 * a text if its check passes); else marks it bad. */
static void ask_accept(app *a, adm_ask *q)
{
    if (q->code || q->check) {
        if (!q->buf[0] || (q->check && (q->why = q->check(q->buf)) != NULL)) {
            q->bad = true;
            return;
        }
        app_pop(a); /* q lives until the screen stack settles */
        q->text_fn(a, q->owner, q->buf);
        return;
    }
    char *end;
    long long v = strtoll(q->buf, &end, 10);
    if (!q->buf[0] || *end || v < q->lo || v > q->hi) {
        q->bad = true;
        return;
    }
    app_pop(a);
    q->fn(a, q->owner, q->ctx, v);
}

const char *adm_ask_question(const void *st) { return ((const adm_ask *)st)->question; }

static bool ask_typed(const adm_ask *q) { return q->number || q->code || q->check; }

static int act_yes(app *a, void *st, int key)
{
    adm_ask *q = st;
    app_pop(a);
    q->fn(a, q->owner, q->ctx, 1);
    return APP_DONE;
}

static int act_accept(app *a, void *st, int key)
{
    adm_ask *q = st;
    q->bad = false;
    ask_accept(a, q);
    return APP_DONE;
}

static const km_binding ask_keys_typed[] = {
    {{ADM_KEY_ENTER, '\n', KEY_ENTER}, act_accept, "Enter", A_H_OK, KM_BAR, 0},
    {{ADM_KEY_ESC}, app_act_pop, "Esc", A_H_CANCEL, KM_BAR, 0},
};
/* The capitals are the same answers, for caps lock: not worth a line. */
static const km_binding ask_keys_yes[] = {
    {{'y'}, act_yes, "y", A_H_YES, KM_BAR, 0},
    {{'n'}, app_act_pop, "n", A_H_NO, KM_BAR, 0},
    {{ADM_KEY_ESC}, app_act_pop, "Esc", A_H_CANCEL, KM_HELP, 0},
    {{'Y'}, act_yes, "Y", A_H_YES, KM_HIDDEN, 0},
    {{'N'}, app_act_pop, "N", A_H_NO, KM_HIDDEN, 0},
};

static int ask_keys_fn(void *st, const km_binding **out)
{
    if (ask_typed(st)) {
        *out = ask_keys_typed;
        return (int)(sizeof ask_keys_typed / sizeof *ask_keys_typed);
    }
    *out = ask_keys_yes;
    return (int)(sizeof ask_keys_yes / sizeof *ask_keys_yes);
}

/* The field's keys; a confirmation swallows every key no row has. */
static int ask_key(app *a, void *st, int key)
{
    adm_ask *q = st;
    if (!ask_typed(q))
        return APP_DONE;
    size_t len = strlen(q->buf);
    q->bad = false;
    if ((key == KEY_BACKSPACE || key == 127 || key == 8) && len > 0)
        q->buf[len - 1] = '\0';
    else if (key == 21) /* ^U clears, as in the kiosk */
        q->buf[0] = '\0';
    else if (key >= '0' && key <= '9' && len + 1 < sizeof q->buf)
        q->buf[len] = (char)key, q->buf[len + 1] = '\0';
    else if (q->code && key < 128 && (isalpha(key) || key == '-') && len < ADM_CODE_MAX)
        q->buf[len] = (char)key, q->buf[len + 1] = '\0';
    else if (q->check && key > ' ' && key < 127 && key != '?' && len + 1 < sizeof q->buf)
        q->buf[len] = (char)key, q->buf[len + 1] = '\0';
    else if (key == '?')
        return APP_PASS;
    return APP_DONE;
}

static void ask_draw(app *a, void *st, const wg_rect *r)
{
    adm_ask *q = st;
    if (q->owner_ops && q->owner_ops->draw)
        q->owner_ops->draw(a, q->owner, r); /* the dialog floats over its screen */
    int w = r->w - 8 < 70 ? r->w - 8 : 70;
    bool typed = ask_typed(q);
    int h = typed ? 6 : 4;
    int y = r->y + (r->h - h) / 2, x = r->x + (r->w - w) / 2;
    wg_clear(y, x, h, w);
    wg_box(y, x, h, w, NULL);
    wg_text(y + 1, x + 2, w - 4, q->question, WG_HEAD);
    if (!typed)
        return;
    char line[48];
    snprintf(line, sizeof line, "> %s_", q->buf);
    wg_text(y + 2, x + 2, w - 4, line, WG_NORMAL);
    if (q->bad)
        wg_text(y + 3, x + 2, w - 4,
                q->why ? q->why : tx(q->code ? A_P_CODE : q->check ? A_P_TEXT : A_P_NUMBER),
                WG_BAD);
}

const app_screen_ops adm_ask_ops = {
    .name = "admin-ask",
    .keys = ask_keys_fn,
    .key = ask_key,
    .draw = ask_draw,
    .free = free,
    .about = A_AB_ASK,
};
