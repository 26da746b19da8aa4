/* tests/it_failover.c -- clients given several nodes' URLs follow the one
 * that serves. Until the PostgreSQL leader election lands, "another node
 * takes over" is: the first ticketd stops, and a second one starts on the
 * same database at a second URL (th_restart_at).
 *
 *  - the harness client and ticketctl, given "url1,url2", keep working
 *    across the switch without being restarted;
 *  - a payment whose reply is lost after the first node committed it is
 *    sent again by ticketctl (same request_id) to the second node, which
 *    answers the first result: charged once;
 *  - a user.register whose reply is lost is not sent again: ticketctl
 *    exits 3, "outcome unknown".
 *
 * A lost reply is made exactly, not by timing: ticketctl talks to the first
 * node through a relay (a plain unix socket in this process) that passes
 * the SP handshake both ways and the requests on, and swallows what the
 * server answers. When the test has seen the payment committed, it closes
 * the relay, as the node's death would close the connection. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "tests/lib/harness.h"

typedef struct {
    char path[TH_DIR_MAX + 32];
    char upstream[TH_DIR_MAX + 32]; /* the server's rpc URL */
    int lfd;
    atomic_bool stop;
    atomic_int swallowed; /* reply bytes not passed on */
    pthread_t thread;
} relay;

static void *relay_run(void *arg)
{
    relay *r = arg;
    int cfd = -1, sfd = -1;
    size_t down = 0; /* server bytes passed down: only its 8-byte header */
    while (!atomic_load(&r->stop)) {
        struct pollfd p[2] = {{.fd = cfd < 0 ? r->lfd : cfd, .events = POLLIN},
                              {.fd = sfd, .events = POLLIN}};
        if (poll(p, sfd < 0 ? 1 : 2, 50) <= 0)
            continue;
        if (cfd < 0) {
            cfd = accept(r->lfd, NULL, NULL);
            sfd = cfd < 0 ? -1 : th_raw_connect(r->upstream, NULL);
            continue;
        }
        unsigned char buf[4096];
        if (p[0].revents) {
            ssize_t n = read(cfd, buf, sizeof buf);
            if (n <= 0 || write(sfd, buf, (size_t)n) != n)
                break;
        }
        if (sfd >= 0 && p[1].revents) {
            ssize_t n = read(sfd, buf, sizeof buf);
            if (n <= 0)
                break;
            size_t pass = down < 8 ? (size_t)n < 8 - down ? (size_t)n : 8 - down : 0;
            if (pass && write(cfd, buf, pass) != (ssize_t)pass)
                break;
            down += pass;
            atomic_fetch_add(&r->swallowed, (int)((size_t)n - pass));
        }
    }
    /* The node "dies": no more connections here, and the client's closes. */
    close(r->lfd);
    unlink(r->path);
    if (sfd >= 0)
        close(sfd);
    if (cfd >= 0)
        close(cfd);
    return NULL;
}

static void relay_start(relay *r, th_server *s)
{
    snprintf(r->path, sizeof r->path, "%s/relay.sock", s->dir);
    snprintf(r->upstream, sizeof r->upstream, "%s", s->rpc_url);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    ck_assert_uint_lt(strlen(r->path), sizeof sa.sun_path);
    memcpy(sa.sun_path, r->path, strlen(r->path) + 1);
    r->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(r->lfd, 0);
    ck_assert_int_eq(bind(r->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(r->lfd, 4), 0);
    ck_assert_int_eq(pthread_create(&r->thread, NULL, relay_run, r), 0);
}

static void relay_close(relay *r)
{
    atomic_store(&r->stop, true);
    pthread_join(r->thread, NULL);
}

static const char *ticketctl_bin(void)
{
    const char *b = getenv("TICKETCTL");
    return b && *b ? b : "bin/ticketctl";
}

/* ticketctl in the background (fork + exec at once: nng is not fork-safe),
 * its stdout and stderr in files of the server's dir. */
static pid_t ctl_spawn(th_server *s, const char *urls, const char *method, const char *params)
{
    const char *out = th_sprintf("%s/ctl.out", s->dir), *err = th_sprintf("%s/ctl.err", s->dir);
    const char *key = th_sprintf("%s/admin.key", s->dir);
    pid_t pid = fork();
    if (pid == 0) {
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
            _exit(126);
        execl(ticketctl_bin(), "ticketctl", "--rpc", urls, "--admin-key-file", key, method, params,
              (char *)NULL);
        _exit(127);
    }
    ck_assert_int_gt(pid, 0);
    return pid;
}

/* Its exit status within TH_WAIT_MS (fails the test otherwise). */
static int ctl_wait(pid_t pid)
{
    int st = 0;
    int64_t end = clock_mono_ms() + TH_WAIT_MS;
    while (waitpid(pid, &st, WNOHANG) == 0) {
        if (clock_mono_ms() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            ck_abort_msg("ticketctl did not finish");
        }
        th_sleep_ms(20);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *ctl_file(th_server *s, const char *name)
{
    FILE *f = fopen(th_sprintf("%s/%s", s->dir, name), "r");
    ck_assert_ptr_nonnull(f);
    char *buf = th_keep_mem(calloc(1, 8192));
    size_t n = fread(buf, 1, 8191, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int ctl_run(th_server *s, const char *urls, const char *method, const char *params)
{
    return ctl_wait(ctl_spawn(s, urls, method, params));
}

/* The second node's URLs, in the same dir. */
static const char *url2(th_server *s) { return th_sprintf("ipc://%s/rpc2.sock", s->dir); }
static const char *ev2(th_server *s) { return th_sprintf("ipc://%s/events2.sock", s->dir); }

START_TEST(clients_follow_the_serving_node)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 5, 1000);
    const char *both = th_sprintf("%s,%s", s->rpc_url, url2(s));
    th_client *c = th_client_open_url(both, TH_CALL_MS);
    rpc_reply r = th_ccall(c, "user.register", "{\"name\":\"Kim\"}");
    TH_OK(r);
    const char *uid = th_str(r.result, "user_id");
    TH_OK(th_ccall(c, "wallet.charge", "{\"user_id\":\"%s\",\"amount\":5000,\"request_id\":\"c1\"}",
                   uid));
    ck_assert_int_eq(ctl_run(s, both, "server.info", "{}"), 0);

    th_stop(s);
    th_restart_at(s, url2(s), ev2(s)); /* the other node takes over */

    /* The same client, not reopened: its next calls reach the new node. */
    r = th_ccall(c, "wallet.balance", "{\"user_id\":\"%s\"}", uid);
    TH_OK(r);
    ck_assert_int_eq(th_int(r.result, "balance"), 5000);
    r = th_ccall(c, "queue.join", "{\"user_id\":\"%s\"}", uid);
    TH_OK(r);
    const char *tok = th_str(r.result, "token");
    r = th_ccall(c, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":3}", tok,
                 (long long)d);
    TH_OK(r);
    ck_assert_int_eq(ctl_run(s, both, "wallet.balance", th_sprintf("{\"user_id\":\"%s\"}", uid)), 0);
    ck_assert_ptr_nonnull(strstr(ctl_file(s, "ctl.out"), "5000"));
}
END_TEST

START_TEST(lost_payment_reply_is_resent_and_charged_once)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 5, 1000);
    th_user u;
    th_user_active(s, &u, "Lee", 3000);
    int64_t h = th_hold(s, &u, d, 7);
    static relay r;
    memset(&r, 0, sizeof r);
    relay_start(&r, s);
    const char *params = th_sprintf("{\"token\":\"%s\",\"hold_ids\":[%lld],\"request_id\":\"pay-1\"}",
                                    u.token, (long long)h);
    pid_t ctl = ctl_spawn(s, th_sprintf("ipc://%s,%s", r.path, url2(s)), "payment.pay", params);

    /* The first node commits and answers; the answer goes nowhere. */
    int64_t end = clock_mono_ms() + TH_WAIT_MS;
    while (atomic_load(&r.swallowed) == 0 && clock_mono_ms() < end)
        th_sleep_ms(10);
    ck_assert_msg(atomic_load(&r.swallowed) > 0, "no reply reached the relay");
    ck_assert_int_eq(th_balance(s, u.user_id), 2000);
    th_kill9(s);
    relay_close(&r);
    th_restart_at(s, url2(s), ev2(s));

    ck_assert_int_eq(ctl_wait(ctl), 0);
    ck_assert_ptr_nonnull(strstr(ctl_file(s, "ctl.err"), "sending it again"));
    const char *out = ctl_file(s, "ctl.out");
    ck_assert_msg(strstr(out, "\"balance\":\t2000") || strstr(out, "\"balance\": 2000"), "%s", out);
    /* charged once: one payment in the ledger, the seat sold once */
    ck_assert_int_eq(th_balance(s, u.user_id), 2000);
    rpc_reply hist = th_call(s, "wallet.history", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(hist);
    int payments = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, th_arr(hist.result, "entries")) payments +=
        strcmp(th_str(e, "kind"), "payment") == 0;
    ck_assert_int_eq(payments, 1);
    ck_assert_str_eq(th_str(th_admin_seat(s, d, 7), "state"), "sold");
    th_money_check(s, &u, 1, 0);
}
END_TEST

START_TEST(lost_register_reply_is_not_resent)
{
    th_server *s = th_start(NULL);
    static relay r;
    memset(&r, 0, sizeof r);
    relay_start(&r, s);
    pid_t ctl = ctl_spawn(s, th_sprintf("ipc://%s,%s", r.path, url2(s)), "user.register",
                          "{\"name\":\"Once\"}");
    int64_t end = clock_mono_ms() + TH_WAIT_MS;
    while (atomic_load(&r.swallowed) == 0 && clock_mono_ms() < end)
        th_sleep_ms(10);
    ck_assert(atomic_load(&r.swallowed) > 0);
    th_stop(s);
    relay_close(&r);
    th_restart_at(s, url2(s), ev2(s));
    ck_assert_int_eq(ctl_wait(ctl), 3);
    ck_assert_ptr_nonnull(strstr(ctl_file(s, "ctl.err"), "outcome unknown"));
    ck_assert_str_eq(ctl_file(s, "ctl.out"), "");
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_failover");
    TCase *tc = th_tcase("failover");
    tcase_add_test(tc, clients_follow_the_serving_node);
    tcase_add_test(tc, lost_payment_reply_is_resent_and_charged_once);
    tcase_add_test(tc, lost_register_reply_is_not_resent);
    suite_add_tcase(su, tc);
    return th_main(su);
}
