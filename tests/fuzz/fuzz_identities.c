/* libFuzzer target for identities files (`serve --identities`):
 * identities_load (auth/identity.h) on fuzzed documents, written to a
 * scratch directory whose policies/ is the fixtures' (so the checked-in
 * identities.json loads with its policy files), then authz_new, which
 * compiles every policy, trust policy and boundary the file names. Every
 * key and identity loaded must be found again by its id or name, and a
 * refusal must say why. Run from the repository's root (make fuzz). */
#include "auth/identity.h"
#include "base/buf.h"
#include "base/mem.h"
#include "http/authz.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir_path[PATH_MAX];
static char link_path[PATH_MAX + 16];
static char file_path[PATH_MAX + 16];

static void remove_scratch(void)
{
    unlink(file_path);
    unlink(link_path);
    rmdir(dir_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mem_install_cjson_hooks();
    const char *tmp = getenv("TMPDIR");
    /* mkdtemp's template: it replaces the six X's with a unique suffix. */
    snprintf(dir_path, sizeof dir_path, "%s/fuzz-identities.XXXXXX",
             tmp ? tmp : "/tmp");
    char policies[PATH_MAX];
    if (mkdtemp(dir_path) == NULL ||
        realpath("fixtures/policies", policies) == NULL)
        abort(); /* not run from the repository's root */
    snprintf(link_path, sizeof link_path, "%s/policies", dir_path);
    snprintf(file_path, sizeof file_path, "%s/identities.json", dir_path);
    if (symlink(policies, link_path) != 0)
        abort();
    atexit(remove_scratch);
    return 0;
}

static void find_everything(const struct identities *ids)
{
    for (size_t i = 0; i < ids->n_keys; i++) {
        const char *id = ids->keys[i].id;
        if (identities_find_key(ids, (struct str){ id, strlen(id) }) == NULL)
            __builtin_trap(); /* a loaded key that cannot be found */
    }
    for (size_t i = 0; i < ids->n; i++) {
        const struct identity *id = &ids->items[i];
        if (identities_find(ids, id->kind, id->name) == NULL)
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(file_path, "wb");
    if (f == NULL)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
    char err[512] = "";
    struct identities *ids = identities_load(file_path, err, sizeof err);
    if (ids == NULL) {
        if (err[0] == '\0')
            __builtin_trap(); /* a refusal must say what was wrong */
        return 0;
    }
    find_everything(ids);
    struct buf why;
    buf_init(&why, 0);
    authz_free(authz_new(ids, &why));
    buf_clear(&why);
    identities_free(ids);
    return 0;
}
