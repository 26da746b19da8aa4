/* tools/bench/spawn.c -- our own ticketd in a temp dir, RSS, the auditor.
 *
 * posix_spawn, not fork: the bench process runs nng threads, and nng is
 * not fork-safe; spawn goes straight to exec. */
#include "tools/bench/bench.h"

#include <dirent.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void bsrv_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A localhost port that was free a moment ago. */
static int bsrv_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

void bsrv_sibling(const char *name, char *out, size_t outlen)
{
    char self[512];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        snprintf(out, outlen, "%s", name);
        return;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    snprintf(out, outlen, "%s/%s", self, name);
    /* Installed, ticketd is in sbin/ beside our bin/ (make install). */
    char alt[600];
    snprintf(alt, sizeof alt, "%s/../sbin/%s", self, name);
    if (access(out, X_OK) != 0 && access(alt, X_OK) == 0)
        snprintf(out, outlen, "%s", alt);
}

static void bsrv_urls(bench_server *s, bool tcp)
{
    if (tcp) {
        snprintf(s->rpc, sizeof(s->rpc), "tcp://127.0.0.1:%d", bsrv_free_port());
        snprintf(s->events, sizeof(s->events), "tcp://127.0.0.1:%d", bsrv_free_port());
    } else {
        snprintf(s->rpc, sizeof(s->rpc), "ipc://%s/rpc.sock", s->dir);
        snprintf(s->events, sizeof(s->events), "ipc://%s/events.sock", s->dir);
    }
}

int bsrv_start(bench_server *s, const char *ticketd, bool tcp, const char *pg_server,
               const char *const *extra)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->dir, sizeof(s->dir), "/tmp/ticket-bench.XXXXXX");
    if (!mkdtemp(s->dir)) {
        perror("bench: mkdtemp");
        return -1;
    }
    bsrv_urls(s, tcp);
    snprintf(s->db, sizeof(s->db), "%s/ticket.db", s->dir);
    if (pg_server) {
        if (bpg_create(pg_server, s->pg_name, sizeof s->pg_name, s->db, sizeof s->db) != 0) {
            rmdir(s->dir);
            return -1;
        }
        s->pg_server = pg_server;
        fprintf(stderr, "bench: ticketd on PostgreSQL, database %s\n", s->pg_name);
    }
    char keyf[320], secf[320], logf[320];
    snprintf(keyf, sizeof(keyf), "%s/admin.key", s->dir);
    snprintf(secf, sizeof(secf), "%s/secret.key", s->dir);
    snprintf(logf, sizeof(logf), "%s/server.log", s->dir);
    const char *argv[64] = {ticketd, "--db", s->db, "--rpc", s->rpc, "--events", s->events,
                            "--admin-key-file", keyf, "--secret-file", secf,
                            "--rate-user", "0", "--rate-peer", "0",
                            /* one load generator stands for many peers */
                            "--max-conns-per-peer", "0",
                            /* the staff file's default home: not var/ in the temp dir */
                            "--state-dir", s->dir};
    int argc = 19;
    for (int i = 0; extra && extra[i] && argc < 63; i++)
        argv[argc++] = extra[i];
    argv[argc] = NULL;

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, logf, O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&fa, 2, 1);
    posix_spawn_file_actions_addchdir_np(&fa, s->dir);
    int rc = posix_spawn(&s->pid, ticketd, &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        fprintf(stderr, "bench: spawn %s: %s\n", ticketd, strerror(rc));
        return -1;
    }
    for (int waited = 0; waited < 15000; waited += 10) {
        if (log_file_has(logf, "event=ready")) {
            if (bsrv_read_key(keyf, s->admin_key, sizeof(s->admin_key)) != 0) {
                fprintf(stderr, "bench: no admin key in %s\n", keyf);
                bsrv_stop(s);
                return -1;
            }
            return 0;
        }
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            fprintf(stderr, "bench: ticketd exited before ready (see %s)\n", logf);
            s->pid = 0;
            return -1;
        }
        bsrv_sleep_ms(10);
    }
    fprintf(stderr, "bench: ticketd not ready after 15 s (see %s)\n", logf);
    bsrv_stop(s);
    return -1;
}

int bsrv_stop(bench_server *s)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    int st = 0;
    for (int waited = 0; waited < 30000; waited += 10) {
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            s->pid = 0;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        bsrv_sleep_ms(10);
    }
    fprintf(stderr, "bench: ticketd ignored SIGTERM for 30 s; killing\n");
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &st, 0);
    s->pid = 0;
    return -1;
}

void bsrv_cleanup(bench_server *s)
{
    if (s->pg_name[0] && bpg_drop(s->pg_server, s->pg_name) == 0)
        s->pg_name[0] = '\0';
    if (!s->dir[0])
        return;
    const char *names[] = {"ticket.db", "ticket.db-wal", "ticket.db-shm", "ticket.db-lock", "admin.key",
                           "secret.key", "staff", "server.log", "rpc.sock", "events.sock", "echo.sock"};
    char p[400];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", s->dir, names[i]);
        unlink(p);
    }
    rmdir(s->dir);
}

/* /proc/<pid>/<name> opened for reading (NULL when gone). */
static FILE *bsrv_proc_open(pid_t pid, const char *name)
{
    char path[128];
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
    return fopen(path, "r");
}

int64_t bsrv_rss_kb(pid_t pid)
{
    char line[256];
    FILE *f = bsrv_proc_open(pid, "status");
    if (!f)
        return -1;
    int64_t kb = -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "VmRSS: %lld", (long long *)&kb) == 1)
            break;
    fclose(f);
    return kb;
}

int64_t bsrv_cpu_us(pid_t pid)
{
    /* The process's CPU clock (all threads, in ns) rather than the
     * utime/stime of /proc/PID/stat, which move in 10 ms ticks: a short
     * phase would read as 0 or 10 ms. */
    clockid_t clk;
    struct timespec ts;
    if (clock_getcpuclockid(pid, &clk) != 0 || clock_gettime(clk, &ts) != 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t bsrv_csw(pid_t pid)
{
    char path[96], line[256];
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int64_t sum = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "task/%.20s/status", de->d_name);
        FILE *f = bsrv_proc_open(pid, path);
        long long v;
        while (f && fgets(line, sizeof(line), f))
            if (sscanf(line, "voluntary_ctxt_switches: %lld", &v) == 1 ||
                sscanf(line, "nonvoluntary_ctxt_switches: %lld", &v) == 1)
                sum += v;
        if (f)
            fclose(f);
    }
    closedir(d);
    return sum;
}

int bsrv_read_key(const char *path, char *out, size_t outlen)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(out, 1, outlen - 1, f);
    fclose(f);
    out[n] = '\0';
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r' || out[n - 1] == ' ' ||
                     out[n - 1] == '\t'))
        out[--n] = '\0';
    return n > 0 ? 0 : -1;
}

int bsrv_audit(const char *audit_bin, const char *db)
{
    const char *argv[] = {audit_bin, db, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, audit_bin, NULL, NULL, (char *const *)argv, environ);
    if (rc != 0) {
        fprintf(stderr, "bench: spawn %s: %s\n", audit_bin, strerror(rc));
        return -1;
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
