/* Policy text compiled for matching, with policy variables: "${aws:username}",
 * "${aws:PrincipalTag/team, 'none'}" and the escapes "${*}", "${?}", "${$}".
 * Compiled once when a policy is parsed; expanded per request into a
 * caller's stack buffer, so evaluation allocates nothing. */
#ifndef DYNALAKE_IAM_VAR_H
#define DYNALAKE_IAM_VAR_H

#include "base/str.h"

#include <stdbool.h>
#include <stddef.h>

struct iam_context;

/* The longest expanded text: IAM caps a managed policy at 6,144 characters,
 * so no single value can legitimately expand past a few times that. */
#define IAM_VAR_MAX_EXPANDED 8192

/* What the compiled text is for: PLAIN text is compared whole; GLOB text
 * is matched with '*' and '?' as wildcards and '\' escaping the next byte,
 * so substituted values and escapes like "${*}" stay literal. */
enum iam_var_mode { IAM_VAR_PLAIN, IAM_VAR_GLOB };

/* Where compiled text never substitutes variables (Version 2008-10-17). */
#define IAM_VAR_NONE ((size_t)-1)

struct iam_var_part {
    size_t off, len;           /* literal text, or the key name, in text */
    size_t dflt_off, dflt_len; /* the default value (raw) when has_default */
    bool is_var;               /* else a literal run, already escaped */
    bool has_default;          /* "${key, 'default'}" */
    bool is_bad;               /* malformed "${...}": never resolves */
};

struct iam_pattern {
    char *text;                 /* owned, NUL-terminated: the compiled text,
                                   or the storage parts point into */
    size_t len;                 /* of the compiled text when parts is NULL */
    struct iam_var_part *parts; /* owned; NULL when there are no variables */
    size_t n_parts;
    enum iam_var_mode mode;
};

/* Compiles text[0..len). Variables are recognised only at or after byte
 * vars_from (IAM_VAR_NONE: nowhere), since AWS substitutes them only in the
 * resource part of a Resource ARN and only in 2012-10-17 policies. Clear
 * with iam_var_clear. */
void iam_var_compile(struct iam_pattern *p, const char *text, size_t len,
                     enum iam_var_mode mode, size_t vars_from);
void iam_var_clear(struct iam_pattern *p);

/* True when the pattern holds variables. */
bool iam_var_has_vars(const struct iam_pattern *p);

/* Puts the text to match in *out: the compiled text itself when it has no
 * variables, else its expansion into buf (size buflen) using ctx. Returns
 * -1 when a variable has no single value in ctx and no default ("the value
 * is effectively null", IAM variables docs), or when buf is too small. */
int iam_var_expand(const struct iam_pattern *p, const struct iam_context *ctx,
                   char *buf, size_t buflen, struct str *out);

#endif
