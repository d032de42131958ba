/* Typed condition values: numbers, dates (ISO 8601 or epoch seconds) and
 * IP addresses or CIDR blocks (v4 and v6). Policy values are parsed once at
 * compile time, request values per evaluation, with no allocation. */
#ifndef DYNALAKE_IAM_VALUE_H
#define DYNALAKE_IAM_VALUE_H

#include "base/str.h"

#include <stdbool.h>
#include <stdint.h>

struct iam_cidr {
    uint8_t addr[16]; /* network byte order; v4 uses the first 4 bytes */
    uint8_t bits;     /* prefix length: 0-32 for v4, 0-128 for v6 */
    bool is_v6;
};

/* A decimal number ("10", "-2.5", "1e3"); -1 when s is not one. */
int iam_value_number(struct str s, double *out);

/* A date as Unix epoch milliseconds: "2024-01-31", "2024-01-31T12:00Z",
 * "2024-01-31T12:00:00.250+02:00", or whole epoch seconds ("1706702400").
 * -1 when s is none of these or names an impossible date or time. */
int iam_value_date(struct str s, int64_t *ms);

/* An address with an optional "/bits" suffix; without it the block is the
 * single address. -1 when s is not one. */
int iam_value_cidr(struct str s, struct iam_cidr *out);

/* True when addr (a plain address, no prefix) lies inside block. */
bool iam_value_in_cidr(const struct iam_cidr *block,
                       const struct iam_cidr *addr);

#endif
