/* Durable JSON checkpoints; see checkpoint.h. */
#include "sync/checkpoint.h"

#include "base/file.h"
#include "base/json.h"
#include "base/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int checkpoint_load(const char *path, cJSON **doc, char *err, size_t errlen)
{
    size_t len = 0;
    *doc = NULL;
    char *text = file_read(path, CHECKPOINT_MAX_BYTES, &len);
    if (text == NULL && errno == ENOENT) {
        *doc = cJSON_CreateObject();
        return 0;
    }
    if (text == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    *doc = json_parse(text, len);
    free(text);
    if (!cJSON_IsObject(*doc)) {
        cJSON_Delete(*doc);
        *doc = NULL;
        snprintf(err, errlen, "%s: not a checkpoint (a JSON object)", path);
        return -1;
    }
    return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* fsync of the directory holding path, so the rename itself survives a
 * crash (rename(2) is atomic but not durable until then). */
static int sync_dir(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Writes doc to path by way of path.tmp and a rename; with is_durable the
 * data is on disk before the rename, and the rename before it returns. */
static int replace_file(const char *path, const cJSON *doc, bool is_durable,
                        char *err, size_t errlen)
{
    size_t n = strlen(path) + 8;
    char *tmp = xmalloc(n);
    snprintf(tmp, n, "%s.tmp", path);
    char *text = cJSON_PrintUnformatted(doc);
    int rc = -1;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0 && text && write_all(fd, text, strlen(text)) == 0 &&
        write_all(fd, "\n", 1) == 0 && (!is_durable || fsync(fd) == 0)) {
        rc = close(fd);
        fd = -1;
        if (rc == 0)
            rc = rename(tmp, path);
        if (rc == 0 && is_durable)
            rc = sync_dir(path);
    }
    if (rc < 0)
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    if (rc < 0)
        unlink(tmp);
    free(text);
    free(tmp);
    return rc;
}

int checkpoint_save(const char *path, const cJSON *doc, char *err,
                    size_t errlen)
{
    return replace_file(path, doc, true, err, errlen);
}

int checkpoint_replace(const char *path, const cJSON *doc, char *err,
                       size_t errlen)
{
    return replace_file(path, doc, false, err, errlen);
}
