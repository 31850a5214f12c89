#!/usr/bin/env python3
"""Print MediaPipe subgraph configs that the mediapipe wheel compiles into its
_framework_bindings .so (the wheel ships no .pbtxt for palm_detection,
hand_landmark or face_detection_full_range; the graphs are embedded there as
serialized CalculatorGraphConfig protos).

Usage: mediapipe_graphs.py WHEEL TYPE [TYPE ...]
e.g.   mediapipe_graphs.py mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl \
           PalmDetectionCpu HandLandmarkCpu FaceDetectionFullRange

The wheel is read as a zip and never installed: its *_pb2.py modules are copied
to a temporary folder and imported from there (the mediapipe package itself is
never imported, so its native code never loads), and the .so is read as bytes.
For each TYPE, the proto ends with its `type` field (tag 20); its start is found
by parsing backwards until a parse round-trips byte for byte. Needs protobuf 4.x.
"""

import glob
import importlib
import os
import shutil
import sys
import tempfile
import zipfile


def load_pb2(zf, root):
    for name in zf.namelist():
        if name.startswith("mediapipe/") and name.endswith("_pb2.py"):
            os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(root, name), "wb") as f:
                f.write(zf.read(name))
    for d, _, _ in os.walk(os.path.join(root, "mediapipe")):
        open(os.path.join(d, "__init__.py"), "a").close()
    sys.path.insert(0, root)
    for f in sorted(glob.glob(os.path.join(root, "mediapipe", "**", "*_pb2.py"), recursive=True)):
        mod = os.path.relpath(f, root)[:-3].replace(os.sep, ".")
        try:
            importlib.import_module(mod)
        except Exception:  # a few need protos the wheel lacks; not needed here
            pass
    from mediapipe.framework import calculator_pb2
    return calculator_pb2


def find_graph(blob, type_name, calculator_pb2, window=40000):
    tail = b"\xa2\x01" + bytes([len(type_name)]) + type_name.encode()
    found = []
    pos = blob.find(tail)
    while pos >= 0:
        end = pos + len(tail)
        best = None
        for s in range(end - len(tail) - 1, max(0, end - window), -1):
            if blob[s] != 0x0A:  # a graph starts with a node (field 1)
                continue
            g = calculator_pb2.CalculatorGraphConfig()
            try:
                g.ParseFromString(blob[s:end])
            except Exception:
                continue
            if g.type == type_name and g.SerializeToString() == blob[s:end]:
                best = (s, g)
        if best:
            found.append(best)
        pos = blob.find(tail, pos + 1)
    return found


def main():
    wheel, types = sys.argv[1], sys.argv[2:]
    root = tempfile.mkdtemp(prefix="mp-pb2-")
    try:
        with zipfile.ZipFile(wheel) as zf:
            calculator_pb2 = load_pb2(zf, root)
            (so,) = [n for n in zf.namelist()
                     if n.startswith("mediapipe/python/_framework_bindings") and n.endswith(".so")]
            blob = zf.read(so)
        show(blob, so, types, calculator_pb2)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def show(blob, so, types, calculator_pb2):
    from google.protobuf import text_format
    for t in types:
        graphs = find_graph(blob, t, calculator_pb2)
        if not graphs:
            print(f"# {t}: not found in {os.path.basename(so)}")
        for s, g in graphs:
            print(f"# {t}: {os.path.basename(so)} bytes {s}..{s + g.ByteSize()}")
            print(text_format.MessageToString(g))


if __name__ == "__main__":
    main()
