/* tui/kiosk/screens.h -- the kiosk's screens, for the navigation
 * (tui/kiosk/nav.c) alone: a screen goes elsewhere through nav.h, never
 * by making another screen. (The unit suites include this to start on a
 * screen.) */
#ifndef TK_KS_SCREENS_H
#define TK_KS_SCREENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/kiosk/session.h"
#include "tui/ui/app.h"

extern const app_screen_ops ks_welcome_ops, ks_queue_ops, ks_dates_ops, ks_seats_ops,
    ks_checkout_ops, ks_wallet_ops, ks_ticket_ops, ks_history_ops, ks_leave_ops;

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
void *ks_dates_new(void);
void *ks_seats_new(int64_t date_id);
void *ks_checkout_new(void);
/* back_after_charge: pop back (to checkout) once a charge succeeds. */
void *ks_wallet_new(bool back_after_charge);
/* Shows tickets[0..n) (copied). */
void *ks_ticket_new(const ks_ticket *tickets, int n);
/* The ticket shown (a ticket screen's state) can be scanned at the door:
 * its QR is drawn. Never for a refunded one. */
bool ks_ticket_scannable(const void *st);
void *ks_history_new(void);
/* "Leave and release them? y/n" over the screen that asked (drawn below
 * it); y logs out, n or Esc stays. */
void *ks_leave_new(const app_screen_ops *under_ops, void *under);
void ks_leave_question(char *out, size_t n, int held);

#endif
