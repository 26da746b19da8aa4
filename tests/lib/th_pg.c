/* tests/lib/th_pg.c -- the PostgreSQL side of the harness: with
 * TH_STORE_URI set (tests/run.sh: the cluster tools/pgtest.sh started), every
 * server gets a database of its own, created here and dropped at teardown.
 * See harness.h. */
#include <libpq-fe.h>
#include <unistd.h>

#include "tests/lib/harness.h"

#define TH_PG_MAX 64

static char th_pg_names[TH_PG_MAX][24];
static int th_pg_n;
static int th_pg_seq;

static const char *th_pg_uri(void)
{
    const char *u = getenv("TH_STORE_URI");
    return u && *u ? u : NULL;
}

bool th_on_postgres(void) { return th_pg_uri() != NULL; }

static void th_pg_exec(const char *sql)
{
    PGconn *c = PQconnectdb(th_pg_uri());
    ck_assert_msg(PQstatus(c) == CONNECTION_OK, "TH_STORE_URI=%s: %s", th_pg_uri(),
                  PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

/* uri with its dbname replaced (a URI query parameter wins over the path). */
void th_pg_uri_for(const char *name, char *out, size_t outlen)
{
    const char *u = th_pg_uri();
    snprintf(out, outlen, "%s%sdbname=%s", u, strchr(u, '?') ? "&" : "?", name);
}

void th_pg_create(char *out, size_t outlen)
{
    ck_assert_msg(th_pg_n < TH_PG_MAX, "too many databases in one test");
    char *name = th_pg_names[th_pg_n];
    snprintf(name, sizeof th_pg_names[0], "th_%d_%d", (int)getpid(), ++th_pg_seq);
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    th_pg_exec(sql);
    th_pg_n++;
    th_pg_uri_for(name, out, outlen);
}

void th_pg_drop_all(void)
{
    for (int i = 0; i < th_pg_n; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %.23s WITH (FORCE)", th_pg_names[i]);
        th_pg_exec(sql);
    }
    th_pg_n = 0;
}
