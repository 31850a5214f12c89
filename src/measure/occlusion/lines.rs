//! The thin lines a glasses frame draws across the face: the bridge over
//! the nose, the lower rims under the eyes, the rims' sides by the outer eye
//! corners. Each is read on short luma profiles across where the line would
//! run, averaged over parallel profiles so that a line crossing the whole
//! band stands out and texture averages away. A frame shows as a dark
//! valley (black or dark rims, and the shading along any rim) or as a bright
//! ridge (a metal rim or bridge catching the light): thin metal rims at
//! 320x240 are mostly ridges (docs/occlusion.md).

use super::{luma, mean_finite, sub, Axes, EYES, NOSE_BRIDGE, P};
use crate::frame::Frame;

/// Deepest narrow dark valley along a profile of luma samples `l` (one per
/// step): min of the two sides `k` steps away minus the centre, max over the
/// profile. 0 when flat or monotonic.
fn valley(l: &[f32], k: usize) -> f32 {
    let mut best = 0.0f32;
    if l.len() > 2 * k {
        for t in k..l.len() - k {
            best = best.max(l[t - k].min(l[t + k]) - l[t]);
        }
    }
    best
}

/// Highest narrow bright ridge along a profile: the centre minus the
/// brighter of the two sides `k` steps away, max over the profile.
fn ridge(l: &[f32], k: usize) -> f32 {
    let mut best = 0.0f32;
    if l.len() > 2 * k {
        for t in k..l.len() - k {
            best = best.max(l[t] - l[t - k].max(l[t + k]));
        }
    }
    best
}

/// Number of samples along a profile of `len_px` pixels: about one per pixel,
/// at most 64.
fn steps(len_px: f32) -> usize {
    (len_px.round() as usize).clamp(8, 64)
}

/// Valley depth ([`valley`], sides about `k_px` pixels away) along a
/// profile from `a` to `b`, on the mean of 5 parallel profiles spread over
/// `across` (pixels, centred): a line crossing the whole band stands out,
/// texture and noise average away.
fn band_depth(frame: &Frame, a: P, b: P, across: P, k_px: f32) -> f32 {
    band_lines(frame, a, b, across, k_px).0
}

/// [`band_depth`] and the highest narrow ridge ([`ridge`]) on the same
/// profile: (valley, ridge), NaN off the frame.
fn band_lines(frame: &Frame, a: P, b: P, across: P, k_px: f32) -> (f32, f32) {
    let d = sub(b, a);
    let len = (d[0] * d[0] + d[1] * d[1]).sqrt();
    let n = steps(len);
    let mut buf = [0.0f32; 64];
    for (i, o) in buf[..n].iter_mut().enumerate() {
        let t = i as f32 / (n - 1) as f32;
        let mut sum = 0.0;
        for j in 0..5 {
            let w = j as f32 / 4.0 - 0.5;
            let q = [
                a[0] + d[0] * t + across[0] * w,
                a[1] + d[1] * t + across[1] * w,
            ];
            match luma(frame, q) {
                Some(l) => sum += l,
                None => return (f32::NAN, f32::NAN),
            }
        }
        *o = sum / 5.0;
    }
    let per_step = len / (n - 1) as f32;
    let k = ((k_px / per_step.max(1e-3)).round() as usize).max(1);
    (valley(&buf[..n], k), ridge(&buf[..n], k))
}

/// The lines a glasses frame draws across the face, each over skin (`norm`).
pub(super) fn glasses_lines(frame: &Frame, f: &Axes, norm: f32) -> Lines {
    let s = f.s;
    let k = (0.05 * s).max(1.5);
    let o = f.p(NOSE_BRIDGE);
    let scaled = |v: P, by: f32| [v[0] * by, v[1] * by];
    let bridge = band_lines(
        frame,
        f.at(o, 0.0, -0.35 * s),
        f.at(o, 0.0, 0.3 * s),
        scaled(f.ex, 0.2 * s),
        k,
    );
    let mut rim = [f32::NAN; 2];
    let mut rim_ridge = [f32::NAN; 2];
    let mut temple = [f32::NAN; 2];
    for e in 0..2 {
        let (c, w) = f.eye(e);
        let (v, r) = band_lines(
            frame,
            f.at(c, 0.0, 0.3 * w),
            f.at(c, 0.0, 1.2 * w),
            scaled(f.ex, 0.6 * w),
            k,
        );
        rim[e] = v / norm;
        rim_ridge[e] = r / norm;
        // Outward from the outer corner: toward -ex for the person's right
        // eye, +ex for the left.
        let out = if e == 0 { -1.0 } else { 1.0 };
        let corner = f.p(EYES[e].0);
        temple[e] = band_depth(
            frame,
            f.at(corner, out * 0.1 * w, 0.0),
            f.at(corner, out * 0.8 * w, 0.0),
            scaled(f.ey, 0.4 * w),
            k,
        ) / norm;
    }
    Lines {
        bridge: bridge.0 / norm,
        bridge_ridge: bridge.1 / norm,
        rim: mean_finite(&rim),
        rim_ridge: mean_finite(&rim_ridge),
        temple: mean_finite(&temple),
    }
}

/// The glasses lines ([`glasses_lines`]), each over skin.
pub(super) struct Lines {
    pub bridge: f32,
    pub bridge_ridge: f32,
    pub rim: f32,
    pub rim_ridge: f32,
    pub temple: f32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valley_finds_narrow_dark_lines_only() {
        let flat = [100.0f32; 12];
        assert_eq!(valley(&flat, 2), 0.0);
        let ramp: Vec<f32> = (0..12).map(|i| i as f32 * 10.0).collect();
        assert_eq!(valley(&ramp, 2), 0.0);
        let mut line = flat;
        line[6] = 40.0;
        assert_eq!(valley(&line, 2), 60.0);
        assert_eq!(valley(&line[..3], 2), 0.0);
    }

    #[test]
    fn ridge_finds_narrow_bright_lines_only() {
        let flat = [100.0; 9];
        assert_eq!(ridge(&flat, 2), 0.0);
        let ramp: Vec<f32> = (0..9).map(|i| i as f32 * 10.0).collect();
        assert_eq!(ridge(&ramp, 2), 0.0);
        // A 1-sample bright line 40 above its sides; the dark line beside it
        // is not a ridge.
        let line = [100.0, 100.0, 100.0, 140.0, 100.0, 100.0, 40.0, 100.0, 100.0];
        assert_eq!(ridge(&line, 2), 40.0);
        assert_eq!(valley(&line, 2), 60.0);
        assert_eq!(ridge(&line[..3], 2), 0.0);
    }
}
