/* tests/it_leader.c -- several ticketd nodes on one PostgreSQL database:
 * one leads, the others wait, and a change of leader loses nothing.
 *
 *  - kill -9 of the leader under write load (charges, holds, payments from
 *    several threads, each client given both nodes' URLs): the standby
 *    answers (the time is printed, and held to a loose bound); every
 *    acknowledged charge, hold and payment is there; no seat is sold twice;
 *    ticket-audit passes; per-date seq goes on;
 *  - a paused leader (SIGSTOP) whose session an operator ends
 *    (pg_terminate_backend): the standby takes over; resumed (SIGCONT), the
 *    old leader commits nothing, answers nothing, and exits non-zero;
 *  - a PostgreSQL primary with a synchronous standby (tools/pgtest.sh
 *    pair), the primary killed under load and the standby promoted: the
 *    leader fail-stops, the standby node finds the promoted server through
 *    the multi-host URI and leads, and nothing acknowledged is lost.
 *
 * On SQLite there is no second node (a file is one server's): PostgreSQL
 * only. */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "common/util.h"
#include "tests/lib/harness.h"

#define LD_WORKERS 6
#define LD_DATES 8
#define LD_PRICE 1000
#define LD_MAX_ACKS 512
#define LD_FAILOVER_BOUND_MS 20000

#define PG_ONLY()                                                                    \
    do {                                                                             \
        if (!th_on_postgres()) {                                                     \
            fprintf(stderr, "skip on SQLite: one file is one server's\n");          \
            return;                                                                  \
        }                                                                            \
    } while (0)

/* A seat this worker was told it holds or bought. */
typedef struct {
    int64_t date_id, seat_no;
    bool paid;
} ld_ack;

typedef struct {
    const char *urls;
    th_user u;
    const int64_t *dates;
    int idx;
    atomic_bool *stop;
    atomic_int *paid_total;
    /* results, read by the main thread after the join */
    int charges; /* acknowledged wallet.charge of LD_PRICE each */
    int nacks;
    ld_ack acks[LD_MAX_ACKS];
} ld_worker;

/* queue.join again (safe to repeat): a new token, admitted soon. */
static void ld_rejoin(th_client *c, th_user *u)
{
    rpc_reply r = th_ccall(c, "queue.join", "{\"user_id\":\"%s\"}", u->user_id);
    const cJSON *tok = r.err == TK_OK ? cJSON_GetObjectItem(r.result, "token") : NULL;
    if (cJSON_IsString(tok))
        snprintf(u->token, sizeof u->token, "%s", tok->valuestring);
}

/* One purchase: charge when the wallet is short, hold a random seat, pay
 * it. A payment whose reply was lost is sent again with the same
 * request_id (payment.pay is safe to repeat) before anything else. */
static void *ld_run(void *arg)
{
    ld_worker *w = arg;
    th_client *c = th_client_open_url(w->urls, 3000);
    unsigned seed = (unsigned)w->idx * 7919u + 1;
    int64_t balance = 0, pending = 0; /* a hold whose payment is unanswered */
    int pend_ack = -1, nreq = 0, pay_rid = 0;
    while (!atomic_load(w->stop)) {
        th_sleep_ms(2);
        if (balance < LD_PRICE) {
            rpc_reply r = th_ccall(c, "wallet.charge",
                                   "{\"user_id\":\"%s\",\"amount\":%d,\"request_id\":\"c%d\"}",
                                   w->u.user_id, LD_PRICE, ++nreq);
            if (r.err == TK_OK) {
                w->charges++;
                balance = th_int_or(r.result, "balance", 0);
            }
            continue;
        }
        if (!pending) {
            if (w->nacks >= LD_MAX_ACKS)
                break;
            int64_t d = w->dates[rand_r(&seed) % LD_DATES];
            int seat = 1 + (int)(rand_r(&seed) % 50);
            rpc_reply r = th_ccall(c, "seat.hold",
                                   "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%d}",
                                   w->u.token, (long long)d, seat);
            if (r.err == TK_TOKEN_EXPIRED) /* a payment ends the turn: line up again */
                ld_rejoin(c, &w->u);
            if (r.err != TK_OK)
                continue;
            pending = th_int_or(r.result, "hold_id", 0);
            pend_ack = w->nacks;
            w->acks[w->nacks++] = (ld_ack){d, seat, false};
            pay_rid = ++nreq;
        }
        rpc_reply p = th_ccall(c, "payment.pay",
                               "{\"token\":\"%s\",\"hold_ids\":[%lld],\"request_id\":\"p%d\"}",
                               w->u.token, (long long)pending, pay_rid);
        if (p.err == TK_OK) {
            w->acks[pend_ack].paid = true;
            balance = th_int_or(p.result, "balance", 0);
            atomic_fetch_add(w->paid_total, 1);
        }
        if (p.err != TK_ERR_COUNT) /* answered either way: not pending any more */
            pending = 0;
    }
    th_client_close(c);
    return NULL;
}

static void ld_wait_paid(atomic_int *paid, int n, int ms)
{
    int64_t end = clock_mono_ms() + ms;
    while (atomic_load(paid) < n && clock_mono_ms() < end)
        th_sleep_ms(20);
    ck_assert_msg(atomic_load(paid) >= n, "only %d payments acknowledged", atomic_load(paid));
}

/* Waits until the node's log says it is a standby. */
static void ld_wait_standby(th_server *s)
{
    int64_t end = clock_mono_ms() + TH_READY_MS;
    while (!log_file_has(s->log_path, "event=standby") && clock_mono_ms() < end && th_alive(s))
        th_sleep_ms(20);
    ck_assert_msg(log_file_has(s->log_path, "event=standby"), "%s: no standby", s->log_path);
}

static const char *ld_bin(const char *name)
{
    char *dir = th_sprintf("%s", getenv("TICKETD"));
    *strrchr(dir, '/') = '\0';
    return th_sprintf("%s/%s", dir, name);
}

static int64_t ld_seq(th_server *s, th_user *u, int64_t date_id)
{
    rpc_reply r = th_call(s, "seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", u->token,
                          (long long)date_id);
    TH_OK(r);
    return th_int(r.result, "seq");
}

/* Every acknowledged charge is in the member's ledger (which sums to the
 * balance); every acknowledged hold's seat is held or sold, every paid one
 * sold. */
static int ld_check_worker(th_server *s, ld_worker *w)
{
    rpc_reply h = th_call(s, "wallet.history", "{\"user_id\":\"%s\",\"limit\":500}", w->u.user_id);
    TH_OK(h);
    int64_t sum = 0;
    int charges = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, th_arr(h.result, "entries")) {
        sum += th_int(e, "amount");
        charges += strcmp(th_str(e, "kind"), "charge") == 0;
    }
    ck_assert_int_lt(cJSON_GetArraySize(th_arr(h.result, "entries")), 500);
    ck_assert_int_eq(sum, th_balance(s, w->u.user_id));
    ck_assert_msg(charges >= w->charges, "worker %d: %d charges acknowledged, %d in the ledger",
                  w->idx, w->charges, charges);
    int paid = 0;
    for (int i = 0; i < w->nacks; i++) {
        const char *st = th_str(th_admin_seat(s, w->acks[i].date_id, (int)w->acks[i].seat_no),
                                "state");
        if (w->acks[i].paid)
            ck_assert_str_eq(st, "sold");
        else
            ck_assert_msg(!strcmp(st, "held") || !strcmp(st, "sold"), "acknowledged hold: %s", st);
        paid += w->acks[i].paid;
    }
    return paid;
}

/* Sold seats across the dates equal paid bookings across the members: no
 * seat was sold twice (nor a booking lost). */
static void ld_check_sold_once(th_server *s, ld_worker *w, const int64_t *dates)
{
    int sold = 0, bookings = 0;
    for (int d = 0; d < LD_DATES; d++) {
        rpc_reply r = th_admin(s, "admin.seats.list", "{\"date_id\":%lld}", (long long)dates[d]);
        TH_OK(r);
        const cJSON *seat;
        cJSON_ArrayForEach(seat, th_arr(r.result, "seats")) sold +=
            strcmp(th_str(seat, "state"), "sold") == 0;
    }
    for (int i = 0; i < LD_WORKERS; i++) {
        rpc_reply r = th_call(s, "booking.list", "{\"user_id\":\"%s\"}", w[i].u.user_id);
        TH_OK(r);
        const cJSON *b;
        cJSON_ArrayForEach(b, th_arr(r.result, "bookings")) bookings +=
            strcmp(th_str(b, "state"), "paid") == 0;
    }
    ck_assert_int_eq(sold, bookings);
}

/* The load of a test: dates on a, members, and the workers that buy,
 * each given both nodes' URLs. */
typedef struct {
    int64_t dates[LD_DATES];
    ld_worker w[LD_WORKERS];
    pthread_t t[LD_WORKERS];
    atomic_bool stop;
    atomic_int paid;
} ld_load;

static ld_load *ld_load_new(th_server *a, th_server *b)
{
    static ld_load l;
    memset(&l, 0, sizeof l);
    for (int d = 0; d < LD_DATES; d++)
        l.dates[d] = th_date_new(a, 5 + d, LD_PRICE);
    const char *urls = th_sprintf("%s,%s", a->rpc_url, b->rpc_url);
    for (int i = 0; i < LD_WORKERS; i++) {
        l.w[i] = (ld_worker){.urls = urls, .dates = l.dates, .idx = i, .stop = &l.stop,
                             .paid_total = &l.paid};
        th_user_active(a, &l.w[i].u, th_sprintf("Load%d", i), 0);
    }
    return &l;
}

static void ld_load_run(ld_load *l)
{
    for (int i = 0; i < LD_WORKERS; i++)
        ck_assert_int_eq(pthread_create(&l->t[i], NULL, ld_run, &l->w[i]), 0);
    ld_wait_paid(&l->paid, 10, TH_WAIT_MS);
}

/* Ten more purchases on the new leader, then stop; every acknowledgement
 * checked on s, and no seat sold twice. */
static void ld_load_finish(ld_load *l, th_server *s)
{
    ld_wait_paid(&l->paid, atomic_load(&l->paid) + 10, TH_WAIT_MS);
    atomic_store(&l->stop, true);
    for (int i = 0; i < LD_WORKERS; i++)
        pthread_join(l->t[i], NULL);
    int paid_acked = 0;
    for (int i = 0; i < LD_WORKERS; i++)
        paid_acked += ld_check_worker(s, &l->w[i]);
    ck_assert_int_eq(paid_acked, atomic_load(&l->paid));
    ld_check_sold_once(s, l->w, l->dates);
}

START_TEST(standby_takes_over_after_kill9_under_load)
{
    PG_ONLY();
    th_server *a = th_start("--node", "node-a", "--admit-per-min", "60000", NULL);
    th_server *b = th_standby(a, "--node", "node-b", "--admit-per-min", "60000", NULL);
    ld_wait_standby(b);
    ld_load *l = ld_load_new(a, b);
    th_user obs; /* only reads: its turn lasts */
    th_user_active(a, &obs, "Observer", 0);
    int64_t seq_before = ld_seq(a, &obs, l->dates[0]);
    ld_load_run(l);

    th_kill9(a);
    int took = th_wait_serving(b, LD_FAILOVER_BOUND_MS);
    fprintf(stderr, "failover: the standby answered %d ms after kill -9 of the leader "
                    "(%d payments acknowledged before)\n", took, atomic_load(&l->paid));
    ck_assert_msg(took >= 0, "the standby did not answer within %d ms", LD_FAILOVER_BOUND_MS);
    /* It listened only after the old leader's read lease had run out. */
    ck_assert(log_file_has(b->log_path, "event=lease_wait"));
    ld_load_finish(l, b); /* the load goes on, on b */

    rpc_reply info = th_call(b, "server.info", "{}");
    TH_OK(info);
    ck_assert_str_eq(th_str(info.result, "node"), "node-b");
    ck_assert(th_bool(info.result, "leader"));
    ck_assert_int_gt(ld_seq(b, &obs, l->dates[0]), seq_before); /* stored, so it goes on */
    const char *audit[] = {ld_bin("ticket-audit"), "-q", b->db, NULL};
    ck_assert_int_eq(th_run(audit), 0);
}
END_TEST

/* SIGSTOP of a process is asynchronous: each thread stops the next time
 * it runs. Waits until every thread of pid is stopped ('T' in
 * /proc/PID/task/TID/stat), so nothing sent after this reaches a running
 * thread. */
static void ld_wait_stopped(pid_t pid)
{
    int64_t end = clock_mono_ms() + TH_WAIT_MS;
    bool all = false;
    while (!all && clock_mono_ms() < end) {
        DIR *d = opendir(th_sprintf("/proc/%d/task", (int)pid));
        ck_assert_ptr_nonnull(d);
        all = true;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            char buf[512] = "";
            FILE *f = fopen(th_sprintf("/proc/%d/task/%s/stat", (int)pid, de->d_name), "r");
            if (f) {
                size_t n = fread(buf, 1, sizeof buf - 1, f);
                buf[n] = '\0';
                fclose(f);
            }
            const char *st = strrchr(buf, ')'); /* after "(comm)": " T ..." */
            all = all && st && (st[2] == 'T' || st[2] == 't');
        }
        closedir(d);
        if (!all)
            th_sleep_ms(5);
    }
    ck_assert_msg(all, "pid %d did not stop", (int)pid);
}

/* An operator's pg_terminate_backend of the session holding the lock. */
static void ld_end_leader_session(const char *db)
{
    PGconn *c = PQconnectdb(db);
    ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
    PGresult *r = PQexec(c, "SELECT pg_terminate_backend(pid) FROM pg_locks "
                            "WHERE locktype = 'advisory' AND granted");
    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, "%s",
                  PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

typedef struct {
    th_client *c;
    const char *method, *params;
    rpc_reply r;
} ld_late;

/* A request sent to the paused leader: it may only ever fail. */
static void *ld_late_call(void *arg)
{
    ld_late *l = arg;
    l->r = th_ccall(l->c, l->method, "%s", l->params);
    return NULL;
}

START_TEST(paused_leader_commits_and_answers_nothing)
{
    PG_ONLY();
    th_server *a = th_start("--node", "node-a", NULL);
    th_server *b = th_standby(a, "--node", "node-b", NULL);
    ld_wait_standby(b);
    int64_t d = th_date_new(a, 5, LD_PRICE);
    th_user u;
    th_user_active(a, &u, "Paused", 0);
    ck_assert_int_eq(th_charge(a, &u, 1000), 1000);
    th_hold(a, &u, d, 9);
    int64_t seq = ld_seq(a, &u, d);
    /* Connected before the pause, so the requests are on their way in and
     * reach it the moment it runs again: a read (answered from memory,
     * unless the lease stops it) and a charge (the fence and the lost
     * session stop it). */
    ld_late late[2] = {
        {th_client_open_url(a->rpc_url, 4000), "wallet.balance",
         th_sprintf("{\"user_id\":\"%s\"}", u.user_id), {0}},
        {th_client_open_url(a->rpc_url, 4000), "wallet.charge",
         th_sprintf("{\"user_id\":\"%s\",\"amount\":700,\"request_id\":\"late-1\"}",
                    u.user_id), {0}},
    };
    for (int i = 0; i < 2; i++)
        TH_OK(th_ccall(late[i].c, "server.info", "{}"));

    ck_assert_int_eq(kill(a->pid, SIGSTOP), 0);
    ld_wait_stopped(a->pid);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, ld_late_call, &late[i]), 0);
    th_sleep_ms(200);
    ld_end_leader_session(a->db);
    ck_assert_int_ge(th_wait_serving(b, LD_FAILOVER_BOUND_MS), 0);
    th_sleep_ms(1200); /* past a's read lease, as any real pause would be */
    ck_assert_int_eq(kill(a->pid, SIGCONT), 0);

    for (int i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        th_client_close(late[i].c);
        ck_assert_msg(late[i].r.err != TK_OK, "the deposed leader answered %s: %s",
                      late[i].method, th_reply_str(&late[i].r));
    }
    th_client *fresh = th_client_open_url(a->rpc_url, 2000);
    rpc_reply r = th_ccall(fresh, "server.info", "{}");
    ck_assert_msg(r.err != TK_OK, "the deposed leader answered: %s", th_reply_str(&r));
    th_client_close(fresh);
    int st = th_wait_exit(a, TH_WAIT_MS);
    ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) != 0, "status %d", st);
    ck_assert(log_file_has(a->log_path, "event=session_lost") ||
              log_file_has(a->log_path, "event=commit_failed"));

    /* b has everything acknowledged and nothing else; seq goes on. */
    ck_assert_int_eq(th_balance(b, u.user_id), 1000);
    ck_assert_str_eq(th_str(th_admin_seat(b, d, 9), "state"), "held");
    ck_assert_int_eq(ld_seq(b, &u, d), seq);
    th_hold(b, &u, d, 10);
    ck_assert_int_eq(ld_seq(b, &u, d), seq + 1);
    rpc_reply dash = th_admin(b, "admin.dashboard", "{}");
    TH_OK(dash);
    const cJSON *srv = th_obj(dash.result, "server");
    ck_assert_str_eq(th_str(srv, "node"), "node-b");
    ck_assert(th_bool(srv, "leader"));
    ck_assert_int_eq(th_int(srv, "epoch"), 2);
    th_str(srv, "since");
}
END_TEST

/* ---- (c): the PostgreSQL primary dies ---------------------------------- */

static char ld_pair_dir[64];

static const char *ld_pgtest(void) { return th_sprintf("%s/tools/pgtest.sh", getenv("TOP")); }

/* tools/pgtest.sh pair in a dir of its own; the URI it prints (the
 * database ticketd uses made on it). */
static const char *ld_pair_start(void)
{
    snprintf(ld_pair_dir, sizeof ld_pair_dir, "/tmp/th-pair-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(ld_pair_dir));
    FILE *p = popen(th_sprintf("sh %s pair %s", ld_pgtest(), ld_pair_dir), "r");
    ck_assert_ptr_nonnull(p);
    char uri[1024] = "";
    char *got = fgets(uri, sizeof uri, p);
    ck_assert_int_eq(pclose(p), 0);
    ck_assert_ptr_nonnull(got);
    uri[strcspn(uri, "\n")] = '\0';
    PGconn *c = PQconnectdb(uri);
    ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
    PQclear(PQexec(c, "CREATE DATABASE ticket"));
    PQfinish(c);
    return th_sprintf("%s&dbname=ticket", uri);
}

static void ld_pair(const char *what)
{
    const char *argv[] = {"sh", ld_pgtest(), what, ld_pair_dir, NULL};
    ck_assert_int_eq(th_run(argv), 0);
}

/* Unchecked teardown: whatever the test did, the pair stops. */
static void ld_pair_stop(void)
{
    if (!ld_pair_dir[0])
        return;
    const char *argv[] = {"sh", ld_pgtest(), "stop", ld_pair_dir, NULL};
    th_run(argv);
    ld_pair_dir[0] = '\0';
}

START_TEST(primary_dies_and_the_promoted_standby_goes_on)
{
    PG_ONLY();
    const char *db = ld_pair_start();
    th_server *a = th_start("--db", db, "--node", "node-a", "--admit-per-min", "60000", NULL);
    th_server *b = th_standby(a, "--db", db, "--node", "node-b", "--admit-per-min", "60000", NULL);
    ld_wait_standby(b);
    ld_load *l = ld_load_new(a, b);
    ld_load_run(l);

    ld_pair("kill-primary");
    int st = th_wait_exit(a, TH_WAIT_MS); /* its session is gone: fail-stop */
    ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
    ld_pair("promote");
    int took = th_wait_serving(b, LD_FAILOVER_BOUND_MS);
    fprintf(stderr, "failover: node-b answered %d ms after the promotion\n", took);
    ck_assert_int_ge(took, 0);
    ld_load_finish(l, b);
    ck_assert(log_file_has(b->log_path, "event=leader node=node-b epoch=2"));
    const char *audit[] = {ld_bin("ticket-audit"), "-q", db, NULL};
    ck_assert_int_eq(th_run(audit), 0);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_leader");
    TCase *tc = th_tcase("leader");
    tcase_add_test(tc, standby_takes_over_after_kill9_under_load);
    tcase_add_test(tc, paused_leader_commits_and_answers_nothing);
    TCase *pair = th_tcase("pair");
    tcase_add_checked_fixture(pair, NULL, ld_pair_stop);
    tcase_add_test(pair, primary_dies_and_the_promoted_standby_goes_on);
    suite_add_tcase(su, tc);
    suite_add_tcase(su, pair);
    return th_main(su);
}
