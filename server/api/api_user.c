/* server/api/api_user.c -- user.register and booking.list: the methods that
 * name a member by user_id and are not about money. */
#include "common/json.h"
#include "common/util.h"
#include "server/api/api_int.h"

tk_err api_user_register(api_call *c)
{
    const char *name;
    tk_err e = ap_str(c, "name", TK_NAME_MAX, &name);
    if (e)
        return e;
    tk_uuid u;
    if ((e = tk_user_register(c->d, name, c->now_ms, &u, &c->ei)))
        return e;
    char s[UUID_STR_LEN], sh[9];
    uuid_format(u.b, s);
    uuid_short(u.b, sh);
    log_info("user_registered", "user=%s", sh);
    ar_str(ar_new(c), "user_id", s);
    return TK_OK;
}

void ar_booking(cJSON *o, const tk_booking_info *b)
{
    if (!o)
        return;
    ar_int(o, "booking_id", b->booking_id);
    ar_str(o, "code", b->code);
    ar_str(o, "title", b->title);
    ar_str(o, "venue", b->venue); /* an addition to the shared contract */
    ar_int(o, "date_id", b->date_id);
    ar_time(o, "starts_at", b->starts_at_ms);
    ar_str(o, "tz", b->tz);
    ar_int(o, "seat_no", b->seat_no);
    ar_int(o, "price", b->price);
    ar_time(o, "paid_at", b->paid_at_ms);
    ar_str(o, "state", b->state);
    if (b->checked_in_at_ms) { /* door check-in: an addition, only once scanned */
        ar_time(o, "checked_in_at", b->checked_in_at_ms);
        ar_str(o, "gate", b->gate);
    }
}

static void booking_cb(void *ctx, const tk_booking_info *b) { ar_booking(ar_push(ctx), b); }

tk_err api_booking_list(api_call *c)
{
    tk_uuid u;
    tk_err e = ap_user(c, &u);
    if (e)
        return e;
    cJSON *arr = ar_array(ar_new(c), "bookings");
    return tk_booking_list(c->d, &u, booking_cb, arr, &c->ei);
}
