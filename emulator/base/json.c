/* cJSON helpers; see json.h. */
#include "base/json.h"

#include "base/buf.h"

#include <stdlib.h>
#include <string.h>

cJSON *json_parse(const char *text, size_t len)
{
    const char *end = NULL;
    if (text == NULL || len == 0)
        return NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, false);
    if (v == NULL)
        return NULL;
    while (end < text + len && (*end == ' ' || *end == '\t' || *end == '\r' ||
                                *end == '\n' || *end == '\0'))
        end++;
    if (end != text + len) {
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

const cJSON *json_get(const cJSON *obj, const char *name)
{
    if (!cJSON_IsObject(obj))
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(obj, name);
}

const char *json_get_string(const cJSON *obj, const char *name)
{
    const cJSON *v = json_get(obj, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void json_write(struct buf *b, const cJSON *v)
{
    char *text = cJSON_PrintUnformatted(v);
    if (text == NULL) {
        b->failed = true;
        return;
    }
    buf_puts(b, text);
    free(text);
}

void json_write_string(struct buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)ch);
        } else if (ch == '\n') {
            buf_puts(b, "\\n");
        } else if (ch == '\r') {
            buf_puts(b, "\\r");
        } else if (ch == '\t') {
            buf_puts(b, "\\t");
        } else if (ch < 0x20) {
            char esc[7] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15], 0 };
            buf_puts(b, esc);
        } else {
            buf_putc(b, (char)ch);
        }
    }
    buf_putc(b, '"');
}
