/* The HTTP front door over libmicrohttpd, the only module that includes it:
 * a thread pool accepts requests, gathers each body up to a bound, turns it
 * into a struct call and hands it to dispatch, then sends the response. */
#ifndef DYNALAKE_SERVER_H
#define DYNALAKE_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct emulator;
struct server;

/* Largest request body accepted: DynamoDB's largest request (BatchWriteItem,
 * 16 MB) with room for S3 objects sent in one PutObject by the clients the
 * tests drive. Larger bodies get RequestEntityTooLarge. */
#define SERVER_MAX_BODY_BYTES ((size_t)64 << 20)

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
