/* The HTTP front door over libmicrohttpd, the only module that includes it:
 * a thread pool accepts requests, gathers each body up to a bound (large
 * uploads in a temporary file), turns it into a struct call and hands it
 * to dispatch, then sends the response (large ones in pieces). */
#ifndef DYNALAKE_SERVER_H
#define DYNALAKE_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct emulator;
struct server;

/* Largest request body held in memory: DynamoDB's largest request
 * (BatchWriteItem, 16 MB) with room to spare. Larger bodies get
 * RequestEntityTooLarge, except PUTs (S3 uploads), which move to a
 * temporary file once past SERVER_MEMORY_BODY_BYTES. */
#define SERVER_MAX_BODY_BYTES ((size_t)64 << 20)
#define SERVER_MEMORY_BODY_BYTES ((size_t)8 << 20)
/* Largest body kept in a file: S3's 5 GiB single PutObject (S3 User Guide,
 * "Uploading objects") plus room for aws-chunked framing and trailers
 * (about 90 bytes per 64 KiB chunk). S3 checks the decoded size itself. */
#define SERVER_MAX_FILE_BYTES (((unsigned long long)5 << 30) + (256ull << 20))
/* The most a streamed response body reads at once. */
#define SERVER_SOURCE_PIECE_BYTES ((size_t)256 << 10)

/* A certificate and its key, PEM text, for HTTPS; borrowed. */
struct server_tls {
    const char *cert_pem;
    const char *key_pem;
};

/* Binds host:port (port 0 picks one) and starts `threads` workers,
 * speaking HTTPS when tls is given. NULL on failure, with the reason
 * logged. */
struct server *server_start(struct emulator *emu, const char *host,
                            uint16_t port, unsigned threads,
                            const struct server_tls *tls);
uint16_t server_port(const struct server *srv);
/* Stops accepting, finishes requests in flight, frees. NULL accepted. */
void server_stop(struct server *srv);

#endif
