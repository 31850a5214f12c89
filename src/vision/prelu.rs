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

    /// The three networks compute the same outputs as with tract's own PReLU.
    #[test]
    fn networks_unchanged() -> TractResult<()> {
        let files = crate::models::ModelFiles::embedded()?;
        for (bytes, n) in [
            (&files.mesh, 192),
            (&files.iris, 64),
            (&files.detector, 128),
        ] {
            let shape = [1, 3, n, n];
            let load = |onnx: tract_onnx::model::Onnx| -> TractResult<_> {
                onnx.model_for_read(&mut std::io::Cursor::new(&bytes[..]))?
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
            let ours = run(&load(crate::vision::net::onnx())?)?;
            assert_eq!(theirs.len(), ours.len());
            for (t, o) in theirs.iter().zip(&ours) {
                let scale = t.iter().fold(1.0f32, |m, v| m.max(v.abs()));
                let worst = t
                    .iter()
                    .zip(o)
                    .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
                assert!(
                    worst <= 1e-4 * scale,
                    "n {n}: differs by {worst} (scale {scale})"
                );
            }
        }
        Ok(())
    }
}
