/* cJSON helpers: bounded parsing that rejects trailing garbage, typed
 * case-sensitive getters, and printing into a buf. Numbers from DynamoDB are
 * strings on the wire and never pass through here as doubles. */
#ifndef DYNALAKE_JSON_H
#define DYNALAKE_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Parses exactly len bytes; NULL if they are not one JSON value (trailing
 * non-space bytes included). Accepts what cJSON_ParseWithLengthOpts does
 * and builds the same tree (json_parse.c), followed only by ' ', '\t',
 * '\r', '\n' or '\0'. Caller frees with cJSON_Delete. */
cJSON *json_parse(const char *text, size_t len);

/* Why text cannot be taken as a request body, or NULL when it can: it must
 * be valid UTF-8 and carry no U+0000 (cJSON strings end at the first NUL,
 * so "a\u0000b" would silently become "a"). */
const char *json_text_problem(const char *text, size_t len);

/* Member lookup by exact name; NULL when obj is not an object or lacks it. */
const cJSON *json_get(const cJSON *obj, const char *name);
/* The member's string, or NULL when absent or not a string. */
const char *json_get_string(const cJSON *obj, const char *name);

/* Appends v, unformatted, to b. */
void json_write(struct buf *b, const cJSON *v);
/* Appends s as a JSON string literal (quoted and escaped). */
void json_write_string(struct buf *b, const char *s, size_t len);

/* How many of s's first len bytes a JSON string holds as they are: the
 * length of the run before the first quote, backslash or control
 * character. */
size_t json_plain_length(const char *s, size_t len);

#endif
