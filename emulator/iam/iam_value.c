/* Typed condition values; see iam_value.h. Dates are converted with the
 * days-from-civil algorithm rather than timegm(), which is neither C11 nor
 * POSIX and would read the process time zone. */
#include "iam/iam_value.h"

#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Long enough for any textual IPv6 address with a prefix. */
#define IP_TEXT_MAX 64
#define NUMBER_TEXT_MAX 64

int iam_value_number(struct str s, double *out)
{
    char text[NUMBER_TEXT_MAX];
    char *end = NULL;
    if (s.len == 0 || !str_copy(s, text, sizeof text))
        return -1;
    for (size_t i = 0; i < s.len; i++)
        if (!strchr("0123456789+-.eE", text[i]))
            return -1; /* strtod would also take "inf", "nan" and hex */
    *out = strtod(text, &end);
    return end == text + s.len && isfinite(*out) ? 0 : -1;
}

/* Reads exactly n digits at *i. */
static bool digits(struct str s, size_t *i, size_t n, int *out)
{
    int v = 0;
    if (*i + n > s.len)
        return false;
    for (size_t k = 0; k < n; k++) {
        char c = s.ptr[*i + k];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *i += n;
    *out = v;
    return true;
}

static bool take(struct str s, size_t *i, char c)
{
    bool is_letter = c >= 'A' && c <= 'Z';
    if (*i < s.len && (s.ptr[*i] == c || (is_letter && s.ptr[*i] == c + 32))) {
        (*i)++;
        return true;
    }
    return false;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* "hh:mm[:ss[.fff]]" into milliseconds of the day. */
static bool parse_time(struct str s, size_t *i, int64_t *ms)
{
    int h, m, sec = 0, frac = 0;
    if (!digits(s, i, 2, &h) || !take(s, i, ':') || !digits(s, i, 2, &m))
        return false;
    if (take(s, i, ':') && !digits(s, i, 2, &sec))
        return false;
    if (take(s, i, '.')) {
        size_t start = *i;
        int scale = 100;
        for (; *i < s.len && s.ptr[*i] >= '0' && s.ptr[*i] <= '9'; (*i)++) {
            frac += (s.ptr[*i] - '0') * scale;
            scale /= 10;
        }
        if (*i == start)
            return false;
    }
    if (h > 23 || m > 59 || sec > 59)
        return false;
    *ms = ((int64_t)h * 3600 + m * 60 + sec) * 1000 + frac;
    return true;
}

/* "Z", "+hh:mm", "+hhmm", "+hh" or nothing (UTC), as an offset in ms. */
static bool parse_zone(struct str s, size_t *i, int64_t *offset_ms)
{
    *offset_ms = 0;
    if (*i == s.len || take(s, i, 'Z'))
        return *i == s.len;
    char sign = s.ptr[*i];
    int h, m = 0;
    (*i)++;
    if ((sign != '+' && sign != '-') || !digits(s, i, 2, &h))
        return false;
    take(s, i, ':');
    if (*i < s.len && !digits(s, i, 2, &m))
        return false;
    if (*i != s.len || h > 23 || m > 59)
        return false;
    *offset_ms = ((int64_t)h * 60 + m) * 60000 * (sign == '-' ? -1 : 1);
    return true;
}

static int parse_epoch(struct str s, int64_t *ms)
{
    int64_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9' || v > INT64_MAX / 10000)
            return -1;
        v = v * 10 + (s.ptr[i] - '0');
    }
    *ms = v * 1000;
    return 0;
}

int iam_value_date(struct str s, int64_t *ms)
{
    size_t i = 0;
    int y, mo, d;
    int64_t tod = 0, offset = 0;
    if (s.len == 0)
        return -1;
    if (memchr(s.ptr, '-', s.len) == NULL && memchr(s.ptr, 'T', s.len) == NULL)
        return parse_epoch(s, ms);
    if (!digits(s, &i, 4, &y) || !take(s, &i, '-') || !digits(s, &i, 2, &mo) ||
        !take(s, &i, '-') || !digits(s, &i, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    if (take(s, &i, 'T') && !parse_time(s, &i, &tod))
        return -1;
    if (!parse_zone(s, &i, &offset))
        return -1;
    *ms = days_from_civil(y, mo, d) * 86400000 + tod - offset;
    return 0;
}

int iam_value_cidr(struct str s, struct iam_cidr *out)
{
    char text[IP_TEXT_MAX];
    struct str addr;
    bool has_bits = str_cut(&s, '/', &addr);
    if (!str_copy(addr, text, sizeof text))
        return -1;
    memset(out, 0, sizeof *out);
    out->is_v6 = strchr(text, ':') != NULL;
    if (inet_pton(out->is_v6 ? AF_INET6 : AF_INET, text, out->addr) != 1)
        return -1;
    int max = out->is_v6 ? 128 : 32;
    int bits = max;
    if (has_bits) {
        size_t i = 0;
        bits = 0;
        if (s.len == 0 || s.len > 3)
            return -1;
        for (; i < s.len; i++) {
            if (s.ptr[i] < '0' || s.ptr[i] > '9')
                return -1;
            bits = bits * 10 + (s.ptr[i] - '0');
        }
    }
    if (bits > max)
        return -1;
    out->bits = (uint8_t)bits;
    return 0;
}

bool iam_value_in_cidr(const struct iam_cidr *block,
                       const struct iam_cidr *addr)
{
    if (block->is_v6 != addr->is_v6)
        return false;
    size_t whole = block->bits / 8;
    if (memcmp(block->addr, addr->addr, whole) != 0)
        return false;
    unsigned rest = block->bits % 8;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xFF << (8 - rest));
    return (block->addr[whole] & mask) == (addr->addr[whole] & mask);
}
