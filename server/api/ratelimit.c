/* server/api/ratelimit.c -- see ratelimit.h. Open addressing, linear probing;
 * deletion happens only by rebuilding, which keeps probing simple. */
#include "server/api/ratelimit.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t key[RL_KEY_MAX];
    uint8_t keylen;
    bool used;
    int64_t tokens_m; /* thousandths of a request */
    int64_t last_ms;
} rl_bucket;

struct rl_table {
    pthread_mutex_t mu; /* callers run on the engine and on transport threads */
    int64_t rps, cap_m;
    size_t n, cap; /* cap: a power of two */
    rl_bucket *b;
};

rl_table *rl_new(int64_t rps, int64_t burst)
{
    rl_table *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    pthread_mutex_init(&t->mu, NULL);
    t->rps = rps;
    t->cap_m = (burst < 1 ? 1 : burst) * 1000;
    t->cap = 64;
    t->b = calloc(t->cap, sizeof(rl_bucket));
    if (!t->b) {
        free(t);
        return NULL;
    }
    return t;
}

void rl_free(rl_table *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->mu);
    free(t->b);
    free(t);
}

bool rl_enabled(const rl_table *t) { return t->rps > 0; }

size_t rl_size(rl_table *t)
{
    pthread_mutex_lock(&t->mu);
    size_t n = t->n;
    pthread_mutex_unlock(&t->mu);
    return n;
}

static uint64_t rl_hash(const uint8_t *k, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ k[i]) * 1099511628211ULL;
    return h;
}

static void rl_refill(const rl_table *t, rl_bucket *b, int64_t now_ms)
{
    int64_t el = now_ms - b->last_ms;
    if (el <= 0)
        return; /* the wall clock stepped back: refill nothing, keep going */
    int64_t full_after = t->cap_m / t->rps + 1;
    if (el > full_after)
        el = full_after; /* avoids overflow after a long idle */
    b->tokens_m += el * t->rps;
    if (b->tokens_m > t->cap_m)
        b->tokens_m = t->cap_m;
    b->last_ms = now_ms;
}

static rl_bucket *rl_slot(rl_bucket *tab, size_t cap, const uint8_t *k, size_t n)
{
    size_t i = (size_t)rl_hash(k, n) & (cap - 1);
    while (tab[i].used && !(tab[i].keylen == n && memcmp(tab[i].key, k, n) == 0))
        i = (i + 1) & (cap - 1);
    return &tab[i];
}

/* Rebuilds the table without full buckets, doubling it if still crowded. */
static void rl_rebuild(rl_table *t, int64_t now_ms)
{
    size_t live = 0;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->b[i].used)
            continue;
        rl_refill(t, &t->b[i], now_ms);
        if (t->b[i].tokens_m < t->cap_m)
            live++;
    }
    size_t ncap = t->cap;
    while (live * 4 >= ncap)
        ncap *= 2;
    rl_bucket *nb = calloc(ncap, sizeof(rl_bucket));
    if (!nb)
        return; /* keep the old table; it still works, only fuller */
    for (size_t i = 0; i < t->cap; i++) {
        rl_bucket *o = &t->b[i];
        if (o->used && o->tokens_m < t->cap_m)
            *rl_slot(nb, ncap, o->key, o->keylen) = *o;
    }
    free(t->b);
    t->b = nb;
    t->cap = ncap;
    t->n = live;
}

static int64_t rl_take_locked(rl_table *t, const void *key, size_t keylen, int64_t now_ms)
{
    if (keylen > RL_KEY_MAX)
        keylen = RL_KEY_MAX;
    if ((t->n + 1) * 2 > t->cap)
        rl_rebuild(t, now_ms);
    rl_bucket *b = rl_slot(t->b, t->cap, key, keylen);
    if (!b->used) {
        if ((t->n + 1) >= t->cap)
            return 0; /* out of memory and full: fail open rather than lock out */
        b->used = true;
        memcpy(b->key, key, keylen);
        b->keylen = (uint8_t)keylen;
        b->tokens_m = t->cap_m;
        b->last_ms = now_ms;
        t->n++;
    }
    rl_refill(t, b, now_ms);
    if (b->tokens_m >= 1000) {
        b->tokens_m -= 1000;
        return 0;
    }
    return (1000 - b->tokens_m + t->rps - 1) / t->rps;
}

int64_t rl_take(rl_table *t, const void *key, size_t keylen, int64_t now_ms)
{
    if (t->rps <= 0)
        return 0; /* rps never changes after rl_new: no lock needed to see it */
    pthread_mutex_lock(&t->mu);
    int64_t wait = rl_take_locked(t, key, keylen, now_ms);
    pthread_mutex_unlock(&t->mu);
    return wait;
}
