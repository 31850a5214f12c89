"""tract (the engine liveness-coach runs, PyPI tract==0.23.9) against
onnxruntime on the OCR models: the largest absolute difference per model over
real pictures (prepared as the app prepares them: RGB as BGR, (x/255-0.5)/0.5)
and seeded random tensors. Usage: check_ocr_models.py MODELS_DIR
(run by scripts/convert-ocr-models.sh --verify)."""
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import tract
from PIL import Image

models = Path(sys.argv[1])
root = Path(__file__).resolve().parent.parent
pictures = [p for p in [root / "tests/fixtures/mrz-utopia-td3.png", root / "tests/fixtures/astronaut.png"] if p.exists()]


def prepared(path, h, w):
    img = Image.open(path).convert("RGB").resize((w, h), Image.BILINEAR)
    x = np.asarray(img, dtype=np.float32)[:, :, ::-1] / 255.0
    return ((x - 0.5) / 0.5).transpose(2, 0, 1)[None].copy()


worst = 0.0
for name, (h, w) in [("ch_PP-OCRv4_det_infer.onnx", (736, 736)), ("ch_PP-OCRv4_rec_infer.onnx", (48, 960))]:
    path = str(models / name)
    model = tract.onnx().load(path)
    model.set_input_fact(0, f"1,3,{h},{w},f32")
    plan = model.into_model().into_runnable()
    session = ort.InferenceSession(path)
    rng = np.random.default_rng(7)
    inputs = [(p.name, prepared(p, h, w)) for p in pictures]
    inputs += [(f"random {i}", rng.uniform(-1, 1, (1, 3, h, w)).astype(np.float32)) for i in range(2)]
    for label, x in inputs:
        a = plan.run([x])[0].to_numpy()
        b = session.run(None, {"x": x})[0]
        d = float(np.abs(a - b).max())
        worst = max(worst, d)
        print(f"{name} {label}: max |tract - onnxruntime| = {d:.2e} (output {a.shape}, max {np.abs(b).max():.3f})")
tolerance = 1e-4
print(f"largest difference {worst:.2e}; tolerance {tolerance:.0e}: {'OK' if worst <= tolerance else 'FAILED'}")
sys.exit(0 if worst <= tolerance else 1)
