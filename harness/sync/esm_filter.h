/* Lambda event filtering (FilterCriteria) for the event-source-mapping
 * runner: a record is delivered when it matches any of up to
 * ESM_FILTER_MAX patterns ("Lambda event filtering", Lambda developer
 * guide). A pattern is a JSON object mirroring the record
 * ({"eventName": ["INSERT"], "dynamodb": {"NewImage": {"status": {"S":
 * ["active"]}}}}); each leaf is an array of conditions, any of which may
 * match:
 *   "text", 12, null, true    exact value (a number also matches a DynamoDB
 *                             N string of the same value)
 *   {"prefix": "p"}           string prefix; {"suffix": "s"} likewise
 *   {"equals-ignore-case": "x"}
 *   {"anything-but": [v...]}  or a single value: none of these
 *   {"exists": true|false}    the field is present / absent
 *   {"numeric": [">", 0, "<=", 5]}  one or two comparisons (=, <, <=, >, >=)
 * A leaf matches an array value (a set) when any element matches. */
#ifndef DYNALAKE_ESM_FILTER_H
#define DYNALAKE_ESM_FILTER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* Lambda allows five filters per event source mapping by default. */
#define ESM_FILTER_MAX 5

struct esm_filter {
    cJSON *patterns[ESM_FILTER_MAX]; /* owned */
    size_t n;
};

/* Parses and checks one pattern (the text of a FilterCriteria Pattern) and
 * adds it. Returns -1 with a reason in err for bad JSON, a leaf that is
 * not an array, an unknown operator, or too many filters. */
int esm_filter_add(struct esm_filter *f, const char *pattern, char *err,
                   size_t errlen);

void esm_filter_clear(struct esm_filter *f);

/* True when there are no patterns or record matches one of them. */
bool esm_filter_matches(const struct esm_filter *f, const cJSON *record);

#endif
