//! The AVX-512 kernel of [`super::window`]: output rows written directly, 16
//! outputs per vector, each kernel tap a masked load (the mask drops the
//! columns that fall in the padding) and a fused multiply-add or a maximum.
//!
//! Stride-1 windows read the input plane itself, so the padded copy and the
//! copy-out of the portable path disappear; strided windows read the stride
//! phases built by the portable path (always in bounds, only the last
//! vector of a row is masked).
//!
//! Four output rows share each tap's mask and offset where all their taps
//! are inside the source: 3x3 depthwise of stride 1 on 16 x 96 x 96 went
//! 90 -> 60 us with that (one row at a time before;
//! `cargo run --release --example window_bench`, min of 550, noisy).

use super::window::{Geometry, Reduce, Window};
use std::arch::x86_64::*;

/// Output rows computed together, sharing each tap's mask and offset.
const ROWS: usize = 4;

/// One kernel tap for one 16-column chunk of an output row.
#[derive(Clone, Copy)]
struct Entry {
    /// Offset in the source of output (row 0, first column of the chunk).
    off: isize,
    /// Lanes whose column lies inside the source.
    mask: u16,
}

/// The taps of a window over one source plane layout, for every chunk.
pub struct Taps {
    /// `chunks * taps` entries, chunk-major.
    entries: Vec<Entry>,
    /// Source row of each tap relative to the output row.
    dy: Vec<isize>,
    /// Rows and row length of the source.
    rows: isize,
    cols: usize,
    chunks: usize,
    /// Source length the entries were checked against.
    src_len: usize,
}

impl Taps {
    /// The taps of `op`, or `None` when the geometry is unsupported.
    /// `phases_len` is the length of the phase buffer of strided windows.
    pub fn new(op: &Window, geo: &Geometry, phases_len: usize) -> Option<Taps> {
        let strided = op.sy * op.sx > 1;
        let (rows, cols, src_len) = if strided {
            (geo.rows, geo.cols, phases_len)
        } else {
            (op.h, op.w, op.h * op.w)
        };
        let chunks = op.ow.div_ceil(16);
        let mut entries = Vec::with_capacity(chunks * op.kh * op.kw);
        let mut dy = Vec::with_capacity(op.kh * op.kw);
        let mut taps = Vec::with_capacity(op.kh * op.kw);
        for ky in 0..op.kh {
            for kx in 0..op.kw {
                // (plane base, row shift, column shift)
                let t = if strided {
                    let phase = (ky % op.sy) * op.sx + kx % op.sx;
                    (
                        phase * geo.phase_len,
                        (ky / op.sy) as isize,
                        (kx / op.sx) as isize,
                    )
                } else {
                    (
                        0,
                        ky as isize - op.pt as isize,
                        kx as isize - op.pl as isize,
                    )
                };
                // Every in-range row and column of the plane must lie in the source.
                if t.0 + rows * cols > src_len {
                    return None;
                }
                taps.push(t);
                dy.push(t.1);
            }
        }
        for chunk in 0..chunks {
            let x0 = (chunk * 16) as isize;
            let lanes = (op.ow - chunk * 16).min(16) as isize;
            for &(base, dy, dx) in &taps {
                // Lane j reads column x0 + j + dx: valid for 0 <= that < cols.
                let lo = (-(x0 + dx)).clamp(0, lanes);
                let hi = (cols as isize - (x0 + dx)).clamp(lo, lanes);
                let mask = (((1u32 << hi) - 1) & !((1u32 << lo) - 1)) as u16;
                entries.push(Entry {
                    off: base as isize + dy * cols as isize + x0 + dx,
                    mask,
                });
            }
        }
        Some(Taps {
            entries,
            dy,
            rows: rows as isize,
            cols,
            chunks,
            src_len,
        })
    }

    /// Computes channel `ch` of `op` from `src` (the input plane, or the
    /// phases of a strided window) into `out` (one output plane).
    ///
    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn run(&self, op: &Window, ch: usize, src: &[f32], out: &mut [f32]) {
        let n = self.dy.len();
        if src.len() < self.src_len || out.len() < op.oh * op.ow || n != op.kh * op.kw {
            return;
        }
        let (k, bias) = match &op.reduce {
            Reduce::Conv { kernel, bias } => {
                match (kernel.get(ch * n..(ch + 1) * n), bias.get(ch)) {
                    (Some(k), Some(&b)) => (k, b),
                    _ => return,
                }
            }
            Reduce::Max => (&[][..], f32::MIN),
        };
        let max = matches!(op.reduce, Reduce::Max);
        let (lo, hi) = (self.dy[0], self.dy[n - 1]);
        // Whether all taps of output row `oy` read rows inside the source.
        let full = |oy: usize| oy as isize + lo >= 0 && oy as isize + hi < self.rows;
        let mut oy = 0;
        while oy < op.oh {
            if oy + ROWS <= op.oh && full(oy) && full(oy + ROWS - 1) {
                // SAFETY: AVX-512F (caller); all tap rows inside the source.
                unsafe { self.rows::<ROWS>(op, oy, 0..n, max, k, bias, src, out) };
                oy += ROWS;
            } else {
                // Taps are ordered by kernel row, so the rows inside the
                // source are a contiguous range of taps.
                let row_ok = |t: &isize| (0..self.rows).contains(&(oy as isize + t));
                let t0 = self.dy.iter().position(row_ok).unwrap_or(n);
                let t1 = t0 + self.dy[t0..].iter().take_while(|t| row_ok(t)).count();
                // SAFETY: AVX-512F (caller); taps t0..t1 read rows inside the source.
                unsafe { self.rows::<1>(op, oy, t0..t1, max, k, bias, src, out) };
                oy += 1;
            }
        }
    }

    /// Output rows `oy..oy + R` from taps `taps`, whose source rows must
    /// lie inside the source for all R rows.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    unsafe fn rows<const R: usize>(
        &self,
        op: &Window,
        oy: usize,
        taps: std::ops::Range<usize>,
        max: bool,
        k: &[f32],
        bias: f32,
        src: &[f32],
        out: &mut [f32],
    ) {
        let n = self.dy.len();
        let p = src.as_ptr();
        let row = (oy * self.cols) as isize;
        for chunk in 0..self.chunks {
            let x0 = chunk * 16;
            let lanes = (op.ow - x0).min(16);
            let entries = &self.entries[chunk * n..(chunk + 1) * n];
            let mut acc = [_mm512_set1_ps(bias); R];
            for t in taps.clone() {
                let e = entries[t];
                let w = _mm512_set1_ps(k.get(t).copied().unwrap_or(0.0));
                for (r, acc) in acc.iter_mut().enumerate() {
                    // Lanes in `e.mask` read a source row inside the source
                    // (the caller) at a column inside it (the mask), which
                    // `new` checked lies in `src`; other lanes are not read.
                    let ptr = p.wrapping_offset(row + (r * self.cols) as isize + e.off);
                    let v = unsafe { _mm512_maskz_loadu_ps(e.mask, ptr) };
                    *acc = if max {
                        _mm512_mask_max_ps(*acc, e.mask, *acc, v)
                    } else {
                        _mm512_fmadd_ps(v, w, *acc)
                    };
                }
            }
            let store = ((1u32 << lanes) - 1) as u16;
            for (r, acc) in acc.iter().enumerate() {
                let at = (oy + r) * op.ow + x0;
                // SAFETY: (oy + r) * ow + x0 + lanes <= oh * ow <= out.len().
                unsafe { _mm512_mask_storeu_ps(out.as_mut_ptr().add(at), store, *acc) };
            }
        }
    }
}
