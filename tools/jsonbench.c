/* tools/jsonbench.c -- what the strict check in front of cJSON costs
 * (common/jsoncheck.c): CPU per request for jc_check alone, cJSON alone,
 * and the whole rpc_request_decode, on a typical request of about 200
 * bytes (a wallet.charge with a UUID, a request_id and a name with
 * Hangul), timed by the thread's CPU clock. Reported, never asserted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/jsoncheck.h"
#include "common/rpc.h"

static const char jb_req[] =
    "{\"jsonrpc\":\"2.0\",\"id\":4711,\"method\":\"wallet.charge\",\"params\":{"
    "\"user_id\":\"3f0c2a4e-9b1d-4c7e-8f60-2d5a9e1b7c33\",\"amount\":150000,"
    "\"request_id\":\"kiosk-07-20261224-000123\",\"note\":\"\xea\xb9\x80\xeb\xaf\xbc\xec\x88\x98 "
    "\\u00e9t\\u00e9\",\"tags\":[1,2,3]}}";

static double jb_cpu_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* Volatile: the compiler must not drop the calls. */
static volatile size_t jb_sink;

static double jb_check(long n, size_t len)
{
    double t0 = jb_cpu_ns();
    for (long i = 0; i < n; i++)
        jb_sink += jc_check(jb_req, len, NULL);
    return (jb_cpu_ns() - t0) / (double)n;
}

static double jb_cjson(long n, size_t len)
{
    double t0 = jb_cpu_ns();
    for (long i = 0; i < n; i++) {
        cJSON *o = cJSON_ParseWithLength(jb_req, len);
        jb_sink += o != NULL;
        cJSON_Delete(o);
    }
    return (jb_cpu_ns() - t0) / (double)n;
}

static double jb_decode(long n, size_t len)
{
    double t0 = jb_cpu_ns();
    for (long i = 0; i < n; i++) {
        rpc_request r;
        jb_sink += rpc_request_decode(jb_req, len, &r) == TK_OK;
        rpc_request_free(&r);
    }
    return (jb_cpu_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    if (n < 1 || argc > 2) {
        fprintf(stderr, "usage: ticket-jsonbench [ITERATIONS (1000000)]\n");
        return 2;
    }
    size_t len = sizeof jb_req - 1;
    if (!jc_check(jb_req, len, NULL)) {
        fprintf(stderr, "jsonbench: the sample request is not strict JSON\n");
        return 1;
    }
    double c = jb_check(n, len), p = jb_cjson(n, len), d = jb_decode(n, len);
    printf("jsonbench: a %zu-byte request, %ld times, thread CPU per request\n", len, n);
    printf("  jc_check            %7.1f ns\n", c);
    printf("  cJSON parse+free    %7.1f ns\n", p);
    printf("  rpc_request_decode  %7.1f ns (check + parse + envelope)\n", d);
    printf("  the check is %.0f%% of the decode\n", 100.0 * c / d);
    return 0;
}
