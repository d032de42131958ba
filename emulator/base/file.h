/* Whole-file reads and writes for small configuration files (certificates,
 * keys). Reads are bounded; writes go to a temporary file renamed into
 * place, so a reader never sees half a file. Also anonymous temporary
 * files, where large request bodies wait. */
#ifndef DYNALAKE_FILE_H
#define DYNALAKE_FILE_H

#include <stddef.h>

/* The file's bytes, NUL-terminated (caller frees), or NULL when it cannot
 * be read or is larger than max bytes; errno tells why. */
char *file_read(const char *path, size_t max, size_t *len);

/* Writes data to path atomically with the given mode. 0 or -1 (errno). */
int file_write(const char *path, const void *data, size_t len, unsigned mode);

/* A new empty file in $TMPDIR (else /tmp), already unlinked, so that it
 * goes when its descriptor is closed, even after kill -9: for request
 * bodies too large for memory. The descriptor, or -1 (errno). */
int file_temp(void);

/* Writes all of data at the file's offset, retrying short writes. 0 or
 * -1 (errno). */
int file_write_all(int fd, const void *data, size_t len);

#endif
