//! The inside-the-frame part of [`super::warp::crop_to_tensor`], eight
//! output pixels at a time with AVX2 gathers: for each pixel the four
//! neighbours' bytes are gathered as 32-bit words (R, G, B and one byte
//! more), each channel is picked out with a shift and a mask, and the
//! bilinear weights are applied in the same order as the scalar code, so the
//! values are bit-identical (tested).

use std::arch::x86_64::*;

/// One output row's run of pixels `u0..u0 + 8 * chunks`, all of whose four
/// taps lie inside the frame with a column to spare (so the 4-byte gathers
/// stay inside `rgb`).
pub struct Run<'a> {
    pub rgb: &'a [u8],
    pub stride: usize,
    /// Source position of output pixel 0 of the row, and its step per pixel.
    pub row: [f32; 2],
    pub du: [f32; 2],
    pub u0: usize,
    pub chunks: usize,
    pub scale: f32,
    pub offset: f32,
    /// Where output pixel `u` goes in each plane: `base + u`, or
    /// `base + n - 1 - u` mirrored.
    pub base: usize,
    pub n: usize,
    pub mirror: bool,
    pub plane: usize,
}

/// Computes the run into `out` (three planes of `plane` values).
///
/// # Safety
/// The CPU must support AVX2. Every pixel of the run must satisfy
/// `0 <= floor(x)`, `floor(x) + 2 < width`, `0 <= floor(y)`,
/// `floor(y) + 1 < height` for the frame `rgb` holds (`stride` = 3 x width),
/// computed as `row + u * du` in f32; the caller checks this.
#[target_feature(enable = "avx2")]
pub unsafe fn run(r: &Run, out: &mut [f32]) {
    let Some(last) = r.u0.checked_add(8 * r.chunks) else {
        return;
    };
    if last > r.n || out.len() < 3 * r.plane || r.base + r.n > r.plane {
        return;
    }
    let lanes = _mm256_setr_ps(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0);
    let (rx, ry) = (_mm256_set1_ps(r.row[0]), _mm256_set1_ps(r.row[1]));
    let (dx, dy) = (_mm256_set1_ps(r.du[0]), _mm256_set1_ps(r.du[1]));
    let one = _mm256_set1_ps(1.0);
    let (scale, offset) = (_mm256_set1_ps(r.scale), _mm256_set1_ps(r.offset));
    let stride = _mm256_set1_epi32(r.stride as i32);
    let three = _mm256_set1_epi32(3);
    let byte = _mm256_set1_epi32(0xff);
    let reverse = _mm256_setr_epi32(7, 6, 5, 4, 3, 2, 1, 0);
    let p = r.rgb.as_ptr() as *const i32;
    for k in 0..r.chunks {
        let u = r.u0 + 8 * k;
        let uf = _mm256_add_ps(_mm256_set1_ps(u as f32), lanes);
        // x = row + u * du, as the scalar code computes it.
        let x = _mm256_add_ps(rx, _mm256_mul_ps(uf, dx));
        let y = _mm256_add_ps(ry, _mm256_mul_ps(uf, dy));
        let (x0, y0) = (_mm256_floor_ps(x), _mm256_floor_ps(y));
        let (fx, fy) = (_mm256_sub_ps(x, x0), _mm256_sub_ps(y, y0));
        let (gx, gy) = (_mm256_sub_ps(one, fx), _mm256_sub_ps(one, fy));
        let (w00, w01) = (_mm256_mul_ps(gx, gy), _mm256_mul_ps(fx, gy));
        let (w10, w11) = (_mm256_mul_ps(gx, fy), _mm256_mul_ps(fx, fy));
        let i = _mm256_add_epi32(
            _mm256_mullo_epi32(_mm256_cvttps_epi32(y0), stride),
            _mm256_mullo_epi32(_mm256_cvttps_epi32(x0), three),
        );
        // SAFETY: the caller's bounds: each word read starts at a tap's
        // first byte and its fourth byte is the next pixel's, which exists
        // (a column to spare), so all 4 bytes lie inside `rgb`.
        let (a, b, c, d) = unsafe {
            (
                _mm256_i32gather_epi32::<1>(p, i),
                _mm256_i32gather_epi32::<1>(p, _mm256_add_epi32(i, three)),
                _mm256_i32gather_epi32::<1>(p, _mm256_add_epi32(i, stride)),
                _mm256_i32gather_epi32::<1>(
                    p,
                    _mm256_add_epi32(_mm256_add_epi32(i, stride), three),
                ),
            )
        };
        let at = if r.mirror {
            r.base + r.n - u - 8
        } else {
            r.base + u
        };
        for ch in 0..3 {
            let pick = |v: __m256i| {
                let v = match ch {
                    0 => v,
                    1 => _mm256_srli_epi32::<8>(v),
                    _ => _mm256_srli_epi32::<16>(v),
                };
                _mm256_cvtepi32_ps(_mm256_and_si256(v, byte))
            };
            let mut v = _mm256_mul_ps(w00, pick(a));
            v = _mm256_add_ps(v, _mm256_mul_ps(w01, pick(b)));
            v = _mm256_add_ps(v, _mm256_mul_ps(w10, pick(c)));
            v = _mm256_add_ps(v, _mm256_mul_ps(w11, pick(d)));
            v = _mm256_add_ps(_mm256_mul_ps(v, scale), offset);
            if r.mirror {
                v = _mm256_permutevar8x32_ps(v, reverse);
            }
            let dst = &mut out[ch * r.plane + at..ch * r.plane + at + 8];
            // SAFETY: `dst` is 8 floats long (checked by the slicing).
            unsafe { _mm256_storeu_ps(dst.as_mut_ptr(), v) };
        }
    }
}
