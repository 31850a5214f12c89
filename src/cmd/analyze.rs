//! `liveness-coach analyze`: a recording in, measurements and events out.

use super::timer::StageTimer;
use crate::analysis::{analyze_source, Analyzer, AnalyzerOptions};
use crate::i18n::Lang;
use crate::report::json::{AnalysisDoc, Timing};
use crate::report::summary::summary;
use crate::source;
use crate::vision::Stage;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::PathBuf;

pub struct AnalyzeArgs {
    pub input: String,
    pub json: Option<PathBuf>,
    pub models: Option<PathBuf>,
    pub options: AnalyzerOptions,
    pub lang: Lang,
    pub quiet: bool,
}

/// Runs the analysis and writes its outputs. Returns the document even when
/// the input stopped early (its `error` says why).
pub fn run(args: &AnalyzeArgs) -> Result<AnalysisDoc> {
    let files = super::load_models(args.models.as_deref())?;
    let mut src =
        source::open_path(&args.input).with_context(|| format!("cannot read {}", args.input))?;
    let mut analyzer = Analyzer::new(&files, args.options)?;
    let info = src.info().clone();
    let bar = progress_bar(info.frames, info.fps);
    let mut timer = StageTimer::new(false);
    let clip = analyze_source(src.as_mut(), &mut analyzer, &mut timer, |_| bar.inc(1))?;
    bar.finish_and_clear();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let decode_ms = ms(timer.total(Stage::Decode));
    let process_ms: f64 = Stage::ALL
        .iter()
        .filter(|s| **s != Stage::Decode)
        .map(|s| ms(timer.total(*s)))
        .sum();
    let timing = Timing {
        frames: clip.frames.len() as u64,
        decode_ms,
        process_ms,
        stages_ms: Stage::ALL
            .iter()
            .map(|s| (s.name().to_string(), ms(timer.total(*s))))
            .collect(),
    };
    let doc = AnalysisDoc::new(&info, &clip, timing);
    if let Some(path) = &args.json {
        let text = serde_json::to_vec_pretty(&doc).context("serialising the analysis")?;
        crate::output::write_atomic(path, &text)?;
    }
    if !args.quiet {
        let text = summary(&doc, args.lang);
        // With `--json -` the document owns stdout; the summary goes to stderr.
        if args.json.as_deref().is_some_and(|p| p.as_os_str() == "-") {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    }
    Ok(doc)
}

/// A bar on stderr for clips longer than a few seconds; hidden when stderr is
/// not a terminal.
fn progress_bar(frames: Option<u64>, fps: Option<f64>) -> ProgressBar {
    let long = match (frames, fps) {
        (Some(n), Some(f)) if f > 0.0 => n as f64 / f > 3.0,
        (Some(n), None) => n > 90,
        _ => true,
    };
    if !long {
        return ProgressBar::hidden();
    }
    let bar = match frames {
        Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
        None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} frames  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
