/* tests/it_transport.c -- the same contract over tcp://, ws:// and
 * tls+tcp:// (--tls-cert/--tls-key, a self-signed certificate made with
 * openssl): a call and an event each way. */
#include <unistd.h>

#include "common/util.h"

#include "tests/lib/harness.h"

/* One purchase step and its seat event over whatever URLs s listens on. */
static void exercise(th_server *s)
{
    int64_t d = th_date_new(s, 5, 1000);
    th_user u;
    th_user_active(s, &u, "Remote", 5000);
    char topic[32];
    snprintf(topic, sizeof(topic), "seat.%lld ", (long long)d);
    th_sub *sub = th_sub_open(s, topic, NULL);
    th_sub_warmup(s, sub, &u, d, 50);
    int64_t h = th_hold(s, &u, d, 8);
    th_event ev;
    ck_assert(th_sub_recv(sub, 5000, &ev));
    ck_assert_int_eq(th_int(ev.body, "seat_no"), 8);
    ck_assert_str_eq(th_str(ev.body, "state"), "held");
    TH_OK(th_pay(s, &u, &h, 1));
    ck_assert_int_eq(th_balance(s, u.user_id), 4000);
    th_sub_close(sub);
    /* The listener watchdog probes this transport several times a second;
     * a probe that could not complete its handshake here would restart a
     * healthy listener and drop every client. */
    th_sleep_ms(1500);
    rpc_reply dash = th_admin(s, "admin.dashboard", "{}");
    TH_OK(dash);
    ck_assert_int_eq(th_int(th_obj(dash.result, "connections"), "listener_restarts"), 0);
    ck_assert(!log_file_has(s->log_path, "listener_restarted"));
    ck_assert(!log_file_has(s->log_path, "listener_probe_failed"));
    ck_assert(!log_file_has(s->log_path, "listener_guard_off"));
}

static th_server *start_on(const char *scheme, const char *suffix, const char *cert,
                           const char *key)
{
    char *rpc = th_sprintf("%s://127.0.0.1:%d%s", scheme, th_free_port(), suffix);
    char *evs = th_sprintf("%s://127.0.0.1:%d%s", scheme, th_free_port(), suffix);
    if (cert)
        return th_start("--rpc", rpc, "--events", evs, "--tls-cert", cert, "--tls-key", key,
                        NULL);
    return th_start("--rpc", rpc, "--events", evs, NULL);
}

START_TEST(over_tcp)
{
    th_server *s = start_on("tcp", "", NULL, NULL);
    exercise(s);
}
END_TEST

START_TEST(over_ws)
{
    th_server *s = start_on("ws", "/ticketd", NULL, NULL);
    exercise(s);
}
END_TEST

START_TEST(over_tls)
{
    char dir[] = "/tmp/th-tls-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *cert = th_sprintf("%s/cert.pem", dir), *key = th_sprintf("%s/key.pem", dir);
    const char *argv[] = {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                          "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                          "-days", "2", "-subj", "/CN=localhost", NULL};
    int rc = th_run(argv);
    ck_assert_msg(rc == 0, "openssl could not make a test certificate (exit %d)", rc);
    th_server *s = start_on("tls+tcp", "", cert, key);
    exercise(s);
    unlink(cert);
    unlink(key);
    rmdir(dir);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_transport");
    TCase *tc = th_tcase("transport");
    tcase_add_test(tc, over_tcp);
    tcase_add_test(tc, over_ws);
    tcase_add_test(tc, over_tls);
    suite_add_tcase(su, tc);
    return th_main(su);
}
