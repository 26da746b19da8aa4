/* tui/console/console.c -- `kiosk --admin`: flags, the admin key, the app, and the
 * pieces every console screen shares (results, the language key). */
#include "tui/console/console.h"

#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/retry.h"
#include "common/util.h"
#include "tui/console/console_int.h"
#include "tui/net/client.h"
#include "tui/net/link.h"
#include "tui/ui/text.h"

#define CONSOLE_DEFAULT_KEY "var/admin.key"
#define CONSOLE_POLL_MS 1500

adm_console *adm_get(app *a) { return app_model(a); }

bool adm_role_allows(app *a, int roles)
{
    adm_console *c = adm_get(a);
    return c && (c->role & roles) != 0;
}

void adm_title(app *a)
{
    adm_console *c = adm_get(a);
    if (!c || !c->staff[0]) {
        app_set_title(a, tx(A_TITLE));
        return;
    }
    snprintf(c->title, sizeof c->title, tx(A_TITLE_WHO), tx(A_TITLE), c->staff,
             tx(c->role == ADM_ROLE_CASHIER ? A_ROLE_CASHIER
                : c->role == ADM_ROLE_GATE  ? A_ROLE_GATE
                                            : A_ROLE_ADMIN));
    app_set_title(a, c->title); /* the app keeps the pointer */
}

void adm_str(const cJSON *o, const char *name, char *out, size_t cap)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    snprintf(out, cap, "%s", cJSON_IsString(it) ? it->valuestring : "");
}

int adm_open_cashier(app *a, void *st, int key)
{
    app_push(a, &adm_cash_ops, adm_cash_new());
    return APP_DONE;
}

int adm_open_report(app *a, void *st, int key)
{
    app_push(a, &adm_report_ops, adm_report_new(false));
    return APP_DONE;
}

/* ---- results ----------------------------------------------------------- */

static void set_last(app *a, const char *text, const char *other, bool bad)
{
    adm_console *c = adm_get(a);
    if (c) {
        snprintf(c->last, sizeof c->last, "%s", text);
        snprintf(c->last_other, sizeof c->last_other, "%s", other);
        c->last_bad = bad;
    }
    app_flash(a, text);
}

static tx_lang other_lang(void) { return tx_get_lang() == TX_KO ? TX_EN : TX_KO; }

/* The message in both languages, so L can show the last action in the
 * new one: fmt is a tx() string (or "%s" and one), found again in the
 * other language's table. An argument that is itself a tx() string stays
 * in the language it was said in. */
static void say(app *a, bool bad, const char *fmt, va_list ap)
{
    char buf[320], other[320];
    va_list cp;
    va_copy(cp, ap);
    int id = tx_find(fmt), arg = -1;
    if (id < 0 && !strcmp(fmt, "%s")) {
        va_list peek;
        va_copy(peek, ap);
        arg = tx_find(va_arg(peek, const char *));
        va_end(peek);
    }
    vsnprintf(buf, sizeof buf, fmt, ap);
    tx_lang cur = tx_get_lang();
    tx_set_lang(other_lang());
    if (arg >= 0)
        snprintf(other, sizeof other, "%s", tx((tx_id)arg));
    else
        vsnprintf(other, sizeof other, id >= 0 ? tx((tx_id)id) : fmt, cp);
    tx_set_lang(cur);
    va_end(cp);
    set_last(a, buf, other, bad);
}

void adm_ok(app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(a, false, fmt, ap);
    va_end(ap);
}

void adm_bad(app *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(a, true, fmt, ap);
    va_end(ap);
}

void adm_fail_text(char *out, size_t outsz, const char *method, const app_reply *r)
{
    if (r->offline) {
        snprintf(out, outsz, tx(A_R_OFFLINE), method);
        return;
    }
    char detail[200];
    const char *field = NULL;
    if (r->err == TK_FORBIDDEN)
        snprintf(detail, sizeof detail, "%s", tx(A_R_FORBIDDEN));
    else if (r->data && jv_get_str(r->data, "field", 64, &field) == JV_OK)
        snprintf(detail, sizeof detail, "%s: %s", field, r->message ? r->message : "");
    else
        snprintf(detail, sizeof detail, "%s", r->message ? r->message : "");
    snprintf(out, outsz, tx(A_R_ERROR), method, tk_err_reason(r->err), detail);
}

void adm_fail(app *a, const char *method, const app_reply *r)
{
    char buf[320], other[320];
    adm_fail_text(buf, sizeof buf, method, r);
    tx_lang cur = tx_get_lang();
    tx_set_lang(other_lang());
    adm_fail_text(other, sizeof other, method, r);
    tx_set_lang(cur);
    set_last(a, buf, other, true);
}

/* ---- key tables -------------------------------------------------------- */

int adm_act_lang(app *a, void *st, int key)
{
    adm_console *c = adm_get(a);
    tx_set_lang(other_lang());
    adm_title(a);
    if (c && c->last_other[0]) { /* the last action, said in the new language */
        char t[sizeof c->last];
        memcpy(t, c->last, sizeof t);
        memcpy(c->last, c->last_other, sizeof t);
        memcpy(c->last_other, t, sizeof t);
    }
    return APP_DONE;
}

/* ---- main -------------------------------------------------------------- */

int console_flags_parse(int argc, char **argv, const char *self, const char *default_key,
                        console_flags *f, bool (*extra)(void *ctx, const char *flag, const char *v),
                        void *ctx)
{
    *f = (console_flags){CL_DEFAULT_RPC, CL_DEFAULT_EVENTS, default_key, tx_lang_from_env()};
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        if (!strcmp(flag, self))
            continue;
        if (!strcmp(flag, "--help") || !strcmp(flag, "-h"))
            return 1;
        if (i + 1 >= argc)
            return -1;
        const char *v = argv[++i];
        if (!strcmp(flag, "--rpc"))
            f->rpc = v;
        else if (!strcmp(flag, "--events"))
            f->events = v;
        else if (!strcmp(flag, "--admin-key-file"))
            f->key_file = v;
        else if (!strcmp(flag, "--lang")) {
            if (!tx_parse_lang(v, &f->lang))
                return -1;
        } else if (!extra || !extra(ctx, flag, v))
            return -1;
    }
    rt_urls u; /* one URL per node, comma-separated */
    return rt_urls_parse(&u, f->rpc) || rt_urls_parse(&u, f->events) ? -1 : 0;
}

/* The key is the file's content with trailing whitespace trimmed (the
 * server reads it the same way). Returns 0, or -1 with a message printed. */
static int console_key(const char *path, char key[ADMIN_KEY_MAX + 1])
{
    if (admin_key_read(path, key) == 0)
        return 0;
    if (errno == ENODATA)
        fprintf(stderr, tx(A_KEY_EMPTY), path);
    else if (errno == E2BIG)
        fprintf(stderr, tx(A_KEY_TOO_LONG), path, ADMIN_KEY_MAX);
    else
        fprintf(stderr, tx(A_KEY_FILE_ERR), path, strerror(errno));
    fputc('\n', stderr);
    return -1;
}

app *console_staff_app(const char *rpc, const char *events, const char *key_file,
                       const char *title, const char *prog, int *rc)
{
    char key[ADMIN_KEY_MAX + 1];
    *rc = 2;
    if (console_key(key_file, key))
        return NULL;
    tk_err err = TK_OK;
    cl_client *cl = cl_new(rpc, events, &err);
    if (!cl) {
        fprintf(stderr, "%s: %s: %s\n", prog, rpc, tk_err_reason(err));
        return NULL;
    }
    cl_set_admin_key(cl, key);
    app_config cfg = {.title = title, .kiosk = false};
    app *a = app_new(&cfg);
    *rc = 1;
    if (!a || !link_attach(a, cl))
        return NULL;
    /* cl is never freed, as in tui/main.c: nng_close can wedge (nng #1543) */
    return a;
}

int console_main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    console_flags o;
    int rc = console_flags_parse(argc, argv, "--admin", CONSOLE_DEFAULT_KEY, &o, NULL, NULL);
    tx_set_lang(o.lang);
    if (rc) {
        fprintf(rc > 0 ? stdout : stderr, "%s\n", tx(A_USAGE));
        return rc > 0 ? 0 : 2;
    }
    app *a = console_staff_app(o.rpc, o.events, o.key_file, tx(A_TITLE), "kiosk --admin", &rc);
    if (!a)
        return rc;
    static adm_console con; /* lives as long as the process */
    adm_model_init(&con.m);
    con.poll_ms = CONSOLE_POLL_MS;
    con.role = ADM_ROLE_ADMIN; /* until admin.whoami says otherwise */
    con.key_file = o.key_file;
    app_set_model(a, &con);
    app_subscribe(a, "sales");
    app_subscribe(a, "queue");
    app_subscribe(a, "checkin"); /* the door: checked-in / sold per date */
    app_push(a, &adm_start_ops, adm_start_new());
    rc = app_run(a);
    app_free(a);
    return rc;
}
