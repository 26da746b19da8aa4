/* server/net/conns.c -- see conns.h. */
#include "server/net/conns.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#define CN_LOG_MS 1000 /* at most one refusal line a second */

struct cn_table {
    cn_limits lim;
    cidr_list exempt;
    tk_stats *stats;
    pthread_mutex_t mu;
    cn_map pipes; /* pipe id -> peer key, for admitted pipes */
    cn_map peers; /* peer key -> pipes open */
    int64_t open;
    int64_t unlogged;        /* refusals since the last log line */
    int64_t logged_ms;
    char last_reason[24], last_peer[48];
};

/* ---- the map ------------------------------------------------------------ */

bool cn_map_init(cn_map *m, uint64_t min_capacity)
{
    uint64_t cap = 16;
    while (cap < min_capacity)
        cap <<= 1;
    m->key = calloc(cap, sizeof *m->key);
    m->val = calloc(cap, sizeof *m->val);
    m->mask = cap - 1;
    m->n = 0;
    return m->key && m->val;
}

void cn_map_free(cn_map *m)
{
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}

static uint64_t cn_mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

int64_t *cn_map_find(const cn_map *m, uint64_t key)
{
    for (uint64_t i = cn_mix(key) & m->mask;; i = (i + 1) & m->mask) {
        if (m->key[i] == key)
            return &m->val[i];
        if (m->key[i] == 0)
            return NULL;
    }
}

int64_t *cn_map_ref(cn_map *m, uint64_t key)
{
    int64_t *v = cn_map_find(m, key);
    if (v)
        return v;
    if (m->n + 1 > m->mask) /* keep one slot empty: lookups must end */
        return NULL;
    uint64_t i = cn_mix(key) & m->mask;
    while (m->key[i] != 0)
        i = (i + 1) & m->mask;
    m->key[i] = key;
    m->val[i] = 0;
    m->n++;
    return &m->val[i];
}

/* Linear probing's deletion without tombstones: later members of the
 * cluster move back into the hole when their home slot allows it. */
void cn_map_del(cn_map *m, uint64_t key)
{
    int64_t *v = cn_map_find(m, key);
    if (!v)
        return;
    uint64_t hole = (uint64_t)(v - m->val);
    for (uint64_t j = (hole + 1) & m->mask; m->key[j] != 0; j = (j + 1) & m->mask) {
        uint64_t home = cn_mix(m->key[j]) & m->mask;
        /* j may fill the hole unless its home lies cyclically in (hole, j]. */
        bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!stays) {
            m->key[hole] = m->key[j];
            m->val[hole] = m->val[j];
            hole = j;
        }
    }
    m->key[hole] = 0;
    m->val[hole] = 0;
    m->n--;
}

/* ---- the caps ----------------------------------------------------------- */

cn_table *cn_new(const cn_limits *lim, tk_stats *stats)
{
    cn_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->lim = *lim;
    if (lim->exempt)
        t->exempt = *lim->exempt;
    t->lim.exempt = &t->exempt;
    t->stats = stats;
    pthread_mutex_init(&t->mu, NULL);
    uint64_t cap = (uint64_t)lim->max_conns * 2 + 2;
    if (!cn_map_init(&t->pipes, cap) || !cn_map_init(&t->peers, cap)) {
        cn_free(t);
        return NULL;
    }
    return t;
}

void cn_free(cn_table *t)
{
    if (!t)
        return;
    cn_flush_log(t);
    cn_map_free(&t->pipes);
    cn_map_free(&t->peers);
    pthread_mutex_destroy(&t->mu);
    free(t);
}

static uint64_t cn_hash(const void *buf, size_t n, uint64_t h)
{
    const uint8_t *b = buf;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h ? h : 1;
}

/* The peer of a pipe: its key, a printable name, and its IP address (len
 * 0 for ipc, whose peers are told apart by uid). */
static uint64_t cn_peer(nng_pipe p, char name[48], uint8_t ip[16], int *len)
{
    uint64_t uid;
    nng_sockaddr sa;
    *len = 0;
    if (nng_pipe_get_uint64(p, NNG_OPT_IPC_PEER_UID, &uid) == 0) {
        snprintf(name, 48, "uid=%" PRIu64, uid);
        return cn_hash(&uid, sizeof uid, 0xcbf29ce484222325ULL);
    }
    if (nng_pipe_get_addr(p, NNG_OPT_REMADDR, &sa) == 0 && sa.s_family == NNG_AF_INET) {
        memcpy(ip, &sa.s_in.sa_addr, 4);
        *len = 4;
    } else if (nng_pipe_get_addr(p, NNG_OPT_REMADDR, &sa) == 0 && sa.s_family == NNG_AF_INET6) {
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        bool v4 = !memcmp(sa.s_in6.sa_addr, mapped, sizeof mapped);
        *len = v4 ? 4 : 16;
        memcpy(ip, sa.s_in6.sa_addr + (v4 ? 12 : 0), (size_t)*len);
    }
    if (!*len) {
        snprintf(name, 48, "unknown");
        return 1;
    }
    char txt[INET6_ADDRSTRLEN];
    inet_ntop(*len == 4 ? AF_INET : AF_INET6, ip, txt, sizeof txt);
    snprintf(name, 48, "%s", txt);
    return cn_hash(ip, (size_t)*len, 0x84222325cbf29ce4ULL);
}

/* Caller holds mu: the pending refusals as a log line, now counted as
 * logged (written by the caller after unlocking). */
static void cn_line_locked(cn_table *t, char line[128])
{
    snprintf(line, 128, "reason=%s peer=%s refused=%" PRId64 " open=%" PRId64, t->last_reason,
             t->last_peer, t->unlogged, t->open);
    t->unlogged = 0;
    t->logged_ms = clock_mono_ms();
}

/* Caller holds mu: one refusal; true if a log line is due (in line). */
static bool cn_refuse_locked(cn_table *t, const char *reason, const char *peer, char line[128])
{
    t->unlogged++;
    snprintf(t->last_reason, sizeof t->last_reason, "%s", reason);
    snprintf(t->last_peer, sizeof t->last_peer, "%s", peer);
    if (clock_mono_ms() - t->logged_ms < CN_LOG_MS)
        return false;
    cn_line_locked(t, line);
    return true;
}

bool cn_admit(cn_table *t, nng_pipe p)
{
    char name[48], line[128];
    uint8_t ip[16];
    int len;
    uint64_t key = cn_peer(p, name, ip, &len);
    bool exempt = len && cidr_match(&t->exempt, ip, len);
    const char *why = NULL;
    pthread_mutex_lock(&t->mu);
    int64_t *peer = cn_map_find(&t->peers, key);
    if (t->open >= t->lim.max_conns)
        why = "max_conns";
    else if (!exempt && t->lim.max_per_peer > 0 && peer && *peer >= t->lim.max_per_peer)
        why = "max_conns_per_peer";
    else if (!(peer = cn_map_ref(&t->peers, key)) ||
             !cn_map_ref(&t->pipes, (uint64_t)nng_pipe_id(p)))
        why = "table_full"; /* cannot happen: both hold 2 * max_conns */
    if (!why) {
        (*peer)++;
        *cn_map_find(&t->pipes, (uint64_t)nng_pipe_id(p)) = (int64_t)key;
        t->open++;
    }
    bool log = why && cn_refuse_locked(t, why, name, line);
    pthread_mutex_unlock(&t->mu);
    if (log)
        log_warn("conn_refused", "%s", line);
    if (t->stats)
        stats_net_add(t->stats, why ? 0 : 1, why ? 1 : 0, 0);
    return why == NULL;
}

void cn_removed(cn_table *t, nng_pipe p)
{
    bool was = false;
    pthread_mutex_lock(&t->mu);
    int64_t *v = cn_map_find(&t->pipes, (uint64_t)nng_pipe_id(p));
    if (v) {
        uint64_t key = (uint64_t)*v;
        cn_map_del(&t->pipes, (uint64_t)nng_pipe_id(p));
        int64_t *peer = cn_map_find(&t->peers, key);
        if (peer && --*peer <= 0)
            cn_map_del(&t->peers, key);
        t->open--;
        was = true;
    }
    pthread_mutex_unlock(&t->mu);
    if (was && t->stats)
        stats_net_add(t->stats, -1, 0, 0);
}

void cn_flush_log(cn_table *t)
{
    char line[128];
    pthread_mutex_lock(&t->mu);
    bool log = t->unlogged > 0 && clock_mono_ms() - t->logged_ms >= CN_LOG_MS;
    if (log)
        cn_line_locked(t, line);
    pthread_mutex_unlock(&t->mu);
    if (log)
        log_warn("conn_refused", "%s", line);
}
