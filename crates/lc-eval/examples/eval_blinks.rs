//! Blink precision / recall / F1 on the ZJU eyeblink clips, per condition.
//!
//! `cargo run --release -p lc-eval --example eval_blinks -- ../shared/eval/zju-dev [--eyes mesh|iris] [--iris-gate G] [--iris-keep-on K] [--save DIR | --replay DIR]`
//!
//! Runs `analyze` on every clip (or replays saved analyses with `--replay`,
//! which re-runs only the event detectors), matches predicted blinks to the
//! truth with 2 frames of slack, one to one, and prints the scores next to
//! the fixed eye-aspect-ratio rule. `--every K` keeps every K-th frame (for
//! example 2: the 30 fps clips as a 15 fps camera would deliver them) and
//! scales the truth to match.

use anyhow::{Context, Result};
use lc_eval::eval::{
    blink_spans, fixed_threshold_blinks, keep_every, match_spans, replay_events, Counts, ZjuTruth,
};
use liveness_coach::analysis::{analyze_source, Analyzer, AnalyzerOptions, EyeSource};
use liveness_coach::models::ModelFiles;
use liveness_coach::record::FrameRecord;
use liveness_coach::report::json::AnalysisDoc;
use liveness_coach::source::open_path;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Counts iris runs (one `Stage::Iris` mark per run, both eyes together:
/// `vision::iris_pair`) and frames with a face.
#[derive(Default)]
struct IrisRuns {
    eyes: u64,
    frames: u64,
}

impl liveness_coach::vision::StageObserver for IrisRuns {
    fn finished(&mut self, stage: liveness_coach::vision::Stage) {
        if stage == liveness_coach::vision::Stage::Iris {
            self.eyes += 1;
        }
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = PathBuf::from(
        args.first()
            .context("usage: eval_blinks ZJU_DIR [--eyes mesh|iris] [--save DIR|--replay DIR]")?,
    );
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let eyes = match flag("--eyes").as_deref() {
        Some("mesh") => EyeSource::Mesh,
        _ => EyeSource::Iris,
    };
    let save = flag("--save").map(PathBuf::from);
    // Allowed change of mesh eye openness before the iris model reruns
    // (vision::iris_gate; 0 = every frame).
    let gate: Option<f32> = flag("--iris-gate").and_then(|v| v.parse().ok());
    // Frames the iris model keeps running after a change (KEEP_ON_FRAMES).
    let keep_on: Option<u32> = flag("--iris-keep-on").and_then(|v| v.parse().ok());
    let mut iris_runs = IrisRuns::default();
    let replay = flag("--replay").map(PathBuf::from);
    let every: u64 = flag("--every")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let mut clips: Vec<String> = std::fs::read_dir(root.join("clips"))?
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(String::from))
        .collect();
    clips.sort();
    let files = ModelFiles::embedded()?;
    let mut ours: BTreeMap<String, Counts> = BTreeMap::new();
    let mut fixed: BTreeMap<(String, u32, usize), Counts> = BTreeMap::new();
    for name in &clips {
        let truth = ZjuTruth::load(&root.join("gt"), name)?;
        let frames: Vec<FrameRecord> = match &replay {
            Some(dir) => {
                let doc: AnalysisDoc =
                    serde_json::from_slice(&std::fs::read(dir.join(format!("{name}.json")))?)?;
                doc.frames
            }
            None => {
                // Any container: the original .mp4 or an altered .y4m.
                let path = ["mp4", "y4m"]
                    .iter()
                    .map(|ext| root.join("clips").join(format!("{name}.{ext}")))
                    .find(|p| p.exists())
                    .unwrap_or_else(|| root.join("clips").join(format!("{name}.mp4")));
                let mut src = open_path(&path.display().to_string())?;
                let mut a = Analyzer::new(
                    &files,
                    AnalyzerOptions {
                        eye_source: EyeSource::Iris,
                    },
                )?;
                if let Some(g) = gate {
                    a.set_iris_rerun_change(g);
                }
                if let Some(k) = keep_on {
                    a.set_iris_keep_on(k);
                }
                let clip = analyze_source(src.as_mut(), &mut a, &mut iris_runs, |_| {})?;
                iris_runs.frames += clip.frames.iter().filter(|f| f.face).count() as u64;
                if let Some(dir) = &save {
                    std::fs::create_dir_all(dir)?;
                    let timing = Default::default();
                    let doc = AnalysisDoc::new(src.info(), &clip, timing);
                    std::fs::write(dir.join(format!("{name}.json")), serde_json::to_vec(&doc)?)?;
                }
                clip.frames
            }
        };
        let frames = keep_every(&frames, every);
        let truth = truth.keep_every(every);
        let cond = name.rsplit('_').next().unwrap_or("?").to_string();
        let pred = blink_spans(&replay_events(&frames, eyes));
        let c = match_spans(&truth.known(&pred), &truth.blinks, 2);
        if c.fp + c.fn_ > 0 {
            eprintln!(
                "{name}: {} missed, {} extra (truth {:?}, found {:?})",
                c.fn_, c.fp, truth.blinks, pred
            );
        }
        ours.entry(cond.clone()).or_default().add(c);
        let ear: Vec<Option<f32>> = frames
            .iter()
            .map(|f| f.ear_mesh.map(|[r, l]| (r + l) / 2.0))
            .collect();
        for thr in [20u32, 22, 25] {
            for min in [2usize, 3] {
                let p = fixed_threshold_blinks(&ear, thr as f32 / 100.0, min);
                fixed
                    .entry((cond.clone(), thr, min))
                    .or_default()
                    .add(match_spans(&truth.known(&p), &truth.blinks, 2));
            }
        }
    }
    if iris_runs.frames > 0 {
        println!(
            "iris model ran on {:.1}% of {} frames with a face (gate {:?}, keep on {})",
            100.0 * iris_runs.eyes as f64 / iris_runs.frames as f64,
            iris_runs.frames,
            gate.unwrap_or(liveness_coach::vision::iris_gate::RERUN_CHANGE),
            keep_on.unwrap_or(liveness_coach::vision::iris_gate::KEEP_ON_FRAMES)
        );
    }
    println!(
        "liveness-coach blinks ({} eyelids), slack 2 frames:",
        if eyes == EyeSource::Iris {
            "iris"
        } else {
            "mesh"
        }
    );
    println!(
        "{:<8} {:>5} {:>5} {:>5} {:>9} {:>7} {:>6}",
        "cond", "tp", "fp", "fn", "precision", "recall", "F1"
    );
    let mut all = Counts::default();
    for (cond, c) in &ours {
        all.add(*c);
        println!(
            "{cond:<8} {:>5} {:>5} {:>5} {:>9.3} {:>7.3} {:>6.3}",
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
    println!(
        "{:<8} {:>5} {:>5} {:>5} {:>9.3} {:>7.3} {:>6.3}",
        "all",
        all.tp,
        all.fp,
        all.fn_,
        all.precision(),
        all.recall(),
        all.f1()
    );
    println!("\nfixed rule on the mesh eye aspect ratio (F1 per condition, then all):");
    for thr in [20u32, 22, 25] {
        for min in [2usize, 3] {
            let mut tot = Counts::default();
            let mut row = String::new();
            for cond in ours.keys() {
                let c = fixed[&(cond.clone(), thr, min)];
                tot.add(c);
                row += &format!(" {cond} {:.2}", c.f1());
            }
            println!(
                "EAR < 0.{thr} for >= {min} frames:{row}  all {:.2}",
                tot.f1()
            );
        }
    }
    Ok(())
}
