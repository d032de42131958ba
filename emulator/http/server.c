/* libmicrohttpd request lifecycle (after its doc/examples/largepost.c): the
 * access handler is called once with the headers, then with body pieces,
 * then once more with none; we gather the body into the per-request state
 * (in memory, or for a large PUT in a temporary file), run the pipeline on
 * the last call, and free the state in the completion callback. Response
 * bodies come from the call's buffer or, in pieces, from its source. */
#include "http/server.h"

#include "base/file.h"
#include "base/log.h"
#include "base/mem.h"
#include "http/call.h"
#include "http/dispatch.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct server {
    struct emulator *emu; /* borrowed */
    struct MHD_Daemon *daemon;
    uint16_t port;
    bool is_tls;
};

/* Per-request state, from the first access-handler call to completion. */
struct request {
    struct buf body;
    int fd;                  /* -1, or the file the body spilled to */
    unsigned long long fd_len;
    bool may_spill;          /* a PUT: S3 uploads are the large bodies */
    bool is_too_large;
};

/* Keeps URLs and query arguments exactly as sent: SigV4 canonicalisation
 * needs the raw bytes, and each service decodes for itself. */
static size_t keep_raw(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return strlen(s);
}

struct header_list {
    struct call_header *items;
    size_t n;
    size_t cap;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind,
                                      const char *name, size_t name_len,
                                      const char *value, size_t value_len)
{
    (void)kind;
    struct header_list *list = cls;
    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        list->items = xrealloc(list->items, list->cap * sizeof *list->items);
    }
    list->items[list->n++] = (struct call_header){
        .name = name, .value = value ? value : "", .name_len = name_len,
        .value_len = value ? value_len : 0 };
    return MHD_YES;
}

/* Rebuilds the raw query string from the arguments libmicrohttpd split
 * (in arrival order; values left undecoded by keep_raw). */
static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind,
                                   const char *name, const char *value)
{
    (void)kind;
    struct buf *q = cls;
    if (q->len)
        buf_putc(q, '&');
    buf_puts(q, name);
    if (value) {
        buf_putc(q, '=');
        buf_puts(q, value);
    }
    return MHD_YES;
}

/* Fills the call's peer address and whether it is a loopback one. */
static void read_peer(struct MHD_Connection *conn, struct call *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL)
        return;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)sa;
        c->is_loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
        inet_ntop(AF_INET, &in->sin_addr, c->peer_ip, sizeof c->peer_ip);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const void *)sa;
        c->is_loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
        inet_ntop(AF_INET6, &in6->sin6_addr, c->peer_ip, sizeof c->peer_ip);
    }
}

/* Never called: libmicrohttpd sends no body for HEAD. */
static ssize_t no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls;
    (void)pos;
    (void)buf;
    (void)max;
    return MHD_CONTENT_READER_END_OF_STREAM;
}

static ssize_t read_source(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct call_source *src = cls;
    if (pos >= src->length)
        return MHD_CONTENT_READER_END_OF_STREAM;
    long n = src->read(src->arg, pos, buf, max);
    return n <= 0 ? MHD_CONTENT_READER_END_WITH_ERROR : (ssize_t)n;
}

static void free_source(void *cls)
{
    struct call_source *src = cls;
    if (src->free)
        src->free(src->arg);
    free(src);
}

/* The response: the call's body, or for a HEAD that announces a length
 * (S3's HeadObject), a bodiless response of that size, so libmicrohttpd
 * sends the object's Content-Length without the object; or the call's
 * source, which the response takes. */
static struct MHD_Response *make_response(struct call *c)
{
    if (c->has_head_length && strcmp(c->method, "HEAD") == 0)
        return MHD_create_response_from_callback(c->head_length, 4096,
                                                 no_body, NULL, NULL);
    if (c->source.read) {
        struct call_source *src = xmalloc(sizeof *src);
        *src = c->source;
        memset(&c->source, 0, sizeof c->source);
        struct MHD_Response *resp = MHD_create_response_from_callback(
            src->length, SERVER_SOURCE_PIECE_BYTES, read_source, src,
            free_source);
        if (resp == NULL)
            free_source(src);
        return resp;
    }
    size_t len = 0;
    char *body = buf_detach(&c->out, &len);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (resp == NULL)
        free(body);
    return resp;
}

static enum MHD_Result send_call(struct MHD_Connection *conn, struct call *c)
{
    struct MHD_Response *resp = make_response(c);
    if (resp == NULL)
        return MHD_NO;
    if (c->content_type)
        MHD_add_response_header(resp, "Content-Type", c->content_type);
    for (size_t i = 0; i < c->n_response_headers; i++)
        MHD_add_response_header(resp, c->response_headers[i].name,
                                c->response_headers[i].value);
    enum MHD_Result ret = MHD_queue_response(conn, c->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result run_call(struct server *srv, struct MHD_Connection *conn,
                                const char *url, const char *method,
                                struct request *req)
{
    struct header_list headers = { 0 };
    struct buf query;
    buf_init(&query, 0);
    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, collect_header,
                                &headers);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &query);

    struct call c;
    call_init(&c, srv->emu);
    c.method = method;
    c.path = url;
    c.query = buf_detach(&query, NULL);
    c.headers = headers.items;
    c.n_headers = headers.n;
    c.body = buf_cstr(&req->body);
    c.body_len = req->body.len;
    c.body_fd = req->fd;
    c.body_fd_len = req->fd_len;
    read_peer(conn, &c);
    c.is_tls = srv->is_tls;
    if (req->is_too_large)
        dispatch_reject_too_large(&c);
    else
        dispatch(&c);
    enum MHD_Result ret = send_call(conn, &c);
    call_clear(&c);
    free(headers.items);
    return ret;
}

static bool declared_too_large(struct MHD_Connection *conn, bool may_spill)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 "Content-Length");
    return cl && strtoull(cl, NULL, 10) > (may_spill ? SERVER_MAX_FILE_BYTES
                                                     : SERVER_MAX_BODY_BYTES);
}

/* Moves the body gathered so far to a temporary file, where the rest will
 * follow; false when no file could be made. */
static bool spill(struct request *req)
{
    req->fd = file_temp();
    if (req->fd < 0) {
        log_error("http: cannot create a temporary file for a request body");
        return false;
    }
    if (file_write_all(req->fd, req->body.data, req->body.len) < 0)
        return false;
    req->fd_len = req->body.len;
    buf_clear(&req->body);
    buf_init(&req->body, 1);
    return true;
}

/* Appends a piece of body: to memory up to the bound, then for a PUT to
 * the file; false when the body has grown too large or cannot be kept. */
static bool take_piece(struct request *req, const char *data, size_t len)
{
    if (req->fd < 0 && req->may_spill &&
        req->body.len + len > SERVER_MEMORY_BODY_BYTES && !spill(req))
        return false;
    if (req->fd < 0) {
        buf_append(&req->body, data, len);
        return !buf_failed(&req->body);
    }
    if (req->fd_len + len > SERVER_MAX_FILE_BYTES ||
        file_write_all(req->fd, data, len) < 0)
        return false;
    req->fd_len += len;
    return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct request *req = *con_cls;
    if (req == NULL) {
        req = xcalloc(1, sizeof *req);
        buf_init(&req->body, SERVER_MAX_BODY_BYTES);
        req->fd = -1;
        req->may_spill = strcmp(method, "PUT") == 0;
        req->is_too_large = declared_too_large(conn, req->may_spill);
        *con_cls = req;
        /* Answer at once rather than read a body we will refuse;
         * libmicrohttpd then closes the connection. */
        if (req->is_too_large)
            return run_call(cls, conn, url, method, req);
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!req->is_too_large)
            req->is_too_large = !take_piece(req, upload_data,
                                            *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return run_call(cls, conn, url, method, req);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    struct request *req = *con_cls;
    if (req == NULL)
        return;
    buf_clear(&req->body);
    if (req->fd >= 0)
        close(req->fd);
    free(req);
    *con_cls = NULL;
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    log_debug("http: %s", line);
}

static int resolve(const char *host, uint16_t port,
                   struct sockaddr_storage *out, socklen_t *len)
{
    memset(out, 0, sizeof *out);
    struct sockaddr_in *in = (void *)out;
    struct sockaddr_in6 *in6 = (void *)out;
    if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        *len = sizeof *in;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        *len = sizeof *in6;
        return 0;
    }
    return -1;
}

struct server *server_start(struct emulator *emu, const char *host,
                            uint16_t port, unsigned threads,
                            const struct server_tls *tls)
{
    struct sockaddr_storage addr;
    socklen_t addr_len;
    if (strcmp(host, "localhost") == 0)
        host = "127.0.0.1";
    if (resolve(host, port, &addr, &addr_len) < 0) {
        log_error("cannot bind %s: not a numeric IPv4 or IPv6 address", host);
        return NULL;
    }
    struct server *srv = xcalloc(1, sizeof *srv);
    srv->emu = emu;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                     MHD_USE_TURBO | MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (tls)
        flags |= MHD_USE_TLS;
    srv->is_tls = tls != NULL;
    struct MHD_OptionItem tls_options[] = {
        { MHD_OPTION_HTTPS_MEM_KEY, 0, tls ? (void *)tls->key_pem : NULL },
        { MHD_OPTION_HTTPS_MEM_CERT, 0, tls ? (void *)tls->cert_pem : NULL },
        { MHD_OPTION_END, 0, NULL },
    };
    srv->daemon = MHD_start_daemon(
        flags, port, NULL, NULL, on_request, srv,
        /* First, so that libmicrohttpd reports even the other options'
         * problems through our log. */
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_UNESCAPE_CALLBACK, keep_raw, NULL,
        /* Idle keep-alive connections, and clients that stop mid-body, are
         * let go after 30 s rather than holding a socket for minutes. */
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
        /* libmicrohttpd zeroes this pool for every request on a kept-alive
         * connection; 16 KiB holds the longest request head clients send
         * (presigned URLs with session tokens run to ~4 KiB), and bodies go
         * to our own buffer. */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
        MHD_OPTION_ARRAY, tls ? tls_options : tls_options + 2,
        MHD_OPTION_END);
    if (srv->daemon == NULL) {
        log_error("cannot listen on %s:%u (address in use?)", host, port);
        free(srv);
        return NULL;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : port;
    return srv;
}

uint16_t server_port(const struct server *srv)
{
    return srv->port;
}

void server_stop(struct server *srv)
{
    if (srv == NULL)
        return;
    MHD_stop_daemon(srv->daemon);
    free(srv);
}
