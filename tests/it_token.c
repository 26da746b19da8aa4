/* tests/it_token.c -- TOKEN_INVALID (malformed, altered, another server's
 * secret) and TOKEN_EXPIRED (after leave, after pay, after a lapse) on
 * every method that takes a token. */
#include "tests/lib/harness.h"

/* Every token-taking method with t; all must fail with e. */
static void all_token_methods(th_server *s, const char *t, tk_err e)
{
    TH_ERR(th_call(s, "queue.status", "{\"token\":\"%s\"}", t), e);
    TH_ERR(th_call(s, "dates.list", "{\"token\":\"%s\"}", t), e);
    TH_ERR(th_call(s, "seats.list", "{\"token\":\"%s\",\"date_id\":1}", t), e);
    TH_ERR(th_call(s, "seat.hold", "{\"token\":\"%s\",\"date_id\":1,\"seat_no\":1}", t), e);
    TH_ERR(th_call(s, "hold.release", "{\"token\":\"%s\",\"hold_id\":1}", t), e);
    TH_ERR(th_call(s, "payment.pay", "{\"token\":\"%s\",\"hold_ids\":[1],\"request_id\":\"z\"}", t),
           e);
}

/* t with the character at i replaced by another base64url character. */
static const char *flip(const char *t, size_t i)
{
    char *f = th_sprintf("%s", t);
    f[i] = f[i] == 'A' ? 'B' : 'A';
    return f;
}

START_TEST(malformed_and_forged)
{
    th_server *s = th_start(NULL);
    th_date_new(s, 5, 1000);
    th_user u;
    th_user_active(s, &u, "Real", 0);
    all_token_methods(s, "garbage", TK_TOKEN_INVALID);
    all_token_methods(s, "t1.x.y", TK_TOKEN_INVALID);
    TH_ERR(th_call(s, "queue.leave", "{\"token\":\"garbage\"}"), TK_TOKEN_INVALID);

    size_t len = strlen(u.token);
    const char *dot2 = strrchr(u.token, '.');
    ck_assert_ptr_nonnull(dot2);
    size_t mac_mid = (size_t)(dot2 - u.token) + (len - (size_t)(dot2 - u.token)) / 2;
    size_t payload_mid = (size_t)(dot2 - u.token) / 2 + 1;
    all_token_methods(s, flip(u.token, mac_mid), TK_TOKEN_INVALID);
    all_token_methods(s, flip(u.token, payload_mid), TK_TOKEN_INVALID);
    all_token_methods(s, th_sprintf("%.*s", (int)(len - 4), u.token), TK_TOKEN_INVALID);
    all_token_methods(s, th_sprintf("%sAAAA", u.token), TK_TOKEN_INVALID);
    TH_ERR(th_call(s, "queue.leave", "{\"token\":\"%s\"}", flip(u.token, mac_mid)),
           TK_TOKEN_INVALID);
    /* The real one still works (a forged leave did not expire it). */
    TH_OK(th_call(s, "dates.list", "{\"token\":\"%s\"}", u.token));
}
END_TEST

START_TEST(another_servers_secret)
{
    th_server *a = th_start(NULL);
    th_server *b = th_start(NULL);
    th_user ua, ub;
    th_user_active(a, &ua, "A", 0);
    th_user_active(b, &ub, "B", 0);
    all_token_methods(b, ua.token, TK_TOKEN_INVALID);
    all_token_methods(a, ub.token, TK_TOKEN_INVALID);
    TH_OK(th_call(a, "dates.list", "{\"token\":\"%s\"}", ua.token));
}
END_TEST

START_TEST(expired_after_leave_and_pay)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 5, 1000);
    th_user u, v;
    th_user_active(s, &u, "Leaver", 0);
    TH_OK(th_call(s, "queue.leave", "{\"token\":\"%s\"}", u.token));
    all_token_methods(s, u.token, TK_TOKEN_EXPIRED);

    th_user_active(s, &v, "Payer", 5000);
    int64_t h = th_hold(s, &v, d, 3);
    TH_OK(th_pay(s, &v, &h, 1));
    all_token_methods(s, v.token, TK_TOKEN_EXPIRED);
}
END_TEST

START_TEST(expired_after_lapse_and_restart)
{
    th_server *s = th_start("--hold-seconds", "1", NULL);
    int64_t d = th_date_new(s, 5, 1000);
    th_user u;
    th_user_active(s, &u, "Lapser", 0);
    th_hold(s, &u, d, 3);
    rpc_reply r;
    int64_t t0 = 0;
    for (;;) {
        r = th_call(s, "queue.status", "{\"token\":\"%s\"}", u.token);
        if (r.err == TK_TOKEN_EXPIRED)
            break;
        TH_OK(r);
        ck_assert_msg(++t0 < TH_WAIT_MS / 50, "token never expired after its hold lapsed");
        th_sleep_ms(50);
    }
    all_token_methods(s, u.token, TK_TOKEN_EXPIRED);
    /* Still expired after a restart; a fresh join works. */
    th_stop(s);
    th_restart(s);
    all_token_methods(s, u.token, TK_TOKEN_EXPIRED);
    char old[TOKEN_MAX_LEN];
    strcpy(old, u.token);
    ck_assert_str_eq(th_join(s, &u), "active");
    ck_assert_str_ne(u.token, old);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_token");
    TCase *tc = th_tcase("token");
    tcase_add_test(tc, malformed_and_forged);
    tcase_add_test(tc, another_servers_secret);
    tcase_add_test(tc, expired_after_leave_and_pay);
    tcase_add_test(tc, expired_after_lapse_and_restart);
    suite_add_tcase(su, tc);
    return th_main(su);
}
