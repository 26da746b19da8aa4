/* tui/kiosk/nav.h -- where the kiosk goes next (prefix ks_).
 *
 * The one module that knows the screens: the stack is, from the bottom,
 * welcome | queue -> dates -> seats -> checkout, with wallet and history
 * pushed on top of any of them and the ticket screen replacing the lot
 * after a payment. Screens ask to go somewhere; the session's transitions
 * that come with a move (a turn lost, a logout) happen here too. */
#ifndef TK_KS_NAV_H
#define TK_KS_NAV_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/kiosk/session.h"
#include "tui/ui/app.h"
#include "tui/ui/text.h"

/* The first screen (main). */
void ks_start(app *a);
void ks_go_queue(app *a);   /* the line: joins, or asks where we are */
void ks_go_dates(app *a);   /* admitted: in place of the queue */
void ks_go_seats(app *a, int64_t date_id);
void ks_go_checkout(app *a);
/* back_after_charge: back here once a charge goes through (checkout). */
void ks_go_wallet(app *a, bool back_after_charge);
void ks_go_history(app *a);
/* Tickets to show: alone on the stack after a payment (done ends the
 * session), or on top (from the history). */
void ks_go_tickets(app *a, const ks_ticket *t, int n, bool after_payment);

/* Token gone (lapse, turn over): the session loses the turn, back to the
 * queue with why (T_COUNT: nothing to say) on the message line. */
void ks_requeue(app *a, tx_id why);
/* Release holds, leave the queue, forget the member, back to welcome. */
void ks_logout(app *a, tx_id why);
/* Held seats and a leave key: ask first (y logs out, n stays). */
void ks_ask_leave(app *a);
/* The kiosk-mode idle handler (app_on_idle), and whether its countdown
 * shows first (app_idle_warn). */
void ks_idle(app *a);
bool ks_idle_warn(app *a);
/* F2 (app_on_lang): the title follows the language. */
void ks_lang_changed(app *a);
/* The language the kiosk started in: in --kiosk mode a session's end
 * (leave, idle) switches back to it for the next customer. */
void ks_set_home_lang(tx_lang l);

#endif
