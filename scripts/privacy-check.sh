#!/usr/bin/env bash
# Checks the privacy promise with strace: `analyze` on a fixture and
# `practice --headless --report PATH` on a folder of copies of it make no
# network call at all (socket, connect, bind, send..., recv...), and open no
# file for writing (O_WRONLY, O_RDWR, O_CREAT, creat) and rename nothing,
# except the requested report and its temporary `.NAME.partPID`.
# Prints what it traced and checked; exits 1 on any violation.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v strace >/dev/null; then
    echo "privacy-check: strace is needed (Debian/Ubuntu: sudo apt-get install strace)" >&2
    exit 2
fi
bin=target/release/liveness-coach
if [ ! -x "$bin" ]; then
    cargo build --release
fi
fixture=tests/fixtures/astronaut.png

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Thirty stills of the photo: a one-second "recording" with a face in it.
mkdir "$work/frames"
for i in $(seq -w 1 30); do
    cp "$fixture" "$work/frames/frame$i.png"
done
report="$work/session.json"

# Syscalls traced: every network call, and everything that opens, creates or
# renames a file (`?` skips names this architecture does not have).
trace='trace=network,?open,openat,?openat2,?creat,?rename,?renameat,renameat2'
failed=0

# Regex-escapes a literal string.
quote_re() {
    # shellcheck disable=SC2016 # `$` is a character to escape here, not an expansion
    printf '%s' "$1" | sed 's/[][\.*^$()+?{}|/]/\\&/g'
}

# check NAME LOG ALLOWED_REGEX: the trace LOG of NAME holds no network call
# and writes nothing but paths matching ALLOWED_REGEX (empty: nothing at all).
check() {
    local name=$1 log=$2 allowed=$3
    local calls opens net writes bad renames
    calls=$(grep -c . "$log" || true)
    opens=$(grep -cE '(^|[[:space:]])(open|openat|openat2|creat)\(' "$log" || true)
    net=$(grep -E '(^|[[:space:]])(socket|socketpair|connect|bind|listen|accept4?|sendto|sendmsg|sendmmsg|recvfrom|recvmsg|recvmmsg|getsockopt|setsockopt|getsockname|getpeername|shutdown)\(' "$log" || true)
    writes=$(grep -E '(^|[[:space:]])((open|openat|openat2)\(.*(O_WRONLY|O_RDWR|O_CREAT)|creat\()' "$log" || true)
    renames=$(grep -E '(^|[[:space:]])(rename|renameat|renameat2)\(' "$log" || true)
    echo "$name: $calls calls traced, $opens file opens"
    if [ -n "$net" ]; then
        echo "  FAIL network calls:"
        printf '%s\n' "$net" | sed 's/^/    /'
        failed=1
    else
        echo "  ok: no socket, connect or other network call"
    fi
    # The first quoted string of each write is the path opened.
    bad=$(printf '%s\n' "$writes" | sed -nE 's/^[^"]*"([^"]*)".*/\1/p' |
        { if [ -n "$allowed" ]; then grep -vxE "$allowed" || true; else cat; fi; })
    if [ -n "$bad" ]; then
        echo "  FAIL files opened for writing:"
        printf '%s\n' "$bad" | sed 's/^/    /'
        failed=1
    elif [ -n "$writes" ]; then
        echo "  ok: opened for writing only:"
        printf '%s\n' "$writes" | sed -nE 's/^[^"]*"([^"]*)".*/    \1/p'
    else
        echo "  ok: no file opened for writing"
    fi
    # Renames: both paths must be allowed (the temporary file onto the report).
    bad=$(printf '%s\n' "$renames" | { grep -oE '"[^"]*"' || true; } | tr -d '"' |
        { if [ -n "$allowed" ]; then grep -vxE "$allowed" || true; else cat; fi; })
    if [ -n "$bad" ]; then
        echo "  FAIL renames:"
        printf '%s\n' "$renames" | sed 's/^/    /'
        failed=1
    elif [ -n "$renames" ]; then
        echo "  ok: renamed only the report into place"
    fi
}

# run NAME ALLOWED_REGEX ARGS...: traces the binary on ARGS and checks it.
run() {
    local name=$1 allowed=$2
    shift 2
    local log="$work/$name.trace"
    if ! strace -f -qq -s 4096 -e "$trace" -o "$log" "$bin" "$@" \
        >"$work/$name.out" 2>"$work/$name.err"; then
        echo "$name: FAIL the command failed: $bin $*"
        sed 's/^/    /' "$work/$name.err"
        failed=1
        return
    fi
    check "$name" "$log" "$allowed"
}

echo "privacy-check: $bin, system calls traced with strace -f -e $trace"
run analyze-photo "" analyze "$fixture"
run analyze-json-stdout "" analyze "$work/frames" --json -
w=$(quote_re "$work")
run practice-headless "$w/session\\.json|$w/\\.session\\.json\\.part[0-9]+" \
    practice --source "$work/frames" --headless --no-intro --report "$report"

if [ -s "$report" ] && grep -q '"liveness-coach.session.v1"' "$report"; then
    echo "practice-headless: ok: the report was written to $report"
else
    echo "practice-headless: FAIL no report at $report"
    failed=1
fi
leftover=$(find "$work" -maxdepth 1 -name '.*.part*' | head -n 1)
if [ -n "$leftover" ]; then
    echo "practice-headless: FAIL temporary file left behind: $leftover"
    failed=1
fi

if [ "$failed" -ne 0 ]; then
    echo "privacy-check: FAILED"
    exit 1
fi
echo "privacy-check: passed (no network calls; nothing written but the requested report)"
