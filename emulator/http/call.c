/* Request view and response under construction; see call.h. */
#include "http/call.h"

#include "base/json.h"
#include "base/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Responses are bounded by the largest page AWS builds (16 MB for
 * BatchGetItem) plus room for S3 objects returned whole. */
#define CALL_MAX_RESPONSE_BYTES ((size_t)1 << 30)

void call_init(struct call *c, struct emulator *emu)
{
    memset(c, 0, sizeof *c);
    c->emu = emu;
    c->query = NULL;
    c->body_fd = -1;
    c->decoded_fd = -1;
    c->status = 200;
    c->content_type = "application/x-amz-json-1.0";
    buf_init(&c->out, CALL_MAX_RESPONSE_BYTES);
}

void call_clear(struct call *c)
{
    cJSON_Delete(c->input);
    free(c->decoded_body);
    if (c->decoded_fd >= 0)
        close(c->decoded_fd);
    if (c->source.read && c->source.free)
        c->source.free(c->source.arg);
    memset(&c->source, 0, sizeof c->source);
    c->decoded_fd = -1;
    cJSON_Delete(c->trailers);
    free(c->err_message);
    cJSON_Delete(c->err_detail);
    free((char *)c->query);
    for (size_t i = 0; i < c->n_response_headers; i++) {
        free((char *)c->response_headers[i].name);
        free((char *)c->response_headers[i].value);
    }
    buf_clear(&c->out);
    c->input = NULL;
    c->principal_arn = NULL;
    c->decoded_body = NULL;
    c->trailers = NULL;
    c->err_message = NULL;
    c->err_detail = NULL;
    c->query = NULL;
    c->n_response_headers = 0;
}

const char *call_header(const struct call *c, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < c->n_headers; i++) {
        if (c->headers[i].name_len == n &&
            strncasecmp(c->headers[i].name, name, n) == 0)
            return c->headers[i].value;
    }
    return NULL;
}

int call_fail(struct call *c, enum aws_err err, const char *fmt, ...)
{
    if (c->err != AWS_ERR_NONE)
        return -1;
    /* Sized to fit: AWS's constraint messages quote whole request values
     * (a 101-item TransactItems list runs to kilobytes). */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    c->err_message = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    c->err_message[0] = '\0';
    va_start(ap, fmt);
    if (n > 0)
        vsnprintf(c->err_message, (size_t)n + 1, fmt, ap);
    va_end(ap);
    c->err = err;
    return -1;
}

int call_reply_json(struct call *c, cJSON *v)
{
    buf_reset(&c->out);
    json_write(&c->out, v);
    cJSON_Delete(v);
    if (buf_failed(&c->out))
        return call_fail(c, AWS_ERR_INTERNAL, "Response too large");
    return 0;
}

void call_add_header(struct call *c, const char *name, const char *value)
{
    if (c->n_response_headers == CALL_MAX_RESPONSE_HEADERS)
        return;
    struct call_header *h = &c->response_headers[c->n_response_headers++];
    h->name = xstrdup(name);
    h->value = xstrdup(value);
    h->name_len = strlen(name);
    h->value_len = strlen(value);
}
