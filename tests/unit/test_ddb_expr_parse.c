/* Compiling DynamoDB expressions: syntax, placeholders, reserved words and
 * the semantic rules AWS checks before it looks at any item, each with the
 * exact ValidationException message. Evaluation is in
 * test_ddb_expr_eval.c. */
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

struct error_row {
    const char *name;
    enum ddb_expr_kind kind;
    const char *expr;
    const char *names;
    const char *values;
    const char *error; /* exact message, or NULL when it compiles */
};

#define C DDB_EXPR_CONDITION
#define F DDB_EXPR_FILTER
#define K DDB_EXPR_KEY_CONDITION
#define U DDB_EXPR_UPDATE
#define P DDB_EXPR_PROJECTION

#define V1(type, val) "{\":v\":{\"" type "\":" val "}}"
#define NUM(x) V1("N", "\"" x "\"")
#define STR(x) V1("S", "\"" x "\"")
#define CE "Invalid ConditionExpression: "
#define UE "Invalid UpdateExpression: "
#define PE "Invalid ProjectionExpression: "
#define KE "Invalid KeyConditionExpression: "
#define SYN(tok, near) "Syntax error; token: \"" tok "\", near: \"" near "\""
#define TYPE(op, t) "Incorrect operand type for operator or function; " \
                    "operator or function: " op ", operand type: " t
#define COUNT(op, n) "Incorrect number of operands for operator or " \
                     "function; operator or function: " op ", number of " \
                     "operands: " n
#define DISTINCT(op, path) "The first operand must be distinct from the " \
    "remaining operands for this operator or function; operator: " op \
    ", first operand: " path
#define OVERLAP(a, b) "Two document paths overlap with each other; must " \
    "remove or rewrite one of these paths; path one: " a ", path two: " b
#define CONFLICT(a, b) "Two document paths conflict with each other; must " \
    "remove or rewrite one of these paths; path one: " a ", path two: " b
#define RESERVED(w) "Attribute name is a reserved keyword; reserved " \
                    "keyword: " w
#define NO_VALUE(v) "An expression attribute value used in expression is " \
                    "not defined; attribute value: " v
#define NO_NAME(n) "An expression attribute name used in the document " \
                   "path is not defined; attribute name: " n
#define MISUSED(f) "The function is not allowed to be used this way in an " \
                   "expression; function: " f
#define KEY_OP(op) "Invalid operator used in KeyConditionExpression: " op

static const struct error_row error_rows[] = {
    /* syntax */
    { "a doubled comparator is a syntax error", C, "n = = :v", NULL,
      NUM("1"), CE SYN("=", "= = :v") },
    { "an expression ending early names <EOF>", C, "n = ", NULL, NULL,
      CE SYN("<EOF>", "=") },
    { "a lone name is no condition", C, "foo", NULL, NULL,
      CE SYN("<EOF>", "foo") },
    { "a dangling AND is a syntax error", C, "n = :v AND", NULL, NUM("1"),
      CE SYN("<EOF>", "AND") },
    { "an unmatched closing parenthesis is a syntax error", C, "n = :v )",
      NULL, NUM("1"), CE SYN(")", ":v )") },
    { "an unclosed parenthesis is a syntax error", C, "(n = :v", NULL,
      NUM("1"), CE SYN("<EOF>", ":v") },
    { "an unknown character is a syntax error", C, "n = !!", NULL, NULL,
      CE SYN("!", "= !!") },
    { "a literal number is a syntax error", C, "n = 1", NULL, NULL,
      CE SYN("1", "= 1") },
    { "a literal string is a syntax error", C, "n = 'x'", NULL, NULL,
      CE SYN("'", "= 'x") },
    { "two operands in a row are a syntax error", C, "n = :v :w", NULL,
      "{\":v\":{\"N\":\"1\"},\":w\":{\"N\":\"1\"}}", CE SYN(":w", ":v :w") },
    { "an empty IN list is a syntax error", C, "n IN ()", NULL, NULL,
      CE SYN(")", "()") },
    { "BETWEEN needs AND", C, "n BETWEEN :v :w", NULL, NULL,
      CE SYN(":w", ":v :w") },
    { "BETWEEN takes no OR", C, "n BETWEEN :v OR :w", NULL, NULL,
      CE SYN("OR", ":v OR :w") },
    { "a keyword cannot be an attribute name", C, "AND = :v", NULL,
      NUM("1"), CE SYN("AND", "AND =") },
    { "a keyword cannot be a nested name", C, "m.or = :v", NULL, NUM("1"),
      CE SYN("or", ".or =") },
    { "a list index must be digits", C, "l[x] = :v", NULL, NUM("1"),
      CE SYN("x", "[x]") },
    { "a list index cannot be negative", C, "l[-1] = :v", NULL, NUM("1"),
      CE SYN("-", "[-1") },
    { "a bare hash sign is a syntax error", C, "# = :v", NULL, NUM("1"),
      CE SYN("#", "# =") },
    { "a bare colon is a syntax error", C, "n = :", NULL, NULL,
      CE SYN(":", "= :") },
    { "non-ASCII characters are reported whole", C, "n = \xc3\xa9", NULL,
      NULL, CE SYN("\xc3\xa9", "= \xc3\xa9") },
    { "a bare path inside parentheses is no condition", C, "(n)", NULL,
      NULL, CE SYN("<EOF>", ")") },
    { "a bare path cannot be ANDed", C, "n AND s = :v", NULL, NUM("1"),
      CE SYN("AND", "n AND s") },
    { "a bare path cannot be ANDed inside parentheses", C,
      "(s = :v AND n)", NULL, NUM("1"), CE SYN(")", "n)") },
    { "NOT needs a condition", C, "NOT n", NULL, NULL,
      CE SYN("<EOF>", "n") },
    { "arithmetic is not allowed in conditions", C, "n = :v + :v", NULL,
      NUM("1"), CE SYN("+", ":v + :v") },
    { "a function needs arguments", C, "attribute_exists()", NULL, NULL,
      CE SYN(")", "()") },
    { "whitespace alone is a syntax error", C, "   ", NULL, NULL,
      CE SYN("<EOF>", "") },
    { "filters say FilterExpression", F, "n = ", NULL, NULL,
      "Invalid FilterExpression: " SYN("<EOF>", "=") },
    { "key conditions say KeyConditionExpression", K, "pk = ", NULL, NULL,
      KE SYN("<EOF>", "=") },
    /* empty */
    { "an empty condition is rejected", C, "", NULL, NULL,
      CE "The expression can not be empty;" },
    { "an empty update is rejected", U, "", NULL, NULL,
      UE "The expression can not be empty;" },
    { "an empty projection is rejected", P, "", NULL, NULL,
      PE "The expression can not be empty;" },
    /* parentheses */
    { "doubled parentheses around a condition are redundant", C,
      "((n = :v))", NULL, NUM("1"),
      CE "The expression has redundant parentheses;" },
    { "doubled parentheses around an operand are redundant", C,
      "((n)) = :v", NULL, NUM("1"),
      CE "The expression has redundant parentheses;" },
    { "doubled parentheses around a nested group are redundant", C,
      "n = :v AND ((s = :v OR s = :v))", NULL, NUM("1"),
      CE "The expression has redundant parentheses;" },
    { "single parentheses are fine", C, "(n = :v)", NULL, NUM("1"), NULL },
    { "parentheses with an operator between are fine", C,
      "((n = :v) AND (s = :v))", NULL, NUM("1"), NULL },
    { "redundant parentheses come before reserved words", C,
      "((status = :v))", NULL, NUM("1"),
      CE "The expression has redundant parentheses;" },
    /* reserved words */
    { "a reserved word cannot be a bare name", C, "status = :v", NULL,
      NUM("1"), CE RESERVED("status") },
    { "reserved words are reported as written", C, "Status = :v", NULL,
      NUM("1"), CE RESERVED("Status") },
    { "a reserved word cannot be a nested name", C, "m.name = :v", NULL,
      NUM("1"), CE RESERVED("name") },
    { "size without parentheses is a reserved word", C, "size = :v", NULL,
      NUM("1"), CE RESERVED("size") },
    { "the first reserved word is reported", C, "a = :v AND year = :v",
      NULL, NUM("1"), CE RESERVED("year") },
    { "reserved words come before undefined values", C, "status = :x",
      NULL, NUM("1"), CE RESERVED("status") },
    { "reserved words are rejected in updates", U, "SET status = :v", NULL,
      NUM("1"), UE RESERVED("status") },
    { "reserved words are rejected in projections", P, "a, count", NULL,
      NULL, PE RESERVED("count") },
    { "non-reserved names pass", C, "statuses = :v", NULL, NUM("1"), NULL },
    /* placeholders */
    { "an undefined value is named", C, "n = :x", NULL, NUM("1"),
      CE NO_VALUE(":x") },
    { "a value without any values map is undefined", C, "n = :x", NULL,
      NULL, CE NO_VALUE(":x") },
    { "an undefined name is named", C, "#x = :v", NULL, NUM("1"),
      CE NO_NAME("#x") },
    { "an undefined name inside a path is named", C, "m.#x = :v",
      "{\"#y\":\"y\"}", NUM("1"), CE NO_NAME("#x") },
    { "placeholders are case-sensitive", C, "#N = :v", "{\"#n\":\"n\"}",
      NUM("1"), CE NO_NAME("#N") },
    { "the first undefined placeholder is named", C, "#a = :x", NULL, NULL,
      CE NO_NAME("#a") },
    { "undefined values are named in updates", U, "SET a = :x", NULL,
      NUM("1"), UE NO_VALUE(":x") },
    { "undefined names are named in projections", P, "#x", NULL, NULL,
      PE NO_NAME("#x") },
    { "an unused value is reported", C, "n = :v", NULL,
      "{\":v\":{\"N\":\"1\"},\":w\":{\"N\":\"2\"}}",
      "Value provided in ExpressionAttributeValues unused in expressions: "
      "keys: {:w}" },
    { "unused names are all listed", C, "n = :v",
      "{\"#a\":\"a\",\"#b\":\"b\"}", NUM("1"),
      "Value provided in ExpressionAttributeNames unused in expressions: "
      "keys: {#a, #b}" },
    { "unused names are reported before unused values", C, "n = n2",
      "{\"#a\":\"a\"}", NUM("1"),
      "Value provided in ExpressionAttributeNames unused in expressions: "
      "keys: {#a}" },
    { "an empty names map is rejected", C, "n = :v", "{}", NUM("1"),
      "ExpressionAttributeNames must not be empty" },
    { "an empty values map is rejected", C, "attribute_exists(n)", NULL,
      "{}", "ExpressionAttributeValues must not be empty" },
    { "a name key without a hash sign is rejected", C, "n = :v",
      "{\"n\":\"x\"}", NUM("1"), "ExpressionAttributeNames contains invalid "
      "key: Syntax error; key: \"n\"" },
    { "a value key without a colon is rejected", C, "n = :v", NULL,
      "{\"v\":{\"N\":\"1\"}}", "ExpressionAttributeValues contains invalid "
      "key: Syntax error; key: \"v\"" },
    { "a value key with a dash is rejected", C, "n = :v", NULL,
      "{\":v-1\":{\"N\":\"1\"}}", "ExpressionAttributeValues contains "
      "invalid key: Syntax error; key: \":v-1\"" },
    { "an empty name value is rejected", C, "#a = :v", "{\"#a\":\"\"}",
      NUM("1"), "ExpressionAttributeNames contains invalid value: Empty "
      "attribute name for key #a" },
    /* functions */
    { "an unknown function is named", C, "foo(n)", NULL, NULL,
      CE "Invalid function name; function: foo" },
    { "function names are case-sensitive", C, "Begins_With(s, :v)", NULL,
      STR("a"), CE "Invalid function name; function: Begins_With" },
    { "update functions are not conditions", C,
      "if_not_exists(n, :v) = :v", NULL, NUM("1"),
      CE "The function is not allowed in a condition expression; "
      "function: if_not_exists" },
    { "condition functions are not update values", U,
      "SET a = attribute_exists(b)", NULL, NULL,
      UE "The function is not allowed in an update expression; function: "
      "attribute_exists" },
    { "size is not an update value", U, "SET a = size(b)", NULL, NULL,
      UE "The function is not allowed in an update expression; function: "
      "size" },
    { "unknown update functions are named", U, "SET a = foo(b)", NULL,
      NULL, UE "Invalid function name; function: foo" },
    { "size alone is no condition", C, "size(s)", NULL, NULL,
      CE MISUSED("size") },
    { "NOT size is no condition", C, "NOT size(s)", NULL, NULL,
      CE MISUSED("size") },
    { "a condition function is no operand", C, "attribute_exists(n) = :v",
      NULL, NUM("1"), CE MISUSED("attribute_exists") },
    { "a condition function is no function argument", C,
      "begins_with(contains(s, :v), :v)", NULL, STR("a"),
      CE MISUSED("contains") },
    { "attribute_exists takes one operand", C, "attribute_exists(n, s)",
      NULL, NULL, CE COUNT("attribute_exists", "2") },
    { "begins_with takes two operands", C, "begins_with(s)", NULL, NULL,
      CE COUNT("begins_with", "1") },
    { "size takes one operand", C, "size(s, n) = :v", NULL, NUM("1"),
      CE COUNT("size", "2") },
    { "list_append takes two operands", U, "SET a = list_append(b)", NULL,
      NULL, UE COUNT("list_append", "1") },
    { "if_not_exists takes two operands", U,
      "SET a = if_not_exists(a, :v, :v)", NULL, NUM("1"),
      UE COUNT("if_not_exists", "3") },
    { "attribute_exists needs a path", C, "attribute_exists(:v)", NULL,
      NUM("1"), CE "Operator or function requires a document path; "
      "operator or function: attribute_exists" },
    { "attribute_not_exists needs a path", C, "attribute_not_exists(:v)",
      NULL, NUM("1"), CE "Operator or function requires a document path; "
      "operator or function: attribute_not_exists" },
    { "if_not_exists needs a path", U, "SET a = if_not_exists(:v, :v)",
      NULL, NUM("1"), UE "Operator or function requires a document path; "
      "operator or function: if_not_exists" },
    /* distinct operands */
    { "a path compared with itself is rejected", C, "n = n", NULL, NULL,
      CE DISTINCT("=", "[n]") },
    { "a nested path compared with itself is rejected", C, "m.a < m.a",
      NULL, NULL, CE DISTINCT("<", "[m, a]") },
    { "list indexes print in brackets", C, "l[0] <> l[0]", NULL, NULL,
      CE DISTINCT("<>", "[l, [0]]") },
    { "placeholders are resolved before comparing paths", C, "#a = n",
      "{\"#a\":\"n\"}", NULL, CE DISTINCT("=", "[n]") },
    { "begins_with of a path with itself is rejected", C,
      "begins_with(s, s)", NULL, NULL, CE DISTINCT("begins_with", "[s]") },
    { "IN listing its own operand is rejected", C, "n IN (:v, n)", NULL,
      NUM("1"), CE DISTINCT("IN", "[n]") },
    { "different paths may be compared", C, "n = m.n", NULL, NULL, NULL },
    { "an update may use a path twice", U, "SET a = b + b", NULL, NULL,
      NULL },
    /* operand types */
    { "begins_with needs a string or binary", C, "begins_with(s, :v)", NULL,
      NUM("1"), CE TYPE("begins_with", "N") },
    { "begins_with rejects size", C, "begins_with(s, size(s))", NULL, NULL,
      CE TYPE("begins_with", "N") },
    { "attribute_type needs a string", C, "attribute_type(n, :v)", NULL,
      NUM("1"), CE TYPE("attribute_type", "N") },
    { "attribute_type needs a known type", C, "attribute_type(n, :v)", NULL,
      STR("XYZ"), CE "Invalid attribute type name found; type: XYZ, valid "
      "types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}" },
    { "size of a number value is rejected", C, "size(:v) = :v", NULL,
      NUM("1"), CE TYPE("size", "N") },
    { "size of a boolean value is rejected", C, "size(:v) > :w", NULL,
      "{\":v\":{\"BOOL\":true},\":w\":{\"N\":\"1\"}}",
      CE TYPE("size", "BOOL") },
    { "size of a string value is fine", C, "size(:v) > :w", NULL,
      "{\":v\":{\"S\":\"ab\"},\":w\":{\"N\":\"1\"}}", NULL },
    { "ordering a list value is rejected", C, "n < :v", NULL, V1("L", "[]"),
      CE TYPE("<", "L") },
    { "ordering a boolean value is rejected", C, "n >= :v", NULL,
      V1("BOOL", "true"), CE TYPE(">=", "BOOL") },
    { "equality with any type is fine", C, "n = :v", NULL,
      V1("M", "{}"), NULL },
    { "plus needs numbers", U, "SET a = b + :v", NULL, STR("x"),
      UE TYPE("+", "S") },
    { "minus needs numbers", U, "SET a = :v - b", NULL, V1("L", "[]"),
      UE TYPE("-", "L") },
    { "list_append needs lists", U, "SET a = list_append(b, :v)", NULL,
      NUM("1"), UE TYPE("list_append", "N") },
    { "ADD rejects a string", U, "ADD a :v", NULL, STR("x"),
      UE "Incorrect operand type for operator or function; operator: ADD, "
      "operand type: STRING" },
    { "ADD rejects a list", U, "ADD a :v", NULL, V1("L", "[]"),
      UE "Incorrect operand type for operator or function; operator: ADD, "
      "operand type: LIST" },
    { "ADD rejects a map", U, "ADD a :v", NULL, V1("M", "{}"),
      UE "Incorrect operand type for operator or function; operator: ADD, "
      "operand type: MAP" },
    { "ADD rejects a boolean", U, "ADD a :v", NULL, V1("BOOL", "true"),
      UE "Incorrect operand type for operator or function; operator: ADD, "
      "operand type: BOOLEAN" },
    { "DELETE rejects a number", U, "DELETE a :v", NULL, NUM("1"),
      UE "Incorrect operand type for operator or function; operator: "
      "DELETE, operand type: NUMBER" },
    { "DELETE rejects binary", U, "DELETE a :v", NULL, V1("B", "\"AQ==\""),
      UE "Incorrect operand type for operator or function; operator: "
      "DELETE, operand type: BINARY" },
    { "DELETE rejects null", U, "DELETE a :v", NULL, V1("NULL", "true"),
      UE "Incorrect operand type for operator or function; operator: "
      "DELETE, operand type: NULL" },
    { "ADD takes a number", U, "ADD a :v", NULL, NUM("1"), NULL },
    { "ADD takes a set", U, "ADD a :v", NULL, V1("NS", "[\"1\"]"), NULL },
    { "DELETE takes a set", U, "DELETE a :v", NULL, V1("BS", "[\"AQ==\"]"),
      NULL },
    /* BETWEEN */
    { "BETWEEN bounds must be in order", C, "n BETWEEN :a AND :b", NULL,
      "{\":a\":{\"N\":\"10\"},\":b\":{\"N\":\"9\"}}",
      CE "The BETWEEN operator requires upper bound to be greater than or "
      "equal to lower bound; lower bound operand: AttributeValue: {N:10}, "
      "upper bound operand: AttributeValue: {N:9}" },
    { "BETWEEN bounds must share a type", C, "n BETWEEN :a AND :b", NULL,
      "{\":a\":{\"N\":\"1\"},\":b\":{\"S\":\"a\"}}",
      CE "The BETWEEN operator requires same data type for lower and upper "
      "bounds; lower bound operand: AttributeValue: {N:1}, upper bound "
      "operand: AttributeValue: {S:a}" },
    { "BETWEEN bounds may be equal", C, "n BETWEEN :a AND :a", NULL,
      "{\":a\":{\"N\":\"1\"}}", NULL },
    /* updates */
    { "SET may appear once", U, "SET a = :v SET b = :v", NULL, NUM("1"),
      UE "The \"SET\" section can only be used once in an update "
      "expression;" },
    { "REMOVE may appear once whatever its case", U, "remove a REMOVE b",
      NULL, NULL, UE "The \"REMOVE\" section can only be used once in an "
      "update expression;" },
    { "ADD may appear once", U, "ADD a :v DELETE b :w ADD c :v", NULL,
      "{\":v\":{\"N\":\"1\"},\":w\":{\"SS\":[\"x\"]}}",
      UE "The \"ADD\" section can only be used once in an update "
      "expression;" },
    { "the same path twice overlaps", U, "SET a = :v, a = :v", NULL,
      NUM("1"), UE OVERLAP("[a]", "[a]") },
    { "a path inside another overlaps", U, "SET a = :v REMOVE a.b", NULL,
      NUM("1"), UE OVERLAP("[a]", "[a, b]") },
    { "an index inside a path overlaps", U, "REMOVE a[1][2], a[1]", NULL,
      NULL, UE OVERLAP("[a, [1], [2]]", "[a, [1]]") },
    { "a name and an index at one level conflict", U,
      "SET a.b = :v REMOVE a[0]", NULL, NUM("1"),
      UE CONFLICT("[a, b]", "[a, [0]]") },
    { "placeholders are resolved before comparing targets", U,
      "SET #a = :v ADD a :v", "{\"#a\":\"a\"}", NUM("1"),
      UE OVERLAP("[a]", "[a]") },
    { "sibling paths are fine", U, "SET a.b = :v, a.c = :v", NULL, NUM("1"),
      NULL },
    { "sibling indexes are fine", U, "REMOVE a[0], a[1]", NULL, NULL, NULL },
    { "a literal number in SET is a syntax error", U, "SET a = b + 1", NULL,
      NULL, UE SYN("1", "+ 1") },
    { "a missing comma between actions is a syntax error", U,
      "SET MyStr = myNum Mystr2 myNum2", NULL, NULL,
      UE SYN("Mystr2", "myNum Mystr2 myNum2") },
    { "a space inside a name is a syntax error", U, "SET MyStr = my Num",
      NULL, NULL, UE SYN("Num", "my Num") },
    { "SET needs a value", U, "SET a", NULL, NULL, UE SYN("<EOF>", "a") },
    { "SET needs an action", U, "SET", NULL, NULL, UE SYN("<EOF>", "SET") },
    { "an unknown section is a syntax error", U, "UPDATE a = :v", NULL,
      NUM("1"), UE SYN("UPDATE", "UPDATE a") },
    { "a trailing comma is a syntax error", U, "SET a = :v,", NULL,
      NUM("1"), UE SYN("<EOF>", ",") },
    { "a comma cannot join sections", U, "SET a = :v, REMOVE b", NULL,
      NUM("1"), UE SYN("REMOVE", ", REMOVE b") },
    { "ADD needs a value", U, "ADD a", NULL, NULL, UE SYN("<EOF>", "a") },
    { "ADD takes a placeholder, not a path", U, "ADD a b", NULL, NULL,
      UE SYN("b", "a b") },
    { "DELETE takes one value", U, "DELETE a :v :v", NULL,
      V1("SS", "[\"a\"]"), UE SYN(":v", ":v :v") },
    { "a section keyword cannot be a name", U, "SET set = :v", NULL,
      NUM("1"), UE SYN("set", "SET set =") },
    { "conditions are not updates", U, "SET a = :v AND b = :v", NULL,
      NUM("1"), UE SYN("AND", ":v AND b") },
    { "plus takes two operands only", U, "SET a = b + c + d", NULL, NULL,
      UE SYN("+", "c + d") },
    { "a parenthesised sum is a value", U, "SET a = (b + c)", NULL, NULL,
      NULL },
    { "condition keywords are plain names in updates", U,
      "SET #and = :v", "{\"#and\":\"and\"}", NUM("1"), NULL },
    /* projections */
    { "a projected path twice overlaps", P, "a, a", NULL, NULL,
      PE OVERLAP("[a]", "[a]") },
    { "a projected path inside another overlaps", P, "a.b, a", NULL, NULL,
      PE OVERLAP("[a, b]", "[a]") },
    { "a projected name and index conflict", P, "a.b, a[0]", NULL, NULL,
      PE CONFLICT("[a, b]", "[a, [0]]") },
    { "projected placeholders are resolved before comparing", P, "a, #a",
      "{\"#a\":\"a\"}", NULL, PE OVERLAP("[a]", "[a]") },
    { "an empty projection element is a syntax error", P, "a,,b", NULL,
      NULL, PE SYN(",", ",,b") },
    { "a projection cannot end in a dot", P, "a.", NULL, NULL,
      PE SYN("<EOF>", ".") },
    { "an unclosed index is a syntax error", P, "a[1", NULL, NULL,
      PE SYN("<EOF>", "1") },
    { "projected paths need commas", P, "a b", NULL, NULL,
      PE SYN("b", "a b") },
    { "a projection takes no values", P, ":v", NULL, NULL,
      PE SYN(":v", ":v") },
    { "condition keywords are plain names in projections", P, "and, or",
      NULL, NULL, PE RESERVED("and") },
    { "underscores and digits make names", P, "_a1, b_2.c3[0]", NULL, NULL,
      NULL },
    /* key conditions */
    { "OR is not a key condition", K, "pk = :v OR pk = :v", NULL, NUM("1"),
      KEY_OP("OR") },
    { "NOT is not a key condition", K, "NOT pk = :v", NULL, NUM("1"),
      KEY_OP("NOT") },
    { "IN is not a key condition", K, "pk IN (:v)", NULL, NUM("1"),
      KEY_OP("IN") },
    { "not equal is not a key condition", K, "pk <> :v", NULL, NUM("1"),
      KEY_OP("<>") },
    { "attribute_exists is not a key condition", K,
      "pk = :v AND attribute_exists(sk)", NULL, NUM("1"),
      KEY_OP("attribute_exists") },
    { "contains is not a key condition", K, "contains(pk, :v)", NULL,
      NUM("1"), KEY_OP("contains") },
    { "size is not a key operand", K, "size(pk) = :v", NULL, NUM("1"),
      "KeyConditionExpressions cannot contain nested operations" },
    { "nested key paths are rejected", K, "pk.a = :v", NULL, NUM("1"),
      "KeyConditionExpressions cannot have conditions on nested "
      "attributes" },
    { "two keys in one comparison are rejected", K, "pk = sk", NULL, NULL,
      "Invalid condition in KeyConditionExpression: Multiple attribute "
      "names used in one condition" },
    { "a comparison of values names no key", K, ":v = :v", NULL, NUM("1"),
      "Invalid condition in KeyConditionExpression: No key attribute "
      "specified" },
    { "one key may be named once", K, "pk = :v AND pk = :v", NULL, NUM("1"),
      "KeyConditionExpressions must only contain one condition per key" },
    { "begins_with needs the key first", K, "begins_with(:v, sk)", NULL,
      STR("a"), "Invalid condition in KeyConditionExpression: begins_with "
      "operator must have the key attribute as its first operand" },
    { "BETWEEN needs the key first", K, ":v BETWEEN sk AND :v", NULL,
      NUM("1"), "Invalid condition in KeyConditionExpression: BETWEEN "
      "operator must have the key attribute as its first operand" },
    { "key conditions check reserved words", K, "key = :v", NULL, NUM("1"),
      KE RESERVED("key") },
};

static void compile_should_report_what_aws_reports(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(error_rows) / sizeof(error_rows[0]); i++) {
        const struct error_row *r = &error_rows[i];
        struct fixture f;
        int rc = compile(&f, r->kind, r->expr, r->names, r->values);
        if (r->error == NULL && rc != 0)
            fail_msg("%s: unexpected \"%s\"", r->name, f.err);
        if (r->error != NULL && rc == 0)
            fail_msg("%s: compiled", r->name);
        if (r->error != NULL && strcmp(f.err, r->error) != 0)
            fail_msg("%s:\n got \"%s\"\nwant \"%s\"", r->name, f.err,
                     r->error);
        release(&f);
    }
}

/* Builds "<head><piece>...<piece><tail>" with count pieces. */
static char *repeat(const char *head, const char *piece, size_t count,
                    const char *tail)
{
    size_t len = strlen(head) + strlen(piece) * count + strlen(tail) + 1;
    char *s = malloc(len);

    assert_non_null(s);
    strcpy(s, head);
    for (size_t i = 0; i < count; i++)
        strcat(s, piece);
    strcat(s, tail);
    return s;
}

static int try_compile(enum ddb_expr_kind kind, const char *expr,
                       const char *values, char *err, size_t errlen)
{
    struct fixture f;
    int rc = compile(&f, kind, expr, NULL, values);

    snprintf(err, errlen, "%s", rc ? f.err : "");
    release(&f);
    return rc;
}

static void compile_should_take_4096_bytes_and_no_more(void **state)
{
    char err[1024];
    char *ok = repeat("a", " ", 4096 - 14, "= :v AND b=:v");
    char *big = repeat("a", " ", 4097 - 14, "= :v AND b=:v");

    (void)state;
    assert_int_equal(strlen(ok), 4096);
    assert_int_equal(try_compile(DDB_EXPR_CONDITION, ok, NUM("1"), err,
                                 sizeof(err)), 0);
    assert_int_equal(try_compile(DDB_EXPR_CONDITION, big, NUM("1"), err,
                                 sizeof(err)), -1);
    assert_string_equal(err, CE "Expression size has exceeded the maximum "
                             "allowed size; expression size: 4097");
    free(ok);
    free(big);
}

static void compile_should_take_100_in_operands_and_no_more(void **state)
{
    char err[1024];
    char *ok = repeat("a IN (:v", ",:v", 99, ")");
    char *big = repeat("a IN (:v", ",:v", 100, ")");

    (void)state;
    assert_int_equal(try_compile(DDB_EXPR_FILTER, ok, NUM("1"), err,
                                 sizeof(err)), 0);
    assert_int_equal(try_compile(DDB_EXPR_FILTER, big, NUM("1"), err,
                                 sizeof(err)), -1);
    assert_string_equal(err, "Invalid FilterExpression: The IN operator is "
                             "provided with too many operands; number of "
                             "operands: 101");
    free(ok);
    free(big);
}

static void compile_should_take_300_operators_and_no_more(void **state)
{
    char err[1024];
    /* Each "OR a=:v" adds two operators to the first comparison's one,
     * and "OR NOT a=:v" three: 1 + 2 * 148 + 3 = 300. */
    char *ok = repeat("a=:v", " OR a=:v", 148, " OR NOT a=:v");
    char *big = repeat("a=:v", " OR a=:v", 150, "");

    (void)state;
    assert_int_equal(try_compile(DDB_EXPR_CONDITION, ok, NUM("1"), err,
                                 sizeof(err)), 0);
    assert_int_equal(try_compile(DDB_EXPR_CONDITION, big, NUM("1"), err,
                                 sizeof(err)), -1);
    assert_string_equal(err, CE "The expression contains too many "
                             "operators; operator count: 301");
    free(ok);
    free(big);
}

static void compile_should_take_paths_32_levels_deep(void **state)
{
    char err[1024];
    char *ok = repeat("a", ".b", 31, "");
    char *big = repeat("a", "[0]", 32, "");

    (void)state;
    assert_int_equal(try_compile(DDB_EXPR_PROJECTION, ok, NULL, err,
                                 sizeof(err)), 0);
    assert_int_equal(try_compile(DDB_EXPR_PROJECTION, big, NULL, err,
                                 sizeof(err)), -1);
    assert_string_equal(err, PE "The document path has too many nesting "
                             "levels; nesting levels: 33");
    free(ok);
    free(big);
}

static void compile_should_survive_deep_nesting(void **state)
{
    char err[1024];
    char *parens = repeat("", "(", 2000, "a = :v");
    char *nots = repeat("", "NOT ", 1000, "a = :v");
    char *groups = repeat("", "(a = :v AND ", 300, "a = :v");

    (void)state;
    assert_int_equal(try_compile(DDB_EXPR_CONDITION, parens, NUM("1"), err,
                                 sizeof(err)), -1);
    assert_string_equal(err, CE "The expression has redundant parentheses;");
    assert_int_equal(try_compile(DDB_EXPR_CONDITION, nots, NUM("1"), err,
                                 sizeof(err)), -1);
    assert_string_equal(err, CE "The expression contains too many "
                             "operators; operator count: 301");
    assert_int_equal(try_compile(DDB_EXPR_CONDITION, groups, NUM("1"), err,
                                 sizeof(err)), -1);
    assert_string_equal(err, CE "The expression contains too many "
                             "operators; operator count: 301");
    free(parens);
    free(nots);
    free(groups);
}

static void compile_should_reject_huge_list_indexes(void **state)
{
    char err[1024];

    (void)state;
    assert_int_equal(try_compile(DDB_EXPR_PROJECTION, "a[99999999999]", NULL,
                                 err, sizeof(err)), -1);
    assert_string_equal(err, PE "List index is not within the allowable "
                             "range");
    assert_int_equal(try_compile(DDB_EXPR_PROJECTION, "a[007]", NULL, err,
                                 sizeof(err)), 0);
}

static void env_should_reject_invalid_values_with_their_key(void **state)
{
    static const char prefix[] = "ExpressionAttributeValues contains "
                                 "invalid value: ";
    static const char suffix[] = " for key :v";
    char err[1024];
    size_t len;

    (void)state;
    assert_int_equal(try_compile(DDB_EXPR_CONDITION, "a = :v",
                                 "{\":v\":{\"S\":\"a\",\"N\":\"1\"}}", err,
                                 sizeof(err)), -1);
    len = strlen(err);
    assert_true(strncmp(err, prefix, sizeof(prefix) - 1) == 0);
    assert_true(len > sizeof(suffix) &&
                strcmp(err + len - (sizeof(suffix) - 1), suffix) == 0);
    assert_int_equal(try_compile(DDB_EXPR_CONDITION, "a = :v",
                                 "{\":v\":{\"N\":\"x1\"}}", err,
                                 sizeof(err)), -1);
    assert_true(strncmp(err, prefix, sizeof(prefix) - 1) == 0);
}

static void env_should_normalize_values_in_place(void **state)
{
    struct fixture f;

    (void)state;
    assert_int_equal(compile(&f, DDB_EXPR_CONDITION, "a = :v", NULL,
                             "{\":v\":{\"N\":\"1.50\"}}"), 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(
                            cJSON_GetObjectItemCaseSensitive(f.values, ":v"),
                            "N")->valuestring, "1.5");
    release(&f);
}

static void placeholders_should_be_shared_by_a_request(void **state)
{
    struct fixture f;
    struct ddb_expr *second = NULL;

    (void)state;
    /* The condition uses :a, the update :b; only together is all used. */
    memset(&f, 0, sizeof(f));
    f.values = parse_or_die("{\":a\":{\"N\":\"1\"},\":b\":{\"N\":\"2\"}}");
    assert_int_equal(ddb_expr_env_init(&f.env, NULL, f.values, f.err,
                                       sizeof(f.err)), 0);
    assert_int_equal(ddb_expr_compile(DDB_EXPR_CONDITION, "a = :a", &f.env,
                                      &f.e, f.err, sizeof(f.err)), 0);
    assert_int_equal(ddb_expr_env_check_unused(&f.env, f.err,
                                               sizeof(f.err)), -1);
    assert_string_equal(f.err, "Value provided in ExpressionAttributeValues "
                               "unused in expressions: keys: {:b}");
    assert_int_equal(ddb_expr_compile(DDB_EXPR_UPDATE, "SET b = :b", &f.env,
                                      &second, f.err, sizeof(f.err)), 0);
    assert_int_equal(ddb_expr_env_check_unused(&f.env, f.err,
                                               sizeof(f.err)), 0);
    ddb_expr_free(second);
    release(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compile_should_report_what_aws_reports),
        cmocka_unit_test(compile_should_take_4096_bytes_and_no_more),
        cmocka_unit_test(compile_should_take_100_in_operands_and_no_more),
        cmocka_unit_test(compile_should_take_300_operators_and_no_more),
        cmocka_unit_test(compile_should_take_paths_32_levels_deep),
        cmocka_unit_test(compile_should_survive_deep_nesting),
        cmocka_unit_test(compile_should_reject_huge_list_indexes),
        cmocka_unit_test(env_should_reject_invalid_values_with_their_key),
        cmocka_unit_test(env_should_normalize_values_in_place),
        cmocka_unit_test(placeholders_should_be_shared_by_a_request),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
