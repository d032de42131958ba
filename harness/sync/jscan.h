/* A scanner for JSON text in the compact form that json_write and cJSON
 * print: it finds an object's members and the text of their values without
 * building a tree, validating everything it steps over. The sync
 * components read GetRecords pages and landing lines with it, where a tree
 * per record was most of their work.
 *
 * It accepts only a strict subset of what cJSON accepts: no whitespace,
 * string escapes only as json_write writes them (\" \\ \b \f \n \r \t and
 * \u00XX for other control characters) or \/, numbers of at most
 * JSCAN_NUMBER_MAX characters, nesting up to JSCAN_MAX_DEPTH. Anything
 * else, valid JSON or not, is "not scannable": callers then parse the text
 * with cJSON as they always did, so every verdict on unusual text stays
 * cJSON's. A value is "exact" when json_write would print its tree back as
 * the same bytes (no \/, every number an integer that cJSON prints as
 * written), so its text can be copied instead of printed again. */
#ifndef DYNALAKE_JSCAN_H
#define DYNALAKE_JSCAN_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* DynamoDB nests attribute values at most 32 levels deep; a record adds a
 * few levels around its images. */
#define JSCAN_MAX_DEPTH 64
/* Longer numbers are left to cJSON, which reads at most 63 characters. */
#define JSCAN_NUMBER_MAX 32

/* A stretch of borrowed text. */
struct jscan_span {
    const char *p;
    size_t len;
};

/* The end of the value that starts at p (text up to end), or NULL when it
 * is not scannable. *is_exact is cleared when the value is not exact. */
const char *jscan_value(const char *p, const char *end, bool *is_exact);

/* Walks the members of an object or the elements of an array, as a pull
 * parser: the container's end is found by walking it. */
struct jscan_iter {
    const char *p;   /* where the walk stands; past the close once done */
    const char *end; /* of the text the container lies in */
    int depth;       /* of the container */
    bool is_object;
    bool is_first;   /* nothing read yet */
    bool is_done;    /* the close was read */
    bool is_failed;  /* the text is not scannable */
    bool is_exact;   /* every name and value read through it was exact */
};

/* Starts at the object (or array) at p; false when there is none. depth is
 * the container's nesting (0 for a whole document). */
bool jscan_object_open(struct jscan_iter *it, const char *p, const char *end,
                       int depth);
bool jscan_array_open(struct jscan_iter *it, const char *p, const char *end,
                      int depth);

/* The next member's name, as written between the quotes; it->p is then at
 * its value, which the caller reads with jscan_next_value or walks as a
 * container of its own (and then sets it->p past it). False at the end of
 * the object (it->is_done) and on text that is not scannable
 * (it->is_failed: the caller knows nothing about the object). */
bool jscan_object_key(struct jscan_iter *it, struct jscan_span *name);

/* Whether an array has one more element; it->p is then at it, which the
 * caller reads as above. False at the end of the array and on text that
 * is not scannable, as above. */
bool jscan_array_element(struct jscan_iter *it);

/* The value at it->p (after jscan_object_key or jscan_array_element).
 * *is_exact (may be NULL) tells whether the value is exact. */
bool jscan_next_value(struct jscan_iter *it, struct jscan_span *value,
                      bool *is_exact);

/* Both steps at once: the next member of an object, the next element of an
 * array. */
bool jscan_object_next(struct jscan_iter *it, struct jscan_span *name,
                       struct jscan_span *value, bool *is_exact);
bool jscan_array_next(struct jscan_iter *it, struct jscan_span *value,
                      bool *is_exact);

/* True when the object or array at v (all of it) was walked to its close
 * without failing: for callers that stop early, call after the walk. */
bool jscan_is_whole(const struct jscan_iter *it, struct jscan_span v);

/* Whether v is a string; *content (may be NULL) is what lies between its
 * quotes, escapes as written. */
bool jscan_is_string(struct jscan_span v, struct jscan_span *content);

/* Whether v is a number. */
bool jscan_is_number(struct jscan_span v);

/* Whether s holds no backslash, so that the text is the string itself. */
bool jscan_is_plain(struct jscan_span s);

/* Whether s is exactly the C string text. */
bool jscan_equals(struct jscan_span s, const char *text);

/* Compares two plain spans as strcmp compares the strings they hold. */
int jscan_compare(struct jscan_span a, struct jscan_span b);

/* Appends a string's content with its escapes decoded (scannable
 * content only, as jscan_is_string gives it). */
void jscan_unescape(struct buf *out, struct jscan_span content);

#endif
