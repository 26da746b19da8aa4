/* server/api/api_int.h -- what the api_*.c method families share: the call
 * context, param getters that produce the contract's INVALID_PARAMS, and
 * result helpers. Not for use outside server/api*.c. */
#ifndef TK_API_INT_H
#define TK_API_INT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "server/api/api.h"

/* Method flags in the dispatch table (api.c). */
#define API_WRITES 0x01u /* may change state: the batch must commit */
#define API_ADMIN  0x02u /* needs admin_key */
#define API_AUDIT  0x04u /* appended to the audit log, success or not */
#define API_BYUSER 0x08u /* names its user by user_id (per-user rate limit) */
#define API_BYTOK  0x10u /* names its user by token (per-user rate limit) */
#define API_SHARED 0x20u /* a pure read: may run on a transport thread under the
                            engine's shared lock (engine_try_shared) */
#define API_TOPUP  0x40u /* needs a staff key of its roles under --topup staff, or
                            whenever admin_key is given (wallet.charge) */

/* A staff key as the server keeps it: the hash of the key, never the key. */
typedef struct {
    char name[API_STAFF_NAME_MAX + 1];
    api_role role;
    uint8_t hash[32]; /* crypto_generichash_BYTES */
} api_staff;

typedef struct {
    api_server *a;
    tk_domain *d;
    const cJSON *params; /* the params object, or NULL when absent */
    const char *peer;
    const api_staff *staff; /* whose admin_key made the call; NULL without one */
    int64_t now_ms;      /* steady (domain.h, Time) */
    cJSON *result;       /* a handler sets it on success */
    tk_errinfo ei;       /* a handler fills it on failure */
    int64_t retry_after_ms;
} api_call;

typedef tk_err (*api_fn)(api_call *c);

/* ---- params: each returns TK_OK or TK_INVALID_PARAMS (ei.field set) ---- */

/* Sets the error message and returns e (for errors other than params). */
tk_err ap_fail(api_call *c, tk_err e, const char *msg);
/* Marks field as the offending param; msg may be NULL. */
tk_err ap_bad(api_call *c, const char *field, const char *msg);
tk_err ap_int(api_call *c, const char *name, int64_t min, int64_t max, int64_t *out);
/* An id (date_id, hold_id, ...): any integer JSON carries exactly. One that
 * names nothing is the domain's NOT_FOUND, not a params error. */
tk_err ap_id(api_call *c, const char *name, int64_t *out);
/* *out keeps its value when the param is absent (or null). */
tk_err ap_int_opt(api_call *c, const char *name, int64_t min, int64_t max, int64_t *out,
                  bool *present);
tk_err ap_str(api_call *c, const char *name, size_t maxlen, const char **out);
/* The same, optional: *out NULL when absent (or null). */
tk_err ap_str_opt(api_call *c, const char *name, size_t maxlen, const char **out);
/* "user_id": a canonical UUID string. */
tk_err ap_user(api_call *c, tk_uuid *out);
/* "token": a non-empty string; one too long to be ours is TOKEN_INVALID. */
tk_err ap_token(api_call *c, const char **out);
/* "request_id": 1..TK_REQUEST_ID_MAX bytes of printable text. */
tk_err ap_request_id(api_call *c, const char **out);
/* An RFC 3339 time string; absent leaves *ms and clears *present. */
tk_err ap_time(api_call *c, const char *name, bool required, int64_t *ms, bool *present);
/* Venue time: as ap_time, or a local time in zone without an offset
 * ("2026-12-24T19:00", tz_parse); a local time the zone skips is refused. */
tk_err ap_local_time(api_call *c, const char *name, const char *zone, bool required,
                     int64_t *ms);

/* ---- results ---------------------------------------------------------- */

/* c->result = {} (returns it; NULL on OOM, which api.c reports INTERNAL). */
cJSON *ar_new(api_call *c);
/* name: RFC 3339 text of ms. */
void ar_time(cJSON *o, const char *name, int64_t ms);
/* Whole seconds from now until ms, rounded up, never negative. */
int64_t ar_secs_until(int64_t now_ms, int64_t ms);
void ar_str(cJSON *o, const char *name, const char *s);
/* An integer member, printed exactly and fast: cJSON prints every number
 * through "%1.15g" plus an sscanf round trip, which loses digits past 15
 * and dominated the cost of number-heavy replies. */
void ar_int(cJSON *o, const char *name, int64_t v);
void ar_bool(cJSON *o, const char *name, bool v);
/* paused, max_active, admit_per_min, opens_at (RFC 3339 or null). */
void ar_queue_settings(cJSON *o, const tk_queue_settings *s);
/* Adds an empty array member and returns it. */
cJSON *ar_array(cJSON *o, const char *name);
/* Appends a new {} to arr and returns it (NULL if arr is NULL or on OOM):
 * one row of a list result. */
cJSON *ar_push(cJSON *arr);

/* Fills o (nothing when NULL) with a booking as booking.list shows it. */
void ar_booking(cJSON *o, const tk_booking_info *b);
/* A date as dates.list shows it; admin adds on_sale_at and revenue. */
cJSON *ar_date(const tk_date_info *di, bool admin);
/* The seats.list result into c->result; admin adds hold ids, time left
 * and booking codes (and drops `mine`, which means nothing to an operator).
 * A member's map carries turn_expires_in_s, from turn_ends_ms. */
void ar_seat_map(api_call *c, int64_t date_id, uint64_t seq, const tk_seat_info s[TK_SEATS],
                 bool admin, int64_t turn_ends_ms);

/* JSON text built by hand for the hottest result (the seat map): one
 * buffer instead of hundreds of cJSON nodes. Only for text known to need
 * no escaping (keys, numbers, fixed words). */
typedef struct {
    char *p;
    size_t n, cap;
    bool oom;
} ar_buf;
void ab_put(ar_buf *b, const char *s);
void ab_int(ar_buf *b, int64_t v);
/* Wraps the text as a raw cJSON item (NULL on OOM) and frees the buffer. */
cJSON *ab_finish(ar_buf *b);

/* ---- method handlers (the dispatch table in api.c names each once) ----- */

tk_err api_user_register(api_call *c);
tk_err api_booking_list(api_call *c);
tk_err api_wallet_balance(api_call *c);
tk_err api_wallet_charge(api_call *c);
tk_err api_wallet_history(api_call *c);
tk_err api_queue_join(api_call *c);
tk_err api_queue_status(api_call *c);
tk_err api_queue_leave(api_call *c);
tk_err api_dates_list(api_call *c);
tk_err api_seats_list(api_call *c);
tk_err api_seat_hold(api_call *c);
tk_err api_hold_release(api_call *c);
tk_err api_payment_pay(api_call *c);
tk_err api_admin_concert_create(api_call *c);
tk_err api_admin_date_create(api_call *c);
tk_err api_admin_queue_set(api_call *c);
tk_err api_admin_hold_release(api_call *c);
tk_err api_admin_booking_refund(api_call *c);
tk_err api_admin_booking_find(api_call *c);
tk_err api_admin_booking_checkin(api_call *c);
tk_err api_admin_seats_list(api_call *c);
tk_err api_admin_audit_list(api_call *c);
tk_err api_admin_whoami(api_call *c);
tk_err api_admin_member_find(api_call *c);
tk_err api_admin_report(api_call *c);
tk_err api_admin_dashboard(api_call *c);
tk_err api_server_info(api_call *c);

#endif
