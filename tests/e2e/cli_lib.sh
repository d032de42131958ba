# Checks shared by the command-line suites (cli_*.sh), sourced by each.
# The suite sets LABEL (the client named in failures), OUT and ERR (files
# for the last command's output), passed=0 and failed=0, and PY (python3)
# if it uses json. Each check counts one pass or prints one FAIL line.

ok() { passed=$((passed + 1)); }
bad() {
    failed=$((failed + 1))
    echo "FAIL [$LABEL] $*"
}

# run CMD...: runs one command, keeping stdout/stderr/exit status.
run() {
    "$@" >"$OUT" 2>"$ERR"
    RC=$?
}

# expect_ok NAME CMD...: the command must exit 0.
expect_ok() {
    local name=$1
    shift
    run "$@"
    if ((RC == 0)); then
        ok
    else
        bad "$name: exit $RC, stderr: $(head -c 400 "$ERR")"
    fi
}

# expect_same NAME FILE1 FILE2: the two files hold the same bytes.
expect_same() {
    if cmp -s "$2" "$3"; then ok; else bad "$1: $2 and $3 differ"; fi
}

# json EXPR: evaluates a Python expression over the last stdout, bound to d.
json() {
    "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1])) if open(sys.argv[1]).read().strip() else {}
v = eval(sys.argv[2])
print(json.dumps(v, sort_keys=True) if not isinstance(v, str) else v)
' "$OUT" "$1" 2>&1
}

# expect_json NAME EXPR WANT: json EXPR of the last stdout equals WANT.
expect_json() {
    local name=$1 got
    got=$(json "$2")
    if [[ "$got" == "$3" ]]; then
        ok
    else
        bad "$name: $2 = $got, want $3"
    fi
}
