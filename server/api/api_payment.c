/* server/api/api_payment.c -- payment.pay. */
#include "common/json.h"
#include "server/api/api_int.h"

/* hold_ids: an array of 1..TK_MAX_PAY_HOLDS distinct positive integers. A
 * duplicate would make "pay for these seats" ambiguous, so it is refused
 * here rather than silently merged. */
static tk_err pay_hold_ids(api_call *c, int64_t ids[TK_MAX_PAY_HOLDS], int *n)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(c->params, "hold_ids");
    if (!arr || cJSON_IsNull(arr))
        return ap_bad(c, "hold_ids", "missing param 'hold_ids'");
    const char *why = "hold_ids must be an array of 1..4 distinct positive integers";
    int cnt = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
    if (cnt < 1 || cnt > TK_MAX_PAY_HOLDS)
        return ap_bad(c, "hold_ids", why);
    for (int i = 0; i < cnt; i++) {
        if (jv_int_value(cJSON_GetArrayItem(arr, i), 1, JV_INT_MAX, &ids[i]) != JV_OK)
            return ap_bad(c, "hold_ids", why);
        for (int k = 0; k < i; k++)
            if (ids[k] == ids[i])
                return ap_bad(c, "hold_ids", why);
    }
    *n = cnt;
    return TK_OK;
}

tk_err api_payment_pay(api_call *c)
{
    const char *tok, *rid;
    int64_t ids[TK_MAX_PAY_HOLDS];
    int n = 0;
    tk_err e;
    if ((e = ap_token(c, &tok)) || (e = pay_hold_ids(c, ids, &n)) || (e = ap_request_id(c, &rid)))
        return e;
    tk_pay_result r;
    if ((e = tk_payment_pay(c->d, tok, ids, n, rid, c->now_ms, &r, &c->ei)))
        return e;
    cJSON *o = ar_new(c);
    ar_int(o, "payment_id", r.payment_id);
    ar_int(o, "amount", r.amount);
    ar_int(o, "balance", r.balance);
    cJSON *arr = ar_array(o, "bookings");
    for (int i = 0; i < r.n && i < TK_MAX_PAY_HOLDS && arr; i++) {
        cJSON *b = ar_push(arr);
        ar_int(b, "booking_id", r.bookings[i].booking_id);
        ar_str(b, "code", r.bookings[i].code);
        ar_int(b, "date_id", r.bookings[i].date_id);
        ar_int(b, "seat_no", r.bookings[i].seat_no);
        ar_int(b, "price", r.bookings[i].price);
    }
    return TK_OK;
}
