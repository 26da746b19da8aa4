/* server/store/sqlite_int.h -- private to store*.c: the SQLite handle and the
 * table of prepared statements. */
#ifndef TK_STORE_INT_H
#define TK_STORE_INT_H

#include <sqlite3.h>

#include "server/store/store.h"

enum {
    ST_BEGIN, ST_COMMIT, ST_ROLLBACK,
    ST_USER_INS, ST_USER_BAL, ST_ENTRY_INS, ST_ENTRY_UPD,
    ST_CONCERT_INS, ST_DATE_INS, ST_SEAT_INS, ST_DATE_SEQ,
    ST_HOLD_INS, ST_HOLD_END, ST_PAY_INS, ST_BOOK_INS, ST_BOOK_REFUND,
    ST_LEDGER_INS, ST_IDEM_INS, ST_SETTING_PUT, ST_DRAW_INS,
    ST_AUDIT_INS, ST_AUDIT_LIST, ST_COUNT_CONCERTS,
    ST_L_USERS, ST_L_ENTRIES, ST_L_CONCERTS, ST_L_DATES, ST_L_SEATS, ST_L_HOLDS,
    ST_L_PAYMENTS, ST_L_BOOKINGS, ST_L_LEDGER, ST_L_IDEM, ST_L_SETTINGS, ST_L_DRAWS,
    ST_SUM_LEDGER, ST_SUM_BALANCES, ST_SUM_BOOKINGS, ST_SUM_PAYMENTS, ST_SUM_HOLDS,
    ST_COUNT
};

struct tk_store {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    bool tx;     /* a transaction is open */
    bool failed; /* a staged write failed: the open transaction is void */
    int wal_fd;  /* the WAL file, for store_sync; -1: COMMIT syncs itself */
    int lock_fd; /* `<db>-lock`, flocked while open (store_lock); -1 in memory */
    int64_t changes_at_begin; /* sqlite3_total_changes64 when the tx began */
};

/* Binds args by fmt ('i' int64_t, 't' const char *, 'b' 16-byte blob, 'B'
 * pointer + int64_t length, bound static: valid until the step) to
 * statement `which` and steps it to completion. A write (stage=true)
 * opens the transaction first and marks the store failed on error. */
int st_run(tk_store *s, int which, bool stage, const char *fmt, ...);
/* Binds like st_run and leaves the statement ready for sqlite3_step. */
sqlite3_stmt *st_bind(tk_store *s, int which, const char *fmt, ...);
/* Steps a parameterless query once: its first ncols columns into out.
 * 0, or -1 when it gave no row. */
int st_scalars(tk_store *s, int which, int64_t *out, int ncols);
#define ST_WRITE(s, which, ...) ((void)st_run((s), (which), true, __VA_ARGS__))

#endif
