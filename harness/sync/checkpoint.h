/* Durable checkpoints: a small JSON document per component (the shipper's
 * per-shard positions, the loader's processed files), replaced atomically
 * so that a crash leaves either the old document or the new one, never a
 * torn file: write PATH.tmp, fsync it, rename it over PATH, fsync the
 * directory. */
#ifndef DYNALAKE_CHECKPOINT_H
#define DYNALAKE_CHECKPOINT_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Checkpoints are small; 64 MiB bounds a corrupt or foreign file. */
#define CHECKPOINT_MAX_BYTES ((size_t)64 << 20)

/* Reads path into *doc (caller frees). A missing file gives an empty
 * object. Returns -1 with a reason in err when the file cannot be read or
 * is not a JSON object. */
int checkpoint_load(const char *path, cJSON **doc, char *err, size_t errlen);

/* Replaces path with doc, durably (see above). Returns -1 with a reason in
 * err. */
int checkpoint_save(const char *path, const cJSON *doc, char *err,
                    size_t errlen);

#endif
