/* tests/it_bench.c -- `ticket-bench --db URI`: the bench starts its own
 * ticketd on a fresh PostgreSQL database of the server at URI, runs every
 * phase (small), audits that database and drops it at the end. Runs in the
 * PostgreSQL pass of the suite (TH_STORE_URI); `make bench-pg` is the long
 * version. */
#include <libpq-fe.h>
#include <unistd.h>

#include "tests/lib/harness.h"

/* How many databases the bench made are left on the test's server. */
static int64_t ib_bench_databases(void)
{
    PGconn *c = PQconnectdb(getenv("TH_STORE_URI"));
    ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
    PGresult *r =
        PQexec(c, "SELECT count(*) FROM pg_database WHERE datname LIKE 'ticket\\_bench\\_%'");
    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    int64_t n = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return n;
}

/* The file's text (freed at teardown). */
static char *ib_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    char *buf = th_keep_mem(malloc(1 << 17));
    size_t n = fread(buf, 1, (1 << 17) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

START_TEST(bench_runs_on_a_fresh_postgresql_database)
{
    if (!th_on_postgres()) {
        fprintf(stderr, "skip on SQLite: --db names a PostgreSQL server\n");
        return;
    }
    char bench[512], out[64], err[64];
    th_bin("ticket-bench", bench, sizeof bench);
    snprintf(out, sizeof out, "/tmp/it_bench.%d.out", (int)getpid());
    snprintf(err, sizeof err, "/tmp/it_bench.%d.err", (int)getpid());
    const char *argv[] = {bench, "--smoke", "--db", getenv("TH_STORE_URI"), "-d", "0.2",
                          "--users", "100", "--queue-users", "500", "--subscribers", "5",
                          "--changes", "5", NULL};
    int rc = th_run_to(argv, out, err);
    char *text = th_sprintf("%s%s", ib_slurp(err), ib_slurp(out));
    unlink(out);
    unlink(err);
    ck_assert_msg(rc == 0, "ticket-bench --db exit %d:\n%s", rc, text);
    ck_assert_msg(strstr(text, "bench: ticketd on PostgreSQL, database ticket_bench_") != NULL,
                  "%s", text);
    /* ticket-audit ran on that database (its summary, then the table's row) */
    ck_assert_msg(strstr(text, "17 checks, 0 violated") != NULL, "no clean audit:\n%s", text);
    ck_assert_msg(strstr(text, "audit clean | pass") != NULL, "%s", text);
    ck_assert_int_eq(ib_bench_databases(), 0); /* dropped at the end */
}
END_TEST

START_TEST(bench_db_is_for_the_server_it_starts)
{
    char bench[512];
    th_bin("ticket-bench", bench, sizeof bench);
    const char *argv[] = {bench, "--db", "postgresql:///x", "--rpc", "ipc:///tmp/none.sock",
                          "--events", "ipc:///tmp/none-ev.sock", "--admin-key-file", "/dev/null",
                          NULL};
    ck_assert_int_eq(th_run(argv), 2); /* usage: a running server has its own store */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bench");
    TCase *tc = th_tcase("bench");
    tcase_add_test(tc, bench_runs_on_a_fresh_postgresql_database);
    tcase_add_test(tc, bench_db_is_for_the_server_it_starts);
    suite_add_tcase(s, tc);
    return th_main(s);
}
