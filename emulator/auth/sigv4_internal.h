/* What the sigv4 files share and nobody else needs: the algorithm names
 * and the byte-level helpers for hex and percent-escapes. Included only by
 * emulator/auth/sigv4*.c. */
#ifndef DYNALAKE_SIGV4_INTERNAL_H
#define DYNALAKE_SIGV4_INTERNAL_H

#include "base/str.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR "aws4_request"

/* The value of one hex digit, either case; -1 if ch is not one. */
static inline int sigv4_hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Whether ASCII ch is in the set given as a 128-bit mask (bit ch of
 * mask[ch / 64]): one shift per byte, for loops over every byte of a
 * request. */
static inline bool sigv4_in_set(const uint64_t mask[2], unsigned char ch)
{
    return ch < 128 && (mask[ch >> 6] >> (ch & 63) & 1);
}

/* RFC 3986 unreserved characters, which SigV4 never encodes:
 * A-Z a-z 0-9 - . _ ~ */
static inline bool sigv4_is_unreserved(unsigned char ch)
{
    static const uint64_t unreserved[2] = { 0x03ff600000000000ull,
                                            0x47fffffe87fffffeull };
    return sigv4_in_set(unreserved, ch);
}

/* True when s is one or more ASCII digits. */
static inline bool sigv4_is_digits(struct str s)
{
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return false;
    }
    return s.len > 0;
}

/* Reads one byte of s at *i, undoing a %XX escape, and moves *i past it;
 * a '%' without two hex digits stands for itself. '+' stays '+': SigV4
 * clients encode spaces as %20, so a raw '+' was signed as %2B. */
static inline unsigned char sigv4_decode_at(struct str s, size_t *i)
{
    size_t at = *i;
    if (s.ptr[at] == '%' && at + 2 < s.len) {
        int hi = sigv4_hex_value(s.ptr[at + 1]);
        int lo = sigv4_hex_value(s.ptr[at + 2]);
        if (hi >= 0 && lo >= 0) {
            *i = at + 3;
            return (unsigned char)(hi << 4 | lo);
        }
    }
    *i = at + 1;
    return (unsigned char)s.ptr[at];
}

#endif
