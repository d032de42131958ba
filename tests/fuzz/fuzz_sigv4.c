/* libFuzzer target for SigV4 (sigv4.h): sigv4_parse on fuzzed headers and
 * query strings, then sigv4_verify on whatever parses, at the signed time
 * (so the canonical request is built and hashed) and at a fixed time (so
 * the skew and expiry checks run). The input is text lines:
 *   flags byte (bit 0: S3 rules), method, path, query, payload hash,
 * then headers as "name:value" lines. Slices are not NUL-terminated, as
 * in the server, so reads past a slice's end show up under ASan. */
#include "auth/sigv4.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HEADERS 64

/* The next line of [*p, end) as a slice pointing into a private copy. */
static struct str next_line(const char **p, const char *end)
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    struct str s = { .ptr = *p, .len = (size_t)((nl ? nl : end) - *p) };
    *p = nl ? nl + 1 : end;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    /* An exact-size copy, so ASan catches any read past the input. */
    char *copy = malloc(size);
    memcpy(copy, data, size);
    const char *p = copy + 1;
    const char *end = copy + size;

    struct sigv4_request req = { .is_s3 = (copy[0] & 1) != 0 };
    req.method = next_line(&p, end);
    req.path = next_line(&p, end);
    req.query = next_line(&p, end);
    req.payload_hash = next_line(&p, end);
    struct sigv4_header headers[MAX_HEADERS];
    size_t n = 0;
    while (p < end && n < MAX_HEADERS) {
        struct str line = next_line(&p, end);
        const char *colon = memchr(line.ptr, ':', line.len);
        size_t name_len = colon ? (size_t)(colon - line.ptr) : line.len;
        headers[n].name = (struct str){ line.ptr, name_len };
        headers[n].value = colon ? (struct str){ colon + 1,
                                                 line.len - name_len - 1 }
                                 : (struct str){ line.ptr + line.len, 0 };
        n++;
    }
    req.headers = headers;
    req.header_count = n;

    struct sigv4_auth *auth = malloc(sizeof *auth);
    if (sigv4_parse(&req, auth) == SIGV4_PARSE_OK) {
        struct sigv4_verifier v;
        sigv4_verifier_init(&v);
        struct str secret = str_from("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        sigv4_verify(&v, auth, &req, secret, auth->date_ms);
        sigv4_verify(&v, auth, &req, secret, auth->date_ms);
        sigv4_verify(&v, auth, &req, secret, 1440938160000);
        sigv4_verifier_clear(&v);
    }
    free(auth);
    free(copy);
    return 0;
}
