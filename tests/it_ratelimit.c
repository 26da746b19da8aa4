/* tests/it_ratelimit.c -- RATE_LIMITED with data.retry_after_ms, per user
 * (by user_id and by token) and per peer, and recovery after the wait.
 * No timing is asserted: a request burst far beyond the rate must be
 * refused at some point, and a wait of retry_after_ms must be enough for
 * the next one (retried a few times on a loaded machine). */
#include "tests/lib/harness.h"

#define NOBODY "00000000-0000-4000-8000-0000000000bb"

/* Sends up to 400 calls; returns the first RATE_LIMITED reply. */
static rpc_reply hammer(th_server *s, const char *method, const char *params)
{
    rpc_reply r;
    memset(&r, 0, sizeof(r));
    for (int i = 0; i < 400; i++) {
        r = th_call(s, method, "%s", params);
        if (r.err == TK_RATE_LIMITED)
            return r;
    }
    ck_abort_msg("400 calls of %s and never RATE_LIMITED; last %s", method, th_reply_str(&r));
    return r;
}

static void wait_until_allowed(th_server *s, const char *method, const char *params, int64_t ms)
{
    rpc_reply r;
    for (int tries = 0; tries < 10; tries++) {
        th_sleep_ms((int)ms + 50);
        r = th_call(s, method, "%s", params);
        if (r.err != TK_RATE_LIMITED)
            return;
        ms = th_int(r.data, "retry_after_ms");
    }
    ck_abort_msg("still RATE_LIMITED after waiting as told: %s", th_reply_str(&r));
}

START_TEST(per_user)
{
    th_server *s = th_start("--rate-user", "5", NULL);
    th_user u, v;
    th_user_new(s, &u, "Greedy");
    th_user_new(s, &v, "Patient");
    const char *pu = th_sprintf("{\"user_id\":\"%s\"}", u.user_id);
    rpc_reply r = hammer(s, "wallet.balance", pu);
    int64_t ms = th_int(r.data, "retry_after_ms");
    ck_assert_int_gt(ms, 0);
    ck_assert_int_le(ms, 60000);
    ck_assert_int_eq(r.code, 4002);
    /* Another member is not affected. */
    TH_OK(th_call(s, "wallet.balance", "{\"user_id\":\"%s\"}", v.user_id));
    wait_until_allowed(s, "wallet.balance", pu, ms);
}
END_TEST

START_TEST(per_user_by_token)
{
    th_server *s = th_start("--rate-user", "5", NULL);
    th_user u;
    th_user_new(s, &u, "Clicker");
    th_join(s, &u);
    th_wait_active(s, &u);
    const char *pt = th_sprintf("{\"token\":\"%s\"}", u.token);
    rpc_reply r = hammer(s, "dates.list", pt);
    ck_assert_int_gt(th_int(r.data, "retry_after_ms"), 0);
    wait_until_allowed(s, "dates.list", pt, th_int(r.data, "retry_after_ms"));
}
END_TEST

START_TEST(per_peer)
{
    th_server *s = th_start("--rate-peer", "5", NULL);
    const char *p = "{\"user_id\":\"" NOBODY "\"}";
    rpc_reply r = hammer(s, "wallet.balance", p);
    int64_t ms = th_int(r.data, "retry_after_ms");
    ck_assert_int_gt(ms, 0);
    wait_until_allowed(s, "wallet.balance", p, ms);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_ratelimit");
    TCase *tc = th_tcase("ratelimit");
    tcase_add_test(tc, per_user);
    tcase_add_test(tc, per_user_by_token);
    tcase_add_test(tc, per_peer);
    suite_add_tcase(su, tc);
    return th_main(su);
}
