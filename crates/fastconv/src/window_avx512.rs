//! The AVX-512 kernels of [`crate::window`]. [`Taps`], for wide planes:
//! output rows written directly, 16
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
//! `cargo run --release -p fastconv --example window_bench`, min of 550, noisy).
//!
//! [`Flat`], for narrow planes (fewer than 16 output columns, 32 when
//! strided): 16 consecutive outputs of the flattened channels per vector,
//! strided windows by gathers. `window_bench` medians, rows -> flat:
//! 128 x 12 x 12 3x3 stride 1 14.5 -> 12.6 us, stride 2 33.1 -> 9.0 us,
//! 128 x 6 x 6 6.9 -> 4.6 us, 128 x 3 x 3 5.6 -> 1.3 us, 64 x 2 x 2 2.1 ->
//! 0.4 us; slower on wide planes (16 x 96 x 96: 52 vs 92 us), which keep
//! [`Taps`].

use crate::window::{Geometry, Reduce, Window};
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

/// A window over the flattened outputs of all channels of an image, 16
/// consecutive outputs per vector whatever the plane's shape: small planes
/// (3 x 3, 6 x 6) fill whole vectors across rows and channels.
///
/// Output `g` (channel `g / plane`, row and column from `g % plane`) reads,
/// for tap `(ky, kx)`, input `a(g) + ky * w + kx`, with `a(g)` the input
/// index of its window's top-left corner (negative in the padding). Chunks
/// repeat with a period of `lcm(plane, 16) / 16` chunks over `lcm / plane`
/// channels, so masks, lane offsets and lane channels are kept for one
/// period. Stride-1 windows of the input's size read 16 consecutive inputs
/// (a masked load); others gather them.
pub struct Flat {
    /// Chunks and channels per period.
    period: usize,
    group: usize,
    /// Input offset of lane 0 of each chunk of a period, from the period's
    /// first channel.
    base: Vec<isize>,
    /// Lane offsets from `base`, per chunk; empty when contiguous.
    index: Vec<[i32; 16]>,
    /// Channel of lane 0 of each chunk, from the period's first channel.
    chan: Vec<usize>,
    /// Lane channels from `chan`, per chunk; empty when every chunk lies in
    /// one channel.
    rel: Vec<[i32; 16]>,
    /// Lanes reading inside the plane, per chunk and tap (chunk-major).
    masks: Vec<u16>,
    /// Input offset of each tap from the window's corner.
    toff: Vec<isize>,
    /// Convolution weights by tap, `[taps][c + 16]` (zeros after `c`), and
    /// bias `[c + 16]`; empty for a maximum.
    kt: Vec<f32>,
    bias: Vec<f32>,
    /// Input and output elements per image (`c` channels).
    in_len: usize,
    out_len: usize,
}

impl Flat {
    /// The flat kernel of `op`, or `None` when its sizes overflow offsets.
    pub fn new(op: &Window) -> Option<Flat> {
        let plane = op.oh * op.ow;
        let in_plane = op.h * op.w;
        let taps = op.kh * op.kw;
        let lcm = plane / gcd(plane, 16) * 16;
        let (period, group) = (lcm / 16, lcm / plane);
        // Lane offsets are i32 (gathers): every input of a period must fit.
        i32::try_from(
            group
                .checked_mul(in_plane)?
                .checked_add(op.w * op.kh + op.kw)?,
        )
        .ok()?;
        let corner = |g: usize| -> isize {
            let (ch, p) = (g / plane, g % plane);
            let (oy, ox) = (p / op.ow, p % op.ow);
            (ch * in_plane) as isize + (oy * op.sy) as isize * op.w as isize
                - (op.pt * op.w) as isize
                + (ox * op.sx) as isize
                - op.pl as isize
        };
        let mut f = Flat {
            period,
            group,
            base: Vec::with_capacity(period),
            index: Vec::with_capacity(period),
            chan: Vec::with_capacity(period),
            rel: Vec::with_capacity(period),
            masks: Vec::with_capacity(period * taps),
            toff: (0..op.kh)
                .flat_map(|ky| (0..op.kw).map(move |kx| (ky * op.w + kx) as isize))
                .collect(),
            kt: vec![],
            bias: vec![],
            in_len: op.c * in_plane,
            out_len: op.c * plane,
        };
        let (mut contiguous, mut mixed) = (true, false);
        for q in 0..period {
            let g0 = q * 16;
            let base = corner(g0);
            let mut index = [0i32; 16];
            let mut rel = [0i32; 16];
            for (l, (i, r)) in index.iter_mut().zip(&mut rel).enumerate() {
                *i = (corner(g0 + l) - base) as i32;
                *r = ((g0 + l) / plane - g0 / plane) as i32;
                contiguous &= *i == l as i32;
                mixed |= *r != 0;
            }
            f.base.push(base);
            f.index.push(index);
            f.chan.push(g0 / plane);
            f.rel.push(rel);
            for ky in 0..op.kh {
                for kx in 0..op.kw {
                    let mut mask = 0u16;
                    for l in 0..16 {
                        let p = (g0 + l) % plane;
                        let y = (p / op.ow * op.sy + ky).checked_sub(op.pt);
                        let x = (p % op.ow * op.sx + kx).checked_sub(op.pl);
                        if y.is_some_and(|y| y < op.h) && x.is_some_and(|x| x < op.w) {
                            mask |= 1 << l;
                        }
                    }
                    f.masks.push(mask);
                }
            }
        }
        if contiguous {
            f.index.clear();
        }
        if !mixed {
            f.rel.clear();
        }
        if let Reduce::Conv { kernel, bias } = &op.reduce {
            let stride = op.c + 16;
            f.kt = vec![0.0; taps * stride];
            for (ch, k) in kernel.chunks_exact(taps).enumerate().take(op.c) {
                for (t, &v) in k.iter().enumerate() {
                    f.kt[t * stride + ch] = v;
                }
            }
            f.bias = bias.iter().copied().take(op.c).collect();
            f.bias.resize(stride, 0.0);
        }
        Some(f)
    }

    /// Computes the `c` output channels of one image from `src` (its `c`
    /// input planes) into `out` (at least `c` output planes).
    ///
    /// # Safety
    /// The CPU must support AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn run(&self, op: &Window, src: &[f32], out: &mut [f32]) {
        let taps = self.toff.len();
        let conv = !self.kt.is_empty();
        let stride = op.c + 16;
        if src.len() < self.in_len
            || out.len() < self.out_len
            || self.masks.len() != self.period * taps
            || (conv && (self.kt.len() != taps * stride || self.bias.len() != stride))
        {
            return;
        }
        // SAFETY (all four): AVX-512F (caller); sizes checked above.
        unsafe {
            match (conv, self.index.is_empty(), self.rel.is_empty()) {
                (false, true, _) => self.chunks::<false, false, false>(op, src, out),
                (false, false, _) => self.chunks::<false, true, false>(op, src, out),
                (true, true, true) => self.chunks::<true, false, false>(op, src, out),
                (true, false, true) => self.chunks::<true, true, false>(op, src, out),
                (true, true, false) => self.chunks::<true, false, true>(op, src, out),
                (true, false, false) => self.chunks::<true, true, true>(op, src, out),
            }
        }
    }

    /// [`Self::run`] for a convolution or maximum (`CONV`), by gathers or
    /// loads (`GATHER`), with chunks over several channels (`MIXED`).
    #[inline(always)]
    unsafe fn chunks<const CONV: bool, const GATHER: bool, const MIXED: bool>(
        &self,
        op: &Window,
        src: &[f32],
        out: &mut [f32],
    ) {
        let taps = self.toff.len();
        let stride = op.c + 16;
        let chunks = self.out_len.div_ceil(16);
        let in_group = (self.in_len / op.c * self.group) as isize;
        let p = src.as_ptr();
        let (mut q, mut first) = (0, 0usize);
        let mut corner = 0isize;
        // Weights of channel `cached` by tap, for chunks inside one channel.
        const CACHED: usize = 9;
        let mut weights = [_mm512_setzero_ps(); CACHED];
        let mut cached = usize::MAX;
        for j in 0..chunks {
            let left = self.out_len - j * 16;
            let tail = if left >= 16 {
                u16::MAX
            } else {
                (1u16 << left) - 1
            };
            let ch = first + self.chan[q];
            let rel = if MIXED {
                // SAFETY: `rel` has one entry of 16 i32 values per chunk.
                unsafe { _mm512_loadu_epi32(self.rel[q].as_ptr()) }
            } else {
                _mm512_setzero_si512()
            };
            let index = if GATHER {
                // SAFETY: as above, for `index`.
                unsafe { _mm512_loadu_epi32(self.index[q].as_ptr()) }
            } else {
                _mm512_setzero_si512()
            };
            // Lane weights of tap or bias row `row` (`kt` or `bias`):
            // channel `ch` plus each lane's channel offset (under 16, so
            // inside the row's `c + 16` values; `ch < c` for live lanes).
            let lanes = |row: &[f32]| match row.get(ch..ch + 16) {
                None => _mm512_setzero_ps(),
                Some(v) if !MIXED => _mm512_set1_ps(v[0]),
                // SAFETY: `v` holds 16 values.
                Some(v) => _mm512_permutexvar_ps(rel, unsafe { _mm512_loadu_ps(v.as_ptr()) }),
            };
            if CONV && !MIXED && taps <= CACHED && ch != cached {
                for (t, w) in weights.iter_mut().enumerate().take(taps) {
                    *w = lanes(&self.kt[t * stride..(t + 1) * stride]);
                }
                cached = ch;
            }
            let mut acc = if CONV {
                lanes(&self.bias)
            } else {
                _mm512_set1_ps(f32::MIN)
            };
            let base = corner + self.base[q];
            let masks = &self.masks[q * taps..(q + 1) * taps];
            for (t, (&off, &mask)) in self.toff.iter().zip(masks).enumerate() {
                let mask = mask & tail;
                // Lanes in `mask` are outputs of this image (`tail`) whose
                // tap lies inside their channel's input plane (`masks`, from
                // `new`), so they read inside `src`; other lanes read nothing.
                let ptr = p.wrapping_offset(base + off);
                let v = if GATHER {
                    unsafe { _mm512_mask_i32gather_ps::<4>(_mm512_setzero_ps(), mask, index, ptr) }
                } else {
                    unsafe { _mm512_maskz_loadu_ps(mask, ptr) }
                };
                acc = if CONV {
                    let w = match weights.get(t) {
                        Some(&w) if !MIXED && taps <= CACHED => w,
                        _ => lanes(&self.kt[t * stride..(t + 1) * stride]),
                    };
                    _mm512_fmadd_ps(v, w, acc)
                } else {
                    _mm512_mask_max_ps(acc, mask, acc, v)
                };
            }
            // SAFETY: j * 16 + (lanes in `tail`) <= out_len <= out.len().
            unsafe { _mm512_mask_storeu_ps(out.as_mut_ptr().add(j * 16), tail, acc) };
            q += 1;
            if q == self.period {
                q = 0;
                first += self.group;
                corner += in_group;
            }
        }
    }
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
