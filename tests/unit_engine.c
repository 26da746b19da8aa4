/* tests/unit_engine.c -- the engine and the syncer without sockets: jobs go
 * in from this thread, replies come out through done(), on a real SQLite
 * file. Group commit answers every job and keeps every change; when there
 * is no memory to hand a batch to the syncer, the engine flushes it
 * itself before it answers, and the batch's events leave with the next. */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <time.h>

#include "common/util.h"
#include "server/engine/engine.h"
#include "server/engine/syncer.h"
#include "tests/unit_clock.h"
#include "tests/unit_domain_util.h"

typedef struct {
    engine_job j; /* first: done() gets &j */
    char msg[768];
    bool done;
} tjob;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ndone;
static char events[8][256];
static int nevents;

static void on_done(engine_job *j)
{
    pthread_mutex_lock(&mu);
    ((tjob *)j)->done = true;
    ndone++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static void on_event(void *arg, const char *msg, size_t len)
{
    pthread_mutex_lock(&mu);
    if (nevents < 8)
        snprintf(events[nevents++], sizeof events[0], "%.*s", (int)len, msg);
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

/* Waits (at most 10 s) until *count reaches n. */
static bool wait_count(const int *count, int n)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&mu);
    while (*count < n)
        if (pthread_cond_timedwait(&cv, &mu, &until) != 0)
            break;
    bool ok = *count >= n;
    pthread_mutex_unlock(&mu);
    return ok;
}

static void submit(engine *e, tjob *t, int id, const char *method, const char *params)
{
    memset(t, 0, sizeof *t);
    snprintf(t->msg, sizeof t->msg,
             "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":%s}", id, method, params);
    t->j.msg = t->msg;
    t->j.len = strlen(t->msg);
    snprintf(t->j.peer, sizeof t->j.peer, "test");
    t->j.done = on_done;
    engine_submit(e, &t->j);
}

typedef struct {
    char *path;
    tk_config cfg;
    tk_domain *d;
    api_server *a;
    engine *e;
} rig;

static void rig_start(rig *r)
{
    r->a = api_new(r->d, "k", NULL);
    ck_assert_ptr_nonnull(r->a);
    r->e = engine_new(r->d, r->a, on_event, NULL);
    ck_assert_ptr_nonnull(r->e);
    ck_assert_int_eq(engine_start(r->e), 0);
}

static void rig_stop(rig *r)
{
    engine_stop(r->e);
    engine_free(r->e);
    api_free(r->a);
    tk_close(r->d);
}

static int64_t count_rows(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t n = -1;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

START_TEST(group_commit_answers_all)
{
    enum { N = 300 };
    static tjob jobs[N];
    ndone = 0;
    rig r = {.path = ut_tmpdb()};
    r.cfg = ut_cfg(r.path);
    r.d = tk_open(&r.cfg, clock_wall_ms());
    ck_assert_ptr_nonnull(r.d);
    rig_start(&r);
    for (int i = 0; i < N; i++)
        submit(r.e, &jobs[i], i + 1, "user.register", "{\"name\":\"u\"}");
    ck_assert_msg(wait_count(&ndone, N), "only %d of %d answered", ndone, N);
    for (int i = 0; i < N; i++) {
        char id[16];
        snprintf(id, sizeof id, "\"id\":%d", i + 1);
        ck_assert_ptr_nonnull(jobs[i].j.reply);
        ck_assert_msg(strstr(jobs[i].j.reply, id) && strstr(jobs[i].j.reply, "\"user_id\""),
                      "reply %d: %s", i, jobs[i].j.reply);
        free(jobs[i].j.reply);
    }
    rig_stop(&r);
    ck_assert_int_eq(count_rows(r.path, "SELECT count(*) FROM users"), N);
    ut_rmdb(r.path);
}
END_TEST

/* Set before the engine starts; fail_alloc flips while it runs. */
static atomic_bool fail_alloc;
static void *failing_calloc(size_t n, size_t size)
{
    return atomic_load(&fail_alloc) ? NULL : calloc(n, size);
}

START_TEST(no_memory_for_the_syncer)
{
    static tjob hold, list;
    ndone = nevents = 0;
    rig r = {.path = ut_tmpdb()};
    r.cfg = ut_cfg(r.path);
    int64_t now = clock_wall_ms();
    r.d = tk_open(&r.cfg, now);
    ck_assert_ptr_nonnull(r.d);
    /* a date and an admitted member, straight into the domain */
    ck_assert_int_eq(tk_batch_begin(r.d), 0);
    int64_t date = ut_date(r.d, now);
    char tok[TOKEN_MAX_LEN], params[700];
    ut_active(r.d, "a", now, tok);
    ck_assert_int_eq(tk_batch_commit(r.d), 0);
    tk_events_take(r.d, (tk_event[16]){0}, 16); /* nobody listened yet */
    atomic_store(&fail_alloc, false);
    syncer_calloc = failing_calloc;
    rig_start(&r);

    atomic_store(&fail_alloc, true);
    snprintf(params, sizeof params, "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":7}", tok,
             (long long)date);
    submit(r.e, &hold, 1, "seat.hold", params);
    ck_assert(wait_count(&ndone, 1));
    ck_assert_msg(strstr(hold.j.reply, "\"hold_id\""), "%s", hold.j.reply);
    /* flushed and answered without the syncer; its event waits */
    pthread_mutex_lock(&mu);
    int seen = nevents;
    pthread_mutex_unlock(&mu);
    ck_assert_int_eq(seen, 0);
    atomic_store(&fail_alloc, false);
    snprintf(params, sizeof params, "{\"token\":\"%s\",\"date_id\":%lld}", tok, (long long)date);
    submit(r.e, &list, 2, "seats.list", params);
    ck_assert(wait_count(&ndone, 2));
    ck_assert(wait_count(&nevents, 1));
    ck_assert_msg(strstr(events[0], "\"seat_no\":7") && strstr(events[0], "\"held\""), "%s",
                  events[0]);
    free(hold.j.reply);
    free(list.j.reply);
    rig_stop(&r);
    syncer_calloc = calloc;
    ck_assert_int_eq(count_rows(r.path, "SELECT count(*) FROM holds WHERE seat_no=7 AND state=0"),
                     1);
    ut_rmdb(r.path);
}
END_TEST

/* One request through the engine, answered; its reply parsed (the caller
 * frees it). */
static cJSON *ask(rig *r, const char *method, const char *fmt, ...)
{
    static tjob t;
    char params[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(params, sizeof params, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&mu);
    int want = ndone + 1;
    pthread_mutex_unlock(&mu);
    submit(r->e, &t, 1, method, params);
    ck_assert(wait_count(&ndone, want));
    cJSON *reply = cJSON_Parse(t.j.reply);
    ck_assert_msg(reply != NULL, "%s", t.j.reply);
    free(t.j.reply);
    return reply;
}

/* The reply's result, which it must have. */
static cJSON *result_of(cJSON *reply)
{
    cJSON *res = cJSON_GetObjectItemCaseSensitive(reply, "result");
    ck_assert_msg(res != NULL, "%s", cJSON_PrintUnformatted(reply));
    return res;
}

static int64_t num_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    ck_assert_msg(cJSON_IsNumber(v), "no %s", name);
    return (int64_t)v->valuedouble;
}

/* seat.hold of seat 7 (the same hold each time: a retry): checks its
 * expires_in_s and that expires_at is the wall clock's now plus that. */
static void hold_left(rig *r, const char *tok, int64_t date, int64_t left_s)
{
    cJSON *reply = ask(r, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":7}", tok,
                       (long long)date);
    cJSON *res = result_of(reply);
    ck_assert_int_eq(num_of(res, "hold_id"), 1);
    ck_assert_int_eq(num_of(res, "expires_in_s"), left_s);
    char want[40];
    time_format(clock_wall_ms() + left_s * 1000, want, sizeof want);
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(res, "expires_at");
    ck_assert_str_eq(cJSON_GetStringValue(at), want);
    cJSON_Delete(reply);
}

static bool event_seen(const char *a, const char *b)
{
    pthread_mutex_lock(&mu);
    bool hit = false;
    for (int i = 0; i < nevents && !hit; i++)
        hit = strstr(events[i], a) && strstr(events[i], b);
    pthread_mutex_unlock(&mu);
    return hit;
}

/* An NTP step of an hour either way, while one second passes, moves no
 * deadline: the hold neither lapses at the step forward nor outlives its
 * five minutes after the step back, and the engine's own sweep releases
 * it on time. Replies count down on steady time; expires_at follows the
 * wall clock of the moment. */
START_TEST(wall_clock_steps_move_no_deadline)
{
    ndone = nevents = 0;
    uc_start(T0, 5000);
    rig r = {.path = ut_tmpdb()};
    r.cfg = ut_cfg(r.path);
    int64_t now = clock_steady_ms();
    r.cfg.wall_offset_ms = clock_wall_ms() - now;
    r.d = tk_open(&r.cfg, now);
    ck_assert_ptr_nonnull(r.d);
    ck_assert_int_eq(tk_batch_begin(r.d), 0);
    int64_t cid, date, prices[TK_SEATS] = {0};
    ck_assert_int_eq(tk_admin_concert_create(r.d, "c", "v", now, &cid, NULL), TK_OK);
    /* on sale since yesterday: the step back stays within sales hours */
    ck_assert_int_eq(tk_admin_date_create(r.d, cid, T0 + DAY, prices, T0 - DAY, now, &date, NULL),
                     TK_OK);
    char tok[TOKEN_MAX_LEN];
    ut_active(r.d, "a", now, tok);
    ck_assert_int_eq(tk_batch_commit(r.d), 0);
    tk_events_take(r.d, (tk_event[16]){0}, 16);
    rig_start(&r);

    hold_left(&r, tok, date, 300);
    uc_pass(1000);
    uc_step(3600000); /* forward an hour */
    hold_left(&r, tok, date, 299);
    uc_pass(1000);
    uc_step(-7200000); /* back two: an hour behind the start */
    hold_left(&r, tok, date, 298);
    uc_pass(297000);
    cJSON *reply = ask(&r, "seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", tok,
                       (long long)date);
    cJSON *seat7 = cJSON_GetArrayItem(cJSON_GetObjectItem(result_of(reply), "seats"), 6);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(seat7, "mine")));
    ck_assert_int_eq(num_of(seat7, "expires_in_s"), 1);
    cJSON_Delete(reply);
    ck_assert(!event_seen("\"seat_no\":7", "\"free\""));
    uc_pass(1000); /* 300 s of steady time since the hold: due */
    /* held + sales before; now the engine's own tick, no request: free + sales */
    ck_assert(wait_count(&nevents, 4));
    ck_assert_msg(event_seen("\"seat_no\":7", "\"free\""), "%s", events[nevents - 1]);
    rig_stop(&r);
    uc_stop();
    ut_rmdb(r.path);
}
END_TEST

int main(void)
{
    const TTest *t[] = {group_commit_answers_all, no_memory_for_the_syncer,
                        wall_clock_steps_move_no_deadline};
    Suite *s = suite_create("engine");
    ur_tcase(s, "engine", 30, t, UR_LEN(t));
    return ur_run(s);
}
