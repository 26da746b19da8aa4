/* server/store/sqlite.c -- SQLite open, schema, prepared statements, transactions.
 * Rows in and out are in store_rows.c. */
#include "server/store/sqlite_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/util.h"

/* data/schema.sql, embedded at build time so the binary needs no data
 * directory to open a database (data/module.mk makes the object depend on
 * the file). */
__asm__(".section .rodata\n"
        ".global store_schema_sql\n"
        "store_schema_sql:\n"
        ".incbin \"data/schema.sql\"\n"
        ".byte 0\n"
        ".previous\n");
extern const char store_schema_sql[];

static const char *const sql_text[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_USER_INS] = "INSERT INTO users(id,uuid,name,balance,created_at) VALUES(?,?,?,0,?)",
    [ST_USER_BAL] = "UPDATE users SET balance=? WHERE id=?",
    [ST_ENTRY_INS] = "INSERT INTO queue(seq,user_id,state,issued_at) VALUES(?,?,0,?)",
    [ST_ENTRY_UPD] = "UPDATE queue SET state=?,since=?,admitted_at=? WHERE seq=?",
    [ST_CONCERT_INS] = "INSERT INTO concerts(id,title,venue,created_at) VALUES(?,?,?,?)",
    [ST_DATE_INS] = "INSERT INTO dates(id,concert_id,starts_at,on_sale_at,seq) VALUES(?,?,?,?,?)",
    [ST_SEAT_INS] = "INSERT INTO seats(date_id,seat_no,price) VALUES(?,?,?)",
    [ST_DATE_SEQ] = "UPDATE dates SET seq=? WHERE id=?",
    [ST_HOLD_INS] = "INSERT INTO holds(id,user_id,date_id,seat_no,price,created_at,expires_at,"
                    "state) VALUES(?,?,?,?,?,?,?,0)",
    [ST_HOLD_END] = "UPDATE holds SET state=?,ended_at=? WHERE id=?",
    [ST_PAY_INS] = "INSERT INTO payments(id,user_id,amount,balance,paid_at,request_id) "
                   "VALUES(?,?,?,?,?,?)",
    [ST_BOOK_INS] = "INSERT INTO bookings(id,code,user_id,payment_id,hold_id,date_id,seat_no,"
                    "price,paid_at,state) VALUES(?,?,?,?,?,?,?,?,?,0)",
    [ST_BOOK_REFUND] = "UPDATE bookings SET state=1,refunded_at=? WHERE id=?",
    [ST_LEDGER_INS] = "INSERT INTO ledger(id,user_id,kind,amount,balance,at,ref) "
                      "VALUES(?,?,?,?,?,?,?)",
    [ST_IDEM_INS] = "INSERT INTO idempotency(user_id,request_id,method,params,result_ref) "
                    "VALUES(?,?,?,?,?)",
    [ST_SETTING_PUT] = "INSERT INTO settings(key,value) VALUES(?,?) "
                       "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
    [ST_DRAW_INS] = "INSERT INTO draws(first_seq,n,drawn_at,ms,ord) VALUES(?,?,?,?,?)",
    [ST_AUDIT_INS] = "INSERT INTO audit(at,method,peer,params,result) VALUES(?,?,?,?,?)",
    [ST_AUDIT_LIST] = "SELECT id,at,method,peer,params,result FROM audit WHERE id<? "
                      "ORDER BY id DESC LIMIT ?",
    [ST_COUNT_CONCERTS] = "SELECT count(*) FROM concerts",
    [ST_L_USERS] = "SELECT id,uuid,name,balance FROM users ORDER BY id",
    [ST_L_ENTRIES] = "SELECT seq,user_id,state,issued_at,since,admitted_at FROM queue ORDER BY seq",
    [ST_L_CONCERTS] = "SELECT id,title,venue FROM concerts ORDER BY id",
    [ST_L_DATES] = "SELECT id,concert_id,starts_at,on_sale_at,seq FROM dates ORDER BY id",
    [ST_L_SEATS] = "SELECT date_id,seat_no,price FROM seats ORDER BY date_id,seat_no",
    [ST_L_HOLDS] = "SELECT id,user_id,date_id,seat_no,price,expires_at,state FROM holds "
                   "ORDER BY id",
    [ST_L_PAYMENTS] = "SELECT id,user_id,amount,balance,paid_at FROM payments ORDER BY id",
    [ST_L_BOOKINGS] = "SELECT id,code,user_id,payment_id,hold_id,date_id,seat_no,price,"
                      "paid_at,state FROM bookings ORDER BY id",
    [ST_L_LEDGER] = "SELECT id,user_id,kind,amount,balance,at,ref FROM ledger ORDER BY id",
    [ST_L_IDEM] = "SELECT user_id,request_id,method,params,result_ref FROM idempotency",
    [ST_L_SETTINGS] = "SELECT key,value FROM settings",
    [ST_L_DRAWS] = "SELECT first_seq,n,drawn_at,ms,ord FROM draws ORDER BY id",
    [ST_SUM_LEDGER] = "SELECT coalesce(sum(CASE WHEN kind='charge' THEN amount END),0),"
                      "coalesce(-sum(CASE WHEN kind='payment' THEN amount END),0),"
                      "coalesce(sum(CASE WHEN kind='refund' THEN amount END),0) FROM ledger",
    [ST_SUM_BALANCES] = "SELECT coalesce(sum(balance),0) FROM users",
    [ST_SUM_BOOKINGS] = "SELECT coalesce(sum(price),0) FROM bookings",
    [ST_SUM_PAYMENTS] = "SELECT coalesce(sum(amount),0) FROM payments",
    [ST_SUM_HOLDS] = "SELECT count(*) FROM holds WHERE state=0",
};

static int db_exec(tk_store *s, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        log_error("store_exec", "err=\"%s\"", err ? err : "?");
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

static int store_prepare_all(tk_store *s)
{
    for (int i = 0; i < ST_COUNT; i++) {
        if (sqlite3_prepare_v3(s->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i],
                               NULL) != SQLITE_OK) {
            log_error("store_prepare", "stmt=%d err=\"%s\"", i, sqlite3_errmsg(s->db));
            return -1;
        }
    }
    return 0;
}

/* A database written by a newer server may mean things this one does not
 * know: refuse it rather than write into it. */
static bool schema_too_new(tk_store *s)
{
    sqlite3_stmt *st = NULL;
    int64_t v = 0;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (v > STORE_SCHEMA_VERSION)
        log_error("store_open", "schema_version=%lld supported=%d", (long long)v,
                  STORE_SCHEMA_VERSION);
    return v > STORE_SCHEMA_VERSION;
}

/* One server per database file. Each ticketd decides from its own memory
 * (seats, balances) and writes through; a second one on the same file
 * would sell the seats the first has sold. SQLite's own locks only order
 * the two processes' transactions, so the file gets a lock of its own,
 * held until store_close (and dropped by the kernel if the process dies).
 * Readers such as ticket-audit open the database directly and never take
 * it. */
static int store_lock(tk_store *s)
{
    const char *db = sqlite3_db_filename(s->db, "main");
    if (!db || !db[0])
        return 0; /* in memory: nobody else can open it */
    char path[4096];
    if (snprintf(path, sizeof path, "%s-lock", db) >= (int)sizeof path)
        return -1;
    s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (s->lock_fd < 0) {
        log_error("store_open", "path=%s err=\"%s\"", path, strerror(errno));
        return -1;
    }
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        log_error("store_open",
                  "db=%s err=\"the database is in use by another ticketd (%s is locked)\"", db,
                  path);
        return -1;
    }
    return 0;
}

/* SQLite's allocator keeps process-wide statistics by default, which
 * costs a mutex and bookkeeping on every malloc; nothing here reads them.
 * It has to be said before SQLite initializes (if something in the
 * process already used SQLite, the call is refused and changes nothing). */
static pthread_once_t store_config_once = PTHREAD_ONCE_INIT;
static void store_config(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

tk_store *store_open(const char *path)
{
    tk_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->wal_fd = -1;
    s->lock_fd = -1;
    pthread_once(&store_config_once, store_config);
    /* NOMUTEX: one thread at a time uses the connection (main while it
     * loads and closes, the engine thread in between; readers never touch
     * SQLite), so SQLite's per-call connection mutex is pure cost. With
     * MEMSTATUS off: the domain calls of a payment 22-24 against 25-26 us
     * (bin/ticket-storebench, 20,000 users, alternating runs). */
    if (sqlite3_open_v2(path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        log_error("store_open", "path=%s err=\"%s\"", path,
                  s->db ? sqlite3_errmsg(s->db) : "out of memory");
        store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (store_lock(s) < 0) {
        store_close(s);
        return NULL;
    }
    /* WAL + FULL: a COMMIT that returned is on disk, and readers (the
     * audit tool) never block the single writer. */
    if (db_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                   "PRAGMA foreign_keys=ON;") < 0 ||
        schema_too_new(s) ||
        db_exec(s, "BEGIN IMMEDIATE") < 0 || db_exec(s, store_schema_sql) < 0 ||
        db_exec(s, "COMMIT") < 0 || store_prepare_all(s) < 0) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(tk_store *s)
{
    if (!s)
        return;
    if (s->tx && s->db)
        db_exec(s, "ROLLBACK");
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    sqlite3_close(s->db);
    if (s->wal_fd >= 0)
        close(s->wal_fd);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* and with it the lock */
    free(s);
}

static int step_done(tk_store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    int ok = (rc == SQLITE_DONE || rc == SQLITE_ROW);
    if (!ok)
        log_error("store_step", "err=\"%s\" sql=\"%.60s\"", sqlite3_errmsg(s->db),
                  sqlite3_sql(st));
    sqlite3_reset(st);
    return ok ? 0 : -1;
}

int store_begin(tk_store *s)
{
    if (s->tx)
        return 0;
    if (step_done(s, s->st[ST_BEGIN]) < 0)
        return -1;
    s->tx = true;
    s->failed = false;
    s->changes_at_begin = sqlite3_total_changes64(s->db);
    return 0;
}

int store_commit(tk_store *s)
{
    if (!s->tx)
        return s->failed ? -1 : 0;
    s->tx = false;
    if (s->failed) {
        step_done(s, s->st[ST_ROLLBACK]);
        return -1;
    }
    if (step_done(s, s->st[ST_COMMIT]) < 0) {
        /* A failed COMMIT may leave the transaction open: close it so the
         * connection is usable by whoever reloads. */
        if (!sqlite3_get_autocommit(s->db))
            step_done(s, s->st[ST_ROLLBACK]);
        s->failed = true;
        return -1;
    }
    return 0;
}

int store_defer_sync(tk_store *s)
{
    const char *db = sqlite3_db_filename(s->db, "main");
    if (!db || !db[0])
        return 0; /* in memory: nothing to sync, COMMIT is all there is */
    char wal[4096];
    if (snprintf(wal, sizeof wal, "%s-wal", db) >= (int)sizeof wal)
        return -1;
    /* The WAL exists from the schema's first COMMIT until the last
     * connection closes, and SQLite rewrites it in place (it never swaps
     * the file), so one descriptor serves for the whole run; fdatasync on
     * it flushes the file whoever wrote the pages. */
    int fd = open(wal, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        log_error("store_defer_sync", "path=%s err=\"cannot open the WAL\"", wal);
        return -1;
    }
    /* Checkpoints stay SQLite's automatic ones (every 1000 WAL pages,
     * inside a COMMIT). Every 8192 pages was tried: fewer checkpoints, but
     * each a stall of tens of ms (p999 of hold/release 4 -> 80 ms) and no
     * gain in throughput. */
    if (db_exec(s, "PRAGMA synchronous=NORMAL") < 0) {
        close(fd);
        return -1;
    }
    s->wal_fd = fd;
    return 0;
}

int store_sync(tk_store *s)
{
    if (s->wal_fd < 0)
        return 0;
    if (fdatasync(s->wal_fd) != 0) {
        log_error("store_sync", "err=\"fdatasync of the WAL failed\"");
        return -1;
    }
    return 0;
}

bool store_in_tx(const tk_store *s) { return s->tx; }

bool store_dirty(const tk_store *s)
{
    /* SQLite's own count of rows inserted, updated or deleted: no write
     * path can slip past it. */
    return s->tx && (s->failed || sqlite3_total_changes64(s->db) != s->changes_at_begin);
}
bool store_failed(const tk_store *s) { return s->failed; }
int64_t store_changes(const tk_store *s) { return sqlite3_total_changes64(s->db); }
void store_void(tk_store *s) { s->failed = true; }

/* Resets statement `which` and binds args by fmt (see st_run). */
static sqlite3_stmt *st_vbind(tk_store *s, int which, const char *fmt, va_list ap)
{
    sqlite3_stmt *st = s->st[which];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (int i = 1; *fmt; fmt++, i++) {
        if (*fmt == 'i')
            sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
        else if (*fmt == 't')
            sqlite3_bind_text(st, i, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
        else if (*fmt == 'b')
            sqlite3_bind_blob(st, i, va_arg(ap, const uint8_t *), 16, SQLITE_TRANSIENT);
        else if (*fmt == 'B') { /* a blob of any size: pointer, then int64_t length */
            const void *p = va_arg(ap, const void *);
            sqlite3_bind_blob64(st, i, p, (sqlite3_uint64)va_arg(ap, int64_t), SQLITE_STATIC);
        }
    }
    return st;
}

sqlite3_stmt *st_bind(tk_store *s, int which, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = st_vbind(s, which, fmt, ap);
    va_end(ap);
    return st;
}

int st_run(tk_store *s, int which, bool stage, const char *fmt, ...)
{
    if (stage) {
        if (s->failed)
            return -1; /* the batch is already void; don't pile on */
        if (!s->tx && store_begin(s) < 0) {
            s->failed = true;
            return -1;
        }
    }
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = st_vbind(s, which, fmt, ap);
    va_end(ap);
    if (step_done(s, st) < 0) {
        if (stage)
            s->failed = true;
        return -1;
    }
    return 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 4096) {
            char *nb = realloc(buf, cap + 65536);
            if (!nb)
                break;
            buf = nb;
            cap += 65536;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}

int store_exec_file(tk_store *s, const char *path)
{
    char *sql = read_file(path);
    if (!sql) {
        log_error("store_exec_file", "path=%s err=unreadable", path);
        return -1;
    }
    if (store_begin(s) < 0) {
        free(sql);
        return -1;
    }
    /* A savepoint so a broken file leaves the batch as it was. */
    int rc = db_exec(s, "SAVEPOINT sqlfile");
    if (rc == 0) {
        rc = db_exec(s, sql);
        db_exec(s, rc == 0 ? "RELEASE sqlfile" : "ROLLBACK TO sqlfile; RELEASE sqlfile");
    }
    free(sql);
    return rc;
}

int64_t store_count_concerts(tk_store *s)
{
    int64_t n;
    return st_scalars(s, ST_COUNT_CONCERTS, &n, 1) == 0 ? n : -1;
}
