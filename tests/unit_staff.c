/* tests/unit_staff.c -- staff keys and roles, staff top-ups, the counter's
 * member lookup and the day's report (issue 17), through api_handle; and
 * the staff file (server/staff.c). */
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/staff.h"
#include "tests/unit_api.h"

#define CASHIER_KEY "cashier-key-0123456789"
#define GATE_KEY "gate-key-0123456789abc"
#define ADMIN2_KEY "second-admin-key-0123"

static void staff_setup(void)
{
    setup();
    ck_assert_int_eq(api_staff_add(A, "park", API_ROLE_CASHIER, CASHIER_KEY), 0);
    ck_assert_int_eq(api_staff_add(A, "lee-gate", API_ROLE_GATE, GATE_KEY), 0);
    ck_assert_int_eq(api_staff_add(A, "kim", API_ROLE_ADMIN, ADMIN2_KEY), 0);
}

/* Who may call which admin method: the contract's roles, row by row. */
static const struct {
    const char *method;
    bool admin, cashier, gate;
} roles[] = {
    {"admin.concert.create", 1, 0, 0}, {"admin.date.create", 1, 0, 0},
    {"admin.queue.set", 1, 0, 0},      {"admin.hold.release", 1, 0, 0},
    {"admin.booking.refund", 1, 0, 0}, {"admin.booking.find", 1, 1, 1},
    {"admin.booking.checkin", 1, 0, 1},
    {"admin.dashboard", 1, 0, 0},      {"admin.seats.list", 1, 0, 0},
    {"admin.audit.list", 1, 0, 0},     {"admin.member.find", 1, 1, 0},
    {"admin.report", 1, 1, 0},         {"admin.whoami", 1, 1, 1},
};

static bool forbidden(const char *method, const char *key)
{
    cJSON *r = call(method, "{\"admin_key\":\"%s\"}", key);
    const cJSON *e = cJSON_GetObjectItem(r, "error");
    const cJSON *why = e ? cJSON_GetObjectItem(cJSON_GetObjectItem(e, "data"), "reason") : NULL;
    bool f = cJSON_IsString(why) && !strcmp(why->valuestring, "FORBIDDEN");
    cJSON_Delete(r);
    return f;
}

START_TEST(each_role_against_each_admin_method)
{
    /* Every admin method of the dispatch table is in the table above, so
     * a new one cannot go untested. */
    bool w;
    for (size_t i = 0; api_method_at(i, &w); i++) {
        const char *m = api_method_at(i, &w);
        if (strncmp(m, "admin.", 6))
            continue;
        bool listed = false;
        for (size_t k = 0; k < UR_LEN(roles); k++)
            listed |= !strcmp(roles[k].method, m);
        ck_assert_msg(listed, "%s: add its roles to this test", m);
    }
    for (size_t k = 0; k < UR_LEN(roles); k++) {
        const char *m = roles[k].method;
        ck_assert_msg(forbidden(m, KEY) == !roles[k].admin, "%s admin key file", m);
        ck_assert_msg(forbidden(m, ADMIN2_KEY) == !roles[k].admin, "%s staff admin", m);
        ck_assert_msg(forbidden(m, CASHIER_KEY) == !roles[k].cashier, "%s cashier", m);
        ck_assert_msg(forbidden(m, GATE_KEY) == !roles[k].gate, "%s gate", m);
        ck_assert_msg(forbidden(m, "no-such-key-0123456789"), "%s unknown key", m);
    }
}
END_TEST

START_TEST(whoami_names_the_key)
{
    cJSON *r = call("admin.whoami", "{\"admin_key\":\"" CASHIER_KEY "\"}");
    ck_assert_str_eq(str(ok(r), "name"), "park");
    ck_assert_str_eq(str(ok(r), "role"), "cashier");
    ck_assert_str_eq(str(ok(r), "topup"), "open");
    cJSON_Delete(r);
    r = call("admin.whoami", "{\"admin_key\":\"" KEY "\"}");
    ck_assert_str_eq(str(ok(r), "name"), "admin");
    ck_assert_str_eq(str(ok(r), "role"), "admin");
    cJSON_Delete(r);
    /* The refusal says who and what, for the operator's screen. */
    r = call("admin.dashboard", "{\"admin_key\":\"" GATE_KEY "\"}");
    err(r, "FORBIDDEN");
    const char *msg = str(cJSON_GetObjectItem(r, "error"), "message");
    ck_assert_ptr_nonnull(strstr(msg, "lee-gate (role gate) may not call admin.dashboard"));
    cJSON_Delete(r);
}
END_TEST

START_TEST(audit_names_the_staff_member)
{
    cJSON *r = call("admin.concert.create",
                    "{\"admin_key\":\"" ADMIN2_KEY "\",\"title\":\"T\",\"venue\":\"V\"}");
    ok(r);
    cJSON_Delete(r);
    expect_field("title", "admin.concert.create", "{\"admin_key\":\"" KEY "\",\"venue\":\"v\"}");
    r = call("admin.audit.list", "{\"admin_key\":\"" KEY "\"}");
    const cJSON *es = cJSON_GetObjectItem(ok(r), "entries");
    ck_assert_int_eq(cJSON_GetArraySize(es), 2);
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 0), "staff"), "admin");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 1), "staff"), "kim");
    cJSON_Delete(r);
}
END_TEST

static const cJSON *first_entry(cJSON *r)
{
    return cJSON_GetArrayItem(cJSON_GetObjectItem(ok(r), "entries"), 0);
}

START_TEST(staff_topup_needs_a_cashier_and_a_method)
{
    char u[UUID_STR_LEN];
    new_user(u);
    api_set_topup_staff(A, true);
    cJSON *r = call("server.info", "{}");
    ck_assert_str_eq(str(ok(r), "topup"), "staff");
    cJSON_Delete(r);
    const char *c = "{\"user_id\":\"%s\",\"amount\":5000,\"request_id\":\"r1\"%s}";
    expect_errf("FORBIDDEN", "wallet.charge", c, u, "");
    expect_errf("FORBIDDEN", "wallet.charge", c, u, ",\"method\":\"cash\"");
    expect_errf("FORBIDDEN", "wallet.charge", c, u,
                ",\"admin_key\":\"" GATE_KEY "\",\"method\":\"cash\"");
    expect_fieldf("method", "wallet.charge", c, u, ",\"admin_key\":\"" CASHIER_KEY "\"");
    expect_fieldf("method", "wallet.charge", c, u,
                  ",\"admin_key\":\"" CASHIER_KEY "\",\"method\":\"cheque\"");
    r = call("wallet.charge", c, u, ",\"admin_key\":\"" CASHIER_KEY "\",\"method\":\"card\"");
    ck_assert_int_eq(num(ok(r), "balance"), 5000);
    cJSON_Delete(r);
    r = call("wallet.charge", "{\"user_id\":\"%s\",\"amount\":700,\"request_id\":\"r2\","
             "\"admin_key\":\"" KEY "\",\"method\":\"cash\"}", u);
    ck_assert_int_eq(num(ok(r), "balance"), 5700);
    cJSON_Delete(r);
    r = call("wallet.history", "{\"user_id\":\"%s\"}", u);
    const cJSON *es = cJSON_GetObjectItem(ok(r), "entries");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 0), "method"), "cash");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 0), "staff"), "admin");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 1), "method"), "card");
    ck_assert_str_eq(str(cJSON_GetArrayItem(es, 1), "staff"), "park");
    cJSON_Delete(r);
}
END_TEST

START_TEST(open_topup_is_the_members_own)
{
    char u[UUID_STR_LEN];
    new_user(u);
    cJSON *r = call("wallet.charge", "{\"user_id\":\"%s\",\"amount\":100,\"request_id\":\"a\"}", u);
    ok(r);
    cJSON_Delete(r);
    r = call("wallet.history", "{\"user_id\":\"%s\"}", u);
    ck_assert_ptr_null(cJSON_GetObjectItem(first_entry(r), "method"));
    ck_assert_ptr_null(cJSON_GetObjectItem(first_entry(r), "staff"));
    cJSON_Delete(r);
    /* A cashier at an open box office is still recorded as the cashier. */
    r = call("wallet.charge", "{\"user_id\":\"%s\",\"amount\":100,\"request_id\":\"b\","
             "\"admin_key\":\"" CASHIER_KEY "\",\"method\":\"other\"}", u);
    ok(r);
    cJSON_Delete(r);
    r = call("wallet.history", "{\"user_id\":\"%s\"}", u);
    ck_assert_str_eq(str(first_entry(r), "staff"), "park");
    ck_assert_str_eq(str(first_entry(r), "method"), "other");
    cJSON_Delete(r);
}
END_TEST

/* A member with one paid booking: its code into code. */
static void buy_seat(const char *u, int64_t did, char code[16])
{
    char tok[TOKEN_MAX_LEN];
    cJSON *r = call("wallet.charge", "{\"user_id\":\"%s\",\"amount\":200000,\"request_id\":\"buy\"}", u);
    ok(r);
    cJSON_Delete(r);
    join(u, tok, NULL);
    r = call("seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":3}", tok, (long long)did);
    int64_t h = num(ok(r), "hold_id");
    cJSON_Delete(r);
    r = call("payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld],\"request_id\":\"p\"}", tok,
             (long long)h);
    snprintf(code, 16, "%s", str(cJSON_GetArrayItem(cJSON_GetObjectItem(ok(r), "bookings"), 0), "code"));
    cJSON_Delete(r);
}

START_TEST(member_find_by_name_and_code)
{
    char u[UUID_STR_LEN], code[16];
    new_user(u); /* "Kim" */
    cJSON *r = call("user.register", "{\"name\":\"Park Jisoo\"}");
    cJSON_Delete(r);
    for (int i = 0; i < 25; i++) {
        r = call("user.register", "{\"name\":\"kimbap %d\"}", i);
        cJSON_Delete(r);
    }
    buy_seat(u, new_date(), code);
    r = call("admin.member.find", "{\"admin_key\":\"" CASHIER_KEY "\",\"name\":\"park\"}");
    const cJSON *ms = cJSON_GetObjectItem(ok(r), "members");
    ck_assert_int_eq(cJSON_GetArraySize(ms), 1);
    ck_assert_str_eq(str(cJSON_GetArrayItem(ms, 0), "name"), "Park Jisoo");
    cJSON_Delete(r);
    r = call("admin.member.find", "{\"admin_key\":\"" CASHIER_KEY "\",\"name\":\"KIM\"}");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(ok(r), "members")), 20);
    cJSON_Delete(r);
    /* A ticket's code, typed in lower case, finds its owner. */
    for (char *p = code; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    r = call("admin.member.find", "{\"admin_key\":\"" CASHIER_KEY "\",\"code\":\"%s\"}", code);
    ms = cJSON_GetObjectItem(ok(r), "members");
    ck_assert_int_eq(cJSON_GetArraySize(ms), 1);
    ck_assert_str_eq(str(cJSON_GetArrayItem(ms, 0), "user_id"), u);
    ck_assert_int_eq(num(cJSON_GetArrayItem(ms, 0), "bookings"), 1);
    ck_assert_int_eq(num(cJSON_GetArrayItem(ms, 0), "balance"), 50000);
    cJSON_Delete(r);
    r = call("admin.member.find", "{\"admin_key\":\"" CASHIER_KEY "\",\"code\":\"TK-NONE-0000\"}");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(ok(r), "members")), 0);
    cJSON_Delete(r);
    expect_field("name", "admin.member.find", "{\"admin_key\":\"" CASHIER_KEY "\"}");
    expect_field("name", "admin.member.find", "{\"admin_key\":\"" CASHIER_KEY "\",\"name\":5}");
}
END_TEST

static const cJSON *report_row(const cJSON *rows, const char *kind, const char *staff,
                               const char *method)
{
    for (const cJSON *r = rows ? rows->child : NULL; r; r = r->next)
        if (!strcmp(str(r, "kind"), kind) && !strcmp(str(r, "staff"), staff) &&
            !strcmp(str(r, "method"), method))
            return r;
    ck_abort_msg("no %s row for %s/%s", kind, staff, method);
    return NULL;
}

START_TEST(report_totals_per_kind_staff_and_method)
{
    char u[UUID_STR_LEN], v[UUID_STR_LEN], code[16];
    new_user(u);
    new_user(v);
    int64_t did = new_date();
    buy_seat(u, did, code); /* a kiosk top-up of 200000 and a sale of 150000 */
    const char *c = "{\"user_id\":\"%s\",\"amount\":%d,\"request_id\":\"%s\","
                    "\"admin_key\":\"" CASHIER_KEY "\",\"method\":\"%s\"}";
    cJSON *r = call("wallet.charge", c, v, 10000, "c1", "cash");
    cJSON_Delete(r);
    r = call("wallet.charge", c, v, 5000, "c2", "cash");
    cJSON_Delete(r);
    r = call("wallet.charge", c, v, 3000, "c3", "card");
    cJSON_Delete(r);
    r = call("admin.booking.refund", "{\"admin_key\":\"" ADMIN2_KEY "\",\"booking_id\":1}");
    ok(r);
    cJSON_Delete(r);
    r = call("admin.report", "{\"admin_key\":\"" CASHIER_KEY "\",\"from\":\"2000-01-01T00:00:00Z\","
             "\"to\":\"2099-01-01T00:00:00Z\"}");
    const cJSON *rows = cJSON_GetObjectItem(ok(r), "rows");
    ck_assert_int_eq(cJSON_GetArraySize(rows), 5);
    const cJSON *x = report_row(rows, "sale", "", "wallet");
    ck_assert_int_eq(num(x, "date_id"), did);
    ck_assert_int_eq(num(x, "count"), 1);
    ck_assert_int_eq(num(x, "amount"), 150000);
    x = report_row(rows, "refund", "kim", "wallet");
    ck_assert_int_eq(num(x, "date_id"), did);
    ck_assert_int_eq(num(x, "amount"), 150000);
    x = report_row(rows, "topup", "", "kiosk");
    ck_assert_int_eq(num(x, "amount"), 200000);
    x = report_row(rows, "topup", "park", "cash");
    ck_assert_int_eq(num(x, "count"), 2);
    ck_assert_int_eq(num(x, "amount"), 15000);
    x = report_row(rows, "topup", "park", "card");
    ck_assert_int_eq(num(x, "amount"), 3000);
    cJSON_Delete(r);
    /* Nothing before the sale; the range must run forwards. */
    r = call("admin.report", "{\"admin_key\":\"" KEY "\",\"from\":\"2000-01-01T00:00:00Z\","
             "\"to\":\"2000-01-02T00:00:00Z\"}");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(ok(r), "rows")), 0);
    cJSON_Delete(r);
    expect_field("to", "admin.report", "{\"admin_key\":\"" KEY "\",\"from\":\"2000-01-02T00:00:00Z\","
                                       "\"to\":\"2000-01-01T00:00:00Z\"}");
    expect_field("from", "admin.report", "{\"admin_key\":\"" KEY "\",\"to\":\"2000-01-01T00:00:00Z\"}");
}
END_TEST

/* ---- the staff file ------------------------------------------------------ */

static char staff_path[64];

static void write_staff(const char *text, mode_t mode)
{
    snprintf(staff_path, sizeof staff_path, "/tmp/unit_staff.%d", (int)getpid());
    unlink(staff_path);
    int fd = open(staff_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    ck_assert_int_eq(chmod(staff_path, mode), 0);
}

START_TEST(staff_file_loads_and_refuses)
{
    write_staff("# box office\n\nann cashier " CASHIER_KEY "x\n  bo gate  " GATE_KEY "x \n", 0600);
    ck_assert_int_eq(staff_file_apply(staff_path, true, A), 0);
    ck_assert(!forbidden("admin.member.find", CASHIER_KEY "x"));
    ck_assert(forbidden("admin.member.find", GATE_KEY "x"));
    cJSON *r = call("admin.whoami", "{\"admin_key\":\"" GATE_KEY "x\"}");
    ck_assert_str_eq(str(ok(r), "name"), "bo");
    cJSON_Delete(r);
    /* Keys others can read are refused, whatever is in them. */
    write_staff("ann cashier " CASHIER_KEY "\n", 0640);
    ck_assert_int_eq(staff_file_apply(staff_path, true, NULL), -1);
    write_staff("ann cashier " CASHIER_KEY "\n", 0604);
    ck_assert_int_eq(staff_file_apply(staff_path, false, NULL), -1);
    const char *bad[] = {
        "ann cashier\n",                                    /* no key */
        "ann boss " CASHIER_KEY "\n",                       /* no such role */
        "ann cashier short\n",                              /* a guessable key */
        "a/b cashier " CASHIER_KEY "\n",                    /* a name with a slash */
        "ann cashier " CASHIER_KEY "\nann gate " GATE_KEY "\n", /* a name twice */
        "ann cashier " CASHIER_KEY "\nbo gate " CASHIER_KEY "\n", /* a key twice */
        "ann cashier " CASHIER_KEY " extra\n",
    };
    for (size_t i = 0; i < UR_LEN(bad); i++) {
        write_staff(bad[i], 0600);
        ck_assert_msg(staff_file_apply(staff_path, true, NULL) == -1, "accepted: %s", bad[i]);
    }
    /* Absent: fine unless named on the command line. */
    unlink(staff_path);
    ck_assert_int_eq(staff_file_apply(staff_path, false, NULL), 0);
    ck_assert_int_eq(staff_file_apply(staff_path, true, NULL), -1);
    /* A member whose key is the admin key's would have taken its role. */
    ck_assert_int_eq(api_staff_add(A, "mallory", API_ROLE_GATE, KEY), -2);
    ck_assert_int_eq(api_staff_add(A, "ann2", API_ROLE_GATE, CASHIER_KEY "x"), -2);
    ck_assert(!forbidden("admin.dashboard", KEY));
}
END_TEST

static int count_line(void *ctx, const staff_entry *e)
{
    ck_assert_int_eq((int)strlen(e->key), 32);
    (*(int *)ctx)++;
    return 0;
}

START_TEST(add_staff_appends_a_new_key)
{
    snprintf(staff_path, sizeof staff_path, "/tmp/unit_staff_add.%d", (int)getpid());
    unlink(staff_path);
    ck_assert_int_eq(staff_file_add(staff_path, "ann", "cashier"), 0);
    struct stat st;
    ck_assert_int_eq(stat(staff_path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(staff_file_add(staff_path, "bo", "gate"), 0);
    ck_assert_int_eq(staff_file_add(staff_path, "ann", "gate"), -1);   /* taken */
    ck_assert_int_eq(staff_file_add(staff_path, "cy", "boss"), -1);    /* no such role */
    ck_assert_int_eq(staff_file_add(staff_path, "c y", "gate"), -1);   /* not a name */
    int n = 0;
    ck_assert_int_eq(staff_file_read(staff_path, count_line, &n), 0);
    ck_assert_int_eq(n, 2);
    chmod(staff_path, 0644);
    ck_assert_int_eq(staff_file_add(staff_path, "cy", "gate"), -1);    /* too open */
    unlink(staff_path);
}
END_TEST

int main(void)
{
    const TTest *const api_tests[] = {
        each_role_against_each_admin_method, whoami_names_the_key,
        audit_names_the_staff_member,        staff_topup_needs_a_cashier_and_a_method,
        open_topup_is_the_members_own,       member_find_by_name_and_code,
        report_totals_per_kind_staff_and_method, staff_file_loads_and_refuses,
        add_staff_appends_a_new_key,
    };
    Suite *s = suite_create("staff");
    tcase_add_checked_fixture(ur_tcase(s, "api", 30, api_tests, UR_LEN(api_tests)), staff_setup,
                              teardown);
    return ur_run(s);
}
