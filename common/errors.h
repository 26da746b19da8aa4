/* common/errors.h -- the one error convention of the project.
 *
 * Every layer (domain, store, rpc, clients) speaks tk_err. The wire form is
 * the pair (code, reason) of ../shared/protocol.md; the reason string is the
 * stable key clients switch on, so the table in errors.c is the only place
 * either is spelled. TK_OK is 0 so `if (err)` reads naturally. */
#ifndef TK_ERRORS_H
#define TK_ERRORS_H

typedef enum {
    TK_OK = 0,
    TK_PARSE_ERROR,        /* -32700 */
    TK_INVALID_REQUEST,    /* -32600 */
    TK_METHOD_NOT_FOUND,   /* -32601 */
    TK_INVALID_PARAMS,     /* -32602, data.field */
    TK_INTERNAL,           /* -32603 */
    TK_USER_NOT_FOUND,     /* 1001 */
    TK_TOKEN_INVALID,      /* 1002 */
    TK_TOKEN_EXPIRED,      /* 1003 */
    TK_NOT_ADMITTED,       /* 1004, data.position, data.eta_s */
    TK_DATE_NOT_FOUND,     /* 2001 */
    TK_SEAT_NOT_FOUND,     /* 2002 */
    TK_SEAT_TAKEN,         /* 2003 */
    TK_HOLD_NOT_FOUND,     /* 2004 */
    TK_HOLD_EXPIRED,       /* 2005 */
    TK_HOLD_LIMIT,         /* 2006 */
    TK_NOT_ON_SALE,        /* 2007 */
    TK_AMOUNT_INVALID,     /* 3001 */
    TK_INSUFFICIENT_FUNDS, /* 3002, data.balance, data.amount */
    TK_BALANCE_LIMIT,      /* 3003 */
    TK_FORBIDDEN,          /* 4001 */
    TK_RATE_LIMITED,       /* 4002, data.retry_after_ms */
    TK_CONFLICT,           /* 4003 */
    TK_ERR_COUNT
} tk_err;

/* Wire code of an error (0 for TK_OK). */
int tk_err_code(tk_err e);
/* Stable reason string ("SEAT_TAKEN"); "OK" for TK_OK, "UNKNOWN" if out of range. */
const char *tk_err_reason(tk_err e);
/* Inverse of tk_err_reason; TK_ERR_COUNT when the string is unknown. */
tk_err tk_err_from_reason(const char *reason);
/* Inverse of tk_err_code; TK_ERR_COUNT when the code is unknown. */
tk_err tk_err_from_code(int code);

#endif
