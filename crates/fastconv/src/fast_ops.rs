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
//! - then (a second pass) a 1x1 convolution (tract's decluttered
//!   `EinSum NIHW,OI->NOHW`, or a `Conv`) becomes a [`Pointwise`] product,
//!   taking in the bias `Add` after it and the PReLU (with its residual
//!   addition) or residual `Add` it alone feeds;
//! - any other convolution of one group, constant weights and at least
//!   [`DENSE_MIN_WIDTH`] output columns becomes a [`DenseConv`], taking in
//!   the PReLU it alone feeds.
//!
//! Anything else stays tract's. Outputs equal tract's own within float
//! rounding (test `networks_unchanged` in `prelu.rs`: worst difference
//! 3e-7 of the output's scale).
//!
//! Measured (2-core AVX-512 Xeon, often shared with another session's
//! builds and runs, so noisy): `cargo run --release --example net_speed`,
//! median `state.run`, plain tract -> first version of these operators
//! (window, PReLU) -> now (plus 1x1 and dense convolutions, window tables
//! built once and the flat window kernel for narrow planes; two runs of
//! 300): mesh 4.20 -> 2.7 -> 1.08-1.14 ms, iris 3.50 -> 2.4 -> 1.07-1.11
//! ms, iris batch 2 2.09-2.12 ms, detector 2.80 -> 2.1 -> 0.97-1.00 ms.
//! Just before the window tables and flat kernel: mesh 1.35, iris 1.29,
//! iris batch 2 2.38, detector 1.12 ms.

use crate::conv::DenseConv;
use crate::pointwise::Pointwise;
use crate::prelu::FusedPrelu;
use crate::window::{FastWindow, Reduce, Window};
use tract_onnx::prelude::*;
use tract_onnx::tract_core::ops::array::{Pad, PadMode};
use tract_onnx::tract_core::ops::binary::TypedBinOp;
use tract_onnx::tract_core::ops::cnn::{Conv, KernelFormat, MaxPool, PoolSpec};
use tract_onnx::tract_core::ops::einsum::EinSum;
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
    model.compact()?;
    // The 1x1 and dense convolutions are ours only where a vector kernel
    // runs (AVX-512 or AVX2 + FMA): the portable kernel is slower than
    // tract's own matrix products (mesh 3.75 -> 4.38 ms, iris 3.19 -> 4.70
    // ms when it stood in for AVX2). With the AVX2 kernel
    // (`pointwise_avx2.rs`, `LIVENESS_COACH_SIMD=avx2 cargo run --release
    // --example net_speed`): mesh 3.3-3.5 -> 2.2 ms, iris 2.9-3.05 -> 2.2-2.4
    // ms, detector 2.6-2.8 -> 1.9 ms. The depthwise, pooling and PReLU
    // rewrites above help at every level.
    if !crate::cpu::avx2() {
        return model.compact();
    }
    // After the residual additions are folded into the PReLUs, so that a
    // 1x1 convolution's chain is convolution, bias, PReLU (with addition).
    for id in 0..model.nodes.len() {
        let patch = if let Some(p) = pointwise(model, id)? {
            Some(p)
        } else {
            dense(model, id)?
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
        FastWindow::new(op)?,
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
    let y = patch.wire_node(&node.name, FastWindow::new(op)?, &[x])?[0];
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

/// The values of a constant f32 outlet, if it is one.
fn konst_f32(model: &TypedModel, outlet: OutletId) -> TractResult<Option<Vec<f32>>> {
    let Some(k) = &model.outlet_fact(outlet)?.konst else {
        return Ok(None);
    };
    if k.datum_type() != f32::datum_type() {
        return Ok(None);
    }
    Ok(Some(
        k.to_plain_array_view::<f32>()?.iter().copied().collect(),
    ))
}

/// Whether `op` is a binary `Add`.
fn is_add(node: &TypedNode) -> bool {
    node.op_as::<TypedBinOp>()
        .is_some_and(|op| op.0.name() == "Add")
}

/// Input and output channels, weights `[co][ci]` and bias of a 1x1
/// convolution.
type OneByOne = (usize, usize, Vec<f32>, Option<Vec<f32>>);

/// A 1x1 convolution over NCHW f32 input: its input and output channel
/// counts, weights `[co][ci]` and bias (if any); tract's decluttered form
/// (`EinSum` `NIHW,OI->NOHW`, any axis letters) or a `Conv`.
fn one_by_one(model: &TypedModel, node: &TypedNode) -> TractResult<Option<OneByOne>> {
    if node.op_as::<EinSum>().is_none() && node.op_as::<Conv>().is_none() {
        return Ok(None);
    }
    let Some(&x) = node.inputs.first() else {
        return Ok(None);
    };
    let Some([ci, _, _]) = nchw(model, x)? else {
        return Ok(None);
    };
    if let Some(es) = node.op_as::<EinSum>() {
        let (ins, outs) = es.axes.to_strs();
        let ok = es.q_params.is_none()
            && es.operating_dt == f32::datum_type()
            && node.inputs.len() == 2
            && match (&ins[..], &outs[..]) {
                ([a, b], [o]) => {
                    let (a, b, o): (Vec<char>, Vec<char>, Vec<char>) = (
                        a.chars().collect(),
                        b.chars().collect(),
                        o.chars().collect(),
                    );
                    a.len() == 4
                        && b.len() == 2
                        && o.len() == 4
                        && b[1] == a[1]
                        && o == [a[0], b[0], a[2], a[3]]
                        && !a.contains(&b[0])
                }
                _ => false,
            };
        if !ok {
            return Ok(None);
        }
        let Some(w) = konst_f32(model, node.inputs[1])? else {
            return Ok(None);
        };
        let shape = model
            .outlet_fact(node.inputs[1])?
            .shape
            .as_concrete()
            .map(|s| s.to_vec());
        return Ok(match shape.as_deref() {
            Some(&[co, c]) if c == ci && w.len() == co * ci => Some((ci, co, w, None)),
            _ => None,
        });
    }
    let Some(conv) = node.op_as::<Conv>() else {
        return Ok(None);
    };
    let spec = &conv.pool_spec;
    let co = spec.output_channels;
    if conv.q_params.is_some()
        || conv.kernel_fmt != KernelFormat::OIHW
        || conv.group != 1
        || spec.data_format != DataFormat::NCHW
        || spec.kernel_shape.iter().any(|&k| k != 1)
        || spec.rank() != 2
        || spec.strides().iter().any(|&s| s != 1)
        || spec.dilations().iter().any(|&d| d != 1)
        || !(node.inputs.len() == 2 || node.inputs.len() == 3)
    {
        return Ok(None);
    }
    let Some([_, h, w]) = nchw(model, node.inputs[0])? else {
        return Ok(None);
    };
    if spec
        .computed_padding(&[h, w])
        .iter()
        .any(|p| p.pad_before != 0 || p.pad_after != 0)
    {
        return Ok(None);
    }
    let Some(weights) = konst_f32(model, node.inputs[1])? else {
        return Ok(None);
    };
    if weights.len() != co * ci {
        return Ok(None);
    }
    let bias = match node.inputs.get(2) {
        Some(&b) => match konst_f32(model, b)? {
            Some(b) if b.len() == co => Some(b),
            Some(b) if b.len() == 1 => Some(vec![b[0]; co]),
            _ => return Ok(None),
        },
        None => None,
    };
    Ok(Some((ci, co, weights, bias)))
}

/// A 1x1 convolution and what follows it alone: a constant per-channel
/// bias `Add`, then a [`FusedPrelu`] (with its residual addition) or a
/// residual `Add`, or both.
fn pointwise(model: &TypedModel, id: usize) -> TractResult<Option<TypedModelPatch>> {
    let node = &model.nodes[id];
    let Some((ci, co, weights, mut bias)) = one_by_one(model, node)? else {
        return Ok(None);
    };
    let outputs = model.output_outlets()?;
    // The only consumer of `outlet`, when it is not a model output.
    let single = |outlet: OutletId| -> Option<&TypedNode> {
        if outputs.contains(&outlet) {
            return None;
        }
        match &model.nodes[outlet.node].outputs[outlet.slot].successors[..] {
            [s] => Some(&model.nodes[s.node]),
            _ => None,
        }
    };
    // The other input of a two-input node fed by `outlet`.
    let other = |next: &TypedNode, outlet: OutletId| match &next.inputs[..] {
        [a, b] if *a == outlet && *b != outlet => Some(*b),
        [a, b] if *b == outlet && *a != outlet => Some(*a),
        _ => None,
    };
    let out_fact = model.outlet_fact(OutletId::new(id, 0))?.clone();
    let mut last = OutletId::new(id, 0);
    if let Some(next) = single(last).filter(|n| bias.is_none() && is_add(n)) {
        if let Some(b) = other(next, last) {
            let fact = model.outlet_fact(b)?;
            let per_channel = fact.rank() == 4
                && fact.shape.as_concrete().is_some_and(|s| {
                    s.iter()
                        .enumerate()
                        .all(|(i, &d)| d == 1 || (i == 1 && d == co))
                });
            if let Some(v) = konst_f32(model, b)?.filter(|_| per_channel) {
                bias = Some(if v.len() == co { v } else { vec![v[0]; co] });
                last = OutletId::new(next.id, 0);
            }
        }
    }
    let mut residual = None;
    let mut slopes = None;
    if let Some(next) = single(last) {
        if let Some(prelu) = next.op_as::<FusedPrelu>() {
            let r = if prelu.add { other(next, last) } else { None };
            if prelu.slopes.len() == co && (!prelu.add || r.is_some()) {
                slopes = Some(prelu.slopes.clone());
                residual = r;
                last = OutletId::new(next.id, 0);
            }
        } else if is_add(next) {
            if let Some(r) = other(next, last) {
                residual = Some(r);
                last = OutletId::new(next.id, 0);
                if let Some(after) = single(last) {
                    if let Some(prelu) = after.op_as::<FusedPrelu>() {
                        if !prelu.add && prelu.slopes.len() == co {
                            slopes = Some(prelu.slopes.clone());
                            last = OutletId::new(after.id, 0);
                        }
                    }
                }
            }
        }
    }
    if let Some(r) = residual {
        let f = model.outlet_fact(r)?;
        if f.datum_type != f32::datum_type() || f.shape != out_fact.shape {
            return Ok(None);
        }
    }
    let Some([_, h, w]) = nchw(model, node.inputs[0])? else {
        return Ok(None);
    };
    let op = Pointwise::new(
        ci,
        co,
        h * w,
        &weights,
        bias.as_deref(),
        slopes.as_deref().map(|s| &s[..]),
        residual.is_some(),
    )?;
    let mut patch = TypedModelPatch::default();
    let mut inputs = vec![patch.tap_model(model, node.inputs[0])?];
    if let Some(r) = residual {
        inputs.push(patch.tap_model(model, r)?);
    }
    let y = patch.wire_node(&node.name, op, &inputs)?[0];
    patch.shunt_outside(model, last, y)?;
    Ok(Some(patch))
}

/// Output pixels per row below which a convolution stays tract's: the
/// kernels fill vectors of 16 pixels along a row.
const DENSE_MIN_WIDTH: usize = 8;

/// A convolution of one group (not 1x1: [`pointwise`] takes those first)
/// with constant weights and bias, and the PReLU it alone feeds.
fn dense(model: &TypedModel, id: usize) -> TractResult<Option<TypedModelPatch>> {
    let node = &model.nodes[id];
    let Some(conv) = node.op_as::<Conv>() else {
        return Ok(None);
    };
    let Some(chw) = nchw(model, node.inputs[0])? else {
        return Ok(None);
    };
    let spec = &conv.pool_spec;
    let co = spec.output_channels;
    let ks = &spec.kernel_shape;
    if node.inputs.len() != 3
        || conv.q_params.is_some()
        || conv.kernel_fmt != KernelFormat::OIHW
        || conv.group != 1
        || ks.len() != 2
    {
        return Ok(None);
    }
    let (Some(weights), Some(bias)) = (
        konst_f32(model, node.inputs[1])?,
        konst_f32(model, node.inputs[2])?,
    ) else {
        return Ok(None);
    };
    let bias = match bias.len() {
        1 => vec![bias[0]; co],
        n if n == co => bias,
        _ => return Ok(None),
    };
    let Some(window) = window(spec, chw, Reduce::Max) else {
        return Ok(None);
    };
    if weights.len() != co * chw[0] * ks[0] * ks[1] || window.ow < DENSE_MIN_WIDTH {
        return Ok(None);
    }
    let mut last = OutletId::new(id, 0);
    let mut slopes = None;
    if let [succ] = &node.outputs[0].successors[..] {
        let next = &model.nodes[succ.node];
        if let Some(prelu) = next.op_as::<FusedPrelu>() {
            if !prelu.add && prelu.slopes.len() == co && !model.output_outlets()?.contains(&last) {
                slopes = Some(prelu.slopes.clone());
                last = OutletId::new(next.id, 0);
            }
        }
    }
    let op = DenseConv::new(
        window,
        co,
        &weights,
        Some(&bias),
        slopes.as_deref().map(|s| &s[..]),
    )?;
    let mut patch = TypedModelPatch::default();
    let x = patch.tap_model(model, node.inputs[0])?;
    let y = patch.wire_node(&node.name, op, &[x])?[0];
    patch.shunt_outside(model, last, y)?;
    Ok(Some(patch))
}
