#!/usr/bin/env bash
# Screenshots of the HTML report for docs/ and the README, with headless
# Chromium.
#
#   scripts/report-screenshot.sh [OUT_DIR]        (default docs/images)
#
# Needs: chromium, ffmpeg, imagemagick (apt-get install chromium ffmpeg
# imagemagick). Writes:
#   report-en.png       a real clip (head-dev webcam, ../shared/eval) judged
#                       against prompts it does not follow, in English
#   report-top.png      its verdict and prompts (the README's picture)
#   report-zh.png       a real backlit clip (zju-dev 000004M_FBN), in Chinese
#   report-compare.png  three attempts made from the public-domain astronaut
#                       photo (tests/fixtures): too dark, too far, fine, with
#                       --frames (the only report with pictures in it)
# Without ../shared/eval the first two are made from the astronaut photo too.
# The real clips' reports are made without --frames: they hold numbers only.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/images}
mkdir -p "$out"
for tool in chromium ffmpeg convert; do
    command -v "$tool" >/dev/null || {
        echo "missing $tool: apt-get install chromium ffmpeg imagemagick" >&2
        exit 2
    }
done
cargo build --release --quiet
bin=$PWD/target/release/liveness-coach
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Clips from the public-domain photo: the face framed in the oval, the same
# too dark, and the face small in a corner.
face=tests/fixtures/astronaut.png
crop="crop=290:218:80:21"
ffmpeg -v error -y -loop 1 -i "$face" -vf "$crop,scale=640:480" \
    -t 3 -r 30 -pix_fmt yuv420p -f yuv4mpegpipe "$work/attempt-3-fine.y4m"
ffmpeg -v error -y -loop 1 -i "$face" -vf "$crop,scale=640:480,lutyuv=y=val*0.3" \
    -t 3 -r 30 -pix_fmt yuv420p -f yuv4mpegpipe "$work/attempt-1-dark.y4m"
ffmpeg -v error -y -loop 1 -i "$face" -vf "$crop,pad=640:480:20:20:color=0x46505a" \
    -t 3 -r 30 -pix_fmt yuv420p -f yuv4mpegpipe "$work/attempt-2-far.y4m"

# shot PAGE PNG HEIGHT: the top HEIGHT px of the page at 1200 px wide,
# trimmed to its content.
shot() {
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --window-size="1200,$3" --screenshot="$work/raw.png" "file://$1" 2>/dev/null
    convert "$work/raw.png" -fuzz 1% -trim +repage -bordercolor '#f6f7f9' -border 24 \
        -colors 256 "$2"
    echo "wrote $2"
}

eval=../shared/eval
if [ -f "$eval/head-dev/webcam_pointer_demo.mp4" ]; then
    "$bin" --lang en analyze "$eval/head-dev/webcam_pointer_demo.mp4" \
        --challenges turn_left,turn_right,nod --report "$work/en" -q
else
    (cd "$work" && "$bin" --lang en analyze attempt-1-dark.y4m --challenges blink,turn_left \
        --report "$work/en" -q)
fi
if [ -f "$eval/zju-dev/clips/000004M_FBN.mp4" ]; then
    "$bin" --lang zh analyze "$eval/zju-dev/clips/000004M_FBN.mp4" --report "$work/zh" -q
else
    (cd "$work" && "$bin" --lang zh analyze attempt-2-far.y4m --report "$work/zh" -q)
fi
(cd "$work" && "$bin" --lang en analyze attempt-1-dark.y4m attempt-2-far.y4m \
    attempt-3-fine.y4m --frames --report "$work/compare" -q)

shot "$work/en/report.html" "$out/report-en.png" 3400
convert "$out/report-en.png" -crop x830+0+0 +repage "$out/report-top.png"
shot "$work/zh/report.html" "$out/report-zh.png" 3000
# The comparison and the first attempt, with its keyframe.
shot "$work/compare/report.html" "$out/report-compare.png" 2000
