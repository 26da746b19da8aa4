/* tui/kiosk/nav.c -- the kiosk's moves between screens. */
#include "tui/kiosk/nav.h"

#include "common/json.h"
#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"

void ks_start(app *a) { app_push(a, &ks_welcome_ops, ks_welcome_new()); }
void ks_go_queue(app *a) { app_reset(a, &ks_queue_ops, ks_queue_new()); }
void ks_go_dates(app *a) { app_replace(a, &ks_dates_ops, ks_dates_new()); }
void ks_go_seats(app *a, int64_t date_id) { app_push(a, &ks_seats_ops, ks_seats_new(date_id)); }
void ks_go_checkout(app *a) { app_push(a, &ks_checkout_ops, ks_checkout_new()); }
void ks_go_wallet(app *a, bool back) { app_push(a, &ks_wallet_ops, ks_wallet_new(back)); }
void ks_go_history(app *a) { app_push(a, &ks_history_ops, ks_history_new()); }

void ks_go_tickets(app *a, const ks_ticket *t, int n, bool after_payment)
{
    if (after_payment)
        app_reset(a, &ks_ticket_ops, ks_ticket_new(t, n));
    else
        app_push(a, &ks_ticket_ops, ks_ticket_new(t, n));
}

void ks_requeue(app *a, tx_id why)
{
    ks_turn_lost(ks(a), why == T_LAPSED);
    ks_go_queue(a);
    if (why != T_COUNT)
        app_flash(a, tx(why));
}

static tx_lang ks_home_lang = TX_EN;

void ks_set_home_lang(tx_lang l) { ks_home_lang = l; }

void ks_lang_changed(app *a) { app_set_title(a, tx(T_APP_TITLE)); }

void ks_logout(app *a, tx_id why)
{
    ks_session *s = ks(a);
    /* The next customer at a kiosk meets it in its own language, whatever
     * the last one switched to (not so on a terminal of one's own). */
    if (app_cfg(a)->kiosk && tx_get_lang() != ks_home_lang) {
        tx_set_lang(ks_home_lang);
        ks_lang_changed(a);
    }
    /* Give the seats back now rather than in five minutes: the next
     * customer at this kiosk (or any other) can have them. */
    for (int i = 0; i < s->nholds && s->token[0]; i++) {
        cJSON *p = ks_token_params(a);
        jv_add_int(p, "hold_id", s->holds[i].hold_id);
        app_call_quiet(a, "hold.release", p);
    }
    if (s->token[0])
        app_call_quiet(a, "queue.leave", ks_token_params(a));
    ks_session_clear(s);
    app_reset(a, &ks_welcome_ops, ks_welcome_new());
    if (why != T_COUNT)
        app_flash(a, tx(why));
}

void ks_ask_leave(app *a) { app_push(a, &ks_leave_ops, ks_leave_new(app_top_ops(a), app_top_state(a))); }

/* The same cases as ks_idle: no countdown where the reset would not
 * happen, nor on an empty welcome screen (nothing to lose there). */
bool ks_idle_warn(app *a)
{
    ks_session *s = ks(a);
    if (app_top_ops(a) == &ks_queue_ops || ks_pay_open(s))
        return false;
    return app_top_ops(a) != &ks_welcome_ops || s->user_id[0];
}

void ks_idle(app *a)
{
    ks_session *s = ks(a);
    /* Waiting in line is not being idle: the line moves on its own and
     * the customer keeps their place; the timer applies once admitted. */
    if (app_top_ops(a) == &ks_queue_ops)
        return;
    /* Nor is waiting to learn whether a payment went through. */
    if (ks_pay_open(s))
        return;
    bool fresh = app_top_ops(a) == &ks_welcome_ops && !s->user_id[0];
    ks_logout(a, fresh ? T_COUNT : T_IDLE_RESET);
}
