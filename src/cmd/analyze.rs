//! `liveness-coach analyze`: recordings in, measurements, events, a verdict
//! and (with `--report DIR`) an HTML report out.

use super::timer::StageTimer;
use crate::analysis::{analyze_source, Analyzer, AnalyzerOptions};
use crate::frame::Frame;
use crate::i18n::{Lang, Msg};
use crate::models::ModelFiles;
use crate::record::EventKind;
use crate::report::html::{self, Keyframes, ReportOptions};
use crate::report::json::{AnalysisDoc, Timing};
use crate::report::keyframes::{self, Keyframe, Wanted};
use crate::report::summary::{summary, verdict_text};
use crate::source;
use crate::vision::Stage;
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};

pub struct AnalyzeArgs {
    /// One recording, or several attempts to compare.
    pub inputs: Vec<String>,
    pub json: Option<PathBuf>,
    /// Folder for the HTML report and the JSON it is made from.
    pub report: Option<PathBuf>,
    /// Put a thumbnail of the worst frame of each problem in the report.
    pub frames: bool,
    /// The prompts the check asked, in order, to judge.
    pub challenges: Option<Vec<EventKind>>,
    pub prompt_timeout_s: f64,
    pub models: Option<PathBuf>,
    pub options: AnalyzerOptions,
    pub lang: Lang,
    pub quiet: bool,
}

/// The report page's file name in the `--report` folder.
pub const REPORT_HTML: &str = "report.html";

/// The JSON file names beside the page: `analysis.json` for one recording,
/// `analysis-N.json` for several.
pub fn json_names(n: usize) -> Vec<String> {
    if n == 1 {
        vec!["analysis.json".into()]
    } else {
        (1..=n).map(|i| format!("analysis-{i}.json")).collect()
    }
}

/// Runs the analysis of every input and writes the outputs asked for.
/// Returns the documents even when an input stopped early (its `error`
/// says why).
pub fn run(args: &AnalyzeArgs) -> Result<Vec<AnalysisDoc>> {
    if args.inputs.is_empty() {
        bail!("give a recording to analyse");
    }
    if args.json.is_some() && args.inputs.len() > 1 {
        bail!(
            "--json takes one recording; to compare several use --report DIR (the JSON of each \
             is written beside the report)"
        );
    }
    if args.frames && args.report.is_none() {
        bail!("--frames puts pictures in the report: give --report DIR too");
    }
    if args.inputs.iter().filter(|i| i.as_str() == "-").count() > 1 {
        bail!("standard input (`-`) can be read only once");
    }
    if let Some(dir) = &args.report {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the report folder {}", dir.display()))?;
    }
    let files = super::load_models(args.models.as_deref())?;
    let several = args.inputs.len() > 1;
    let mut docs = Vec::new();
    for (i, input) in args.inputs.iter().enumerate() {
        let doc = analyze_one(&files, input, args.options)?;
        // The summary first: what was measured is shown even when the JSON
        // cannot be written (a full disk).
        if !args.quiet {
            let mut text = String::new();
            if several {
                text.push_str(&format!(
                    "{}\n",
                    args.lang
                        .fill(Msg::AttemptN, &[("n", &(i + 1).to_string())])
                ));
            }
            text.push_str(&summary(&doc, args.lang));
            if args.report.is_some() || args.challenges.is_some() {
                let judged = html::judge(&doc, &report_options(args, Vec::new(), 1));
                text.push_str(&verdict_text(&judged, args.lang));
            }
            // With `--json -` the document owns stdout; the summary goes to stderr.
            if args.json.as_deref().is_some_and(|p| p.as_os_str() == "-") {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
        }
        if let Some(path) = &args.json {
            let text = serde_json::to_vec_pretty(&doc).context("serialising the analysis")?;
            crate::output::write_atomic(path, &text)?;
        }
        docs.push(doc);
    }
    if let Some(dir) = &args.report {
        write_report(dir, &docs, args)?;
    }
    Ok(docs)
}

fn report_options(args: &AnalyzeArgs, keyframes: Vec<Keyframes>, n: usize) -> ReportOptions {
    ReportOptions {
        challenges: args.challenges.clone(),
        prompt_timeout_s: args.prompt_timeout_s,
        keyframes,
        session: None,
        json_names: json_names(n),
    }
}

/// Writes the JSON of each document and the page made from them into `dir`.
fn write_report(dir: &Path, docs: &[AnalysisDoc], args: &AnalyzeArgs) -> Result<()> {
    let names = json_names(docs.len());
    for (doc, name) in docs.iter().zip(&names) {
        let text = serde_json::to_vec_pretty(doc).context("serialising the analysis")?;
        crate::output::write_atomic(&dir.join(name), &text)?;
    }
    let frames = if args.frames {
        docs.iter()
            .zip(&args.inputs)
            .map(|(doc, input)| match grab(input, &keyframes::pick(doc)) {
                Ok(k) => Keyframes::Shown(k),
                Err(e) => Keyframes::Unavailable(format!("{e:#}")),
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = html::render(docs, &report_options(args, frames, docs.len()), args.lang);
    let path = dir.join(REPORT_HTML);
    crate::output::write_atomic(&path, page.as_bytes())?;
    if !args.quiet {
        eprintln!(
            "{}",
            args.lang
                .fill(Msg::ReportSaved, &[("path", &path.display().to_string())])
        );
    }
    Ok(())
}

/// Reads `input` again for the frames `wanted` and makes their thumbnails.
pub fn grab(input: &str, wanted: &[Wanted]) -> Result<Vec<Keyframe>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    if input == "-" {
        bail!("standard input cannot be read a second time; save the recording to a file first");
    }
    let mut src = source::open_path(input).with_context(|| format!("cannot read {input}"))?;
    let last = wanted.iter().map(|w| w.frame).max().unwrap_or(0);
    let mut frame = Frame::default();
    let mut out = Vec::new();
    while src.read_into(&mut frame)? {
        for w in wanted.iter().filter(|w| w.frame == frame.index) {
            let label = format!(
                "{} {}  {:.1}s",
                w.code.code(),
                keyframes::value_text(w.value),
                w.time_s
            );
            let (jpeg, width, height) = keyframes::thumbnail(&frame, &label)?;
            out.push(Keyframe {
                wanted: w.clone(),
                jpeg,
                width,
                height,
            });
        }
        if frame.index >= last {
            break;
        }
    }
    // In the order they were asked for (by problem).
    out.sort_by_key(|k| {
        wanted
            .iter()
            .position(|w| w.code == k.wanted.code)
            .unwrap_or(usize::MAX)
    });
    Ok(out)
}

/// Analyses one recording.
pub fn analyze_one(
    files: &ModelFiles,
    input: &str,
    options: AnalyzerOptions,
) -> Result<AnalysisDoc> {
    let mut src = source::open_path(input).with_context(|| format!("cannot read {input}"))?;
    let mut analyzer = Analyzer::new(files, options)?;
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
    Ok(AnalysisDoc::new(&info, &clip, timing))
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
