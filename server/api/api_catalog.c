/* server/api/api_catalog.c -- dates.list and seats.list (reads from memory). */
#include "common/json.h"
#include "server/api/api_int.h"

cJSON *ar_date(const tk_date_info *di, bool admin)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    ar_int(o, "date_id", di->date_id);
    ar_int(o, "concert_id", di->concert_id);
    ar_str(o, "title", di->title);
    ar_str(o, "venue", di->venue);
    ar_time(o, "starts_at", di->starts_at_ms);
    ar_str(o, "tz", di->tz);
    if (admin)
        ar_time(o, "on_sale_at", di->on_sale_at_ms);
    ar_int(o, "free", di->free);
    ar_int(o, "held", di->held);
    ar_int(o, "sold", di->sold);
    if (admin) {
        ar_int(o, "revenue", di->revenue);
        ar_int(o, "checked_in", di->checked_in); /* door check-in: an addition */
    }
    return o;
}

static void date_cb(void *ctx, const tk_date_info *di)
{
    cJSON_AddItemToArray(ctx, ar_date(di, false));
}

/* A booking code is "TK-XXXX-XXXX"; anything else is dropped rather than
 * escaped, so the hand-built JSON below can never be broken by it. */
static void ab_code(ar_buf *b, const char *code)
{
    char safe[16];
    size_t k = 0;
    for (const char *p = code; *p && k < sizeof safe - 1; p++)
        if ((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-')
            safe[k++] = *p;
    safe[k] = '\0';
    ab_put(b, ",\"code\":\"");
    ab_put(b, safe);
    ab_put(b, "\"");
}

static void ab_hold(ar_buf *b, int64_t now_ms, int64_t hold_id, int64_t expires_ms)
{
    ab_put(b, ",\"hold_id\":");
    ab_int(b, hold_id);
    ab_put(b, ",\"expires_in_s\":");
    ab_int(b, ar_secs_until(now_ms, expires_ms));
}

void ar_seat_map(api_call *c, int64_t date_id, uint64_t seq, const tk_seat_info s[TK_SEATS],
                 bool admin, int64_t turn_ends_ms)
{
    ar_buf b = {0};
    ab_put(&b, "{\"date_id\":");
    ab_int(&b, date_id);
    ab_put(&b, ",\"seq\":");
    ab_int(&b, (int64_t)seq);
    if (!admin) { /* an operator has no turn */
        ab_put(&b, ",\"turn_expires_in_s\":");
        ab_int(&b, ar_secs_until(c->now_ms, turn_ends_ms));
    }
    ab_put(&b, ",\"seats\":[");
    for (int i = 0; i < TK_SEATS; i++) {
        ab_put(&b, i ? ",{\"no\":" : "{\"no\":");
        ab_int(&b, s[i].no);
        ab_put(&b, ",\"state\":\"");
        ab_put(&b, tk_seat_state_name(s[i].state));
        ab_put(&b, "\",\"price\":");
        ab_int(&b, s[i].price);
        if (!admin) {
            ab_put(&b, s[i].mine ? ",\"mine\":true" : ",\"mine\":false");
            if (s[i].mine) /* never on others' seats */
                ab_hold(&b, c->now_ms, s[i].own_hold_id, s[i].own_expires_ms);
        } else if (s[i].state == TK_SEAT_HELD) {
            ab_hold(&b, c->now_ms, s[i].hold_id, s[i].hold_expires_ms);
        } else if (s[i].state == TK_SEAT_SOLD) {
            ab_code(&b, s[i].booking_code);
            ab_put(&b, ",\"booking_id\":");
            ab_int(&b, s[i].booking_id);
        }
        ab_put(&b, "}");
    }
    ab_put(&b, "]}");
    cJSON_Delete(c->result);
    c->result = ab_finish(&b);
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
    if ((e = ap_token(c, &tok)) || (e = ap_id(c, "date_id", &date_id)))
        return e;
    tk_seat_info s[TK_SEATS];
    uint64_t seq = 0;
    int64_t turn_ends_ms = 0;
    if ((e = tk_seats_list(c->d, tok, date_id, c->now_ms, s, &seq, &turn_ends_ms, &c->ei)))
        return e;
    ar_seat_map(c, date_id, seq, s, false, turn_ends_ms);
    return TK_OK;
}
