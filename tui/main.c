/* tui/main.c -- bin/kiosk: the customer kiosk, or with --admin the operator
 * console (tui/console/console.c), or with --gate the door check-in screen
 * (tui/gate/gate.c); each gets argv as it is.
 *
 *   bin/kiosk [--rpc URL[,URL...]] [--events URL[,URL...]] [--lang ko|en] [--kiosk]
 *             [--idle-seconds N] [--timeout-ms N]
 *   bin/kiosk --probe [--rpc URL]   exit 0 when a server answers (tools/run.sh) */
#include <locale.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/retry.h"
#include "common/util.h"
#include "tui/ui/app.h"
#include "tui/net/client.h"
#include "tui/net/link.h"
#include "tui/console/console.h"
#include "tui/gate/gate.h"
#include "tui/kiosk/kiosk.h"
#include "tui/ui/text.h"

#define KIOSK_VERSION "1.0"

static const char usage[] =
    "usage: kiosk [--rpc URL[,URL...]] [--events URL[,URL...]] [--lang ko|en] [--kiosk]\n"
    "             [--idle-seconds N] [--timeout-ms N]\n"
    "       kiosk --probe [--rpc URL[,URL...]]   (exit 0 when a server answers)\n"
    "       kiosk --admin [--rpc URL[,URL...]] [--events URL[,URL...]] [--admin-key-file FILE]\n"
    "             [--lang ko|en]\n"
    "       kiosk --gate [--gate-name NAME] [--date DATE_ID] [--rpc ...] [--events ...]\n"
    "             [--admin-key-file FILE] [--lang ko|en]   (door check-in)\n"
    "defaults: --rpc " CL_DEFAULT_RPC " --events " CL_DEFAULT_EVENTS "\n"
    "Several URLs: one per ticketd node; all are dialed and the one that leads\n"
    "answers. While none does the kiosk shows \"reconnecting\" and keeps its screen.\n"
    "--kiosk: unattended mode; after --idle-seconds (90) without a key it returns\n"
    "         to the welcome screen and releases holds; no key quits.\n";

typedef struct {
    const char *rpc, *events;
    bool kiosk, probe;
    int idle_s, timeout_ms;
    tx_lang lang;
} kiosk_opts;

/* 0 ok, 1 help/version printed, -1 usage error */
static int parse_args(int argc, char **argv, kiosk_opts *o)
{
    o->lang = tx_lang_from_env();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--kiosk") == 0 || strcmp(a, "--probe") == 0) {
            *(a[2] == 'k' ? &o->kiosk : &o->probe) = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
        if (strcmp(a, "--version") == 0) {
            puts("kiosk " KIOSK_VERSION);
            return 1;
        }
        if (!v)
            return -1;
        i++;
        if (strcmp(a, "--rpc") == 0)
            o->rpc = v;
        else if (strcmp(a, "--events") == 0)
            o->events = v;
        else if (strcmp(a, "--lang") == 0) {
            if (!tx_parse_lang(v, &o->lang))
                return -1;
        } else if (strcmp(a, "--idle-seconds") == 0)
            o->idle_s = atoi(v);
        else if (strcmp(a, "--timeout-ms") == 0)
            o->timeout_ms = atoi(v);
        else
            return -1;
    }
    rt_urls u; /* one URL per node, comma-separated */
    if ((o->rpc && rt_urls_parse(&u, o->rpc)) || (o->events && rt_urls_parse(&u, o->events)))
        return -1;
    return 0;
}

/* Gives the calls made on the way out (hold.release, queue.leave) a moment
 * to leave the socket; the holds would lapse anyway, this is courtesy. */
static void drain(cl_client *cl, int ms)
{
    int64_t end = clock_mono_ms() + ms;
    while (clock_mono_ms() < end) {
        struct pollfd p = {.fd = cl_fd(cl), .events = POLLIN};
        poll(&p, 1, 50);
        cl_poll(cl);
    }
}

static void probe_done(void *ctx, const cl_reply *r) { *(int *)ctx = r->offline ? 1 : 0; }

/* Any answer, even an error, means a server is there. */
static int probe(cl_client *cl)
{
    int rc = -1;
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "user_id", "00000000-0000-4000-8000-000000000000");
    cl_set_timeout(cl, 1000);
    cl_call(cl, "wallet.balance", p, probe_done, &rc);
    int64_t end = clock_mono_ms() + 3000;
    while (rc < 0 && clock_mono_ms() < end) {
        struct pollfd f = {.fd = cl_fd(cl), .events = POLLIN};
        poll(&f, 1, 100);
        cl_poll(cl);
    }
    return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--admin") == 0)
            return console_main(argc, argv);
        else if (strcmp(argv[i], "--gate") == 0)
            return gate_main(argc, argv);
    kiosk_opts o = {0};
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc > 0 ? 0 : (fputs(usage, stderr), 2);
    if (sodium_init() < 0)
        return 1;
    tx_set_lang(o.lang);
    tk_err err = TK_OK;
    cl_client *cl = cl_new(o.rpc, o.events, &err);
    if (!cl) {
        fprintf(stderr, "kiosk: cannot use %s / %s: %s\n", o.rpc ? o.rpc : CL_DEFAULT_RPC,
                o.events ? o.events : CL_DEFAULT_EVENTS, tk_err_reason(err));
        return 2;
    }
    /* On the way out the client is not freed: the process ends anyway,
     * and nng 1.5.2 can wedge in nng_close (nng issue #1543), which would
     * leave a customer at a frozen kiosk after quitting. */
    if (o.probe)
        return probe(cl);
    if (o.timeout_ms > 0)
        cl_set_timeout(cl, o.timeout_ms);
    app_config cfg = {.title = tx(T_APP_TITLE), .kiosk = o.kiosk, .idle_s = o.idle_s};
    app *a = app_new(&cfg);
    if (!a || !link_attach(a, cl))
        return 1;
    static ks_session session;
    app_set_model(a, &session);
    if (o.kiosk) {
        app_on_idle(a, ks_idle);
        app_idle_warn(a, ks_idle_warn);
    }
    ks_set_home_lang(o.lang);
    app_on_lang(a, ks_lang_changed);
    ks_start(a);
    app_run(a);
    if (session.token[0]) {
        ks_logout(a, T_COUNT);
        app_settle(a);
        drain(cl, 300);
    }
    app_free(a);
    return 0; /* cl is not freed: see above */
}
