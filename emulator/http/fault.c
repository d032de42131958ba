/* Fault rules; see fault.h. A short list under a mutex, with an atomic
 * count so that requests pay nothing while no rule is set. */
#include "http/fault.h"

#include "base/mem.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct faults {
    pthread_mutex_t lock;
    struct fault_rule rules[FAULT_MAX_RULES];
    size_t n;        /* atomic reads outside the lock */
    uint64_t rng;    /* xorshift64 state, for fractions */
};

struct faults *faults_new(void)
{
    struct faults *f = xcalloc(1, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    f->rng = 0x9E3779B97F4A7C15ull;
    return f;
}

void faults_free(struct faults *f)
{
    if (f == NULL)
        return;
    pthread_mutex_destroy(&f->lock);
    free(f);
}

void faults_clear(struct faults *f)
{
    pthread_mutex_lock(&f->lock);
    __atomic_store_n(&f->n, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&f->lock);
}

int faults_add(struct faults *f, const struct fault_rule *r)
{
    int rc = -1;
    pthread_mutex_lock(&f->lock);
    if (f->n < FAULT_MAX_RULES) {
        f->rules[f->n] = *r;
        __atomic_store_n(&f->n, f->n + 1, __ATOMIC_RELEASE);
        rc = 0;
    }
    pthread_mutex_unlock(&f->lock);
    return rc;
}

static double next_fraction(struct faults *f)
{
    f->rng ^= f->rng << 13;
    f->rng ^= f->rng >> 7;
    f->rng ^= f->rng << 17;
    return (double)(f->rng >> 11) / (double)(1ull << 53);
}

static bool matches(const struct fault_rule *r, const struct fault_target *t)
{
    if (r->operation[0] && strcmp(r->operation, t->operation) != 0)
        return false;
    if (r->table[0] && (t->table == NULL || strcmp(r->table, t->table) != 0))
        return false;
    if (r->bucket[0] &&
        (t->bucket == NULL || strcmp(r->bucket, t->bucket) != 0))
        return false;
    return r->prefix[0] == '\0' ||
           (t->key && strncmp(t->key, r->prefix, strlen(r->prefix)) == 0);
}

static void drop(struct faults *f, size_t i)
{
    memmove(&f->rules[i], &f->rules[i + 1],
            (f->n - i - 1) * sizeof f->rules[0]);
    __atomic_store_n(&f->n, f->n - 1, __ATOMIC_RELEASE);
}

/* The walk both entry points share; with is_errors_only, rules without an
 * error are passed over (and keep their counts). */
static enum aws_err walk(struct faults *f, const struct fault_target *t,
                         bool is_errors_only, unsigned *latency_ms)
{
    if (__atomic_load_n(&f->n, __ATOMIC_ACQUIRE) == 0)
        return AWS_ERR_NONE;
    enum aws_err err = AWS_ERR_NONE;
    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < f->n && err == AWS_ERR_NONE; i++) {
        struct fault_rule *r = &f->rules[i];
        if ((is_errors_only && r->err == AWS_ERR_NONE) || !matches(r, t) ||
            (r->fraction < 1.0 && next_fraction(f) >= r->fraction))
            continue;
        err = r->err;
        if (latency_ms) {
            *latency_ms += r->latency_ms;
            if (*latency_ms > FAULT_MAX_LATENCY_MS)
                *latency_ms = FAULT_MAX_LATENCY_MS;
        }
        if (r->count > 0 && --r->count == 0) {
            drop(f, i);
            i--;
        }
    }
    pthread_mutex_unlock(&f->lock);
    return err;
}

enum aws_err faults_check(struct faults *f, const char *operation,
                          const char *table)
{
    struct fault_target t = { .operation = operation, .table = table };
    return walk(f, &t, true, NULL);
}

enum aws_err faults_match(struct faults *f, const struct fault_target *t,
                          unsigned *latency_ms)
{
    return walk(f, t, false, latency_ms);
}

bool fault_is_throttling(enum aws_err err)
{
    return err == AWS_ERR_PROVISIONED_THROUGHPUT_EXCEEDED ||
           err == AWS_ERR_THROTTLING;
}

cJSON *faults_list(struct faults *f)
{
    cJSON *out = cJSON_CreateArray();
    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < f->n; i++) {
        const struct fault_rule *r = &f->rules[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "operation", r->operation);
        cJSON_AddStringToObject(o, "table", r->table);
        if (r->bucket[0])
            cJSON_AddStringToObject(o, "bucket", r->bucket);
        if (r->prefix[0])
            cJSON_AddStringToObject(o, "prefix", r->prefix);
        if (r->err != AWS_ERR_NONE)
            cJSON_AddStringToObject(o, "error", aws_error_code(r->err));
        if (r->latency_ms)
            cJSON_AddNumberToObject(o, "latency_ms", r->latency_ms);
        cJSON_AddNumberToObject(o, "count", (double)r->count);
        cJSON_AddNumberToObject(o, "fraction", r->fraction);
        cJSON_AddItemToArray(out, o);
    }
    pthread_mutex_unlock(&f->lock);
    return out;
}

enum aws_err fault_error_parse(const char *code)
{
    /* S3's names for the two errors S3 clients retry. */
    if (code && strcmp(code, "SlowDown") == 0)
        return AWS_ERR_THROTTLING;
    if (code && strcmp(code, "InternalError") == 0)
        return AWS_ERR_INTERNAL;
    for (int i = AWS_ERR_NONE + 1; code && i < AWS_ERR_COUNT; i++) {
        if (strcmp(aws_error_code((enum aws_err)i), code) == 0)
            return (enum aws_err)i;
    }
    return AWS_ERR_NONE;
}

const char *fault_s3_message(enum aws_err err)
{
    if (err == AWS_ERR_THROTTLING)
        return "Please reduce your request rate.";
    if (err == AWS_ERR_INTERNAL)
        return "We encountered an internal error. Please try again.";
    return fault_message(err);
}

const char *fault_message(enum aws_err err)
{
    switch (err) {
    case AWS_ERR_PROVISIONED_THROUGHPUT_EXCEEDED:
        return "The level of configured provisioned throughput for the "
               "table was exceeded. Consider increasing your provisioning "
               "level with the UpdateTable API.";
    case AWS_ERR_THROTTLING:
        return "Rate of requests exceeds the allowed throughput.";
    case AWS_ERR_LIMIT_EXCEEDED:
        return "Rate exceeded for shard";
    case AWS_ERR_EXPIRED_ITERATOR:
        return "Shard iterator has expired";
    case AWS_ERR_TRIMMED_DATA_ACCESS:
        return "The data you are trying to access has been trimmed";
    case AWS_ERR_SERVICE_UNAVAILABLE:
        return "Service Unavailable";
    case AWS_ERR_INTERNAL:
        return "Internal server error";
    default:
        return "Injected fault";
    }
}
