/* One GetRecords page as text: the records' own text and the next
 * iterator, found by scanning the answer (jscan) rather than parsing it
 * into a tree, each record read with jsonl_scan in the same pass. An
 * answer the scanner cannot vouch for is parsed with
 * cJSON as before and its records printed again, one by one. */
#ifndef DYNALAKE_STREAM_PAGE_H
#define DYNALAKE_STREAM_PAGE_H

#include "base/buf.h"
#include "sync/jscan.h"
#include "sync/jsonl_scan.h"

#include <stddef.h>

struct aws_client;

/* One record of a page: its text, read with jsonl_scan_stream in the same
 * pass that found it when the scanner could. */
struct stream_record {
    struct jscan_span text;
    bool is_scanned;             /* fields hold the record */
    struct jsonl_scanned fields;
};

struct stream_page {
    struct buf text;             /* the answer */
    struct buf printed;          /* the records printed again, when the
                                    answer had to be parsed */
    struct stream_record *records; /* owned array; spans into text or
                                      printed */
    size_t n, cap;
    char *next_iterator;         /* owned; NULL when the answer has none */
};

void stream_page_init(struct stream_page *p);
void stream_page_clear(struct stream_page *p);

/* GetRecords at iterator (limit 0: the service's default) into p (emptied
 * first). -1 with the error in aws_client_error(c), or when the answer is
 * not JSON. */
int stream_page_read(struct aws_client *c, const char *iterator, int limit,
                     struct stream_page *p);

/* Reads an answer already in p->text; -1 when it is not JSON. */
int stream_page_index(struct stream_page *p);

#endif
