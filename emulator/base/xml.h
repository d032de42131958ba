/* Writing XML responses (STS, S3): escaped text and simple elements into a
 * buf. Parsing XML request bodies is s3_xml's, over expat. */
#ifndef DYNALAKE_XML_H
#define DYNALAKE_XML_H

struct buf;

/* Appends s with &, <, >, " and ' escaped. */
void xml_write_text(struct buf *b, const char *s);
/* Appends <name>escaped text</name>. */
void xml_write_element(struct buf *b, const char *name, const char *text);

#endif
