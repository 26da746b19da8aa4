/* tests/it_store.c -- the store under ticketd, on whichever backend the run
 * uses (tests/run.sh runs it on SQLite, then on PostgreSQL): what the
 * database itself refuses, a start against an unreachable or refusing
 * PostgreSQL, a connection lost under a running server (fail-stop),
 * SQLite files of the previous schema version, --migrate-from and
 * ticket-audit on a PostgreSQL URI. */
#include <fcntl.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "server/store/store.h"
#include "tests/lib/harness.h"

#define TH_PG_ONLY(why)                                                      \
    do {                                                                     \
        if (!th_on_postgres()) {                                             \
            fprintf(stderr, "skip on SQLite: %s\n", why);                    \
            return;                                                          \
        }                                                                    \
    } while (0)

void th_pg_uri_for(const char *name, char *out, size_t outlen); /* th_pg.c */

static const char *st_bin(const char *name)
{
    const char *t = getenv("TICKETD");
    ck_assert_msg(t && *t, "TICKETD unset");
    char *dir = th_sprintf("%s", t);
    *strrchr(dir, '/') = '\0';
    return th_sprintf("%s/%s", dir, name);
}

/* Runs one statement on the server's database, as an operator (or a bug)
 * would behind ticketd's back. true when the database accepted it. */
static bool st_sql_ok(const char *db, const char *sql)
{
    if (th_on_postgres()) {
        PGconn *c = PQconnectdb(db);
        ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
        PGresult *r = PQexec(c, sql);
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
        PQfinish(c);
        return ok;
    }
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    bool ok = sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(h);
    return ok;
}

static bool st_file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strstr(buf, needle) != NULL;
}

/* On a new date: u buys seat `sold` (which ends u's turn) while w, a
 * second member, holds seat `held`. The date; *sold_hold the paid hold. */
static int64_t st_sold_and_held(th_server *s, th_user *u, th_user *w, int sold, int held,
                                int64_t *sold_hold)
{
    int64_t d = th_date_new(s, 5, 1000);
    th_user_active(s, u, "Buyer", 5000);
    th_user_active(s, w, "Holder", 0);
    *sold_hold = th_hold(s, u, d, sold);
    th_hold(s, w, d, held);
    TH_OK(th_pay(s, u, sold_hold, 1));
    return d;
}

/* The database refuses what must never happen, even from outside ticketd:
 * a second live hold on a seat, a second sold booking, a negative
 * balance, a second payment under one (user, request_id). */
START_TEST(database_refuses_the_impossible)
{
    th_server *s = th_start(NULL);
    th_user u, w;
    int64_t h1;
    st_sold_and_held(s, &u, &w, 1, 2, &h1);
    th_stop(s);
    const char *hold2 = th_sprintf(
        "INSERT INTO holds(id,user_id,date_id,seat_no,price,created_at,expires_at,state) "
        "SELECT 900,user_id,date_id,seat_no,price,created_at,expires_at,0 FROM holds "
        "WHERE seat_no = 2");
    ck_assert_msg(!st_sql_ok(s->db, hold2), "a second live hold on a seat was stored");
    const char *book2 = "INSERT INTO bookings(id,code,user_id,payment_id,hold_id,date_id,seat_no,"
                        "price,paid_at,state) SELECT 900,'TK-X',user_id,payment_id,hold_id,"
                        "date_id,seat_no,price,paid_at,0 FROM bookings";
    ck_assert_msg(!st_sql_ok(s->db, book2), "a seat was sold twice");
    ck_assert_msg(!st_sql_ok(s->db, "UPDATE users SET balance = -1"), "a negative balance");
    const char *pay2 = "INSERT INTO payments(id,user_id,amount,balance,paid_at,request_id) "
                       "SELECT 900,user_id,amount,balance,paid_at,request_id FROM payments";
    ck_assert_msg(!st_sql_ok(s->db, pay2), "a second payment under one request_id");
    /* ...while a legal change goes through (the statements above were
     * refused for their reason, not for a typo). */
    ck_assert(st_sql_ok(s->db, "UPDATE users SET balance = balance"));
    th_restart(s);
    th_money_check(s, &u, 1, 0);
}
END_TEST

/* A SQLite file of schema version 1 gets version 2's key and version 3's
 * checkins table (door check-in) at the next start. */
START_TEST(sqlite_v1_file_migrates)
{
    TH_SQLITE_ONLY("SQLite's own schema file and version");
    th_server *s = th_start(NULL);
    th_stop(s);
    ck_assert(st_sql_ok(s->db, "DROP INDEX payments_request; DROP TABLE checkins; "
                                   "PRAGMA user_version = 1"));
    th_restart(s);
    th_stop(s);
    sqlite3 *h;
    sqlite3_stmt *q;
    ck_assert_int_eq(sqlite3_open(s->db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h,
                                        "SELECT (SELECT count(*) FROM sqlite_master WHERE "
                                        "name = 'payments_request'), (SELECT user_version FROM "
                                        "pragma_user_version), (SELECT count(*) FROM "
                                        "sqlite_master WHERE name = 'checkins')",
                                        -1, &q, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(q, 0), 1);
    ck_assert_int_eq(sqlite3_column_int(q, 1), STORE_SCHEMA_VERSION);
    ck_assert_int_eq(sqlite3_column_int(q, 2), 1);
    sqlite3_finalize(q);
    sqlite3_close(h);
}
END_TEST

/* A database from before staff keys (issue 17) gets the audit's staff and
 * the ledger's method and staff columns at the next start, on either
 * store, and keeps what is written into them across a restart. */
START_TEST(staff_columns_migrate)
{
    th_server *s = th_start(NULL);
    th_user u;
    th_user_new(s, &u, "Old");
    th_stop(s);
    const char *drop = "ALTER TABLE audit DROP COLUMN staff; ALTER TABLE ledger DROP COLUMN "
                       "method; ALTER TABLE ledger DROP COLUMN staff;";
    ck_assert(st_sql_ok(s->db, drop));
    ck_assert(st_sql_ok(s->db, th_on_postgres() ? "UPDATE schema_version SET version = 1"
                                                : "PRAGMA user_version = 2"));
    th_restart(s);
    TH_OK(th_admin(s, "wallet.charge", "{\"user_id\":\"%s\",\"amount\":700,\"request_id\":\"m\","
                   "\"method\":\"card\"}", u.user_id));
    th_concert_new(s, "After");
    th_stop(s);
    th_restart(s);
    rpc_reply r = th_call(s, "wallet.history", "{\"user_id\":\"%s\"}", u.user_id);
    const cJSON *e = cJSON_GetArrayItem(th_arr(r.result, "entries"), 0);
    ck_assert_str_eq(th_str(e, "method"), "card");
    ck_assert_str_eq(th_str(e, "staff"), "admin");
    r = th_admin(s, "admin.audit.list", NULL);
    ck_assert_str_eq(th_str(cJSON_GetArrayItem(th_arr(r.result, "entries"), 0), "staff"), "admin");
}
END_TEST

/* A database from before several nodes (issue 16) gets the audit's node
 * column at the next start, on either store: its old rows name no node,
 * a call after it names the node that took it, and the version is the
 * current one. */
START_TEST(audit_node_migrates)
{
    th_server *s = th_start("--node", "box-a", NULL);
    th_concert_new(s, "Before");
    th_stop(s);
    ck_assert(st_sql_ok(s->db, th_on_postgres() ? "ALTER TABLE audit DROP COLUMN node; "
                                                  "UPDATE schema_version SET version = 4"
                                                : "ALTER TABLE audit DROP COLUMN node; "
                                                  "PRAGMA user_version = 3"));
    ck_assert(!st_sql_ok(s->db, "SELECT node FROM audit"));
    th_restart(s);
    th_concert_new(s, "After");
    rpc_reply r = th_admin(s, "admin.audit.list", NULL);
    TH_OK(r);
    const cJSON *e = th_arr(r.result, "entries");
    ck_assert_int_eq(cJSON_GetArraySize(e), 2);
    ck_assert_str_eq(th_str(cJSON_GetArrayItem(e, 0), "node"), "box-a");
    ck_assert_str_eq(th_str(cJSON_GetArrayItem(e, 1), "node"), "");
    th_stop(s);
    ck_assert(st_sql_ok(s->db, th_on_postgres() ? "SELECT 1 FROM schema_version WHERE "
                                                  "version = 5 HAVING count(*) = 1"
                                                : "SELECT 1 FROM pragma_user_version "
                                                  "WHERE user_version = 4"));
}
END_TEST

/* The tz of date_id on the dashboard. */
static const char *st_date_tz(th_server *s, int64_t date_id)
{
    rpc_reply r = th_admin(s, "admin.dashboard", "{}");
    TH_OK(r);
    const cJSON *d;
    cJSON_ArrayForEach(d, th_arr(r.result, "dates"))
        if (th_int(d, "date_id") == date_id)
            return th_sprintf("%s", th_str(d, "tz"));
    ck_abort_msg("date %lld not on the dashboard", (long long)date_id);
    return NULL;
}

/* Venue time on a database from before it: its concerts get Seoul's zone
 * (what server.info said then) at the next start, on both stores; a zone
 * given later is kept across a restart. */
START_TEST(venue_time_migrates)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 3, 1000);
    th_stop(s);
    const char *back = th_on_postgres()
                           ? "ALTER TABLE concerts DROP COLUMN tz; UPDATE schema_version SET version = 2"
                           : "ALTER TABLE concerts DROP COLUMN tz; PRAGMA user_version = 2";
    ck_assert(st_sql_ok(s->db, back));
    th_restart(s);
    ck_assert_str_eq(st_date_tz(s, d), "Asia/Seoul");
    rpc_reply r = th_admin(s, "admin.concert.create",
                           "{\"title\":\"B\",\"venue\":\"Philharmonie\",\"tz\":\"Europe/Berlin\"}");
    TH_OK(r);
    int64_t c = th_int(r.result, "concert_id");
    int64_t d2 = th_date_new_full(s, c, 5, "{\"1-50\":1000}", NULL);
    th_stop(s);
    th_restart(s);
    ck_assert_str_eq(st_date_tz(s, d), "Asia/Seoul");
    ck_assert_str_eq(st_date_tz(s, d2), "Europe/Berlin");
}
END_TEST

/* A PostgreSQL database of schema version 1 gets the checkins table (door
 * check-in, version 4) at the next start, and check-ins work on it. */
START_TEST(postgres_v1_database_migrates)
{
    TH_PG_ONLY("PostgreSQL's versioned schema");
    th_server *s = th_start(NULL);
    th_stop(s);
    ck_assert(st_sql_ok(s->db, "DROP TABLE checkins; UPDATE schema_version SET version = 1"));
    ck_assert(!st_sql_ok(s->db, "SELECT 1 FROM checkins"));
    th_restart(s);
    ck_assert(st_sql_ok(s->db, "SELECT 1 FROM checkins"));
    ck_assert(st_sql_ok(s->db, "SELECT 1 FROM schema_version WHERE version = 5 "
                               "HAVING count(*) = 1"));
    rpc_reply r = th_admin(s, "admin.booking.checkin", "{\"code\":\"TK-2222-2222\"}");
    TH_OK(r);
    ck_assert_str_eq(th_str(r.result, "reason"), "UNKNOWN_CODE");
}
END_TEST

/* Whatever libpq says when it cannot connect, ticketd says too, and exits. */
static void st_start_fails_with_libpq_message(const char *uri)
{
    PGconn *c = PQconnectdb(uri);
    ck_assert_int_ne(PQstatus(c), CONNECTION_OK);
    const char *want = th_sprintf("%s", PQerrorMessage(c));
    PQfinish(c);
    char dir[] = "/tmp/th-pgfail-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *err = th_sprintf("%s/stderr", dir);
    const char *argv[] = {getenv("TICKETD"), "--db", uri,
                          "--rpc", th_sprintf("ipc://%s/rpc.sock", dir),
                          "--events", th_sprintf("ipc://%s/ev.sock", dir),
                          "--admin-key-file", th_sprintf("%s/admin.key", dir),
                          "--secret-file", th_sprintf("%s/secret.key", dir), NULL};
    int rc = th_run_to(argv, NULL, err);
    bool has = st_file_has(err, want);
    bool ready = st_file_has(err, "event=ready");
    unlink(err);
    unlink(th_sprintf("%s/admin.key", dir));
    unlink(th_sprintf("%s/secret.key", dir));
    rmdir(dir);
    ck_assert_int_eq(rc, 1);
    ck_assert_msg(has, "ticketd's stderr lacks libpq's message: %s", want);
    ck_assert(!ready);
}

/* How many times needle is in the file at path. */
static int st_file_count(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[2048];
    int n = 0;
    while (fgets(line, sizeof line, f))
        n += strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

/* A node started while PostgreSQL does not answer (a socket directory
 * where none listens) waits: it logs libpq's own message once per try,
 * the tries further and further apart, and does not listen. On the test
 * cluster the server then appears there (a link to its socket), and the
 * node leads and serves without being restarted. */
START_TEST(postgres_unreachable_at_start_is_retried)
{
    th_server *keys = th_start(NULL); /* its keys and (on PostgreSQL) database */
    th_stop(keys);
    char *empty = th_sprintf("%s/nopg", keys->dir);
    ck_assert_int_eq(mkdir(empty, 0700), 0);
    const char *uri = th_on_postgres() ? th_sprintf("%s&host=%s", keys->db, empty)
                                       : th_sprintf("postgresql:///ticket?host=%s", empty);
    PGconn *c = PQconnectdb(uri);
    ck_assert_int_ne(PQstatus(c), CONNECTION_OK);
    char *want = th_sprintf("%s", PQerrorMessage(c));
    PQfinish(c);
    *strchrnul(want, '\n') = '\0';

    th_server *s = th_standby(keys, "--db", uri, NULL);
    int64_t end = clock_mono_ms() + TH_WAIT_MS;
    while (!log_file_has(s->log_path, "retry_ms=500") && clock_mono_ms() < end)
        th_sleep_ms(50);
    ck_assert(th_alive(s));
    ck_assert(log_file_has(s->log_path, "event=store_unreachable retry_ms=250"));
    ck_assert(log_file_has(s->log_path, "retry_ms=500"));
    ck_assert_int_ge(st_file_count(s->log_path, want), 2); /* libpq's words, each time */
    ck_assert(!log_file_has(s->log_path, "event=ready"));
    if (!th_on_postgres())
        return; /* no server to appear: th_teardown ends the node */
    const char *host = strstr(getenv("TH_STORE_URI"), "host=") + 5;
    char *pgdir = th_sprintf("%.*s", (int)strcspn(host, "&"), host);
    ck_assert_int_eq(symlink(th_sprintf("%s/.s.PGSQL.5432", pgdir),
                             th_sprintf("%s/.s.PGSQL.5432", empty)),
                     0);
    ck_assert_int_ge(th_wait_serving(s, TH_READY_MS), 0);
    ck_assert(log_file_has(s->log_path, "event=leader"));
}
END_TEST

START_TEST(postgres_wrong_credentials)
{
    TH_PG_ONLY("needs the test cluster");
    char uri[1024];
    th_pg_uri_for("postgres", uri, sizeof uri);
    st_start_fails_with_libpq_message(th_sprintf("%s&user=th_no_such_role", uri));
}
END_TEST

/* The server's session ends under it (a PostgreSQL restart, a network
 * cut, an operator's pg_terminate_backend): the next batch's COMMIT has no
 * outcome, so ticketd replies nothing and exits 1; after a restart the
 * client's retry lands exactly once. */
START_TEST(postgres_lost_connection_is_fail_stop)
{
    TH_PG_ONLY("a PostgreSQL session");
    th_server *s = th_start(NULL);
    th_user u;
    th_user_new(s, &u, "Cut");
    ck_assert_int_eq(th_charge(s, &u, 1000), 1000);
    const char *dbname = strstr(s->db, "dbname=") + 7;
    ck_assert(st_sql_ok(s->db, th_sprintf("SELECT pg_terminate_backend(pid) FROM "
                                          "pg_stat_activity WHERE datname = '%s' AND pid <> "
                                          "pg_backend_pid()", dbname)));
    th_client_set_timeout(s->client, 3000);
    const char *charge = "{\"user_id\":\"%s\",\"amount\":500,\"request_id\":\"cut-1\"}";
    rpc_reply r = th_call(s, "wallet.charge", charge, u.user_id);
    int st = th_wait_exit(s, TH_READY_MS);
    ck_assert_msg(r.err == TK_ERR_COUNT, "a write whose COMMIT failed was answered: %s",
                  th_reply_str(&r));
    ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d", st);
    ck_assert(log_file_has(s->log_path, "event=commit_failed"));
    th_restart(s);
    r = th_call(s, "wallet.charge", charge, u.user_id);
    TH_OK(r);
    ck_assert_int_eq(th_int(r.result, "balance"), 1500);
    u.charged += 500;
    th_money_check(s, &u, 1, 0);
}
END_TEST

/* A SQLite database moves into an empty PostgreSQL one: every row, ids
 * kept; ticket-audit passes on it; a second run refuses (not empty); a
 * server started on it finds the members and goes on numbering. */
START_TEST(migrate_from_sqlite)
{
    TH_PG_ONLY("the target is PostgreSQL");
    char *uri = th_sprintf("%s", getenv("TH_STORE_URI"));
    unsetenv("TH_STORE_URI"); /* this one server on SQLite */
    th_server *lite = th_start(NULL);
    setenv("TH_STORE_URI", uri, 1);
    th_user u, w;
    int64_t h;
    int64_t d = st_sold_and_held(lite, &u, &w, 3, 4, &h);
    th_stop(lite);

    char target[1024];
    th_pg_create(target, sizeof target);
    const char *err = th_sprintf("%s/migrate.err", lite->dir);
    const char *argv[] = {getenv("TICKETD"), "--migrate-from", lite->db, "--db", target, NULL};
    ck_assert_int_eq(th_run_to(argv, NULL, err), 0);
    ck_assert(st_file_has(err, "event=migrated"));
    ck_assert_int_eq(th_run_to(argv, NULL, err), 1);
    ck_assert(st_file_has(err, "not empty"));
    const char *audit[] = {st_bin("ticket-audit"), "-q", target, NULL};
    ck_assert_int_eq(th_run_to(audit, NULL, err), 0);

    th_server *pg = th_start("--db", target, NULL); /* the last --db wins */
    ck_assert_int_eq(th_balance(pg, u.user_id), 5000 - 1000);
    th_user v; /* u's token was signed with the SQLite server's secret */
    th_user_active(pg, &v, "Newcomer", 0);
    ck_assert_int_gt(th_hold(pg, &v, d, 5), h + 1); /* ids go on after the copied ones */
    th_money_check(pg, &u, 1, 0);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_store");
    TCase *tc = th_tcase("store");
    tcase_add_test(tc, database_refuses_the_impossible);
    tcase_add_test(tc, sqlite_v1_file_migrates);
    tcase_add_test(tc, staff_columns_migrate);
    tcase_add_test(tc, audit_node_migrates);
    tcase_add_test(tc, venue_time_migrates);
    tcase_add_test(tc, postgres_v1_database_migrates);
    tcase_add_test(tc, postgres_unreachable_at_start_is_retried);
    tcase_add_test(tc, postgres_wrong_credentials);
    tcase_add_test(tc, postgres_lost_connection_is_fail_stop);
    tcase_add_test(tc, migrate_from_sqlite);
    suite_add_tcase(su, tc);
    return th_main(su);
}
