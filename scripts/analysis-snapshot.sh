#!/usr/bin/env bash
# The analysis JSON of every zju-dev clip and the head-dev webcam clip, with
# the timing fields removed, into OUT_DIR: run it with the binary before and
# after a change that must not change behaviour, then `diff -r` the folders.
#
# Usage: scripts/analysis-snapshot.sh BINARY OUT_DIR [EVAL_DIR (default ../shared/eval)]
set -euo pipefail
bin=$1
out=$2
eval_dir=$(realpath "${3:-"$(dirname "$0")/../../shared/eval"}")
mkdir -p "$out"
clips=("$eval_dir"/zju-dev/clips/*.mp4 "$eval_dir"/head-dev/webcam_pointer_demo.mp4)
for clip in "${clips[@]}"; do
    name=$(basename "$clip" .mp4)
    "$bin" --lang en analyze "$clip" --json "$out/$name.raw.json" >/dev/null 2>&1 || true
    python3 - "$out/$name.raw.json" "$out/$name.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
a.pop("timing", None)
json.dump(a, open(sys.argv[2], "w"), indent=1, sort_keys=True)
PY
    rm -f "$out/$name.raw.json"
done
echo "${#clips[@]} clips into $out"
