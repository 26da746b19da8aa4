/* server/store/store.c -- the backend behind a --db text, and what every
 * backend shares: the transaction's bookkeeping (opened at the first staged
 * write, void after a failed one), parameter binding, SQL files. */
#include "server/store/store_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"

/* libpq's two URI schemes, or a key=value conninfo ("host=/tmp dbname=x"):
 * a word of letters and underscores right before the first '='. Anything
 * else is a file name (write ./a=b for a file with '=' in its name). */
bool store_is_postgres(const char *db)
{
    if (!strncmp(db, "postgresql://", 13) || !strncmp(db, "postgres://", 11))
        return true;
    size_t k = 0;
    while (isalpha((unsigned char)db[k]) || db[k] == '_')
        k++;
    size_t sp = k;
    while (db[sp] == ' ')
        sp++;
    return k > 0 && db[sp] == '=';
}

tk_store *store_open(const char *db) { return store_open_as(db, NULL); }

tk_store *store_open_as(const char *db, const char *node)
{
    char host[64];
    if (!node || !*node) {
        if (gethostname(host, sizeof host) != 0 || !host[0])
            snprintf(host, sizeof host, "ticketd");
        host[sizeof host - 1] = '\0'; /* gethostname may leave it unterminated when cut */
        node = host;
    }
    tk_store *s = store_is_postgres(db) ? pg_store_open(db, node) : sqlite_store_open(db);
    if (!s)
        return NULL;
    snprintf(s->lead.node, sizeof s->lead.node, "%s", node);
    s->lead.leader = true;
    s->lead.since_ms = clock_wall_ms();
    return s;
}

void store_lead_get(const tk_store *s, tk_lead *out) { *out = s->lead; }
bool store_leased(const tk_store *s) { return s->ops->ping != NULL; }
int store_ping(tk_store *s) { return s->ops->ping && !s->tx ? s->ops->ping(s) : 0; }

const char *store_backend(const tk_store *s) { return s->ops->name; }

void store_close(tk_store *s)
{
    if (s)
        s->ops->close(s);
}

int store_begin(tk_store *s)
{
    if (s->tx)
        return 0;
    if (s->ops->begin(s) < 0)
        return -1;
    s->tx = true;
    s->failed = false;
    s->changes_at_begin = s->ops->changes(s);
    return 0;
}

int store_commit(tk_store *s)
{
    if (!s->tx)
        return s->failed ? -1 : 0;
    s->tx = false;
    if (s->failed) {
        s->ops->end(s, true);
        return -1;
    }
    if (s->ops->end(s, false) < 0) {
        s->failed = true;
        return -1;
    }
    return 0;
}

int store_defer_sync(tk_store *s) { return s->ops->defer_sync(s); }
int store_sync(tk_store *s) { return s->ops->sync(s); }
bool store_in_tx(const tk_store *s) { return s->tx; }

bool store_dirty(const tk_store *s)
{
    /* The backend's own count of rows written: no write path slips past. */
    return s->tx && (s->failed || s->ops->changes(s) != s->changes_at_begin);
}
bool store_failed(const tk_store *s) { return s->failed; }
int64_t store_changes(const tk_store *s) { return s->ops->changes(s); }
void store_void(tk_store *s) { s->failed = true; }

int st_args(st_arg *a, const char *fmt, va_list ap)
{
    int n = 0;
    for (; *fmt && n < ST_MAXCOLS; fmt++, n++) {
        a[n] = (st_arg){.type = *fmt};
        if (*fmt == 'i')
            a[n].i = va_arg(ap, int64_t);
        else if (*fmt == 't')
            a[n].t = va_arg(ap, const char *);
        else if (*fmt == 'b') {
            a[n].b = va_arg(ap, const void *);
            a[n].blen = va_arg(ap, size_t);
        }
    }
    return n;
}

int st_write(tk_store *s, int which, const char *fmt, ...)
{
    if (s->failed)
        return -1; /* the batch is already void; don't pile on */
    if (!s->tx && store_begin(s) < 0) {
        s->failed = true;
        return -1;
    }
    st_arg a[ST_MAXCOLS];
    va_list ap;
    va_start(ap, fmt);
    int n = st_args(a, fmt, ap);
    va_end(ap);
    if (s->ops->write(s, ST_STMT(which), a, n) < 0) {
        s->failed = true;
        return -1;
    }
    return 0;
}

typedef struct {
    int64_t *out;
    int ncols;
    bool got;
} scalars_ctx;

static int scalars_row(void *ctx, const st_row *r)
{
    scalars_ctx *c = ctx;
    if (!c->got)
        memcpy(c->out, r->i, (size_t)c->ncols * sizeof *c->out);
    c->got = true;
    return 0;
}

int st_scalars(tk_store *s, st_stmt st, int64_t *out, int ncols)
{
    char cols[ST_MAXCOLS + 1];
    memset(cols, 'i', (size_t)ncols);
    cols[ncols] = '\0';
    scalars_ctx c = {out, ncols, false};
    return s->ops->query(s, st, NULL, 0, cols, scalars_row, &c) == 0 && c.got ? 0 : -1;
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
    int rc = store_begin(s) < 0 ? -1 : s->ops->exec(s, sql);
    free(sql);
    return rc;
}

int64_t store_count_concerts(tk_store *s)
{
    int64_t n;
    return st_scalars(s, ST_STMT(ST_COUNT_CONCERTS), &n, 1) == 0 ? n : -1;
}
