//! Probe: one windowed operator (depthwise 3x3 / max-pool 2x2) alone on the
//! mesh's largest shape (16 x 96 x 96): the AVX-512 kernel, the portable
//! kernel and tract's max-pool, timed interleaved.
//! `cargo run --release --example window_bench [-- NAME]`

use liveness_coach::vision::window::{Reduce, Window};
use std::time::Instant;
use tract_onnx::prelude::*;
use tract_onnx::tract_core::internal::*;
use tract_onnx::tract_core::ops::cnn::{MaxPool, PaddingSpec, PoolSpec};
use tract_onnx::tract_core::ops::nn::DataFormat;

type Job<'a> = (&'a str, &'a mut dyn FnMut() -> TractResult<()>);

/// Times `jobs` interleaved (so machine load hits all alike): min and median.
fn time(label: &str, jobs: &mut [Job]) -> TractResult<()> {
    let mut v = vec![vec![]; jobs.len()];
    for r in 0..600 {
        for (i, (_, f)) in jobs.iter_mut().enumerate() {
            let t = Instant::now();
            f()?;
            if r >= 50 {
                v[i].push(t.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    for (i, (name, _)) in jobs.iter().enumerate() {
        v[i].sort_by(f64::total_cmp);
        println!(
            "{label:<16} {name:<10} min {:6.1} us  median {:6.1} us",
            v[i][0],
            v[i][v[i].len() / 2]
        );
    }
    Ok(())
}

fn main() -> TractResult<()> {
    let (c, h, w) = (16usize, 96usize, 96usize);
    let x: Vec<f32> = (0..c * h * w)
        .map(|i| ((i * 7919) % 1000) as f32 / 500.0 - 1.0)
        .collect();
    let input = Tensor::from_shape(&[1, c, h, w], &x)?.into_tvalue();
    let ctx = EvalContext::out_of_plan();
    let only = std::env::args().nth(1);
    let conv = || Reduce::Conv {
        kernel: Arc::new(vec![0.1; c * 9]),
        bias: Arc::new(vec![0.5; c]),
    };
    for (name, reduce, k, s, p) in [
        ("maxpool 2x2 s2", Reduce::Max, 2usize, 2usize, 0usize),
        ("dw 3x3 s1", conv(), 3, 1, 1),
        ("dw 3x3 s2", conv(), 3, 2, 0),
    ] {
        if only.as_ref().is_some_and(|o| o != name) {
            continue;
        }
        let oh = (h + 2 * p - k) / s + 1;
        let op = Window {
            reduce,
            c,
            h,
            w,
            kh: k,
            kw: k,
            sy: s,
            sx: s,
            pt: p,
            pl: p,
            oh,
            ow: oh,
            out_c: c,
            use_avx512: true,
        };
        let portable = Window {
            use_avx512: false,
            ..op.clone()
        };
        time(
            name,
            &mut [
                ("avx512", &mut || {
                    op.eval(&ctx, tvec!(input.clone()))?;
                    Ok(())
                }),
                ("portable", &mut || {
                    portable.eval(&ctx, tvec!(input.clone()))?;
                    Ok(())
                }),
            ],
        )?;
    }
    let spec = PoolSpec::new(
        DataFormat::NCHW,
        tvec![2, 2],
        PaddingSpec::Valid,
        None,
        Some(tvec![2, 2]),
        c,
        c,
    );
    let mut model = TypedModel::default();
    let src = model.add_source("x", f32::fact([1, c, h, w]))?;
    let y = model.wire_node("pool", MaxPool::new(spec, None), &[src])?;
    model.select_output_outlets(&y)?;
    let plan = model.into_optimized()?.into_runnable()?;
    time(
        "maxpool 2x2 s2",
        &mut [("tract", &mut || {
            plan.run(tvec!(input.clone()))?;
            Ok(())
        })],
    )?;
    Ok(())
}
