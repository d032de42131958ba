/* The public entry to the emulator: configure it, start it on a port (0 picks
 * a free one), learn the port, reset its state, stop it. Everything the
 * harness and the tests know of the emulator is here. */
#ifndef DYNALAKE_EMULATOR_H
#define DYNALAKE_EMULATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum emulator_iam_mode {
    EMULATOR_IAM_OFF,     /* any well-formed credentials are accepted */
    EMULATOR_IAM_AUDIT,   /* decide and record, but allow */
    EMULATOR_IAM_ENFORCE  /* deny what the policies do not allow */
};

struct emulator_config {
    const char *host;      /* address to bind; NULL means 127.0.0.1 */
    uint16_t port;         /* 0 picks a free port */
    const char *data_dir;  /* NULL: in memory, gone at stop */
    const char *region;    /* NULL means us-east-1 */
    const char *account;   /* NULL means 000000000000 */
    unsigned threads;      /* HTTP worker threads; 0 means one per core */
    const char *identities_path; /* the identities file, or NULL */
    const char *audit_path;      /* JSON-lines decision log, or NULL */
    /* HTTPS: a certificate and key (PEM files), or a self-signed pair made
     * at start whose certificate is written to tls_self_signed_path for
     * clients to trust (AWS_CA_BUNDLE). All NULL: plain HTTP. */
    const char *tls_cert_path;
    const char *tls_key_path;
    const char *tls_self_signed_path;
    /* Lets clients beyond loopback use the admin API when they send it in
     * X-Dynalake-Admin-Token; NULL: loopback only. */
    const char *admin_token;
    enum emulator_iam_mode iam_mode; /* ENFORCE needs identities */
    int64_t shard_rollover_records; /* records per stream shard before it
                                       closes; 0: no count limit */
    int64_t shard_rollover_ms;   /* stream shard age before it closes on
                                    the virtual clock; 0 means AWS's four
                                    hours, negative means never */
    int64_t ttl_sweep_ms;        /* how often (real time) the TTL sweeper
                                    deletes expired items; 0 means every
                                    second, negative means only when
                                    POST /_dynalake/ttl/sweep asks */
    int64_t item_collection_max_bytes; /* the LSI item collection size
                                          limit; 0 means AWS's 10 GB. The
                                          defaults take it from the
                                          environment variable
                                          DYNALAKE_ITEM_COLLECTION_MAX_BYTES
                                          when set, so tests can make it
                                          small */
};

struct emulator;

/* Fills cfg with the defaults described above. */
void emulator_config_init(struct emulator_config *cfg);

/* Opens storage and starts serving. Returns NULL, with the reason logged,
 * when the port cannot be bound or the data directory cannot be opened.
 * The strings in cfg are copied. Free with emulator_stop. */
struct emulator *emulator_start(const struct emulator_config *cfg);

/* The port actually bound (useful after asking for port 0). */
uint16_t emulator_port(const struct emulator *emu);

/* Deletes every table, item, stream and object, and rewinds nothing else:
 * the clock keeps its offset. Returns 0 or -1. */
int emulator_reset(struct emulator *emu);

/* Decides one policy-simulation case (a JSON object) without a server and
 * appends the answer (a JSON object) to out; -1 for a malformed case, whose
 * answer is {"error": ...}. The format is README.md's. */
struct buf;
int emulator_policy_simulate(const char *text, size_t len, struct buf *out);

/* Stops serving, waits for requests in flight, closes storage and frees
 * everything. NULL is accepted. */
void emulator_stop(struct emulator *emu);

#endif
