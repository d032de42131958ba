/* Secondary indexes over real HTTP: GSIs and LSIs created with the table
 * and described as AWS describes them, entries kept in step with every put,
 * update and delete (sparse, keys of the wrong type refused), Query and
 * Scan by index in (index key, table key) order with pagination until every
 * item came back once, projections, UpdateTable adding a GSI (backfilled)
 * and deleting it, the LSI item collection limit, and every validation rule
 * with AWS's exact type and message. Bodies are written with ' for " to
 * stay readable (json_of). */
#include "helper/client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The LSI item collection limit this suite runs with (the emulator reads
 * it from the environment when it starts). */
#define COLLECTION_LIMIT "4000"

static int reset(void **state)
{
    (void)state;
    client_reset();
    return 0;
}

/* The body with every ' turned into "; the caller frees it. */
static char *json_of(const char *text)
{
    char *out = strdup(text);
    assert_non_null(out);
    for (char *p = out; *p; p++) {
        if (*p == '\'')
            *p = '"';
    }
    return out;
}

static struct response call(const char *op, const char *text)
{
    char *body = json_of(text);
    struct response r = client_ddb(op, body);
    free(body);
    return r;
}

static struct response ok(const char *op, const char *text)
{
    struct response r = call(op, text);
    if (r.status != 200)
        print_error("%s %s: %ld %s\n", op, text, r.status, r.body);
    assert_int_equal(r.status, 200);
    assert_non_null(r.json);
    return r;
}

static void ok_free(const char *op, const char *text)
{
    struct response r = ok(op, text);
    response_free(&r);
}

struct error_row {
    const char *name;
    const char *op;
    const char *body;    /* with ' for " */
    const char *type;    /* the __type after '#' */
    const char *message; /* exact */
};

static void check_error_rows(const struct error_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct response r = call(rows[i].op, rows[i].body);
        if (r.status != 400 ||
            strcmp(response_error(&r), rows[i].type) != 0 ||
            strcmp(response_message(&r), rows[i].message) != 0)
            print_error("row '%s' failed:\n  got %ld %s\n  want %s: %s\n",
                        rows[i].name, r.status, r.body, rows[i].type,
                        rows[i].message);
        assert_int_equal(r.status, 400);
        assert_string_equal(response_error(&r), rows[i].type);
        assert_string_equal(response_message(&r), rows[i].message);
        response_free(&r);
    }
}

static const cJSON *at(const cJSON *obj, const char *member)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, member);
    assert_non_null(v);
    return v;
}

static double number_at(const cJSON *obj, const char *member)
{
    const cJSON *v = at(obj, member);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static const char *string_at(const cJSON *obj, const char *member)
{
    const cJSON *v = at(obj, member);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

/* The table "items": pk (S) and sk (N) keys; GSI "by-g" on g (S) and t (N),
 * KEYS_ONLY; GSI "by-h" on h (S) alone, INCLUDE x; LSI "by-l" on pk and
 * l (S), INCLUDE x. */
#define ITEMS_TABLE                                                        \
    "{'TableName':'items','BillingMode':'PAY_PER_REQUEST',"                \
    "'AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'},"  \
    "{'AttributeName':'sk','AttributeType':'N'},"                          \
    "{'AttributeName':'g','AttributeType':'S'},"                           \
    "{'AttributeName':'t','AttributeType':'N'},"                           \
    "{'AttributeName':'h','AttributeType':'S'},"                           \
    "{'AttributeName':'l','AttributeType':'S'}],"                          \
    "'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'},"                \
    "{'AttributeName':'sk','KeyType':'RANGE'}],"                           \
    "'GlobalSecondaryIndexes':[{'IndexName':'by-g','KeySchema':["          \
    "{'AttributeName':'g','KeyType':'HASH'},"                              \
    "{'AttributeName':'t','KeyType':'RANGE'}],"                            \
    "'Projection':{'ProjectionType':'KEYS_ONLY'}},"                        \
    "{'IndexName':'by-h','KeySchema':[{'AttributeName':'h',"               \
    "'KeyType':'HASH'}],'Projection':{'ProjectionType':'INCLUDE',"         \
    "'NonKeyAttributes':['x']}}],"                                         \
    "'LocalSecondaryIndexes':[{'IndexName':'by-l','KeySchema':["           \
    "{'AttributeName':'pk','KeyType':'HASH'},"                             \
    "{'AttributeName':'l','KeyType':'RANGE'}],"                            \
    "'Projection':{'ProjectionType':'INCLUDE','NonKeyAttributes':['x']}}]}"

static void create_items_table(void)
{
    ok_free("CreateTable", ITEMS_TABLE);
}

static void put(const char *item)
{
    char text[2048];
    snprintf(text, sizeof text, "{'TableName':'items','Item':%s}", item);
    ok_free("PutItem", text);
}

/* "a,b": the N payloads of sk in Items, in order. */
static void sks_of(const cJSON *items, char *out, size_t outlen)
{
    size_t used = 0;
    const cJSON *item;
    out[0] = '\0';
    cJSON_ArrayForEach(item, items) {
        const cJSON *sk = cJSON_GetObjectItemCaseSensitive(item, "sk");
        const cJSON *n = sk ? cJSON_GetObjectItemCaseSensitive(sk, "N")
                            : NULL;
        used += (size_t)snprintf(out + used, outlen - used, "%s%s",
                                 used ? "," : "",
                                 cJSON_IsString(n) ? n->valuestring : "-");
        assert_true(used < outlen);
    }
}

/* Runs a read page by page (Limit pages, resumed with LastEvaluatedKey)
 * and checks the sk values it returns in all, in order. body_fmt holds one
 * %s where ",'ExclusiveStartKey':..." goes. */
static void expect_pages(const char *op, const char *body_fmt,
                         const char *want)
{
    char all[2048] = "";
    char *start = NULL;
    for (int pages = 0; pages < 100; pages++) {
        char text[4096];
        char extra[1024] = "";
        if (start)
            snprintf(extra, sizeof extra, ",'ExclusiveStartKey':%s", start);
        const char *hole = strstr(body_fmt, "%s");
        assert_non_null(hole);
        snprintf(text, sizeof text, "%.*s%s%s", (int)(hole - body_fmt),
                 body_fmt, extra, hole + 2);
        free(start);
        start = NULL;
        struct response r = ok(op, text);
        char got[1024];
        sks_of(at(r.json, "Items"), got, sizeof got);
        if (got[0])
            snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s",
                     all[0] ? "," : "", got);
        const cJSON *last = cJSON_GetObjectItemCaseSensitive(r.json,
                                                             "LastEvaluatedKey");
        if (last) {
            start = cJSON_PrintUnformatted(last);
            for (char *p = start; *p; p++) {
                if (*p == '"')
                    *p = '\'';
            }
        }
        response_free(&r);
        if (start == NULL)
            break;
    }
    if (strcmp(all, want) != 0)
        print_error("%s\n  got  %s\n  want %s\n", body_fmt, all, want);
    assert_string_equal(all, want);
}

static void create_table_should_describe_its_indexes(void **state)
{
    (void)state;
    struct response r = ok("CreateTable", ITEMS_TABLE);
    const cJSON *desc = at(r.json, "TableDescription");
    const cJSON *gsis = at(desc, "GlobalSecondaryIndexes");
    assert_int_equal(cJSON_GetArraySize(gsis), 2);
    const cJSON *g = cJSON_GetArrayItem(gsis, 0);
    assert_string_equal(string_at(g, "IndexName"), "by-g");
    assert_string_equal(string_at(g, "IndexStatus"), "CREATING");
    assert_string_equal(string_at(g, "IndexArn"),
                        "arn:aws:dynamodb:us-east-1:000000000000:table/items/"
                        "index/by-g");
    assert_string_equal(string_at(at(g, "Projection"), "ProjectionType"),
                        "KEYS_ONLY");
    assert_true(number_at(at(g, "ProvisionedThroughput"),
                          "ReadCapacityUnits") == 0);
    const cJSON *l = cJSON_GetArrayItem(at(desc, "LocalSecondaryIndexes"), 0);
    assert_string_equal(string_at(l, "IndexName"), "by-l");
    assert_null(cJSON_GetObjectItemCaseSensitive(l, "IndexStatus"));
    assert_null(cJSON_GetObjectItemCaseSensitive(l, "ProvisionedThroughput"));
    response_free(&r);

    put("{'pk':{'S':'a'},'sk':{'N':'1'},'g':{'S':'G'},'t':{'N':'5'},"
        "'l':{'S':'L'},'x':{'S':'xx'},'y':{'S':'yy'}}");
    put("{'pk':{'S':'a'},'sk':{'N':'2'},'h':{'S':'H'}}");
    r = ok("DescribeTable", "{'TableName':'items'}");
    desc = at(r.json, "Table");
    g = cJSON_GetArrayItem(at(desc, "GlobalSecondaryIndexes"), 0);
    assert_string_equal(string_at(g, "IndexStatus"), "ACTIVE");
    assert_true(number_at(g, "ItemCount") == 1);
    /* KEYS_ONLY: the four key attributes, less than the whole item. */
    assert_true(number_at(g, "IndexSizeBytes") > 0);
    assert_true(number_at(g, "IndexSizeBytes") <
                number_at(desc, "TableSizeBytes") / 2);
    const cJSON *h = cJSON_GetArrayItem(at(desc, "GlobalSecondaryIndexes"), 1);
    assert_true(number_at(h, "ItemCount") == 1);
    l = cJSON_GetArrayItem(at(desc, "LocalSecondaryIndexes"), 0);
    assert_true(number_at(l, "ItemCount") == 1);
    response_free(&r);
}

static void create_table_should_give_provisioned_gsis_their_throughput(
    void **state)
{
    (void)state;
    struct response r = ok(
        "CreateTable",
        "{'TableName':'prov','ProvisionedThroughput':{'ReadCapacityUnits':5,"
        "'WriteCapacityUnits':5},'AttributeDefinitions':[{'AttributeName':"
        "'pk','AttributeType':'S'},{'AttributeName':'g','AttributeType':'B'}"
        "],'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}],"
        "'GlobalSecondaryIndexes':[{'IndexName':'gsi','KeySchema':[{"
        "'AttributeName':'g','KeyType':'HASH'}],'Projection':{"
        "'ProjectionType':'ALL'},'ProvisionedThroughput':{"
        "'ReadCapacityUnits':3,'WriteCapacityUnits':4}}]}");
    const cJSON *g = cJSON_GetArrayItem(
        at(at(r.json, "TableDescription"), "GlobalSecondaryIndexes"), 0);
    assert_true(number_at(at(g, "ProvisionedThroughput"),
                          "ReadCapacityUnits") == 3);
    assert_true(number_at(at(g, "ProvisionedThroughput"),
                          "WriteCapacityUnits") == 4);
    response_free(&r);
}

/* A CreateTable body: table pk (S) [+ sk (S)], definitions of pk, sk and
 * the given extra ones, and the index members given. */
#define TABLE(defs, keys, indexes)                                         \
    "{'TableName':'bad','BillingMode':'PAY_PER_REQUEST',"                  \
    "'AttributeDefinitions':[{'AttributeName':'pk','AttributeType':'S'}"   \
    defs "],'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}" keys    \
    "]" indexes "}"
#define SK_DEF ",{'AttributeName':'sk','AttributeType':'S'}"
#define SK_KEY ",{'AttributeName':'sk','KeyType':'RANGE'}"
#define DEF(name) ",{'AttributeName':'" name "','AttributeType':'S'}"
#define HASH(name) "{'AttributeName':'" name "','KeyType':'HASH'}"
#define RANGE(name) "{'AttributeName':'" name "','KeyType':'RANGE'}"
#define INDEX(name, keys, projection)                                      \
    "{'IndexName':'" name "','KeySchema':[" keys "],'Projection':"         \
    projection "}"
#define ALL "{'ProjectionType':'ALL'}"
#define GSIS(list) ",'GlobalSecondaryIndexes':[" list "]"
#define LSIS(list) ",'LocalSecondaryIndexes':[" list "]"
#define INVALID "One or more parameter values were invalid: "

static void create_table_should_refuse_bad_indexes(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "empty gsi list", "CreateTable", TABLE(, , GSIS("")),
          "ValidationException", INVALID "List of GlobalSecondaryIndexes "
          "is empty" },
        { "empty lsi list", "CreateTable", TABLE(SK_DEF, SK_KEY, LSIS("")),
          "ValidationException", INVALID "List of LocalSecondaryIndexes is "
          "empty" },
        { "lsi without table range key", "CreateTable",
          TABLE(DEF("l"), , LSIS(INDEX("lsi", HASH("pk") "," RANGE("l"),
                                       ALL))),
          "ValidationException", INVALID "Table KeySchema does not have a "
          "range key, which is required when specifying a "
          "LocalSecondaryIndex" },
        { "gsi key not defined", "CreateTable",
          TABLE(, , GSIS(INDEX("gsi", HASH("g"), ALL))),
          "ValidationException", INVALID "Some index key attributes are not "
          "defined in AttributeDefinitions. Keys: [g], AttributeDefinitions: "
          "[pk]" },
        { "gsi same hash and range", "CreateTable",
          TABLE(DEF("g"), , GSIS(INDEX("gsi", HASH("g") "," RANGE("g"),
                                       ALL))),
          "ValidationException", "Both the Hash Key and the Range Key "
          "element in the KeySchema have the same name" },
        { "gsi first key not hash", "CreateTable",
          TABLE(DEF("g"), , GSIS(INDEX("gsi", RANGE("g"), ALL))),
          "ValidationException", "Invalid KeySchema: The first "
          "KeySchemaElement is not a HASH key type" },
        { "gsi second key not range", "CreateTable",
          TABLE(DEF("g") DEF("h"), , GSIS(INDEX("gsi", HASH("g") ","
                                                HASH("h"), ALL))),
          "ValidationException", "Invalid KeySchema: The second "
          "KeySchemaElement is not a RANGE key type" },
        { "lsi without range key", "CreateTable",
          TABLE(SK_DEF, SK_KEY, LSIS(INDEX("lsi", HASH("pk"), ALL))),
          "ValidationException", INVALID "Index KeySchema does not have a "
          "range key for index: lsi" },
        { "lsi other hash key", "CreateTable",
          TABLE(SK_DEF DEF("l"), SK_KEY,
                LSIS(INDEX("lsi", HASH("l") "," RANGE("sk"), ALL))),
          "ValidationException", INVALID "Index KeySchema does not have the "
          "same leading hash key as table KeySchema for index: lsi. index "
          "hash key: l, table hash key: pk" },
        { "projection type missing", "CreateTable",
          TABLE(DEF("g"), , GSIS(INDEX("gsi", HASH("g"), "{}"))),
          "ValidationException", INVALID "Unknown ProjectionType: null" },
        { "non-key attributes with ALL", "CreateTable",
          TABLE(DEF("g"), , GSIS(INDEX("gsi", HASH("g"),
                                       "{'ProjectionType':'ALL',"
                                       "'NonKeyAttributes':['a']}"))),
          "ValidationException", INVALID "ProjectionType is ALL, but "
          "NonKeyAttributes is specified" },
        { "non-key attributes with KEYS_ONLY", "CreateTable",
          TABLE(DEF("g"), , GSIS(INDEX("gsi", HASH("g"),
                                       "{'ProjectionType':'KEYS_ONLY',"
                                       "'NonKeyAttributes':['a']}"))),
          "ValidationException", INVALID "ProjectionType is KEYS_ONLY, but "
          "NonKeyAttributes is specified" },
        { "INCLUDE without non-key attributes", "CreateTable",
          TABLE(DEF("g"), , GSIS(INDEX("gsi", HASH("g"),
                                       "{'ProjectionType':'INCLUDE'}"))),
          "ValidationException", INVALID "ProjectionType is INCLUDE, but "
          "NonKeyAttributes is not specified" },
        { "duplicate gsi names", "CreateTable",
          TABLE(DEF("g"), , GSIS(INDEX("gsi", HASH("g"), ALL) ","
                                 INDEX("gsi", HASH("g"), ALL))),
          "ValidationException", INVALID "Duplicate index name: gsi" },
        { "gsi named like an lsi", "CreateTable",
          TABLE(SK_DEF DEF("l"), SK_KEY,
                LSIS(INDEX("idx", HASH("pk") "," RANGE("l"), ALL))
                GSIS(INDEX("idx", HASH("l"), ALL))),
          "ValidationException", INVALID "Duplicate index name: idx" },
        { "six lsis", "CreateTable",
          TABLE(SK_DEF DEF("l"), SK_KEY,
                LSIS(INDEX("i01", HASH("pk") "," RANGE("l"), ALL) ","
                     INDEX("i02", HASH("pk") "," RANGE("l"), ALL) ","
                     INDEX("i03", HASH("pk") "," RANGE("l"), ALL) ","
                     INDEX("i04", HASH("pk") "," RANGE("l"), ALL) ","
                     INDEX("i05", HASH("pk") "," RANGE("l"), ALL) ","
                     INDEX("i06", HASH("pk") "," RANGE("l"), ALL))),
          "ValidationException", INVALID "Number of LocalSecondaryIndexes "
          "exceeds per-table limit of 5" },
        { "21 gsis", "CreateTable",
          TABLE(DEF("g"), ,
                GSIS(INDEX("g01", HASH("g"), ALL) ","
                     INDEX("g02", HASH("g"), ALL) ","
                     INDEX("g03", HASH("g"), ALL) ","
                     INDEX("g04", HASH("g"), ALL) ","
                     INDEX("g05", HASH("g"), ALL) ","
                     INDEX("g06", HASH("g"), ALL) ","
                     INDEX("g07", HASH("g"), ALL) ","
                     INDEX("g08", HASH("g"), ALL) ","
                     INDEX("g09", HASH("g"), ALL) ","
                     INDEX("g10", HASH("g"), ALL) ","
                     INDEX("g11", HASH("g"), ALL) ","
                     INDEX("g12", HASH("g"), ALL) ","
                     INDEX("g13", HASH("g"), ALL) ","
                     INDEX("g14", HASH("g"), ALL) ","
                     INDEX("g15", HASH("g"), ALL) ","
                     INDEX("g16", HASH("g"), ALL) ","
                     INDEX("g17", HASH("g"), ALL) ","
                     INDEX("g18", HASH("g"), ALL) ","
                     INDEX("g19", HASH("g"), ALL) ","
                     INDEX("g20", HASH("g"), ALL) ","
                     INDEX("g21", HASH("g"), ALL))),
          "ValidationException", INVALID "GlobalSecondaryIndex count "
          "exceeds the per-table limit of 20" },
        { "unused definition", "CreateTable",
          TABLE(DEF("g") DEF("z"), , GSIS(INDEX("gsi", HASH("g"), ALL))),
          "ValidationException", INVALID "Some AttributeDefinitions are not "
          "used. AttributeDefinitions: [pk, g, z], keys used: [pk, g]" },
        { "on-demand gsi with throughput", "CreateTable",
          TABLE(DEF("g"), , GSIS("{'IndexName':'gsi','KeySchema':["
                                 HASH("g") "],'Projection':" ALL ","
                                 "'ProvisionedThroughput':{"
                                 "'ReadCapacityUnits':1,"
                                 "'WriteCapacityUnits':1}}")),
          "ValidationException", INVALID "ProvisionedThroughput should not "
          "be specified for index: gsi when BillingMode is PAY_PER_REQUEST" },
        { "provisioned gsi without throughput", "CreateTable",
          "{'TableName':'bad','ProvisionedThroughput':{'ReadCapacityUnits':"
          "1,'WriteCapacityUnits':1},'AttributeDefinitions':[{"
          "'AttributeName':'pk','AttributeType':'S'}" DEF("g") "],"
          "'KeySchema':[" HASH("pk") "]" GSIS(INDEX("gsi", HASH("g"), ALL))
          "}",
          "ValidationException", INVALID "ProvisionedThroughput is not "
          "specified for index: gsi" },
        { "member constraints", "CreateTable",
          TABLE(DEF("g"), , GSIS("{'IndexName':'g','KeySchema':[],"
                                 "'Projection':{'ProjectionType':'SOME'}}")),
          "ValidationException", "3 validation errors detected: Value '[]' "
          "at 'globalSecondaryIndexes.1.member.keySchema' failed to satisfy "
          "constraint: Member must have length greater than or equal to 1; "
          "Value 'SOME' at "
          "'globalSecondaryIndexes.1.member.projection.projectionType' "
          "failed to satisfy constraint: Member must satisfy enum value set: "
          "[ALL, INCLUDE, KEYS_ONLY]; Value 'g' at "
          "'globalSecondaryIndexes.1.member.indexName' failed to satisfy "
          "constraint: Member must have length greater than or equal to 3" },
        { "missing projection and name", "CreateTable",
          TABLE(SK_DEF, SK_KEY, LSIS("{'KeySchema':[" HASH("pk") "]}")),
          "ValidationException", "2 validation errors detected: Value null "
          "at 'localSecondaryIndexes.1.member.projection' failed to satisfy "
          "constraint: Member must not be null; Value null at "
          "'localSecondaryIndexes.1.member.indexName' failed to satisfy "
          "constraint: Member must not be null" },
        { "gsi list of the wrong type", "CreateTable",
          TABLE(, , ",'GlobalSecondaryIndexes':{}"), "SerializationException",
          "Unexpected value type for member GlobalSecondaryIndexes: "
          "expected a list" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

/* Items with equal GSI keys come back in table key order, Limit 1 pages
 * resume after both keys, and backwards reverses the lot. */
static void query_gsi_should_order_by_index_then_table_key(void **state)
{
    (void)state;
    create_items_table();
    put("{'pk':{'S':'b'},'sk':{'N':'1'},'g':{'S':'G'},'t':{'N':'2'}}");
    put("{'pk':{'S':'a'},'sk':{'N':'2'},'g':{'S':'G'},'t':{'N':'2'}}");
    put("{'pk':{'S':'a'},'sk':{'N':'1'},'g':{'S':'G'},'t':{'N':'2'}}");
    put("{'pk':{'S':'c'},'sk':{'N':'3'},'g':{'S':'G'},'t':{'N':'1'}}");
    put("{'pk':{'S':'c'},'sk':{'N':'4'},'g':{'S':'G'},'t':{'N':'-7'}}");
    put("{'pk':{'S':'c'},'sk':{'N':'5'},'g':{'S':'other'},'t':{'N':'0'}}");
    static const char fwd[] =
        "{'TableName':'items','IndexName':'by-g','KeyConditionExpression':"
        "'g = :g','ExpressionAttributeValues':{':g':{'S':'G'}},'Limit':1%s}";
    expect_pages("Query", fwd, "4,3,1,2,1");
    static const char back[] =
        "{'TableName':'items','IndexName':'by-g','KeyConditionExpression':"
        "'g = :g','ExpressionAttributeValues':{':g':{'S':'G'}},"
        "'ScanIndexForward':false,'Limit':2%s}";
    expect_pages("Query", back, "1,2,1,3,4");
    static const char range[] =
        "{'TableName':'items','IndexName':'by-g','KeyConditionExpression':"
        "'g = :g AND t BETWEEN :lo AND :hi','ExpressionAttributeValues':{"
        "':g':{'S':'G'},':lo':{'N':'0'},':hi':{'N':'2'}},'Limit':1%s}";
    expect_pages("Query", range, "3,1,2,1");

    struct response r = ok("Query", "{'TableName':'items','IndexName':"
                                    "'by-g','KeyConditionExpression':'g = :g',"
                                    "'ExpressionAttributeValues':{':g':{'S':"
                                    "'G'}},'Limit':1}");
    const cJSON *last = at(r.json, "LastEvaluatedKey");
    assert_int_equal(cJSON_GetArraySize(last), 4);
    assert_string_equal(string_at(at(last, "pk"), "S"), "c");
    assert_string_equal(string_at(at(last, "sk"), "N"), "4");
    assert_string_equal(string_at(at(last, "g"), "S"), "G");
    assert_string_equal(string_at(at(last, "t"), "N"), "-7");
    /* KEYS_ONLY: the table's and the index's keys, nothing else. */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetArrayItem(at(r.json,
                                                              "Items"), 0)),
                     4);
    response_free(&r);
}

static void query_lsi_should_read_one_partition_by_its_sort_key(void **state)
{
    (void)state;
    create_items_table();
    put("{'pk':{'S':'a'},'sk':{'N':'1'},'l':{'S':'c'},'x':{'S':'1'},"
        "'y':{'S':'1'}}");
    put("{'pk':{'S':'a'},'sk':{'N':'2'},'l':{'S':'a'},'x':{'S':'2'},"
        "'y':{'S':'2'}}");
    put("{'pk':{'S':'a'},'sk':{'N':'3'},'l':{'S':'b'},'y':{'S':'3'}}");
    put("{'pk':{'S':'a'},'sk':{'N':'4'}}");
    put("{'pk':{'S':'b'},'sk':{'N':'5'},'l':{'S':'a'}}");
    static const char all[] =
        "{'TableName':'items','IndexName':'by-l','KeyConditionExpression':"
        "'pk = :p','ExpressionAttributeValues':{':p':{'S':'a'}},'Limit':1%s}";
    expect_pages("Query", all, "2,3,1");
    static const char prefix[] =
        "{'TableName':'items','IndexName':'by-l','KeyConditionExpression':"
        "'pk = :p AND l > :l','ExpressionAttributeValues':{':p':{'S':'a'},"
        "':l':{'S':'a'}},'ScanIndexForward':false%s}";
    expect_pages("Query", prefix, "1,3");
    /* An LSI reads the table for what it does not hold: a filter on y. */
    static const char filtered[] =
        "{'TableName':'items','IndexName':'by-l','KeyConditionExpression':"
        "'pk = :p','FilterExpression':'y = :y','ExpressionAttributeValues':{"
        "':p':{'S':'a'},':y':{'S':'3'}}%s}";
    expect_pages("Query", filtered, "3");
    /* ConsistentRead is allowed on an LSI. */
    ok_free("Query", "{'TableName':'items','IndexName':'by-l',"
                     "'ConsistentRead':true,'KeyConditionExpression':"
                     "'pk = :p','ExpressionAttributeValues':{':p':{'S':'a'}}"
                     "}");
}

/* The attributes of the first item returned by a Query body. */
static int first_item_size(const char *text)
{
    struct response r = ok("Query", text);
    const cJSON *item = cJSON_GetArrayItem(at(r.json, "Items"), 0);
    assert_non_null(item);
    int n = cJSON_GetArraySize(item);
    response_free(&r);
    return n;
}

static void queries_should_return_what_the_projection_holds(void **state)
{
    (void)state;
    create_items_table();
    put("{'pk':{'S':'a'},'sk':{'N':'1'},'g':{'S':'G'},'t':{'N':'1'},"
        "'h':{'S':'H'},'l':{'S':'L'},'x':{'S':'x'},'y':{'S':'y'}}");
    /* INCLUDE x: pk, sk, h and x. */
    assert_int_equal(first_item_size("{'TableName':'items','IndexName':"
                                     "'by-h','KeyConditionExpression':"
                                     "'h = :h','ExpressionAttributeValues':"
                                     "{':h':{'S':'H'}}}"),
                     4);
    /* A projection naming what a GSI lacks returns what it has. */
    assert_int_equal(first_item_size("{'TableName':'items','IndexName':"
                                     "'by-h','KeyConditionExpression':"
                                     "'h = :h','ProjectionExpression':'x, y',"
                                     "'ExpressionAttributeValues':"
                                     "{':h':{'S':'H'}}}"),
                     1);
    /* LSI: its attributes by default (pk, sk, l, x), the table's on ask. */
    assert_int_equal(first_item_size("{'TableName':'items','IndexName':"
                                     "'by-l','KeyConditionExpression':"
                                     "'pk = :p','ExpressionAttributeValues':"
                                     "{':p':{'S':'a'}}}"),
                     4);
    assert_int_equal(first_item_size("{'TableName':'items','IndexName':"
                                     "'by-l','KeyConditionExpression':"
                                     "'pk = :p','Select':'ALL_ATTRIBUTES',"
                                     "'ExpressionAttributeValues':"
                                     "{':p':{'S':'a'}}}"),
                     8);
    assert_int_equal(first_item_size("{'TableName':'items','IndexName':"
                                     "'by-l','KeyConditionExpression':"
                                     "'pk = :p','ProjectionExpression':'y',"
                                     "'ExpressionAttributeValues':"
                                     "{':p':{'S':'a'}}}"),
                     1);
    struct response r = ok("Query", "{'TableName':'items','IndexName':"
                                    "'by-g','KeyConditionExpression':"
                                    "'g = :g','Select':'COUNT',"
                                    "'ExpressionAttributeValues':"
                                    "{':g':{'S':'G'}}}");
    assert_true(number_at(r.json, "Count") == 1);
    response_free(&r);
}

/* An index holds only items with all its key attributes, and follows
 * every change of them. */
static void index_should_be_sparse_and_follow_every_write(void **state)
{
    (void)state;
    create_items_table();
    static const char by_h[] =
        "{'TableName':'items','IndexName':'by-h','KeyConditionExpression':"
        "'h = :h','ExpressionAttributeValues':{':h':{'S':'H'}}%s}";
    put("{'pk':{'S':'a'},'sk':{'N':'1'}}");
    put("{'pk':{'S':'a'},'sk':{'N':'2'},'h':{'S':'H'}}");
    put("{'pk':{'S':'a'},'sk':{'N':'3'},'g':{'S':'G'}}");
    expect_pages("Query", by_h, "2");
    ok_free("UpdateItem", "{'TableName':'items','Key':{'pk':{'S':'a'},"
                          "'sk':{'N':'1'}},'UpdateExpression':'SET h = :h',"
                          "'ExpressionAttributeValues':{':h':{'S':'H'}}}");
    expect_pages("Query", by_h, "1,2");
    ok_free("UpdateItem", "{'TableName':'items','Key':{'pk':{'S':'a'},"
                          "'sk':{'N':'2'}},'UpdateExpression':'SET h = :h',"
                          "'ExpressionAttributeValues':{':h':{'S':'I'}}}");
    expect_pages("Query", by_h, "1");
    ok_free("UpdateItem", "{'TableName':'items','Key':{'pk':{'S':'a'},"
                          "'sk':{'N':'1'}},'UpdateExpression':'REMOVE h'}");
    expect_pages("Query", by_h, "");
    put("{'pk':{'S':'a'},'sk':{'N':'3'},'h':{'S':'H'}}");
    expect_pages("Query", by_h, "3");
    ok_free("DeleteItem", "{'TableName':'items','Key':{'pk':{'S':'a'},"
                          "'sk':{'N':'3'}}}");
    expect_pages("Query", by_h, "");
    /* by-g needs both g and t. */
    static const char scan_g[] = "{'TableName':'items','IndexName':'by-g'%s}";
    expect_pages("Scan", scan_g, "");
    struct response r = ok("DescribeTable", "{'TableName':'items'}");
    const cJSON *h = cJSON_GetArrayItem(
        at(at(r.json, "Table"), "GlobalSecondaryIndexes"), 1);
    assert_true(number_at(h, "ItemCount") == 1);
    response_free(&r);
}

static void writes_should_refuse_index_keys_aws_refuses(void **state)
{
    (void)state;
    create_items_table();
    put("{'pk':{'S':'a'},'sk':{'N':'1'},'h':{'S':'H'}}");
    static const struct error_row rows[] = {
        { "put with a number for an S index key", "PutItem",
          "{'TableName':'items','Item':{'pk':{'S':'a'},'sk':{'N':'2'},"
          "'h':{'N':'1'}}}", "ValidationException", INVALID "Type mismatch "
          "for Index Key h Expected: S Actual: N IndexName: by-h" },
        { "put with a string for an N index range key", "PutItem",
          "{'TableName':'items','Item':{'pk':{'S':'a'},'sk':{'N':'2'},"
          "'g':{'S':'G'},'t':{'S':'1'}}}", "ValidationException",
          INVALID "Type mismatch for Index Key t Expected: N Actual: S "
          "IndexName: by-g" },
        { "put with an empty index key", "PutItem",
          "{'TableName':'items','Item':{'pk':{'S':'a'},'sk':{'N':'2'},"
          "'l':{'S':''}}}", "ValidationException",
          "One or more parameter values are not valid. A value specified "
          "for a secondary index key is not supported. The AttributeValue "
          "for a key attribute cannot contain an empty string value. "
          "IndexName: by-l, IndexKey: l" },
        { "update to a wrong type", "UpdateItem",
          "{'TableName':'items','Key':{'pk':{'S':'a'},'sk':{'N':'1'}},"
          "'UpdateExpression':'SET h = :h','ExpressionAttributeValues':{"
          "':h':{'BOOL':true}}}", "ValidationException",
          INVALID "Type mismatch for Index Key h Expected: S Actual: BOOL "
          "IndexName: by-h" },
        { "update to an empty key", "UpdateItem",
          "{'TableName':'items','Key':{'pk':{'S':'a'},'sk':{'N':'1'}},"
          "'UpdateExpression':'SET h = :h','ExpressionAttributeValues':{"
          "':h':{'S':''}}}", "ValidationException",
          "One or more parameter values are not valid. The update "
          "expression attempted to update a secondary index key to a value "
          "that is not supported. The AttributeValue for a key attribute "
          "cannot contain an empty string value." },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
    /* Nothing of the refused writes was stored. */
    static const char by_h[] =
        "{'TableName':'items','IndexName':'by-h','KeyConditionExpression':"
        "'h = :h','ExpressionAttributeValues':{':h':{'S':'H'}}%s}";
    expect_pages("Query", by_h, "1");
}

#define QUERY_G(extra)                                                     \
    "{'TableName':'items','IndexName':'by-g','KeyConditionExpression':"   \
    "'g = :g','ExpressionAttributeValues':{':g':{'S':'G'}}" extra "}"

static void index_reads_should_refuse_what_aws_refuses(void **state)
{
    (void)state;
    create_items_table();
    static const struct error_row rows[] = {
        { "unknown index", "Query",
          "{'TableName':'items','IndexName':'nope','KeyConditionExpression':"
          "'g = :g','ExpressionAttributeValues':{':g':{'S':'G'}}}",
          "ValidationException",
          "The table does not have the specified index: nope" },
        { "unknown index with a start key", "Scan",
          "{'TableName':'items','IndexName':'nope','ExclusiveStartKey':{"
          "'pk':{'S':'a'},'sk':{'N':'1'}}}", "ValidationException",
          "The provided starting key is invalid" },
        { "consistent read on a gsi", "Query",
          QUERY_G(",'ConsistentRead':true"), "ValidationException",
          "Consistent reads are not supported on global secondary indexes" },
        { "consistent scan of a gsi", "Scan",
          "{'TableName':'items','IndexName':'by-h','ConsistentRead':true}",
          "ValidationException",
          "Consistent reads are not supported on global secondary indexes" },
        { "all attributes of a keys-only gsi", "Query",
          QUERY_G(",'Select':'ALL_ATTRIBUTES'"), "ValidationException",
          INVALID "Select type ALL_ATTRIBUTES is not supported for global "
          "secondary index by-g because its projection type is not ALL" },
        { "all attributes of an include gsi by scan", "Scan",
          "{'TableName':'items','IndexName':'by-h','Select':"
          "'ALL_ATTRIBUTES'}", "ValidationException",
          INVALID "Select type ALL_ATTRIBUTES is not supported for global "
          "secondary index by-h because its projection type is not ALL" },
        { "condition on the table key", "Query",
          "{'TableName':'items','IndexName':'by-g','KeyConditionExpression':"
          "'pk = :g','ExpressionAttributeValues':{':g':{'S':'G'}}}",
          "ValidationException",
          "Query condition missed key schema element: g" },
        { "condition of the wrong type", "Query",
          "{'TableName':'items','IndexName':'by-g','KeyConditionExpression':"
          "'g = :g','ExpressionAttributeValues':{':g':{'N':'1'}}}",
          "ValidationException", INVALID "Condition parameter type does "
          "not match schema type" },
        { "filter on an index key", "Query",
          QUERY_G(",'FilterExpression':'t > :g'"), "ValidationException",
          "Filter Expression can only contain non-primary key attributes: "
          "Primary key attribute: t" },
        { "start key without the index keys", "Query",
          QUERY_G(",'ExclusiveStartKey':{'pk':{'S':'a'},'sk':{'N':'1'}}"),
          "ValidationException", "The provided starting key is invalid" },
        { "start key with an index key of the wrong type", "Query",
          QUERY_G(",'ExclusiveStartKey':{'pk':{'S':'a'},'sk':{'N':'1'},"
                  "'g':{'S':'G'},'t':{'S':'1'}}"),
          "ValidationException", "The provided starting key is invalid" },
        { "start key with a table key of the wrong type", "Query",
          QUERY_G(",'ExclusiveStartKey':{'pk':{'S':'a'},'sk':{'S':'1'},"
                  "'g':{'S':'G'},'t':{'N':'1'}}"),
          "ValidationException", "The provided starting key is invalid: "
          "The provided key element does not match the schema" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

static void scan_index_should_return_every_entry_once(void **state)
{
    (void)state;
    create_items_table();
    for (int i = 0; i < 40; i++) {
        char item[256];
        snprintf(item, sizeof item, "{'pk':{'S':'p%d'},'sk':{'N':'%d'},"
                 "'h':{'S':'h%d'}%s}", i % 7, i, i % 5,
                 i % 4 ? "" : ",'x':{'S':'x'}");
        put(item);
    }
    int seen[40] = { 0 };
    for (int seg = 0; seg < 3; seg++) {
        char *start = NULL;
        for (int pages = 0; pages < 100; pages++) {
            char text[1024];
            snprintf(text, sizeof text, "{'TableName':'items','IndexName':"
                     "'by-h','Segment':%d,'TotalSegments':3,'Limit':4%s%s}",
                     seg, start ? ",'ExclusiveStartKey':" : "",
                     start ? start : "");
            free(start);
            start = NULL;
            struct response r = ok("Scan", text);
            const cJSON *item;
            cJSON_ArrayForEach(item, at(r.json, "Items")) {
                int sk = atoi(string_at(at(item, "sk"), "N"));
                assert_true(sk >= 0 && sk < 40);
                seen[sk]++;
            }
            const cJSON *last =
                cJSON_GetObjectItemCaseSensitive(r.json, "LastEvaluatedKey");
            if (last) {
                start = cJSON_PrintUnformatted(last);
                for (char *p = start; *p; p++) {
                    if (*p == '"')
                        *p = '\'';
                }
            }
            response_free(&r);
            if (start == NULL)
                break;
        }
    }
    for (int i = 0; i < 40; i++)
        assert_int_equal(seen[i], 1);
}

#define UPDATE(body) "{'TableName':'items'," body "}"

static void update_table_should_add_a_backfilled_gsi_and_delete_it(
    void **state)
{
    (void)state;
    create_items_table();
    put("{'pk':{'S':'a'},'sk':{'N':'1'},'z':{'N':'3'}}");
    put("{'pk':{'S':'a'},'sk':{'N':'2'},'z':{'N':'1'}}");
    put("{'pk':{'S':'a'},'sk':{'N':'3'},'z':{'S':'wrong type'}}");
    put("{'pk':{'S':'a'},'sk':{'N':'4'}}");
    struct response r = ok(
        "UpdateTable",
        UPDATE("'AttributeDefinitions':[{'AttributeName':'pk',"
               "'AttributeType':'S'},{'AttributeName':'z','AttributeType':"
               "'N'}],'GlobalSecondaryIndexUpdates':[{'Create':{'IndexName':"
               "'by-z','KeySchema':[{'AttributeName':'pk','KeyType':'HASH'},"
               "{'AttributeName':'z','KeyType':'RANGE'}],'Projection':{"
               "'ProjectionType':'ALL'}}}]"));
    const cJSON *gsis = at(at(r.json, "TableDescription"),
                           "GlobalSecondaryIndexes");
    assert_int_equal(cJSON_GetArraySize(gsis), 3);
    response_free(&r);
    static const char by_z[] =
        "{'TableName':'items','IndexName':'by-z','KeyConditionExpression':"
        "'pk = :p','ExpressionAttributeValues':{':p':{'S':'a'}}%s}";
    expect_pages("Query", by_z, "2,1");
    /* New writes are indexed and checked against the new key too. */
    put("{'pk':{'S':'a'},'sk':{'N':'5'},'z':{'N':'2'}}");
    expect_pages("Query", by_z, "2,5,1");
    static const struct error_row typed[] = {
        { "new index key type", "PutItem",
          "{'TableName':'items','Item':{'pk':{'S':'a'},'sk':{'N':'6'},"
          "'z':{'S':'no'}}}", "ValidationException",
          INVALID "Type mismatch for Index Key z Expected: N Actual: S "
          "IndexName: by-z" },
    };
    check_error_rows(typed, 1);
    ok_free("UpdateTable",
            UPDATE("'GlobalSecondaryIndexUpdates':[{'Delete':{'IndexName':"
                   "'by-z'}}]"));
    static const struct error_row gone[] = {
        { "deleted index", "Query",
          "{'TableName':'items','IndexName':'by-z','KeyConditionExpression':"
          "'pk = :p','ExpressionAttributeValues':{':p':{'S':'a'}}}",
          "ValidationException",
          "The table does not have the specified index: by-z" },
    };
    check_error_rows(gone, 1);
    put("{'pk':{'S':'a'},'sk':{'N':'6'},'z':{'S':'fine now'}}");
}

#define GSI_CREATE(name, key)                                              \
    "{'Create':{'IndexName':'" name "','KeySchema':[{'AttributeName':'"   \
    key "','KeyType':'HASH'}],'Projection':{'ProjectionType':'ALL'}}}"
#define Z_DEFS "'AttributeDefinitions':[{'AttributeName':'z',"            \
               "'AttributeType':'S'}],"

static void update_table_should_refuse_bad_index_updates(void **state)
{
    (void)state;
    create_items_table();
    static const struct error_row rows[] = {
        { "empty list", "UpdateTable",
          UPDATE("'GlobalSecondaryIndexUpdates':[]"), "ValidationException",
          INVALID "List of GlobalSecondaryIndexUpdates is empty" },
        { "no action", "UpdateTable",
          UPDATE("'GlobalSecondaryIndexUpdates':[{}]"), "ValidationException",
          INVALID "One of GlobalSecondaryIndexUpdate.Update, "
          "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate."
          "Delete must not be null" },
        { "two actions in one", "UpdateTable",
          UPDATE("'GlobalSecondaryIndexUpdates':[{'Delete':{'IndexName':"
                 "'by-g'},'Update':{'IndexName':'by-g'}}]"),
          "ValidationException", INVALID "Only one global secondary index "
          "action is allowed per GlobalSecondaryIndexUpdate object" },
        { "two creates", "UpdateTable",
          UPDATE(Z_DEFS "'GlobalSecondaryIndexUpdates':["
                 GSI_CREATE("z-1", "z") "," GSI_CREATE("z-2", "z") "]"),
          "LimitExceededException", "Subscriber limit exceeded: Only 1 "
          "online index can be created or deleted simultaneously per table" },
        { "create and delete", "UpdateTable",
          UPDATE(Z_DEFS "'GlobalSecondaryIndexUpdates':["
                 GSI_CREATE("z-1", "z") ",{'Delete':{'IndexName':'by-g'}}]"),
          "LimitExceededException", "Subscriber limit exceeded: Only 1 "
          "online index can be created or deleted simultaneously per table" },
        { "existing name", "UpdateTable",
          UPDATE(Z_DEFS "'GlobalSecondaryIndexUpdates':["
                 GSI_CREATE("by-l", "z") "]"),
          "ValidationException",
          "Attempting to create an index which already exists" },
        { "no definitions", "UpdateTable",
          UPDATE("'GlobalSecondaryIndexUpdates':[" GSI_CREATE("z-1", "z")
                 "]"),
          "ValidationException", INVALID "AttributeDefinitions is not "
          "specified for index: z-1" },
        { "key not defined in the request", "UpdateTable",
          UPDATE(Z_DEFS "'GlobalSecondaryIndexUpdates':["
                 GSI_CREATE("z-1", "g") "]"),
          "ValidationException", INVALID "Some index key attributes are not "
          "defined in AttributeDefinitions. Keys: [g], AttributeDefinitions: "
          "[z]" },
        { "delete unknown", "UpdateTable",
          UPDATE("'GlobalSecondaryIndexUpdates':[{'Delete':{'IndexName':"
                 "'nope'}}]"),
          "ResourceNotFoundException",
          "Requested resource not found: Index: nope not found" },
        { "delete an lsi", "UpdateTable",
          UPDATE("'GlobalSecondaryIndexUpdates':[{'Delete':{'IndexName':"
                 "'by-l'}}]"),
          "ValidationException",
          "Cannot delete an index that is not a GlobalSecondaryIndex: by-l" },
        { "throughput update on demand", "UpdateTable",
          UPDATE("'GlobalSecondaryIndexUpdates':[{'Update':{'IndexName':"
                 "'by-g','ProvisionedThroughput':{'ReadCapacityUnits':1,"
                 "'WriteCapacityUnits':1}}}]"),
          "ValidationException", INVALID "The only Updates for index: by-g "
          "when TableThroughputMode is PAY_PER_REQUEST can be to "
          "OnDemandThroughput, WarmThroughput" },
        { "with a stream change", "UpdateTable",
          UPDATE("'StreamSpecification':{'StreamEnabled':true,"
                 "'StreamViewType':'KEYS_ONLY'},"
                 "'GlobalSecondaryIndexUpdates':[{'Delete':{'IndexName':"
                 "'by-g'}}]"),
          "ValidationException", INVALID "You cannot create or delete index "
          "while changing stream status" },
        { "bad index name", "UpdateTable",
          UPDATE("'GlobalSecondaryIndexUpdates':[{'Delete':{'IndexName':"
                 "'x'}}]"),
          "ValidationException", "1 validation error detected: Value 'x' at "
          "'globalSecondaryIndexUpdates.1.member.delete.indexName' failed to "
          "satisfy constraint: Member must have length greater than or "
          "equal to 3" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

static void lsi_item_collection_should_be_limited(void **state)
{
    (void)state;
    create_items_table();
    char big[1200];
    memset(big, 'v', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    int stored = 0;
    struct response r = { 0 };
    for (int i = 0; i < 10; i++) {
        char text[2048];
        snprintf(text, sizeof text, "{\"TableName\":\"items\",\"Item\":{"
                 "\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"%d\"},\"l\":{\"S\":"
                 "\"l\"},\"x\":{\"S\":\"%s\"}}}", i, big);
        r = client_ddb("PutItem", text);
        if (r.status != 200)
            break;
        stored++;
        response_free(&r);
    }
    /* Each item weighs about 1.2 KB in the table and again in the LSI. */
    assert_int_equal(stored, 1);
    assert_int_equal(r.status, 400);
    assert_string_equal(response_error(&r),
                        "ItemCollectionSizeLimitExceededException");
    assert_string_equal(response_message(&r),
                        "Item collection size limit exceeded");
    response_free(&r);
    /* Other partition keys have collections of their own; tables without
     * an LSI have none. */
    put("{'pk':{'S':'b'},'sk':{'N':'1'},'l':{'S':'l'}}");
    ok_free("DeleteItem", "{'TableName':'items','Key':{'pk':{'S':'a'},"
                          "'sk':{'N':'0'}}}");
}

int main(void)
{
    setenv("DYNALAKE_ITEM_COLLECTION_MAX_BYTES", COLLECTION_LIMIT, 1);
    client_start();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(create_table_should_describe_its_indexes,
                               reset),
        cmocka_unit_test_setup(
            create_table_should_give_provisioned_gsis_their_throughput, reset),
        cmocka_unit_test_setup(create_table_should_refuse_bad_indexes, reset),
        cmocka_unit_test_setup(query_gsi_should_order_by_index_then_table_key,
                               reset),
        cmocka_unit_test_setup(
            query_lsi_should_read_one_partition_by_its_sort_key, reset),
        cmocka_unit_test_setup(
            queries_should_return_what_the_projection_holds, reset),
        cmocka_unit_test_setup(index_should_be_sparse_and_follow_every_write,
                               reset),
        cmocka_unit_test_setup(writes_should_refuse_index_keys_aws_refuses,
                               reset),
        cmocka_unit_test_setup(index_reads_should_refuse_what_aws_refuses,
                               reset),
        cmocka_unit_test_setup(scan_index_should_return_every_entry_once,
                               reset),
        cmocka_unit_test_setup(
            update_table_should_add_a_backfilled_gsi_and_delete_it, reset),
        cmocka_unit_test_setup(update_table_should_refuse_bad_index_updates,
                               reset),
        cmocka_unit_test_setup(lsi_item_collection_should_be_limited, reset),
    };
    return cmocka_run_group_tests_name("ddb_index", tests, NULL, NULL);
}
