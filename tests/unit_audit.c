/* tests/unit_audit.c -- the real bin/ticket-audit against real SQLite files
 * built from data/schema.sql: a consistent story passes, and each kind of
 * corruption is caught by name with exit 1. Some corruptions are ones the
 * schema itself forbids (unique indexes, CHECKs); the test drops those
 * guards first, as a buggy server or an old schema would have. */
#include <check.h>
#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char audit_bin[512], schema_path[512], tmpdir[64];

static void ua_paths(void)
{
    const char *top = getenv("TOP");
    const char *td = getenv("TICKETD");
    if (!top)
        top = ".";
    if (td && strrchr(td, '/'))
        snprintf(audit_bin, sizeof(audit_bin), "%.*s/ticket-audit", (int)(strrchr(td, '/') - td),
                 td);
    else
        snprintf(audit_bin, sizeof(audit_bin), "%s/bin/ticket-audit", top);
    snprintf(schema_path, sizeof(schema_path), "%s/data/schema.sql", top);
}

static void ua_setup(void)
{
    ua_paths();
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/unit_audit.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void ua_teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *ua_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = calloc(1, (size_t)n + 1);
    ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

/* A consistent story: user 1 charged 10000 and paid 3000 for seat 5;
 * user 2 charged 10000 and holds seat 6. */
static const char *ua_story =
    "INSERT INTO users VALUES (1, X'00000000000000000000000000000001', 'a', 7000, 0);"
    "INSERT INTO users VALUES (2, X'00000000000000000000000000000002', 'b', 10000, 0);"
    "INSERT INTO concerts (id, title, venue, created_at) VALUES (1, 'C', 'V', 0);"
    "INSERT INTO dates VALUES (1, 1, 9000000000000, 0, 3);"
    "INSERT INTO ledger(id,user_id,kind,amount,balance,at,ref) VALUES (1, 1, 'charge', 10000, 10000, 1, 0);"
    "INSERT INTO ledger(id,user_id,kind,amount,balance,at,ref) VALUES (2, 1, 'payment', -3000, 7000, 2, 1);"
    "INSERT INTO ledger(id,user_id,kind,amount,balance,at,ref) VALUES (3, 2, 'charge', 10000, 10000, 3, 0);"
    "INSERT INTO holds VALUES (1, 1, 1, 5, 3000, 0, 9000000000000, 3, 2);"
    "INSERT INTO holds VALUES (2, 2, 1, 6, 1000, 0, 9000000000000, 0, 0);"
    "INSERT INTO payments VALUES (1, 1, 3000, 7000, 2, 'r1');"
    "INSERT INTO bookings VALUES (1, 'TK-AAAA-BBBB', 1, 1, 1, 1, 5, 3000, 2, 0, 0);"
    "INSERT INTO idempotency VALUES (1, 'c1', 'wallet.charge', '{}', 1);"
    "INSERT INTO idempotency VALUES (1, 'r1', 'payment.pay', '{}', 1);";

/* Builds tmpdir/t.db from the schema, the story and `extra`, runs the
 * auditor on it; returns its exit status and its stdout in out. */
static int ua_audit(const char *extra, char *out, size_t outlen)
{
    char db[128], log[128];
    snprintf(db, sizeof(db), "%s/t.db", tmpdir);
    snprintf(log, sizeof(log), "%s/out.txt", tmpdir);
    unlink(db);
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    char *schema = ua_slurp(schema_path);
    char *err = NULL;
    ck_assert_msg(sqlite3_exec(h, schema, NULL, NULL, &err) == SQLITE_OK, "schema: %s", err);
    free(schema);
    ck_assert_msg(sqlite3_exec(h, ua_story, NULL, NULL, &err) == SQLITE_OK, "story: %s", err);
    if (extra)
        ck_assert_msg(sqlite3_exec(h, extra, NULL, NULL, &err) == SQLITE_OK, "extra: %s", err);
    sqlite3_close(h);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char *argv[] = {audit_bin, db, NULL};
    pid_t pid;
    ck_assert_msg(posix_spawn(&pid, audit_bin, &fa, NULL, argv, environ) == 0, "spawn %s",
                  audit_bin);
    posix_spawn_file_actions_destroy(&fa);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    char *text = ua_slurp(log);
    snprintf(out, outlen, "%s", text);
    free(text);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define UA_EXPECT_VIOLATION(extra, finding)                                                   \
    do {                                                                                      \
        char out_[8192];                                                                      \
        int rc_ = ua_audit(extra, out_, sizeof(out_));                                        \
        ck_assert_msg(rc_ == 1, "exit %d, output:\n%s", rc_, out_);                           \
        ck_assert_msg(strstr(out_, "not ok - " finding) != NULL, "missing '%s' in:\n%s",      \
                      finding, out_);                                                         \
    } while (0)

START_TEST(clean_story_passes)
{
    char out[8192];
    int rc = ua_audit(NULL, out, sizeof(out));
    ck_assert_msg(rc == 0, "exit %d:\n%s", rc, out);
    ck_assert_ptr_null(strstr(out, "not ok"));
    ck_assert_ptr_nonnull(strstr(out, "0 violated"));
}
END_TEST

START_TEST(refund_story_passes)
{
    char out[8192];
    int rc = ua_audit("UPDATE bookings SET state = 1, refunded_at = 5 WHERE id = 1;"
                      "INSERT INTO ledger(id,user_id,kind,amount,balance,at,ref) VALUES (4, 1, 'refund', 3000, 10000, 5, 1);"
                      "UPDATE users SET balance = 10000 WHERE id = 1;",
                      out, sizeof(out));
    ck_assert_msg(rc == 0, "exit %d:\n%s", rc, out);
}
END_TEST

START_TEST(two_live_holds)
{
    UA_EXPECT_VIOLATION("DROP INDEX holds_live;"
                        "INSERT INTO holds VALUES (3, 1, 1, 6, 1000, 0, 9000000000000, 0, 0);",
                        "no seat with two live holds");
}
END_TEST

START_TEST(two_paid_bookings)
{
    UA_EXPECT_VIOLATION("DROP INDEX bookings_sold;"
                        "INSERT INTO bookings VALUES (2, 'TK-CCCC-DDDD', 1, 1, 1, 1, 5, 0, 2, 0, 0);",
                        "no seat with two paid bookings");
}
END_TEST

START_TEST(held_and_sold)
{
    UA_EXPECT_VIOLATION("INSERT INTO holds VALUES (3, 2, 1, 5, 3000, 0, 9000000000000, 0, 0);",
                        "no seat both held and sold");
}
END_TEST

START_TEST(negative_balance)
{
    UA_EXPECT_VIOLATION("PRAGMA ignore_check_constraints = ON;"
                        "INSERT INTO users VALUES (3, X'03', 'c', -5, 0);"
                        "INSERT INTO ledger(id,user_id,kind,amount,balance,at,ref) VALUES (4, 3, 'charge', -5, -5, 4, 0);",
                        "no negative balance");
}
END_TEST

START_TEST(balance_tampered)
{
    UA_EXPECT_VIOLATION("UPDATE users SET balance = balance + 1 WHERE id = 2;",
                        "each wallet equals the sum of its ledger");
    UA_EXPECT_VIOLATION("UPDATE users SET balance = balance + 1 WHERE id = 2;",
                        "money conserved");
}
END_TEST

START_TEST(ledger_chain_broken)
{
    UA_EXPECT_VIOLATION("UPDATE ledger SET balance = 7001 WHERE id = 2;",
                        "each ledger entry's balance follows the previous one");
}
END_TEST

START_TEST(payment_without_ledger)
{
    UA_EXPECT_VIOLATION("DELETE FROM ledger WHERE id = 2; UPDATE ledger SET balance = balance;",
                        "every payment has exactly one ledger entry");
}
END_TEST

START_TEST(payment_without_bookings)
{
    UA_EXPECT_VIOLATION("DELETE FROM bookings;",
                        "every payment has bookings summing to its amount");
}
END_TEST

START_TEST(booking_price_off)
{
    UA_EXPECT_VIOLATION("UPDATE bookings SET price = 2999;",
                        "every payment has bookings summing to its amount");
}
END_TEST

START_TEST(refund_without_ledger)
{
    UA_EXPECT_VIOLATION("UPDATE bookings SET state = 1 WHERE id = 1;",
                        "every refund has exactly one ledger entry");
}
END_TEST

START_TEST(dangling_request_id)
{
    UA_EXPECT_VIOLATION("INSERT INTO idempotency VALUES (2, 'c9', 'wallet.charge', '{}', 99);",
                        "every request_id points at its result");
}
END_TEST

static int ua_run_args(char *const argv[])
{
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    ck_assert_int_eq(posix_spawn(&pid, audit_bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(usage_and_bad_files)
{
    char *noargs[] = {audit_bin, NULL};
    ck_assert_int_eq(ua_run_args(noargs), 2);
    char missing[128];
    snprintf(missing, sizeof(missing), "%s/none.db", tmpdir);
    char *nofile[] = {audit_bin, missing, NULL};
    ck_assert_int_eq(ua_run_args(nofile), 2);
    char other[128];
    snprintf(other, sizeof(other), "%s/other.db", tmpdir);
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(other, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, "CREATE TABLE x (y)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    char *notours[] = {audit_bin, other, NULL};
    ck_assert_int_eq(ua_run_args(notours), 2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("audit");
    tcase_add_checked_fixture(tc, ua_setup, ua_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, clean_story_passes);
    tcase_add_test(tc, refund_story_passes);
    tcase_add_test(tc, two_live_holds);
    tcase_add_test(tc, two_paid_bookings);
    tcase_add_test(tc, held_and_sold);
    tcase_add_test(tc, negative_balance);
    tcase_add_test(tc, balance_tampered);
    tcase_add_test(tc, ledger_chain_broken);
    tcase_add_test(tc, payment_without_ledger);
    tcase_add_test(tc, payment_without_bookings);
    tcase_add_test(tc, booking_price_off);
    tcase_add_test(tc, refund_without_ledger);
    tcase_add_test(tc, dangling_request_id);
    tcase_add_test(tc, usage_and_bad_files);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
