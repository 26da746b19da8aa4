/* tools/bench/main.c -- ticket-bench: flags and the order of the run.
 *
 *   ticket-bench [--smoke] [--json FILE] [-c N] [-d SEC] ...   load benchmark
 *   ticket-bench --db postgresql://...                          the same on PostgreSQL
 *   ticket-bench --crash-load LOG --rpc URL --admin-key-file F  crash-test load
 *   ticket-bench --verify LOG --rpc URL --admin-key-file F      crash-test check
 *
 * A benchmark run starts its own ticketd (posix_spawn, temp dir, rate
 * limits off) unless --rpc names one, and its own echo server, then runs:
 * setup, register/charge/join/admit, reads, hold churn and the one-seat
 * race, buy (hold + pay), event fan-out, and last the queue fill (a
 * million waiting), so the big queue does not weigh on the other rows.
 * Then it stops the server and runs ticket-audit on the database.
 * Exit: 0 when every invariant held (speed targets never fail the exit
 * status: they are reported), 1 otherwise, 2 usage. */
#include "tools/bench/bench.h"
#include "common/version.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

typedef struct {
    const char *json, *ticketd, *audit, *key_file, *crash_log, *verify_log, *db;
    bool keep;
    int threads, crash_dates;
} bench_opts;

static void bench_usage(FILE *f)
{
    fprintf(f,
            "usage: ticket-bench [options]\n"
            "  --smoke              a few seconds: small sizes, short phases\n"
            "  -d, --duration SEC   seconds per steady phase (default 5; smoke 0.5)\n"
            "  -c, --concurrency N  requests in flight (default 64)\n"
            "  --sockets N          REQ sockets the slots spread over (default 8)\n"
            "  --users N            buyers (default 20000; smoke 300)\n"
            "  --queue-users N      users put in line (default 1000000; smoke 20000)\n"
            "  --rush N             only the pre-queue rush of N members (the full run\n"
            "                       has one of 20000, the smoke of 500)\n"
            "  --subscribers N      SUB sockets for fan-out (default 1000)\n"
            "  --changes N          seat changes timed in fan-out (default 200; smoke 30)\n"
            "  --tcp                tcp://127.0.0.1 instead of ipc (server and echo)\n"
            "  --json FILE          also write the results as JSON\n"
            "  --ticketd PATH       server binary (default: next to ticket-bench)\n"
            "  --audit PATH         ticket-audit binary (default: next to ticket-bench)\n"
            "  --db URI             the server it starts runs on PostgreSQL: a fresh\n"
            "                       database on the server at URI (a libpq URI or\n"
            "                       conninfo), dropped at the end (default: SQLite)\n"
            "  --keep               keep the server's temp dir\n"
            "  --rpc URL --events URL --admin-key-file F [--server-pid PID]\n"
            "                       use a running server instead of starting one; each\n"
            "                       URL may be a comma-separated list, one per node\n"
            "  --crash-load LOG     crash-test load: log every acknowledged write to LOG\n"
            "  --threads N          crash-load client threads (default 8)\n"
            "  --dates N            crash-load dates to create (default 40)\n"
            "  --verify LOG         check that every write in LOG survived\n"
            "  -h, --help, --version\n");
}

static int bench_parse(int argc, char **argv, bench_run *r, bench_opts *o)
{
    enum { O_SMOKE = 256, O_SOCKETS, O_USERS, O_QUSERS, O_SUBS, O_CHANGES, O_TCP, O_JSON,
           O_TICKETD, O_AUDIT, O_KEEP, O_RPC, O_EVENTS, O_KEYF, O_PID, O_CRASH, O_THREADS,
           O_DATES, O_VERIFY, O_RUSH, O_DB, O_VERSION };
    static const struct option lo[] = {
        {"smoke", no_argument, 0, O_SMOKE}, {"duration", required_argument, 0, 'd'},
        {"concurrency", required_argument, 0, 'c'}, {"sockets", required_argument, 0, O_SOCKETS},
        {"users", required_argument, 0, O_USERS}, {"queue-users", required_argument, 0, O_QUSERS},
        {"subscribers", required_argument, 0, O_SUBS}, {"changes", required_argument, 0, O_CHANGES},
        {"tcp", no_argument, 0, O_TCP}, {"json", required_argument, 0, O_JSON},
        {"ticketd", required_argument, 0, O_TICKETD}, {"audit", required_argument, 0, O_AUDIT},
        {"keep", no_argument, 0, O_KEEP}, {"rpc", required_argument, 0, O_RPC},
        {"events", required_argument, 0, O_EVENTS}, {"admin-key-file", required_argument, 0, O_KEYF},
        {"server-pid", required_argument, 0, O_PID}, {"crash-load", required_argument, 0, O_CRASH},
        {"threads", required_argument, 0, O_THREADS}, {"dates", required_argument, 0, O_DATES},
        {"verify", required_argument, 0, O_VERIFY}, {"rush", required_argument, 0, O_RUSH},
        {"db", required_argument, 0, O_DB},
        {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, O_VERSION}, {0, 0, 0, 0}};
    double dur = -1;
    int users = -1, qusers = -1, changes = -1, c;
    while ((c = getopt_long(argc, argv, "d:c:h", lo, NULL)) != -1) {
        switch (c) {
        case O_SMOKE: r->smoke = true; break;
        case 'd': dur = atof(optarg); break;
        case 'c': r->concurrency = atoi(optarg); break;
        case O_SOCKETS: r->nsock = atoi(optarg); break;
        case O_USERS: users = atoi(optarg); break;
        case O_QUSERS: qusers = atoi(optarg); break;
        case O_SUBS: r->subscribers = atoi(optarg); break;
        case O_CHANGES: changes = atoi(optarg); break;
        case O_TCP: r->tcp = true; break;
        case O_JSON: o->json = optarg; break;
        case O_TICKETD: o->ticketd = optarg; break;
        case O_AUDIT: o->audit = optarg; break;
        case O_KEEP: o->keep = true; break;
        case O_RPC: r->rpc = optarg; break;
        case O_EVENTS: r->events = optarg; break;
        case O_KEYF: o->key_file = optarg; break;
        case O_PID: r->server_pid = atoi(optarg); break;
        case O_CRASH: o->crash_log = optarg; break;
        case O_THREADS: o->threads = atoi(optarg); break;
        case O_DATES: o->crash_dates = atoi(optarg); break;
        case O_VERIFY: o->verify_log = optarg; break;
        case O_RUSH: r->rush_users = atoi(optarg), r->rush_only = true; break;
        case O_DB: o->db = optarg; break;
        case 'h': bench_usage(stdout); exit(0);
        case O_VERSION: printf("ticket-bench %s\n", TK_VERSION); exit(0);
        default: return -1;
        }
    }
    if (optind != argc)
        return -1;
    r->dur_us = (int64_t)((dur > 0 ? dur : r->smoke ? 0.5 : 5.0) * 1e6);
    r->users = users > 0 ? users : r->smoke ? 300 : 20000;
    r->queue_users = qusers >= 0 ? qusers : r->smoke ? 20000 : 1000000;
    r->changes = changes > 0 ? changes : r->smoke ? 30 : 200;
    if (!r->rush_only)
        r->rush_users = r->smoke ? 500 : 20000;
    if (r->rush_users < 0 || (r->rush_only && r->rush_users < 2) || r->concurrency < 2 ||
        r->concurrency > 4096 || r->nsock < 1 || r->subscribers < 0 ||
        o->threads < 1 || o->crash_dates < 1)
        return -1;
    if ((r->rpc || o->crash_log || o->verify_log) && (!r->rpc || !o->key_file))
        return -1;
    if (r->rpc && !r->events && !o->crash_log && !o->verify_log)
        return -1;
    if (o->db && (r->rpc || !*o->db)) /* --db is for the server we start */
        return -1;
    return 0;
}

static void bench_raise_nofile(void)
{
    /* 1,000 subscribers plus the pools: more than the usual 1,024. The
     * server we spawn inherits the raised limit. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* The phases in order; a failed setup or user phase ends the run early. */
static void bench_phases(bench_run *r)
{
    if (r->rush_only) { /* --rush N: the rush alone */
        bflow_rush(r);
        return;
    }
    if (bflow_setup(r) != 0 || bflow_users(r) != 0) {
        r->invariant_failures++;
        return;
    }
    bflow_reads(r);
    bflow_holds(r);
    bflow_buy(r);
    if (r->subscribers > 0 && bfan_run(r) != 0)
        bflow_note(r, "fan-out did not run");
    if (r->rush_users > 0) /* before the queue fill, which leaves a paused million */
        bflow_rush(r);
    if (r->queue_users > 0)
        bflow_queue(r);
}

static int bench_main(bench_run *r, bench_opts *o)
{
    bench_server srv = {0};
    char ticketd[512], audit[512], echo_url[2][400];
    bsrv_sibling("ticketd", ticketd, sizeof(ticketd));
    bsrv_sibling("ticket-audit", audit, sizeof(audit));
    if (!r->rpc) {
        if (bsrv_start(&srv, o->ticketd ? o->ticketd : ticketd, r->tcp, o->db, NULL) != 0) {
            if (srv.pg_name[0])
                fprintf(stderr, "bench: database %s kept on %s\n", srv.pg_name, o->db);
            return 1;
        }
        r->rpc = srv.rpc;
        r->events = srv.events;
        r->server_pid = srv.pid;
        snprintf(r->admin_key, sizeof(r->admin_key), "%s", srv.admin_key);
    } else if (bsrv_read_key(o->key_file, r->admin_key, sizeof(r->admin_key)) != 0) {
        fprintf(stderr, "bench: cannot read %s\n", o->key_file);
        return 2;
    }
    /* Two plain echoes: REP contexts echoing in callbacks (the ceiling)
     * and a raw REP socket served by one thread (for comparison). */
    for (int k = 0; k < 2; k++) {
        if (r->tcp)
            snprintf(echo_url[k], sizeof(echo_url[k]), "tcp://127.0.0.1:%d",
                     20000 + (int)(getpid() % 20000) + k);
        else
            snprintf(echo_url[k], sizeof(echo_url[k]), "ipc:///tmp/ticket-bench-echo%d.%d.sock", k,
                     (int)getpid());
        r->echo[k] = becho_start(echo_url[k], k == 0);
        r->echo_pool[k] =
            r->echo[k] ? bpool_open(echo_url[k], r->nsock, r->concurrency, r->timeout_ms) : NULL;
    }
    r->pool = bpool_open(r->rpc, r->nsock, r->concurrency, r->timeout_ms);
    r->nu = r->users + r->concurrency + 1;
    r->u = calloc((size_t)r->nu, sizeof(bench_user));
    if (!r->pool || !r->echo_pool[0] || !r->echo_pool[1] || !r->u ||
        bcall_open(&r->admin, r->rpc, r->timeout_ms) != 0) {
        fprintf(stderr, "bench: could not set up the clients\n");
        return 1;
    }
    fprintf(stderr, "bench: server %s, echo %s, %d in flight over %d sockets\n", r->rpc,
            echo_url[0], r->concurrency, r->nsock);
    bench_phases(r);

    bcall_close(&r->admin);
    bpool_close(r->pool);
    for (int k = 0; k < 2; k++) {
        bpool_close(r->echo_pool[k]);
        becho_stop(r->echo[k]);
        if (!r->tcp)
            unlink(echo_url[k] + strlen("ipc://"));
    }
    r->audit_rc = -1;
    if (srv.pid > 0) {
        int st = bsrv_stop(&srv);
        if (st != 0)
            bflow_violation(r, "ticketd exited with status %d on SIGTERM", st);
        r->audit_rc = bsrv_audit(o->audit ? o->audit : audit, srv.db);
        if (r->audit_rc != 0)
            bflow_violation(r, "ticket-audit %s: exit %d", srv.db, r->audit_rc);
    }
    breport_table(r);
    if (o->json && breport_json(r, o->json) != 0)
        fprintf(stderr, "bench: could not write %s\n", o->json);
    if (srv.dir[0] && !o->keep && r->invariant_failures == 0)
        bsrv_cleanup(&srv);
    else if (srv.dir[0])
        fprintf(stderr, "bench: server files kept in %s%s%s\n", srv.dir,
                srv.pg_name[0] ? ", its database " : "", srv.pg_name);
    free(r->u);
    return r->invariant_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    bench_run *r = calloc(1, sizeof(*r));
    bench_opts o = {.threads = 8, .crash_dates = 40};
    if (!r)
        return 1;
    r->concurrency = 64;
    r->nsock = 8;
    r->subscribers = 1000;
    r->hot_dates = 2;
    r->timeout_ms = 10000;
    if (bench_parse(argc, argv, r, &o) != 0) {
        bench_usage(stderr);
        free(r);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    bench_raise_nofile();
    int rc;
    if (o.crash_log)
        rc = bcrash_load(r->rpc, o.key_file, o.crash_log, o.threads, o.crash_dates);
    else if (o.verify_log)
        rc = bcrash_verify(r->rpc, o.key_file, o.verify_log);
    else
        rc = bench_main(r, &o);
    for (int i = 0; i < r->nrows; i++) {
        free(r->rows[i]);
        free(r->echo_rows[i]);
        free(r->raw_rows[i]);
    }
    free(r);
    return rc;
}
