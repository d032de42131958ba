#!/usr/bin/env bash
# s3cmd and rclone against a running dynalake: each configured for the
# emulator's endpoint with path-style addressing, SigV4 and the credentials
# test/test (the e2e server runs with IAM off); make a bucket, put, get, ls,
# sync both ways, delete, with a 20 MB file that both tools upload in
# multipart. Asserts bytes, listings and exit codes.
#
#   DYNALAKE_ENDPOINT=http://127.0.0.1:PORT tests/e2e/cli_s3_tools.sh [S3CMD]
#
# $1 is the s3cmd binary (default: s3cmd on PATH); rclone is taken from
# PATH. Prints one line per failed check and ends with
# "cli: N passed, M failed".

set -u

S3CMD_BIN=${1:-s3cmd}
RCLONE_BIN=${RCLONE:-rclone}
EP=${DYNALAKE_ENDPOINT:?set DYNALAKE_ENDPOINT}
HOSTPORT=${EP#http://}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dynalake-cli-tools.XXXXXX")
OUT=$TMP/out
ERR=$TMP/err
RC=0
passed=0
LABEL="s3 tools" # each tool's section names itself
# shellcheck source=cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
failed=0
SUFFIX="$(date +%s%N | tail -c 9)$RANDOM"
B1="s3cmd-$SUFFIX"
B2="rclone-$SUFFIX"

s3cmd() {
    timeout 120 "$S3CMD_BIN" --config "$TMP/s3cfg" --no-progress "$@"
}
# rclone's AWS SDK fails on an AWS_CA_BUNDLE (which some environments set
# for other clients) even for plain HTTP; the endpoint needs no CA.
rclone() {
    timeout 120 env -u AWS_CA_BUNDLE "$RCLONE_BIN" --config "$TMP/rclone.conf" \
        --retries 1 \
        --low-level-retries 1 --s3-upload-cutoff 5M --s3-chunk-size 5M "$@"
}

cleanup() {
    s3cmd del --recursive --force "s3://$B1" >/dev/null 2>&1
    s3cmd rb "s3://$B1" >/dev/null 2>&1
    rclone purge "dl:$B2" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

cat >"$TMP/s3cfg" <<EOF
[default]
access_key = test
secret_key = test
host_base = $HOSTPORT
host_bucket = $HOSTPORT
use_https = False
signature_v2 = False
bucket_location = us-east-1
multipart_chunk_size_mb = 5
check_ssl_certificate = False
EOF

cat >"$TMP/rclone.conf" <<EOF
[dl]
type = s3
provider = Other
endpoint = $EP
access_key_id = test
secret_access_key = test
region = us-east-1
force_path_style = true
EOF

expect_fail() {
    local name=$1
    shift
    run "$@"
    if ((RC != 0)); then ok; else bad "$name: expected a failure, exit 0"; fi
}

# expect_out NAME PATTERN: the last command's output matches (grep -E).
expect_out() {
    if grep -qE -- "$2" "$OUT"; then ok; else bad "$1: no /$2/ in: $(head -c 400 "$OUT")"; fi
}

# expect_lines NAME N: the last command printed N lines.
expect_lines() {
    local n
    n=$(wc -l <"$OUT")
    if ((n == $2)); then ok; else bad "$1: $n lines, want $2: $(head -c 400 "$OUT")"; fi
}

printf 'hello from the tools\n' >"$TMP/small.txt"
head -c 20000000 /dev/urandom >"$TMP/big.bin"
mkdir -p "$TMP/tree/a/b"
for f in one a/two a/b/three; do echo "$f" >"$TMP/tree/$f.txt"; done

# ---- s3cmd -------------------------------------------------------------------

LABEL="s3cmd $("$S3CMD_BIN" --version 2>&1 | awk '{print $3}')"
expect_ok "mb" s3cmd mb "s3://$B1"
expect_ok "ls buckets" s3cmd ls
expect_out "ls buckets" "s3://$B1\$"
expect_ok "put small" s3cmd put "$TMP/small.txt" "s3://$B1/land/small.txt"
# --debug, because s3cmd reports parts only there.
expect_ok "put big (multipart)" s3cmd --debug put "$TMP/big.bin" "s3://$B1/land/big.bin"
if grep -q "MultiPart: Upload finished: 4 parts" "$ERR"; then ok; else bad "big did not go in 4 parts"; fi
expect_ok "info big" s3cmd info "s3://$B1/land/big.bin"
expect_out "info big" "File size: +20000000\$"
expect_ok "get big" s3cmd get --force "s3://$B1/land/big.bin" "$TMP/big.s3cmd"
expect_same "big round trip" "$TMP/big.bin" "$TMP/big.s3cmd"
expect_ok "get small" s3cmd get --force "s3://$B1/land/small.txt" "$TMP/small.s3cmd"
expect_same "small round trip" "$TMP/small.txt" "$TMP/small.s3cmd"
expect_ok "ls prefix" s3cmd ls "s3://$B1/land/"
expect_out "ls big" " 20000000 +s3://$B1/land/big.bin\$"
expect_out "ls small" " 21 +s3://$B1/land/small.txt\$"
expect_ok "sync up" s3cmd sync "$TMP/tree/" "s3://$B1/tree/"
expect_ok "ls recursive" s3cmd ls --recursive "s3://$B1/tree/"
expect_lines "ls recursive" 3
expect_out "ls recursive" "s3://$B1/tree/a/b/three.txt\$"
expect_ok "sync down" s3cmd sync "s3://$B1/tree/" "$TMP/back1/"
expect_same "sync round trip" "$TMP/tree/a/b/three.txt" "$TMP/back1/a/b/three.txt"
expect_ok "sync again" s3cmd sync "$TMP/tree/" "s3://$B1/tree/"
if grep -q "upload:" "$OUT"; then bad "second sync uploaded: $(cat "$OUT")"; else ok; fi
expect_ok "del" s3cmd del "s3://$B1/land/small.txt"
expect_ok "ls after del" s3cmd ls "s3://$B1/land/"
if grep -q small.txt "$OUT"; then bad "deleted object listed: $(cat "$OUT")"; else ok; fi
expect_fail "get missing" s3cmd get --force "s3://$B1/land/small.txt" "$TMP/none"
expect_fail "rb non-empty" s3cmd rb "s3://$B1"
expect_ok "del recursive" s3cmd del --recursive --force "s3://$B1"
expect_ok "rb" s3cmd rb "s3://$B1"
expect_fail "ls removed bucket" s3cmd ls "s3://$B1"

# ---- rclone ------------------------------------------------------------------

LABEL="rclone $("$RCLONE_BIN" version 2>/dev/null | head -1 | awk '{print $2}')"
expect_ok "mkdir" rclone mkdir "dl:$B2"
expect_ok "lsd" rclone lsd dl:
expect_out "lsd" " $B2\$"
expect_ok "copyto small" rclone copyto "$TMP/small.txt" "dl:$B2/land/small.txt"
expect_ok "copyto big (multipart)" rclone copyto "$TMP/big.bin" "dl:$B2/land/big.bin"
expect_ok "cat small" rclone cat "dl:$B2/land/small.txt"
expect_same "cat small" "$TMP/small.txt" "$OUT"
expect_ok "copyto down big" rclone copyto "dl:$B2/land/big.bin" "$TMP/big.rclone"
expect_same "big round trip" "$TMP/big.bin" "$TMP/big.rclone"
expect_ok "ls" rclone ls "dl:$B2/land"
expect_out "ls big" "^ *20000000 big.bin\$"
expect_out "ls small" "^ *21 small.txt\$"
expect_ok "md5sum" rclone md5sum "dl:$B2/land"
expect_out "md5 of big (rclone keeps it for multipart)" "^$(md5sum <"$TMP/big.bin" | cut -c1-32)  big.bin\$"
expect_ok "sync up" rclone sync "$TMP/tree" "dl:$B2/tree"
expect_ok "lsf recursive" rclone lsf -R --files-only "dl:$B2/tree"
expect_lines "lsf recursive" 3
expect_out "lsf recursive" "^a/b/three.txt\$"
expect_ok "check" rclone check "$TMP/tree" "dl:$B2/tree"
expect_ok "sync down" rclone sync "dl:$B2/tree" "$TMP/back2"
expect_same "sync round trip" "$TMP/tree/a/b/three.txt" "$TMP/back2/a/b/three.txt"
rm "$TMP/tree/one.txt"
expect_ok "sync deletes" rclone sync "$TMP/tree" "dl:$B2/tree"
expect_ok "lsf after sync" rclone lsf -R --files-only "dl:$B2/tree"
expect_lines "lsf after sync" 2
expect_ok "deletefile" rclone deletefile "dl:$B2/land/small.txt"
expect_ok "lsf after deletefile" rclone lsf "dl:$B2/land"
if grep -q small.txt "$OUT"; then bad "deleted object listed: $(cat "$OUT")"; else ok; fi
expect_fail "deletefile missing" rclone deletefile "dl:$B2/land/small.txt"
expect_fail "rmdir non-empty" rclone rmdir "dl:$B2"
expect_ok "purge" rclone purge "dl:$B2"
expect_ok "lsd after purge" rclone lsd dl:
if grep -q " $B2\$" "$OUT"; then bad "purged bucket listed: $(cat "$OUT")"; else ok; fi

echo "cli: $passed passed, $failed failed"
((failed == 0))
