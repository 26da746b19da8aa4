/* tools/bench/bench.h -- ticket-bench: load generator, echo ceiling,
 * fan-out probe, crash-test load and verifier.
 *
 * Shape: a pool of slots (one REQ context each, spread over a few REQ
 * sockets) runs a "phase": every slot asks the phase for its next request,
 * sends it through nng aio, and hands the reply back to the phase. All of
 * that runs in nng callbacks, which never block; the main thread only
 * starts a phase and waits for the pool to drain. Latencies go into
 * lock-free log-linear histograms (stats.c). */
#ifndef TK_BENCH_H
#define TK_BENCH_H

#include <nng/nng.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/json.h"
#include "common/rpc.h"
#include "common/token.h"
#include "common/util.h"

/* ---- stats.c: latency histogram + counters for one named row ---------- */

#define BH_BUCKETS 1120 /* 64 exact µs + 33 octaves x 32 sub-buckets */

typedef struct {
    char name[48];
    _Atomic uint64_t hist[BH_BUCKETS];
    _Atomic uint64_t ops, errors, req_bytes, rep_bytes;
    int64_t t0_us, t1_us; /* wall span of the phase that fed it */
    /* The server's CPU time and context switches (all threads) over the
     * phase that fed this row, and that phase's requests in all rows: the
     * cost per request, which is steadier than ops/s on a shared box. */
    int64_t srv_cpu_us, srv_csw, phase_ops;
    /* This process's CPU time over the same phase: the load generator's
     * share of the machine (for an echo row: the echo client and server
     * together, the whole cost of a plain round trip). */
    int64_t gen_cpu_us;
} bench_stats;

void bstats_init(bench_stats *st, const char *name);
void bstats_add(bench_stats *st, int64_t lat_us, size_t req_len, size_t rep_len, bool error);
/* Quantile q in [0,1] in microseconds (0 when empty). */
double bstats_quantile(const bench_stats *st, double q);
double bstats_rate(const bench_stats *st); /* ops per second over t0..t1 */
double bstats_avg_req(const bench_stats *st);
double bstats_avg_rep(const bench_stats *st);
void bstats_copy(bench_stats *dst, const bench_stats *src); /* keeps dst's name */

/* ---- replies: cheap scans of the compact JSON the server prints ------- */

/* The reply's error reason into out ("" and false when it is a success). */
bool brep_error(const char *body, char *out, size_t outlen);
bool brep_int(const char *body, const char *key, int64_t *out);
bool brep_str(const char *body, const char *key, char *out, size_t outlen);

/* ---- pool.c: slots over REQ contexts, driven by a phase ---------------- */

#define BSLOT_REQ_MAX 1024

typedef struct bench_pool bench_pool;
typedef struct bench_phase bench_phase;

typedef struct {
    bench_pool *pool;
    int idx;
    nng_ctx ctx;
    nng_aio *aio;
    int64_t t_send_us;
    bool sending;            /* the aio carries a send (else a receive) */
    bench_stats *stat;       /* row the current request counts towards */
    char req[BSLOT_REQ_MAX]; /* request text (set by phase->next) */
    size_t req_len;
    size_t pad_to;           /* echo: reply size asked of the echo server */
    /* Phase-private per-slot state: only this slot's callback touches it. */
    int64_t user, step, aux, tries;
} bench_slot;

struct bench_phase {
    /* Fill s->req/req_len/stat; false when this slot has no more work. */
    bool (*next)(bench_phase *ph, bench_slot *s);
    /* The reply (NUL-terminated body) of s's request, or NULL on a
     * transport error / timeout (then rc is the nng error). */
    void (*done)(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc);
    void *arg;
    int64_t stop_us; /* no new request after this instant (0: none) */
};

/* Opens nsock REQ sockets dialed to url and nslot contexts spread over
 * them. timeout_ms is the per-request deadline. NULL on failure. */
bench_pool *bpool_open(const char *url, int nsock, int nslot, int timeout_ms);
void bpool_close(bench_pool *p);
int bpool_slots(const bench_pool *p);
/* Runs ph on the first nactive slots until each slot's next() said false
 * (or stop_us passed); returns when every request has completed. */
void bpool_run(bench_pool *p, bench_phase *ph, int nactive);

/* ---- call.c: a blocking client for setup, admin calls and verification */

typedef struct {
    nng_socket sock;
    int64_t next_id;
    int timeout_ms;
} bcall;

/* Dials every URL of a comma-separated list (one per ticketd node) on s.
 * One URL: with flags as given; several: each at once, and one that
 * refuses (only the leader listens) again NONBLOCK so nng keeps redialing
 * it. 0 or an nng error (NNG_EINVAL for a malformed list). */
int bench_dial(nng_socket s, const char *urls, int flags);
/* url may be a list (bench_dial). */
int bcall_open(bcall *c, const char *url, int timeout_ms);
void bcall_close(bcall *c);
/* One call; params is a JSON object text (NULL: {}). On TK_OK the reply is
 * decoded into *rep (caller frees with rpc_reply_free; rep->err tells a
 * domain error). A reply lost to a closed connection or a timeout is
 * waited for again by resending, when common/retry says that is harmless.
 * Returns TK_INTERNAL on a transport failure / timeout. */
tk_err bcall_do(bcall *c, const char *method, const char *params, rpc_reply *rep);
/* Like bcall_do but retries transport failures until total_ms passed. */
tk_err bcall_retry(bcall *c, const char *method, const char *params, rpc_reply *rep,
                   int total_ms);

/* ---- echo.c: the ceiling ------------------------------------------------ */

typedef struct bench_echo bench_echo;
/* Starts an echo server on url: a raw REP socket served by a thread of
 * its own (aio_mode false), or a cooked REP socket with contexts echoing
 * in nng callbacks (true). */
bench_echo *becho_start(const char *url, bool aio_mode);
void becho_stop(bench_echo *e);
/* Runs the echo load: requests of req_len bytes answered by rep_len bytes,
 * on nactive slots of p, for dur_us; counts into st. */
void becho_run(bench_pool *p, int nactive, size_t req_len, size_t rep_len, int64_t dur_us,
               bench_stats *st);

/* ---- spawn.c: a ticketd of our own in a temp dir ------------------------ */

typedef struct {
    char dir[256];
    char rpc[320], events[320], db[1200], admin_key[80];
    /* PostgreSQL mode: the server's URI (--db) and the database made on it */
    const char *pg_server;
    char pg_name[48];
    pid_t pid;
} bench_server;

/* fork+exec ticketd in a fresh temp dir (tcp: on free localhost ports) with
 * the rate limits off, the extra argv appended; waits for event=ready. Its
 * store: a SQLite file in the temp dir, or with pg_server (a libpq URI) a
 * fresh database on that server, dropped by bsrv_cleanup. */
int bsrv_start(bench_server *s, const char *ticketd, bool tcp, const char *pg_server,
               const char *const *extra);
/* SIGTERM and wait; returns the exit status (or -1). */
int bsrv_stop(bench_server *s);
void bsrv_cleanup(bench_server *s);
/* VmRSS of pid in kB (-1 when unreadable). */
int64_t bsrv_rss_kb(pid_t pid);
/* CPU time (user + system, all threads) of pid in µs; -1 when unreadable. */
int64_t bsrv_cpu_us(pid_t pid);
/* Context switches (voluntary + not) summed over pid's threads; -1 likewise. */
int64_t bsrv_csw(pid_t pid);
/* Reads an admin key file (trailing whitespace trimmed). */
int bsrv_read_key(const char *path, char *out, size_t outlen);
/* Runs the invariant checker on db; returns its exit status. */
int bsrv_audit(const char *audit_bin, const char *db);
/* pgdb.c: CREATE DATABASE name (ticket_bench_PID) on the server at uri;
 * db gets uri naming it. 0, or -1 after printing libpq's message. */
int bpg_create(const char *uri, char *name, size_t namelen, char *db, size_t dblen);
int bpg_drop(const char *uri, const char *name);
/* Path of a binary next to our own executable. */
void bsrv_sibling(const char *name, char *out, size_t outlen);

/* ---- flows.c / seats.c / queue.c: the user phases ---------------------- */

typedef struct {
    char id[UUID_STR_LEN];
    char token[TOKEN_MAX_LEN];
    int64_t hold_id, price;
    bool active;
} bench_user;

#define BENCH_ROWS 24
#define BENCH_NOTES 12

typedef struct {
    /* configuration */
    int concurrency, nsock, timeout_ms;
    int64_t dur_us;
    int users, queue_users, subscribers, changes, hot_dates, rush_users;
    bool rush_only; /* --rush N: only the rush phase */
    bool tcp, smoke;
    const char *rpc, *events;
    char admin_key[80];
    pid_t server_pid;
    /* state */
    bench_pool *pool, *echo_pool[2]; /* [0] REP contexts (the ceiling), [1] raw */
    bench_echo *echo[2];
    bcall admin;
    bench_user *u;
    int nu;        /* users + helpers: buyers are [0, users), helpers after */
    int64_t concert_id;
    int64_t dates[4096];
    int ndates;    /* hot dates first, then the buy dates */
    /* results */
    bench_stats *rows[BENCH_ROWS], *echo_rows[BENCH_ROWS], *raw_rows[BENCH_ROWS];
    int nrows;
    int64_t rss_kb, waiting;
    int64_t rush_n, rush_draw_ms, rush_rss_kb; /* the pre-queue rush, -1 not run */
    double fan_p50_ms, fan_p99_ms, fan_max_ms;
    int64_t fan_received, fan_expected;
    int64_t hold_won, hold_taken, race_rounds, race_bad, paid, invariant_failures;
    int audit_rc; /* ticket-audit's exit status; -1 when not run */
    char notes[BENCH_NOTES][240];
    int nnotes;
} bench_run;

void bflow_note(bench_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A failed invariant: noted, and the run's exit status becomes 1. */
void bflow_violation(bench_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Formats one JSON-RPC request into s->req; params_fmt is the inside of
 * the params object. */
void bflow_req(bench_slot *s, bench_stats *st, const char *method, const char *params_fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A new result row (NULL when the table is full). */
bench_stats *bflow_row(bench_run *r, const char *name);
/* Runs ph on the pool at the run's concurrency; times the rows; then
 * measures each row's echo twin (same sizes, same concurrency). */
void bflow_drive(bench_run *r, bench_phase *ph, int64_t dur_us, bench_stats **rows, int nrows);
/* Counts an unexpected error reply or failure into st. */
void bflow_error(bench_stats *st);
/* A blocking admin call with the run's key; extra is more params text
 * (without braces, may be ""). Returns the reply (caller frees) or -1. */
int bflow_admin(bench_run *r, const char *method, const char *extra, rpc_reply *rep);
/* n more on-sale dates of the bench concert (appended to r->dates). */
int bflow_new_dates(bench_run *r, int n);

/* Each returns 0, or -1 after noting why. */
int bflow_setup(bench_run *r);
int bflow_users(bench_run *r);
int bflow_reads(bench_run *r);
int bflow_holds(bench_run *r);
int bflow_buy(bench_run *r);
int bflow_queue(bench_run *r);
/* Registers n users (a "user.register (n more)" row); their ids, or NULL. */
char (*bqueue_register(bench_run *r, int64_t n))[UUID_STR_LEN];
/* The pre-queue rush (rush.c): rush_users join just before opens_at. */
int bflow_rush(bench_run *r);
int bfan_run(bench_run *r);

/* ---- report.c -------------------------------------------------------- */
void breport_table(const bench_run *r);
int breport_json(const bench_run *r, const char *path);

/* ---- crash.c: the crash-test load and its verifier -------------------- */
int bcrash_load(const char *rpc, const char *key_file, const char *log_path, int threads,
                int dates);
int bcrash_verify(const char *rpc, const char *key_file, const char *log_path);

#endif
