/* Shared pieces of the sync components; see sync.h. */
#include "sync/sync.h"

#include "aws/aws.h"
#include "base/buf.h"
#include "base/clock.h"

#include <inttypes.h>
#include <stdio.h>

void sync_stats_write_json(const struct sync_stats *s, const char *component,
                           struct buf *out)
{
    buf_printf(out, "{\"component\":\"%s\",\"read\":%" PRIu64
               ",\"written\":%" PRIu64 ",\"objects\":%" PRIu64
               ",\"retried\":%" PRIu64 ",\"rejected\":%" PRIu64
               ",\"skipped\":%" PRIu64 ",\"lost\":%" PRIu64 "}",
               component, s->read, s->written, s->objects, s->retried,
               s->rejected, s->skipped, s->lost);
}

struct aws_client *sync_client_new(const char *endpoint, int max_attempts)
{
    struct aws_config cfg;
    char err[512];
    if (aws_config_load(&cfg, endpoint, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        aws_config_clear(&cfg);
        return NULL;
    }
    if (max_attempts > 0)
        cfg.max_attempts = max_attempts;
    struct aws_client *c = aws_client_new(&cfg);
    aws_config_clear(&cfg);
    return c;
}

void sync_progress(struct sync_progress *p, const char *component,
                   const struct sync_stats *s)
{
    int64_t now = clock_monotonic_ns();
    if (p->last_ns == 0)
        p->last_ns = now;
    if (!p->is_enabled || now - p->last_ns < INT64_C(1000000000))
        return;
    p->last_ns = now;
    fprintf(stderr, "%s: %" PRIu64 " read, %" PRIu64 " written, %" PRIu64
            " objects, %" PRIu64 " retried, %" PRIu64 " rejected\n",
            component, s->read, s->written, s->objects, s->retried,
            s->rejected);
}

void sync_report_error(const char *component, const char *what,
                       const struct aws_client *c)
{
    const struct aws_error *e = aws_client_error(c);
    fprintf(stderr, "%s: %s failed: %s: %s\n", component, what, e->code,
            e->message);
}
