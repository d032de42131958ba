/* Start, reset and stop of the whole emulator; see emulator.h. */
#include "emulator.h"

#include "auth/identity.h"
#include "auth/session.h"
#include "base/log.h"
#include "base/mem.h"
#include "dynamodb/ddb_catalog.h"
#include "dynamodb/ddb_table.h"
#include "dynamodb/ddb_ttl.h"
#include "dynamodb/ddb_txn.h"
#include "base/crypto.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/file.h"
#include "http/audit.h"
#include "http/bucket_policy.h"
#include "iam/iam_simulate.h"
#include "http/authn.h"
#include "http/authz.h"
#include "http/fault.h"
#include "http/server.h"
#include "state.h"
#include "store/store.h"

#include <stdlib.h>
#include <unistd.h>

void emulator_config_init(struct emulator_config *cfg)
{
    *cfg = (struct emulator_config){
        .host = "127.0.0.1",
        .port = 4566,
        .iam_mode = EMULATOR_IAM_OFF,
    };
    const char *limit = getenv("DYNALAKE_ITEM_COLLECTION_MAX_BYTES");
    if (limit && limit[0])
        cfg->item_collection_max_bytes = strtoll(limit, NULL, 10);
}

static char *copy_or(const char *s, const char *fallback)
{
    return xstrdup(s ? s : fallback);
}

static unsigned default_threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? (unsigned)cores : 2;
}

static int load_identities(struct emulator *emu)
{
    char err[512];
    if (emu->cfg.identities_path) {
        emu->identities = identities_load(emu->cfg.identities_path, err,
                                          sizeof err);
        if (emu->identities == NULL) {
            log_error("identities: %s", err);
            return -1;
        }
        /* The file's account is the one ARNs name. */
        free(emu->account);
        emu->account = xstrdup(emu->identities->account);
        emu->cfg.account = emu->account;
    }
    struct buf why;
    buf_init(&why, 0);
    emu->authz = authz_new(emu->identities, &why);
    if (emu->authz == NULL)
        log_error("identities: %s", buf_cstr(&why));
    buf_clear(&why);
    emu->audit = audit_new(emu->cfg.audit_path);
    emu->bucket_policies = bucket_policies_new();
    if (emu->authz == NULL || emu->audit == NULL)
        return -1;
    emu->sessions = sessions_new();
    emu->authn = authn_new(emu->identities, emu->sessions, emu->account,
                           emu->cfg.iam_mode != EMULATOR_IAM_OFF);
    return 0;
}

/* Certificates are a few KB; this bounds a mistaken path. */
#define EMULATOR_MAX_PEM_BYTES (1 << 20)

static int load_tls(const struct emulator_config *cfg, struct buf *cert,
                    struct buf *key)
{
    if (cfg->tls_cert_path || cfg->tls_key_path) {
        size_t n;
        char *c = cfg->tls_cert_path ? file_read(cfg->tls_cert_path,
                                                 EMULATOR_MAX_PEM_BYTES, &n)
                                     : NULL;
        char *k = cfg->tls_key_path ? file_read(cfg->tls_key_path,
                                                EMULATOR_MAX_PEM_BYTES, &n)
                                    : NULL;
        if (c)
            buf_puts(cert, c);
        if (k)
            buf_puts(key, k);
        free(c);
        free(k);
        if (c == NULL || k == NULL) {
            log_error("tls: --tls-cert and --tls-key must both be readable "
                      "PEM files");
            return -1;
        }
        return 0;
    }
    if (crypto_self_signed_cert(cert, key) < 0 ||
        file_write(cfg->tls_self_signed_path, cert->data, cert->len, 0644)) {
        log_error("tls: cannot make a certificate at %s",
                  cfg->tls_self_signed_path);
        return -1;
    }
    return 0;
}

static int start_server(struct emulator *emu)
{
    const struct emulator_config *cfg = &emu->cfg;
    struct buf cert, key;
    buf_init(&cert, 0);
    buf_init(&key, 0);
    bool is_tls = cfg->tls_cert_path || cfg->tls_key_path ||
                  cfg->tls_self_signed_path;
    struct server_tls tls = { 0 };
    int rc = is_tls ? load_tls(cfg, &cert, &key) : 0;
    if (rc == 0) {
        tls.cert_pem = buf_cstr(&cert);
        tls.key_pem = buf_cstr(&key);
        if (cfg->ttl_sweep_ms >= 0)
        emu->ttl = ddb_ttl_start(emu, cfg->ttl_sweep_ms);
    emu->server = server_start(emu, cfg->host, cfg->port,
                                   cfg->threads ? cfg->threads
                                                : default_threads(),
                                   is_tls ? &tls : NULL);
    }
    buf_clear(&cert);
    buf_clear(&key);
    return emu->server ? 0 : -1;
}

struct emulator *emulator_start(const struct emulator_config *cfg)
{
    mem_install_cjson_hooks();
    struct emulator *emu = xcalloc(1, sizeof *emu);
    emu->cfg = *cfg;
    emu->cfg.host = copy_or(cfg->host, "127.0.0.1");
    emu->cfg.data_dir = cfg->data_dir ? xstrdup(cfg->data_dir) : NULL;
    emu->cfg.identities_path = cfg->identities_path
        ? xstrdup(cfg->identities_path) : NULL;
    emu->cfg.audit_path = cfg->audit_path ? xstrdup(cfg->audit_path) : NULL;
    emu->region = copy_or(cfg->region, "us-east-1");
    emu->account = copy_or(cfg->account, "000000000000");
    emu->cfg.region = emu->region;
    emu->cfg.account = emu->account;
    clock_init(&emu->clock);
    emu->started_ms = clock_real_ms();
    crypto_random(&emu->request_seed, sizeof emu->request_seed);
    emu->admin_token = cfg->admin_token ? xstrdup(cfg->admin_token) : NULL;
    emu->cfg.admin_token = NULL; /* the copy above is the one in use */
    emu->catalog = ddb_catalog_new();
    emu->faults = faults_new();
    emu->txn_tokens = ddb_txn_tokens_new();
    crypto_random(emu->streams_key, sizeof emu->streams_key);
    if (load_identities(emu) < 0) {
        emulator_stop(emu);
        return NULL;
    }
    emu->store = store_open(emu->cfg.data_dir);
    if (emu->store == NULL || ddb_table_load(emu) < 0) {
        emulator_stop(emu);
        return NULL;
    }
    if (start_server(emu) < 0) {
        emulator_stop(emu);
        return NULL;
    }
    return emu;
}


int emulator_policy_simulate(const char *text, size_t len, struct buf *out)
{
    mem_install_cjson_hooks();
    return iam_simulate(text, len, out);
}

uint16_t emulator_port(const struct emulator *emu)
{
    return server_port(emu->server);
}

static enum store_result wipe(struct store_tx *tx, void *arg)
{
    struct emulator *emu = arg;
    enum store_result res = store_wipe_in(tx);
    if (res == STORE_OK)
        ddb_catalog_clear(emu->catalog);
    return res;
}

int emulator_reset(struct emulator *emu)
{
    faults_clear(emu->faults);
    ddb_txn_tokens_clear(emu->txn_tokens);
    int rc = store_write(emu->store, wipe, emu) == STORE_OK ? 0 : -1;
    bucket_policies_changed(emu->bucket_policies);
    return rc;
}

void emulator_stop(struct emulator *emu)
{
    if (emu == NULL)
        return;
    ddb_ttl_stop(emu->ttl);
    server_stop(emu->server);
    store_close(emu->store);
    ddb_catalog_free(emu->catalog);
    faults_free(emu->faults);
    ddb_txn_tokens_free(emu->txn_tokens);
    authn_free(emu->authn);
    authz_free(emu->authz);
    audit_free(emu->audit);
    bucket_policies_free(emu->bucket_policies);
    sessions_free(emu->sessions);
    identities_free(emu->identities);
    free((char *)emu->cfg.host);
    free((char *)emu->cfg.data_dir);
    free((char *)emu->cfg.identities_path);
    free((char *)emu->cfg.audit_path);
    free(emu->admin_token);
    free(emu->region);
    free(emu->account);
    free(emu);
}
