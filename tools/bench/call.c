/* tools/bench/call.c -- a blocking REQ client for setup, admin calls,
 * the crash load and verification (never inside an nng callback). */
#include "tools/bench/bench.h"

#include <nng/protocol/reqrep0/req.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/retry.h"

int bench_dial(nng_socket s, const char *urls, int flags)
{
    rt_urls u;
    if (rt_urls_parse(&u, urls) != 0)
        return NNG_EINVAL;
    if (u.n == 1)
        return nng_dial(s, u.urls[0], NULL, flags);
    /* The leader's URL connects now (a fan-out subscriber must be there
     * before the changes it times); the others keep being redialed. */
    int up = 0, first = 0;
    /* Back off on the nodes that refuse: a thousand fan-out subscribers
     * redialing every 100 ms would starve the run. */
    nng_socket_set_ms(s, NNG_OPT_RECONNMINT, 250);
    nng_socket_set_ms(s, NNG_OPT_RECONNMAXT, 4000);
    for (int i = 0; i < u.n; i++) {
        int rv = nng_dial(s, u.urls[i], NULL, 0);
        if (rv != 0 && !first)
            first = rv;
        if (rv == 0 || nng_dial(s, u.urls[i], NULL, NNG_FLAG_NONBLOCK) == 0)
            up++;
    }
    return up ? 0 : first;
}

int bcall_open(bcall *c, const char *url, int timeout_ms)
{
    memset(c, 0, sizeof(*c));
    c->timeout_ms = timeout_ms;
    c->next_id = 1;
    int rv = nng_req0_open(&c->sock);
    if (rv != 0)
        return -1;
    nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
    nng_socket_set_ms(c->sock, NNG_OPT_RECVTIMEO, timeout_ms);
    nng_socket_set_ms(c->sock, NNG_OPT_SENDTIMEO, timeout_ms);
    nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, 0);
    /* Non-blocking dial: the server may be down (crash test) and nng
     * keeps redialing in the background. */
    rv = bench_dial(c->sock, url, NNG_FLAG_NONBLOCK);
    if (rv != 0) {
        fprintf(stderr, "bench: dial %s: %s\n", url, nng_strerror(rv));
        nng_close(c->sock);
        return -1;
    }
    return 0;
}

void bcall_close(bcall *c)
{
    nng_close(c->sock);
}

tk_err bcall_do(bcall *c, const char *method, const char *params, rpc_reply *rep)
{
    memset(rep, 0, sizeof(*rep));
    size_t cap = strlen(method) + (params ? strlen(params) : 2) + 96;
    char *req = malloc(cap);
    if (!req)
        return TK_INTERNAL;
    int n = snprintf(req, cap, "{\"jsonrpc\":\"2.0\",\"id\":%lld,\"method\":\"%s\",\"params\":%s}",
                     (long long)c->next_id++, method, params ? params : "{}");
    char *buf = NULL;
    size_t len = 0;
    int rv = 0;
    for (int attempt = 1; attempt <= RT_MAX_ATTEMPTS; attempt++) {
        if ((rv = nng_send(c->sock, req, (size_t)n, 0)) != 0)
            break; /* never left */
        rv = nng_recv(c->sock, &buf, &len, NNG_FLAG_ALLOC);
        if (rv == 0 || !rt_reply_lost(rv) || !rt_resend_safe(method))
            break;
    }
    free(req);
    if (rv != 0)
        return TK_INTERNAL;
    tk_err e = rpc_reply_decode(buf, len, rep);
    nng_free(buf, len);
    if (e != TK_OK) {
        rpc_reply_free(rep);
        return TK_INTERNAL;
    }
    return TK_OK;
}

tk_err bcall_retry(bcall *c, const char *method, const char *params, rpc_reply *rep,
                   int total_ms)
{
    int64_t until = clock_mono_ms() + total_ms;
    for (;;) {
        if (bcall_do(c, method, params, rep) == TK_OK)
            return TK_OK;
        if (clock_mono_ms() >= until)
            return TK_INTERNAL;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
}
