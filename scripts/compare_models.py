#!/usr/bin/env python3
"""Check that two folders of face models compute the same outputs.

Usage: compare_models.py REFERENCE_DIR CANDIDATE_DIR [--atol 1e-4] [--image PNG]

tf2onnx writes different bytes on every run, so regenerated models cannot be
compared with the committed ones by hash. Instead both versions of each model are
run with onnxruntime on the same deterministic inputs (a real photo, fixed crops
of it, and seeded random tensors, in the layouts given in models/PROVENANCE.md),
and every output must match within an absolute tolerance.

Prints the maximum absolute difference per model; exits 1 on any mismatch
(difference above the tolerance, different input/output names or shapes, or a
non-finite value) and 2 on bad usage or missing files.
"""

import argparse
import os
import sys

import numpy as np
import onnxruntime as ort
from PIL import Image

# name -> (side of the square input, value range). Layout is [1,3,side,side], RGB.
MODELS = {
    "face_detection_short_range.onnx": (128, (-1.0, 1.0)),
    "face_landmark.onnx": (192, (0.0, 1.0)),
    "iris_landmark.onnx": (64, (0.0, 1.0)),
    "face_detection_full_range.onnx": (192, (-1.0, 1.0)),
    "palm_detection_lite.onnx": (192, (0.0, 1.0)),
    "hand_landmark_lite.onnx": (224, (0.0, 1.0)),
}

# Rough fixed crops of tests/fixtures/astronaut.png (512x512), (left, top, right,
# bottom), so the mesh and iris models also see the kind of input they get in the
# app. They need not be exact: both model versions get the same pixels.
CROPS = {
    "face_landmark.onnx": [("face crop", (140, 43, 310, 213))],
    "iris_landmark.onnx": [
        ("eye crop A", (179, 78, 225, 124)),
        ("eye crop B", (224, 78, 270, 124)),
    ],
}

SEEDS = (0, 1, 2)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_IMAGE = os.path.join(HERE, "..", "tests", "fixtures", "astronaut.png")


def to_tensor(img, side, value_range):
    """PIL image -> float32 [1,3,side,side] in value_range."""
    img = img.convert("RGB").resize((side, side), Image.BILINEAR)
    x = np.asarray(img, dtype=np.float32) / 255.0  # HWC in [0,1]
    lo, hi = value_range
    x = lo + x * (hi - lo)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def make_inputs(name, side, value_range, photo):
    inputs = [("photo resized", to_tensor(photo, side, value_range))]
    for label, box in CROPS.get(name, []):
        inputs.append((label, to_tensor(photo.crop(box), side, value_range)))
    lo, hi = value_range
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        x = rng.uniform(lo, hi, size=(1, 3, side, side)).astype(np.float32)
        inputs.append((f"random seed {seed}", x))
    inputs.append(("constant mid-grey", np.full((1, 3, side, side), (lo + hi) / 2, np.float32)))
    return inputs


def session(path):
    opts = ort.SessionOptions()
    # One thread: same reduction order on every run, and the machine is shared.
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])


def signature(values):
    return [(v.name, list(v.shape)) for v in values]


def compare_model(name, ref_path, cand_path, photo, atol):
    side, value_range = MODELS[name]
    ref, cand = session(ref_path), session(cand_path)
    problems = []

    if signature(ref.get_inputs()) != signature(cand.get_inputs()):
        problems.append(
            f"inputs differ: {signature(ref.get_inputs())} vs {signature(cand.get_inputs())}"
        )
    if signature(ref.get_outputs()) != signature(cand.get_outputs()):
        problems.append(
            f"outputs differ: {signature(ref.get_outputs())} vs {signature(cand.get_outputs())}"
        )
    if problems:
        return None, problems

    (inp,) = ref.get_inputs()
    expected_shape = [1, 3, side, side]
    if list(inp.shape) != expected_shape:
        problems.append(f"input {inp.name} has shape {inp.shape}, expected {expected_shape}")
        return None, problems

    out_names = [o.name for o in ref.get_outputs()]
    max_by_output = {o: 0.0 for o in out_names}
    for label, x in make_inputs(name, side, value_range, photo):
        r = ref.run(None, {inp.name: x})
        c = cand.run(None, {inp.name: x})
        for out_name, a, b in zip(out_names, r, c):
            if a.shape != b.shape:
                problems.append(f"{label}: output {out_name} shape {a.shape} vs {b.shape}")
                continue
            if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
                problems.append(f"{label}: output {out_name} has non-finite values")
                continue
            d = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))
            max_by_output[out_name] = max(max_by_output[out_name], d)
            if d > atol:
                problems.append(f"{label}: output {out_name} differs by {d:.3g} > {atol:g}")
    return max_by_output, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reference", help="folder with the reference models (e.g. models/)")
    ap.add_argument("candidate", help="folder with the regenerated models")
    ap.add_argument("--atol", type=float, default=1e-4, help="absolute tolerance (default 1e-4)")
    ap.add_argument("--image", default=DEFAULT_IMAGE, help="photo used as a real input")
    args = ap.parse_args()

    missing = [
        os.path.join(d, n)
        for d in (args.reference, args.candidate)
        for n in MODELS
        if not os.path.isfile(os.path.join(d, n))
    ]
    if not os.path.isfile(args.image):
        missing.append(args.image)
    if missing:
        for m in missing:
            print(f"missing: {m}", file=sys.stderr)
        return 2

    photo = Image.open(args.image)
    photo.load()
    print(f"onnxruntime {ort.__version__}, tolerance {args.atol:g} absolute")
    print(f"reference: {os.path.abspath(args.reference)}")
    print(f"candidate: {os.path.abspath(args.candidate)}")

    failed = False
    for name in MODELS:
        max_by_output, problems = compare_model(
            name,
            os.path.join(args.reference, name),
            os.path.join(args.candidate, name),
            photo,
            args.atol,
        )
        if max_by_output is not None:
            overall = max(max_by_output.values())
            detail = ", ".join(f"{k} {v:.3g}" for k, v in max_by_output.items())
            status = "OK" if not problems else "MISMATCH"
            print(f"{status:8} {name}: max abs difference {overall:.3g} ({detail})")
        else:
            print(f"MISMATCH {name}")
        for p in problems:
            print(f"         {p}")
        failed = failed or bool(problems)

    print("all models match" if not failed else "models DIFFER")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
