/* tui/kiosk/kiosk.h -- the kiosk's shared model and its screens (prefix ks_).
 *
 * The session is the one piece of state that outlives screens: who the
 * member is, the queue token, the chosen date, the live holds and the last
 * purchase. Screens keep only what they show. The stack is, from the
 * bottom: welcome | queue -> dates -> seats -> checkout, with wallet and
 * history pushed on top of any of them and the ticket screen replacing the
 * lot after a payment. */
#ifndef TK_KIOSK_H
#define TK_KIOSK_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/ui/app.h"
#include "tui/ui/text.h"

#define KS_MAX_HOLDS 4
#define KS_MAX_TICKETS 8

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
} ks_ticket;

typedef struct {
    char user_id[40];
    char name[96];
    char token[512];
    int64_t queue_seq;
    int64_t date_id;
    char title[128], venue[128], starts_at[40];
    /* When the token lapses without a hold (monotonic ms, 0 unknown): the
     * active window or the turn's end, whichever is first, from queue.join
     * / queue.status expires_in_s. */
    int64_t turn_deadline_ms, turn_asked_ms;
    /* The turn's end (monotonic ms, 0 unknown), from turn_expires_in_s:
     * fixed at admission, it bounds everything, holds included. */
    int64_t turn_end_ms;
    ks_hold holds[KS_MAX_HOLDS];
    int nholds;
    /* The server let one of our holds lapse (its seat came free at its
     * deadline): when the turn then ends, that is why. */
    bool hold_lapsed;
    /* Our last hold was released early (staff, or paid at another kiosk):
     * the server restarted the turn's window, so the deadline we have is
     * wrong until queue.status says. */
    bool turn_stale;
    /* The token a lapse ended, to leave before joining again: with several
     * holds the server keeps it until the last one lapses, and a join
     * meanwhile would get it back, about to expire. */
    char stale_token[512];
    int64_t balance;
    bool balance_known;
    ks_ticket tickets[KS_MAX_TICKETS];
    int ntickets;
} ks_session;

#define KS_NAME_MAX 64 /* bytes of a member's name: the server's limit (TK_NAME_MAX) */

ks_session *ks(app *a);
void ks_session_clear(ks_session *s);

/* Session helpers. */
void ks_add_hold(ks_session *s, int64_t hold_id, int64_t date_id, int seat_no, int64_t price,
                 int64_t expires_in_s, int64_t now_ms);
/* A hold as a seats.list snapshot reports it (mine, with hold_id and
 * expires_in_s): updates the one we know in place, or adopts it -- the
 * seat.hold reply may have been lost to a timeout or a restart. */
void ks_sync_hold(ks_session *s, int64_t hold_id, int64_t date_id, int seat_no, int64_t price,
                  int64_t expires_in_s, int64_t now_ms);
bool ks_drop_hold_seat(ks_session *s, int64_t date_id, int seat_no);
/* The server no longer has our hold on the seat (an event or a snapshot
 * said so): drops it, noting hold_lapsed if it was due by now_ms (else
 * staff released it early). */
void ks_lose_hold_seat(ks_session *s, int64_t date_id, int seat_no, int64_t now_ms);
/* The same, on screen: a lapse of the last hold ends the turn (the server
 * expired the token with it) and requeues; an earlier lapse, or staff
 * releasing a seat, is said and the turn goes on. Nothing when the seat
 * was not ours. */
bool ks_hold_gone(app *a, int64_t date_id, int seat_no, int64_t now_ms); /* true: requeued */
const ks_hold *ks_find_hold(const ks_session *s, int64_t date_id, int seat_no);
int64_t ks_holds_total(const ks_session *s);
/* Earliest hold deadline (monotonic ms), 0 when none. */
int64_t ks_holds_deadline(const ks_session *s);

/* The active turn, shown on the dates and seat screens. */
/* From a queue.join/queue.status result: notes expires_in_s and
 * turn_expires_in_s when active. */
void ks_turn_note(ks_session *s, const cJSON *result, int64_t now_ms);
/* From any reply that carries turn_expires_in_s (seats.list, seat.hold). */
void ks_turn_end_note(ks_session *s, const cJSON *result, int64_t now_ms);
/* The one countdown the kiosk shows: seconds to the turn's end, or to the
 * first hold's deadline when that is earlier (or, holding nothing, to the
 * token's lapse); -1 unknown. *hold (may be NULL): a hold is what ends
 * first. */
int64_t ks_countdown_s(const ks_session *s, int64_t now_ms, bool *hold);
/* The turn is over by now_ms (give or take the lapse slack). */
bool ks_turn_over(const ks_session *s, int64_t now_ms);
/* queue.status on behalf of screen st (reply tag `tag`), and its reply:
 * notes the new deadline, or requeues when the turn is over. */
void ks_turn_ask(app *a, void *st, int tag);
void ks_turn_reply(app *a, const app_reply *r);
/* Tick: past the deadline with no hold keeping the turn, ask the server
 * (at most every few seconds) rather than guess. */
void ks_turn_tick(app *a, void *st, int tag, int64_t now_ms);
/* The countdown, "Your turn: 09:12 left" (or "Seats held: 04:12 left"
 * when a hold ends first), right-aligned in [x, x+w); a warning under 60 s. */
void ks_turn_draw(app *a, int y, int x, int w);

/* Navigation that several screens share. */
/* Token gone (lapse, turn over): drop token and holds, back to the queue
 * with an explanation that stays on screen. */
void ks_requeue(app *a, tx_id why);
/* A booking's state ("paid", "refunded") in the kiosk's language. */
const char *ks_booking_state(const char *state);
/* Release holds, leave the queue, forget the member, back to welcome. */
void ks_logout(app *a, tx_id why);
/* Holds past their deadline by our own monotonic count go (ks_hold_gone);
 * returns true when the last one did and the kiosk requeued. */
bool ks_check_lapse(app *a, int64_t now_ms);
/* The kiosk-mode idle handler (app_on_idle). */
void ks_idle(app *a);
/* F2 (app_on_lang): the title follows the language. */
void ks_lang_changed(app *a);
/* The language the kiosk started in: in --kiosk mode a session's end
 * (leave, idle) switches back to it for the next customer. */
void ks_set_home_lang(tx_lang l);

/* Replies: handles what every screen handles the same way (offline, turn
 * over, rate limit) and returns true; false leaves the rest to the screen. */
bool ks_common_error(app *a, const app_reply *r);
/* ks_common_error, else "Error: REASON" on the message line. */
void ks_reply_error(app *a, const app_reply *r);
/* Keys that mean the same on the queue and dates screens: w wallet,
 * b history (KS_KEYS_GO), Esc/q leave (KS_KEYS_LEAVE): rows of a key table. */
int ks_act_wallet(app *a, void *st, int key);
int ks_act_history(app *a, void *st, int key);
int ks_act_leave(app *a, void *st, int key);
#define KS_KEYS_GO                                                     \
    {{'w'}, ks_act_wallet, "w", T_H_WALLET, KM_BAR, 0},                 \
    {{'b'}, ks_act_history, "b", T_H_HISTORY, KM_BAR, 0}
#define KS_KEYS_LEAVE                                                  \
    {{27}, ks_act_leave, "Esc", T_H_LEAVE, KM_BAR, 0},                  \
    {{'q'}, ks_act_leave, "q", T_H_LEAVE, KM_HELP, 0}
/* A params object holding the token / the user id. */
cJSON *ks_token_params(app *a);
cJSON *ks_user_params(app *a);

/* "110,000 won" / "110,000원". */
void ks_won(char *out, size_t outsz, int64_t won);
/* RFC 3339 -> "2026-12-24 19:00" in local time (the raw text if unparsable). */
void ks_when(char *out, size_t outsz, const char *rfc3339);
/* "title  date  venue" of the session's date in w columns: a title too
 * long is cut (with an ellipsis) before the date and venue are, so the
 * customer always sees when and where. */
void ks_date_line(char *out, size_t outsz, const ks_session *s, int w);
/* A fresh request_id for an idempotent call ("k-<16 hex>"). */
void ks_request_id(char out[40]);
/* Copies a JSON string member, "" when absent. */
void ks_copy_str(char *out, size_t outsz, const cJSON *obj, const char *name);

/* ---- screens ---- */
extern const app_screen_ops ks_welcome_ops, ks_queue_ops, ks_dates_ops, ks_seats_ops,
    ks_checkout_ops, ks_wallet_ops, ks_ticket_ops, ks_history_ops;

void *ks_welcome_new(void);
void *ks_queue_new(void);
/* The wait the queue screen shows: the estimate eta_s counted down by the
 * time since it was made, but not below what the places ahead still take
 * at the pace; eta_s itself when the pace is unknown. */
int64_t ks_eta_shown(int64_t eta_s, int64_t elapsed_ms, int64_t position, int64_t ms_per_place);
/* Whether a fresh estimate (from an event's pace) replaces the countdown
 * now shown. The pace wobbles from event to event; for the same place a
 * slightly longer wait would make the countdown climb back, so only a
 * shorter one, or one a fifth longer (the line really slowed), is taken. */
bool ks_eta_take(int64_t fresh_s, int64_t shown_s, bool same_place);
/* The pre-queue's line, "Sales open at 20:00; your place is drawn then.",
 * in the current language, the opening (now_wall_ms + opens_in_s) in the
 * kiosk's local time. */
void ks_prequeue_text(char *out, size_t n, int64_t now_wall_ms, int64_t opens_in_s);
void *ks_dates_new(void);
void *ks_seats_new(int64_t date_id);
void *ks_checkout_new(void);
/* A payment is out and its outcome unknown (in flight, or its answer lost
 * and a retry with the same request_id to come): checkout's own state.
 * Meanwhile a spent token or our seat going "sold" is most likely that
 * payment: neither may send the customer back to the queue. */
bool ks_pay_open(app *a);
/* back_after_charge: pop back (to checkout) once a charge succeeds. */
void *ks_wallet_new(bool back_after_charge);
/* Shows tickets[0..n) (copied). */
void *ks_ticket_new(const ks_ticket *tickets, int n);
void *ks_history_new(void);

#endif
