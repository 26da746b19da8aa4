/* tools/bench/pgdb.c -- a fresh PostgreSQL database for the ticketd the
 * bench spawns (--db URI names a server, not a database): created before
 * the server starts, dropped when its temp dir is cleaned up, so every
 * run starts from an empty schema as the SQLite mode does. */
#include "tools/bench/bench.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* uri with its database replaced by name: a URI's dbname query parameter
 * wins over its path, and a conninfo's last keyword wins. */
static void bpg_uri_for(const char *uri, const char *name, char *out, size_t outlen)
{
    bool is_uri = !strncmp(uri, "postgresql://", 13) || !strncmp(uri, "postgres://", 11);
    const char *sep = !is_uri ? " " : strchr(uri, '?') ? "&" : "?";
    snprintf(out, outlen, "%s%sdbname=%s", uri, sep, name);
}

static int bpg_exec(const char *uri, const char *sql)
{
    PGconn *c = PQconnectdb(uri);
    int rc = 0;
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "bench: %s: %s", uri, PQerrorMessage(c));
        rc = -1;
    } else {
        PGresult *r = PQexec(c, sql);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            fprintf(stderr, "bench: %s: %s", sql, PQerrorMessage(c));
            rc = -1;
        }
        PQclear(r);
    }
    PQfinish(c);
    return rc;
}

int bpg_create(const char *uri, char *name, size_t namelen, char *db, size_t dblen)
{
    snprintf(name, namelen, "ticket_bench_%d", (int)getpid());
    char sql[96];
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    if (bpg_exec(uri, sql) != 0)
        return -1;
    bpg_uri_for(uri, name, db, dblen);
    return 0;
}

int bpg_drop(const char *uri, const char *name)
{
    char sql[128];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
    return bpg_exec(uri, sql);
}
