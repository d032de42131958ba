/* Evaluation of DynamoDB expressions: conditions and filters on items,
 * update expressions applied to items, projections and key conditions.
 * Each table row names the behaviour it shows; compile-time errors are in
 * test_ddb_expr_parse.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "dynamodb/ddb_expr.h"
#include "dynamodb/ddb_number.h"

/* One compiled expression with its placeholder maps, as a request holds. */
struct fixture {
    cJSON *names;
    cJSON *values;
    struct ddb_expr_env env;
    struct ddb_expr *e;
    char err[1024];
};

static cJSON *parse_or_die(const char *json)
{
    cJSON *v;

    if (json == NULL)
        return NULL;
    v = cJSON_Parse(json);
    if (v == NULL)
        fail_msg("test data is not JSON: %s", json);
    return v;
}

/* Prepares the maps, compiles, then checks for unused placeholders, as a
 * handler does; -1 with f->err set on the first failure. */
static int compile(struct fixture *f, enum ddb_expr_kind kind,
                   const char *expr, const char *names, const char *values)
{
    memset(f, 0, sizeof(*f));
    f->names = parse_or_die(names);
    f->values = parse_or_die(values);
    if (ddb_expr_env_init(&f->env, f->names, f->values, f->err,
                          sizeof(f->err)) < 0)
        return -1;
    if (ddb_expr_compile(kind, expr, &f->env, &f->e, f->err,
                         sizeof(f->err)) < 0)
        return -1;
    return ddb_expr_env_check_unused(&f->env, f->err, sizeof(f->err));
}

static void release(struct fixture *f)
{
    ddb_expr_free(f->e);
    ddb_expr_env_clear(&f->env);
    cJSON_Delete(f->names);
    cJSON_Delete(f->values);
}

static int setup(void **state)
{
    (void)state;
    mem_install_cjson_hooks();
    return 0;
}

/* ---- conditions ---- */

static const char ITEM[] =
    "{\"pk\":{\"S\":\"p1\"},\"n\":{\"N\":\"10\"},\"neg\":{\"N\":\"-5\"},"
    "\"s\":{\"S\":\"hello\"},\"b\":{\"B\":\"AQID\"},\"t\":{\"BOOL\":true},"
    "\"z\":{\"NULL\":true},\"ss\":{\"SS\":[\"a\",\"b\"]},"
    "\"ns\":{\"NS\":[\"1\",\"2.5\"]},\"bs\":{\"BS\":[\"AQ==\"]},"
    "\"l\":{\"L\":[{\"S\":\"x\"},{\"N\":\"1\"},{\"L\":[{\"S\":\"deep\"}]}]},"
    "\"m\":{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"M\":{\"c\":{\"S\":\"d\"}}}}},"
    "\"es\":{\"S\":\"\"},\"status\":{\"S\":\"on\"},\"a.b\":{\"N\":\"7\"},"
    "\"u\":{\"S\":\"\\u00e9t\\u00e9\"}}";

struct cond_row {
    const char *name;
    const char *expr;
    const char *names;
    const char *values;
    bool want;
};

#define V1(type, val) "{\":v\":{\"" type "\":" val "}}"
#define NUM(x) V1("N", "\"" x "\"")
#define STR(x) V1("S", "\"" x "\"")

static const struct cond_row cond_rows[] = {
    { "equal numbers match", "n = :v", NULL, NUM("10"), true },
    { "numbers compare by value not text", "n = :v", NULL, NUM("10.00"),
      true },
    { "numbers in exponent form compare by value", "n = :v", NULL,
      NUM("1E1"), true },
    { "a string never equals a number", "n = :v", NULL, STR("10"), false },
    { "not equal holds for a different number", "n <> :v", NULL, NUM("11"),
      true },
    { "not equal fails for the same number", "n <> :v", NULL, NUM("10"),
      false },
    { "not equal holds for a missing attribute", "nope <> :v", NULL,
      NUM("1"), true },
    { "not equal holds across types", "n <> :v", NULL, STR("10"), true },
    { "equality with a missing attribute is false", "nope = :v", NULL,
      NUM("1"), false },
    { "less than on numbers is numeric", "n < :v", NULL, NUM("100"), true },
    { "less than fails for equal numbers", "n < :v", NULL, NUM("10"),
      false },
    { "less or equal holds for equal numbers", "n <= :v", NULL, NUM("10"),
      true },
    { "greater than compares fractions", "n > :v", NULL, NUM("9.99"), true },
    { "greater or equal holds for equal numbers", "n >= :v", NULL,
      NUM("10"), true },
    { "negative numbers order below positives", "neg < :v", NULL,
      NUM("0"), true },
    { "negative numbers order by magnitude", "neg > :v", NULL, NUM("-10"),
      true },
    { "ordering across types is false", "n > :v", NULL, STR("1"), false },
    { "ordering a missing attribute is false", "nope < :v", NULL, NUM("1"),
      false },
    { "strings order by bytes", "s < :v", NULL, STR("help"), true },
    { "a prefix orders first", "s > :v", NULL, STR("hell"), true },
    { "binary orders by decoded bytes", "b > :v", NULL, V1("B", "\"AQI=\""),
      true },
    { "binary equality compares bytes", "b = :v", NULL, V1("B", "\"AQID\""),
      true },
    { "booleans compare equal", "t = :v", NULL, V1("BOOL", "true"), true },
    { "booleans of different value are unequal", "t = :v", NULL,
      V1("BOOL", "false"), false },
    { "null equals null", "z = :v", NULL, V1("NULL", "true"), true },
    { "string sets compare unordered", "ss = :v", NULL,
      V1("SS", "[\"b\",\"a\"]"), true },
    { "number sets compare by value", "ns = :v", NULL,
      V1("NS", "[\"2.50\",\"1\"]"), true },
    { "maps compare by content", "m.b = :v", NULL,
      V1("M", "{\"c\":{\"S\":\"d\"}}"), true },
    { "lists compare in order", "l[2] = :v", NULL,
      V1("L", "[{\"S\":\"deep\"}]"), true },
    { "a value may stand on the left", ":v = n", NULL, NUM("10"), true },
    { "a value on the left flips the ordering", ":v < n", NULL, NUM("9"),
      true },
    { "two values may be compared", ":v = :v", NULL, NUM("1"), true },
    { "a parenthesised operand compares", "(n) = :v", NULL, NUM("10"),
      true },
    { "a parenthesised value compares", "n = (:v)", NULL, NUM("10"), true },
    { "between includes its lower bound",
      "n BETWEEN :a AND :b", NULL,
      "{\":a\":{\"N\":\"10\"},\":b\":{\"N\":\"20\"}}", true },
    { "between includes its upper bound", "n BETWEEN :a AND :b", NULL,
      "{\":a\":{\"N\":\"1\"},\":b\":{\"N\":\"10\"}}", true },
    { "between excludes values above", "n BETWEEN :a AND :b", NULL,
      "{\":a\":{\"N\":\"11\"},\":b\":{\"N\":\"20\"}}", false },
    { "between works on strings", "s BETWEEN :a AND :b", NULL,
      "{\":a\":{\"S\":\"a\"},\":b\":{\"S\":\"z\"}}", true },
    { "between across types is false", "n BETWEEN :a AND :b", NULL,
      "{\":a\":{\"S\":\"a\"},\":b\":{\"S\":\"z\"}}", false },
    { "between on a missing attribute is false", "nope BETWEEN :a AND :b",
      NULL, "{\":a\":{\"N\":\"1\"},\":b\":{\"N\":\"2\"}}", false },
    { "in matches any listed value", "n IN (:a, :b)", NULL,
      "{\":a\":{\"N\":\"1\"},\":b\":{\"N\":\"10\"}}", true },
    { "in fails when nothing matches", "s IN (:a)", NULL,
      "{\":a\":{\"S\":\"x\"}}", false },
    { "in on a missing attribute is false", "nope IN (:a)", NULL,
      "{\":a\":{\"S\":\"x\"}}", false },
    { "in compares whole values", "ss IN (:a)", NULL,
      "{\":a\":{\"SS\":[\"a\",\"b\"]}}", true },
    { "and binds tighter than or",
      "n = :a OR n = :b AND s = :c", NULL,
      "{\":a\":{\"N\":\"10\"},\":b\":{\"N\":\"1\"},\":c\":{\"S\":\"no\"}}",
      true },
    { "parentheses override precedence",
      "(n = :a OR n = :b) AND s = :c", NULL,
      "{\":a\":{\"N\":\"10\"},\":b\":{\"N\":\"1\"},\":c\":{\"S\":\"no\"}}",
      false },
    { "not binds tighter than or", "NOT n = :a OR s = :c", NULL,
      "{\":a\":{\"N\":\"10\"},\":c\":{\"S\":\"hello\"}}", true },
    { "not negates a comparison", "NOT n = :v", NULL, NUM("10"), false },
    { "not negates a parenthesised condition", "NOT (n = :v OR s = :v)",
      NULL, NUM("1"), true },
    { "not may repeat", "NOT NOT n = :v", NULL, NUM("10"), true },
    { "and needs both sides", "n = :a AND s = :c", NULL,
      "{\":a\":{\"N\":\"10\"},\":c\":{\"S\":\"nope\"}}", false },
    { "or needs one side", "n = :a OR s = :c", NULL,
      "{\":a\":{\"N\":\"1\"},\":c\":{\"S\":\"hello\"}}", true },
    { "keywords ignore case",
      "n = :a and s = :c Or NOT n between :a AnD :a", NULL,
      "{\":a\":{\"N\":\"10\"},\":c\":{\"S\":\"hello\"}}", true },
    { "in ignores case", "n in (:v)", NULL, NUM("10"), true },
    { "whitespace of any kind separates tokens", "\tn\n=\r\n:v ", NULL,
      NUM("10"), true },
    { "no whitespace is needed around operators", "n=:v AND(s<>:v)", NULL,
      NUM("10"), true },
    { "attribute_exists finds a top-level attribute",
      "attribute_exists(n)", NULL, NULL, true },
    { "attribute_exists misses an absent attribute",
      "attribute_exists(nope)", NULL, NULL, false },
    { "attribute_not_exists holds for an absent attribute",
      "attribute_not_exists(nope)", NULL, NULL, true },
    { "attribute_not_exists fails for a present attribute",
      "attribute_not_exists(n)", NULL, NULL, false },
    { "attribute_exists follows nested maps", "attribute_exists(m.b.c)",
      NULL, NULL, true },
    { "attribute_exists misses an absent map member",
      "attribute_exists(m.x)", NULL, NULL, false },
    { "attribute_exists follows list indexes", "attribute_exists(l[2][0])",
      NULL, NULL, true },
    { "attribute_exists misses an index past the end",
      "attribute_exists(l[3])", NULL, NULL, false },
    { "a member of a number does not exist", "attribute_exists(n.x)", NULL,
      NULL, false },
    { "an index into a map does not exist", "attribute_exists(m[0])", NULL,
      NULL, false },
    { "a null attribute exists", "attribute_exists(z)", NULL, NULL, true },
    { "attribute_type matches the type", "attribute_type(n, :v)", NULL,
      STR("N"), true },
    { "attribute_type rejects another type", "attribute_type(n, :v)", NULL,
      STR("S"), false },
    { "attribute_type knows sets", "attribute_type(ss, :v)", NULL,
      STR("SS"), true },
    { "attribute_type knows null", "attribute_type(z, :v)", NULL,
      STR("NULL"), true },
    { "attribute_type knows maps", "attribute_type(m, :v)", NULL, STR("M"),
      true },
    { "attribute_type of a missing attribute is false",
      "attribute_type(nope, :v)", NULL, STR("S"), false },
    { "begins_with matches a prefix", "begins_with(s, :v)", NULL,
      STR("he"), true },
    { "begins_with rejects a suffix", "begins_with(s, :v)", NULL,
      STR("lo"), false },
    { "begins_with matches the whole string", "begins_with(s, :v)", NULL,
      STR("hello"), true },
    { "begins_with rejects a longer string", "begins_with(s, :v)", NULL,
      STR("hello!"), false },
    { "begins_with on binary compares bytes", "begins_with(b, :v)", NULL,
      V1("B", "\"AQ==\""), true },
    { "begins_with on a number is false", "begins_with(n, :v)", NULL,
      STR("1"), false },
    { "begins_with on a missing attribute is false",
      "begins_with(nope, :v)", NULL, STR("1"), false },
    { "contains finds a substring", "contains(s, :v)", NULL, STR("ell"),
      true },
    { "contains misses a non-substring", "contains(s, :v)", NULL,
      STR("xyz"), false },
    { "contains finds a string set member", "contains(ss, :v)", NULL,
      STR("a"), true },
    { "contains misses a string set non-member", "contains(ss, :v)", NULL,
      STR("c"), false },
    { "contains finds a number set member by value", "contains(ns, :v)",
      NULL, NUM("2.50"), true },
    { "contains needs the set's element type", "contains(ns, :v)", NULL,
      STR("1"), false },
    { "contains finds a binary set member", "contains(bs, :v)", NULL,
      V1("B", "\"AQ==\""), true },
    { "contains finds bytes inside binary", "contains(b, :v)", NULL,
      V1("B", "\"Ag==\""), true },
    { "contains finds a list element", "contains(l, :v)", NULL, STR("x"),
      true },
    { "contains compares list numbers by value", "contains(l, :v)", NULL,
      NUM("1.0"), true },
    { "contains finds a nested list in a list", "contains(l, :v)", NULL,
      V1("L", "[{\"S\":\"deep\"}]"), true },
    { "contains on a number is false", "contains(n, :v)", NULL, NUM("1"),
      false },
    { "contains on a missing attribute is false", "contains(nope, :v)",
      NULL, STR("a"), false },
    { "size of a string counts its bytes", "size(s) = :v", NULL, NUM("5"),
      true },
    { "size of a non-ASCII string counts UTF-8 bytes", "size(u) = :v",
      NULL, NUM("5"), true },
    { "size of an empty string is zero", "size(es) = :v", NULL,
      NUM("0"), true },
    { "size of binary counts decoded bytes", "size(b) = :v", NULL,
      NUM("3"), true },
    { "size of a set counts members", "size(ss) = :v", NULL, NUM("2"),
      true },
    { "size of a list counts elements", "size(l) = :v", NULL, NUM("3"),
      true },
    { "size of a map counts members", "size(m) = :v", NULL, NUM("2"),
      true },
    { "size reaches nested values", "size(l[2]) = :v", NULL, NUM("1"),
      true },
    { "size compares with ordering operators", "size(s) > :v", NULL,
      NUM("4"), true },
    { "size of a number is undefined, so false", "size(n) > :v", NULL,
      NUM("0"), false },
    { "size of a missing attribute is false", "size(nope) = :v", NULL,
      NUM("0"), false },
    { "size may be compared with size", "size(s) > size(ss)", NULL, NULL,
      true },
    { "size works on either side", ":v < size(s)", NULL, NUM("1"), true },
    { "size works in between", "size(s) BETWEEN :a AND :b", NULL,
      "{\":a\":{\"N\":\"1\"},\":b\":{\"N\":\"5\"}}", true },
    { "nested map members compare", "m.b.c = :v", NULL, STR("d"), true },
    { "list elements compare", "l[0] = :v", NULL, STR("x"), true },
    { "nested list elements compare", "l[2][0] = :v", NULL, STR("deep"),
      true },
    { "name placeholders resolve", "#n = :v", "{\"#n\":\"n\"}", NUM("10"),
      true },
    { "name placeholders resolve inside paths", "#m.#b.c = :v",
      "{\"#m\":\"m\",\"#b\":\"b\"}", STR("d"), true },
    { "a placeholder names an attribute with a dot", "#d = :v",
      "{\"#d\":\"a.b\"}", NUM("7"), true },
    { "a placeholder allows a reserved word", "#s = :v",
      "{\"#s\":\"status\"}", STR("on"), true },
    { "one placeholder may be used twice", "#n > :v AND #n < :w",
      "{\"#n\":\"n\"}", "{\":v\":{\"N\":\"1\"},\":w\":{\"N\":\"11\"}}",
      true },
    { "redundant-looking but distinct parentheses are fine",
      "(n = :v) AND (s = :w)", NULL,
      "{\":v\":{\"N\":\"10\"},\":w\":{\"S\":\"hello\"}}", true },
    { "nested groups with operators are fine",
      "(n = :v AND (s = :w OR (NOT t = :t)))", NULL,
      "{\":v\":{\"N\":\"10\"},\":w\":{\"S\":\"no\"},\":t\":{\"BOOL\":false}}",
      true },
};

static void conditions_should_evaluate_as_dynamodb_does(void **state)
{
    cJSON *item = parse_or_die(ITEM);

    (void)state;
    for (size_t i = 0; i < sizeof(cond_rows) / sizeof(cond_rows[0]); i++) {
        const struct cond_row *r = &cond_rows[i];
        struct fixture f;
        bool got = !r->want;
        if (compile(&f, DDB_EXPR_CONDITION, r->expr, r->names, r->values) < 0)
            fail_msg("%s: %s", r->name, f.err);
        if (ddb_expr_test(f.e, item, &got, f.err, sizeof(f.err)) < 0)
            fail_msg("%s: %s", r->name, f.err);
        if (got != r->want)
            fail_msg("%s: got %d for %s", r->name, got, r->expr);
        release(&f);
    }
    cJSON_Delete(item);
}

static void conditions_should_see_a_missing_item_as_empty(void **state)
{
    static const struct cond_row rows[] = {
        { "attribute_not_exists holds without an item",
          "attribute_not_exists(pk)", NULL, NULL, true },
        { "attribute_exists fails without an item", "attribute_exists(pk)",
          NULL, NULL, false },
        { "comparisons fail without an item", "pk = :v", NULL, STR("p1"),
          false },
        { "not equal holds without an item", "pk <> :v", NULL, STR("p1"),
          true },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct fixture f;
        bool got = !rows[i].want;
        assert_int_equal(compile(&f, DDB_EXPR_CONDITION, rows[i].expr,
                                 rows[i].names, rows[i].values), 0);
        assert_int_equal(ddb_expr_test(f.e, NULL, &got, f.err,
                                       sizeof(f.err)), 0);
        if (got != rows[i].want)
            fail_msg("%s", rows[i].name);
        release(&f);
    }
}

static void filters_should_evaluate_like_conditions(void **state)
{
    cJSON *item = parse_or_die(ITEM);
    struct fixture f;
    bool got = false;

    (void)state;
    assert_int_equal(compile(&f, DDB_EXPR_FILTER, "s = :v AND n > :w", NULL,
                             "{\":v\":{\"S\":\"hello\"},\":w\":{\"N\":\"1\"}}"),
                     0);
    assert_int_equal(ddb_expr_test(f.e, item, &got, f.err, sizeof(f.err)), 0);
    assert_true(got);
    release(&f);
    cJSON_Delete(item);
}

/* ---- updates ---- */

struct update_row {
    const char *name;
    const char *expr;
    const char *names;
    const char *values;
    const char *item;
    const char *want;  /* the item after the update, or NULL on error */
    const char *error; /* the exact message when want is NULL */
};

#define MSG_MISSING "The provided expression refers to an attribute that " \
                    "does not exist in the item"
#define MSG_TYPE "An operand in the update expression has an incorrect " \
                 "data type"
#define MSG_PATH "The document path provided in the update expression is " \
                 "invalid for update"

static const char LIST3[] =
    "{\"l\":{\"L\":[{\"N\":\"0\"},{\"N\":\"1\"},{\"N\":\"2\"}]}}";

static const struct update_row update_rows[] = {
    { "set creates an attribute", "SET a = :v", NULL, NUM("1"), "{}",
      "{\"a\":{\"N\":\"1\"}}", NULL },
    { "set replaces an attribute", "SET a = :v", NULL, STR("new"),
      "{\"a\":{\"N\":\"1\"}}", "{\"a\":{\"S\":\"new\"}}", NULL },
    { "set copies another attribute", "SET a = b", NULL, NULL,
      "{\"b\":{\"S\":\"x\"}}", "{\"a\":{\"S\":\"x\"},\"b\":{\"S\":\"x\"}}",
      NULL },
    { "set from a missing attribute fails", "SET a = b", NULL, NULL, "{}",
      NULL, MSG_MISSING },
    { "plus adds numbers", "SET n = n + :v", NULL, NUM("3"),
      "{\"n\":{\"N\":\"5\"}}", "{\"n\":{\"N\":\"8\"}}", NULL },
    { "plus is exact for decimals", "SET n = n + :v", NULL, NUM("0.1"),
      "{\"n\":{\"N\":\"0.2\"}}", "{\"n\":{\"N\":\"0.3\"}}", NULL },
    { "minus subtracts numbers", "SET n = n - :v", NULL, NUM("3"),
      "{\"n\":{\"N\":\"5\"}}", "{\"n\":{\"N\":\"2\"}}", NULL },
    { "minus may go negative", "SET n = :v - n", NULL, NUM("3"),
      "{\"n\":{\"N\":\"5\"}}", "{\"n\":{\"N\":\"-2\"}}", NULL },
    { "arithmetic needs no spaces", "SET n = n+:v", NULL, NUM("1"),
      "{\"n\":{\"N\":\"5\"}}", "{\"n\":{\"N\":\"6\"}}", NULL },
    { "arithmetic on a string fails", "SET s = s + :v", NULL, NUM("1"),
      "{\"s\":{\"S\":\"x\"}}", NULL, MSG_TYPE },
    { "arithmetic on two strings fails", "SET s = s + s", NULL, NULL,
      "{\"s\":{\"S\":\"x\"}}", NULL, MSG_TYPE },
    { "arithmetic on a missing attribute fails", "SET n = n + :v", NULL,
      NUM("1"), "{}", NULL, MSG_MISSING },
    { "if_not_exists takes the value when absent",
      "SET a = if_not_exists(a, :v)", NULL, NUM("1"), "{}",
      "{\"a\":{\"N\":\"1\"}}", NULL },
    { "if_not_exists keeps the attribute when present",
      "SET a = if_not_exists(a, :v)", NULL, NUM("1"),
      "{\"a\":{\"N\":\"9\"}}", "{\"a\":{\"N\":\"9\"}}", NULL },
    { "if_not_exists may read another attribute",
      "SET a = if_not_exists(b, :v)", NULL, NUM("1"),
      "{\"b\":{\"S\":\"x\"}}", "{\"a\":{\"S\":\"x\"},\"b\":{\"S\":\"x\"}}",
      NULL },
    { "if_not_exists starts a counter", "SET c = if_not_exists(c, :z) + :o",
      NULL, "{\":z\":{\"N\":\"0\"},\":o\":{\"N\":\"1\"}}", "{}",
      "{\"c\":{\"N\":\"1\"}}", NULL },
    { "if_not_exists counts on", "SET c = if_not_exists(c, :z) + :o", NULL,
      "{\":z\":{\"N\":\"0\"},\":o\":{\"N\":\"1\"}}", "{\"c\":{\"N\":\"41\"}}",
      "{\"c\":{\"N\":\"42\"}}", NULL },
    { "list_append appends", "SET l = list_append(l, :v)", NULL,
      V1("L", "[{\"N\":\"3\"}]"), LIST3,
      "{\"l\":{\"L\":[{\"N\":\"0\"},{\"N\":\"1\"},{\"N\":\"2\"},"
      "{\"N\":\"3\"}]}}", NULL },
    { "list_append prepends with the value first",
      "SET l = list_append(:v, l)", NULL, V1("L", "[{\"N\":\"9\"}]"), LIST3,
      "{\"l\":{\"L\":[{\"N\":\"9\"},{\"N\":\"0\"},{\"N\":\"1\"},"
      "{\"N\":\"2\"}]}}", NULL },
    { "list_append with if_not_exists starts a list",
      "SET l = list_append(if_not_exists(l, :e), :v)", NULL,
      "{\":e\":{\"L\":[]},\":v\":{\"L\":[{\"S\":\"a\"}]}}", "{}",
      "{\"l\":{\"L\":[{\"S\":\"a\"}]}}", NULL },
    { "list_append on a missing list fails", "SET l = list_append(l, :v)",
      NULL, V1("L", "[]"), "{}", NULL, MSG_MISSING },
    { "list_append on a string fails", "SET l = list_append(s, :v)", NULL,
      V1("L", "[]"), "{\"s\":{\"S\":\"x\"}}", NULL, MSG_TYPE },
    { "set adds a map member", "SET m.b = :v", NULL, NUM("2"),
      "{\"m\":{\"M\":{\"a\":{\"N\":\"1\"}}}}",
      "{\"m\":{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"N\":\"2\"}}}}", NULL },
    { "set replaces a map member", "SET m.a = :v", NULL, NUM("2"),
      "{\"m\":{\"M\":{\"a\":{\"N\":\"1\"}}}}",
      "{\"m\":{\"M\":{\"a\":{\"N\":\"2\"}}}}", NULL },
    { "set under a missing map fails", "SET x.y = :v", NULL, NUM("2"), "{}",
      NULL, MSG_PATH },
    { "set under a string fails", "SET s.y = :v", NULL, NUM("2"),
      "{\"s\":{\"S\":\"x\"}}", NULL, MSG_PATH },
    { "set of an index into a map fails", "SET m[0] = :v", NULL, NUM("2"),
      "{\"m\":{\"M\":{}}}", NULL, MSG_PATH },
    { "set replaces a list element", "SET l[1] = :v", NULL, STR("x"), LIST3,
      "{\"l\":{\"L\":[{\"N\":\"0\"},{\"S\":\"x\"},{\"N\":\"2\"}]}}", NULL },
    { "set past the end of a list appends", "SET l[10] = :v", NULL,
      STR("x"), LIST3,
      "{\"l\":{\"L\":[{\"N\":\"0\"},{\"N\":\"1\"},{\"N\":\"2\"},"
      "{\"S\":\"x\"}]}}", NULL },
    { "set of a name inside a list fails", "SET l.x = :v", NULL, STR("x"),
      LIST3, NULL, MSG_PATH },
    { "right-hand sides read the original item",
      "SET a = :v, b = a", NULL, NUM("2"), "{\"a\":{\"N\":\"1\"}}",
      "{\"a\":{\"N\":\"2\"},\"b\":{\"N\":\"1\"}}", NULL },
    { "two attributes swap", "SET a = b, b = a", NULL, NULL,
      "{\"a\":{\"N\":\"1\"},\"b\":{\"N\":\"2\"}}",
      "{\"a\":{\"N\":\"2\"},\"b\":{\"N\":\"1\"}}", NULL },
    { "a new attribute is not visible to later operands",
      "SET a = :v, b = a", NULL, NUM("2"), "{}", NULL, MSG_MISSING },
    { "remove drops an attribute", "REMOVE s", NULL, NULL,
      "{\"s\":{\"S\":\"x\"},\"n\":{\"N\":\"1\"}}", "{\"n\":{\"N\":\"1\"}}",
      NULL },
    { "remove of a missing attribute changes nothing", "REMOVE nope", NULL,
      NULL, "{\"n\":{\"N\":\"1\"}}", "{\"n\":{\"N\":\"1\"}}", NULL },
    { "remove drops a map member", "REMOVE m.a", NULL, NULL,
      "{\"m\":{\"M\":{\"a\":{\"N\":\"1\"}}}}", "{\"m\":{\"M\":{}}}", NULL },
    { "remove shifts later list elements", "REMOVE l[0]", NULL, NULL, LIST3,
      "{\"l\":{\"L\":[{\"N\":\"1\"},{\"N\":\"2\"}]}}", NULL },
    { "remove of several elements uses original indexes",
      "REMOVE l[0], l[2]", NULL, NULL, LIST3,
      "{\"l\":{\"L\":[{\"N\":\"1\"}]}}", NULL },
    { "remove order in the text does not matter", "REMOVE l[2], l[0]", NULL,
      NULL, LIST3, "{\"l\":{\"L\":[{\"N\":\"1\"}]}}", NULL },
    { "remove past the end of a list changes nothing", "REMOVE l[5]", NULL,
      NULL, LIST3, LIST3, NULL },
    { "remove several attributes", "REMOVE a, b", NULL, NULL,
      "{\"a\":{\"N\":\"1\"},\"b\":{\"N\":\"2\"},\"c\":{\"N\":\"3\"}}",
      "{\"c\":{\"N\":\"3\"}}", NULL },
    { "add creates a number", "ADD n :v", NULL, NUM("3"), "{}",
      "{\"n\":{\"N\":\"3\"}}", NULL },
    { "add increments a number", "ADD n :v", NULL, NUM("-1.5"),
      "{\"n\":{\"N\":\"5\"}}", "{\"n\":{\"N\":\"3.5\"}}", NULL },
    { "add creates a set", "ADD ss :v", NULL, V1("SS", "[\"a\"]"), "{}",
      "{\"ss\":{\"SS\":[\"a\"]}}", NULL },
    { "add joins a string set", "ADD ss :v", NULL,
      V1("SS", "[\"b\",\"c\"]"), "{\"ss\":{\"SS\":[\"a\",\"b\"]}}",
      "{\"ss\":{\"SS\":[\"a\",\"b\",\"c\"]}}", NULL },
    { "add joins a number set by value", "ADD ns :v", NULL,
      V1("NS", "[\"2.0\",\"3\"]"), "{\"ns\":{\"NS\":[\"1\",\"2\"]}}",
      "{\"ns\":{\"NS\":[\"1\",\"2\",\"3\"]}}", NULL },
    { "add of a number to a string fails", "ADD s :v", NULL, NUM("1"),
      "{\"s\":{\"S\":\"x\"}}", NULL, MSG_TYPE },
    { "add of a number set to a string set fails", "ADD ss :v", NULL,
      V1("NS", "[\"1\"]"), "{\"ss\":{\"SS\":[\"a\"]}}", NULL, MSG_TYPE },
    { "add of a set to a number fails", "ADD n :v", NULL,
      V1("SS", "[\"a\"]"), "{\"n\":{\"N\":\"1\"}}", NULL, MSG_TYPE },
    { "delete takes members out of a set", "DELETE ss :v", NULL,
      V1("SS", "[\"a\"]"), "{\"ss\":{\"SS\":[\"a\",\"b\"]}}",
      "{\"ss\":{\"SS\":[\"b\"]}}", NULL },
    { "delete of every member removes the attribute", "DELETE ss :v", NULL,
      V1("SS", "[\"a\",\"b\"]"), "{\"ss\":{\"SS\":[\"a\",\"b\"]}}", "{}",
      NULL },
    { "delete compares numbers by value", "DELETE ns :v", NULL,
      V1("NS", "[\"1.0\"]"), "{\"ns\":{\"NS\":[\"1\",\"2\"]}}",
      "{\"ns\":{\"NS\":[\"2\"]}}", NULL },
    { "delete of absent members changes nothing", "DELETE ss :v", NULL,
      V1("SS", "[\"z\"]"), "{\"ss\":{\"SS\":[\"a\"]}}",
      "{\"ss\":{\"SS\":[\"a\"]}}", NULL },
    { "delete from a missing attribute changes nothing", "DELETE ss :v",
      NULL, V1("SS", "[\"a\"]"), "{}", "{}", NULL },
    { "delete from a string fails", "DELETE s :v", NULL,
      V1("SS", "[\"a\"]"), "{\"s\":{\"S\":\"x\"}}", NULL, MSG_TYPE },
    { "delete of another set type fails", "DELETE ss :v", NULL,
      V1("NS", "[\"1\"]"), "{\"ss\":{\"SS\":[\"a\"]}}", NULL, MSG_TYPE },
    { "all four sections apply together",
      "SET a = :a REMOVE r ADD n :n DELETE ss :s", NULL,
      "{\":a\":{\"S\":\"x\"},\":n\":{\"N\":\"1\"},\":s\":{\"SS\":[\"a\"]}}",
      "{\"r\":{\"N\":\"0\"},\"n\":{\"N\":\"1\"},\"ss\":{\"SS\":[\"a\",\"b\"]}}",
      "{\"a\":{\"S\":\"x\"},\"n\":{\"N\":\"2\"},\"ss\":{\"SS\":[\"b\"]}}",
      NULL },
    { "sections may come in any order", "REMOVE r SET a = :a", NULL,
      "{\":a\":{\"S\":\"x\"}}", "{\"r\":{\"N\":\"0\"}}",
      "{\"a\":{\"S\":\"x\"}}", NULL },
    { "section keywords ignore case", "set a = :a remove r", NULL,
      "{\":a\":{\"S\":\"x\"}}", "{\"r\":{\"N\":\"0\"}}",
      "{\"a\":{\"S\":\"x\"}}", NULL },
    { "name placeholders resolve in targets", "SET #a.#b = :v",
      "{\"#a\":\"m\",\"#b\":\"k\"}", NUM("1"), "{\"m\":{\"M\":{}}}",
      "{\"m\":{\"M\":{\"k\":{\"N\":\"1\"}}}}", NULL },
    { "a placeholder allows a reserved word in a target", "SET #s = :v",
      "{\"#s\":\"status\"}", STR("on"), "{}", "{\"status\":{\"S\":\"on\"}}",
      NULL },
    { "set and remove of different list elements work together",
      "SET l[1] = :v REMOVE l[0]", NULL, STR("x"), LIST3,
      "{\"l\":{\"L\":[{\"S\":\"x\"},{\"N\":\"2\"}]}}", NULL },
};

static void updates_should_change_items_as_dynamodb_does(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(update_rows) / sizeof(update_rows[0]);
         i++) {
        const struct update_row *r = &update_rows[i];
        struct fixture f;
        cJSON *item = parse_or_die(r->item);
        cJSON *want = parse_or_die(r->want);
        int rc;
        if (compile(&f, DDB_EXPR_UPDATE, r->expr, r->names, r->values) < 0)
            fail_msg("%s: %s", r->name, f.err);
        rc = ddb_expr_update(f.e, item, f.err, sizeof(f.err));
        if (want == NULL && (rc == 0 || strcmp(f.err, r->error) != 0))
            fail_msg("%s: rc %d, \"%s\"", r->name, rc, rc ? f.err : "");
        if (want != NULL && rc != 0)
            fail_msg("%s: %s", r->name, f.err);
        if (want != NULL && !cJSON_Compare(want, item, true)) {
            char *got = cJSON_PrintUnformatted(item);
            print_error("got %s\n", got);
            free(got);
            fail_msg("%s", r->name);
        }
        cJSON_Delete(want);
        cJSON_Delete(item);
        release(&f);
    }
}

static void updates_should_report_number_overflow_from_ddb_number(void **state)
{
    static const char big[] = "99999999999999999999999999999999999999";
    char want[512];
    char sum[DDB_NUMBER_MAX_TEXT];
    char values[256];
    char itemtext[256];
    struct fixture f;
    cJSON *item;

    (void)state;
    assert_int_equal(ddb_number_add(big, "1E+200", sum, want, sizeof(want)),
                     -1);
    snprintf(values, sizeof(values), "{\":v\":{\"N\":\"1E+125\"}}");
    snprintf(itemtext, sizeof(itemtext), "{\"n\":{\"N\":\"9.99E+125\"}}");
    item = parse_or_die(itemtext);
    assert_int_equal(compile(&f, DDB_EXPR_UPDATE, "ADD n :v", NULL, values),
                     0);
    assert_int_equal(ddb_expr_update(f.e, item, f.err, sizeof(f.err)), -1);
    assert_true(strlen(f.err) > 0);
    release(&f);
    cJSON_Delete(item);
}

static void update_targets_should_list_top_level_names_once(void **state)
{
    struct fixture f;
    const char *const *t;
    size_t n = 0;

    (void)state;
    assert_int_equal(compile(&f, DDB_EXPR_UPDATE,
                             "SET a = :v, m.x = :v, m.y = :v REMOVE #b "
                             "ADD c :v", "{\"#b\":\"bee\"}", NUM("1")), 0);
    t = ddb_expr_update_targets(f.e, &n);
    assert_int_equal(n, 4);
    assert_string_equal(t[0], "a");
    assert_string_equal(t[1], "m");
    assert_string_equal(t[2], "bee");
    assert_string_equal(t[3], "c");
    release(&f);
}

/* ---- projections ---- */

static const char PITEM[] =
    "{\"a\":{\"N\":\"1\"},\"b\":{\"S\":\"x\"},"
    "\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"y\":{\"M\":{\"z\":{\"S\":\"deep\"}}},"
    "\"w\":{\"S\":\"w\"}}},"
    "\"l\":{\"L\":[{\"S\":\"l0\"},{\"M\":{\"k\":{\"S\":\"v\"},"
    "\"j\":{\"S\":\"j\"}}},{\"S\":\"l2\"}]}}";

struct project_row {
    const char *name;
    const char *expr;
    const char *names;
    const char *want;
};

static const struct project_row project_rows[] = {
    { "one attribute is kept", "a", NULL, "{\"a\":{\"N\":\"1\"}}" },
    { "several attributes are kept", "a, b", NULL,
      "{\"a\":{\"N\":\"1\"},\"b\":{\"S\":\"x\"}}" },
    { "a missing attribute is left out", "nope", NULL, "{}" },
    { "a whole map is kept", "m", NULL, NULL },
    { "a map member keeps its map", "m.x", NULL,
      "{\"m\":{\"M\":{\"x\":{\"N\":\"1\"}}}}" },
    { "a deep member keeps every level", "m.y.z", NULL,
      "{\"m\":{\"M\":{\"y\":{\"M\":{\"z\":{\"S\":\"deep\"}}}}}}" },
    { "two members share their map", "m.x, m.w", NULL,
      "{\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"w\":{\"S\":\"w\"}}}}" },
    { "a list element comes back in a list", "l[1]", NULL,
      "{\"l\":{\"L\":[{\"M\":{\"k\":{\"S\":\"v\"},\"j\":{\"S\":\"j\"}}}]}}" },
    { "list elements keep list order", "l[2], l[0]", NULL,
      "{\"l\":{\"L\":[{\"S\":\"l0\"},{\"S\":\"l2\"}]}}" },
    { "a member of a list element is kept", "l[1].k", NULL,
      "{\"l\":{\"L\":[{\"M\":{\"k\":{\"S\":\"v\"}}}]}}" },
    { "an index past the end is left out", "l[5]", NULL, "{}" },
    { "a missing map member is left out", "m.nope", NULL, "{}" },
    { "a member of a number is left out", "a.x", NULL, "{}" },
    { "an index into a map is left out", "m[0]", NULL, "{}" },
    { "placeholders resolve", "#a, #m.#x", "{\"#a\":\"a\",\"#m\":\"m\","
      "\"#x\":\"x\"}",
      "{\"a\":{\"N\":\"1\"},\"m\":{\"M\":{\"x\":{\"N\":\"1\"}}}}" },
    { "mixed paths combine", "b, l[0], m.y", NULL,
      "{\"b\":{\"S\":\"x\"},\"l\":{\"L\":[{\"S\":\"l0\"}]},"
      "\"m\":{\"M\":{\"y\":{\"M\":{\"z\":{\"S\":\"deep\"}}}}}}" },
};

static void projections_should_keep_the_nesting_of_paths(void **state)
{
    cJSON *item = parse_or_die(PITEM);

    (void)state;
    for (size_t i = 0; i < sizeof(project_rows) / sizeof(project_rows[0]);
         i++) {
        const struct project_row *r = &project_rows[i];
        struct fixture f;
        cJSON *got;
        cJSON *want;
        if (compile(&f, DDB_EXPR_PROJECTION, r->expr, r->names, NULL) < 0)
            fail_msg("%s: %s", r->name, f.err);
        got = ddb_expr_project(f.e, item);
        if (r->want != NULL) {
            want = parse_or_die(r->want);
        } else {
            want = cJSON_CreateObject();
            cJSON_AddItemToObject(want, "m", cJSON_Duplicate(
                cJSON_GetObjectItemCaseSensitive(item, "m"), true));
        }
        if (!cJSON_Compare(want, got, true)) {
            char *text = cJSON_PrintUnformatted(got);
            print_error("got %s\n", text);
            free(text);
            fail_msg("%s", r->name);
        }
        cJSON_Delete(want);
        cJSON_Delete(got);
        release(&f);
    }
    cJSON_Delete(item);
}

/* ---- key conditions ---- */

struct key_row {
    const char *name;
    const char *expr;
    const char *names;
    const char *range_key; /* hash key is always "pk" */
    const char *want;      /* "hash range op", or the exact error */
};

static const char KVALUES[] =
    "{\":v\":{\"S\":\"p\"},\":w\":{\"N\":\"1\"},\":x\":{\"N\":\"2\"}}";

static const struct key_row key_rows[] = {
    { "an equality on the hash key alone", "pk = :v", NULL, "sk",
      "pk - 0 :v" },
    { "a hash key without a range key table", "pk = :v", NULL, NULL,
      "pk - 0 :v" },
    { "equality on the range key", "pk = :v AND sk = :w", NULL, "sk",
      "pk sk 1 :w" },
    { "less than on the range key", "pk = :v AND sk < :w", NULL, "sk",
      "pk sk 2 :w" },
    { "less or equal on the range key", "pk = :v AND sk <= :w", NULL, "sk",
      "pk sk 3 :w" },
    { "greater than on the range key", "pk = :v AND sk > :w", NULL, "sk",
      "pk sk 4 :w" },
    { "greater or equal on the range key", "pk = :v AND sk >= :w", NULL,
      "sk", "pk sk 5 :w" },
    { "between on the range key", "pk = :v AND sk BETWEEN :w AND :x", NULL,
      "sk", "pk sk 6 :w :x" },
    { "begins_with on the range key", "pk = :v AND begins_with(sk, :v)",
      NULL, "sk", "pk sk 7 :v" },
    { "the range condition may come first", "sk > :w AND pk = :v", NULL,
      "sk", "pk sk 4 :w" },
    { "a value on the left flips the operator", ":w < sk AND pk = :v", NULL,
      "sk", "pk sk 4 :w" },
    { "a value on the left of the hash key", ":v = pk", NULL, "sk",
      "pk - 0 :v" },
    { "name placeholders name keys", "#p = :v AND #s > :w",
      "{\"#p\":\"pk\",\"#s\":\"sk\"}", "sk", "pk sk 4 :w" },
    { "parentheses around parts are fine", "(pk = :v) AND (sk > :w)", NULL,
      "sk", "pk sk 4 :w" },
    { "a missing hash key is named",
      "sk > :w", NULL, "sk", "Query condition missed key schema element: pk" },
    { "another attribute instead of the hash key is named",
      "color = :v", NULL, "sk",
      "Query condition missed key schema element: pk" },
    { "the hash key takes only equality", "pk > :v", NULL, "sk",
      "Query key condition not supported" },
    { "the hash key takes no begins_with", "begins_with(pk, :v)", NULL,
      "sk", "Query key condition not supported" },
    { "a non-key attribute next to the hash key names the range key",
      "pk = :v AND color = :w", NULL, "sk",
      "Query condition missed key schema element: sk" },
    { "a third condition names the range key",
      "pk = :v AND sk = :w AND color = :x", NULL, "sk",
      "Query condition missed key schema element: sk" },
    { "a second attribute without a range key is unsupported",
      "pk = :v AND sk = :w", NULL, NULL,
      "Query key condition not supported" },
};

static void key_conditions_should_split_into_hash_and_range(void **state)
{
    static const char *const value_names[] = { ":v", ":w", ":x" };

    (void)state;
    for (size_t i = 0; i < sizeof(key_rows) / sizeof(key_rows[0]); i++) {
        const struct key_row *r = &key_rows[i];
        struct fixture f;
        struct ddb_key_condition k;
        char got[sizeof(f.err) + 64];
        int rc;

        /* Unused values are not the point here, so no unused check. */
        memset(&f, 0, sizeof(f));
        f.values = parse_or_die(KVALUES);
        f.names = parse_or_die(r->names);
        rc = ddb_expr_env_init(&f.env, f.names, f.values, f.err,
                               sizeof(f.err));
        if (rc == 0)
            rc = ddb_expr_compile(DDB_EXPR_KEY_CONDITION, r->expr, &f.env,
                                  &f.e, f.err, sizeof(f.err));
        if (rc < 0)
            fail_msg("%s: %s", r->name, f.err);
        rc = ddb_expr_key_condition(f.e, "pk", r->range_key, &k, f.err,
                                    sizeof(f.err));
        if (rc == 0) {
            const char *lo = "";
            const char *hi = "";
            for (size_t j = 0; j < 3; j++) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(
                    f.values, value_names[j]);
                if (v == k.range_lo || (k.op == 0 && v == k.hash_value))
                    lo = value_names[j];
                if (v == k.range_hi)
                    hi = value_names[j];
            }
            snprintf(got, sizeof(got), "%s %s %d %s%s%s", k.hash_name,
                     k.range_name ? k.range_name : "-", (int)k.op, lo,
                     *hi ? " " : "", hi);
        } else {
            snprintf(got, sizeof(got), "%s", f.err);
        }
        if (strcmp(got, r->want) != 0)
            fail_msg("%s: got \"%s\"", r->name, got);
        release(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conditions_should_evaluate_as_dynamodb_does),
        cmocka_unit_test(conditions_should_see_a_missing_item_as_empty),
        cmocka_unit_test(filters_should_evaluate_like_conditions),
        cmocka_unit_test(updates_should_change_items_as_dynamodb_does),
        cmocka_unit_test(updates_should_report_number_overflow_from_ddb_number),
        cmocka_unit_test(update_targets_should_list_top_level_names_once),
        cmocka_unit_test(projections_should_keep_the_nesting_of_paths),
        cmocka_unit_test(key_conditions_should_split_into_hash_and_range),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
