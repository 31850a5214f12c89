//! Hand-written 1x1 ("pointwise") convolution for tract (NCHW, f32), with
//! what follows it in the MediaPipe networks fused into the same pass: the
//! bias, the residual addition and the PReLU.
//!
//! After decluttering, tract turns a 1x1 convolution into a matrix product
//! (`EinSum NIHW,OI->NOHW`) plus a bias `Add`; optimising it packs the input
//! for every run (`OptMatMulPack`) before its matrix kernel (`OptMatMul`),
//! then the bias, the residual addition and the PReLU each pass over the
//! output again. In NCHW the product needs no packing:
//! `out[co][p] = b[co] + sum_ci W[co][ci] * x[ci][p]` reads rows of `x`
//! that are contiguous along the pixels `p`. The kernels compute a tile of
//! [`ROWS`] output channels by a few vectors of 16 pixels in registers, one
//! input channel at a time (load the pixels, broadcast the weights, fused
//! multiply-add), and write the tile once, after adding the residual and
//! applying the PReLU. The weights are packed once, when the operator is
//! built: `[co / ROWS][ci][ROWS]`, zero rows padding the last block. The
//! same kernels serve [`crate::conv`], where a source row is one kernel tap
//! of one input channel ([`Product`]).
//!
//! Three kernels, picked at run time by [`crate::cpu`]: AVX-512
//! ([`crate::pointwise_avx512`]), AVX2 + FMA ([`crate::pointwise_avx2`]) and
//! portable Rust for other CPUs (where `fast_ops` leaves the 1x1
//! convolutions to tract, whose matrix kernels are faster; the portable
//! kernel still serves the dense convolutions' tests and any caller).
//!
//! Measured on this 2-core AVX-512 Xeon while another session built and ran
//! evaluations (load 2-5, so noisy; two runs each):
//! `cargo run --release --example net_profile -- mesh`, the 22 pointwise
//! convolutions of the mesh: `OptMatMul` + `OptMatMulPack` 1.92 ms (with
//! the first convolution's 0.47 ms taken out) plus the `FastAddPrelu`s 0.10
//! ms -> `FastPointwise` 0.32-0.36 ms. The first version kept its
//! accumulators in a stack array (the epilogue indexed it with a run-time
//! row count, so LLVM stored every accumulator after every FMA): 0.82-0.95
//! ms; one instance per row count (`R`) fixed that. Whole mesh (same
//! command, sum of operators): 2.87 -> 1.55-1.72 ms; `cargo run --release
//! --example net_speed` (median `state.run`): mesh 2.85 -> 1.76 ms, iris
//! 2.49 -> 1.47-1.51 ms, detector 2.25 -> 1.54-1.66 ms.

use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;

/// Output channels computed together (one weight broadcast each).
pub const ROWS: usize = 8;

/// Pixels per vector.
const LANES: usize = 16;

/// Pixel vectors per tile of the portable kernel.
const PORTABLE_VECS: usize = 2;

/// The product both kernels compute, with its epilogue:
/// `out[o][j] = prelu(b[o] + sum_i W[o][i] * src[offs[i] + j] (+ out[o][j]))`.
/// For a 1x1 convolution, row `i` of the source is input channel `i`
/// (`offs[i] = i * hw`); for a general convolution ([`crate::conv`]), it
/// is one kernel tap of one input channel in the stride phases.
#[derive(Clone, Debug, PartialEq)]
pub struct Product {
    /// Source rows (inner dimension) and output channels.
    pub k: usize,
    pub co: usize,
    /// Weights packed `[co.div_ceil(ROWS)][k][ROWS]`, zero-padded.
    pub(super) packed: Arc<Vec<f32>>,
    /// Bias, zero-padded to a multiple of `ROWS`.
    pub(super) bias: Arc<Vec<f32>>,
    /// PReLU slopes per output channel, padded like the bias.
    pub(super) slopes: Option<Arc<Vec<f32>>>,
    /// Where each source row starts.
    pub(super) offs: Arc<Vec<usize>>,
    /// The largest of `offs`.
    pub(super) reach: usize,
    /// The best kernel this product may use (tests lower it to compare
    /// the kernels); the CPU's own level caps it (`cpu`).
    pub max_level: crate::cpu::Level,
}

impl Product {
    /// Builds the product from `weights` `[co][k]`, a bias of `co` values
    /// (none: zero), PReLU slopes of `co` values (none: no PReLU) and the
    /// start of each of the `k` source rows.
    pub fn new(
        co: usize,
        weights: &[f32],
        bias: Option<&[f32]>,
        slopes: Option<&[f32]>,
        offs: Vec<usize>,
    ) -> TractResult<Product> {
        let k = offs.len();
        ensure!(k > 0 && co > 0 && weights.len() == k * co);
        let blocks = co.div_ceil(ROWS);
        let mut packed = vec![0f32; blocks * k * ROWS];
        for (o, row) in weights.chunks_exact(k).enumerate() {
            let (b, r) = (o / ROWS, o % ROWS);
            for (i, &w) in row.iter().enumerate() {
                packed[(b * k + i) * ROWS + r] = w;
            }
        }
        let pad = |v: &[f32]| -> TractResult<Arc<Vec<f32>>> {
            ensure!(v.len() == co);
            let mut p = v.to_vec();
            p.resize(blocks * ROWS, 0.0);
            Ok(Arc::new(p))
        };
        Ok(Product {
            k,
            co,
            packed: Arc::new(packed),
            bias: pad(bias.unwrap_or(&vec![0.0; co]))?,
            slopes: slopes.map(pad).transpose()?,
            reach: offs.iter().copied().max().unwrap_or(0),
            offs: Arc::new(offs),
            max_level: crate::cpu::Level::Avx512,
        })
    }

    /// Output channel blocks.
    pub(super) fn blocks(&self) -> usize {
        self.co.div_ceil(ROWS)
    }

    /// Whether `span` with these arguments stays inside the buffers.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn fits(
        &self,
        src: &[f32],
        xbase: usize,
        out: &[f32],
        out_stride: usize,
        obase: usize,
        len: usize,
    ) -> bool {
        let n = self.blocks() * ROWS;
        self.packed.len() == self.blocks() * self.k * ROWS
            && self.offs.len() == self.k
            && self.offs.iter().all(|&o| o <= self.reach)
            && self.bias.len() == n
            && self.slopes.as_ref().is_none_or(|s| s.len() == n)
            && self.reach + xbase + len <= src.len()
            && (self.co - 1) * out_stride + obase + len <= out.len()
    }

    /// Computes `out[o * out_stride + obase + j]` for every output channel
    /// `o` and `j < len` from `src[offs[i] + xbase + j]`, adding what `out`
    /// holds there first when `residual`.
    #[allow(clippy::too_many_arguments)]
    pub fn span(
        &self,
        src: &[f32],
        xbase: usize,
        out: &mut [f32],
        out_stride: usize,
        obase: usize,
        len: usize,
        residual: bool,
    ) -> TractResult<()> {
        ensure!(self.fits(src, xbase, out, out_stride, obase, len));
        let a = Args {
            src,
            xbase,
            out,
            out_stride,
            obase,
            len,
            residual,
        };
        #[cfg(target_arch = "x86_64")]
        match self.max_level.min(crate::cpu::level()) {
            crate::cpu::Level::Avx512 => {
                // SAFETY: the CPU has AVX-512F (`cpu::level` caps the level).
                unsafe { crate::pointwise_avx512::span(self, a) };
                return Ok(());
            }
            crate::cpu::Level::Avx2 => {
                // SAFETY: the CPU has AVX2 and FMA (as above).
                unsafe { crate::pointwise_avx2::span(self, a) };
                return Ok(());
            }
            crate::cpu::Level::Portable => {}
        }
        self.span_generic(a);
        Ok(())
    }

    /// The portable kernel: tiles of `ROWS` channels by `PORTABLE_VECS`
    /// vectors of pixels in arrays the compiler keeps in registers.
    fn span_generic(&self, a: Args) {
        const TILE: usize = LANES * PORTABLE_VECS;
        let mut p0 = 0;
        while p0 < a.len {
            let n = (a.len - p0).min(TILE);
            for b in 0..self.blocks() {
                let mut acc = [[0f32; TILE]; ROWS];
                for (r, acc) in acc.iter_mut().enumerate() {
                    *acc = [self.bias[b * ROWS + r]; TILE];
                }
                let w = &self.packed[b * self.k * ROWS..(b + 1) * self.k * ROWS];
                for (&off, w) in self.offs.iter().zip(w.chunks_exact(ROWS)) {
                    let mut xs = [0f32; TILE];
                    let at = off + a.xbase + p0;
                    xs[..n].copy_from_slice(&a.src[at..at + n]);
                    for (acc, &w) in acc.iter_mut().zip(w) {
                        for (acc, &x) in acc.iter_mut().zip(&xs) {
                            *acc += w * x;
                        }
                    }
                }
                let rows = (self.co - b * ROWS).min(ROWS);
                // A loop of constant length (see the AVX-512 kernel).
                #[allow(clippy::needless_range_loop)]
                for r in 0..ROWS {
                    if r >= rows {
                        break;
                    }
                    let acc = &acc[r];
                    let o = b * ROWS + r;
                    let slope = self.slopes.as_ref().map(|s| s[o]);
                    let at = o * a.out_stride + a.obase + p0;
                    for (d, &acc) in a.out[at..at + n].iter_mut().zip(acc) {
                        let s = if a.residual { acc + *d } else { acc };
                        *d = match slope {
                            Some(k) if s <= 0.0 || s.is_nan() => k * s,
                            _ => s,
                        };
                    }
                }
            }
            p0 += n;
        }
    }
}

/// The arguments of [`Product::span`], checked by [`Product::fits`].
pub(super) struct Args<'a> {
    pub(super) src: &'a [f32],
    pub(super) xbase: usize,
    pub(super) out: &'a mut [f32],
    pub(super) out_stride: usize,
    pub(super) obase: usize,
    pub(super) len: usize,
    pub(super) residual: bool,
}

/// A 1x1 convolution of stride 1 over NCHW f32 data, with its bias, an
/// optional residual addition and an optional PReLU:
/// `y = prelu(W x + b (+ r))`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pointwise {
    pub product: Product,
    /// Pixels per channel plane.
    pub hw: usize,
    /// Whether a second input (same shape as the output) is added before
    /// the PReLU.
    pub residual: bool,
}

// tract compares operators (to merge identical nodes).
impl Eq for Pointwise {}

impl Pointwise {
    /// Builds the operator for planes of `hw` pixels from `weights`
    /// `[co][ci]`, a bias of `co` values (none: zero) and PReLU slopes of
    /// `co` values (none: no PReLU).
    pub fn new(
        ci: usize,
        co: usize,
        hw: usize,
        weights: &[f32],
        bias: Option<&[f32]>,
        slopes: Option<&[f32]>,
        residual: bool,
    ) -> TractResult<Pointwise> {
        let offs = (0..ci).map(|i| i * hw).collect();
        Ok(Pointwise {
            product: Product::new(co, weights, bias, slopes, offs)?,
            hw,
            residual,
        })
    }
}

impl Op for Pointwise {
    fn name(&self) -> StaticName {
        "FastPointwise".into()
    }

    fn info(&self) -> TractResult<Vec<String>> {
        Ok(vec![format!(
            "{} -> {}{}{}",
            self.product.k,
            self.product.co,
            if self.residual { ", + residual" } else { "" },
            if self.product.slopes.is_some() {
                ", PReLU"
            } else {
                ""
            },
        )])
    }

    fn validation(&self) -> Validation {
        Validation::Rounding
    }

    op_as_typed_op!();
}

impl EvalOp for Pointwise {
    op_out_of_plan!();

    fn eval(&self, _: &EvalContext, mut inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let (ci, co) = (self.product.k, self.product.co);
        ensure!(inputs.len() == 1 + self.residual as usize);
        let r = if self.residual { inputs.pop() } else { None };
        let Some(x) = inputs.pop() else {
            bail!("Pointwise without input");
        };
        let shape = x.shape();
        ensure!(shape.len() == 4 && shape[1] == ci && shape[2] * shape[3] == self.hw);
        let (n, hw) = (shape[0], self.hw);
        let out_shape = [n, co, shape[2], shape[3]];
        // The residual's buffer becomes the output (in place when tract
        // hands over the only reference).
        let mut output = match r {
            Some(r) => {
                ensure!(r.shape() == out_shape && r.datum_type() == f32::datum_type());
                r.into_tensor()
            }
            None => Tensor::zero::<f32>(&out_shape)?,
        };
        if n * hw == 0 {
            return Ok(tvec!(output.into_tvalue()));
        }
        let plain = x.try_as_plain_ram()?;
        let x = plain.as_slice::<f32>()?;
        {
            let mut view = output.try_as_plain_ram_mut()?;
            let out = view.as_slice_mut::<f32>()?;
            for (x, out) in x.chunks_exact(ci * hw).zip(out.chunks_exact_mut(co * hw)) {
                self.product.span(x, 0, out, hw, 0, hw, self.residual)?;
            }
        }
        Ok(tvec!(output.into_tvalue()))
    }
}

impl TypedOp for Pointwise {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        ensure!(inputs.len() == 1 + self.residual as usize);
        ensure!(inputs[0].datum_type == f32::datum_type() && inputs[0].rank() == 4);
        let mut shape = inputs[0].shape.to_tvec();
        shape[1] = self.product.co.into();
        Ok(tvec!(f32::fact(shape)))
    }

    as_op!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::Level;

    /// The operator by its definition, one output at a time.
    #[allow(clippy::too_many_arguments)]
    fn reference(
        ci: usize,
        co: usize,
        hw: usize,
        w: &[f32],
        b: &[f32],
        slopes: Option<&[f32]>,
        x: &[f32],
        r: Option<&[f32]>,
    ) -> Vec<f32> {
        let mut out = vec![0.0; co * hw];
        for o in 0..co {
            for p in 0..hw {
                let mut s = b[o] as f64;
                for i in 0..ci {
                    s += w[o * ci + i] as f64 * x[i * hw + p] as f64;
                }
                if let Some(r) = r {
                    s += r[o * hw + p] as f64;
                }
                if let Some(a) = slopes {
                    if s <= 0.0 {
                        s *= a[o] as f64;
                    }
                }
                out[o * hw + p] = s as f32;
            }
        }
        out
    }

    /// Both kernels against the definition, on odd pixel and channel counts,
    /// with and without residual and PReLU, over a batch of two.
    #[test]
    fn matches_the_definition() -> TractResult<()> {
        let shapes = [
            // ci, co, h, w
            (3, 5, 3, 3),
            (16, 16, 7, 13),
            (17, 9, 1, 1),
            (32, 64, 12, 12),
            (5, 21, 5, 11),
            (128, 32, 3, 3),
            (1, 1, 2, 40),
        ];
        for (ci, co, h, w) in shapes {
            let hw = h * w;
            let n = 2;
            let x: Vec<f32> = (0..n * ci * hw)
                .map(|i| ((i * 7919) % 997) as f32 / 400.0 - 1.2)
                .collect();
            let r: Vec<f32> = (0..n * co * hw)
                .map(|i| ((i * 104729) % 613) as f32 / 300.0 - 1.0)
                .collect();
            let wt: Vec<f32> = (0..ci * co).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..co).map(|i| i as f32 * 0.1 - 0.5).collect();
            let a: Vec<f32> = (0..co).map(|i| (i % 4) as f32 * 0.3).collect();
            for (residual, prelu) in [(false, false), (true, false), (false, true), (true, true)] {
                let slopes = prelu.then_some(&a[..]);
                let op = Pointwise::new(ci, co, hw, &wt, Some(&b), slopes, residual)?;
                let mut want = Vec::new();
                for img in 0..n {
                    want.extend(reference(
                        ci,
                        co,
                        hw,
                        &wt,
                        &b,
                        slopes,
                        &x[img * ci * hw..(img + 1) * ci * hw],
                        residual.then(|| &r[img * co * hw..(img + 1) * co * hw]),
                    ));
                }
                for level in [Level::Avx512, Level::Avx2, Level::Portable] {
                    let mut op = op.clone();
                    op.product.max_level = level;
                    let mut inputs = tvec!(Tensor::from_shape(&[n, ci, h, w], &x)?.into_tvalue());
                    if residual {
                        inputs.push(Tensor::from_shape(&[n, co, h, w], &r)?.into_tvalue());
                    }
                    let got = op.eval(&EvalContext::out_of_plan(), inputs)?;
                    let got = got[0].try_as_plain_ram()?.as_slice::<f32>()?.to_vec();
                    assert_eq!(got.len(), want.len());
                    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                        assert!(
                            (g - w).abs() <= 1e-5 * (ci as f32).sqrt() * w.abs().max(1.0),
                            "{:?} {level:?} at {i}: {g} vs {w}",
                            op.info()
                        );
                    }
                }
            }
        }
        Ok(())
    }
}
