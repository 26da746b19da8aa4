/* tests/unit_domain_checkin.c -- door check-in (server/domain/checkin.c):
 * the first scan admits, later scans say when and where it was used,
 * refunded / another date's / unknown tickets are refused with a reason,
 * a checked-in booking is not refunded, and a restart keeps check-ins. */
#include "tests/unit_domain_util.h"

#include "common/errors.h"

/* Member `name` buys seat on date; the booking's code into code. */
static int64_t buy(tk_domain *d, const char *name, int64_t date, int seat, char code[16])
{
    char tok[TOKEN_MAX_LEN];
    tk_uuid u = ut_active(d, name, T0, tok);
    ut_charge(d, &u, 200000, "c", T0);
    int64_t h = ut_hold(d, tok, date, seat, T0);
    tk_pay_result r;
    ck_assert_int_eq(tk_payment_pay(d, tok, &h, 1, "p", T0, &r, NULL), TK_OK);
    strcpy(code, r.bookings[0].code);
    return r.bookings[0].booking_id;
}

static tk_checkin_result scan(tk_domain *d, const char *code, int64_t date_id, const char *gate,
                              int64_t now)
{
    tk_checkin_result r;
    tk_errinfo ei = {0};
    tk_err e = tk_admin_booking_checkin(d, code, date_id, gate, now, &r, &ei);
    ck_assert_msg(e == TK_OK, "checkin %s: %s %s", code, tk_err_reason(e), ei.msg);
    return r;
}

static void lower(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

START_TEST(first_scan_admits_later_scans_used)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char code[16];
    int64_t id = buy(d, "a", date, 13, code);
    ut_commit(d);
    ck_assert_int_eq(ut_count_events(d, TK_EV_CHECKIN, &(tk_event){0}), 0); /* drains the sale's */
    char typed[24];
    snprintf(typed, sizeof typed, "  %s ", code);
    lower(typed); /* any case, blanks around */
    tk_checkin_result r = scan(d, typed, date, "North", T0 + 1000);
    ck_assert(r.admitted);
    ck_assert_int_eq(r.reason, TK_CHECKIN_ADMITTED);
    ck_assert_str_eq(tk_checkin_reason_name(r.reason), "ADMITTED");
    ck_assert(r.found);
    ck_assert_int_eq(r.booking.booking_id, id);
    ck_assert_str_eq(r.booking.code, code);
    ck_assert_int_eq(r.booking.seat_no, 13);
    ck_assert_int_eq(r.booking.date_id, date);
    ck_assert_str_eq(r.booking.title, "IU 콘서트");
    ck_assert_int_eq(r.booking.checked_in_at_ms, T0 + 1000);
    ck_assert_str_eq(r.booking.gate, "North");
    ck_assert_int_eq(r.checked_in, 1);
    ck_assert_int_eq(r.sold, 1);
    tk_event ev;
    ck_assert_int_eq(ut_count_events(d, TK_EV_CHECKIN, &ev), 1);
    ck_assert_int_eq(ev.date_id, date);
    ck_assert_int_eq(ev.checked_in, 1);
    ck_assert_int_eq(ev.sold, 1);
    ut_commit(d);
    /* the second scan, elsewhere and later: the first one's time and gate */
    r = scan(d, code, 0, "South", T0 + 60000);
    ck_assert(!r.admitted);
    ck_assert_int_eq(r.reason, TK_CHECKIN_ALREADY_USED);
    ck_assert_int_eq(r.booking.checked_in_at_ms, T0 + 1000);
    ck_assert_str_eq(r.booking.gate, "North");
    ck_assert_int_eq(r.checked_in, 1);
    ck_assert_int_eq(ut_count_events(d, TK_EV_CHECKIN, &(tk_event){0}), 0);
    ut_close(d);
}
END_TEST

START_TEST(refused_reasons)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0), other = ut_date(d, T0);
    char code[16], code2[16];
    int64_t id = buy(d, "a", date, 1, code);
    buy(d, "b", other, 2, code2);
    ut_commit(d);
    tk_checkin_result r = scan(d, "TK-ZZZZ-ZZZZ", date, NULL, T0);
    ck_assert_int_eq(r.reason, TK_CHECKIN_UNKNOWN_CODE);
    ck_assert(!r.admitted && !r.found);
    ck_assert_str_eq(r.code, "TK-ZZZZ-ZZZZ");
    r = scan(d, "", 0, NULL, T0); /* nothing typed: not a ticket */
    ck_assert_int_eq(r.reason, TK_CHECKIN_UNKNOWN_CODE);
    /* another date's ticket at this date's door */
    r = scan(d, code2, date, NULL, T0);
    ck_assert_int_eq(r.reason, TK_CHECKIN_WRONG_DATE);
    ck_assert(!r.admitted && r.found);
    ck_assert_int_eq(r.booking.date_id, other);
    ck_assert_int_eq(r.booking.checked_in_at_ms, 0);
    /* refunded */
    tk_refund_result rr;
    ck_assert_int_eq(tk_admin_booking_refund(d, id, T0, &rr, NULL), TK_OK);
    r = scan(d, code, date, NULL, T0);
    ck_assert_int_eq(r.reason, TK_CHECKIN_REFUNDED);
    ck_assert(!r.admitted);
    ck_assert_int_eq(r.checked_in, 0);
    ck_assert_int_eq(ut_count_events(d, TK_EV_CHECKIN, &(tk_event){0}), 0);
    /* errors: no such date, a gate that is not a name */
    tk_errinfo ei = {0};
    ck_assert_int_eq(tk_admin_booking_checkin(d, code2, 99, NULL, T0, &r, &ei),
                     TK_DATE_NOT_FOUND);
    ck_assert_int_eq(tk_admin_booking_checkin(d, code2, 0, "a\tb", T0, &r, &ei),
                     TK_INVALID_PARAMS);
    ck_assert_str_eq(ei.field, "gate");
    ck_assert_int_eq(tk_admin_booking_checkin(d, code2, 0, "123456789012345678901234567890123",
                                              T0, &r, &ei),
                     TK_INVALID_PARAMS);
    ut_close(d);
}
END_TEST

START_TEST(refund_after_checkin_conflicts)
{
    tk_domain *d = ut_open(T0);
    int64_t date = ut_date(d, T0);
    char code[16];
    int64_t id = buy(d, "a", date, 5, code);
    ck_assert(scan(d, code, date, "A", T0).admitted);
    tk_refund_result rr;
    tk_errinfo ei = {0};
    ck_assert_int_eq(tk_admin_booking_refund(d, id, T0, &rr, &ei), TK_CONFLICT);
    ck_assert_int_eq(ut_seat(d, date, 5, T0), TK_SEAT_SOLD);
    ut_close(d);
}
END_TEST

START_TEST(restart_keeps_checkins)
{
    char *path = ut_tmpdb();
    tk_config c = ut_cfg(path);
    tk_domain *d = ut_open_cfg(&c, T0);
    int64_t date = ut_date(d, T0);
    char a[16], b[16], n[16];
    buy(d, "a", date, 11, a);
    buy(d, "b", date, 12, b);
    int64_t nid = buy(d, "n", date, 14, n);
    ck_assert(scan(d, a, date, "East", T0 + 5).admitted);
    ck_assert(scan(d, b, date, NULL, T0 + 6).admitted);
    ut_close(d);

    d = ut_open_cfg(&c, T0 + 10000);
    tk_checkin_result r = scan(d, a, date, "West", T0 + 10000);
    ck_assert_int_eq(r.reason, TK_CHECKIN_ALREADY_USED);
    ck_assert_int_eq(r.booking.checked_in_at_ms, T0 + 5);
    ck_assert_str_eq(r.booking.gate, "East");
    r = scan(d, b, date, "West", T0 + 10000);
    ck_assert_int_eq(r.reason, TK_CHECKIN_ALREADY_USED);
    ck_assert_str_eq(r.booking.gate, "");
    ck_assert_int_eq(r.checked_in, 2); /* the count is rebuilt at load */
    tk_refund_result rr;
    ck_assert_int_eq(tk_admin_booking_refund(d, nid - 2, T0, &rr, NULL), TK_CONFLICT);
    r = scan(d, n, date, "West", T0 + 10001);
    ck_assert(r.admitted);
    ck_assert_int_eq(r.checked_in, 3);
    ut_close(d);
    ut_rmdb(path);
}
END_TEST

int main(void)
{
    const TTest *t[] = {first_scan_admits_later_scans_used, refused_reasons,
                        refund_after_checkin_conflicts, restart_keeps_checkins};
    Suite *s = suite_create("domain_checkin");
    ur_tcase(s, "checkin", 60, t, UR_LEN(t));
    return ur_run(s);
}
