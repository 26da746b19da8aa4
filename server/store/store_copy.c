/* server/store/store_copy.c -- store_copy: every row of one store into
 * another, of either backend (ticketd --migrate-from). Every column of
 * every table, ids included, so the copy is the same database; the copy
 * is one transaction of the target, then the row counts are compared. */
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "server/store/store_int.h"

typedef struct {
    const char *table, *cols, *types; /* types: st_row letters, one per column */
} copy_table;

/* Parents before children (the foreign keys hold at every insert). */
static const copy_table copy_tables[] = {
    {"settings", "key,value", "ti"},
    {"users", "id,uuid,name,balance,created_at", "ibtii"},
    {"queue", "seq,user_id,state,issued_at,since,admitted_at", "iiiiii"},
    {"draws", "id,first_seq,n,drawn_at,ms,ord", "iiiiib"},
    {"concerts", "id,title,venue,created_at,tz", "ittit"},
    {"dates", "id,concert_id,starts_at,on_sale_at,seq", "iiiii"},
    {"seats", "date_id,seat_no,price", "iii"},
    {"holds", "id,user_id,date_id,seat_no,price,created_at,expires_at,state,ended_at",
     "iiiiiiiii"},
    {"payments", "id,user_id,amount,balance,paid_at,request_id", "iiiiit"},
    {"bookings",
     "id,code,user_id,payment_id,hold_id,date_id,seat_no,price,paid_at,state,refunded_at",
     "itiiiiiiiii"},
    {"checkins", "booking_id,at,gate", "iit"},
    {"ledger", "id,user_id,kind,amount,balance,at,ref,method,staff", "iitiiiitt"},
    {"idempotency", "user_id,request_id,method,params,result_ref", "ittti"},
    {"audit", "id,at,method,peer,params,result,staff,node", "iitttttt"},
};
#define COPY_NTABLES (sizeof copy_tables / sizeof copy_tables[0])

typedef struct {
    tk_store *to;
    const char *insert, *types;
    int64_t rows;
} copy_ctx;

static int copy_row(void *ctx, const st_row *r)
{
    copy_ctx *c = ctx;
    st_arg a[ST_MAXCOLS];
    for (int i = 0; i < r->n; i++)
        a[i] = (st_arg){.type = c->types[i], .i = r->i[i], .t = r->t[i], .b = r->b[i],
                        .blen = r->blen[i]};
    c->rows++;
    return c->to->ops->write(c->to, ST_TEXT(c->insert), a, r->n);
}

static int64_t copy_count(tk_store *s, const char *table)
{
    char sql[96];
    int64_t n = -1;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    return st_scalars(s, ST_TEXT(sql), &n, 1) == 0 ? n : -1;
}

/* One table: SELECT every column from `from`, INSERT each row into `to`. */
static int copy_one(tk_store *from, tk_store *to, const copy_table *t, int64_t *rows)
{
    char sel[256], ins[320], qs[2 * ST_MAXCOLS + 1];
    size_t n = strlen(t->types);
    for (size_t i = 0; i < n; i++) {
        qs[2 * i] = '?';
        qs[2 * i + 1] = ',';
    }
    qs[2 * n - 1] = '\0';
    snprintf(sel, sizeof sel, "SELECT %s FROM %s ORDER BY 1", t->cols, t->table);
    snprintf(ins, sizeof ins, "INSERT INTO %s(%s) VALUES(%s)", t->table, t->cols, qs);
    copy_ctx c = {to, ins, t->types, 0};
    int rc = from->ops->query(from, ST_TEXT(sel), NULL, 0, t->types, copy_row, &c);
    *rows = c.rows;
    return rc;
}

int store_copy(tk_store *from, tk_store *to)
{
    for (size_t i = 0; i < COPY_NTABLES; i++) {
        int64_t n = copy_count(to, copy_tables[i].table);
        if (n != 0) {
            log_error("migrate", "table=%s rows=%lld err=\"the target database is not empty\"",
                      copy_tables[i].table, (long long)n);
            return -1;
        }
    }
    if (store_begin(to) < 0)
        return -1;
    int64_t rows[COPY_NTABLES];
    for (size_t i = 0; i < COPY_NTABLES; i++)
        if (copy_one(from, to, &copy_tables[i], &rows[i]) < 0) {
            log_error("migrate", "table=%s err=\"copy failed\"", copy_tables[i].table);
            store_void(to);
        }
    if (!store_failed(to) && to->ops->copied(to) < 0)
        store_void(to);
    if (store_commit(to) < 0)
        return -1;
    for (size_t i = 0; i < COPY_NTABLES; i++) {
        int64_t a = copy_count(from, copy_tables[i].table);
        int64_t b = copy_count(to, copy_tables[i].table);
        if (a != rows[i] || b != rows[i]) {
            log_error("migrate", "table=%s source=%lld copied=%lld target=%lld err=\"counts differ\"",
                      copy_tables[i].table, (long long)a, (long long)rows[i], (long long)b);
            return -1;
        }
        log_info("migrate_table", "table=%s rows=%lld", copy_tables[i].table,
                 (long long)rows[i]);
    }
    return 0;
}
