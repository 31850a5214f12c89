#!/usr/bin/env python3
"""Check converted ONNX models against the original .tflite files run by
TensorFlow Lite's interpreter.

Usage: check_onnx_vs_tflite.py TFLITE_DIR ONNX_DIR [--rtol 1e-5] [--image PNG ...]
                               [--only NAME ...]

For each model in MODELS whose .onnx is in ONNX_DIR, runs onnxruntime on the
.onnx (NCHW input) and tf.lite.Interpreter on the .tflite (NHWC, the same
pixels) with deterministic inputs: each --image letterboxed to the model's input
(default: tests/fixtures/astronaut.png) and a centre crop of it, three seeded
random tensors in the model's value range, and a constant mid-grey. Outputs are
matched by name. Prints the maximum absolute difference per output and the
range of values seen; exits 1 on a difference above the tolerance, a missing
or extra output, or a non-finite value.

The tolerance is relative to the output's scale: an output passes when
max|onnx - tflite| <= rtol * max(1, max|tflite|) for every input. Outputs such as
the detectors' box offsets reach +-200 (input pixels), where float32 rounding in
a different summation order (onnxruntime vs TFLite's XNNPACK kernels) alone
gives differences of 1e-4 to 3e-4.

Needs tensorflow (the conversion venv's 2.15.1), onnxruntime, numpy and pillow.
"""

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402
import tensorflow as tf  # noqa: E402
from PIL import Image  # noqa: E402

# onnx file -> (tflite file, square input side, value range). [1,3,side,side] RGB.
MODELS = {
    "face_detection_short_range.onnx": ("face_detection_short_range.tflite", 128, (-1.0, 1.0)),
    "face_detection_full_range.onnx": ("face_detection_full_range_sparse.tflite", 192, (-1.0, 1.0)),
    "face_landmark.onnx": ("face_landmark.tflite", 192, (0.0, 1.0)),
    "iris_landmark.onnx": ("iris_landmark.tflite", 64, (0.0, 1.0)),
    "palm_detection_lite.onnx": ("palm_detection_lite.tflite", 192, (0.0, 1.0)),
    "palm_detection_full.onnx": ("palm_detection_full.tflite", 192, (0.0, 1.0)),
    "hand_landmark_lite.onnx": ("hand_landmark_lite.tflite", 224, (0.0, 1.0)),
    "hand_landmark_full.onnx": ("hand_landmark_full.tflite", 224, (0.0, 1.0)),
}
SEEDS = (0, 1, 2)
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_IMAGE = os.path.join(HERE, "..", "tests", "fixtures", "astronaut.png")


def letterbox(img, side, value_range, box=None):
    """PIL image (or its crop `box`) -> [1,3,side,side] float32, aspect kept, black bars."""
    img = img.convert("RGB")
    if box is not None:
        img = img.crop(box)
    scale = side / max(img.size)
    w, h = max(1, round(img.width * scale)), max(1, round(img.height * scale))
    canvas = Image.new("RGB", (side, side))
    canvas.paste(img.resize((w, h), Image.BILINEAR), ((side - w) // 2, (side - h) // 2))
    x = np.asarray(canvas, dtype=np.float32) / 255.0
    lo, hi = value_range
    return np.ascontiguousarray((lo + x * (hi - lo)).transpose(2, 0, 1)[None])


def make_inputs(images, side, value_range):
    out = []
    for path, img in images:
        name = os.path.basename(path)
        out.append((f"{name} letterboxed", letterbox(img, side, value_range)))
        w, h = img.size
        s = min(w, h) // 2
        box = ((w - s) // 2, (h - s) // 2, (w + s) // 2, (h + s) // 2)
        out.append((f"{name} centre crop", letterbox(img, side, value_range, box)))
    lo, hi = value_range
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        out.append((f"random seed {seed}",
                    rng.uniform(lo, hi, size=(1, 3, side, side)).astype(np.float32)))
    out.append(("constant mid-grey", np.full((1, 3, side, side), (lo + hi) / 2, np.float32)))
    return out


def check(onnx_path, tflite_path, side, value_range, images, rtol):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(onnx_path, sess_options=opts, providers=["CPUExecutionProvider"])
    it = tf.lite.Interpreter(model_path=tflite_path, num_threads=1)
    it.allocate_tensors()
    (tin,) = it.get_input_details()
    (oin,) = sess.get_inputs()
    problems = []
    if list(oin.shape) != [1, 3, side, side]:
        problems.append(f"onnx input {oin.name} {oin.shape}, expected [1,3,{side},{side}]")
    if list(tin["shape"]) != [1, side, side, 3]:
        problems.append(f"tflite input {tin['name']} {list(tin['shape'])}")
    tout = {d["name"]: d for d in it.get_output_details()}
    onames = [o.name for o in sess.get_outputs()]
    if sorted(tout) != sorted(onames):
        problems.append(f"outputs differ: tflite {sorted(tout)} vs onnx {sorted(onames)}")
    if problems:
        return None, problems
    stats = {n: [0.0, np.inf, -np.inf, None] for n in onames}  # maxdiff, min, max, shape
    for label, x in make_inputs(images, side, value_range):
        o = dict(zip(onames, sess.run(None, {oin.name: x})))
        it.set_tensor(tin["index"], np.ascontiguousarray(x.transpose(0, 2, 3, 1)))
        it.invoke()
        for n in onames:
            a, b = o[n], it.get_tensor(tout[n]["index"])
            if a.shape != b.shape:
                problems.append(f"{label}: {n} shape onnx {a.shape} vs tflite {b.shape}")
                continue
            if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
                problems.append(f"{label}: {n} has non-finite values")
                continue
            d = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))
            st = stats[n]
            st[0] = max(st[0], d)
            st[1], st[2], st[3] = min(st[1], float(b.min())), max(st[2], float(b.max())), list(b.shape)
            tol = rtol * max(1.0, float(np.max(np.abs(b))))
            if d > tol:
                problems.append(f"{label}: {n} differs by {d:.3g} > {tol:.3g}")
    return stats, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tflite_dir")
    ap.add_argument("onnx_dir")
    ap.add_argument("--rtol", type=float, default=1e-5,
                    help="tolerance relative to max(1, max|output|) (default 1e-5)")
    ap.add_argument("--image", action="append", help="real photo(s) to use as inputs")
    ap.add_argument("--only", action="append", help="onnx file name(s) to check")
    args = ap.parse_args()
    images = []
    for p in args.image or [DEFAULT_IMAGE]:
        img = Image.open(p)
        img.load()
        images.append((p, img))
    names = [n for n in MODELS if (not args.only or n in args.only)
             and os.path.isfile(os.path.join(args.onnx_dir, n))]
    if not names:
        print("no models to check", file=sys.stderr)
        return 2
    print(f"tensorflow {tf.__version__}, onnxruntime {ort.__version__}, "
          f"tolerance {args.rtol:g} x max(1, max|output|)")
    failed = False
    for n in names:
        tfl, side, vr = MODELS[n]
        tpath = os.path.join(args.tflite_dir, tfl)
        if not os.path.isfile(tpath):
            print(f"MISSING  {n}: {tpath}")
            failed = True
            continue
        stats, problems = check(os.path.join(args.onnx_dir, n), tpath, side, vr, images, args.rtol)
        if stats is not None:
            worst = max(s[0] for s in stats.values())
            print(f"{'OK' if not problems else 'MISMATCH':8} {n} vs {tfl}: max abs difference {worst:.3g}")
            for k, (d, lo, hi, shape) in stats.items():
                print(f"         {k} {shape}: max abs diff {d:.3g}, values seen {lo:.4g}..{hi:.4g}")
        else:
            print(f"MISMATCH {n}")
        for p in problems:
            print(f"         {p}")
        failed = failed or bool(problems)
    print("all match" if not failed else "some models DIFFER")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
