//! Probe: time per operator type for one network in tract.
//! `cargo run --release --example net_profile -- mesh|iris|detector [RUNS [tract]]`

use std::collections::BTreeMap;
use std::time::Instant;
use tract_onnx::prelude::*;
use tract_onnx::tract_core::plan::SimpleState;

fn main() -> TractResult<()> {
    let which = std::env::args().nth(1).unwrap_or_else(|| "mesh".into());
    let runs: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let files =
        liveness_coach::models::ModelFiles::embedded().map_err(|e| anyhow::anyhow!("{e}"))?;
    let (bytes, shape) = match which.as_str() {
        "detector" => (&files.detector[..], [1usize, 3, 128, 128]),
        "iris" => (&files.iris[..], [1, 3, 64, 64]),
        _ => (&files.mesh[..], [1, 3, 192, 192]),
    };
    // `tract` as third argument: tract's own operators, for comparison.
    let plan = if std::env::args().nth(3).is_some_and(|s| s == "tract") {
        tract_onnx::onnx()
            .model_for_read(&mut std::io::Cursor::new(bytes))?
            .with_input_fact(0, f32::fact(shape).into())?
            .into_optimized()?
    } else {
        fastconv::net::optimized(bytes, shape)?
    }
    .into_runnable()?;
    let mut state = SimpleState::new(&plan)?;
    let input = Tensor::zero::<f32>(&shape)?;
    let mut by_op: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    let mut by_node: BTreeMap<usize, (String, f64)> = BTreeMap::new();
    for r in 0..runs + 5 {
        state.run_plan_with_eval(tvec!(input.clone().into()), |ctx, st, node, inputs| {
            let t = Instant::now();
            let out = tract_onnx::tract_core::plan::eval(ctx, st, node, inputs);
            if r >= 5 {
                let dt = t.elapsed().as_secs_f64() * 1000.0;
                let e = by_op.entry(node.op().name().to_string()).or_default();
                e.0 += dt;
                e.1 += 1;
                let n = by_node
                    .entry(node.id)
                    .or_insert((format!("{} {}", node.op().name(), node.name), 0.0));
                n.1 += dt;
            }
            out
        })?;
    }
    let mut v: Vec<_> = by_op.into_iter().collect();
    v.sort_by(|a, b| b.1 .0.total_cmp(&a.1 .0));
    let total: f64 = v.iter().map(|x| x.1 .0).sum::<f64>() / runs as f64;
    println!(
        "{which}: {total:.2} ms per run; {} nodes",
        plan.model().nodes.len()
    );
    for (op, (t, n)) in v.iter().take(15) {
        println!("{op:<30} {:>7.3} ms  ({} nodes)", t / runs as f64, n / runs);
    }
    let mut nodes: Vec<_> = by_node.into_values().collect();
    nodes.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!("slowest nodes:");
    // NODES=N in the environment: how many (default 12).
    let shown = std::env::var("NODES").ok().and_then(|s| s.parse().ok());
    for (name, t) in nodes.iter().take(shown.unwrap_or(12)) {
        println!("  {:>7.3} ms  {name}", t / runs as f64);
    }
    Ok(())
}
