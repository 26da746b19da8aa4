/* server/domain/domain.h -- the booking domain: users, queue, catalog, holds,
 * wallet, payment, admin. Plain C: no nng, no JSON.
 *
 * Threading: a tk_domain is owned by exactly one thread (the engine). No
 * function here locks. Only that owner changes it, which is what makes
 * "one seat, one winner" trivially true. The read-only calls (token
 * checks, lists, balances, the queue position) change nothing, so other
 * threads may run them side by side while the owner is kept out (the
 * engine's shared lock); tk_sync may run beside anything.
 *
 * Time: every call takes now_ms so tests control time. It is the steady
 * clock (clock_steady_ms: never steps, ms that look like epoch ms), and
 * every deadline in memory is on that line: hold expiry, the active
 * window, admission pacing, the minute rings. Deadlines are compared
 * against it on every touch, so correctness never depends on when tk_tick
 * last ran, and a step of the wall clock neither lapses nor extends them.
 * The wall clock is used only at the edges, through the offset the owner
 * keeps current (tk_clock_set): instants recorded as facts (paid_at, the
 * ledger's `at`, created/ended columns) are wall time when recorded and
 * never move; calendar instants an operator gives (starts_at, on_sale_at)
 * are wall time and compared with the wall clock; deadlines persisted
 * (hold expiry, the entry's since/admitted) are written as wall time and
 * put back on the steady line at load, so a restart keeps them; a deadline
 * shown as RFC 3339 is tk_wall_ms of it. A token's issued_ms is a stamp,
 * never compared with a clock.
 *
 * Durability: mutating calls validate first, then change memory and stage
 * their rows in the store's open transaction (the first write opens it;
 * tk_batch_begin opens it early). The caller ends a batch of calls with
 * tk_batch_commit and sends no reply before the commit returned 0 and,
 * after tk_sync_defer, before a later tk_sync returned 0. A failed commit
 * or sync leaves memory ahead of disk; the caller must then stop the
 * process (fail-stop) and let a restart reload.
 *
 * Errors: functions return tk_err (TK_OK == 0) and fill *ei (which may be
 * NULL) with the details the wire error carries.
 *
 * Strings returned through result structs or callbacks point into domain
 * memory and stay valid until the next mutating call. */
#ifndef TK_DOMAIN_H
#define TK_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/errors.h"
#include "common/token.h"
#include "common/tz.h"
#include "server/store/lead.h"

#define TK_SEATS 50
#define TK_MAX_PAY_HOLDS 4
#define TK_NAME_MAX 64        /* user name, bytes */
#define TK_TITLE_MAX 200      /* concert title / venue, bytes */
#define TK_REQUEST_ID_MAX 64  /* request_id, bytes */
#define TK_CODE_LEN 12        /* booking code, "TK-XXXX-XXXX", without the NUL */
#define TK_PRICE_MAX 10000000 /* won; no seat costs more than a wallet can hold */

typedef struct tk_domain tk_domain;

typedef struct {
    const char *db_path;        /* SQLite file; ":memory:" for tests */
    uint8_t token_key[TOKEN_KEY_BYTES];
    int64_t hold_ms;            /* hold lifetime, default 300000 */
    int64_t active_window_ms;   /* active token without a live hold, default 600000 */
    int64_t turn_ms;            /* a turn's length from admission, default 900000: no
                                   release and re-hold extends it, no hold outlives it */
    int64_t max_active;         /* default 100 */
    int64_t admit_per_min;      /* default 600 */
    int64_t max_holds;          /* per user, default 4 */
    int64_t max_charge;         /* per wallet.charge, default 1,000,000 won */
    int64_t max_balance;        /* ceiling, default 10,000,000 won */
    int64_t wall_offset_ms;     /* the wall clock minus now_ms at tk_open, default 0
                                   (see Time above; tk_clock_set keeps it current) */
    const char *tz;             /* venue time: a new concert's zone unless it names
                                   one (IANA, valid: --tz), default TZ_DEFAULT */
    const char *node;           /* this node's name (NULL: the host name) */
} tk_config;

/* Fills cfg with the defaults above (db_path NULL, key zero). */
void tk_config_defaults(tk_config *cfg);
/* The configuration the domain runs with (server.info reports it). */
const tk_config *tk_config_of(const tk_domain *d);

typedef struct {
    const char *field;       /* INVALID_PARAMS: the offending param */
    int64_t position, eta_s; /* NOT_ADMITTED */
    int64_t balance, amount; /* INSUFFICIENT_FUNDS; balance also BALANCE_LIMIT */
    int64_t max;             /* AMOUNT_INVALID, BALANCE_LIMIT: the limit (0 unknown) */
    int64_t seat_no;         /* SEAT_TAKEN / SEAT_NOT_FOUND */
    int64_t hold_id;         /* HOLD_NOT_FOUND / HOLD_EXPIRED */
    char msg[160];           /* human-readable message, "" for the default */
} tk_errinfo;

/* ---- life cycle ------------------------------------------------------- */

/* Opens (creating if needed) the store and loads all state into memory.
 * Holds that lapsed while the server was down are released (and tokens
 * expired accordingly) before this returns. NULL on failure (logged). */
tk_domain *tk_open(const tk_config *cfg, int64_t now_ms);
void tk_close(tk_domain *d);
/* The wall clock read wall_ms at the steady instant now_ms. The owner
 * calls it before each batch (the engine, with clock_wall_ms and
 * clock_steady_ms); readers see the offset of the last batch. */
void tk_clock_set(tk_domain *d, int64_t wall_ms, int64_t now_ms);
/* at_ms, an instant on now_ms's steady line, on the wall clock as it reads
 * now: a deadline as RFC 3339 text. */
int64_t tk_wall_ms(const tk_domain *d, int64_t at_ms);

/* Runs the SQL file at path (e.g. data/demo.sql) when the catalog is empty.
 * Returns 1 if loaded, 0 if the catalog already had concerts, -1 on error. */
int tk_load_demo(tk_domain *d, const char *sql_path, int64_t now_ms);

int tk_batch_begin(tk_domain *d);  /* 0 or -1 */
int tk_batch_commit(tk_domain *d); /* 0 or -1: on -1 the caller must exit */
/* Pipelined durability (see store_defer_sync): after tk_sync_defer, a
 * commit is durable only once a later tk_sync returned 0. tk_sync is the
 * one call that may run on another thread, beside the owner's calls.
 * Both 0 or -1; after a failed tk_sync the caller must exit. */
int tk_sync_defer(tk_domain *d);
/* The open batch changed something on disk (its commit needs a flush). */
bool tk_batch_dirty(tk_domain *d);
/* Rows changed so far by this connection (a count that only grows): a
 * caller compares two readings to learn whether a call wrote. */
int64_t tk_batch_changes(tk_domain *d);
/* A call failed halfway (out of memory after it had changed memory and
 * staged rows): the batch must not commit. tk_batch_commit then returns -1,
 * the caller exits, and a restart reloads the last durable state, so the
 * failed call changed nothing, as INTERNAL promises. */
void tk_batch_void(tk_domain *d);
/* The domain's record arrays (users, holds, bookings, ledger, request ids
 * and the rest, dm_reserve) grow through this, realloc's contract, so a
 * test can make memory run out at a chosen moment. */
extern void *(*tk_realloc)(void *p, size_t size);
int tk_sync(tk_domain *d);

/* ---- leadership (store_open_as, store_lead) ---------------------------- */
/* Which node leads (this one, while the domain is open), since when and
 * in which epoch: server/store/lead.h. */
void tk_lead_get(const tk_domain *d, tk_lead *out);
/* Answers need the store's session alive (PostgreSQL): the owner proves it
 * with tk_ping whenever nothing else reached the database for a while.
 * tk_ping: 0, or -1 when the session (and the leadership) is gone: the
 * caller must stop answering and exit. The owner's call, between batches. */
bool tk_leased(const tk_domain *d);
int tk_ping(tk_domain *d);

/* Periodic work, call about every 100-250 ms inside a batch: releases
 * lapsed holds, expires idle active tokens, admits waiting users, and
 * queues the once-a-second `queue` event while anyone waits. */
void tk_tick(tk_domain *d, int64_t now_ms);
/* Earliest instant at which tk_tick has work (a hold deadline, ...). */
int64_t tk_next_deadline(const tk_domain *d, int64_t now_ms);

/* ---- events ----------------------------------------------------------- */

typedef enum { TK_EV_SEAT, TK_EV_QUEUE, TK_EV_SALES, TK_EV_CHECKIN } tk_event_kind;
typedef enum { TK_SEAT_FREE = 0, TK_SEAT_HELD = 1, TK_SEAT_SOLD = 2 } tk_seat_state;
const char *tk_seat_state_name(tk_seat_state s); /* "free" "held" "sold" */

typedef struct {
    tk_event_kind kind;
    int64_t date_id;                       /* SEAT, SALES */
    uint64_t seq;                          /* SEAT: per-date, +1 per change */
    int seat_no;                           /* SEAT */
    tk_seat_state state;                   /* SEAT */
    int free, held, sold;                  /* SALES; sold also CHECKIN */
    int checked_in;                        /* CHECKIN */
    int64_t revenue;                       /* SALES */
    uint64_t admitted_seq;                 /* QUEUE */
    int64_t waiting, active, admit_per_min;/* QUEUE */
    int64_t ms_per_place;                  /* QUEUE: the wait estimate's pace */
    bool paused;                           /* QUEUE */
    bool prequeue_open;                    /* QUEUE: opens_at is set */
    int64_t prequeue, opens_in_s;          /* QUEUE, while prequeue_open */
} tk_event;

/* Moves up to max queued events into out, oldest first; returns how many.
 * The engine calls it after a successful commit and publishes them. */
size_t tk_events_take(tk_domain *d, tk_event *out, size_t max);

/* ---- users and wallet (by user_id) ------------------------------------ */

typedef struct { uint8_t b[16]; } tk_uuid;

tk_err tk_user_register(tk_domain *d, const char *name, int64_t now_ms, tk_uuid *out,
                        tk_errinfo *ei);
tk_err tk_wallet_balance(tk_domain *d, const tk_uuid *user, int64_t *balance, tk_errinfo *ei);

typedef struct { int64_t balance, entry_id; } tk_charge_result;
/* Idempotent on (user, request_id): a replay returns the first result; the
 * same id with another amount is TK_CONFLICT. */
tk_err tk_wallet_charge(tk_domain *d, const tk_uuid *user, int64_t amount,
                        const char *request_id, int64_t now_ms, tk_charge_result *out,
                        tk_errinfo *ei);

/* Who the ledger entries of the call under way are made by: a staff
 * member (wallet.charge with a staff key, a refund) and, for a top-up, how
 * the money was taken (TK_PAY_CASH...). The api layer sets it before a
 * call and clears it (NULL, TK_PAY_NONE) after, on the owner's thread;
 * without it an entry is the member's own (a kiosk top-up). A name is kept
 * (interned) by the domain. 0, or -1 out of memory. */
typedef enum { TK_PAY_NONE = 0, TK_PAY_CASH, TK_PAY_CARD, TK_PAY_OTHER } tk_pay_method;
int tk_actor_set(tk_domain *d, const char *staff, tk_pay_method method);
/* "cash" "card" "other", "" for TK_PAY_NONE; and back (-1: not a method). */
const char *tk_pay_method_name(tk_pay_method m);
int tk_pay_method_parse(const char *name);

typedef struct {
    int64_t entry_id;
    const char *kind; /* "charge" "payment" "refund" */
    int64_t amount;   /* signed: + into the wallet, - out of it */
    int64_t balance;  /* after this entry */
    int64_t at_ms;    /* wall clock */
    const char *method, *staff; /* tk_actor_set's at the time, "" for none */
} tk_ledger_entry;
typedef void (*tk_ledger_cb)(void *ctx, const tk_ledger_entry *e);
/* Newest first, at most limit entries. */
tk_err tk_wallet_history(tk_domain *d, const tk_uuid *user, int64_t limit, tk_ledger_cb cb,
                         void *ctx, tk_errinfo *ei);

typedef struct {
    int64_t booking_id;
    const char *code;
    const char *title;
    const char *venue;
    int64_t date_id;
    int64_t starts_at_ms;
    int seat_no;
    int64_t price;
    int64_t paid_at_ms; /* wall clock, as starts_at_ms */
    const char *state; /* "paid" or "refunded" */
    const char *tz;    /* the concert's IANA zone */
    int64_t checked_in_at_ms; /* wall clock; 0 = not checked in */
    const char *gate;         /* where it was checked in; "" none */
} tk_booking_info;
typedef void (*tk_booking_cb)(void *ctx, const tk_booking_info *b);
tk_err tk_booking_list(tk_domain *d, const tk_uuid *user, tk_booking_cb cb, void *ctx,
                       tk_errinfo *ei);

/* ---- queue (token) ---------------------------------------------------- */

/* The expired state is TK_TOKEN_STATE_EXPIRED: TK_TOKEN_EXPIRED is the
 * tk_err of common/errors.h and C enumerators share one namespace. */
typedef enum {
    TK_TOKEN_WAITING = 0,
    TK_TOKEN_ACTIVE = 1,
    TK_TOKEN_STATE_EXPIRED = 2
} tk_token_state;
const char *tk_token_state_name(tk_token_state s); /* "waiting" "active" "expired" */

typedef struct {
    char token[TOKEN_MAX_LEN];
    tk_token_state state;
    uint64_t seq;          /* the user's number in line (its join order, or its
                              drawn place after a pre-queue draw) */
    int64_t position;      /* 1-based place among the waiting; 0 when active;
                              in the pre-queue: how many are in it */
    bool prequeue;         /* waiting for opens_at, place not drawn yet */
    int64_t opens_in_s;    /* prequeue: seconds until the draw */
    int64_t eta_s;         /* estimated wait; 0 when active */
    int64_t expires_in_s;  /* active: seconds until the token lapses */
    int64_t turn_expires_in_s; /* active: seconds until the turn ends, whatever it holds */
} tk_queue_info;

/* A user with a live (waiting or active) token gets that same token back. */
tk_err tk_queue_join(tk_domain *d, const tk_uuid *user, int64_t now_ms, tk_queue_info *out,
                     tk_errinfo *ei);
/* TOKEN_INVALID for a bad token, TOKEN_EXPIRED for an expired one. */
tk_err tk_queue_status(tk_domain *d, const char *token, int64_t now_ms, tk_queue_info *out,
                       tk_errinfo *ei);
/* Expires the token; an expired one (left, paid, lapsed) answers TK_OK
 * and changes nothing, so a leave resent after a lost reply is harmless. */
tk_err tk_queue_leave(tk_domain *d, const char *token, int64_t now_ms, tk_errinfo *ei);

/* Resolves a token for an "active" method: TOKEN_INVALID, TOKEN_EXPIRED,
 * NOT_ADMITTED (ei->position, ei->eta_s) or TK_OK with *user set. Used by
 * the domain itself and by the api layer for per-user rate limits. */
tk_err tk_token_user(tk_domain *d, const char *token, int64_t now_ms, tk_uuid *user,
                     tk_errinfo *ei);

/* ---- catalog and seats (active token) --------------------------------- */

typedef struct {
    int64_t date_id, concert_id;
    const char *title, *venue;
    int64_t starts_at_ms, on_sale_at_ms; /* wall clock */
    int free, held, sold;
    int64_t revenue;
    const char *tz; /* the concert's IANA zone: how starts_at is shown */
    int checked_in;      /* sold seats whose booking was checked in at the door */
} tk_date_info;
typedef void (*tk_date_cb)(void *ctx, const tk_date_info *di);

/* Bookable dates only (on sale now, not yet started), by starts_at. */
tk_err tk_dates_list(tk_domain *d, const char *token, int64_t now_ms, tk_date_cb cb, void *ctx,
                     tk_errinfo *ei);

typedef struct {
    int no;
    tk_seat_state state;
    int64_t price;
    bool mine;                /* a live hold of the caller */
    int64_t hold_id;          /* admin view only, else 0 */
    int64_t hold_expires_ms;  /* admin view only, else 0 (steady, as own_expires_ms) */
    char booking_code[16];    /* admin view only, else "" */
    int64_t booking_id;       /* admin view only (sold seats), else 0 */
    /* Member view, mine only (else 0): the caller's own hold, so a client
     * whose seat.hold reply was lost can release or pay it after a resync. */
    int64_t own_hold_id, own_expires_ms;
} tk_seat_info;

/* All 50 seats of a date and the date's seq at this snapshot. A lapsed hold
 * shows as free even if tk_tick has not run yet. *turn_ends_ms (when not
 * NULL) gets the end of the caller's turn. */
tk_err tk_seats_list(tk_domain *d, const char *token, int64_t date_id, int64_t now_ms,
                     tk_seat_info out[TK_SEATS], uint64_t *seq, int64_t *turn_ends_ms,
                     tk_errinfo *ei);

typedef struct {
    int64_t hold_id, date_id;
    int seat_no;
    int64_t price;
    int64_t expires_at_ms; /* steady line (tk_wall_ms for RFC 3339); never after turn_ends_ms */
    int64_t turn_ends_ms;  /* the end of the holder's turn, steady line */
} tk_hold_info;

/* SEAT_TAKEN if held by another (live) or sold, HOLD_LIMIT at max_holds,
 * NOT_ON_SALE outside the sale window. Holding a seat one already holds
 * returns that hold unchanged. */
tk_err tk_seat_hold(tk_domain *d, const char *token, int64_t date_id, int64_t seat_no,
                    int64_t now_ms, tk_hold_info *out, tk_errinfo *ei);
/* HOLD_NOT_FOUND unless the hold is the caller's, HOLD_EXPIRED if it
 * lapsed; the caller's hold that is already released answers TK_OK and
 * changes nothing (a release resent after a lost reply). */
tk_err tk_hold_release(tk_domain *d, const char *token, int64_t hold_id, int64_t now_ms,
                       tk_errinfo *ei);

/* ---- payment ---------------------------------------------------------- */

typedef struct {
    int64_t booking_id;
    char code[16];
    int64_t date_id;
    int seat_no;
    int64_t price;
} tk_booked;

typedef struct {
    int64_t payment_id, amount, balance;
    int n;
    tk_booked bookings[TK_MAX_PAY_HOLDS];
} tk_pay_result;

/* All or nothing. The token expires with the payment, and any other live
 * holds of the user go back on sale (so do they on queue.leave: a live hold
 * exists only under an active token). A replay of (user, request_id) with the same hold ids
 * returns the first result even though the token is now expired; another
 * set of hold ids is CONFLICT. INSUFFICIENT_FUNDS leaves the holds. */
tk_err tk_payment_pay(tk_domain *d, const char *token, const int64_t *hold_ids, int n,
                      const char *request_id, int64_t now_ms, tk_pay_result *out,
                      tk_errinfo *ei);

/* ---- admin (the api layer checks admin_key first) --------------------- */

tk_err tk_admin_concert_create(tk_domain *d, const char *title, const char *venue,
                               int64_t now_ms, int64_t *concert_id, tk_errinfo *ei);
/* The same in zone tz (NULL: the config's). The caller has checked that
 * the system knows tz (tz_valid); here only its length is. */
tk_err tk_admin_concert_create_in(tk_domain *d, const char *title, const char *venue,
                                  const char *tz, int64_t now_ms, int64_t *concert_id,
                                  tk_errinfo *ei);
/* The zone of a concert (NULL if there is none): the api reads a local
 * starts_at in it. */
const char *tk_concert_tz(const tk_domain *d, int64_t concert_id);
/* on_sale_at_ms < 0 means "on sale now". */
tk_err tk_admin_date_create(tk_domain *d, int64_t concert_id, int64_t starts_at_ms,
                            const int64_t prices[TK_SEATS], int64_t on_sale_at_ms,
                            int64_t now_ms, int64_t *date_id, tk_errinfo *ei);

typedef struct {
    bool paused;
    int64_t max_active, admit_per_min;
    int64_t opens_at_ms; /* the pre-queue's opening, wall clock (a calendar instant); 0 = none */
} tk_queue_settings;
/* NULL members are left unchanged. Persisted: they survive a restart, and
 * once set they take precedence over tk_config's max_active/admit_per_min.
 * INVALID_PARAMS (field) for max_active or admit_per_min outside 1..1e6.
 *
 * *opens_at_ms > now_ms opens a pre-queue (or moves its opening): joins
 * wait unplaced until then, and at opens_at they are put in random order,
 * once and durably, behind everyone already in line. *opens_at_ms == 0
 * clears it: an open pre-queue is drawn at once (its members were promised
 * a draw, not their join order). Not in the future, or more than
 * TK_OPENS_MAX_AHEAD_MS ahead: INVALID_PARAMS (field "opens_at"). */
#define TK_OPENS_MAX_AHEAD_MS (366LL * 86400 * 1000)
tk_err tk_admin_queue_set(tk_domain *d, const bool *paused, const int64_t *max_active,
                          const int64_t *admit_per_min, const int64_t *opens_at_ms,
                          int64_t now_ms, tk_queue_settings *out, tk_errinfo *ei);
/* HOLD_NOT_FOUND unless the hold is live; HOLD_EXPIRED if it lapsed. The
 * owner's token stays active (its window restarts), as with hold.release. */
tk_err tk_admin_hold_release(tk_domain *d, int64_t hold_id, int64_t now_ms, tk_errinfo *ei);

/* The seat goes back on sale (events), the price back to the wallet as a
 * "refund" ledger entry (even past max_balance). A missing booking is
 * INVALID_PARAMS (field "booking_id", msg "no such booking"); one already
 * refunded is CONFLICT, and so is one checked in at the door (its holder
 * is inside). */
typedef struct { int64_t booking_id, amount, balance; } tk_refund_result;
tk_err tk_admin_booking_refund(tk_domain *d, int64_t booking_id, int64_t now_ms,
                               tk_refund_result *out, tk_errinfo *ei);

/* A booking by the code on its ticket, as booking.list shows it, for an
 * operator with a customer's ticket in hand. Letter case and blanks around
 * do not matter. INVALID_PARAMS (field "code", msg "no such booking") when
 * no booking has it. */
tk_err tk_admin_booking_find(const tk_domain *d, const char *code, tk_booking_info *out,
                             tk_errinfo *ei);

/* ---- door check-in (server/domain/checkin.c) -------------------------- */

#define TK_GATE_MAX 32 /* a gate's name, bytes: printable ASCII */
typedef enum {
    TK_CHECKIN_ADMITTED = 0,
    TK_CHECKIN_ALREADY_USED,
    TK_CHECKIN_REFUNDED,
    TK_CHECKIN_WRONG_DATE,
    TK_CHECKIN_UNKNOWN_CODE,
} tk_checkin_reason;
/* "ADMITTED" "ALREADY_USED" "REFUNDED" "WRONG_DATE" "UNKNOWN_CODE" */
const char *tk_checkin_reason_name(tk_checkin_reason r);

typedef struct {
    tk_checkin_reason reason;
    bool admitted;            /* reason == ADMITTED: this scan let them in */
    bool found;               /* booking is filled in (every reason but UNKNOWN_CODE) */
    char code[TK_CODE_LEN + 2]; /* the code as read (upper case, blanks cut) */
    tk_booking_info booking;  /* checked_in_at_ms and gate: the first scan's */
    int checked_in, sold;     /* the booking's date after this scan */
} tk_checkin_result;

/* A scan at the door. A booking's first scan while paid admits it and
 * records when and at which gate (a `checkin` event follows the commit);
 * later scans answer ALREADY_USED with that first time and gate. Refunded
 * bookings answer REFUNDED; with date_id > 0 a booking of another date is
 * WRONG_DATE; a code no booking has is UNKNOWN_CODE. Those are results,
 * not errors: only a date_id naming no date (DATE_NOT_FOUND) and a gate
 * that is not 0..TK_GATE_MAX printable ASCII (INVALID_PARAMS, "gate") are
 * errors. Letter case and blanks around the code do not matter. gate may
 * be NULL. */
tk_err tk_admin_booking_checkin(tk_domain *d, const char *code, int64_t date_id,
                                const char *gate, int64_t now_ms, tk_checkin_result *out,
                                tk_errinfo *ei);

/* Operator seat map: like tk_seats_list with no token, and with hold ids,
 * hold deadlines and booking codes filled in (never member ids). */
tk_err tk_admin_seats(tk_domain *d, int64_t date_id, int64_t now_ms, tk_seat_info out[TK_SEATS],
                      uint64_t *seq, tk_errinfo *ei);

typedef struct {
    int64_t waiting, active, admitted; /* admitted: total ever admitted */
    int64_t ms_per_place;              /* the wait estimate's pace now */
    uint64_t admitted_seq, last_seq;
    tk_queue_settings settings;
    int64_t prequeue, opens_in_s;       /* while settings.opens_at_ms != 0 */
    int64_t draw_n, draw_ms, draw_at_ms; /* the last draw; draw_at_ms 0 = none */
} tk_queue_stats;
void tk_queue_stats_get(tk_domain *d, int64_t now_ms, tk_queue_stats *out);
/* Holds that lapsed (not released, not paid) since this process started,
 * those found lapsed at start included. */
int64_t tk_holds_lapsed(const tk_domain *d);
/* Every date (bookable or not), for the dashboard. */
void tk_dates_all(tk_domain *d, int64_t now_ms, tk_date_cb cb, void *ctx);

/* The last hour for the dashboard's sparklines, one number per wall-clock
 * minute, oldest first (the last is now_ms's minute):
 * - sold: seats sold in that minute, from the bookings' paid_at, so it
 *   survives a restart; a later refund does not unsell the minute;
 * - waiting: the longest the line was in that minute. Only this process
 *   has seen it: waiting_minutes (1..60) says how many of the last minutes
 *   that covers; the ones before are 0 for want of data, not an empty line. */
#define TK_HIST_MINUTES 60
typedef struct {
    int64_t sold[TK_HIST_MINUTES], waiting[TK_HIST_MINUTES];
    int waiting_minutes;
} tk_history;
void tk_history_get(const tk_domain *d, int64_t now_ms, tk_history *out);

/* Audit log of admin actions, stored in SQLite. */
typedef struct {
    int64_t audit_id, at_ms;
    const char *method, *peer, *params, *result;
    const char *staff; /* the staff member whose key made the call */
    const char *node;  /* the node that took it ('' on rows from before nodes) */
} tk_audit_entry;
typedef void (*tk_audit_cb)(void *ctx, const tk_audit_entry *a);
int tk_audit_append(tk_domain *d, int64_t now_ms, const char *method, const char *peer,
                    const char *params_json, const char *result, const char *staff,
                    const char *node);
/* Newest first; before_id <= 0 means from the newest. */
tk_err tk_audit_list(tk_domain *d, int64_t before_id, int64_t limit, tk_audit_cb cb, void *ctx,
                     tk_errinfo *ei);

/* ---- the counter: members for a cashier, the day's close (issue 17) ---- */

typedef struct {
    tk_uuid user_id;
    const char *name;
    int64_t balance;
    int64_t bookings; /* paid and not refunded */
} tk_member_info;
typedef void (*tk_member_cb)(void *ctx, const tk_member_info *m);
#define TK_MEMBER_FIND_MAX 20
/* Members whose name starts with name_prefix (ASCII letters in any case;
 * other bytes as they are), newest first, and/or the owner of the booking
 * with this code (as typed: any case): at most TK_MEMBER_FIND_MAX. Neither
 * given (NULL or ""): INVALID_PARAMS, field "name". No match: no rows. */
tk_err tk_member_find(const tk_domain *d, const char *name_prefix, const char *code,
                      tk_member_cb cb, void *ctx, tk_errinfo *ei);

typedef enum { TK_REP_SALE, TK_REP_REFUND, TK_REP_TOPUP, TK_REP_CHECKIN } tk_report_kind;
const char *tk_report_kind_name(tk_report_kind k); /* "sale" "refund" "topup" "checkin" */
typedef struct {
    tk_report_kind kind;
    int64_t date_id;    /* the concert date (sales, refunds, check-ins); 0 for top-ups */
    const char *staff;  /* who took the money, refunded or scanned; "" nobody */
    const char *method; /* top-ups: "kiosk" (the member), "cash", "card", "other";
                           sales and refunds: "wallet" */
    int64_t count, amount; /* amount: won, refunds positive */
} tk_report_row;
typedef void (*tk_report_cb)(void *ctx, const tk_report_row *r);
/* What happened in [from_ms, to_ms) (wall clock), one row per kind, date,
 * staff member and method, in that order: seats sold (by payment time),
 * refunds and top-ups (by their ledger entries). from_ms >= to_ms:
 * INVALID_PARAMS, field "to". */
tk_err tk_report(const tk_domain *d, int64_t from_ms, int64_t to_ms, tk_report_cb cb, void *ctx,
                 tk_errinfo *ei);

/* ---- invariants (tests, ticket-audit) --------------------------------- */

/* Checks memory against itself: no seat with two owners, no negative
 * balance, money conserved. Returns 0 when all hold, else -1 with a
 * description in why. */
int tk_check_invariants(tk_domain *d, char *why, size_t whylen);

#endif
