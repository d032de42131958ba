/* Measurement helpers for the load generator: latency samples with
 * percentiles, and CPU time of this process or of another one (the server
 * under test) from /proc. */
#ifndef DYNALAKE_BENCH_STATS_H
#define DYNALAKE_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Latencies in microseconds; a few MB even at 300k requests/s for 3 s, so
 * every sample is kept and percentiles are exact. */
struct stats_samples {
    uint32_t *v; /* owned */
    size_t n;
    size_t cap;
    int is_sorted;
};

void stats_init(struct stats_samples *s);
void stats_clear(struct stats_samples *s);
void stats_add(struct stats_samples *s, uint64_t us);
/* The q-quantile (0 < q < 1) by nearest rank; 0 when empty. Sorts once. */
uint32_t stats_quantile(struct stats_samples *s, double q);

/* Nanoseconds on the monotonic clock. */
uint64_t stats_now_ns(void);
/* User plus system CPU time of pid in microseconds (from /proc/PID/stat,
 * so in clock ticks of 10 ms), or -1 when unreadable. */
int64_t stats_proc_cpu_us(pid_t pid);
/* User plus system CPU time of this process in microseconds. */
int64_t stats_self_cpu_us(void);

#endif
