/* tools/bench/queue.c -- a million in line: queue.join throughput with
 * admission paused (every join stays waiting, so the server's queue
 * structure grows to queue_users), then the server's VmRSS and the
 * dashboard's waiting count. Users here are only ids: 37 bytes each on
 * the bench side. */
#include "tools/bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    bench_run *r;
    bench_stats *st;
    char (*ids)[UUID_STR_LEN];
    _Atomic int64_t next, ok;
    int64_t limit;
} bqueue_phase;

static bool qreg_next(bench_phase *ph, bench_slot *s)
{
    bqueue_phase *q = ph->arg;
    s->user = atomic_fetch_add(&q->next, 1);
    if (s->user >= q->limit)
        return false;
    bflow_req(s, q->st, "user.register", "\"name\":\"q%lld\"", (long long)s->user);
    return true;
}

static void qreg_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    bqueue_phase *q = ph->arg;
    if (!body || !brep_str(body, "user_id", q->ids[s->user], UUID_STR_LEN))
        bflow_error(q->st);
}

static bool qjoin_next(bench_phase *ph, bench_slot *s)
{
    bqueue_phase *q = ph->arg;
    do {
        s->user = atomic_fetch_add(&q->next, 1);
        if (s->user >= q->limit)
            return false;
    } while (!q->ids[s->user][0]);
    bflow_req(s, q->st, "queue.join", "\"user_id\":\"%s\"", q->ids[s->user]);
    return true;
}

static void qjoin_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    bqueue_phase *q = ph->arg;
    char state[16];
    if (body && brep_str(body, "state", state, sizeof(state)) && strcmp(state, "waiting") == 0)
        atomic_fetch_add(&q->ok, 1);
    else
        bflow_error(q->st);
}

static int64_t bqueue_waiting(bench_run *r)
{
    rpc_reply rep;
    int64_t waiting = -1;
    if (bflow_admin(r, "admin.dashboard", "", &rep) != 0)
        return -1;
    jv_get_int(cJSON_GetObjectItemCaseSensitive(rep.result, "queue"), "waiting", 0, JV_INT_MAX,
               &waiting);
    rpc_reply_free(&rep);
    return waiting;
}

char (*bqueue_register(bench_run *r, int64_t n))[UUID_STR_LEN]
{
    bqueue_phase q = {.r = r, .limit = n};
    q.ids = calloc((size_t)n, UUID_STR_LEN);
    if (!q.ids)
        return NULL;
    char name[64];
    snprintf(name, sizeof(name), "user.register (%lld more)", (long long)n);
    q.st = bflow_row(r, name);
    bench_phase ph = {qreg_next, qreg_done, &q, 0};
    bflow_drive(r, &ph, 0, &q.st, 1);
    return q.ids;
}

int bflow_queue(bench_run *r)
{
    rpc_reply rep;
    if (bflow_admin(r, "admin.queue.set", "\"paused\":true", &rep) != 0)
        return -1;
    rpc_reply_free(&rep);
    int64_t before = bqueue_waiting(r);
    bqueue_phase q = {.r = r};
    if (!(q.ids = bqueue_register(r, r->queue_users)))
        return -1;
    char name[64];

    snprintf(name, sizeof(name), "queue.join (to %d waiting)", r->queue_users);
    bqueue_phase j = {.r = r, .ids = q.ids, .limit = r->queue_users};
    j.st = bflow_row(r, name);
    bench_phase jh = {qjoin_next, qjoin_done, &j, 0};
    bflow_drive(r, &jh, 0, &j.st, 1);
    free(q.ids);

    /* Let the engine settle (its queue of replies drains), then weigh it. */
    struct timespec ts = {0, 500 * 1000000L};
    nanosleep(&ts, NULL);
    r->waiting = bqueue_waiting(r) - (before > 0 ? before : 0);
    r->rss_kb = r->server_pid > 0 ? bsrv_rss_kb(r->server_pid) : -1;
    if (r->waiting != atomic_load(&j.ok))
        bflow_violation(r, "dashboard says %lld new waiting, %lld joins acknowledged",
                        (long long)r->waiting, (long long)atomic_load(&j.ok));
    /* The queue stays paused: admitting a million users is not part of
     * what this run measures, and it would slow the shutdown. */
    return 0;
}
