/* tools/bench/rush.c -- the pre-queue rush: rush_users members are
 * registered beforehand, admin.queue.set puts opens_at just after the time
 * their joins will take, they all join (each must be told prequeue: true),
 * the server draws at opens_at, and then:
 * - the draw: n and ms from admin.dashboard's queue.last_draw (the server
 *   also logs event=prequeue_drawn n=... ms=...);
 * - distinct places: every member's queue.status position, all different,
 *   right behind whoever was waiting before;
 * - admission follows the draw: with max_active raised by K, the K
 *   admitted are exactly the K best drawn places;
 * - ticketd's RSS.
 * Targets are reported, never asserted; a broken place or order is. */
#include "tools/bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    bench_stats *st;
    char (*ids)[UUID_STR_LEN];
    char (*tokens)[TOKEN_MAX_LEN];
    int64_t *pos; /* drawn position; 0 = admitted */
    _Atomic int64_t next, pre, late;
    int64_t limit;
} brush;

static bool rjoin_next(bench_phase *ph, bench_slot *s)
{
    brush *b = ph->arg;
    if ((s->user = atomic_fetch_add(&b->next, 1)) >= b->limit)
        return false;
    bflow_req(s, b->st, "queue.join", "\"user_id\":\"%s\"", b->ids[s->user]);
    return true;
}

static void rjoin_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    brush *b = ph->arg;
    if (!body || !brep_str(body, "token", b->tokens[s->user], TOKEN_MAX_LEN)) {
        bflow_error(b->st);
        return;
    }
    /* after the opening a join is placed at once: it came too late */
    atomic_fetch_add(strstr(body, "\"prequeue\":true") ? &b->pre : &b->late, 1);
}

static bool rstatus_next(bench_phase *ph, bench_slot *s)
{
    brush *b = ph->arg;
    if ((s->user = atomic_fetch_add(&b->next, 1)) >= b->limit)
        return false;
    bflow_req(s, b->st, "queue.status", "\"token\":\"%s\"", b->tokens[s->user]);
    return true;
}

static void rstatus_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    brush *b = ph->arg;
    char state[16] = "";
    int64_t pos = -1;
    if (!body || !brep_str(body, "state", state, sizeof state) ||
        !brep_int(body, "position", &pos) || strstr(body, "\"prequeue\":true"))
        bflow_error(b->st);
    b->pos[s->user] = strcmp(state, "active") == 0 ? 0 : pos;
}

/* queue.<key> of admin.dashboard, or the last_draw's member; -1 if absent. */
static int64_t dash_queue(bench_run *r, const char *key, const char *draw_key)
{
    rpc_reply rep;
    int64_t v = -1;
    if (bflow_admin(r, "admin.dashboard", "", &rep) != 0)
        return -1;
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(rep.result, "queue");
    if (draw_key)
        q = cJSON_GetObjectItemCaseSensitive(q, "last_draw");
    jv_get_int(q, draw_key ? draw_key : key, 0, JV_INT_MAX, &v);
    rpc_reply_free(&rep);
    return v;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void queue_set(bench_run *r, const char *extra)
{
    rpc_reply rep;
    if (bflow_admin(r, "admin.queue.set", extra, &rep) == 0)
        rpc_reply_free(&rep);
}

/* Waits for the draw (a last_draw newer than before_at); its n, or -1. */
static int64_t wait_draw(bench_run *r, int64_t opens_ms, int64_t before_n)
{
    while (clock_wall_ms() < opens_ms + 10000) {
        int64_t n = dash_queue(r, NULL, "n");
        if (n >= 0 && dash_queue(r, "prequeue", NULL) < 0 && n != before_n)
            return n;
        sleep_ms(50);
    }
    return -1;
}

/* Places: each of before+1..before+n once. Then K admitted: the K best. */
static void check_places(bench_run *r, brush *b, int64_t before)
{
    char *seen = calloc((size_t)b->limit + 1, 1);
    int64_t bad = 0;
    for (int64_t i = 0; i < b->limit && seen; i++) {
        int64_t p = b->pos[i] - before;
        if (p < 1 || p > b->limit || seen[p])
            bad++;
        else
            seen[p] = 1;
    }
    free(seen);
    if (bad)
        bflow_violation(r, "rush: %lld members without a distinct drawn place", (long long)bad);
}

/* Some were admitted after the draw: they must be the best drawn places,
 * i.e. every admitted member's place beats every waiting member's. */
static void check_order(bench_run *r, const brush *b, const int64_t *drawn)
{
    int64_t admitted = 0, worst_in = 0, best_out = INT64_MAX;
    for (int64_t i = 0; i < b->limit; i++) {
        if (b->pos[i] == 0) {
            admitted++;
            worst_in = drawn[i] > worst_in ? drawn[i] : worst_in;
        } else if (drawn[i] < best_out) {
            best_out = drawn[i];
        }
    }
    if (admitted == 0)
        bflow_note(r, "rush: nobody was admitted after the draw; order not checked");
    else if (worst_in > best_out)
        bflow_violation(r, "rush: drawn place %lld admitted before place %lld",
                        (long long)worst_in, (long long)best_out);
    else
        bflow_note(r, "rush: admission follows the draw (%lld admitted: places up to %lld)",
                   (long long)admitted, (long long)worst_in);
}

int bflow_rush(bench_run *r)
{
    r->rush_n = r->rush_draw_ms = r->rush_rss_kb = -1;
    int64_t n = r->rush_users;
    brush b = {.limit = n};
    b.ids = bqueue_register(r, n);
    b.tokens = calloc((size_t)n, TOKEN_MAX_LEN);
    b.pos = calloc((size_t)n, sizeof *b.pos);
    if (!b.ids || !b.tokens || !b.pos) {
        free(b.ids), free(b.tokens), free(b.pos);
        return -1;
    }
    queue_set(r, "\"paused\":true"); /* keep the drawn line still to read it */
    int64_t before = dash_queue(r, "waiting", NULL), draw0 = dash_queue(r, NULL, "n");
    /* The joins take about n / 20,000 s on this box: the opening follows
     * them by a second, so they all land in the last seconds before it. */
    int64_t opens = (clock_wall_ms() + 2000 + n / 20) / 1000 * 1000 + 1000;
    char at[40], extra[80];
    time_format(opens, at, sizeof at);
    snprintf(extra, sizeof extra, "\"opens_at\":\"%s\"", at);
    queue_set(r, extra);
    int64_t start = opens - n / 20 - 500; /* the burst ends just before the opening */
    if (start > clock_wall_ms())
        sleep_ms(start - clock_wall_ms());
    int64_t t_join = clock_wall_ms();
    char name[64];
    snprintf(name, sizeof name, "queue.join (rush of %lld)", (long long)n);
    b.st = bflow_row(r, name);
    bench_phase jp = {rjoin_next, rjoin_done, &b, 0};
    bflow_drive(r, &jp, 0, &b.st, 1);
    int64_t spare = opens - t_join - (b.st->t1_us - b.st->t0_us) / 1000;

    r->rush_n = wait_draw(r, opens, draw0);
    r->rush_draw_ms = dash_queue(r, NULL, "ms");
    r->rush_rss_kb = r->server_pid > 0 ? bsrv_rss_kb(r->server_pid) : -1;
    snprintf(name, sizeof name, "queue.status (drawn %lld)", (long long)n);
    b.st = bflow_row(r, name);
    atomic_store(&b.next, 0);
    bench_phase sp = {rstatus_next, rstatus_done, &b, 0};
    bflow_drive(r, &sp, 0, &b.st, 1);
    check_places(r, &b, before > 0 ? before : 0);
    int64_t *drawn = malloc((size_t)n * sizeof *drawn);
    if (drawn)
        memcpy(drawn, b.pos, (size_t)n * sizeof *drawn);

    int64_t active = dash_queue(r, "active", NULL), k = n < 1000 ? n / 2 : 500;
    snprintf(extra, sizeof extra, "\"max_active\":%lld,\"paused\":false",
             (long long)(active + (before > 0 ? before : 0) + k));
    queue_set(r, extra);
    sleep_ms(300);
    queue_set(r, "\"paused\":true");
    atomic_store(&b.next, 0);
    bflow_drive(r, &sp, 0, &b.st, 1);
    if (drawn)
        check_order(r, &b, drawn);
    free(drawn);
    bflow_note(r,
               "rush: %lld joins in the %lld ms before opens_at (%lld told prequeue, %lld too "
               "late, %lld ms to spare); draw n=%lld in %lld ms; ticketd RSS %lld MB",
               (long long)n, (long long)(opens - t_join), (long long)atomic_load(&b.pre),
               (long long)atomic_load(&b.late), (long long)spare, (long long)r->rush_n, (long long)r->rush_draw_ms,
               (long long)(r->rush_rss_kb / 1024));
    free(b.ids), free(b.tokens), free(b.pos);
    return 0;
}
