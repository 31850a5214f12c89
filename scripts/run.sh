#!/usr/bin/env bash
# Builds (release) and runs liveness-coach; with no arguments, the webcam coach.
#   scripts/run.sh                      # practice with the webcam
#   scripts/run.sh analyze VIDEO        # analyse a recording
#   scripts/run.sh analyze VIDEO --report DIR   # ... and write DIR/report.html
#   scripts/run.sh check                # a 5-second look before the real check
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ $# -eq 0 ]; then
  set -- practice
fi
exec cargo run --release --quiet -- "$@"
