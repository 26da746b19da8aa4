/* server/store/store.h -- the only door to the database.
 *
 * All SQL of the server lives behind this interface (server/store/), with
 * two backends: SQLite (sqlite.c, a file, the default) and PostgreSQL
 * (pg.c, a libpq URI or conninfo). The domain never knows which: no
 * library type and no SQL text crosses it. Statements are prepared once
 * at open.
 *
 * Writes are staged in the open transaction (store_begin .. store_commit:
 * the engine's group-commit batch). A write outside one opens it. A failed
 * write is sticky: store_commit then rolls back and returns -1, and the
 * caller must stop (memory is ahead of disk). Ids are chosen by the domain
 * (dense, from 1), so nothing here returns a rowid. */
#ifndef TK_STORE_H
#define TK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/store/lead.h"

#define STORE_SCHEMA_VERSION 4 /* 3: staff and venue columns, checkins; 4: the audit's node */

typedef struct tk_store tk_store;

/* Opens db: a PostgreSQL database when db is a libpq URI (postgresql://,
 * postgres://) or key=value conninfo (store_is_postgres), else a SQLite
 * file (":memory:" works; WAL + synchronous=FULL). Creates or migrates
 * the schema. A database is one server's: a SQLite file is locked
 * (`<path>-lock`), a PostgreSQL database by a session advisory lock, until
 * store_close; NULL, logged, while another store has it open. NULL on
 * failure (logged; for PostgreSQL with libpq's own message). */
tk_store *store_open(const char *db);
/* The same, as the node named node (NULL: the host name). On PostgreSQL
 * several nodes may open one database and exactly one leads: store_open
 * returns only once this node leads (a standby waits inside it, logging
 * `event=standby`, and retries an unreachable server with a back-off,
 * logging libpq's message each time), after bumping the epoch that fences
 * every later transaction of this store. NULL when the server refused us
 * (credentials, no such database: libpq's message, logged), or when
 * SIGINT/SIGTERM came while waiting (store_open_stopped then says so). */
tk_store *store_open_as(const char *db, const char *node);
/* The signal that ended a wait inside store_open_as, or 0. */
int store_open_stopped(void);
bool store_is_postgres(const char *db);

/* Who leads (server/store/lead.h). */
void store_lead_get(const tk_store *s, tk_lead *out);
/* Whether answers need the database session alive (PostgreSQL: the
 * session's advisory lock is the leadership): the owner then proves it
 * with store_ping when nothing else went to the server for a while. */
bool store_leased(const tk_store *s);
/* A round trip to the server outside a transaction (inside one, or on
 * SQLite, 0 at once). -1 (logged): the session is gone, and with it the
 * leadership; the caller must stop answering and exit. */
int store_ping(tk_store *s);
const char *store_backend(const tk_store *s); /* "sqlite", "postgresql" */
void store_close(tk_store *s);

int store_begin(tk_store *s);   /* BEGIN IMMEDIATE; 0 if already open */
int store_commit(tk_store *s);  /* COMMIT, or ROLLBACK and -1 after a failed write */
/* Durability in two steps, so a server can overlap one batch's disk flush
 * with the next batch's work. After store_defer_sync, COMMIT writes the
 * batch to the log but does not wait for the disk (SQLite WAL with
 * synchronous=NORMAL); store_sync then makes every COMMIT that returned
 * before it was called durable (fdatasync of the WAL). store_sync may run
 * on another thread while the owner keeps using s: it touches only a file
 * descriptor of its own. Without store_defer_sync (tools, tests, an
 * in-memory store) COMMIT is durable by itself and store_sync does
 * nothing. Both 0 or -1 (logged); after a failed store_sync the caller
 * must stop, as after a failed commit.
 * On PostgreSQL a returned COMMIT is durable by itself (the server's
 * synchronous_commit), so store_defer_sync and store_sync do nothing; a
 * COMMIT whose outcome is unknown (the connection lost) returns -1, and
 * the caller stops as after any failed commit. */
int store_defer_sync(tk_store *s);
int store_sync(tk_store *s);
bool store_in_tx(const tk_store *s);
/* The open transaction changed a row (so its COMMIT needs a flush). */
bool store_dirty(const tk_store *s);
bool store_failed(const tk_store *s);
int64_t store_changes(const tk_store *s); /* rows written (a count that only grows) */
void store_void(tk_store *s);             /* the open batch must not commit */
/* Runs a file of SQL statements inside the current transaction. */
int store_exec_file(tk_store *s, const char *path);
int64_t store_count_concerts(tk_store *s); /* -1 on error */

/* ---- rows, as loaded at open ------------------------------------------ */
typedef struct { int64_t id; const uint8_t *uuid; const char *name; int64_t balance; } st_user;
typedef struct { int64_t seq, user_id, state, issued_ms, since_ms, admitted_ms; } st_entry;
typedef struct { int64_t id; const char *title, *venue, *tz; } st_concert;
typedef struct { int64_t id, concert_id, starts_ms, on_sale_ms, seq; } st_date;
typedef struct { int64_t date_id, seat_no, price; } st_seat;
typedef struct { int64_t id, user_id, date_id, seat_no, price, expires_ms, state; } st_hold;
typedef struct { int64_t id, user_id, amount, balance, paid_ms; } st_payment;
typedef struct {
    int64_t id; const char *code;
    int64_t user_id, payment_id, hold_id, date_id, seat_no, price, paid_ms, state;
} st_booking;
/* A booking's check-in at the door: its first scan, when and where. */
typedef struct { int64_t booking_id, at_ms; const char *gate; } st_checkin;
/* method: how a top-up was paid ("cash", "card", "other"; "" = by the
 * member at a kiosk); staff: who took it or refunded ("" = nobody). */
typedef struct {
    int64_t id, user_id;
    const char *kind;
    int64_t amount, balance, at_ms, ref;
    const char *method, *staff;
} st_ledger;
typedef struct { int64_t user_id; const char *request_id, *method, *params; int64_t ref; } st_idem;
typedef struct { const char *key; int64_t value; } st_setting;
/* A pre-queue draw: place first_seq + i belongs to seq first_seq + ord[i]. */
typedef struct { int64_t first_seq, n, drawn_ms, ms; const uint32_t *ord; } st_draw;
typedef struct {
    int64_t id, at_ms;
    const char *method, *peer, *params, *result;
    const char *staff; /* the staff member whose key made the call */
    const char *node;  /* the node (--node) that led and took it; '' on older rows */
} st_audit;

/* One callback per table; strings are valid during the call only. A
 * callback returning non-zero stops the load with an error. */
typedef struct {
    void *ctx;
    int (*user)(void *ctx, const st_user *r);
    int (*entry)(void *ctx, const st_entry *r);
    int (*concert)(void *ctx, const st_concert *r);
    int (*date)(void *ctx, const st_date *r);
    int (*seat)(void *ctx, const st_seat *r);
    int (*hold)(void *ctx, const st_hold *r);
    int (*payment)(void *ctx, const st_payment *r);
    int (*booking)(void *ctx, const st_booking *r);
    int (*ledger)(void *ctx, const st_ledger *r);
    int (*idem)(void *ctx, const st_idem *r);
    int (*setting)(void *ctx, const st_setting *r);
    int (*draw)(void *ctx, const st_draw *r); /* after the queue's entries */
    int (*checkin)(void *ctx, const st_checkin *r); /* after the bookings */
} store_loader;

/* Loads every table in id order, parents before children. 0 or -1. */
int store_load(tk_store *s, const store_loader *l);
/* Reloads only concerts, dates and seats (after a demo file ran). */
int store_load_catalog(tk_store *s, const store_loader *l);

/* ---- staged writes (sticky failure, see above) ------------------------- */
void store_user_insert(tk_store *s, int64_t id, const uint8_t uuid[16], const char *name,
                       int64_t at_ms);
void store_user_balance(tk_store *s, int64_t id, int64_t balance);
void store_entry_insert(tk_store *s, int64_t seq, int64_t user_id, int64_t issued_ms);
void store_entry_update(tk_store *s, int64_t seq, int64_t state, int64_t since_ms,
                        int64_t admitted_ms);
void store_concert_insert(tk_store *s, const st_concert *c, int64_t at_ms);
void store_date_insert(tk_store *s, const st_date *d, const int64_t prices[50]);
void store_date_seq(tk_store *s, int64_t date_id, int64_t seq);
void store_hold_insert(tk_store *s, const st_hold *h, int64_t at_ms);
void store_hold_end(tk_store *s, int64_t id, int64_t state, int64_t at_ms);
void store_payment_insert(tk_store *s, const st_payment *p, const char *request_id);
void store_booking_insert(tk_store *s, const st_booking *b);
void store_booking_refund(tk_store *s, int64_t id, int64_t at_ms);
void store_checkin_insert(tk_store *s, const st_checkin *c);
void store_ledger_insert(tk_store *s, const st_ledger *e);
void store_idem_insert(tk_store *s, const st_idem *r);
void store_setting_put(tk_store *s, const char *key, int64_t value);
void store_draw_insert(tk_store *s, const st_draw *r);

/* ---- audit log (read from disk, not kept in memory) -------------------- */
int store_audit_append(tk_store *s, int64_t at_ms, const char *method, const char *peer,
                       const char *params, const char *result, const char *staff,
                       const char *node);
/* Newest first, id < before_id (before_id <= 0: from the newest). */
int store_audit_list(tk_store *s, int64_t before_id, int64_t limit,
                     void (*cb)(void *ctx, const st_audit *a), void *ctx);

/* ---- audit of money, for tk_check_invariants ---------------------------- */
typedef struct {
    int64_t charges, payments, refunds, balances;
    int64_t paid_bookings, payment_total; /* sum of booking prices, of payment amounts */
    int64_t live_holds;
} st_sums;
int store_sums(tk_store *s, st_sums *out);

/* ---- moving a database ---------------------------------------------------- */
/* Copies every row of every table of from into to (either backend), ids
 * kept, in one transaction of to; to must be empty. Then compares each
 * table's row count in both. 0, or -1 (logged; to is left as it was). */
int store_copy(tk_store *from, tk_store *to);

#endif
