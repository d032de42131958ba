/* Reading the aws-c-auth SigV4 test vectors, shared by the verifier's
 * tests (test_sigv4.c) and the signer's (test_aws_sign.c). The vectors live
 * in ../shared/vectors/sigv4 from the repository root, or wherever
 * DYNALAKE_SIGV4_VECTORS points (the directory that holds aws-c-auth-v4/).
 * Include after cmocka.h. */
#ifndef DYNALAKE_TEST_SIGV4_VECTORS_H
#define DYNALAKE_TEST_SIGV4_VECTORS_H

#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline const char *vectors_root(void)
{
    const char *env = getenv("DYNALAKE_SIGV4_VECTORS");
    return env && *env ? env : "../shared/vectors/sigv4";
}

/* The path of a vector's file, or of its directory when file is NULL. */
static inline void vector_path(char *out, size_t outlen, const char *name,
                               const char *file)
{
    int n = snprintf(out, outlen, "%s/aws-c-auth-v4/%s%s%s", vectors_root(),
                     name, file ? "/" : "", file ? file : "");
    assert_true(n > 0 && (size_t)n < outlen);
}

/* The whole file, NUL-terminated; the caller frees it. Fails the test when
 * the file cannot be read, naming it, so a wrong vectors path is obvious. */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot read %s (set DYNALAKE_SIGV4_VECTORS)", path);
    struct buf b;
    char chunk[4096];
    size_t n;
    buf_init(&b, 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, len);
}

/* One of a vector's files, whole; the caller frees it. */
static inline char *vector_file(const char *name, const char *file,
                                size_t *len)
{
    char path[1024];
    vector_path(path, sizeof path, name, file);
    return slurp(path, len);
}

/* A vector's expected text, without the final newline some files have. */
static inline char *expected_text(const char *name, const char *file)
{
    size_t len;
    char *text = vector_file(name, file, &len);
    if (len > 0 && text[len - 1] == '\n')
        text[len - 1] = '\0';
    return text;
}

/* context.json's "timestamp", "2015-08-30T12:36:00Z", as Unix seconds. */
static inline time_t vector_timestamp(const char *s)
{
    struct tm tm = { 0 };
    assert_int_equal(sscanf(s, "%d-%d-%dT%d:%d:%dZ", &tm.tm_year, &tm.tm_mon,
                            &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec),
                     6);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

/* Obsolete line folding: a header line starting with a blank continues the
 * previous one, and a server may read the fold as one space (RFC 9112). */
static inline void unfold(char *head)
{
    for (char *p = strchr(head, '\n'); p; p = strchr(p + 1, '\n')) {
        if (p[1] == '\n')
            return;
        if (p[1] == ' ' || p[1] == '\t')
            *p = ' ';
    }
}

#endif
