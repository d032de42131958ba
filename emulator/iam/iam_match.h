/* Wildcard matching for IAM: globs with * and ?, and ARNs matched segment
 * by segment. Patterns are compiled text from iam_var, in which a backslash
 * makes the next byte literal; subjects are plain request text. Nothing
 * here allocates: it runs for every statement of every request. */
#ifndef DYNALAKE_IAM_MATCH_H
#define DYNALAKE_IAM_MATCH_H

#include "base/str.h"

#include <stdbool.h>
#include <stddef.h>

/* arn:partition:service:region:account:resource, the resource keeping any
 * further colons. */
#define IAM_ARN_SEGMENTS 6

struct iam_arn {
    struct str seg[IAM_ARN_SEGMENTS]; /* borrowed from the split text */
    size_t n;                         /* segments found, 1 to 6 */
    const char *end;                  /* one past the text's last byte */
};

/* True when s matches the pattern p: '*' any run of bytes (':' and '/'
 * included), '?' any one byte, '\x' the byte x. Case-sensitive; callers
 * lower-case both sides for case-insensitive matching. */
bool iam_match_glob(struct str p, struct str s);

/* Splits text at its first five colons. With is_pattern, a backslash
 * escapes the byte after it (so an escaped colon does not split). */
void iam_match_arn_split(struct str text, bool is_pattern, struct iam_arn *out);

/* Matches a split ARN pattern against a split ARN, segment by segment: a
 * wildcard stays inside its segment, except that a pattern shorter than six
 * segments whose last segment ends in '*' matches the rest of the ARN
 * ("If the * wildcard is the last character of a resource ARN segment, it
 * can expand to match beyond the colon boundaries", IAM Resource element
 * docs). The sixth segment holds the rest, colons and slashes included. */
bool iam_match_arn(const struct iam_arn *pat, const struct iam_arn *subject);

/* Lower-cases s into out (size outlen); false when it does not fit. */
bool iam_match_lower(struct str s, char *out, size_t outlen);

#endif
