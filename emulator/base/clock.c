/* Virtual clock; see clock.h. */
#include "base/clock.h"

#include <time.h>

void clock_init(struct clock *c)
{
    __atomic_store_n(&c->offset_ms, 0, __ATOMIC_RELAXED);
}

int64_t clock_real_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clock_now_ms(const struct clock *c)
{
    return clock_real_ms() + __atomic_load_n(&c->offset_ms, __ATOMIC_RELAXED);
}

void clock_advance(struct clock *c, int64_t ms)
{
    if (ms > 0)
        __atomic_fetch_add(&c->offset_ms, ms, __ATOMIC_RELAXED);
}
