/* The emulator's virtual clock: real time plus an offset that the admin API
 * can move forward, so TTL expiry, stream retention and iterator expiry are
 * testable in milliseconds. Every "now" in the emulator comes from here. */
#ifndef DYNALAKE_CLOCK_H
#define DYNALAKE_CLOCK_H

#include <stdint.h>

struct clock {
    int64_t offset_ms; /* added to real time; only ever grows; atomic access */
};

void clock_init(struct clock *c);
int64_t clock_now_ms(const struct clock *c);   /* Unix epoch milliseconds */
void clock_advance(struct clock *c, int64_t ms); /* ms >= 0 */
int64_t clock_real_ms(void);                     /* wall clock, no offset */
int64_t clock_monotonic_ns(void);                /* for measuring durations */

#endif
