/* tests/lib/harness.h -- integration test harness (prefix th_).
 *
 * Starts the REAL ticketd by fork+exec in a fresh mkdtemp directory (its
 * database, secret, admin key and ipc sockets all live inside it), talks to
 * it over real nng sockets, and removes everything in th_teardown.
 *
 * Why fork+exec: nng is not fork-safe, so a test process never forks while
 * holding nng state except to exec at once; the it_* binaries run CK_FORK=no.
 *
 * Memory: every reply the harness hands out is kept in an arena freed by
 * th_teardown, so tests never free replies (and a failed ck_assert, which
 * longjmps out of the test, leaks nothing).
 *
 * Debugging: TH_KEEP=1 keeps the temp dirs (with ticketd.log); TH_TRACE=1
 * prints every request and reply on stderr.
 *
 * Threads: th_call (the server's own client) is for the test's main thread.
 * Worker threads open their own th_client and must not ck_assert: they
 * record outcomes and the main thread asserts. */
#ifndef TH_HARNESS_H
#define TH_HARNESS_H

#include <check.h>
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "common/errors.h"
#include "common/rpc.h"
#include "common/token.h"

#define TH_DIR_MAX 256
#define TH_MAX_ARGS 32
#define TH_READY_MS 15000   /* bound on waiting for a (re)started server */
#define TH_CALL_MS 20000    /* per-request deadline: generous for a loaded box */
#define TH_WAIT_MS 20000    /* bound on polling for a state (admission, lapse) */

typedef struct th_client th_client;

typedef struct th_server {
    char dir[TH_DIR_MAX];       /* mkdtemp dir, removed by th_teardown */
    char rpc_url[TH_DIR_MAX + 32];
    char ev_url[TH_DIR_MAX + 32];
    char log_path[TH_DIR_MAX + 16];
    char db[TH_DIR_MAX + 256];  /* --db: DIR/ticket.db, or a PostgreSQL URI */
    char admin_key[128];
    pid_t pid;                  /* 0 when not running */
    int status;                 /* as from waitpid, once reaped; -1 before */
    int nargs;
    char *args[TH_MAX_ARGS];    /* the test's extra args, reused by restart */
    th_client *client;          /* main-thread client, reopened on restart */
} th_server;

/* ---- server life cycle (tests/lib/harness.c) --------------------------- */

/* The store the suite runs on: SQLite files by default; PostgreSQL when
 * TH_STORE_URI names a server (tests/run.sh sets it for the second run of
 * the it_* suites), and then th_start gives each server a fresh database
 * (CREATE DATABASE; dropped by th_teardown). */
bool th_on_postgres(void);
/* A test that only makes sense on one store says so and passes. */
#define TH_SQLITE_ONLY(why)                                                  \
    do {                                                                     \
        if (th_on_postgres()) {                                              \
            fprintf(stderr, "skip on PostgreSQL: %s\n", why);               \
            return;                                                          \
        }                                                                    \
    } while (0)
/* Creates a fresh database on the TH_STORE_URI server; its URI into out. */
void th_pg_create(char *out, size_t outlen);

/* Starts ticketd with extra args (NULL-terminated), e.g.
 * th_start("--hold-seconds", "1", NULL). Unless the test passes them,
 * "--rate-user 0 --rate-peer 0 --max-conns-per-peer 0" are added so that
 * bulk tests from one pid are neither throttled nor capped. Fails the test if the server is not serving within
 * TH_READY_MS (its log is printed). Passing --rpc / --events moves the
 * sockets (the harness then talks to those URLs; tls+tcp:// clients skip
 * certificate verification). */
th_server *th_start(const char *arg, ...);
/* Another node on of's database (PostgreSQL: one leads, the others wait;
 * of's secret and admin key copied into its own dir, its own URLs there),
 * with extra args as th_start's (a later --db wins over of's). Started
 * without waiting: it may be a standby until th_wait_serving. */
th_server *th_standby(th_server *of, const char *arg, ...) __attribute__((sentinel));
/* Waits up to ms for s to answer server.info; how many ms that took, or
 * -1 (s exited, or did not answer in time). Opens s->client. */
int th_wait_serving(th_server *s, int ms);
/* Runs a helper program (fork+exec, output discarded); its exit code or -1. */
int th_run(const char *const argv[]);
/* The same with stdout and stderr into files (created 0600; NULL: dropped). */
int th_run_to(const char *const argv[], const char *out_path, const char *err_path);
/* Path of a tool built beside $TICKETD (else $TOP/bin/NAME), e.g.
 * "ticket-bench": the suites test the build they were given. */
void th_bin(const char *name, char *out, size_t outlen);
/* A currently free TCP port on 127.0.0.1 (for tcp://, ws:// tests). */
int th_free_port(void);
/* Start again on the same dir (same DB, secret, admin key) after a stop. */
void th_restart(th_server *s);
/* Start again on the same dir with the sockets at other URLs: another
 * node taking over the database (the test must not have passed --rpc or
 * --events to th_start). */
void th_restart_at(th_server *s, const char *rpc_url, const char *ev_url);
/* SIGTERM and wait; returns the exit status (as from waitpid). */
int th_stop(th_server *s);
/* SIGKILL and wait: the crash case. */
void th_kill9(th_server *s);
/* True while the child has not exited. */
bool th_alive(th_server *s);
/* Waits up to ms for the server to exit by itself; its status as from
 * waitpid (also when th_alive or a failed call reaped it already), or -1
 * if it is still running. */
int th_wait_exit(th_server *s, int ms);
/* Pass as the checked teardown of every integration TCase: kills any
 * server still running, removes temp dirs (unless TH_KEEP is set), frees
 * the reply arena. */
void th_teardown(void);
/* A TCase with th_teardown as checked teardown and a generous timeout. */
TCase *th_tcase(const char *name);
/* Runs a suite; returns the process exit code. */
int th_main(Suite *s);

/* ---- rpc (tests/lib/th_client.c) --------------------------------------- */

/* A REQ socket with infinite resend and a TH_CALL_MS receive deadline.
 * url may be a comma-separated list (several nodes): each is dialed. */
th_client *th_client_open(th_server *s);
th_client *th_client_open_url(const char *url, int recv_ms);
void th_client_close(th_client *c);
void th_client_set_timeout(th_client *c, int recv_ms);

/* One request; params_fmt is printf text of a JSON object ("{}" or NULL
 * for none), sent verbatim so ill-typed values (1e300, 1.5) reach the
 * server as written. A transport failure gives err == TK_ERR_COUNT and
 * message set. The reply is arena-owned. */
rpc_reply th_call(th_server *s, const char *method, const char *params_fmt, ...)
    __attribute__((format(printf, 3, 4)));
rpc_reply th_ccall(th_client *c, const char *method, const char *params_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like th_call, with "admin_key" (the server's) put first into params. */
rpc_reply th_admin(th_server *s, const char *method, const char *params_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Arbitrary bytes; the reply is decoded if it can be. raw_out (may be
 * NULL) receives the arena-owned reply text ("" when none). */
rpc_reply th_call_raw(th_server *s, const void *buf, size_t len, const char **raw_out);
rpc_reply th_ccall_raw(th_client *c, const void *buf, size_t len, const char **raw_out);

/* A printable form of a reply for assertion messages (thread-local). */
const char *th_reply_str(const rpc_reply *r);

/* Each evaluates rep once (it is usually a th_call). */
#define TH_OK(rep)                                                                    \
    do {                                                                              \
        rpc_reply th_r_ = (rep);                                                      \
        ck_assert_msg(th_r_.err == TK_OK, "expected a result, got %s",                \
                      th_reply_str(&th_r_));                                          \
    } while (0)
#define TH_ERR(rep, e)                                                                \
    do {                                                                              \
        rpc_reply th_r_ = (rep);                                                      \
        ck_assert_msg(th_r_.err == (e), "expected %s, got %s", tk_err_reason(e),      \
                      th_reply_str(&th_r_));                                          \
    } while (0)
/* An INVALID_PARAMS error with data.field naming the param. */
#define TH_ERR_FIELD(rep, f)                                                          \
    do {                                                                              \
        rpc_reply th_r_ = (rep);                                                      \
        th_assert_field(&th_r_, (f), __FILE__, __LINE__);                             \
    } while (0)
void th_assert_field(const rpc_reply *r, const char *field, const char *file, int line);

/* ---- JSON access (asserting; main thread) ------------------------------ */

/* obj[name] as an exact integer; fails the test if absent or not one. */
int64_t th_int(const cJSON *obj, const char *name);
const char *th_str(const cJSON *obj, const char *name);
bool th_bool(const cJSON *obj, const char *name);
const cJSON *th_arr(const cJSON *obj, const char *name);
const cJSON *th_obj(const cJSON *obj, const char *name);
/* Non-asserting: 0/NULL when absent (for worker threads). */
int64_t th_int_or(const cJSON *obj, const char *name, int64_t dflt);
/* Registers a cJSON tree or malloc'd block for freeing at teardown. */
void th_keep_json(cJSON *j);
char *th_keep_mem(char *p);
char *th_sprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- events (tests/lib/th_client.c) ------------------------------------ */

typedef struct th_sub th_sub;
typedef struct {
    char topic[64];
    cJSON *body; /* arena-owned */
} th_event;

/* A SUB socket dialed to the server's events URL, subscribed to each
 * topic given (NULL-terminated; pass them with the trailing space). */
th_sub *th_sub_open(th_server *s, const char *topic, ...) __attribute__((sentinel));
void th_sub_close(th_sub *sub);
/* Next message within ms; false on timeout. Also checks framing: the
 * message must be "<topic> <json object>" (a malformed one fails the test). */
bool th_sub_recv(th_sub *sub, int ms, th_event *ev);
/* Next message whose topic equals topic (others are skipped). */
bool th_sub_wait(th_sub *sub, const char *topic, int ms, th_event *ev);
/* Drop whatever is queued. */
void th_sub_drain(th_sub *sub);

/* ---- flows (tests/lib/th_flow.c) --------------------------------------- */

typedef struct {
    char user_id[40];
    char token[TOKEN_MAX_LEN];
    int64_t seq;
    int64_t charged;  /* acknowledged charges made through th_charge */
    int nreq;         /* request_id counter */
} th_user;

/* user.register; fails the test on error. */
void th_user_new(th_server *s, th_user *u, const char *name);
/* wallet.charge with a fresh request_id; returns the new balance. */
int64_t th_charge(th_server *s, th_user *u, int64_t amount);
/* queue.join; fills token and seq; returns the reply's state. */
const char *th_join(th_server *s, th_user *u);
/* Polls queue.status (short sleeps, bounded TH_WAIT_MS) until active. */
void th_wait_active(th_server *s, th_user *u);
/* register + charge (if > 0) + join + wait active. */
void th_user_active(th_server *s, th_user *u, const char *name, int64_t charge);

/* admin.concert.create + admin.date.create with one price for all seats,
 * starting days_ahead days from now, on sale now. Returns date_id. */
int64_t th_date_new(th_server *s, int days_ahead, int64_t price);
/* Same with the given on_sale_at (RFC 3339) and concert. */
int64_t th_date_new_full(th_server *s, int64_t concert_id, int days_ahead,
                         const char *prices_json, const char *on_sale_at);
int64_t th_concert_new(th_server *s, const char *title);
/* RFC 3339 of now + secs (arena-owned). */
const char *th_time_in(int64_t secs);

/* The first date dates.list offers to u (fails the test if none). */
int64_t th_pick_date(th_server *s, th_user *u);
/* Fills up to max free seat numbers of a date; returns how many. */
int th_free_seats(th_server *s, th_user *u, int64_t date_id, int *out, int max);
/* The seat object {no,state,price,mine} from seats.list. */
const cJSON *th_seat(th_server *s, th_user *u, int64_t date_id, int seat_no);
/* Operator view of one seat (admin.seats.list). */
const cJSON *th_admin_seat(th_server *s, int64_t date_id, int seat_no);
/* seat.hold; asserts success; returns hold_id. */
int64_t th_hold(th_server *s, th_user *u, int64_t date_id, int seat_no);
/* payment.pay with a fresh request_id; the reply. */
rpc_reply th_pay(th_server *s, th_user *u, const int64_t *hold_ids, int n);
/* "[1,2,3]" (arena-owned). */
const char *th_ids_json(const int64_t *ids, int n);
/* wallet.balance, asserting. */
int64_t th_balance(th_server *s, const char *user_id);
/* Money conservation for a set of users: for each, the signed sum of its
 * wallet.history equals its balance and no balance is negative; the sum of
 * "charge" entries equals the charges acknowledged through th_charge (plus
 * extra_charged). Fails the test otherwise. */
void th_money_check(th_server *s, th_user *users, int n, int64_t extra_charged);

/* Makes sure sub is really connected before the test acts: PUB drops what
 * it sends before the subscriber's pipe is attached. Holds and releases
 * seat_no of date_id (as u) until any event arrives (bounded), then drains
 * everything queued. sub must be subscribed to seat.<date_id> or sales. */
void th_sub_warmup(th_server *s, th_sub *sub, th_user *u, int64_t date_id, int seat_no);

/* ---- raw peers (tests/lib/th_raw.c): plain sockets, no nng ------------- */

/* The 8-byte SP header of a REQ v0 peer. */
extern const unsigned char th_sp_req_header[8];
/* A connected stream socket to an ipc:// or tcp://HOST:PORT URL (HOST a
 * literal IPv4 address), from source address src (NULL: any) for tcp; a
 * tcp one closes with a reset (SO_LINGER 0), as a crashed peer's does. -1
 * on failure. */
int th_raw_connect(const char *url, const char *src);
/* Reads up to n bytes within ms; how many arrived. */
size_t th_raw_read(int fd, unsigned char *buf, size_t n, int ms);
/* Sends a REQ header and reads the server's: true if it answered. */
bool th_raw_handshake(int fd, int ms);
/* True if the server closed fd (EOF or reset) within ms. */
bool th_raw_closed(int fd, int ms);

/* Sleep helper for polling loops (never for readiness). */
void th_sleep_ms(int ms);

#endif
