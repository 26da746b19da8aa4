/* server/store/pg_int.h -- private to pg*.c: the PostgreSQL backend's
 * helpers and its schema. */
#ifndef TK_PG_INT_H
#define TK_PG_INT_H

#include <libpq-fe.h>

#include "server/store/store_int.h"

/* The schema version this build writes (pg_schema.c: one migration per
 * version, applied in order at open). */
#define PG_SCHEMA_VERSION 5

/* Connects (again and again while the server does not answer), waits as
 * a standby until this node leads, applies the schema and bumps the epoch
 * (into *epoch). NULL: refused, or stopped by a signal (logged). */
PGconn *pg_lead(const char *conninfo, const char *node, int64_t *epoch);
/* A notice processor that drops the server's notices. */
void pg_notice_ignore(void *arg, const char *msg);
/* Creates or migrates the schema, in one transaction (outside pipeline
 * mode). Refuses a database of a newer version. 0 or -1 (logged). */
int pg_schema_apply(PGconn *c);
/* Runs sql (simple protocol, several statements allowed); 0 or -1, logged. */
int pg_exec_simple(PGconn *c, const char *sql);
/* The one value of a one-row query, as text; 0 or -1, logged. */
int pg_value(PGconn *c, const char *sql, char *out, size_t outlen);
/* sql with each `?` numbered $1, $2, ... (malloc'd; NULL: out of memory). */
char *pg_dollars(const char *sql);
/* A failure: one log line, then the message itself, unchanged, on stderr. */
void pg_log_error(const char *event, const char *msg);

#endif
