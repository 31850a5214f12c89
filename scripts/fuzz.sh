#!/usr/bin/env bash
# Runs the property tests of tests/fuzz.rs (Y4M reader and pipe, images, JSON
# reports, command-line values, the binary's arguments) with a larger budget
# than `cargo test` uses: CASES cases per property (default 5000; the binary
# property gets a twentieth, since each of its cases starts a process).
# Failures are saved in tests/fuzz.proptest-regressions (keep that file: every
# later `cargo test` replays it). Extra arguments go to the test binary's
# filter, e.g. `scripts/fuzz.sh y4m` runs the Y4M properties only.
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${CASES:-5000}"
start=$SECONDS
report() {
    local status=$?
    echo "fuzz: ${cases} cases per property, ran for $((SECONDS - start)) s, exit ${status}"
}
trap report EXIT
echo "fuzz: ${cases} cases per property (PROPTEST_CASES); regressions in tests/fuzz.proptest-regressions"
PROPTEST_CASES="$cases" cargo test --release --test fuzz -- "$@"
