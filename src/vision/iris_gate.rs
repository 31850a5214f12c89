//! When the iris model must run, and how its last eyelids follow the face
//! when it need not.
//!
//! The iris model refines the eyelids for blink detection, at two network
//! runs a frame (about 7 ms of the pipeline's 13 ms). Between blinks the
//! eyelids hold still relative to the eye: the mesh's own eyelids, which
//! come for free with the face, say so. The iris model therefore reruns only
//! when the mesh's eye openness has changed since its last run, or when that
//! run is getting old; otherwise its last eyelids are carried along with the
//! eye corners (a similarity transform, which keeps the openness the same).
//! Blink accuracy with and without the gate is in docs/speed.md.

use super::iris::EyeLandmarks;

/// Rerun when either eye's mesh openness differs from its value at the last
/// iris run by more than this fraction. Chosen on zju-dev (docs/speed.md):
/// at 0.03 (then with 4 frames kept on) blink detection found exactly what
/// it finds with the iris model on every frame (F1 0.997); 0.05 dropped F1
/// to 0.993, 0.08 to 0.983.
pub const RERUN_CHANGE: f32 = 0.03;

/// Rerun at least this often (frames), so the carried eyelids never drift far.
pub const MAX_AGE_FRAMES: u32 = 15;

/// After a change, keep running on this many more frames: the first frame
/// after a movement of the eyelids, where the mesh's openness may settle a
/// frame after the eyelid does. Chosen on zju-dev (docs/speed.md,
/// `eval_blinks --iris-keep-on K`): 0, 1, 3 and 4 frames all find the same
/// blinks (F1 0.997 at 30 fps, 0.990 at 15 fps), the model running on 30%,
/// 42%, 56% and 61% of the frames; 1 keeps a frame of margin.
pub const KEEP_ON_FRAMES: u32 = 1;

/// What the last iris run saw.
#[derive(Clone, Debug)]
pub struct IrisMemo {
    /// Refined eyes (person's right, left).
    pub eyes: [EyeLandmarks; 2],
    /// Mesh eye openness (right, left) on that frame.
    pub mesh_open: (f32, f32),
    /// Mesh eye corners on that frame: right outer, right inner, left outer, left inner.
    pub corners: [[f32; 2]; 4],
    /// Frames since that run.
    pub age: u32,
    /// Runs still due after a change (see [`KEEP_ON_FRAMES`]).
    pub keep_on: u32,
}

/// Why the iris model runs on a frame, or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The eyelids hold still: carry the last run along.
    No,
    /// No earlier run to carry (a new face), or no mesh openness.
    First,
    /// The mesh's eye openness changed.
    Changed,
    /// Still within [`KEEP_ON_FRAMES`] of a change.
    KeepOn,
    /// The last run is [`MAX_AGE_FRAMES`] old.
    Old,
}

impl Need {
    /// Runs still due after a run made for this reason, `keep_on` after a
    /// change ([`KEEP_ON_FRAMES`]).
    pub fn keep_on_after(self, memo: Option<&IrisMemo>, keep_on: u32) -> u32 {
        match self {
            Need::Changed => keep_on,
            Need::KeepOn => memo.map_or(0, |m| m.keep_on.saturating_sub(1)),
            _ => 0,
        }
    }
}

/// Whether (and why) the iris model must run on this frame. `change` is the
/// allowed relative change of mesh openness (0 runs it on every frame).
pub fn needed(memo: Option<&IrisMemo>, mesh_open: Option<(f32, f32)>, change: f32) -> Need {
    let (Some(m), Some((r, l))) = (memo, mesh_open) else {
        return Need::First;
    };
    // A zero or NaN earlier openness cannot be compared with: rerun.
    let moved =
        |now: f32, then: f32| then.is_nan() || then <= 0.0 || ((now - then) / then).abs() > change;
    if change <= 0.0 || moved(r, m.mesh_open.0) || moved(l, m.mesh_open.1) {
        Need::Changed
    } else if m.keep_on > 0 {
        Need::KeepOn
    } else if m.age >= MAX_AGE_FRAMES {
        Need::Old
    } else {
        Need::No
    }
}

/// The similarity transform taking segment `from` onto segment `to`, applied to `p`.
fn carry(p: [f32; 2], from: ([f32; 2], [f32; 2]), to: ([f32; 2], [f32; 2])) -> [f32; 2] {
    let (a0, a1) = from;
    let (b0, b1) = to;
    let (ax, ay) = (a1[0] - a0[0], a1[1] - a0[1]);
    let (bx, by) = (b1[0] - b0[0], b1[1] - b0[1]);
    let den = ax * ax + ay * ay;
    if den.is_nan() || den <= 1e-6 {
        return p;
    }
    // Complex division (b / a): rotation and scale.
    let (sr, si) = ((bx * ax + by * ay) / den, (by * ax - bx * ay) / den);
    let (dx, dy) = (p[0] - a0[0], p[1] - a0[1]);
    [b0[0] + sr * dx - si * dy, b0[1] + si * dx + sr * dy]
}

/// The memo's eyes moved with the eye corners to where they are now.
pub fn follow(memo: &IrisMemo, corners: [[f32; 2]; 4]) -> [EyeLandmarks; 2] {
    let mut eyes = memo.eyes.clone();
    for (e, eye) in eyes.iter_mut().enumerate() {
        let from = (memo.corners[2 * e], memo.corners[2 * e + 1]);
        let to = (corners[2 * e], corners[2 * e + 1]);
        for p in eye.outline.iter_mut().chain(eye.iris.iter_mut()) {
            *p = carry(*p, from, to);
        }
    }
    eyes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eye(x0: f32) -> EyeLandmarks {
        let mut outline = [[0.0; 2]; 16];
        for (i, p) in outline.iter_mut().enumerate() {
            *p = [x0 + i as f32, (i % 3) as f32];
        }
        EyeLandmarks {
            outline,
            iris: [[x0 + 5.0, 1.0]; 5],
        }
    }

    fn memo() -> IrisMemo {
        IrisMemo {
            eyes: [eye(0.0), eye(40.0)],
            mesh_open: (0.30, 0.28),
            corners: [[0.0, 0.0], [10.0, 0.0], [40.0, 0.0], [50.0, 0.0]],
            age: 1,
            keep_on: 0,
        }
    }

    #[test]
    fn runs_when_the_eyes_change_or_the_memo_is_old() {
        let m = memo();
        assert_eq!(needed(None, Some((0.3, 0.3)), RERUN_CHANGE), Need::First);
        assert_eq!(needed(Some(&m), None, RERUN_CHANGE), Need::First);
        assert_eq!(needed(Some(&m), Some((0.31, 0.28)), 0.05), Need::No);
        // A closing eye (one side is enough).
        assert_eq!(needed(Some(&m), Some((0.30, 0.25)), 0.05), Need::Changed);
        assert_eq!(needed(Some(&m), Some((0.30, 0.28)), 0.0), Need::Changed);
        let old = IrisMemo {
            age: MAX_AGE_FRAMES,
            ..m.clone()
        };
        assert_eq!(needed(Some(&old), Some((0.30, 0.28)), 0.05), Need::Old);
        // After a change, the next KEEP_ON_FRAMES frames run too, then it stops.
        let mut memo = IrisMemo {
            keep_on: Need::Changed.keep_on_after(Some(&m), KEEP_ON_FRAMES),
            ..m
        };
        let mut runs = 0;
        while needed(Some(&memo), Some((0.30, 0.28)), 0.05) == Need::KeepOn {
            memo.keep_on = Need::KeepOn.keep_on_after(Some(&memo), KEEP_ON_FRAMES);
            runs += 1;
        }
        assert_eq!(runs, KEEP_ON_FRAMES);
    }

    #[test]
    fn eyelids_follow_a_shifted_rotated_scaled_face() {
        let m = memo();
        // Shift by (100, 50), rotate 90 degrees, scale 2 about the first corner of each eye.
        let map = |p: [f32; 2], c: [f32; 2]| {
            let (dx, dy) = (p[0] - c[0], p[1] - c[1]);
            [100.0 + c[0] - 2.0 * dy, 50.0 + c[1] + 2.0 * dx]
        };
        let corners = [
            map(m.corners[0], m.corners[0]),
            map(m.corners[1], m.corners[0]),
            map(m.corners[2], m.corners[2]),
            map(m.corners[3], m.corners[2]),
        ];
        let eyes = follow(&m, corners);
        for (e, eye) in eyes.iter().enumerate() {
            for (got, was) in eye.outline.iter().zip(m.eyes[e].outline.iter()) {
                let want = map(*was, m.corners[2 * e]);
                assert!((got[0] - want[0]).abs() < 1e-3 && (got[1] - want[1]).abs() < 1e-3);
            }
        }
        // Openness is unchanged by the move.
        let before = crate::measure::eyes::iris_openness(&m.eyes).expect("open");
        let after = crate::measure::eyes::iris_openness(&eyes).expect("open");
        assert!((before.0 - after.0).abs() < 1e-4 && (before.1 - after.1).abs() < 1e-4);
    }
}
