/* tui/console/console_formview.c -- the screen around admin_forms.c: new concert,
 * new date. Keys arrive as bytes (curses getch), so typed UTF-8 (Hangul
 * from an input method) is put together here before it reaches the form.
 * After a concert is created, the date form opens with its id filled in;
 * the date form names the concert its id stands for, when it can. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/console/console_int.h"
#include "tui/console/console_forms.h"
#include "tui/ui/widgets.h"

typedef struct {
    adm_form f;
    uint32_t cp;       /* code point being assembled */
    int need;          /* continuation bytes still expected */
    bool sending;
    char server_err[320];
    /* The concert the date form was opened for right after creating it:
     * it has no date yet, so the dashboard cannot name it. */
    int64_t new_concert;
    char new_concert_name[2 * ADM_FIELD_CAP + 8];
    char new_concert_tz[TZ_NAME_MAX + 1];
} adm_formview;

static void *form_new(adm_form_kind kind)
{
    adm_formview *v = calloc(1, sizeof *v);
    if (v)
        adm_form_init(&v->f, kind);
    return v;
}

void *adm_form_new_concert(void) { return form_new(ADM_FORM_CONCERT); }

void *adm_form_new_date(int64_t concert_id)
{
    adm_formview *v = form_new(ADM_FORM_DATE);
    if (v && concert_id > 0) {
        snprintf(v->f.val[ADM_DF_CONCERT], ADM_FIELD_CAP, "%lld", (long long)concert_id);
        v->f.focus = ADM_DF_STARTS;
    }
    return v;
}

/* One byte of UTF-8; a complete code point goes into the form. */
static void form_byte(adm_formview *v, int b)
{
    if (v->need > 0 && (b & 0xC0) == 0x80) {
        v->cp = (v->cp << 6) | (uint32_t)(b & 0x3F);
        if (--v->need == 0)
            adm_form_insert(&v->f, v->cp);
        return;
    }
    v->need = 0; /* a broken sequence is dropped */
    if (b < 0x80)
        adm_form_insert(&v->f, (uint32_t)b);
    else if ((b & 0xE0) == 0xC0)
        v->cp = (uint32_t)(b & 0x1F), v->need = 1;
    else if ((b & 0xF0) == 0xE0)
        v->cp = (uint32_t)(b & 0x0F), v->need = 2;
    else if ((b & 0xF8) == 0xF0)
        v->cp = (uint32_t)(b & 0x07), v->need = 3;
}

static const char *concert_zone(app *a, const adm_formview *v);

static void form_submit(app *a, adm_formview *v)
{
    cJSON *p = NULL;
    v->server_err[0] = '\0';
    snprintf(v->f.zone, sizeof v->f.zone, "%s", concert_zone(a, v));
    if (adm_form_submit(&v->f, clock_wall_ms(), &p) != ADM_FORM_OK)
        return; /* the error line says why; nothing was sent */
    v->sending = true;
    app_call(a, v, adm_form_method(&v->f), p, ADM_TAG_CREATE);
}

static void form_reply(app *a, void *st, int tag, const app_reply *r)
{
    adm_formview *v = st;
    v->sending = false;
    int64_t id = 0;
    const char *field = v->f.kind == ADM_FORM_CONCERT ? "concert_id" : "date_id";
    if (r->err || jv_get_int(r->result, field, 1, JV_INT_MAX, &id) != JV_OK) {
        adm_fail_text(v->server_err, sizeof v->server_err, adm_form_method(&v->f), r);
        adm_fail(a, adm_form_method(&v->f), r);
        return;
    }
    adm_dash_poll_now(a);
    if (v->f.kind == ADM_FORM_CONCERT) {
        adm_ok(a, tx(A_R_CONCERT), (long long)id);
        adm_formview *d = adm_form_new_date(id);
        if (d) {
            d->new_concert = id;
            snprintf(d->new_concert_name, sizeof d->new_concert_name, "%s @ %s",
                     v->f.val[ADM_CF_TITLE], v->f.val[ADM_CF_VENUE]);
            snprintf(d->new_concert_tz, sizeof d->new_concert_tz, "%.64s",
                     v->f.val[ADM_CF_TZ][0] ? v->f.val[ADM_CF_TZ] : tx_zone());
        }
        app_replace(a, &adm_form_ops, d);
    } else {
        adm_ok(a, tx(A_R_DATE), (long long)id);
        app_pop(a);
    }
}

/* One request at a time: while one is out, keys but Esc wait for it. */
static int act_submit(app *a, void *st, int key)
{
    adm_formview *v = st;
    if (!v->sending)
        form_submit(a, v);
    return APP_DONE;
}

static int act_field(app *a, void *st, int key)
{
    adm_formview *v = st;
    if (!v->sending)
        adm_form_focus(&v->f, key == KEY_BTAB || key == KEY_UP ? -1 : 1);
    return APP_DONE;
}

static const km_binding form_keys[] = {
    {{ADM_KEY_TAB}, act_field, "Tab", A_H_FIELD, KM_BAR, 0},
    {{ADM_KEY_ENTER, '\n', KEY_ENTER}, act_submit, "Enter", A_H_SUBMIT, KM_BAR, 0},
    {{ADM_KEY_ESC}, app_act_pop, "Esc", A_H_CANCEL, KM_BAR, 0},
    {{KEY_DOWN}, act_field, "\u2193", A_H_FIELD, KM_HELP, 0},
    {{KEY_BTAB, KEY_UP}, act_field, "S-Tab \u2191", A_H_PREV_FIELD, KM_HELP, 0},
};

KM_TABLE_FN(form_keys_fn, form_keys)

/* Whether '?' is text in the focused field: only in a concert's title and
 * venue, where it may be part of the name ("Who Are You?"); elsewhere (a
 * zone, times, prices, a concert id) it opens the help, as on every
 * screen (F1 does everywhere). */
static bool form_takes_qmark(const adm_form *f)
{
    return f->kind == ADM_FORM_CONCERT && (f->focus == ADM_CF_TITLE || f->focus == ADM_CF_VENUE);
}

/* The field's editing keys; every other character is text here ('L' too). */
static int form_key(app *a, void *st, int key)
{
    adm_formview *v = st;
    if (key == '?' && !form_takes_qmark(&v->f)) {
        return APP_PASS;
    } else if (v->sending) {
        /* keys wait for the answer */
    } else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        adm_form_backspace(&v->f);
    } else if (key == 21) { /* ^U clears the field, as in the kiosk */
        v->f.val[v->f.focus][0] = '\0';
    } else if (key >= 0x20 && key <= 0xFF && key != 0x7F) {
        form_byte(v, key);
    } else {
        return APP_PASS;
    }
    return APP_DONE;
}


/* ---- drawing ----------------------------------------------------------- */

static const int labels[2][ADM_FORM_FIELDS] = {
    {A_F_TITLE, A_F_VENUE, A_F_TZ, 0},
    {A_F_CONCERT_ID, A_F_STARTS, A_F_ONSALE, A_F_PRICES},
};
/* A help with a %s names a zone: the server's (tz) or the concert's (times). */
static const int helps[2][ADM_FORM_FIELDS] = {
    {0, 0, A_F_HELP_TZ, 0},
    {0, A_F_HELP_STARTS, A_F_HELP_ONSALE, A_F_HELP_PRICES},
};

static void form_error(const adm_form *f, char *out, size_t outsz)
{
    static const int text[ADM_FORM_ERR_COUNT] = {
        [ADM_FORM_TITLE_EMPTY] = A_E_TITLE_EMPTY,     [ADM_FORM_VENUE_EMPTY] = A_E_VENUE_EMPTY,
        [ADM_FORM_TEXT_LONG] = A_E_TEXT_LONG,         [ADM_FORM_TEXT_BAD] = A_E_TEXT_BAD,
        [ADM_FORM_CONCERT_BAD] = A_E_CONCERT_BAD,     [ADM_FORM_START_FORMAT] = A_E_START_FORMAT,
        [ADM_FORM_START_PAST] = A_E_START_PAST,       [ADM_FORM_ONSALE_FORMAT] = A_E_ONSALE_FORMAT,
        [ADM_FORM_ONSALE_LATE] = A_E_ONSALE_LATE,     [ADM_FORM_PRICE_SYNTAX] = A_E_PRICE_SYNTAX,
        [ADM_FORM_PRICE_SEAT] = A_E_PRICE_SEAT,       [ADM_FORM_PRICE_VALUE] = A_E_PRICE_VALUE,
        [ADM_FORM_PRICE_TWICE] = A_E_PRICE_TWICE,     [ADM_FORM_PRICE_MISSING] = A_E_PRICE_MISSING,
        [ADM_FORM_TZ_BAD] = A_E_TZ_BAD,               [ADM_FORM_START_NONE] = A_E_START_NONE,
    };
    out[0] = '\0';
    if (f->err > ADM_FORM_OK && f->err < ADM_FORM_ERR_COUNT)
        snprintf(out, outsz, tx((tx_id)text[f->err]), f->where);
}

/* "title @ venue" of the concert the date form's id names, when the
 * console knows it; NULL otherwise (the server checks the id anyway). */
static const char *concert_name(app *a, const adm_formview *v, char *out, size_t n)
{
    char *end;
    long long id = strtoll(v->f.val[ADM_DF_CONCERT], &end, 10);
    if (!v->f.val[ADM_DF_CONCERT][0] || *end || id < 1)
        return NULL;
    if (id == v->new_concert)
        return v->new_concert_name;
    const adm_model *m = &adm_get(a)->m;
    for (int i = 0; i < m->ndates; i++)
        if (m->dates[i].concert_id == id) {
            snprintf(out, n, "%s @ %s", m->dates[i].title, m->dates[i].venue);
            return out;
        }
    return NULL;
}

/* Venue time: the zone the concert's times are typed in, as far as the
 * console knows it (a date of it on the dashboard, the concert just made),
 * else the server's. The server reads them in the concert's own. */
static const char *concert_zone(app *a, const adm_formview *v)
{
    char *end;
    long long id = strtoll(v->f.val[ADM_DF_CONCERT], &end, 10);
    if (v->f.kind != ADM_FORM_DATE || !v->f.val[ADM_DF_CONCERT][0] || *end || id < 1)
        return tx_zone();
    if (id == v->new_concert && v->new_concert_tz[0])
        return v->new_concert_tz;
    const adm_model *m = &adm_get(a)->m;
    for (int i = 0; i < m->ndates; i++)
        if (m->dates[i].concert_id == id && m->dates[i].tz[0])
            return m->dates[i].tz;
    return tx_zone();
}

/* The line under field i: what a typed time means in venue time ("→
 * 2030-03-01 19:00 KST"), else the field's help. */
static void field_note(app *a, const adm_formview *v, int i, char *out, size_t n)
{
    int k = v->f.kind == ADM_FORM_CONCERT ? 0 : 1;
    const char *zone = k ? concert_zone(a, v) : tx_zone();
    int64_t ms;
    out[0] = '\0';
    if (k && (i == ADM_DF_STARTS || i == ADM_DF_ONSALE) && v->f.val[i][0] &&
        tz_parse(zone, v->f.val[i], &ms) == TZ_OK) {
        char when[48];
        tx_when_ms(when, sizeof when, ms, zone, NULL);
        snprintf(out, n, "\u2192 %s", when);
    } else if (helps[k][i]) {
        snprintf(out, n, tx((tx_id)helps[k][i]), zone);
    }
}

static void form_draw(app *a, void *st, const wg_rect *r)
{
    adm_formview *v = st;
    const adm_form *f = &v->f;
    int k = f->kind == ADM_FORM_CONCERT ? 0 : 1;
    int x = r->x + 2, w = r->w - 4, y = r->y;
    wg_text(y, x, w, tx(k ? A_F_DATE : A_F_CONCERT), WG_HEAD);
    y += 2;
    int lw = 14;
    for (int i = 0; i < f->nfields; i++, y += 3) {
        bool on = i == f->focus;
        wg_text(y, x, lw, tx((tx_id)labels[k][i]), i == f->err_field ? WG_BAD : WG_HEAD);
        char buf[ADM_FIELD_CAP + 2];
        snprintf(buf, sizeof buf, "%s%s", f->val[i], on ? "_" : "");
        int vw = w - lw;
        int cols = tx_width(buf);
        /* the end of a long value stays in view while typing */
        const char *show = buf;
        while (cols > vw && *show) {
            show++;
            while ((*show & 0xC0) == 0x80)
                show++;
            cols = tx_width(show);
        }
        wg_text(y, x + lw, vw, show, on ? WG_CURSOR : WG_NORMAL);
        char name[2 * ADM_FIELD_CAP + 8];
        const char *named = k && i == ADM_DF_CONCERT ? concert_name(a, v, name, sizeof name) : NULL;
        char note[320];
        field_note(a, v, i, note, sizeof note);
        if (named)
            wg_text(y + 1, x + lw, vw, named, WG_DIM);
        else if (note[0])
            wg_text(y + 1, x + lw, vw, note, WG_DIM);
    }
    char err[320];
    form_error(f, err, sizeof err);
    if (v->sending)
        wg_text(y, x, w, tx(A_F_SENDING), WG_DIM);
    else if (err[0])
        wg_text(y, x, w, err, WG_BAD);
    else if (v->server_err[0])
        wg_text(y, x, w, v->server_err, WG_BAD);
}

const app_screen_ops adm_form_ops = {
    .name = "admin-form",
    .keys = form_keys_fn,
    .key = form_key,
    .reply = form_reply,
    .draw = form_draw,
    .free = free,
    .about = A_AB_FORM,
};
