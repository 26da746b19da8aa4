/* tui/gate/gate.c -- `kiosk --gate`: flags, the staff key, the app. See
 * gate.h for the screen. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/retry.h"
#include "common/util.h"
#include "tui/console/console.h"
#include "tui/gate/gate.h"
#include "tui/net/client.h"
#include "tui/ui/text.h"

#define GATE_DEFAULT_KEY "var/admin.key"

typedef struct {
    const char *rpc, *events, *key_file, *gate_name;
    int64_t date_id;
    tx_lang lang;
} gate_opts;

/* 0 ok, 1 help, -1 usage error. --gate itself is skipped wherever it is. */
static int gate_args(int argc, char **argv, gate_opts *o)
{
    *o = (gate_opts){CL_DEFAULT_RPC, CL_DEFAULT_EVENTS, GATE_DEFAULT_KEY, NULL, 0,
                     tx_lang_from_env()};
    for (int i = 1; i < argc; i++) {
        const char *f = argv[i];
        if (!strcmp(f, "--gate"))
            continue;
        if (!strcmp(f, "--help") || !strcmp(f, "-h"))
            return 1;
        if (i + 1 >= argc)
            return -1;
        const char *v = argv[++i];
        char *end;
        if (!strcmp(f, "--rpc"))
            o->rpc = v;
        else if (!strcmp(f, "--events"))
            o->events = v;
        else if (!strcmp(f, "--admin-key-file"))
            o->key_file = v;
        else if (!strcmp(f, "--gate-name") && strlen(v) <= 32)
            o->gate_name = v; /* the server checks it is printable */
        else if (!strcmp(f, "--date") && (o->date_id = strtoll(v, &end, 10)) > 0 && !*end)
            continue;
        else if (strcmp(f, "--lang") || !tx_parse_lang(v, &o->lang))
            return -1;
    }
    rt_urls u; /* one URL per node, comma-separated */
    return rt_urls_parse(&u, o->rpc) || rt_urls_parse(&u, o->events) ? -1 : 0;
}

int gate_main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    gate_opts o;
    int rc = gate_args(argc, argv, &o);
    tx_set_lang(o.lang);
    if (rc) {
        fprintf(rc > 0 ? stdout : stderr, "%s\n", tx(G_USAGE));
        return rc > 0 ? 0 : 2;
    }
    /* The gate role's key or an admin's; for now the admin key file. */
    app *a = console_staff_app(o.rpc, o.events, o.key_file, tx(G_TITLE), "kiosk --gate", &rc);
    if (!a)
        return rc;
    gt_options go = {o.gate_name, o.date_id};
    app_push(a, &gt_screen_ops, gt_screen_new(&go));
    rc = app_run(a);
    app_free(a);
    return rc;
}
