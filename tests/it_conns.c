/* tests/it_conns.c -- connection floods: --max-conns and
 * --max-conns-per-peer close the pipes over the caps as they arrive, the
 * refusals are logged (at most a line a second, with a count) and counted
 * in admin.dashboard, and a well-behaved client is still served. The
 * flooding peers are plain sockets from other loopback addresses
 * (127.0.0.2, ...: Linux routes all of 127/8 to lo), or from this uid over
 * ipc. */
#include <unistd.h>

#include "common/util.h"
#include "tests/lib/harness.h"

#define CN_FLOOD_MAX 64

typedef struct {
    int fd[CN_FLOOD_MAX];
    int n;
} cn_flood;

/* Opens n raw connections from src and completes the SP handshake on
 * each; then counts how many the server closed within ms. */
static int cn_open(cn_flood *f, const char *url, const char *src, int n, int ms)
{
    int first = f->n;
    for (int i = 0; i < n && f->n < CN_FLOOD_MAX; i++) {
        int fd = th_raw_connect(url, src);
        ck_assert_msg(fd >= 0, "connect from %s failed", src ? src : "any");
        ck_assert_msg(th_raw_handshake(fd, 2000), "no handshake from the server");
        f->fd[f->n++] = fd;
    }
    int closed = 0;
    for (int i = first; i < f->n; i++)
        closed += th_raw_closed(f->fd[i], i == first ? ms : 50);
    return closed;
}

static void cn_close_all(cn_flood *f)
{
    for (int i = 0; i < f->n; i++)
        close(f->fd[i]);
    f->n = 0;
}

static const cJSON *cn_dash(th_server *s)
{
    rpc_reply d = th_admin(s, "admin.dashboard", "{}");
    TH_OK(d);
    return th_obj(d.result, "connections");
}

/* The refusals the log reports, summed over its conn_refused lines; the
 * number of lines in *lines. */
static int64_t cn_logged(th_server *s, int *lines)
{
    FILE *f = fopen(s->log_path, "r");
    ck_assert_ptr_nonnull(f);
    char line[1024];
    int64_t sum = 0;
    *lines = 0;
    while (fgets(line, sizeof line, f)) {
        const char *r = strstr(line, "event=conn_refused");
        if (r && (r = strstr(r, " refused="))) {
            sum += atoll(r + 9);
            (*lines)++;
        }
    }
    fclose(f);
    return sum;
}

/* A client that connects now is answered. The flood was just closed by
 * the test; the server may not have seen every hang-up yet, and a new
 * pipe that comes while the cap is still full is refused (the client sees
 * a reset). So first the server's own count of open connections must fall
 * back to what a quiet server has: the flood's that stay (still_open),
 * ours, and the watchdog's probe. */
static void cn_new_client_served(th_server *s, int64_t still_open)
{
    int64_t open = 0, quiet = still_open + 4;
    for (int i = 0; i < 250; i++) {
        rpc_reply d = th_admin(s, "admin.dashboard", "{}");
        TH_OK(d);
        if ((open = th_int(th_obj(d.result, "connections"), "open")) <= quiet)
            break;
        th_sleep_ms(20);
    }
    ck_assert_msg(open <= quiet, "%lld connections still open after the flood closed",
                  (long long)open);
    th_client *c = th_client_open_url(s->rpc_url, 5000);
    TH_OK(th_ccall(c, "user.register", "{\"name\":\"polite\"}"));
    th_client_close(c);
}

static th_server *cn_start_tcp(const char *max, const char *per_peer)
{
    char *rpc = th_sprintf("tcp://127.0.0.1:%d", th_free_port());
    char *evs = th_sprintf("tcp://127.0.0.1:%d", th_free_port());
    return th_start("--rpc", rpc, "--events", evs, "--max-conns", max, "--max-conns-per-peer",
                    per_peer, NULL);
}

START_TEST(per_peer_cap_over_tcp)
{
    th_server *s = cn_start_tcp("40", "5");
    cn_flood f = {.n = 0};
    int closed = cn_open(&f, s->rpc_url, "127.0.0.2", 8, 1000);
    ck_assert_msg(closed == 3, "%d of 8 connections from one peer closed, cap 5", closed);
    TH_OK(th_call(s, "user.register", "{\"name\":\"already here\"}"));
    cn_new_client_served(s, 5);
    const cJSON *c = cn_dash(s);
    ck_assert_int_eq(th_int(c, "refused"), 3);
    ck_assert_int_ge(th_int(c, "open"), 6); /* 5 raw + ours */
    cn_close_all(&f);
    th_sleep_ms(1200); /* the watchdog flushes the log's count */
    int lines;
    ck_assert_int_eq(cn_logged(s, &lines), 3);
    ck_assert(log_file_has(s->log_path, "reason=max_conns_per_peer peer=127.0.0.2"));
}
END_TEST

/* Many peers, each under its own cap, fill the total: the rest are
 * refused, those connected go on, and once the flood leaves a new client
 * is served. */
START_TEST(total_cap_from_many_peers)
{
    th_server *s = cn_start_tcp("12", "4");
    cn_flood f = {.n = 0};
    const char *src[] = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"};
    int closed = 0;
    for (int i = 0; i < 4; i++)
        closed += cn_open(&f, s->rpc_url, src[i], 4, 300);
    ck_assert_msg(closed >= 4, "only %d of 16 closed with 12 allowed (1 in use)", closed);
    TH_OK(th_call(s, "user.register", "{\"name\":\"already here\"}"));
    ck_assert(log_file_has(s->log_path, "reason=max_conns "));
    cn_close_all(&f);
    cn_new_client_served(s, 0);
    th_sleep_ms(1200);
    int lines;
    int64_t logged = cn_logged(s, &lines);
    ck_assert_int_eq(logged, th_int(cn_dash(s), "refused"));
    ck_assert_msg(lines <= 3, "%d log lines for one burst of refusals", lines);
}
END_TEST

/* ipc peers are told apart by uid: this test's own. */
START_TEST(per_uid_cap_over_ipc)
{
    th_server *s = th_start("--max-conns-per-peer", "6", NULL);
    cn_flood f = {.n = 0};
    int closed = cn_open(&f, s->rpc_url, NULL, 10, 1000);
    ck_assert_msg(closed >= 4, "%d of 10 closed: cap 6 per uid, 1 in use", closed);
    TH_OK(th_call(s, "user.register", "{\"name\":\"already here\"}"));
    ck_assert(log_file_has(s->log_path, "reason=max_conns_per_peer peer=uid="));
    cn_close_all(&f);
    cn_new_client_served(s, 0);
}
END_TEST

/* --rate-peer-exempt lifts the per-peer caps for the listed networks. */
START_TEST(exempt_network_has_no_per_peer_cap)
{
    char *rpc = th_sprintf("tcp://127.0.0.1:%d", th_free_port());
    char *evs = th_sprintf("tcp://127.0.0.1:%d", th_free_port());
    th_server *s = th_start("--rpc", rpc, "--events", evs, "--max-conns-per-peer", "3",
                            "--rate-peer", "1", "--rate-peer-exempt", "127.0.0.0/30", NULL);
    cn_flood f = {.n = 0};
    ck_assert_int_eq(cn_open(&f, s->rpc_url, "127.0.0.2", 8, 500), 0);
    ck_assert_int_eq(cn_open(&f, s->rpc_url, "127.0.0.9", 5, 500), 2); /* not exempt */
    /* Nor a request limit: 20 requests at once from 127.0.0.1, with a
     * limit of 1/s (burst 2) for peers outside the list. */
    for (int i = 0; i < 20; i++)
        TH_ERR(th_call(s, "wallet.balance", "{\"user_id\":\"%s\"}",
                       "00000000-0000-4000-8000-000000000000"),
               TK_USER_NOT_FOUND);
    cn_close_all(&f);
}
END_TEST

/* The soft descriptor limit is raised to the hard one at start. */
START_TEST(nofile_soft_limit_raised)
{
    th_server *s = th_start(NULL);
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/limits", (int)s->pid);
    FILE *fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fp);
    bool seen = false;
    while (fgets(line, sizeof line, fp))
        if (!strncmp(line, "Max open files", 14)) {
            char soft[32], hard[32];
            ck_assert_int_eq(sscanf(line + 14, "%31s %31s", soft, hard), 2);
            ck_assert_str_eq(soft, hard);
            seen = true;
        }
    fclose(fp);
    ck_assert(seen);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_conns");
    TCase *tc = th_tcase("conns");
    tcase_add_test(tc, per_peer_cap_over_tcp);
    tcase_add_test(tc, total_cap_from_many_peers);
    tcase_add_test(tc, per_uid_cap_over_ipc);
    tcase_add_test(tc, exempt_network_has_no_per_peer_cap);
    tcase_add_test(tc, nofile_soft_limit_raised);
    suite_add_tcase(su, tc);
    return th_main(su);
}
