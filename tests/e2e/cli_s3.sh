#!/usr/bin/env bash
# AWS CLI S3 workflows against a running dynalake: aws s3 mb/cp/ls/sync/rm/
# rb/presign and aws s3api, including a ~20 MB multipart upload and a
# presigned URL fetched with curl.
#
#   DYNALAKE_ENDPOINT=http://127.0.0.1:PORT tests/e2e/cli_s3.sh /usr/bin/aws
#
# $1 is the aws binary (v2 from Debian, or v1 from the image). Prints one line
# per failed check and ends with "cli: N passed, M failed".

set -u

AWS=${1:?usage: cli_s3.sh AWS_BINARY}
EP=${DYNALAKE_ENDPOINT:?set DYNALAKE_ENDPOINT}
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

VERSION=$(timeout 30 "$AWS" --version 2>&1)
case $VERSION in
aws-cli/1.*) MAJOR=1 ;;
*) MAJOR=2 ;;
esac

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dynalake-cli-s3.XXXXXX")
OUT=$TMP/out
ERR=$TMP/err
RC=0
passed=0
LABEL="aws-cli v$MAJOR"
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
failed=0
BUCKET="cli-v$MAJOR-$(date +%s%N | tail -c 9)$RANDOM"

cleanup() {
    s3 rb "s3://$BUCKET" --force >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

s3() { timeout 120 "$AWS" --endpoint-url "$EP" --region us-east-1 s3 "$@"; }
s3api() {
    timeout 120 "$AWS" --endpoint-url "$EP" --region us-east-1 --output json \
        s3api "$@"
}

# expect_error NAME CODE CMD...: non-zero exit with "(CODE)" or "CODE" on stderr.
expect_error() {
    local name=$1 code=$2
    shift 2
    run "$@"
    if ((RC == 0)); then
        bad "$name: expected $code but the command succeeded"
    elif ! grep -qF "$code" "$ERR"; then
        bad "$name: expected $code, stderr: $(head -c 400 "$ERR")"
    else
        ok
    fi
}

# ---- aws s3 ----------------------------------------------------------------

expect_ok "mb" s3 mb "s3://$BUCKET"
printf 'hello from the cli\n' >"$TMP/small.txt"
head -c 20000000 /dev/urandom >"$TMP/big.bin"
expect_ok "cp small" s3 cp --no-progress "$TMP/small.txt" "s3://$BUCKET/land/small.txt"
expect_ok "cp big (multipart)" s3 cp --no-progress "$TMP/big.bin" "s3://$BUCKET/land/big.bin"
expect_ok "cp down big" s3 cp --no-progress "s3://$BUCKET/land/big.bin" "$TMP/big.out"
expect_same "big round trip" "$TMP/big.bin" "$TMP/big.out"
expect_ok "head big" s3api head-object --bucket "$BUCKET" --key land/big.bin
expect_json "big is multipart" "d['ETag'].endswith('-3\"') and d['ContentLength']" 20000000
expect_ok "ls" s3 ls "s3://$BUCKET/land/"
if grep -q "big.bin" "$OUT" && grep -q "small.txt" "$OUT"; then ok; else bad "ls: $(cat "$OUT")"; fi

mkdir -p "$TMP/tree/a/b" "$TMP/back"
for f in one a/two a/b/three; do echo "$f" >"$TMP/tree/$f.txt"; done
expect_ok "sync up" s3 sync --no-progress "$TMP/tree" "s3://$BUCKET/tree"
expect_ok "sync down" s3 sync --no-progress "s3://$BUCKET/tree" "$TMP/back"
expect_same "sync round trip" "$TMP/tree/a/b/three.txt" "$TMP/back/a/b/three.txt"
expect_ok "sync again is a no-op" s3 sync --no-progress "$TMP/tree" "s3://$BUCKET/tree"
if [[ ! -s "$OUT" ]]; then ok; else bad "second sync copied: $(cat "$OUT")"; fi
expect_ok "ls recursive" s3 ls --recursive "s3://$BUCKET/tree/"
if [[ $(wc -l <"$OUT") -eq 3 ]]; then ok; else bad "ls recursive: $(cat "$OUT")"; fi

expect_ok "presign" s3 presign "s3://$BUCKET/land/small.txt" --expires-in 300
url=$(cat "$OUT")
if curl -sf "$url" -o "$TMP/presigned.txt"; then ok; else bad "curl presigned $url"; fi
expect_same "presigned body" "$TMP/small.txt" "$TMP/presigned.txt"
code=$(curl -s -o /dev/null -w '%{http_code}' "${url/small.txt/nothere.txt}")
if [[ $code == 403 || $code == 404 ]]; then ok; else bad "altered presigned url answered $code"; fi

expect_ok "rm" s3 rm "s3://$BUCKET/land/small.txt"
expect_ok "rm recursive" s3 rm --recursive "s3://$BUCKET/tree"

# ---- aws s3api and errors ------------------------------------------------------

expect_ok "put-object" s3api put-object --bucket "$BUCKET" --key api/k.json \
    --body "$TMP/small.txt" --content-type application/json --metadata origin=cli
expect_ok "get-object" s3api get-object --bucket "$BUCKET" --key api/k.json "$TMP/k.out"
expect_json "get-object metadata" "[d['ContentType'], d['Metadata']]" '["application/json", {"origin": "cli"}]'
expect_same "get-object body" "$TMP/small.txt" "$TMP/k.out"
expect_ok "list-objects-v2" s3api list-objects-v2 --bucket "$BUCKET" --delimiter /
expect_json "common prefixes" "sorted(p['Prefix'] for p in d['CommonPrefixes'])" '["api/", "land/"]'
expect_ok "copy-object" s3api copy-object --bucket "$BUCKET" --key api/copy.json \
    --copy-source "$BUCKET/api/k.json"
expect_error "get missing" NoSuchKey s3api get-object --bucket "$BUCKET" --key nope "$TMP/x"
expect_error "head missing" 404 s3api head-object --bucket "$BUCKET" --key nope
expect_error "rb non-empty" BucketNotEmpty s3api delete-bucket --bucket "$BUCKET"
expect_error "missing bucket" NoSuchBucket s3api list-objects-v2 --bucket "$BUCKET-none"
expect_error "bad range" InvalidRange s3api get-object --bucket "$BUCKET" \
    --key api/k.json --range bytes=1000- "$TMP/x"
expect_ok "rb --force" s3 rb --force "s3://$BUCKET"

echo "cli: $passed passed, $failed failed"
((failed == 0))
