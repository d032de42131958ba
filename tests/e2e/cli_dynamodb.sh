#!/usr/bin/env bash
# AWS CLI workflows against a running dynalake.
#
#   DYNALAKE_ENDPOINT=http://127.0.0.1:PORT tests/e2e/cli_dynamodb.sh /usr/bin/aws
#
# $1 is the aws binary (v2 from Debian, or v1 from the image). Credentials and
# region come from the environment tests/e2e/run sets up. Prints one line per
# failed check and ends with "cli: N passed, M failed"; exits non-zero on any
# failure. JSON is checked with python3's json module (no jq).

set -u

AWS=${1:?usage: cli_dynamodb.sh AWS_BINARY}
EP=${DYNALAKE_ENDPOINT:?set DYNALAKE_ENDPOINT}
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3
ARN_PREFIX="arn:aws:dynamodb:us-east-1:000000000000:table"

VERSION=$(timeout 30 "$AWS" --version 2>&1)
case $VERSION in
aws-cli/1.*) MAJOR=1 ;;
*) MAJOR=2 ;;
esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dynalake-cli.XXXXXX")
OUT=$TMP/out
ERR=$TMP/err
RC=0
passed=0
failed=0
TABLES=()
LABEL="aws-cli v$MAJOR"
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"

cleanup() {
    for t in "${TABLES[@]}"; do
        ddb delete-table --table-name "$t" >/dev/null 2>&1
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

ddb() {
    timeout 60 "$AWS" dynamodb --endpoint-url "$EP" --region us-east-1 \
        --output json "$@"
}

# expect_error NAME CODE MESSAGE CMD...: non-zero exit, "(CODE)" and MESSAGE
# (exact substring; empty to skip) on stderr.
expect_error() {
    local name=$1 code=$2 message=$3
    shift 3
    run "$@"
    if ((RC == 0)); then
        bad "$name: expected ($code) but the command succeeded: $(head -c 300 "$OUT")"
    elif ! grep -qF "($code)" "$ERR"; then
        bad "$name: expected ($code), stderr: $(head -c 400 "$ERR")"
    elif [[ -n "$message" ]] && ! grep -qF -- "$message" "$ERR"; then
        bad "$name: expected message '$message', stderr: $(head -c 400 "$ERR")"
    else
        ok
    fi
}

uniq_name() { echo "cli-v$MAJOR-$1-$(date +%s%N | tail -c 9)$RANDOM"; }

# ---------------------------------------------------------------------------
# Table lifecycle
# ---------------------------------------------------------------------------

T=$(uniq_name users)
TABLES+=("$T")
expect_ok "create-table $T" ddb create-table --table-name "$T" \
    --attribute-definitions AttributeName=pk,AttributeType=S \
    AttributeName=sk,AttributeType=N \
    --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE \
    --billing-mode PAY_PER_REQUEST
expect_json "create-table arn" "d['TableDescription']['TableArn']" "$ARN_PREFIX/$T"

expect_ok "wait table-exists" ddb wait table-exists --table-name "$T"

expect_ok "describe-table" ddb describe-table --table-name "$T"
expect_json "describe status" "d['Table']['TableStatus']" ACTIVE
expect_json "describe arn" "d['Table']['TableArn']" "$ARN_PREFIX/$T"
expect_json "describe key schema" "d['Table']['KeySchema']" \
    '[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]'
expect_json "describe billing" "d['Table']['BillingModeSummary']['BillingMode']" PAY_PER_REQUEST
expect_json "describe item count" "d['Table']['ItemCount']" 0

expect_ok "list-tables" ddb list-tables
expect_json "list-tables contains table" "'$T' in d['TableNames']" true

# Pagination: page size 1 makes the CLI follow LastEvaluatedTableName.
T2=$(uniq_name second)
TABLES+=("$T2")
expect_ok "create-table provisioned" ddb create-table --table-name "$T2" \
    --attribute-definitions AttributeName=id,AttributeType=N \
    --key-schema AttributeName=id,KeyType=HASH \
    --provisioned-throughput ReadCapacityUnits=2,WriteCapacityUnits=3
expect_ok "wait table-exists 2" ddb wait table-exists --table-name "$T2"
expect_ok "describe provisioned" ddb describe-table --table-name "$T2"
expect_json "provisioned throughput" \
    "[d['Table']['ProvisionedThroughput'][k] for k in ('ReadCapacityUnits', 'WriteCapacityUnits')]" \
    "[2, 3]"
expect_ok "list-tables --page-size 1" ddb list-tables --page-size 1
expect_json "paged list has both" "'$T' in d['TableNames'] and '$T2' in d['TableNames']" true
expect_json "paged list sorted" "d['TableNames'] == sorted(d['TableNames'])" true
expect_ok "list-tables --max-items 1" ddb list-tables --max-items 1
expect_json "max-items 1 gives one name" "len(d['TableNames'])" 1
expect_json "max-items 1 gives NextToken" "'NextToken' in d" true

expect_ok "update-table billing" ddb update-table --table-name "$T2" \
    --billing-mode PAY_PER_REQUEST
expect_ok "describe after update" ddb describe-table --table-name "$T2"
expect_json "billing switched" "d['Table']['BillingModeSummary']['BillingMode']" PAY_PER_REQUEST

expect_ok "update-table stream" ddb update-table --table-name "$T2" \
    --stream-specification StreamEnabled=true,StreamViewType=NEW_IMAGE
expect_json "stream arn" "d['TableDescription']['LatestStreamArn'].startswith('$ARN_PREFIX/$T2/stream/')" true
expect_error "stream enabled twice" ValidationException \
    "Table already has an enabled stream: TableName: $T2" \
    ddb update-table --table-name "$T2" \
    --stream-specification StreamEnabled=true,StreamViewType=KEYS_ONLY

# ---------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------

ITEM='{"pk":{"S":"user#1"},"sk":{"N":"1.50"},"name":{"S":"Zoë ✓"},
 "age":{"N":"041"},"tags":{"SS":["a","b"]},"scores":{"NS":["1","2.0"]},
 "addr":{"M":{"city":{"S":"Oslo"},"zip":{"N":"150"}}},
 "hist":{"L":[{"S":"x"},{"N":"2"},{"BOOL":true},{"NULL":true}]},
 "active":{"BOOL":false},"gone":{"NULL":true}}'
KEY='{"pk":{"S":"user#1"},"sk":{"N":"1.5"}}'

expect_ok "put-item" ddb put-item --table-name "$T" --item "$ITEM"
expect_ok "get-item" ddb get-item --table-name "$T" --key "$KEY" --consistent-read
expect_json "get-item sk canonical" "d['Item']['sk']" '{"N": "1.5"}'
expect_json "get-item age canonical" "d['Item']['age']" '{"N": "41"}'
expect_json "get-item utf-8" "d['Item']['name']['S'] == 'Zo\u00eb \u2713'" true
expect_json "get-item SS" "sorted(d['Item']['tags']['SS'])" '["a", "b"]'
expect_json "get-item NS" "sorted(d['Item']['scores']['NS'])" '["1", "2"]'
expect_json "get-item M" "d['Item']['addr']" '{"M": {"city": {"S": "Oslo"}, "zip": {"N": "150"}}}'
expect_json "get-item L" "d['Item']['hist']" \
    '{"L": [{"S": "x"}, {"N": "2"}, {"BOOL": true}, {"NULL": true}]}'
expect_json "get-item BOOL/NULL" "[d['Item']['active'], d['Item']['gone']]" \
    '[{"BOOL": false}, {"NULL": true}]'

expect_ok "get-item projection" ddb get-item --table-name "$T" --key "$KEY" \
    --projection-expression "addr.city, hist[0], #n" \
    --expression-attribute-names '{"#n":"name"}'
expect_json "projection result" "sorted(d['Item'])" '["addr", "hist", "name"]'
expect_json "projection nested" "d['Item']['addr']" '{"M": {"city": {"S": "Oslo"}}}'

expect_ok "get-item missing" ddb get-item --table-name "$T" \
    --key '{"pk":{"S":"nobody"},"sk":{"N":"0"}}'
expect_json "missing item has no Item" "'Item' in d" false

expect_ok "update-item" ddb update-item --table-name "$T" --key "$KEY" \
    --update-expression "SET age = age + :one, addr.city = :c, hist = list_append(hist, :more) REMOVE gone ADD tags :t, visits :one DELETE scores :s" \
    --expression-attribute-values '{":one":{"N":"1"},":c":{"S":"Bergen"},":more":{"L":[{"S":"y"}]},":t":{"SS":["c"]},":s":{"NS":["1"]}}' \
    --return-values ALL_NEW
expect_json "update age" "d['Attributes']['age']" '{"N": "42"}'
expect_json "update city" "d['Attributes']['addr']['M']['city']" '{"S": "Bergen"}'
expect_json "update list_append" "d['Attributes']['hist']['L'][-1]" '{"S": "y"}'
expect_json "update remove" "'gone' in d['Attributes']" false
expect_json "update add set" "sorted(d['Attributes']['tags']['SS'])" '["a", "b", "c"]'
expect_json "update add number" "d['Attributes']['visits']" '{"N": "1"}'
expect_json "update delete set" "d['Attributes']['scores']" '{"NS": ["2"]}'

expect_ok "update-item UPDATED_OLD" ddb update-item --table-name "$T" --key "$KEY" \
    --update-expression "SET age = :a" \
    --expression-attribute-values '{":a":{"N":"7"}}' --return-values UPDATED_OLD
expect_json "UPDATED_OLD" "d['Attributes']" '{"age": {"N": "42"}}'

expect_ok "put-if-absent first" ddb put-item --table-name "$T" \
    --item '{"pk":{"S":"once"},"sk":{"N":"0"}}' \
    --condition-expression "attribute_not_exists(pk)"
expect_error "put-if-absent second" ConditionalCheckFailedException \
    "The conditional request failed" \
    ddb put-item --table-name "$T" --item '{"pk":{"S":"once"},"sk":{"N":"0"}}' \
    --condition-expression "attribute_not_exists(pk)"

if ((MAJOR == 2)); then
    # v2 decodes base64 blob arguments by default (--cli-binary-format base64).
    expect_ok "put binary" ddb put-item --table-name "$T" \
        --item '{"pk":{"S":"bin"},"sk":{"N":"0"},"b":{"B":"AAEC/w=="},"bs":{"BS":["AA==","/w=="]}}'
    expect_ok "get binary" ddb get-item --table-name "$T" \
        --key '{"pk":{"S":"bin"},"sk":{"N":"0"}}'
    expect_json "binary round trip" "d['Item']['b']" '{"B": "AAEC/w=="}'
    expect_json "binary set round trip" "sorted(d['Item']['bs']['BS'])" '["/w==", "AA=="]'
fi

expect_error "delete-item condition fails" ConditionalCheckFailedException \
    "The conditional request failed" \
    ddb delete-item --table-name "$T" --key "$KEY" \
    --condition-expression "age = :x" --expression-attribute-values '{":x":{"N":"8"}}'
expect_ok "delete-item" ddb delete-item --table-name "$T" --key "$KEY" \
    --condition-expression "age = :x" --expression-attribute-values '{":x":{"N":"7"}}' \
    --return-values ALL_OLD
expect_json "delete-item ALL_OLD" "d['Attributes']['pk']" '{"S": "user#1"}'
expect_ok "get-item after delete" ddb get-item --table-name "$T" --key "$KEY"
expect_json "deleted item gone" "'Item' in d" false

# ---------------------------------------------------------------------------
# Bad input: exact AWS error codes and messages
# ---------------------------------------------------------------------------

expect_error "missing key attribute" ValidationException \
    "One or more parameter values were invalid: Missing the key sk in the item" \
    ddb put-item --table-name "$T" --item '{"pk":{"S":"a"}}'
expect_error "wrong key type" ValidationException \
    "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S" \
    ddb put-item --table-name "$T" --item '{"pk":{"S":"a"},"sk":{"S":"1"}}'
expect_error "39-digit number" ValidationException \
    "Attempting to store more than 38 significant digits in a Number" \
    ddb put-item --table-name "$T" \
    --item '{"pk":{"S":"a"},"sk":{"N":"1"},"n":{"N":"123456789012345678901234567890123456789"}}'
expect_error "empty string set" ValidationException \
    "One or more parameter values were invalid: An string set  may not be empty" \
    ddb put-item --table-name "$T" --item '{"pk":{"S":"a"},"sk":{"N":"1"},"s":{"SS":[]}}'
expect_error "duplicate string set" ValidationException \
    "One or more parameter values were invalid: Input collection [x, x] contains duplicates." \
    ddb put-item --table-name "$T" --item '{"pk":{"S":"a"},"sk":{"N":"1"},"s":{"SS":["x","x"]}}'
expect_error "update key attribute" ValidationException \
    "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key" \
    ddb update-item --table-name "$T" --key '{"pk":{"S":"a"},"sk":{"N":"1"}}' \
    --update-expression "SET sk = :v" --expression-attribute-values '{":v":{"N":"2"}}'
expect_error "syntax error" ValidationException \
    'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"' \
    ddb update-item --table-name "$T" --key '{"pk":{"S":"a"},"sk":{"N":"1"}}' \
    --update-expression "SET"
expect_error "reserved word" ValidationException \
    "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name" \
    ddb update-item --table-name "$T" --key '{"pk":{"S":"a"},"sk":{"N":"1"}}' \
    --update-expression "SET name = :v" --expression-attribute-values '{":v":{"S":"x"}}'
expect_error "unused value" ValidationException \
    "Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}" \
    ddb update-item --table-name "$T" --key '{"pk":{"S":"a"},"sk":{"N":"1"}}' \
    --update-expression "SET v = :v" \
    --expression-attribute-values '{":v":{"S":"x"},":extra":{"S":"y"}}'
expect_error "undefined value" ValidationException \
    "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope" \
    ddb update-item --table-name "$T" --key '{"pk":{"S":"a"},"sk":{"N":"1"}}' \
    --update-expression "SET v = :nope"
expect_error "key does not match schema" ValidationException \
    "The provided key element does not match the schema" \
    ddb get-item --table-name "$T" --key '{"pk":{"S":"a"}}'
expect_error "get-item missing table" ResourceNotFoundException \
    "Requested resource not found" \
    ddb get-item --table-name "$(uniq_name nope)" --key '{"pk":{"S":"a"}}'
expect_error "duplicate create-table" ResourceInUseException \
    "Table already exists: $T" \
    ddb create-table --table-name "$T" \
    --attribute-definitions AttributeName=pk,AttributeType=S \
    --key-schema AttributeName=pk,KeyType=HASH --billing-mode PAY_PER_REQUEST

# ---------------------------------------------------------------------------
# Delete tables
# ---------------------------------------------------------------------------

for t in "$T" "$T2"; do
    expect_ok "delete-table $t" ddb delete-table --table-name "$t"
    expect_json "delete-table returns description" "d['TableDescription']['TableName']" "$t"
    expect_ok "wait table-not-exists $t" ddb wait table-not-exists --table-name "$t"
    expect_error "describe deleted $t" ResourceNotFoundException \
        "Requested resource not found: Table: $t not found" \
        ddb describe-table --table-name "$t"
done
expect_ok "list-tables after delete" ddb list-tables
expect_json "deleted tables not listed" "'$T' in d['TableNames'] or '$T2' in d['TableNames']" false

echo "cli: $passed passed, $failed failed"
((failed == 0))
