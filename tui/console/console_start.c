/* tui/console/console_start.c -- the console's first screen: whose key is
 * this (admin.whoami, issue 17)? The answer decides what is offered: an
 * admin gets the dashboard (and from it the counter and the reports), a
 * cashier the counter only, a gate key is told the gate runs in `kiosk
 * --gate`. A server without admin.whoami (METHOD_NOT_FOUND) knows only the
 * admin key, so the dashboard; a refused key goes to the dashboard too,
 * which says what is wrong with it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "tui/console/console_int.h"
#include "tui/ui/widgets.h"

typedef struct {
    bool gate; /* a gate key: nothing here for it */
} adm_start;

void *adm_start_new(void) { return calloc(1, sizeof(adm_start)); }

void adm_key_refused_text(app *a, char *out, size_t n)
{
    const char *f = adm_get(a)->key_file;
    snprintf(out, n, tx(A_S_BAD_KEY), f ? f : "?");
}

static void start_enter(app *a, void *st)
{
    app_call(a, st, "admin.whoami", NULL, ADM_TAG_WHOAMI);
}

static void start_reply(app *a, void *st, int tag, const app_reply *r)
{
    adm_console *c = adm_get(a);
    char role[16] = "";
    if (r->offline) { /* asked again when the server is back (resync) */
        return;
    }
    if (r->err == TK_FORBIDDEN) {
        /* Said here once, naming the file read; the dashboard below
         * shows it in place of its table and does not say it again for
         * each of its own calls (the actions the operator tries still
         * say theirs). */
        c->key_refused = true;
        adm_bad(a, tx(A_S_BAD_KEY), c->key_file ? c->key_file : "?");
        app_flash(a, ""); /* the dashboard's table place says it: once */
    } else if (!r->err && r->result) {
        adm_str(r->result, "name", c->staff, sizeof c->staff);
        adm_str(r->result, "role", role, sizeof role);
        c->role = !strcmp(role, "cashier") ? ADM_ROLE_CASHIER
                  : !strcmp(role, "gate")  ? ADM_ROLE_GATE
                                           : ADM_ROLE_ADMIN;
    }
    adm_title(a);
    if (c->role == ADM_ROLE_GATE)
        ((adm_start *)st)->gate = true;
    else if (c->role == ADM_ROLE_CASHIER)
        app_replace(a, &adm_cash_ops, adm_cash_new());
    else
        app_replace(a, &adm_dash_ops, adm_dash_new());
}

static void start_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0 && !((adm_start *)st)->gate)
        start_enter(a, st);
}

static int act_quit(app *a, void *st, int key)
{
    app_quit(a);
    return APP_DONE;
}

static const km_binding start_keys[] = {
    {{'q'}, act_quit, "q", T_H_QUIT, KM_BAR, 0},
    ADM_KEY_LANG_ROW(KM_HELP),
};

KM_TABLE_FN(start_keys_fn, start_keys)

static void start_draw(app *a, void *st, const wg_rect *r)
{
    const adm_start *s = st;
    wg_text(r->y + 1, r->x + 2, r->w - 4, tx(s->gate ? A_S_GATE_KEY : A_S_WHOAMI),
            s->gate ? WG_WARN : WG_DIM);
}

const app_screen_ops adm_start_ops = {
    .name = "admin-start",
    .enter = start_enter,
    .keys = start_keys_fn,
    .reply = start_reply,
    .resync = start_resync,
    .draw = start_draw,
    .free = free,
    .about = A_AB_START,
};
