/* tools/ticketctl.c -- one ticketd call from the shell.
 *
 *   ticketctl [--rpc URL[,URL...]] [--admin-key-file F] [--timeout MS] [--tls-ca F] [--csv]
 *             METHOD [JSON]
 *
 * Prints the result (pretty JSON) on stdout and exits 0. A protocol error
 * prints "REASON: message" (plus data) on stderr and exits 1; usage and
 * transport errors exit 2, so scripts can tell "the server said no" from
 * "the server was not reached". Several URLs (one per ticketd node) are all
 * dialed; a reply lost to a node's death is waited for again from whichever
 * node answers next, by sending the call again when common/retry says that
 * is harmless, and otherwise it exits 3: "outcome unknown". */
#include <errno.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/tls/tls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/json.h"
#include "common/retry.h"
#include "common/rpc.h"
#include "common/util.h"
#include "common/version.h"

#define CTL_DEFAULT_RPC "ipc://var/rpc.sock"
#define CTL_DEFAULT_KEY "var/admin.key"
#define CTL_EXIT_UNSURE 3

typedef struct {
    const char *rpc, *key_file, *tls_ca, *method, *params;
    int timeout_ms;
    bool csv; /* --csv: the result's list as CSV instead of JSON */
    rt_urls urls;
} ctl_opts;

static void ctl_usage(FILE *f)
{
    fprintf(f,
            "usage: ticketctl [--rpc URL[,URL...]] [--admin-key-file FILE] [--timeout MS]\n"
            "                 [--tls-ca FILE] [--csv] METHOD [JSON-params]\n"
            "  --rpc URL[,URL...]    server rpc socket (default %s); several: every\n"
            "                        node's, the one that leads answers\n"
            "  --admin-key-file FILE adds admin_key to the params (admin.* methods\n"
            "                        read %s when it exists)\n"
            "  --timeout MS          reply deadline of each attempt (default 10000)\n"
            "  --tls-ca FILE         CA to verify a tls+tcp:// server (else unverified)\n"
            "  --csv                 print the result's list (admin.report's rows,\n"
            "                        wallet.history's entries, ...) as CSV, a header first\n"
            "A call whose reply was lost is sent again (at most %d times) when that\n"
            "is harmless (reads, and writes by the contract's retry rule); otherwise\n"
            "ticketctl exits 3: the outcome is unknown, look before repeating it.\n"
            "  --help, --version\n"
            "example: ticketctl user.register '{\"name\":\"Kim Minji\"}'\n",
            CTL_DEFAULT_RPC, CTL_DEFAULT_KEY, RT_MAX_ATTEMPTS - 1);
}

/* 0 ok, 1 exit 0 (help), 2 exit 0 (version), -1 usage error. */
static int ctl_args(int argc, char **argv, ctl_opts *o)
{
    *o = (ctl_opts){.rpc = CTL_DEFAULT_RPC, .timeout_ms = 10000};
    /* --csv may come anywhere, also after the params (as in the docs). */
    for (int k = 1; k < argc; k++)
        if (!strcmp(argv[k], "--csv")) {
            o->csv = true;
            memmove(&argv[k], &argv[k + 1], (size_t)(argc - k) * sizeof *argv);
            argc--;
            k--;
        }
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help"))
            return 1;
        if (!strcmp(a, "--version"))
            return 2;
        if (i + 1 >= argc)
            return -1;
        const char *v = argv[++i];
        if (!strcmp(a, "--rpc"))
            o->rpc = v;
        else if (!strcmp(a, "--admin-key-file"))
            o->key_file = v;
        else if (!strcmp(a, "--tls-ca"))
            o->tls_ca = v;
        else if (!strcmp(a, "--timeout") && atoi(v) > 0)
            o->timeout_ms = atoi(v);
        else
            return -1;
    }
    if (i >= argc || argc - i > 2)
        return -1;
    o->method = argv[i];
    o->params = i + 1 < argc ? argv[i + 1] : NULL;
    return rt_urls_parse(&o->urls, o->rpc);
}

/* The key as the server reads it (admin_key_read); NULL if unusable. */
static char *ctl_read_key(const char *path)
{
    char key[ADMIN_KEY_MAX + 1];
    return admin_key_read(path, key) == 0 ? strdup(key) : NULL;
}

/* Parses the params and adds admin_key when one is to be sent. */
static cJSON *ctl_params(const ctl_opts *o)
{
    jc_result why = {0};
    cJSON *p = o->params ? jv_parse_checked(o->params, strlen(o->params), &why)
                         : cJSON_CreateObject();
    if (why.status != JC_OK) { /* the server would refuse it the same way */
        fprintf(stderr, "ticketctl: params are not JSON: %s at byte %zu\n",
                jc_reason(why.status), why.offset);
        return NULL;
    }
    if (!cJSON_IsObject(p)) {
        fprintf(stderr, "ticketctl: params must be a JSON object\n");
        cJSON_Delete(p);
        return NULL;
    }
    const char *kf = o->key_file;
    if (!kf && !strncmp(o->method, "admin.", 6) && access(CTL_DEFAULT_KEY, R_OK) == 0)
        kf = CTL_DEFAULT_KEY;
    if (kf && !cJSON_GetObjectItemCaseSensitive(p, "admin_key")) {
        char *key = ctl_read_key(kf);
        if (!key) {
            fprintf(stderr, "ticketctl: cannot use %s: %s\n", kf,
                    errno == ENODATA ? "the file is empty"
                    : errno == E2BIG ? "the key is longer than 255 bytes"
                                     : strerror(errno));
            cJSON_Delete(p);
            return NULL;
        }
        cJSON_AddStringToObject(p, "admin_key", key);
        free(key);
    }
    return p;
}

static int ctl_dial_one(nng_socket s, const ctl_opts *o, const char *url, int flags)
{
    nng_dialer d;
    int rv = nng_dialer_create(&d, s, url);
    if (rv == 0 && !strncmp(url, "tls+", 4)) {
        nng_tls_config *cfg = NULL;
        rv = nng_tls_config_alloc(&cfg, NNG_TLS_MODE_CLIENT);
        if (rv == 0)
            rv = o->tls_ca ? nng_tls_config_ca_file(cfg, o->tls_ca)
                           : nng_tls_config_auth_mode(cfg, NNG_TLS_AUTH_MODE_NONE);
        if (rv == 0)
            rv = nng_dialer_set_ptr(d, NNG_OPT_TLS_CONFIG, cfg);
        if (cfg)
            nng_tls_config_free(cfg);
    }
    rv = rv ? rv : nng_dialer_start(d, flags);
    if (rv)
        nng_dialer_close(d);
    return rv;
}

/* One URL: dialed at once, so a server that is not there is said at once
 * (as always). Several: the nodes that are not leading refuse, and keep
 * being redialed in the background, so the call reaches whichever leads
 * now or takes over within the deadline. */
static int ctl_dial(nng_socket s, const ctl_opts *o)
{
    int first = 0, dialing = 0;
    for (int i = 0; i < o->urls.n; i++) {
        const char *url = o->urls.urls[i];
        int rv = ctl_dial_one(s, o, url, 0);
        if (rv == 0) {
            dialing++;
            continue;
        }
        if (!first)
            first = rv;
        if (o->urls.n > 1 && rv != NNG_EADDRINVAL && rv != NNG_ENOTSUP &&
            ctl_dial_one(s, o, url, NNG_FLAG_NONBLOCK) == 0)
            dialing++;
    }
    return dialing ? 0 : first;
}

/* One send and its reply, malloc'd into *out. *sent tells whether the
 * request was handed to a connection (else it never left). */
static int ctl_attempt(nng_socket s, const char *req, char **out, size_t *outlen, bool *sent)
{
    char *buf = NULL;
    size_t n = 0;
    int rv = nng_send(s, (void *)req, strlen(req), 0);
    *sent = rv == 0;
    if (rv || (rv = nng_recv(s, &buf, &n, NNG_FLAG_ALLOC)))
        return rv;
    *out = malloc(n + 1);
    if (*out) {
        memcpy(*out, buf, n);
        (*out)[n] = '\0';
        *outlen = n;
    }
    nng_free(buf, n);
    return *out ? 0 : NNG_ENOMEM;
}

/* Sends req, waits for the reply, and sends it again after a lost reply
 * when common/retry allows. CTL_EXIT_UNSURE (as a negative) when a reply
 * was lost and the call may not be repeated. */
static int ctl_call(const ctl_opts *o, const char *req, char **out, size_t *outlen)
{
    nng_socket s;
    int rv = nng_req0_open(&s);
    if (rv)
        return rv;
    /* nng never resends by itself (a resent user.register would register
     * twice): we do, by the table; our own deadline is RECVTIMEO. */
    nng_socket_set_ms(s, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
    nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, o->timeout_ms);
    nng_socket_set_ms(s, NNG_OPT_SENDTIMEO, o->timeout_ms);
    nng_socket_set_ms(s, NNG_OPT_RECONNMINT, 50);
    nng_socket_set_ms(s, NNG_OPT_RECONNMAXT, 500);
    if ((rv = ctl_dial(s, o)))
        return rv;
    bool sent = false;
    for (int attempt = 1;; attempt++) {
        rv = ctl_attempt(s, req, out, outlen, &sent);
        if (rv == 0 || !sent || !rt_reply_lost(rv))
            break;
        if (!rt_resend_safe(o->method)) {
            fprintf(stderr,
                    "ticketctl: %s: outcome unknown: the reply was lost (%s); not sent again "
                    "(%s): look before repeating it\n",
                    o->method, nng_strerror(rv), rt_method_why(o->method));
            return -CTL_EXIT_UNSURE;
        }
        if (attempt == RT_MAX_ATTEMPTS)
            break;
        fprintf(stderr, "ticketctl: %s: the reply was lost (%s); sending it again (%s)\n",
                o->method, nng_strerror(rv), rt_method_why(o->method));
    }
    /* No nng_close: the process exits right after this call, and nng 1.5.2
     * can wedge in nng_close (nng issue #1543), which would hang scripts. */
    return rv;
}

/* One CSV field (RFC 4180): quoted when it holds a comma, a quote or a
 * line break. */
static void ctl_csv_field(const cJSON *v)
{
    if (cJSON_IsString(v)) {
        const char *t = v->valuestring;
        if (!strpbrk(t, ",\"\r\n")) {
            fputs(t, stdout);
            return;
        }
        putchar('"');
        for (; *t; t++) {
            if (*t == '"')
                putchar('"');
            putchar(*t);
        }
        putchar('"');
    } else if (v && !cJSON_IsNull(v)) {
        char *txt = cJSON_PrintUnformatted(v);
        fputs(txt ? txt : "", stdout);
        cJSON_free(txt);
    }
}

/* The result's first list of objects as CSV: the first row's members are
 * the header, and every row gives those columns. 0, or 1 when the result
 * has no such list. */
static int ctl_csv(const cJSON *result)
{
    const cJSON *list = NULL;
    for (const cJSON *m = result ? result->child : NULL; m && !list; m = m->next)
        if (cJSON_IsArray(m))
            list = m;
    if (!list) {
        fprintf(stderr, "ticketctl: --csv: the result has no list\n");
        return 1;
    }
    const cJSON *first = list->child;
    for (const cJSON *h = first ? first->child : NULL; h; h = h->next)
        printf("%s%s", h->string, h->next ? "," : "\n");
    for (const cJSON *row = first; row; row = row->next)
        for (const cJSON *h = first->child; h; h = h->next) {
            ctl_csv_field(cJSON_GetObjectItemCaseSensitive(row, h->string));
            putchar(h->next ? ',' : '\n');
        }
    return 0;
}

/* Prints the reply; returns the exit status. */
static int ctl_print(const char *buf, size_t len, bool csv)
{
    rpc_reply rep;
    int status = 2;
    if (rpc_reply_decode(buf, len, &rep) != TK_OK) {
        fprintf(stderr, "ticketctl: malformed reply: %.200s\n", buf);
    } else if (rep.err == TK_OK && csv) {
        status = ctl_csv(rep.result);
    } else if (rep.err == TK_OK) {
        char *txt = cJSON_Print(rep.result);
        printf("%s\n", txt ? txt : "null");
        cJSON_free(txt);
        status = 0;
    } else {
        cJSON *data = rep.data ? cJSON_Duplicate(rep.data, 1) : NULL;
        cJSON_DeleteItemFromObjectCaseSensitive(data, "reason");
        char *dt = data && data->child ? cJSON_PrintUnformatted(data) : NULL;
        fprintf(stderr, "%s: %s%s%s\n", tk_err_reason(rep.err), rep.message, dt ? " " : "",
                dt ? dt : "");
        cJSON_free(dt);
        cJSON_Delete(data);
        status = 1;
    }
    rpc_reply_free(&rep);
    return status;
}

int main(int argc, char **argv)
{
    ctl_opts o;
    int a = ctl_args(argc, argv, &o);
    if (a == 2) {
        printf("ticketctl %s\n", TK_VERSION);
        return 0;
    }
    if (a != 0) {
        ctl_usage(a > 0 ? stdout : stderr);
        return a > 0 ? 0 : 2;
    }
    cJSON *params = ctl_params(&o);
    if (!params)
        return 2;
    char *req = rpc_encode_request(1, o.method, params);
    char *rep = NULL;
    size_t replen = 0;
    int rv = req ? ctl_call(&o, req, &rep, &replen) : NNG_ENOMEM;
    free(req);
    if (rv == -CTL_EXIT_UNSURE)
        return CTL_EXIT_UNSURE;
    if (rv) {
        fprintf(stderr, "ticketctl: %s: %s\n", o.rpc, nng_strerror(rv));
        return 2;
    }
    int status = ctl_print(rep, replen, o.csv);
    free(rep);
    return status;
}
