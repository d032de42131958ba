/* The emulator's state, visible to its own modules: every piece of state
 * hangs off one struct emulator, so a reset is complete and a stop frees
 * everything (no hidden statics). Nothing outside emulator/ includes this. */
#ifndef DYNALAKE_STATE_H
#define DYNALAKE_STATE_H

#include "base/clock.h"
#include "emulator.h"

#include "streams/streams.h"

#include <stdint.h>

struct audit;
struct authn;
struct authz;
struct ddb_catalog;
struct identities;
struct sessions;
struct server;
struct store;

struct faults;
struct ddb_ttl;
struct ddb_txn_tokens;

struct emulator {
    struct emulator_config cfg; /* strings owned (copied at start) */
    char *region;               /* owned; cfg.region resolved */
    char *account;              /* owned; cfg.account resolved */
    struct clock clock;
    struct identities *identities; /* owned; NULL without a file */
    struct sessions *sessions;    /* owned; STS credentials issued */
    struct authn *authn;          /* owned */
    struct authz *authz;          /* owned */
    struct audit *audit;          /* owned */
    struct bucket_policies *bucket_policies; /* owned; compiled, cached */
    struct store *store;          /* owned */
    struct ddb_catalog *catalog;  /* owned */
    struct server *server;        /* owned */
    struct faults *faults;        /* owned; injected errors */
    struct ddb_txn_tokens *txn_tokens; /* owned; TransactWriteItems
                                          ClientRequestTokens */
    struct ddb_ttl *ttl;          /* owned; the TTL sweeper thread, or
                                     NULL when it is off */
    uint8_t streams_key[STREAMS_KEY_LEN]; /* random; signs shard iterators */
    uint64_t request_seq;         /* atomic; request id counter */
    uint64_t request_seed;        /* random per run; request ids */
    char *admin_token;            /* owned; NULL: admin API loopback only */
    int64_t started_ms;           /* wall clock at start */
};

#endif
