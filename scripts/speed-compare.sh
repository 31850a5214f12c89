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

# Each clip is timed ROUNDS times (default 5), the two programs taking
# turns, because this machine's speed drifts by 10-30% within minutes for
# both of them: the ratio of the medians is the figure to quote, each
# round's ratio is printed beside it.
rounds="${ROUNDS:-5}"

echo "machine: $(nproc) cores, $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
for clip in "$@"; do
  echo
  echo "== $clip"
  drawn=$("$bin" bench "$clip" | awk '$1 == "after-decode" { print $2 }')
  ours_all=""
  mp_all=""
  for round in $(seq 1 "$rounds"); do
    ours=$("$bin" bench "$clip" --no-draw)
    mp=$("$venv/bin/python" scripts/mediapipe-timing.py "$clip" --json 2>/dev/null | tail -1)
    if [ "$round" -eq "$rounds" ]; then
      echo "$ours"
      echo "mediapipe: $mp"
    fi
    ours_all="$ours_all $(echo "$ours" | awk '$1 == "after-decode" { print $2 }')"
    mp_all="$mp_all $(echo "$mp" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mean_ms"])')"
  done
  python3 - "$drawn" "$ours_all" "$mp_all" <<'PY'
import statistics, sys
drawn = float(sys.argv[1])
ours = [float(v) for v in sys.argv[2].split()]
mp = [float(v) for v in sys.argv[3].split()]
rounds = ", ".join(f"{o:.2f}/{m:.2f} = {o / m:.2f}" for o, m in zip(ours, mp))
o, m = statistics.median(ours), statistics.median(mp)
print(f"rounds (ours/MediaPipe ms): {rounds}")
print(f"ratio: liveness-coach analysis {o:.2f} ms / MediaPipe FaceMesh {m:.2f} ms = {o / m:.2f}"
      f" (medians of {len(ours)} rounds; with drawing: {drawn:.2f} ms, {drawn / m:.2f})")
PY
done
