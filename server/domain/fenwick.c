/* server/domain/fenwick.c -- see fenwick.h. */
#include "server/domain/fenwick.h"

#include <stdlib.h>
#include <string.h>

void fw_init(fenwick *f)
{
    f->t = NULL;
    f->cap = 0;
}

void fw_free(fenwick *f)
{
    free(f->t);
    fw_init(f);
}

/* Doubling from a power of two: nodes 1..cap cover ranges inside the old
 * tree and stay right; new nodes cap+1..2cap-1 cover only new (zero)
 * slots; the single node 2cap covers everything, i.e. the old total. */
static int fw_grow(fenwick *f, size_t need)
{
    size_t cap = f->cap ? f->cap : 1024;
    while (cap < need)
        cap *= 2;
    int32_t *t = realloc(f->t, (cap + 1) * sizeof *t);
    if (!t)
        return -1;
    if (f->cap == 0) {
        memset(t, 0, (cap + 1) * sizeof *t);
    } else {
        for (size_t c = f->cap; c < cap; c *= 2) {
            int32_t total = t[c];
            memset(t + c + 1, 0, c * sizeof *t);
            t[2 * c] = total;
        }
    }
    f->t = t;
    f->cap = cap;
    return 0;
}

int fw_add(fenwick *f, size_t i, int32_t delta)
{
    if (i == 0)
        return -1;
    if (i > f->cap && fw_grow(f, i) < 0)
        return -1;
    for (; i <= f->cap; i += i & (~i + 1))
        f->t[i] += delta;
    return 0;
}

int64_t fw_prefix(const fenwick *f, size_t i)
{
    if (i > f->cap)
        i = f->cap;
    int64_t s = 0;
    for (; i > 0; i -= i & (~i + 1))
        s += f->t[i];
    return s;
}
