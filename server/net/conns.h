/* server/net/conns.h -- caps on connections, enforced as pipes arrive (prefix cn_).
 *
 * Why: every idle connection holds a file descriptor. About 20,000 of them
 * reached the process's limit, after which new clients timed out and
 * nothing was logged. The caps act in nng's NNG_PIPE_EV_ADD_PRE callback,
 * before a pipe joins its socket: over --max-conns in all, or over
 * --max-conns-per-peer from one peer (ipc peers by uid, the others by IP
 * address), the pipe is closed at once. Networks listed in
 * --rate-peer-exempt have no per-peer cap (a box office behind one NAT).
 * Refusals are counted (admin.dashboard) and logged at most once a second
 * with how many there were.
 *
 * Threads: cn_admit and cn_removed run on nng's threads; a mutex guards
 * two small hash tables and is never held across an nng call. */
#ifndef TK_CONNS_H
#define TK_CONNS_H

#include <nng/nng.h>
#include <stdbool.h>
#include <stdint.h>

#include "server/net/cidr.h"
#include "server/api/stats.h"

typedef struct cn_table cn_table;

typedef struct {
    int64_t max_conns;    /* 1.. */
    int64_t max_per_peer; /* 0: no per-peer cap */
    const cidr_list *exempt;
} cn_limits;

/* stats may be NULL. NULL when out of memory. */
cn_table *cn_new(const cn_limits *lim, tk_stats *stats);
void cn_free(cn_table *t);
/* ADD_PRE: counts the pipe and returns true, or returns false when a cap
 * is reached (the caller closes the pipe). */
bool cn_admit(cn_table *t, nng_pipe p);
/* REM_POST: forgets the pipe if it was admitted. */
void cn_removed(cn_table *t, nng_pipe p);
/* Logs refusals not yet logged (the watchdog calls it now and then). */
void cn_flush_log(cn_table *t);

/* The open-addressing map behind it, exposed for its unit test: uint64
 * keys (0 is "empty") to int64 values, linear probing, backward-shift
 * deletion, a power-of-two capacity that never grows. */
typedef struct {
    uint64_t *key;
    int64_t *val;
    uint64_t mask;
    uint64_t n;
} cn_map;

bool cn_map_init(cn_map *m, uint64_t min_capacity);
void cn_map_free(cn_map *m);
/* The value's slot, inserted as 0 if absent (NULL when full). */
int64_t *cn_map_ref(cn_map *m, uint64_t key);
int64_t *cn_map_find(const cn_map *m, uint64_t key);
void cn_map_del(cn_map *m, uint64_t key);

#endif
