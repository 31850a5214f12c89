//! A faster PReLU for tract.
//!
//! All three MediaPipe networks use PReLU after nearly every convolution.
//! tract 0.23 expands it into a comparison, a select and a multiplication,
//! and the comparison alone took 1.1 of the mesh's 5.0 ms (per-operator
//! profile: `cargo run --release --example net_profile -- mesh`).
//!
//! When every slope `a` lies in [0, 1], `prelu(x) = max(x, a * x)`: for
//! x >= 0, x >= a x; for x < 0, a x >= x. That is two cheap element-wise
//! operations tract runs vectorised. Slopes outside [0, 1] (none in these
//! models) use `max(x, 0) + a * min(x, 0)`, which holds for any slope.
//! Either way the result is the same function, so outputs do not change
//! beyond float rounding (checked in the tests below).
//!
//! When the slopes are constant and per channel over NCHW f32 input (all
//! three networks), the PReLU is instead one operator, [`FusedPrelu`], one
//! pass over the data in place; [`crate::fast_ops`] folds the residual
//! addition before it into the same pass. In the mesh (`net_profile -- mesh`,
//! noisy machine) the two-pass chains (Min+Mul 0.33 ms, Max+Add 0.24 ms) and
//! the residual additions (0.10 ms) became 0.08-0.10 ms (`FastAddPrelu`,
//! 20 nodes) plus 0.01 ms (`FastPrelu`, 3 nodes).

use tract_onnx::model::{OnnxOpRegister, ParsingContext};
use tract_onnx::pb::NodeProto;
use tract_onnx::prelude::*;
use tract_onnx::tract_core::ops::math;
use tract_onnx::tract_hir::internal::*;

/// Replaces tract's PReLU with this one in `register`.
pub fn register(register: &mut OnnxOpRegister) {
    register.insert("PRelu", build);
}

fn build(_: &ParsingContext, _: &NodeProto) -> TractResult<(Box<dyn InferenceOp>, Vec<String>)> {
    Ok((expand(Prelu), vec![]))
}

#[derive(Clone, Debug)]
struct Prelu;

impl Expansion for Prelu {
    fn name(&self) -> StaticName {
        "FastPrelu".into()
    }

    fn rules<'r, 'p: 'r, 's: 'r>(
        &'s self,
        s: &mut Solver<'r>,
        inputs: &'p [TensorProxy],
        outputs: &'p [TensorProxy],
    ) -> InferenceResult {
        check_input_arity(inputs, 2)?;
        check_output_arity(outputs, 1)?;
        s.equals(&inputs[0].datum_type, &outputs[0].datum_type)?;
        s.equals(&inputs[0].shape, &outputs[0].shape)?;
        Ok(())
    }

    fn wire(
        &self,
        name: &str,
        model: &mut TypedModel,
        inputs: &[OutletId],
    ) -> TractResult<TVec<OutletId>> {
        let x = inputs[0];
        let mut slope = inputs[1];
        let rank = model.outlet_fact(x)?.rank();
        // Binary operators want operands of equal rank: prepend unit axes.
        while model.outlet_fact(slope)?.rank() < rank {
            let r = model.outlet_fact(slope)?.rank();
            slope = model.wire_node(format!("{name}.slope-axis-{r}"), AxisOp::Add(0), &[slope])?[0];
        }
        if let Some(slopes) = per_channel_slopes(model, x, slope)? {
            let op = FusedPrelu {
                slopes: Arc::new(slopes),
                add: false,
            };
            return model.wire_node(name, op, &[x]);
        }
        let in_unit_range = match &model.outlet_fact(slope)?.konst {
            Some(k) => k
                .cast_to::<f32>()?
                .to_plain_array_view::<f32>()?
                .iter()
                .all(|a| (0.0..=1.0).contains(a)),
            None => false,
        };
        if in_unit_range {
            let scaled = model.wire_node(format!("{name}.scaled"), math::mul(), &[x, slope])?[0];
            return model.wire_node(format!("{name}.max"), math::max(), &[x, scaled]);
        }
        let dt = model.outlet_fact(x)?.datum_type;
        let zero = tensor0(0f32)
            .cast_to_dt(dt)?
            .into_owned()
            .broadcast_into_rank(rank)?;
        let zero = model.add_const(format!("{name}.zero"), zero)?;
        let pos = model.wire_node(format!("{name}.pos"), math::max(), &[x, zero])?[0];
        let neg = model.wire_node(format!("{name}.neg"), math::min(), &[x, zero])?[0];
        let neg = model.wire_node(format!("{name}.neg-scaled"), math::mul(), &[neg, slope])?[0];
        model.wire_node(format!("{name}.sum"), math::add(), &[pos, neg])
    }
}

/// The slopes of a PReLU over NCHW input, one per channel, when they are
/// constant and vary along the channel axis only.
fn per_channel_slopes(
    model: &TypedModel,
    x: OutletId,
    slope: OutletId,
) -> TractResult<Option<Vec<f32>>> {
    let xf = model.outlet_fact(x)?;
    let Some(shape) = xf.shape.as_concrete() else {
        return Ok(None);
    };
    let Some(k) = &model.outlet_fact(slope)?.konst else {
        return Ok(None);
    };
    if xf.datum_type != f32::datum_type() || shape.len() != 4 || k.rank() != 4 {
        return Ok(None);
    }
    let c = shape[1];
    let ks = k.shape();
    if ks[0] != 1 || ks[2] != 1 || ks[3] != 1 || !(ks[1] == 1 || ks[1] == c) {
        return Ok(None);
    }
    let k = k.cast_to::<f32>()?;
    let v = k.to_plain_array_view::<f32>()?;
    let v: Vec<f32> = v.iter().copied().collect();
    Ok(Some(if v.len() == c { v } else { vec![v[0]; c] }))
}

/// PReLU in one pass over NCHW f32 data with one slope per channel,
/// optionally after adding a second input of the same shape (a residual
/// addition fused by [`crate::fast_ops`]): `y = s if s > 0 else a * s`,
/// `s = x (+ r)`. It works in place on its first input when tract hands over
/// the only reference.
#[derive(Clone, Debug, PartialEq)]
pub struct FusedPrelu {
    pub slopes: Arc<Vec<f32>>,
    /// Whether a second input is added first.
    pub add: bool,
}

// tract compares operators (to merge identical nodes); bitwise-equal slopes
// are equal operators.
impl Eq for FusedPrelu {}

impl Op for FusedPrelu {
    fn name(&self) -> StaticName {
        if self.add {
            "FastAddPrelu".into()
        } else {
            "FastPrelu".into()
        }
    }

    op_as_typed_op!();
}

impl EvalOp for FusedPrelu {
    op_out_of_plan!();

    fn eval(&self, _: &EvalContext, mut inputs: TVec<TValue>) -> TractResult<TVec<TValue>> {
        ensure!(inputs.len() == if self.add { 2 } else { 1 });
        let r = if self.add { inputs.pop() } else { None };
        let Some(x) = inputs.pop() else {
            bail!("FusedPrelu without input");
        };
        let shape: TVec<usize> = x.shape().into();
        ensure!(shape.len() == 4 && shape[1] == self.slopes.len());
        let plane = shape[2] * shape[3];
        let mut y = x.into_tensor();
        {
            let mut view = y.try_as_plain_ram_mut()?;
            let out = view.as_slice_mut::<f32>()?;
            let r_plain = match &r {
                Some(r) => {
                    ensure!(r.shape() == &shape[..]);
                    Some(r.try_as_plain_ram()?)
                }
                None => None,
            };
            let r = match &r_plain {
                Some(p) => Some(p.as_slice::<f32>()?),
                None => None,
            };
            if plane > 0 {
                for (i, o) in out.chunks_exact_mut(plane).enumerate() {
                    let a = self.slopes[i % self.slopes.len()];
                    let rr = r.and_then(|r| r.get(i * plane..(i + 1) * plane));
                    prelu_plane(o, rr, a);
                }
            }
        }
        Ok(tvec!(y.into_tvalue()))
    }
}

impl TypedOp for FusedPrelu {
    fn output_facts(&self, inputs: &[&TypedFact]) -> TractResult<TVec<TypedFact>> {
        ensure!(inputs.len() == if self.add { 2 } else { 1 });
        ensure!(inputs[0].datum_type == f32::datum_type());
        Ok(tvec!(f32::fact(inputs[0].shape.clone())))
    }

    as_op!();
}

#[inline(always)]
fn prelu_plane_generic(out: &mut [f32], r: Option<&[f32]>, a: f32) {
    match r {
        Some(r) => {
            for (o, &r) in out.iter_mut().zip(r) {
                let s = *o + r;
                *o = if s > 0.0 { s } else { a * s };
            }
        }
        None => {
            for o in out.iter_mut() {
                let s = *o;
                *o = if s > 0.0 { s } else { a * s };
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx2")]
unsafe fn prelu_plane_512(out: &mut [f32], r: Option<&[f32]>, a: f32) {
    prelu_plane_generic(out, r, a)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn prelu_plane_256(out: &mut [f32], r: Option<&[f32]>, a: f32) {
    prelu_plane_generic(out, r, a)
}

fn prelu_plane(out: &mut [f32], r: Option<&[f32]>, a: f32) {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::cpu::avx512() {
            // SAFETY: the CPU has the features the function was compiled for.
            return unsafe { prelu_plane_512(out, r, a) };
        }
        if crate::cpu::avx2() {
            // SAFETY: as above.
            return unsafe { prelu_plane_256(out, r, a) };
        }
    }
    prelu_plane_generic(out, r, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(x: f32, a: f32) -> f32 {
        if x > 0.0 {
            x
        } else {
            a * x
        }
    }

    /// Both wirings against the definition, with slopes inside and outside [0, 1].
    #[test]
    fn matches_the_definition() -> TractResult<()> {
        let xs = [-3.0f32, -0.5, -0.0, 0.0, 0.25, 2.0];
        for slopes in [[0.0f32, 0.3, 1.0], [-0.5, 2.0, 0.3]] {
            let mut model = TypedModel::default();
            let x = model.add_source("x", f32::fact([1, 3, 1, xs.len()]))?;
            let a = model.add_const("a", tensor1(&slopes).into_shape(&[3, 1, 1])?)?;
            let y = Prelu.wire("p", &mut model, &[x, a])?;
            model.select_output_outlets(&y)?;
            let plan = model.into_optimized()?.into_runnable()?;
            let input: Vec<f32> = (0..3).flat_map(|_| xs).collect();
            let out = plan.run(tvec!(
                Tensor::from_shape(&[1, 3, 1, xs.len()], &input)?.into()
            ))?;
            let out: Vec<f32> = out[0]
                .to_plain_array_view::<f32>()?
                .iter()
                .copied()
                .collect();
            for (c, &a) in slopes.iter().enumerate() {
                for (i, &x) in xs.iter().enumerate() {
                    let got = out[c * xs.len() + i];
                    assert!((got - reference(x, a)).abs() < 1e-6, "x {x} a {a}: {got}");
                }
            }
        }
        Ok(())
    }

    /// The three networks compute the same outputs as with tract's own
    /// operators (PReLU, depthwise convolution, max-pool, residual addition).
    #[test]
    fn networks_unchanged() -> TractResult<()> {
        // The product's own networks, from the repository's models/ folder.
        let mesh: &[u8] = include_bytes!("../../../models/face_landmark.onnx");
        let iris: &[u8] = include_bytes!("../../../models/iris_landmark.onnx");
        let detector: &[u8] = include_bytes!("../../../models/face_detection_short_range.onnx");
        for (bytes, n) in [(mesh, 192), (iris, 64), (detector, 128)] {
            let shape = [1, 3, n, n];
            let load = |onnx: tract_onnx::model::Onnx| -> TractResult<_> {
                onnx.model_for_read(&mut std::io::Cursor::new(bytes))?
                    .with_input_fact(0, f32::fact(shape).into())?
                    .into_optimized()?
                    .into_runnable()
            };
            // A smooth, face-free test pattern in [0, 1].
            let input: Vec<f32> = (0..3 * n * n)
                .map(|i| 0.5 + 0.4 * ((i % n) as f32 * 0.11 + (i / n) as f32 * 0.07).sin())
                .collect();
            let run = |plan: &std::sync::Arc<TypedRunnableModel>| -> TractResult<Vec<Vec<f32>>> {
                let t = Tensor::from_shape(&shape, &input)?;
                let outs = plan.run(tvec!(t.into()))?;
                outs.iter()
                    .map(|o| Ok(o.to_plain_array_view::<f32>()?.iter().copied().collect()))
                    .collect()
            };
            let theirs = run(&load(tract_onnx::onnx())?)?;
            // Ours: the faster PReLU and the rewritten operators (`fast_ops`).
            let fast = crate::net::optimized(bytes, shape)?;
            let count = |name: &str| fast.nodes.iter().filter(|n| n.op().name() == name).count();
            assert!(
                count("FastDepthwise") > 0,
                "n {n}: no depthwise convolution replaced"
            );
            // Every 1x1 convolution of NCHW output (the detector's heads
            // write NHWC and stay tract's) is ours.
            let left = fast
                .nodes
                .iter()
                .filter(|n| {
                    n.op()
                        .info()
                        .is_ok_and(|i| i.iter().any(|s| s.contains("->NOHW")))
                })
                .count();
            eprintln!(
                "n {n}: {} pointwise convolutions, {left} left",
                count("FastPointwise")
            );
            // Only where a vector kernel runs (`fast_ops::rewrite`).
            assert_eq!(
                count("FastPointwise") > 0,
                crate::cpu::avx2(),
                "n {n}: pointwise convolutions replaced where they should not be, or not where they should"
            );
            let ours = run(&fast.into_runnable()?)?;
            assert_eq!(theirs.len(), ours.len());
            for (t, o) in theirs.iter().zip(&ours) {
                let scale = t.iter().fold(1.0f32, |m, v| m.max(v.abs()));
                let worst = t
                    .iter()
                    .zip(o)
                    .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
                eprintln!("n {n}: worst difference {worst:e}, scale {scale}");
                assert!(
                    worst <= 1e-4 * scale,
                    "n {n}: differs by {worst} (scale {scale})"
                );
            }
        }
        Ok(())
    }
}
