/* tests/lib/harness.c -- the ticketd child process: start, readiness,
 * stop, kill -9, restart, teardown. See harness.h. */
#include "tests/lib/harness.h"

#include <dirent.h>
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"

#define TH_MAX_SERVERS 16

/* Every server started by this process, so th_teardown can kill and clean
 * up even after a failed assertion skipped the test's own cleanup. */
static th_server *th_servers[TH_MAX_SERVERS];

void th_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static const char *th_top(void)
{
    const char *t = getenv("TOP");
    return t && *t ? t : ".";
}

static const char *th_binary(void)
{
    static char path[4096];
    const char *t = getenv("TICKETD");
    if (t && *t)
        return t;
    snprintf(path, sizeof(path), "%s/bin/ticketd", th_top());
    return path;
}

static bool th_has_arg(const th_server *s, const char *name)
{
    for (int i = 0; i < s->nargs; i++)
        if (strcmp(s->args[i], name) == 0)
            return true;
    return false;
}

/* The full argv: the fixed per-dir paths first, then the test's args. */
static int th_build_argv(th_server *s, char **argv, char bufs[][TH_DIR_MAX + 256], int max)
{
    int n = 0, b = 0;
    argv[n++] = (char *)th_binary();
#define TH_PATHARG(flag, fmt, ...)                                    \
    do {                                                              \
        argv[n++] = flag;                                             \
        snprintf(bufs[b], TH_DIR_MAX + 256, fmt, __VA_ARGS__);        \
        argv[n++] = bufs[b++];                                        \
    } while (0)
    TH_PATHARG("--db", "%s", s->db);
    if (!th_has_arg(s, "--rpc"))
        TH_PATHARG("--rpc", "%s", s->rpc_url);
    if (!th_has_arg(s, "--events"))
        TH_PATHARG("--events", "%s", s->ev_url);
    TH_PATHARG("--admin-key-file", "%s/admin.key", s->dir);
    TH_PATHARG("--secret-file", "%s/secret.key", s->dir);
    if (th_has_arg(s, "--demo") && !th_has_arg(s, "--demo-sql"))
        TH_PATHARG("--demo-sql", "%s/data/%s", th_top(),
                   th_on_postgres() ? "demo.pg.sql" : "demo.sql");
#undef TH_PATHARG
    /* Bulk tests speak from one pid and one uid: no per-member or per-peer
     * request limits and no per-peer connection cap, unless asked for. */
    static const char *const off[] = {"--rate-user", "--rate-peer", "--max-conns-per-peer"};
    for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
        if (!th_has_arg(s, off[i])) {
            argv[n++] = (char *)off[i];
            argv[n++] = "0";
        }
    for (int i = 0; i < s->nargs && n < max - 1; i++)
        argv[n++] = s->args[i];
    argv[n] = NULL;
    return n;
}

static void th_print_log(const th_server *s)
{
    FILE *f = fopen(s->log_path, "r");
    if (!f)
        return;
    char line[1024];
    fprintf(stderr, "---- %s ----\n", s->log_path);
    while (fgets(line, sizeof(line), f))
        fputs(line, stderr);
    fprintf(stderr, "---- end of log ----\n");
    fclose(f);
    /* A server that is alive but silent: where its threads wait (a CI run
     * once saw an empty log after 15 s and nothing else to go on). */
    char path[64], buf[128];
    snprintf(path, sizeof path, "/proc/%d/task", (int)s->pid);
    DIR *d = s->pid > 0 ? opendir(path) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%d/task/%.16s/wchan", (int)s->pid, e->d_name);
        FILE *w = fopen(path, "r");
        size_t n = w ? fread(buf, 1, sizeof buf - 1, w) : 0;
        buf[n] = '\0';
        if (w)
            fclose(w);
        fprintf(stderr, "th: ticketd pid %d thread %s waits in %s\n", (int)s->pid, e->d_name,
                n ? buf : "?");
    }
    if (d)
        closedir(d);
}

/* fork + exec at once: the child touches no nng state. */
static pid_t th_spawn(th_server *s)
{
    char *argv[TH_MAX_ARGS + 24];
    char bufs[8][TH_DIR_MAX + 256];
    th_build_argv(s, argv, bufs, (int)(sizeof(argv) / sizeof(argv[0])));
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* A test process that dies must not leave servers running. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    int fd = open(s->log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
        dup2(fd, 2);
        close(fd);
    }
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
        close(devnull);
    }
    /* cwd = the temp dir: any path the server defaults lands in there. */
    if (chdir(s->dir) != 0)
        _exit(126);
    execv(argv[0], argv);
    fprintf(stderr, "th: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static bool th_read_admin_key(th_server *s)
{
    char path[TH_DIR_MAX + 16];
    snprintf(path, sizeof(path), "%s/admin.key", s->dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(s->admin_key, 1, sizeof(s->admin_key) - 1, f);
    fclose(f);
    s->admin_key[n] = '\0';
    while (n > 0 && (s->admin_key[n - 1] == '\n' || s->admin_key[n - 1] == '\r' ||
                     s->admin_key[n - 1] == ' ' || s->admin_key[n - 1] == '\t'))
        s->admin_key[--n] = '\0';
    return n > 0;
}

/* Ready = an rpc request gets a well-formed reply. Polled with short
 * sleeps, bounded; a child that exits ends the wait at once. One socket
 * for the whole wait (it redials by itself until the server listens), and
 * a growing per-try deadline, so a slow first reply on a loaded machine
 * is waited for rather than abandoned and resent. */
static bool th_wait_ready(th_server *s)
{
    int64_t end = clock_mono_ms() + TH_READY_MS;
    int try_ms = 200;
    th_client *c = th_client_open_url(s->rpc_url, try_ms);
    bool ok = false;
    while (!ok && clock_mono_ms() < end) {
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            s->pid = 0;
            fprintf(stderr, "th: ticketd exited during start (status %d)\n", st);
            break;
        }
        th_client_set_timeout(c, try_ms);
        rpc_reply r = th_ccall(c, "wallet.balance", "{\"user_id\":\"%s\"}",
                               "00000000-0000-4000-8000-000000000000");
        if (r.err != TK_ERR_COUNT)
            ok = true;
        else
            th_sleep_ms(20);
        try_ms = try_ms < 3000 ? try_ms * 2 : try_ms;
    }
    th_client_close(c);
    if (!ok && s->pid > 0)
        fprintf(stderr, "th: ticketd not serving after %d ms\n", TH_READY_MS);
    return ok && th_read_admin_key(s);
}

static void th_launch(th_server *s)
{
    s->status = -1;
    s->pid = th_spawn(s);
    ck_assert_msg(s->pid > 0, "fork: %s", strerror(errno));
    if (!th_wait_ready(s)) {
        th_print_log(s);
        ck_abort_msg("ticketd did not become ready (dir %s)", s->dir);
    }
    s->client = th_client_open(s);
}

static void th_register(th_server *s)
{
    for (int i = 0; i < TH_MAX_SERVERS; i++)
        if (!th_servers[i]) {
            th_servers[i] = s;
            return;
        }
    ck_abort_msg("too many servers in one test");
}

/* A server in a fresh dir, its URLs there, args kept; not started. */
static th_server *th_new(const char *arg, va_list ap)
{
    th_server *s = calloc(1, sizeof(*s));
    ck_assert_ptr_nonnull(s);
    snprintf(s->dir, sizeof(s->dir), "/tmp/th-XXXXXX");
    ck_assert_msg(mkdtemp(s->dir) != NULL, "mkdtemp: %s", strerror(errno));
    th_register(s);
    snprintf(s->rpc_url, sizeof(s->rpc_url), "ipc://%s/rpc.sock", s->dir);
    snprintf(s->ev_url, sizeof(s->ev_url), "ipc://%s/events.sock", s->dir);
    snprintf(s->log_path, sizeof(s->log_path), "%s/ticketd.log", s->dir);
    for (const char *a = arg; a && s->nargs < TH_MAX_ARGS; a = va_arg(ap, const char *))
        s->args[s->nargs++] = strdup(a);
    /* A test that moves the sockets (tcp://, ws://, tls+tcp://) is talked
     * to there. */
    for (int i = 0; i + 1 < s->nargs; i++) {
        if (strcmp(s->args[i], "--rpc") == 0)
            snprintf(s->rpc_url, sizeof(s->rpc_url), "%s", s->args[i + 1]);
        if (strcmp(s->args[i], "--events") == 0)
            snprintf(s->ev_url, sizeof(s->ev_url), "%s", s->args[i + 1]);
    }
    return s;
}

th_server *th_start(const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    th_server *s = th_new(arg, ap);
    va_end(ap);
    if (th_on_postgres())
        th_pg_create(s->db, sizeof s->db);
    else
        snprintf(s->db, sizeof s->db, "%s/ticket.db", s->dir);
    th_launch(s);
    return s;
}

static void th_copy_file(const char *from, const char *to)
{
    FILE *f = fopen(from, "rb"), *t = fopen(to, "wb");
    ck_assert_msg(f && t, "copy %s to %s: %s", from, to, strerror(errno));
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        ck_assert_uint_eq(fwrite(buf, 1, n, t), n);
    fclose(f);
    ck_assert_int_eq(fclose(t), 0);
    chmod(to, 0600);
}

th_server *th_standby(th_server *of, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    th_server *s = th_new(arg, ap);
    va_end(ap);
    snprintf(s->db, sizeof s->db, "%s", of->db);
    th_copy_file(th_sprintf("%s/admin.key", of->dir), th_sprintf("%s/admin.key", s->dir));
    th_copy_file(th_sprintf("%s/secret.key", of->dir), th_sprintf("%s/secret.key", s->dir));
    s->status = -1;
    s->pid = th_spawn(s);
    ck_assert_msg(s->pid > 0, "fork: %s", strerror(errno));
    return s;
}

int th_wait_serving(th_server *s, int ms)
{
    int64_t t0 = clock_mono_ms(), end = t0 + ms;
    th_client *c = th_client_open_url(s->rpc_url, 200);
    bool ok = false;
    while (!ok && clock_mono_ms() < end && th_alive(s)) {
        rpc_reply r = th_ccall(c, "server.info", "{}");
        ok = r.err == TK_OK;
        if (!ok)
            th_sleep_ms(10);
    }
    int took = (int)(clock_mono_ms() - t0);
    th_client_close(c);
    if (!ok || !th_read_admin_key(s))
        return -1;
    if (!s->client)
        s->client = th_client_open(s);
    return took;
}

int th_run(const char *const argv[]) { return th_run_to(argv, NULL, NULL); }

int th_run_to(const char *const argv[], const char *out_path, const char *err_path)
{
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        int out = out_path ? open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : devnull;
        int err = err_path ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : devnull;
        if (devnull >= 0 && out >= 0 && err >= 0) {
            dup2(devnull, 0);
            dup2(out, 1);
            dup2(err, 2);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void th_bin(const char *name, char *out, size_t outlen)
{
    const char *td = getenv("TICKETD");
    const char *top = getenv("TOP");
    if (td && strrchr(td, '/'))
        snprintf(out, outlen, "%.*s/%s", (int)(strrchr(td, '/') - td), td, name);
    else
        snprintf(out, outlen, "%s/bin/%s", top ? top : ".", name);
}

int th_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

void th_restart(th_server *s)
{
    ck_assert_msg(s->pid == 0, "restart of a running server");
    char old_key[sizeof(s->admin_key)];
    memcpy(old_key, s->admin_key, sizeof(old_key));
    th_client_close(s->client);
    s->client = NULL;
    th_launch(s);
    ck_assert_msg(strcmp(old_key, s->admin_key) == 0, "admin key changed across restart");
}

void th_restart_at(th_server *s, const char *rpc_url, const char *ev_url)
{
    ck_assert_msg(!th_has_arg(s, "--rpc") && !th_has_arg(s, "--events"), "URLs given as args");
    snprintf(s->rpc_url, sizeof(s->rpc_url), "%s", rpc_url);
    snprintf(s->ev_url, sizeof(s->ev_url), "%s", ev_url);
    th_restart(s);
}

/* Waits up to ms for the child; true when it was reaped. */
static bool th_reap(th_server *s, int ms, int *status)
{
    int64_t end = clock_mono_ms() + ms;
    do {
        pid_t r = waitpid(s->pid, status, WNOHANG);
        if (r == s->pid || (r < 0 && errno == ECHILD)) {
            s->status = r == s->pid ? *status : -1;
            s->pid = 0;
            return true;
        }
        th_sleep_ms(10);
    } while (clock_mono_ms() < end);
    return false;
}

int th_stop(th_server *s)
{
    int st = -1;
    if (s->pid <= 0)
        return st;
    th_client_close(s->client);
    s->client = NULL;
    kill(s->pid, SIGTERM);
    if (!th_reap(s, TH_READY_MS, &st)) {
        fprintf(stderr, "th: ticketd ignored SIGTERM; killing\n");
        kill(s->pid, SIGKILL);
        th_reap(s, TH_READY_MS, &st);
        st = -1;
    }
    return st;
}

void th_kill9(th_server *s)
{
    int st;
    if (s->pid <= 0)
        return;
    th_client_close(s->client);
    s->client = NULL;
    kill(s->pid, SIGKILL);
    th_reap(s, TH_READY_MS, &st);
}

bool th_alive(th_server *s)
{
    int st;
    if (s->pid <= 0)
        return false;
    if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
        s->pid = 0;
        s->status = st;
        return false;
    }
    return true;
}

int th_wait_exit(th_server *s, int ms)
{
    int st;
    if (s->pid > 0 && !th_reap(s, ms, &st))
        return -1;
    return s->status;
}

static int th_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    remove(path);
    return 0;
}

void th_arena_free(void);  /* th_json.c */
void th_pg_drop_all(void); /* th_pg.c */

void th_teardown(void)
{
    bool keep = getenv("TH_KEEP") != NULL;
    for (int i = 0; i < TH_MAX_SERVERS; i++) {
        th_server *s = th_servers[i];
        if (!s)
            continue;
        th_kill9(s);
        th_client_close(s->client);
        if (keep)
            fprintf(stderr, "th: kept %s\n", s->dir);
        else
            nftw(s->dir, th_rm_one, 16, FTW_DEPTH | FTW_PHYS);
        for (int a = 0; a < s->nargs; a++)
            free(s->args[a]);
        free(s);
        th_servers[i] = NULL;
    }
    if (th_on_postgres() && !keep)
        th_pg_drop_all();
    th_arena_free();
}

TCase *th_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_checked_fixture(tc, NULL, th_teardown);
    tcase_set_timeout(tc, 120);
    return tc;
}

int th_main(Suite *s)
{
    signal(SIGPIPE, SIG_IGN);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
