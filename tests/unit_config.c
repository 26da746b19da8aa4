/* tests/unit_config.c -- ticketd's command line (server/config.c): where the
 * defaults live (./var, --system, --state-dir/--run-dir), that explicit
 * paths win over them, and where the demo data is looked for. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "server/config.h"
#include "tests/unit_run.h"

/* config_parse on a NULL-terminated argument list (argv[0] supplied). */
#define PARSE(c, ...)                                                                           \
    config_parse((c), (int)UR_LEN(((char *[]){"ticketd", __VA_ARGS__})) - 1,                   \
                 (char *[]){"ticketd", __VA_ARGS__})

START_TEST(defaults_are_in_var)
{
    srv_config c;
    ck_assert_int_eq(PARSE(&c, NULL), 0);
    ck_assert_str_eq(c.db, "var/ticket.db");
    ck_assert_str_eq(c.admin_key_file, "var/admin.key");
    ck_assert_str_eq(c.secret_file, "var/secret.key");
    ck_assert_str_eq(c.rpc, "ipc://var/rpc.sock");
    ck_assert_str_eq(c.events, "ipc://var/events.sock");
    ck_assert(c.uses_state && c.uses_run);
    ck_assert_ptr_null(c.metrics); /* off unless asked */
}
END_TEST

START_TEST(system_uses_var_lib_and_run)
{
    srv_config c;
    ck_assert_int_eq(PARSE(&c, "--system", NULL), 0);
    ck_assert_str_eq(c.db, "/var/lib/ticketd/ticket.db");
    ck_assert_str_eq(c.admin_key_file, "/var/lib/ticketd/admin.key");
    ck_assert_str_eq(c.secret_file, "/var/lib/ticketd/secret.key");
    ck_assert_str_eq(c.rpc, "ipc:///run/ticketd/rpc.sock");
    ck_assert_str_eq(c.events, "ipc:///run/ticketd/events.sock");
    ck_assert_str_eq(c.state_dir, "/var/lib/ticketd");
    ck_assert_str_eq(c.run_dir, "/run/ticketd");
}
END_TEST

START_TEST(explicit_paths_win)
{
    srv_config c;
    ck_assert_int_eq(PARSE(&c, "--system", "--db", "/srv/t.db", "--rpc", "tcp://0.0.0.0:7400",
                           "--events", "tcp://0.0.0.0:7401", NULL),
                     0);
    ck_assert_str_eq(c.db, "/srv/t.db");
    ck_assert_str_eq(c.rpc, "tcp://0.0.0.0:7400");
    ck_assert_str_eq(c.admin_key_file, "/var/lib/ticketd/admin.key");
    ck_assert(c.uses_state);
    ck_assert(!c.uses_run); /* no socket in the run dir: nothing to make there */
}
END_TEST

START_TEST(state_and_run_dirs)
{
    srv_config c;
    ck_assert_int_eq(PARSE(&c, "--state-dir", "/var/lib/ticketd/n1", NULL), 0);
    ck_assert_str_eq(c.db, "/var/lib/ticketd/n1/ticket.db");
    ck_assert_str_eq(c.rpc, "ipc:///var/lib/ticketd/n1/rpc.sock"); /* run dir = state dir */
    ck_assert_int_eq(PARSE(&c, "--state-dir", "/s", "--run-dir", "/r", NULL), 0);
    ck_assert_str_eq(c.secret_file, "/s/secret.key");
    ck_assert_str_eq(c.events, "ipc:///r/events.sock");
    ck_assert_int_eq(PARSE(&c, "--system", "--run-dir", "/r", NULL), 0);
    ck_assert_str_eq(c.db, "/var/lib/ticketd/ticket.db");
    ck_assert_str_eq(c.rpc, "ipc:///r/rpc.sock");
}
END_TEST

START_TEST(too_long_a_dir_is_refused)
{
    static char dir[PATH_MAX + 10];
    memset(dir, 'd', sizeof dir - 1);
    srv_config c;
    ck_assert_int_eq(PARSE(&c, "--state-dir", dir, NULL), 2);
}
END_TEST

START_TEST(metrics_url_is_kept)
{
    srv_config c;
    ck_assert_int_eq(PARSE(&c, "--metrics", "http://127.0.0.1:9464/metrics", NULL), 0);
    ck_assert_str_eq(c.metrics, "http://127.0.0.1:9464/metrics");
    ck_assert_int_eq(PARSE(&c, "--metrics", NULL), 2); /* needs its value */
}
END_TEST

START_TEST(demo_sql_asked_for_or_found)
{
    srv_config c;
    char path[PATH_MAX];
    ck_assert_int_eq(PARSE(&c, "--demo-sql", "/nonexistent/demo.sql", NULL), 0);
    ck_assert(!config_demo_path(&c, path, sizeof path)); /* asked for: no fallback */
    ck_assert_int_eq(PARSE(&c, NULL), 0);
    /* The test binary is build/tests/unit_config: no data/ next to it, so
     * the working directory's (the top of the tree) is the one found. */
    ck_assert(config_demo_path(&c, path, sizeof path));
    ck_assert_str_eq(path, "data/demo.sql");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("unit_config");
    const TTest *dirs[] = {defaults_are_in_var, system_uses_var_lib_and_run, explicit_paths_win,
                           state_and_run_dirs, too_long_a_dir_is_refused};
    const TTest *other[] = {metrics_url_is_kept, demo_sql_asked_for_or_found};
    ur_tcase(s, "dirs", 0, dirs, UR_LEN(dirs));
    ur_tcase(s, "other", 0, other, UR_LEN(other));
    return ur_run(s);
}
