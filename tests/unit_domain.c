/* tests/unit_domain.c -- the booking flow through the domain API: users,
 * wallet, holds, payment, bookings, refunds, with every error reason. */
#include "tests/unit_domain_util.h"

#include <sqlite3.h>

#include "common/errors.h"
#include "common/util.h"

static int64_t clock_now(void) { return clock_wall_ms(); }

typedef struct { int n; int64_t ids[16]; char kinds[16][12]; int64_t amounts[16]; } ledger_seen;

static void on_ledger(void *ctx, const tk_ledger_entry *e)
{
    ledger_seen *s = ctx;
    s->ids[s->n] = e->entry_id;
    snprintf(s->kinds[s->n], sizeof s->kinds[0], "%s", e->kind);
    s->amounts[s->n++] = e->amount;
}

typedef struct { int n; tk_booking_info b[8]; char codes[8][16]; } bookings_seen;

static void on_booking(void *ctx, const tk_booking_info *b)
{
    bookings_seen *s = ctx;
    s->b[s->n] = *b;
    snprintf(s->codes[s->n], 16, "%s", b->code);
    s->n++;
}

START_TEST(flow_register_hold_pay)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char tok[TOKEN_MAX_LEN];
    tk_uuid u = ut_active(d, "kim", T0, tok);
    int64_t h1 = ut_hold(d, tok, date, 1, T0);
    int64_t h2 = ut_hold(d, tok, date, 40, T0);
    ck_assert_int_eq(ut_seat(d, date, 1, T0), TK_SEAT_HELD);
    ut_charge(d, &u, 230000, "c1", T0);
    ut_commit(d);

    tk_pay_result r;
    int64_t ids[2] = {h1, h2};
    tk_errinfo ei = {0};
    ck_assert_int_eq(tk_payment_pay(d, tok, ids, 2, "p1", T0 + 1000, &r, &ei), TK_OK);
    ck_assert_int_eq(r.amount, 230000);
    ck_assert_int_eq(r.balance, 0);
    ck_assert_int_eq(r.n, 2);
    ck_assert_int_eq(r.bookings[0].seat_no, 1);
    ck_assert_int_eq(r.bookings[0].price, 150000);
    ck_assert_int_eq(strlen(r.bookings[0].code), 12);
    ck_assert(strncmp(r.bookings[0].code, "TK-", 3) == 0 && r.bookings[0].code[7] == '-');
    ck_assert_str_ne(r.bookings[0].code, r.bookings[1].code);
    ck_assert_int_eq(ut_seat(d, date, 1, T0), TK_SEAT_SOLD);
    ck_assert_int_eq(ut_seat(d, date, 40, T0), TK_SEAT_SOLD);
    ut_commit(d);
    tk_event ev[32];
    size_t n = tk_events_take(d, ev, 32), sold = 0;
    uint64_t last = 0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind != TK_EV_SEAT)
            continue;
        ck_assert_int_eq(ev[i].seq, last + 1); /* +1 per change, from the first */
        last = ev[i].seq;
        sold += ev[i].state == TK_SEAT_SOLD;
    }
    ck_assert_int_eq(sold, 2);
    ck_assert_int_eq(last, 4); /* two holds, two sales */

    /* the token is spent */
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_status(d, tok, T0 + 2000, &q, NULL), TK_TOKEN_EXPIRED);
    ck_assert_int_eq(tk_seat_hold(d, tok, date, 2, T0 + 2000, &(tk_hold_info){0}, NULL),
                     TK_TOKEN_EXPIRED);

    ledger_seen ls = {0};
    ck_assert_int_eq(tk_wallet_history(d, &u, 10, on_ledger, &ls, NULL), TK_OK);
    ck_assert_int_eq(ls.n, 2);
    ck_assert_str_eq(ls.kinds[0], "payment");
    ck_assert_int_eq(ls.amounts[0], -230000);
    ck_assert_str_eq(ls.kinds[1], "charge");

    bookings_seen bs = {0};
    ck_assert_int_eq(tk_booking_list(d, &u, on_booking, &bs, NULL), TK_OK);
    ck_assert_int_eq(bs.n, 2);
    ck_assert_str_eq(bs.b[0].state, "paid");
    ck_assert_str_eq(bs.b[0].title, "IU 콘서트");
    ck_assert_int_eq(bs.b[0].starts_at_ms, T0 + 14 * DAY);
    ut_close(d);
}
END_TEST

START_TEST(user_and_wallet_errors)
{
    tk_domain *d = ut_open(T0);
    tk_uuid u, ghost = {{0}};
    tk_errinfo ei = {0};
    char longname[80];
    memset(longname, 'x', sizeof longname - 1);
    longname[79] = 0;
    ck_assert_int_eq(tk_user_register(d, "", T0, &u, &ei), TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "name");
    ck_assert_int_eq(tk_user_register(d, longname, T0, &u, &ei), TK_INVALID_PARAMS);
    ck_assert_int_eq(tk_user_register(d, NULL, T0, &u, &ei), TK_INVALID_PARAMS);
    u = ut_user(d, "lee", T0);
    int64_t bal = -1;
    ck_assert_int_eq(tk_wallet_balance(d, &u, &bal, NULL), TK_OK);
    ck_assert_int_eq(bal, 0);
    ck_assert_int_eq(tk_wallet_balance(d, &ghost, &bal, NULL), TK_USER_NOT_FOUND);
    tk_charge_result r;
    ck_assert_int_eq(tk_wallet_charge(d, &ghost, 10, "a", T0, &r, NULL), TK_USER_NOT_FOUND);
    ck_assert_int_eq(tk_wallet_charge(d, &u, 0, "a", T0, &r, NULL), TK_AMOUNT_INVALID);
    ck_assert_int_eq(tk_wallet_charge(d, &u, -5, "a", T0, &r, NULL), TK_AMOUNT_INVALID);
    ck_assert_int_eq(tk_wallet_charge(d, &u, 1000001, "a", T0, &r, NULL), TK_AMOUNT_INVALID);
    ck_assert_int_eq(tk_wallet_charge(d, &u, 10, "", T0, &r, &ei), TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "request_id");
    char rid[70];
    memset(rid, 'r', 65);
    rid[65] = 0;
    ck_assert_int_eq(tk_wallet_charge(d, &u, 10, rid, T0, &r, &ei), TK_INVALID_PARAMS);
    rid[64] = 0;
    ck_assert_int_eq(tk_wallet_charge(d, &u, 10, rid, T0, &r, &ei), TK_OK);
    for (int i = 0; i < 9; i++) {
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        ut_charge(d, &u, 1000000, id, T0);
    }
    /* 9,000,010 now: one more million passes the 10,000,000 ceiling */
    ck_assert_int_eq(tk_wallet_charge(d, &u, 1000000, "x", T0, &r, NULL), TK_BALANCE_LIMIT);
    ck_assert_int_eq(tk_wallet_charge(d, &u, 999990, "x", T0, &r, NULL), TK_OK);
    ck_assert_int_eq(r.balance, 10000000);
    ck_assert_int_eq(tk_wallet_history(d, &ghost, 5, on_ledger, &(ledger_seen){0}, NULL),
                     TK_USER_NOT_FOUND);
    ledger_seen ls = {0};
    ck_assert_int_eq(tk_wallet_history(d, &u, 3, on_ledger, &ls, NULL), TK_OK);
    ck_assert_int_eq(ls.n, 3);
    ck_assert_int_gt(ls.ids[0], ls.ids[1]);
    ck_assert_int_eq(tk_booking_list(d, &ghost, on_booking, &(bookings_seen){0}, NULL),
                     TK_USER_NOT_FOUND);
    ut_close(d);
}
END_TEST

START_TEST(charge_idempotent_and_conflict)
{
    tk_domain *d = ut_open(T0);
    tk_uuid u = ut_user(d, "park", T0), v = ut_user(d, "choi", T0);
    tk_charge_result a, b;
    ck_assert_int_eq(tk_wallet_charge(d, &u, 5000, "r1", T0, &a, NULL), TK_OK);
    ck_assert_int_eq(tk_wallet_charge(d, &u, 7000, "r2", T0, &b, NULL), TK_OK);
    ck_assert_int_eq(tk_wallet_charge(d, &u, 5000, "r1", T0, &b, NULL), TK_OK);
    ck_assert_int_eq(b.entry_id, a.entry_id);
    ck_assert_int_eq(b.balance, 5000); /* the first result, not today's balance */
    ck_assert_int_eq(tk_wallet_charge(d, &u, 5001, "r1", T0, &b, NULL), TK_CONFLICT);
    /* request ids are per user */
    ck_assert_int_eq(tk_wallet_charge(d, &v, 100, "r1", T0, &b, NULL), TK_OK);
    int64_t bal;
    tk_wallet_balance(d, &u, &bal, NULL);
    ck_assert_int_eq(bal, 12000);
    ut_close(d);
}
END_TEST

static void count_date(void *ctx, const tk_date_info *di) { ++*(int *)ctx; }

START_TEST(demo_loads_once)
{
    tk_domain *d = ut_open(T0);
    ck_assert_int_eq(tk_load_demo(d, "data/demo.sql", clock_now()), 1);
    ck_assert_int_eq(tk_load_demo(d, "data/demo.sql", clock_now()), 0);
    int n = 0;
    tk_dates_all(d, clock_now(), count_date, &n);
    ck_assert_int_eq(n, 6);
    char tok[TOKEN_MAX_LEN];
    int64_t now = clock_now();
    ut_active(d, "demo", now, tok);
    n = 0;
    ck_assert_int_eq(tk_dates_list(d, tok, now, count_date, &n, NULL), TK_OK);
    ck_assert_int_eq(n, 6); /* all bookable now */
    tk_seat_info s[TK_SEATS];
    uint64_t seq;
    ck_assert_int_eq(tk_seats_list(d, tok, 1, now, s, &seq, NULL, NULL), TK_OK);
    ck_assert_int_eq(s[0].price, 150000);
    ck_assert_int_eq(s[20].price, 110000);
    ck_assert_int_eq(s[49].price, 80000);
    ut_hold(d, tok, 1, 5, now);
    ut_close(d);
    tk_domain *e = ut_open(T0);
    ck_assert_int_eq(tk_load_demo(e, "/nonexistent/demo.sql", T0), -1);
    ut_close(e);
}
END_TEST

START_TEST(demo_outside_batch_is_committed)
{
    char *path = ut_tmpdb();
    tk_config c = ut_cfg(path);
    tk_domain *d = tk_open(&c, T0);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(tk_load_demo(d, "data/demo.sql", clock_now()), 1);
    tk_close(d);
    d = tk_open(&c, T0);
    int n = 0;
    tk_dates_all(d, T0, count_date, &n);
    ck_assert_int_eq(n, 6);
    ck_assert_int_eq(tk_load_demo(d, "data/demo.sql", clock_now()), 0);
    tk_close(d);
    ut_rmdb(path);
}
END_TEST

START_TEST(refuses_newer_schema)
{
    char *path = ut_tmpdb();
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    tk_config c = ut_cfg(path);
    ck_assert_ptr_null(tk_open(&c, T0));
    c.db_path = "/nonexistent-dir/x.db";
    ck_assert_ptr_null(tk_open(&c, T0));
    ut_rmdb(path);
}
END_TEST

/* Two servers on one database would each sell from their own memory: the
 * second open of a file is refused while the first holds it, and allowed
 * once it is closed. Plain readers (ticket-audit) are not affected. */
START_TEST(one_store_per_database_file)
{
    char *path = ut_tmpdb();
    tk_config c = ut_cfg(path);
    tk_domain *d = tk_open(&c, T0);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_null(tk_open(&c, T0));
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "SELECT count(*) FROM users", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    tk_close(d);
    d = tk_open(&c, T0);
    ck_assert_ptr_nonnull(d);
    tk_close(d);
    ut_rmdb(path);
}
END_TEST

int main(void)
{
    const TTest *flow[] = {
        flow_register_hold_pay, user_and_wallet_errors, charge_idempotent_and_conflict,
        demo_loads_once, demo_outside_batch_is_committed, refuses_newer_schema,
        one_store_per_database_file};
    Suite *s = suite_create("domain");
    ur_tcase(s, "flow", 30, flow, UR_LEN(flow));
    return ur_run(s);
}
