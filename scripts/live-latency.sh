#!/usr/bin/env bash
# Live-loop figures of the practice window on a recording played at its own
# frame rate, under Xvfb: frames captured / analysed / displayed per second,
# capture-to-screen and capture-to-analysis latency, drawing time.
#
#   scripts/live-latency.sh CLIP [iris|mesh]
#
# Needs xvfb and xdotool. The session report (with its "live" figures) is
# printed as JSON.
set -euo pipefail
cd "$(dirname "$0")/.."
clip=${1:?usage: scripts/live-latency.sh CLIP [iris|mesh]}
eyes=${2:-iris}
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
secs=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$clip" 2>/dev/null | cut -d. -f1)
secs=${secs:-30}
cat > "$work/run.sh" <<'EOS'
#!/usr/bin/env bash
set -u
"$BIN" practice --source "$CLIP" --eyes "$EYES" --seed 2 --report "$WORK/report.json" >/dev/null 2>&1 &
pid=$!
sleep 3; xdotool mousemove 100 100; xdotool key space
sleep "$SECS"; sleep 2
xdotool key q; wait $pid
EOS
chmod +x "$work/run.sh"
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/liveness-coach CLIP=$clip EYES=$eyes WORK=$work SECS=$secs \
    xvfb-run -a -s "-screen 0 960x720x24" "$work/run.sh"
python3 -c "import json,sys; print(json.dumps(json.load(open(sys.argv[1]))['live'], indent=1))" "$work/report.json"
