/* server/store/store_int.h -- private to server/store/: what every backend
 * shares and what each one provides.
 *
 * The statements are one table of portable SQL (store_sql.c, `?` for a
 * parameter), the same rows for every backend; the rows code (store_rows.c:
 * staged writes, the load, the copy between stores) is written once against
 * two primitives, write and query, that each backend implements over its
 * library (sqlite.c, pg.c). A backend is a store_ops table chosen by
 * store_open from the --db text. */
#ifndef TK_STORE_INT_H
#define TK_STORE_INT_H

#include <stdarg.h>

#include "server/store/store.h"

enum {
    ST_USER_INS, ST_USER_BAL, ST_ENTRY_INS, ST_ENTRY_UPD,
    ST_CONCERT_INS, ST_DATE_INS, ST_SEAT_INS, ST_DATE_SEQ,
    ST_HOLD_INS, ST_HOLD_END, ST_PAY_INS, ST_BOOK_INS, ST_BOOK_REFUND,
    ST_LEDGER_INS, ST_IDEM_INS, ST_SETTING_PUT, ST_DRAW_INS,
    ST_AUDIT_INS, ST_AUDIT_LIST, ST_COUNT_CONCERTS,
    ST_L_USERS, ST_L_ENTRIES, ST_L_CONCERTS, ST_L_DATES, ST_L_SEATS, ST_L_HOLDS,
    ST_L_PAYMENTS, ST_L_BOOKINGS, ST_L_LEDGER, ST_L_IDEM, ST_L_SETTINGS, ST_L_DRAWS,
    ST_SUM_LEDGER, ST_SUM_BALANCES, ST_SUM_BOOKINGS, ST_SUM_PAYMENTS, ST_SUM_HOLDS,
    ST_CHECKIN_INS, ST_L_CHECKINS, /* door check-in */
    ST_COUNT
};

extern const char *const st_sql[ST_COUNT];

/* A parameter: 'i' int64, 't' text (NUL-terminated), 'b' bytes (b, blen). */
typedef struct {
    char type;
    int64_t i;
    const char *t;
    const void *b;
    size_t blen;
} st_arg;

#define ST_MAXCOLS 12
/* A result row, converted by the backend after the query's column types
 * (the same letters as st_arg). Strings and bytes live until the callback
 * returns. */
typedef struct {
    int n;
    int64_t i[ST_MAXCOLS];
    const char *t[ST_MAXCOLS];
    const void *b[ST_MAXCOLS];
    size_t blen[ST_MAXCOLS];
} st_row;
typedef int (*st_row_fn)(void *ctx, const st_row *r); /* non-zero stops */

/* A statement is st_sql[which] (which >= 0) or, for the copy between
 * stores and the audit of one, literal text (which < 0, sql set). */
typedef struct {
    int which;
    const char *sql;
} st_stmt;
#define ST_STMT(w) ((st_stmt){(w), NULL})
#define ST_TEXT(s) ((st_stmt){-1, (s)})

typedef struct store_ops {
    const char *name; /* "sqlite", "postgresql" */
    void (*close)(tk_store *s);
    int (*begin)(tk_store *s);
    /* COMMIT (rollback=false) or ROLLBACK the open transaction; 0 or -1. */
    int (*end)(tk_store *s, bool rollback);
    int (*defer_sync)(tk_store *s);
    int (*sync)(tk_store *s);
    int64_t (*changes)(const tk_store *s);
    /* One statement inside the open transaction; 0 or -1. */
    int (*write)(tk_store *s, st_stmt st, const st_arg *a, int n);
    /* Rows of a query, each converted after cols, to fn. 0 or -1. */
    int (*query)(tk_store *s, st_stmt st, const st_arg *a, int n, const char *cols,
                 st_row_fn fn, void *ctx);
    /* A text of several statements, inside the open transaction, all or
     * nothing (a savepoint). */
    int (*exec)(tk_store *s, const char *sql);
    /* After a copy into this store kept explicit ids: generated keys go on
     * after the highest copied one. */
    int (*copied)(tk_store *s);
    /* store_ping; NULL: nothing to prove (SQLite). */
    int (*ping)(tk_store *s);
} store_ops;

/* The part of a store every backend starts with. */
struct tk_store {
    const store_ops *ops;
    bool tx;     /* a transaction is open */
    bool failed; /* a staged write failed: the open transaction is void */
    int64_t changes_at_begin;
    tk_lead lead; /* node and since set by store_open_as, epoch by the backend */
};

tk_store *sqlite_store_open(const char *path);
tk_store *pg_store_open(const char *conninfo, const char *node);

/* Binds args by fmt (the st_arg letters; 'b' takes a pointer and a size_t)
 * into a (at most ST_MAXCOLS); the count. */
int st_args(st_arg *a, const char *fmt, va_list ap);
/* A staged write: opens the transaction, marks the store failed on error. */
int st_write(tk_store *s, int which, const char *fmt, ...);
/* The first ncols int columns of a parameterless query's first row. */
int st_scalars(tk_store *s, st_stmt st, int64_t *out, int ncols);

#endif
