/* server/config.c -- see config.h. */
#include "server/config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/rpc.h"
#include "common/tz.h"
#include "common/util.h"
#include "server/api/api.h"
#include "server/domain/domain.h"
#include "server/store/store.h"

#define CONFIG_SYSTEM_STATE "/var/lib/ticketd"
#define CONFIG_SYSTEM_RUN "/run/ticketd"

static void config_usage(FILE *f)
{
    fprintf(f,
            "usage: ticketd [options]\n"
            "  --db FILE|URI          SQLite database file (default var/ticket.db), or a\n"
            "                         PostgreSQL one: postgresql://... or key=value conninfo\n"
            "  --rpc URL              request socket (default ipc://var/rpc.sock)\n"
            "  --events URL           event socket (default ipc://var/events.sock)\n"
            "                         URLs: ipc://, tcp://, tls+tcp://, ws://\n"
            "  --tls-cert FILE        PEM certificate for tls+tcp://\n"
            "  --tls-key FILE         PEM private key for tls+tcp://\n"
            "  --hold-seconds N       hold lifetime (default 300)\n"
            "  --turn-seconds N       a member's turn from admission, 1..86400 (default 900);\n"
            "                         no hold outlives it, releasing never extends it\n"
            "  --max-active N         tokens active at once (default 100)\n"
            "  --admit-per-min N      queue admissions per minute (default 600)\n"
            "  --admin-key-file FILE  admin key, made on first start (default var/admin.key)\n"
            "  --secret-file FILE     token secret, made on first start (default var/secret.key)\n"
            "  --rate-user N          requests/s per member, burst 2N (default 50; 0 = off)\n"
            "  --rate-peer N          requests/s per peer host, burst 2N (default 20000; 0 = off)\n"
            "  --contexts N           requests in flight (default 128)\n"
            "  --max-conns N          connections open at once (default 4096)\n"
            "  --max-conns-per-peer N connections per peer: ipc by uid, tcp by address\n"
            "                         (default 64; 0 = no per-peer cap)\n"
            "  --rate-peer-exempt CIDR,...  networks without per-peer limits (a box\n"
            "                         office's kiosks behind one NAT), e.g. 10.1.0.0/16\n"
            "  --demo                 load the demo catalog into an empty database\n"
            "  --demo-sql FILE        demo SQL (default: the installed or built-in data/demo.sql,\n"
            "                         data/demo.pg.sql on PostgreSQL)\n"
            "  --node NAME            this node's name in logs, server.info, admin.dashboard,\n"
            "                         the audit log and the metrics (default: the host\n"
            "                         name); several\n"
            "                         nodes on one PostgreSQL database: one leads, the\n"
            "                         others wait as standbys and take over\n"
            "  --migrate-from FILE    copy this SQLite database into the empty --db, check\n"
            "                         it, and exit (0: done)\n"
            "  --state-dir DIR        default home of --db and the key files (default var)\n"
            "  --run-dir DIR          default home of the ipc sockets (default: the state dir)\n"
            "  --system               --state-dir " CONFIG_SYSTEM_STATE " --run-dir " CONFIG_SYSTEM_RUN "\n"
            "  --staff-file FILE      staff keys, NAME ROLE KEY a line, mode 0600 (default\n"
            "                         staff in the state dir, when it exists)\n"
            "  --add-staff NAME ROLE  append a staff member (role admin, cashier or gate) with\n"
            "                         a new key to the staff file, print the key, and exit\n"
            "  --topup open|staff     who may top up a wallet: the member (open, the default)\n"
            "                         or only a cashier or admin, saying cash, card or other\n"
            "  --tz ZONE              venue time: the IANA zone of concerts that name\n"
            "                         none, and server.info's (default " TZ_DEFAULT ")\n"
            "  --metrics URL          Prometheus metrics over HTTP, e.g.\n"
            "                         http://127.0.0.1:9464/metrics (default off)\n"
            "  --help, --version\n");
}

/* An integer flag value in [min, max]; false (printed) otherwise. */
static bool config_int(const char *flag, const char *v, int64_t min, int64_t max, int64_t *out)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || x < min || x > max) {
        fprintf(stderr, "ticketd: %s needs an integer in %lld..%lld\n", flag, (long long)min,
                (long long)max);
        return false;
    }
    *out = x;
    return true;
}

typedef struct {
    const char *flag;
    size_t str_off;   /* offset of a const char * member, or SIZE_MAX */
    size_t int_off;   /* offset of an int64_t member, or SIZE_MAX */
    int64_t min, max;
} config_flag;

#define S(m) offsetof(srv_config, m), SIZE_MAX, 0, 0
#define I(m, lo, hi) SIZE_MAX, offsetof(srv_config, m), lo, hi
static const config_flag config_flags[] = {
    {"--db", S(db)},
    {"--rpc", S(rpc)},
    {"--events", S(events)},
    {"--admin-key-file", S(admin_key_file)},
    {"--secret-file", S(secret_file)},
    {"--tls-cert", S(tls_cert)},
    {"--tls-key", S(tls_key)},
    {"--demo-sql", S(demo_sql)},
    {"--migrate-from", S(migrate_from)},
    {"--hold-seconds", I(hold_s, 1, 86400)},
    {"--turn-seconds", I(turn_s, 1, 86400)},
    {"--max-active", I(max_active, 1, RPC_QUEUE_SETTING_MAX)},
    {"--admit-per-min", I(admit_per_min, 1, RPC_QUEUE_SETTING_MAX)},
    {"--rate-user", I(rate_user, 0, 100000000)},
    {"--rate-peer", I(rate_peer, 0, 100000000)},
    {"--contexts", I(contexts, 1, 4096)},
    {"--max-conns", I(max_conns, 1, 1000000)},
    {"--max-conns-per-peer", I(max_conns_per_peer, 0, 1000000)},
    {"--rate-peer-exempt", S(rate_peer_exempt)},
    {"--state-dir", S(state_dir)},
    {"--run-dir", S(run_dir)},
    {"--metrics", S(metrics)},
    {"--staff-file", S(staff_file)},
    {"--topup", S(topup)},
    {"--tz", S(tz)},
    {"--node", S(node)},
};
#undef S
#undef I

static void config_defaults(srv_config *c)
{
    tk_config dom; /* the domain owns these defaults; the flags only override */
    tk_config_defaults(&dom);
    memset(c, 0, sizeof(*c));
    c->hold_s = dom.hold_ms / 1000;
    c->turn_s = dom.turn_ms / 1000;
    c->max_active = dom.max_active;
    c->admit_per_min = dom.admit_per_min;
    c->rate_user = 50;
    c->rate_peer = 20000;
    c->contexts = 128;
    c->max_conns = 4096;
    c->max_conns_per_peer = 64;
    c->tz = dom.tz;
}

/* Fills in the defaults under state_dir and run_dir and notes which
 * directory any of them uses (main makes it). */
static bool config_dir_defaults(srv_config *c, bool sys)
{
    if (!c->state_dir)
        c->state_dir = sys ? CONFIG_SYSTEM_STATE : "var";
    if (!c->run_dir)
        c->run_dir = sys ? CONFIG_SYSTEM_RUN : c->state_dir;
    c->staff_file_given = c->staff_file != NULL;
    const char **m[] = {&c->db,  &c->admin_key_file, &c->secret_file, &c->staff_file,
                        &c->rpc, &c->events};
    const char *fmt[] = {"%s/ticket.db", "%s/admin.key",        "%s/secret.key",
                         "%s/staff",     "ipc://%s/rpc.sock", "ipc://%s/events.sock"};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        if (*m[i])
            continue;
        bool run = i >= 4; /* the sockets */
        int n = snprintf(c->defaults[i], sizeof c->defaults[i], fmt[i],
                         run ? c->run_dir : c->state_dir);
        if (n < 0 || (size_t)n >= sizeof c->defaults[i]) {
            fprintf(stderr, "ticketd: %s is too long\n", run ? "--run-dir" : "--state-dir");
            return false;
        }
        *m[i] = c->defaults[i];
        *(run ? &c->uses_run : &c->uses_state) = true;
    }
    return true;
}

int config_parse(srv_config *c, int argc, char **argv)
{
    bool sys = false;
    config_defaults(c);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help")) {
            config_usage(stdout);
            return 1;
        }
        if (!strcmp(a, "--version")) {
            printf("ticketd %s\n", TK_VERSION);
            return 1;
        }
        if (!strcmp(a, "--add-staff")) {
            if (i + 2 >= argc) {
                fprintf(stderr, "ticketd: --add-staff needs NAME ROLE\n");
                return 2;
            }
            c->add_staff[0] = argv[++i];
            c->add_staff[1] = argv[++i];
            continue;
        }
        if (!strcmp(a, "--demo") || !strcmp(a, "--system")) {
            if (!strcmp(a, "--demo"))
                c->demo = true;
            else
                sys = true;
            continue;
        }
        const config_flag *f = NULL;
        for (size_t k = 0; k < sizeof config_flags / sizeof config_flags[0]; k++)
            if (!strcmp(a, config_flags[k].flag))
                f = &config_flags[k];
        if (!f || i + 1 >= argc) {
            fprintf(stderr, "ticketd: %s %s\n", f ? "missing value for" : "unknown option", a);
            config_usage(stderr);
            return 2;
        }
        const char *v = argv[++i];
        if (f->str_off != SIZE_MAX)
            *(const char **)((char *)c + f->str_off) = v;
        else if (!config_int(a, v, f->min, f->max, (int64_t *)((char *)c + f->int_off)))
            return 2;
    }
    if (!config_dir_defaults(c, sys))
        return 2;
    if (c->topup && strcmp(c->topup, "open") && strcmp(c->topup, "staff")) {
        fprintf(stderr, "ticketd: --topup is open or staff\n");
        return 2;
    }
    char err[160];
    if (!cidr_parse(c->rate_peer_exempt, &c->exempt, err, sizeof err)) {
        fprintf(stderr, "ticketd: --rate-peer-exempt: %s\n", err);
        return 2;
    }
    if (!tz_valid(c->tz)) { /* the C library would read an unknown zone as UTC */
        fprintf(stderr, "ticketd: --tz %s: not a time zone in the system's zoneinfo "
                        "(an IANA name like Asia/Seoul or Europe/Berlin)\n", c->tz);
        return 2;
    }
    if (c->node && (!*c->node || strlen(c->node) > 63)) {
        fprintf(stderr, "ticketd: --node needs a name of 1 to 63 bytes\n");
        return 2;
    }
    bool tls = !strncmp(c->rpc, "tls+", 4) || !strncmp(c->events, "tls+", 4);
    if (tls && (!c->tls_cert || !c->tls_key)) {
        fprintf(stderr, "ticketd: a tls+tcp:// URL needs --tls-cert FILE and --tls-key FILE\n");
        return 2;
    }
    return 0;
}

static int config_make_key(const char *path)
{
    uint8_t raw[16];
    char hex[2 * sizeof raw + 2];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    strcat(hex, "\n");
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, hex, strlen(hex));
    int rc = (w == (ssize_t)strlen(hex) && fsync(fd) == 0) ? 0 : -1;
    close(fd);
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(hex, sizeof hex);
    if (rc == 0)
        log_info("admin_key_created", "path=%s", path);
    return rc;
}

int config_admin_key(const char *path, char out[ADMIN_KEY_MAX + 1])
{
    if (access(path, F_OK) != 0 && config_make_key(path) != 0 && errno != EEXIST) {
        log_error("admin_key", "path=%s err=\"%s\"", path, strerror(errno));
        return -1;
    }
    if (admin_key_read(path, out) != 0) {
        log_error("admin_key", "path=%s err=\"%s\"", path,
                  errno == ENODATA ? "empty key file"
                  : errno == E2BIG ? "key longer than 255 bytes"
                                   : strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(path, &st) == 0 && (st.st_mode & 077))
        log_warn("admin_key_mode", "path=%s mode=%o hint=\"chmod 600\"", path,
                 (unsigned)(st.st_mode & 0777));
    return 0;
}

/* The demo catalog is SQL, so each backend has its file: data/demo.sql
 * (SQLite) or data/demo.pg.sql (PostgreSQL), unless --demo-sql says. */
bool config_demo_path(const srv_config *c, char *out, size_t outlen)
{
    if (c->demo_sql) { /* asked for: that file or nothing */
        snprintf(out, outlen, "%s", c->demo_sql);
        return access(out, R_OK) == 0;
    }
    /* Each backend has its dialect's demo. Next to the binary first, so an
     * installed ticketd run from inside a checkout still loads its own
     * data, and the build tree's its own. */
    const char *name = store_is_postgres(c->db) ? "demo.pg.sql" : "demo.sql";
    const char *rel[] = {"/../data/", "/../share/ticketd/"};
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        const char *dir = dirname(exe);
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            snprintf(out, outlen, "%s%s%s", dir, rel[i], name);
            if (access(out, R_OK) == 0)
                return true;
        }
    }
    snprintf(out, outlen, "data/%s", name);
    return access(out, R_OK) == 0;
}
