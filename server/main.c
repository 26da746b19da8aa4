/* server/main.c -- ticketd: flags, key files, the domain, then the engine
 * thread and the nng transport around it; SIGINT/SIGTERM shut down in the
 * order that loses nothing: stop taking requests, answer those taken,
 * stop the engine (its last commit), close the DB, close the sockets. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "common/token.h"
#include "common/util.h"
#include "server/api/api.h"
#include "server/config.h"
#include "server/engine/engine.h"
#include "server/net/metrics.h"
#include "server/net/transport.h"
#include "server/staff.h"
#include "server/store/store.h"

#define QUIESCE_MS 5000
#define CLOSE_DEADLINE_MS 3000

/* Signals are taken by sigwait in main only: every thread (nng's included,
 * which start with the first socket) inherits this mask. */
static void main_block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static tk_domain *main_open_domain(const srv_config *sc, int64_t now)
{
    tk_config cfg;
    tk_config_defaults(&cfg);
    cfg.wall_offset_ms = clock_wall_ms() - now; /* persisted deadlines are wall time */
    cfg.db_path = sc->db;
    cfg.hold_ms = sc->hold_s * 1000;
    cfg.turn_ms = sc->turn_s * 1000;
    cfg.max_active = sc->max_active;
    cfg.admit_per_min = sc->admit_per_min;
    cfg.tz = sc->tz;
    cfg.node = sc->node;
    if (token_key_load(sc->secret_file, cfg.token_key) != 0) {
        log_error("secret_key", "path=%s err=\"%s\"", sc->secret_file, strerror(errno));
        return NULL;
    }
    tk_domain *d = tk_open(&cfg, now);
    sodium_memzero(cfg.token_key, sizeof cfg.token_key);
    if (!d)
        return NULL;
    if (sc->demo) {
        char path[PATH_MAX] = "";
        int rc = config_demo_path(sc, path, sizeof path) ? tk_load_demo(d, path, now) : -1;
        if (rc < 0) {
            log_error("demo_failed", "path=%s", sc->demo_sql ? sc->demo_sql : path);
            tk_close(d);
            return NULL;
        }
        log_info("demo", "loaded=%s path=%s", rc ? "yes" : "no(catalog not empty)", path);
    }
    return d;
}

/* Every connection holds a descriptor. The soft limit goes up to the hard
 * one, and --max-conns stays under it by a reserve for what else the
 * process opens (the database and its WAL, the log, the listeners, nng's
 * poller and notification descriptors, the watchdog's probe), so a flood
 * meets the cap, which is logged and counted, never EMFILE. */
#define MAIN_FD_RESERVE 64

static int64_t main_conn_budget(int64_t want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return want;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    int64_t room = rl.rlim_cur == RLIM_INFINITY ? want : (int64_t)rl.rlim_cur - MAIN_FD_RESERVE;
    if (room < want) {
        log_warn("max_conns_lowered", "asked=%lld now=%lld nofile=%llu", (long long)want,
                 (long long)(room > 1 ? room : 1), (unsigned long long)rl.rlim_cur);
        return room > 1 ? room : 1;
    }
    return want;
}

/* A leader that took over (epoch > 1) listens only once the node before
 * it can no longer answer: that one serves reads from memory for up to
 * ENGINE_LEASE_MS after its last proof of a session that had already
 * ended when our lock was granted, before the load that came since. */
static void main_lease_wait(tk_domain *d)
{
    tk_lead l;
    tk_lead_get(d, &l);
    if (!tk_leased(d) || l.epoch <= 1)
        return;
    int ms = ENGINE_LEASE_MS + 100;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    log_info("lease_wait", "ms=%d epoch=%lld", ms, (long long)l.epoch);
    nanosleep(&ts, NULL);
}

static int main_serve(const srv_config *sc, tk_domain *d, api_server *a, sigset_t *sigs,
                      transport **tp)
{
    transport_opts to = {sc->rpc,
                         sc->events,
                         sc->tls_cert,
                         sc->tls_key,
                         (int)sc->contexts,
                         main_conn_budget(sc->max_conns),
                         sc->max_conns_per_peer,
                         &sc->exempt,
                         api_stats(a)};
    main_lease_wait(d);
    transport *t = transport_open(&to);
    if (!t)
        return 1;
    engine *e = engine_new(d, a, transport_publish, t);
    if (!e || engine_start(e) != 0) {
        log_error("engine_failed", "err=start");
        engine_free(e);
        transport_close(t);
        return 1;
    }
    transport_start(t, e, api_stats(a));
    metrics *mx = sc->metrics ? metrics_start(sc->metrics, e, api_stats(a)) : NULL;
    int rc = sc->metrics && !mx ? 1 : 0;
    if (rc == 0) {
        tk_lead l;
        tk_lead_get(d, &l);
        log_info("ready", "rpc=%s events=%s node=%s epoch=%lld", sc->rpc, sc->events, l.node,
                 (long long)l.epoch);
        /* systemd (Type=notify): the sockets answer from here on. */
        sd_notifyf(0, "READY=1\nSTATUS=serving rpc=%s events=%s", sc->rpc, sc->events);
        int sig = 0;
        sigwait(sigs, &sig);
        log_info("stopping", "signal=%s", sig == SIGINT ? "SIGINT" : "SIGTERM");
        sd_notify(0, "STOPPING=1");
    }
    metrics_stop(mx); /* before the engine it reads goes */
    transport_quiesce(t, QUIESCE_MS);
    engine_stop(e);
    engine_free(e);
    *tp = t; /* closed by main once the database is */
    return rc;
}

/* nng 1.5.2 can wedge in nng_close under load: about one shutdown in
 * twenty with requests in flight left main blocked in nng_close and nng's
 * reap thread waiting on a pipe, forever. By the time the sockets close,
 * the engine has committed its last batch and the database is closed, so
 * nothing is at stake: the close gets a deadline, and past it we log and
 * exit 0 as a clean stop would. */
static atomic_bool main_sockets_closed;

static void *main_close_watchdog(void *arg)
{
    struct timespec ts = {CLOSE_DEADLINE_MS / 1000, (CLOSE_DEADLINE_MS % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    if (!atomic_load(&main_sockets_closed)) {
        log_warn("close_timeout", "waited_ms=%d action=exit", CLOSE_DEADLINE_MS);
        _exit(0);
    }
    return NULL;
}

static void main_close_transport(transport *t)
{
    pthread_t w;
    if (!t)
        return;
    if (pthread_create(&w, NULL, main_close_watchdog, NULL) == 0)
        pthread_detach(w);
    transport_close(t);
    atomic_store(&main_sockets_closed, true);
}

/* A default directory (var/, or a state or run dir) made 0750 when absent:
 * the box-office group reaches the sockets, nobody else anything. */
static int main_mkdir(const char *dir)
{
    if (mkdir(dir, 0750) == 0)
        return chmod(dir, 0750);
    if (errno == EEXIST)
        return 0;
    log_error("mkdir", "path=%s err=\"%s\"", dir, strerror(errno));
    return -1;
}

int main(int argc, char **argv)
{
    srv_config sc;
    int pr = config_parse(&sc, argc, argv);
    if (pr)
        return pr == 1 ? 0 : 2;
    sigset_t sigs;
    main_block_signals(&sigs);
    if (sodium_init() < 0) {
        log_error("sodium_init", "err=failed");
        return 1;
    }
    /* The database holds member ids (credentials) and balances: only the
     * server's own user reads it. Sockets get 0660 explicitly (the group
     * of box-office accounts), and so does var/ its 0750. */
    umask(077);
    if ((sc.uses_state && main_mkdir(sc.state_dir) != 0) ||
        (sc.uses_run && main_mkdir(sc.run_dir) != 0))
        return 1;
    if (sc.migrate_from) /* a one-off copy: no keys, no sockets */
        return srv_migrate(&sc);
    if (sc.add_staff[0]) /* a one-off too: the file only */
        return staff_file_add(sc.staff_file, sc.add_staff[0], sc.add_staff[1]) ? 1 : 0;
    /* A staff file that would be refused is refused before anything opens. */
    if (staff_file_apply(sc.staff_file, sc.staff_file_given, NULL) != 0)
        return 1;
    char admin_key[ADMIN_KEY_MAX + 1];
    if (config_admin_key(sc.admin_key_file, admin_key) != 0)
        return 1;
    tk_domain *d = main_open_domain(&sc, clock_steady_ms()); /* fixes the steady base */
    if (!d) {
        /* A standby asked to stop while it waited stops cleanly. */
        int sig = store_open_stopped();
        log_info("stopped", "rc=%d%s", sig ? 0 : 1, sig ? " while=waiting" : "");
        return sig ? 0 : 1;
    }
    api_limits lim = {sc.rate_user, sc.rate_user * 2, sc.rate_peer, sc.rate_peer * 2, &sc.exempt};
    api_server *a = api_new(d, admin_key, &lim);
    sodium_memzero(admin_key, sizeof admin_key);
    if (a && staff_file_apply(sc.staff_file, sc.staff_file_given, a) != 0) {
        api_free(a);
        tk_close(d);
        return 1;
    }
    if (a)
        api_set_topup_staff(a, sc.topup && !strcmp(sc.topup, "staff"));
    transport *t = NULL;
    int rc = a ? main_serve(&sc, d, a, &sigs, &t) : 1;
    tk_close(d);
    main_close_transport(t);
    api_free(a); /* after the sockets: their pipe callbacks count into its stats */
    log_info("stopped", "rc=%d", rc);
    return rc;
}
