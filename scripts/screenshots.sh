#!/usr/bin/env bash
# Screenshots of the practice window and the live document guide for docs/
# and the README, under Xvfb.
#
#   scripts/screenshots.sh [OUT_DIR]        (default docs/images)
#
# Needs: xvfb, xdotool, imagemagick, ffmpeg (apt-get install xvfb xdotool
# imagemagick ffmpeg). The clips are made from tests/fixtures/astronaut.png
# (public domain): one framed in the oval, one with the face small and off
# centre (for the live hints). Keys are sent with xdotool as a person would.
# The document guide's clip is made from tests/fixtures/coffee.png and the
# UTOPIA specimen (mrz-utopia-td3.png): the table alone, the specimen on it
# with a bright spot (glare), then without.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/images}
mkdir -p "$out"
for tool in xvfb-run xdotool import ffmpeg; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install xvfb xdotool imagemagick ffmpeg" >&2; exit 2; }
done
cargo build --release --quiet
bin=$PWD/target/release/liveness-coach
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ffmpeg -v error -y -loop 1 -i tests/fixtures/astronaut.png -vf "crop=290:218:80:21,scale=640:480" \
    -t 40 -r 30 -pix_fmt yuv420p -f yuv4mpegpipe "$work/framed.y4m"
ffmpeg -v error -y -loop 1 -i tests/fixtures/astronaut.png -vf "scale=480:480,pad=640:480:0:0" \
    -t 20 -r 30 -pix_fmt yuv420p -f yuv4mpegpipe "$work/far.y4m"
convert tests/fixtures/coffee.png -resize '640x480!' "$work/table.png"
convert "$work/table.png" \( tests/fixtures/mrz-utopia-td3.png -resize 480x \) -gravity center \
    -composite "$work/doc.png"
convert -size 640x480 xc:black -fill white -draw "ellipse 330 300 70 28 0 360" -blur 0x6 "$work/spot.png"
convert "$work/doc.png" "$work/spot.png" -compose screen -composite "$work/glare.png"
ffmpeg -v error -y -loop 1 -t 3 -i "$work/table.png" -loop 1 -t 4 -i "$work/glare.png" \
    -loop 1 -t 30 -i "$work/doc.png" -filter_complex "[0][1][2]concat=n=3:v=1,fps=30,format=yuv420p" \
    -f yuv4mpegpipe "$work/document.y4m"

cat > "$work/session.sh" <<'EOS'
#!/usr/bin/env bash
# session.sh LANG, with BIN, WORK and OUT in the environment.
set -u
lang=$1
shot() { sleep "$1"; import -window root "$OUT/practice-$2-$lang.png"; }
xdotool mousemove 100 100
# Get ready, hold still, a prompt, the result.
"$BIN" practice --source "$WORK/framed.y4m" --lang "$lang" --challenges blink,turn_left \
    --prompt-timeout 4 --seed 1 >/dev/null 2>&1 &
pid=$!
shot 3 getready
xdotool key space
shot 2.2 hold
shot 3.5 prompt
shot 8 result
xdotool key q; wait $pid
# A live hint: the face too small and off centre.
"$BIN" practice --source "$WORK/far.y4m" --lang "$lang" --seed 1 >/dev/null 2>&1 &
pid=$!
sleep 4; xdotool key space
shot 3 hint
xdotool key q; wait $pid
# Each prompt of the action checks (issue 16), as it is first shown.
for kind in open_mouth shake look_up look_down move_closer; do
    "$BIN" practice --source "$WORK/framed.y4m" --lang "$lang" --challenges "$kind" \
        --no-intro --prompt-timeout 20 >/dev/null 2>&1 &
    pid=$!
    shot 3 "prompt-$kind"
    xdotool key q; wait $pid
done
# The colour flash (issue 16): its notice, then a colour of the sequence.
"$BIN" practice --source "$WORK/framed.y4m" --lang "$lang" --style oval --challenges colour_flash \
    --no-intro >/dev/null 2>&1 &
pid=$!
shot 3 flash-notice
xdotool key space
shot 1.5 flash
xdotool key q; wait $pid
# What the model sees (--landmarks).
"$BIN" practice --source "$WORK/framed.y4m" --lang "$lang" --landmarks --challenges turn_left \
    >/dev/null 2>&1 &
pid=$!
sleep 4; xdotool key space
shot 6 landmarks
xdotool key q; wait $pid
# The live document guide (issue 17): no document, glare, the picture taken.
docshot() { sleep "$1"; import -window root "$OUT/document-guide-$2-$lang.png"; }
"$BIN" document --source "$WORK/document.y4m" --lang "$lang" --today 2011-06-01 >/dev/null 2>&1 &
pid=$!
docshot 2.5 place
docshot 3 glare
docshot 6 taken
xdotool mousemove 200 200 key q; wait $pid
EOS
chmod +x "$work/session.sh"
for lang in en zh; do
    BIN=$bin WORK=$work OUT=$PWD/$out xvfb-run -a -s "-screen 0 960x720x24" "$work/session.sh" "$lang"
done
# Smaller files for the repository: 640x480 JPEG.
for f in "$out"/practice-*.png "$out"/document-guide-*.png; do
    convert "$f" -resize 640x480 -quality 82 "${f%.png}.jpg"
    rm "$f"
done
ls -la "$out"
