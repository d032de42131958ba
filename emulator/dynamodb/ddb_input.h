/* Decoding of DynamoDB request members with AWS's two kinds of complaint:
 * a member of the wrong JSON type is a SerializationException at once,
 * while constraint violations (missing, too long, bad pattern, bad enum)
 * are collected and reported together as AWS does: "2 validation errors
 * detected: Value null at 'tableName' failed to satisfy constraint: Member
 * must not be null; ...". */
#ifndef DYNALAKE_DDB_INPUT_H
#define DYNALAKE_DDB_INPUT_H

#include "base/buf.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

struct call;

struct ddb_errors {
    int n;
    struct buf text; /* "; "-joined constraint messages */
};

void ddb_errors_init(struct ddb_errors *e);
void ddb_errors_clear(struct ddb_errors *e);
/* Adds "Value <value> at '<path>' failed to satisfy constraint: <rule>";
 * value is shown quoted, or as null when NULL. */
void ddb_errors_add(struct ddb_errors *e, const char *value, const char *path,
                    const char *rule);
/* Adds a constraint message as it is, for the rules AWS reports in the
 * same list without the "Value ... at ..." frame. */
void ddb_errors_add_message(struct ddb_errors *e, const char *message);
/* With errors collected: records the ValidationException and returns -1;
 * otherwise 0. Clears e in both cases. */
int ddb_errors_report(struct call *c, struct ddb_errors *e);

/* Typed member access: the member, or NULL when absent or JSON null; -1 with
 * a SerializationException recorded when present with another type. */
int ddb_input_string(struct call *c, const cJSON *obj, const char *member,
                     const char **out);
int ddb_input_object(struct call *c, const cJSON *obj, const char *member,
                     const cJSON **out);
int ddb_input_array(struct call *c, const cJSON *obj, const char *member,
                    const cJSON **out);
int ddb_input_bool(struct call *c, const cJSON *obj, const char *member,
                   bool *out); /* false when absent */
/* A whole number; *present tells whether it was given. */
int ddb_input_integer(struct call *c, const cJSON *obj, const char *member,
                      long long *out, bool *present);

/* Checks value's length against min..max when given, adding AWS's
 * "Member must have length ..." for path otherwise. */
void ddb_input_check_length(struct ddb_errors *e, const char *value,
                            const char *path, size_t min, size_t max);

/* Checks a table or index name (3 to 255 of [a-zA-Z0-9_.-]), adding any
 * violation for path to e. NULL adds "must not be null". */
void ddb_input_check_name(struct ddb_errors *e, const char *name,
                          const char *path);

/* Checks value is one of the NULL-terminated allowed list when given, adding
 * "Member must satisfy enum value set: [A, B]" for path otherwise. */
void ddb_input_check_enum(struct ddb_errors *e, const char *value,
                          const char *path, const char *const *allowed);

/* Records a value-model complaint (from ddb_value or ddb_key) with the
 * exception AWS uses for it: SerializationException for payloads of the
 * wrong JSON kind, ValidationException otherwise. Returns -1. */
int ddb_input_fail_value(struct call *c, const char *message);

#endif
