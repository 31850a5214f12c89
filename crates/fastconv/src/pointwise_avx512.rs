//! The AVX-512 kernel of [`crate::pointwise`]: tiles of up to [`ROWS`]
//! output channels by `V` vectors of 16 pixels in `ROWS x V` registers; per
//! source row, `V` loads of pixels, [`ROWS`] broadcast weights and
//! `ROWS x V` fused multiply-adds; the tile is written once, after the
//! residual and the PReLU. Pixels past the end of the span are masked off.

use crate::pointwise::{Args, Product, ROWS};
use std::arch::x86_64::*;

/// Pixel vectors per tile of the main loop (24 accumulators).
const VECS: usize = 3;

/// Computes [`Product::span`].
///
/// # Safety
/// The CPU must support AVX-512F.
#[target_feature(enable = "avx512f")]
pub unsafe fn span(p: &Product, mut a: Args) {
    // Every access below stays inside the buffers: `fits` bounds the
    // furthest source and output element of the span.
    if !p.fits(a.src, a.xbase, a.out, a.out_stride, a.obase, a.len) {
        return;
    }
    let mut p0 = 0;
    while p0 + VECS * 16 <= a.len {
        // SAFETY: AVX-512F (caller); pixels p0..p0 + 16 VECS lie in the span.
        unsafe { tile::<VECS>(p, &mut a, p0, [u16::MAX; VECS]) };
        p0 += VECS * 16;
    }
    if p0 + 32 <= a.len {
        // SAFETY: as above, 32 pixels.
        unsafe { tile::<2>(p, &mut a, p0, [u16::MAX; 2]) };
        p0 += 32;
    }
    while p0 < a.len {
        let lanes = (a.len - p0).min(16);
        let mask = ((1u32 << lanes) - 1) as u16;
        // SAFETY: AVX-512F (caller); the mask keeps pixels inside the span.
        unsafe { tile::<1>(p, &mut a, p0, [mask]) };
        p0 += lanes;
    }
}

/// All output channels of span pixels `p0..p0 + 16 V`, vector `v` limited
/// to the lanes of `masks[v]`, which must lie inside the span (`< len`).
///
/// # Safety
/// The CPU must support AVX-512F; the masks as said; `span`'s checks.
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn tile<const V: usize>(p: &Product, a: &mut Args, p0: usize, masks: [u16; V]) {
    for b in 0..p.blocks() {
        // The number of rows is a constant in each instance, so that every
        // accumulator index is known and they all stay in registers.
        // SAFETY (all): AVX-512F, masks and bounds from the caller; block
        // b holds channels b * ROWS .. b * ROWS + R, all below co.
        unsafe {
            match p.co - b * ROWS {
                1 => block::<V, 1>(p, a, p0, masks, b),
                2 => block::<V, 2>(p, a, p0, masks, b),
                3 => block::<V, 3>(p, a, p0, masks, b),
                4 => block::<V, 4>(p, a, p0, masks, b),
                5 => block::<V, 5>(p, a, p0, masks, b),
                6 => block::<V, 6>(p, a, p0, masks, b),
                7 => block::<V, 7>(p, a, p0, masks, b),
                _ => block::<V, ROWS>(p, a, p0, masks, b),
            }
        }
    }
}

/// Channels `b * ROWS .. b * ROWS + R` of [`tile`].
///
/// # Safety
/// As [`tile`]; `b * ROWS + R <= co`.
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn block<const V: usize, const R: usize>(
    p: &Product,
    a: &mut Args,
    p0: usize,
    masks: [u16; V],
    b: usize,
) {
    let xp = a.src.as_ptr();
    let op = a.out.as_mut_ptr();
    let zero = _mm512_setzero_ps();
    let mut acc = [[zero; V]; R];
    for (r, acc) in acc.iter_mut().enumerate() {
        *acc = [_mm512_set1_ps(p.bias[b * ROWS + r]); V];
    }
    let w = &p.packed[b * p.k * ROWS..(b + 1) * p.k * ROWS];
    for (&off, w) in p.offs.iter().zip(w.chunks_exact(ROWS)) {
        let mut xs = [zero; V];
        for (v, xv) in xs.iter_mut().enumerate() {
            // Lanes in the mask read src[off + xbase + p0 + 16 v + j] with
            // off <= reach and p0 + 16 v + j < len, inside `src` (`fits`);
            // other lanes are not read.
            let ptr = xp.wrapping_add(off + a.xbase + p0 + 16 * v);
            // SAFETY: as just said.
            *xv = unsafe { _mm512_maskz_loadu_ps(masks[v], ptr) };
        }
        for (acc, &w) in acc.iter_mut().zip(w) {
            let w = _mm512_set1_ps(w);
            for (acc, &xv) in acc.iter_mut().zip(&xs) {
                *acc = _mm512_fmadd_ps(xv, w, *acc);
            }
        }
    }
    for (r, acc) in acc.iter().enumerate() {
        let o = b * ROWS + r;
        let slope = p.slopes.as_ref().map(|s| _mm512_set1_ps(s[o]));
        for (v, &acc) in acc.iter().enumerate() {
            // Lanes in the mask address out[o * out_stride + obase + p0 +
            // 16 v + j] with o < co and p0 + 16 v + j < len, inside `out`
            // (`fits`); other lanes are neither read nor written.
            let ptr = op.wrapping_add(o * a.out_stride + a.obase + p0 + 16 * v);
            let mut s = acc;
            if a.residual {
                // SAFETY: as just said.
                let r = unsafe { _mm512_maskz_loadu_ps(masks[v], ptr) };
                s = _mm512_add_ps(s, r);
            }
            if let Some(k) = slope {
                let pos = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(s, zero);
                s = _mm512_mask_mul_ps(s, !pos, s, k);
            }
            // SAFETY: as above.
            unsafe { _mm512_mask_storeu_ps(ptr, masks[v], s) };
        }
    }
}
