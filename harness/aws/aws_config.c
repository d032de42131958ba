/* Where the AWS client's endpoint, region and credentials come from: the
 * standard environment variables, then the shared credentials and config
 * files, in the order the AWS SDKs use. See aws.h. */
#include "aws/aws.h"

#include "base/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The request-level timeouts: the connect timeout is the one most SDKs
 * default to when talking to a nearby endpoint; the total bounds one
 * GetRecords or PutObject of a few megabytes. */
#define AWS_CONNECT_TIMEOUT_MS 3100
#define AWS_REQUEST_TIMEOUT_MS 60000
#define AWS_INI_LINE_MAX 4096

static char *env_dup(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? xstrdup(v) : NULL;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Calls visit(key, value) for each entry of [section] in an INI file.
 * Returns -1 when the file cannot be read. */
static int ini_read(const char *path, const char *section,
                    void (*visit)(void *, const char *, const char *),
                    void *arg)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    char line[AWS_INI_LINE_MAX];
    bool is_inside = false;
    while (fgets(line, sizeof line, f)) {
        char *s = trim(line);
        if (*s == '#' || *s == ';' || *s == '\0')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (end)
                *end = '\0';
            is_inside = strcmp(trim(s + 1), section) == 0;
            continue;
        }
        char *eq = strchr(s, '=');
        if (!is_inside || eq == NULL)
            continue;
        *eq = '\0';
        visit(arg, trim(s), trim(eq + 1));
    }
    fclose(f);
    return 0;
}

static void set(char **slot, const char *value)
{
    free(*slot);
    *slot = xstrdup(value);
}

static void visit_credentials(void *arg, const char *key, const char *value)
{
    struct aws_config *cfg = arg;
    if (strcmp(key, "aws_access_key_id") == 0)
        set(&cfg->access_key_id, value);
    else if (strcmp(key, "aws_secret_access_key") == 0)
        set(&cfg->secret_access_key, value);
    else if (strcmp(key, "aws_session_token") == 0)
        set(&cfg->session_token, value);
}

static void visit_region(void *arg, const char *key, const char *value)
{
    struct aws_config *cfg = arg;
    if (strcmp(key, "region") == 0 && cfg->region == NULL)
        cfg->region = xstrdup(value);
}

int aws_config_read_profile(struct aws_config *cfg, const char *path,
                            const char *profile)
{
    if (ini_read(path, profile, visit_credentials, cfg) < 0)
        return -1;
    return cfg->access_key_id && cfg->secret_access_key ? 0 : -1;
}

/* $name, or $HOME/rest. Caller frees. */
static char *file_path(const char *name, const char *rest)
{
    const char *v = getenv(name);
    if (v && *v)
        return xstrdup(v);
    const char *home = getenv("HOME");
    if (home == NULL)
        return NULL;
    size_t n = strlen(home) + strlen(rest) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", home, rest);
    return p;
}

static void load_region(struct aws_config *cfg, const char *profile)
{
    cfg->region = env_dup("AWS_REGION");
    if (cfg->region == NULL)
        cfg->region = env_dup("AWS_DEFAULT_REGION");
    if (cfg->region == NULL) {
        char *path = file_path("AWS_CONFIG_FILE", ".aws/config");
        char section[256];
        if (strcmp(profile, "default") == 0)
            snprintf(section, sizeof section, "default");
        else
            snprintf(section, sizeof section, "profile %s", profile);
        if (path)
            ini_read(path, section, visit_region, cfg);
        free(path);
    }
    if (cfg->region == NULL)
        cfg->region = xstrdup("us-east-1");
}

static int load_credentials(struct aws_config *cfg, const char *profile,
                            char *err, size_t errlen)
{
    cfg->access_key_id = env_dup("AWS_ACCESS_KEY_ID");
    cfg->secret_access_key = env_dup("AWS_SECRET_ACCESS_KEY");
    if (cfg->access_key_id && cfg->secret_access_key) {
        cfg->session_token = env_dup("AWS_SESSION_TOKEN");
        return 0;
    }
    free(cfg->access_key_id);
    free(cfg->secret_access_key);
    cfg->access_key_id = cfg->secret_access_key = NULL;
    char *path = file_path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
    int rc = path ? aws_config_read_profile(cfg, path, profile) : -1;
    if (rc < 0)
        snprintf(err, errlen, "no AWS credentials: set AWS_ACCESS_KEY_ID "
                 "and AWS_SECRET_ACCESS_KEY, or profile '%s' in %s", profile,
                 path ? path : "~/.aws/credentials");
    free(path);
    return rc;
}

int aws_config_load(struct aws_config *cfg, const char *endpoint_override,
                    char *err, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    const char *profile = getenv("AWS_PROFILE");
    if (profile == NULL || *profile == '\0')
        profile = "default";
    cfg->endpoint = endpoint_override && *endpoint_override
        ? xstrdup(endpoint_override) : env_dup("AWS_ENDPOINT_URL");
    if (cfg->endpoint) {
        size_t n = strlen(cfg->endpoint);
        while (n > 0 && cfg->endpoint[n - 1] == '/')
            cfg->endpoint[--n] = '\0';
    }
    load_region(cfg, profile);
    cfg->connect_timeout_ms = AWS_CONNECT_TIMEOUT_MS;
    cfg->timeout_ms = AWS_REQUEST_TIMEOUT_MS;
    cfg->max_attempts = AWS_RETRY_DEFAULT_ATTEMPTS;
    const char *attempts = getenv("AWS_MAX_ATTEMPTS");
    if (attempts && atoi(attempts) >= 1)
        cfg->max_attempts = atoi(attempts);
    cfg->retry_base_ms = AWS_RETRY_BASE_MS;
    cfg->retry_max_backoff_ms = AWS_RETRY_MAX_BACKOFF_MS;
    return load_credentials(cfg, profile, err, errlen);
}

void aws_config_clear(struct aws_config *cfg)
{
    free(cfg->endpoint);
    free(cfg->region);
    free(cfg->access_key_id);
    free(cfg->secret_access_key);
    free(cfg->session_token);
    memset(cfg, 0, sizeof *cfg);
}
