/* server/minutes.c -- see minutes.h. */
#include "server/minutes.h"

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

int64_t min_sum(const min_ring *r, int64_t now_ms, int minutes)
{
    int64_t v[MIN_SLOTS], sum = 0;
    min_read(r, now_ms, v);
    for (int k = MIN_SLOTS - minutes; k < MIN_SLOTS; k++)
        sum += k >= 0 ? v[k] : 0;
    return sum;
}

void min_read(const min_ring *r, int64_t now_ms, int64_t out[MIN_SLOTS])
{
    int64_t last = now_ms < 0 ? 0 : now_ms / 60000;
    for (int k = 0; k < MIN_SLOTS; k++) {
        int64_t m = last - (MIN_SLOTS - 1) + k;
        int i = m < 0 ? 0 : (int)(m % MIN_SLOTS);
        out[k] = m >= 0 && r->minute[i] == m ? r->v[i] : 0;
    }
}
