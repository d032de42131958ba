/* XML output helpers; see xml.h. */
#include "base/xml.h"

#include "base/buf.h"

#include <string.h>

void xml_write_text(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&apos;"); break;
        default: buf_putc(b, *s); break;
        }
    }
}

void xml_write_element(struct buf *b, const char *name, const char *text)
{
    buf_printf(b, "<%s>", name);
    xml_write_text(b, text);
    buf_printf(b, "</%s>", name);
}
