/* tests/unit_clock.h -- clocks the test moves by hand, through the seam in
 * common/util (clock_set_source): the wall clock can step like an NTP
 * correction while steady time moves only as far as the test says. The
 * engine reads them from its own thread, hence the atomics. */
#ifndef TK_TEST_UNIT_CLOCK_H
#define TK_TEST_UNIT_CLOCK_H

#include <stdatomic.h>
#include <stdint.h>

#include "common/util.h"

static _Atomic int64_t uc_wall, uc_boot;

static int64_t uc_wall_ms(void) { return atomic_load(&uc_wall); }
static int64_t uc_boot_ms(void) { return atomic_load(&uc_boot); }

/* Installs the hand clocks; the steady line starts at wall_ms. */
static inline void uc_start(int64_t wall_ms, int64_t boot_ms)
{
    atomic_store(&uc_wall, wall_ms);
    atomic_store(&uc_boot, boot_ms);
    clock_set_source(uc_wall_ms, uc_boot_ms);
    (void)clock_steady_ms(); /* fixes the base now, as ticketd's start does */
}

static inline void uc_stop(void) { clock_set_source(NULL, NULL); }

/* ms of time pass: both clocks move. */
static inline void uc_pass(int64_t ms)
{
    atomic_fetch_add(&uc_wall, ms);
    atomic_fetch_add(&uc_boot, ms);
}

/* The wall clock steps by ms (either way); no time passes. */
static inline void uc_step(int64_t ms) { atomic_fetch_add(&uc_wall, ms); }

#endif
