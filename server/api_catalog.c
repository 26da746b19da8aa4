/* server/api_catalog.c -- dates.list and seats.list (reads from memory). */
#include "common/json.h"
#include "server/api_int.h"

cJSON *ar_date(const tk_date_info *di, bool admin)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    jv_add_int(o, "date_id", di->date_id);
    jv_add_int(o, "concert_id", di->concert_id);
    ar_str(o, "title", di->title);
    ar_str(o, "venue", di->venue);
    ar_time(o, "starts_at", di->starts_at_ms);
    if (admin)
        ar_time(o, "on_sale_at", di->on_sale_at_ms);
    jv_add_int(o, "free", di->free);
    jv_add_int(o, "held", di->held);
    jv_add_int(o, "sold", di->sold);
    if (admin)
        jv_add_int(o, "revenue", di->revenue);
    return o;
}

static void date_cb(void *ctx, const tk_date_info *di)
{
    cJSON_AddItemToArray(ctx, ar_date(di, false));
}

void ar_seat_map(api_call *c, int64_t date_id, uint64_t seq, const tk_seat_info s[TK_SEATS],
                 bool admin)
{
    cJSON *o = ar_new(c);
    jv_add_int(o, "date_id", date_id);
    jv_add_int(o, "seq", (int64_t)seq);
    cJSON *arr = ar_array(o, "seats");
    for (int i = 0; i < TK_SEATS && arr; i++) {
        cJSON *x = cJSON_CreateObject();
        jv_add_int(x, "no", s[i].no);
        ar_str(x, "state", tk_seat_state_name(s[i].state));
        jv_add_int(x, "price", s[i].price);
        if (!admin) {
            ar_bool(x, "mine", s[i].mine);
        } else if (s[i].state == TK_SEAT_HELD) {
            jv_add_int(x, "hold_id", s[i].hold_id);
            jv_add_int(x, "expires_in_s", ar_secs_until(c->now_ms, s[i].hold_expires_ms));
        } else if (s[i].state == TK_SEAT_SOLD) {
            ar_str(x, "code", s[i].booking_code);
        }
        cJSON_AddItemToArray(arr, x);
    }
}

tk_err api_dates_list(api_call *c)
{
    const char *tok;
    tk_err e = ap_token(c, &tok);
    if (e)
        return e;
    cJSON *arr = ar_array(ar_new(c), "dates");
    return tk_dates_list(c->d, tok, c->now_ms, date_cb, arr, &c->ei);
}

tk_err api_seats_list(api_call *c)
{
    const char *tok;
    int64_t date_id;
    tk_err e;
    if ((e = ap_token(c, &tok)) || (e = ap_int(c, "date_id", -JV_INT_MAX, JV_INT_MAX, &date_id)))
        return e;
    tk_seat_info s[TK_SEATS];
    uint64_t seq = 0;
    if ((e = tk_seats_list(c->d, tok, date_id, c->now_ms, s, &seq, &c->ei)))
        return e;
    ar_seat_map(c, date_id, seq, s, false);
    return TK_OK;
}
