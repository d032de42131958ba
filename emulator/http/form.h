/* application/x-www-form-urlencoded decoding, for STS's Query protocol
 * (Action=AssumeRole&RoleArn=...), into a flat JSON object of strings so
 * that every later stage reads requests the same way, through c->input. */
#ifndef DYNALAKE_FORM_H
#define DYNALAKE_FORM_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Adds the pairs of text (len bytes; '+' is a space, %XX escapes) to obj;
 * a repeated name keeps its first value. -1 on a malformed escape. */
int form_decode(const char *text, size_t len, cJSON *obj);

#endif
