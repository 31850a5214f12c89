#!/usr/bin/env bash
# Installs the system packages the build needs, then runs every test: the
# Debian package installed and run from outside the repository
# (scripts/package-test.sh), then every crate of the workspace.
# Tests on real footage read ../shared/eval and skip with a message where it
# is absent. Release mode: the models run 30x faster than in a debug build and
# the dependencies are built once for both the binary and the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/package-test.sh
cargo test --release --workspace "$@"
