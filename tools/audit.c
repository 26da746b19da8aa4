/* tools/audit.c -- ticket-audit DB: checks a ticketd database's invariants.
 *
 *   ticket-audit [-q] DB     exit 0 clean, 1 an invariant is violated,
 *                            2 usage / not a ticketd database
 *
 * DB is a SQLite file or a PostgreSQL URI/conninfo, as ticketd's --db.
 * Read-only (SQLITE_OPEN_READONLY, or a READ ONLY REPEATABLE READ
 * transaction), one read transaction, so it may run beside a live server
 * and sees one consistent snapshot. The checks are SQL both speak. Each check is a
 * query that returns the violating rows, so a finding prints the evidence
 * itself; an empty result is a pass. The checks restate the contract's
 * promises in terms of data/schema.sql:
 *   - one seat, one owner: no two live holds, no two paid bookings, no
 *     seat both held and sold;
 *   - no negative balance, and each wallet equals its ledger;
 *   - money conserved: charges - payments + refunds == sum of balances;
 *   - every payment has its bookings (summing to its amount) and exactly
 *     one ledger entry; every refund has its ledger entry. */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/version.h"
#include "server/store/store.h"

typedef struct {
    const char *name;
    const char *sql; /* rows returned = violations */
} audit_check;

static const audit_check audit_checks[] = {
    {"no seat with two live holds",
     "SELECT date_id, seat_no, COUNT(*) AS live_holds FROM holds WHERE state = 0 "
     "GROUP BY date_id, seat_no HAVING COUNT(*) > 1"},
    {"no seat with two paid bookings",
     "SELECT date_id, seat_no, COUNT(*) AS paid_bookings FROM bookings WHERE state = 0 "
     "GROUP BY date_id, seat_no HAVING COUNT(*) > 1"},
    {"no seat both held and sold",
     "SELECT h.id AS hold_id, b.id AS booking_id, h.date_id, h.seat_no FROM holds h "
     "JOIN bookings b ON b.date_id = h.date_id AND b.seat_no = h.seat_no "
     "WHERE h.state = 0 AND b.state = 0"},
    {"no negative balance",
     "SELECT id AS \"user\", balance FROM users WHERE balance < 0 "
     "UNION ALL SELECT user_id, balance FROM ledger WHERE balance < 0"},
    {"each wallet equals the sum of its ledger",
     "SELECT u.id AS \"user\", u.balance, COALESCE(SUM(l.amount), 0) AS ledger_sum FROM users u "
     "LEFT JOIN ledger l ON l.user_id = u.id GROUP BY u.id "
     "HAVING u.balance != COALESCE(SUM(l.amount), 0)"},
    {"each ledger entry's balance follows the previous one",
     "SELECT id AS entry, user_id, amount, balance, prev FROM ("
     " SELECT id, user_id, amount, balance,"
     "  LAG(balance, 1, 0) OVER (PARTITION BY user_id ORDER BY id) AS prev FROM ledger) AS x"
     " WHERE balance != prev + amount"},
    {"ledger signs match their kinds",
     "SELECT id AS entry, kind, amount FROM ledger WHERE (kind = 'charge' AND amount <= 0) "
     "OR (kind = 'payment' AND amount > 0) OR (kind = 'refund' AND amount <= 0)"},
    {"money conserved (charges - payments + refunds == balances)",
     "SELECT c AS charges, p AS payments, r AS refunds, b AS balances FROM ("
     " SELECT (SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE kind = 'charge') AS c,"
     "  (SELECT COALESCE(-SUM(amount), 0) FROM ledger WHERE kind = 'payment') AS p,"
     "  (SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE kind = 'refund') AS r,"
     "  (SELECT COALESCE(SUM(balance), 0) FROM users) AS b) AS x"
     " WHERE c - p + r != b"},
    {"payments table agrees with the ledger",
     "SELECT pt, lt FROM (SELECT (SELECT COALESCE(SUM(amount), 0) FROM payments) AS pt,"
     " (SELECT COALESCE(-SUM(amount), 0) FROM ledger WHERE kind = 'payment') AS lt) AS x"
     " WHERE pt != lt"},
    {"every payment has bookings summing to its amount",
     "SELECT p.id AS payment, p.amount, COUNT(b.id) AS bookings,"
     " COALESCE(SUM(b.price), 0) AS booked FROM payments p"
     " LEFT JOIN bookings b ON b.payment_id = p.id GROUP BY p.id"
     " HAVING COUNT(b.id) NOT BETWEEN 1 AND 4 OR COALESCE(SUM(b.price), 0) != p.amount"},
    {"every booking belongs to its payment's user",
     "SELECT b.id AS booking, b.user_id, p.user_id AS payer FROM bookings b"
     " LEFT JOIN payments p ON p.id = b.payment_id"
     " WHERE p.id IS NULL OR p.user_id != b.user_id"},
    {"every payment has exactly one ledger entry",
     "SELECT p.id AS payment, p.amount, COUNT(l.id) AS entries,"
     " COALESCE(SUM(l.amount), 0) AS ledger_amount FROM payments p"
     " LEFT JOIN ledger l ON l.kind = 'payment' AND l.ref = p.id AND l.user_id = p.user_id"
     " GROUP BY p.id HAVING COUNT(l.id) != 1 OR COALESCE(SUM(l.amount), 0) != -p.amount"},
    {"every payment ledger entry has its payment",
     "SELECT l.id AS entry, l.ref FROM ledger l LEFT JOIN payments p ON p.id = l.ref"
     " WHERE l.kind = 'payment' AND p.id IS NULL"},
    {"every booking's hold is marked paid for the same seat",
     "SELECT b.id AS booking, b.hold_id, h.state, h.date_id, h.seat_no FROM bookings b"
     " LEFT JOIN holds h ON h.id = b.hold_id"
     " WHERE h.id IS NULL OR h.state != 3 OR h.date_id != b.date_id"
     " OR h.seat_no != b.seat_no OR h.user_id != b.user_id"},
    {"every refund has exactly one ledger entry",
     "SELECT b.id AS booking, b.price, COUNT(l.id) AS entries FROM bookings b"
     " LEFT JOIN ledger l ON l.kind = 'refund' AND l.ref = b.id"
     " WHERE b.state = 1 GROUP BY b.id"
     " HAVING COUNT(l.id) != 1 OR COALESCE(SUM(l.amount), 0) != b.price"},
    {"every refund ledger entry has its refunded booking",
     "SELECT l.id AS entry, l.ref FROM ledger l LEFT JOIN bookings b ON b.id = l.ref"
     " WHERE l.kind = 'refund' AND (b.id IS NULL OR b.state != 1)"},
    {"every request_id points at its result",
     "SELECT i.user_id, i.request_id, i.method, i.result_ref FROM idempotency i"
     " WHERE (i.method = 'wallet.charge' AND NOT EXISTS (SELECT 1 FROM ledger l"
     "  WHERE l.id = i.result_ref AND l.user_id = i.user_id AND l.kind = 'charge'))"
     " OR (i.method = 'payment.pay' AND NOT EXISTS (SELECT 1 FROM payments p"
     "  WHERE p.id = i.result_ref AND p.user_id = i.user_id))"},
};

#define AUDIT_SHOW_ROWS 5

/* The database, either kind: rows come back as text, with column names. */
typedef struct {
    sqlite3 *lite;
    PGconn *pg;
} audit_db;
typedef void (*audit_row_fn)(void *ctx, int n, const char *const *names,
                             const char *const *vals);
#define AUDIT_MAXCOLS 16

static int audit_query_lite(sqlite3 *db, const char *sql, audit_row_fn fn, void *ctx,
                            const char **err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        *err = sqlite3_errmsg(db);
        return -1;
    }
    int rc, n = sqlite3_column_count(st);
    n = n > AUDIT_MAXCOLS ? AUDIT_MAXCOLS : n;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *names[AUDIT_MAXCOLS], *vals[AUDIT_MAXCOLS];
        for (int i = 0; i < n; i++) {
            names[i] = sqlite3_column_name(st, i);
            vals[i] = (const char *)sqlite3_column_text(st, i);
        }
        fn(ctx, n, names, vals);
    }
    if (rc != SQLITE_DONE)
        *err = sqlite3_errmsg(db);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int audit_query_pg(PGconn *c, const char *sql, audit_row_fn fn, void *ctx,
                          const char **err)
{
    static char msg[512];
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(msg, sizeof msg, "%s", r ? PQresultErrorMessage(r) : PQerrorMessage(c));
        msg[strcspn(msg, "\n")] = '\0';
        *err = msg;
        PQclear(r);
        return -1;
    }
    int n = PQnfields(r) > AUDIT_MAXCOLS ? AUDIT_MAXCOLS : PQnfields(r);
    for (int row = 0; row < PQntuples(r); row++) {
        const char *names[AUDIT_MAXCOLS], *vals[AUDIT_MAXCOLS];
        for (int i = 0; i < n; i++) {
            names[i] = PQfname(r, i);
            vals[i] = PQgetisnull(r, row, i) ? NULL : PQgetvalue(r, row, i);
        }
        fn(ctx, n, names, vals);
    }
    PQclear(r);
    return 0;
}

/* Each row of sql to fn. 0, or -1 with the database's message in *err. */
static int audit_query(audit_db *db, const char *sql, audit_row_fn fn, void *ctx,
                       const char **err)
{
    return db->pg ? audit_query_pg(db->pg, sql, fn, ctx, err)
                  : audit_query_lite(db->lite, sql, fn, ctx, err);
}

static void audit_ignore(void *ctx, int n, const char *const *names, const char *const *vals) {}

typedef struct {
    const audit_check *c;
    int rows;
} finding_ctx;

static void audit_finding(void *ctx, int n, const char *const *names, const char *const *vals)
{
    finding_ctx *f = ctx;
    if (f->rows++ == 0)
        printf("not ok - %s\n", f->c->name);
    if (f->rows > AUDIT_SHOW_ROWS)
        return;
    printf("    ");
    for (int i = 0; i < n; i++)
        printf("%s%s=%s", i ? " " : "", names[i], vals[i] ? vals[i] : "NULL");
    printf("\n");
}

/* Runs one check; prints "ok - name" or "not ok - name" plus evidence.
 * Returns 0 pass, 1 violation, 2 the query itself failed. */
static int audit_run(audit_db *db, const audit_check *c, bool quiet)
{
    finding_ctx f = {c, 0};
    const char *err = NULL;
    if (audit_query(db, c->sql, audit_finding, &f, &err) < 0) {
        printf("not ok - %s: query failed: %s\n", c->name, err ? err : "?");
        return 2;
    }
    if (f.rows > AUDIT_SHOW_ROWS)
        printf("    ... %d rows in all\n", f.rows);
    if (f.rows == 0 && !quiet)
        printf("ok - %s\n", c->name);
    return f.rows ? 1 : 0;
}

static void audit_count_row(void *ctx, int n, const char *const *names, const char *const *vals)
{
    printf("#");
    for (int i = 0; i < n; i++)
        printf(" %s=%s", names[i], vals[i] ? vals[i] : "0");
    printf("\n");
}

static void audit_counts(audit_db *db)
{
    const char *sql =
        "SELECT (SELECT COUNT(*) FROM users) AS users,"
        " (SELECT COUNT(*) FROM holds WHERE state = 0) AS live_holds,"
        " (SELECT COUNT(*) FROM payments) AS payments,"
        " (SELECT COUNT(*) FROM bookings WHERE state = 0) AS paid_bookings,"
        " (SELECT COUNT(*) FROM bookings WHERE state = 1) AS refunded,"
        " (SELECT COUNT(*) FROM ledger) AS ledger";
    const char *err;
    audit_query(db, sql, audit_count_row, NULL, &err);
}

static int audit_usage(void)
{
    fprintf(stderr, "usage: ticket-audit [-q] DB | --version\n"
                    "  checks a ticketd database's invariants (read-only); DB is a SQLite\n"
                    "  file or a PostgreSQL URI (postgresql://...) or conninfo;\n"
                    "  exit 0 clean, 1 violated, 2 usage or unreadable database\n");
    return 2;
}

/* Opens db read-only and starts the one snapshot every check reads. 0, or
 * -1 (said on stderr). */
static int audit_open(audit_db *db, const char *path)
{
    const char *err = NULL;
    if (store_is_postgres(path)) {
        db->pg = PQconnectdb(path);
        if (PQstatus(db->pg) != CONNECTION_OK) {
            fprintf(stderr, "ticket-audit: %s", PQerrorMessage(db->pg));
            return -1;
        }
        PGresult *r = PQexec(db->pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        PQclear(r);
    } else {
        if (sqlite3_open_v2(path, &db->lite, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            fprintf(stderr, "ticket-audit: %s: %s\n", path,
                    db->lite ? sqlite3_errmsg(db->lite) : "no memory");
            return -1;
        }
        sqlite3_busy_timeout(db->lite, 5000);
        sqlite3_exec(db->lite, "BEGIN", NULL, NULL, NULL);
    }
    if (audit_query(db, "SELECT 1 FROM users, ledger, holds, bookings, payments LIMIT 0",
                    audit_ignore, NULL, &err) < 0) {
        fprintf(stderr, "ticket-audit: %s: not a ticketd database: %s\n", path, err);
        return -1;
    }
    return 0;
}

static void audit_close(audit_db *db)
{
    if (db->pg) {
        PQclear(PQexec(db->pg, "COMMIT"));
        PQfinish(db->pg);
    }
    if (db->lite) {
        sqlite3_exec(db->lite, "COMMIT", NULL, NULL, NULL);
        sqlite3_close(db->lite);
    }
}

int main(int argc, char **argv)
{
    bool quiet = false;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
            quiet = true;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return audit_usage();
        else if (strcmp(argv[i], "--version") == 0) {
            printf("ticket-audit %s\n", TK_VERSION);
            return 0;
        }
        else if (argv[i][0] == '-' || path)
            return audit_usage();
        else
            path = argv[i];
    }
    if (!path)
        return audit_usage();
    audit_db db = {NULL, NULL};
    if (audit_open(&db, path) < 0) {
        audit_close(&db);
        return 2;
    }
    int worst = 0, failed = 0;
    size_t n = sizeof(audit_checks) / sizeof(audit_checks[0]);
    for (size_t i = 0; i < n; i++) {
        int r = audit_run(&db, &audit_checks[i], quiet);
        failed += r != 0;
        if (r > worst)
            worst = r;
    }
    if (!quiet)
        audit_counts(&db);
    audit_close(&db);
    printf("%zu checks, %d violated\n", n, failed);
    return worst;
}
