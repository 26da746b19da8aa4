/* tests/unit_domain_pay.c -- payment, idempotency across restarts, refunds,
 * the audit log, and invariants after a randomized run. */
#include "tests/unit_domain_util.h"

#include "common/errors.h"

START_TEST(pay_errors_and_funds)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN], b[TOKEN_MAX_LEN];
    tk_uuid ua = ut_active(d, "a", T0, a);
    ut_active(d, "b", T0, b);
    int64_t h1 = ut_hold(d, a, date, 1, T0), h2 = ut_hold(d, a, date, 31, T0);
    int64_t hb = ut_hold(d, b, date, 2, T0);
    tk_pay_result r;
    tk_errinfo ei = {0};
    int64_t ids[5] = {h1, h2, h1, 0, 0};
    ck_assert_int_eq(tk_payment_pay(d, "nope", ids, 1, "p", T0, &r, &ei), TK_TOKEN_INVALID);
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 0, "p", T0, &r, &ei), TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "hold_ids");
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 5, "p", T0, &r, &ei), TK_INVALID_PARAMS);
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 3, "p", T0, &r, &ei), TK_INVALID_PARAMS);
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 2, "", T0, &r, &ei), TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "request_id");
    ck_assert_int_eq(tk_payment_pay(d, a, &hb, 1, "p", T0, &r, &ei), TK_HOLD_NOT_FOUND);
    ck_assert_int_eq(ei.hold_id, hb);
    int64_t missing = 77;
    ck_assert_int_eq(tk_payment_pay(d, a, &missing, 1, "p", T0, &r, &ei), TK_HOLD_NOT_FOUND);
    /* not enough money: the holds stay */
    ut_charge(d, &ua, 200000, "c1", T0);
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 2, "p", T0, &r, &ei), TK_INSUFFICIENT_FUNDS);
    ck_assert_int_eq(ei.balance, 200000);
    ck_assert_int_eq(ei.amount, 230000);
    ck_assert_int_eq(ut_seat(d, date, 1, T0), TK_SEAT_HELD);
    ut_charge(d, &ua, 30000, "c2", T0);
    /* the failed attempt recorded nothing: the same request_id now pays */
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 2, "p", T0 + 10, &r, &ei), TK_OK);
    ck_assert_int_eq(r.balance, 0);
    int64_t bal;
    tk_wallet_balance(d, &ua, &bal, NULL);
    ck_assert_int_eq(bal, 0);
    /* a waiting token is not admitted */
    tk_config c = ut_cfg(":memory:");
    (void)c;
    int64_t one = 1;
    ck_assert_int_eq(tk_admin_queue_set(d, NULL, &one, NULL, NULL, T0, NULL, NULL), TK_OK);
    tk_uuid w = ut_user(d, "w", T0);
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_join(d, &w, T0, &q, NULL), TK_OK);
    ck_assert_int_eq(q.state, TK_TOKEN_WAITING);
    ck_assert_int_eq(tk_payment_pay(d, q.token, &hb, 1, "p", T0, &r, &ei), TK_NOT_ADMITTED);
    ck_assert_int_eq(ei.position, 1);
    ut_close(d);
}
END_TEST

START_TEST(pay_releases_other_holds)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN];
    tk_uuid u = ut_active(d, "a", T0, a);
    int64_t h1 = ut_hold(d, a, date, 1, T0);
    int64_t h2 = ut_hold(d, a, date, 2, T0);
    ut_charge(d, &u, 500000, "c", T0);
    tk_pay_result r;
    ck_assert_int_eq(tk_payment_pay(d, a, &h1, 1, "p", T0, &r, NULL), TK_OK);
    ck_assert_int_eq(ut_seat(d, date, 1, T0), TK_SEAT_SOLD);
    ck_assert_int_eq(ut_seat(d, date, 2, T0), TK_SEAT_FREE); /* token spent: its holds go */
    /* paying the released hold under a new token: not found */
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_join(d, &u, T0, &q, NULL), TK_OK);
    tk_errinfo ei = {0};
    ck_assert_int_eq(tk_payment_pay(d, q.token, &h2, 1, "p2", T0, &r, &ei), TK_HOLD_NOT_FOUND);
    ck_assert_int_eq(tk_payment_pay(d, q.token, &h1, 1, "p3", T0, &r, &ei), TK_HOLD_NOT_FOUND);
    ut_close(d);
}
END_TEST

START_TEST(replays_survive_restart)
{
    char *path = ut_tmpdb();
    tk_config c = ut_cfg(path);
    tk_domain *d = ut_open_cfg(&c, T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN];
    tk_uuid u = ut_active(d, "a", T0, a);
    tk_charge_result c1, c2;
    ck_assert_int_eq(tk_wallet_charge(d, &u, 400000, "charge-1", T0, &c1, NULL), TK_OK);
    int64_t ids[2] = {ut_hold(d, a, date, 12, T0), ut_hold(d, a, date, 11, T0)};
    tk_pay_result p1, p2;
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 2, "pay-1", T0, &p1, NULL), TK_OK);
    ut_close(d);

    d = ut_open_cfg(&c, T0 + 5000);
    ck_assert_int_eq(tk_wallet_charge(d, &u, 400000, "charge-1", T0 + 5000, &c2, NULL), TK_OK);
    ck_assert_int_eq(c2.entry_id, c1.entry_id);
    ck_assert_int_eq(c2.balance, c1.balance);
    ck_assert_int_eq(tk_wallet_charge(d, &u, 1, "charge-1", T0, &c2, NULL), TK_CONFLICT);
    /* same holds in another order: the same request */
    int64_t swapped[2] = {ids[1], ids[0]};
    ck_assert_int_eq(tk_payment_pay(d, a, swapped, 2, "pay-1", T0 + 5000, &p2, NULL), TK_OK);
    ck_assert_int_eq(p2.payment_id, p1.payment_id);
    ck_assert_int_eq(p2.amount, 220000);
    ck_assert_int_eq(p2.balance, 180000);
    ck_assert_int_eq(p2.n, 2);
    ck_assert_str_eq(p2.bookings[0].code, p1.bookings[0].code);
    ck_assert_str_eq(p2.bookings[1].code, p1.bookings[1].code);
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 1, "pay-1", T0, &p2, NULL), TK_CONFLICT);
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 1, "charge-1", T0, &p2, NULL), TK_CONFLICT);
    ck_assert_int_eq(tk_wallet_charge(d, &u, 5, "pay-1", T0, &c2, NULL), TK_CONFLICT);
    /* a new request_id with the spent token is refused */
    ck_assert_int_eq(tk_payment_pay(d, a, ids, 2, "pay-2", T0, &p2, NULL), TK_TOKEN_EXPIRED);
    int64_t bal;
    tk_wallet_balance(d, &u, &bal, NULL);
    ck_assert_int_eq(bal, 180000);
    ck_assert_int_eq(ut_seat(d, date, 12, T0 + 5000), TK_SEAT_SOLD);
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

typedef struct { int n; char state[4][12]; } seen;
static void on_booking(void *ctx, const tk_booking_info *b)
{
    seen *s = ctx;
    snprintf(s->state[s->n++], 12, "%s", b->state);
}

START_TEST(refund)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char a[TOKEN_MAX_LEN], b[TOKEN_MAX_LEN];
    tk_uuid u = ut_active(d, "a", T0, a);
    ut_charge(d, &u, 150000, "c", T0);
    int64_t h = ut_hold(d, a, date, 4, T0);
    tk_pay_result p;
    ck_assert_int_eq(tk_payment_pay(d, a, &h, 1, "p", T0, &p, NULL), TK_OK);
    ut_commit(d);
    tk_event ev[16];
    tk_events_take(d, ev, 16);
    tk_refund_result r;
    tk_errinfo ei = {0};
    ck_assert_int_eq(tk_admin_booking_refund(d, 0, T0, &r, &ei), TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "booking_id");
    ck_assert_str_eq(ei.msg, "no such booking");
    ck_assert_int_eq(tk_admin_booking_refund(d, 2, T0, &r, &ei), TK_INVALID_PARAMS);
    ck_assert_int_eq(tk_admin_booking_refund(d, p.bookings[0].booking_id, T0 + 1, &r, &ei),
                     TK_OK);
    ck_assert_int_eq(r.amount, 150000);
    ck_assert_int_eq(r.balance, 150000);
    ck_assert_int_eq(tk_admin_booking_refund(d, p.bookings[0].booking_id, T0 + 2, &r, &ei),
                     TK_CONFLICT);
    ut_commit(d);
    size_t n = tk_events_take(d, ev, 16);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(ev[0].kind, TK_EV_SEAT);
    ck_assert_int_eq(ev[0].state, TK_SEAT_FREE);
    ck_assert_int_eq(ev[1].kind, TK_EV_SALES);
    ck_assert_int_eq(ev[1].sold, 0);
    ck_assert_int_eq(ev[1].revenue, 0);
    seen s = {0};
    tk_booking_list(d, &u, on_booking, &s, NULL);
    ck_assert_int_eq(s.n, 1);
    ck_assert_str_eq(s.state[0], "refunded");
    /* the seat is on sale again */
    ut_active(d, "b", T0, b);
    ut_hold(d, b, date, 4, T0 + 3);
    ut_close(d);
}
END_TEST

typedef struct {
    int n;
    int64_t ids[8];
    char method[8][32], result[8][16], staff[8][16], node[8][16];
} audit_seen;
static void on_audit(void *ctx, const tk_audit_entry *a)
{
    audit_seen *s = ctx;
    s->ids[s->n] = a->audit_id;
    snprintf(s->staff[s->n], 16, "%s", a->staff);
    snprintf(s->node[s->n], 16, "%s", a->node);
    snprintf(s->method[s->n], 32, "%s", a->method);
    snprintf(s->result[s->n++], 16, "%s", a->result);
}

START_TEST(audit_log)
{
    tk_domain *d = ut_open(T0);
    for (int i = 0; i < 5; i++) {
        char m[32];
        snprintf(m, sizeof m, "admin.m%d", i);
        ck_assert_int_eq(tk_audit_append(d, T0 + i, m, "ipc:pid=1", "{\"x\":1}",
                                         i == 3 ? "FORBIDDEN" : "ok", i == 4 ? "kim" : "admin",
                                         i == 4 ? "box-b" : "box-a"),
                         0);
    }
    audit_seen s = {0};
    ck_assert_int_eq(tk_audit_list(d, 0, 3, on_audit, &s, NULL), TK_OK);
    ck_assert_int_eq(s.n, 3);
    ck_assert_str_eq(s.method[0], "admin.m4");
    ck_assert_str_eq(s.staff[0], "kim"); /* who made the call, kept with it */
    ck_assert_str_eq(s.staff[1], "admin");
    ck_assert_str_eq(s.node[0], "box-b"); /* and which node took it */
    ck_assert_str_eq(s.node[1], "box-a");
    ck_assert_str_eq(s.result[1], "FORBIDDEN");
    audit_seen t = {0};
    ck_assert_int_eq(tk_audit_list(d, s.ids[2], 0, on_audit, &t, NULL), TK_OK);
    ck_assert_int_eq(t.n, 2);
    ck_assert_str_eq(t.method[0], "admin.m1");
    tk_errinfo ei = {0};
    ck_assert_int_eq(tk_audit_list(d, 0, 501, on_audit, &t, &ei), TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "limit");
    ut_close(d);
}
END_TEST

START_TEST(admin_create_errors)
{
    tk_domain *d = ut_open(T0);
    int64_t cid, did, prices[TK_SEATS] = {0};
    tk_errinfo ei = {0};
    char big[260];
    memset(big, 'v', 201);
    big[201] = 0;
    ck_assert_int_eq(tk_admin_concert_create(d, "", "v", T0, &cid, &ei), TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "title");
    ck_assert_int_eq(tk_admin_concert_create(d, "t", big, T0, &cid, &ei), TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "venue");
    ck_assert_int_eq(tk_admin_concert_create(d, "t", "v", T0, &cid, &ei), TK_OK);
    ck_assert_int_eq(tk_admin_date_create(d, cid + 1, T0 + DAY, prices, -1, T0, &did, &ei),
                     TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "concert_id");
    ck_assert_int_eq(tk_admin_date_create(d, cid, T0, prices, -1, T0, &did, &ei),
                     TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "starts_at");
    prices[49] = 10000001;
    ck_assert_int_eq(tk_admin_date_create(d, cid, T0 + DAY, prices, -1, T0, &did, &ei),
                     TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "prices");
    prices[49] = -1;
    ck_assert_int_eq(tk_admin_date_create(d, cid, T0 + DAY, prices, -1, T0, &did, &ei),
                     TK_INVALID_PARAMS);
    prices[49] = 10000000;
    ck_assert_int_eq(tk_admin_date_create(d, cid, T0 + DAY, prices, -1, T0, &did, &ei), TK_OK);
    ck_assert_int_eq(did, 1);
    ut_close(d);
}
END_TEST

/* Many users doing random things at random times; the invariants hold
 * after every batch and after a restart. Seeded: failures reproduce. */
START_TEST(randomized_invariants)
{
    char *path = ut_tmpdb();
    tk_config c = ut_cfg(path);
    c.max_active = 6;
    c.hold_ms = 20000;
    c.active_window_ms = 30000;
    tk_domain *d = ut_open_cfg(&c, T0);
    int64_t dates[2] = {ut_date(d, T0), ut_date(d, T0)};
    enum { U = 12 };
    tk_uuid u[U];
    char tok[U][TOKEN_MAX_LEN] = {{0}};
    int64_t holds[U][4] = {{0}};
    for (int i = 0; i < U; i++)
        u[i] = ut_user(d, "r", T0);
    unsigned seed = 12345;
    int64_t now = T0;
    int ok[8] = {0};
    for (int step = 0; step < 20000; step++) {
        int i = rand_r(&seed) % U;
        int op = rand_r(&seed) % 8;
        now += rand_r(&seed) % 700;
        tk_queue_info q;
        tk_hold_info hi;
        tk_pay_result pr;
        tk_charge_result cr;
        char rid[24];
        snprintf(rid, sizeof rid, "r%d", rand_r(&seed) % 3000);
        tk_err e = TK_INTERNAL;
        if (op == 0 && (e = tk_queue_join(d, &u[i], now, &q, NULL)) == TK_OK) {
            if (strcmp(tok[i], q.token))
                memset(holds[i], 0, sizeof holds[i]);
            strcpy(tok[i], q.token);
        }
        else if (op == 1 || op == 2) {
            e = tk_seat_hold(d, tok[i], dates[rand_r(&seed) % 2], 1 + rand_r(&seed) % 12, now,
                             &hi, NULL);
            if (e == TK_OK) {
                int k = 0;
                while (k < 3 && holds[i][k] && holds[i][k] != hi.hold_id)
                    k++;
                holds[i][rand_r(&seed) % 5 == 0 ? rand_r(&seed) % 4 : k] = hi.hold_id;
            }
        } else if (op == 3)
            e = tk_wallet_charge(d, &u[i], 1 + rand_r(&seed) % 400000, rid, now, &cr, NULL);
        else if (op == 4) {
            int64_t pick[4];
            int n = 0;
            for (int k = 0; k < 4; k++)
                if (holds[i][k] && (k == 0 || holds[i][k] != holds[i][k - 1]))
                    pick[n++] = holds[i][k];
            e = tk_payment_pay(d, tok[i], pick, n, rid, now, &pr, NULL);
        }
        else if (op == 5)
            e = tk_hold_release(d, tok[i], holds[i][rand_r(&seed) % 4], now, NULL);
        else if (op == 6 && rand_r(&seed) % 4 == 0)
            e = tk_admin_booking_refund(d, 1 + rand_r(&seed) % 40, now,
                                        &(tk_refund_result){0}, NULL);
        else if (op == 7)
            tk_tick(d, now);
        ok[op] += e == TK_OK;
        if (rand_r(&seed) % 60 == 0)
            tk_queue_leave(d, tok[rand_r(&seed) % U], now, NULL);
        if (step % 50 == 49)
            ut_commit(d);
    }
    /* the run exercised every path it claims to */
    for (int k = 0; k < 7; k++)
        ck_assert_msg(ok[k] > 0 || k == 2 || k == 7, "op %d never succeeded", k);
    ck_assert_int_gt(ok[4], 20);
    ck_assert_int_gt(ok[6], 2);
    ut_close(d);
    d = ut_open_cfg(&c, now);
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

int main(void)
{
    const TTest *pay[] = {
        pay_errors_and_funds, pay_releases_other_holds, replays_survive_restart, refund,
        audit_log, admin_create_errors, randomized_invariants};
    Suite *s = suite_create("domain_pay");
    ur_tcase(s, "pay", 60, pay, UR_LEN(pay));
    return ur_run(s);
}
