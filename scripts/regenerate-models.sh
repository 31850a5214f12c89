#!/usr/bin/env bash
# Regenerate the ONNX face and hand models in models/ from Google MediaPipe's PyPI
# wheel, following the recipe in models/PROVENANCE.md, check each converted model
# against the original .tflite run by TensorFlow Lite, and check that the
# regenerated models compute the same outputs as the committed ones.
#
# Usage: scripts/regenerate-models.sh [OUTPUT_DIR]
#   OUTPUT_DIR  where the regenerated files and their SHA256SUMS go
#               (default: out/ inside the temporary work folder, which is kept).
#
# Environment:
#   PYTHON     interpreter for the venv (default: python3.11, else python3);
#              tensorflow-cpu 2.15.1 needs Python 3.9 to 3.11.
#   KEEP_WORK  set to 1 to keep the whole work folder (venv, wheel, .tflite, logs).
#
# Needs PyPI access and about 2 GB of free space under ${TMPDIR:-/tmp}; installing
# tensorflow-cpu takes a few minutes.
#
# tf2onnx writes different bytes on every run, so the .onnx files will NOT match
# models/SHA256SUMS; scripts/compare_models.py compares what the models compute
# instead. The committed files stay the pinned reference: this script never
# writes into models/.
#
# palm_detection_full and hand_landmark_full are converted too but not committed
# (hand_landmark_full.onnx is about 11 MB; see PROVENANCE.md for the choice).
# face_detection_full_range exists in the wheel only as
# face_detection_full_range_sparse.tflite, which tf2onnx cannot read (TensorFlow's
# interpreter crashes in get_tensor_details on its sparse weights):
# scripts/densify_tflite.py first rewrites it with dense weights, exactly.
# face_landmark_with_attention.tflite is tried at the end for the record only:
# tf2onnx leaves its MediaPipe custom ops unconverted (see PROVENANCE.md).
# The MediaPipe graph options quoted in PROVENANCE.md (anchors, input sizes and
# ranges, decoding) are written to OUTPUT_DIR/mediapipe-graphs.txt, read from the
# graphs compiled into the wheel's _framework_bindings .so.
#
# canonical_face_model.obj and geometry_pipeline_metadata_landmarks.pbtxt are not
# regenerated: they come from MediaPipe's source tree, and the mediapipe==0.10.21
# wheel does not ship them (its mediapipe/modules/face_geometry/data/ holds only an
# empty __init__.py; checked when this script was written). The committed copies
# are kept as they are. The script still looks for them in the wheel and takes
# them from there if a wheel ever does contain them.

set -euo pipefail

MEDIAPIPE_VERSION=0.10.21
# sha256 of mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl on PyPI
# (files on PyPI cannot be replaced, so this never changes).
WHEEL_SHA256=05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3
# The conversion environment, exactly as in models/PROVENANCE.md.
CONVERT_PACKAGES=("tensorflow-cpu==2.15.1" "tf2onnx==1.17.0" "onnx==1.16.2" "numpy<2")
# Only for the output check, installed afterwards without changing any of the above.
CHECK_PACKAGES=("onnxruntime==1.19.2" "pillow==10.4.0")
# output stem, input tensor name (for --inputs-as-nchw), wheel member under
# mediapipe/modules/. Input names are tf.lite.Interpreter's get_input_details().
MODELS=(
    "face_detection_short_range input face_detection/face_detection_short_range.tflite"
    "face_landmark input_1 face_landmark/face_landmark.tflite"
    "iris_landmark input_1 iris_landmark/iris_landmark.tflite"
    "face_detection_full_range input_1 face_detection/face_detection_full_range_sparse.tflite"
    "palm_detection_lite input_1 palm_detection/palm_detection_lite.tflite"
    "palm_detection_full input_1 palm_detection/palm_detection_full.tflite"
    "hand_landmark_lite input_1 hand_landmark/hand_landmark_lite.tflite"
    "hand_landmark_full input_1 hand_landmark/hand_landmark_full.tflite"
)
ATTENTION_MEMBER=face_landmark/face_landmark_with_attention.tflite
# MediaPipe subgraphs whose options are printed to mediapipe-graphs.txt.
GRAPHS=(FaceDetectionShortRange FaceDetectionFullRange FaceDetection PalmDetectionCpu
    PalmDetectionDetectionToRoi PalmDetectionModelLoader HandLandmarkCpu
    HandLandmarkLandmarksToRoi HandLandmarkModelLoader)
GEOMETRY_FILES=(canonical_face_model.obj geometry_pipeline_metadata_landmarks.pbtxt)

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
COMMITTED="$REPO_ROOT/models"

log() { printf '[regenerate-models %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

command -v sha256sum >/dev/null || die "sha256sum not found"
[[ -d "$COMMITTED" ]] || die "committed models folder not found: $COMMITTED"

# --- interpreter -------------------------------------------------------------
if [[ -z "${PYTHON:-}" ]]; then
    if command -v python3.11 >/dev/null; then PYTHON=python3.11; else PYTHON=python3; fi
fi
command -v "$PYTHON" >/dev/null || die "python not found: $PYTHON"
"$PYTHON" -c 'import sys; sys.exit(0 if (3, 9) <= sys.version_info[:2] <= (3, 11) else 1)' \
    || die "$PYTHON is $("$PYTHON" -V 2>&1); tensorflow-cpu 2.15.1 needs Python 3.9-3.11 (set PYTHON=...)"

# --- work and output folders ---------------------------------------------------
START=$SECONDS
WORK=$(mktemp -d "${TMPDIR:-/tmp}/regenerate-models.XXXXXX")
OUT=${1:-"$WORK/out"}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if [[ "$OUT" -ef "$COMMITTED" ]]; then
    rm -rf "$WORK"
    die "the output folder must not be models/: the committed files are the reference to compare with"
fi

cleanup() {
    local rc=$?
    if [[ "${KEEP_WORK:-0}" == 1 ]]; then
        log "work folder kept: $WORK"
    elif [[ "$OUT" == "$WORK"/* ]]; then
        # The output lives in the work folder: keep it, drop the bulky rest.
        rm -rf "$WORK/venv" "$WORK/wheel" "$WORK/tflite"
    else
        rm -rf "$WORK"
    fi
    if [[ $rc -ne 0 ]]; then
        log "FAILED (exit $rc) after $((SECONDS - START)) s"
    fi
}
trap cleanup EXIT

log "work folder: $WORK"
log "output folder: $OUT"

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
export TF_CPP_MIN_LOG_LEVEL=2 # keep TensorFlow's start-up chatter out of the logs

# --- venv with the conversion tools -------------------------------------------------
log "creating venv with $("$PYTHON" -V 2>&1)"
"$PYTHON" -m venv "$WORK/venv"
VPY="$WORK/venv/bin/python"
log "installing ${CONVERT_PACKAGES[*]} (takes a few minutes)"
"$VPY" -m pip install --quiet "${CONVERT_PACKAGES[@]}"

# --- MediaPipe wheel (unzipped, never installed) ------------------------------------
log "downloading mediapipe==$MEDIAPIPE_VERSION wheel"
mkdir -p "$WORK/wheel"
"$VPY" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
    --platform manylinux_2_28_x86_64 "mediapipe==$MEDIAPIPE_VERSION" -d "$WORK/wheel"
WHEEL=$(ls "$WORK"/wheel/mediapipe-"$MEDIAPIPE_VERSION"-*.whl)
got=$(sha256sum "$WHEEL" | cut -d' ' -f1)
[[ "$got" == "$WHEEL_SHA256" ]] || die "wheel sha256 $got, expected $WHEEL_SHA256"

# Extract the given wheel members (flattened) into a folder; a missing member is
# skipped and reported on stdout as "missing NAME".
extract() {
    local dest=$1
    shift
    "$VPY" - "$WHEEL" "$dest" "$@" <<'EOF'
import os, sys, zipfile
wheel, dest, members = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(dest, exist_ok=True)
with zipfile.ZipFile(wheel) as z:
    names = set(z.namelist())
    for m in members:
        if m not in names:
            print("missing", m)
            continue
        with open(os.path.join(dest, os.path.basename(m)), "wb") as f:
            f.write(z.read(m))
EOF
}

tflite_members=("mediapipe/modules/$ATTENTION_MEMBER")
for entry in "${MODELS[@]}"; do
    read -r _ _ member <<<"$entry"
    tflite_members+=("mediapipe/modules/$member")
done
missing=$(extract "$WORK/tflite" "${tflite_members[@]}")
[[ -z "$missing" ]] || die "not in the wheel: $missing"

# --- conversion ----------------------------------------------------------------------
written=()
for entry in "${MODELS[@]}"; do
    read -r stem input member <<<"$entry"
    src="$WORK/tflite/$(basename "$member")"
    if [[ "$src" == *_sparse.tflite ]]; then
        log "densifying $(basename "$member") (sparse weights; tf2onnx cannot read them)"
        "$VPY" "$SCRIPT_DIR/densify_tflite.py" "$src" "$WORK/$stem.dense.tflite" >&2
        src="$WORK/$stem.dense.tflite"
    fi
    log "converting $(basename "$src") to $stem.onnx (input $input as NCHW, opset 13)"
    if ! "$VPY" -m tf2onnx.convert --tflite "$src" --output "$OUT/$stem.onnx" \
        --opset 13 --inputs-as-nchw "$input" >"$WORK/tf2onnx-$stem.log" 2>&1; then
        tail -n 30 "$WORK/tf2onnx-$stem.log" >&2
        die "tf2onnx failed on $stem"
    fi
    written+=("$stem.onnx")
done

# --- face geometry data (see the note at the top) ------------------------------------
geometry_members=()
for f in "${GEOMETRY_FILES[@]}"; do
    geometry_members+=("mediapipe/modules/face_geometry/data/$f")
done
missing=$(extract "$OUT" "${geometry_members[@]}")
for f in "${GEOMETRY_FILES[@]}"; do
    if [[ -f "$OUT/$f" ]]; then
        written+=("$f")
        if cmp -s "$OUT/$f" "$COMMITTED/$f"; then
            log "$f: extracted from the wheel, identical to the committed file"
        else
            log "WARNING: $f: extracted from the wheel, DIFFERENT from the committed file"
        fi
    fi
done
if [[ -n "$missing" ]]; then
    log "not in the wheel, committed copies kept as they are: ${missing//$'\n'/, }"
fi

# --- checksums -----------------------------------------------------------------------
(cd "$OUT" && sha256sum "${written[@]}" >SHA256SUMS)
log "wrote $OUT/SHA256SUMS"
# For information only: the .onnx bytes are expected to differ (tf2onnx is not byte-stable).
while read -r sum name; do
    if grep -qx "$sum  $name" "$COMMITTED/SHA256SUMS"; then
        log "$name: same bytes as the committed file"
    elif ! grep -q "  $name\$" "$COMMITTED/SHA256SUMS"; then
        log "$name: not committed (converted for comparison only)"
    else
        log "$name: bytes differ from models/SHA256SUMS (expected for .onnx)"
    fi
done <"$OUT/SHA256SUMS"

# --- output check --------------------------------------------------------------------
log "installing ${CHECK_PACKAGES[*]} for the output check (pinned tools left unchanged)"
"$VPY" -m pip freeze >"$WORK/constraints.txt"
"$VPY" -m pip install --quiet -c "$WORK/constraints.txt" "${CHECK_PACKAGES[@]}"
log "checking every converted model against its original .tflite (TensorFlow Lite)"
"$VPY" "$SCRIPT_DIR/check_onnx_vs_tflite.py" "$WORK/tflite" "$OUT"
log "comparing outputs: committed models/ vs regenerated"
"$VPY" "$SCRIPT_DIR/compare_models.py" "$COMMITTED" "$OUT"

# --- MediaPipe's own graph options, for PROVENANCE.md ----------------------------------
"$VPY" "$SCRIPT_DIR/mediapipe_graphs.py" "$WHEEL" "${GRAPHS[@]}" >"$OUT/mediapipe-graphs.txt"
log "wrote $OUT/mediapipe-graphs.txt (graph options compiled into the wheel)"

# --- face_landmark_with_attention: for the record, never written to OUTPUT_DIR ---------
att="$WORK/tflite/$(basename "$ATTENTION_MEMBER")"
log "trying $(basename "$att") (expected not to be usable: MediaPipe custom ops)"
if "$VPY" -m tf2onnx.convert --tflite "$att" --output "$WORK/attention.onnx" --opset 13 \
    --inputs-as-nchw input_1 >"$WORK/tf2onnx-attention.log" 2>&1; then
    grep -o "Unsupported ops: .*" "$WORK/tf2onnx-attention.log" | sed 's/^/    tf2onnx: /' >&2 || true
    "$VPY" - "$WORK/attention.onnx" <<'EOF' >&2 || true
import sys, onnxruntime as ort
try:
    ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
    print("    face_landmark_with_attention.onnx LOADS in onnxruntime: update PROVENANCE.md")
except Exception as e:
    print("    onnxruntime refuses it:", str(e).splitlines()[0][:300])
EOF
else
    log "tf2onnx failed on $(basename "$att"):"
    tail -n 5 "$WORK/tf2onnx-attention.log" >&2
fi

log "done in $((SECONDS - START)) s; regenerated files in $OUT"
