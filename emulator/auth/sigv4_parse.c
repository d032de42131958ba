/* Parsing of SigV4 authentication: the Authorization header or the
 * presigned X-Amz-* query parameters, checked for shape (algorithm,
 * credential scope, dates, expiry, signed headers) but not for the
 * signature, which sigv4.c verifies. See sigv4.h. */
#include "auth/sigv4.h"

#include "auth/sigv4_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* An authentication field expected once: Authorization header parameters
 * and the presigned X-Amz-* query parameters. */
struct field {
    const char *name;
    struct str value;
    bool is_seen;
};

/* RFC 9110 token characters, the only ones a header name may hold: the
 * unreserved ones and ! # $ % & ' * + ^ ` | */
static bool is_tchar(unsigned char ch)
{
    static const uint64_t tchar[2] = { 0x03ff6cfa00000000ull,
                                       0x57ffffffc7fffffeull };
    return sigv4_in_set(tchar, ch);
}

static struct str str_slice(struct str s, size_t from)
{
    return (struct str){ s.ptr + from, s.len - from };
}

static enum sigv4_parse_result malformed(struct sigv4_auth *auth,
                                         const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum sigv4_parse_result malformed(struct sigv4_auth *auth,
                                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(auth->message, sizeof auth->message, fmt, ap);
    va_end(ap);
    return SIGV4_PARSE_MALFORMED;
}

/* Records value under name when name is one of the n fields: 1 if it was,
 * 0 if name is not a field, -1 if the field was already given. */
static int take_field(struct field *fields, size_t n, struct str name,
                      struct str value)
{
    for (size_t i = 0; i < n; i++) {
        if (!str_eq_cstr(name, fields[i].name))
            continue;
        if (fields[i].is_seen)
            return -1;
        fields[i].value = value;
        fields[i].is_seen = true;
        return 1;
    }
    return 0;
}

/* The headers SigV4 reads, found in one pass: each value is the first
 * one sent, trimmed. */
struct auth_headers {
    size_t n_authorization;
    struct str authorization;
    bool has_date;
    struct str date;          /* X-Amz-Date */
    struct str security_token; /* X-Amz-Security-Token; empty if none */
};

static void take_first(struct str value, bool *is_seen, struct str *out)
{
    if (!*is_seen)
        *out = str_trim(value);
    *is_seen = true;
}

static void scan_headers(const struct sigv4_request *req,
                         struct auth_headers *out)
{
    bool has_token = false;
    *out = (struct auth_headers){ .authorization = { "", 0 },
                                  .date = { "", 0 },
                                  .security_token = { "", 0 } };
    for (size_t i = 0; i < req->header_count; i++) {
        struct str name = req->headers[i].name;
        struct str value = req->headers[i].value;
        /* Lengths first: the names differ in it, and most headers are
         * none of these. */
        if (name.len == 13 && str_eq_nocase(name, STR_LIT("authorization"))) {
            if (out->n_authorization++ == 0)
                out->authorization = str_trim(value);
        } else if (name.len == 10 &&
                   str_eq_nocase(name, STR_LIT("x-amz-date"))) {
            take_first(value, &out->has_date, &out->date);
        } else if (name.len == 20 &&
                   str_eq_nocase(name, STR_LIT("x-amz-security-token"))) {
            take_first(value, &has_token, &out->security_token);
        }
    }
}

/* Which authentication parameters the raw query names. */
struct query_marks {
    bool has_v4;  /* X-Amz-Algorithm, X-Amz-Credential or X-Amz-Signature */
    bool has_v2;  /* AWSAccessKeyId: a SigV2 presigned URL */
};

static struct query_marks mark_query(struct str query)
{
    struct query_marks m = { false, false };
    struct str rest = query;
    while (rest.len) {
        struct str item;
        struct str key;
        str_cut(&rest, '&', &item);
        str_cut(&item, '=', &key);
        if (str_eq_cstr(key, "X-Amz-Algorithm") ||
            str_eq_cstr(key, "X-Amz-Credential") ||
            str_eq_cstr(key, "X-Amz-Signature"))
            m.has_v4 = true;
        if (str_eq_cstr(key, "AWSAccessKeyId"))
            m.has_v2 = true;
    }
    return m;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (after Howard
 * Hinnant's days_from_civil), so no time zone or timegm is involved. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t digits_at(struct str s, size_t at, size_t n)
{
    int64_t v = 0;
    for (size_t i = at; i < at + n; i++)
        v = v * 10 + (s.ptr[i] - '0');
    return v;
}

/* Parses X-Amz-Date's "YYYYMMDDTHHMMSSZ" into Unix epoch milliseconds. */
static int parse_amz_date(struct str s, int64_t *ms)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31 };
    if (s.len != 16 || s.ptr[8] != 'T' || s.ptr[15] != 'Z' ||
        !sigv4_is_digits((struct str){ s.ptr, 8 }) ||
        !sigv4_is_digits((struct str){ s.ptr + 9, 6 }))
        return -1;
    int64_t y = digits_at(s, 0, 4);
    int64_t mo = digits_at(s, 4, 2);
    int64_t d = digits_at(s, 6, 2);
    int64_t h = digits_at(s, 9, 2);
    int64_t mi = digits_at(s, 11, 2);
    int64_t sec = digits_at(s, 13, 2);
    if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59)
        return -1;
    if (d < 1 || d > mdays[mo - 1] + (mo == 2 && is_leap(y)))
        return -1;
    int64_t days = days_from_civil(y, mo, d);
    *ms = (((days * 24 + h) * 60 + mi) * 60 + sec) * 1000;
    return 0;
}

static enum sigv4_parse_result bad_credential(struct sigv4_auth *auth)
{
    if (auth->form == SIGV4_FORM_QUERY)
        return malformed(auth, "Error parsing the X-Amz-Credential "
                               "parameter; the Credential is mal-formed; "
                               "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/"
                               "SERVICE/aws4_request\".");
    return malformed(auth, "The authorization header is malformed; the "
                           "Credential is mal-formed; expecting "
                           "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/"
                           "aws4_request\".");
}

/* Splits "AKID/YYYYMMDD/region/service/aws4_request" into auth. */
static enum sigv4_parse_result parse_credential(struct sigv4_auth *auth,
                                                struct str cred)
{
    struct str rest = cred;
    struct str akid;
    struct str date;
    struct str region;
    struct str service;
    if (!str_cut(&rest, '/', &akid) || !str_cut(&rest, '/', &date) ||
        !str_cut(&rest, '/', &region) || !str_cut(&rest, '/', &service))
        return bad_credential(auth);
    if (akid.len == 0 || date.len != 8 || !sigv4_is_digits(date) ||
        region.len == 0 || service.len == 0 || memchr(rest.ptr, '/', rest.len))
        return bad_credential(auth);
    if (!str_eq_cstr(rest, SIGV4_TERMINATOR))
        return malformed(auth, "Credential should be scoped with a valid "
                               "terminator: 'aws4_request', not '%.*s'.",
                         (int)rest.len, rest.ptr);
    auth->access_key_id = akid;
    auth->scope = str_slice(cred, akid.len + 1);
    auth->scope_date = date;
    auth->region = region;
    auth->service = service;
    return SIGV4_PARSE_OK;
}

/* SignedHeaders: ';'-separated header names, which must include host so
 * that a signature cannot be replayed against another endpoint. */
static enum sigv4_parse_result parse_signed_headers(struct sigv4_auth *auth,
                                                    struct str list)
{
    struct str rest = list;
    bool has_host = false;
    bool more = true;
    while (more) {
        struct str name;
        more = str_cut(&rest, ';', &name);
        if (name.len == 0)
            return malformed(auth, "SignedHeaders holds an empty header "
                                   "name: '%.*s'.", (int)list.len, list.ptr);
        for (size_t i = 0; i < name.len; i++) {
            if (!is_tchar((unsigned char)name.ptr[i]))
                return malformed(auth, "SignedHeaders holds an invalid "
                                       "header name.");
        }
        has_host = has_host || str_eq_nocase(name, STR_LIT("host"));
    }
    if (!has_host)
        return malformed(auth, "'Host' must be a 'SignedHeader' in the AWS "
                               "Authorization.");
    auth->signed_headers = list;
    return SIGV4_PARSE_OK;
}

/* X-Amz-Date, and the credential scope's day must be its day. */
static enum sigv4_parse_result parse_date(struct sigv4_auth *auth,
                                          struct str date)
{
    if (parse_amz_date(date, &auth->date_ms) < 0) {
        if (auth->form == SIGV4_FORM_QUERY)
            return malformed(auth, "X-Amz-Date must be in the ISO8601 Long "
                                   "Format \"yyyyMMdd'T'HHmmss'Z'\"");
        return malformed(auth, "Date must be in ISO-8601 'basic format'. "
                               "Got '%.*s'.", (int)date.len, date.ptr);
    }
    auth->date = date;
    if (memcmp(auth->scope_date.ptr, date.ptr, 8) != 0)
        return malformed(auth, "Date in Credential scope does not match "
                               "YYYYMMDD from ISO-8601 version of date from "
                               "HTTP: '%.8s' != '%.8s', from '%.16s'.",
                         auth->scope_date.ptr, date.ptr, date.ptr);
    return SIGV4_PARSE_OK;
}

/* What both forms share once their fields are found. */
static enum sigv4_parse_result parse_common(struct sigv4_auth *auth,
                                            struct str cred,
                                            struct str signed_headers,
                                            struct str signature,
                                            struct str date)
{
    enum sigv4_parse_result r = parse_credential(auth, cred);
    if (r == SIGV4_PARSE_OK)
        r = parse_signed_headers(auth, signed_headers);
    if (r == SIGV4_PARSE_OK)
        r = parse_date(auth, date);
    if (r != SIGV4_PARSE_OK)
        return r;
    if (signature.len == 0)
        return malformed(auth, "The request signature is empty.");
    auth->signature = signature;
    return SIGV4_PARSE_OK;
}

/* Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
 * Signature=... (fields in any order, each exactly once). */
static enum sigv4_parse_result
parse_header_form(const struct auth_headers *h, struct sigv4_auth *auth)
{
    struct field f[] = { { "Credential", { 0 }, false },
                         { "SignedHeaders", { 0 }, false },
                         { "Signature", { 0 }, false } };
    struct str rest = h->authorization;
    struct str scheme;
    str_cut(&rest, ' ', &scheme);
    if (!str_eq_cstr(scheme, SIGV4_ALGORITHM))
        return malformed(auth, "Unsupported Authorization Type: '%.*s'.",
                         (int)scheme.len, scheme.ptr);
    while (rest.len) {
        struct str item;
        struct str name;
        str_cut(&rest, ',', &item);
        item = str_trim(item);
        bool has_eq = str_cut(&item, '=', &name);
        int taken = has_eq ? take_field(f, 3, name, item) : 0;
        if (taken == 0)
            return malformed(auth, "Authorization header holds an unknown "
                                   "field: '%.*s'.", (int)name.len, name.ptr);
        if (taken < 0)
            return malformed(auth, "Authorization header repeats the '%.*s' "
                                   "field.", (int)name.len, name.ptr);
    }
    for (size_t i = 0; i < 3; i++) {
        if (!f[i].is_seen)
            return malformed(auth, "Authorization header requires '%s' "
                                   "parameter.", f[i].name);
    }
    if (!h->has_date)
        return malformed(auth, "Authorization header requires existence of "
                               "either a 'X-Amz-Date' or a 'Date' header.");
    auth->security_token = h->security_token;
    return parse_common(auth, f[0].value, f[1].value, f[2].value, h->date);
}

/* Percent-decodes raw into the auth's own storage, borrowing raw itself
 * when it holds no escape. */
static int decode_value(struct sigv4_auth *auth, size_t *used, struct str raw,
                        struct str *out)
{
    if (memchr(raw.ptr, '%', raw.len) == NULL) {
        *out = raw;
        return 0;
    }
    if (raw.len > sizeof auth->decoded - *used)
        return -1;
    char *start = auth->decoded + *used;
    size_t n = 0;
    size_t i = 0;
    while (i < raw.len)
        start[n++] = (char)sigv4_decode_at(raw, &i);
    *used += n;
    *out = (struct str){ start, n };
    return 0;
}

/* Checks X-Amz-Expires: seconds, 1 to seven days. */
static enum sigv4_parse_result parse_expires(struct sigv4_auth *auth,
                                             struct str s)
{
    if (!sigv4_is_digits(s) || s.len > 9)
        return malformed(auth, s.len && s.ptr[0] == '-'
                                   ? "X-Amz-Expires must be non-negative"
                                   : "X-Amz-Expires should be a number");
    auth->expires_s = digits_at(s, 0, s.len);
    if (auth->expires_s < 1)
        return malformed(auth, "X-Amz-Expires must be at least 1 second");
    if (auth->expires_s > SIGV4_MAX_EXPIRES_S)
        return malformed(auth, "X-Amz-Expires must be less than a week (in "
                               "seconds) that is 604800");
    return SIGV4_PARSE_OK;
}

enum { Q_SIGV4_ALGORITHM, Q_CREDENTIAL, Q_DATE, Q_EXPIRES, Q_SIGNED_HEADERS,
       Q_SIGNATURE, Q_TOKEN, Q_FIELDS };

/* Collects the X-Amz-* parameters of a presigned query, decoded. */
static enum sigv4_parse_result collect_query_fields(struct sigv4_auth *auth,
                                                   struct str query,
                                                   struct field *f)
{
    struct str rest = query;
    while (rest.len) {
        struct str item;
        struct str key;
        str_cut(&rest, '&', &item);
        str_cut(&item, '=', &key);
        if (take_field(f, Q_FIELDS, key, item) < 0)
            return malformed(auth, "The query repeats the %.*s parameter.",
                             (int)key.len, key.ptr);
    }
    for (size_t i = 0; i < Q_TOKEN; i++) {
        if (!f[i].is_seen)
            return malformed(auth, "Query-string authentication version 4 "
                                   "requires the X-Amz-Algorithm, "
                                   "X-Amz-Credential, X-Amz-Signature, "
                                   "X-Amz-Date, X-Amz-SignedHeaders, and "
                                   "X-Amz-Expires parameters.");
    }
    size_t used = 0;
    for (size_t i = 0; i < Q_FIELDS; i++) {
        if (f[i].is_seen &&
            decode_value(auth, &used, f[i].value, &f[i].value) < 0)
            return malformed(auth, "The %s parameter is too long.",
                             f[i].name);
    }
    return SIGV4_PARSE_OK;
}

/* Presigned: X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders,
 * -Signature and optionally -Security-Token, in the query. */
static enum sigv4_parse_result
parse_query_form(const struct sigv4_request *req, struct sigv4_auth *auth)
{
    struct field f[Q_FIELDS] = {
        [Q_SIGV4_ALGORITHM] = { "X-Amz-Algorithm", { 0 }, false },
        [Q_CREDENTIAL] = { "X-Amz-Credential", { 0 }, false },
        [Q_DATE] = { "X-Amz-Date", { 0 }, false },
        [Q_EXPIRES] = { "X-Amz-Expires", { 0 }, false },
        [Q_SIGNED_HEADERS] = { "X-Amz-SignedHeaders", { 0 }, false },
        [Q_SIGNATURE] = { "X-Amz-Signature", { 0 }, false },
        [Q_TOKEN] = { "X-Amz-Security-Token", { 0 }, false },
    };
    enum sigv4_parse_result r = collect_query_fields(auth, req->query, f);
    if (r != SIGV4_PARSE_OK)
        return r;
    if (!str_eq_cstr(f[Q_SIGV4_ALGORITHM].value, SIGV4_ALGORITHM))
        return malformed(auth, "X-Amz-Algorithm only supports "
                               "\"AWS4-HMAC-SHA256\"");
    r = parse_expires(auth, f[Q_EXPIRES].value);
    if (r != SIGV4_PARSE_OK)
        return r;
    if (f[Q_TOKEN].is_seen)
        auth->security_token = f[Q_TOKEN].value;
    return parse_common(auth, f[Q_CREDENTIAL].value,
                        f[Q_SIGNED_HEADERS].value, f[Q_SIGNATURE].value,
                        f[Q_DATE].value);
}

static void auth_init(struct sigv4_auth *auth)
{
    struct str empty = { "", 0 };
    auth->form = SIGV4_FORM_HEADER;
    auth->access_key_id = empty;
    auth->date = empty;
    auth->scope = empty;
    auth->scope_date = empty;
    auth->region = empty;
    auth->service = empty;
    auth->signed_headers = empty;
    auth->signature = empty;
    auth->security_token = empty;
    auth->date_ms = 0;
    auth->expires_s = 0;
    auth->message[0] = '\0';
}

enum sigv4_parse_result sigv4_parse(const struct sigv4_request *req,
                                    struct sigv4_auth *auth)
{
    auth_init(auth);
    struct auth_headers h;
    scan_headers(req, &h);
    size_t n_auth = h.n_authorization;
    struct query_marks marks = mark_query(req->query);
    if (n_auth > 0 && marks.has_v4)
        return malformed(auth, "Only one auth mechanism allowed; only the "
                               "X-Amz-Algorithm query parameter, Signature "
                               "query string parameter or the Authorization "
                               "header should be specified");
    if (n_auth > 1)
        return malformed(auth, "The request has more than one Authorization "
                               "header.");
    if (n_auth == 1)
        return parse_header_form(&h, auth);
    if (marks.has_v4) {
        auth->form = SIGV4_FORM_QUERY;
        return parse_query_form(req, auth);
    }
    if (marks.has_v2) {
        auth->form = SIGV4_FORM_QUERY;
        return malformed(auth, "Query-string authentication version 2 is "
                               "not supported; use AWS4-HMAC-SHA256.");
    }
    return SIGV4_PARSE_MISSING;
}
