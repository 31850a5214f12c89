#!/usr/bin/env python3
"""Rewrite a .tflite model whose constant weights are stored sparse (DENSIFY ops)
into an equivalent model with plain dense constants.

Usage: densify_tflite.py IN.tflite OUT.tflite

Why: MediaPipe ships face_detection_full_range only as
face_detection_full_range_sparse.tflite, whose 46 weight tensors are fp16 in
TFLite's sparse (CSR) format, each expanded at load time by a DENSIFY op.
tf2onnx 1.17.0 cannot read it: TensorFlow 2.15.1's
Interpreter.get_tensor_details(), which tf2onnx calls, crashes (segmentation
fault) on the sparse tensors. This script expands every sparse constant with
numpy, stores it as an ordinary dense buffer, drops the DENSIFY op and points
its consumers at the now-dense tensor. No value changes: the expansion is exact
(the zeros are the zeros DENSIFY would write). Needs the TensorFlow of the
conversion venv (for its flatbuffer schema) and the flatbuffers package.
"""

import sys

import flatbuffers
import numpy as np
from tensorflow.lite.python import schema_py_generated as S

DTYPES = {S.TensorType.FLOAT32: np.float32, S.TensorType.FLOAT16: np.float16,
          S.TensorType.INT8: np.int8, S.TensorType.UINT8: np.uint8,
          S.TensorType.INT32: np.int32}


def _vec(union):
    return np.asarray(union.values, dtype=np.int64)


def densify(t, raw):
    """Expand a sparse tensor `t` (object API) with buffer bytes `raw` to a dense array."""
    sp = t.sparsity
    shape = [int(s) for s in t.shape]
    if sp.blockMap is not None and len(sp.blockMap):
        raise SystemExit(f"{t.name}: block-sparse tensors are not handled")
    order = [int(i) for i in sp.traversalOrder]
    if order != list(range(len(shape))):
        raise SystemExit(f"{t.name}: traversal order {order} is not handled")
    values = np.frombuffer(raw, dtype=DTYPES[t.type])
    # Walk the dimensions in order: each DENSE dim multiplies the positions, each
    # SPARSE_CSR dim picks the listed indices of each position's segment.
    flat = np.zeros(1, dtype=np.int64)  # dense flat offset of each position so far
    for d, dm in enumerate(sp.dimMetadata):
        if dm.format == S.DimensionType.DENSE:
            if dm.denseSize != shape[d]:
                raise SystemExit(f"{t.name}: dense size {dm.denseSize} != shape {shape[d]}")
            flat = (flat[:, None] * shape[d] + np.arange(shape[d])[None, :]).reshape(-1)
        else:
            seg, idx = _vec(dm.arraySegments), _vec(dm.arrayIndices)
            if len(seg) != len(flat) + 1:
                raise SystemExit(f"{t.name}: {len(seg) - 1} segments for {len(flat)} positions")
            counts = np.diff(seg)
            flat = np.repeat(flat, counts) * shape[d] + idx
    if len(flat) != len(values):
        raise SystemExit(f"{t.name}: {len(flat)} positions but {len(values)} values")
    dense = np.zeros(int(np.prod(shape)), dtype=values.dtype)
    dense[flat] = values
    return dense.reshape(shape)


def main():
    src, dst = sys.argv[1:3]
    buf = open(src, "rb").read()
    model = S.ModelT.InitFromObj(S.Model.GetRootAsModel(buf, 0))
    densify_codes = {i for i, c in enumerate(model.operatorCodes)
                     if max(c.builtinCode, c.deprecatedBuiltinCode) == S.BuiltinOperator.DENSIFY}
    n = 0
    for g in model.subgraphs:
        remap = {}
        kept = []
        for op in g.operators:
            if op.opcodeIndex not in densify_codes:
                kept.append(op)
                continue
            (i,), (o,) = op.inputs, op.outputs
            t = g.tensors[i]
            raw = bytes(bytearray(model.buffers[t.buffer].data))
            dense = densify(t, raw)
            model.buffers[t.buffer].data = np.frombuffer(dense.tobytes(), dtype=np.uint8)
            t.sparsity = None
            remap[o] = i
            n += 1
        for op in kept:
            op.inputs = np.array([remap.get(int(x), int(x)) for x in op.inputs], dtype=np.int32)
        g.outputs = np.array([remap.get(int(x), int(x)) for x in g.outputs], dtype=np.int32)
        g.operators = kept
    b = flatbuffers.Builder(0)
    b.Finish(model.Pack(b), file_identifier=b"TFL3")
    open(dst, "wb").write(b.Output())
    print(f"densified {n} tensors: {src} -> {dst}")


if __name__ == "__main__":
    main()
