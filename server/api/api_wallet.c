/* server/api/api_wallet.c -- wallet.balance, wallet.charge, wallet.history. */
#include "common/json.h"
#include "server/api/api_int.h"

/* The contract makes a bad amount AMOUNT_INVALID ("not a positive integer,
 * or over the per-charge limit"), not INVALID_PARAMS: 1.5, -5, 0 and 1e300
 * are all amounts, just not valid ones. Only a missing amount or one that
 * is not a number at all is a malformed request. */
static tk_err wallet_amount(api_call *c, int64_t *amount)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(c->params, "amount");
    if (!it || cJSON_IsNull(it) || !cJSON_IsNumber(it))
        return ap_bad(c, "amount", it && !cJSON_IsNull(it) ? "param 'amount' must be a number"
                                                          : "missing param 'amount'");
    if (jv_int_value(it, 1, JV_INT_MAX, amount) != JV_OK)
        return ap_fail(c, TK_AMOUNT_INVALID, "amount must be a positive whole number of won");
    return TK_OK;
}

/* A top-up at the counter (a staff key, api.c) says how the money was
 * taken; it is recorded with the staff member on the ledger entry. */
static tk_err wallet_method(api_call *c)
{
    const char *m;
    tk_err e;
    if (!c->staff)
        return TK_OK;
    if ((e = ap_str(c, "method", 16, &m)))
        return e;
    int pm = tk_pay_method_parse(m);
    if (pm < 0)
        return ap_bad(c, "method", "method must be cash, card or other");
    return tk_actor_set(c->d, c->staff->name, (tk_pay_method)pm) ? TK_INTERNAL : TK_OK;
}

tk_err api_wallet_balance(api_call *c)
{
    tk_uuid u;
    int64_t bal;
    tk_err e = ap_user(c, &u);
    if (e || (e = tk_wallet_balance(c->d, &u, &bal, &c->ei)))
        return e;
    ar_int(ar_new(c), "balance", bal);
    return TK_OK;
}

tk_err api_wallet_charge(api_call *c)
{
    tk_uuid u;
    int64_t amount;
    const char *rid;
    tk_err e;
    if ((e = ap_user(c, &u)) || (e = wallet_amount(c, &amount)) || (e = ap_request_id(c, &rid)) ||
        (e = wallet_method(c)))
        return e;
    tk_charge_result r;
    if ((e = tk_wallet_charge(c->d, &u, amount, rid, c->now_ms, &r, &c->ei)))
        return e;
    cJSON *o = ar_new(c);
    ar_int(o, "balance", r.balance);
    ar_int(o, "entry_id", r.entry_id);
    return TK_OK;
}

static void ar_ledger(cJSON *o, const tk_ledger_entry *le)
{
    if (!o)
        return;
    ar_int(o, "entry_id", le->entry_id);
    ar_str(o, "kind", le->kind);
    ar_int(o, "amount", le->amount);
    ar_int(o, "balance", le->balance);
    ar_time(o, "at", le->at_ms);
    if (le->method[0]) /* a top-up at the counter */
        ar_str(o, "method", le->method);
    if (le->staff[0])
        ar_str(o, "staff", le->staff);
}

static void ledger_cb(void *ctx, const tk_ledger_entry *le) { ar_ledger(ar_push(ctx), le); }

tk_err api_wallet_history(api_call *c)
{
    tk_uuid u;
    int64_t limit = 100;
    bool have;
    tk_err e;
    if ((e = ap_user(c, &u)) || (e = ap_int_opt(c, "limit", 1, 500, &limit, &have)))
        return e;
    cJSON *arr = ar_array(ar_new(c), "entries");
    return tk_wallet_history(c->d, &u, limit, ledger_cb, arr, &c->ei);
}
