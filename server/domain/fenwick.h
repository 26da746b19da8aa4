/* server/domain/fenwick.h -- a growable Fenwick (binary indexed) tree of counts.
 *
 * The queue keeps one slot per sequence number holding 1 while that entry
 * still waits; a prefix sum is then the 1-based place in line, in O(log n),
 * with no scan. Capacity is a power of two so growing by doubling keeps
 * every existing node valid (see fw_add). */
#ifndef TK_FENWICK_H
#define TK_FENWICK_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int32_t *t;  /* 1-based: t[i] sums the range (i - lowbit(i), i] */
    size_t cap;  /* power of two (or 0) */
} fenwick;

void fw_init(fenwick *f);
void fw_free(fenwick *f);
/* Adds delta at index i (1-based), growing the tree as needed. -1 on OOM. */
int fw_add(fenwick *f, size_t i, int32_t delta);
/* Sum of indexes 1..i (i beyond the capacity is clamped). */
int64_t fw_prefix(const fenwick *f, size_t i);

#endif
