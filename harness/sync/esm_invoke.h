/* The functions the event-source-mapping runner can invoke, and the
 * credentials they run with.
 *   command   any program: the Lambda event on stdin, the response on
 *             stdout; a non-zero exit, a signal or the timeout is a
 *             function error (stderr passes through). It runs with the
 *             role's credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 *             / AWS_SESSION_TOKEN, AWS_ENDPOINT_URL and AWS_REGION, and
 *             AWS_LAMBDA_FUNCTION_NAME / _TIMEOUT / _MEMORY_SIZE as Lambda
 *             sets them.
 *   builtin   `dynalake ship --handler` in process (ship_handle_event). */
#ifndef DYNALAKE_ESM_INVOKE_H
#define DYNALAKE_ESM_INVOKE_H

#include "sync/esm.h"

#include <stddef.h>

struct aws_config;
struct ship_options;

/* Temporary credentials of an assumed role. */
struct esm_credentials {
    char access_key_id[128];
    char secret_access_key[256];
    char session_token[4096];
};

/* Credentials for role (a name or an ARN) as the Lambda service gets them.
 * Against dynalake (an endpoint that answers /_dynalake/): POST
 * /_dynalake/assume-role {"role": NAME, "service": "lambda.amazonaws.com"},
 * which only succeeds when the role's trust policy names that service.
 * Elsewhere (AWS): sts:AssumeRole of the ARN with the caller's
 * credentials (the trust policy must then also trust the caller). Returns
 * -1 with the reason in err. */
int esm_invoke_assume_role(const struct aws_config *caller, const char *role,
                           struct esm_credentials *out, char *err,
                           size_t errlen);

/* A command handler. argv is borrowed (NULL-terminated); env_extra holds
 * "NAME=value" strings (copied) that replace those names in this process's
 * environment for the child, and bare "NAME"s that remove them. Caller
 * frees with esm_command_free. */
struct esm_command;
struct esm_command *esm_command_new(char *const *argv,
                                    const char *const *env_extra,
                                    long timeout_ms);
void esm_command_free(struct esm_command *c);

/* The esm_handler invoke function for a command (ctx: the command). */
enum esm_invoke_result esm_command_invoke(void *ctx, const char *event,
                                          size_t len, struct buf *response,
                                          char *err, size_t errlen);

/* The esm_handler invoke function for the built-in shipper (ctx: a
 * struct ship_options, borrowed). */
enum esm_invoke_result esm_builtin_invoke(void *ctx, const char *event,
                                          size_t len, struct buf *response,
                                          char *err, size_t errlen);

#endif
