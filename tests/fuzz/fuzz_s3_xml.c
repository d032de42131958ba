/* libFuzzer target for S3 XML request bodies (s3_xml.h): the first byte
 * picks DeleteObjects, CompleteMultipartUpload or
 * CreateBucketConfiguration; the rest is the body. */
#include "s3/s3_xml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t len = size - 1;
    char *body = malloc(len ? len : 1); /* exact size: no NUL to lean on */
    memcpy(body, data + 1, len);
    switch (data[0] % 3) {
    case 0: {
        struct s3_delete_list l;
        s3_xml_parse_delete(body, len, &l);
        s3_xml_delete_clear(&l);
        break;
    }
    case 1: {
        struct s3_complete_list l;
        s3_xml_parse_complete(body, len, &l);
        s3_xml_complete_clear(&l);
        break;
    }
    default: {
        char location[64];
        s3_xml_parse_location(body, len, location, sizeof location);
        break;
    }
    }
    free(body);
    return 0;
}
