#!/usr/bin/env bash
# Trains the face-cover network (models/face_cover.onnx: face, mask) and the
# heads on the mesh's features (models/face_cover_heads.onnx: sunglasses,
# clear glasses, hat) from the real photos of ../shared/eval/masks and
# ../shared/eval/occlusion, and writes the fold models for the held-out
# scores (docs/occlusion.md, models/PROVENANCE.md).
#
#   bash scripts/train_cover.sh [EVAL_DIR] [WORK_DIR]
#
# EVAL_DIR defaults to ../shared/eval; WORK_DIR (crops, fold models,
# held-out scores; research-licensed material, never the repository)
# defaults to /tmp/lc-cover. Pinned tools in a venv under ~/.cache.
# Deterministic: seeds fixed in train_cover.py, single-threaded CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
EVAL=${1:-../shared/eval}
WORK=${2:-/tmp/lc-cover}
VENV=${LC_COVER_VENV:-$HOME/.cache/lc-occ-venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q "jax[cpu]==0.10.2" "jaxlib==0.10.2" "numpy==2.4.6" \
  "onnx==1.19.1" "onnxruntime==1.23.2" "scikit-learn==1.7.2"
mkdir -p "$WORK"
cargo run --release -q -p lc-eval --example extract_cover_crops -- "$EVAL" "$WORK/crops"
"$VENV/bin/python" scripts/train_cover.py "$WORK/crops" "$WORK" --model models/face_cover.onnx --epochs 24
"$VENV/bin/python" scripts/train_cover_heads.py "$WORK/crops" "$WORK" --model models/face_cover_heads.onnx
(cd models && sha256sum face_cover.onnx face_cover_heads.onnx)
echo "update models/SHA256SUMS with the lines above, then:"
echo "  cargo run --release -p lc-eval --example eval_photos -- $EVAL --cover-folds $WORK"
