/* server/api/ratelimit.h -- token buckets keyed by bytes (a user uuid, a peer).
 *
 * Any thread (a mutex inside; none taken while the limit is off). Buckets count in thousandths of a request so a rate
 * of N per second refills exactly N per 1000 ms without floating point.
 * A bucket that has refilled to full carries no information, so such
 * buckets are dropped whenever the table would grow: memory follows the
 * number of recently busy keys, not every key ever seen. */
#ifndef TK_RATELIMIT_H
#define TK_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RL_KEY_MAX 64

typedef struct rl_table rl_table;

/* rps <= 0 disables the limit (rl_take always allows). burst < 1 -> 1. */
rl_table *rl_new(int64_t rps, int64_t burst);
void rl_free(rl_table *t);
/* Takes one request from key's bucket (keys longer than RL_KEY_MAX are
 * cut). Returns 0 when allowed, else the ms until one would be. now_ms is
 * steady (clock_steady_ms): refills follow time passed, not the wall clock. */
int64_t rl_take(rl_table *t, const void *key, size_t keylen, int64_t now_ms);
bool rl_enabled(const rl_table *t);
/* Buckets currently kept (for tests). */
size_t rl_size(rl_table *t);

#endif
