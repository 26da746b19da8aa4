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
#include "tui/ui/widgets.h"

static void open_date(app *a, void *owner, int64_t ctx, int64_t date_id)
{
    app_push(a, &adm_seats_ops, adm_seats_new(date_id));
}

static void release_send(app *a, void *owner, int64_t hold_id, int64_t yes)
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

/* Nothing to look in, or no map could be read: still asked, by id alone
 * (the server refuses a wrong one). */
static void look_ask_bare(app *a, void *owner)
{
    adm_console *c = adm_get(a);
    char q[256];
    snprintf(q, sizeof q, tx(c->look.booking ? A_B_CONFIRM_BARE : A_B_CONFIRM_HOLD_BARE), (long long)c->look.id);
    adm_ask_yes(a, owner, &adm_dash_ops, q, c->look.id, c->look.booking ? adm_refund_send : release_send);
}

/* A number is all the operator typed: before the y/n, find what it is
 * (seat, code, amount) in every date's map, so the question says what
 * would be released or refunded, and a wrong number is caught here. */
static void look_start(app *a, void *owner, bool booking, int64_t id)
{
    adm_console *c = adm_get(a);
    c->look = (adm_lookup){.booking = booking, .id = id};
    for (int i = 0; i < c->m.ndates; i++) {
        cJSON *p = cJSON_CreateObject();
        jv_add_int(p, "date_id", c->m.dates[i].date_id);
        if (app_call(a, owner, "admin.seats.list", p, ADM_TAG_LOOKUP) > 0)
            c->look.waiting++;
    }
    if (c->look.waiting == 0) /* no dates known (the dashboard cannot load) */
        look_ask_bare(a, owner);
    else
        app_flash(a, tx(A_B_LOOKING));
}

static void release(app *a, void *owner, int64_t ctx, int64_t hold_id) { look_start(a, owner, false, hold_id); }
static void refund_ask(app *a, void *owner, int64_t ctx, int64_t booking_id) { look_start(a, owner, true, booking_id); }

/* One date's map: is it there? */
static void look_map(adm_console *c, const cJSON *res)
{
    int64_t date_id = 0;
    const cJSON *seats = cJSON_GetObjectItemCaseSensitive(res, "seats"), *it;
    jv_get_int(res, "date_id", 1, JV_INT_MAX, &date_id);
    cJSON_ArrayForEach(it, seats) {
        adm_seat_row row;
        int no;
        if (!adm_seat_parse(it, &row, &no))
            continue;
        bool hit = c->look.booking ? row.state == WG_S_SOLD && row.booking_id == c->look.id
                                   : row.state == WG_S_HELD && row.hold_id == c->look.id;
        if (hit) {
            c->look.date_id = date_id;
            c->look.seat = no;
            c->look.price = row.price;
            snprintf(c->look.code, sizeof c->look.code, "%s", row.code);
        }
    }
}

/* Every map is in: ask, or say it is nowhere. */
static void look_done(app *a, void *owner)
{
    adm_console *c = adm_get(a);
    char q[256], money[32], name[8];
    if (!c->look.seat && c->look.failed) {
        look_ask_bare(a, owner); /* it may be on a map that could not be read */
        return;
    }
    if (!c->look.seat) {
        adm_bad(a, tx(c->look.booking ? A_B_NO_BOOKING : A_B_NO_HOLD), (long long)c->look.id);
        return;
    }
    tx_money(money, sizeof money, c->look.price);
    wg_seat_name(name, c->look.seat);
    if (c->look.booking)
        snprintf(q, sizeof q, tx(A_B_CONFIRM), (long long)c->look.id, c->look.code, name,
                 (long long)c->look.date_id, money);
    else
        snprintf(q, sizeof q, tx(A_B_CONFIRM_HOLD), (long long)c->look.id, name, (long long)c->look.date_id,
                 money);
    adm_ask_yes(a, owner, &adm_dash_ops, q, c->look.id, c->look.booking ? adm_refund_send : release_send);
}

static void look_reply(app *a, void *owner, const app_reply *r)
{
    adm_console *c = adm_get(a);
    if (c->look.waiting <= 0)
        return; /* a lookup that was already answered */
    c->look.waiting--;
    if (r->err || !r->result) {
        if (!c->look.failed)
            adm_fail(a, "admin.seats.list", r);
        c->look.failed = true;
    } else {
        look_map(c, r->result);
    }
    if (c->look.waiting == 0)
        look_done(a, owner);
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
    char name[8];
    wg_seat_name(name, (int)seat);
    adm_ok(a, tx(A_B_FOUND), code, (long long)id, name, tx(strcmp(state, "paid") == 0 ? A_B_PAID : A_B_WAS_REFUNDED));
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

bool adm_byid_reply(app *a, void *owner, int tag, const app_reply *r)
{
    if (tag == ADM_TAG_LOOKUP) {
        look_reply(a, owner, r);
        return true;
    }
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
        char name[8];
        const adm_lookup *l = &adm_get(a)->look;
        if (l->seat) {
            wg_seat_name(name, l->seat);
            adm_ok(a, tx(A_R_RELEASED), (long long)l->id, name);
        } else {
            adm_ok(a, "%s", tx(A_B_RELEASED));
        }
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
