/* tui/console/console_byid.c -- dashboard actions on a number the operator has in
 * hand (a date id from a report, a hold id or booking id from a support
 * call or a receipt): open that date's seat map, release that hold, refund
 * that booking (after a confirmation). And the code on a customer's
 * ticket: its date's seat map opens on its seat, where the operator can
 * see it and refund it. They also work when the dashboard itself cannot
 * load. */
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "tui/console/console_int.h"

static void open_date(app *a, void *owner, int64_t ctx, int64_t date_id)
{
    app_push(a, &adm_seats_ops, adm_seats_new(date_id));
}

static void release(app *a, void *owner, int64_t ctx, int64_t hold_id)
{
    cJSON *p = cJSON_CreateObject();
    jv_add_int(p, "hold_id", hold_id);
    app_call(a, owner, "admin.hold.release", p, ADM_TAG_RELEASE);
}

void adm_refund_send(app *a, void *owner, int64_t booking_id, int64_t yes)
{
    cJSON *p = cJSON_CreateObject();
    jv_add_int(p, "booking_id", booking_id);
    app_call(a, owner, "admin.booking.refund", p, ADM_TAG_REFUND);
}

static void refund_ask(app *a, void *owner, int64_t ctx, int64_t booking_id)
{
    char q[160];
    snprintf(q, sizeof q, tx(A_B_CONFIRM), (long long)booking_id);
    adm_ask_yes(a, owner, &adm_dash_ops, q, booking_id, adm_refund_send);
}

static void find_send(app *a, void *owner, const char *code)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "code", code);
    app_call(a, owner, "admin.booking.find", p, ADM_TAG_FIND);
}

int adm_byid_code(app *a, void *st, int key)
{
    adm_ask_code(a, st, &adm_dash_ops, tx(A_B_CODE), find_send);
    return APP_DONE;
}

/* The booking found: its date's map, on its seat. */
static void found(app *a, const cJSON *res)
{
    int64_t id = 0, date = 0, seat = 0;
    const char *code = "", *state = "";
    jv_get_int(res, "booking_id", 1, JV_INT_MAX, &id);
    jv_get_str(res, "code", 32, &code);
    jv_get_str(res, "state", 16, &state);
    if (jv_get_int(res, "date_id", 1, JV_INT_MAX, &date) == JV_OK &&
        jv_get_int(res, "seat_no", 1, 50, &seat) == JV_OK)
        app_push(a, &adm_seats_ops, adm_seats_new_at(date, (int)seat));
    adm_ok(a, tx(A_B_FOUND), code, (long long)id, (long long)seat,
           tx(strcmp(state, "paid") == 0 ? A_B_PAID : A_B_WAS_REFUNDED));
}

int adm_byid_date(app *a, void *st, int key)
{
    adm_ask_number(a, st, &adm_dash_ops, tx(A_B_DATE), 1, JV_INT_MAX, 0, open_date);
    return APP_DONE;
}

int adm_byid_release(app *a, void *st, int key)
{
    adm_ask_number(a, st, &adm_dash_ops, tx(A_B_HOLD), 1, JV_INT_MAX, 0, release);
    return APP_DONE;
}

int adm_byid_refund(app *a, void *st, int key)
{
    adm_ask_number(a, st, &adm_dash_ops, tx(A_B_BOOKING), 1, JV_INT_MAX, 0, refund_ask);
    return APP_DONE;
}

bool adm_byid_reply(app *a, int tag, const app_reply *r)
{
    if (tag == ADM_TAG_FIND) {
        if (!r->offline && r->err == TK_INVALID_PARAMS) /* the server's "none has it" */
            adm_bad(a, "%s", tx(A_B_NO_CODE));
        else if (r->err || !r->result)
            adm_fail(a, "admin.booking.find", r);
        else
            found(a, r->result);
        return true;
    }
    if (tag != ADM_TAG_RELEASE && tag != ADM_TAG_REFUND)
        return false;
    const char *method = tag == ADM_TAG_RELEASE ? "admin.hold.release" : "admin.booking.refund";
    int64_t id = 0, amount = 0;
    if (r->err || !r->result) {
        adm_fail(a, method, r);
        return true;
    }
    if (tag == ADM_TAG_RELEASE) {
        adm_ok(a, "%s", tx(A_B_RELEASED));
    } else {
        char money[32];
        jv_get_int(r->result, "booking_id", 0, JV_INT_MAX, &id);
        jv_get_int(r->result, "amount", 0, JV_INT_MAX, &amount);
        tx_money(money, sizeof money, amount);
        adm_ok(a, tx(A_B_REFUNDED), (long long)id, money);
    }
    adm_dash_poll_now(a);
    return true;
}
