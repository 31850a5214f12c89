#!/usr/bin/env bash
# Times liveness-coach's whole pipeline and Google's MediaPipe Python FaceMesh
# on the same clips, one after the other in the same run, and prints the ratio
# (docs/speed.md).
#
# Usage: scripts/speed-compare.sh [CLIP ...]
#   default clips: a zju-dev clip (320x240) and the head-dev webcam clip
#   (640x480) from ../shared/eval.
#
# MediaPipe 0.10.21 is installed from PyPI into a venv outside the project
# (MEDIAPIPE_VENV, default ~/.cache/liveness-coach/mediapipe-venv) the first
# time; it needs Python 3.9-3.12.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${MEDIAPIPE_VENV:-$HOME/.cache/liveness-coach/mediapipe-venv}"
if ! "$venv/bin/python" -c "import mediapipe" 2>/dev/null; then
  echo "Installing mediapipe==0.10.21 into $venv ..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q mediapipe==0.10.21
fi

if [ $# -eq 0 ]; then
  set -- ../shared/eval/zju-dev/clips/000004M_FBN.mp4 ../shared/eval/head-dev/webcam_pointer_demo.mp4
fi

cargo build --release --quiet
bin="${CARGO_TARGET_DIR:-target}/release/liveness-coach"

echo "machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
for clip in "$@"; do
  echo
  echo "== $clip"
  ours=$("$bin" bench "$clip" --no-draw)
  echo "$ours"
  drawn=$("$bin" bench "$clip" | awk '$1 == "after-decode" { print $2 }')
  mp=$("$venv/bin/python" scripts/mediapipe-timing.py "$clip" --json 2>/dev/null | tail -1)
  echo "mediapipe: $mp"
  ours_mean=$(echo "$ours" | awk '$1 == "after-decode" { print $2 }')
  mp_mean=$(echo "$mp" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mean_ms"])')
  python3 - "$ours_mean" "$drawn" "$mp_mean" <<'PY'
import sys
ours, drawn, mp = map(float, sys.argv[1:])
print(f"ratio: liveness-coach analysis {ours:.2f} ms / MediaPipe FaceMesh {mp:.2f} ms = {ours / mp:.2f}"
      f" (with drawing: {drawn:.2f} ms, {drawn / mp:.2f})")
PY
done
