/* tui/kiosk/session.c -- the session's transitions and what follows from them. */
#include "tui/kiosk/session.h"

#include <stdio.h>
#include <string.h>

#include "tui/kiosk/model.h"

/* ---- transitions ---- */

void ks_session_clear(ks_session *s) { memset(s, 0, sizeof(*s)); }

void ks_login(ks_session *s, const char *user_id, const char *name)
{
    snprintf(s->user_id, sizeof s->user_id, "%s", user_id);
    snprintf(s->name, sizeof s->name, "%s", name ? name : "");
    s->state = KS_MEMBER;
}

/* Everything a turn knew goes with it, at once. */
static void ks_forget_turn(ks_session *s)
{
    s->token[0] = 0;
    s->nholds = 0;
    s->turn_deadline_ms = s->turn_end_ms = 0;
    s->fact_no = s->lapsed_fact = s->released_fact = s->deadline_fact = 0;
}

void ks_queue_answer(ks_session *s, const ks_queue_reply *q, int64_t now_ms)
{
    if (q->token[0])
        snprintf(s->token, sizeof s->token, "%s", q->token);
    /* after a draw, seq is the drawn number the events count */
    if (q->seq >= 0)
        s->queue_seq = q->seq;
    if (!q->active) {
        s->state = KS_WAITING;
        return;
    }
    if (s->state != KS_PAYING)
        s->state = KS_TURN;
    if (q->expires_in_s >= 0)
        ks_turn_note(s, q->expires_in_s, q->turn_expires_in_s, now_ms);
}

void ks_turn_lost(ks_session *s, bool lapsed)
{
    if (lapsed && s->token[0])
        snprintf(s->stale_token, sizeof s->stale_token, "%s", s->token);
    ks_forget_turn(s);
    s->state = s->user_id[0] ? KS_MEMBER : KS_ANON;
}

void ks_stale_left(ks_session *s) { s->stale_token[0] = 0; }

void ks_pay_begin(ks_session *s) { s->state = KS_PAYING; }

void ks_pay_failed(ks_session *s)
{
    if (s->state == KS_PAYING)
        s->state = KS_TURN;
}

void ks_paid(ks_session *s)
{
    ks_forget_turn(s); /* a paid token is spent */
    s->state = KS_MEMBER;
}

/* ---- derived ---- */

bool ks_pay_open(const ks_session *s) { return s->state == KS_PAYING; }
bool ks_hold_lapsed(const ks_session *s) { return s->lapsed_fact != 0; }

bool ks_turn_stale(const ks_session *s)
{
    return s->nholds == 0 && s->released_fact > s->deadline_fact;
}

int64_t ks_countdown_s(const ks_session *s, int64_t now_ms, bool *hold)
{
    /* Holding, the first hold to lapse is what the customer loses first;
     * holding nothing, the token's own lapse. The turn's end bounds both
     * (a server before turns did not say it: then 0, unknown). */
    int64_t until = s->nholds > 0 ? ks_holds_deadline(s, NULL) : ks_turn_stale(s) ? 0 : s->turn_deadline_ms;
    bool by_hold = s->nholds > 0;
    if (until != 0 && s->turn_end_ms != 0 && s->turn_end_ms <= until) {
        until = s->turn_end_ms;
        by_hold = false;
    }
    if (hold)
        *hold = by_hold;
    if (until == 0)
        return -1;
    return until > now_ms ? (until - now_ms + 999) / 1000 : 0;
}

bool ks_turn_over(const ks_session *s, int64_t now_ms)
{
    return s->turn_end_ms != 0 && s->turn_end_ms <= now_ms + KS_LAPSE_SLACK_MS;
}

void ks_turn_note(ks_session *s, int64_t expires_in_s, int64_t turn_expires_in_s, int64_t now_ms)
{
    if (expires_in_s >= 0) {
        s->turn_deadline_ms = now_ms + expires_in_s * 1000;
        s->deadline_fact = ++s->fact_no;
    }
    if (turn_expires_in_s >= 0)
        s->turn_end_ms = now_ms + turn_expires_in_s * 1000;
}

/* ---- holds ---- */

void ks_add_hold(ks_session *s, int64_t hold_id, int64_t date_id, int seat_no, int64_t price,
                 int64_t expires_in_s, int64_t now_ms)
{
    ks_drop_hold_seat(s, date_id, seat_no);
    if (s->nholds == KS_MAX_HOLDS)
        return;
    s->holds[s->nholds++] = (ks_hold){hold_id, date_id, seat_no, price, now_ms + expires_in_s * 1000, expires_in_s};
}

void ks_sync_hold(ks_session *s, int64_t hold_id, int64_t date_id, int seat_no, int64_t price,
                  int64_t expires_in_s, int64_t now_ms)
{
    for (int i = 0; i < s->nholds; i++) {
        ks_hold *h = &s->holds[i];
        if (h->date_id == date_id && h->seat_no == seat_no) {
            /* keep its place and total_s (the bar's full length) */
            h->hold_id = hold_id;
            h->price = price;
            h->deadline_ms = now_ms + expires_in_s * 1000;
            if (h->total_s < expires_in_s)
                h->total_s = expires_in_s;
            return;
        }
    }
    ks_add_hold(s, hold_id, date_id, seat_no, price, expires_in_s, now_ms);
}

bool ks_drop_hold_seat(ks_session *s, int64_t date_id, int seat_no)
{
    for (int i = 0; i < s->nholds; i++)
        if (s->holds[i].date_id == date_id && s->holds[i].seat_no == seat_no) {
            memmove(&s->holds[i], &s->holds[i + 1], (size_t)(s->nholds - i - 1) * sizeof(s->holds[0]));
            s->nholds--;
            return true;
        }
    return false;
}

bool ks_lose_hold_seat(ks_session *s, int64_t date_id, int seat_no, int64_t now_ms)
{
    const ks_hold *h = ks_find_hold(s, date_id, seat_no);
    if (!h)
        return false;
    bool lapsed = h->deadline_ms <= now_ms + KS_LAPSE_SLACK_MS;
    ks_drop_hold_seat(s, date_id, seat_no);
    if (lapsed)
        s->lapsed_fact = ++s->fact_no;
    else if (s->nholds == 0)
        s->released_fact = ++s->fact_no;
    return lapsed;
}

void ks_holds_gone(ks_session *s, int64_t now_ms)
{
    if (s->nholds == 0)
        return;
    s->nholds = 0;
    s->released_fact = ++s->fact_no;
}

const ks_hold *ks_find_hold(const ks_session *s, int64_t date_id, int seat_no)
{
    for (int i = 0; i < s->nholds; i++)
        if (s->holds[i].date_id == date_id && s->holds[i].seat_no == seat_no)
            return &s->holds[i];
    return NULL;
}

int64_t ks_holds_total(const ks_session *s)
{
    int64_t t = 0;
    for (int i = 0; i < s->nholds; i++)
        t += s->holds[i].price;
    return t;
}

int64_t ks_holds_deadline(const ks_session *s, const ks_hold **first)
{
    const ks_hold *f = NULL;
    for (int i = 0; i < s->nholds; i++)
        if (!f || s->holds[i].deadline_ms <= f->deadline_ms) /* the last of equals */
            f = &s->holds[i];
    if (first)
        *first = f;
    return f ? f->deadline_ms : 0;
}

/* ---- what else ---- */

void ks_balance_note(ks_session *s, int64_t balance)
{
    s->balance = balance;
    s->balance_known = true;
}

void ks_choose_date(ks_session *s, int64_t date_id, const char *title, const char *venue,
                    const char *starts_at, const char *tz)
{
    s->date_id = date_id;
    snprintf(s->title, sizeof s->title, "%s", title);
    snprintf(s->venue, sizeof s->venue, "%s", venue);
    snprintf(s->starts_at, sizeof s->starts_at, "%s", starts_at);
    snprintf(s->tz, sizeof s->tz, "%s", tz ? tz : "");
}
