#!/usr/bin/env python3
"""How often the short-range and the full-range face detector find the face on
the real masked / unmasked photos of the eval set (shared/eval/masks).

Usage: measure_detector_recall.py EVAL_MASKS_DIR [--models DIR] [--thresholds 0.6,0.5,...]
e.g.   scripts/measure_detector_recall.py ../shared/eval/masks

Reads EVAL_MASKS_DIR/labels.csv and the photos it lists (640x480 frames, one
face photo pasted on a grey-118 canvas), runs models/face_detection_short_range.onnx
and models/face_detection_full_range.onnx with onnxruntime, and prints a Markdown
table on stdout. It writes no file.

Preprocessing and decoding follow the app's Rust code (src/vision/detector.rs,
roi.rs, warp.rs):
- the whole frame letterboxed: a square of side max(w, h) centred on the frame,
  sampled at n x n pixel centres with bilinear interpolation, pixels outside the
  frame black; values v * 2/255 - 1 (so [-1, 1]); planar RGB [1,3,n,n];
  n = 128 (short range) or 192 (full range);
- anchors at cell centres (offset 0.5), fixed size: short range 16x16 x 2 and
  8x8 x 6 per cell (896); full range 48x48 x 1 per cell (2304), from MediaPipe's
  FaceDetectionFullRange options (num_layers 1, strides 4,
  interpolated_scale_aspect_ratio 0);
- box centre = raw/n + anchor, w, h = raw/n; score = sigmoid(clip(logit, +-100));
  kept when score >= threshold; weighted NMS at IoU 0.3 as in detector.rs.

A photo counts as found when some detection's box centre lies inside the pasted
photo's rectangle (the bounding box of the pixels that are not the grey-118
canvas). Every other detection is a false extra: boxes centred outside the photo
and second boxes on the same photo that NMS did not merge.
"""

import argparse
import csv
import os
import sys

import numpy as np
import onnxruntime as ort
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODELS = os.path.join(HERE, "..", "models")
CANVAS_GREY = 118
NMS_IOU = 0.3
SCORE_CLIP = 100.0

DETECTORS = {
    # name: (onnx file, input side, [(grid, anchors per cell), ...])
    "short range": ("face_detection_short_range.onnx", 128, [(16, 2), (8, 6)]),
    "full range": ("face_detection_full_range.onnx", 192, [(48, 1)]),
}


def anchors(layers):
    out = []
    for grid, per_cell in layers:
        for y in range(grid):
            for x in range(grid):
                for _ in range(per_cell):
                    out.append(((x + 0.5) / grid, (y + 0.5) / grid))
    return np.array(out, dtype=np.float32)


def letterbox_tensor(rgb, n):
    """crop_to_tensor(frame, Roi::letterbox(w, h), n, SIGNED, mirror=false) of warp.rs,
    for angle 0: bilinear taps at pixel centres, taps outside the frame are black."""
    h, w, _ = rgb.shape
    size = np.float32(max(w, h))
    step = size / np.float32(n)
    half = size / np.float32(2)
    ox = np.float32(w / 2) - half + np.float32(0.5) * step - np.float32(0.5)
    oy = np.float32(h / 2) - half + np.float32(0.5) * step - np.float32(0.5)
    idx = np.arange(n, dtype=np.float32)
    xs, ys = ox + idx * step, oy + idx * step
    x0, y0 = np.floor(xs), np.floor(ys)
    fx, fy = xs - x0, ys - y0
    x0, y0 = x0.astype(np.int64), y0.astype(np.int64)
    img = rgb.astype(np.float32)
    out = np.zeros((n, n, 3), np.float32)
    for dy, wy in ((0, 1.0 - fy), (1, fy)):
        yy = y0 + dy
        vy = (yy >= 0) & (yy < h)
        for dx, wx in ((0, 1.0 - fx), (1, fx)):
            xx = x0 + dx
            vx = (xx >= 0) & (xx < w)
            wgt = (wy * vy)[:, None] * (wx * vx)[None, :]
            taps = img[np.clip(yy, 0, h - 1)][:, np.clip(xx, 0, w - 1)]
            out += wgt[:, :, None].astype(np.float32) * taps
    out = out * np.float32(2.0 / 255.0) + np.float32(-1.0)
    return np.ascontiguousarray(out.transpose(2, 0, 1)[None])


def decode(reg, logits, anc, n, min_score):
    logits = np.clip(logits.astype(np.float64), -SCORE_CLIP, SCORE_CLIP)
    score = 1.0 / (1.0 + np.exp(-logits))
    keep = score >= min_score
    r, a, s = reg[keep], anc[keep], score[keep]
    cx, cy = r[:, 0] / n + a[:, 0], r[:, 1] / n + a[:, 1]
    bw, bh = r[:, 2] / n, r[:, 3] / n
    boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=1)
    ok = np.all(np.isfinite(boxes), axis=1) & (bw > 0) & (bh > 0)
    return boxes[ok], s[ok]


def iou(a, b):
    iw = np.maximum(np.minimum(a[2], b[:, 2]) - np.maximum(a[0], b[:, 0]), 0)
    ih = np.maximum(np.minimum(a[3], b[:, 3]) - np.maximum(a[1], b[:, 1]), 0)
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0)


def weighted_nms(boxes, scores):
    order = np.argsort(-scores, kind="stable")
    boxes, scores = boxes[order], scores[order]
    out = []
    while len(boxes):
        group = iou(boxes[0], boxes) > NMS_IOU
        group[0] = True
        w = scores[group] / scores[group].sum()
        out.append(((boxes[group] * w[:, None]).sum(axis=0), float(scores[0])))
        boxes, scores = boxes[~group], scores[~group]
    return out


def photo_rect(rgb):
    mask = np.any(rgb != CANVAS_GREY, axis=2)
    ys, xs = np.nonzero(mask)
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def session(path):
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    return ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("eval_dir", help="the masks eval folder (with labels.csv)")
    ap.add_argument("--models", default=DEFAULT_MODELS, help="folder with the .onnx detectors")
    ap.add_argument("--thresholds", default="0.6,0.5,0.4,0.3,0.2")
    args = ap.parse_args()
    thresholds = [float(t) for t in args.thresholds.split(",")]
    labels = os.path.join(args.eval_dir, "labels.csv")
    if not os.path.isfile(labels):
        print(f"no labels.csv in {args.eval_dir}", file=sys.stderr)
        return 2
    rows = list(csv.DictReader(open(labels, newline="")))

    dets = {}
    for name, (fname, n, layers) in DETECTORS.items():
        path = os.path.join(args.models, fname)
        if not os.path.isfile(path):
            print(f"missing model: {path}", file=sys.stderr)
            return 2
        dets[name] = (session(path), n, anchors(layers))

    # counts[(detector, threshold, mask)] = [photos, found, extra detections, photos with extra]
    counts = {}
    lowest = min(thresholds)
    for row in rows:
        rgb = np.asarray(Image.open(os.path.join(args.eval_dir, row["file"])).convert("RGB"))
        h, w, _ = rgb.shape
        rx0, ry0, rx1, ry1 = photo_rect(rgb)
        size = max(w, h)
        for name, (sess, n, anc) in dets.items():
            x = letterbox_tensor(rgb, n)
            outs = sess.run(None, {sess.get_inputs()[0].name: x})
            reg = outs[0].reshape(-1, 16)
            logits = outs[1].reshape(-1)
            boxes, scores = decode(reg, logits, anc, n, lowest)
            for t in thresholds:
                keep = scores >= t
                final = weighted_nms(boxes[keep], scores[keep])
                on_face = 0
                for box, _ in final:
                    # input units -> frame pixels (Roi::letterbox, angle 0)
                    cx = ((box[0] + box[2]) / 2 - 0.5) * size + w / 2
                    cy = ((box[1] + box[3]) / 2 - 0.5) * size + h / 2
                    on_face += rx0 <= cx < rx1 and ry0 <= cy < ry1
                found = on_face > 0
                extra = len(final) - (1 if found else 0)
                c = counts.setdefault((name, t, row["mask"]), [0, 0, 0, 0])
                c[0] += 1
                c[1] += found
                c[2] += extra
                c[3] += extra > 0

    print(f"onnxruntime {ort.__version__}; {len(rows)} photos from {os.path.abspath(args.eval_dir)}")
    print()
    print("| detector | threshold | masked: found | masked: recall | masked: extra/photo "
          "(photos with any) | unmasked: found | unmasked: recall | unmasked: extra/photo "
          "(photos with any) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in DETECTORS:
        for t in thresholds:
            cells = []
            for m in ("yes", "no"):
                total, found, extra, with_extra = counts.get((name, t, m), [0, 0, 0, 0])
                rec = found / total if total else float("nan")
                per = extra / total if total else float("nan")
                cells += [f"{found}/{total}", f"{rec:.3f}", f"{per:.3f} ({with_extra})"]
            print(f"| {name} | {t:g} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
