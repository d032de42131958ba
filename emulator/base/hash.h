/* A fast non-cryptographic hash for in-memory tables keyed by strings.
 * Not for anything an attacker could exploit beyond slowing a chain. */
#ifndef DYNALAKE_HASH_H
#define DYNALAKE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Mixes n bytes of s into h eight at a time: the tables that use it hash
 * on every request, and a byte-at-a-time hash showed in profiles. */
static inline uint64_t hash_mix(uint64_t h, const char *s, size_t n)
{
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    uint64_t tail = 0;
    if (n)
        memcpy(&tail, s, n);
    h = (h ^ tail ^ ((uint64_t)n << 56)) * k;
    return h ^ (h >> 29);
}

#endif
