/* tests/it_staff.c -- staff keys against the real ticketd (issue 17):
 * `ticketd --add-staff` prints a key once and the server takes it at
 * start; a staff file others may read is refused with the reason; under
 * --topup staff only a cashier's or an admin's key tops up, with a method,
 * and the ledger keeps who and how across a restart; the audit log names
 * the staff member; ticketctl prints admin.report as CSV. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "tests/lib/harness.h"

typedef struct {
    char dir[64], file[96];
} it_staff_dir;

static void staff_dir(it_staff_dir *d)
{
    snprintf(d->dir, sizeof d->dir, "/tmp/it_staff.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(d->dir));
    snprintf(d->file, sizeof d->file, "%s/staff", d->dir);
}

static void staff_dir_rm(it_staff_dir *d)
{
    char p[160];
    const char *names[] = {"staff", "out", "err", "csv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", d->dir, names[i]);
        unlink(p);
    }
    rmdir(d->dir);
}

static const char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char *buf = th_keep_mem(calloc(1, 8192));
    fread(buf, 1, 8191, f);
    fclose(f);
    return buf;
}

/* ticketd --add-staff NAME ROLE --staff-file FILE: the key it printed. */
static const char *add_staff(it_staff_dir *d, const char *name, const char *role)
{
    char out[160], err[160];
    snprintf(out, sizeof out, "%s/out", d->dir);
    snprintf(err, sizeof err, "%s/err", d->dir);
    const char *argv[] = {getenv("TICKETD"), "--add-staff", name, role, "--staff-file",
                          d->file, NULL};
    ck_assert_int_eq(th_run_to(argv, out, err), 0);
    char *key = th_sprintf("%s", slurp(out));
    key[strcspn(key, "\n")] = '\0';
    ck_assert_int_eq((int)strlen(key), 32);
    return key;
}

START_TEST(add_staff_then_staff_topups)
{
    it_staff_dir d;
    staff_dir(&d);
    const char *cashier = add_staff(&d, "park", "cashier");
    const char *gate = add_staff(&d, "lee", "gate");
    const char *admin = add_staff(&d, "kim", "admin");
    th_server *s = th_start("--staff-file", d.file, "--topup", "staff", NULL);
    rpc_reply r = th_call(s, "server.info", NULL);
    ck_assert_str_eq(th_str(r.result, "topup"), "staff");
    r = th_call(s, "admin.whoami", "{\"admin_key\":\"%s\"}", cashier);
    ck_assert_str_eq(th_str(r.result, "name"), "park");
    ck_assert_str_eq(th_str(r.result, "role"), "cashier");
    TH_ERR(th_call(s, "admin.dashboard", "{\"admin_key\":\"%s\"}", gate), TK_FORBIDDEN);

    th_user u;
    th_user_new(s, &u, "Choi");
    const char *charge = "{\"user_id\":\"%s\",\"amount\":30000,\"request_id\":\"t1\"%s}";
    TH_ERR(th_call(s, "wallet.charge", charge, u.user_id, ""), TK_FORBIDDEN);
    TH_ERR(th_call(s, "wallet.charge", charge, u.user_id,
                   th_sprintf(",\"admin_key\":\"%s\",\"method\":\"cash\"", gate)),
           TK_FORBIDDEN);
    TH_ERR_FIELD(th_call(s, "wallet.charge", charge, u.user_id,
                         th_sprintf(",\"admin_key\":\"%s\"", cashier)),
                 "method");
    TH_OK(th_call(s, "wallet.charge", charge, u.user_id,
                  th_sprintf(",\"admin_key\":\"%s\",\"method\":\"cash\"", cashier)));
    TH_OK(th_call(s, "admin.concert.create", "{\"admin_key\":\"%s\",\"title\":\"T\",\"venue\":\"V\"}",
                  admin));
    th_concert_new(s, "By the key file");

    /* Durable, on either store: who took the money and how; who did what. */
    th_stop(s);
    th_restart(s);
    ck_assert_int_eq(th_balance(s, u.user_id), 30000);
    r = th_call(s, "wallet.history", "{\"user_id\":\"%s\"}", u.user_id);
    const cJSON *e = cJSON_GetArrayItem(th_arr(r.result, "entries"), 0);
    ck_assert_str_eq(th_str(e, "method"), "cash");
    ck_assert_str_eq(th_str(e, "staff"), "park");
    r = th_admin(s, "admin.audit.list", NULL);
    const cJSON *es = th_arr(r.result, "entries");
    ck_assert_str_eq(th_str(cJSON_GetArrayItem(es, 0), "staff"), "admin");
    ck_assert_str_eq(th_str(cJSON_GetArrayItem(es, 1), "staff"), "kim");

    /* The day's close as a spreadsheet takes it, --csv after the params. */
    char csv[160];
    snprintf(csv, sizeof csv, "%s/csv", d.dir);
    const char *argv[] = {getenv("TICKETCTL"), "--rpc", s->rpc_url, "--admin-key-file",
                          th_sprintf("%s/admin.key", s->dir), "admin.report",
                          "{\"from\":\"2000-01-01T00:00:00Z\",\"to\":\"2099-01-01T00:00:00Z\"}",
                          "--csv", NULL};
    ck_assert_int_eq(th_run_to(argv, csv, NULL), 0);
    ck_assert_str_eq(slurp(csv), "kind,date_id,staff,method,count,amount\n"
                                 "topup,0,park,cash,1,30000\n");
    staff_dir_rm(&d);
}
END_TEST

START_TEST(loose_staff_file_refused_at_start)
{
    it_staff_dir d;
    staff_dir(&d);
    add_staff(&d, "park", "cashier");
    ck_assert_int_eq(chmod(d.file, 0644), 0);
    char err[160];
    snprintf(err, sizeof err, "%s/err", d.dir);
    const char *argv[] = {getenv("TICKETD"), "--state-dir", d.dir, "--staff-file", d.file, NULL};
    ck_assert_int_eq(th_run_to(argv, NULL, err), 1);
    ck_assert_msg(strstr(slurp(err), "is mode 0644: it holds keys, so it must be 0600"),
                  "%s", slurp(err));
    /* Refused before anything was made: no database, no key file. */
    char p[160];
    snprintf(p, sizeof p, "%s/admin.key", d.dir);
    ck_assert_int_ne(access(p, F_OK), 0);
    staff_dir_rm(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("staff");
    TCase *tc = th_tcase("staff");
    tcase_add_test(tc, add_staff_then_staff_topups);
    tcase_add_test(tc, loose_staff_file_refused_at_start);
    suite_add_tcase(s, tc);
    return th_main(s);
}
