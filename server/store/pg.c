/* server/store/pg.c -- the PostgreSQL backend (libpq), for --db postgresql://...
 *
 * One connection, used by one thread at a time (main while it loads and
 * closes, the engine thread in between), always in libpq's pipeline mode:
 * a batch's BEGIN and every staged write are sent as they come, without
 * waiting for their results, and COMMIT is sent with a sync point; only
 * then does the engine wait, once, for every result of the batch. One
 * batch, one transaction, one round trip (plus one per PG_DRAIN_EVERY
 * statements, so neither side's socket buffer fills while the other one
 * writes). A read in the middle of a batch (the audit log) asks the server
 * to flush (PQsendFlushRequest) and reads the writes' results first.
 *
 * A returned COMMIT is durable (the server's synchronous_commit, never
 * off: see pg_session), so there is no flush step of ours after it. A
 * COMMIT is never cancelled nor timed out: the engine waits for its
 * outcome. A lost connection or any failure is fail-stop for the caller
 * (store_commit -1; ticketd exits, replying nothing): a COMMIT whose
 * outcome is unknown may or may not have landed, and only a reload from
 * the database knows. The schema is pg_schema.c; which node leads, and the
 * epoch fence of every transaction, pg_lead.c. */
#include "server/store/pg_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#define PG_DRAIN_EVERY 512

typedef struct {
    tk_store base;
    PGconn *c;
    int pending;     /* statements sent whose results are not read yet */
    int64_t written; /* writes sent, ever: store_changes */
} pg_store;

#define PGS(s) ((pg_store *)(s))

static void pg_stmt_name(char out[16], int which) { snprintf(out, 16, "s%d", which); }

/* Logs a failure: one key=value line, and libpq's or the server's message
 * as it is (operators search for it). */
void pg_log_error(const char *event, const char *msg)
{
    char flat[512];
    size_t n = 0;
    for (const char *p = msg ? msg : "?"; *p && n < sizeof flat - 1; p++)
        flat[n++] = (*p == '\n' || *p == '\t') ? ' ' : (*p == '"' ? '\'' : *p);
    while (n > 0 && flat[n - 1] == ' ')
        n--;
    flat[n] = '\0';
    log_error(event, "backend=postgresql err=\"%s\"", flat);
    fprintf(stderr, "ticketd: %s%s", msg ? msg : "?",
            msg && *msg && msg[strlen(msg) - 1] == '\n' ? "" : "\n");
}

char *pg_dollars(const char *sql)
{
    size_t len = strlen(sql), q = 0;
    for (const char *p = sql; *p; p++)
        q += *p == '?';
    char *out = malloc(len + q * 4 + 1);
    if (!out)
        return NULL;
    char *o = out;
    int k = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '?')
            o += sprintf(o, "$%d", ++k);
        else
            *o++ = *p;
    }
    *o = '\0';
    return out;
}

/* Sends st with a (ints as text, bytes binary). 0 or -1. */
static int pg_send(pg_store *s, st_stmt st, const st_arg *a, int n)
{
    char ibuf[ST_MAXCOLS][24];
    const char *vals[ST_MAXCOLS];
    int lens[ST_MAXCOLS], fmts[ST_MAXCOLS];
    for (int i = 0; i < n; i++) {
        lens[i] = 0;
        fmts[i] = 0;
        if (a[i].type == 'i') {
            snprintf(ibuf[i], sizeof ibuf[i], "%lld", (long long)a[i].i);
            vals[i] = ibuf[i];
        } else if (a[i].type == 't') {
            vals[i] = a[i].t;
        } else {
            vals[i] = a[i].b;
            lens[i] = (int)a[i].blen;
            fmts[i] = 1;
        }
    }
    int ok;
    if (st.which >= 0) {
        char name[16];
        pg_stmt_name(name, st.which);
        ok = PQsendQueryPrepared(s->c, name, n, vals, lens, fmts, 0);
    } else {
        char *sql = pg_dollars(st.sql);
        ok = sql && PQsendQueryParams(s->c, sql, n, NULL, vals, lens, fmts, 0);
        free(sql);
    }
    if (!ok) {
        pg_log_error("store_send", PQerrorMessage(s->c));
        return -1;
    }
    s->pending++;
    return 0;
}

/* A result that is not a success: logged, the first of a batch only
 * (after it the rest of the pipeline is aborted, which says nothing new). */
static bool pg_result_ok(PGresult *r, bool *logged)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE ||
        st == PGRES_PIPELINE_SYNC)
        return true;
    if (!*logged && st != PGRES_PIPELINE_ABORTED)
        pg_log_error("store_result", PQresultErrorMessage(r));
    *logged = *logged || st != PGRES_PIPELINE_ABORTED;
    return false;
}

/* Reads the results of every statement sent and not yet read. A lost
 * connection ends it at once: nothing more will come. 0 or -1. */
static int pg_drain(pg_store *s, bool *logged)
{
    int rc = 0;
    while (s->pending > 0) {
        PGresult *r = PQgetResult(s->c);
        if (!r) {
            s->pending--; /* the end of one statement's results */
            continue;
        }
        if (!pg_result_ok(r, logged))
            rc = -1;
        PQclear(r);
        if (PQstatus(s->c) == CONNECTION_BAD) {
            if (!*logged)
                pg_log_error("store_connection_lost", PQerrorMessage(s->c));
            *logged = true;
            return -1;
        }
    }
    return rc;
}

/* After PQpipelineSync: every result, then the sync point's. */
static int pg_sync_point(pg_store *s, bool *logged)
{
    int rc = pg_drain(s, logged);
    if (PQstatus(s->c) == CONNECTION_BAD)
        return -1;
    PGresult *r = PQgetResult(s->c);
    if (!r || PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
        if (r && !pg_result_ok(r, logged))
            rc = -1;
        else if (!r) {
            pg_log_error("store_sync_point", PQerrorMessage(s->c));
            rc = -1;
        }
    }
    PQclear(r);
    return rc;
}

/* Every transaction of a leader is fenced by its epoch, first thing and
 * inside it (pg_lead.c): if another node has led since, the fence fails,
 * the pipeline aborts, and COMMIT fails: fail-stop, nothing committed. */
static int pg_begin(tk_store *base)
{
    st_arg epoch = {.type = 'i', .i = base->lead.epoch};
    return pg_send(PGS(base), ST_TEXT("BEGIN"), NULL, 0) < 0 ||
                   pg_send(PGS(base), ST_TEXT("SELECT ticketd_fence(?)"), &epoch, 1) < 0
               ? -1
               : 0;
}

/* A sync point alone: one round trip, no statement. Only a live session,
 * and with it the advisory lock, answers it. */
static int pg_ping(tk_store *base)
{
    pg_store *s = PGS(base);
    bool logged = false;
    if (!PQpipelineSync(s->c) || PQflush(s->c) != 0 || pg_sync_point(s, &logged) < 0) {
        if (!logged)
            pg_log_error("store_connection_lost", PQerrorMessage(s->c));
        return -1;
    }
    return 0;
}

static int pg_end(tk_store *base, bool rollback)
{
    pg_store *s = PGS(base);
    bool logged = false;
    if (pg_send(s, ST_TEXT(rollback ? "ROLLBACK" : "COMMIT"), NULL, 0) < 0 ||
        !PQpipelineSync(s->c))
        return -1;
    if (pg_sync_point(s, &logged) == 0)
        return 0;
    /* A statement failed: the transaction is aborted on the server; end
     * it so the connection stays usable (tools go on, ticketd exits). */
    if (!rollback && PQstatus(s->c) == CONNECTION_OK &&
        pg_send(s, ST_TEXT("ROLLBACK"), NULL, 0) == 0 && PQpipelineSync(s->c))
        pg_sync_point(s, &logged);
    return -1;
}

/* COMMIT is the durability point: nothing to defer, nothing to flush. */
static int pg_defer_sync(tk_store *base) { return 0; }
static int pg_sync(tk_store *base) { return 0; }
static int64_t pg_changes(const tk_store *base) { return ((const pg_store *)base)->written; }

static int pg_write(tk_store *base, st_stmt st, const st_arg *a, int n)
{
    pg_store *s = PGS(base);
    if (pg_send(s, st, a, n) < 0)
        return -1;
    s->written++;
    if (s->pending < PG_DRAIN_EVERY)
        return 0;
    bool logged = false;
    if (!PQsendFlushRequest(s->c) || PQflush(s->c) != 0)
        return -1;
    return pg_drain(s, &logged);
}

/* One result row converted after cols; bytes are unescaped into *bufs,
 * freed by the caller. */
static void pg_row(PGresult *r, int row, const char *cols, st_row *out, unsigned char **bufs)
{
    out->n = (int)strlen(cols);
    for (int c = 0; c < out->n; c++) {
        const char *v = PQgetisnull(r, row, c) ? NULL : PQgetvalue(r, row, c);
        bufs[c] = NULL;
        if (cols[c] == 'i')
            out->i[c] = v ? strtoll(v, NULL, 10) : 0;
        else if (cols[c] == 't')
            out->t[c] = v;
        else {
            size_t len = 0;
            bufs[c] = v ? PQunescapeBytea((const unsigned char *)v, &len) : NULL;
            out->b[c] = bufs[c];
            out->blen[c] = bufs[c] ? len : 0;
        }
    }
}

/* Hands every row of r to fn (until fn says stop); -1 when it did. */
static int pg_rows(PGresult *r, const char *cols, st_row_fn fn, void *ctx)
{
    int rc = 0;
    for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
        st_row row;
        unsigned char *bufs[ST_MAXCOLS];
        pg_row(r, i, cols, &row, bufs);
        rc = fn(ctx, &row) != 0 ? -1 : 0;
        for (int c = 0; c < row.n; c++)
            PQfreemem(bufs[c]);
    }
    return rc;
}

static int pg_query(tk_store *base, st_stmt st, const st_arg *a, int n, const char *cols,
                    st_row_fn fn, void *ctx)
{
    pg_store *s = PGS(base);
    bool in_tx = s->base.tx, logged = false;
    int before = s->pending;
    if (pg_send(s, st, a, n) < 0)
        return -1;
    /* Inside a batch a sync point would end nothing (BEGIN is explicit)
     * but a flush request is enough; outside one, the sync point closes
     * the read's own implicit transaction. */
    if (!(in_tx ? PQsendFlushRequest(s->c) : PQpipelineSync(s->c)) || PQflush(s->c) != 0)
        return -1;
    s->pending = before;
    int rc = pg_drain(s, &logged);
    if (PQstatus(s->c) == CONNECTION_BAD)
        return -1;
    /* Row by row: a load of a million queue entries never sits in memory
     * twice. */
    PQsetSingleRowMode(s->c);
    PGresult *r;
    while ((r = PQgetResult(s->c)) != NULL) {
        if (!pg_result_ok(r, &logged))
            rc = -1;
        else if (rc == 0)
            rc = pg_rows(r, cols, fn, ctx);
        PQclear(r);
        if (PQstatus(s->c) == CONNECTION_BAD)
            return -1;
    }
    if (!in_tx && pg_sync_point(s, &logged) < 0)
        rc = -1;
    if (rc < 0 && in_tx)
        s->base.failed = true; /* the server aborted the transaction */
    return rc;
}

/* A text of several statements needs the simple protocol, which pipeline
 * mode does not speak: out of it for the text, inside the open
 * transaction, under a savepoint. */
static int pg_exec(tk_store *base, const char *sql)
{
    pg_store *s = PGS(base);
    bool logged = false;
    if (!PQpipelineSync(s->c) || pg_sync_point(s, &logged) < 0 || !PQexitPipelineMode(s->c))
        return -1;
    int rc = pg_exec_simple(s->c, "SAVEPOINT sqlfile");
    if (rc == 0) {
        rc = pg_exec_simple(s->c, sql);
        pg_exec_simple(s->c, rc == 0 ? "RELEASE sqlfile"
                                     : "ROLLBACK TO sqlfile; RELEASE sqlfile");
    }
    if (!PQenterPipelineMode(s->c))
        return -1;
    return rc;
}

/* The audit log and the draws number their rows themselves (identity
 * columns): after a copy with explicit ids, they go on after the last. */
static int pg_copied(tk_store *base)
{
    static const char *const tables[] = {"audit", "draws"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[160];
        snprintf(sql, sizeof sql,
                 "SELECT setval(pg_get_serial_sequence('%s','id'), coalesce(max(id),0)+1, false) "
                 "FROM %s", tables[i], tables[i]);
        if (pg_write(base, ST_TEXT(sql), NULL, 0) < 0)
            return -1;
    }
    return 0;
}

static void pg_close(tk_store *base)
{
    pg_store *s = PGS(base);
    if (s->c && s->base.tx && PQstatus(s->c) == CONNECTION_OK)
        pg_end(base, true);
    PQfinish(s->c); /* and with the session its advisory lock */
    free(s);
}

static const store_ops pg_ops = {
    .name = "postgresql", .close = pg_close, .begin = pg_begin, .end = pg_end,
    .defer_sync = pg_defer_sync, .sync = pg_sync, .changes = pg_changes,
    .write = pg_write, .query = pg_query, .exec = pg_exec, .copied = pg_copied, .ping = pg_ping,
};

int pg_exec_simple(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : -1;
    if (rc < 0)
        pg_log_error("store_exec", r ? PQresultErrorMessage(r) : PQerrorMessage(c));
    PQclear(r);
    return rc;
}

/* One value of a one-row query, copied into out; 0 or -1. */
int pg_value(PGconn *c, const char *sql, char *out, size_t outlen)
{
    PGresult *r = PQexec(c, sql);
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? 0 : -1;
    if (rc == 0)
        snprintf(out, outlen, "%s", PQgetvalue(r, 0, 0));
    else
        pg_log_error("store_open", r ? PQresultErrorMessage(r) : PQerrorMessage(c));
    PQclear(r);
    return rc;
}

static int pg_prepare_all(pg_store *s)
{
    for (int i = 0; i < ST_COUNT; i++) {
        char name[16];
        char *sql = pg_dollars(st_sql[i]);
        pg_stmt_name(name, i);
        PGresult *r = sql ? PQprepare(s->c, name, sql, 0, NULL) : NULL;
        bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            pg_log_error("store_prepare", r ? PQresultErrorMessage(r) : "out of memory");
        PQclear(r);
        free(sql);
        if (!ok)
            return -1;
    }
    return 0;
}

/* The server's notices ("relation ... already exists, skipping") are
 * not ticketd's to print. */
void pg_notice_ignore(void *arg, const char *msg) {}

tk_store *pg_store_open(const char *conninfo, const char *node)
{
    pg_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->base.ops = &pg_ops;
    if (!(s->c = pg_lead(conninfo, node, &s->base.lead.epoch)) || pg_prepare_all(s) < 0 ||
        !PQenterPipelineMode(s->c)) {
        PQfinish(s->c);
        free(s);
        return NULL;
    }
    log_info("store_open", "backend=postgresql db=%s schema_version=%d epoch=%lld", PQdb(s->c),
             PG_SCHEMA_VERSION, (long long)s->base.lead.epoch);
    return &s->base;
}
