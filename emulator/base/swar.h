/* Eight bytes at a time: tests on a 64-bit word of text that say whether
 * any of its bytes is of a kind, so that scanners step over plain runs a
 * word at a time and look at single bytes only where something is. Each
 * test is the classic "has a zero byte" one, exact as to whether such a
 * byte exists (not as to which). */
#ifndef DYNALAKE_BASE_SWAR_H
#define DYNALAKE_BASE_SWAR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define SWAR_ONES UINT64_C(0x0101010101010101)
#define SWAR_HIGHS UINT64_C(0x8080808080808080)

/* The 8 bytes at p, in memory order whatever the alignment. */
static inline uint64_t swar_load(const void *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* Whether a byte of w is below n (n at most 128). */
static inline bool swar_has_below(uint64_t w, unsigned char n)
{
    return ((w - SWAR_ONES * n) & ~w & SWAR_HIGHS) != 0;
}

/* Whether a byte of w is c. */
static inline bool swar_has(uint64_t w, unsigned char c)
{
    return swar_has_below(w ^ (SWAR_ONES * c), 1);
}

/* Whether a byte of w is not ASCII. */
static inline bool swar_has_high(uint64_t w)
{
    return (w & SWAR_HIGHS) != 0;
}

#endif
