/* tui/kiosk/kiosk.c -- what the kiosk's screens share: holds gone, the
 * turn's clock, common answers, params, shared keys. */
#include "tui/kiosk/kiosk.h"

#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"

ks_session *ks(app *a) { return app_model(a); }

bool ks_hold_gone(app *a, int64_t date_id, int seat_no, int64_t now_ms)
{
    ks_session *s = ks(a);
    if (!ks_find_hold(s, date_id, seat_no))
        return false;
    if (ks_pay_open(s)) { /* likely our own payment: its answer will say */
        ks_drop_hold_seat(s, date_id, seat_no);
        return false;
    }
    bool lapsed = ks_lose_hold_seat(s, date_id, seat_no, now_ms);
    if (lapsed && s->nholds == 0) { /* at the turn's end, that is what to say */
        ks_requeue(a, ks_turn_over(s, now_ms) ? T_TURN_ENDED : T_LAPSED);
        return true;
    }
    char m[256];
    char name[8];
    wg_seat_name(name, seat_no);
    snprintf(m, sizeof m, tx(lapsed ? T_SEAT_LAPSED : T_SEAT_TAKEN_BACK), name);
    app_flash(a, m);
    return false;
}

bool ks_check_lapse(app *a, int64_t now_ms)
{
    ks_session *s = ks(a);
    const ks_hold *h;
    /* One by one: the server keeps the turn until the last hold lapses,
     * and the others stay ours meanwhile. */
    while (s->nholds > 0 && now_ms >= ks_holds_deadline(s, &h))
        if (ks_hold_gone(a, h->date_id, h->seat_no, now_ms))
            return true; /* that was the last */
    return false;
}

void ks_turn_ask(app *a, void *st, int tag)
{
    ks(a)->turn_asked_ms = clock_mono_ms();
    app_call(a, st, "queue.status", ks_token_params(a), tag);
}

void ks_turn_reply(app *a, const app_reply *r)
{
    if (!r->err) {
        ks_queue_reply q;
        ks_parse_queue(r->result, &q);
        if (q.active && q.expires_in_s >= 0)
            ks_turn_note(ks(a), q.expires_in_s, q.turn_expires_in_s, clock_mono_ms());
    } else if (!r->offline) { /* offline: the banner says it; the resync asks again */
        ks_common_error(a, r);
    }
}

void ks_turn_tick(app *a, void *st, int tag, int64_t now_ms)
{
    ks_session *s = ks(a);
    bool due = ks_turn_stale(s) || ks_countdown_s(s, now_ms, NULL) == 0;
    if (s->nholds == 0 && due && now_ms - s->turn_asked_ms >= 5000)
        ks_turn_ask(a, st, tag);
}

bool ks_common_error(app *a, const app_reply *r)
{
    ks_session *s = ks(a);
    switch (r->offline ? TK_ERR_COUNT : r->err) {
    case TK_ERR_COUNT:
        app_flash(a, tx(T_ERR_OFFLINE));
        return true;
    case TK_TOKEN_EXPIRED:
    case TK_TOKEN_INVALID:
        /* A payment whose answer was lost may have spent the token: its
         * retry (checkout) decides, not this reply. */
        if (ks_pay_open(s))
            return true;
        /* a hold that lapsed ends the turn with it; say so, even when
         * the seat's event already took it off our list */
        ks_requeue(a, !ks_turn_over(s, clock_mono_ms()) && (s->nholds > 0 || ks_hold_lapsed(s))
                          ? T_LAPSED
                          : T_TURN_ENDED);
        return true;
    case TK_NOT_ADMITTED:
        ks_requeue(a, T_COUNT);
        return true;
    case TK_RATE_LIMITED:
        app_flash(a, tx(T_ERR_RATE));
        return true;
    default:
        return false;
    }
}

void ks_reply_error(app *a, const app_reply *r)
{
    if (ks_common_error(a, r))
        return;
    char m[256];
    snprintf(m, sizeof(m), tx(T_ERR_OTHER), tk_err_reason(r->err));
    app_flash(a, m);
}

cJSON *ks_token_params(app *a)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "token", ks(a)->token);
    return p;
}

cJSON *ks_user_params(app *a)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "user_id", ks(a)->user_id);
    return p;
}

int ks_act_wallet(app *a, void *st, int key)
{
    ks_go_wallet(a, false);
    return APP_DONE;
}

int ks_act_history(app *a, void *st, int key)
{
    ks_go_history(a);
    return APP_DONE;
}

int ks_act_leave(app *a, void *st, int key)
{
    if (ks(a)->nholds > 0) { /* seats picked are not given back unasked */
        ks_ask_leave(a);
        return APP_DONE;
    }
    ks_logout(a, T_COUNT);
    return APP_DONE;
}
