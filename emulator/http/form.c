/* Form decoding; see form.h. */
#include "http/form.h"

#include "base/buf.h"
#include "base/json.h"

#include <string.h>

static int hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Appends the decoded form of one component to out. */
static int decode_component(const char *p, size_t len, struct buf *out)
{
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '+') {
            buf_putc(out, ' ');
        } else if (p[i] == '%') {
            int hi = i + 2 < len ? hex_value(p[i + 1]) : -1;
            int lo = i + 2 < len ? hex_value(p[i + 2]) : -1;
            if (i + 2 >= len || hi < 0 || lo < 0)
                return -1;
            buf_putc(out, (char)(hi * 16 + lo));
            i += 2;
        } else {
            buf_putc(out, p[i]);
        }
    }
    return 0;
}

static int add_pair(const char *p, size_t len, cJSON *obj)
{
    const char *eq = memchr(p, '=', len);
    size_t name_len = eq ? (size_t)(eq - p) : len;
    struct buf name, value;
    buf_init(&name, 0);
    buf_init(&value, 0);
    int rc = -1;
    if (decode_component(p, name_len, &name) == 0 &&
        (eq == NULL ||
         decode_component(eq + 1, len - name_len - 1, &value) == 0)) {
        rc = 0;
        if (name.len && json_get(obj, buf_cstr(&name)) == NULL)
            cJSON_AddStringToObject(obj, buf_cstr(&name), buf_cstr(&value));
    }
    buf_clear(&name);
    buf_clear(&value);
    return rc;
}

int form_decode(const char *text, size_t len, cJSON *obj)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '&')
            continue;
        if (i > start && add_pair(text + start, i - start, obj) < 0)
            return -1;
        start = i + 1;
    }
    return 0;
}
