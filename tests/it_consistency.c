/* tests/it_consistency.c -- what a client may rely on now that pure reads
 * are answered on transport threads (api_handle_shared) and durability
 * is pipelined (the syncer answers after the flush), over real sockets
 * against the real ticketd:
 *  - read-your-writes across connections: once client A has the reply to
 *    its seat.hold / hold.release / wallet.charge, client B (another REQ
 *    socket) reads the new state, never the old one;
 *  - monotonic reads: under hold/release churn, the seq of one reader's
 *    seats.list replies never goes back, and each snapshot is whole: no
 *    more seats held than there are writers, and the held count agrees
 *    with seq's parity.
 *
 * Worker threads own their sockets and never ck_assert; the main thread
 * judges what they recorded. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>

#include "common/util.h"
#include "tests/lib/harness.h"

#define RYW_ROUNDS 200
#define RYW_DATES 4
#define NWRITERS 3
#define NREADERS 2
#define CHURN_MS 2000
#define SEATS_PER_WRITER 10
#define NCHARGES 100

/* Seat seat_no of date_id as client c (with token) sees it: its state
 * ("?" when the reply is not a seat map); *seq gets the map's seq. */
static const char *seat_state(th_client *c, const char *token, int64_t date_id, int seat_no,
                              rpc_reply *rep)
{
    *rep = th_ccall(c, "seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", token,
                    (long long)date_id);
    if (rep->err != TK_OK)
        return "?";
    const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(rep->result, "seats"), seat_no - 1);
    const cJSON *st = cJSON_GetObjectItem(s, "state");
    if (th_int_or(s, "no", -1) != seat_no || !cJSON_IsString(st))
        return "?";
    return st->valuestring;
}

static rpc_reply hold(th_client *c, th_user *u, int64_t date_id, int seat_no)
{
    return th_ccall(c, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%d}", u->token,
                    (long long)date_id, seat_no);
}

static rpc_reply release(th_client *c, th_user *u, int64_t hold_id)
{
    return th_ccall(c, "hold.release", "{\"token\":\"%s\",\"hold_id\":%lld}", u->token,
                    (long long)hold_id);
}

/* B must see `want` for the seat right after A's reply. */
static void expect_seen(th_client *b, th_user *ub, int64_t d, int seat, const char *want,
                        int round, const char *after)
{
    rpc_reply r;
    const char *got = seat_state(b, ub->token, d, seat, &r);
    ck_assert_msg(!strcmp(got, want),
                  "round %d: after A's %s reply, B saw date %lld seat %d as %s (want %s): %s",
                  round, after, (long long)d, seat, got, want, th_reply_str(&r));
}

START_TEST(read_your_writes_across_connections)
{
    th_server *s = th_start(NULL);
    int64_t dates[RYW_DATES];
    for (int i = 0; i < RYW_DATES; i++)
        dates[i] = th_date_new(s, 3 + i, 1000);
    th_user ua, ub;
    th_user_active(s, &ua, "Writer", 0);
    th_user_active(s, &ub, "Reader", 0);
    th_client *a = th_client_open(s), *b = th_client_open(s);
    int64_t t0 = clock_mono_ms();
    for (int round = 0; round < RYW_ROUNDS; round++) {
        int64_t d = dates[round % RYW_DATES];
        int seat = 1 + (round / RYW_DATES) % 50;
        rpc_reply h = hold(a, &ua, d, seat);
        TH_OK(h);
        expect_seen(b, &ub, d, seat, "held", round, "seat.hold");
        TH_OK(release(a, &ua, th_int(h.result, "hold_id")));
        expect_seen(b, &ub, d, seat, "free", round, "hold.release");
    }
    fprintf(stderr, "it_consistency: %d hold/read/release/read rounds in %lld ms\n", RYW_ROUNDS,
            (long long)(clock_mono_ms() - t0));
    th_client_close(a);
    th_client_close(b);
}
END_TEST

START_TEST(charge_visible_across_connections)
{
    th_server *s = th_start(NULL);
    th_user u;
    th_user_new(s, &u, "Payer");
    th_client *a = th_client_open(s), *b = th_client_open(s);
    for (int i = 1; i <= NCHARGES; i++) {
        rpc_reply c = th_ccall(a, "wallet.charge",
                               "{\"user_id\":\"%s\",\"amount\":%d,\"request_id\":\"ryw-%d\"}",
                               u.user_id, 1000 + i, i);
        TH_OK(c);
        int64_t bal = th_int(c.result, "balance");
        rpc_reply r = th_ccall(b, "wallet.balance", "{\"user_id\":\"%s\"}", u.user_id);
        TH_OK(r);
        ck_assert_msg(th_int(r.result, "balance") == bal,
                      "charge %d acknowledged with balance %lld, B then read %s", i,
                      (long long)bal, th_reply_str(&r));
        r = th_ccall(b, "wallet.history", "{\"user_id\":\"%s\",\"limit\":1}", u.user_id);
        TH_OK(r);
        const cJSON *top = cJSON_GetArrayItem(th_arr(r.result, "entries"), 0);
        ck_assert_msg(top && th_int(top, "entry_id") == th_int(c.result, "entry_id"),
                      "charge %d: B's newest history entry is not it: %s", i, th_reply_str(&r));
    }
    u.charged = (int64_t)NCHARGES * 1000 + (int64_t)NCHARGES * (NCHARGES + 1) / 2;
    ck_assert_int_eq(th_balance(s, u.user_id), u.charged);
    th_client_close(a);
    th_client_close(b);
}
END_TEST

/* ---- monotonic reads under churn ----------------------------------------- */

typedef struct {
    th_server *s;
    th_user *u;
    int64_t date_id, seq0; /* the date's seq before the churn */
    int id;
    atomic_bool *stop;
    long ops, errors, violations;
    int64_t max_held_seen;
    char first_problem[512];
} worker;

static void worker_note(worker *w, long *counter, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void worker_note(worker *w, long *counter, const char *fmt, ...)
{
    if ((*counter)++ == 0 && !w->first_problem[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->first_problem, sizeof w->first_problem, fmt, ap);
        va_end(ap);
    }
}

/* Counts r as one op of w, or records why not: 1 done, 0 failed (go on),
 * -1 the server is gone (stop, rather than wait out every deadline). */
static int worker_count(worker *w, const rpc_reply *r, const char *what)
{
    if (r->err == TK_OK) {
        w->ops++;
        return 1;
    }
    worker_note(w, &w->errors, "worker %d %s: %s", w->id, what, th_reply_str(r));
    return r->err == TK_ERR_COUNT ? -1 : 0;
}

/* Hold a seat of its own range, release it, next seat; until stopped. */
static void *churn_writer(void *arg)
{
    worker *w = arg;
    th_client *c = th_client_open(w->s);
    for (int n = 0; !atomic_load(w->stop); n++) {
        int seat = 1 + w->id * SEATS_PER_WRITER + n % SEATS_PER_WRITER;
        rpc_reply h = hold(c, w->u, w->date_id, seat);
        int k = worker_count(w, &h, "seat.hold");
        if (k > 0) {
            rpc_reply r = release(c, w->u, th_int_or(h.result, "hold_id", -1));
            k = worker_count(w, &r, "hold.release");
        }
        if (k < 0)
            break;
    }
    th_client_close(c);
    return NULL;
}

/* One snapshot: checks its seq against the last and counts held seats. */
static void reader_judge(worker *w, const rpc_reply *r, int64_t *last_seq)
{
    int64_t seq = th_int_or(r->result, "seq", -1);
    const cJSON *seats = cJSON_GetObjectItem(r->result, "seats"), *st;
    if (seq < 0 || cJSON_GetArraySize(seats) != 50) {
        worker_note(w, &w->errors, "reader %d: no seat map: %s", w->id, th_reply_str(r));
        return;
    }
    if (seq < *last_seq)
        worker_note(w, &w->violations, "reader %d: seq went back from %lld to %lld", w->id,
                    (long long)*last_seq, (long long)seq);
    *last_seq = seq;
    int64_t held = 0;
    cJSON_ArrayForEach(st, seats) {
        const cJSON *state = cJSON_GetObjectItem(st, "state");
        held += cJSON_IsString(state) && strcmp(state->valuestring, "free") != 0;
    }
    if (held > w->max_held_seen)
        w->max_held_seen = held;
    /* Each writer's seat is held iff it made an odd number of changes,
     * and each change is +1 on seq: so a whole snapshot (seq and seats
     * from one instant) has held = seq - seq0 (mod 2). */
    if ((held - (seq - w->seq0)) % 2 != 0)
        worker_note(w, &w->violations, "reader %d: %lld seats held at seq %lld (start %lld): "
                    "a torn snapshot", w->id, (long long)held, (long long)seq,
                    (long long)w->seq0);
}

static void *churn_reader(void *arg)
{
    worker *w = arg;
    th_client *c = th_client_open(w->s);
    int64_t last_seq = -1;
    while (!atomic_load(w->stop)) {
        rpc_reply r = th_ccall(c, "seats.list", "{\"token\":\"%s\",\"date_id\":%lld}",
                               w->u->token, (long long)w->date_id);
        int k = worker_count(w, &r, "seats.list");
        if (k < 0)
            break;
        if (k > 0)
            reader_judge(w, &r, &last_seq);
    }
    th_client_close(c);
    return NULL;
}

/* The main thread asserts what a worker recorded. */
static void worker_check(const worker *w, const char *role)
{
    ck_assert_msg(w->errors == 0, "%s %d: %ld errors, first: %s", role, w->id, w->errors,
                  w->first_problem);
    ck_assert_msg(w->violations == 0, "%s %d: %ld consistency violations, first: %s", role,
                  w->id, w->violations, w->first_problem);
}

START_TEST(monotonic_reads_under_churn)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 4, 1000);
    static th_user users[NWRITERS + NREADERS];
    worker ws[NWRITERS + NREADERS];
    pthread_t t[NWRITERS + NREADERS];
    atomic_bool stop = false;
    for (int i = 0; i < NWRITERS + NREADERS; i++) {
        th_user_active(s, &users[i], i < NWRITERS ? "Churner" : "Watcher", 0);
        ws[i] = (worker){.s = s, .u = &users[i], .date_id = d, .stop = &stop,
                         .id = i < NWRITERS ? i : i - NWRITERS};
    }
    rpc_reply r = th_call(s, "seats.list", "{\"token\":\"%s\",\"date_id\":%lld}",
                          users[NWRITERS].token, (long long)d);
    TH_OK(r);
    int64_t seq0 = th_int(r.result, "seq");
    for (int i = 0; i < NWRITERS + NREADERS; i++)
        ws[i].seq0 = seq0;
    for (int i = 0; i < NWRITERS + NREADERS; i++)
        pthread_create(&t[i], NULL, i < NWRITERS ? churn_writer : churn_reader, &ws[i]);
    th_sleep_ms(CHURN_MS);
    atomic_store(&stop, true);
    for (int i = 0; i < NWRITERS + NREADERS; i++)
        pthread_join(t[i], NULL);
    long writes = 0;
    for (int i = 0; i < NWRITERS + NREADERS; i++) {
        const char *role = i < NWRITERS ? "writer" : "reader";
        worker_check(&ws[i], role);
        if (i < NWRITERS) {
            writes += ws[i].ops;
        } else {
            fprintf(stderr, "it_consistency: reader %d: %ld reads, at most %lld seats held\n",
                    ws[i].id, ws[i].ops, (long long)ws[i].max_held_seen);
            ck_assert_msg(ws[i].ops > 100, "reader %d read only %ld times", ws[i].id, ws[i].ops);
            /* Each writer holds at most one seat at any instant. */
            ck_assert_int_le(ws[i].max_held_seen, NWRITERS);
        }
    }
    fprintf(stderr, "it_consistency: %ld writes in %d ms\n", writes, CHURN_MS);
    ck_assert_msg(writes > 2 * NWRITERS, "writers made only %ld writes", writes);
    /* Everything was given back: the final map is all free, and its seq
     * counts every acknowledged write (each hold and release is +1). */
    r = th_call(s, "seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", users[NWRITERS].token,
                (long long)d);
    TH_OK(r);
    const cJSON *st;
    cJSON_ArrayForEach(st, th_arr(r.result, "seats"))
        ck_assert_str_eq(th_str(st, "state"), "free");
    ck_assert_int_eq(th_int(r.result, "seq"), seq0 + writes);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_consistency");
    TCase *tc = th_tcase("consistency");
    tcase_add_test(tc, read_your_writes_across_connections);
    tcase_add_test(tc, charge_visible_across_connections);
    tcase_add_test(tc, monotonic_reads_under_churn);
    suite_add_tcase(su, tc);
    return th_main(su);
}
