/* server/api/api_admin.c -- the admin methods that change the catalog, the
 * queue, holds and bookings, plus finding a booking by code, the operator
 * seat map and the audit log.
 * The admin key is checked (and the call audited) in api.c before and
 * after these run. admin.dashboard lives in api_dashboard.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "server/api/api_int.h"

tk_err api_admin_concert_create(api_call *c)
{
    const char *title, *venue, *tz = NULL;
    int64_t id;
    tk_err e;
    if ((e = ap_str(c, "title", TK_TITLE_MAX, &title)) ||
        (e = ap_str(c, "venue", TK_TITLE_MAX, &venue)))
        return e;
    jv_status st = jv_get_str(c->params, "tz", TZ_NAME_MAX, &tz);
    if (st == JV_BAD || (st == JV_OK && !tz_valid(tz)))
        return ap_bad(c, "tz", "tz must be an IANA time zone this server knows, like "
                               "Asia/Seoul or Europe/Berlin");
    if ((e = tk_admin_concert_create_in(c->d, title, venue, tz, c->now_ms, &id, &c->ei)))
        return e;
    ar_int(ar_new(c), "concert_id", id);
    return TK_OK;
}

/* "7" or "1-10" -> [lo, hi] inside 1..TK_SEATS. */
static bool price_range(const char *k, int *lo, int *hi)
{
    char *end;
    long a = strtol(k, &end, 10), b = a;
    if (end == k || k[0] == '-' || k[0] == '+' || k[0] == ' ')
        return false;
    if (*end == '-') {
        const char *p = end + 1;
        if (*p < '0' || *p > '9')
            return false;
        b = strtol(p, &end, 10);
    }
    if (*end || a < 1 || b > TK_SEATS || a > b)
        return false;
    *lo = (int)a;
    *hi = (int)b;
    return true;
}

/* prices: 50 integers (seat 1 first), or {"1-10":150000,...} whose ranges
 * cover every seat exactly once. */
static tk_err date_prices(api_call *c, int64_t prices[TK_SEATS])
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(c->params, "prices");
    const char *why = "prices must be 50 integers or {\"1-10\":150000,...} covering seats "
                      "1..50 exactly once, each price 1..10000000";
    if (!p || cJSON_IsNull(p))
        return ap_bad(c, "prices", "missing param 'prices'");
    if (cJSON_IsArray(p)) {
        if (cJSON_GetArraySize(p) != TK_SEATS)
            return ap_bad(c, "prices", why);
        int i = 0;
        for (const cJSON *it = p->child; it; it = it->next, i++)
            if (jv_int_value(it, 1, TK_PRICE_MAX, &prices[i]) != JV_OK)
                return ap_bad(c, "prices", why);
        return TK_OK;
    }
    if (!cJSON_IsObject(p))
        return ap_bad(c, "prices", why);
    bool seen[TK_SEATS + 1] = {false};
    int covered = 0;
    for (const cJSON *it = p->child; it; it = it->next) {
        int lo, hi;
        int64_t v;
        if (!it->string || !price_range(it->string, &lo, &hi) ||
            jv_int_value(it, 1, TK_PRICE_MAX, &v) != JV_OK)
            return ap_bad(c, "prices", why);
        for (int s = lo; s <= hi; s++) {
            if (seen[s])
                return ap_bad(c, "prices", why);
            seen[s] = true;
            prices[s - 1] = v;
            covered++;
        }
    }
    return covered == TK_SEATS ? TK_OK : ap_bad(c, "prices", why);
}

tk_err api_admin_date_create(api_call *c)
{
    int64_t concert_id, starts_at = 0, on_sale_at = -1, id;
    int64_t prices[TK_SEATS];
    tk_err e;
    if ((e = ap_id(c, "concert_id", &concert_id)))
        return e;
    /* Venue time: a time without an offset is the concert's wall clock. An
     * unknown concert is the domain's to refuse, after the params. */
    const char *zone = tk_concert_tz(c->d, concert_id);
    if (!zone)
        zone = tk_config_of(c->d)->tz;
    if ((e = ap_local_time(c, "starts_at", zone, true, &starts_at)) ||
        (e = date_prices(c, prices)) ||
        (e = ap_local_time(c, "on_sale_at", zone, false, &on_sale_at)) ||
        (e = tk_admin_date_create(c->d, concert_id, starts_at, prices, on_sale_at, c->now_ms,
                                  &id, &c->ei)))
        return e;
    ar_int(ar_new(c), "date_id", id);
    return TK_OK;
}

/* opens_at: an RFC 3339 time, or null (0: clear the pre-queue). */
static tk_err queue_opens_at(api_call *c, int64_t *ms, bool *present)
{
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(c->params, "opens_at"))) {
        *ms = 0;
        *present = true;
        return TK_OK;
    }
    tk_err e = ap_time(c, "opens_at", false, ms, present);
    if (!e && *present && *ms <= 0) /* 0 means "clear" in the domain */
        return ap_bad(c, "opens_at", "opens_at must be in the future");
    return e;
}

/* The queue settings as admin.queue.set and admin.dashboard show them. */
void ar_queue_settings(cJSON *o, const tk_queue_settings *s)
{
    ar_bool(o, "paused", s->paused);
    ar_int(o, "max_active", s->max_active);
    ar_int(o, "admit_per_min", s->admit_per_min);
    if (s->opens_at_ms)
        ar_time(o, "opens_at", s->opens_at_ms);
    else
        cJSON_AddNullToObject(o, "opens_at");
}

tk_err api_admin_queue_set(api_call *c)
{
    bool paused = false, hm, ha, ho;
    int64_t max_active = 0, apm = 0, opens = 0;
    tk_err e;
    jv_status ps = jv_get_bool(c->params, "paused", &paused);
    if (ps == JV_BAD)
        return ap_bad(c, "paused", "param 'paused' must be true or false");
    bool hp = ps == JV_OK;
    if ((e = ap_int_opt(c, "max_active", 0, 10000000, &max_active, &hm)) ||
        (e = ap_int_opt(c, "admit_per_min", 0, 10000000, &apm, &ha)) ||
        (e = queue_opens_at(c, &opens, &ho)))
        return e;
    tk_queue_settings s;
    if ((e = tk_admin_queue_set(c->d, hp ? &paused : NULL, hm ? &max_active : NULL,
                                ha ? &apm : NULL, ho ? &opens : NULL, c->now_ms, &s, &c->ei)))
        return e;
    ar_queue_settings(ar_new(c), &s);
    return TK_OK;
}

tk_err api_admin_hold_release(api_call *c)
{
    int64_t hold_id;
    tk_err e;
    if ((e = ap_id(c, "hold_id", &hold_id)) ||
        (e = tk_admin_hold_release(c->d, hold_id, c->now_ms, &c->ei)))
        return e;
    ar_bool(ar_new(c), "released", true);
    return TK_OK;
}

tk_err api_admin_booking_refund(api_call *c)
{
    int64_t booking_id;
    tk_refund_result r;
    tk_err e;
    if ((e = ap_id(c, "booking_id", &booking_id)) ||
        (e = tk_admin_booking_refund(c->d, booking_id, c->now_ms, &r, &c->ei)))
        return e;
    cJSON *o = ar_new(c);
    ar_bool(o, "refunded", true);
    ar_int(o, "booking_id", r.booking_id);
    ar_int(o, "amount", r.amount);
    ar_int(o, "balance", r.balance);
    return TK_OK;
}

/* The booking on a customer's ticket: what booking.list shows of it. */
tk_err api_admin_booking_find(api_call *c)
{
    const char *code;
    tk_booking_info b;
    tk_err e;
    if ((e = ap_str(c, "code", 64, &code)) || (e = tk_admin_booking_find(c->d, code, &b, &c->ei)))
        return e;
    ar_booking(ar_new(c), &b);
    return TK_OK;
}

/* A scan at the door: every answer is a result (admitted, or why not);
 * the booking's fields are null for an unknown code, checked_in_at and
 * gate null until its first scan (gate also when that scan named none). */
tk_err api_admin_booking_checkin(api_call *c)
{
    const char *code, *gate = NULL;
    int64_t date_id = 0;
    bool hd;
    tk_checkin_result r;
    tk_err e;
    if ((e = ap_str(c, "code", 64, &code)) || (e = ap_int_opt(c, "date_id", 1, JV_INT_MAX,
                                                               &date_id, &hd)))
        return e;
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(c->params, "gate");
    if (g && !cJSON_IsNull(g) && (e = ap_str(c, "gate", TK_GATE_MAX, &gate)))
        return e;
    if ((e = tk_admin_booking_checkin(c->d, code, date_id, gate, c->now_ms, &r, &c->ei)))
        return e;
    cJSON *o = ar_new(c);
    const tk_booking_info *b = &r.booking;
    if (r.found) {
        ar_int(o, "booking_id", b->booking_id);
        ar_str(o, "code", b->code);
        ar_int(o, "date_id", b->date_id);
        ar_int(o, "seat_no", b->seat_no);
        ar_str(o, "title", b->title);
        ar_time(o, "starts_at", b->starts_at_ms);
        ar_str(o, "tz", b->tz ? b->tz : ""); /* venue time: how starts_at is shown */
    } else {
        cJSON_AddNullToObject(o, "booking_id");
        ar_str(o, "code", r.code);
        const char *nulls[] = {"date_id", "seat_no", "title", "starts_at", "tz"};
        for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++)
            cJSON_AddNullToObject(o, nulls[i]);
    }
    ar_bool(o, "admitted", r.admitted);
    ar_str(o, "reason", tk_checkin_reason_name(r.reason));
    if (r.found && b->checked_in_at_ms)
        ar_time(o, "checked_in_at", b->checked_in_at_ms);
    else
        cJSON_AddNullToObject(o, "checked_in_at");
    if (r.found && b->gate[0])
        ar_str(o, "gate", b->gate);
    else
        cJSON_AddNullToObject(o, "gate");
    return TK_OK;
}

/* Operator map: hold ids, time left and booking codes; never member ids
 * (tk_seat_info has no field for one). */
tk_err api_admin_seats_list(api_call *c)
{
    int64_t date_id;
    tk_seat_info s[TK_SEATS];
    uint64_t seq = 0;
    tk_err e;
    if ((e = ap_id(c, "date_id", &date_id)) ||
        (e = tk_admin_seats(c->d, date_id, c->now_ms, s, &seq, &c->ei)))
        return e;
    ar_seat_map(c, date_id, seq, s, true, 0);
    return TK_OK;
}

static void audit_cb(void *ctx, const tk_audit_entry *a)
{
    cJSON *o = ar_push(ctx);
    if (!o)
        return;
    ar_int(o, "audit_id", a->audit_id);
    ar_time(o, "at", a->at_ms);
    ar_str(o, "method", a->method);
    ar_str(o, "peer", a->peer);
    ar_str(o, "params", a->params);
    ar_str(o, "result", a->result);
    ar_str(o, "staff", a->staff);
    ar_str(o, "node", a->node);
}

tk_err api_admin_audit_list(api_call *c)
{
    int64_t before = 0, limit = 100;
    bool hb, hl;
    tk_err e;
    if ((e = ap_int_opt(c, "before_id", 1, JV_INT_MAX, &before, &hb)) ||
        (e = ap_int_opt(c, "limit", 1, 500, &limit, &hl)))
        return e;
    cJSON *arr = ar_array(ar_new(c), "entries");
    return tk_audit_list(c->d, before, limit, audit_cb, arr, &c->ei);
}
