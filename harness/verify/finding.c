/* Findings; see finding.h. */
#include "verify/finding.h"

#include "base/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void findings_init(struct findings *f)
{
    memset(f, 0, sizeof *f);
}

void findings_clear(struct findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].check);
        free(f->v[i].kind);
        free(f->v[i].subject);
        free(f->v[i].message);
    }
    free(f->v);
    findings_init(f);
}

static struct finding *grow(struct findings *f)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->v = xrealloc(f->v, f->cap * sizeof *f->v);
    }
    struct finding *x = &f->v[f->n++];
    memset(x, 0, sizeof *x);
    return x;
}

void findings_add(struct findings *f, const char *check, const char *kind,
                  const char *subject, const char *fmt, ...)
{
    struct finding *x = grow(f);
    x->check = xstrdup(check);
    x->kind = xstrdup(kind);
    x->subject = subject ? xstrdup(subject) : NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    x->message = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(x->message, (size_t)n + 1, fmt, ap);
    va_end(ap);
}

void findings_move(struct findings *dst, struct findings *src)
{
    for (size_t i = 0; i < src->n; i++)
        *grow(dst) = src->v[i];
    free(src->v);
    findings_init(src);
}

size_t findings_count(const struct findings *f, const char *check)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        if (check == NULL || strcmp(f->v[i].check, check) == 0)
            n++;
    return n;
}
