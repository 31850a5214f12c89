"""Train the face-cover network (models/face_cover.onnx) and measure it held out.

Reads the crops made by the product's own crop code
(`cargo run --release -p lc-eval --example extract_cover_crops -- ../shared/eval DIR`)
and writes into OUT (never into the repository except the final model):
  fold_K.onnx          the model of cross-validation fold K (grouped by photo group)
  source_S.onnx        the model trained without source S (leave-one-source-out)
  folds.csv            set,file,fold,source: which fold model did not see each photo
  heldout.txt          crop-level held-out scores of both schemes
  face_cover.onnx      the model trained on everything (what ships)

Outputs of the network (logits; a decision is logit >= 0, i.e. probability >= 0.5,
because each output's threshold is folded into its last bias):
  0 face (a real face, masked or not, vs clutter the detector took for one)
  1 mask, 2 sunglasses, 3 eyeglasses (clear), 4 hat

Thresholds are chosen on data the evaluated model's fold never includes: inside every
training set a validation part (a fifth of its groups, by group) picks them and the
number of epochs; the shipped model uses the median of the folds' choices.
Deterministic: fixed seeds, single-threaded XLA on CPU.
"""
import os
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
import argparse, csv, hashlib, json, re, sys
import numpy as np
import jax, jax.numpy as jnp

N = 64
LABELS = ["face", "mask", "sunglasses", "eyeglasses", "hat"]
COLS = ["face", "mask", "sunglasses", "eyeglasses", "hat"]
SEED = 14
FOLDS = 5
EPOCHS = 36
BATCH = 64
LR = 2e-3
WD = 1e-4
CH = [16, 32, 64, 64]
HIDDEN = 64
FACE_MAX_THRESHOLD = 0.99

# Same photo re-cropped or recoloured in masks/ (its README): one group each.
SAME_PHOTO = [
    ("0_0_16 copy 6", "0_0_26"), ("0_0_24 copy 6", "0_0_5 copy 26"),
    ("0_0_14 copy 6", "0_0_15 copy 3"), ("0_0_14 copy 7", "0_0_28 copy 7"),
    ("0_0_16 copy", "0_0_3 copy"), ("0_0_16 copy 2", "0_0_21 copy"),
    ("0_0_16 copy 4", "0_0_20 copy 3"), ("0_0_17 copy 2", "0_0_28 copy 3"),
    ("0_0_18 copy 9", "0_0_43"), ("0_0_2 copy", "0_0_3 copy 2"),
    ("0_0_2 copy 30", "0_0_5 copy 25"), ("0_0_21 copy 4", "0_0_6 copy 10"),
    ("0_0_25 copy", "0_0_3 copy 17"), ("0_0_42", "0_0_52"),
]


def group_of(set_, file):
    """Photos that must fall in one fold: one person / photo shoot."""
    if set_ == "masks":
        name = os.path.basename(file)
        name = re.sub(r"_(jpg|jpeg|png)\.png$", "", name)
        if "/with_mask/" in file:
            return "masks-w:" + name.split(" copy")[0], name
        m = re.match(r"0_0_([a-z]+)_\d+", name)
        return "masks-wo:" + (m.group(1) if m else name), name
    if set_ == "occlusion":
        src, f = file.split("/", 1)
        if src == "lfw_color":
            return "lfw:" + re.sub(r"_\d+\.jpg$", "", f), f
        return f"{src}:{f}", f
    if set_ == "zju":
        return "zju:" + file[:6], file
    return f"{set_}:{file}", file


def source_of(set_, file):
    if set_ == "masks":
        return "masks"
    if set_ == "occlusion":
        return file.split("/", 1)[0]
    return set_


class Union:
    def __init__(self):
        self.p = {}

    def find(self, a):
        self.p.setdefault(a, a)
        while self.p[a] != a:
            self.p[a] = self.p[self.p[a]]
            a = self.p[a]
        return a

    def join(self, a, b):
        self.p[self.find(a)] = self.find(b)


def groups_of(rows):
    """Each crop's photo group (`group_of`, with the README's re-cropped
    copies of one photo joined)."""
    u = Union()
    names = {}
    groups = []
    for r in rows:
        g, name = group_of(r["set"], r["file"])
        u.find(g)
        if r["set"] == "masks":
            names.setdefault(name, g)
        groups.append(g)
    for a, b in SAME_PHOTO:
        if a in names and b in names:
            u.join(names[a], names[b])
    return np.array([u.find(g) for g in groups])


def labels_of(rows):
    return np.array([[int(r[c]) for c in COLS] for r in rows], dtype=np.float32)


def load(dir_):
    rows = list(csv.DictReader(open(os.path.join(dir_, "index.csv"))))
    raw = np.fromfile(os.path.join(dir_, "crops.u8"), dtype=np.uint8)
    x = raw.reshape(len(rows), 3, N, N)
    sources = [source_of(r["set"], r["file"]) for r in rows]
    return rows, x, labels_of(rows), groups_of(rows), np.array(sources)


def assign_folds(groups, y, k, seed):
    """Groups to folds, balancing each label's positives (greedy, seeded)."""
    rng = np.random.default_rng(seed)
    uniq = sorted(set(groups))
    rng.shuffle(uniq)
    idx = {g: np.where(groups == g)[0] for g in uniq}
    pos = {g: np.clip(y[idx[g]], 0, 1).max(0) for g in uniq}
    uniq.sort(key=lambda g: -(pos[g][1:].sum() * 10 + len(idx[g])))
    load_ = np.zeros((k, y.shape[1] + 1))
    fold = {}
    for g in uniq:
        v = np.concatenate([pos[g], [len(idx[g]) / 50.0]])
        f = int(np.argmin([(load_[j] + v).max() + (load_[j] + v).sum() * 1e-3 for j in range(k)]))
        load_[f] += v
        fold[g] = f
    return np.array([fold[g] for g in groups])


# ------------------------------------------------------------------ the network
def init(key):
    params = []
    cin = 3
    for c in CH:
        key, k1 = jax.random.split(key)
        w = jax.random.normal(k1, (c, cin, 3, 3)) * np.sqrt(2.0 / (cin * 9))
        params.append((w, jnp.zeros(c)))
        cin = c
    flat = CH[-1] * (N // 16) ** 2
    key, k1, k2 = jax.random.split(key, 3)
    params.append((jax.random.normal(k1, (flat, HIDDEN)) * np.sqrt(2.0 / flat), jnp.zeros(HIDDEN)))
    params.append((jax.random.normal(k2, (HIDDEN, len(LABELS))) * np.sqrt(1.0 / HIDDEN), jnp.zeros(len(LABELS))))
    return params


def forward(params, x):
    h = x
    for w, b in params[:len(CH)]:
        h = jax.lax.conv_general_dilated(h, w, (2, 2), ((1, 1), (1, 1)),
                                         dimension_numbers=("NCHW", "OIHW", "NCHW"))
        h = jax.nn.relu(h + b[None, :, None, None])
    h = h.reshape(h.shape[0], -1)
    w, b = params[len(CH)]
    h = jax.nn.relu(h @ w + b)
    w, b = params[len(CH) + 1]
    return h @ w + b


def loss_fn(params, x, y, pw):
    z = forward(params, x)
    m = (y >= 0).astype(jnp.float32)
    t = jnp.clip(y, 0, 1)
    l = pw * t * jax.nn.softplus(-z) + (1 - t) * jax.nn.softplus(z)
    l2 = sum((w ** 2).sum() for w, _ in params)
    return (l * m).sum() / jnp.maximum(m.sum(), 1.0) + WD * l2


@jax.jit
def step(params, opt, x, y, pw, t):
    g = jax.grad(loss_fn)(params, x, y, pw)
    m, v = opt
    b1, b2 = 0.9, 0.999
    m = jax.tree_util.tree_map(lambda a, b: b1 * a + (1 - b1) * b, m, g)
    v = jax.tree_util.tree_map(lambda a, b: b2 * a + (1 - b2) * b * b, v, g)
    lr = LR * jnp.minimum(1.0, 0.5 * (1 + jnp.cos(jnp.pi * t)))
    params = jax.tree_util.tree_map(
        lambda p, a, b: p - lr * (a / (1 - b1)) / (jnp.sqrt(b / (1 - b2)) + 1e-8), params, m, v)
    return params, (m, v)


predict = jax.jit(forward)


def augment(x, rng):
    """Mirror, a shift of up to 3 px, brightness and contrast: what another
    frame of the same face can look like."""
    n = x.shape[0]
    flip = rng.random(n) < 0.5
    x = np.where(flip[:, None, None, None], x[..., ::-1], x)
    out = np.empty_like(x)
    for i in range(n):
        dx, dy = rng.integers(-3, 4, 2)
        out[i] = np.roll(x[i], (dy, dx), axis=(1, 2))
    gain = rng.uniform(0.7, 1.3, (n, 1, 1, 1)).astype(np.float32)
    bias = rng.uniform(-0.1, 0.1, (n, 1, 1, 1)).astype(np.float32)
    mean = out.mean(axis=(1, 2, 3), keepdims=True)
    c = rng.uniform(0.8, 1.2, (n, 1, 1, 1)).astype(np.float32)
    return np.clip((out - mean) * c + mean * gain + bias, 0, 1)


def train(x, y, seed, epochs=EPOCHS):
    rng = np.random.default_rng(seed)
    params = init(jax.random.PRNGKey(seed))
    opt = (jax.tree_util.tree_map(jnp.zeros_like, params), jax.tree_util.tree_map(jnp.zeros_like, params))
    pos = np.clip(y, 0, 1).sum(0)
    neg = ((y == 0)).sum(0)
    pw = jnp.asarray(np.clip(np.sqrt(neg / np.maximum(pos, 1)), 1, 6), dtype=jnp.float32)
    n = len(x)
    steps = epochs * ((n + BATCH - 1) // BATCH)
    s = 0
    for e in range(epochs):
        order = rng.permutation(n)
        for i in range(0, n, BATCH):
            b = order[i:i + BATCH]
            if len(b) < BATCH:
                b = np.concatenate([b, order[:BATCH - len(b)]])
            xb = augment(x[b], rng)
            params, opt = step(params, opt, jnp.asarray(xb), jnp.asarray(y[b]), pw, s / steps)
            s += 1
    return params


def probs(params, x):
    out = []
    for i in range(0, len(x), 256):
        out.append(np.asarray(predict(params, jnp.asarray(x[i:i + 256]))))
    return 1 / (1 + np.exp(-np.concatenate(out)))


def choose_thresholds(p, y):
    """Per output: the threshold with the best F1 on (p, y); for `face`, the
    lowest that keeps every clutter crop out (and at least 0.5)."""
    th = []
    for j in range(len(LABELS)):
        m = y[:, j] >= 0
        pj, yj = p[m, j], y[m, j]
        if j == 0:
            neg = pj[yj == 0]
            # At most FACE_MAX_THRESHOLD: a clutter crop the network is sure
            # of would otherwise push it to 1 (no face would pass, and the
            # bias fold-in divides by zero).
            th.append(float(min(FACE_MAX_THRESHOLD, max(0.5, (neg.max() + 1e-3) if len(neg) else 0.5))))
            continue
        best, bt = -1, 0.5
        for t in np.linspace(0.05, 0.95, 91):
            tp = ((pj >= t) & (yj == 1)).sum()
            fp = ((pj >= t) & (yj == 0)).sum()
            fn = ((pj < t) & (yj == 1)).sum()
            f1 = 2 * tp / max(2 * tp + fp + fn, 1)
            if f1 > best + 1e-9:
                best, bt = f1, float(t)
        th.append(bt)
    return np.array(th)


def fit_with_thresholds(x, y, groups, seed):
    """Train on 4/5 of the groups, choose thresholds on the rest; then the
    model used is the one trained on the 4/5 (its thresholds never saw
    its own training crops)."""
    inner = assign_folds(groups, y, 5, seed + 1)
    tr, va = inner != 0, inner == 0
    params = train(x[tr], y[tr], seed)
    th = choose_thresholds(probs(params, x[va]), y[va])
    return params, th


def fold_in(params, th):
    """Moves each output's threshold into its bias: logit >= 0 decides."""
    w, b = params[-1]
    shift = np.log(th / (1 - th))
    return params[:-1] + [(w, b - shift)]


def export(params, path):
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    nodes, inits = [], []
    h = "input"
    for i, (w, b) in enumerate(params[:len(CH)]):
        inits += [numpy_helper.from_array(np.asarray(w, np.float32), f"c{i}.w"),
                  numpy_helper.from_array(np.asarray(b, np.float32), f"c{i}.b")]
        nodes.append(helper.make_node("Conv", [h, f"c{i}.w", f"c{i}.b"], [f"c{i}"],
                                      strides=[2, 2], pads=[1, 1, 1, 1], kernel_shape=[3, 3]))
        nodes.append(helper.make_node("Relu", [f"c{i}"], [f"r{i}"]))
        h = f"r{i}"
    nodes.append(helper.make_node("Flatten", [h], ["flat"], axis=1))
    (w1, b1), (w2, b2) = params[len(CH)], params[len(CH) + 1]
    inits += [numpy_helper.from_array(np.asarray(w1, np.float32), "d1.w"),
              numpy_helper.from_array(np.asarray(b1, np.float32), "d1.b"),
              numpy_helper.from_array(np.asarray(w2, np.float32), "d2.w"),
              numpy_helper.from_array(np.asarray(b2, np.float32), "d2.b")]
    nodes.append(helper.make_node("Gemm", ["flat", "d1.w", "d1.b"], ["d1"]))
    nodes.append(helper.make_node("Relu", ["d1"], ["d1r"]))
    nodes.append(helper.make_node("Gemm", ["d1r", "d2.w", "d2.b"], ["logits"]))
    g = helper.make_graph(nodes, "face_cover", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, N, N])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, len(LABELS)])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="liveness-coach train_cover.py")
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, path)


def check_export(params, path, x):
    import onnxruntime as ort
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    a = np.concatenate([s.run(None, {"input": x[i:i + 1]})[0] for i in range(min(8, len(x)))])
    b = np.asarray(predict(params, jnp.asarray(x[:8])))
    err = float(np.abs(a - b).max())
    assert err < 1e-3, f"onnx export differs from the trained network by {err}"
    return err


def score(p, y, label_mask=None):
    """Crop-level P/R per output at probability 0.5 (thresholds folded in)."""
    lines = []
    for j, name in enumerate(LABELS):
        m = y[:, j] >= 0
        if label_mask is not None:
            m &= label_mask
        lines.append(tally_line(name, p[m, j] >= 0.5, y[m, j] == 1))
    return "\n".join(lines)


def tally_line(name, pj, yj):
    """One output's counts, precision and recall: decisions `pj`, truth `yj`."""
    tp, fp, fn = int((pj & yj).sum()), int((pj & ~yj).sum()), int((~pj & yj).sum())
    pr = f"{tp / (tp + fp):.3f}" if tp + fp else "-"
    rc = f"{tp / (tp + fn):.3f}" if tp + fn else "-"
    return f"  {name:11s} pos {int(yj.sum()):4d} neg {int((~yj).sum()):5d} TP {tp:4d} FP {fp:4d} FN {fn:4d} P {pr} R {rc}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("crops")
    ap.add_argument("out")
    ap.add_argument("--model", help="where the shipped model goes (models/face_cover.onnx)")
    ap.add_argument("--quick", action="store_true", help="fewer epochs (a smoke run)")
    ap.add_argument("--by-source", action="store_true", help="also leave each source out in turn")
    ap.add_argument("--epochs", type=int, default=36)
    a = ap.parse_args()
    global EPOCHS
    EPOCHS = a.epochs
    if a.quick:
        EPOCHS = 4
    os.makedirs(a.out, exist_ok=True)
    rows, x8, y, groups, sources = load(a.crops)
    x = x8.astype(np.float32) / 255.0
    print(f"{len(rows)} crops, {len(set(groups))} groups, sources {sorted(set(sources))}", flush=True)
    report = []
    # --- scheme A: grouped k-fold by photo group
    fold = assign_folds(groups, y, FOLDS, SEED)
    oof = np.zeros_like(y)
    ths = []
    for k in range(FOLDS):
        tr, te = fold != k, fold == k
        params, th = fit_with_thresholds(x[tr], y[tr], groups[tr], SEED + k)
        ths.append(th)
        pk = fold_in(params, th)
        export(pk, os.path.join(a.out, f"fold_{k}.onnx"))
        check_export(pk, os.path.join(a.out, f"fold_{k}.onnx"), x[te])
        oof[te] = probs(pk, x[te])
        print(f"fold {k}: {te.sum()} crops held out, thresholds {np.round(th, 3).tolist()}", flush=True)
    report.append("grouped 5-fold (by photo group), crop level, held out:\n" + score(oof, y))
    for src in sorted(set(sources)):
        report.append(f"  of which {src}:\n" + score(oof, y, sources == src))
    # --- scheme B: leave one source out (clutter from zju always trained on)
    face_sources = sorted(s for s in set(sources) if s != "zju") if a.by_source else []
    oos = np.full_like(y, np.nan)
    for s in face_sources:
        tr, te = sources != s, sources == s
        params, th = fit_with_thresholds(x[tr], y[tr], groups[tr], SEED + 100)
        pk = fold_in(params, th)
        export(pk, os.path.join(a.out, f"source_{s}.onnx"))
        oos[te] = probs(pk, x[te])
        print(f"source {s} held out: {te.sum()} crops", flush=True)
    m = ~np.isnan(oos[:, 0])
    if face_sources:
        report.append(
            "leave one source out, crop level, held out:\n" + score(np.nan_to_num(oos), y, m))
    for s in face_sources:
        report.append(f"  source {s}:\n" + score(np.nan_to_num(oos), y, sources == s))
    # --- the shipped model: everything, the folds' median thresholds
    th = np.median(np.array(ths), axis=0)
    params = train(x, y, SEED)
    pk = fold_in(params, th)
    final = a.model or os.path.join(a.out, "face_cover.onnx")
    export(pk, final)
    err = check_export(pk, final, x)
    report.append(f"shipped model, in-sample, thresholds {np.round(th, 3).tolist()} (onnx vs jax max diff {err:.2e}):\n" + score(probs(pk, x), y))
    with open(os.path.join(a.out, "folds.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["set", "file", "reading", "fold", "source"])
        seen = set()
        for r, k, s in zip(rows, fold, sources):
            key = (r["set"], r["file"], r["reading"])
            if r["view"] == "clutter" or key in seen:
                continue
            seen.add(key)
            w.writerow([r["set"], r["file"], r["reading"], int(k), s])
    text = "\n".join(report)
    open(os.path.join(a.out, "heldout.txt"), "w").write(text + "\n")
    print(text)
    print("sha256", hashlib.sha256(open(final, "rb").read()).hexdigest(), final)


if __name__ == "__main__":
    main()
