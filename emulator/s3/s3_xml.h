/* S3 XML request bodies, parsed with expat into plain structs: the
 * DeleteObjects list, the CompleteMultipartUpload part list and the
 * CreateBucketConfiguration. The only module that includes expat.h.
 * Bounded: depth, element count and text size are capped, and anything
 * malformed or of the wrong shape is refused (MalformedXML). */
#ifndef DYNALAKE_S3_XML_H
#define DYNALAKE_S3_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* DeleteObjects takes at most 1000 keys (S3 API Reference). */
#define S3_XML_MAX_DELETE_KEYS 1000
/* CompleteMultipartUpload names at most 10,000 parts. */
#define S3_XML_MAX_PARTS 10000

struct s3_delete_key {
    char *key;        /* owned */
    size_t key_len;
    char *version_id; /* owned; NULL when absent */
};

struct s3_delete_list {
    struct s3_delete_key *keys; /* owned */
    size_t n;
    bool is_quiet;
};

struct s3_complete_part {
    int64_t number;
    char *etag;     /* owned; as sent (quotes optional) */
    char *checksum; /* owned; the Checksum<ALGO> value, or NULL */
    char *checksum_algo; /* owned; "CRC32", ... or NULL */
};

struct s3_complete_list {
    struct s3_complete_part *parts; /* owned */
    size_t n;
};

/* Each returns 0, or -1 when the body is not well-formed XML of the
 * expected shape. The out structs are zeroed first; clear them always. */
int s3_xml_parse_delete(const char *body, size_t len,
                        struct s3_delete_list *out);
void s3_xml_delete_clear(struct s3_delete_list *l);

int s3_xml_parse_complete(const char *body, size_t len,
                          struct s3_complete_list *out);
void s3_xml_complete_clear(struct s3_complete_list *l);

/* The LocationConstraint of a CreateBucketConfiguration into out (size
 * outlen); "" for an empty body or an absent element. */
int s3_xml_parse_location(const char *body, size_t len, char *out,
                          size_t outlen);

#endif
