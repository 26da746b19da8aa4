/* tests/it_queue.c -- queue.join/status/leave against the real ticketd:
 * admission, waiting places, re-join, NOT_ADMITTED, pause, and distinct,
 * dense places for many concurrent joiners. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tests/lib/harness.h"

#define NOBODY "00000000-0000-4000-8000-000000000001"

static const char *status_state(th_server *s, th_user *u, int64_t *position)
{
    rpc_reply r = th_call(s, "queue.status", "{\"token\":\"%s\"}", u->token);
    TH_OK(r);
    if (position)
        *position = th_int(r.result, "position");
    return th_str(r.result, "state");
}

START_TEST(join_active_and_rejoin)
{
    th_server *s = th_start(NULL);
    th_user u;
    th_user_new(s, &u, "Kim");
    rpc_reply r = th_call(s, "queue.join", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(r);
    ck_assert_str_eq(th_str(r.result, "state"), "active");
    ck_assert_int_eq(th_int(r.result, "position"), 0);
    ck_assert_int_eq(th_int(r.result, "eta_s"), 0);
    int64_t seq = th_int(r.result, "seq");
    ck_assert_int_ge(seq, 1);
    const char *tok = th_str(r.result, "token");
    ck_assert_int_gt(strlen(tok), 16);

    rpc_reply st = th_call(s, "queue.status", "{\"token\":\"%s\"}", tok);
    TH_OK(st);
    ck_assert_str_eq(th_str(st.result, "state"), "active");
    int64_t exp = th_int(st.result, "expires_in_s");
    ck_assert_int_gt(exp, 0);
    ck_assert_int_le(exp, 600);

    rpc_reply again = th_call(s, "queue.join", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(again);
    ck_assert_str_eq(th_str(again.result, "token"), tok);
    ck_assert_int_eq(th_int(again.result, "seq"), seq);
    ck_assert_str_eq(th_str(again.result, "state"), "active");

    /* Another member gets another token and a later seq. */
    th_user v;
    th_user_new(s, &v, "Lee");
    th_join(s, &v);
    ck_assert_str_ne(v.token, tok);
    ck_assert_int_gt(v.seq, seq);
}
END_TEST

START_TEST(join_unknown_user)
{
    th_server *s = th_start(NULL);
    TH_ERR(th_call(s, "queue.join", "{\"user_id\":\"%s\"}", NOBODY), TK_USER_NOT_FOUND);
    TH_ERR_FIELD(th_call(s, "queue.join", "{}"), "user_id");
    TH_ERR_FIELD(th_call(s, "queue.join", "{\"user_id\":42}"), "user_id");
}
END_TEST

START_TEST(waiting_not_admitted_and_rejoin)
{
    th_server *s = th_start("--max-active", "1", NULL);
    th_user a, b, c;
    th_user_active(s, &a, "A", 0);
    th_user_new(s, &b, "B");
    rpc_reply r = th_call(s, "queue.join", "{\"user_id\":\"%s\"}", b.user_id);
    TH_OK(r);
    ck_assert_str_eq(th_str(r.result, "state"), "waiting");
    ck_assert_int_eq(th_int(r.result, "position"), 1);
    ck_assert_int_ge(th_int(r.result, "eta_s"), 0);
    snprintf(b.token, sizeof(b.token), "%s", th_str(r.result, "token"));
    int64_t bseq = th_int(r.result, "seq");

    /* Active methods refuse a waiting token and say where it stands. */
    rpc_reply na = th_call(s, "dates.list", "{\"token\":\"%s\"}", b.token);
    TH_ERR(na, TK_NOT_ADMITTED);
    ck_assert_int_eq(th_int(na.data, "position"), 1);
    ck_assert_int_ge(th_int(na.data, "eta_s"), 0);
    TH_ERR(th_call(s, "seats.list", "{\"token\":\"%s\",\"date_id\":1}", b.token), TK_NOT_ADMITTED);
    TH_ERR(th_call(s, "seat.hold", "{\"token\":\"%s\",\"date_id\":1,\"seat_no\":1}", b.token),
           TK_NOT_ADMITTED);
    TH_ERR(th_call(s, "hold.release", "{\"token\":\"%s\",\"hold_id\":1}", b.token),
           TK_NOT_ADMITTED);
    TH_ERR(th_call(s, "payment.pay", "{\"token\":\"%s\",\"hold_ids\":[1],\"request_id\":\"x\"}",
                   b.token),
           TK_NOT_ADMITTED);

    /* Re-join: same token, same place. */
    rpc_reply again = th_call(s, "queue.join", "{\"user_id\":\"%s\"}", b.user_id);
    TH_OK(again);
    ck_assert_str_eq(th_str(again.result, "token"), b.token);
    ck_assert_int_eq(th_int(again.result, "seq"), bseq);
    ck_assert_int_eq(th_int(again.result, "position"), 1);
    ck_assert_str_eq(th_str(again.result, "state"), "waiting");

    th_user_new(s, &c, "C");
    ck_assert_str_eq(th_join(s, &c), "waiting");
    int64_t pos = 0;
    ck_assert_str_eq(status_state(s, &c, &pos), "waiting");
    ck_assert_int_eq(pos, 2);

    /* A leaves: B is admitted, C moves up to 1. */
    rpc_reply lv = th_call(s, "queue.leave", "{\"token\":\"%s\"}", a.token);
    TH_OK(lv);
    ck_assert_str_eq(th_str(lv.result, "state"), "expired");
    th_wait_active(s, &b);
    ck_assert_str_eq(status_state(s, &c, &pos), "waiting");
    ck_assert_int_eq(pos, 1);
    rpc_reply ok = th_call(s, "dates.list", "{\"token\":\"%s\"}", b.token);
    TH_OK(ok);
}
END_TEST

START_TEST(leave_expires_token)
{
    th_server *s = th_start(NULL);
    th_user u;
    th_user_active(s, &u, "Park", 0);
    char old[TOKEN_MAX_LEN];
    strcpy(old, u.token);
    rpc_reply lv = th_call(s, "queue.leave", "{\"token\":\"%s\"}", u.token);
    TH_OK(lv);
    ck_assert_str_eq(th_str(lv.result, "state"), "expired");
    TH_ERR(th_call(s, "queue.status", "{\"token\":\"%s\"}", old), TK_TOKEN_EXPIRED);
    TH_ERR(th_call(s, "dates.list", "{\"token\":\"%s\"}", old), TK_TOKEN_EXPIRED);
    TH_ERR(th_call(s, "seat.hold", "{\"token\":\"%s\",\"date_id\":1,\"seat_no\":1}", old),
           TK_TOKEN_EXPIRED);
    /* Joining again after leaving gives a new token. */
    ck_assert_str_eq(th_join(s, &u), "active");
    ck_assert_str_ne(u.token, old);
    TH_OK(th_call(s, "dates.list", "{\"token\":\"%s\"}", u.token));
}
END_TEST

/* The retry rule: queue.join again returns the live token; queue.leave on
 * an expired token (left, paid, also after a restart) answers
 * state: "expired" and moves nobody. */
START_TEST(join_and_leave_twice)
{
    th_server *s = th_start("--max-active", "1", NULL);
    th_user a, w;
    th_user_active(s, &a, "Active", 0);
    char tok[TOKEN_MAX_LEN];
    strcpy(tok, a.token);
    ck_assert_str_eq(th_join(s, &a), "active");
    ck_assert_str_eq(a.token, tok);
    th_user_new(s, &w, "Waiting");
    ck_assert_str_eq(th_join(s, &w), "waiting");
    for (int i = 0; i < 2; i++) {
        rpc_reply lv = th_call(s, "queue.leave", "{\"token\":\"%s\"}", a.token);
        TH_OK(lv);
        ck_assert_str_eq(th_str(lv.result, "state"), "expired");
    }
    th_wait_active(s, &w);
    th_stop(s);
    th_restart(s);
    rpc_reply lv = th_call(s, "queue.leave", "{\"token\":\"%s\"}", a.token);
    TH_OK(lv);
    ck_assert_str_eq(th_str(lv.result, "state"), "expired");
    TH_ERR(th_call(s, "queue.status", "{\"token\":\"%s\"}", a.token), TK_TOKEN_EXPIRED);
    TH_OK(th_call(s, "dates.list", "{\"token\":\"%s\"}", w.token)); /* still admitted */
    TH_ERR(th_call(s, "queue.leave", "{\"token\":\"garbage\"}"), TK_TOKEN_INVALID);
}
END_TEST

START_TEST(leave_while_waiting_moves_others_up)
{
    th_server *s = th_start("--max-active", "1", NULL);
    th_user a, w[3];
    th_user_active(s, &a, "A", 0);
    for (int i = 0; i < 3; i++) {
        th_user_new(s, &w[i], "W");
        ck_assert_str_eq(th_join(s, &w[i]), "waiting");
    }
    TH_OK(th_call(s, "queue.leave", "{\"token\":\"%s\"}", w[1].token));
    TH_ERR(th_call(s, "queue.status", "{\"token\":\"%s\"}", w[1].token), TK_TOKEN_EXPIRED);
    int64_t p0 = 0, p2 = 0;
    status_state(s, &w[0], &p0);
    status_state(s, &w[2], &p2);
    ck_assert_int_eq(p0, 1);
    ck_assert_int_eq(p2, 2);
}
END_TEST

/* ---- many concurrent joiners ------------------------------------------ */

#define NJOIN 200
#define NTHREADS 8

typedef struct {
    th_server *s;
    int first, count;
    th_user *users;
    int64_t *pos;
    int errors;
    pthread_barrier_t *bar;
} join_job;

static void *join_worker(void *arg)
{
    join_job *j = arg;
    th_client *c = th_client_open(j->s);
    pthread_barrier_wait(j->bar);
    for (int i = j->first; i < j->first + j->count; i++) {
        rpc_reply r = th_ccall(c, "queue.join", "{\"user_id\":\"%s\"}", j->users[i].user_id);
        const cJSON *tok = r.err ? NULL : cJSON_GetObjectItemCaseSensitive(r.result, "token");
        if (!cJSON_IsString(tok)) {
            j->errors++;
            if (r.err == TK_ERR_COUNT)
                break; /* server gone: do not wait out every deadline */
            continue;
        }
        snprintf(j->users[i].token, sizeof(j->users[i].token), "%s", tok->valuestring);
        j->users[i].seq = th_int_or(r.result, "seq", -1);
        j->pos[i] = th_int_or(r.result, "position", -1);
    }
    th_client_close(c);
    return NULL;
}

static void join_all(th_server *s, th_user *users, int64_t *pos)
{
    pthread_t t[NTHREADS];
    join_job jobs[NTHREADS];
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, NTHREADS);
    for (int i = 0; i < NTHREADS; i++) {
        jobs[i] = (join_job){s, i * (NJOIN / NTHREADS), NJOIN / NTHREADS, users, pos, 0, &bar};
        pthread_create(&t[i], NULL, join_worker, &jobs[i]);
    }
    int errors = 0;
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(t[i], NULL);
        errors += jobs[i].errors;
    }
    pthread_barrier_destroy(&bar);
    ck_assert_int_eq(errors, 0);
}

START_TEST(positions_distinct_and_dense)
{
    th_server *s = th_start(NULL);
    TH_OK(th_admin(s, "admin.queue.set", "{\"paused\":true}"));
    static th_user users[NJOIN];
    static int64_t pos[NJOIN];
    for (int i = 0; i < NJOIN; i++)
        th_user_new(s, &users[i], "Q");
    join_all(s, users, pos);

    /* Every place 1..NJOIN exactly once; every seq distinct. */
    static int seen[NJOIN + 1];
    memset(seen, 0, sizeof(seen));
    for (int i = 0; i < NJOIN; i++) {
        ck_assert_msg(pos[i] >= 1 && pos[i] <= NJOIN, "position %lld out of 1..%d",
                      (long long)pos[i], NJOIN);
        ck_assert_msg(!seen[pos[i]]++, "position %lld given twice", (long long)pos[i]);
        for (int k = 0; k < i; k++)
            ck_assert_msg(users[k].seq != users[i].seq, "seq %lld given twice",
                          (long long)users[i].seq);
    }
    /* Places follow seq order, and queue.status agrees with join. */
    int at[NJOIN + 1];
    for (int i = 0; i < NJOIN; i++)
        at[pos[i]] = i;
    for (int p = 2; p <= NJOIN; p++)
        ck_assert_int_gt(users[at[p]].seq, users[at[p - 1]].seq);
    int64_t p = 0;
    for (int i = 0; i < NJOIN; i += 17) {
        ck_assert_str_eq(status_state(s, &users[i], &p), "waiting");
        ck_assert_int_eq(p, pos[i]);
    }
    /* The one at place 100 leaves: 150 becomes 149, 50 stays. */
    TH_OK(th_call(s, "queue.leave", "{\"token\":\"%s\"}", users[at[100]].token));
    status_state(s, &users[at[150]], &p);
    ck_assert_int_eq(p, 149);
    status_state(s, &users[at[50]], &p);
    ck_assert_int_eq(p, 50);
    status_state(s, &users[at[NJOIN]], &p);
    ck_assert_int_eq(p, NJOIN - 1);

    rpc_reply d = th_admin(s, "admin.dashboard", NULL);
    TH_OK(d);
    const cJSON *q = th_obj(d.result, "queue");
    ck_assert_int_eq(th_int(q, "waiting"), NJOIN - 1);
    ck_assert_int_eq(th_int(q, "active"), 0);
}
END_TEST

START_TEST(pause_stops_admission)
{
    th_server *s = th_start(NULL);
    rpc_reply set = th_admin(s, "admin.queue.set", "{\"paused\":true}");
    TH_OK(set);
    ck_assert(th_bool(set.result, "paused"));
    th_user u;
    th_user_new(s, &u, "P");
    ck_assert_str_eq(th_join(s, &u), "waiting");
    /* It stays waiting while paused (checked over a while, not timed). */
    int64_t end = clock_mono_ms() + 1500, pos = 0;
    while (clock_mono_ms() < end) {
        ck_assert_str_eq(status_state(s, &u, &pos), "waiting");
        ck_assert_int_eq(pos, 1);
        th_sleep_ms(100);
    }
    rpc_reply d = th_admin(s, "admin.dashboard", NULL);
    TH_OK(d);
    ck_assert(th_bool(th_obj(d.result, "queue"), "paused"));
    set = th_admin(s, "admin.queue.set", "{\"paused\":false}");
    TH_OK(set);
    ck_assert(!th_bool(set.result, "paused"));
    th_wait_active(s, &u);
}
END_TEST

START_TEST(max_active_limits_admission)
{
    th_server *s = th_start("--max-active", "2", NULL);
    th_user u[4];
    th_user_active(s, &u[0], "A", 0);
    th_user_active(s, &u[1], "B", 0);
    th_user_new(s, &u[2], "C");
    ck_assert_str_eq(th_join(s, &u[2]), "waiting");
    rpc_reply d = th_admin(s, "admin.dashboard", NULL);
    TH_OK(d);
    const cJSON *q = th_obj(d.result, "queue");
    ck_assert_int_eq(th_int(q, "active"), 2);
    ck_assert_int_eq(th_int(q, "waiting"), 1);
    ck_assert_int_eq(th_int(q, "max_active"), 2);
    /* Raising max_active at run time admits the waiting one. */
    rpc_reply set = th_admin(s, "admin.queue.set", "{\"max_active\":3}");
    TH_OK(set);
    ck_assert_int_eq(th_int(set.result, "max_active"), 3);
    th_wait_active(s, &u[2]);
    th_user_new(s, &u[3], "D");
    ck_assert_str_eq(th_join(s, &u[3]), "waiting");
}
END_TEST

START_TEST(admit_per_min_limits_admission)
{
    th_server *s = th_start("--admit-per-min", "1", NULL);
    th_user a, b;
    th_user_active(s, &a, "First", 0);
    th_user_new(s, &b, "Second");
    ck_assert_str_eq(th_join(s, &b), "waiting");
    /* One admission per minute: B waits although max_active has room, and
     * its estimate says so. */
    int64_t end = clock_mono_ms() + 1500;
    while (clock_mono_ms() < end) {
        rpc_reply r = th_call(s, "queue.status", "{\"token\":\"%s\"}", b.token);
        TH_OK(r);
        ck_assert_str_eq(th_str(r.result, "state"), "waiting");
        ck_assert_int_eq(th_int(r.result, "position"), 1);
        ck_assert_int_gt(th_int(r.result, "eta_s"), 0);
        th_sleep_ms(100);
    }
    rpc_reply set = th_admin(s, "admin.queue.set", "{\"admit_per_min\":600}");
    TH_OK(set);
    ck_assert_int_eq(th_int(set.result, "admit_per_min"), 600);
    th_wait_active(s, &b);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_queue");
    TCase *tc = th_tcase("queue");
    tcase_add_test(tc, join_active_and_rejoin);
    tcase_add_test(tc, join_unknown_user);
    tcase_add_test(tc, waiting_not_admitted_and_rejoin);
    tcase_add_test(tc, leave_expires_token);
    tcase_add_test(tc, join_and_leave_twice);
    tcase_add_test(tc, leave_while_waiting_moves_others_up);
    tcase_add_test(tc, positions_distinct_and_dense);
    tcase_add_test(tc, pause_stops_admission);
    tcase_add_test(tc, max_active_limits_admission);
    tcase_add_test(tc, admit_per_min_limits_admission);
    suite_add_tcase(su, tc);
    return th_main(su);
}
