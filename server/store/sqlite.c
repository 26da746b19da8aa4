/* server/store/sqlite.c -- the SQLite backend: open, schema, prepared
 * statements, transactions, the WAL flush. The rows are store_rows.c. */
#include "server/store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
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

enum { LT_BEGIN, LT_COMMIT, LT_ROLLBACK, LT_COUNT };
static const char *const lt_sql[LT_COUNT] = {"BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};

typedef struct {
    tk_store base;
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    sqlite3_stmt *lt[LT_COUNT];
    int wal_fd;  /* the WAL file, for store_sync; -1: COMMIT syncs itself */
    int lock_fd; /* `<db>-lock`, flocked while open (sl_lock); -1 in memory */
} sl_store;

#define SL(s) ((sl_store *)(s))

static int db_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        log_error("store_exec", "err=\"%s\"", err ? err : "?");
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

static int sl_prepare(sl_store *s, const char *sql, sqlite3_stmt **out)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
        log_error("store_prepare", "sql=\"%.60s\" err=\"%s\"", sql, sqlite3_errmsg(s->db));
        return -1;
    }
    return 0;
}

static int sl_prepare_all(sl_store *s)
{
    for (int i = 0; i < ST_COUNT; i++)
        if (sl_prepare(s, st_sql[i], &s->st[i]) < 0)
            return -1;
    for (int i = 0; i < LT_COUNT; i++)
        if (sl_prepare(s, lt_sql[i], &s->lt[i]) < 0)
            return -1;
    return 0;
}

/* A database written by a newer server may mean things this one does not
 * know: refuse it rather than write into it. */
static bool schema_too_new(sl_store *s)
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

/* Columns added to tables that older files already have. CREATE TABLE IF
 * NOT EXISTS cannot add a column and SQLite has no ADD COLUMN IF NOT
 * EXISTS, so each is added here, after the schema file ran, to a file
 * that lacks it: as idempotent as the file. New files get them from
 * data/schema.sql. One line per column, grouped by feature. */
static const struct { const char *table, *column, *decl; } sl_added_columns[] = {
    /* staff keys and paid top-ups (issue 17): who, and how it was paid */
    {"audit", "staff", "TEXT NOT NULL DEFAULT ''"},
    {"ledger", "method", "TEXT NOT NULL DEFAULT ''"},
    {"ledger", "staff", "TEXT NOT NULL DEFAULT ''"},
    /* venue time: a concert's IANA zone; those made before it were Seoul's
     * (server.info said so) */
    {"concerts", "tz", "TEXT NOT NULL DEFAULT 'Asia/Seoul'"},
    /* several nodes (issue 16): which node took an audited call */
    {"audit", "node", "TEXT NOT NULL DEFAULT ''"},
};

static int sl_add_columns(sqlite3 *db)
{
    for (size_t i = 0; i < sizeof sl_added_columns / sizeof sl_added_columns[0]; i++) {
        sqlite3_stmt *q = NULL;
        int have = -1;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info(?) WHERE name=?",
                               -1, &q, NULL) == SQLITE_OK) {
            sqlite3_bind_text(q, 1, sl_added_columns[i].table, -1, SQLITE_STATIC);
            sqlite3_bind_text(q, 2, sl_added_columns[i].column, -1, SQLITE_STATIC);
            if (sqlite3_step(q) == SQLITE_ROW)
                have = sqlite3_column_int(q, 0);
        }
        sqlite3_finalize(q);
        if (have < 0)
            return -1;
        char sql[192];
        snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN %s %s", sl_added_columns[i].table,
                 sl_added_columns[i].column, sl_added_columns[i].decl);
        if (!have && db_exec(db, sql) < 0)
            return -1;
        if (!have)
            log_info("schema_migrated", "backend=sqlite added=%s.%s", sl_added_columns[i].table,
                     sl_added_columns[i].column);
    }
    return 0;
}

/* One server per database file. Each ticketd decides from its own memory
 * (seats, balances) and writes through; a second one on the same file
 * would sell the seats the first has sold. SQLite's own locks only order
 * the two processes' transactions, so the file gets a lock of its own,
 * held until store_close (and dropped by the kernel if the process dies).
 * Readers such as ticket-audit open the database directly and never take
 * it. */
static int sl_lock(sl_store *s)
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
static pthread_once_t sl_config_once = PTHREAD_ONCE_INIT;
static void sl_config(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static void sl_close(tk_store *base)
{
    sl_store *s = SL(base);
    if (s->base.tx && s->db)
        db_exec(s->db, "ROLLBACK");
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(s->st[i]);
    for (int i = 0; i < LT_COUNT; i++)
        sqlite3_finalize(s->lt[i]);
    sqlite3_close(s->db);
    if (s->wal_fd >= 0)
        close(s->wal_fd);
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* and with it the lock */
    free(s);
}

static int step_done(sl_store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    int ok = (rc == SQLITE_DONE || rc == SQLITE_ROW);
    if (!ok)
        log_error("store_step", "err=\"%s\" sql=\"%.60s\"", sqlite3_errmsg(s->db),
                  sqlite3_sql(st));
    sqlite3_reset(st);
    return ok ? 0 : -1;
}

static int sl_begin(tk_store *base) { return step_done(SL(base), SL(base)->lt[LT_BEGIN]); }

static int sl_end(tk_store *base, bool rollback)
{
    sl_store *s = SL(base);
    if (rollback)
        return step_done(s, s->lt[LT_ROLLBACK]);
    if (step_done(s, s->lt[LT_COMMIT]) == 0)
        return 0;
    /* A failed COMMIT may leave the transaction open: close it so the
     * connection is usable by whoever reloads. */
    if (!sqlite3_get_autocommit(s->db))
        step_done(s, s->lt[LT_ROLLBACK]);
    return -1;
}

static int sl_defer_sync(tk_store *base)
{
    sl_store *s = SL(base);
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
    if (db_exec(s->db, "PRAGMA synchronous=NORMAL") < 0) {
        close(fd);
        return -1;
    }
    s->wal_fd = fd;
    return 0;
}

static int sl_sync(tk_store *base)
{
    sl_store *s = SL(base);
    if (s->wal_fd < 0)
        return 0;
    if (fdatasync(s->wal_fd) != 0) {
        log_error("store_sync", "err=\"fdatasync of the WAL failed\"");
        return -1;
    }
    return 0;
}

/* SQLite's own count of rows inserted, updated or deleted. */
static int64_t sl_changes(const tk_store *base)
{
    return sqlite3_total_changes64(((const sl_store *)base)->db);
}

/* The statement for st, bound to a (text and bytes copied). A literal
 * text is prepared here; the caller finalizes it (*own). */
static sqlite3_stmt *sl_bind(sl_store *s, st_stmt st, const st_arg *a, int n, bool *own)
{
    sqlite3_stmt *q = NULL;
    *own = st.which < 0;
    if (*own) {
        if (sqlite3_prepare_v2(s->db, st.sql, -1, &q, NULL) != SQLITE_OK) {
            log_error("store_prepare", "sql=\"%.60s\" err=\"%s\"", st.sql, sqlite3_errmsg(s->db));
            return NULL;
        }
    } else {
        q = s->st[st.which];
        sqlite3_reset(q);
        sqlite3_clear_bindings(q);
    }
    for (int i = 0; i < n; i++) {
        if (a[i].type == 'i')
            sqlite3_bind_int64(q, i + 1, a[i].i);
        else if (a[i].type == 't')
            sqlite3_bind_text(q, i + 1, a[i].t, -1, SQLITE_TRANSIENT);
        else if (a[i].type == 'b')
            sqlite3_bind_blob64(q, i + 1, a[i].b, (sqlite3_uint64)a[i].blen, SQLITE_TRANSIENT);
    }
    return q;
}

static void sl_unbind(sqlite3_stmt *q, bool own)
{
    if (own)
        sqlite3_finalize(q);
    else
        sqlite3_reset(q);
}

static int sl_write(tk_store *base, st_stmt st, const st_arg *a, int n)
{
    bool own;
    sqlite3_stmt *q = sl_bind(SL(base), st, a, n, &own);
    if (!q)
        return -1;
    int rc = sqlite3_step(q);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        log_error("store_step", "err=\"%s\" sql=\"%.60s\"", sqlite3_errmsg(SL(base)->db),
                  sqlite3_sql(q));
    sl_unbind(q, own);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static void sl_row(sqlite3_stmt *q, const char *cols, st_row *r)
{
    r->n = (int)strlen(cols);
    for (int c = 0; c < r->n; c++) {
        if (cols[c] == 'i')
            r->i[c] = sqlite3_column_int64(q, c);
        else if (cols[c] == 't')
            r->t[c] = (const char *)sqlite3_column_text(q, c);
        else {
            r->b[c] = sqlite3_column_blob(q, c);
            r->blen[c] = (size_t)sqlite3_column_bytes(q, c);
        }
    }
}

static int sl_query(tk_store *base, st_stmt st, const st_arg *a, int n, const char *cols,
                    st_row_fn fn, void *ctx)
{
    bool own;
    sqlite3_stmt *q = sl_bind(SL(base), st, a, n, &own);
    if (!q)
        return -1;
    int rc;
    st_row r;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        sl_row(q, cols, &r);
        if (fn(ctx, &r) != 0) {
            sl_unbind(q, own);
            return -1;
        }
    }
    if (rc != SQLITE_DONE)
        log_error("store_query", "err=\"%s\"", sqlite3_errmsg(SL(base)->db));
    sl_unbind(q, own);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int sl_exec(tk_store *base, const char *sql)
{
    sqlite3 *db = SL(base)->db;
    /* A savepoint so a broken file leaves the batch as it was. */
    int rc = db_exec(db, "SAVEPOINT sqlfile");
    if (rc == 0) {
        rc = db_exec(db, sql);
        db_exec(db, rc == 0 ? "RELEASE sqlfile" : "ROLLBACK TO sqlfile; RELEASE sqlfile");
    }
    return rc;
}

static int sl_copied(tk_store *base) { return 0; } /* INTEGER PRIMARY KEY goes on by itself */

static const store_ops sl_ops = {
    .name = "sqlite", .close = sl_close, .begin = sl_begin, .end = sl_end,
    .defer_sync = sl_defer_sync, .sync = sl_sync, .changes = sl_changes,
    .write = sl_write, .query = sl_query, .exec = sl_exec, .copied = sl_copied,
};

tk_store *sqlite_store_open(const char *path)
{
    sl_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->base.ops = &sl_ops;
    s->wal_fd = -1;
    s->lock_fd = -1;
    pthread_once(&sl_config_once, sl_config);
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
        sl_close(&s->base);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (sl_lock(s) < 0) {
        sl_close(&s->base);
        return NULL;
    }
    /* WAL + FULL: a COMMIT that returned is on disk, and readers (the
     * audit tool) never block the single writer. The schema file is
     * idempotent and brings an older file up to date (its migrations are
     * IF NOT EXISTS statements). */
    if (db_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                       "PRAGMA foreign_keys=ON;") < 0 ||
        schema_too_new(s) ||
        db_exec(s->db, "BEGIN IMMEDIATE") < 0 || db_exec(s->db, store_schema_sql) < 0 ||
        sl_add_columns(s->db) < 0 || db_exec(s->db, "COMMIT") < 0 || sl_prepare_all(s) < 0) {
        sl_close(&s->base);
        return NULL;
    }
    return &s->base;
}
