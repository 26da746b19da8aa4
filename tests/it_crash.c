/* tests/it_crash.c -- the crash test's instruments against the real
 * ticketd: `ticket-bench --crash-load` across SIGKILLs and restarts, then
 * `ticket-bench --verify` must find every acknowledged write, and must
 * FAIL when the log claims writes the server never made (so a loss would
 * not go unnoticed). `make crashtest` is the long version of this. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/lib/harness.h"

extern char **environ;

static char bench_bin[512];

static void ic_paths(void) { th_bin("ticket-bench", bench_bin, sizeof bench_bin); }

static void ic_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Spawns ticket-bench with argv (output to out_path); returns its pid. */
static pid_t ic_spawn(char *const argv[], const char *out_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    int rc = posix_spawn(&pid, bench_bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    ck_assert_msg(rc == 0, "spawn %s: %s", bench_bin, strerror(rc));
    return pid;
}

static int ic_wait(pid_t pid)
{
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int ic_verify(th_server *s, const char *log, const char *out)
{
    char key[TH_DIR_MAX + 16];
    snprintf(key, sizeof(key), "%s/admin.key", s->dir);
    char *argv[] = {bench_bin, "--verify", (char *)log, "--rpc", s->rpc_url, "--admin-key-file",
                    key, NULL};
    return ic_wait(ic_spawn(argv, out));
}

static char *ic_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The first "user UID" line of the log. */
static void ic_first_user(const char *log, char uid[64])
{
    FILE *f = fopen(log, "r");
    ck_assert_ptr_nonnull(f);
    char line[512];
    uid[0] = '\0';
    while (!uid[0] && fgets(line, sizeof(line), f))
        if (sscanf(line, "user %63s", uid) != 1)
            uid[0] = '\0';
    fclose(f);
    ck_assert_msg(uid[0], "no user in %s", log);
}

START_TEST(acknowledged_writes_survive_kills)
{
    ic_paths();
    th_server *s = th_start("--hold-seconds", "3600", "--max-active", "10000", "--admit-per-min",
                            "1000000", NULL);
    char log[TH_DIR_MAX + 16], out[TH_DIR_MAX + 16], key[TH_DIR_MAX + 16];
    snprintf(log, sizeof(log), "%s/acked.log", s->dir);
    snprintf(out, sizeof(out), "%s/bench.out", s->dir);
    snprintf(key, sizeof(key), "%s/admin.key", s->dir);
    char *argv[] = {bench_bin, "--crash-load", log, "--rpc", s->rpc_url, "--admin-key-file", key,
                    "--threads", "4", "--dates", "10", NULL};
    pid_t load = ic_spawn(argv, out);
    for (int k = 0; k < 3; k++) {
        ic_sleep_ms(700 + 200 * k);
        th_kill9(s);
        th_restart(s);
    }
    ic_sleep_ms(700);
    kill(load, SIGTERM);
    ck_assert_int_eq(ic_wait(load), 0);

    char vout[TH_DIR_MAX + 16];
    snprintf(vout, sizeof(vout), "%s/verify.out", s->dir);
    int rc = ic_verify(s, log, vout);
    const char *text = ic_slurp(vout);
    ck_assert_msg(rc == 0, "verify exit %d:\n%s", rc, text);
    ck_assert_msg(strstr(text, "ok - charges in wallet history") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "not ok") == NULL, "%s", text);

    /* A charge and a hold the server never acknowledged: both must be
     * reported as lost. */
    char uid[64];
    ic_first_user(log, uid);
    FILE *f = fopen(log, "a");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "charge %s forged 50000 987654321 99\n", uid);
    fprintf(f, "hold %s 987654321 1 1 %lld\n", uid, (long long)(time(NULL) + 3600) * 1000);
    fclose(f);
    snprintf(vout, sizeof(vout), "%s/verify2.out", s->dir);
    rc = ic_verify(s, log, vout);
    text = ic_slurp(vout);
    ck_assert_msg(rc == 1, "verify of a forged log exit %d:\n%s", rc, text);
    ck_assert_msg(strstr(text, "not ok - charges in wallet history") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "not ok - balances exact") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "not ok - unpaid live holds still held") != NULL, "%s", text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crash");
    TCase *tc = th_tcase("crash");
    tcase_add_test(tc, acknowledged_writes_survive_kills);
    suite_add_tcase(s, tc);
    return th_main(s);
}
