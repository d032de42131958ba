/* What json_parse must equal, and the comparison that says whether it does:
 * json_reference_parse is the parse json_parse replaced (cJSON's own,
 * then the trailing check), and json_compare walks two trees side by side.
 * Shared by tests/unit/test_json_parse.c and tests/fuzz/fuzz_json_parse.c;
 * it needs nothing from CMocka. */
#ifndef DYNALAKE_TEST_JSON_COMPARE_H
#define DYNALAKE_TEST_JSON_COMPARE_H

#include "base/json.h"
#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

/* cJSON_ParseWithLengthOpts on len bytes, followed only by ' ', '\t',
 * '\r', '\n' or '\0'. The bytes are copied with a NUL after them: after
 * "{...," at the very end cJSON reads the byte past len (it fails either
 * way), and the server's bodies always have that NUL. */
static inline cJSON *json_reference_parse(const char *text, size_t len)
{
    if (text == NULL || len == 0)
        return NULL;
    char *copy = xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(copy, len, &end, false);
    if (v != NULL) {
        while (end < copy + len && (*end == ' ' || *end == '\t' ||
                                    *end == '\r' || *end == '\n' ||
                                    *end == '\0'))
            end++;
        if (end != copy + len) {
            cJSON_Delete(v);
            v = NULL;
        }
    }
    free(copy);
    return v;
}

/* Whether two C strings are both NULL or equal up to their NUL (a string
 * holding \u0000 ends there in both trees). */
static inline bool json_same_text(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Whether the list from head is linked as cJSON links it: each next's prev
 * is the node before it, and the first's prev is the last. */
static inline bool json_is_linked(const cJSON *head)
{
    if (head == NULL)
        return true;
    const cJSON *last = head;
    while (last->next != NULL) {
        if (last->next->prev != last)
            return false;
        last = last->next;
    }
    return head->prev == last;
}

static inline const char *json_compare_node(const cJSON *a, const cJSON *b);

/* The children of a and b, pair by pair, and their links. */
static inline const char *json_compare_children(const cJSON *a,
                                                const cJSON *b)
{
    if (!json_is_linked(a->child))
        return "children linked unlike cJSON's (next/prev, head->prev)";
    const cJSON *x = a->child;
    const cJSON *y = b->child;
    for (; x != NULL && y != NULL; x = x->next, y = y->next) {
        const char *why = json_compare_node(x, y);
        if (why != NULL)
            return why;
    }
    return x == NULL && y == NULL ? NULL : "child count";
}

/* Why node a differs from node b, or NULL when they are the same. */
static inline const char *json_compare_node(const cJSON *a, const cJSON *b)
{
    if (a->type != b->type)
        return "type";
    if (!json_same_text(a->string, b->string))
        return "string (member name)";
    if (!json_same_text(a->valuestring, b->valuestring))
        return "valuestring";
    if (memcmp(&a->valuedouble, &b->valuedouble, sizeof a->valuedouble))
        return "valuedouble";
    if (a->valueint != b->valueint)
        return "valueint";
    return json_compare_children(a, b);
}

/* Why tree a (json_parse's) differs from tree b (the reference's), or
 * NULL when both are NULL or the same tree. */
static inline const char *json_compare(const cJSON *a, const cJSON *b)
{
    if (a == NULL || b == NULL)
        return a == b ? NULL : a == NULL ? "refused what cJSON accepts"
                                         : "accepted what cJSON refuses";
    if (a->next != NULL || a->prev != NULL || a->string != NULL)
        return "root has siblings or a name";
    return json_compare_node(a, b);
}

#endif
