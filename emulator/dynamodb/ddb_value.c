/* The AttributeValue model over cJSON wire form. Normalization applies the
 * checks AWS makes on every AttributeValue in a request, in AWS's order and
 * with AWS's messages, and leaves values canonical (numbers rewritten,
 * unknown and null members dropped) so that the rest of dynalite may assume
 * well-formed values. Sizes, equality, ordering and key bytes follow. Which
 * attributes are keys, and their length limits, are left to the handlers. */
#include "dynamodb/ddb_value.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "dynamodb/ddb_number.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MSG_EMPTY                                                      \
    "Supplied AttributeValue is empty, must contain exactly one of the " \
    "supported datatypes"
#define MSG_MANY                                                           \
    "Supplied AttributeValue has more than one datatypes set, must contain " \
    "exactly one of the supported datatypes"
#define MSG_INVALID "One or more parameter values were invalid: "
#define MSG_NULL_FALSE \
    MSG_INVALID "Null attribute value types must have the value of true"
/* Sic: AWS writes "An string set", with two spaces before "may". */
#define MSG_SS_EMPTY MSG_INVALID "An string set  may not be empty"
#define MSG_NS_EMPTY MSG_INVALID "An number set  may not be empty"
#define MSG_BS_EMPTY MSG_INVALID "Binary sets should not be empty"
#define MSG_NS_DUPLICATES "Input collection contains duplicates"
#define MSG_NESTING                                                       \
    "Nesting Levels have exceeded supported limits: Attributes in the item " \
    "have nested levels beyond supported limit"
/* Not confirmed against AWS; the shape follows its other item messages. */
#define MSG_EMPTY_NAME MSG_INVALID "An attribute name cannot be empty"

/* AWS's JSON layer (Coral) rejects members of the wrong JSON kind before
 * validation runs, as SerializationException; these are its texts, as
 * recorded by dynalite's tests against AWS. ("dectected" is AWS's.) */
#define SER_NO_MAP "Start of structure or map found where not expected"
#define SER_FIELD "Unexpected field type"
#define SER_VALUE "Unexpected value type in payload"
#define SER_TOKEN "Unexpected token received from parser"
#define SER_BLOB "only base-64-encoded strings are convertible to bytes"
#define SER_B64_LEN \
    "Base64 encoded length is expected a multiple of 4 bytes but found: %zu"
#define SER_B64_CHAR "Invalid last non-pad Base64 character dectected"
#define SER_COLLECTION "Unrecognized collection type "
#define SER_AV_CLASS "class com.amazonaws.dynamodb.v20120810.AttributeValue"
#define SER_MAP_CLASS                               \
    "java.util.Map<java.lang.String, "              \
    "com.amazonaws.dynamodb.v20120810.AttributeValue>"

static const char *const type_names[] = {
    [DDB_TYPE_S] = "S",    [DDB_TYPE_N] = "N",     [DDB_TYPE_B] = "B",
    [DDB_TYPE_SS] = "SS",  [DDB_TYPE_NS] = "NS",   [DDB_TYPE_BS] = "BS",
    [DDB_TYPE_M] = "M",    [DDB_TYPE_L] = "L",     [DDB_TYPE_NULL] = "NULL",
    [DDB_TYPE_BOOL] = "BOOL",
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err == NULL || errlen == 0)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

const char *ddb_type_name(enum ddb_type t)
{
    if ((int)t < 0 || t >= DDB_TYPE_INVALID)
        return NULL;
    return type_names[t];
}

/* The type named by a one-letter name, or by S, N or B followed by S. */
static enum ddb_type short_type(char first, bool is_set)
{
    switch (first) {
    case 'S':
        return is_set ? DDB_TYPE_SS : DDB_TYPE_S;
    case 'N':
        return is_set ? DDB_TYPE_NS : DDB_TYPE_N;
    case 'B':
        return is_set ? DDB_TYPE_BS : DDB_TYPE_B;
    case 'M':
        return is_set ? DDB_TYPE_INVALID : DDB_TYPE_M;
    case 'L':
        return is_set ? DDB_TYPE_INVALID : DDB_TYPE_L;
    default:
        return DDB_TYPE_INVALID;
    }
}

/* Every attribute value's member name goes through here, several times
 * per item written (validation, size, stream images): one look at the
 * first characters instead of a strcmp per type. */
enum ddb_type ddb_type_parse(const char *name)
{
    if (name == NULL || name[0] == '\0')
        return DDB_TYPE_INVALID;
    if (name[1] == '\0')
        return short_type(name[0], false);
    if (name[1] == 'S' && name[2] == '\0')
        return short_type(name[0], true);
    if (strcmp(name, "NULL") == 0)
        return DDB_TYPE_NULL;
    return strcmp(name, "BOOL") == 0 ? DDB_TYPE_BOOL : DDB_TYPE_INVALID;
}

/* The one typed member of av, with its type in *t; NULL (and
 * DDB_TYPE_INVALID) unless av has exactly one. ddb_value_payload in one
 * pass over the members. */
static const cJSON *typed_member(const cJSON *av, enum ddb_type *t)
{
    const cJSON *found = NULL;
    *t = DDB_TYPE_INVALID;
    if (!cJSON_IsObject(av))
        return NULL;
    for (const cJSON *m = av->child; m != NULL; m = m->next) {
        enum ddb_type mt = ddb_type_parse(m->string);
        if (mt == DDB_TYPE_INVALID || cJSON_IsNull(m))
            continue;
        if (found != NULL) {
            *t = DDB_TYPE_INVALID;
            return NULL;
        }
        found = m;
        *t = mt;
    }
    return found;
}

enum ddb_type ddb_value_type(const cJSON *av)
{
    enum ddb_type t;
    typed_member(av, &t);
    return t;
}

const cJSON *ddb_value_payload(const cJSON *av)
{
    enum ddb_type t;
    return typed_member(av, &t);
}

static bool is_integral(double v)
{
    return v > -9.2e18 && v < 9.2e18 && (double)(long long)v == v;
}

/* Coral's message for a JSON value that is not a string where a String or
 * Boolean member was expected ("String" or "Boolean" in target). */
static int wrong_scalar(const cJSON *v, const char *target, char *err,
                        size_t errlen)
{
    if (cJSON_IsTrue(v))
        return fail(err, errlen, "TRUE_VALUE cannot be converted to %s",
                    target);
    if (cJSON_IsFalse(v))
        return fail(err, errlen, "FALSE_VALUE cannot be converted to %s",
                    target);
    if (cJSON_IsNumber(v))
        return fail(err, errlen, "%s cannot be converted to %s",
                    is_integral(v->valuedouble) ? "NUMBER_VALUE"
                                                : "DECIMAL_VALUE",
                    target);
    if (cJSON_IsArray(v))
        return fail(err, errlen, SER_COLLECTION "class java.lang.%s", target);
    if (cJSON_IsObject(v))
        return fail(err, errlen, SER_NO_MAP);
    return fail(err, errlen, SER_TOKEN);
}

static int check_string(const cJSON *v, char *err, size_t errlen)
{
    if (cJSON_IsString(v))
        return 0;
    return wrong_scalar(v, "String", err, errlen);
}

static int check_bool(const cJSON *v, char *err, size_t errlen)
{
    if (cJSON_IsBool(v))
        return 0;
    return wrong_scalar(v, "Boolean", err, errlen);
}

static int b64_digit(char ch)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = ch ? strchr(alphabet, ch) : NULL;
    return p ? (int)(p - alphabet) : -1;
}

/* Strict base64 as AWS's decoder wants it: padded, and the bits below the
 * last character's share of the final byte must be zero ("Yh==" fails).
 * Appends the bytes to out when out is not NULL. */
static int decode_blob(const char *s, struct buf *out, char *err,
                       size_t errlen)
{
    size_t len = strlen(s);
    struct buf scratch;
    if (len % 4 != 0)
        return fail(err, errlen, SER_B64_LEN, len);
    if (len >= 2 && s[len - 1] == '=') {
        bool two = s[len - 2] == '=';
        int last = b64_digit(s[len - (two ? 3 : 2)]);
        if (last < 0 || (last & (two ? 0x0F : 0x03)) != 0)
            return fail(err, errlen, SER_B64_CHAR);
    }
    buf_init(&scratch, 0);
    int rc = crypto_base64_decode(s, len, out ? out : &scratch);
    buf_clear(&scratch);
    if (rc < 0)
        return fail(err, errlen, SER_B64_CHAR);
    return 0;
}

static int check_blob(const cJSON *v, char *err, size_t errlen)
{
    if (cJSON_IsArray(v))
        return fail(err, errlen, SER_COLLECTION "class java.nio.ByteBuffer");
    if (cJSON_IsObject(v))
        return fail(err, errlen, SER_NO_MAP);
    if (!cJSON_IsString(v))
        return fail(err, errlen, SER_BLOB);
    return decode_blob(v->valuestring, NULL, err, errlen);
}

static int check_list(const cJSON *v, char *err, size_t errlen)
{
    if (cJSON_IsArray(v))
        return 0;
    if (cJSON_IsObject(v))
        return fail(err, errlen, SER_NO_MAP);
    return fail(err, errlen, SER_FIELD);
}

static int check_map(const cJSON *v, char *err, size_t errlen)
{
    if (cJSON_IsObject(v))
        return 0;
    if (cJSON_IsArray(v))
        return fail(err, errlen, SER_COLLECTION SER_MAP_CLASS);
    return fail(err, errlen, SER_FIELD);
}

static int normalize_number(cJSON *v, char *err, size_t errlen)
{
    char canon[DDB_NUMBER_MAX_TEXT];
    if (check_string(v, err, errlen) < 0)
        return -1;
    const char *text = v->valuestring;
    if (ddb_number_canonical(text, strlen(text), canon, err, errlen) < 0)
        return -1;
    if (strcmp(canon, text) != 0)
        cJSON_SetValuestring(v, canon);
    return 0;
}

/* A set's members as key bytes, sorted: duplicates end up adjacent, and two
 * sets are equal when their sorted members are. */
struct members {
    struct buf *keys;
    int n;
};

static int compare_keys(const void *pa, const void *pb)
{
    const struct buf *a = pa;
    const struct buf *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->data, b->data, n) : 0;
    if (c != 0)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* Encodes one scalar of type t (S, N or B) given as its wire string. A
 * number that never went through normalize is canonicalized first, so that
 * it cannot reach the encoder's assertions. */
static int member_encode(enum ddb_type t, const cJSON *v, struct buf *out)
{
    char canon[DDB_NUMBER_MAX_TEXT];
    if (!cJSON_IsString(v))
        return -1;
    const char *s = v->valuestring;
    if (t == DDB_TYPE_S) {
        buf_puts(out, s);
        return 0;
    }
    if (t == DDB_TYPE_B)
        return decode_blob(s, out, NULL, 0);
    if (ddb_number_canonical(s, strlen(s), canon, NULL, 0) < 0)
        return -1;
    ddb_number_encode_key(canon, out);
    return 0;
}

static void members_clear(struct members *ms)
{
    for (int i = 0; i < ms->n; i++)
        buf_clear(&ms->keys[i]);
    free(ms->keys);
    ms->keys = NULL;
    ms->n = 0;
}

/* Builds the sorted members of a validated set with member type t. */
static int members_build(const cJSON *set, enum ddb_type t,
                         struct members *ms)
{
    int n = cJSON_GetArraySize(set);
    int i = 0;
    ms->keys = xcalloc((size_t)(n ? n : 1), sizeof *ms->keys);
    ms->n = n;
    for (const cJSON *v = set->child; v != NULL; v = v->next, i++) {
        buf_init(&ms->keys[i], 0);
        if (member_encode(t, v, &ms->keys[i]) < 0) {
            members_clear(ms);
            return -1;
        }
    }
    qsort(ms->keys, (size_t)n, sizeof *ms->keys, compare_keys);
    return 0;
}

static bool members_have_duplicates(const struct members *ms)
{
    for (int i = 1; i < ms->n; i++) {
        if (compare_keys(&ms->keys[i - 1], &ms->keys[i]) == 0)
            return true;
    }
    return false;
}

/* AWS echoes the whole set in its duplicate message: "[a, a]". */
static int fail_duplicates(const cJSON *set, const char *tail, char *err,
                           size_t errlen)
{
    struct buf list;
    buf_init(&list, 0);
    for (const cJSON *v = set->child; v != NULL; v = v->next) {
        if (v != set->child)
            buf_puts(&list, ", ");
        buf_puts(&list, v->valuestring);
    }
    fail(err, errlen, MSG_INVALID "Input collection [%s]%s", buf_cstr(&list),
         tail);
    buf_clear(&list);
    return -1;
}

static int check_set_members(cJSON *set, enum ddb_type t, char *err,
                             size_t errlen)
{
    for (cJSON *v = set->child; v != NULL; v = v->next) {
        int rc;
        if (t == DDB_TYPE_N)
            rc = normalize_number(v, err, errlen);
        else if (t == DDB_TYPE_B)
            rc = check_blob(v, err, errlen);
        else
            rc = check_string(v, err, errlen);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* SS, NS and BS: the member type t is S, N or B. AWS checks emptiness,
 * then each member, then duplicates (numbers by value, binaries by their
 * decoded bytes). */
static int normalize_set(cJSON *set, enum ddb_type t, char *err,
                         size_t errlen)
{
    static const char *const empty_msgs[] = {
        [DDB_TYPE_S] = MSG_SS_EMPTY,
        [DDB_TYPE_N] = MSG_NS_EMPTY,
        [DDB_TYPE_B] = MSG_BS_EMPTY,
    };
    struct members ms;
    if (check_list(set, err, errlen) < 0)
        return -1;
    if (set->child == NULL)
        return fail(err, errlen, "%s", empty_msgs[t]);
    if (check_set_members(set, t, err, errlen) < 0)
        return -1;
    if (members_build(set, t, &ms) < 0)
        return fail(err, errlen, SER_B64_CHAR);
    bool has_duplicates = members_have_duplicates(&ms);
    members_clear(&ms);
    if (!has_duplicates)
        return 0;
    if (t == DDB_TYPE_N)
        return fail(err, errlen, MSG_NS_DUPLICATES);
    return fail_duplicates(set, t == DDB_TYPE_S ? " contains duplicates."
                                                : "of type BS contains "
                                                  "duplicates.",
                           err, errlen);
}

static int normalize_list(cJSON *list, int depth, char *err, size_t errlen)
{
    if (check_list(list, err, errlen) < 0)
        return -1;
    for (cJSON *v = list->child; v != NULL; v = v->next) {
        if (ddb_value_normalize(v, depth + 1, err, errlen) < 0)
            return -1;
    }
    return 0;
}

static int normalize_map(cJSON *map, int depth, char *err, size_t errlen)
{
    if (check_map(map, err, errlen) < 0)
        return -1;
    for (cJSON *v = map->child; v != NULL; v = v->next) {
        if (ddb_value_normalize(v, depth + 1, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* Validates and normalizes the payload of one member of type t. */
static int normalize_payload(cJSON *p, enum ddb_type t, int depth, char *err,
                             size_t errlen)
{
    switch (t) {
    case DDB_TYPE_S:
        return check_string(p, err, errlen);
    case DDB_TYPE_N:
        return normalize_number(p, err, errlen);
    case DDB_TYPE_B:
        return check_blob(p, err, errlen);
    case DDB_TYPE_SS:
        return normalize_set(p, DDB_TYPE_S, err, errlen);
    case DDB_TYPE_NS:
        return normalize_set(p, DDB_TYPE_N, err, errlen);
    case DDB_TYPE_BS:
        return normalize_set(p, DDB_TYPE_B, err, errlen);
    case DDB_TYPE_M:
        return normalize_map(p, depth, err, errlen);
    case DDB_TYPE_L:
        return normalize_list(p, depth, err, errlen);
    case DDB_TYPE_NULL:
        if (check_bool(p, err, errlen) < 0)
            return -1;
        return cJSON_IsTrue(p) ? 0 : fail(err, errlen, MSG_NULL_FALSE);
    case DDB_TYPE_BOOL:
        return check_bool(p, err, errlen);
    case DDB_TYPE_INVALID:
        break;
    }
    return fail(err, errlen, MSG_EMPTY);
}

/* Coral ignores members it does not know and treats JSON null as absent,
 * so {"S": null} is an empty AttributeValue and {"S": "x", "Q": 1} is an S.
 * Dropping both leaves exactly the members that count. */
static void drop_ignored_members(cJSON *av)
{
    cJSON *m = av->child;
    while (m != NULL) {
        cJSON *next = m->next;
        if (ddb_type_parse(m->string) == DDB_TYPE_INVALID || cJSON_IsNull(m))
            cJSON_Delete(cJSON_DetachItemViaPointer(av, m));
        m = next;
    }
}

int ddb_value_normalize(cJSON *av, int depth, char *err, size_t errlen)
{
    /* Level 1 is the attribute itself (depth 0); AWS accepts a value at
     * level 32 and rejects one at level 33. */
    if (depth >= DDB_MAX_NESTING_DEPTH)
        return fail(err, errlen, MSG_NESTING);
    if (av == NULL || cJSON_IsNull(av))
        return fail(err, errlen, MSG_EMPTY);
    if (cJSON_IsArray(av))
        return fail(err, errlen, SER_COLLECTION SER_AV_CLASS);
    if (!cJSON_IsObject(av))
        return fail(err, errlen, SER_VALUE);
    drop_ignored_members(av);
    if (av->child == NULL)
        return fail(err, errlen, MSG_EMPTY);
    /* Each member is checked before the count, as AWS does: {"S": "a",
     * "N": "b"} reports the bad number, not the second type. */
    for (cJSON *m = av->child; m != NULL; m = m->next) {
        enum ddb_type t = ddb_type_parse(m->string);
        if (normalize_payload(m, t, depth, err, errlen) < 0)
            return -1;
    }
    if (av->child->next != NULL)
        return fail(err, errlen, MSG_MANY);
    return 0;
}

int ddb_item_normalize(cJSON *item, char *err, size_t errlen)
{
    if (cJSON_IsArray(item))
        return fail(err, errlen, SER_COLLECTION SER_MAP_CLASS);
    if (!cJSON_IsObject(item))
        return fail(err, errlen, SER_FIELD);
    for (cJSON *m = item->child; m != NULL; m = m->next) {
        if (m->string == NULL || m->string[0] == '\0')
            return fail(err, errlen, MSG_EMPTY_NAME);
        if (ddb_value_normalize(m, 0, err, errlen) < 0)
            return -1;
    }
    return 0;
}

bool ddb_value_error_is_serialization(const char *err)
{
    static const char *const prefixes[] = {
        "TRUE_VALUE ", "FALSE_VALUE ", "NUMBER_VALUE ", "DECIMAL_VALUE ",
        SER_COLLECTION, SER_NO_MAP, SER_FIELD, SER_VALUE, SER_TOKEN, SER_BLOB,
        "Base64 encoded length ", SER_B64_CHAR,
    };
    for (size_t i = 0; err != NULL && i < sizeof prefixes / sizeof *prefixes;
         i++) {
        if (strncmp(err, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    }
    return false;
}

/* DynamoDB sizes a number by its significant digits: leading and trailing
 * zeros are trimmed, then 1 byte per two digits plus 1 ("Item sizes and
 * formats"). */
static size_t number_size(const char *text)
{
    size_t pos = 0;
    size_t first = 0;
    size_t last = 0;
    bool seen = false;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            continue;
        if (*p != '0') {
            if (!seen)
                first = pos;
            seen = true;
            last = pos;
        }
        pos++;
    }
    size_t digits = seen ? last - first + 1 : 0;
    return (digits + 1) / 2 + 1;
}

/* Binary counts its raw bytes, found from the padded base64 length. */
static size_t blob_size(const char *b64)
{
    size_t len = strlen(b64);
    size_t pad = 0;
    if (len >= 1 && b64[len - 1] == '=')
        pad++;
    if (len >= 2 && b64[len - 2] == '=')
        pad++;
    return len % 4 == 0 && len > 0 ? len / 4 * 3 - pad : 0;
}

static size_t scalar_size(enum ddb_type t, const cJSON *v)
{
    if (!cJSON_IsString(v))
        return 0;
    if (t == DDB_TYPE_N)
        return number_size(v->valuestring);
    if (t == DDB_TYPE_B)
        return blob_size(v->valuestring);
    return strlen(v->valuestring);
}

size_t ddb_value_size(const cJSON *av)
{
    enum ddb_type t;
    const cJSON *p = typed_member(av, &t);
    size_t size = 0;
    switch (t) {
    case DDB_TYPE_S:
    case DDB_TYPE_N:
    case DDB_TYPE_B:
        return scalar_size(t, p);
    case DDB_TYPE_SS:
    case DDB_TYPE_NS:
    case DDB_TYPE_BS:
        for (const cJSON *v = p->child; v != NULL; v = v->next)
            size += scalar_size(t - DDB_TYPE_SS + DDB_TYPE_S, v);
        return size;
    case DDB_TYPE_M:
    case DDB_TYPE_L:
        /* 3 bytes for the document, 1 per element, plus map key names. */
        size = 3;
        for (const cJSON *v = p->child; v != NULL; v = v->next) {
            size += 1 + ddb_value_size(v);
            if (t == DDB_TYPE_M && v->string != NULL)
                size += strlen(v->string);
        }
        return size;
    case DDB_TYPE_NULL:
    case DDB_TYPE_BOOL:
        return 1;
    case DDB_TYPE_INVALID:
        break;
    }
    return 0;
}

size_t ddb_item_size(const cJSON *item)
{
    size_t size = 0;
    if (!cJSON_IsObject(item))
        return 0;
    for (const cJSON *m = item->child; m != NULL; m = m->next)
        size += strlen(m->string) + ddb_value_size(m);
    return size;
}

static bool sets_equal(const cJSON *a, const cJSON *b, enum ddb_type member)
{
    struct members x = { NULL, 0 };
    struct members y = { NULL, 0 };
    bool equal = false;
    if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
        return false;
    if (members_build(a, member, &x) < 0 || members_build(b, member, &y) < 0)
        goto out;
    equal = true;
    for (int i = 0; i < x.n && equal; i++)
        equal = compare_keys(&x.keys[i], &y.keys[i]) == 0;
out:
    members_clear(&x);
    members_clear(&y);
    return equal;
}

static bool maps_equal(const cJSON *a, const cJSON *b)
{
    if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
        return false;
    for (const cJSON *v = a->child; v != NULL; v = v->next) {
        if (!ddb_value_equal(v, json_get(b, v->string)))
            return false;
    }
    return true;
}

static bool lists_equal(const cJSON *a, const cJSON *b)
{
    const cJSON *x = a->child;
    const cJSON *y = b->child;
    for (; x != NULL && y != NULL; x = x->next, y = y->next) {
        if (!ddb_value_equal(x, y))
            return false;
    }
    return x == NULL && y == NULL;
}

bool ddb_value_equal(const cJSON *a, const cJSON *b)
{
    enum ddb_type t = ddb_value_type(a);
    int cmp;
    if (t == DDB_TYPE_INVALID || t != ddb_value_type(b))
        return false;
    const cJSON *x = ddb_value_payload(a);
    const cJSON *y = ddb_value_payload(b);
    switch (t) {
    case DDB_TYPE_S:
    case DDB_TYPE_N:
    case DDB_TYPE_B:
        return ddb_value_compare(a, b, &cmp) == 0 && cmp == 0;
    case DDB_TYPE_SS:
    case DDB_TYPE_NS:
    case DDB_TYPE_BS:
        return sets_equal(x, y, t - DDB_TYPE_SS + DDB_TYPE_S);
    case DDB_TYPE_M:
        return maps_equal(x, y);
    case DDB_TYPE_L:
        return lists_equal(x, y);
    case DDB_TYPE_NULL:
    case DDB_TYPE_BOOL:
        return cJSON_IsTrue(x) == cJSON_IsTrue(y);
    case DDB_TYPE_INVALID:
        break;
    }
    return false;
}

/* Key bytes order S and B as DynamoDB does (unsigned bytes) and N
 * numerically, so one comparison serves all three. */
int ddb_value_compare(const cJSON *a, const cJSON *b, int *cmp)
{
    struct buf x;
    struct buf y;
    int rc = -1;
    if (ddb_value_type(a) != ddb_value_type(b))
        return -1;
    buf_init(&x, 0);
    buf_init(&y, 0);
    if (ddb_key_encode(a, &x) < 0 || ddb_key_encode(b, &y) < 0)
        goto out;
    *cmp = compare_keys(&x, &y);
    rc = 0;
out:
    buf_clear(&x);
    buf_clear(&y);
    return rc;
}

int ddb_key_encode(const cJSON *av, struct buf *out)
{
    enum ddb_type t = ddb_value_type(av);
    if (t != DDB_TYPE_S && t != DDB_TYPE_N && t != DDB_TYPE_B)
        return -1;
    return member_encode(t, ddb_value_payload(av), out);
}

cJSON *ddb_value_copy(const cJSON *av)
{
    return cJSON_Duplicate(av, true);
}
