/* DynamoDB's legacy parameters over real HTTP: every ComparisonOperator in
 * ScanFilter, QueryFilter, KeyConditions and Expected, ConditionalOperator
 * OR, AttributeUpdates' PUT, ADD and DELETE, AttributesToGet on every read,
 * and each validation rule (mixing with expressions, argument counts,
 * operand types, Exists, actions) with AWS's exact type and message.
 * Request bodies are written with single quotes, turned into double quotes
 * before sending. */
#include "helper/client.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define V "ValidationException"
#define INVALID "One or more parameter values were invalid: "

/* body with every ' turned into "; caller frees. */
static char *json_of(const char *body)
{
    char *s = strdup(body);
    assert_non_null(s);
    for (char *p = s; *p; p++) {
        if (*p == '\'')
            *p = '"';
    }
    return s;
}

static struct response call(const char *op, const char *body)
{
    char *s = json_of(body);
    struct response r = client_ddb(op, s);
    free(s);
    return r;
}

static struct response ok(const char *op, const char *body)
{
    struct response r = call(op, body);
    if (r.status != 200)
        print_error("%s %s:\n  %ld %s\n", op, body, r.status, r.body);
    assert_int_equal(r.status, 200);
    assert_non_null(r.json);
    return r;
}

static void ok_free(const char *op, const char *body)
{
    struct response r = ok(op, body);
    response_free(&r);
}

/* "tbl": pk (S) and sk (N), holding partition p with five items whose
 * other attributes differ; "items": pk (S) only, empty. */
static int reset_with_tables(void **state)
{
    (void)state;
    static const char *const puts[] = {
        "{'pk':{'S':'p'},'sk':{'N':'1'},'s':{'S':'apple'},'n':{'N':'1'},"
        "'ss':{'SS':['a','b']}}",
        "{'pk':{'S':'p'},'sk':{'N':'2'},'s':{'S':'banana'},'n':{'N':'2'}}",
        "{'pk':{'S':'p'},'sk':{'N':'3'},'n':{'N':'3'},'b':{'B':'YWJj'}}",
        "{'pk':{'S':'p'},'sk':{'N':'4'},'s':{'S':'cherry'},"
        "'ss':{'SS':['c']}}",
        "{'pk':{'S':'p'},'sk':{'N':'5'}}",
    };
    char body[512];
    client_reset();
    ok_free("CreateTable",
            "{'TableName':'tbl','BillingMode':'PAY_PER_REQUEST',"
            "'AttributeDefinitions':[{'AttributeName':'pk','AttributeType':"
            "'S'},{'AttributeName':'sk','AttributeType':'N'}],'KeySchema':["
            "{'AttributeName':'pk','KeyType':'HASH'},{'AttributeName':'sk',"
            "'KeyType':'RANGE'}]}");
    ok_free("CreateTable",
            "{'TableName':'items','BillingMode':'PAY_PER_REQUEST',"
            "'AttributeDefinitions':[{'AttributeName':'pk','AttributeType':"
            "'S'}],'KeySchema':[{'AttributeName':'pk','KeyType':'HASH'}]}");
    for (size_t i = 0; i < sizeof puts / sizeof puts[0]; i++) {
        snprintf(body, sizeof body, "{'TableName':'tbl','Item':%s}", puts[i]);
        ok_free("PutItem", body);
    }
    return 0;
}

/* The sort keys of a Query or Scan reply's Items, ","-joined. */
static void sort_keys(const struct response *r, char *out, size_t len)
{
    const cJSON *item;
    size_t used = 0;
    out[0] = '\0';
    cJSON_ArrayForEach(item, cJSON_GetObjectItem(r->json, "Items")) {
        const cJSON *sk = cJSON_GetObjectItem(item, "sk");
        const char *n = cJSON_GetStringValue(cJSON_GetObjectItem(sk, "N"));
        used += (size_t)snprintf(out + used, len - used, "%s%s",
                                 used ? "," : "", n ? n : "?");
    }
}

struct read_row {
    const char *name;
    const char *op;   /* "Query" or "Scan" */
    const char *body; /* single-quoted JSON */
    const char *sks;  /* the sort keys expected back, in order */
};

static void check_read_rows(const struct read_row *rows, size_t n)
{
    char got[128];
    for (size_t i = 0; i < n; i++) {
        struct response r = ok(rows[i].op, rows[i].body);
        sort_keys(&r, got, sizeof got);
        if (strcmp(got, rows[i].sks) != 0)
            print_error("row '%s': got [%s], want [%s]\n", rows[i].name, got,
                        rows[i].sks);
        assert_string_equal(got, rows[i].sks);
        response_free(&r);
    }
}

struct error_row {
    const char *name;
    const char *op;
    const char *body;    /* single-quoted JSON */
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

#define SCAN(filter) "{'TableName':'tbl','ScanFilter':" filter "}"
#define C1(op, v) "{'ComparisonOperator':'" op "','AttributeValueList':[" v "]}"

static void scan_filter_should_apply_every_comparison_operator(void **state)
{
    (void)state;
    static const struct read_row rows[] = {
        { "EQ", "Scan", SCAN("{'s':" C1("EQ", "{'S':'apple'}") "}"), "1" },
        { "NE is true where the attribute is missing", "Scan",
          SCAN("{'s':" C1("NE", "{'S':'apple'}") "}"), "2,3,4,5" },
        { "LT", "Scan", SCAN("{'n':" C1("LT", "{'N':'2'}") "}"), "1" },
        { "LE", "Scan", SCAN("{'n':" C1("LE", "{'N':'2'}") "}"), "1,2" },
        { "GT", "Scan", SCAN("{'n':" C1("GT", "{'N':'2'}") "}"), "3" },
        { "GE", "Scan", SCAN("{'n':" C1("GE", "{'N':'2'}") "}"), "2,3" },
        { "GT of another type matches nothing", "Scan",
          SCAN("{'n':" C1("GT", "{'S':'2'}") "}"), "" },
        { "NOT_NULL", "Scan",
          SCAN("{'s':{'ComparisonOperator':'NOT_NULL'}}"), "1,2,4" },
        { "NULL", "Scan", SCAN("{'s':{'ComparisonOperator':'NULL'}}"),
          "3,5" },
        { "CONTAINS a substring", "Scan",
          SCAN("{'s':" C1("CONTAINS", "{'S':'an'}") "}"), "2" },
        { "CONTAINS a set member", "Scan",
          SCAN("{'ss':" C1("CONTAINS", "{'S':'a'}") "}"), "1" },
        { "CONTAINS in binary", "Scan",
          SCAN("{'b':" C1("CONTAINS", "{'B':'Yg=='}") "}"), "3" },
        { "NOT_CONTAINS", "Scan",
          SCAN("{'s':" C1("NOT_CONTAINS", "{'S':'an'}") ",'n':{"
               "'ComparisonOperator':'NOT_NULL'}}"), "1,3" },
        { "BEGINS_WITH", "Scan",
          SCAN("{'s':" C1("BEGINS_WITH", "{'S':'b'}") "}"), "2" },
        { "IN", "Scan",
          SCAN("{'s':" C1("IN", "{'S':'apple'},{'S':'cherry'}") "}"), "1,4" },
        { "BETWEEN", "Scan",
          SCAN("{'n':" C1("BETWEEN", "{'N':'2'},{'N':'3'}") "}"), "2,3" },
        { "conditions are ANDed by default", "Scan",
          SCAN("{'s':{'ComparisonOperator':'NOT_NULL'},'n':"
               C1("GE", "{'N':'2'}") "}"), "2" },
        { "ConditionalOperator AND", "Scan",
          "{'TableName':'tbl','ConditionalOperator':'AND','ScanFilter':{"
          "'s':{'ComparisonOperator':'NOT_NULL'},'n':" C1("GE", "{'N':'2'}")
          "}}", "2" },
        { "ConditionalOperator OR", "Scan",
          "{'TableName':'tbl','ConditionalOperator':'OR','ScanFilter':{"
          "'s':" C1("EQ", "{'S':'apple'}") ",'n':" C1("EQ", "{'N':'3'}")
          "}}", "1,3" },
        { "an empty ScanFilter filters nothing", "Scan",
          "{'TableName':'tbl','ScanFilter':{}}", "1,2,3,4,5" },
        { "names are literal, not paths", "Scan",
          SCAN("{'s.x':{'ComparisonOperator':'NULL'}}"), "1,2,3,4,5" },
    };
    check_read_rows(rows, sizeof rows / sizeof rows[0]);
}

#define QUERY(kc) "{'TableName':'tbl','KeyConditions':{'pk':" \
                  C1("EQ", "{'S':'p'}") kc "}"

static void key_conditions_should_select_by_each_key_operator(void **state)
{
    (void)state;
    static const struct read_row rows[] = {
        { "hash key alone", "Query", QUERY("}"), "1,2,3,4,5" },
        { "EQ", "Query", QUERY(",'sk':" C1("EQ", "{'N':'2'}") "}"), "2" },
        { "LT", "Query", QUERY(",'sk':" C1("LT", "{'N':'3'}") "}"), "1,2" },
        { "LE", "Query", QUERY(",'sk':" C1("LE", "{'N':'3'}") "}"),
          "1,2,3" },
        { "GT", "Query", QUERY(",'sk':" C1("GT", "{'N':'3'}") "}"), "4,5" },
        { "GE", "Query", QUERY(",'sk':" C1("GE", "{'N':'3'}") "}"),
          "3,4,5" },
        { "BETWEEN", "Query",
          QUERY(",'sk':" C1("BETWEEN", "{'N':'2'},{'N':'4'}") "}"),
          "2,3,4" },
        { "backwards", "Query",
          "{'TableName':'tbl','ScanIndexForward':false,'KeyConditions':{"
          "'pk':" C1("EQ", "{'S':'p'}") ",'sk':" C1("LE", "{'N':'2'}") "}}",
          "2,1" },
        { "with a QueryFilter", "Query",
          "{'TableName':'tbl','KeyConditions':{'pk':" C1("EQ", "{'S':'p'}")
          "},'QueryFilter':{'s':" C1("BEGINS_WITH", "{'S':'c'}") "}}", "4" },
        { "QueryFilter with ConditionalOperator OR", "Query",
          "{'TableName':'tbl','KeyConditions':{'pk':" C1("EQ", "{'S':'p'}")
          "},'ConditionalOperator':'OR','QueryFilter':{'s':"
          C1("EQ", "{'S':'apple'}") ",'b':{'ComparisonOperator':'NOT_NULL'}"
          "}}", "1,3" },
        { "KeyConditions with a FilterExpression, as AWS allows", "Query",
          "{'TableName':'tbl','KeyConditions':{'pk':" C1("EQ", "{'S':'p'}")
          "},'FilterExpression':'#l0 = :l0','ExpressionAttributeNames':{"
          "'#l0':'s'},'ExpressionAttributeValues':{':l0':{'S':'banana'}}}",
          "2" },
        { "Limit pages as with expressions", "Query",
          "{'TableName':'tbl','Limit':2,'KeyConditions':{'pk':"
          C1("EQ", "{'S':'p'}") "}}", "1,2" },
    };
    check_read_rows(rows, sizeof rows / sizeof rows[0]);
}

/* The attribute names of item, ","-joined in alphabetical order (a map's
 * order carries no meaning). */
static void item_names(const cJSON *item, char *out, size_t len)
{
    const cJSON *a;
    const char *names[16];
    size_t n = 0;
    size_t used = 0;
    cJSON_ArrayForEach(a, item) {
        if (n < 16)
            names[n++] = a->string;
    }
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    }
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s",
                                 i ? "," : "", names[i]);
}

static void attributes_to_get_should_project_every_read(void **state)
{
    (void)state;
    char names[128];
    struct response r = ok("GetItem",
                           "{'TableName':'tbl','Key':{'pk':{'S':'p'},'sk':{"
                           "'N':'1'}},'AttributesToGet':['s','missing','n']}");
    item_names(cJSON_GetObjectItem(r.json, "Item"), names, sizeof names);
    assert_string_equal(names, "n,s");
    response_free(&r);

    r = ok("Query", "{'TableName':'tbl','Select':'SPECIFIC_ATTRIBUTES',"
                    "'AttributesToGet':['ss'],'KeyConditions':{'pk':"
                    C1("EQ", "{'S':'p'}") ",'sk':" C1("EQ", "{'N':'1'}")
                    "}}");
    item_names(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "Items"), 0),
               names, sizeof names);
    assert_string_equal(names, "ss");
    response_free(&r);

    r = ok("Scan", "{'TableName':'tbl','AttributesToGet':['sk'],"
                   "'ScanFilter':{'b':{'ComparisonOperator':'NOT_NULL'}}}");
    item_names(cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "Items"), 0),
               names, sizeof names);
    assert_string_equal(names, "sk");
    response_free(&r);

    r = ok("BatchGetItem",
           "{'RequestItems':{'tbl':{'Keys':[{'pk':{'S':'p'},'sk':{'N':'2'}}],"
           "'AttributesToGet':['n','s']}}}");
    const cJSON *items = cJSON_GetObjectItem(
        cJSON_GetObjectItem(r.json, "Responses"), "tbl");
    item_names(cJSON_GetArrayItem(items, 0), names, sizeof names);
    assert_string_equal(names, "n,s");
    response_free(&r);
}

struct write_row {
    const char *name;
    const char *expected; /* the Expected map, single-quoted */
    const char *op;       /* ConditionalOperator, or NULL */
    bool is_passing;
};

/* Each row: reset item x, then a PutItem guarded by the row's Expected. */
static void expected_should_gate_writes_with_every_operator(void **state)
{
    (void)state;
    static const struct write_row rows[] = {
        { "Exists false on a missing attribute", "{'m':{'Exists':false}}",
          NULL, true },
        { "Exists false on a present attribute", "{'s':{'Exists':false}}",
          NULL, false },
        { "Value alone means equal", "{'s':{'Value':{'S':'apple'}}}", NULL,
          true },
        { "Exists true with a different Value",
          "{'s':{'Exists':true,'Value':{'S':'pear'}}}", NULL, false },
        { "EQ", "{'n':" C1("EQ", "{'N':'5'}") "}", NULL, true },
        { "EQ through Value", "{'n':{'ComparisonOperator':'EQ','Value':{"
          "'N':'5.0'}}}", NULL, true },
        { "EQ on a set in any order", "{'ss':" C1("EQ", "{'SS':['b','a']}")
          "}", NULL, true },
        { "NE", "{'n':" C1("NE", "{'N':'5'}") "}", NULL, false },
        { "NE on a missing attribute", "{'m':" C1("NE", "{'N':'5'}") "}",
          NULL, true },
        { "LT", "{'n':" C1("LT", "{'N':'6'}") "}", NULL, true },
        { "LE", "{'n':" C1("LE", "{'N':'4'}") "}", NULL, false },
        { "GT", "{'n':" C1("GT", "{'N':'4'}") "}", NULL, true },
        { "GE", "{'n':" C1("GE", "{'N':'6'}") "}", NULL, false },
        { "NOT_NULL", "{'s':{'ComparisonOperator':'NOT_NULL'}}", NULL, true },
        { "NULL", "{'s':{'ComparisonOperator':'NULL'}}", NULL, false },
        { "CONTAINS", "{'ss':" C1("CONTAINS", "{'S':'b'}") "}", NULL, true },
        { "NOT_CONTAINS", "{'s':" C1("NOT_CONTAINS", "{'S':'pp'}") "}", NULL,
          false },
        { "BEGINS_WITH", "{'s':" C1("BEGINS_WITH", "{'S':'ap'}") "}", NULL,
          true },
        { "IN", "{'s':" C1("IN", "{'S':'pear'},{'S':'apple'}") "}", NULL,
          true },
        { "BETWEEN", "{'n':" C1("BETWEEN", "{'N':'6'},{'N':'9'}") "}", NULL,
          false },
        { "AND needs both", "{'s':{'Value':{'S':'apple'}},'n':{'Value':{"
          "'N':'6'}}}", "AND", false },
        { "OR needs one", "{'s':{'Value':{'S':'apple'}},'n':{'Value':{"
          "'N':'6'}}}", "OR", true },
    };
    static const char item[] =
        "{'pk':{'S':'x'},'s':{'S':'apple'},'n':{'N':'5'},"
        "'ss':{'SS':['a','b']}}";
    char body[1024];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(body, sizeof body, "{'TableName':'items','Item':%s}", item);
        ok_free("PutItem", body);
        snprintf(body, sizeof body,
                 "{'TableName':'items','Item':{'pk':{'S':'x'}},"
                 "'Expected':%s%s%s%s}", rows[i].expected,
                 rows[i].op ? ",'ConditionalOperator':'" : "",
                 rows[i].op ? rows[i].op : "", rows[i].op ? "'" : "");
        struct response r = call("PutItem", body);
        if ((r.status == 200) != rows[i].is_passing)
            print_error("row '%s': %ld %s\n", rows[i].name, r.status, r.body);
        assert_int_equal(r.status, rows[i].is_passing ? 200 : 400);
        if (!rows[i].is_passing)
            assert_string_equal(response_error(&r),
                                "ConditionalCheckFailedException");
        response_free(&r);
    }
    /* The same rules on UpdateItem and DeleteItem. */
    snprintf(body, sizeof body, "{'TableName':'items','Item':%s}", item);
    ok_free("PutItem", body);
    ok_free("UpdateItem", "{'TableName':'items','Key':{'pk':{'S':'x'}},"
                          "'Expected':{'n':" C1("EQ", "{'N':'5'}") "},"
                          "'AttributeUpdates':{'n':{'Action':'ADD','Value':{"
                          "'N':'1'}}}}");
    struct response r = call("DeleteItem",
                             "{'TableName':'items','Key':{'pk':{'S':'x'}},"
                             "'Expected':{'n':" C1("EQ", "{'N':'5'}") "}}");
    assert_string_equal(response_error(&r), "ConditionalCheckFailedException");
    response_free(&r);
    ok_free("DeleteItem", "{'TableName':'items','Key':{'pk':{'S':'x'}},"
                          "'Expected':{'n':" C1("EQ", "{'N':'6'}") "}}");
}

/* item x after an update equals want (single-quoted), attribute order
 * aside. */
static void expect_item(const char *want)
{
    struct response r = ok("GetItem", "{'TableName':'items','Key':{'pk':{"
                                      "'S':'x'}},'ConsistentRead':true}");
    char *w = json_of(want);
    cJSON *expected = cJSON_Parse(w);
    const cJSON *got = cJSON_GetObjectItem(r.json, "Item");
    if (!cJSON_Compare(expected, got, true))
        print_error("got %s\nwant %s\n", r.body, w);
    assert_true(cJSON_Compare(expected, got, true));
    cJSON_Delete(expected);
    free(w);
    response_free(&r);
}

static void update(const char *updates, const char *return_values,
                   const char *want_attributes)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{'TableName':'items','Key':{'pk':{'S':'x'}},"
             "'AttributeUpdates':%s,'ReturnValues':'%s'}", updates,
             return_values);
    struct response r = ok("UpdateItem", body);
    char *w = json_of(want_attributes);
    cJSON *expected = cJSON_Parse(w);
    const cJSON *got = cJSON_GetObjectItem(r.json, "Attributes");
    if (!cJSON_Compare(expected, got, true))
        print_error("%s:\n got %s\nwant %s\n", updates, r.body, w);
    assert_true(cJSON_Compare(expected, got, true));
    cJSON_Delete(expected);
    free(w);
    response_free(&r);
}

static void attribute_updates_should_put_add_and_delete(void **state)
{
    (void)state;
    update("{'s':{'Value':{'S':'a'}},'n':{'Action':'ADD','Value':{'N':'5'}},"
           "'ss':{'Action':'ADD','Value':{'SS':['a','b']}},"
           "'l':{'Action':'ADD','Value':{'L':[{'N':'1'}]}},"
           "'gone':{'Action':'DELETE'},"
           "'none':{'Action':'DELETE','Value':{'SS':['z']}}}",
           "UPDATED_NEW",
           "{'s':{'S':'a'},'n':{'N':'5'},'ss':{'SS':['a','b']},"
           "'l':{'L':[{'N':'1'}]}}");
    expect_item("{'pk':{'S':'x'},'s':{'S':'a'},'n':{'N':'5'},"
                "'ss':{'SS':['a','b']},'l':{'L':[{'N':'1'}]}}");
    update("{'s':{'Action':'PUT','Value':{'N':'7'}},"
           "'n':{'Action':'ADD','Value':{'N':'-7.5'}},"
           "'ss':{'Action':'DELETE','Value':{'SS':['a','q']}},"
           "'l':{'Action':'ADD','Value':{'L':[{'S':'two'}]}}}",
           "UPDATED_OLD",
           "{'s':{'S':'a'},'n':{'N':'5'},'ss':{'SS':['a','b']},"
           "'l':{'L':[{'N':'1'}]}}");
    expect_item("{'pk':{'S':'x'},'s':{'N':'7'},'n':{'N':'-2.5'},"
                "'ss':{'SS':['b']},'l':{'L':[{'N':'1'},{'S':'two'}]}}");
    update("{'ss':{'Action':'DELETE','Value':{'SS':['b']}},"
           "'s':{'Action':'DELETE'}}", "ALL_NEW",
           "{'pk':{'S':'x'},'n':{'N':'-2.5'},"
           "'l':{'L':[{'N':'1'},{'S':'two'}]}}");
    static const struct error_row rows[] = {
        { "ADD a set to a number", "UpdateItem",
          "{'TableName':'items','Key':{'pk':{'S':'x'}},'AttributeUpdates':{"
          "'n':{'Action':'ADD','Value':{'NS':['1']}}}}", V,
          "Type mismatch for attribute to update" },
        { "DELETE from a list", "UpdateItem",
          "{'TableName':'items','Key':{'pk':{'S':'x'}},'AttributeUpdates':{"
          "'l':{'Action':'DELETE','Value':{'SS':['1']}}}}", V,
          "Type mismatch for attribute to update" },
        { "ADD a list to a number", "UpdateItem",
          "{'TableName':'items','Key':{'pk':{'S':'x'}},'AttributeUpdates':{"
          "'n':{'Action':'ADD','Value':{'L':[]}}}}", V,
          "Type mismatch for attribute to update" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

#define MIX "Can not use both expression and non-expression parameters in " \
            "the same request: Non-expression parameters: "
#define EQ_X C1("EQ", "{'S':'x'}")
#define KEY "'Key':{'pk':{'S':'x'}}"

static void mixing_legacy_and_expressions_should_be_refused(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "AttributesToGet with ProjectionExpression", "GetItem",
          "{'TableName':'items'," KEY ",'AttributesToGet':['a'],"
          "'ProjectionExpression':'a'}", V,
          MIX "{AttributesToGet} Expression parameters: "
              "{ProjectionExpression}" },
        { "every member of a Scan", "Scan",
          "{'TableName':'tbl','AttributesToGet':['a'],'ScanFilter':{'a':"
          EQ_X "},'ConditionalOperator':'AND','FilterExpression':'a = :v',"
          "'ProjectionExpression':'b','ExpressionAttributeValues':{':v':{"
          "'S':'x'}}}", V,
          MIX "{AttributesToGet, ScanFilter, ConditionalOperator} "
              "Expression parameters: {ProjectionExpression, "
              "FilterExpression}" },
        { "every member of a Query", "Query",
          "{'TableName':'tbl','KeyConditions':{'pk':" EQ_X "},"
          "'QueryFilter':{'a':" EQ_X "},'ConditionalOperator':'AND',"
          "'KeyConditionExpression':'pk = :p','FilterExpression':'a = :v',"
          "'ProjectionExpression':'b','ExpressionAttributeValues':{':p':{"
          "'S':'k1'},':v':{'S':'x'}}}", V,
          MIX "{QueryFilter, ConditionalOperator, KeyConditions} Expression "
              "parameters: {ProjectionExpression, FilterExpression, "
              "KeyConditionExpression}" },
        { "QueryFilter with KeyConditionExpression", "Query",
          "{'TableName':'tbl','QueryFilter':{'a':" EQ_X "},"
          "'KeyConditionExpression':'pk = :p','ExpressionAttributeValues':{"
          "':p':{'S':'k1'}}}", V,
          MIX "{QueryFilter} Expression parameters: "
              "{KeyConditionExpression}" },
        { "every member of an UpdateItem", "UpdateItem",
          "{'TableName':'items'," KEY ",'AttributeUpdates':{'a':{'Value':{"
          "'S':'v'},'Action':'PUT'}},'Expected':{'a':" EQ_X "},"
          "'ConditionalOperator':'AND','UpdateExpression':'SET a = :v',"
          "'ConditionExpression':'attribute_exists(pk)',"
          "'ExpressionAttributeValues':{':v':{'S':'x'}}}", V,
          MIX "{AttributeUpdates, Expected, ConditionalOperator} Expression "
              "parameters: {UpdateExpression, ConditionExpression}" },
        { "Expected with ConditionExpression", "PutItem",
          "{'TableName':'items','Item':{'pk':{'S':'x'}},'Expected':{'a':"
          EQ_X "},'ConditionalOperator':'AND','ConditionExpression':"
          "'attribute_exists(pk)'}", V,
          MIX "{Expected, ConditionalOperator} Expression parameters: "
              "{ConditionExpression}" },
        { "ConditionalOperator with ConditionExpression", "DeleteItem",
          "{'TableName':'items'," KEY ",'ConditionalOperator':'AND',"
          "'ConditionExpression':'attribute_exists(pk)'}", V,
          MIX "{ConditionalOperator} Expression parameters: "
              "{ConditionExpression}" },
        { "AttributesToGet with ProjectionExpression in a batch",
          "BatchGetItem",
          "{'RequestItems':{'tbl':{'Keys':[{'pk':{'S':'p'},'sk':{'N':'1'}}],"
          "'AttributesToGet':['a'],'ProjectionExpression':'a'}}}", V,
          MIX "{AttributesToGet} Expression parameters: "
              "{ProjectionExpression}" },
        { "placeholder names without an expression", "GetItem",
          "{'TableName':'items'," KEY ",'AttributesToGet':['a'],"
          "'ExpressionAttributeNames':{'#a':'a'}}", V,
          "ExpressionAttributeNames can only be specified when using "
          "expressions" },
        { "placeholder values without an expression", "PutItem",
          "{'TableName':'items','Item':{'pk':{'S':'x'}},'Expected':{'a':"
          EQ_X "},'ExpressionAttributeValues':{':a':{'S':'a'}}}", V,
          "ExpressionAttributeValues can only be specified when using "
          "expressions: ConditionExpression is null" },
        { "ConditionalOperator without conditions", "Scan",
          "{'TableName':'tbl','ConditionalOperator':'OR'}", V,
          "ConditionalOperator cannot be used without Filter or Expected" },
        { "ConditionalOperator with an empty filter", "Scan",
          "{'TableName':'tbl','ConditionalOperator':'AND','ScanFilter':{}}",
          V, "ConditionalOperator cannot be used without Filter or "
             "Expected" },
        { "ConditionalOperator before a missing key condition", "Query",
          "{'TableName':'tbl','ConditionalOperator':'AND'}", V,
          "ConditionalOperator cannot be used without Filter or Expected" },
        { "ConditionalOperator with one condition", "PutItem",
          "{'TableName':'items','Item':{'pk':{'S':'x'}},"
          "'ConditionalOperator':'AND','Expected':{'a':" EQ_X "}}", V,
          "ConditionalOperator can only be used when Filter or Expected has "
          "two or more elements" },
        { "ConditionalOperator on an UpdateItem without Expected",
          "UpdateItem",
          "{'TableName':'items'," KEY ",'ConditionalOperator':'AND'}", V,
          "ConditionalOperator cannot be used without Filter or Expected" },
        { "ConditionalOperator out of its enum", "Scan",
          "{'TableName':'tbl','ConditionalOperator':'XOR'}", V,
          "1 validation error detected: Value 'XOR' at 'conditionalOperator' "
          "failed to satisfy constraint: Member must satisfy enum value "
          "set: [OR, AND]" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

/* Every operator with one argument too many and too few. */
static void argument_counts_should_be_checked_for_every_operator(void **state)
{
    (void)state;
    static const struct {
        const char *op;
        const char *bad; /* an AttributeValueList of the wrong length */
    } rows[] = {
        { "EQ", "" }, { "EQ", "{'S':'a'},{'S':'a'}" }, { "NE", "" },
        { "LE", "" }, { "LT", "{'S':'a'},{'S':'a'}" }, { "GE", "" },
        { "GT", "" }, { "CONTAINS", "" }, { "NOT_CONTAINS", "" },
        { "BEGINS_WITH", "{'S':'a'},{'S':'a'}" }, { "IN", "" },
        { "BETWEEN", "{'S':'a'}" },
        { "BETWEEN", "{'S':'a'},{'S':'b'},{'S':'c'}" },
        { "NULL", "{'S':'a'}" }, { "NOT_NULL", "{'S':'a'}" },
    };
    char body[512];
    char want[256];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(want, sizeof want, INVALID "Invalid number of argument(s) "
                 "for the %s ComparisonOperator", rows[i].op);
        snprintf(body, sizeof body,
                 "{'TableName':'tbl','ScanFilter':{'a':{'ComparisonOperator':"
                 "'%s','AttributeValueList':[%s]}}}", rows[i].op,
                 rows[i].bad);
        struct error_row row = { rows[i].op, "Scan", body, V, want };
        check_error_rows(&row, 1);
        snprintf(body, sizeof body,
                 "{'TableName':'items','Item':{'pk':{'S':'x'}},'Expected':{"
                 "'a':{'ComparisonOperator':'%s','AttributeValueList':[%s]}}}",
                 rows[i].op, rows[i].bad);
        row.op = "PutItem";
        check_error_rows(&row, 1);
    }
}

#define FILTER(op, v) "{'TableName':'tbl','ScanFilter':{'a':" C1(op, v) "}}"
#define EXPECT(e) "{'TableName':'items','Item':{'pk':{'S':'x'}}," \
                  "'Expected':{'a':" e "}}"

static void conditions_should_be_validated_as_aws_does(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "LT on a set", "Scan", FILTER("LT", "{'SS':['a']}"), V,
          INVALID "ComparisonOperator LT is not valid for SS AttributeValue "
                  "type" },
        { "IN on a boolean", "Scan", FILTER("IN", "{'BOOL':true}"), V,
          INVALID "ComparisonOperator IN is not valid for BOOL "
                  "AttributeValue type" },
        { "CONTAINS a list", "Scan", FILTER("CONTAINS", "{'L':[]}"), V,
          INVALID "ComparisonOperator CONTAINS is not valid for L "
                  "AttributeValue type" },
        { "BEGINS_WITH a number", "Scan", FILTER("BEGINS_WITH", "{'N':'1'}"),
          V, INVALID "ComparisonOperator BEGINS_WITH is not valid for N "
                     "AttributeValue type" },
        { "BETWEEN two maps", "Scan",
          FILTER("BETWEEN", "{'M':{}},{'M':{}}"), V,
          INVALID "ComparisonOperator BETWEEN is not valid for M "
                  "AttributeValue type" },
        { "values of two types", "Scan",
          FILTER("IN", "{'S':'a'},{'N':'1'}"), V,
          INVALID "AttributeValues inside AttributeValueList must be of "
                  "same type" },
        { "BETWEEN bounds reversed", "Scan",
          FILTER("BETWEEN", "{'N':'3'},{'N':'2'}"), V,
          "The BETWEEN condition was provided a range where the lower bound "
          "is greater than the upper bound" },
        { "a bad number", "Scan", FILTER("EQ", "{'N':'x'}"), V,
          "The parameter cannot be converted to a numeric value: x" },
        { "no ComparisonOperator in a filter", "Scan",
          "{'TableName':'tbl','ScanFilter':{'a':{}}}", V,
          "1 validation error detected: Value null at "
          "'scanFilter.a.member.comparisonOperator' failed to satisfy "
          "constraint: Member must not be null" },
        { "an unknown ComparisonOperator", "Query",
          "{'TableName':'tbl','KeyConditions':{'pk':" C1("XX", "") "}}", V,
          "1 validation error detected: Value 'XX' at "
          "'keyConditions.pk.member.comparisonOperator' failed to satisfy "
          "constraint: Member must satisfy enum value set: [IN, NULL, "
          "BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, "
          "GE, CONTAINS]" },
        { "a filter that is not a map", "Scan",
          "{'TableName':'tbl','ScanFilter':[]}", "SerializationException",
          "Unexpected value type for member ScanFilter: expected an object" },
        { "Value with AttributeValueList", "PutItem",
          EXPECT("{'Value':{'S':'a'},'ComparisonOperator':'EQ',"
                 "'AttributeValueList':[{'S':'a'}]}"), V,
          INVALID "Value and AttributeValueList cannot be used together for "
                  "Attribute: a" },
        { "Exists with ComparisonOperator", "PutItem",
          EXPECT("{'Exists':true,'ComparisonOperator':'NOT_NULL'}"), V,
          INVALID "Exists and ComparisonOperator cannot be used together for "
                  "Attribute: a" },
        { "ComparisonOperator without values", "PutItem",
          EXPECT("{'ComparisonOperator':'GT'}"), V,
          INVALID "Value or AttributeValueList must be used with "
                  "ComparisonOperator: GT for Attribute: a" },
        { "Value for BETWEEN", "DeleteItem",
          "{'TableName':'items'," KEY ",'Expected':{'a':{'Value':{'S':'a'},"
          "'ComparisonOperator':'BETWEEN'}}}", V,
          INVALID "Invalid number of argument(s) for the BETWEEN "
                  "ComparisonOperator" },
        { "AttributeValueList without ComparisonOperator", "PutItem",
          EXPECT("{'AttributeValueList':[{'S':'a'}]}"), V,
          INVALID "AttributeValueList can only be used with a "
                  "ComparisonOperator for Attribute: a" },
        { "Exists true without Value", "PutItem", EXPECT("{'Exists':true}"),
          V, INVALID "Value must be provided when Exists is true for "
                     "Attribute: a" },
        { "neither Exists nor Value", "PutItem", EXPECT("{}"), V,
          INVALID "Value must be provided when Exists is null for "
                  "Attribute: a" },
        { "Exists false with Value", "PutItem",
          EXPECT("{'Exists':false,'Value':{'S':'a'}}"), V,
          INVALID "Value cannot be used when Exists is false for "
                  "Attribute: a" },
        { "an empty Value", "PutItem", EXPECT("{'Value':{}}"), V,
          "Supplied AttributeValue is empty, must contain exactly one of the "
          "supported datatypes" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

#define UPD(u) "{'TableName':'items'," KEY ",'AttributeUpdates':{'a':" u "}}"

static void legacy_reads_and_updates_should_be_validated(void **state)
{
    (void)state;
    static const struct error_row rows[] = {
        { "PUT without a value", "UpdateItem", UPD("{'Action':'PUT'}"), V,
          INVALID "Only DELETE action is allowed when no attribute value is "
                  "specified" },
        { "no action and no value", "UpdateItem", UPD("{}"), V,
          INVALID "Only DELETE action is allowed when no attribute value is "
                  "specified" },
        { "DELETE with a string", "UpdateItem",
          UPD("{'Action':'DELETE','Value':{'S':'a'}}"), V,
          INVALID "DELETE action with value is not supported for the type "
                  "S" },
        { "ADD a string", "UpdateItem",
          UPD("{'Action':'ADD','Value':{'S':'a'}}"), V,
          INVALID "ADD action is not supported for the type S" },
        { "an unknown action", "UpdateItem",
          UPD("{'Action':'APPEND','Value':{'S':'a'}}"), V,
          "1 validation error detected: Value 'APPEND' at "
          "'attributeUpdates.a.member.action' failed to satisfy constraint: "
          "Member must satisfy enum value set: [ADD, DELETE, PUT]" },
        { "an update of the key", "UpdateItem",
          "{'TableName':'items'," KEY ",'AttributeUpdates':{'pk':{'Value':{"
          "'S':'y'}}}}", V,
          INVALID "Cannot update attribute pk. This attribute is part of the "
                  "key" },
        { "a duplicate in AttributesToGet", "GetItem",
          "{'TableName':'items'," KEY ",'AttributesToGet':['a','b','a']}", V,
          INVALID "Duplicate value in attribute name: a" },
        { "an empty AttributesToGet", "Scan",
          "{'TableName':'tbl','AttributesToGet':[]}", V,
          "1 validation error detected: Value '[]' at 'attributesToGet' "
          "failed to satisfy constraint: Member must have length greater "
          "than or equal to 1" },
        { "AttributesToGet with Select COUNT", "Query",
          "{'TableName':'tbl','Select':'COUNT','AttributesToGet':['a'],"
          "'KeyConditions':{'pk':" C1("EQ", "{'S':'p'}") "}}", V,
          "1 validation error detected: Cannot specify the AttributesToGet "
          "when choosing to get only the Count" },
        { "no key condition", "Query", "{'TableName':'tbl','KeyConditions':{}}",
          V, "Conditions can be of length 1 or 2 only" },
        { "three key conditions", "Query",
          "{'TableName':'tbl','KeyConditions':{'pk':" C1("EQ", "{'S':'p'}")
          ",'sk':" C1("EQ", "{'N':'1'}") ",'x':" C1("EQ", "{'N':'1'}") "}}",
          V, "Conditions can be of length 1 or 2 only" },
        { "a key condition on NULL", "Query",
          "{'TableName':'tbl','KeyConditions':{'pk':" C1("EQ", "{'S':'p'}")
          ",'sk':{'ComparisonOperator':'NULL'}}}", V,
          "Attempted conditional constraint is not an indexable operation" },
        { "a key condition with IN", "Query",
          "{'TableName':'tbl','KeyConditions':{'pk':"
          C1("IN", "{'S':'p'}") "}}", V,
          "Attempted conditional constraint is not an indexable operation" },
        { "no hash key condition", "Query",
          "{'TableName':'tbl','KeyConditions':{'sk':" C1("EQ", "{'N':'1'}")
          "}}", V, "Query condition missed key schema element: pk" },
        { "a range on the hash key", "Query",
          "{'TableName':'tbl','KeyConditions':{'pk':" C1("GT", "{'S':'p'}")
          "}}", V, "Query key condition not supported" },
        { "a hash key value of another type", "Query",
          "{'TableName':'tbl','KeyConditions':{'pk':" C1("EQ", "{'N':'1'}")
          "}}", V,
          INVALID "Condition parameter type does not match schema type" },
        { "a QueryFilter on the sort key", "Query",
          "{'TableName':'tbl','KeyConditions':{'pk':" C1("EQ", "{'S':'p'}")
          "},'QueryFilter':{'sk':" C1("EQ", "{'N':'1'}") "}}", V,
          "QueryFilter can only contain non-primary key attributes: Primary "
          "key attribute: sk" },
    };
    check_error_rows(rows, sizeof rows / sizeof rows[0]);
}

int main(void)
{
    client_start();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(
            scan_filter_should_apply_every_comparison_operator,
            reset_with_tables),
        cmocka_unit_test_setup(
            key_conditions_should_select_by_each_key_operator,
            reset_with_tables),
        cmocka_unit_test_setup(attributes_to_get_should_project_every_read,
                               reset_with_tables),
        cmocka_unit_test_setup(
            expected_should_gate_writes_with_every_operator,
            reset_with_tables),
        cmocka_unit_test_setup(attribute_updates_should_put_add_and_delete,
                               reset_with_tables),
        cmocka_unit_test_setup(
            mixing_legacy_and_expressions_should_be_refused,
            reset_with_tables),
        cmocka_unit_test_setup(
            argument_counts_should_be_checked_for_every_operator,
            reset_with_tables),
        cmocka_unit_test_setup(conditions_should_be_validated_as_aws_does,
                               reset_with_tables),
        cmocka_unit_test_setup(
            legacy_reads_and_updates_should_be_validated,
            reset_with_tables),
    };
    return cmocka_run_group_tests_name("ddb_legacy", tests, NULL, NULL);
}
