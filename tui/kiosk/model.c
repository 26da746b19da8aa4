/* tui/kiosk/model.c -- the kiosk's replies read into C values. */
#include "tui/kiosk/model.h"

#include <stdio.h>
#include <string.h>

#include "common/json.h"

/* A string member, "" when absent or not a string. */
static void ks_str(char *out, size_t outsz, const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    snprintf(out, outsz, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

/* A count or duration member, or def when absent or out of range. */
static int64_t ks_num(const cJSON *obj, const char *name, int64_t def)
{
    int64_t v = def;
    return jv_get_int(obj, name, 0, JV_INT_MAX, &v) == JV_OK ? v : def;
}

void ks_parse_queue(const cJSON *res, ks_queue_reply *out)
{
    char state[16];
    memset(out, 0, sizeof *out);
    ks_str(out->token, sizeof out->token, res, "token");
    ks_str(state, sizeof state, res, "state");
    out->active = strcmp(state, "active") == 0;
    out->seq = ks_num(res, "seq", -1);
    out->position = ks_num(res, "position", 0);
    out->eta_s = ks_num(res, "eta_s", 0);
    jv_get_bool(res, "prequeue", &out->prequeue);
    out->opens_in_s = ks_num(res, "opens_in_s", 0);
    out->expires_in_s = ks_num(res, "expires_in_s", -1);
    out->turn_expires_in_s = ks_num(res, "turn_expires_in_s", -1);
}

void ks_parse_queue_event(const cJSON *body, ks_queue_event *out)
{
    memset(out, 0, sizeof *out);
    jv_get_bool(body, "paused", &out->paused);
    out->admit_per_min = ks_num(body, "admit_per_min", -1);
    out->ms_per_place = ks_num(body, "ms_per_place", -1);
    out->prequeue = jv_get_int(body, "prequeue", 0, JV_INT_MAX, &out->pre_count) == JV_OK;
    out->opens_in_s = ks_num(body, "opens_in_s", 0);
    out->has_admitted = jv_get_int(body, "admitted_seq", 0, JV_INT_MAX, &out->admitted_seq) == JV_OK;
}

static void ks_counts(const cJSON *o, ks_date_row *row)
{
    row->free = ks_num(o, "free", row->free);
    row->held = ks_num(o, "held", row->held);
    row->sold = ks_num(o, "sold", row->sold);
}

int ks_parse_dates(const cJSON *res, ks_date_row *rows, int max)
{
    int n = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(res, "dates"))
    {
        if (n == max)
            break;
        ks_date_row *row = &rows[n];
        memset(row, 0, sizeof *row);
        if (jv_get_int(o, "date_id", 1, JV_INT_MAX, &row->date_id) != JV_OK)
            continue;
        ks_str(row->title, sizeof row->title, o, "title");
        ks_str(row->venue, sizeof row->venue, o, "venue");
        ks_str(row->starts_at, sizeof row->starts_at, o, "starts_at");
        ks_str(row->tz, sizeof row->tz, o, "tz");
        ks_counts(o, row);
        n++;
    }
    return n;
}

bool ks_parse_sales(const cJSON *body, int64_t *date_id, ks_date_row *row)
{
    if (jv_get_int(body, "date_id", 1, JV_INT_MAX, date_id) != JV_OK)
        return false;
    ks_counts(body, row);
    return true;
}

void ks_parse_seats(const cJSON *res, ks_seat_map *out)
{
    const cJSON *o;
    memset(out, 0, sizeof *out);
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(res, "seats"))
    {
        int64_t no = 0;
        bool mine = false;
        if (jv_get_int(o, "no", 1, WG_SEATS, &no) != JV_OK)
            continue;
        int i = (int)no - 1;
        jv_get_bool(o, "mine", &mine);
        const cJSON *state = cJSON_GetObjectItemCaseSensitive(o, "state");
        out->seat[i] = wg_seat_parse(cJSON_IsString(state) ? state->valuestring : NULL, mine);
        out->price[i] = ks_num(o, "price", 0);
        int64_t hold_id = 0;
        if (out->seat[i] == WG_S_MINE && jv_get_int(o, "hold_id", 1, JV_INT_MAX, &hold_id) == JV_OK &&
            (out->expires_in_s[i] = ks_num(o, "expires_in_s", -1)) >= 0)
            out->hold_id[i] = hold_id;
    }
    out->seq = ks_num(res, "seq", 0);
    out->turn_expires_in_s = ks_num(res, "turn_expires_in_s", -1);
}

bool ks_parse_seat_event(const cJSON *body, ks_seat_event *out)
{
    int64_t no = 0;
    memset(out, 0, sizeof *out);
    if (jv_get_int(body, "seat_no", 1, WG_SEATS, &no) != JV_OK)
        return false;
    out->seat_no = (int)no;
    out->date_id = ks_num(body, "date_id", 0);
    ks_str(out->state, sizeof out->state, body, "state");
    return true;
}

void ks_parse_hold(const cJSON *res, ks_hold_reply *out)
{
    out->hold_id = 0;
    jv_get_int(res, "hold_id", 1, JV_INT_MAX, &out->hold_id);
    out->price = ks_num(res, "price", -1);
    out->expires_in_s = ks_num(res, "expires_in_s", 0);
    out->turn_expires_in_s = ks_num(res, "turn_expires_in_s", -1);
}

int ks_parse_bookings(const cJSON *res, ks_ticket *out, int max)
{
    int n = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(res, "bookings"))
    {
        if (n == max)
            break;
        ks_ticket *t = &out[n++];
        int64_t seat = 0;
        memset(t, 0, sizeof *t);
        t->booking_id = ks_num(o, "booking_id", 0);
        t->date_id = ks_num(o, "date_id", 0);
        jv_get_int(o, "seat_no", 0, WG_SEATS, &seat);
        t->seat_no = (int)seat;
        t->price = ks_num(o, "price", 0);
        ks_str(t->code, sizeof t->code, o, "code");
        ks_str(t->title, sizeof t->title, o, "title");
        ks_str(t->venue, sizeof t->venue, o, "venue"); /* "" from an older server */
        ks_str(t->starts_at, sizeof t->starts_at, o, "starts_at");
        ks_str(t->tz, sizeof t->tz, o, "tz");
        ks_str(t->state, sizeof t->state, o, "state");
    }
    return n;
}

int ks_parse_wallet(const cJSON *res, ks_wallet_row *out, int max)
{
    int n = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(res, "entries"))
    {
        if (n == max)
            break;
        ks_wallet_row *r = &out[n++];
        memset(r, 0, sizeof *r);
        r->entry_id = ks_num(o, "entry_id", 0);
        jv_get_int(o, "amount", -JV_INT_MAX, JV_INT_MAX, &r->amount);
        r->balance = ks_num(o, "balance", 0);
        ks_str(r->kind, sizeof r->kind, o, "kind");
        ks_str(r->at, sizeof r->at, o, "at");
    }
    return n;
}

bool ks_parse_balance(const cJSON *obj, int64_t *balance)
{
    return jv_get_int(obj, "balance", 0, JV_INT_MAX, balance) == JV_OK;
}
