#!/usr/bin/env bash
# Installs the Debian package on this machine as a user would, runs it from
# outside the repository, and removes it again: `liveness-coach --version`
# and an `analyze` of a shipped fixture photo. Needs root and apt-get; says so
# and skips elsewhere. Leaves the machine as it found it (the package is
# removed even when a check fails; a liveness-coach already installed by hand
# is left alone and the test skips).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "package test: skipped (needs root and apt-get to install the .deb)"
    exit 0
fi
if dpkg -s liveness-coach >/dev/null 2>&1 || command -v liveness-coach >/dev/null; then
    echo "package test: skipped (a liveness-coach is already installed on this machine)"
    exit 0
fi

mapfile -t built < <(scripts/package.sh)
deb=${built[0]}
tarball=${built[1]}
echo "package test: built $deb and $tarball"

cleanup() { DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq liveness-coach >/dev/null 2>&1 || true; }
trap cleanup EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" >/dev/null

elsewhere=$(mktemp -d)
cp tests/fixtures/astronaut.png "$elsewhere/photo.png"
cd "$elsewhere"
installed=$(command -v liveness-coach)
[[ "$installed" == /usr/bin/liveness-coach ]] || { echo "package test: FAILED, installed at '$installed'"; exit 1; }
version=$(liveness-coach --version)
[[ "$version" == "liveness-coach $(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n1)" ]] ||
    { echo "package test: FAILED, --version said '$version'"; exit 1; }
liveness-coach --lang en analyze photo.png --json analysis.json >summary.txt
grep -q '"schema": *"liveness-coach.analysis.v1"' analysis.json ||
    { echo "package test: FAILED, no analysis JSON"; exit 1; }
grep -q '"face": *true' analysis.json || { echo "package test: FAILED, no face found in the fixture"; exit 1; }
# Everything the package holds besides the binary is its documentation.
[[ -f /usr/share/doc/liveness-coach/NOTICE ]] || { echo "package test: FAILED, no NOTICE installed"; exit 1; }
listing=$(tar -tzf "$tarball")
grep -q '/liveness-coach$' <<<"$listing" || { echo "package test: FAILED, tarball has no binary"; exit 1; }
cd "$root"
rm -rf "$elsewhere"
cleanup
trap - EXIT
if dpkg -s liveness-coach >/dev/null 2>&1; then
    echo "package test: FAILED, the package did not uninstall"
    exit 1
fi
echo "package test: passed ($version installed from the .deb, ran analyze outside the repository, removed)"
