/* Durable checkpoints: a small JSON document per component (the shipper's
 * per-shard positions, the loader's name and refused files), replaced
 * atomically so that a crash leaves either the old document or the new
 * one, never a torn file: write PATH.tmp, fsync it, rename it over PATH,
 * fsync the directory. A component that moves its checkpoint often can
 * replace it without the fsyncs, and make it durable now and then. */
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

/* Replaces path with doc by the same rename, without the fsyncs: a kill or
 * crash of the process still leaves the old document or the new one, but
 * an operating system crash or power cut may bring back an older one,
 * down to the last checkpoint_save (on filesystems that do not write a
 * renamed file's data first, even an empty one, which checkpoint_load
 * refuses). Costs no disk wait. Returns -1 with a reason in err. */
int checkpoint_replace(const char *path, const cJSON *doc, char *err,
                       size_t errlen);

#endif
