/* DynamoDB numbers as decimal text: one scanner turns any accepted spelling
 * into sign, significant digits and the power of ten of the first digit;
 * canonical text, comparison, exact sums and key bytes are all built from
 * that form, so no value ever passes through a double. Callers own the AWS
 * error type; this module only supplies AWS's message text. */
#include "dynamodb/ddb_number.h"

#include "base/buf.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Power of ten of the leading digit: AWS documents magnitudes from 1E-130
 * to 9.9999999999999999999999999999999999999E+125 ("Naming rules and data
 * types"), so a number is in range when that power lies in [-130, 125]. */
#define EXP_MAX 125
#define EXP_MIN (-130)

/* Exponents written in the text are clamped here while scanning, so that a
 * hostile "1e99999999999999999999" cannot overflow; anything this far out
 * fails the range check anyway. */
#define EXP_CLAMP 1000000000LL

/* Slots for exact sums, indexed by power of ten: one above EXP_MAX for a
 * carry, down to the 38th digit of a number whose first digit is at
 * EXP_MIN. */
#define SLOT_HIGH (EXP_MAX + 1)
#define SLOT_LOW (EXP_MIN - DDB_NUMBER_MAX_DIGITS + 1)
#define SLOT_COUNT (SLOT_HIGH - SLOT_LOW + 1)

/* Key encoding class bytes: negatives sort before zero, zero before
 * positives. */
#define KEY_NEGATIVE 0x01
#define KEY_ZERO 0x02
#define KEY_POSITIVE 0x03

#define MSG_NOT_NUMERIC "The parameter cannot be converted to a numeric value"
#define MSG_DIGITS \
    "Attempting to store more than 38 significant digits in a Number"
#define MSG_OVERFLOW                                                     \
    "Number overflow. Attempting to store a number with magnitude larger " \
    "than supported range"
#define MSG_UNDERFLOW                                                     \
    "Number underflow. Attempting to store a number with magnitude smaller " \
    "than supported range"

/* A number as scanned: value = 0.d1d2... * 10^(exp + 1), i.e. dig[0] is the
 * digit of 10^exp. Zero has ndig 0 and is never negative. */
struct dec {
    bool neg;
    long long ndig;                    /* significant digits, may exceed 38 */
    long long exp;                     /* power of ten of dig[0] */
    char dig[DDB_NUMBER_MAX_DIGITS];   /* '0'..'9', the first 38 only */
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Scans an optional exponent ("e", optional sign, digits) at s[*i]. */
static int scan_exponent(const char *s, size_t len, size_t *i, long long *e)
{
    bool neg = false;
    *e = 0;
    if (*i == len || (s[*i] != 'e' && s[*i] != 'E'))
        return 0;
    (*i)++;
    if (*i < len && (s[*i] == '+' || s[*i] == '-'))
        neg = s[(*i)++] == '-';
    if (*i == len || !is_digit(s[*i]))
        return -1;
    for (; *i < len && is_digit(s[*i]); (*i)++) {
        if (*e < EXP_CLAMP)
            *e = *e * 10 + (s[*i] - '0');
    }
    if (neg)
        *e = -*e;
    return 0;
}

/* Scans the digits and point of the mantissa at s[*i], filling d's digits
 * and leaving in *point the count of digits before the point. Returns the
 * count of mantissa digits. */
static long long scan_mantissa(const char *s, size_t len, size_t *i,
                               struct dec *d, long long *point)
{
    long long pos = 0;
    long long first = -1;
    long long last = -1;
    *point = -1;
    for (; *i < len; (*i)++) {
        char ch = s[*i];
        if (ch == '.' && *point < 0) {
            *point = pos;
            continue;
        }
        if (!is_digit(ch))
            break;
        if (ch != '0' && first < 0)
            first = pos;
        if (ch != '0')
            last = pos;
        if (first >= 0 && pos - first < DDB_NUMBER_MAX_DIGITS)
            d->dig[pos - first] = ch;
        pos++;
    }
    if (*point < 0)
        *point = pos;
    d->ndig = first < 0 ? 0 : last - first + 1;
    d->exp = first < 0 ? 0 : *point - first - 1;
    return pos;
}

/* Java BigDecimal syntax, as DynamoDB accepts it: [+-] digits with at most
 * one point and at least one digit, then an optional exponent. No spaces,
 * no NaN or Infinity (see scylladb test/alternator/test_number.py, which
 * was checked against AWS). */
static int scan(const char *s, size_t len, struct dec *d)
{
    size_t i = 0;
    long long point;
    long long e;
    memset(d, 0, sizeof *d);
    if (i < len && (s[i] == '+' || s[i] == '-'))
        d->neg = s[i++] == '-';
    if (scan_mantissa(s, len, &i, d, &point) == 0)
        return -1;
    if (scan_exponent(s, len, &i, &e) < 0 || i != len)
        return -1;
    if (d->ndig == 0) {
        d->neg = false;
        return 0;
    }
    d->exp += e;
    return 0;
}

/* Scans and range-checks, in the order DynamoDB reports problems:
 * syntax, overflow, underflow, then precision. */
static int load(const char *text, size_t len, struct dec *d, char *err,
                size_t errlen)
{
    if (len == 0)
        return fail(err, errlen, MSG_NOT_NUMERIC);
    if (scan(text, len, d) < 0) {
        int shown = len > 4096 ? 4096 : (int)len;
        return fail(err, errlen, MSG_NOT_NUMERIC ": %.*s", shown, text);
    }
    if (d->ndig == 0)
        return 0;
    if (d->exp > EXP_MAX)
        return fail(err, errlen, MSG_OVERFLOW);
    if (d->exp < EXP_MIN)
        return fail(err, errlen, MSG_UNDERFLOW);
    if (d->ndig > DDB_NUMBER_MAX_DIGITS)
        return fail(err, errlen, MSG_DIGITS);
    return 0;
}

/* Writes d (in range, at most 38 digits) as plain decimal text. */
static void format(const struct dec *d, char *out)
{
    char *p = out;
    int n = (int)d->ndig;
    int e = (int)d->exp;
    if (n == 0) {
        strcpy(out, "0");
        return;
    }
    if (d->neg)
        *p++ = '-';
    if (e < 0) {
        *p++ = '0';
        *p++ = '.';
        for (int k = 0; k < -e - 1; k++)
            *p++ = '0';
        memcpy(p, d->dig, (size_t)n);
        p += n;
    } else {
        for (int k = 0; k <= e; k++)
            *p++ = k < n ? d->dig[k] : '0';
        if (n > e + 1) {
            *p++ = '.';
            memcpy(p, d->dig + e + 1, (size_t)(n - e - 1));
            p += n - e - 1;
        }
    }
    *p = '\0';
}

int ddb_number_canonical(const char *text, size_t len, char *out,
                         char *err, size_t errlen)
{
    struct dec d;
    if (load(text, len, &d, err, errlen) < 0)
        return -1;
    format(&d, out);
    return 0;
}

/* Magnitude order of two nonzero numbers. */
static int compare_magnitude(const struct dec *a, const struct dec *b)
{
    if (a->exp != b->exp)
        return a->exp < b->exp ? -1 : 1;
    long long n = a->ndig < b->ndig ? a->ndig : b->ndig;
    if (n > DDB_NUMBER_MAX_DIGITS)
        n = DDB_NUMBER_MAX_DIGITS;
    int c = memcmp(a->dig, b->dig, (size_t)n);
    if (c != 0)
        return c < 0 ? -1 : 1;
    if (a->ndig != b->ndig)
        return a->ndig < b->ndig ? -1 : 1;
    return 0;
}

static int sign_of(const struct dec *d)
{
    if (d->ndig == 0)
        return 0;
    return d->neg ? -1 : 1;
}

int ddb_number_compare(const char *a, const char *b)
{
    struct dec x;
    struct dec y;
    int rc = scan(a, strlen(a), &x);
    rc |= scan(b, strlen(b), &y);
    assert(rc == 0);
    (void)rc;
    int sx = sign_of(&x);
    int sy = sign_of(&y);
    if (sx != sy)
        return sx < sy ? -1 : 1;
    if (sx == 0)
        return 0;
    int m = compare_magnitude(&x, &y);
    return sx < 0 ? -m : m;
}

/* Lays d's digits into slots, slot i holding the digit of 10^(SLOT_HIGH-i). */
static void spread(const struct dec *d, signed char *slots)
{
    memset(slots, 0, SLOT_COUNT);
    for (long long k = 0; k < d->ndig; k++)
        slots[SLOT_HIGH - (d->exp - k)] = (signed char)(d->dig[k] - '0');
}

/* a += b (is_sub false) or a -= b, with |a| >= |b| when subtracting. */
static void slots_combine(signed char *a, const signed char *b, bool is_sub)
{
    int carry = 0;
    for (int i = SLOT_COUNT - 1; i >= 0; i--) {
        int v = a[i] + (is_sub ? -b[i] : b[i]) + carry;
        carry = 0;
        if (v >= 10) {
            v -= 10;
            carry = 1;
        } else if (v < 0) {
            v += 10;
            carry = -1;
        }
        a[i] = (signed char)v;
    }
    assert(carry == 0);
}

/* Reads slots back into d and applies DynamoDB's limits to the result. */
static int gather(const signed char *slots, bool neg, struct dec *d,
                  char *err, size_t errlen)
{
    int first = 0;
    int last = SLOT_COUNT - 1;
    memset(d, 0, sizeof *d);
    while (first < SLOT_COUNT && slots[first] == 0)
        first++;
    if (first == SLOT_COUNT)
        return 0;
    while (slots[last] == 0)
        last--;
    d->neg = neg;
    d->exp = SLOT_HIGH - first;
    d->ndig = last - first + 1;
    if (d->exp > EXP_MAX)
        return fail(err, errlen, MSG_OVERFLOW);
    /* A sum that needs more than 38 digits (1E+50 + 1) is reported by AWS
     * as an overflow, not as a precision error; scylladb's
     * test_update_expression_plus_imprecise records this against AWS. */
    if (d->ndig > DDB_NUMBER_MAX_DIGITS)
        return fail(err, errlen, MSG_OVERFLOW);
    if (d->exp < EXP_MIN)
        return fail(err, errlen, MSG_UNDERFLOW);
    for (int k = 0; k < d->ndig; k++)
        d->dig[k] = (char)('0' + slots[first + k]);
    return 0;
}

/* out = a + b, with b's sign flipped first when negate_b. */
static int combine(const char *a, const char *b, bool negate_b, char *out,
                   char *err, size_t errlen)
{
    struct dec x;
    struct dec y;
    struct dec r;
    signed char sx[SLOT_COUNT];
    signed char sy[SLOT_COUNT];
    if (load(a, strlen(a), &x, err, errlen) < 0 ||
        load(b, strlen(b), &y, err, errlen) < 0)
        return -1;
    if (negate_b && y.ndig != 0)
        y.neg = !y.neg;
    bool same_sign = x.neg == y.neg || y.ndig == 0 || x.ndig == 0;
    bool y_bigger = x.ndig == 0 ||
                    (y.ndig != 0 && compare_magnitude(&x, &y) < 0);
    const struct dec *big = y_bigger ? &y : &x;
    const struct dec *small = y_bigger ? &x : &y;
    spread(big, sx);
    spread(small, sy);
    slots_combine(sx, sy, !same_sign);
    if (gather(sx, big->neg, &r, err, errlen) < 0)
        return -1;
    format(&r, out);
    return 0;
}

int ddb_number_add(const char *a, const char *b, char *out, char *err,
                   size_t errlen)
{
    return combine(a, b, false, out, err, errlen);
}

int ddb_number_subtract(const char *a, const char *b, char *out, char *err,
                        size_t errlen)
{
    return combine(a, b, true, out, err, errlen);
}

/* Layout: class byte; then for nonzero numbers the exponent (biased into
 * 0..255) and the digits in pairs, each pair p as p + 1 (1..100), ended by
 * 0. A missing digit in the last pair counts as 0, which is harmless: with
 * no trailing zeros, two different digit strings still differ before the
 * terminator, and the terminator sorts a true prefix first. Negative
 * numbers invert every byte after the class byte, so larger magnitudes
 * sort first and the terminator (0xFF) sorts a prefix last. The encoding is
 * self-delimiting, so it can be followed by other key parts. */
void ddb_number_encode_key(const char *canonical, struct buf *out)
{
    struct dec d;
    int rc = scan(canonical, strlen(canonical), &d);
    assert(rc == 0 && d.exp >= EXP_MIN && d.exp <= EXP_MAX);
    assert(d.ndig <= DDB_NUMBER_MAX_DIGITS);
    (void)rc;
    if (d.ndig == 0) {
        buf_putc(out, (char)KEY_ZERO);
        return;
    }
    unsigned char flip = d.neg ? 0xFF : 0x00;
    unsigned char bytes[2 + DDB_NUMBER_MAX_DIGITS / 2 + 1];
    size_t n = 0;
    bytes[n++] = d.neg ? KEY_NEGATIVE : KEY_POSITIVE;
    bytes[n++] = (unsigned char)((d.exp - EXP_MIN) ^ flip);
    for (long long k = 0; k < d.ndig; k += 2) {
        int hi = d.dig[k] - '0';
        int lo = k + 1 < d.ndig ? d.dig[k + 1] - '0' : 0;
        bytes[n++] = (unsigned char)((hi * 10 + lo + 1) ^ flip);
    }
    bytes[n++] = flip;
    buf_append(out, bytes, n);
}
