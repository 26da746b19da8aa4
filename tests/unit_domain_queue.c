/* tests/unit_domain_queue.c -- the waiting line: places, leaving from the
 * middle, admission limits, the per-minute budget, pause, tokens, events,
 * settings across a restart, and a million waiting users. */
#include "tests/unit_domain_util.h"

#include "common/errors.h"
#include "server/domain/fenwick.h"

/* The tree against a plain array, across several doublings. */
START_TEST(fenwick_matches_naive)
{
    enum { N = 5000 };
    static int32_t naive[N + 1];
    memset(naive, 0, sizeof naive);
    fenwick f;
    fw_init(&f);
    ck_assert_int_eq(fw_prefix(&f, 10), 0);
    ck_assert_int_eq(fw_add(&f, 0, 1), -1);
    unsigned seed = 7;
    for (int step = 0; step < 20000; step++) {
        size_t i = 1 + (size_t)(rand_r(&seed) % (step < 10000 ? 1500 : N));
        int32_t v = rand_r(&seed) % 2 ? 1 : -1;
        ck_assert_int_eq(fw_add(&f, i, v), 0);
        naive[i] += v;
        if (step % 97 == 0) {
            size_t q = (size_t)(rand_r(&seed) % (N + 10));
            int64_t sum = 0;
            for (size_t k = 1; k <= q && k <= N; k++)
                sum += naive[k];
            ck_assert_int_eq(fw_prefix(&f, q), sum);
        }
    }
    fw_free(&f);
}
END_TEST

static void join(tk_domain *d, const tk_uuid *u, int64_t now, tk_queue_info *q)
{
    ck_assert_int_eq(tk_queue_join(d, u, now, q, NULL), TK_OK);
}

/* n new members join at T0, in order; q[i] is the i-th one's place. */
static void join_n(tk_domain *d, int n, tk_queue_info *q)
{
    for (int i = 0; i < n; i++) {
        tk_uuid u = ut_user(d, "w", T0);
        join(d, &u, T0, &q[i]);
    }
}

START_TEST(positions_and_leaving)
{
    tk_config c = ut_cfg(":memory:");
    c.max_active = 2;
    tk_domain *d = ut_open_cfg(&c, T0);
    tk_uuid u[10];
    tk_queue_info q[10];
    for (int i = 0; i < 10; i++) {
        u[i] = ut_user(d, "w", T0);
        join(d, &u[i], T0, &q[i]);
        ck_assert_int_eq(q[i].seq, i + 1);
    }
    ck_assert_int_eq(q[0].state, TK_TOKEN_ACTIVE);
    ck_assert_int_eq(q[1].state, TK_TOKEN_ACTIVE);
    ck_assert_int_eq(q[0].position, 0);
    ck_assert_int_eq(q[2].state, TK_TOKEN_WAITING);
    ck_assert_int_eq(q[2].position, 1);
    ck_assert_int_eq(q[9].position, 8);
    /* both slots taken and no session has ended yet: each turns over once
     * per 10-minute active window at most, so a place per 5 minutes */
    ck_assert_int_eq(q[9].eta_s, 8 * 300);
    /* joining again: same token, same place */
    tk_queue_info again;
    join(d, &u[6], T0 + 10, &again);
    ck_assert_str_eq(again.token, q[6].token);
    ck_assert_int_eq(again.position, 5);
    /* leave from the middle: everyone behind moves up one */
    ck_assert_int_eq(tk_queue_leave(d, q[4].token, T0, NULL), TK_OK);
    /* again (a resend after a lost reply): the same answer, nobody moves */
    ck_assert_int_eq(tk_queue_leave(d, q[4].token, T0, NULL), TK_OK);
    tk_queue_info st;
    ck_assert_int_eq(tk_queue_status(d, q[4].token, T0, &st, NULL), TK_TOKEN_EXPIRED);
    ck_assert_int_eq(tk_queue_status(d, q[5].token, T0, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 3);
    ck_assert_int_eq(tk_queue_status(d, q[3].token, T0, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 2);
    /* a waiting token is not admitted */
    tk_uuid who;
    tk_errinfo ei = {0};
    ck_assert_int_eq(tk_token_user(d, q[9].token, T0, &who, &ei), TK_NOT_ADMITTED);
    ck_assert_int_eq(ei.position, 7);
    ck_assert_int_eq(ei.eta_s, 7 * 300);
    ck_assert_int_eq(tk_token_user(d, q[0].token, T0, &who, NULL), TK_OK);
    ck_assert_mem_eq(who.b, u[0].b, 16);
    /* an active user leaves: the first waiting one (seq 3) is admitted */
    ck_assert_int_eq(tk_queue_leave(d, q[0].token, T0, NULL), TK_OK);
    ck_assert_int_eq(tk_queue_status(d, q[2].token, T0, &st, NULL), TK_OK);
    ck_assert_int_eq(st.state, TK_TOKEN_ACTIVE);
    ck_assert_int_eq(tk_queue_status(d, q[3].token, T0, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 1);
    /* re-joining after leaving: a new place at the end */
    join(d, &u[0], T0, &again);
    ck_assert_int_eq(again.seq, 11);
    ck_assert_int_eq(again.position, 7);
    ck_assert_str_ne(again.token, q[0].token);
    tk_queue_stats qs;
    tk_queue_stats_get(d, T0, &qs);
    ck_assert_int_eq(qs.waiting, 7);
    ck_assert_int_eq(qs.active, 2);
    ck_assert_int_eq(qs.admitted, 3);
    ck_assert_int_eq(qs.admitted_seq, 3);
    ck_assert_int_eq(qs.last_seq, 11);
    ut_close(d);
}
END_TEST

/* With every slot taken, the wait follows how fast sessions end: none
 * ended means each slot turns over once per active window; then the pace
 * of the last five minutes; the admission budget stays the floor. */
START_TEST(eta_follows_turnover)
{
    tk_config c = ut_cfg(":memory:");
    c.max_active = 2;
    c.admit_per_min = 60;
    tk_domain *d = ut_open_cfg(&c, T0);
    tk_queue_info q[8];
    join_n(d, 8, q);
    ck_assert_int_eq(q[2].position, 1);
    ck_assert_int_eq(q[2].eta_s, 300); /* 2 slots, a 10-minute window each */
    ck_assert_int_eq(q[4].eta_s, 3 * 300);
    /* two sessions end in the first two minutes: one a minute */
    ck_assert_int_eq(tk_queue_leave(d, q[0].token, T0 + 60000, NULL), TK_OK);
    ck_assert_int_eq(tk_queue_leave(d, q[1].token, T0 + 120000, NULL), TK_OK);
    tk_queue_info st;
    ck_assert_int_eq(tk_queue_status(d, q[7].token, T0 + 120000, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 4);
    ck_assert_int_eq(st.eta_s, 4 * 60);
    /* a third ends: 3 in 2 minutes, 40 s a place; its slot is refilled at
     * once, so the line is still the limit */
    ck_assert_int_eq(tk_queue_leave(d, q[2].token, T0 + 120000, NULL), TK_OK);
    tk_queue_stats qs;
    tk_queue_stats_get(d, T0 + 120000, &qs);
    ck_assert_int_eq(qs.active, 2);
    ck_assert_int_eq(tk_queue_status(d, q[7].token, T0 + 120000, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 3);
    ck_assert_int_eq(st.eta_s, 3 * 40);
    /* turnover older than five minutes is forgotten: back to the window */
    ck_assert_int_eq(tk_queue_status(d, q[7].token, T0 + 9 * 60000, &st, NULL), TK_OK);
    ck_assert_int_eq(st.eta_s, 3 * 300);
    ut_close(d);
}
END_TEST

/* Sessions that ran out while the server was down free their slots at the
 * restart, all at once: that is not how fast sessions end. */
START_TEST(eta_ignores_downtime)
{
    char *path;
    tk_config c;
    tk_domain *d = ut_open_file(&path, &c, 2, T0);
    tk_queue_info q[6];
    join_n(d, 6, q);
    ut_close(d);
    d = ut_open_cfg(&c, T0 + 20 * 60000); /* both turns idled out meanwhile */
    tk_tick(d, T0 + 20 * 60000);
    tk_queue_info st;
    ck_assert_int_eq(tk_queue_status(d, q[2].token, T0 + 20 * 60000, &st, NULL), TK_OK);
    ck_assert_int_eq(st.state, TK_TOKEN_ACTIVE); /* the freed slots were refilled */
    ck_assert_int_eq(tk_queue_status(d, q[5].token, T0 + 20 * 60000, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 2);
    ck_assert_int_eq(st.eta_s, 2 * 300); /* no pace seen yet: a slot per window */
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

START_TEST(budget_and_pause)
{
    tk_config c = ut_cfg(":memory:");
    c.admit_per_min = 6; /* one every 10 s, a burst of 6 */
    tk_domain *d = ut_open_cfg(&c, T0);
    tk_queue_info q[10];
    join_n(d, 10, q);
    tk_queue_stats qs;
    tk_queue_stats_get(d, T0, &qs);
    ck_assert_int_eq(qs.active, 6);
    ck_assert_int_eq(qs.waiting, 4);
    ck_assert_int_eq(q[9].eta_s, 40);
    tk_tick(d, T0 + 9999);
    tk_queue_stats_get(d, T0, &qs);
    ck_assert_int_eq(qs.active, 6);
    tk_tick(d, T0 + 10000);
    tk_queue_stats_get(d, T0, &qs);
    ck_assert_int_eq(qs.active, 7);
    /* paused: no admission however long we wait */
    bool yes = true, no = false;
    tk_queue_settings s;
    ck_assert_int_eq(tk_admin_queue_set(d, &yes, NULL, NULL, NULL, T0 + 10000, &s, NULL), TK_OK);
    ck_assert(s.paused);
    ck_assert_int_eq(s.admit_per_min, 6);
    tk_tick(d, T0 + 60000);
    tk_queue_stats_get(d, T0, &qs);
    ck_assert_int_eq(qs.active, 7);
    /* max_active caps admission; unpausing admits up to it */
    int64_t max = 8, rate = 600;
    ck_assert_int_eq(tk_admin_queue_set(d, &no, &max, &rate, NULL, T0 + 60000, &s, NULL), TK_OK);
    tk_queue_stats_get(d, T0, &qs);
    ck_assert_int_eq(qs.active, 8);
    ck_assert_int_eq(qs.waiting, 2);
    tk_queue_info st;
    ck_assert_int_eq(tk_queue_status(d, q[8].token, T0 + 60000, &st, NULL), TK_OK);
    ck_assert_int_eq(st.state, TK_TOKEN_WAITING);
    ck_assert_int_eq(st.position, 1);
    tk_errinfo ei = {0};
    int64_t zero = 0, big = 1000001;
    ck_assert_int_eq(tk_admin_queue_set(d, NULL, &zero, NULL, NULL, T0, &s, &ei), TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "max_active");
    ck_assert_int_eq(tk_admin_queue_set(d, NULL, NULL, &big, NULL, T0, &s, &ei), TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "admit_per_min");
    ut_close(d);
}
END_TEST

START_TEST(tokens_forged_and_foreign)
{
    tk_domain *d = ut_open(T0);
    tk_uuid u = ut_user(d, "a", T0), ghost = {{1}};
    tk_queue_info q, st;
    ck_assert_int_eq(tk_queue_join(d, &ghost, T0, &q, NULL), TK_USER_NOT_FOUND);
    join(d, &u, T0, &q);
    char bad[TOKEN_MAX_LEN];
    strcpy(bad, q.token);
    size_t n = strlen(bad);
    bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(tk_queue_status(d, bad, T0, &st, NULL), TK_TOKEN_INVALID);
    ck_assert_int_eq(tk_queue_leave(d, bad, T0, NULL), TK_TOKEN_INVALID);
    ck_assert_int_eq(tk_queue_status(d, "", T0, &st, NULL), TK_TOKEN_INVALID);
    ck_assert_int_eq(tk_queue_status(d, NULL, T0, &st, NULL), TK_TOKEN_INVALID);
    /* well signed, but for a seq this server never issued */
    tk_config c = ut_cfg(":memory:");
    token_claims cl = {.seq = 99, .issued_ms = T0};
    memcpy(cl.user, u.b, 16);
    token_sign(c.token_key, &cl, bad);
    ck_assert_int_eq(tk_queue_status(d, bad, T0, &st, NULL), TK_TOKEN_INVALID);
    /* right seq, wrong issue time */
    cl.seq = 1;
    cl.issued_ms = T0 + 1;
    token_sign(c.token_key, &cl, bad);
    ck_assert_int_eq(tk_queue_status(d, bad, T0, &st, NULL), TK_TOKEN_INVALID);
    /* another server's secret */
    c.token_key[0] ^= 1;
    cl.issued_ms = T0;
    token_sign(c.token_key, &cl, bad);
    ck_assert_int_eq(tk_queue_status(d, bad, T0, &st, NULL), TK_TOKEN_INVALID);
    ut_close(d);
}
END_TEST

START_TEST(queue_events)
{
    tk_config c = ut_cfg(":memory:");
    c.max_active = 1;
    tk_domain *d = ut_open_cfg(&c, T0);
    tk_queue_info q[3];
    join_n(d, 3, q);
    tk_event e;
    ck_assert_int_eq(ut_count_events(d, TK_EV_QUEUE, &e), 1); /* the one admission */
    ck_assert_int_eq(e.admitted_seq, 1);
    tk_tick(d, T0 + 500);
    tk_tick(d, T0 + 1000);
    ck_assert_int_eq(ut_count_events(d, TK_EV_QUEUE, &e), 1); /* once a second while waiting */
    ck_assert_int_eq(e.waiting, 2);
    ck_assert_int_eq(e.active, 1);
    ck_assert_int_eq(e.admit_per_min, 600);
    ck_assert_int_eq(tk_next_deadline(d, T0 + 1000), T0 + 2000);
    ck_assert_int_eq(tk_queue_leave(d, q[0].token, T0 + 1100, NULL), TK_OK);
    ck_assert_int_eq(ut_count_events(d, TK_EV_QUEUE, &e), 1);
    ck_assert_int_eq(e.admitted_seq, 2);
    ck_assert_int_eq(e.waiting, 1);
    ut_close(d);
}
END_TEST

START_TEST(settings_and_queue_survive_restart)
{
    char *path;
    tk_config c;
    tk_domain *d = ut_open_file(&path, &c, 1, T0);
    tk_queue_info q[4];
    join_n(d, 4, q);
    ck_assert_int_eq(tk_queue_leave(d, q[2].token, T0, NULL), TK_OK);
    bool yes = true;
    int64_t rate = 42;
    ck_assert_int_eq(tk_admin_queue_set(d, &yes, NULL, &rate, NULL, T0, NULL, NULL), TK_OK);
    ut_close(d);
    d = ut_open_cfg(&c, T0 + 1000);
    tk_queue_stats qs;
    tk_queue_stats_get(d, T0, &qs);
    ck_assert(qs.settings.paused);
    ck_assert_int_eq(qs.settings.admit_per_min, 42);
    ck_assert_int_eq(qs.settings.max_active, 1);
    ck_assert_int_eq(qs.waiting, 2);
    ck_assert_int_eq(qs.active, 1);
    tk_queue_info st;
    ck_assert_int_eq(tk_queue_status(d, q[3].token, T0 + 1000, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 2);
    ck_assert_int_eq(tk_queue_status(d, q[0].token, T0 + 1000, &st, NULL), TK_OK);
    ck_assert_int_eq(st.state, TK_TOKEN_ACTIVE);
    ck_assert_int_eq(tk_queue_status(d, q[2].token, T0 + 1000, &st, NULL), TK_TOKEN_EXPIRED);
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

/* A million waiting users on a file database, as the server would hold
 * them: places stay exact, leaving from the middle shifts the rest. */
START_TEST(million_waiting)
{
    char *path;
    tk_config c;
    tk_domain *d = ut_open_file(&path, &c, 10, T0);
    enum { N = 1000000 };
    static char tok[4][TOKEN_MAX_LEN];
    const int sample[4] = {10, 500000, 777777, N - 1}; /* 0-based join order */
    for (int i = 0; i < N; i++) {
        tk_uuid u;
        tk_queue_info q;
        ck_assert_int_eq(tk_user_register(d, "fan", T0, &u, NULL), TK_OK);
        ck_assert_int_eq(tk_queue_join(d, &u, T0, &q, NULL), TK_OK);
        for (int k = 0; k < 4; k++)
            if (i == sample[k]) {
                strcpy(tok[k], q.token);
                ck_assert_int_eq(q.position, i + 1 - 10);
            }
        if (i % 50000 == 49999) {
            ck_assert_int_eq(tk_batch_commit(d), 0);
            ck_assert_int_eq(tk_batch_begin(d), 0);
        }
    }
    tk_queue_stats qs;
    tk_queue_stats_get(d, T0, &qs);
    ck_assert_int_eq(qs.waiting, N - 10);
    ck_assert_int_eq(tk_queue_leave(d, tok[1], T0, NULL), TK_OK);
    tk_queue_info st;
    ck_assert_int_eq(tk_queue_status(d, tok[0], T0, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 1);
    ck_assert_int_eq(tk_queue_status(d, tok[2], T0, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 777777 + 1 - 10 - 1);
    ck_assert_int_eq(tk_queue_status(d, tok[3], T0, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, N - 10 - 1);
    long kb = ut_rss_kb();
#ifndef __SANITIZE_ADDRESS__ /* ASan's shadow memory and redzones triple RSS */
    ck_assert_msg(kb > 0 && kb < 200 * 1024, "RSS %ld kB", kb);
#endif
    fprintf(stderr, "million_waiting: RSS %ld kB\n", kb);
    ut_close(d);
    /* and it all comes back */
    d = ut_open_cfg(&c, T0 + 1000);
    ck_assert_int_eq(tk_queue_status(d, tok[2], T0 + 1000, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 777777 + 1 - 10 - 1);
    ck_assert_int_eq(tk_batch_commit(d), 0);
    tk_close(d);
    ut_rmdb(path);
}
END_TEST

int main(void)
{
    const TTest *queue[] = {
        fenwick_matches_naive, positions_and_leaving, eta_follows_turnover, eta_ignores_downtime, budget_and_pause,
        tokens_forged_and_foreign, queue_events, settings_and_queue_survive_restart};
    const TTest *million[] = {million_waiting};
    Suite *s = suite_create("domain_queue");
    ur_tcase(s, "queue", 30, queue, UR_LEN(queue));
    ur_tcase(s, "million", 600, million, UR_LEN(million));
    return ur_run(s);
}
