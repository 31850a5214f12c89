//! Flicker amplitude (`flicker::FlickerMeter`) on real clips, as recorded and
//! with a 100 Hz lamp flicker of known depth added (`alter::Alteration::Flicker`).
//!
//! `cargo run --release -p lc-eval --example measure_flicker -- ../shared/eval [DEPTH ...]`
//!
//! Prints, per variant, the clips' 99th-percentile and maximum per-frame
//! amplitude, and the share of measured frames above candidate thresholds.

use anyhow::{Context, Result};
use lc_eval::alter::{apply, Alteration};
use liveness_coach::analysis::{Analyzer, AnalyzerOptions, EyeSource};
use liveness_coach::frame::Frame;
use liveness_coach::hints::HintTracker;
use liveness_coach::models::ModelFiles;
use liveness_coach::record::HintCode;
use liveness_coach::source::open_path;
use std::path::PathBuf;

fn main() -> Result<()> {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .context("usage: measure_flicker EVAL_DIR")?,
    );
    let mut clips: Vec<PathBuf> = std::fs::read_dir(root.join("zju-dev/clips"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    clips.sort();
    clips.push(root.join("head-dev/webcam_pointer_demo.mp4"));
    clips.push(root.join("head-dev/talking_face.mp4"));
    let files = ModelFiles::embedded()?;
    let thresholds = [0.01f32, 0.015, 0.02, 0.03];
    // Depths to try: the arguments after EVAL_DIR, or these.
    let mut depths: Vec<f32> = std::env::args()
        .skip(2)
        .filter_map(|a| a.parse().ok())
        .collect();
    if depths.is_empty() {
        depths = vec![0.0, 0.01, 0.02, 0.04];
    }
    for depth in depths {
        let mut all: Vec<f32> = Vec::new();
        let mut clip_max: Vec<(f32, String)> = Vec::new();
        // Clips where the hint (with its hysteresis) was raised.
        let mut raised = 0usize;
        for clip in &clips {
            let mut src = open_path(&clip.display().to_string())?;
            let mut a = Analyzer::new(
                &files,
                AnalyzerOptions {
                    eye_source: EyeSource::Mesh,
                },
            )?;
            let mut frame = Frame::default();
            let mut vals = Vec::new();
            let mut hints = HintTracker::default();
            while src.read_into(&mut frame)? {
                if depth > 0.0 {
                    apply(&Alteration::Flicker(depth), &mut frame, None);
                }
                let (rec, _, _) = a.step(&frame, &mut ())?;
                hints.observe(
                    &rec,
                    frame.width,
                    frame.height,
                    &a.events.near_misses,
                    false,
                );
                vals.extend(rec.flicker);
            }
            raised += hints.finish().iter().any(|s| s.code == HintCode::Flicker) as usize;
            let name = clip
                .file_name()
                .map_or("?".into(), |n| n.to_string_lossy().to_string());
            let max = vals.iter().copied().fold(0.0f32, f32::max);
            clip_max.push((max, name));
            all.extend(vals);
        }
        all.sort_by(f32::total_cmp);
        clip_max.sort_by(|a, b| b.0.total_cmp(&a.0));
        let q = |p: f64| {
            all.get(((all.len().max(1) - 1) as f64 * p) as usize)
                .copied()
                .unwrap_or(f32::NAN)
        };
        println!(
            "flicker depth {depth}: hint raised on {raised} of {} clips; {} frames measured; median {:.4}, p99 {:.4}, max {:.4}; highest clips {:?}",
            clips.len(),
            all.len(),
            q(0.5),
            q(0.99),
            q(1.0),
            &clip_max[..3.min(clip_max.len())]
        );
        for t in thresholds {
            let above = all.iter().filter(|&&v| v > t).count();
            println!(
                "    above {t}: {:.1}% of frames",
                100.0 * above as f64 / all.len().max(1) as f64
            );
        }
    }
    Ok(())
}
