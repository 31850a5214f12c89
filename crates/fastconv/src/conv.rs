//! Hand-written dense convolution for tract (NCHW, f32, one group, any
//! kernel size, stride and padding), for the networks' first layers and
//! the iris model's 2x2 stride-2 convolutions, which tract runs as an
//! im2col copy and a matrix product.
//!
//! Each input channel is zero-padded and split by stride phase
//! ([`crate::window`]'s layout: phase (py, px) holds padded pixel
//! (r sy + py, c sx + px)), after which every (input channel, kernel tap)
//! pair reads its phase at a constant offset from the output pixel, also
//! across rows. So one output row is the product of [`crate::pointwise`]
//! with one source row per (channel, tap): the same kernels, the same
//! fused bias and PReLU, no im2col buffer. When a phase row is exactly an
//! output row (2x2 stride 2), the whole plane is one span.
//!
//! Measured on this 2-core AVX-512 Xeon shared with another session (load
//! about 2, noisy), `cargo run --release --example net_profile -- NET`:
//! mesh's first convolution (3x3 stride 2, 3 -> 16) 0.43-0.54 -> 0.11-0.13
//! ms; iris's first (3x3 stride 2, 3 -> 64) 0.19-0.23 -> 0.04 ms, its 2x2
//! stride-2 ones 0.124 -> 0.075-0.10 ms (64 channels, 16 x 16) and 0.067 ->
//! 0.054-0.071 ms (128 channels, 8 x 8); detector's first (5x5 stride 2)
//! 0.11-0.13 ms now. The phase split was 25-31 us of conv2d_9's 0.1 ms
//! while it recomputed the window geometry per channel; once per call now.
//! `cargo run --release --example net_speed` (median `state.run`, two runs),
//! without -> with this operator: mesh 1.64-1.68 -> 1.28-1.32 ms, iris
//! 1.49-1.53 -> 1.30-1.32 ms, detector 1.54-1.59 -> 1.11 ms.

use crate::pointwise::Product;
use crate::window::Window;
use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;

/// A convolution of one group with constant weights, its bias and an
/// optional PReLU.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseConv {
    /// The geometry of the window over each input channel (its `reduce`
    /// is unused; `c` is the input channel count).
    pub window: Window,
    pub product: Product,
}

// tract compares operators (to merge identical nodes).
impl Eq for DenseConv {}

impl DenseConv {
    /// Builds the convolution of geometry `window` from `weights`
    /// `[co][ci][kh][kw]`, a bias of `co` values and PReLU slopes (none: no
    /// PReLU).
    pub fn new(
        window: Window,
        co: usize,
        weights: &[f32],
        bias: Option<&[f32]>,
        slopes: Option<&[f32]>,
    ) -> TractResult<DenseConv> {
        window.validate()?;
        let (rows, cols) = window.phase_shape();
        let phase_len = rows * cols;
        let (sy, sx) = (window.sy, window.sx);
        let mut offs = Vec::with_capacity(window.c * window.kh * window.kw);
        for c in 0..window.c {
            for ky in 0..window.kh {
                for kx in 0..window.kw {
                    let phase = (ky % sy) * sx + kx % sx;
                    offs.push((c * sy * sx + phase) * phase_len + (ky / sy) * cols + kx / sx);
                }
            }
        }
        let product = Product::new(co, weights, bias, slopes, offs)?;
        Ok(DenseConv { window, product })
    }

    /// Floats of the stride phases of one input channel.
    fn channel_len(&self) -> usize {
        let (rows, cols) = self.window.phase_shape();
        self.window.sy * self.window.sx * rows * cols
    }
}

impl Op for DenseConv {
    fn name(&self) -> StaticName {
        "FastConv".into()
    }

    fn info(&self) -> TractResult<Vec<String>> {
        let w = &self.window;
        Ok(vec![format!(
            "{}x{} stride {}x{} pad {}x{}: {} -> {}x{}x{}{}",
            w.kh,
            w.kw,
            w.sy,
            w.sx,
            w.pt,
            w.pl,
            w.c,
            self.product.co,
            w.oh,
            w.ow,
            if self.product.slopes.is_some() {
                ", PReLU"
            } else {
                ""
            }
        )])
    }

    fn validation(&self) -> Validation {
        Validation::Rounding
    }

    op_as_typed_op!();
}

impl EvalOp for DenseConv {
    op_out_of_plan!();

    fn eval(&self, _: &EvalContext, inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        let input = args_1!(inputs);
        let w = &self.window;
        let shape = input.shape();
        ensure!(shape.len() == 4 && shape[1..] == [w.c, w.h, w.w]);
        let n = shape[0];
        let co = self.product.co;
        let (_, cols) = w.phase_shape();
        let plain = input.try_as_plain_ram()?;
        let x = plain.as_slice::<f32>()?;
        let mut output = Tensor::zero::<f32>(&[n, co, w.oh, w.ow])?;
        if n == 0 {
            return Ok(tvec!(output.into_tvalue()));
        }
        let chan_len = self.channel_len();
        let mut phases = vec![0f32; w.c * chan_len];
        {
            let mut view = output.try_as_plain_ram_mut()?;
            let out = view.as_slice_mut::<f32>()?;
            let plane = w.oh * w.ow;
            for (image, out) in x
                .chunks_exact(w.c * w.h * w.w)
                .zip(out.chunks_exact_mut(co * plane))
            {
                w.split_zero_padded(image, &mut phases)?;
                if cols == w.ow {
                    // Rows of the phases are as long as output rows (a 2x2
                    // stride-2 window, say): one span over the whole plane.
                    self.product.span(&phases, 0, out, plane, 0, plane, false)?;
                } else {
                    for oy in 0..w.oh {
                        self.product.span(
                            &phases,
                            oy * cols,
                            out,
                            plane,
                            oy * w.ow,
                            w.ow,
                            false,
                        )?;
                    }
                }
            }
        }
        Ok(tvec!(output.into_tvalue()))
    }
}

impl TypedOp for DenseConv {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        ensure!(inputs.len() == 1 && inputs[0].datum_type == f32::datum_type());
        let n = inputs[0].shape[0].clone();
        let w = &self.window;
        let shape: TVec<TDim> = tvec![n, self.product.co.into(), w.oh.into(), w.ow.into()];
        Ok(tvec!(f32::fact(shape)))
    }

    as_op!();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::Level;
    use crate::window::Reduce;

    /// Both kernels against the definition, on odd sizes, strides and
    /// paddings, over a batch of two.
    #[test]
    fn matches_the_definition() -> TractResult<()> {
        let shapes = [
            // ci, co, h, w, kh, kw, s, pt, pl, pb, pr
            (3, 16, 20, 19, 3, 3, 2, 0, 0, 1, 1),
            (3, 5, 9, 40, 5, 5, 2, 1, 2, 2, 2),
            (7, 9, 16, 16, 2, 2, 2, 0, 0, 0, 0),
            (2, 3, 7, 33, 3, 3, 1, 1, 1, 1, 1),
            (4, 17, 6, 5, 2, 2, 1, 0, 0, 0, 0),
        ];
        for (ci, co, h, w, kh, kw, s, pt, pl, pb, pr) in shapes {
            let (oh, ow) = ((h + pt + pb - kh) / s + 1, (w + pl + pr - kw) / s + 1);
            let n = 2;
            let x: Vec<f32> = (0..n * ci * h * w)
                .map(|i| ((i * 7919) % 997) as f32 / 400.0 - 1.2)
                .collect();
            let wt: Vec<f32> = (0..co * ci * kh * kw)
                .map(|i| (i as f32 * 0.37).sin())
                .collect();
            let b: Vec<f32> = (0..co).map(|i| i as f32 * 0.1 - 0.5).collect();
            let a: Vec<f32> = (0..co).map(|i| (i % 4) as f32 * 0.3).collect();
            let mut want = vec![0f32; n * co * oh * ow];
            for img in 0..n {
                for o in 0..co {
                    for oy in 0..oh {
                        for ox in 0..ow {
                            let mut acc = b[o] as f64;
                            for c in 0..ci {
                                for ky in 0..kh {
                                    for kx in 0..kw {
                                        let y = (oy * s + ky) as isize - pt as isize;
                                        let xx = (ox * s + kx) as isize - pl as isize;
                                        if y < 0 || xx < 0 || y >= h as isize || xx >= w as isize {
                                            continue;
                                        }
                                        let v =
                                            x[((img * ci + c) * h + y as usize) * w + xx as usize];
                                        acc += wt[((o * ci + c) * kh + ky) * kw + kx] as f64
                                            * v as f64;
                                    }
                                }
                            }
                            if acc <= 0.0 {
                                acc *= a[o] as f64;
                            }
                            want[((img * co + o) * oh + oy) * ow + ox] = acc as f32;
                        }
                    }
                }
            }
            let window = Window {
                reduce: Reduce::Max,
                c: ci,
                h,
                w,
                kh,
                kw,
                sy: s,
                sx: s,
                pt,
                pl,
                oh,
                ow,
                out_c: ci,
                use_avx512: true,
            };
            let op = DenseConv::new(window, co, &wt, Some(&b), Some(&a))?;
            for level in [Level::Avx512, Level::Avx2, Level::Portable] {
                let mut op = op.clone();
                op.product.max_level = level;
                let input = Tensor::from_shape(&[n, ci, h, w], &x)?.into_tvalue();
                let got = op.eval(&EvalContext::out_of_plan(), tvec!(input))?;
                let got = got[0].try_as_plain_ram()?.as_slice::<f32>()?.to_vec();
                assert_eq!(got.len(), want.len());
                for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                    assert!(
                        (g - w).abs() <= 1e-5 * w.abs().max(1.0) * ((ci * kh * kw) as f32).sqrt(),
                        "{:?} {level:?} at {i}: {g} vs {w}",
                        op.info()
                    );
                }
            }
        }
        Ok(())
    }
}
