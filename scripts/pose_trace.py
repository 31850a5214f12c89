#!/usr/bin/env python3
"""Prints a clip's head-pose trace and events from an analysis JSON, in steps.

    liveness-coach analyze CLIP --json out.json && scripts/pose_trace.py out.json [STEP_S]

Standard library only. Used for docs/head-pose.md.
"""
import json
import sys


def main():
    doc = json.load(open(sys.argv[1]))
    step = float(sys.argv[2]) if len(sys.argv) > 2 else 0.5
    frames = doc["frames"]
    end = frames[-1]["time_s"] if frames else 0.0
    print("| t (s) | yaw | pitch | roll | events starting |")
    print("|---:|---:|---:|---:|---|")
    t = 0.0
    while t <= end:
        sel = [f for f in frames if t <= f["time_s"] < t + step and f["yaw_deg"] is not None]
        evs = [e["kind"] for e in doc["events"] if t <= e["start_s"] < t + step]
        if sel:
            mean = lambda k: sum(f[k] for f in sel) / len(sel)
            print(f"| {t:.1f} | {mean('yaw_deg'):+.1f} | {mean('pitch_deg'):+.1f} | {mean('roll_deg'):+.1f} | {' '.join(evs)} |")
        else:
            print(f"| {t:.1f} | | | | no face {' '.join(evs)} |")
        t += step


if __name__ == "__main__":
    main()
