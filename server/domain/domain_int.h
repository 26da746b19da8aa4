/* server/domain/domain_int.h -- private to the domain modules (core, queue,
 * catalog, seats, holds, wallet, payment, ops, invariants): the in-memory state.
 *
 * Everything is in dense arrays indexed by id - 1 (ids are handed out by
 * the domain, from 1), so a lookup is an index and the per-object cost is
 * a few dozen bytes: a million waiting users fit in well under 200 MB.
 * Cross references are 32-bit indexes, -1 (or 0 for seqs) for none. */
#ifndef TK_DOMAIN_INT_H
#define TK_DOMAIN_INT_H

#include "server/domain/domain.h"
#include "server/domain/fenwick.h"
#include "server/domain/minutes.h"
#include "server/store/store.h"

enum { HOLD_LIVE = 0, HOLD_RELEASED = 1, HOLD_LAPSED = 2, HOLD_PAID = 3 };
enum { BOOK_PAID = 0, BOOK_REFUNDED = 1 };
enum { LEDGER_CHARGE = 0, LEDGER_PAYMENT = 1, LEDGER_REFUND = 2 };
enum { IDEM_CHARGE = 1, IDEM_PAY = 2 };

typedef struct {
    uint8_t id[16];
    int64_t balance;
    const char *name;     /* in the arena */
    uint32_t entry;       /* seq of the newest queue entry, 0 = none */
    int32_t first_hold;   /* newest live hold, chained by dm_hold.next */
    int32_t last_ledger;  /* newest ledger entry, chained by dm_ledger.prev */
    int32_t last_booking; /* newest booking, chained by dm_booking.prev */
} dm_user;

typedef struct {
    int64_t issued_ms;   /* part of the token: re-signing gives the same token */
    int64_t since_ms;    /* active: admission or end of the last hold (the idle window) */
    int64_t admitted_ms; /* 0 = never admitted; the turn runs from here */
    uint32_t user;
    int32_t slot;        /* index in d->active while active, else -1 */
    uint32_t place;      /* number in the line (admission order): seq, or drawn */
    uint8_t state;       /* tk_token_state */
} dm_entry;

/* A pre-queue draw: place first + i belongs to seq first + ord[i]. Places
 * outside every draw are their seqs, so only drawn members cost memory. */
typedef struct { uint32_t first, n; uint32_t *ord; } dm_draw;

typedef struct {
    uint8_t state;  /* tk_seat_state as stored; a HELD seat may have lapsed */
    int32_t ref;    /* hold index (held) or booking index (sold), else -1 */
    int64_t price;
} dm_seat;

typedef struct {
    int64_t starts_ms, on_sale_ms;
    uint64_t seq;
    uint32_t concert;
    int held, sold;
    int checked_in; /* its bookings checked in at the door (checkin.c) */
    int64_t revenue;
    bool seq_dirty; /* seq changed in the open batch; written at its commit */
    dm_seat seats[TK_SEATS];
} dm_date;

typedef struct { char *title, *venue, *tz; } dm_concert;

typedef struct {
    int64_t expires_ms, price;
    uint32_t user, date;
    int32_t next;  /* next live hold of the same user */
    int32_t heap;  /* position in the deadline heap, -1 when not live */
    uint8_t seat, state;
} dm_hold;

typedef struct {
    char code[16];
    int64_t price, paid_ms;
    int64_t checkin_ms;   /* wall clock of the first scan at the door, 0 = none */
    const char *gate;     /* its gate (interned, checkin.c), NULL = none */
    uint32_t user, date, payment;
    int32_t prev; /* older booking of the same user */
    uint8_t seat, state;
} dm_booking;

typedef struct {
    int64_t amount, balance, paid_ms;
    uint32_t user;
    int32_t first_booking; /* its bookings are consecutive */
    uint8_t n;
} dm_payment;

typedef struct {
    int64_t amount, balance, at_ms, ref;
    uint32_t user;
    int32_t prev; /* older entry of the same user */
    uint8_t kind;
    uint8_t method;  /* tk_pay_method */
    uint16_t staff;  /* d->staff[staff - 1], 0 = none (fits the padding) */
} dm_ledger;

typedef struct {
    const char *request_id, *params; /* in the arena */
    int64_t ref;
    uint32_t user;
    uint8_t method;
} dm_idem;

/* Append-only string storage: stable pointers, one free at close. */
typedef struct dm_chunk dm_chunk;
typedef struct { dm_chunk *head; } dm_arena;

/* Open-addressing hash of uint32 values (stored +1, 0 = empty). */
typedef struct { uint32_t *slot; size_t cap, n; } dm_hash;

typedef struct { tk_event *ev; size_t head, n, cap; } dm_events;

struct tk_domain {
    tk_config cfg;
    tk_store *st;
    dm_arena arena;

    dm_user *users; size_t nusers, capusers;
    dm_hash user_ix; /* by uuid */

    dm_entry *entries; size_t nentries, capentries; /* entries[seq - 1] */
    fenwick waiting_fw;     /* 1 at place while that place's entry waits */
    uint32_t *active; size_t nactive, capactive; /* seqs of active entries */
    size_t cursor;          /* every place below it is not waiting */
    int64_t nwaiting, admitted_total;
    double budget;          /* admission token bucket */
    int64_t budget_ms;
    int64_t last_queue_ev_ms;
    bool queue_ev_due;      /* an active session ended since the last queue event */
    tk_queue_settings qs;   /* qs.opens_at_ms != 0: a pre-queue is open */
    uint32_t pq_from;       /* the open pre-queue is seqs pq_from..nentries */
    int64_t nprequeue;      /* of them still waiting (not in waiting_fw) */
    dm_draw *draws; size_t ndraws, capdraws;
    int64_t draw_n, draw_ms, draw_at_ms; /* the last draw, for the dashboard */

    dm_concert *concerts; size_t nconcerts, capconcerts;
    dm_date *dates; size_t ndates, capdates;
    uint32_t *dirty; size_t ndirty, capdirty; /* dates with seq_dirty set */
    uint8_t rnd[512]; size_t rnd_left; /* random bytes for booking codes */
    dm_hold *holds; size_t nholds, capholds;
    int64_t holds_lapsed;     /* since start, for the metrics */
    int32_t *heap; size_t nheap, capheap; /* live holds by deadline */
    dm_booking *bookings; size_t nbookings, capbookings;
    dm_hash code_ix; /* bookings by code */
    dm_payment *payments; size_t npayments, cappayments;
    const char **gates; size_t ngates, capgates; /* gate names seen (checkin.c) */
    dm_ledger *ledger; size_t nledger, capledger;
    const char **staff; size_t nstaff, capstaff; /* names on ledger entries (arena) */
    uint16_t act_staff; uint8_t act_method;      /* tk_actor_set: the call under way */
    dm_idem *idem; size_t nidem, capidem;
    dm_hash idem_ix; /* by (user, request_id) */

    dm_events events;
    min_ring sold_min;    /* bookings per minute, by paid_ms */
    min_ring waiting_min; /* the longest line per minute, since opened_ms */
    min_ring ended_min;   /* active sessions ended per minute (the turnover) */
    int64_t opened_ms;
    int64_t wall_off_ms; /* the wall clock minus the steady line (tk_clock_set) */
    char scratch[512]; /* strings handed out through result structs */
};

/* Time (domain.h): a steady instant on the wall clock, for a fact recorded
 * now or a deadline written to the store; and back, for a deadline loaded. */
static inline int64_t dm_wall(const tk_domain *d, int64_t at_ms) { return at_ms + d->wall_off_ms; }
static inline int64_t dm_steady(const tk_domain *d, int64_t wall_ms)
{
    return wall_ms - d->wall_off_ms;
}
/* The same for an instant where 0 means none (admitted_ms, since_ms). */
static inline int64_t dm_wall_opt(const tk_domain *d, int64_t at_ms)
{
    return at_ms ? dm_wall(d, at_ms) : 0;
}
static inline int64_t dm_steady_opt(const tk_domain *d, int64_t wall_ms)
{
    return wall_ms ? dm_steady(d, wall_ms) : 0;
}

/* ---- core.c ------------------------------------------------------------ */
/* Grows *arr to hold n + 1 elements of size elem. 0 or -1 (OOM). */
int dm_reserve(void **arr, size_t *cap, size_t n, size_t elem);
#define DM_RESERVE(arr, cap, n) dm_reserve((void **)&(arr), &(cap), (n), sizeof *(arr))
const char *dm_strdup(dm_arena *a, const char *s);
void dm_arena_free(dm_arena *a);
void dm_emit(tk_domain *d, const tk_event *e);
/* Sets ei to err with an optional printf message; returns err. */
tk_err dm_fail(tk_errinfo *ei, tk_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
tk_err dm_bad_param(tk_errinfo *ei, const char *field, const char *msg);
uint64_t dm_hash_bytes(const void *p, size_t n, uint64_t h);
/* hash: find the value for which eq(ctx, value) holds; -1 when absent. */
int64_t dm_hash_find(const dm_hash *h, uint64_t key, bool (*eq)(const tk_domain *, uint32_t,
                                                                const void *),
                     const tk_domain *d, const void *arg);
int dm_hash_put(dm_hash *h, uint64_t key, uint32_t value,
                uint64_t (*rehash)(const tk_domain *, uint32_t), const tk_domain *d);
void dm_hash_free(dm_hash *h);

/* ---- load.c --------------------------------------------------------------- */
int dm_load(tk_domain *d, int64_t now_ms);
int dm_reload_catalog(tk_domain *d);

/* ---- wallet.c ------------------------------------------------------------ */
/* Booking i (an index) as booking.list shows it. */
void dm_booking_info(const tk_domain *d, int32_t i, tk_booking_info *out);
/* A booking by the code on a ticket as typed (any case, blanks around). */
int32_t dm_booking_by_text(const tk_domain *d, const char *code);
int64_t dm_user_find(const tk_domain *d, const uint8_t id[16]); /* index or -1 */
int dm_user_add(tk_domain *d, const uint8_t id[16], const char *name, int64_t balance);
uint64_t dm_user_hash(const tk_domain *d, uint32_t ix);
/* Appends a ledger entry, updates the balance in memory and store. */
int32_t dm_ledger_add(tk_domain *d, uint32_t user, int kind, int64_t amount, int64_t at_ms,
                      int64_t ref);
int dm_ledger_push(tk_domain *d, const dm_ledger *e);
const char *dm_ledger_kind_name(int kind);
/* A staff name's number on ledger entries (1..), added when new; 0 for
 * "" or NULL, -1 out of memory or past 65535 names. */
int32_t dm_staff_intern(tk_domain *d, const char *name);
static inline const char *dm_staff_name(const tk_domain *d, uint16_t ix)
{
    return ix ? d->staff[ix - 1] : "";
}
int dm_ledger_kind(const char *name);
/* request_id records */
const dm_idem *dm_idem_find(const tk_domain *d, uint32_t user, const char *rid);
int dm_idem_add(tk_domain *d, uint32_t user, const char *rid, int method, const char *params,
                int64_t ref, bool persist);
tk_err dm_check_request_id(const char *rid, tk_errinfo *ei);

/* ---- queue.c ------------------------------------------------------------ */
/* The load hands queue.c its rows: one entry, then (all loaded) the
 * waiting tree, cursor, active set and pre-queue count built from them. */
int dm_queue_load_entry(tk_domain *d, const st_entry *r);
int dm_queue_rebuild(tk_domain *d);
tk_token_state dm_entry_state(const tk_domain *d, uint32_t seq, int64_t now_ms);
/* When entry seq's turn ends (it must have been admitted). */
int64_t dm_turn_end_ms(const tk_domain *d, uint32_t seq);
/* Token -> (user index, seq). TOKEN_INVALID / TOKEN_EXPIRED / NOT_ADMITTED. */
tk_err dm_token_active(tk_domain *d, const char *token, int64_t now_ms, uint32_t *user,
                       uint32_t *seq, tk_errinfo *ei);
/* Verifies the signature and the entry only (any state). */
tk_err dm_token_parse(const tk_domain *d, const char *token, uint32_t *user, uint32_t *seq);
void dm_entry_expire(tk_domain *d, uint32_t seq, int64_t now_ms);
/* holds.c tells: a hold of user's ended (why: HOLD_RELEASED, LAPSED or
 * PAID). The turn rule decides what the user's last hold ending means. */
void dm_queue_hold_ended(tk_domain *d, uint32_t user, int why, int64_t now_ms);
/* Applies a lapsed or idle expiry of this user's token now. */
void dm_user_settle(tk_domain *d, uint32_t user, int64_t now_ms);
void dm_queue_admit(tk_domain *d, int64_t now_ms);
/* Milliseconds a place in line takes now (the wait estimate's pace). */
int64_t dm_queue_pace_ms(const tk_domain *d, int64_t now_ms);
void dm_queue_idle_sweep(tk_domain *d, int64_t now_ms);
void dm_queue_event(tk_domain *d, int64_t now_ms);

/* ---- prequeue.c --------------------------------------------------------- */
/* Entry seq waits in the open pre-queue (no place yet). */
bool dm_in_prequeue(const tk_domain *d, uint32_t seq);
/* The seq at place p in the line. */
uint32_t dm_line_seq(const tk_domain *d, size_t place);
/* Draws the open pre-queue when opens_at has come. */
void dm_prequeue_due(tk_domain *d, int64_t now_ms);
/* Draws the open pre-queue now: places in random order, the order staged
 * in the open batch together with clearing opens_at. */
void dm_prequeue_draw(tk_domain *d, int64_t now_ms);
/* admin.queue.set's opens_at: > now opens (or moves) a pre-queue, 0 draws
 * one that is open. Validated by the caller. */
void dm_prequeue_set(tk_domain *d, int64_t opens_at_ms, int64_t now_ms);
int dm_draw_load(tk_domain *d, const st_draw *r);
void dm_draws_free(tk_domain *d);

/* ---- seats.c ------------------------------------------------------------- */
/* The one place a seat changes state (FREE -> HELD -> FREE or SOLD, SOLD ->
 * FREE): the date's counters, the stored row of the change (the hold's
 * insert or end, the booking's insert or refund; a hold's new state and a
 * booking's are set by the caller first), the date's seq, the seat and
 * sales events. ref: the hold (HELD) or booking (SOLD) index. -1 for a
 * move that does not exist (nothing changes). */
int dm_seat_set(tk_domain *d, uint32_t date, int seat_no, tk_seat_state to, int32_t ref,
                int64_t now_ms);
/* The load's replay of a stored live hold or paid booking onto a free
 * seat: the counters only. -1 when the seat is not free. */
int dm_seat_restore(tk_domain *d, uint32_t date, int seat_no, tk_seat_state to, int32_t ref);
/* Stages the seq of every date changed in the open batch (at its commit). */
void dm_seat_seqs_store(tk_domain *d);

/* ---- holds.c ------------------------------------------------------------- */
bool dm_hold_live(const tk_domain *d, int32_t h, int64_t now_ms);
/* The load's hold row: a live one takes its seat (dm_seat_restore), joins
 * its user's chain and the deadline heap. -1 for a bad row. */
int dm_hold_load(tk_domain *d, const st_hold *r);
int dm_user_live_holds(const tk_domain *d, uint32_t user, int64_t now_ms);
/* Ends a live hold (RELEASED, LAPSED or PAID): unlinks it, frees the
 * seat (not for PAID: the caller sells it), tells the queue. */
void dm_hold_end(tk_domain *d, int32_t h, int state, int64_t now_ms);
/* Releases every lapsed hold (the queue expires tokens whose last hold lapsed). */
void dm_sweep_lapsed(tk_domain *d, int64_t now_ms);
/* Ends all live holds of a user (token expired) as RELEASED. */
void dm_user_release_all(tk_domain *d, uint32_t user, int64_t now_ms);
tk_err dm_hold_release_ix(tk_domain *d, int32_t h, int64_t now_ms, tk_errinfo *ei);
dm_date *dm_date_get(tk_domain *d, int64_t date_id, tk_errinfo *ei);
int dm_commit(tk_domain *d); /* store_commit, after the batch's date seqs */

/* ---- catalog.c ----------------------------------------------------------- */
void dm_date_counts(const tk_domain *d, uint32_t date, int64_t now_ms, tk_date_info *out);
void dm_seats_fill(const tk_domain *d, uint32_t date, int64_t now_ms, int64_t viewer,
                   bool admin, tk_seat_info out[TK_SEATS]);

/* ---- payment.c ------------------------------------------------------------ */
uint64_t dm_code_hash(const tk_domain *d, uint32_t ix);
int dm_booking_push(tk_domain *d, const dm_booking *b);
/* A code as a ticket prints it, from what was typed or scanned: upper
 * case, blanks around cut; a text longer than a code is cut one past it
 * (out has room for that), so it never matches. */
void dm_code_norm(const char *code, char out[TK_CODE_LEN + 2]);
/* The booking with this exact code ("TK-XXXX-XXXX"): its index, or -1. */
int32_t dm_booking_by_code(const tk_domain *d, const char *code);

/* ---- checkin.c ------------------------------------------------------------ */
/* The load's check-in row: the booking's first scan. -1 for a bad row. */
int dm_checkin_load(tk_domain *d, const st_checkin *r);

/* Every mutating entry point starts with this: a batch is open (opened
 * here if the caller forgot) and holds lapsed by now_ms are gone. */
void dm_begin_mutation(tk_domain *d, int64_t now_ms);

#endif
