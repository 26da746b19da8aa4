/* tests/it_prequeue.c -- the pre-queue lottery against the real ticketd:
 * admin.queue.set opens_at a few seconds ahead, members join and are told
 * prequeue: true, the draw at the opening gives distinct places that
 * survive a restart, and admission follows the drawn order. */
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tests/lib/harness.h"

enum { N = 8 };

static void set_opens_in(th_server *s, int64_t ms_ahead)
{
    char t[40];
    time_format(clock_wall_ms() + ms_ahead, t, sizeof t);
    rpc_reply r = th_admin(s, "admin.queue.set", "{\"opens_at\":\"%s\",\"paused\":true}", t);
    TH_OK(r);
    ck_assert_str_eq(th_str(r.result, "opens_at"), t);
}

static int64_t place_of(th_server *s, th_user *u, bool *pre)
{
    rpc_reply r = th_call(s, "queue.status", "{\"token\":\"%s\"}", u->token);
    TH_OK(r);
    ck_assert_str_eq(th_str(r.result, "state"), "waiting");
    *pre = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r.result, "prequeue"));
    return th_int(r.result, "position");
}

/* Everyone's place after the draw: each of 1..N exactly once. */
static void drawn_places(th_server *s, th_user *u, int64_t *pos)
{
    bool seen[N + 1] = {false}, pre = true;
    for (int i = 0; i < N; i++) {
        pos[i] = place_of(s, &u[i], &pre);
        ck_assert(!pre);
        ck_assert_int_ge(pos[i], 1);
        ck_assert_int_le(pos[i], N);
        ck_assert_msg(!seen[pos[i]], "place %lld given twice", (long long)pos[i]);
        seen[pos[i]] = true;
    }
}

START_TEST(lottery_at_the_opening)
{
    th_server *s = th_start("--max-active", "1", NULL);
    th_sub *sub = th_sub_open(s, "queue ", NULL);
    set_opens_in(s, 4000);
    th_user u[N];
    for (int i = 0; i < N; i++) {
        th_user_new(s, &u[i], "early");
        rpc_reply r = th_call(s, "queue.join", "{\"user_id\":\"%s\"}", u[i].user_id);
        TH_OK(r);
        ck_assert_str_eq(th_str(r.result, "state"), "waiting");
        ck_assert(th_bool(r.result, "prequeue"));
        ck_assert_int_eq(th_int(r.result, "position"), i + 1);
        int64_t in = th_int(r.result, "opens_in_s");
        ck_assert(in >= 1 && in <= 5);
        snprintf(u[i].token, sizeof u[i].token, "%s", th_str(r.result, "token"));
        rpc_reply again = th_call(s, "queue.join", "{\"user_id\":\"%s\"}", u[i].user_id);
        TH_OK(again);
        ck_assert_str_eq(th_str(again.result, "token"), u[i].token);
    }
    th_event ev;
    bool counted = false;
    for (int k = 0; k < 5 && !counted; k++) {
        ck_assert(th_sub_wait(sub, "queue", 2000, &ev));
        counted = th_int_or(ev.body, "prequeue", -1) == N;
    }
    ck_assert_msg(counted, "no queue event carried the pre-queue");
    ck_assert_int_ge(th_int(ev.body, "opens_in_s"), 0);
    rpc_reply dash = th_admin(s, "admin.dashboard", "{}");
    TH_OK(dash);
    ck_assert_int_eq(th_int(th_obj(dash.result, "queue"), "prequeue"), N);

    bool pre = true;
    for (int k = 0; k < 80 && pre; k++) { /* the opening, then the draw */
        place_of(s, &u[0], &pre);
        if (pre)
            th_sleep_ms(100);
    }
    ck_assert_msg(!pre, "not drawn after the opening");
    int64_t pos[N], again[N];
    drawn_places(s, u, pos);
    dash = th_admin(s, "admin.dashboard", "{}");
    TH_OK(dash);
    const cJSON *q = th_obj(dash.result, "queue");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(q, "opens_at")));
    ck_assert_int_eq(th_int(th_obj(q, "last_draw"), "n"), N);

    th_kill9(s); /* the draw was durable: the same places come back */
    th_restart(s);
    drawn_places(s, u, again);
    ck_assert_int_eq(memcmp(pos, again, sizeof pos), 0);

    TH_OK(th_admin(s, "admin.queue.set", "{\"paused\":false}"));
    for (int place = 1; place <= N; place++) { /* one slot: strictly in drawn order */
        int who = 0;
        while (pos[who] != place)
            who++;
        th_wait_active(s, &u[who]);
        for (int i = 0; i < N; i++)
            if (pos[i] > place)
                ck_assert_int_eq(place_of(s, &u[i], &pre), pos[i] - place);
        TH_OK(th_call(s, "queue.leave", "{\"token\":\"%s\"}", u[who].token));
    }
    th_sub_close(sub);
}
END_TEST

START_TEST(opens_at_checked)
{
    th_server *s = th_start(NULL);
    TH_ERR_FIELD(th_admin(s, "admin.queue.set", "{\"opens_at\":\"2001-01-01T00:00:00Z\"}"),
                 "opens_at");
    TH_ERR_FIELD(th_admin(s, "admin.queue.set", "{\"opens_at\":\"tonight\"}"), "opens_at");
    TH_ERR_FIELD(th_admin(s, "admin.queue.set", "{\"opens_at\":20}"), "opens_at");
    rpc_reply r = th_admin(s, "admin.queue.set", "{\"opens_at\":null}");
    TH_OK(r);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r.result, "opens_at")));
    /* without a pre-queue, a join is placed at once, as before */
    th_user u;
    th_user_new(s, &u, "Kim");
    rpc_reply j = th_call(s, "queue.join", "{\"user_id\":\"%s\"}", u.user_id);
    TH_OK(j);
    ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(j.result, "prequeue"));
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_prequeue");
    TCase *tc = th_tcase("prequeue");
    tcase_add_test(tc, lottery_at_the_opening);
    tcase_add_test(tc, opens_at_checked);
    suite_add_tcase(su, tc);
    return th_main(su);
}
