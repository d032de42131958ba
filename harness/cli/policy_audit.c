/* policy generate / check; see policy_audit.h. The audit log is read as a
 * list of decision records and handed, with one principal, to the same
 * least-privilege analysis `dynalake run` uses. */
#include "cli/policy_audit.h"

#include "base/buf.h"
#include "base/file.h"
#include "base/json.h"
#include "base/mem.h"
#include "verify/finding.h"
#include "verify/leastpriv.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Audit logs and policies of real test suites stay well below these. */
#define POLICY_AUDIT_MAX_LOG (256u << 20)
#define POLICY_AUDIT_MAX_POLICY (64u << 10)

static const char usage_text[] =
    "usage: dynalake policy generate --audit-log FILE --principal ARN\n"
    "       dynalake policy check --audit-log FILE --principal ARN "
    "--policy FILE...\n"
    "  generate writes the minimal policy for what ARN did (allowed or\n"
    "  denied) in the audit log; check reports what FILE's policies grant\n"
    "  beyond that, or lack (exit 1 when anything is found).\n";

struct options {
    const char *log;
    const char *principal;
    const char *policies[16];
    size_t n_policies;
};

static int parse(int argc, char **argv, struct options *o)
{
    static const struct option opts[] = {
        { "audit-log", required_argument, NULL, 'a' },
        { "principal", required_argument, NULL, 'p' },
        { "policy", required_argument, NULL, 'P' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == 'a')
            o->log = optarg;
        else if (opt == 'p')
            o->principal = optarg;
        else if (opt == 'P' && o->n_policies < 16)
            o->policies[o->n_policies++] = optarg;
        else
            return -1;
    }
    return o->log && o->principal && optind == argc ? 0 : -1;
}

/* The audit log's records as a JSON array; NULL with a message. */
static cJSON *read_records(const char *path)
{
    size_t len;
    char *text = file_read(path, POLICY_AUDIT_MAX_LOG, &len);
    if (text == NULL) {
        perror(path);
        return NULL;
    }
    cJSON *records = cJSON_CreateArray();
    size_t line = 0;
    for (char *p = text, *end; *p; p = end + (*end != '\0')) {
        end = strchr(p, '\n');
        if (end == NULL)
            end = p + strlen(p);
        line++;
        if (end == p)
            continue;
        cJSON *r = json_parse(p, (size_t)(end - p));
        if (!cJSON_IsObject(r)) {
            fprintf(stderr, "%s:%zu: not a JSON decision record\n", path,
                    line);
            cJSON_Delete(r);
            cJSON_Delete(records);
            free(text);
            return NULL;
        }
        cJSON_AddItemToArray(records, r);
    }
    free(text);
    return records;
}

/* "arn:aws:iam::123456789012:role/shipper" gives account and "role/…";
 * an assumed-role session ARN names its role. */
static int split_arn(const char *arn, char *account, char *name)
{
    const char *p = arn;
    for (int colons = 0; colons < 4; colons++) {
        p = strchr(p, ':');
        if (p == NULL)
            return -1;
        p++;
    }
    size_t n = strcspn(p, ":");
    if (n == 0 || n > 12 || p[n] != ':')
        return -1;
    memcpy(account, p, n);
    account[n] = '\0';
    const char *res = p + n + 1;
    if (strncmp(res, "assumed-role/", 13) == 0) {
        snprintf(name, 512, "role/%.*s", (int)strcspn(res + 13, "/"),
                 res + 13);
        return 0;
    }
    snprintf(name, 512, "%s", res);
    return 0;
}

static int generate(const struct leastpriv_input *in,
                    const struct leastpriv_principal *p)
{
    cJSON *minimal = leastpriv_minimal(in, p);
    char *text = cJSON_Print(minimal);
    puts(text);
    free(text);
    cJSON_Delete(minimal);
    return 0;
}

static int check(const struct leastpriv_input *in,
                 const struct leastpriv_principal *p)
{
    struct findings f;
    findings_init(&f);
    leastpriv_analyze(in, &f);
    for (size_t i = 0; i < f.n; i++)
        printf("%s %s: %s\n", f.v[i].check, f.v[i].kind, f.v[i].message);
    struct buf diff;
    buf_init(&diff, 0);
    cJSON *minimal = leastpriv_minimal(in, p);
    leastpriv_diff(in, p, minimal, &diff);
    fputs(buf_cstr(&diff), stdout);
    cJSON_Delete(minimal);
    buf_clear(&diff);
    int status = f.n ? 1 : 0;
    printf("%zu finding%s\n", f.n, f.n == 1 ? "" : "s");
    findings_clear(&f);
    return status;
}

static int run(const struct options *o, bool is_check, cJSON *records)
{
    char account[16], name[512];
    if (split_arn(o->principal, account, name) < 0) {
        fprintf(stderr, "dynalake policy: %s is not an IAM ARN\n",
                o->principal);
        return 2;
    }
    struct leastpriv_policy policies[16];
    char *texts[16] = { 0 };
    int status = 0;
    for (size_t i = 0; i < o->n_policies; i++) {
        texts[i] = file_read(o->policies[i], POLICY_AUDIT_MAX_POLICY, NULL);
        if (texts[i] == NULL) {
            perror(o->policies[i]);
            status = 1;
        }
        policies[i] = (struct leastpriv_policy){ o->policies[i], texts[i] };
    }
    struct leastpriv_principal p = {
        .name = name, .arn = o->principal,
        .is_role = strncmp(name, "role/", 5) == 0,
        .policies = policies, .n_policies = o->n_policies, .is_used = true };
    struct leastpriv_input in = { .account = account, .region = "*",
                                  .principals = &p, .n = 1,
                                  .records = records };
    if (status == 0)
        status = is_check ? check(&in, &p) : generate(&in, &p);
    for (size_t i = 0; i < o->n_policies; i++)
        free(texts[i]);
    return status;
}

int policy_audit_main(int argc, char **argv)
{
    struct options o = { 0 };
    bool is_check = strcmp(argv[0], "check") == 0;
    if (parse(argc, argv, &o) < 0 || (is_check && o.n_policies == 0)) {
        fputs(usage_text, stderr);
        return 2;
    }
    mem_install_cjson_hooks();
    cJSON *records = read_records(o.log);
    if (records == NULL)
        return 1;
    int status = run(&o, is_check, records);
    cJSON_Delete(records);
    return status;
}
