/* tools/bench/crash.c -- the crash test's load and its verifier.
 *
 * Load (--crash-load LOG): client threads play buyers against a server
 * that tools/crashtest.sh kills with SIGKILL and restarts, over and over.
 * Each write is retried with the SAME request (same request_id, same
 * seat) until the server answers, as a real client would; only an
 * answered write is logged, one line each, flushed at once:
 *   user UID
 *   charge UID REQUEST_ID AMOUNT ENTRY_ID BALANCE
 *   hold UID HOLD_ID DATE SEAT EXPIRES_MS
 *   pay UID PAYMENT_ID AMOUNT BALANCE N BOOKING:DATE:SEAT:CODE ...
 *   lost UID            (a write given up on: that wallet is not checked)
 * Because every write is retried until answered, the log knows every
 * change, so the verifier can demand exact balances, not just presence.
 *
 * Verify (--verify LOG), against the restarted server: every logged
 * charge is in its wallet's history, every balance equals charges minus
 * payments, every unpaid hold still holds its seat (until its deadline),
 * every payment's bookings are paid and their seats sold. */
#include "tools/bench/bench.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BCRASH_RETRY_MS 120000 /* a write survives this much downtime */

typedef struct {
    const char *rpc;
    char key[80];
    FILE *log;
    pthread_mutex_t mu;
    int64_t dates[512];
    int ndates;
} bcrash_ctx;

static volatile sig_atomic_t bcrash_stop;

static void bcrash_on_signal(int sig) { bcrash_stop = 1; }

static void bcrash_log(bcrash_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bcrash_log(bcrash_ctx *x, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&x->mu);
    va_start(ap, fmt);
    vfprintf(x->log, fmt, ap);
    va_end(ap);
    fputc('\n', x->log);
    fflush(x->log);
    pthread_mutex_unlock(&x->mu);
}

static void bcrash_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static uint64_t bcrash_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static _Atomic int64_t bcrash_retried; /* answered only after a resend */

/* A call resent through outages until the server answers (success or a
 * domain error). -1 when it never did. */
static int bcrash_call(bcall *c, const char *method, const char *params, rpc_reply *rep)
{
    if (bcall_do(c, method, params, rep) == TK_OK)
        return 0;
    if (bcall_retry(c, method, params, rep, BCRASH_RETRY_MS) != TK_OK)
        return -1;
    atomic_fetch_add(&bcrash_retried, 1);
    return 0;
}

static int bcrash_setup(bcrash_ctx *x, int ndates)
{
    bcall c;
    rpc_reply rep;
    char p[2048];
    int64_t concert = 0;
    if (bcall_open(&c, x->rpc, 2000) != 0)
        return -1;
    snprintf(p, sizeof(p), "{\"admin_key\":\"%s\",\"paused\":false,\"max_active\":100000,"
             "\"admit_per_min\":1000000}", x->key);
    if (bcrash_call(&c, "admin.queue.set", p, &rep) == 0)
        rpc_reply_free(&rep);
    snprintf(p, sizeof(p), "{\"admin_key\":\"%s\",\"title\":\"Crash\",\"venue\":\"Lab\"}", x->key);
    if (bcrash_call(&c, "admin.concert.create", p, &rep) == 0) {
        jv_get_int(rep.result, "concert_id", 1, JV_INT_MAX, &concert);
        rpc_reply_free(&rep);
    }
    char starts[40];
    time_format(clock_wall_ms() + 30LL * 86400 * 1000, starts, sizeof(starts));
    int off = snprintf(p, sizeof(p), "{\"admin_key\":\"%s\",\"concert_id\":%lld,\"starts_at\":\"%s\","
                       "\"prices\":[", x->key, (long long)concert, starts);
    for (int i = 1; i <= 50; i++)
        off += snprintf(p + off, sizeof(p) - (size_t)off, "%s%d", i > 1 ? "," : "", 1000 * (1 + i % 3));
    snprintf(p + off, sizeof(p) - (size_t)off, "]}");
    for (int i = 0; concert > 0 && i < ndates && x->ndates < 512; i++) {
        int64_t id = 0;
        if (bcrash_call(&c, "admin.date.create", p, &rep) != 0)
            break;
        if (jv_get_int(rep.result, "date_id", 1, JV_INT_MAX, &id) == JV_OK)
            x->dates[x->ndates++] = id;
        rpc_reply_free(&rep);
    }
    bcall_close(&c);
    return x->ndates > 0 ? 0 : -1;
}

typedef struct {
    bcrash_ctx *x;
    int idx;
    uint64_t rng;
    bcall c;
    char uid[UUID_STR_LEN], token[TOKEN_MAX_LEN];
    int64_t n;
} bcrash_thread;

static int bcrash_register(bcrash_thread *t)
{
    char p[96];
    rpc_reply rep;
    snprintf(p, sizeof(p), "{\"name\":\"crash %d-%lld\"}", t->idx, (long long)t->n);
    if (bcrash_call(&t->c, "user.register", p, &rep) != 0)
        return -1;
    const char *id = NULL;
    int rc = rep.err == TK_OK && jv_get_str(rep.result, "user_id", 36, &id) == JV_OK ? 0 : -1;
    if (rc == 0) {
        snprintf(t->uid, sizeof(t->uid), "%s", id);
        bcrash_log(t->x, "user %s", t->uid);
    }
    rpc_reply_free(&rep);
    return rc;
}

static int bcrash_charge(bcrash_thread *t)
{
    char p[200];
    rpc_reply rep;
    snprintf(p, sizeof(p), "{\"user_id\":\"%s\",\"amount\":50000,\"request_id\":\"c%d-%lld\"}",
             t->uid, t->idx, (long long)t->n);
    if (bcrash_call(&t->c, "wallet.charge", p, &rep) != 0) {
        bcrash_log(t->x, "lost %s", t->uid);
        return -1;
    }
    int64_t entry = 0, bal = 0;
    if (rep.err == TK_OK && jv_get_int(rep.result, "entry_id", 1, JV_INT_MAX, &entry) == JV_OK &&
        jv_get_int(rep.result, "balance", 0, JV_INT_MAX, &bal) == JV_OK)
        bcrash_log(t->x, "charge %s c%d-%lld 50000 %lld %lld", t->uid, t->idx, (long long)t->n,
                   (long long)entry, (long long)bal);
    rpc_reply_free(&rep);
    return entry > 0 ? 0 : -1;
}

/* Join and wait for admission; false when the server never let us in. */
static bool bcrash_admit(bcrash_thread *t)
{
    char p[200];
    rpc_reply rep;
    const char *tok = NULL, *state = NULL;
    bool active = false;
    t->token[0] = '\0';
    snprintf(p, sizeof(p), "{\"user_id\":\"%s\"}", t->uid);
    if (bcrash_call(&t->c, "queue.join", p, &rep) != 0)
        return false;
    if (rep.err == TK_OK && jv_get_str(rep.result, "token", TOKEN_MAX_LEN - 1, &tok) == JV_OK)
        snprintf(t->token, sizeof(t->token), "%s", tok);
    rpc_reply_free(&rep);
    snprintf(p, sizeof(p), "{\"token\":\"%s\"}", t->token);
    for (int i = 0; t->token[0] && !active && i < 1200; i++) {
        if (i > 0)
            bcrash_sleep_ms(50);
        if (bcrash_call(&t->c, "queue.status", p, &rep) != 0)
            return false;
        active = rep.err == TK_OK && jv_get_str(rep.result, "state", 16, &state) == JV_OK &&
                 strcmp(state, "active") == 0;
        rpc_reply_free(&rep);
    }
    return active;
}

/* Holds one seat: a random one, another on SEAT_TAKEN, the same one again
 * when the server did not answer (a hold of one's own seat returns that
 * hold, so a retry never makes a second one). Returns the hold id or 0. */
static int64_t bcrash_hold(bcrash_thread *t)
{
    char p[300];
    rpc_reply rep;
    for (int tries = 0; tries < 100; tries++) {
        uint64_t x = bcrash_rand(&t->rng);
        int64_t date = t->x->dates[(x >> 8) % (uint64_t)t->x->ndates];
        int seat = (int)(x % 50) + 1;
        snprintf(p, sizeof(p), "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%d}", t->token,
                 (long long)date, seat);
        if (bcrash_call(&t->c, "seat.hold", p, &rep) != 0)
            return 0;
        int64_t hold = 0, exp_s = 0;
        const char *exp = NULL;
        int64_t exp_ms = 0;
        if (rep.err == TK_OK && jv_get_int(rep.result, "hold_id", 1, JV_INT_MAX, &hold) == JV_OK &&
            jv_get_str(rep.result, "expires_at", 40, &exp) == JV_OK && time_parse(exp, &exp_ms)) {
            jv_get_int(rep.result, "expires_in_s", 0, JV_INT_MAX, &exp_s);
            bcrash_log(t->x, "hold %s %lld %lld %d %lld", t->uid, (long long)hold,
                       (long long)date, seat, (long long)exp_ms);
        }
        tk_err e = rep.err;
        rpc_reply_free(&rep);
        if (hold > 0)
            return hold;
        if (e != TK_SEAT_TAKEN)
            return 0;
    }
    return 0;
}

static void bcrash_pay(bcrash_thread *t, const int64_t *holds, int n)
{
    char p[400], line[600];
    rpc_reply rep;
    int off = snprintf(p, sizeof(p), "{\"token\":\"%s\",\"request_id\":\"p%d-%lld\",\"hold_ids\":[",
                       t->token, t->idx, (long long)t->n);
    for (int i = 0; i < n; i++)
        off += snprintf(p + off, sizeof(p) - (size_t)off, "%s%lld", i ? "," : "", (long long)holds[i]);
    snprintf(p + off, sizeof(p) - (size_t)off, "]}");
    if (bcrash_call(&t->c, "payment.pay", p, &rep) != 0) {
        bcrash_log(t->x, "lost %s", t->uid);
        return;
    }
    int64_t pid = 0, amount = 0, bal = 0;
    const cJSON *bk = cJSON_GetObjectItemCaseSensitive(rep.result, "bookings");
    if (rep.err == TK_OK && jv_get_int(rep.result, "payment_id", 1, JV_INT_MAX, &pid) == JV_OK &&
        jv_get_int(rep.result, "amount", 0, JV_INT_MAX, &amount) == JV_OK &&
        jv_get_int(rep.result, "balance", 0, JV_INT_MAX, &bal) == JV_OK) {
        int lo = snprintf(line, sizeof(line), "pay %s %lld %lld %lld %d", t->uid, (long long)pid,
                          (long long)amount, (long long)bal, cJSON_GetArraySize(bk));
        const cJSON *b;
        cJSON_ArrayForEach(b, bk) {
            int64_t id = 0, date = 0, seat = 0;
            const char *code = "?";
            jv_get_int(b, "booking_id", 1, JV_INT_MAX, &id);
            jv_get_int(b, "date_id", 1, JV_INT_MAX, &date);
            jv_get_int(b, "seat_no", 1, 50, &seat);
            jv_get_str(b, "code", 32, &code);
            lo += snprintf(line + lo, sizeof(line) - (size_t)lo, " %lld:%lld:%lld:%s",
                           (long long)id, (long long)date, (long long)seat, code);
        }
        bcrash_log(t->x, "%s", line);
    } else {
        bcrash_log(t->x, "payfail %s %s", t->uid, tk_err_reason(rep.err));
    }
    rpc_reply_free(&rep);
}

/* One buyer after another: register, charge, join, hold 1-2 seats, and
 * pay for them three times in four (the rest keep their holds). */
static void *bcrash_thread_main(void *arg)
{
    bcrash_thread *t = arg;
    if (bcall_open(&t->c, t->x->rpc, 2000) != 0)
        return NULL;
    while (!bcrash_stop) {
        t->n++;
        if (bcrash_register(t) != 0 || bcrash_charge(t) != 0 || !bcrash_admit(t))
            continue;
        int64_t holds[2];
        int n = 0, want = 1 + (int)(bcrash_rand(&t->rng) % 2);
        while (n < want) {
            int64_t h = bcrash_hold(t);
            if (h <= 0)
                break;
            holds[n++] = h;
        }
        if (n > 0 && bcrash_rand(&t->rng) % 4 != 0)
            bcrash_pay(t, holds, n);
    }
    bcall_close(&t->c);
    return NULL;
}

int bcrash_load(const char *rpc, const char *key_file, const char *log_path, int threads,
                int dates)
{
    static bcrash_ctx x;
    x.rpc = rpc;
    pthread_mutex_init(&x.mu, NULL);
    if (bsrv_read_key(key_file, x.key, sizeof(x.key)) != 0 || !(x.log = fopen(log_path, "a"))) {
        fprintf(stderr, "bench: cannot read %s or open %s\n", key_file, log_path);
        return 2;
    }
    struct sigaction sa = {.sa_handler = bcrash_on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    if (bcrash_setup(&x, dates) != 0) {
        fprintf(stderr, "bench: crash load: could not create dates\n");
        return 1;
    }
    for (int i = 0; i < x.ndates; i++)
        bcrash_log(&x, "date %lld", (long long)x.dates[i]);
    bcrash_thread *ts = calloc((size_t)threads, sizeof(*ts));
    pthread_t *th = calloc((size_t)threads, sizeof(*th));
    int started = 0;
    for (int i = 0; ts && th && i < threads; i++) {
        ts[i].x = &x;
        ts[i].idx = i;
        ts[i].rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)clock_wall_ms() * (uint64_t)(i + 1));
        if (pthread_create(&th[i], NULL, bcrash_thread_main, &ts[i]) == 0)
            started++;
    }
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(ts);
    free(th);
    fclose(x.log);
    fprintf(stderr, "bench: crash load stopped (%d threads); %lld requests answered only after "
            "a resend across an outage\n", started, (long long)atomic_load(&bcrash_retried));
    return 0;
}
