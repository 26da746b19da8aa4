/* common/errors.c -- the code <-> reason table of the wire contract. */
#include "common/errors.h"

#include <string.h>

static const struct {
    int code;
    const char *reason;
} tk_err_table[TK_ERR_COUNT] = {
    [TK_OK] = {0, "OK"},
    [TK_PARSE_ERROR] = {-32700, "PARSE_ERROR"},
    [TK_INVALID_REQUEST] = {-32600, "INVALID_REQUEST"},
    [TK_METHOD_NOT_FOUND] = {-32601, "METHOD_NOT_FOUND"},
    [TK_INVALID_PARAMS] = {-32602, "INVALID_PARAMS"},
    [TK_INTERNAL] = {-32603, "INTERNAL"},
    [TK_USER_NOT_FOUND] = {1001, "USER_NOT_FOUND"},
    [TK_TOKEN_INVALID] = {1002, "TOKEN_INVALID"},
    [TK_TOKEN_EXPIRED] = {1003, "TOKEN_EXPIRED"},
    [TK_NOT_ADMITTED] = {1004, "NOT_ADMITTED"},
    [TK_DATE_NOT_FOUND] = {2001, "DATE_NOT_FOUND"},
    [TK_SEAT_NOT_FOUND] = {2002, "SEAT_NOT_FOUND"},
    [TK_SEAT_TAKEN] = {2003, "SEAT_TAKEN"},
    [TK_HOLD_NOT_FOUND] = {2004, "HOLD_NOT_FOUND"},
    [TK_HOLD_EXPIRED] = {2005, "HOLD_EXPIRED"},
    [TK_HOLD_LIMIT] = {2006, "HOLD_LIMIT"},
    [TK_NOT_ON_SALE] = {2007, "NOT_ON_SALE"},
    [TK_AMOUNT_INVALID] = {3001, "AMOUNT_INVALID"},
    [TK_INSUFFICIENT_FUNDS] = {3002, "INSUFFICIENT_FUNDS"},
    [TK_BALANCE_LIMIT] = {3003, "BALANCE_LIMIT"},
    [TK_FORBIDDEN] = {4001, "FORBIDDEN"},
    [TK_RATE_LIMITED] = {4002, "RATE_LIMITED"},
    [TK_CONFLICT] = {4003, "CONFLICT"},
};

int tk_err_code(tk_err e)
{
    return (e >= 0 && e < TK_ERR_COUNT) ? tk_err_table[e].code : -32603;
}

const char *tk_err_reason(tk_err e)
{
    return (e >= 0 && e < TK_ERR_COUNT) ? tk_err_table[e].reason : "UNKNOWN";
}

tk_err tk_err_from_reason(const char *reason)
{
    for (int i = 0; reason && i < TK_ERR_COUNT; i++)
        if (strcmp(tk_err_table[i].reason, reason) == 0)
            return (tk_err)i;
    return TK_ERR_COUNT;
}

tk_err tk_err_from_code(int code)
{
    for (int i = 0; i < TK_ERR_COUNT; i++)
        if (tk_err_table[i].code == code)
            return (tk_err)i;
    return TK_ERR_COUNT;
}
