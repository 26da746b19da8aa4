/* server/store/pg_lead.c -- one leader among several ticketd nodes on one
 * PostgreSQL database.
 *
 * Leadership is a session advisory lock (PG_LOCK_KEY): PostgreSQL grants it
 * to one session at a time and lets it go the moment that session ends
 * (the process died, its connection dropped, an operator ran
 * pg_terminate_backend). A node that does not get it is a standby: it asks
 * again every PG_STANDBY_POLL_MS, and takes over as soon as it is free.
 *
 * The lock alone cannot stop a leader that lost it without noticing (a
 * paused process, a connection that died under a transaction being
 * written), so a new leader also bumps the epoch, one row of `leader`, and
 * every transaction of a leader starts with ticketd_fence(its epoch): the
 * row taken FOR SHARE, an error if the epoch moved on. The bump waits for
 * any transaction that holds the row, and a transaction that comes after
 * it fails, so what the new leader loads is everything the old one ever
 * committed, and the old one commits nothing more. The table and function
 * are ticketd's bookkeeping, not data: created here, idempotently, by
 * whoever holds the lock (not a schema version of their own).
 *
 * Before all that, a server that does not answer (down, starting, or only
 * read-only ones through a multi-host URI while a standby is promoted) is
 * tried again with a back-off, logging libpq's message each time; one that
 * answers and refuses us (credentials, no such database) ends the start. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "server/store/pg_int.h"

/* The session advisory lock of leadership (the bytes of "tkd1"). */
#define PG_LOCK_KEY 0x746b6431LL
#define PG_STANDBY_POLL_MS 100
#define PG_RETRY_FIRST_MS 250
#define PG_RETRY_MAX_MS 8000

static const char pg_lead_sql[] =
    "CREATE TABLE IF NOT EXISTS leader ("
    " one integer PRIMARY KEY CHECK (one = 1),"
    " epoch bigint NOT NULL,"
    " node text NOT NULL,"
    " since bigint NOT NULL);"
    "INSERT INTO leader VALUES (1, 0, '', 0) ON CONFLICT DO NOTHING;"
    "CREATE OR REPLACE FUNCTION ticketd_fence(mine bigint) RETURNS void"
    " LANGUAGE plpgsql AS $f$"
    " DECLARE cur bigint;"
    " BEGIN"
    "  SELECT epoch INTO cur FROM leader WHERE one = 1 FOR SHARE;"
    "  IF cur IS DISTINCT FROM mine THEN"
    "   RAISE EXCEPTION 'ticketd epoch % is over: epoch % leads', mine, cur;"
    "  END IF;"
    " END $f$";

static int pg_stop_signal;

int store_open_stopped(void) { return pg_stop_signal; }

/* Sleeps ms, or less when SIGINT or SIGTERM comes (main blocks both and
 * takes them with sigwait: here they are taken the same way). true: one
 * came; the wait is over. */
static bool pg_nap(int ms)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    int sig = sigtimedwait(&set, NULL, &ts);
    if (sig <= 0)
        return false;
    pg_stop_signal = sig;
    log_info("stopping", "signal=%s while=waiting", sig == SIGINT ? "SIGINT" : "SIGTERM");
    return true;
}

/* The servers answer, just none of them read-write (target_session_attrs):
 * the same URI with target_session_attrs=any gets in. */
static bool pg_only_read_only(const char *conninfo)
{
    PQconninfoOption *o = PQconninfoParse(conninfo, NULL);
    if (!o)
        return false;
    const char *keys[64], *vals[64];
    int n = 0;
    bool tsa = false;
    for (PQconninfoOption *p = o; p->keyword && n < 63; p++) {
        if (!p->val)
            continue;
        bool is_tsa = strcmp(p->keyword, "target_session_attrs") == 0;
        tsa = tsa || (is_tsa && strcmp(p->val, "any") != 0);
        keys[n] = p->keyword;
        vals[n++] = is_tsa ? "any" : p->val;
    }
    keys[n] = vals[n] = NULL;
    bool in = false;
    if (tsa) {
        PGconn *c = PQconnectdbParams(keys, vals, 0);
        in = PQstatus(c) == CONNECTION_OK;
        PQfinish(c);
    }
    PQconninfoFree(o);
    return in;
}

/* Worth another try: nobody answered, the server is starting or stopping,
 * or only read-only servers are there. */
static bool pg_retryable(const char *conninfo)
{
    PGPing p = PQping(conninfo);
    return p == PQPING_NO_RESPONSE || p == PQPING_REJECT ||
           (p == PQPING_OK && pg_only_read_only(conninfo));
}

/* Acknowledged means durable: a session that would COMMIT without waiting
 * for the WAL flush (synchronous_commit=off) is set back to on; local,
 * remote_write, on and remote_apply are the operator's choice. */
static int pg_session(PGconn *c)
{
    char v[32];
    if (pg_value(c, "SHOW synchronous_commit", v, sizeof v) < 0)
        return -1;
    if (strcmp(v, "off") == 0 && pg_exec_simple(c, "SET synchronous_commit = on") < 0)
        return -1;
    return 0;
}

/* Connects, again and again while the server does not answer. NULL: it
 * answered and refused us, or a signal ended the wait (both logged). */
static PGconn *pg_connect_retry(const char *conninfo)
{
    for (int wait = PG_RETRY_FIRST_MS;; wait = wait * 2 > PG_RETRY_MAX_MS ? PG_RETRY_MAX_MS
                                                                          : wait * 2) {
        PGconn *c = PQconnectdb(conninfo);
        if (c && PQstatus(c) == CONNECTION_OK) {
            PQsetNoticeProcessor(c, pg_notice_ignore, NULL);
            if (pg_session(c) == 0)
                return c;
            PQfinish(c);
            return NULL;
        }
        const char *msg = c ? PQerrorMessage(c) : "out of memory";
        if (!c || !pg_retryable(conninfo)) {
            pg_log_error("store_open", msg);
            PQfinish(c);
            return NULL;
        }
        char event[48];
        snprintf(event, sizeof event, "store_unreachable retry_ms=%d", wait);
        pg_log_error(event, msg);
        PQfinish(c);
        if (pg_nap(wait))
            return NULL;
    }
}

/* Who leads now, for a standby's log line (nothing when no leader ran). */
static void pg_log_standby(PGconn *c, const char *node)
{
    PGresult *r = PQexec(c, "SELECT node, epoch FROM leader WHERE to_regclass('leader') "
                            "IS NOT NULL");
    bool known = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    log_info("standby", "node=%s leader=%s epoch=%s lock=%lld", node,
             known ? PQgetvalue(r, 0, 0) : "?", known ? PQgetvalue(r, 0, 1) : "?", PG_LOCK_KEY);
    PQclear(r);
}

/* 1: the lock is ours; 0: another session has it; -1: the connection is
 * gone (or another failure, logged). */
static int pg_try_lock(PGconn *c)
{
    char sql[64], v[8];
    snprintf(sql, sizeof sql, "SELECT pg_try_advisory_lock(%lld)", PG_LOCK_KEY);
    if (pg_value(c, sql, v, sizeof v) < 0)
        return -1;
    return strcmp(v, "t") == 0;
}

/* Waits as a standby until the lock is ours. A standby whose connection
 * drops connects again (the server may be a promoted standby by then).
 * The connection holding the lock, or NULL. */
static PGconn *pg_wait_lock(const char *conninfo, const char *node)
{
    PGconn *c = NULL;
    bool logged = false;
    for (;;) {
        if (!c && !(c = pg_connect_retry(conninfo)))
            return NULL;
        int got = pg_try_lock(c);
        if (got == 1)
            return c;
        if (got < 0) { /* logged; connect again, as after a drop */
            PQfinish(c);
            c = NULL;
            if (pg_nap(PG_RETRY_FIRST_MS))
                return NULL;
            continue;
        }
        if (!logged)
            pg_log_standby(c, node);
        logged = true;
        if (pg_nap(PG_STANDBY_POLL_MS)) {
            PQfinish(c);
            return NULL;
        }
    }
}

/* The epoch bumped, with this node's name and the wall time. 0 or -1. */
static int pg_bump_epoch(PGconn *c, const char *node, int64_t *epoch)
{
    char since[24];
    snprintf(since, sizeof since, "%lld", (long long)clock_wall_ms());
    const char *vals[2] = {node, since};
    if (pg_exec_simple(c, pg_lead_sql) < 0)
        return -1;
    PGresult *r = PQexecParams(c, "UPDATE leader SET epoch = epoch + 1, node = $1, since = $2 "
                                  "WHERE one = 1 RETURNING epoch",
                               2, NULL, vals, NULL, NULL, 0);
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? 0 : -1;
    if (rc == 0)
        *epoch = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    else
        pg_log_error("store_open", r ? PQresultErrorMessage(r) : PQerrorMessage(c));
    PQclear(r);
    return rc;
}

PGconn *pg_lead(const char *conninfo, const char *node, int64_t *epoch)
{
    pg_stop_signal = 0;
    PGconn *c = pg_wait_lock(conninfo, node);
    if (!c)
        return NULL;
    if (pg_schema_apply(c) < 0 || pg_bump_epoch(c, node, epoch) < 0) {
        PQfinish(c);
        return NULL;
    }
    log_info("leader", "node=%s epoch=%lld db=%s", node, (long long)*epoch, PQdb(c));
    return c;
}
