"""Train the face-cover heads (models/face_cover_heads.onnx): sunglasses, clear
glasses and hat decided from what the face mesh network already sees.

The small cover CNN (train_cover.py) learns from scratch on 64x64 crops; with
54 photos of sunglasses, 50 of clear glasses and 165 of hats it over-fits
(held out at crop level: sunglasses 0.58 / 0.53, glasses 0.19 / 0.18, hat
0.68 / 0.62). The mesh network was trained by Google on far more faces; its
last shared layer (`vision::mesh::FEATURES_NODE`, 128 x 6 x 6) is computed on
every frame anyway. A logistic regression per code on that layer is what this
script fits: no new network runs in the product.

Reads from CROPS (written by the lc-eval example extract_cover_crops, the
product's own mesh on the product's own squares):
  index.csv, mesh_features.f32, mesh_features_mirror.f32
Writes into OUT (research-derived, never the repository except the model):
  heads_fold_K.onnx   the heads of cross-validation fold K, the same folds as
                      train_cover.py (same crops, same groups, same seed)
  heads_heldout.txt   crop-level held-out scores
and the shipped heads to --model.

Per code and fold: the regularisation C and the decision threshold are chosen
on a validation part of the fold's training groups (best F1), never on the
held-out fold; the model is then refitted on the whole training part (with
the mirrored crops as extra rows). The shipped heads use the median C and
threshold of the folds. Standardisation and threshold are folded into one
linear layer: logit >= 0 decides. Deterministic (lbfgs, no randomness).
"""
import argparse, csv, hashlib, os, sys
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_cover as tc  # noqa: E402  (groups, folds, seed: the same as the CNN's)

FEATURES = 128 * 6 * 6
FEATURE_SHAPE = [1, 128, 6, 6]
HEADS = ["sunglasses", "eyeglasses", "hat"]
CS = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03]


def load(dir_):
    rows = list(csv.DictReader(open(os.path.join(dir_, "index.csv"))))
    f = np.fromfile(os.path.join(dir_, "mesh_features.f32"), dtype="<f4").reshape(len(rows), FEATURES)
    fm = np.fromfile(os.path.join(dir_, "mesh_features_mirror.f32"), dtype="<f4").reshape(len(rows), FEATURES)
    return rows, f, fm, tc.labels_of(rows), tc.groups_of(rows)


def fit(x, xm, y, c):
    """Standardise on the training rows, fit with their mirrored copies."""
    xx = np.concatenate([x, xm])
    yy = np.concatenate([y, y])
    sc = StandardScaler().fit(xx)
    m = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(sc.transform(xx), yy)
    return sc, m


def logits(sc, m, x):
    return m.decision_function(sc.transform(x))


def best_threshold(z, y):
    """The logit threshold with the best F1 (probabilities 0.05-0.95)."""
    best, bt = -1.0, 0.0
    for p in np.linspace(0.05, 0.95, 91):
        t = np.log(p / (1 - p))
        tp = ((z >= t) & (y == 1)).sum()
        fp = ((z >= t) & (y == 0)).sum()
        fn = ((z < t) & (y == 1)).sum()
        f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        if f1 > best + 1e-9:
            best, bt = f1, float(t)
    return best, bt


def choose(x, xm, y, groups, ycols, seed):
    """C and threshold for one code from a validation fifth of the groups."""
    inner = tc.assign_folds(groups, ycols, 5, seed)
    tr, va = inner != 0, inner == 0
    best = None
    for c in CS:
        sc, m = fit(x[tr], xm[tr], y[tr], c)
        f1, t = best_threshold(logits(sc, m, x[va]), y[va])
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, c, t)
    return best[1], best[2]


def folded(sc, m, t):
    """One linear layer on the raw features: w . x + b - t."""
    w = m.coef_[0] / sc.scale_
    b = m.intercept_[0] - float((m.coef_[0] * sc.mean_ / sc.scale_).sum()) - t
    return w.astype(np.float32), np.float32(b)


def export(heads, path):
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    w = np.stack([h[0] for h in heads], axis=1)  # FEATURES x len(HEADS)
    b = np.array([h[1] for h in heads], dtype=np.float32)
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")]
    nodes = [helper.make_node("Flatten", ["features"], ["flat"], axis=1),
             helper.make_node("Gemm", ["flat", "w", "b"], ["logits"])]
    g = helper.make_graph(nodes, "face_cover_heads",
                          [helper.make_tensor_value_info("features", TensorProto.FLOAT, FEATURE_SHAPE)],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, len(HEADS)])], inits)
    mo = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)],
                           producer_name="liveness-coach train_cover_heads.py")
    mo.ir_version = 8
    onnx.checker.check_model(mo)
    onnx.save(mo, path)


def check_export(heads, path, x):
    import onnxruntime as ort
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    a = np.concatenate([s.run(None, {"features": x[i:i + 1].reshape(FEATURE_SHAPE)})[0] for i in range(min(8, len(x)))])
    b = np.stack([x[:8] @ h[0] + h[1] for h in heads], axis=1)
    err = float(np.abs(a - b).max())
    assert err < 1e-2, f"onnx export differs from the fitted heads by {err}"
    return err


def score(dec, y, mask):
    lines = []
    for j, name in enumerate(HEADS):
        col = tc.COLS.index(name)
        m = mask & (y[:, col] >= 0)
        lines.append(tc.tally_line(name, dec[m, j], y[m, col] == 1))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("crops")
    ap.add_argument("out")
    ap.add_argument("--model", help="where the shipped heads go (models/face_cover_heads.onnx)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rows, x, xm, y, groups = load(a.crops)
    sources = np.array([tc.source_of(r["set"], r["file"]) for r in rows])
    faces = y[:, 0] == 1
    print(f"{len(rows)} crops ({int(faces.sum())} faces), {len(set(groups))} groups", flush=True)
    fold = tc.assign_folds(groups, y, tc.FOLDS, tc.SEED)
    dec = np.zeros((len(rows), len(HEADS)), dtype=bool)
    chosen = {h: [] for h in HEADS}
    for k in range(tc.FOLDS):
        tr_all, te = fold != k, fold == k
        heads = []
        for j, name in enumerate(HEADS):
            col = tc.COLS.index(name)
            tr = tr_all & (y[:, col] >= 0)
            c, t = choose(x[tr], xm[tr], y[tr, col], groups[tr], y[tr], tc.SEED + 1 + k)
            chosen[name].append((c, t))
            sc, m = fit(x[tr], xm[tr], y[tr, col], c)
            heads.append(folded(sc, m, t))
        path = os.path.join(a.out, f"heads_fold_{k}.onnx")
        export(heads, path)
        check_export(heads, path, x[te])
        for j, (w, b) in enumerate(heads):
            dec[te, j] = x[te] @ w + b >= 0
        print(f"fold {k}: {int(te.sum())} crops held out, (C, threshold) "
              f"{[(c, round(t, 3)) for c, t in (chosen[h][-1] for h in HEADS)]}", flush=True)
    report = []
    for view in ["det", "track"]:
        v = np.array([r["view"] == view for r in rows])
        report.append(f"grouped 5-fold (the CNN's folds), crop level, held out, view {view}:\n" + score(dec, y, v))
    report.append("both views:\n" + score(dec, y, faces))
    for src in sorted(set(sources)):
        report.append(f"  of which {src}:\n" + score(dec, y, faces & (sources == src)))
    heads = []
    for name in HEADS:
        col = tc.COLS.index(name)
        m = y[:, col] >= 0
        c = float(np.median([c for c, _ in chosen[name]]))
        t = float(np.median([t for _, t in chosen[name]]))
        sc, lr = fit(x[m], xm[m], y[m, col], c)
        heads.append(folded(sc, lr, t))
        report.append(f"shipped {name}: C {c}, threshold logit {t:.3f} (probability {1 / (1 + np.exp(-t)):.3f})")
    final = a.model or os.path.join(a.out, "face_cover_heads.onnx")
    export(heads, final)
    err = check_export(heads, final, x)
    dec_all = np.stack([x @ w + b >= 0 for w, b in heads], axis=1)
    report.append(f"shipped heads, in-sample (onnx vs numpy max diff {err:.2e}):\n" + score(dec_all, y, faces))
    text = "\n".join(report)
    open(os.path.join(a.out, "heads_heldout.txt"), "w").write(text + "\n")
    print(text)
    print("sha256", hashlib.sha256(open(final, "rb").read()).hexdigest(), final)


if __name__ == "__main__":
    main()
