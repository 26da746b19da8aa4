/* tests/it_handshake.c -- peers that hang up during the SP handshake.
 *
 * nng 1.5.2 (Debian 12) has a defect (upstream #1518): a peer that closes
 * its connection while the server's side of the 8-byte SP header exchange
 * is under way can make the listener stop handing new pipes to the socket,
 * and the poller then spins on the dead half-open connections. ticketd's
 * listener watchdog (server/net/lguard.c) must notice and restart the
 * listener. The attack here uses plain sockets, no nng: 50 connections
 * that send a REQ header and close at once, then 50 that send it, read the
 * server's reply header and close. Afterwards a new client must be
 * answered within 2 s and the server must be idle (under 10% of a core
 * over 2 s, from /proc/PID/stat). */
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "tests/lib/harness.h"

/* The attack of issue 14: returns how many of the second wave got the
 * server's header (the server was negotiating with them). */
static int hs_attack(const char *url)
{
    for (int i = 0; i < 50; i++) {
        int fd = th_raw_connect(url, NULL);
        if (fd < 0)
            continue;
        ssize_t w = write(fd, th_sp_req_header, sizeof th_sp_req_header);
        (void)w;
        close(fd);
    }
    int answered = 0;
    for (int i = 0; i < 50; i++) {
        int fd = th_raw_connect(url, NULL);
        if (fd < 0)
            continue;
        if (th_raw_handshake(fd, 2000))
            answered++;
        close(fd);
    }
    return answered;
}

/* CPU seconds (user + system) the process has used so far. */
static double hs_cpu_s(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* Fields after the ")" of the command name: state is field 3, utime
     * field 14 and stime field 15. */
    char *p = strrchr(buf, ')');
    ck_assert_ptr_nonnull(p);
    unsigned long long ut = 0, st = 0;
    int k = sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st);
    ck_assert_int_eq(k, 2);
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int64_t hs_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A brand-new client asks a read until it is answered (a connection that
 * reached the broken listener is dropped when the watchdog replaces it:
 * the client sees a reset and asks again, as reads may). How long it took,
 * in ms; the reply in *out. */
static int64_t hs_first_answer(th_server *s, const char *user_id, rpc_reply *out)
{
    int64_t t0 = hs_now_ms();
    th_client *c = th_client_open_url(s->rpc_url, 2000);
    do {
        *out = th_ccall(c, "wallet.balance", "{\"user_id\":\"%s\"}", user_id);
    } while (out->err == TK_ERR_COUNT && hs_now_ms() - t0 < 2000);
    th_client_close(c);
    return hs_now_ms() - t0;
}

/* The attack, then: a new client is answered within 2 s, and the server
 * idles (under 10% of a core over the next 2 s). */
static void hs_check_survives(th_server *s)
{
    th_user u;
    th_user_new(s, &u, "before");
    int answered = hs_attack(s->rpc_url);
    ck_assert_msg(answered > 0, "the server never negotiated with the attack's peers");
    rpc_reply r;
    int64_t waited = hs_first_answer(s, u.user_id, &r);
    ck_assert_msg(r.err == TK_OK && waited <= 2000,
                  "a new client after the attack got %s after %lld ms", th_reply_str(&r),
                  (long long)waited);
    /* On a loaded machine nng may finish the attack's last handshakes
     * (and break the listener) after the new client was answered; the
     * watchdog needs up to a second for that. Then the server idles. */
    th_sleep_ms(1000);
    double c0 = hs_cpu_s(s->pid);
    th_sleep_ms(2000);
    double used = hs_cpu_s(s->pid) - c0;
    ck_assert_msg(used < 0.2, "the server used %.2f s of CPU in 2 s after the attack", used);
    /* The main client, connected before the attack, still works (it
     * reconnects by itself if its pipe went with a restarted listener). */
    th_client_set_timeout(s->client, 5000);
    TH_OK(th_call(s, "user.register", "{\"name\":\"still\"}"));
}

static int64_t hs_restarts(th_server *s)
{
    rpc_reply d = th_admin(s, "admin.dashboard", "{}");
    TH_OK(d);
    return th_int(th_obj(d.result, "connections"), "listener_restarts");
}

/* Whether a round of the attack breaks nng's listener depends on timing
 * (on an idle machine it nearly always does; on a loaded one it may take
 * another round), so the attack runs up to three times, each round held
 * to the same promise. A recovery, once it happened, is logged. */
START_TEST(ipc_survives_aborted_handshakes)
{
    th_server *s = th_start(NULL);
    for (int round = 0; round < 3 && hs_restarts(s) == 0; round++)
        hs_check_survives(s);
    if (hs_restarts(s) > 0)
        ck_assert(log_file_has(s->log_path, "event=listener_restarted url=ipc://"));
}
END_TEST

/* An operator's cleanup (or tmpfiles) removes the ipc socket file: the
 * listener is still open but nobody can reach it. The watchdog's probe
 * finds the address gone and listens again. */
START_TEST(ipc_socket_file_removed)
{
    th_server *s = th_start(NULL);
    th_user u;
    th_user_new(s, &u, "before");
    ck_assert_int_eq(unlink(s->rpc_url + 6), 0);
    rpc_reply r;
    int64_t waited = hs_first_answer(s, u.user_id, &r);
    ck_assert_msg(r.err == TK_OK, "no answer %lld ms after the socket file went: %s",
                  (long long)waited, th_reply_str(&r));
    ck_assert(log_file_has(s->log_path, "reason=address_gone"));
}
END_TEST

START_TEST(tcp_survives_aborted_handshakes)
{
    char *rpc = th_sprintf("tcp://127.0.0.1:%d", th_free_port());
    char *evs = th_sprintf("tcp://127.0.0.1:%d", th_free_port());
    th_server *s = th_start("--rpc", rpc, "--events", evs, NULL);
    hs_check_survives(s);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_handshake");
    TCase *tc = th_tcase("handshake");
    tcase_add_test(tc, ipc_survives_aborted_handshakes);
    tcase_add_test(tc, tcp_survives_aborted_handshakes);
    tcase_add_test(tc, ipc_socket_file_removed);
    suite_add_tcase(su, tc);
    return th_main(su);
}
