/* A GetRecords page as text; see stream_page.h. The records and the next
 * iterator are taken as cJSON's lookups would take them: the first member
 * of each name, a NextShardIterator that is not a string counting as
 * none. */
#include "sync/stream_page.h"

#include "aws/aws_streams.h"
#include "base/json.h"
#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

void stream_page_init(struct stream_page *p)
{
    memset(p, 0, sizeof *p);
    buf_init(&p->text, 0);
    buf_init(&p->printed, 0);
}

void stream_page_clear(struct stream_page *p)
{
    buf_clear(&p->text);
    buf_clear(&p->printed);
    free(p->records);
    free(p->next_iterator);
    stream_page_init(p);
}

static struct stream_record *add_record(struct stream_page *p)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 128;
        p->records = xrealloc(p->records, p->cap * sizeof *p->records);
    }
    return &p->records[p->n++];
}

/* The element at arr->p: a record read as it is stepped over, or any
 * other value, left for jsonl_from_stream to refuse. */
static bool scan_record(struct stream_page *p, struct jscan_iter *arr)
{
    struct stream_record *r = add_record(p);
    const char *start = arr->p;
    if (*start != '{') {
        r->is_scanned = false;
        return jscan_next_value(arr, &r->text, NULL);
    }
    const char *stop = jsonl_scan_stream_at(start, arr->end, arr->depth + 1,
                                            &r->fields, &r->is_scanned);
    if (stop == NULL)
        return false;
    r->text = (struct jscan_span){ start, (size_t)(stop - start) };
    arr->p = stop;
    return true;
}

static void forget_records(struct stream_page *p)
{
    p->n = 0;
    free(p->next_iterator);
    p->next_iterator = NULL;
}

/* The Records array at it->p, each record read as it is stepped over;
 * it->p is moved past the array. */
static bool scan_records(struct stream_page *p, struct jscan_iter *it)
{
    struct jscan_iter arr;
    if (!jscan_array_open(&arr, it->p, it->end, it->depth + 1))
        return false;
    while (jscan_array_element(&arr))
        if (!scan_record(p, &arr))
            return false;
    if (arr.is_failed)
        return false;
    it->p = arr.p;
    return true;
}

/* The fast way: false when the answer is not scannable, or not in the
 * shape it is read in here (Records an array, the iterator plain). The
 * answer is walked once, the records read on the way. */
static bool scan_page(struct stream_page *p)
{
    struct jscan_span all = { p->text.data, p->text.len }, name, value;
    struct jscan_span iterator = { NULL, 0 };
    bool has_records = false, has_iterator = false;
    struct jscan_iter it;
    if (all.p == NULL)
        return false;
    jscan_object_open(&it, all.p, all.p + all.len, 0);
    while (jscan_object_key(&it, &name)) {
        if (!has_records && jscan_equals(name, "Records")) {
            if (!scan_records(p, &it))
                return false;
            has_records = true;
        } else if (!jscan_next_value(&it, &value, NULL)) {
            return false;
        } else if (!has_iterator && jscan_equals(name, "NextShardIterator")) {
            iterator = value;
            has_iterator = true;
        }
    }
    struct jscan_span text;
    bool is_string = jscan_is_string(iterator, &text);
    if (!jscan_is_whole(&it, all) || (is_string && !jscan_is_plain(text)))
        return false;
    if (is_string)
        p->next_iterator = strndup(text.p, text.len);
    return true;
}

/* The way it always was: the answer parsed, each record printed again
 * (json_write prints what cJSON read, so the printed record is read as the
 * tree was). */
static int parse_page(struct stream_page *p)
{
    cJSON *doc = json_parse(p->text.data ? p->text.data : "{}",
                            p->text.data ? p->text.len : 2);
    if (doc == NULL)
        return -1;
    const char *next = json_get_string(doc, "NextShardIterator");
    p->next_iterator = next ? xstrdup(next) : NULL;
    size_t *ends = NULL, n = 0;
    const cJSON *rec;
    cJSON_ArrayForEach(rec, json_get(doc, "Records")) {
        json_write(&p->printed, rec);
        ends = xrealloc(ends, (n + 1) * sizeof *ends);
        ends[n++] = p->printed.len;
    }
    /* Spans once the printing is done: the buffer moved as it grew. */
    for (size_t i = 0, start = 0; i < n; start = ends[i++]) {
        struct stream_record *r = add_record(p);
        r->text = (struct jscan_span){ p->printed.data + start,
                                       ends[i] - start };
        r->is_scanned = jsonl_scan_stream(r->text.p, r->text.len,
                                          &r->fields);
    }
    free(ends);
    cJSON_Delete(doc);
    return 0;
}

int stream_page_index(struct stream_page *p)
{
    forget_records(p);
    buf_reset(&p->printed);
    if (scan_page(p))
        return 0;
    forget_records(p);
    return parse_page(p);
}

int stream_page_read(struct aws_client *c, const char *iterator, int limit,
                     struct stream_page *p)
{
    forget_records(p);
    if (aws_streams_get_records_text(c, iterator, limit, &p->text) < 0)
        return -1;
    return stream_page_index(p);
}
