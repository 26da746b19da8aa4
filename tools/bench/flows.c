/* tools/bench/flows.c -- the run's plumbing (rows, echo twins, admin
 * calls) and the first user phases: register, charge, join, admission.
 *
 * Every phase is a pair of callbacks (next/done) over per-slot state and
 * a few atomics, run by the pool: see bench.h. A phase either runs for the
 * run's duration (steady state) or until its work list is done (each user
 * once); either way the rows it feeds get the phase's wall span, so
 * ops/s = ops / span. */
#include "tools/bench/bench.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void bflow_note(bench_run *r, const char *fmt, ...)
{
    if (r->nnotes >= BENCH_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->notes[r->nnotes++], sizeof(r->notes[0]), fmt, ap);
    va_end(ap);
    fprintf(stderr, "bench: %s\n", r->notes[r->nnotes - 1]);
}

void bflow_violation(bench_run *r, const char *fmt, ...)
{
    char buf[240];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    r->invariant_failures++;
    bflow_note(r, "INVARIANT VIOLATED: %s", buf);
}

void bflow_req(bench_slot *s, bench_stats *st, const char *method, const char *params_fmt, ...)
{
    char params[BSLOT_REQ_MAX];
    va_list ap;
    va_start(ap, params_fmt);
    vsnprintf(params, sizeof(params), params_fmt, ap);
    va_end(ap);
    int n = snprintf(s->req, BSLOT_REQ_MAX,
                     "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":{%s}}", s->idx,
                     method, params);
    s->req_len = n < BSLOT_REQ_MAX ? (size_t)n : BSLOT_REQ_MAX - 1;
    s->stat = st;
}

bench_stats *bflow_row(bench_run *r, const char *name)
{
    if (r->nrows >= BENCH_ROWS)
        return NULL;
    bench_stats *st = calloc(1, sizeof(*st)), *echo = calloc(1, sizeof(*echo)),
                *raw = calloc(1, sizeof(*raw));
    if (!st || !echo || !raw) {
        free(st);
        free(echo);
        free(raw);
        return NULL;
    }
    bstats_init(st, name);
    bstats_init(echo, name);
    bstats_init(raw, name);
    r->rows[r->nrows] = st;
    r->echo_rows[r->nrows] = echo;
    r->raw_rows[r->nrows++] = raw;
    return st;
}

void bflow_error(bench_stats *st)
{
    if (st)
        atomic_fetch_add_explicit(&st->errors, 1, memory_order_relaxed);
}

static int bflow_index(const bench_run *r, const bench_stats *st)
{
    for (int i = 0; i < r->nrows; i++)
        if (r->rows[i] == st)
            return i;
    return -1;
}

static bool bflow_near(double a, double b)
{
    return a <= b * 1.15 + 8 && b <= a * 1.15 + 8;
}

/* The ceiling for row i: same request and reply sizes, same number in
 * flight, same transport. Rows whose sizes are within 15% of a row
 * measured before share its figures (echo cost barely moves with a few
 * bytes, and the run stays short). */
static void bflow_echo_twins(bench_run *r, int i)
{
    double rq = bstats_avg_req(r->rows[i]), rp = bstats_avg_rep(r->rows[i]);
    for (int j = 0; j < r->nrows; j++) {
        if (j == i || atomic_load(&r->echo_rows[j]->ops) == 0 ||
            !bflow_near(rq, bstats_avg_req(r->rows[j])) ||
            !bflow_near(rp, bstats_avg_rep(r->rows[j])))
            continue;
        bstats_copy(r->echo_rows[i], r->echo_rows[j]);
        bstats_copy(r->raw_rows[i], r->raw_rows[j]);
        return;
    }
    int64_t dur = r->dur_us < 2000000 ? r->dur_us : 2000000;
    becho_run(r->echo_pool[0], r->concurrency, (size_t)rq, (size_t)rp, dur, r->echo_rows[i]);
    becho_run(r->echo_pool[1], r->concurrency, (size_t)rq, (size_t)rp, dur, r->raw_rows[i]);
}

void bflow_drive(bench_run *r, bench_phase *ph, int64_t dur_us, bench_stats **rows, int nrows)
{
    int64_t cpu0 = r->server_pid > 0 ? bsrv_cpu_us(r->server_pid) : -1;
    int64_t csw0 = r->server_pid > 0 ? bsrv_csw(r->server_pid) : -1;
    int64_t gen0 = bsrv_cpu_us(getpid());
    int64_t t0 = clock_mono_us();
    ph->stop_us = dur_us > 0 ? t0 + dur_us : 0;
    for (int i = 0; i < nrows; i++)
        rows[i]->t0_us = t0;
    bpool_run(r->pool, ph, r->concurrency);
    int64_t t1 = clock_mono_us();
    int64_t cpu1 = cpu0 >= 0 ? bsrv_cpu_us(r->server_pid) : -1;
    int64_t csw1 = csw0 >= 0 ? bsrv_csw(r->server_pid) : -1;
    int64_t gen1 = gen0 >= 0 ? bsrv_cpu_us(getpid()) : -1;
    int64_t ops = 0;
    for (int i = 0; i < nrows; i++)
        ops += (int64_t)atomic_load(&rows[i]->ops);
    for (int i = 0; i < nrows; i++) {
        rows[i]->t1_us = t1;
        rows[i]->srv_cpu_us = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1;
        rows[i]->srv_csw = csw0 >= 0 && csw1 >= 0 ? csw1 - csw0 : -1;
        rows[i]->gen_cpu_us = gen0 >= 0 && gen1 >= 0 ? gen1 - gen0 : -1;
        rows[i]->phase_ops = ops;
        int k = bflow_index(r, rows[i]);
        if (k >= 0 && atomic_load(&rows[i]->ops) > 0)
            bflow_echo_twins(r, k);
    }
}

int bflow_admin(bench_run *r, const char *method, const char *extra, rpc_reply *rep)
{
    char params[16384];
    snprintf(params, sizeof(params), "{\"admin_key\":\"%s\"%s%s}", r->admin_key,
             extra && *extra ? "," : "", extra ? extra : "");
    if (bcall_retry(&r->admin, method, params, rep, 10000) != TK_OK) {
        bflow_note(r, "%s: no reply", method);
        return -1;
    }
    if (rep->err != TK_OK) {
        bflow_note(r, "%s: %s (%s)", method, tk_err_reason(rep->err),
                   rep->message ? rep->message : "");
        rpc_reply_free(rep);
        return -1;
    }
    return 0;
}

/* n more on-sale dates of the bench concert, 30 days out, three tiers. */
int bflow_new_dates(bench_run *r, int n)
{
    char starts[40], extra[1024];
    time_format(clock_wall_ms() + 30LL * 86400 * 1000, starts, sizeof(starts));
    int off = snprintf(extra, sizeof(extra), "\"concert_id\":%lld,\"starts_at\":\"%s\",\"prices\":[",
                       (long long)r->concert_id, starts);
    for (int i = 1; i <= 50; i++)
        off += snprintf(extra + off, sizeof(extra) - (size_t)off, "%s%d", i > 1 ? "," : "",
                        i <= 10 ? 3000 : i <= 30 ? 2000 : 1000);
    snprintf(extra + off, sizeof(extra) - (size_t)off, "]");
    for (int i = 0; i < n; i++) {
        rpc_reply rep;
        int64_t id;
        if (r->ndates >= (int)(sizeof(r->dates) / sizeof(r->dates[0])) ||
            bflow_admin(r, "admin.date.create", extra, &rep) != 0)
            return -1;
        bool ok = jv_get_int(rep.result, "date_id", 1, JV_INT_MAX, &id) == JV_OK;
        rpc_reply_free(&rep);
        if (!ok)
            return -1;
        r->dates[r->ndates++] = id;
    }
    return 0;
}

int bflow_setup(bench_run *r)
{
    rpc_reply rep;
    if (bflow_admin(r, "admin.concert.create", "\"title\":\"Bench Live\",\"venue\":\"Hall B\"",
                    &rep) != 0)
        return -1;
    bool ok = jv_get_int(rep.result, "concert_id", 1, JV_INT_MAX, &r->concert_id) == JV_OK;
    rpc_reply_free(&rep);
    if (!ok || bflow_new_dates(r, r->hot_dates) != 0) {
        bflow_note(r, "setup: could not create the concert and its dates");
        return -1;
    }
    /* Room for every bench user at once, admitted as fast as the server
     * allows: the bench measures requests, not the admission pacing. */
    char extra[160];
    snprintf(extra, sizeof(extra), "\"paused\":false,\"max_active\":%d,\"admit_per_min\":%d",
             r->nu + 100, 1000000);
    if (bflow_admin(r, "admin.queue.set", extra, &rep) != 0)
        return -1;
    rpc_reply_free(&rep);
    return 0;
}

/* ---- register: every user once ---------------------------------------- */

typedef struct {
    bench_run *r;
    bench_stats *st;
    _Atomic int64_t next;
    int64_t limit;
} bflow_each;

static bool reg_next(bench_phase *ph, bench_slot *s)
{
    bflow_each *e = ph->arg;
    s->user = atomic_fetch_add(&e->next, 1);
    if (s->user >= e->limit)
        return false;
    bflow_req(s, e->st, "user.register", "\"name\":\"bench %lld\"", (long long)s->user);
    return true;
}

static void reg_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    bflow_each *e = ph->arg;
    bench_user *u = &e->r->u[s->user];
    if (!body || !brep_str(body, "user_id", u->id, sizeof(u->id)))
        bflow_error(e->st);
}

/* ---- charge: steady state, and every user at least once --------------- */

static bool charge_next(bench_phase *ph, bench_slot *s)
{
    bflow_each *e = ph->arg;
    /* Past the deadline only while some user has had no charge yet. */
    if (clock_mono_us() >= e->st->t0_us + e->r->dur_us && atomic_load(&e->next) >= e->limit)
        return false;
    s->user = atomic_fetch_add(&e->next, 1);
    bench_user *u = &e->r->u[s->user % e->limit];
    if (!u->id[0])
        return charge_next(ph, s);
    bflow_req(s, e->st, "wallet.charge", "\"user_id\":\"%s\",\"amount\":10000,\"request_id\":\"b%lld\"",
              u->id, (long long)s->user);
    return true;
}

static void charge_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    bflow_each *e = ph->arg;
    char reason[40];
    if (!body || brep_error(body, reason, sizeof(reason)))
        bflow_error(e->st);
}

/* ---- join: every user once; admission: poll until active -------------- */

static bool join_next(bench_phase *ph, bench_slot *s)
{
    bflow_each *e = ph->arg;
    do {
        s->user = atomic_fetch_add(&e->next, 1);
        if (s->user >= e->limit)
            return false;
    } while (!e->r->u[s->user].id[0]);
    bflow_req(s, e->st, "queue.join", "\"user_id\":\"%s\"", e->r->u[s->user].id);
    return true;
}

static void join_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    bflow_each *e = ph->arg;
    bench_user *u = &e->r->u[s->user];
    char state[16];
    if (!body || !brep_str(body, "token", u->token, sizeof(u->token))) {
        bflow_error(e->st);
        return;
    }
    u->active = brep_str(body, "state", state, sizeof(state)) && strcmp(state, "active") == 0;
}

static bool status_next(bench_phase *ph, bench_slot *s)
{
    bflow_each *e = ph->arg;
    do {
        s->user = atomic_fetch_add(&e->next, 1);
        if (s->user >= e->limit)
            return false;
    } while (e->r->u[s->user].active || !e->r->u[s->user].token[0]);
    bflow_req(s, e->st, "queue.status", "\"token\":\"%s\"", e->r->u[s->user].token);
    return true;
}

static void status_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    bflow_each *e = ph->arg;
    char state[16];
    if (!body || !brep_str(body, "state", state, sizeof(state)))
        bflow_error(e->st);
    else
        e->r->u[s->user].active = strcmp(state, "active") == 0;
}

static int bflow_count_active(const bench_run *r)
{
    int n = 0;
    for (int i = 0; i < r->nu; i++)
        n += r->u[i].active;
    return n;
}

/* Polls queue.status of the not-yet-active users, round after round,
 * until all are admitted (the admission tick runs a few times a second). */
static int bflow_admit(bench_run *r)
{
    bench_stats *st = bflow_row(r, "queue.status");
    int64_t until = clock_mono_ms() + 60000;
    while (bflow_count_active(r) < r->nu && clock_mono_ms() < until) {
        bflow_each e = {r, st, 0, r->nu};
        bench_phase ph = {status_next, status_done, &e, 0};
        st->t0_us = st->t0_us ? st->t0_us : clock_mono_us();
        bpool_run(r->pool, &ph, r->concurrency);
        st->t1_us = clock_mono_us();
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
    int active = bflow_count_active(r);
    if (active < r->nu) {
        bflow_note(r, "admission: only %d of %d users active after 60 s", active, r->nu);
        return -1;
    }
    return 0;
}

int bflow_users(bench_run *r)
{
    bench_stats *reg = bflow_row(r, "user.register");
    bflow_each e = {r, reg, 0, r->nu};
    bench_phase ph = {reg_next, reg_done, &e, 0};
    bflow_drive(r, &ph, 0, &reg, 1);

    bench_stats *charge = bflow_row(r, "wallet.charge");
    bflow_each ec = {r, charge, 0, r->nu};
    charge->t0_us = clock_mono_us();
    bench_phase phc = {charge_next, charge_done, &ec, 0};
    bflow_drive(r, &phc, 0, &charge, 1);

    bench_stats *join = bflow_row(r, "queue.join");
    bflow_each ej = {r, join, 0, r->nu};
    bench_phase phj = {join_next, join_done, &ej, 0};
    bflow_drive(r, &phj, 0, &join, 1);
    return bflow_admit(r);
}
