//! Writes every frame's 468 landmarks as JSON lines, for offline study:
//! `cargo run --release --example dump_landmarks -- VIDEO OUT.jsonl`.

use anyhow::{Context, Result};
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::source::open_path;
use liveness_coach::vision::Perception;
use std::io::Write;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = (args.get(1).context("VIDEO")?, args.get(2).context("OUT")?);
    let mut src = open_path(input)?;
    let mut p = Perception::new(&ModelFiles::embedded()?, false)?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(output)?);
    let mut frame = Frame::default();
    while src.read_into(&mut frame)? {
        let obs = p.process(&frame, &mut ())?;
        let lm = obs.face.map(|f| f.landmarks);
        writeln!(out, "{}", serde_json::json!({"t": frame.time_s, "lm": lm}))?;
    }
    Ok(())
}
