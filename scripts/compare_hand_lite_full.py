#!/usr/bin/env python3
"""Quick comparison of MediaPipe's lite and full hand models (palm detector and
hand landmark model) on real photos with hands, for choosing which to commit.

Usage: compare_hand_lite_full.py EVAL_OCCLUSION_DIR [--models DIR]
e.g.   scripts/compare_hand_lite_full.py ../shared/eval/occlusion --models /tmp/converted

Needs palm_detection_{lite,full}.onnx and hand_landmark_{lite,full}.onnx in
--models (only the lite ones are committed; scripts/regenerate-models.sh makes
all four). Uses the photos that EVAL_OCCLUSION_DIR/labels.csv marks
hand_over_face=yes. There is no hand ground truth, so this only tells how often
each palm detector fires on these photos and how far the two landmark models
are apart on the same hand crops. Writes nothing; prints a summary.

Pipeline as MediaPipe's PalmDetectionCpu / PalmDetectionDetectionToRoi /
HandLandmarkCpu graphs (options in models/PROVENANCE.md):
- palm: whole image letterboxed to 192x192, [0,1], black border; 2016 anchors
  (24x24 x 2, 12x12 x 6), box = raw/192 + anchor; sigmoid score >= 0.5;
  weighted NMS, IoU 0.3;
- hand crop: rotation = 90 deg - angle(keypoint 0 -> keypoint 2), centre shifted by
  -0.5 box heights along the rotated y axis, square of 2.6 x the longer box side;
  sampled to 224x224 in [0,1].
"""

import argparse
import csv
import math
import os
import sys

import numpy as np
import onnxruntime as ort
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def session(path):
    o = ort.SessionOptions()
    o.intra_op_num_threads = o.inter_op_num_threads = 1
    return ort.InferenceSession(path, sess_options=o, providers=["CPUExecutionProvider"])


def palm_anchors():
    out = []
    for grid, per in ((24, 2), (12, 6)):
        for y in range(grid):
            for x in range(grid):
                out += [((x + 0.5) / grid, (y + 0.5) / grid)] * per
    return np.array(out, np.float32)


def crop(rgb, cx, cy, size, angle, n):
    """Rotated square (centre, side, angle clockwise in image coordinates) sampled
    bilinearly to n x n, outside black; -> [1,3,n,n] in [0,1]."""
    h, w, _ = rgb.shape
    s, c = math.sin(angle), math.cos(angle)
    step = size / n
    t = (np.arange(n) + 0.5) * step - size / 2
    u, v = np.meshgrid(t, t)  # v rows, u columns
    x = cx + u * c - v * s - 0.5
    y = cy + u * s + v * c - 0.5
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = x - x0, y - y0
    img = rgb.astype(np.float32)
    out = np.zeros((n, n, 3), np.float32)
    for dy, wy in ((0, 1 - fy), (1, fy)):
        for dx, wx in ((0, 1 - fx), (1, fx)):
            xx, yy = x0 + dx, y0 + dy
            ok = (xx >= 0) & (xx < w) & (yy >= 0) & (yy < h)
            out += ((wx * wy * ok)[..., None] * img[np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)])
    return np.ascontiguousarray((out / 255.0).transpose(2, 0, 1)[None]).astype(np.float32)


def detect_palms(sess, rgb, anc, min_score=0.5):
    h, w, _ = rgb.shape
    size = max(w, h)
    x = crop(rgb, w / 2, h / 2, size, 0.0, 192)
    reg, logit = sess.run(None, {sess.get_inputs()[0].name: x})
    reg, logit = reg.reshape(-1, 18), logit.reshape(-1).astype(np.float64)
    score = 1 / (1 + np.exp(-np.clip(logit, -100, 100)))
    keep = score >= min_score
    r, a, sc = reg[keep], anc[keep], score[keep]
    cx, cy = r[:, 0] / 192 + a[:, 0], r[:, 1] / 192 + a[:, 1]
    bw, bh = r[:, 2] / 192, r[:, 3] / 192
    kp = r[:, 4:18].reshape(-1, 7, 2) / 192 + a[:, None, :]
    boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1)
    order = np.argsort(-sc)
    boxes, kp, sc = boxes[order], kp[order], sc[order]
    out = []
    while len(sc):
        b = boxes[0]
        iw = np.clip(np.minimum(b[2], boxes[:, 2]) - np.maximum(b[0], boxes[:, 0]), 0, None)
        ih = np.clip(np.minimum(b[3], boxes[:, 3]) - np.maximum(b[1], boxes[:, 1]), 0, None)
        inter = iw * ih
        union = (b[2] - b[0]) * (b[3] - b[1]) + (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) - inter
        g = inter / np.maximum(union, 1e-12) > 0.3
        g[0] = True
        wgt = sc[g] / sc[g].sum()
        mb = (boxes[g] * wgt[:, None]).sum(0)
        mk = (kp[g] * wgt[:, None, None]).sum(0)
        # input units -> image pixels (letterbox square centred on the image)
        to_px = lambda p: (p - 0.5) * size + np.array([w / 2, h / 2])  # noqa: E731
        out.append((to_px(mb.reshape(2, 2)).reshape(4), to_px(mk), float(sc[0])))
        boxes, kp, sc = boxes[~g], kp[~g], sc[~g]
    return out


def hand_roi(box, kp):
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rot = math.pi / 2 - math.atan2(-(kp[2][1] - kp[0][1]), kp[2][0] - kp[0][0])
    rot = (rot + math.pi) % (2 * math.pi) - math.pi
    shift_y = -0.5
    cx += -bh * shift_y * math.sin(rot)
    cy += bh * shift_y * math.cos(rot)
    return cx, cy, max(bw, bh) * 2.6, rot


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("eval_dir")
    ap.add_argument("--models", default=os.path.join(HERE, "..", "models"))
    args = ap.parse_args()
    rows = [r for r in csv.DictReader(open(os.path.join(args.eval_dir, "labels.csv")))
            if r["hand_over_face"] == "yes"]
    m = {k: session(os.path.join(args.models, k + ".onnx")) for k in
         ("palm_detection_lite", "palm_detection_full", "hand_landmark_lite", "hand_landmark_full")}
    anc = palm_anchors()
    fired = {"lite": 0, "full": 0}
    ndet = {"lite": 0, "full": 0}
    pres, dists, hand_agree, both = [], [], 0, 0
    for r in rows:
        rgb = np.asarray(Image.open(os.path.join(args.eval_dir, "images", r["set"], r["file"])).convert("RGB"))
        palms = {}
        for k in ("lite", "full"):
            palms[k] = detect_palms(m["palm_detection_" + k], rgb, anc)
            fired[k] += bool(palms[k])
            ndet[k] += len(palms[k])
        for box, kp, _ in palms["full"] or palms["lite"]:
            cx, cy, size, rot = hand_roi(box, kp)
            x = crop(rgb, cx, cy, size, rot, 224)
            o = {k: m["hand_landmark_" + k].run(None, {"input_1": x}) for k in ("lite", "full")}
            pl, pf = float(o["lite"][1].reshape(-1)[0]), float(o["full"][1].reshape(-1)[0])
            pres.append((pl, pf))
            if pl >= 0.5 and pf >= 0.5:
                both += 1
                a = o["lite"][0].reshape(21, 3)[:, :2]
                b = o["full"][0].reshape(21, 3)[:, :2]
                dists.append(float(np.mean(np.linalg.norm(a - b, axis=1)) / 224))
                hl, hf = float(o["lite"][2].reshape(-1)[0]), float(o["full"][2].reshape(-1)[0])
                hand_agree += (hl >= 0.5) == (hf >= 0.5)
    n = len(rows)
    print(f"{n} photos with a hand over the face")
    for k in ("lite", "full"):
        print(f"palm_detection_{k}: a palm at score >= 0.5 on {fired[k]}/{n} photos "
              f"({ndet[k]} detections)")
    pres = np.array(pres)
    if len(pres):
        print(f"hand crops from the palm detections: {len(pres)}; hand presence >= 0.5: "
              f"lite {int((pres[:, 0] >= 0.5).sum())}, full {int((pres[:, 1] >= 0.5).sum())}, both {both}")
    if dists:
        print(f"where both see a hand: per-crop mean landmark distance lite vs full: median "
              f"{np.median(dists):.3f}, max {max(dists):.3f} of the crop side; "
              f"handedness agrees on {hand_agree}/{both}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
