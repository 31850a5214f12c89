//! Probe: how fast each network runs in tract under different run settings.
//! `cargo run --release --example net_speed [-- RUNS]`

use std::time::Instant;
use tract_onnx::prelude::*;

fn load(bytes: &[u8], shape: [usize; 4]) -> TractResult<Arc<TypedRunnableModel>> {
    fastconv::net::optimized(bytes, shape)?.into_runnable()
}

fn time(label: &str, runs: usize, mut f: impl FnMut()) {
    for _ in 0..10 {
        f();
    }
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f();
        v.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    v.sort_by(f64::total_cmp);
    println!(
        "{label:<40} median {:.2} ms  p95 {:.2}",
        v[runs / 2],
        v[runs * 95 / 100]
    );
}

fn main() -> TractResult<()> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let files =
        liveness_coach::models::ModelFiles::embedded().map_err(|e| anyhow::anyhow!("{e}"))?;
    let nets = [
        ("detector", &files.detector[..], [1, 3, 128, 128]),
        ("mesh", &files.mesh[..], [1, 3, 192, 192]),
        ("iris", &files.iris[..], [1, 3, 64, 64]),
        ("iris batch 2", &files.iris[..], [2, 3, 64, 64]),
    ];
    // tract's `multithread-mm` feature (a rayon pool for matrix products)
    // was measured too: slower on this 2-core machine (docs/speed.md).
    let threads = 1;
    {
        for (name, bytes, shape) in nets {
            let t0 = Instant::now();
            let plan = load(bytes, shape)?;
            let load_ms = t0.elapsed().as_secs_f64() * 1000.0;
            let input: Tensor = Tensor::zero::<f32>(&shape)?;
            time(
                &format!("{name} {threads}t plan.run (load {load_ms:.0} ms)"),
                runs,
                || {
                    let _ = plan.run(tvec!(input.clone().into()));
                },
            );
            let mut state = plan.spawn()?;
            time(&format!("{name} {threads}t state.run"), runs, || {
                let _ = state.run(tvec!(input.clone().into()));
            });
        }
    }
    Ok(())
}
