#!/usr/bin/env bash
# AWS CLI `aws dynamodbstreams` against a running dynalake: a table with a
# stream, a seeded run of writes, and every shard read from TRIM_HORIZON
# following lineage; the records must be exactly the changes made, in order
# per key, with the images NEW_AND_OLD_IMAGES promises. Then the errors.
#
#   DYNALAKE_ENDPOINT=http://127.0.0.1:PORT tests/e2e/cli_streams.sh /usr/bin/aws
#
# Prints one line per failed check and ends with "cli: N passed, M failed".

set -u

AWS=${1:?usage: cli_streams.sh AWS_BINARY}
EP=${DYNALAKE_ENDPOINT:?set DYNALAKE_ENDPOINT}
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dynalake-cli-streams.XXXXXX")
TABLE="cli-streams-$$-$RANDOM"
passed=0
failed=0
LABEL=$(basename "$AWS")
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
trap 'aws_ dynamodb delete-table --table-name "$TABLE" >/dev/null 2>&1; rm -rf "$TMP"' EXIT

aws_() {
    timeout 60 "$AWS" "$@" --endpoint-url "$EP" --region us-east-1 --output json
}
# expect_error NAME CODE CMD...: the command fails and stderr names CODE.
expect_error() {
    local name=$1 code=$2
    shift 2
    if "$@" >"$TMP/out" 2>"$TMP/err"; then
        bad "$name: succeeded, expected $code"
    elif grep -q "($code)" "$TMP/err"; then
        ok
    else
        bad "$name: expected $code, got: $(head -c 300 "$TMP/err")"
    fi
}

if aws_ dynamodb create-table --table-name "$TABLE" \
    --billing-mode PAY_PER_REQUEST \
    --attribute-definitions AttributeName=pk,AttributeType=S \
    --key-schema AttributeName=pk,KeyType=HASH \
    --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES \
    >"$TMP/create.json" 2>"$TMP/err"; then
    ok
else
    bad "create-table: $(cat "$TMP/err")"
fi

# A seeded workload: puts, updates and deletes over a few keys; the
# expected changes are written down as the CLI makes them.
: >"$TMP/expected"
RANDOM=7
for i in $(seq 1 40); do
    key="k$((RANDOM % 6))"
    kind=$((RANDOM % 3))
    case $kind in
    0) aws_ dynamodb put-item --table-name "$TABLE" \
           --item "{\"pk\":{\"S\":\"$key\"},\"n\":{\"N\":\"$i\"}}" \
           --return-values ALL_OLD >"$TMP/w.json" ;;
    1) aws_ dynamodb update-item --table-name "$TABLE" \
           --key "{\"pk\":{\"S\":\"$key\"}}" \
           --update-expression "SET n = :n" \
           --expression-attribute-values "{\":n\":{\"N\":\"$i\"}}" \
           --return-values ALL_OLD >"$TMP/w.json" ;;
    2) aws_ dynamodb delete-item --table-name "$TABLE" \
           --key "{\"pk\":{\"S\":\"$key\"}}" --return-values ALL_OLD \
           >"$TMP/w.json" ;;
    esac
    "$PY" - "$TMP/w.json" "$key" "$i" "$kind" >>"$TMP/expected" <<'PY'
import json, sys
path, key, n, kind = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
text = open(path).read().strip()
old = json.loads(text).get("Attributes") if text else None
# What the stream must say: deleting an absent item writes nothing, and a
# write that leaves the item as it was writes nothing either.
if kind == "2":
    if old:
        print(json.dumps([key, "REMOVE", old, None]))
else:
    new = {"pk": {"S": key}, "n": {"N": n}}
    if old != new:
        print(json.dumps([key, "MODIFY" if old else "INSERT", old, new]))
PY
done

# Read every shard, parents first, from TRIM_HORIZON to its end.
ARN=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["TableDescription"]["LatestStreamArn"])' "$TMP/create.json")
aws_ dynamodbstreams list-streams --table-name "$TABLE" >"$TMP/list.json" &&
    "$PY" -c 'import json,sys; s=json.load(open(sys.argv[1]))["Streams"]; sys.exit(0 if [x["StreamArn"] for x in s]==[sys.argv[2]] else 1)' "$TMP/list.json" "$ARN" &&
    ok || bad "list-streams does not list exactly $ARN"
aws_ dynamodbstreams describe-stream --stream-arn "$ARN" >"$TMP/desc.json" || bad "describe-stream"
: >"$TMP/records"
for shard in $("$PY" -c 'import json,sys; print(" ".join(s["ShardId"] for s in json.load(open(sys.argv[1]))["StreamDescription"]["Shards"]))' "$TMP/desc.json"); do
    iter=$(aws_ dynamodbstreams get-shard-iterator --stream-arn "$ARN" --shard-id "$shard" \
        --shard-iterator-type TRIM_HORIZON | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["ShardIterator"])')
    for _ in $(seq 1 20); do
        aws_ dynamodbstreams get-records --shard-iterator "$iter" --limit 1000 >"$TMP/page.json" || break
        "$PY" -c 'import json,sys
for r in json.load(open(sys.argv[1]))["Records"]:
    d = r["dynamodb"]
    print(json.dumps([d["Keys"]["pk"]["S"], r["eventName"], d.get("OldImage"), d.get("NewImage"), d["SequenceNumber"], d["StreamViewType"]]))' "$TMP/page.json" >>"$TMP/records"
        iter=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("NextShardIterator") or "")' "$TMP/page.json")
        n=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Records"]))' "$TMP/page.json")
        [[ -z "$iter" || "$n" == 0 ]] && break
    done
done

if "$PY" - "$TMP/expected" "$TMP/records" <<'PY'
import json, sys
expected = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
seqs = [int(r[4]) for r in got]
assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "sequence numbers"
assert all(r[5] == "NEW_AND_OLD_IMAGES" for r in got), "view type"
assert [r[:4] for r in got] == expected, "changes: %s != %s" % ([r[:4] for r in got][:5], expected[:5])
PY
then ok; else bad "the stream holds exactly the changes made, in order"; fi

# Errors.
expect_error "get-records with a malformed iterator" ValidationException \
    aws_ dynamodbstreams get-records --shard-iterator "not-an-iterator"
expect_error "describe-stream of an unknown stream" ResourceNotFoundException \
    aws_ dynamodbstreams describe-stream --stream-arn "${ARN%/stream/*}/stream/2000-01-01T00:00:00.000"
expect_error "get-shard-iterator of an unknown shard" ResourceNotFoundException \
    aws_ dynamodbstreams get-shard-iterator --stream-arn "$ARN" \
    --shard-id shardId-00000000000000000000-00000000 --shard-iterator-type TRIM_HORIZON
expect_error "AT_SEQUENCE_NUMBER without a sequence number" ValidationException \
    aws_ dynamodbstreams get-shard-iterator --stream-arn "$ARN" --shard-id "${shard:-x}" \
    --shard-iterator-type AT_SEQUENCE_NUMBER

echo "cli: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
