/* server/net/lguard.c -- see lguard.h. */
#include "server/net/lguard.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/util.h"

#define LG_MAX 4            /* listeners guarded: the server has two */
#define LG_PERIOD_MS 200    /* between probe rounds */
#define LG_IO_MS 1000       /* the probe's dial, send and receive */
#define LG_PIPE_MS 250      /* a handshake done, the pipe must reach the socket */
#define LG_MISSES 2         /* probes in a row before a restart */
#define LG_NOTE_MS 60000    /* an inconclusive probe is logged at most this often */

typedef enum { LG_OK, LG_WEDGED, LG_GONE, LG_UNSURE } lg_result;

typedef struct {
    nng_socket sock;
    char url[256];
    char dial_url[300];
    nng_tls_config *tls;
    char ws_proto[32];
    uint16_t peer_proto;
    nng_listener l;
    bool listening;
    _Atomic uint32_t lid;        /* the live listener's id, for lg_pipe_added */
    _Atomic uint64_t added;      /* pipes it handed to the socket */
    nng_stream_dialer *dialer;   /* the probe's, kept for the server's life */
    /* A probe whose listener had not answered its header in time. It is
     * never closed before the header came: closing it would make the
     * server's later send of its header fail with EPIPE, the very
     * failure that breaks nng 1.5.2's listener (#1518). */
    nng_stream *parked;
    uint8_t prx[8];
    size_t pgot;
    int misses;
    int64_t noted_ms;
} lg_entry;

struct lguard {
    lg_entry e[LG_MAX];
    int n;
    tk_stats *stats;
    void (*tick)(void *);
    void *tick_arg;
    nng_tls_config *client_tls; /* the probe's, for tls+tcp:// */
    pthread_t thread;
    bool running;
    pthread_mutex_t mu;
    pthread_cond_t cv;      /* the period's sleep: signalled by lg_stop */
    pthread_cond_t pipe_cv; /* a pipe reached a socket: lg_pipe_added, lg_stop */
    bool stopping;     /* guarded by mu */
};

lguard *lg_new(tk_stats *stats, void (*tick)(void *), void *tick_arg)
{
    lguard *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->stats = stats;
    g->tick = tick;
    g->tick_arg = tick_arg;
    pthread_mutex_init(&g->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g->cv, &ca);
    pthread_cond_init(&g->pipe_cv, &ca);
    pthread_condattr_destroy(&ca);
    return g;
}

/* Where the probe dials: the listener's own address, with a wildcard host
 * ("0.0.0.0", "::", "*" or none) replaced by the loopback. */
static int lg_dial_url(lg_entry *e)
{
    if (!strncmp(e->url, "ipc://", 6)) {
        memcpy(e->dial_url, e->url, strlen(e->url) + 1); /* url is shorter */
        return 0;
    }
    nng_url *u = NULL;
    int rv = nng_url_parse(&u, e->url);
    if (rv != 0)
        return rv;
    const char *h = u->u_hostname;
    bool v6 = strchr(h, ':') != NULL;
    if (!*h || !strcmp(h, "*") || !strcmp(h, "0.0.0.0"))
        h = "127.0.0.1";
    else if (!strcmp(h, "::"))
        h = "::1";
    int port = atoi(u->u_port);
    if (port == 0)
        nng_listener_get_int(e->l, NNG_OPT_TCP_BOUND_PORT, &port);
    snprintf(e->dial_url, sizeof e->dial_url, "%s://%s%s%s:%d%s", u->u_scheme, v6 ? "[" : "",
             h, v6 ? "]" : "", port, u->u_path);
    nng_url_free(u);
    return 0;
}

static int lg_open_listener(lg_entry *e)
{
    bool ipc = !strncmp(e->url, "ipc://", 6);
    int rv = nng_listener_create(&e->l, e->sock, e->url);
    if (rv == 0 && ipc)
        rv = nng_listener_set_int(e->l, NNG_OPT_IPC_PERMISSIONS, 0660);
    if (rv == 0 && e->tls)
        rv = nng_listener_set_ptr(e->l, NNG_OPT_TLS_CONFIG, e->tls);
    if (rv == 0)
        rv = nng_listener_start(e->l, 0);
    if (rv != 0) {
        if (nng_listener_id(e->l) > 0)
            nng_listener_close(e->l);
        return rv;
    }
    if (ipc)
        chmod(e->url + 6, 0660); /* belt and braces: the option is Linux-only in nng */
    e->listening = true;
    atomic_store(&e->lid, (uint32_t)nng_listener_id(e->l));
    return 0;
}

static int lg_open_dialer(lguard *g, lg_entry *e)
{
    int rv = lg_dial_url(e);
    if (rv == 0)
        rv = nng_stream_dialer_alloc(&e->dialer, e->dial_url);
    if (rv == 0 && e->tls) {
        if (!g->client_tls &&
            ((rv = nng_tls_config_alloc(&g->client_tls, NNG_TLS_MODE_CLIENT)) != 0 ||
             (rv = nng_tls_config_auth_mode(g->client_tls, NNG_TLS_AUTH_MODE_NONE)) != 0))
            return rv;
        rv = nng_stream_dialer_set_ptr(e->dialer, NNG_OPT_TLS_CONFIG, g->client_tls);
    }
    if (rv == 0 && e->ws_proto[0])
        rv = nng_stream_dialer_set_string(e->dialer, NNG_OPT_WS_PROTOCOL, e->ws_proto);
    return rv;
}

int lg_listen(lguard *g, const lg_spec *spec)
{
    if (g->n == LG_MAX || strlen(spec->url) >= sizeof g->e[0].url) {
        log_error("listen_failed", "url=%s err=\"too many listeners or URL too long\"", spec->url);
        return -1;
    }
    lg_entry *e = &g->e[g->n];
    e->sock = spec->sock;
    snprintf(e->url, sizeof e->url, "%s", spec->url);
    e->tls = spec->tls;
    e->peer_proto = spec->peer_proto;
    if (!strncmp(e->url, "ws", 2))
        snprintf(e->ws_proto, sizeof e->ws_proto, "%s.sp.nanomsg.org", spec->proto);
    int rv = lg_open_listener(e);
    if (rv != 0) {
        log_error("listen_failed", "url=%s err=\"%s\"", e->url, nng_strerror(rv));
        return -1;
    }
    g->n++;
    if ((rv = lg_open_dialer(g, e)) != 0) /* the server runs; only the guard is off */
        log_warn("listener_guard_off", "url=%s err=\"%s\"", e->url, nng_strerror(rv));
    return 0;
}

void lg_pipe_added(lguard *g, nng_pipe p)
{
    uint32_t lid = (uint32_t)nng_listener_id(nng_pipe_listener(p));
    /* Every slot, not g->n: lg_listen may still be counting the second
     * listener while the first already hands over pipes (an unused
     * slot's lid is 0). */
    for (int i = 0; i < LG_MAX; i++)
        if (lid && atomic_load(&g->e[i].lid) == lid) {
            atomic_fetch_add(&g->e[i].added, 1);
            pthread_mutex_lock(&g->mu);
            pthread_cond_broadcast(&g->pipe_cv);
            pthread_mutex_unlock(&g->mu);
        }
}

/* Waits (the watchdog thread may block) for an aio with its timeout. */
static int lg_wait(nng_aio *aio)
{
    nng_aio_wait(aio);
    return nng_aio_result(aio);
}

/* Reads what is left of the listener's 8-byte header into e->prx; 0 when
 * it is all there, NNG_ETIMEDOUT when the listener has not sent it yet. */
static int lg_read_header(lg_entry *e, nng_stream *s, nng_aio *aio)
{
    while (e->pgot < 8) {
        nng_iov iov = {.iov_buf = e->prx + e->pgot, .iov_len = 8 - e->pgot};
        nng_aio_set_iov(aio, 1, &iov);
        nng_stream_recv(s, aio);
        int rv = lg_wait(aio);
        if (rv != 0)
            return rv;
        e->pgot += nng_aio_count(aio);
    }
    return e->prx[1] == 'S' && e->prx[2] == 'P' ? 0 : NNG_EPROTO;
}

/* Sends our 8-byte SP header and reads the listener's (not for ws://,
 * whose HTTP upgrade is the handshake). */
static int lg_sp_header(lg_entry *e, nng_stream *s, nng_aio *aio)
{
    uint8_t tx[8] = {0, 'S', 'P', 0, (uint8_t)(e->peer_proto >> 8), (uint8_t)e->peer_proto, 0, 0};
    for (size_t sent = 0; sent < 8;) {
        nng_iov iov = {.iov_buf = tx + sent, .iov_len = 8 - sent};
        nng_aio_set_iov(aio, 1, &iov);
        nng_stream_send(s, aio);
        int rv = lg_wait(aio);
        if (rv != 0)
            return rv;
        sent += nng_aio_count(aio);
    }
    e->pgot = 0;
    return lg_read_header(e, s, aio);
}

static void lg_stream_drop(nng_stream *s)
{
    nng_stream_close(s);
    nng_stream_free(s);
}

/* A parked probe: true while the listener still owes it its header (the
 * round is inconclusive); once the header came, or the connection failed
 * on the server's side, it is closed. */
static bool lg_parked(lg_entry *e)
{
    nng_aio *aio;
    if (!e->parked || nng_aio_alloc(&aio, NULL, NULL) != 0)
        return e->parked != NULL;
    nng_aio_set_timeout(aio, 50);
    if (lg_read_header(e, e->parked, aio) != NNG_ETIMEDOUT) {
        lg_stream_drop(e->parked);
        e->parked = NULL;
    }
    nng_aio_free(aio);
    return e->parked != NULL;
}

/* True once the listener has handed a pipe to the socket since `before`,
 * waiting at most LG_PIPE_MS. */
static bool lg_pipe_seen(lguard *g, lg_entry *e, uint64_t before)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_nsec += LG_PIPE_MS * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    pthread_mutex_lock(&g->mu);
    while (atomic_load(&e->added) == before && !g->stopping &&
           pthread_cond_timedwait(&g->pipe_cv, &g->mu, &until) == 0) {
    }
    pthread_mutex_unlock(&g->mu);
    return atomic_load(&e->added) != before;
}

static lg_result lg_probe(lguard *g, lg_entry *e, int *err)
{
    nng_aio *aio;
    if ((*err = nng_aio_alloc(&aio, NULL, NULL)) != 0)
        return LG_UNSURE;
    nng_aio_set_timeout(aio, LG_IO_MS);
    uint64_t before = atomic_load(&e->added);
    nng_stream_dialer_dial(e->dialer, aio);
    *err = lg_wait(aio);
    if (*err != 0) {
        nng_aio_free(aio);
        return *err == NNG_ECONNREFUSED || *err == NNG_ENOENT ? LG_GONE : LG_UNSURE;
    }
    nng_stream *s = nng_aio_get_output(aio, 0);
    lg_result res = LG_UNSURE;
    if (e->ws_proto[0] || (*err = lg_sp_header(e, s, aio)) == 0)
        res = lg_pipe_seen(g, e, before) ? LG_OK : g->stopping ? LG_UNSURE : LG_WEDGED;
    if (*err == NNG_ETIMEDOUT && !e->ws_proto[0])
        e->parked = s; /* the listener may still accept it: never hang up first */
    else
        lg_stream_drop(s);
    nng_aio_free(aio);
    return res;
}

static const char *lg_reason(lg_result r)
{
    return r == LG_WEDGED ? "handshakes_not_accepted" : r == LG_GONE ? "address_gone" : "probe_failed";
}

/* Closes the broken listener and opens a new one on the same URL. */
static void lg_restart(lguard *g, lg_entry *e, lg_result why)
{
    if (e->listening) {
        atomic_store(&e->lid, 0);
        nng_listener_close(e->l);
        e->listening = false;
    }
    if (e->parked) { /* its listener is gone: nobody will answer it now */
        lg_stream_drop(e->parked);
        e->parked = NULL;
    }
    int rv = lg_open_listener(e);
    if (rv != 0) { /* tried again next round */
        log_error("listener_restart_failed", "url=%s err=\"%s\"", e->url, nng_strerror(rv));
        return;
    }
    e->misses = 0;
    if (g->stats)
        stats_net_add(g->stats, 0, 0, 1);
    log_warn("listener_restarted", "url=%s reason=%s", e->url, lg_reason(why));
}

static void lg_check(lguard *g, lg_entry *e)
{
    if (!e->dialer)
        return;
    if (!e->listening) {
        lg_restart(g, e, LG_GONE);
        return;
    }
    if (lg_parked(e)) { /* the last probe still waits for its header: busy, not broken */
        e->misses = 0;
        return;
    }
    int err = 0;
    lg_result r = lg_probe(g, e, &err);
    if (r == LG_OK || r == LG_UNSURE) /* misses count only in a row */
        e->misses = 0;
    if (r == LG_OK)
        return;
    if (r == LG_UNSURE) { /* e.g. out of descriptors: a new listener would not help */
        int64_t now = clock_mono_ms();
        if (now - e->noted_ms >= LG_NOTE_MS) {
            e->noted_ms = now;
            log_warn("listener_probe_failed", "url=%s err=\"%s\"", e->url, nng_strerror(err));
        }
        return;
    }
    if (++e->misses >= LG_MISSES)
        lg_restart(g, e, r);
}

static void *lg_main(void *arg)
{
    lguard *g = arg;
    pthread_mutex_lock(&g->mu);
    while (!g->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += LG_PERIOD_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&g->cv, &g->mu, &until);
        for (int i = 0; i < g->n && !g->stopping; i++) {
            pthread_mutex_unlock(&g->mu);
            lg_check(g, &g->e[i]);
            pthread_mutex_lock(&g->mu);
        }
        if (g->tick) {
            pthread_mutex_unlock(&g->mu);
            g->tick(g->tick_arg);
            pthread_mutex_lock(&g->mu);
        }
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

int lg_start(lguard *g)
{
    if (pthread_create(&g->thread, NULL, lg_main, g) != 0)
        return -1;
    g->running = true;
    return 0;
}

void lg_stop(lguard *g)
{
    if (!g || !g->running)
        return;
    pthread_mutex_lock(&g->mu);
    g->stopping = true;
    pthread_cond_broadcast(&g->cv);
    pthread_cond_broadcast(&g->pipe_cv);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->thread, NULL);
    g->running = false;
}

void lg_free(lguard *g)
{
    if (!g)
        return;
    lg_stop(g);
    for (int i = 0; i < g->n; i++) {
        if (g->e[i].parked)
            lg_stream_drop(g->e[i].parked);
        if (g->e[i].dialer)
            nng_stream_dialer_free(g->e[i].dialer);
    }
    if (g->client_tls)
        nng_tls_config_free(g->client_tls);
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->cv);
    pthread_cond_destroy(&g->pipe_cv);
    free(g);
}
