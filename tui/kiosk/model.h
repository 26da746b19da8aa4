/* tui/kiosk/model.h -- the kiosk's replies and events as C values (prefix
 * ks_), as the console has tui/console/console_model.h.
 *
 * Every reply is read here, once, with range checks (cJSON's valueint
 * saturates: common/json's getters check before and after). Screens and
 * the session see only these structs. A field the reply lacks keeps its
 * zero, or -1 where 0 means something ("not said"). */
#ifndef TK_KS_MODEL_H
#define TK_KS_MODEL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "tui/kiosk/session.h"
#include "tui/ui/widgets.h"

/* queue.join, queue.status */
struct ks_queue_reply {
    char token[512];          /* queue.join only; "" otherwise */
    bool active;              /* state "active": admitted */
    int64_t seq;              /* -1: not said */
    int64_t position, eta_s;
    bool prequeue;            /* before the draw: no place yet */
    int64_t opens_in_s;
    int64_t expires_in_s;     /* -1: not said */
    int64_t turn_expires_in_s;/* -1: not said */
};
void ks_parse_queue(const cJSON *res, ks_queue_reply *out);

/* The `queue` event. */
typedef struct {
    bool paused, prequeue, has_admitted;
    int64_t admit_per_min, ms_per_place; /* -1: not said */
    int64_t admitted_seq, pre_count, opens_in_s;
} ks_queue_event;
void ks_parse_queue_event(const cJSON *body, ks_queue_event *out);

/* dates.list rows, and the counts of a `sales` event. */
typedef struct {
    int64_t date_id, free, held, sold;
    char title[128], venue[128], starts_at[40];
    char tz[TZ_NAME_MAX + 1]; /* the concert's zone ("" from an older server) */
} ks_date_row;
/* Fills rows[0..max) and returns how many; rows without a date_id skipped. */
int ks_parse_dates(const cJSON *res, ks_date_row *rows, int max);
/* A sales event: *date_id and the counts into row (its other fields kept). */
bool ks_parse_sales(const cJSON *body, int64_t *date_id, ks_date_row *row);

/* seats.list */
typedef struct {
    wg_seat seat[WG_SEATS];
    int64_t price[WG_SEATS];
    int64_t hold_id[WG_SEATS];  /* ours: the hold's id, else 0 */
    int64_t expires_in_s[WG_SEATS];
    int64_t seq, turn_expires_in_s; /* -1: not said */
} ks_seat_map;
void ks_parse_seats(const cJSON *res, ks_seat_map *out);

/* A seat.<date_id> event: the seat and whether it is still held. */
typedef struct {
    int64_t date_id;
    int seat_no;
    char state[16];
} ks_seat_event;
bool ks_parse_seat_event(const cJSON *body, ks_seat_event *out);

/* seat.hold */
typedef struct {
    int64_t hold_id, price, expires_in_s, turn_expires_in_s; /* price, turn: -1 not said */
} ks_hold_reply;
void ks_parse_hold(const cJSON *res, ks_hold_reply *out);

/* booking.list and the bookings of payment.pay; returns how many. */
int ks_parse_bookings(const cJSON *res, ks_ticket *out, int max);

/* wallet.history */
typedef struct {
    int64_t entry_id, amount, balance;
    char kind[16], at[40];
} ks_wallet_row;
int ks_parse_wallet(const cJSON *res, ks_wallet_row *out, int max);

/* A "balance" member (wallet.balance, wallet.charge, payment.pay, and the
 * data of INSUFFICIENT_FUNDS); false when absent. */
bool ks_parse_balance(const cJSON *obj, int64_t *balance);

#endif
