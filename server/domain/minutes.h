/* server/domain/minutes.h -- one number per minute over the last hour.
 *
 * The console draws sales and the queue as sparklines of the last hour. The
 * console cannot know the minutes before it opened, so the server keeps
 * them (admin.dashboard "history"). The queue's wait estimate reads how
 * fast active sessions ended lately from one too. Each slot is tagged with the minute it
 * holds (ms / 60000), so a slot left from an hour ago reads as zero
 * without anyone clearing it, and a value that arrives late, or out of
 * order while the database loads, lands in its own minute or nowhere. The
 * domain keys them by steady ms (domain.h, Time): a step of the wall clock
 * neither wipes the hour nor files a sale in the future. */
#ifndef TK_MINUTES_H
#define TK_MINUTES_H

#include <stdint.h>

#define MIN_SLOTS 60

typedef struct {
    int64_t minute[MIN_SLOTS]; /* the minute slot i holds, -1 none */
    int64_t v[MIN_SLOTS];
} min_ring;

void min_init(min_ring *r);
/* Adds n to the minute of at_ms (a count: sales in that minute). */
void min_add(min_ring *r, int64_t at_ms, int64_t n);
/* Raises the minute of at_ms to at least v (a level: the longest queue). */
void min_max(min_ring *r, int64_t at_ms, int64_t v);
/* The MIN_SLOTS minutes ending with now_ms's, oldest first; 0 for a minute
 * nothing was recorded in. */
void min_read(const min_ring *r, int64_t now_ms, int64_t out[MIN_SLOTS]);
/* The sum of the last `minutes` (1..MIN_SLOTS) of them, now_ms's included. */
int64_t min_sum(const min_ring *r, int64_t now_ms, int minutes);

#endif
