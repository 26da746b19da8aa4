/* tui/kiosk/session.h -- the kiosk's session: who, where in line, the turn,
 * the holds, the payment (prefix ks_). Plain data and its transitions: no
 * screen, no app, no JSON; times are monotonic ms passed in, so
 * tests/unit_kiosk_session.c walks it through a whole visit.
 *
 * The session is in one state at a time (ks_state). Each transition is one
 * function, which changes the state and everything that goes with it (a
 * turn's end drops the token, the holds and the turn's facts together), so
 * no screen keeps two fields in step. What used to be flags set by hand
 * is read off facts: "a hold of ours lapsed this turn" (ks_hold_lapsed),
 * "the turn's deadline we know is out of date" (ks_turn_stale). */
#ifndef TK_KS_SESSION_H
#define TK_KS_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "common/tz.h"

#define KS_MAX_HOLDS 4
#define KS_MAX_TICKETS 8
#define KS_NAME_MAX 64 /* bytes of a member's name: the server's limit (TK_NAME_MAX) */
#define KS_LAPSE_SLACK_MS 2000 /* our deadlines are from receipt: a bit late */

typedef enum {
    KS_ANON,    /* nobody: the welcome screen */
    KS_MEMBER,  /* a member without a place in line (joining, or after a turn) */
    KS_WAITING, /* a place in line (a token), not admitted yet */
    KS_TURN,    /* admitted: choosing and holding seats */
    KS_PAYING,  /* a payment sent, its outcome not known yet */
} ks_state;

typedef struct {
    int64_t hold_id, date_id;
    int seat_no;
    int64_t price;
    int64_t deadline_ms; /* monotonic; from expires_in_s, so clocks don't matter */
    int64_t total_s;
} ks_hold;

typedef struct {
    int64_t booking_id, date_id, price;
    int seat_no;
    char code[64], title[128], venue[128], starts_at[40], state[24];
    char tz[TZ_NAME_MAX + 1]; /* the concert's zone: how starts_at is shown */
} ks_ticket;

typedef struct {
    ks_state state;
    char user_id[40];
    char name[96];
    char token[512];
    int64_t queue_seq;
    int64_t date_id;
    char title[128], venue[128], starts_at[40];
    char tz[TZ_NAME_MAX + 1]; /* the chosen date's zone */
    /* When the token lapses without a hold (monotonic ms, 0 unknown): the
     * active window or the turn's end, whichever is first. */
    int64_t turn_deadline_ms, turn_asked_ms;
    /* The turn's end (monotonic ms, 0 unknown): fixed at admission, it
     * bounds everything, holds included. */
    int64_t turn_end_ms;
    ks_hold holds[KS_MAX_HOLDS];
    int nholds;
    /* Facts of the turn, numbered in the order they happened (0: not this
     * turn): a hold of ours lapsed; our last hold was released early
     * (staff, or paid at another kiosk); the server told the token's
     * deadline. Leaving the turn forgets them. */
    uint64_t fact_no, lapsed_fact, released_fact, deadline_fact;
    /* The token a lapse ended, to leave before joining again: with several
     * holds the server keeps it until the last one lapses, and a join
     * meanwhile would get it back, about to expire. */
    char stale_token[512];
    int64_t balance;
    bool balance_known;
} ks_session;

/* What a queue.join / queue.status reply says (tui/kiosk/model.h). */
typedef struct ks_queue_reply ks_queue_reply;

/* ---- transitions ---- */
void ks_session_clear(ks_session *s); /* any -> ANON */
/* ANON -> MEMBER: the member is known (logged in, or just registered). */
void ks_login(ks_session *s, const char *user_id, const char *name);
/* MEMBER/WAITING/TURN: the line answered. A token given is ours; active
 * admits (-> TURN, with the turn's deadlines), waiting -> WAITING. */
void ks_queue_answer(ks_session *s, const ks_queue_reply *q, int64_t now_ms);
/* The token is gone (lapsed, expired, turn over): WAITING/TURN/PAYING ->
 * MEMBER, holds and the turn's facts with it. lapsed: keep the token to
 * leave it before the next join (stale_token). */
void ks_turn_lost(ks_session *s, bool lapsed);
/* The stale token was left (whatever the answer). */
void ks_stale_left(ks_session *s);
/* -> PAYING (a payment sent; again for a retry); PAYING -> TURN when it
 * failed for sure;
 * PAYING -> MEMBER when paid (the token is spent, the holds are tickets). */
void ks_pay_begin(ks_session *s);
void ks_pay_failed(ks_session *s);
void ks_paid(ks_session *s);

/* ---- derived ---- */
bool ks_pay_open(const ks_session *s); /* a payment's outcome is unknown */
bool ks_hold_lapsed(const ks_session *s);
/* Holding nothing after our last hold was released early: the server
 * restarted the token's window, so the deadline we have is wrong until
 * queue.status says. */
bool ks_turn_stale(const ks_session *s);
/* The one countdown the kiosk shows: seconds to the turn's end, or to the
 * first hold's deadline when that is earlier (or, holding nothing, to the
 * token's lapse); -1 unknown. *hold (may be NULL): a hold ends first. */
int64_t ks_countdown_s(const ks_session *s, int64_t now_ms, bool *hold);
/* The turn is over by now_ms (give or take the lapse slack). */
bool ks_turn_over(const ks_session *s, int64_t now_ms);

/* ---- the turn's clock ---- */
/* From a queue reply (active) or any reply that carries
 * turn_expires_in_s (seats.list, seat.hold); < 0: not said. */
void ks_turn_note(ks_session *s, int64_t expires_in_s, int64_t turn_expires_in_s, int64_t now_ms);

/* ---- holds ---- */
void ks_add_hold(ks_session *s, int64_t hold_id, int64_t date_id, int seat_no, int64_t price,
                 int64_t expires_in_s, int64_t now_ms);
/* A hold as a seats.list snapshot reports it (mine, with hold_id and
 * expires_in_s): updates the one we know in place, or adopts it -- the
 * seat.hold reply may have been lost to a timeout or a restart. */
void ks_sync_hold(ks_session *s, int64_t hold_id, int64_t date_id, int seat_no, int64_t price,
                  int64_t expires_in_s, int64_t now_ms);
/* We released it ourselves (or it was already gone). */
bool ks_drop_hold_seat(ks_session *s, int64_t date_id, int seat_no);
/* The server no longer has our hold on the seat: drops it and notes the
 * fact: lapsed if it was due by now_ms, else released early. Returns
 * whether it lapsed (false also when it was not ours). */
bool ks_lose_hold_seat(ks_session *s, int64_t date_id, int seat_no, int64_t now_ms);
/* Staff released holds (or another kiosk paid them): all gone, not lapsed. */
void ks_holds_gone(ks_session *s, int64_t now_ms);
const ks_hold *ks_find_hold(const ks_session *s, int64_t date_id, int seat_no);
int64_t ks_holds_total(const ks_session *s);
/* Earliest hold deadline (monotonic ms), 0 when none; *first (may be
 * NULL) the hold it is. */
int64_t ks_holds_deadline(const ks_session *s, const ks_hold **first);

/* ---- what else the session remembers ---- */
void ks_balance_note(ks_session *s, int64_t balance);
/* The date the customer chose (for the title lines and tickets). */
void ks_choose_date(ks_session *s, int64_t date_id, const char *title, const char *venue,
                    const char *starts_at, const char *tz);

#endif
