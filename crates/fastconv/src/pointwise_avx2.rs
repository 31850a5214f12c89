//! The AVX2 kernel of [`crate::pointwise`], for the many CPUs without
//! AVX-512: tiles of up to [`ROWS`] output channels by one vector of 8
//! pixels in registers (16 registers: 8 accumulators, the pixels, the
//! weight); per source row one load, [`ROWS`] broadcast weights and fused
//! multiply-adds; the tile is written once, after the residual and the
//! PReLU, exactly as the AVX-512 kernel does. The last pixels of a span
//! are masked (`vmaskmov`).

use crate::pointwise::{Args, Product, ROWS};
use std::arch::x86_64::*;

/// Computes [`Product::span`].
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[target_feature(enable = "avx2,fma")]
pub unsafe fn span(p: &Product, mut a: Args) {
    // Every access below stays inside the buffers: `fits` bounds the
    // furthest source and output element of the span.
    if !p.fits(a.src, a.xbase, a.out, a.out_stride, a.obase, a.len) {
        return;
    }
    let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    let mut p0 = 0;
    while p0 < a.len {
        let n = (a.len - p0).min(8);
        let mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(n as i32), lanes);
        // SAFETY: AVX2 and FMA (caller); the mask keeps the pixels inside
        // the span.
        unsafe {
            if n == 8 {
                tile::<false>(p, &mut a, p0, mask);
            } else {
                tile::<true>(p, &mut a, p0, mask);
            }
        }
        p0 += n;
    }
}

/// All output channels of span pixels `p0..p0 + 8`, limited to the lanes
/// of `mask` when `MASKED` (else all 8 lie inside the span).
///
/// # Safety
/// AVX2 and FMA; lanes as said; `span`'s checks.
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn tile<const MASKED: bool>(p: &Product, a: &mut Args, p0: usize, mask: __m256i) {
    for b in 0..p.blocks() {
        // One instance per row count, so every accumulator index is a
        // constant and they all stay in registers.
        // SAFETY (all): as the caller's; block b holds channels
        // b * ROWS .. b * ROWS + R, all below co.
        unsafe {
            match p.co - b * ROWS {
                1 => block::<MASKED, 1>(p, a, p0, mask, b),
                2 => block::<MASKED, 2>(p, a, p0, mask, b),
                3 => block::<MASKED, 3>(p, a, p0, mask, b),
                4 => block::<MASKED, 4>(p, a, p0, mask, b),
                5 => block::<MASKED, 5>(p, a, p0, mask, b),
                6 => block::<MASKED, 6>(p, a, p0, mask, b),
                7 => block::<MASKED, 7>(p, a, p0, mask, b),
                _ => block::<MASKED, ROWS>(p, a, p0, mask, b),
            }
        }
    }
}

/// Channels `b * ROWS .. b * ROWS + R` of [`tile`].
///
/// # Safety
/// As [`tile`]; `b * ROWS + R <= co`.
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn block<const MASKED: bool, const R: usize>(
    p: &Product,
    a: &mut Args,
    p0: usize,
    mask: __m256i,
    b: usize,
) {
    let xp = a.src.as_ptr();
    let op = a.out.as_mut_ptr();
    let zero = _mm256_setzero_ps();
    let mut acc = [zero; R];
    for (r, acc) in acc.iter_mut().enumerate() {
        *acc = _mm256_set1_ps(p.bias[b * ROWS + r]);
    }
    let w = &p.packed[b * p.k * ROWS..(b + 1) * p.k * ROWS];
    for (&off, w) in p.offs.iter().zip(w.chunks_exact(ROWS)) {
        // Lanes read src[off + xbase + p0 + j] with off <= reach and
        // p0 + j < len (all 8, or those in the mask), inside `src` (`fits`).
        let ptr = xp.wrapping_add(off + a.xbase + p0);
        // SAFETY: as just said.
        let xv = unsafe {
            if MASKED {
                _mm256_maskload_ps(ptr, mask)
            } else {
                _mm256_loadu_ps(ptr)
            }
        };
        for (acc, &w) in acc.iter_mut().zip(w) {
            *acc = _mm256_fmadd_ps(xv, _mm256_set1_ps(w), *acc);
        }
    }
    for (r, &acc) in acc.iter().enumerate() {
        let o = b * ROWS + r;
        // Lanes address out[o * out_stride + obase + p0 + j] with o < co and
        // p0 + j < len, inside `out` (`fits`).
        let ptr = op.wrapping_add(o * a.out_stride + a.obase + p0);
        let mut s = acc;
        if a.residual {
            // SAFETY: as just said.
            let r = unsafe {
                if MASKED {
                    _mm256_maskload_ps(ptr, mask)
                } else {
                    _mm256_loadu_ps(ptr)
                }
            };
            s = _mm256_add_ps(s, r);
        }
        if let Some(k) = p.slopes.as_ref().map(|s| _mm256_set1_ps(s[o])) {
            let pos = _mm256_cmp_ps::<_CMP_GT_OQ>(s, zero);
            s = _mm256_blendv_ps(_mm256_mul_ps(s, k), s, pos);
        }
        // SAFETY: as above.
        unsafe {
            if MASKED {
                _mm256_maskstore_ps(ptr, mask, s);
            } else {
                _mm256_storeu_ps(ptr, s);
            }
        }
    }
}
