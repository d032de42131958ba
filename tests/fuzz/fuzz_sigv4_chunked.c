/* libFuzzer target for the aws-chunked decoder (sigv4_chunked.h). The
 * first byte's bits choose signed chunks, trailing headers and whether
 * signatures are checked (with a fixed signing key) or only read; the rest
 * is the body. With checking on, the seed chunk of the checked-in corpus
 * is signed for real, so the fuzzer starts past the first signature. */
#include "auth/sigv4.h"
#include "auth/sigv4_chunked.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 256 * 1024)
        return 0;
    /* The S3 API Reference's streaming example: its key, date and scope. */
    uint8_t key[32];
    sigv4_signing_key(str_from("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                      str_from("20130524"), str_from("us-east-1"),
                      str_from("s3"), key);
    struct sigv4_chunked p = {
        .is_signed = (data[0] & 1) != 0,
        .has_trailer = (data[0] & 2) != 0,
        .key = (data[0] & 4) ? key : NULL,
        .date = str_from("20130524T000000Z"),
        .scope = str_from("20130524/us-east-1/s3/aws4_request"),
        .seed_signature = str_from("4f232c4386841ef735655705268965c44a0e4690"
                                   "baa4adea153f7db9fa80a0a9"),
    };
    size_t len = size - 1;
    char *body = malloc(len ? len : 1); /* exact size: no NUL to lean on */
    memcpy(body, data + 1, len);
    struct buf payload;
    struct buf trailers;
    buf_init(&payload, 0);
    buf_init(&trailers, 0);
    sigv4_chunked_decode(&p, (struct str){ body, len }, &payload, &trailers);
    buf_clear(&trailers);
    buf_clear(&payload);
    free(body);
    return 0;
}
