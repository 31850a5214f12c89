//! Probe: one windowed operator (depthwise 3x3 / max-pool 2x2) alone on the
//! mesh's and iris's shapes: the flat and row AVX-512 kernels and the
//! portable kernel, timed interleaved; then tract's max-pool on 16 x 96 x 96.
//! `cargo run --release -p fastconv --example window_bench [-- PART_OF_LABEL]`

use fastconv::window::{FastWindow, Kernel, Reduce, Window};
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
    let only = std::env::args().nth(1);
    // Channels, input size, kernel, stride, padding (mesh and iris shapes).
    let cases = [
        (16usize, 96usize, 2usize, 2usize, 0usize, "maxpool 2x2 s2"),
        (16, 96, 3, 1, 1, "dw 3x3 s1"),
        (16, 96, 3, 2, 0, "dw 3x3 s2"),
        (32, 48, 3, 2, 0, "dw 3x3 s2"),
        (32, 48, 2, 2, 0, "maxpool 2x2 s2"),
        (32, 32, 3, 1, 1, "dw 3x3 s1"),
        (64, 24, 3, 1, 1, "dw 3x3 s1"),
        (64, 16, 3, 1, 1, "dw 3x3 s1"),
        (128, 12, 3, 1, 1, "dw 3x3 s1"),
        (128, 12, 3, 2, 0, "dw 3x3 s2"),
        (128, 6, 3, 1, 1, "dw 3x3 s1"),
        (128, 3, 3, 1, 1, "dw 3x3 s1"),
        (64, 2, 3, 1, 1, "dw 3x3 s1"),
    ];
    for (c, h, k, s, p, name) in cases {
        let label = format!("{name} {c}x{h}");
        if only.as_ref().is_some_and(|o| !label.contains(o.as_str())) {
            continue;
        }
        let w = h;
        let x: Vec<f32> = (0..c * h * w)
            .map(|i| ((i * 7919) % 1000) as f32 / 500.0 - 1.0)
            .collect();
        let input = Tensor::from_shape(&[1, c, h, w], &x)?.into_tvalue();
        let ctx = EvalContext::out_of_plan();
        let reduce = if k == 2 {
            Reduce::Max
        } else {
            Reduce::Conv {
                kernel: Arc::new(vec![0.1; c * 9]),
                bias: Arc::new(vec![0.5; c]),
            }
        };
        let oh = (h + 2 * p + (s - 1) - k) / s + 1;
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
        let portable = FastWindow::new(Window {
            use_avx512: false,
            ..op.clone()
        })?;
        let flat = FastWindow::with_kernel(op.clone(), Kernel::Flat)?;
        let rows = FastWindow::with_kernel(op, Kernel::Rows)?;
        time(
            &label,
            &mut [
                ("flat", &mut || {
                    flat.eval(&ctx, tvec!(input.clone()))?;
                    Ok(())
                }),
                ("rows", &mut || {
                    rows.eval(&ctx, tvec!(input.clone()))?;
                    Ok(())
                }),
                ("portable", &mut || {
                    portable.eval(&ctx, tvec!(input.clone()))?;
                    Ok(())
                }),
            ],
        )?;
    }
    if only.is_some() {
        return Ok(());
    }
    let (c, h, w) = (16usize, 96usize, 96usize);
    let x: Vec<f32> = (0..c * h * w)
        .map(|i| ((i * 7919) % 1000) as f32 / 500.0 - 1.0)
        .collect();
    let input = Tensor::from_shape(&[1, c, h, w], &x)?.into_tvalue();
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
