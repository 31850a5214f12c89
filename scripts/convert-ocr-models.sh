#!/usr/bin/env bash
# Fetches the OCR models the `document` command reads text with: the PP-OCRv4
# text detector and recogniser (PaddleOCR, Apache-2.0) as ONNX, from the PyPI
# wheel rapidocr_onnxruntime==1.4.4, into models/ocr/ (not committed: 15 MB,
# over this repository's per-file limit for models). Every file is checked
# against models/ocr/SHA256SUMS (committed); the wheel itself is pinned by its
# SHA-256 too. The character dictionary (models/ocr/ppocr_keys_v1.txt, the
# recogniser's `character` metadata) is committed.
#
# Usage: scripts/convert-ocr-models.sh [--verify]
#   (no option)  fetch and check; does nothing when the files are already there
#                and match. Needs only python3 with pip (pip download) and PyPI.
#   --verify     also run tract (PyPI `tract==0.23.9`, the engine the binary uses)
#                and onnxruntime on the same inputs (the shipped UTOPIA specimen
#                picture, a face photo, random tensors) and print the largest
#                difference per model (scripts/check_ocr_models.py); needs a venv
#                with pinned packages, made under ${TMPDIR:-/tmp}.
#
# The wheel's files are the ONNX files RapidOCR converted from PaddleOCR's
# inference models with paddle2onnx; they are used unchanged (no conversion
# here: "convert" is the name of the step for the face models).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dest=models/ocr
wheel=rapidocr_onnxruntime-1.4.4-py3-none-any.whl
wheel_sha=971d7d5f223a7a808662229df1ef69893809d8457d834e6373d3854bc1782cbf
files=(ch_PP-OCRv4_det_infer.onnx ch_PP-OCRv4_rec_infer.onnx)
python=${PYTHON:-python3}

verify=0
[[ "${1:-}" == "--verify" ]] && verify=1

present() {
    for f in "${files[@]}"; do [[ -f "$dest/$f" ]] || return 1; done
    (cd "$dest" && sha256sum --quiet -c SHA256SUMS)
}

if present; then
    echo "OCR models: present in $dest and matching SHA256SUMS" >&2
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/lc-ocr.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    echo "OCR models: downloading $wheel from PyPI ..." >&2
    "$python" -m pip download --quiet --no-deps --only-binary=:all: \
        rapidocr_onnxruntime==1.4.4 -d "$work" >&2
    echo "$wheel_sha  $work/$wheel" | sha256sum --quiet -c - ||
        { echo "the downloaded $wheel does not have the expected SHA-256" >&2; exit 1; }
    for f in "${files[@]}"; do
        "$python" - "$work/$wheel" "rapidocr_onnxruntime/models/$f" "$work/$f" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], "wb") as out:
    out.write(z.read(sys.argv[2]))
PY
    done
    (cd "$work" && grep -F -f <(printf '%s\n' "${files[@]}") "$root/$dest/SHA256SUMS" | sha256sum --quiet -c -) ||
        { echo "the models in $wheel do not match $dest/SHA256SUMS" >&2; exit 1; }
    for f in "${files[@]}"; do install -m 644 "$work/$f" "$dest/$f"; done
    (cd "$dest" && sha256sum --quiet -c SHA256SUMS)
    echo "OCR models: installed in $dest" >&2
fi

if [[ $verify -eq 1 ]]; then
    venv="${TMPDIR:-/tmp}/lc-ocr-venv"
    [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet onnxruntime==1.19.2 tract==0.23.9 "numpy<2" pillow==10.4.0 >&2
    "$venv/bin/python" scripts/check_ocr_models.py "$dest"
fi
