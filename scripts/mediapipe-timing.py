#!/usr/bin/env python3
"""Times Google's MediaPipe Python FaceMesh on a clip, for comparison with
`liveness-coach bench` (see scripts/speed-compare.sh and docs/speed.md).

Usage: mediapipe-timing.py CLIP [--json]

All frames are decoded and converted to RGB first, so only FaceMesh.process
(detection when the track is lost + the 468-point mesh, refine_landmarks off,
tracking between frames) is timed, frame by frame. Needs mediapipe 0.10.21
(pip install mediapipe==0.10.21), which brings OpenCV.
"""
import json
import os
import statistics
import sys
import time


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    import cv2
    import mediapipe as mp

    cap = cv2.VideoCapture(args[0])
    frames = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    if not frames:
        print(f"no frames could be read from {args[0]}", file=sys.stderr)
        return 1
    h, w = frames[0].shape[:2]
    times = []
    faces = 0
    t0 = time.perf_counter()
    with mp.solutions.face_mesh.FaceMesh(
        static_image_mode=False,
        max_num_faces=1,
        refine_landmarks=False,
        min_detection_confidence=0.5,
        min_tracking_confidence=0.5,
    ) as mesh:
        # Graph start-up happens on the first frame; time it apart.
        for i, f in enumerate(frames):
            t = time.perf_counter()
            r = mesh.process(f)
            dt = (time.perf_counter() - t) * 1000.0
            if i > 0:
                times.append(dt)
            else:
                first = dt
            faces += bool(r.multi_face_landmarks)
    wall = time.perf_counter() - t0
    times.sort()
    out = {
        "clip": os.path.basename(args[0]),
        "width": w,
        "height": h,
        "frames": len(frames),
        "frames_with_face": faces,
        "first_frame_ms": round(first, 2),
        "mean_ms": round(statistics.fmean(times), 3) if times else None,
        "median_ms": round(times[len(times) // 2], 3) if times else None,
        "p95_ms": round(times[int((len(times) - 1) * 0.95)], 3) if times else None,
        "fps": round(len(frames) / wall, 1),
        "mediapipe": mp.__version__,
        "cpus": os.cpu_count(),
    }
    if "--json" in sys.argv:
        print(json.dumps(out))
    else:
        print(
            f"mediapipe {out['mediapipe']} FaceMesh on {out['clip']} {w}x{h}, {len(frames)} frames "
            f"({faces} with a face): mean {out['mean_ms']} ms, median {out['median_ms']} ms, "
            f"p95 {out['p95_ms']} ms per frame; {out['fps']} fps end to end "
            f"(first frame {out['first_frame_ms']} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
