//! How far mouths open when people talk, against the open-mouth bar.
//!
//! `cargo run --release -p lc-eval --example measure_mouth -- INPUT...`
//!
//! Each INPUT is a video, image folder or an analysis saved by `analyze
//! --json` (which holds `mouth_open`). For every input it prints the
//! distribution of the mouth's rise above the person's learned closed level
//! (`events::mouth`), and every opening the detector saw with its outcome:
//! what `mouth::OPEN_RISE` must stay above for talking never to be an
//! open-mouth event.

use anyhow::Result;
use lc_eval::eval::frames_of;
use liveness_coach::events::mouth::{MouthDetector, OPEN_RISE};
use liveness_coach::events::{Outcome, Signals};
use liveness_coach::models::ModelFiles;

fn quantile(sorted: &[f32], q: f64) -> f32 {
    if sorted.is_empty() {
        return f32::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn main() -> Result<()> {
    let inputs: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(!inputs.is_empty(), "usage: measure_mouth INPUT...");
    let files = ModelFiles::embedded()?;
    for path in &inputs {
        let frames = frames_of(path, &files)?;
        let mut det = MouthDetector::default();
        let mut rises = Vec::new();
        let mut raw = Vec::new();
        let mut openings = Vec::new();
        for f in &frames {
            let s = Signals::from(f);
            openings.extend(det.push(&s));
            if let (Some(m), Some(l)) = (s.mouth, det.closed_level) {
                rises.push(m - l);
                raw.push(m);
            }
        }
        rises.sort_by(f32::total_cmp);
        raw.sort_by(f32::total_cmp);
        println!(
            "{path}: {} frames, {} with a mouth",
            frames.len(),
            rises.len()
        );
        println!(
            "  mouth ratio p50 {:.3} p90 {:.3} p99 {:.3} max {:.3}",
            quantile(&raw, 0.5),
            quantile(&raw, 0.9),
            quantile(&raw, 0.99),
            quantile(&raw, 1.0)
        );
        println!(
            "  rise above closed level p50 {:.3} p90 {:.3} p99 {:.3} p99.9 {:.3} max {:.3} (bar {OPEN_RISE})",
            quantile(&rises, 0.5),
            quantile(&rises, 0.9),
            quantile(&rises, 0.99),
            quantile(&rises, 0.999),
            quantile(&rises, 1.0)
        );
        let done = openings
            .iter()
            .filter(|a| a.outcome == Outcome::Done)
            .count();
        println!("  {} openings, {done} counted", openings.len());
        for a in openings
            .iter()
            .filter(|a| a.event.magnitude > OPEN_RISE * 0.6)
        {
            println!(
                "    {:>7.2} s  {:.2} s  rise {:.3}  {:?}",
                a.event.start_s,
                a.event.end_s - a.event.start_s,
                a.event.magnitude,
                a.outcome
            );
        }
    }
    Ok(())
}
