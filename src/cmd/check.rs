//! `liveness-coach check`: a few seconds through the webcam (or over a
//! recording, `--source`) before the real attempt, ending in a short list
//! of what to fix.

use crate::analysis::{analyze_source, Analyzer, AnalyzerOptions};
use crate::i18n::{Lang, Msg};
use crate::report::json::{AnalysisDoc, Timing};
use crate::report::readiness;
use crate::source::FirstSeconds;
use anyhow::{bail, Result};
use std::path::PathBuf;

/// How long the check looks by default, in seconds: long enough for every
/// hint's half-second on-delay and the one-second frame-rate and sharpness
/// measures to settle, short enough to run just before the real check.
pub const SECONDS: f64 = 5.0;

pub struct CheckArgs {
    pub camera: u32,
    pub source: Option<String>,
    pub seconds: f64,
    pub models: Option<PathBuf>,
    pub options: AnalyzerOptions,
    pub lang: Lang,
}

/// Looks for `seconds` and prints what to fix; true when nothing is.
pub fn run(args: &CheckArgs) -> Result<bool> {
    if !(args.seconds.is_finite() && (1.0..=60.0).contains(&args.seconds)) {
        bail!(
            "--seconds {}: give a number of seconds from 1 to 60",
            args.seconds
        );
    }
    let files = super::load_models(args.models.as_deref())?;
    let mut analyzer = Analyzer::new(&files, args.options)?;
    let mut src = super::practice::open_input(args.source.as_deref(), args.camera)?;
    let info = src.info().clone();
    eprintln!(
        "{}",
        args.lang.fill(
            Msg::CheckLooking,
            &[("secs", &format!("{:.0}", args.seconds))]
        )
    );
    let mut first = FirstSeconds::new(src.as_mut(), args.seconds);
    let clip = analyze_source(&mut first, &mut analyzer, &mut (), |_| {})?;
    if clip.frames.is_empty() {
        bail!("{} delivered no frame: nothing to check", info.name);
    }
    let doc = AnalysisDoc::new(&info, &clip, Timing::default());
    let r = readiness::assess(&doc);
    print!("{}", readiness::text(&doc, &r, args.lang));
    if let Some(e) = &clip.error {
        eprintln!("{}: {e}", args.lang.text(Msg::StoppedEarly));
    }
    Ok(r.ready())
}
