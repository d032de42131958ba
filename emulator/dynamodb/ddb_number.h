/* DynamoDB numbers, kept as decimal text and never passed through a double:
 * validation and canonical form (up to 38 significant digits, magnitudes
 * from 1E-130 to 9.99…E+125, as AWS documents), exact comparison, exact
 * addition and subtraction for UpdateExpression and ADD, and a byte encoding
 * whose memcmp order is numeric order, so range keys sort as in DynamoDB. */
#ifndef DYNALAKE_DDB_NUMBER_H
#define DYNALAKE_DDB_NUMBER_H

#include <stddef.h>

struct buf;

#define DDB_NUMBER_MAX_DIGITS 38
/* Longest canonical text: sign, 38 digits, a point and up to 130 zeros of
 * leading fraction, or 126 integer digits; plus the NUL. */
#define DDB_NUMBER_MAX_TEXT 176

/* Validates text (length len) as a DynamoDB number and writes its canonical
 * form to out (size DDB_NUMBER_MAX_TEXT): no leading '+', no leading or
 * trailing zeros, no exponent, "-0" becomes "0" ("1.50" -> "1.5",
 * "1e3" -> "1000", "-0.0" -> "0"). Returns 0, or -1 with AWS's message for
 * the ValidationException in err (size errlen). */
int ddb_number_canonical(const char *text, size_t len, char *out,
                         char *err, size_t errlen);

/* Compares two canonical numbers numerically: <0, 0 or >0. */
int ddb_number_compare(const char *a, const char *b);

/* out = a + b (or a - b), canonical, exact. -1 with AWS's message in err when
 * the result needs more than 38 significant digits or leaves the range. */
int ddb_number_add(const char *a, const char *b, char *out, char *err,
                   size_t errlen);
int ddb_number_subtract(const char *a, const char *b, char *out, char *err,
                        size_t errlen);

/* Appends an order-preserving encoding of the canonical number to out: for
 * any canonical a, b, memcmp order of the encodings equals numeric order, and
 * equal numbers encode identically. */
void ddb_number_encode_key(const char *canonical, struct buf *out);

#endif
