/* tests/unit_retry.c -- common/retry: the clients' table of calls that are
 * safe to send again after a lost reply, and comma-separated URL lists. */
#include <check.h>
#include <nng/nng.h>
#include <string.h>

#include "common/retry.h"
#include "server/api/api.h"
#include "tests/unit_run.h"

/* The contract's rule, spelled out: what may be resent and what not. */
START_TEST(table_follows_the_contract)
{
    const char *same[] = {"wallet.charge", "payment.pay", "seat.hold", "hold.release",
                          "queue.join", "queue.leave", "admin.queue.set"};
    for (size_t i = 0; i < UR_LEN(same); i++)
        ck_assert_msg(rt_method_kind(same[i]) == RT_SAME, "%s", same[i]);
    const char *unsafe[] = {"user.register", "admin.concert.create", "admin.date.create",
                            "admin.hold.release", "admin.booking.refund"};
    for (size_t i = 0; i < UR_LEN(unsafe); i++) {
        ck_assert_msg(!rt_resend_safe(unsafe[i]), "%s", unsafe[i]);
        ck_assert_str_ne(rt_method_why(unsafe[i]), "not in the retry table");
    }
    const char *reads[] = {"queue.status", "dates.list", "seats.list", "wallet.balance",
                           "wallet.history", "booking.list", "server.info", "admin.dashboard"};
    for (size_t i = 0; i < UR_LEN(reads); i++)
        ck_assert_msg(rt_method_kind(reads[i]) == RT_READ, "%s", reads[i]);
    /* not in the table: never resent */
    ck_assert(!rt_resend_safe("wallet.transfer"));
    ck_assert(!rt_resend_safe(""));
    ck_assert(!rt_resend_safe(NULL));
    ck_assert(!rt_resend_safe("payment.pay "));
    ck_assert_str_eq(rt_method_why("nope"), "not in the retry table");
}
END_TEST

/* Every method the server dispatches has a rule, and a method the server
 * marks as a reader is never called a write here (nor the reverse). */
START_TEST(table_covers_every_server_method)
{
    bool writes = false;
    size_t n = 0;
    for (const char *m; (m = api_method_at(n, &writes)); n++) {
        ck_assert_msg(strcmp(rt_method_why(m), "not in the retry table") != 0, "%s has no rule", m);
        ck_assert_msg((rt_method_kind(m) == RT_READ) == !writes, "%s: read/write mismatch", m);
    }
    ck_assert_int_ge(n, 23);
}
END_TEST

START_TEST(lost_replies)
{
    ck_assert(rt_reply_lost(NNG_ECONNRESET));
    ck_assert(rt_reply_lost(NNG_ETIMEDOUT));
    ck_assert(!rt_reply_lost(0));
    ck_assert(!rt_reply_lost(NNG_ECLOSED));
    ck_assert(!rt_reply_lost(NNG_ECONNREFUSED));
}
END_TEST

START_TEST(url_lists)
{
    rt_urls u;
    ck_assert_int_eq(rt_urls_parse(&u, "ipc://var/rpc.sock"), 0);
    ck_assert_int_eq(u.n, 1);
    ck_assert_str_eq(u.urls[0], "ipc://var/rpc.sock");
    ck_assert_int_eq(rt_urls_parse(&u, "tcp://a:7400,tcp://b:7400,tls+tcp://c:7400"), 0);
    ck_assert_int_eq(u.n, 3);
    ck_assert_str_eq(u.urls[0], "tcp://a:7400");
    ck_assert_str_eq(u.urls[1], "tcp://b:7400");
    ck_assert_str_eq(u.urls[2], "tls+tcp://c:7400");
    const char *bad[] = {"", ",", "tcp://a:1,", ",tcp://a:1", "tcp://a:1,,tcp://b:1",
                         "a,b,c,d,e,f,g,h,i"};
    for (size_t i = 0; i < UR_LEN(bad); i++)
        ck_assert_msg(rt_urls_parse(&u, bad[i]) == -1, "%s", bad[i]);
    ck_assert_int_eq(rt_urls_parse(&u, NULL), -1);
    ck_assert_int_eq(rt_urls_parse(&u, "a,b,c,d,e,f,g,h"), 0);
    ck_assert_int_eq(u.n, RT_MAX_URLS);
    char big[sizeof u.buf + 8];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(rt_urls_parse(&u, big), -1);
}
END_TEST

int main(void)
{
    const TTest *tests[] = {table_follows_the_contract, table_covers_every_server_method,
                            lost_replies, url_lists};
    Suite *s = suite_create("retry");
    ur_tcase(s, "all", 0, tests, UR_LEN(tests));
    return ur_run(s);
}
