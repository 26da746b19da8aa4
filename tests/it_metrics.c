/* tests/it_metrics.c -- ticketd --metrics: the Prometheus endpoint over a
 * real HTTP GET (a plain socket: no HTTP library in the stack). The
 * exposition parses line by line, has every family, and its values move
 * with a payment and a lapsed hold; `promtool check metrics` agrees where
 * the prometheus package is installed. Also the readiness notice for
 * systemd: READY=1 on $NOTIFY_SOCKET once the sockets answer, STOPPING=1
 * on SIGTERM. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <regex.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/lib/harness.h"

/* GET path from 127.0.0.1:port; the body (arena-owned) and *status. */
static const char *mx_get(int port, const char *path, int *status)
{
    int fd = th_raw_connect(th_sprintf("tcp://127.0.0.1:%d", port), NULL);
    ck_assert_msg(fd >= 0, "no metrics listener on port %d", port);
    const char *req = th_sprintf("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                                 path);
    ck_assert_int_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    size_t cap = 1 << 20, len = 0;
    char *buf = th_keep_mem(malloc(cap + 1));
    size_t n;
    while (len < cap && (n = th_raw_read(fd, (unsigned char *)buf + len, cap - len, 5000)) > 0)
        len += n;
    close(fd);
    buf[len] = '\0';
    ck_assert_msg(sscanf(buf, "HTTP/1.1 %d", status) == 1, "not HTTP: %.80s", buf);
    char *body = strstr(buf, "\r\n\r\n");
    ck_assert_ptr_nonnull(body);
    return body + 4;
}

/* Every line a comment, blank, or `name{labels} value`. */
static void mx_assert_parses(const char *body)
{
    regex_t re;
    const char *pat = "^[a-zA-Z_:][a-zA-Z0-9_:]*"
                      "(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\""
                      "(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\")*)?\\})? "
                      "([-+]?[0-9.]+([eE][-+]?[0-9]+)?|[-+]Inf|NaN)$";
    ck_assert_int_eq(regcomp(&re, pat, REG_EXTENDED | REG_NOSUB), 0);
    int samples = 0;
    for (const char *p = body; *p;) {
        const char *nl = strchr(p, '\n');
        ck_assert_msg(nl, "the last line has no newline: %s", p);
        char *line = th_sprintf("%.*s", (int)(nl - p), p);
        if (line[0] != '#' && line[0] != '\0') {
            ck_assert_msg(regexec(&re, line, 0, NULL, 0) == 0, "not a sample: '%s'", line);
            samples++;
        }
        p = nl + 1;
    }
    regfree(&re);
    ck_assert_int_gt(samples, 20);
}

/* The value of the first sample line starting with `start` and containing
 * `part` (may be ""); -1 when there is none. */
static double mx_value(const char *body, const char *start, const char *part)
{
    for (const char *p = body; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
        const char *nl = strchr(p, '\n');
        char *line = th_sprintf("%.*s", nl ? (int)(nl - p) : (int)strlen(p), p);
        if (!strncmp(line, start, strlen(start)) && strstr(line, part))
            return strtod(strrchr(line, ' ') + 1, NULL);
    }
    return -1;
}

/* The sum of every sample line starting with `start`. */
static double mx_sum(const char *body, const char *start)
{
    double sum = 0;
    for (const char *p = strstr(body, start); p; p = strstr(p + 1, start))
        if (p == body || p[-1] == '\n')
            sum += strtod(strchr(p, ' ') + 1, NULL); /* labels here hold no space */
    return sum;
}

static const char *const mx_families[] = {
    "ticketd_requests_total counter",
    "ticketd_request_duration_seconds histogram",
    "ticketd_queue_waiting gauge",
    "ticketd_queue_active gauge",
    "ticketd_queue_admitted_total counter",
    "ticketd_queue_prequeue gauge",
    "ticketd_seats gauge",
    "ticketd_revenue_won gauge",
    "ticketd_holds_lapsed_total counter",
    "ticketd_commits_total counter",
    "ticketd_flush_seconds summary",
    "ticketd_connections_open gauge",
    "ticketd_connections_refused_total counter",
    "ticketd_listener_restarts_total counter",
    "ticketd_leader gauge",
    "ticketd_epoch gauge",
};

/* ticketd with metrics on a free port, plus one flag and its value (or NULLs). */
static th_server *mx_start(int *port, const char *flag, const char *value)
{
    *port = th_free_port();
    return th_start("--metrics", th_sprintf("http://127.0.0.1:%d/metrics", *port), flag, value,
                    NULL);
}

/* When promtool (Debian's prometheus package) is there, it checks the text. */
static void mx_promtool(const char *body)
{
    if (system("command -v promtool >/dev/null 2>&1") != 0)
        return;
    FILE *p = popen("promtool check metrics >/dev/null 2>&1", "w");
    ck_assert_ptr_nonnull(p);
    fputs(body, p);
    int st = pclose(p);
    ck_assert_msg(st == 0, "promtool check metrics failed (%d)", st);
}

START_TEST(exposition_parses_has_every_family_and_moves)
{
    int port;
    th_server *s = mx_start(&port, NULL, NULL);
    int64_t date = th_date_new(s, 3, 70000);
    int status;
    const char *before = mx_get(port, "/metrics", &status);
    ck_assert_int_eq(status, 200);
    mx_assert_parses(before);
    for (size_t i = 0; i < sizeof mx_families / sizeof mx_families[0]; i++)
        ck_assert_msg(strstr(before, th_sprintf("# TYPE %s\n", mx_families[i])),
                      "no family %s", mx_families[i]);
    mx_promtool(before);
    const char *seat = th_sprintf("ticketd_seats{date_id=\"%lld\",", (long long)date);
    const char *rev = th_sprintf("ticketd_revenue_won{date_id=\"%lld\",", (long long)date);
    ck_assert(mx_value(before, seat, "state=\"free\"") == 50);
    ck_assert(mx_value(before, seat, "state=\"sold\"") == 0);
    ck_assert(mx_value(before, rev, "") == 0);
    double commits = mx_value(before, "ticketd_commits_total", "");
    double flushes = mx_value(before, "ticketd_flush_seconds_count", "");

    th_user u;
    th_user_active(s, &u, "Metrics Buyer", 200000);
    int64_t h = th_hold(s, &u, date, 7);
    TH_OK(th_pay(s, &u, &h, 1));
    th_user v;
    th_user_active(s, &v, "Too Late", 0);
    TH_ERR(th_call(s, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":7}", v.token,
                   (long long)date),
           TK_SEAT_TAKEN);

    const char *after = mx_get(port, "/metrics", &status);
    ck_assert_int_eq(status, 200);
    mx_assert_parses(after);
    mx_promtool(after);
    ck_assert(mx_value(after, seat, "state=\"sold\"") == 1);
    ck_assert(mx_value(after, seat, "state=\"free\"") == 49);
    ck_assert(mx_value(after, rev, "") == 70000);
    ck_assert(mx_value(after, "ticketd_requests_total{method=\"payment.pay\",result=\"ok\"}", "") == 1);
    ck_assert(mx_value(after, "ticketd_requests_total{method=\"seat.hold\",result=\"SEAT_TAKEN\"}",
                       "") == 1);
    ck_assert(mx_value(after, "ticketd_queue_admitted_total", "") >= 1);
    ck_assert(mx_value(after, "ticketd_queue_active", "") >= 1);
    ck_assert(mx_value(after, "ticketd_commits_total", "") > commits);
    ck_assert(mx_value(after, "ticketd_flush_seconds_count", "") > flushes);
    ck_assert(mx_value(after, "ticketd_request_duration_seconds_count", "") >= 6);
    ck_assert(mx_value(after, "ticketd_request_duration_seconds_bucket{le=\"+Inf\"}", "") ==
              mx_value(after, "ticketd_request_duration_seconds_count", ""));
    ck_assert(mx_value(after, "ticketd_connections_open", "") >= 1);
    ck_assert(mx_value(after, "ticketd_leader", "") == 1);

    mx_get(port, "/elsewhere", &status);
    ck_assert_int_eq(status, 404);
    /* Scrapes are not requests: they never reach the engine's queue. (A
     * request is counted before its reply leaves; its latency only after,
     * so the latency count is no fixed point to compare.) */
    const char *again = mx_get(port, "/metrics", &status);
    ck_assert(mx_sum(after, "ticketd_requests_total{") > 0);
    ck_assert(mx_sum(again, "ticketd_requests_total{") == mx_sum(after, "ticketd_requests_total{"));
    ck_assert_int_eq(WEXITSTATUS(th_stop(s)), 0);
}
END_TEST

START_TEST(lapsed_holds_are_counted)
{
    int port, status;
    th_server *s = mx_start(&port, "--hold-seconds", "1");
    int64_t date = th_date_new(s, 3, 50000);
    th_user u;
    th_user_active(s, &u, "Lapser", 0);
    ck_assert(mx_value(mx_get(port, "/metrics", &status), "ticketd_holds_lapsed_total", "") == 0);
    th_hold(s, &u, date, 3);
    double lapsed = 0;
    for (int i = 0; i < TH_WAIT_MS / 100 && lapsed < 1; i++) {
        th_sleep_ms(100); /* polling for the engine's sweep, bounded */
        lapsed = mx_value(mx_get(port, "/metrics", &status), "ticketd_holds_lapsed_total", "");
    }
    ck_assert(lapsed == 1);
}
END_TEST

/* --metrics was asked for: a URL it cannot serve (another scheme, a port
 * taken) stops the start with exit 1, as a socket that cannot listen does. */
START_TEST(a_bad_metrics_url_stops_the_start)
{
    th_server *s = th_start(NULL);
    th_stop(s); /* its dir stays (keys made), its sockets are free again */
    int port = th_free_port();
    int busy = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(busy, (struct sockaddr *)&in, sizeof in), 0);
    ck_assert_int_eq(listen(busy, 1), 0);
    const char *bin = getenv("TICKETD") ? getenv("TICKETD") : "bin/ticketd";
    const char *urls[] = {"ftp://127.0.0.1:1/metrics",
                          th_sprintf("http://127.0.0.1:%d/metrics", port)};
    for (int i = 0; i < 2; i++) {
        const char *argv[] = {bin, "--state-dir", s->dir, "--metrics", urls[i], NULL};
        ck_assert_msg(th_run(argv) == 1, "started with --metrics %s", urls[i]);
    }
    close(busy);
}
END_TEST

/* ---- sd_notify ---------------------------------------------------------- */

static bool mx_notify_recv(int fd, const char *want, int ms)
{
    char buf[512];
    struct pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, ms) == 1) {
        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        if (n <= 0)
            return false;
        buf[n] = '\0';
        if (strstr(buf, want))
            return true;
    }
    return false;
}

START_TEST(ready_and_stopping_reach_notify_socket)
{
    char dir[] = "/tmp/it_notify.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s/notify", dir);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    setenv("NOTIFY_SOCKET", a.sun_path, 1);
    th_server *s = th_start(NULL);
    unsetenv("NOTIFY_SOCKET");
    bool ready = mx_notify_recv(fd, "READY=1", 10000);
    TH_OK(th_call(s, "server.info", "{}")); /* it answers once READY=1 came */
    ck_assert_int_eq(WEXITSTATUS(th_stop(s)), 0);
    bool stopping = mx_notify_recv(fd, "STOPPING=1", 5000);
    close(fd);
    unlink(a.sun_path);
    rmdir(dir);
    ck_assert_msg(ready, "no READY=1 on NOTIFY_SOCKET");
    ck_assert_msg(stopping, "no STOPPING=1 on NOTIFY_SOCKET");
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_metrics");
    TCase *tc = th_tcase("metrics");
    tcase_add_test(tc, exposition_parses_has_every_family_and_moves);
    tcase_add_test(tc, lapsed_holds_are_counted);
    tcase_add_test(tc, a_bad_metrics_url_stops_the_start);
    tcase_add_test(tc, ready_and_stopping_reach_notify_socket);
    suite_add_tcase(su, tc);
    return th_main(su);
}
