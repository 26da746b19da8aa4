/* server/domain/minutes.c -- see minutes.h. */
#include "server/domain/minutes.h"

#include <stddef.h>

void min_init(min_ring *r)
{
    for (int i = 0; i < MIN_SLOTS; i++) {
        r->minute[i] = -1;
        r->v[i] = 0;
    }
}

/* The slot for at_ms's minute, claimed (zeroed) if it held an older one;
 * NULL when the slot holds a newer minute: at_ms is then more than an hour
 * older than something already recorded, so no read window can show it. */
static int64_t *min_slot(min_ring *r, int64_t at_ms)
{
    if (at_ms < 0)
        return NULL;
    int64_t m = at_ms / 60000;
    int i = (int)(m % MIN_SLOTS);
    if (r->minute[i] > m)
        return NULL;
    if (r->minute[i] < m) {
        r->minute[i] = m;
        r->v[i] = 0;
    }
    return &r->v[i];
}

void min_add(min_ring *r, int64_t at_ms, int64_t n)
{
    int64_t *v = min_slot(r, at_ms);
    if (v)
        *v += n;
}

void min_max(min_ring *r, int64_t at_ms, int64_t v)
{
    int64_t *s = min_slot(r, at_ms);
    if (s && *s < v)
        *s = v;
}

/* The value of minute m, 0 when the ring does not hold it. */
static int64_t min_at(const min_ring *r, int64_t m)
{
    if (m < 0)
        return 0;
    int i = (int)(m % MIN_SLOTS);
    return r->minute[i] == m ? r->v[i] : 0;
}

int64_t min_sum(const min_ring *r, int64_t now_ms, int minutes)
{
    int64_t last = now_ms < 0 ? 0 : now_ms / 60000, sum = 0;
    for (int k = 0; k < minutes && k < MIN_SLOTS; k++)
        sum += min_at(r, last - k);
    return sum;
}

void min_read(const min_ring *r, int64_t now_ms, int64_t out[MIN_SLOTS])
{
    int64_t last = now_ms < 0 ? 0 : now_ms / 60000;
    for (int k = 0; k < MIN_SLOTS; k++)
        out[k] = min_at(r, last - (MIN_SLOTS - 1) + k);
}
