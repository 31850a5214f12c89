//! Probe: the optimised tract plan of one network, one line per node
//! (operator, its settings, output shape).
//! `cargo run --release --example net_dump -- mesh|iris|detector [plain [decluttered]]`
//! (`plain`: tract's own operators; otherwise this project's, optimised)

use tract_onnx::prelude::*;

fn main() -> TractResult<()> {
    let which = std::env::args().nth(1).unwrap_or_else(|| "mesh".into());
    let plain = std::env::args().nth(2).is_some_and(|s| s == "plain");
    let files =
        liveness_coach::models::ModelFiles::embedded().map_err(|e| anyhow::anyhow!("{e}"))?;
    let (bytes, shape) = match which.as_str() {
        "detector" => (&files.detector[..], [1usize, 3, 128, 128]),
        "iris" => (&files.iris[..], [1, 3, 64, 64]),
        _ => (&files.mesh[..], [1, 3, 192, 192]),
    };
    let model = if plain {
        let model = tract_onnx::onnx()
            .model_for_read(&mut std::io::Cursor::new(bytes))?
            .with_input_fact(0, f32::fact(shape).into())?;
        if std::env::args().nth(3).is_some_and(|s| s == "decluttered") {
            model.into_typed()?.into_decluttered()?
        } else {
            model.into_optimized()?
        }
    } else {
        fastconv::net::optimized(bytes, shape)?
    };
    for node in &model.nodes {
        let facts: Vec<String> = node
            .outputs
            .iter()
            .map(|o| format!("{:?}", o.fact.shape))
            .collect();
        println!(
            "{:>4} {:<24} {:<40} {:?} -> {} | {}",
            node.id,
            node.op().name(),
            node.name,
            node.inputs.iter().map(|i| i.node).collect::<Vec<_>>(),
            facts.join(","),
            node.op().info()?.join("; ")
        );
    }
    Ok(())
}
