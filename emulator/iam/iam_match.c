/* Globs and ARN matching; see iam_match.h. The glob backtracks only to the
 * last '*', which keeps it linear in practice for IAM-sized patterns. */
#include "iam/iam_match.h"

#include <stdint.h>

bool iam_match_glob(struct str p, struct str s)
{
    size_t pi = 0;
    size_t si = 0;
    size_t star_p = SIZE_MAX; /* pattern index just past the last '*' */
    size_t star_s = 0;        /* subject index that '*' was tried at */

    while (si < s.len) {
        if (pi < p.len && p.ptr[pi] == '*') {
            star_p = ++pi;
            star_s = si;
            continue;
        }
        if (pi < p.len) {
            char c = p.ptr[pi];
            size_t step = 1;
            if (c == '\\' && pi + 1 < p.len) {
                c = p.ptr[pi + 1];
                step = 2;
            } else if (c == '?') {
                pi++;
                si++;
                continue;
            }
            if (c == s.ptr[si]) {
                pi += step;
                si++;
                continue;
            }
        }
        if (star_p == SIZE_MAX)
            return false;
        pi = star_p;
        si = ++star_s;
    }
    while (pi < p.len && p.ptr[pi] == '*')
        pi++;
    return pi == p.len;
}

void iam_match_arn_split(struct str text, bool is_pattern, struct iam_arn *out)
{
    size_t start = 0;
    out->n = 0;
    out->end = text.ptr + text.len;
    for (size_t i = 0; i < text.len && out->n < IAM_ARN_SEGMENTS - 1; i++) {
        if (is_pattern && text.ptr[i] == '\\') {
            i++;
            continue;
        }
        if (text.ptr[i] != ':')
            continue;
        out->seg[out->n++] = (struct str){ text.ptr + start, i - start };
        start = i + 1;
    }
    out->seg[out->n++] = (struct str){ text.ptr + start, text.len - start };
}

/* True when the segment ends in a '*' that is not escaped. */
static bool ends_with_star(struct str seg)
{
    if (seg.len == 0 || seg.ptr[seg.len - 1] != '*')
        return false;
    size_t slashes = 0;
    for (size_t i = seg.len - 1; i > 0 && seg.ptr[i - 1] == '\\'; i--)
        slashes++;
    return slashes % 2 == 0;
}

bool iam_match_arn(const struct iam_arn *pat, const struct iam_arn *subject)
{
    for (size_t i = 0; i < pat->n; i++) {
        if (i >= subject->n)
            return false;
        bool is_last = i + 1 == pat->n;
        if (is_last && pat->n < IAM_ARN_SEGMENTS &&
            ends_with_star(pat->seg[i])) {
            const char *from = subject->seg[i].ptr;
            struct str rest = { from, (size_t)(subject->end - from) };
            return iam_match_glob(pat->seg[i], rest);
        }
        if (!iam_match_glob(pat->seg[i], subject->seg[i]))
            return false;
    }
    return pat->n == subject->n;
}

bool iam_match_lower(struct str s, char *out, size_t outlen)
{
    if (s.len >= outlen)
        return false;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[s.len] = '\0';
    return true;
}
