/* The shipper's upload window; see ship_upload.h. The slots form a ring:
 * uploads start at oldest + n and finish at oldest, so they finish in the
 * order they started whatever order their threads end in. Each slot's
 * client is used by its thread alone while the upload is in flight and by
 * the caller once it is finished (pthread_join orders the two). */
#include "sync/ship_upload.h"

#include "aws/aws.h"
#include "aws/aws_s3.h"
#include "sync/sync.h"

#include <assert.h>
#include <string.h>

int ship_uploads_init(struct ship_uploads *w, const char *bucket,
                      const char *endpoint, int max_attempts)
{
    int rc = 0;
    memset(w, 0, sizeof *w);
    for (size_t i = 0; i < SHIP_UPLOADS_MAX; i++) {
        struct ship_upload *u = &w->slots[i];
        buf_init(&u->lines, 0);
        buf_init(&u->key, 0);
        u->bucket = bucket;
        if (rc == 0)
            u->client = sync_client_new(endpoint, max_attempts);
        if (u->client == NULL)
            rc = -1;
    }
    return rc;
}

void ship_uploads_clear(struct ship_uploads *w)
{
    while (!ship_uploads_is_empty(w))
        ship_uploads_finish(w);
    for (size_t i = 0; i < SHIP_UPLOADS_MAX; i++) {
        struct ship_upload *u = &w->slots[i];
        aws_client_free(u->client);
        buf_clear(&u->lines);
        buf_clear(&u->key);
    }
}

bool ship_uploads_is_full(const struct ship_uploads *w)
{
    return w->n == SHIP_UPLOADS_MAX;
}

bool ship_uploads_is_empty(const struct ship_uploads *w)
{
    return w->n == 0;
}

struct ship_upload *ship_uploads_next(struct ship_uploads *w)
{
    assert(!ship_uploads_is_full(w));
    return &w->slots[(w->oldest + w->n) % SHIP_UPLOADS_MAX];
}

static void *upload(void *arg)
{
    struct ship_upload *u = arg;
    uint64_t before = aws_client_retries(u->client);
    u->rc = aws_s3_put_object(u->client, u->bucket, buf_cstr(&u->key),
                              u->lines.data, u->lines.len,
                              "application/x-ndjson");
    u->retries = aws_client_retries(u->client) - before;
    return NULL;
}

void ship_uploads_start(struct ship_uploads *w)
{
    struct ship_upload *u = ship_uploads_next(w);
    w->n++;
    u->is_running = pthread_create(&u->thread, NULL, upload, u) == 0;
    if (!u->is_running)
        upload(u);
}

struct ship_upload *ship_uploads_finish(struct ship_uploads *w)
{
    assert(!ship_uploads_is_empty(w));
    struct ship_upload *u = &w->slots[w->oldest];
    if (u->is_running)
        pthread_join(u->thread, NULL);
    u->is_running = false;
    w->oldest = (w->oldest + 1) % SHIP_UPLOADS_MAX;
    w->n--;
    return u;
}
