/* server/api/api_hold.c -- seat.hold and hold.release. */
#include "common/json.h"
#include "server/api/api_int.h"

tk_err api_seat_hold(api_call *c)
{
    const char *tok;
    int64_t date_id, seat_no;
    tk_err e;
    /* Any integer seat_no is well-formed: one outside 1..50 is the
     * contract's SEAT_NOT_FOUND, which the domain gives. */
    if ((e = ap_token(c, &tok)) || (e = ap_id(c, "date_id", &date_id)) ||
        (e = ap_id(c, "seat_no", &seat_no)))
        return e;
    tk_hold_info h;
    if ((e = tk_seat_hold(c->d, tok, date_id, seat_no, c->now_ms, &h, &c->ei)))
        return e;
    cJSON *o = ar_new(c);
    ar_int(o, "hold_id", h.hold_id);
    ar_int(o, "date_id", h.date_id);
    ar_int(o, "seat_no", h.seat_no);
    ar_int(o, "price", h.price);
    /* A steady deadline, shown on the wall clock as it reads now. */
    ar_time(o, "expires_at", tk_wall_ms(c->d, h.expires_at_ms));
    ar_int(o, "expires_in_s", ar_secs_until(c->now_ms, h.expires_at_ms));
    ar_int(o, "turn_expires_in_s", ar_secs_until(c->now_ms, h.turn_ends_ms));
    return TK_OK;
}

tk_err api_hold_release(api_call *c)
{
    const char *tok;
    int64_t hold_id;
    tk_err e;
    if ((e = ap_token(c, &tok)) || (e = ap_id(c, "hold_id", &hold_id)) ||
        (e = tk_hold_release(c->d, tok, hold_id, c->now_ms, &c->ei)))
        return e;
    ar_bool(ar_new(c), "released", true);
    return TK_OK;
}
