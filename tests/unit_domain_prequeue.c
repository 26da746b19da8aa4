/* tests/unit_domain_prequeue.c -- the pre-queue lottery (admin.queue.set
 * opens_at): members who join before the opening wait unplaced, are drawn
 * into a random order once, durably (across a restart just before or
 * after the opening, and when the server was down at it), later joiners
 * line up behind, admission follows the drawn order, and clearing opens_at
 * draws at once. */
#include "tests/unit_domain_util.h"

#include "common/errors.h"

#define OPENS (T0 + 60000)

static tk_domain *open_mem(int64_t max_active)
{
    tk_config c = ut_cfg(":memory:");
    c.max_active = max_active;
    return ut_open_cfg(&c, T0);
}

static void set_opens(tk_domain *d, int64_t opens, int64_t now)
{
    tk_errinfo ei = {0};
    tk_err e = tk_admin_queue_set(d, NULL, NULL, NULL, &opens, now, NULL, &ei);
    ck_assert_msg(e == TK_OK, "opens_at: %s %s", tk_err_reason(e), ei.msg);
}

static void set_paused(tk_domain *d, bool paused, int64_t now)
{
    ck_assert_int_eq(tk_admin_queue_set(d, &paused, NULL, NULL, NULL, now, NULL, NULL), TK_OK);
}

/* n members join at `now`; each is told it is in the pre-queue, with the
 * pre-queue's size as position, and a re-join gives the same token. */
static void join_pre(tk_domain *d, int n, int64_t now, tk_uuid *u, tk_queue_info *q)
{
    for (int i = 0; i < n; i++) {
        u[i] = ut_user(d, "early", now);
        ck_assert_int_eq(tk_queue_join(d, &u[i], now, &q[i], NULL), TK_OK);
        ck_assert_int_eq(q[i].state, TK_TOKEN_WAITING);
        ck_assert(q[i].prequeue);
        ck_assert_int_eq(q[i].position, i + 1);
        ck_assert_int_eq(q[i].opens_in_s, (OPENS - now + 999) / 1000);
        tk_queue_info again;
        ck_assert_int_eq(tk_queue_join(d, &u[i], now, &again, NULL), TK_OK);
        ck_assert_str_eq(again.token, q[i].token);
        ck_assert(again.prequeue);
    }
}

/* Every token's position after the draw: distinct, 1..n (+ offset). */
static void drawn_positions(tk_domain *d, int n, const tk_queue_info *q, int64_t now,
                            int64_t offset, int64_t *pos)
{
    char *seen = calloc((size_t)n + 1, 1);
    for (int i = 0; i < n; i++) {
        tk_queue_info st;
        ck_assert_int_eq(tk_queue_status(d, q[i].token, now, &st, NULL), TK_OK);
        ck_assert_int_eq(st.state, TK_TOKEN_WAITING);
        ck_assert(!st.prequeue);
        ck_assert_int_gt(st.position, offset);
        ck_assert_int_le(st.position, offset + n);
        ck_assert_msg(!seen[st.position - offset], "place %lld twice", (long long)st.position);
        seen[st.position - offset] = 1;
        pos[i] = st.position;
    }
    free(seen);
}

static bool is_identity(const int64_t *pos, int n)
{
    for (int i = 0; i < n; i++)
        if (pos[i] != i + 1)
            return false;
    return true;
}

/* In memory, one slot, paused (the drawn line stands still to be read),
 * with n members joined at `now` into a pre-queue opening at OPENS. */
static tk_domain *open_pre(int n, int64_t now, tk_uuid *u, tk_queue_info *q)
{
    tk_domain *d = open_mem(1);
    set_opens(d, OPENS, T0);
    set_paused(d, true, T0);
    join_pre(d, n, now, u, q);
    return d;
}

START_TEST(draw_is_a_permutation_and_admission_follows_it)
{
    enum { N = 200 };
    static tk_uuid u[N];
    static tk_queue_info q[N];
    static int64_t pos[N];
    tk_domain *d = open_pre(N, T0 + 1000, u, q);
    tk_queue_stats qs;
    tk_queue_stats_get(d, T0 + 1000, &qs);
    ck_assert_int_eq(qs.prequeue, N);
    ck_assert_int_eq(qs.waiting, 0);
    tk_tick(d, OPENS - 1);
    ck_assert(tk_queue_status(d, q[0].token, OPENS - 1, &q[0], NULL) == TK_OK && q[0].prequeue);
    tk_tick(d, OPENS);
    ut_commit(d);
    drawn_positions(d, N, q, OPENS, 0, pos);
    ck_assert_msg(!is_identity(pos, N), "the draw kept the join order");
    tk_queue_stats_get(d, OPENS, &qs);
    ck_assert_int_eq(qs.prequeue, 0);
    ck_assert_int_eq(qs.waiting, N);
    ck_assert_int_eq(qs.settings.opens_at_ms, 0);
    ck_assert_int_eq(qs.draw_n, N);
    /* a re-join after the draw still returns the same token */
    tk_queue_info again;
    ck_assert_int_eq(tk_queue_join(d, &u[7], OPENS, &again, NULL), TK_OK);
    ck_assert_str_eq(again.token, q[7].token);
    ck_assert_int_eq(again.position, pos[7]);
    /* a later joiner lines up behind every drawn member */
    tk_uuid late = ut_user(d, "late", OPENS);
    tk_queue_info lq;
    ck_assert_int_eq(tk_queue_join(d, &late, OPENS, &lq, NULL), TK_OK);
    ck_assert(!lq.prequeue);
    ck_assert_int_eq(lq.position, N + 1);
    /* one slot: members are admitted one after another in drawn order */
    set_paused(d, false, OPENS);
    for (int place = 1; place <= 5; place++) {
        int who = -1;
        for (int i = 0; i < N; i++)
            if (pos[i] == place)
                who = i;
        tk_queue_info st;
        ck_assert_int_eq(tk_queue_status(d, q[who].token, OPENS, &st, NULL), TK_OK);
        ck_assert_int_eq(st.state, TK_TOKEN_ACTIVE);
        ck_assert_int_eq(tk_queue_leave(d, q[who].token, OPENS, NULL), TK_OK);
        ut_commit(d);
    }
    ut_close(d);
}
END_TEST

START_TEST(earlier_line_stays_ahead)
{
    tk_domain *d = open_mem(1);
    tk_uuid u[3], p[10];
    tk_queue_info q[3], pq[10];
    for (int i = 0; i < 3; i++) {
        u[i] = ut_user(d, "before", T0);
        ck_assert_int_eq(tk_queue_join(d, &u[i], T0, &q[i], NULL), TK_OK);
        ck_assert(!q[i].prequeue);
    }
    set_opens(d, OPENS, T0);
    join_pre(d, 10, T0, p, pq);
    tk_queue_info st;
    ck_assert_int_eq(tk_queue_status(d, q[2].token, T0, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 2);
    /* the active one leaves before the opening: the old line moves on,
     * nobody from the pre-queue is admitted early */
    ck_assert_int_eq(tk_queue_leave(d, q[0].token, T0, NULL), TK_OK);
    ck_assert_int_eq(tk_queue_leave(d, q[1].token, T0, NULL), TK_OK);
    ck_assert_int_eq(tk_queue_status(d, q[2].token, T0, &st, NULL), TK_OK);
    ck_assert_int_eq(st.state, TK_TOKEN_ACTIVE);
    ck_assert_int_eq(tk_queue_leave(d, q[2].token, T0, NULL), TK_OK);
    tk_tick(d, T0 + 1000);
    for (int i = 0; i < 10; i++) {
        ck_assert_int_eq(tk_queue_status(d, pq[i].token, T0 + 1000, &st, NULL), TK_OK);
        ck_assert(st.prequeue && st.state == TK_TOKEN_WAITING);
    }
    /* leaving the pre-queue shrinks it */
    ck_assert_int_eq(tk_queue_leave(d, pq[4].token, T0 + 1000, NULL), TK_OK);
    ck_assert_int_eq(tk_queue_status(d, pq[0].token, T0 + 1000, &st, NULL), TK_OK);
    ck_assert_int_eq(st.position, 9);
    ut_commit(d);
    tk_tick(d, OPENS);
    ut_commit(d);
    int active = 0, waiting = 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4)
            continue;
        ck_assert_int_eq(tk_queue_status(d, pq[i].token, OPENS, &st, NULL), TK_OK);
        active += st.state == TK_TOKEN_ACTIVE;
        waiting += st.state == TK_TOKEN_WAITING && st.position >= 1 && st.position <= 8;
    }
    ck_assert_int_eq(active, 1);
    ck_assert_int_eq(waiting, 8);
    ut_close(d);
}
END_TEST

/* A file database with n members in a paused pre-queue opening at OPENS,
 * closed; *c reopens it. */
static char *prequeue_file(tk_config *c, int n, tk_uuid *u, tk_queue_info *q)
{
    char *path;
    tk_domain *d = ut_open_file(&path, c, 1, T0);
    set_opens(d, OPENS, T0);
    set_paused(d, true, T0);
    join_pre(d, n, T0, u, q);
    ut_close(d);
    return path;
}

/* Restart just before the opening keeps the pre-queue; the draw at the
 * tick is written with the flip, so a restart just after reloads the same
 * order instead of drawing again. */
START_TEST(draw_once_across_restarts)
{
    enum { N = 60 };
    tk_config c;
    static tk_uuid u[N];
    static tk_queue_info q[N];
    static int64_t pos[N], again[N];
    char *path = prequeue_file(&c, N, u, q);
    tk_domain *d = ut_open_cfg(&c, OPENS - 1); /* just before */
    tk_queue_stats qs;
    tk_queue_stats_get(d, OPENS - 1, &qs);
    ck_assert_int_eq(qs.prequeue, N);
    ck_assert_int_eq(qs.settings.opens_at_ms, OPENS);
    tk_queue_info st;
    ck_assert_int_eq(tk_queue_status(d, q[3].token, OPENS - 1, &st, NULL), TK_OK);
    ck_assert(st.prequeue);
    tk_tick(d, OPENS);
    ut_commit(d);
    drawn_positions(d, N, q, OPENS, 0, pos);
    ut_close(d);
    d = ut_open_cfg(&c, OPENS + 1); /* just after */
    tk_queue_stats_get(d, OPENS + 1, &qs);
    ck_assert_int_eq(qs.prequeue, 0);
    ck_assert_int_eq(qs.settings.opens_at_ms, 0);
    ck_assert_int_eq(qs.draw_at_ms, OPENS);
    drawn_positions(d, N, q, OPENS + 1, 0, again);
    ck_assert_int_eq(memcmp(pos, again, sizeof pos), 0);
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

/* Down at the opening: the draw happens at load, once. */
START_TEST(down_at_opening_draws_at_load)
{
    enum { N = 40 };
    tk_config c;
    static tk_uuid u[N];
    static tk_queue_info q[N];
    static int64_t pos[N], again[N];
    char *path = prequeue_file(&c, N, u, q);
    tk_domain *d = ut_open_cfg(&c, OPENS + 3600000);
    drawn_positions(d, N, q, OPENS + 3600000, 0, pos);
    tk_queue_stats qs;
    tk_queue_stats_get(d, OPENS + 3600000, &qs);
    ck_assert_int_eq(qs.draw_n, N);
    ck_assert_int_eq(qs.draw_at_ms, OPENS + 3600000);
    tk_close(d); /* no more batches: the load's commit carried the draw */
    d = ut_open_cfg(&c, OPENS + 7200000);
    drawn_positions(d, N, q, OPENS + 7200000, 0, again);
    ck_assert_int_eq(memcmp(pos, again, sizeof pos), 0);
    tk_queue_stats_get(d, OPENS + 7200000, &qs);
    ck_assert_int_eq(qs.draw_at_ms, OPENS + 3600000);
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

/* null before the opening draws the pre-queue at once (the members were
 * promised a draw, not their join order); a moved opening keeps it. */
START_TEST(clearing_draws_now)
{
    enum { N = 30 };
    static tk_uuid u[N];
    static tk_queue_info q[N];
    static int64_t pos[N];
    tk_domain *d = open_pre(N, T0, u, q);
    set_opens(d, OPENS + 1000, T0 + 10); /* moved: still the same pre-queue */
    tk_queue_stats qs;
    tk_queue_stats_get(d, T0 + 10, &qs);
    ck_assert_int_eq(qs.prequeue, N);
    ck_assert_int_eq(qs.settings.opens_at_ms, OPENS + 1000);
    set_opens(d, 0, T0 + 20);
    ut_commit(d);
    drawn_positions(d, N, q, T0 + 20, 0, pos);
    ck_assert(!is_identity(pos, N));
    tk_queue_stats_get(d, T0 + 20, &qs);
    ck_assert_int_eq(qs.settings.opens_at_ms, 0);
    ck_assert_int_eq(qs.draw_n, N);
    ut_close(d);
}
END_TEST

START_TEST(opens_at_validated)
{
    tk_domain *d = open_mem(1);
    tk_errinfo ei = {0};
    int64_t past = T0, far = T0 + TK_OPENS_MAX_AHEAD_MS + 1;
    ck_assert_int_eq(tk_admin_queue_set(d, NULL, NULL, NULL, &past, T0, NULL, &ei),
                     TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "opens_at");
    ck_assert_int_eq(tk_admin_queue_set(d, NULL, NULL, NULL, &far, T0, NULL, &ei),
                     TK_INVALID_PARAMS);
    int64_t none = 0; /* clearing with nothing open is fine and changes nothing */
    ck_assert_int_eq(tk_admin_queue_set(d, NULL, NULL, NULL, &none, T0, NULL, &ei), TK_OK);
    tk_queue_stats qs;
    tk_queue_stats_get(d, T0, &qs);
    ck_assert_int_eq(qs.draw_at_ms, 0);
    ut_close(d);
}
END_TEST

START_TEST(events_carry_the_prequeue)
{
    tk_domain *d = open_mem(5);
    tk_uuid u[3];
    tk_queue_info q[3];
    set_opens(d, OPENS, T0);
    join_pre(d, 3, T0, u, q);
    tk_event e;
    ut_count_events(d, TK_EV_QUEUE, &e);
    ck_assert_int_eq(tk_next_deadline(d, T0), T0 + 1000); /* a countdown a second */
    tk_tick(d, T0 + 1000);
    ck_assert_int_eq(ut_count_events(d, TK_EV_QUEUE, &e), 1);
    ck_assert(e.prequeue_open);
    ck_assert_int_eq(e.prequeue, 3);
    ck_assert_int_eq(e.opens_in_s, 59);
    tk_tick(d, OPENS - 600);
    ck_assert_int_eq(tk_next_deadline(d, OPENS - 200), OPENS); /* the draw on time */
    tk_tick(d, OPENS);
    ck_assert_int_ge(ut_count_events(d, TK_EV_QUEUE, &e), 1);
    ck_assert(!e.prequeue_open);
    ck_assert_int_eq(e.active, 3); /* five slots: all admitted at the opening */
    ut_close(d);
}
END_TEST

/* 200,000 in the pre-queue on a file database: the draw gives each a
 * distinct place. Its duration is printed, not asserted (shared CPU). */
START_TEST(draw_200k)
{
    enum { N = 200000 };
    char *path;
    tk_config c;
    tk_domain *d = ut_open_file(&path, &c, 1, T0);
    static tk_queue_info q[N];
    static int64_t pos[N];
    set_opens(d, OPENS, T0);
    set_paused(d, true, T0);
    for (int i = 0; i < N; i++) {
        tk_uuid u;
        ck_assert_int_eq(tk_user_register(d, "fan", T0, &u, NULL), TK_OK);
        ck_assert_int_eq(tk_queue_join(d, &u, T0, &q[i], NULL), TK_OK);
        if (i % 50000 == 49999)
            ut_commit(d);
    }
    ut_commit(d);
    tk_tick(d, OPENS);
    ut_commit(d);
    tk_queue_stats qs;
    tk_queue_stats_get(d, OPENS, &qs);
    ck_assert_int_eq(qs.draw_n, N);
    drawn_positions(d, N, q, OPENS, 0, pos);
    fprintf(stderr, "draw_200k: draw %lld ms, RSS %ld kB\n", (long long)qs.draw_ms, ut_rss_kb());
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

int main(void)
{
    const TTest *pre[] = {draw_is_a_permutation_and_admission_follows_it, earlier_line_stays_ahead,
                          draw_once_across_restarts, down_at_opening_draws_at_load,
                          clearing_draws_now, opens_at_validated, events_carry_the_prequeue};
    const TTest *big[] = {draw_200k};
    Suite *s = suite_create("domain_prequeue");
    ur_tcase(s, "prequeue", 30, pre, UR_LEN(pre));
    ur_tcase(s, "big", 600, big, UR_LEN(big));
    return ur_run(s);
}
