//! Swaps tract operators for this project's faster ones in a decluttered model.
//!
//! - a depthwise convolution (groups = channels, f32, NCHW, constant kernel
//!   and bias, no dilation) becomes a [`Window`] convolution;
//! - a 2D max-pool (f32, NCHW, no index output, no dilation) becomes a
//!   [`Window`] maximum, taking in a following zero channel `Pad` when the
//!   pool feeds nothing else;
//! - an `Add` of two same-shaped inputs feeding only a one-pass PReLU
//!   ([`FusedPrelu`]) is folded into it.
//!
//! Anything else stays tract's. Outputs equal tract's own within float
//! rounding (test `networks_unchanged` in `prelu.rs`: worst difference
//! 3e-7 of the output's scale).
//!
//! Measured (2-core AVX-512 Xeon shared with another session's builds, so
//! noisy): `cargo run --release --example net_profile -- mesh|iris`, sum of
//! the operators per run, before (one-pass-less PReLU expansion, tract's
//! depthwise and pools) -> after: mesh 4.15 -> 2.46-2.51 ms, iris 3.72 ->
//! 2.21 ms on a quieter machine; under heavier load, interleaved with plain
//! tract: mesh 6.30 (plain tract) vs 3.37 ms, iris 6.67 vs 3.40 ms.
//! `cargo run --release --example net_speed` (median `state.run`): mesh
//! 4.20 -> 2.7 ms, iris 3.50 -> 2.4 ms, detector 2.80 -> 2.1-2.2 ms.

use super::prelu::FusedPrelu;
use super::window::{Reduce, Window};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::ops::array::{Pad, PadMode};
use tract_onnx::tract_core::ops::binary::TypedBinOp;
use tract_onnx::tract_core::ops::cnn::{Conv, KernelFormat, MaxPool, PoolSpec};
use tract_onnx::tract_core::ops::nn::DataFormat;

/// Rewrites `model` in place; call between decluttering and optimising.
pub fn rewrite(model: &mut TypedModel) -> TractResult<()> {
    // Patches append nodes and leave the replaced ones unused, so the ids
    // of the original nodes stay valid during the walk.
    for id in 0..model.nodes.len() {
        let patch = if let Some(p) = depthwise(model, id)? {
            Some(p)
        } else if let Some(p) = maxpool(model, id)? {
            Some(p)
        } else {
            add_prelu(model, id)?
        };
        if let Some(patch) = patch {
            patch.apply(model)?;
        }
    }
    model.compact()
}

/// Input channels, height and width of an f32 NCHW input with a fixed shape.
fn nchw(model: &TypedModel, outlet: OutletId) -> TractResult<Option<[usize; 3]>> {
    let fact = model.outlet_fact(outlet)?;
    match fact.shape.as_concrete() {
        Some(&[_, c, h, w]) if fact.datum_type == f32::datum_type() => Ok(Some([c, h, w])),
        _ => Ok(None),
    }
}

/// The window geometry of `spec` on an input of `[c, h, w]`, if supported.
fn window(spec: &PoolSpec, [c, h, w]: [usize; 3], reduce: Reduce) -> Option<Window> {
    if spec.data_format != DataFormat::NCHW
        || spec.rank() != 2
        || spec.dilations().iter().any(|&d| d != 1)
    {
        return None;
    }
    let pads = spec.computed_padding(&[h, w]);
    let strides = spec.strides();
    let op = Window {
        reduce,
        c,
        h,
        w,
        kh: spec.kernel_shape[0],
        kw: spec.kernel_shape[1],
        sy: strides[0],
        sx: strides[1],
        pt: pads[0].pad_before,
        pl: pads[1].pad_before,
        oh: pads[0].convoluted,
        ow: pads[1].convoluted,
        out_c: c,
        use_avx512: true,
    };
    op.validate().ok().map(|_| op)
}

fn depthwise(model: &TypedModel, id: usize) -> TractResult<Option<TypedModelPatch>> {
    let node = &model.nodes[id];
    let Some(conv) = node.op_as::<Conv>() else {
        return Ok(None);
    };
    let Some([c, h, w]) = nchw(model, node.inputs[0])? else {
        return Ok(None);
    };
    if node.inputs.len() != 3
        || conv.q_params.is_some()
        || conv.kernel_fmt != KernelFormat::OIHW
        || conv.group != c
        || conv.pool_spec.output_channels != c
    {
        return Ok(None);
    }
    let (Some(kernel), Some(bias)) = (
        model.outlet_fact(node.inputs[1])?.konst.clone(),
        model.outlet_fact(node.inputs[2])?.konst.clone(),
    ) else {
        return Ok(None);
    };
    let ks = &conv.pool_spec.kernel_shape;
    if kernel.datum_type() != f32::datum_type()
        || ks.len() != 2
        || kernel.shape() != [c, 1, ks[0], ks[1]]
    {
        return Ok(None);
    }
    let kernel: Vec<f32> = kernel
        .to_plain_array_view::<f32>()?
        .iter()
        .copied()
        .collect();
    let bias = bias.cast_to::<f32>()?;
    let bias: Vec<f32> = bias.to_plain_array_view::<f32>()?.iter().copied().collect();
    let bias = match bias.len() {
        1 => vec![bias[0]; c],
        n if n == c => bias,
        _ => return Ok(None),
    };
    let reduce = Reduce::Conv {
        kernel: Arc::new(kernel),
        bias: Arc::new(bias),
    };
    let Some(op) = window(&conv.pool_spec, [c, h, w], reduce) else {
        return Ok(None);
    };
    Ok(Some(TypedModelPatch::replace_single_op(
        model,
        node,
        &node.inputs[..1],
        op,
    )?))
}

fn maxpool(model: &TypedModel, id: usize) -> TractResult<Option<TypedModelPatch>> {
    let node = &model.nodes[id];
    let Some(pool) = node.op_as::<MaxPool>() else {
        return Ok(None);
    };
    let Some(chw) = nchw(model, node.inputs[0])? else {
        return Ok(None);
    };
    if pool.with_index_outputs.is_some() {
        return Ok(None);
    }
    let Some(mut op) = window(&pool.pool_spec, chw, Reduce::Max) else {
        return Ok(None);
    };
    let mut last = OutletId::new(id, 0);
    // A zero channel padding after the pool, as the mesh's shortcut has.
    if let [succ] = &node.outputs[0].successors[..] {
        let next = &model.nodes[succ.node];
        if let Some(pad) = next.op_as::<Pad>() {
            let zero = match &pad.mode {
                PadMode::Constant(v) => {
                    v.len() == 1 && v.cast_to_scalar::<f32>().is_ok_and(|v| v == 0.0)
                }
                _ => false,
            };
            if zero
                && !model.output_outlets()?.contains(&last)
                && pad.pads.len() == 4
                && pad.pads[1].0 == 0
                && pad
                    .pads
                    .iter()
                    .enumerate()
                    .all(|(i, p)| i == 1 || *p == (0, 0))
            {
                op.out_c = op.c + pad.pads[1].1;
                last = OutletId::new(next.id, 0);
            }
        }
    }
    let mut patch = TypedModelPatch::default();
    let x = patch.tap_model(model, node.inputs[0])?;
    let y = patch.wire_node(&node.name, op, &[x])?[0];
    patch.shunt_outside(model, last, y)?;
    Ok(Some(patch))
}

fn add_prelu(model: &TypedModel, id: usize) -> TractResult<Option<TypedModelPatch>> {
    let node = &model.nodes[id];
    let Some(prelu) = node.op_as::<FusedPrelu>() else {
        return Ok(None);
    };
    if prelu.add {
        return Ok(None);
    }
    let add_out = node.inputs[0];
    let add = &model.nodes[add_out.node];
    let is_add = add
        .op_as::<TypedBinOp>()
        .is_some_and(|op| op.0.name() == "Add");
    if !is_add || add.outputs[0].successors.len() != 1 || model.output_outlets()?.contains(&add_out)
    {
        return Ok(None);
    }
    let out_fact = model.outlet_fact(add_out)?;
    for input in &add.inputs {
        let f = model.outlet_fact(*input)?;
        if f.datum_type != f32::datum_type() || f.shape != out_fact.shape {
            return Ok(None);
        }
    }
    let mut patch = TypedModelPatch::default();
    let a = patch.tap_model(model, add.inputs[0])?;
    let b = patch.tap_model(model, add.inputs[1])?;
    let op = FusedPrelu {
        slopes: prelu.slopes.clone(),
        add: true,
    };
    let y = patch.wire_node(&node.name, op, &[a, b])?[0];
    patch.shunt_outside(model, OutletId::new(id, 0), y)?;
    Ok(Some(patch))
}
