/* server/net/transport.c -- see transport.h. */
#include "server/net/transport.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/supplemental/tls/tls.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/util.h"
#include "server/net/conns.h"
#include "server/net/lguard.h"

#define T_RECVMAX (1 << 20) /* hard cap; 64 KiB..1 MiB gets INVALID_REQUEST */

/* TS_WORK: with the engine or being answered in place; TS_HANDOFF: the
 * answer is ready and waits for an nng thread to send it (t_handoff). */
typedef enum { TS_IDLE, TS_RECV, TS_WORK, TS_HANDOFF, TS_SEND } ts_state;

typedef struct {
    engine_job job; /* first: the engine's done() gets back to us from it */
    struct transport *t;
    nng_aio *aio;
    nng_ctx ctx;
    ts_state state; /* guarded by t->mu */
    nng_msg *msg;
    int64_t recv_us;
} tctx;

/* Peer names by pipe id. Naming a peer asks nng for the pipe (a global
 * lookup) and the kernel for its credentials (a getsockopt), on every
 * request; a pipe's peer never changes, so the answer is kept. nng hands
 * out pipe ids in increasing order, so a slot is reused only by a newer
 * pipe, which simply replaces it. */
#define T_PEER_CACHE 256 /* a power of two */

typedef struct {
    uint32_t pipe; /* 0: empty */
    char peer[64];
} t_peer_slot;

struct transport {
    nng_socket rep, pub;
    bool rep_open, pub_open;
    nng_tls_config *tls;
    char scheme[8];  /* peer id prefix: ipc, tcp, tls, ws */
    tctx *c;
    int n;
    engine *eng;
    tk_stats *stats;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int idle;        /* contexts in TS_IDLE, guarded by mu */
    bool stopping;   /* guarded by mu */
    pthread_mutex_t peer_mu;
    t_peer_slot peers[T_PEER_CACHE]; /* guarded by peer_mu */
    cn_table *cn;    /* connection caps, fed by t_pipe_cb */
    lguard *lg;      /* owns the listeners and their watchdog */
};

/* "ipc:pid=123", "tcp:1.2.3.4:5678", "tcp:[::1]:5678". */
static void t_peer_name(const transport *t, nng_pipe p, char out[64])
{
    uint64_t pid;
    nng_sockaddr sa;
    char ip[INET6_ADDRSTRLEN] = "?";
    if (!strcmp(t->scheme, "ipc") && nng_pipe_get_uint64(p, NNG_OPT_IPC_PEER_PID, &pid) == 0) {
        snprintf(out, 64, "ipc:pid=%" PRIu64, pid);
    } else if (nng_pipe_get_addr(p, NNG_OPT_REMADDR, &sa) == 0 && sa.s_family == NNG_AF_INET) {
        inet_ntop(AF_INET, &sa.s_in.sa_addr, ip, sizeof ip);
        snprintf(out, 64, "%s:%s:%u", t->scheme, ip, ntohs(sa.s_in.sa_port));
    } else if (nng_pipe_get_addr(p, NNG_OPT_REMADDR, &sa) == 0 && sa.s_family == NNG_AF_INET6) {
        inet_ntop(AF_INET6, sa.s_in6.sa_addr, ip, sizeof ip);
        snprintf(out, 64, "%s:[%s]:%u", t->scheme, ip, ntohs(sa.s_in6.sa_port));
    } else {
        snprintf(out, 64, "%s:pipe=%" PRIu32, t->scheme, (uint32_t)nng_pipe_id(p));
    }
}

static void t_peer(transport *t, nng_msg *m, char out[64])
{
    nng_pipe p = nng_msg_get_pipe(m);
    uint32_t id = (uint32_t)nng_pipe_id(p);
    t_peer_slot *slot = &t->peers[id & (T_PEER_CACHE - 1)];
    pthread_mutex_lock(&t->peer_mu);
    bool hit = id > 0 && slot->pipe == id;
    if (hit)
        memcpy(out, slot->peer, 64);
    pthread_mutex_unlock(&t->peer_mu);
    if (hit)
        return;
    t_peer_name(t, p, out);
    pthread_mutex_lock(&t->peer_mu);
    slot->pipe = id;
    memcpy(slot->peer, out, 64);
    pthread_mutex_unlock(&t->peer_mu);
}

/* Caller holds t->mu: the context is done with for good (stopping). */
static void t_park_locked(tctx *c)
{
    c->state = TS_IDLE;
    c->t->idle++;
    pthread_cond_broadcast(&c->t->cv);
}

/* Caller holds t->mu. Parks the context when stopping (returns false),
 * else marks it receiving: the caller posts the receive after unlocking,
 * so no nng call is ever made under our mutex. */
static bool t_next_locked(tctx *c)
{
    if (c->t->stopping) {
        t_park_locked(c);
        return false;
    }
    c->state = TS_RECV;
    return true;
}

static void t_next(tctx *c)
{
    pthread_mutex_lock(&c->t->mu);
    bool post = t_next_locked(c);
    pthread_mutex_unlock(&c->t->mu);
    if (post)
        nng_ctx_recv(c->ctx, c->aio);
}

/* An nng thread: the reply goes out (a pure read answered where it
 * arrived, or a write's answer handed over by t_handoff). */
static void t_done(engine_job *j)
{
    tctx *c = (tctx *)j;
    size_t len = j->reply ? strlen(j->reply) : 0;
    nng_msg_clear(c->msg);
    if (!j->reply || nng_msg_append(c->msg, j->reply, len) != 0) {
        /* Out of memory: no reply; the client's deadline reports it. */
        log_error("reply_dropped", "peer=%s", j->peer);
        free(j->reply);
        j->reply = NULL;
        nng_msg_free(c->msg);
        c->msg = NULL;
        t_next(c);
        return;
    }
    free(j->reply);
    j->reply = NULL;
    pthread_mutex_lock(&c->t->mu);
    c->state = TS_SEND;
    pthread_mutex_unlock(&c->t->mu);
    nng_aio_set_msg(c->aio, c->msg);
    c->msg = NULL;
    nng_ctx_send(c->ctx, c->aio);
}

/* Syncer thread, after the flush (or the engine's out-of-memory path):
 * the answer is ready. Sending it from here cost the syncer about 10 us
 * a reply (nng's socket lock, the pipe write, waking an nng thread for
 * the completion), serially, while the next flush waited; so it only
 * completes the context's aio (nng_aio_begin/finish, a task dispatch)
 * and t_cb sends the reply on an nng thread, many of them side by side. */
static void t_handoff(engine_job *j)
{
    tctx *c = (tctx *)j;
    pthread_mutex_lock(&c->t->mu);
    c->state = TS_HANDOFF;
    pthread_mutex_unlock(&c->t->mu);
    if (nng_aio_begin(c->aio)) {
        nng_aio_finish(c->aio, 0); /* t_cb runs on an nng thread */
        return;
    }
    /* The aio is stopped, which only transport_close does. main closes the
     * transport after engine_stop, so no write can reach here that way;
     * this is a guard against a future caller breaking that order, not a
     * path the server takes (and so has no test): nobody will send this. */
    free(j->reply);
    j->reply = NULL;
    nng_msg_free(c->msg);
    c->msg = NULL;
    pthread_mutex_lock(&c->t->mu);
    t_park_locked(c);
    pthread_mutex_unlock(&c->t->mu);
}

/* nng thread: a receive or a send finished, or a reply was handed over.
 * Never blocks (the mutex only guards a few assignments). */
static void t_cb(void *arg)
{
    tctx *c = arg;
    transport *t = c->t;
    int rv = nng_aio_result(c->aio);
    pthread_mutex_lock(&t->mu);
    ts_state st = c->state;
    if (st == TS_RECV && rv == 0)
        c->state = TS_WORK;
    pthread_mutex_unlock(&t->mu);
    if (st == TS_HANDOFF) {
        t_done(&c->job);
    } else if (st == TS_SEND) {
        if (rv != 0) /* the peer went away: the reply is ours to free */
            nng_msg_free(nng_aio_get_msg(c->aio));
        else if (t->stats)
            stats_latency_us(t->stats, clock_steady_ms(), clock_mono_us() - c->recv_us);
        t_next(c);
    } else if (st == TS_RECV && rv != 0) {
        if (rv != NNG_ECLOSED && rv != NNG_ECANCELED)
            log_warn("recv_failed", "err=\"%s\"", nng_strerror(rv));
        if (rv != NNG_ECLOSED)
            t_next(c); /* parks when stopping */
    } else if (st == TS_RECV) {
        c->recv_us = clock_mono_us();
        c->msg = nng_aio_get_msg(c->aio);
        c->job.msg = nng_msg_body(c->msg);
        c->job.len = nng_msg_len(c->msg);
        c->job.done = t_handoff;
        t_peer(t, c->msg, c->job.peer);
        if (engine_try_shared(t->eng, &c->job))
            t_done(&c->job); /* a pure read, answered on this thread */
        else
            engine_submit(t->eng, &c->job);
    }
}

static char *t_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    long n = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < (1 << 20) &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
            free(buf);
            buf = NULL;
        } else {
            buf[n] = '\0';
        }
    }
    fclose(f);
    return buf;
}

static int t_tls(transport *t, const transport_opts *o)
{
    if (!o->tls_cert || !o->tls_key) {
        log_error("tls_config", "err=\"tls+tcp:// needs --tls-cert and --tls-key\"");
        return -1;
    }
    char *cert = t_slurp(o->tls_cert), *key = t_slurp(o->tls_key);
    int rv = -1;
    if (!cert || !key)
        log_error("tls_config", "err=\"cannot read %s\"", cert ? o->tls_key : o->tls_cert);
    else if ((rv = nng_tls_config_alloc(&t->tls, NNG_TLS_MODE_SERVER)) != 0 ||
             (rv = nng_tls_config_own_cert(t->tls, cert, key, NULL)) != 0)
        log_error("tls_config", "err=\"%s\"", nng_strerror(rv));
    free(cert);
    free(key);
    return rv ? -1 : 0;
}

/* An nng thread, as a pipe joins or leaves either socket. A pipe that
 * reaches ADD_PRE proves its listener works (the watchdog's evidence)
 * before the caps may refuse it; closing it here is how nng lets a
 * callback reject a pipe. Never blocks. */
static void t_pipe_cb(nng_pipe p, nng_pipe_ev ev, void *arg)
{
    transport *t = arg;
    if (ev == NNG_PIPE_EV_ADD_PRE) {
        lg_pipe_added(t->lg, p);
        if (!cn_admit(t->cn, p))
            nng_pipe_close(p);
    } else if (ev == NNG_PIPE_EV_REM_POST) {
        cn_removed(t->cn, p);
    }
}

static int t_listen(transport *t, nng_socket s, const char *url, const transport_opts *o,
                    bool rep)
{
    if (!strncmp(url, "tls+", 4) && !t->tls && t_tls(t, o) != 0)
        return -1;
    int rv = nng_pipe_notify(s, NNG_PIPE_EV_ADD_PRE, t_pipe_cb, t);
    if (rv == 0)
        rv = nng_pipe_notify(s, NNG_PIPE_EV_REM_POST, t_pipe_cb, t);
    if (rv != 0) {
        log_error("listen_failed", "url=%s err=\"%s\"", url, nng_strerror(rv));
        return -1;
    }
    lg_spec spec = {s, url, t->tls, rep ? "rep" : "pub", rep ? 0x30 : 0x21};
    return lg_listen(t->lg, &spec);
}

static void t_flush_log(void *arg)
{
    cn_flush_log(arg);
}

/* The caps and the watchdog, before any listener exists. */
static int t_guards(transport *t, const transport_opts *o)
{
    cn_limits lim = {o->max_conns > 0 ? o->max_conns : 4096, o->max_conns_per_peer, o->exempt};
    t->cn = cn_new(&lim, o->stats);
    t->lg = t->cn ? lg_new(o->stats, t_flush_log, t->cn) : NULL;
    if (!t->lg)
        log_error("socket_failed", "err=\"out of memory\"");
    return t->lg ? 0 : -1;
}

static void t_scheme(transport *t, const char *url)
{
    const char *s = !strncmp(url, "ipc://", 6)    ? "ipc"
                    : !strncmp(url, "tls+", 4)    ? "tls"
                    : !strncmp(url, "ws", 2)      ? "ws"
                                                  : "tcp";
    snprintf(t->scheme, sizeof t->scheme, "%s", s);
}

transport *transport_open(const transport_opts *o)
{
    transport *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    pthread_mutex_init(&t->mu, NULL);
    pthread_mutex_init(&t->peer_mu, NULL);
    pthread_condattr_t ca; /* quiesce's slices: a wall clock step must not stretch one */
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cv, &ca);
    pthread_condattr_destroy(&ca);
    t_scheme(t, o->rpc_url);
    int rv = nng_rep0_open(&t->rep);
    t->rep_open = rv == 0;
    if (rv == 0)
        rv = nng_socket_set_size(t->rep, NNG_OPT_RECVMAXSZ, T_RECVMAX);
    if (rv == 0 && (rv = nng_pub0_open(&t->pub)) == 0)
        t->pub_open = true;
    if (rv != 0)
        log_error("socket_failed", "err=\"%s\"", nng_strerror(rv));
    if (rv != 0 || t_guards(t, o) != 0 || t_listen(t, t->rep, o->rpc_url, o, true) != 0 ||
        t_listen(t, t->pub, o->events_url, o, false) != 0 || lg_start(t->lg) != 0) {
        transport_close(t);
        return NULL;
    }
    t->n = o->nctx > 0 ? o->nctx : 128;
    t->c = calloc((size_t)t->n, sizeof(tctx));
    for (int i = 0; t->c && i < t->n; i++) {
        t->c[i].t = t;
        if (nng_aio_alloc(&t->c[i].aio, t_cb, &t->c[i]) != 0 ||
            nng_ctx_open(&t->c[i].ctx, t->rep) != 0) {
            log_error("ctx_failed", "i=%d", i);
            transport_close(t);
            return NULL;
        }
    }
    if (!t->c) {
        transport_close(t);
        return NULL;
    }
    t->idle = t->n;
    return t;
}

int transport_start(transport *t, engine *e, tk_stats *stats)
{
    t->eng = e;
    t->stats = stats;
    pthread_mutex_lock(&t->mu);
    t->idle = 0;
    for (int i = 0; i < t->n; i++)
        t->c[i].state = TS_RECV;
    pthread_mutex_unlock(&t->mu);
    for (int i = 0; i < t->n; i++)
        nng_ctx_recv(t->c[i].ctx, t->c[i].aio);
    return 0;
}

void transport_publish(void *arg, const char *msg, size_t len)
{
    transport *t = arg;
    /* PUB never blocks on a slow subscriber; NONBLOCK also covers a full
     * socket queue, where dropping is the contract's behaviour. */
    nng_send(t->pub, (void *)msg, len, NNG_FLAG_NONBLOCK);
}

void transport_quiesce(transport *t, int timeout_ms)
{
    pthread_mutex_lock(&t->mu);
    t->stopping = true;
    /* Under the lock a context in TS_RECV cannot move on, so a cancel can
     * only hit a receive, never a reply on its way out. A receive posted
     * just after its state changed (outside the lock) escapes one cancel,
     * hence the cancel again every slice. */
    for (int waited = 0; t->idle < t->n && waited < timeout_ms; waited += 50) {
        for (int i = 0; i < t->n; i++)
            if (t->c[i].state == TS_RECV)
                nng_aio_cancel(t->c[i].aio);
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += 50 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&t->cv, &t->mu, &ts);
    }
    if (t->idle < t->n)
        log_warn("quiesce_timeout", "busy=%d", t->n - t->idle);
    pthread_mutex_unlock(&t->mu);
}

void transport_close(transport *t)
{
    if (!t)
        return;
    /* Contexts first, then sockets. nng_aio_stop aborts a context's pending
     * receive or send and waits for its callback, so nothing can re-arm it;
     * then the context is closed. Closing the REP socket while contexts
     * still had operations in flight hung nng_close (nng 1.5.2) about one
     * shutdown in four under load. */
    lg_stop(t->lg); /* no listener is replaced from here on */
    for (int i = 0; t->c && i < t->n; i++)
        if (t->c[i].aio)
            nng_aio_stop(t->c[i].aio);
    for (int i = 0; t->c && i < t->n; i++)
        if (nng_ctx_id(t->c[i].ctx) > 0)
            nng_ctx_close(t->c[i].ctx);
    if (t->rep_open)
        nng_close(t->rep);
    if (t->pub_open)
        nng_close(t->pub);
    for (int i = 0; t->c && i < t->n; i++) {
        if (t->c[i].aio)
            nng_aio_free(t->c[i].aio);
        if (t->c[i].msg)
            nng_msg_free(t->c[i].msg);
    }
    free(t->c);
    lg_free(t->lg); /* after the sockets: their pipe callbacks use both */
    cn_free(t->cn);
    if (t->tls)
        nng_tls_config_free(t->tls);
    pthread_mutex_destroy(&t->mu);
    pthread_mutex_destroy(&t->peer_mu);
    pthread_cond_destroy(&t->cv);
    free(t);
}
