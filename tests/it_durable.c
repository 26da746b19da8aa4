/* tests/it_durable.c -- acknowledged state survives SIGTERM and kill -9:
 * balances, ledger, bookings, sold seats, live holds with their deadline,
 * tokens, request_id replays; holds that lapse while the server is down
 * are released at start; and charges acknowledged under load right before
 * a kill -9 are all there afterwards. */
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "tests/lib/harness.h"

typedef struct {
    int64_t entry_id, pay_id, paid_hold, hold_id, hold_left_s, balance;
    char code[32];
} snapshot;

/* u[0] charges, holds seat 11 and pays for it; u[1] holds seat 12 and
 * keeps the hold live. */
static void build_state(th_server *s, th_user *u, int64_t d, snapshot *sn)
{
    th_user_active(s, u, "Durable", 0);
    th_user_active(s, &u[1], "Holder", 0);
    rpc_reply c = th_call(s, "wallet.charge",
                          "{\"user_id\":\"%s\",\"amount\":150000,\"request_id\":\"dur-c\"}",
                          u->user_id);
    TH_OK(c);
    u->charged = 150000;
    sn->entry_id = th_int(c.result, "entry_id");
    int64_t paid = th_hold(s, u, d, 11);
    sn->paid_hold = paid;
    rpc_reply h = th_call(s, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":12}",
                          u[1].token, (long long)d);
    TH_OK(h);
    sn->hold_id = th_int(h.result, "hold_id");
    sn->hold_left_s = th_int(h.result, "expires_in_s");
    rpc_reply p = th_call(s, "payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld],\"request_id\":\"dur-p\"}",
                          u->token, (long long)paid);
    TH_OK(p);
    sn->pay_id = th_int(p.result, "payment_id");
    sn->balance = th_int(p.result, "balance");
    snprintf(sn->code, sizeof(sn->code), "%s",
             th_str(cJSON_GetArrayItem(th_arr(p.result, "bookings"), 0), "code"));
    ck_assert_int_eq(sn->balance, 100000);
}

static void check_state(th_server *s, th_user *u, int64_t d, const snapshot *sn,
                        int64_t min_elapsed_s)
{
    ck_assert_int_eq(th_balance(s, u->user_id), sn->balance);
    rpc_reply l = th_call(s, "booking.list", "{\"user_id\":\"%s\"}", u->user_id);
    TH_OK(l);
    const cJSON *b = cJSON_GetArrayItem(th_arr(l.result, "bookings"), 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(th_str(b, "code"), sn->code);
    ck_assert_int_eq(th_int(b, "seat_no"), 11);
    const cJSON *sold = th_admin_seat(s, d, 11);
    ck_assert_str_eq(th_str(sold, "state"), "sold");
    ck_assert_str_eq(th_str(sold, "code"), sn->code);
    /* The live hold is there, with its old deadline (not a fresh one). */
    const cJSON *held = th_admin_seat(s, d, 12);
    ck_assert_str_eq(th_str(held, "state"), "held");
    ck_assert_int_eq(th_int(held, "hold_id"), sn->hold_id);
    int64_t left = th_int(held, "expires_in_s");
    ck_assert_msg(left > 0 && left <= sn->hold_left_s - min_elapsed_s,
                  "hold has %lld s left; at most %lld expected", (long long)left,
                  (long long)(sn->hold_left_s - min_elapsed_s));
    /* The token kept working across the restart (same secret, still active). */
    const cJSON *mine = th_seat(s, &u[1], d, 12);
    ck_assert(th_bool(mine, "mine"));
    /* Replays return the first results and move no money. */
    rpc_reply c = th_call(s, "wallet.charge",
                          "{\"user_id\":\"%s\",\"amount\":150000,\"request_id\":\"dur-c\"}",
                          u->user_id);
    TH_OK(c);
    ck_assert_int_eq(th_int(c.result, "entry_id"), sn->entry_id);
    TH_ERR(th_call(s, "wallet.charge",
                   "{\"user_id\":\"%s\",\"amount\":1,\"request_id\":\"dur-c\"}", u->user_id),
           TK_CONFLICT);
    rpc_reply p = th_call(s, "payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld],\"request_id\":\"dur-p\"}",
                          u->token, (long long)sn->paid_hold);
    TH_OK(p);
    ck_assert_int_eq(th_int(p.result, "payment_id"), sn->pay_id);
    ck_assert_int_eq(th_balance(s, u->user_id), sn->balance);
    th_money_check(s, u, 2, 0);
}

START_TEST(survives_sigterm)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 5, 50000);
    th_user u[2];
    snapshot sn;
    build_state(s, u, d, &sn);
    int st = th_stop(s);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "SIGTERM exit status %d", st);
    th_restart(s);
    check_state(s, u, d, &sn, 0);
}
END_TEST

START_TEST(survives_kill9)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 5, 50000);
    th_user u[2];
    snapshot sn;
    build_state(s, u, d, &sn);
    /* Let the hold age so a reset deadline would show. */
    th_sleep_ms(2500);
    th_kill9(s);
    th_restart(s);
    check_state(s, u, d, &sn, 2);
    /* And once more, with the replays themselves behind a kill. */
    th_kill9(s);
    th_restart(s);
    check_state(s, u, d, &sn, 2);
}
END_TEST

START_TEST(lapse_while_down)
{
    th_server *s = th_start("--hold-seconds", "2", NULL);
    int64_t d = th_date_new(s, 5, 50000);
    th_user u, v;
    th_user_active(s, &u, "Gone", 0);
    th_hold(s, &u, d, 7);
    th_kill9(s);
    th_sleep_ms(2600);
    th_restart(s);
    const cJSON *seat = th_admin_seat(s, d, 7);
    ck_assert_str_eq(th_str(seat, "state"), "free");
    TH_ERR(th_call(s, "queue.status", "{\"token\":\"%s\"}", u.token), TK_TOKEN_EXPIRED);
    th_user_active(s, &v, "Next", 0);
    th_hold(s, &v, d, 7);
    rpc_reply dash = th_admin(s, "admin.dashboard", NULL);
    TH_OK(dash);
    ck_assert_int_eq(th_int(th_obj(dash.result, "totals"), "held"), 1);
}
END_TEST

/* ---- kill -9 under load ------------------------------------------------ */

#define NLOAD 4
#define MAXREQ 400 /* under wallet.history's 500, so th_money_check sees every entry */

typedef struct {
    th_server *s;
    th_user *u;
    int id;
    volatile int *stop;
    int attempted;          /* requests sent (acknowledged or not) */
    int64_t amount[MAXREQ];
    int64_t entry[MAXREQ];  /* entry_id when acknowledged, else 0 */
} loader;

static void *load_worker(void *arg)
{
    loader *l = arg;
    th_client *c = th_client_open_url(l->s->rpc_url, 3000);
    while (!*l->stop && l->attempted < MAXREQ) {
        int n = l->attempted++;
        l->amount[n] = 100 + n % 7;
        rpc_reply r = th_ccall(c, "wallet.charge",
                               "{\"user_id\":\"%s\",\"amount\":%lld,\"request_id\":\"k%d\"}",
                               l->u->user_id, (long long)l->amount[n], n);
        if (r.err != TK_OK)
            break; /* the server is gone: this one is in doubt */
        l->entry[n] = th_int_or(r.result, "entry_id", -1);
    }
    th_client_close(c);
    return NULL;
}

/* Charges from NLOAD threads; sig hits the server mid-stream; after a
 * restart every acknowledged charge is there exactly once. Returns the
 * server's exit status. */
static int stop_under_load(int sig)
{
    th_server *s = th_start(NULL);
    static th_user users[NLOAD];
    static loader ls[NLOAD];
    volatile int stop = 0;
    pthread_t t[NLOAD];
    for (int i = 0; i < NLOAD; i++) {
        th_user_new(s, &users[i], "Load");
        memset(&ls[i], 0, sizeof(ls[i]));
        ls[i] = (loader){.s = s, .u = &users[i], .id = i, .stop = &stop};
        pthread_create(&t[i], NULL, load_worker, &ls[i]);
    }
    /* Stop it once enough has been acknowledged (bounded). */
    int64_t end = clock_mono_ms() + TH_WAIT_MS;
    while (clock_mono_ms() < end && ls[0].attempted < 40)
        th_sleep_ms(10);
    int st = -1;
    if (sig == SIGKILL)
        th_kill9(s);
    else
        st = th_stop(s); /* one SIGTERM, then waits for the exit */
    stop = 1;
    for (int i = 0; i < NLOAD; i++)
        pthread_join(t[i], NULL);
    th_restart(s);

    int acked = 0;
    for (int i = 0; i < NLOAD; i++) {
        loader *l = &ls[i];
        int64_t total = 0;
        /* Replay every request: acknowledged ones must answer with their
         * entry; an in-doubt one is applied now if it was lost. Either way
         * each request_id ends up counted exactly once. */
        for (int n = 0; n < l->attempted; n++) {
            rpc_reply r = th_call(s, "wallet.charge",
                                  "{\"user_id\":\"%s\",\"amount\":%lld,\"request_id\":\"k%d\"}",
                                  users[i].user_id, (long long)l->amount[n], n);
            TH_OK(r);
            if (l->entry[n]) {
                acked++;
                ck_assert_msg(th_int(r.result, "entry_id") == l->entry[n],
                              "user %d request k%d: acknowledged entry %lld, now %lld", i, n,
                              (long long)l->entry[n], (long long)th_int(r.result, "entry_id"));
            }
            total += l->amount[n];
        }
        users[i].charged = total;
        ck_assert_int_eq(th_balance(s, users[i].user_id), total);
    }
    ck_assert_int_gt(acked, 0);
    th_money_check(s, users, NLOAD, 0);
    return st;
}

START_TEST(kill9_under_load_keeps_acknowledged)
{
    stop_under_load(SIGKILL);
}
END_TEST

/* A few rounds: a shutdown race shows only now and then. */
START_TEST(sigterm_under_load_is_clean)
{
    for (int round = 0; round < 3; round++) {
        int st = stop_under_load(SIGTERM);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                      "round %d: exit status %d after SIGTERM (-1: still running after %d ms)",
                      round, st, TH_READY_MS);
    }
}
END_TEST

static int file_mode(th_server *s, const char *name)
{
    struct stat st;
    char *path = th_sprintf("%s/%s", s->dir, name);
    ck_assert_msg(stat(path, &st) == 0, "%s missing", path);
    return (int)(st.st_mode & 0777);
}

/* Key files 0600, ipc sockets 0660, the admin key is 32 hex chars, the log
 * has the ready line and never a whole member id. */
START_TEST(files_modes_and_log)
{
    th_server *s = th_start(NULL);
    ck_assert_int_eq(file_mode(s, "secret.key"), 0600);
    ck_assert_int_eq(file_mode(s, "admin.key"), 0600);
    ck_assert_int_eq(file_mode(s, "rpc.sock"), 0660);
    ck_assert_int_eq(file_mode(s, "events.sock"), 0660);
    ck_assert_int_eq(strlen(s->admin_key), 32);
    ck_assert_uint_eq(strspn(s->admin_key, "0123456789abcdefABCDEF"), 32);
    int64_t d = th_date_new(s, 5, 1000);
    th_user u;
    th_user_active(s, &u, "Private", 5000);
    int64_t h = th_hold(s, &u, d, 1);
    TH_OK(th_pay(s, &u, &h, 1));
    th_stop(s);
    FILE *f = fopen(s->log_path, "r");
    ck_assert_ptr_nonnull(f);
    char line[4096];
    bool ready = false;
    while (fgets(line, sizeof(line), f)) {
        ready |= strstr(line, "event=ready") != NULL;
        ck_assert_msg(strstr(line, u.user_id) == NULL, "log line with a whole member id: %s",
                      line);
    }
    fclose(f);
    ck_assert_msg(ready, "no event=ready line in the log");
}
END_TEST

/* The fault shim (tests/shim/failsync.c), built next to this binary. */
static const char *failsync_so(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    ck_assert_int_gt(n, 0);
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    ck_assert_ptr_nonnull(slash);
    *slash = 0;
    const char *so = th_sprintf("%s/failsync.so", exe);
    ck_assert_msg(access(so, R_OK) == 0, "%s missing (make check builds it)", so);
    return so;
}

/* The disk refuses a flush (fdatasync fails, via an LD_PRELOAD shim): the
 * write it covered is never acknowledged, and the server stops (exit 1)
 * rather than serve state that memory has and the disk may not. After a
 * restart the client's retry with the same request_id lands exactly once,
 * whether or not the unflushed batch reached the disk after all. */
START_TEST(failed_flush_is_fail_stop)
{
    /* PostgreSQL's COMMIT is its own flush; its fail-stop is it_pgstore's. */
    TH_SQLITE_ONLY("the fdatasync shim fails SQLite's WAL flush");
    const char *flag = th_sprintf("/tmp/tk-failsync.%d", (int)getpid());
    unlink(flag);
    setenv("LD_PRELOAD", failsync_so(), 1);
    setenv("TK_TEST_FAILSYNC_FLAG", flag, 1);
    const char *asan = getenv("ASAN_OPTIONS"); /* the shim is not ASan's runtime */
    asan = asan ? th_sprintf("%s", asan) : NULL; /* setenv may free the original */
    setenv("ASAN_OPTIONS", th_sprintf("%s%sverify_asan_link_order=0", asan ? asan : "",
                                      asan && *asan ? ":" : ""), 1);
    th_server *s = th_start(NULL);
    /* Only this first server runs with the shim: the environment is the
     * test process's own again for the restart and any later test. */
    unsetenv("LD_PRELOAD");
    unsetenv("TK_TEST_FAILSYNC_FLAG");
    if (asan)
        setenv("ASAN_OPTIONS", asan, 1);
    else
        unsetenv("ASAN_OPTIONS");
    th_user u;
    th_user_new(s, &u, "Flush");
    ck_assert_int_eq(th_charge(s, &u, 1000), 1000);
    FILE *f = fopen(flag, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    th_client_set_timeout(s->client, 3000);
    const char *charge = "{\"user_id\":\"%s\",\"amount\":500,\"request_id\":\"flush-1\"}";
    rpc_reply r = th_call(s, "wallet.charge", charge, u.user_id);
    int st = th_wait_exit(s, TH_READY_MS);
    unlink(flag); /* before any assert: a failing run leaves nothing in /tmp */
    ck_assert_msg(r.err == TK_ERR_COUNT, "a write whose flush failed was answered: %s",
                  th_reply_str(&r));
    ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1,
                  "status %d: expected exit 1 after a failed flush", st);
    ck_assert(log_file_has(s->log_path, "event=sync_failed"));
    th_restart(s);
    int64_t bal = th_balance(s, u.user_id);
    ck_assert_msg(bal == 1000 || bal == 1500, "balance %lld", (long long)bal);
    r = th_call(s, "wallet.charge", charge, u.user_id);
    TH_OK(r);
    ck_assert_int_eq(th_int(r.result, "balance"), 1500);
    ck_assert_int_eq(th_balance(s, u.user_id), 1500);
    u.charged += 500;
    th_money_check(s, &u, 1, 0);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_durable");
    TCase *tc = th_tcase("durable");
    tcase_add_test(tc, survives_sigterm);
    tcase_add_test(tc, survives_kill9);
    tcase_add_test(tc, lapse_while_down);
    tcase_add_test(tc, kill9_under_load_keeps_acknowledged);
    tcase_add_test(tc, sigterm_under_load_is_clean);
    tcase_add_test(tc, files_modes_and_log);
    tcase_add_test(tc, failed_flush_is_fail_stop);
    suite_add_tcase(su, tc);
    return th_main(su);
}
