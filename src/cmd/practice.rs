//! `liveness-coach practice`: the live coach, in a window over the webcam,
//! or the same session headless over a recording (`--source FILE
//! --headless`). Both run [`Coach::step`] on every analysed frame; only the
//! edges differ (threads and window live, a plain loop on a file).

use crate::analysis::{Analyzer, AnalyzerOptions};
use crate::coach::Coach;
use crate::frame::Frame;
use crate::i18n::{Lang, Msg};
use crate::live::{self, capture::Capture, record::Recorder};
use crate::report::session::{LiveStats, SessionDoc, SessionOutcome};
use crate::session::{Phase, SessionConfig};
use crate::source::{self, FrameSource, SourceInfo};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Requested camera format: the minimum AWS documents for its liveness
/// check is 640x480 at 15 fps; 30 fps gives the detectors twice the frames.
pub const CAMERA_SIZE: (u32, u32) = (640, 480);
pub const CAMERA_FPS: u32 = 30;
pub const MIN_FPS: f64 = 15.0;

pub struct PracticeArgs {
    pub camera: u32,
    pub source: Option<String>,
    pub headless: bool,
    pub session: SessionConfig,
    pub report: Option<PathBuf>,
    /// Folder for report.html, session.json and analysis.json.
    pub report_dir: Option<PathBuf>,
    pub record: Option<PathBuf>,
    pub landmarks: bool,
    pub models: Option<PathBuf>,
    pub options: AnalyzerOptions,
    pub lang: Lang,
    pub window: (usize, usize),
}

/// Runs the session; returns whether it ran to its end (false: the input
/// failed part-way; what was measured is still reported).
pub fn run(args: &PracticeArgs) -> Result<bool> {
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        let lang = args.lang;
        // Ctrl-C ends the session cleanly: the summary and report are kept.
        // Said at once, since a stalled input is only noticed at its next
        // frame or when it ends.
        let _ = ctrlc::set_handler(move || {
            if !flag.swap(true, Ordering::SeqCst) {
                eprintln!("{}", lang.text(Msg::Interrupting));
            }
        });
    }
    if let Some(dir) = &args.report_dir {
        // Refused before the session, not after it.
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the report folder {}", dir.display()))?;
    }
    let files = super::load_models(args.models.as_deref())?;
    let analyzer = Analyzer::new(&files, args.options)?;
    let mut config = args.session.clone();
    config.wait_for_key = !args.headless;
    let mut coach = Coach::new(analyzer, config);
    if args.report_dir.is_some() {
        coach.keep_records();
    }
    if args.headless {
        headless(args, coach, &interrupted)
    } else {
        windowed(args, coach, interrupted)
    }
}

/// The recording `source`, or camera `camera` when there is none.
pub fn open_input(source: Option<&str>, camera: u32) -> Result<Box<dyn FrameSource>> {
    match source {
        Some(path) => source::open_path(path).with_context(|| format!("cannot read {path}")),
        None => open_camera(camera),
    }
}

#[cfg(feature = "camera")]
fn open_camera(index: u32) -> Result<Box<dyn FrameSource>> {
    let cam = source::camera::CameraSource::open(index, CAMERA_SIZE.0, CAMERA_SIZE.1, CAMERA_FPS)?;
    Ok(Box::new(cam))
}

#[cfg(not(feature = "camera"))]
fn open_camera(_index: u32) -> Result<Box<dyn FrameSource>> {
    anyhow::bail!(
        "this build has no camera support (built without the `camera` feature); rehearse from a \
         recording: `liveness-coach practice --source FILE --headless`"
    )
}

/// The same session over every frame of a source, no threads, no window:
/// the clip's timestamps are the clock.
fn headless(args: &PracticeArgs, mut coach: Coach, interrupted: &AtomicBool) -> Result<bool> {
    // A live source (camera, or a stream on stdin) is read on its own thread,
    // so one that stops delivering ends the session instead of hanging it.
    let live = args.source.as_deref().is_none_or(|s| s == "-");
    let mut src = if live {
        let (source, camera) = (args.source.clone(), args.camera);
        source::watchdog::Watchdog::spawn(
            Box::new(move || open_input(source.as_deref(), camera)),
            std::time::Duration::from_secs_f64(live::FRAME_TIMEOUT_S),
        )
        .map(|w| Box::new(w) as Box<dyn FrameSource>)?
    } else {
        open_input(args.source.as_deref(), args.camera)?
    };
    let info = src.info().clone();
    let mut recorder = match &args.record {
        Some(p) => Some(Recorder::create(p, info.fps.unwrap_or(30.0))?),
        None => None,
    };
    let mut frame = Frame::default();
    let mut error = None;
    let mut said = String::new();
    while !coach.session.finished() && !interrupted.load(Ordering::SeqCst) {
        match src.read_into(&mut frame) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                error = Some(format!("{e:#}"));
                break;
            }
        }
        if let Some(r) = recorder.as_mut() {
            use crate::live::capture::FrameSink;
            if let Err(e) = r.write(&frame) {
                error = Some(format!("{e:#}"));
                break;
            }
        }
        let step = coach.step(&frame, &mut ())?;
        narrate(&coach, step.verdict.as_ref(), args.lang, &mut said);
    }
    if interrupted.load(Ordering::SeqCst) && error.is_none() {
        error = Some("interrupted (Ctrl-C)".into());
    }
    conclude(args, coach, &info, None, error, recorder)
}

/// Says on stderr what the session asks and decides, as it happens.
fn narrate(
    coach: &Coach,
    verdict: Option<&crate::session::PromptResult>,
    lang: Lang,
    said: &mut String,
) {
    let t = coach.last.map_or(0.0, |(_, t)| t);
    if let Some(r) = verdict {
        let v = match r.reason {
            None => lang.text(Msg::PromptPassed).to_string(),
            Some(x) => format!(
                "{}: {}",
                lang.text(Msg::PromptFailed),
                lang.text(x.message())
            ),
        };
        eprintln!("{t:7.2}s    {v}");
    }
    let now = match (&coach.session.phase, coach.session.prompt()) {
        (_, Some((i, n, k))) => format!(
            "{} — {}",
            lang.fill(
                Msg::PromptOf,
                &[("i", &i.to_string()), ("n", &n.to_string())]
            ),
            lang.prompt(k)
        ),
        (Phase::Hold { .. }, _) => lang.text(Msg::LookAndHold).to_string(),
        (Phase::Centre { .. }, _) => lang.text(Msg::FitOval).to_string(),
        _ => String::new(),
    };
    if !now.is_empty() && now != *said {
        eprintln!("{t:7.2}s  {now}");
        said.clone_from(&now);
    }
}

/// The window over a camera (or a recording played at its own rate).
fn windowed(args: &PracticeArgs, coach: Coach, interrupted: Arc<AtomicBool>) -> Result<bool> {
    let recorder =
        match &args.record {
            Some(p) => Some(Box::new(Recorder::create(p, CAMERA_FPS as f64)?)
                as Box<dyn live::capture::FrameSink>),
            None => None,
        };
    let camera = args.camera;
    let path = args.source.clone();
    let capture = Capture::spawn(
        move || open_input(path.as_deref(), camera),
        args.source.is_some(),
        recorder,
    )?;
    // Fail before opening a window when the input cannot start.
    live::wait_first_frame(&capture)?;
    if let Some(info) = capture.latest.info() {
        eprintln!(
            "{}: {}x{}{}",
            info.name,
            info.width,
            info.height,
            info.fps
                .map(|f| format!(" at {f:.0} fps"))
                .unwrap_or_default()
        );
        if info.width < CAMERA_SIZE.0
            || info.height < CAMERA_SIZE.1
            || info.fps.is_some_and(|f| f < MIN_FPS)
        {
            eprintln!("{}", args.lang.text(Msg::CameraBelowMinimum));
        }
    }
    let info = capture.latest.info().unwrap_or(SourceInfo {
        name: "camera".into(),
        width: 0,
        height: 0,
        fps: None,
        frames: None,
    });
    let run = live::run_window(
        capture,
        coach,
        live::WindowOptions {
            lang: args.lang,
            landmarks: args.landmarks,
            size: args.window,
            title: "liveness-coach".into(),
        },
        interrupted,
    )?;
    conclude(
        args,
        run.coach,
        &info,
        Some(run.stats),
        run.error,
        run.recorder,
    )
}

/// Prints the summary, saves the report and the recording: on every way out.
fn conclude(
    args: &PracticeArgs,
    mut coach: Coach,
    info: &SourceInfo,
    live: Option<LiveStats>,
    error: Option<String>,
    recorder: Option<Recorder>,
) -> Result<bool> {
    let hints = coach.finish();
    let doc = SessionDoc::new(
        &SessionOutcome {
            source: info,
            attempts: &coach.session.attempts,
            hints: &hints,
            challenges: &coach.session.config.challenges,
            style: coach.session.config.style,
            strict: coach.session.config.strict,
            seed: coach.session.config.seed,
            prompt_timeout_s: coach.session.config.prompt_timeout_s,
            frames: coach.frames,
            live,
            error: error.clone(),
        },
        args.lang,
    );
    let summary = doc.summary(args.lang);
    // With `--report -` the document owns stdout; the summary goes to stderr.
    if args.report.as_deref().is_some_and(|p| p.as_os_str() == "-") {
        eprint!("{summary}");
    } else {
        print!("{summary}");
    }
    let mut failures = Vec::new();
    if let Some(r) = recorder {
        match r.finish() {
            Ok(Some(p)) => eprintln!(
                "{}",
                args.lang
                    .fill(Msg::RecordingSaved, &[("path", &p.display().to_string())])
            ),
            Ok(None) => {}
            Err(e) => failures.push(format!("{e:#}")),
        }
    }
    if let Some(path) = &args.report {
        let text = serde_json::to_vec_pretty(&doc).context("serialising the session report")?;
        match crate::output::write_atomic(path, &text) {
            Ok(()) if path.as_os_str() != "-" => eprintln!(
                "{}",
                args.lang
                    .fill(Msg::ReportSaved, &[("path", &path.display().to_string())])
            ),
            Ok(()) => {}
            Err(e) => failures.push(format!("{e:#}")),
        }
    }
    if let Some(dir) = &args.report_dir {
        if let Err(e) = write_report_dir(dir, &coach, &doc, info, &hints, error.clone(), args.lang)
        {
            failures.push(format!("{e:#}"));
        }
    }
    if !failures.is_empty() {
        anyhow::bail!("{}", failures.join("; "));
    }
    Ok(error.is_none())
}

/// `--report-dir`: the session JSON, the analysis JSON of every frame the
/// session saw, and the page made from both.
fn write_report_dir(
    dir: &std::path::Path,
    coach: &Coach,
    session: &SessionDoc,
    info: &SourceInfo,
    hints: &[crate::record::HintSpan],
    error: Option<String>,
    lang: Lang,
) -> Result<()> {
    use crate::analysis::ClipAnalysis;
    use crate::report::html::{render, ReportOptions};
    use crate::report::json::{AnalysisDoc, Timing};
    let kept = coach.kept.clone().unwrap_or_default();
    let clip = ClipAnalysis {
        frames: kept.frames,
        events: kept.events,
        issues: hints.to_vec(),
        error,
    };
    let analysis = AnalysisDoc::new(
        info,
        &clip,
        Timing {
            frames: clip.frames.len() as u64,
            ..Default::default()
        },
    );
    let text = serde_json::to_vec_pretty(session).context("serialising the session report")?;
    crate::output::write_atomic(&dir.join(SESSION_JSON), &text)?;
    let text = serde_json::to_vec_pretty(&analysis).context("serialising the analysis")?;
    crate::output::write_atomic(&dir.join(ANALYSIS_JSON), &text)?;
    let page = render(
        std::slice::from_ref(&analysis),
        &ReportOptions {
            session: Some(session.clone()),
            json_names: vec![SESSION_JSON.into(), ANALYSIS_JSON.into()],
            ..Default::default()
        },
        lang,
    );
    let path = dir.join(crate::cmd::analyze::REPORT_HTML);
    crate::output::write_atomic(&path, page.as_bytes())?;
    eprintln!(
        "{}",
        lang.fill(Msg::ReportSaved, &[("path", &path.display().to_string())])
    );
    Ok(())
}

/// File names in the `--report-dir` folder.
pub const SESSION_JSON: &str = "session.json";
pub const ANALYSIS_JSON: &str = "analysis.json";
