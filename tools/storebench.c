/* tools/storebench.c -- the CPU a hold and a payment cost in the domain and
 * the store alone: no sockets, no JSON, no threads.
 *
 * It plays what the engine does with a sale's writes: users registered,
 * admitted and charged; then every user holds a seat, in batches; then
 * every user pays for the hold, in random order, in batches. Each batch
 * is one transaction, committed and then flushed (fdatasync of the WAL)
 * as the engine and the syncer do. The thread's own CPU clock times the
 * domain calls, the COMMIT and the flush separately, so the figures hold
 * on a busy machine better than wall time would. The invariants are
 * checked at the end: a broken store fails the run, not just slows it.
 *
 * ticket-bench measures the whole server against the echo ceiling; this
 * measures the part of it that is SQLite's and the domain's, which is what
 * a store change (a schema, a pragma, another database) moves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "server/domain/domain.h"

#define SB_DATES_MIN 8

typedef struct {
    int users, batch;
    const char *db; /* NULL: a temp dir, removed after */
} sb_opts;

typedef struct {
    int64_t calls, commit, flush; /* µs of this thread's CPU */
} sb_cost;

static int64_t sb_cpu_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void sb_fail(const char *what, int i, tk_err e)
{
    fprintf(stderr, "storebench: %s %d: %s\n", what, i, tk_err_reason(e));
    exit(1);
}

/* Ends the open batch as the engine does (COMMIT, then the flush) and
 * opens the next; adds the two costs to *c when c is not NULL. */
static void sb_flush(tk_domain *d, sb_cost *c)
{
    int64_t a = sb_cpu_us();
    if (tk_batch_commit(d) != 0)
        sb_fail("commit", 0, TK_INTERNAL);
    int64_t b = sb_cpu_us();
    if (tk_sync(d) != 0)
        sb_fail("flush", 0, TK_INTERNAL);
    int64_t e = sb_cpu_us();
    if (c) {
        c->commit += b - a;
        c->flush += e - b;
    }
    if (tk_batch_begin(d) != 0)
        sb_fail("begin", 0, TK_INTERNAL);
}

/* Users 0..n-1: registered, admitted (tokens[i]), charged. */
static void sb_users(tk_domain *d, int n, char (*tokens)[TOKEN_MAX_LEN], int64_t now)
{
    for (int i = 0; i < n; i++) {
        char name[32], rid[32];
        tk_uuid u;
        tk_queue_info q;
        tk_charge_result r;
        tk_err e;
        snprintf(name, sizeof name, "user %d", i);
        snprintf(rid, sizeof rid, "charge-%d", i);
        if ((e = tk_user_register(d, name, now, &u, NULL)) ||
            (e = tk_queue_join(d, &u, now, &q, NULL)) ||
            (e = tk_wallet_charge(d, &u, 1000000, rid, now, &r, NULL)))
            sb_fail("user", i, e);
        if (q.state != TK_TOKEN_ACTIVE)
            sb_fail("user not admitted", i, TK_OK);
        memcpy(tokens[i], q.token, TOKEN_MAX_LEN);
        if (i % 500 == 499)
            sb_flush(d, NULL);
    }
    sb_flush(d, NULL);
}

/* Enough dates for one seat per user, each seat used once. */
static int64_t *sb_dates(tk_domain *d, int users, int *ndates, int64_t now)
{
    int n = users / TK_SEATS + SB_DATES_MIN;
    int64_t cid, prices[TK_SEATS], *ids = calloc((size_t)n, sizeof *ids);
    tk_err e;
    for (int i = 0; i < TK_SEATS; i++)
        prices[i] = 80000;
    if (!ids || (e = tk_admin_concert_create(d, "Store bench", "Nowhere", now, &cid, NULL)))
        sb_fail("concert", 0, ids ? e : TK_INTERNAL);
    for (int i = 0; i < n; i++)
        if ((e = tk_admin_date_create(d, cid, now + 86400000LL * (14 + i), prices, -1, now,
                                      &ids[i], NULL)))
            sb_fail("date", i, e);
    sb_flush(d, NULL);
    *ndates = n;
    return ids;
}

static void sb_shuffle(int *v, int n)
{
    srand(7); /* the same order every run: runs compare */
    for (int i = 0; i < n; i++)
        v[i] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = rand() % (i + 1), t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

static void sb_report(const char *what, const sb_cost *c, int n)
{
    printf("%-8s %7d  calls %6.1f  commit %6.1f  flush %5.1f  total %6.1f us each\n", what, n,
           (double)c->calls / n, (double)c->commit / n, (double)c->flush / n,
           (double)(c->calls + c->commit + c->flush) / n);
}

static void sb_run(tk_domain *d, const sb_opts *o, int64_t now)
{
    int n = o->users, ndates;
    char (*tokens)[TOKEN_MAX_LEN] = calloc((size_t)n, TOKEN_MAX_LEN);
    int64_t *holds = calloc((size_t)n, sizeof *holds);
    int *order = calloc((size_t)n, sizeof *order);
    if (!tokens || !holds || !order)
        sb_fail("out of memory", 0, TK_INTERNAL);
    int64_t *dates = sb_dates(d, n, &ndates, now);
    sb_users(d, n, tokens, now);
    sb_shuffle(order, n);
    sb_cost hc = {0}, pc = {0};
    for (int i = 0; i < n; i++) { /* seat i of the dates, taken in random order */
        int u = order[i];
        tk_hold_info h;
        tk_err e;
        int64_t a = sb_cpu_us();
        if ((e = tk_seat_hold(d, tokens[u], dates[u / TK_SEATS], 1 + u % TK_SEATS, now, &h, NULL)))
            sb_fail("hold", u, e);
        hc.calls += sb_cpu_us() - a;
        holds[u] = h.hold_id;
        if (i % o->batch == o->batch - 1 || i == n - 1)
            sb_flush(d, &hc);
    }
    sb_shuffle(order, n);
    for (int i = n - 1; i >= 0; i--) { /* the other way round from the holds */
        int u = order[i];
        char rid[32];
        tk_pay_result r;
        tk_err e;
        snprintf(rid, sizeof rid, "pay-%d", u);
        int64_t a = sb_cpu_us();
        if ((e = tk_payment_pay(d, tokens[u], &holds[u], 1, rid, now + 1000, &r, NULL)))
            sb_fail("pay", u, e);
        pc.calls += sb_cpu_us() - a;
        if (i % o->batch == 0)
            sb_flush(d, &pc);
    }
    sb_report("hold", &hc, n);
    sb_report("payment", &pc, n);
    free(dates);
    free(order);
    free(holds);
    free(tokens);
}

static int sb_args(int argc, char **argv, sb_opts *o)
{
    *o = (sb_opts){20000, 20, NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--users") && v)
            o->users = atoi(argv[++i]);
        else if (!strcmp(a, "--batch") && v)
            o->batch = atoi(argv[++i]);
        else if (!strcmp(a, "--db") && v)
            o->db = argv[++i];
        else
            return -1;
    }
    return o->users >= 1 && o->users <= 10000000 && o->batch >= 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
    sb_opts o;
    if (sb_args(argc, argv, &o) < 0) {
        fprintf(stderr, "usage: ticket-storebench [--users N (20000)] [--batch N (20)] "
                        "[--db FILE (a fresh temp file)]\n");
        return 2;
    }
    char dir[] = "/tmp/ticket-storebench.XXXXXX", path[64];
    if (!o.db && !mkdtemp(dir)) {
        perror("storebench: mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/ticket.db", dir);
    tk_config c;
    tk_config_defaults(&c);
    c.db_path = o.db ? o.db : path;
    c.max_active = o.users;
    c.admit_per_min = 10000000;
    for (size_t i = 0; i < sizeof c.token_key; i++) /* tokens never leave the process */
        c.token_key[i] = (uint8_t)(i * 7 + 1);
    int64_t now = clock_wall_ms();
    tk_domain *d = tk_open(&c, now);
    if (!d || tk_sync_defer(d) != 0 || tk_batch_begin(d) != 0)
        sb_fail("open", 0, TK_INTERNAL);
    printf("storebench: %d users, batches of %d, %s\n", o.users, o.batch, c.db_path);
    sb_run(d, &o, now);
    char why[256];
    int bad = tk_batch_commit(d) != 0 || tk_check_invariants(d, why, sizeof why) != 0;
    printf("invariants: %s\n", bad ? why : "clean");
    tk_close(d);
    if (!o.db) {
        const char *suffix[] = {"", "-wal", "-shm", "-lock"};
        for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
            char f[80];
            snprintf(f, sizeof f, "%s%s", path, suffix[i]);
            unlink(f);
        }
        rmdir(dir);
    }
    return bad;
}
