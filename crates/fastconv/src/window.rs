//! Hand-written depthwise convolution and max-pooling for tract (NCHW, f32).
//!
//! [`Window`] is the geometry; [`FastWindow`] the tract operator, which
//! builds its kernel's tables (taps, masks, transposed weights) once when
//! created, so an evaluation allocates only its output (left uninitialised:
//! every element is written) and reuses a thread-local phase buffer.
//!
//! tract-linalg 0.23.9 has no x86 kernel for depthwise convolutions (only
//! arm64 and wasm ones): a 3x3 depthwise convolution walks a generic scalar
//! loop, and a 2x2 max-pool of stride 2 a scalar per-pixel loop with bounds
//! checks (its vector path is for stride 1 only). Both are "windows" over one
//! channel plane. Two kernels compute them:
//!
//! - AVX-512 ([`crate::window_avx512`], picked at run time), in one of two
//!   forms chosen by output width ([`Kernel`]): output rows written directly
//!   with masked loads (no copies for stride 1) for wide planes, or the
//!   outputs of all channels flattened, 16 per vector across rows and
//!   channels, for narrow ones (a 3 x 3 plane filled 3 lanes of 16 per row);
//! - portable, for other CPUs: the plane is padded and split by stride phase
//!   (phase (py, px) holds padded pixel (r * sy + py, c * sx + px)), so every
//!   kernel tap reads one phase at a constant offset from the output, also
//!   across rows; the output is computed over the flattened phase width in
//!   blocks of [`BLOCK`] outputs, then its valid columns copied out. Plain
//!   Rust, compiled for AVX2+FMA and the baseline and picked at run time.
//!
//! A convolution's bias is added in the same pass; a max-pool can also write
//! zero channels after its own (a fused channel `Pad`, as the mesh's
//! stride-2 blocks do before their residual addition).
//!
//! Measured on this 2-core AVX-512 Xeon while another session built and ran
//! on it (noisy; interleaved runs, min / median of 550):
//! `cargo run --release -p fastconv --example window_bench` (16 x 96 x 96, the mesh's
//! largest planes): 2x2 max-pool of stride 2: tract 179 / 180 us, AVX-512
//! 34 / 36 us, portable 41 / 43 us; 3x3 depthwise of stride 1: AVX-512
//! 60 / 65 us, portable 120 / 126 us (tract's, in the network: 118 us);
//! stride 2: AVX-512 41 / 44 us, portable 44 / 48 us (tract's: 129 us).
//! In the mesh (`cargo run --release --example net_profile -- mesh`), all 20
//! depthwise convolutions 1.11 -> 0.51 ms, the 5 max-pools 0.45 -> 0.16 ms
//! and their channel pads 0.12 -> 0 ms.
//!
//! Then (quiet machine at first, another session's load later; two runs
//! each, `NODES=40 cargo run --release --example net_profile -- mesh|iris
//! 300`): tables built once, no per-call scratch or zero fill, the flat
//! kernel for narrow planes: mesh depthwise 0.534-0.550 -> 0.384-0.389 ms,
//! max-pools 0.161 -> 0.089-0.094 ms (e.g. depthwise_conv2d_12, 128 x 12 x
//! 12 stride 2: 0.034 -> 0.011 ms; _23, 128 x 6 x 6 stride 2: 0.024 ->
//! 0.003 ms; max_pooling2d_4: 0.030 -> 0.006 ms); iris depthwise 0.236 ->
//! 0.130-0.134 ms, max-pools 0.152 -> 0.042 ms. Alone (`window_bench`,
//! medians): 128 x 3 x 3 depthwise rows 5.6 us, flat 1.3 us; 64 x 2 x 2
//! 2.1 -> 0.4 us; 16 x 96 x 96 stride 1 rows 60 -> 52 us (the tables).

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;

/// Outputs computed together, kept in registers (4 AVX-512 vectors).
const BLOCK: usize = 64;

/// What a window computes.
#[derive(Clone, Debug, PartialEq)]
pub enum Reduce {
    /// Depthwise convolution: `kernel` is `[c, kh, kw]`, `bias` `[c]`.
    Conv {
        kernel: Arc<Vec<f32>>,
        bias: Arc<Vec<f32>>,
    },
    /// Maximum over the window; padding never wins.
    Max,
}

/// One windowed operator with fixed geometry.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    pub reduce: Reduce,
    /// Input channels, height and width.
    pub c: usize,
    pub h: usize,
    pub w: usize,
    /// Kernel height, width; strides (y, x); padding before (top, left).
    pub kh: usize,
    pub kw: usize,
    pub sy: usize,
    pub sx: usize,
    pub pt: usize,
    pub pl: usize,
    /// Output height and width.
    pub oh: usize,
    pub ow: usize,
    /// Output channels: `c`, or more when zero channels follow (fused pad).
    pub out_c: usize,
    /// Whether the AVX-512 kernel may run (tests turn it off to compare).
    pub use_avx512: bool,
}

impl Window {
    /// Checks that the geometry is consistent, so evaluation cannot index
    /// outside its buffers.
    pub fn validate(&self) -> TractResult<()> {
        ensure!(self.c > 0 && self.h > 0 && self.w > 0 && self.oh > 0 && self.ow > 0);
        ensure!(self.kh > 0 && self.kw > 0 && self.sy > 0 && self.sx > 0);
        ensure!(self.out_c >= self.c);
        if let Reduce::Conv { kernel, bias } = &self.reduce {
            ensure!(kernel.len() == self.c * self.kh * self.kw && bias.len() == self.c);
        }
        Ok(())
    }

    fn geometry(&self) -> Geometry {
        // Padded extent actually read by the windows.
        let ph = (self.oh - 1) * self.sy + self.kh;
        let pw = (self.ow - 1) * self.sx + self.kw;
        let (rows, cols) = (ph.div_ceil(self.sy), pw.div_ceil(self.sx));
        let phase_len = rows * cols;
        let taps = (0..self.kh)
            .flat_map(|ky| (0..self.kw).map(move |kx| (ky, kx)))
            .map(|(ky, kx)| {
                let phase = (ky % self.sy) * self.sx + kx % self.sx;
                phase * phase_len + (ky / self.sy) * cols + kx / self.sx
            })
            .collect();
        let flat = ((self.oh - 1) * cols + self.ow).div_ceil(BLOCK) * BLOCK;
        Geometry {
            rows,
            cols,
            phase_len,
            taps,
            flat,
        }
    }
}

impl Window {
    /// Rows and columns of one stride phase of this window's padded input.
    pub(super) fn phase_shape(&self) -> (usize, usize) {
        let geo = self.geometry();
        (geo.rows, geo.cols)
    }

    /// Splits each zero-padded input plane (`h x w`) of `planes` by stride
    /// phase into `phases` (per plane, `sy * sx` phases of
    /// [`Self::phase_shape`], phase-major), for a convolution over all
    /// input channels ([`crate::conv`]).
    pub(super) fn split_zero_padded(&self, planes: &[f32], phases: &mut [f32]) -> TractResult<()> {
        let geo = self.geometry();
        let (plane, chan) = (self.h * self.w, self.sy * self.sx * geo.phase_len);
        ensure!(plane > 0 && chan > 0 && planes.len() / plane == phases.len() / chan);
        for (src, dst) in planes
            .chunks_exact(plane)
            .zip(phases.chunks_exact_mut(chan))
        {
            let mut p = Plane {
                op: self,
                geo: &geo,
                ch: 0,
                pad: 0.0,
                phases: dst,
                flat: &mut [],
            };
            p.split_phases(src);
        }
        Ok(())
    }
}

pub(super) struct Geometry {
    /// Rows and columns of one stride phase.
    pub(super) rows: usize,
    pub(super) cols: usize,
    pub(super) phase_len: usize,
    /// Offset of each tap (row-major over the kernel) in the phase buffer.
    taps: Vec<usize>,
    /// Flattened outputs computed per plane, a multiple of BLOCK.
    flat: usize,
}

// Geometry is compared as a whole (tract merges identical operators).
impl Eq for Window {}
impl Eq for Reduce {}

/// A [`Window`] as a tract operator, with what its evaluation needs built
/// once from its fixed geometry.
#[derive(Clone, Debug)]
pub struct FastWindow {
    pub window: Window,
    plan: Arc<Plan>,
}

/// Derived from the window alone, so not compared.
struct Plan {
    geo: Geometry,
    #[cfg(target_arch = "x86_64")]
    avx512: Option<Avx512>,
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("Plan")
    }
}

/// Which AVX-512 kernel runs a window (when the CPU has AVX-512 and the
/// window's `use_avx512` is set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// The faster for the window's size.
    Auto,
    /// [`crate::window_avx512::Flat`].
    Flat,
    /// [`crate::window_avx512::Taps`].
    Rows,
}

/// The AVX-512 kernel picked for a window.
#[cfg(target_arch = "x86_64")]
enum Avx512 {
    /// Flattened outputs, all channels at once ([`crate::window_avx512::Flat`]).
    Flat(crate::window_avx512::Flat),
    /// Output rows, one plane at a time, strided windows from phases.
    Rows(crate::window_avx512::Taps),
}

impl PartialEq for FastWindow {
    fn eq(&self, other: &Self) -> bool {
        self.window == other.window
    }
}

impl Eq for FastWindow {}

impl FastWindow {
    /// Checks `window` and prepares its kernels.
    pub fn new(window: Window) -> TractResult<FastWindow> {
        Self::with_kernel(window, Kernel::Auto)
    }

    /// [`Self::new`] with the AVX-512 kernel forced (tests and probes).
    pub fn with_kernel(window: Window, kernel: Kernel) -> TractResult<FastWindow> {
        window.validate()?;
        let geo = window.geometry();
        #[cfg(not(target_arch = "x86_64"))]
        let _ = kernel;
        #[cfg(target_arch = "x86_64")]
        let avx512 = if window.use_avx512 && crate::cpu::avx512() {
            let flat = match kernel {
                Kernel::Auto => window.flat_is_faster(),
                Kernel::Flat => true,
                Kernel::Rows => false,
            };
            match flat
                .then(|| crate::window_avx512::Flat::new(&window))
                .flatten()
            {
                Some(f) => Some(Avx512::Flat(f)),
                None => crate::window_avx512::Taps::new(&window, &geo, window.phases_len(&geo))
                    .map(Avx512::Rows),
            }
        } else {
            None
        };
        Ok(FastWindow {
            window,
            plan: Arc::new(Plan {
                geo,
                #[cfg(target_arch = "x86_64")]
                avx512,
            }),
        })
    }
}

impl Window {
    /// Length of the phase buffer (with a block of slack for the portable
    /// kernel's last block).
    fn phases_len(&self, geo: &Geometry) -> usize {
        self.sy * self.sx * geo.phase_len + BLOCK
    }

    /// Whether the flat AVX-512 kernel beats the row kernel, measured with
    /// `window_bench`: for stride 1 below 16 output columns (12: 12.6 vs
    /// 14.5 us, 16: 11.0 vs 8.7 us), strided below 32 (24 columns: 21 vs
    /// 25 us for a max-pool, 34.5 vs 34.7 us for a 3x3 convolution; 48:
    /// 41 vs 32 us).
    fn flat_is_faster(&self) -> bool {
        let strided = self.sy * self.sx > 1;
        self.ow < if strided { 32 } else { 16 }
    }
}

thread_local! {
    /// Scratch buffers of the phase-splitting kernels, reused across calls.
    static SCRATCH: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` on a scratch buffer of `len` values (contents unspecified).
fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut v) => {
            if v.len() < len {
                v.resize(len, 0.0);
            }
            f(&mut v[..len])
        }
        Err(_) => f(&mut vec![0.0; len]),
    })
}

impl Op for FastWindow {
    fn name(&self) -> StaticName {
        match self.window.reduce {
            Reduce::Conv { .. } => "FastDepthwise".into(),
            Reduce::Max => "FastMaxPool".into(),
        }
    }

    fn info(&self) -> TractResult<Vec<String>> {
        let w = &self.window;
        Ok(vec![format!(
            "{}x{} stride {}x{} pad {}x{} -> {}x{}x{}",
            w.kh, w.kw, w.sy, w.sx, w.pt, w.pl, w.out_c, w.oh, w.ow
        )])
    }

    fn validation(&self) -> Validation {
        Validation::Rounding
    }

    op_as_typed_op!();
}

impl EvalOp for FastWindow {
    op_out_of_plan!();

    fn eval(&self, _: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let op = &self.window;
        let geo = &self.plan.geo;
        let input = args_1!(inputs);
        let shape = input.shape();
        ensure!(shape.len() == 4 && shape[1..] == [op.c, op.h, op.w]);
        let n = shape[0];
        let plain = input.try_as_plain_ram()?;
        let x = plain.as_slice::<f32>()?;
        let out_plane = op.oh * op.ow;
        // SAFETY: f32 has no invalid bit patterns, and every element is
        // written below before the tensor is read: the first `c` planes of
        // each image by the kernels (each writes every output of a plane),
        // the fused zero channels after them by `fill(0.0)`.
        let mut output = unsafe { Tensor::uninitialized::<f32>(&[n, op.out_c, op.oh, op.ow])? };
        let mut view = output.try_as_plain_ram_mut()?;
        let out = view.as_slice_mut::<f32>()?;
        let pad = match op.reduce {
            Reduce::Conv { .. } => 0.0,
            Reduce::Max => f32::MIN,
        };
        let phases_len = op.phases_len(geo);
        for (image, out_image) in x
            .chunks_exact(op.c * op.h * op.w)
            .zip(out.chunks_exact_mut(op.out_c * out_plane))
        {
            let (live, zeros) = out_image.split_at_mut(op.c * out_plane);
            zeros.fill(0.0);
            #[cfg(target_arch = "x86_64")]
            match &self.plan.avx512 {
                Some(Avx512::Flat(flat)) => {
                    // SAFETY: `Flat` exists only on a CPU with AVX-512.
                    unsafe { flat.run(op, image, live) };
                    continue;
                }
                Some(Avx512::Rows(taps)) => {
                    let planes = image
                        .chunks_exact(op.h * op.w)
                        .zip(live.chunks_exact_mut(out_plane))
                        .enumerate();
                    if op.sy * op.sx == 1 {
                        for (ch, (plane, out)) in planes {
                            // SAFETY: `Taps` exists only on a CPU with AVX-512.
                            unsafe { taps.run(op, ch, plane, out) };
                        }
                    } else {
                        with_scratch(phases_len, |phases| {
                            for (ch, (plane, out)) in planes {
                                let mut p = Plane {
                                    op,
                                    geo,
                                    ch,
                                    pad,
                                    phases,
                                    flat: &mut [],
                                };
                                p.split_phases(plane);
                                // SAFETY: as above.
                                unsafe { taps.run(op, ch, phases, out) };
                            }
                        });
                    }
                    continue;
                }
                None => {}
            }
            with_scratch(phases_len + geo.flat, |scratch| {
                let (phases, flat) = scratch.split_at_mut(phases_len);
                // The last block may read past the phases: keep it finite.
                phases[phases_len - BLOCK..].fill(pad);
                for (ch, (plane, out)) in image
                    .chunks_exact(op.h * op.w)
                    .zip(live.chunks_exact_mut(out_plane))
                    .enumerate()
                {
                    let mut p = Plane {
                        op,
                        geo,
                        ch,
                        pad,
                        phases: &mut *phases,
                        flat: &mut *flat,
                    };
                    p.run(plane, out);
                }
            });
        }
        Ok(tvec!(output.into_tvalue()))
    }
}

/// One channel plane's work and its scratch buffers.
struct Plane<'a> {
    op: &'a Window,
    geo: &'a Geometry,
    ch: usize,
    pad: f32,
    phases: &'a mut [f32],
    flat: &'a mut [f32],
}

impl Plane<'_> {
    /// Picks the widest vector code the CPU runs.
    fn run(&mut self, plane: &[f32], out: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        {
            if crate::cpu::avx512() {
                // SAFETY: the CPU has the features the function was compiled for.
                return unsafe { self.run_512(plane, out) };
            }
            if crate::cpu::avx2() {
                // SAFETY: as above.
                return unsafe { self.run_256(plane, out) };
            }
        }
        self.run_generic::<false>(plane, out)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx2,fma")]
    unsafe fn run_512(&mut self, plane: &[f32], out: &mut [f32]) {
        self.run_generic::<true>(plane, out)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn run_256(&mut self, plane: &[f32], out: &mut [f32]) {
        self.run_generic::<true>(plane, out)
    }

    /// Phases, flattened windows, valid columns out (see the module doc).
    #[inline(always)]
    fn run_generic<const FMA: bool>(&mut self, plane: &[f32], out: &mut [f32]) {
        let op = self.op;
        self.split_phases(plane);
        match &op.reduce {
            Reduce::Conv { kernel, bias } => {
                let k = kernel
                    .get(self.ch * op.kh * op.kw..(self.ch + 1) * op.kh * op.kw)
                    .unwrap_or(&[]);
                let b = bias.get(self.ch).copied().unwrap_or(0.0);
                conv_flat::<FMA>(self.phases, &self.geo.taps, k, b, self.flat);
            }
            Reduce::Max => max_flat(self.phases, &self.geo.taps, self.flat),
        }
        self.copy_out(out)
    }

    /// Copies the valid columns of the flattened outputs.
    #[inline(always)]
    fn copy_out(&self, out: &mut [f32]) {
        let op = self.op;
        for (row, flat_row) in out
            .chunks_exact_mut(op.ow)
            .zip(self.flat.chunks(self.geo.cols))
        {
            if let Some(v) = flat_row.get(..op.ow) {
                row.copy_from_slice(v);
            }
        }
    }

    /// Writes the padded plane into its stride phases.
    #[inline(always)]
    fn split_phases(&mut self, plane: &[f32]) {
        let (op, geo, pad) = (self.op, self.geo, self.pad);
        for py in 0..op.sy {
            for px in 0..op.sx {
                let phase = &mut self.phases[(py * op.sx + px) * geo.phase_len..][..geo.phase_len];
                // Phase column c reads input column c * sx + px - pl when in range.
                let first = (op.pl.saturating_sub(px)).div_ceil(op.sx).min(geo.cols);
                let last = (op.w + op.pl).saturating_sub(px).div_ceil(op.sx);
                let (c0, c1) = (first, last.clamp(first, geo.cols));
                for (r, dst) in phase.chunks_exact_mut(geo.cols).enumerate() {
                    let y = (r * op.sy + py).checked_sub(op.pt).filter(|&y| y < op.h);
                    let Some(src) = y.and_then(|y| plane.get(y * op.w..(y + 1) * op.w)) else {
                        dst.fill(pad);
                        continue;
                    };
                    dst[..c0].fill(pad);
                    dst[c1..].fill(pad);
                    if c0 == c1 {
                        continue;
                    }
                    let src = &src[c0 * op.sx + px - op.pl..];
                    let dst = &mut dst[c0..c1];
                    if op.sx == 1 {
                        dst.copy_from_slice(&src[..dst.len()]);
                    } else if op.sx == 2 {
                        let pairs = src.chunks_exact(2);
                        let odd = pairs.remainder().first().copied();
                        let n = pairs.len();
                        for (d, s) in dst.iter_mut().zip(pairs) {
                            *d = s[0];
                        }
                        if let (Some(d), Some(v)) = (dst.get_mut(n), odd) {
                            *d = v;
                        }
                    } else {
                        for (d, s) in dst.iter_mut().zip(src.chunks(op.sx)) {
                            *d = s[0];
                        }
                    }
                }
            }
        }
    }
}

/// `flat[i] = bias + sum_t k[t] * phases[taps[t] + i]`, per block of outputs.
#[inline(always)]
fn conv_flat<const FMA: bool>(
    phases: &[f32],
    taps: &[usize],
    k: &[f32],
    bias: f32,
    flat: &mut [f32],
) {
    for (b, out) in flat.chunks_exact_mut(BLOCK).enumerate() {
        let mut acc = [bias; BLOCK];
        for (&off, &kt) in taps.iter().zip(k) {
            let Some(src) = phases.get(off + b * BLOCK..off + (b + 1) * BLOCK) else {
                continue;
            };
            for (a, &s) in acc.iter_mut().zip(src) {
                *a = if FMA { s.mul_add(kt, *a) } else { *a + kt * s };
            }
        }
        out.copy_from_slice(&acc);
    }
}

/// `flat[i] = max_t phases[taps[t] + i]`, per block of outputs.
#[inline(always)]
fn max_flat(phases: &[f32], taps: &[usize], flat: &mut [f32]) {
    for (b, out) in flat.chunks_exact_mut(BLOCK).enumerate() {
        let mut acc = [f32::MIN; BLOCK];
        for &off in taps {
            let Some(src) = phases.get(off + b * BLOCK..off + (b + 1) * BLOCK) else {
                continue;
            };
            for (a, &s) in acc.iter_mut().zip(src) {
                *a = if *a < s { s } else { *a };
            }
        }
        out.copy_from_slice(&acc);
    }
}

impl TypedOp for FastWindow {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        ensure!(inputs.len() == 1 && inputs[0].datum_type == f32::datum_type());
        let n = inputs[0].shape[0].clone();
        let w = &self.window;
        let shape: TVec<TDim> = tvec![n, w.out_c.into(), w.oh.into(), w.ow.into()];
        Ok(tvec!(f32::fact(shape)))
    }

    as_op!();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window by its definition, one output at a time.
    fn reference(op: &Window, x: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0; op.out_c * op.oh * op.ow];
        for c in 0..op.c {
            for oy in 0..op.oh {
                for ox in 0..op.ow {
                    let mut acc = match &op.reduce {
                        Reduce::Conv { bias, .. } => bias[c],
                        Reduce::Max => f32::MIN,
                    };
                    for ky in 0..op.kh {
                        for kx in 0..op.kw {
                            let y = (oy * op.sy + ky) as isize - op.pt as isize;
                            let xx = (ox * op.sx + kx) as isize - op.pl as isize;
                            if y < 0 || xx < 0 || y >= op.h as isize || xx >= op.w as isize {
                                continue;
                            }
                            let v = x[(c * op.h + y as usize) * op.w + xx as usize];
                            acc = match &op.reduce {
                                Reduce::Conv { kernel, .. } => {
                                    acc + kernel[(c * op.kh + ky) * op.kw + kx] * v
                                }
                                Reduce::Max => acc.max(v),
                            };
                        }
                    }
                    out[(c * op.oh + oy) * op.ow + ox] = acc;
                }
            }
        }
        out
    }

    /// All kernels against the definition, on odd sizes, strides,
    /// paddings, planes smaller than a vector, two images.
    #[test]
    fn matches_the_definition() -> TractResult<()> {
        let shapes = [
            // c, h, w, kh, kw, s, pt, pl, pb, pr, extra out channels
            (3, 7, 5, 3, 3, 1, 1, 1, 1, 1, 0),
            (17, 3, 3, 3, 3, 1, 1, 1, 1, 1, 0),
            (5, 2, 2, 3, 3, 1, 1, 1, 1, 1, 2),
            (7, 12, 12, 3, 3, 2, 0, 0, 1, 1, 3),
            (3, 8, 8, 2, 2, 2, 0, 0, 0, 0, 3),
            (4, 17, 16, 3, 3, 1, 1, 1, 1, 1, 0),
            (3, 5, 7, 3, 2, 1, 0, 1, 2, 0, 1),
            (2, 96, 96, 3, 3, 1, 1, 1, 1, 1, 0),
            (2, 20, 37, 3, 3, 2, 0, 0, 1, 1, 0),
            (2, 9, 18, 2, 2, 2, 0, 0, 0, 0, 2),
            (1, 3, 3, 3, 3, 1, 1, 1, 1, 1, 0),
            (2, 6, 6, 3, 3, 2, 0, 0, 1, 1, 1),
            (1, 11, 13, 5, 3, 3, 2, 0, 1, 2, 0),
        ];
        for (c, h, w, kh, kw, s, pt, pl, pb, pr, extra) in shapes {
            let x: Vec<f32> = (0..2 * c * h * w)
                .map(|i| ((i * 7919) % 997) as f32 / 400.0 - 1.2)
                .collect();
            let kernel: Vec<f32> = (0..c * kh * kw).map(|i| (i as f32 * 0.37).sin()).collect();
            let bias: Vec<f32> = (0..c).map(|i| i as f32 * 0.1 - 0.05).collect();
            for reduce in [
                Reduce::Max,
                Reduce::Conv {
                    kernel: Arc::new(kernel.clone()),
                    bias: Arc::new(bias.clone()),
                },
            ] {
                let op = Window {
                    reduce,
                    c,
                    h,
                    w,
                    kh,
                    kw,
                    sy: s,
                    sx: s,
                    pt,
                    pl,
                    oh: (h + pt + pb - kh) / s + 1,
                    ow: (w + pl + pr - kw) / s + 1,
                    out_c: c + extra,
                    use_avx512: true,
                };
                let want: Vec<f32> = x
                    .chunks_exact(c * h * w)
                    .flat_map(|image| reference(&op, image))
                    .collect();
                for (use_avx512, kernel) in [
                    (true, Kernel::Flat),
                    (true, Kernel::Rows),
                    (true, Kernel::Auto),
                    (false, Kernel::Auto),
                ] {
                    let op = Window {
                        use_avx512,
                        ..op.clone()
                    };
                    let input = Tensor::from_shape(&[2, c, h, w], &x)?.into_tvalue();
                    let op = FastWindow::with_kernel(op, kernel)?;
                    let got = op.eval(&EvalContext::out_of_plan(), tvec!(input))?;
                    let got = got[0].try_as_plain_ram()?.as_slice::<f32>()?.to_vec();
                    assert_eq!(got.len(), want.len());
                    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                        assert!(
                            (g - w).abs() <= 1e-5 * w.abs().max(1.0),
                            "{:?} avx512 {use_avx512} {kernel:?} at {i}: {g} vs {w}",
                            op.info()
                        );
                    }
                }
            }
        }
        Ok(())
    }
}
