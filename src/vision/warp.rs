//! Cropping a rotated square out of a frame into a model's input tensor.

use super::roi::Roi;
use crate::frame::Frame;

/// How pixel values (0-255) become tensor values: `v * scale + offset`.
#[derive(Clone, Copy, Debug)]
pub struct Normalize {
    pub scale: f32,
    pub offset: f32,
}

/// [0, 1], as the mesh and iris models want.
pub const UNIT: Normalize = Normalize {
    scale: 1.0 / 255.0,
    offset: 0.0,
};
/// [-1, 1], as the detector wants.
pub const SIGNED: Normalize = Normalize {
    scale: 2.0 / 255.0,
    offset: -1.0,
};

/// Samples `roi` from `frame` into a planar (NCHW, RGB) `n`x`n` tensor with
/// bilinear interpolation; outside the frame reads as black. With `mirror`
/// the crop is flipped left-right (MediaPipe feeds one eye mirrored).
pub fn crop_to_tensor(
    frame: &Frame,
    roi: &Roi,
    n: usize,
    norm: Normalize,
    mirror: bool,
    out: &mut [f32],
) {
    crop(frame, roi, n, norm, mirror, out, true)
}

/// [`crop_to_tensor`], with the vector code allowed or not (the tests
/// compare the two).
fn crop(
    frame: &Frame,
    roi: &Roi,
    n: usize,
    norm: Normalize,
    mirror: bool,
    out: &mut [f32],
    vector: bool,
) {
    debug_assert!(out.len() >= 3 * n * n);
    #[cfg(target_arch = "x86_64")]
    let (w, h) = (frame.width as i64, frame.height as i64);
    #[cfg(target_arch = "x86_64")]
    let stride = frame.width as usize * 3;
    let (sin, cos) = roi.angle.sin_cos();
    let step = roi.size / n as f32;
    // Source position of output pixel (u, v)'s centre, minus 0.5 for
    // pixel-centre sampling: origin + u * du + v * dv.
    let (du, dv) = ([cos * step, sin * step], [-sin * step, cos * step]);
    let half = roi.size / 2.0;
    let origin = [
        roi.cx - half * cos + half * sin + 0.5 * (du[0] + dv[0]) - 0.5,
        roi.cy - half * sin - half * cos + 0.5 * (du[1] + dv[1]) - 0.5,
    ];
    #[cfg(target_arch = "x86_64")]
    let plane = n * n;
    #[cfg(target_arch = "x86_64")]
    let simd = vector && fastconv::cpu::avx2() && frame.rgb.len() < i32::MAX as usize;
    for v in 0..n {
        let row = [origin[0] + v as f32 * dv[0], origin[1] + v as f32 * dv[1]];
        let mut u = 0;
        #[cfg(target_arch = "x86_64")]
        if simd {
            let (ua, ub) = inside_run(row, du, n, w, h);
            let chunks = ub.saturating_sub(ua) / 8;
            if chunks > 0 {
                while u < ua {
                    pixel(frame, row, du, u, v, n, norm, mirror, out);
                    u += 1;
                }
                let run = super::warp_avx2::Run {
                    rgb: &frame.rgb,
                    stride,
                    row,
                    du,
                    u0: ua,
                    chunks,
                    scale: norm.scale,
                    offset: norm.offset,
                    base: v * n,
                    n,
                    mirror,
                    plane,
                };
                // SAFETY: AVX2 is present (checked above); `inside_run`
                // checked the run's pixels against the frame as `run` needs.
                unsafe { super::warp_avx2::run(&run, out) };
                u = ua + 8 * chunks;
            }
        }
        while u < n {
            pixel(frame, row, du, u, v, n, norm, mirror, out);
            u += 1;
        }
    }
}

/// Whether output pixel `u` of the row starting at `row` (stepping `du`)
/// reads only inside the frame with a column to spare: `0 <= floor(x)`,
/// `floor(x) + 2 < w`, `0 <= floor(y)`, `floor(y) + 1 < h`.
fn inside(row: [f32; 2], du: [f32; 2], u: usize, w: i64, h: i64) -> bool {
    let x = row[0] + u as f32 * du[0];
    let y = row[1] + u as f32 * du[1];
    let (x0, y0) = (x.floor() as i64, y.floor() as i64);
    x0 >= 0 && y0 >= 0 && x0 + 2 < w && y0 + 1 < h
}

/// The pixels `ua..ub` of a row that are [`inside`]. Positions along a row
/// change monotonically with `u` (even in f32), so they form one run: its
/// ends are solved for, then checked pixel by pixel and narrowed.
fn inside_run(row: [f32; 2], du: [f32; 2], n: usize, w: i64, h: i64) -> (usize, usize) {
    let (mut lo, mut hi) = (0.0f64, n as f64);
    for (a, d, limit) in [
        (row[0] as f64, du[0] as f64, (w - 2) as f64),
        (row[1] as f64, du[1] as f64, (h - 1) as f64),
    ] {
        // 0 <= a + u d < limit.
        if d == 0.0 {
            if !(0.0..limit).contains(&a) {
                return (0, 0);
            }
            continue;
        }
        let (t0, t1) = ((0.0 - a) / d, (limit - a) / d);
        let (t0, t1) = if d > 0.0 { (t0, t1) } else { (t1, t0) };
        lo = lo.max(t0);
        hi = hi.min(t1);
    }
    // Also false for NaN (a degenerate crop): no run then.
    if lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
        return (0, 0);
    }
    let mut ua = (lo.ceil().max(0.0) as usize).min(n);
    let mut ub = ((hi.floor() + 1.0).max(0.0) as usize).min(n);
    while ua < ub && !inside(row, du, ua, w, h) {
        ua += 1;
    }
    while ub > ua && !inside(row, du, ub - 1, w, h) {
        ub -= 1;
    }
    (ua, ub)
}

/// One output pixel `u` of row `v`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn pixel(
    frame: &Frame,
    row: [f32; 2],
    du: [f32; 2],
    u: usize,
    v: usize,
    n: usize,
    norm: Normalize,
    mirror: bool,
    out: &mut [f32],
) {
    let (w, h) = (frame.width as i64, frame.height as i64);
    let stride = frame.width as usize * 3;
    let plane = n * n;
    let black = norm.offset;
    let x = row[0] + u as f32 * du[0];
    let y = row[1] + u as f32 * du[1];
    let ou = if mirror { n - 1 - u } else { u };
    let o = v * n + ou;
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (x0, y0) = (x0 as i64, y0 as i64);
    if x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h {
        // Inside the frame (nearly every pixel): four taps, no checks.
        let i = y0 as usize * stride + x0 as usize * 3;
        let (a, b) = (&frame.rgb[i..i + 6], &frame.rgb[i + stride..i + stride + 6]);
        let (w00, w01) = ((1.0 - fx) * (1.0 - fy), fx * (1.0 - fy));
        let (w10, w11) = ((1.0 - fx) * fy, fx * fy);
        for c in 0..3 {
            let v = w00 * a[c] as f32
                + w01 * a[c + 3] as f32
                + w10 * b[c] as f32
                + w11 * b[c + 3] as f32;
            out[c * plane + o] = v * norm.scale + norm.offset;
        }
        return;
    }
    if x0 < -1 || y0 < -1 || x0 >= w || y0 >= h {
        out[o] = black;
        out[plane + o] = black;
        out[2 * plane + o] = black;
        return;
    }
    let mut acc = [0.0f32; 3];
    for (dy, wy) in [(0, 1.0 - fy), (1, fy)] {
        let yy = y0 + dy;
        if yy < 0 || yy >= h || wy == 0.0 {
            continue;
        }
        for (dx, wx) in [(0, 1.0 - fx), (1, fx)] {
            let xx = x0 + dx;
            if xx < 0 || xx >= w || wx == 0.0 {
                continue;
            }
            let i = yy as usize * stride + xx as usize * 3;
            let wgt = wx * wy;
            acc[0] += wgt * frame.rgb[i] as f32;
            acc[1] += wgt * frame.rgb[i + 1] as f32;
            acc[2] += wgt * frame.rgb[i + 2] as f32;
        }
    }
    out[o] = acc[0] * norm.scale + norm.offset;
    out[plane + o] = acc[1] * norm.scale + norm.offset;
    out[2 * plane + o] = acc[2] * norm.scale + norm.offset;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gradient(w: u32, h: u32) -> Frame {
        let mut rgb = Vec::new();
        for y in 0..h {
            for x in 0..w {
                rgb.extend_from_slice(&[x as u8, y as u8, 7]);
            }
        }
        Frame::from_rgb(w, h, rgb).unwrap()
    }

    /// The vector path gives exactly the scalar path's values, for crops
    /// turned, mirrored, inside, across the edges and outside the frame.
    #[test]
    fn vector_and_scalar_crops_are_identical() {
        let (w, h) = (97u32, 61u32);
        let rgb: Vec<u8> = (0..w * h * 3).map(|i| (i * 37 % 253) as u8).collect();
        let f = Frame::from_rgb(w, h, rgb).unwrap();
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1u32 << 24) as f32
        };
        for case in 0..300 {
            let roi = Roi {
                cx: -20.0 + 140.0 * next(),
                cy: -20.0 + 100.0 * next(),
                size: 5.0 + 120.0 * next(),
                angle: (next() - 0.5) * 7.0,
            };
            let n = [8usize, 17, 64, 33][case % 4];
            let mirror = case % 3 == 0;
            let mut a = vec![0.0; 3 * n * n];
            let mut b = vec![1.0; 3 * n * n];
            crop(&f, &roi, n, UNIT, mirror, &mut a, true);
            crop(&f, &roi, n, UNIT, mirror, &mut b, false);
            assert!(a == b, "case {case}: {roi:?} n {n} mirror {mirror}");
        }
    }

    #[test]
    fn identity_crop_reproduces_pixels() {
        let f = gradient(8, 8);
        let roi = Roi {
            cx: 4.0,
            cy: 4.0,
            size: 8.0,
            angle: 0.0,
        };
        let mut out = vec![0.0; 3 * 64];
        crop_to_tensor(
            &f,
            &roi,
            8,
            Normalize {
                scale: 1.0,
                offset: 0.0,
            },
            false,
            &mut out,
        );
        assert_eq!(out[3 * 8 + 5], 5.0); // red = x
        assert_eq!(out[64 + 3 * 8 + 5], 3.0); // green = y
        assert_eq!(out[128], 7.0);
        let mut mirrored = vec![0.0; 3 * 64];
        crop_to_tensor(
            &f,
            &roi,
            8,
            Normalize {
                scale: 1.0,
                offset: 0.0,
            },
            true,
            &mut mirrored,
        );
        assert_eq!(mirrored[3 * 8 + 2], 5.0);
    }

    #[test]
    fn quarter_turn_swaps_axes_and_outside_is_black() {
        let f = gradient(8, 8);
        let roi = Roi {
            cx: 4.0,
            cy: 4.0,
            size: 8.0,
            angle: std::f32::consts::FRAC_PI_2,
        };
        let mut out = vec![0.0; 3 * 64];
        crop_to_tensor(
            &f,
            &roi,
            8,
            Normalize {
                scale: 1.0,
                offset: 0.0,
            },
            false,
            &mut out,
        );
        // Crop x runs down the frame: crop (u, v) reads frame (7 - v, u).
        assert!((out[64 + 2 * 8 + 5] - 5.0).abs() < 1e-4); // green = frame y = u
        assert!((out[2 * 8 + 5] - 5.0).abs() < 1e-4); // red = frame x = 7 - v
        let far = Roi {
            cx: 100.0,
            cy: 100.0,
            size: 8.0,
            angle: 0.0,
        };
        crop_to_tensor(&f, &far, 8, SIGNED, false, &mut out);
        assert!(out.iter().all(|&v| v == -1.0));
    }
}
