/* tui/gate/gate.c -- `kiosk --gate`: flags, the staff key, the app. See
 * gate.h for the screen. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tui/console/console.h"
#include "tui/gate/gate.h"
#include "tui/net/client.h"
#include "tui/ui/text.h"

#define GATE_DEFAULT_KEY "var/admin.key"

typedef struct {
    console_flags base;      /* --rpc, --events, --admin-key-file, --lang */
    const char *gate_name;   /* --gate-name */
    int64_t date_id;         /* --date */
} gate_opts;

/* The gate's own flags, for console_flags_parse. */
static bool gate_flag(void *ctx, const char *flag, const char *v)
{
    gate_opts *o = ctx;
    char *end;
    if (!strcmp(flag, "--gate-name") && strlen(v) <= 32) {
        o->gate_name = v; /* the server checks it is printable */
        return true;
    }
    return !strcmp(flag, "--date") && (o->date_id = strtoll(v, &end, 10)) > 0 && !*end;
}

static int gate_args(int argc, char **argv, gate_opts *o)
{
    o->gate_name = NULL;
    o->date_id = 0;
    return console_flags_parse(argc, argv, "--gate", GATE_DEFAULT_KEY, &o->base, gate_flag, o);
}

int gate_main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    gate_opts o;
    int rc = gate_args(argc, argv, &o);
    tx_set_lang(o.base.lang);
    if (rc) {
        fprintf(rc > 0 ? stdout : stderr, "%s\n", tx(G_USAGE));
        return rc > 0 ? 0 : 2;
    }
    /* The gate role's key or an admin's; for now the admin key file. */
    app *a = console_staff_app(o.base.rpc, o.base.events, o.base.key_file, tx(G_TITLE), "kiosk --gate", &rc);
    if (!a)
        return rc;
    gt_options go = {o.gate_name, o.date_id};
    app_push(a, &gt_screen_ops, gt_screen_new(&go));
    rc = app_run(a);
    app_free(a);
    return rc;
}
