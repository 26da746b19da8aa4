/* tui/kiosk/kiosk.h -- what the kiosk's screens share (prefix ks_): the
 * session on the app, the calls every screen makes the same way, and the
 * answers every screen handles the same way.
 *
 * The kiosk is: the session (session.h: state and transitions, no
 * screens), the replies as C values (model.h), the text (format.h), the
 * moves between screens (nav.h: the only module that knows the screens),
 * and one file per screen (screen_*.c). */
#ifndef TK_KIOSK_H
#define TK_KIOSK_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/kiosk/format.h"
#include "tui/kiosk/model.h"
#include "tui/kiosk/nav.h"
#include "tui/kiosk/session.h"
#include "tui/ui/app.h"
#include "tui/ui/text.h"

/* The session of the app (its model). */
ks_session *ks(app *a);

/* ---- holds gone, on screen ---- */
/* The server no longer has our hold on the seat (an event or a snapshot
 * said so). A lapse of the last hold ends the turn (the server expired the
 * token with it): requeues and returns true. An earlier lapse, or staff
 * releasing a seat, is said and the turn goes on. While a payment is open
 * it is most likely that payment: only dropped. Nothing when not ours. */
bool ks_hold_gone(app *a, int64_t date_id, int seat_no, int64_t now_ms);
/* Holds past their deadline by our own count go (ks_hold_gone); returns
 * true when the last one did and the kiosk requeued. */
bool ks_check_lapse(app *a, int64_t now_ms);

/* ---- the turn's clock ---- */
/* queue.status on behalf of screen st (reply tag `tag`), and its reply:
 * notes the new deadline, or requeues when the turn is over. */
void ks_turn_ask(app *a, void *st, int tag);
void ks_turn_reply(app *a, const app_reply *r);
/* Tick: past the deadline with no hold keeping the turn, ask the server
 * (at most every few seconds) rather than guess. */
void ks_turn_tick(app *a, void *st, int tag, int64_t now_ms);

/* ---- answers ---- */
/* Handles what every screen handles the same way (offline, turn over,
 * rate limit) and returns true; false leaves the rest to the screen. */
bool ks_common_error(app *a, const app_reply *r);
/* ks_common_error, else "Error: REASON" on the message line. */
void ks_reply_error(app *a, const app_reply *r);

/* ---- calls ---- */
/* A params object holding the token / the user id. */
cJSON *ks_token_params(app *a);
cJSON *ks_user_params(app *a);

/* ---- keys the queue and dates screens share ---- */
/* w wallet, b history (KS_KEYS_GO), Esc/q leave (KS_KEYS_LEAVE): rows of a
 * key table (tui/ui/keymap.h). */
int ks_act_wallet(app *a, void *st, int key);
int ks_act_history(app *a, void *st, int key);
int ks_act_leave(app *a, void *st, int key);
#define KS_KEYS_GO                                                     \
    {{'w'}, ks_act_wallet, "w", T_H_WALLET, KM_BAR, 0},                 \
    {{'b'}, ks_act_history, "b", T_H_HISTORY, KM_BAR, 0}
#define KS_KEYS_LEAVE                                                  \
    {{27}, ks_act_leave, "Esc", T_H_LEAVE, KM_BAR, 0},                  \
    {{'q'}, ks_act_leave, "q", T_H_LEAVE, KM_HELP, 0}

#endif
