//! `liveness-coach document --camera N` (or `--source FILE`): the live
//! document guide. Each look judges one frame exactly as a photo is judged
//! ([`super::document::judge_image`]); [`Guide`] decides what to say and
//! when to take the picture; the taken frame is then reported as a photo
//! would be. Nothing is written unless asked (`--save`, `--json`,
//! `--report`).
//!
//! The edge only: camera or file, threads, window, clock, files.

use super::document::{
    judge_image, load_ocr, prepare_report, tell, today_utc, DocumentArgs, Judged,
};
use crate::document::check;
use crate::document::date::Date;
use crate::document::guide::{Guide, Look, Say, LOOK_EVERY_S};
use crate::document::ocr::Ocr;
use crate::frame::Frame;
use crate::i18n::{Lang, Msg};
use crate::live::capture::{Capture, StreamState};
use crate::live::{Published, Rate};
use crate::ui::document_screen::{self, DocView};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where the live guide's frames come from and where its picture goes.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    pub camera: u32,
    /// A recording instead of the camera.
    pub source: Option<String>,
    /// No window: guide a recording frame by frame (one look every
    /// [`LOOK_EVERY_S`] of its own time), saying what the window would say.
    pub headless: bool,
    /// Write the picture taken here (PNG). Nothing is saved without it.
    pub save: Option<PathBuf>,
    pub window: (usize, usize),
}

/// One look: the frame judged as a photo, and what the guide needs of it.
fn look(
    ocr: &mut Ocr,
    frame: &Frame,
    label: &Path,
    today: Date,
    name: Option<&str>,
) -> Result<(Judged, Look)> {
    let img = image::RgbImage::from_raw(frame.width, frame.height, frame.rgb.clone())
        .context("a camera frame of an inconsistent size")?;
    let j = judge_image(ocr, &img, label, today, name)?;
    let located = &j.assessment.located;
    let look = Look {
        time_s: frame.time_s,
        frame: frame.index,
        width: frame.width,
        height: frame.height,
        corners: located.corners.filter(|_| located.found),
        issues: j.assessment.issues.iter().map(|i| i.code).collect(),
    };
    Ok((j, look))
}

/// What the guide's words are: the first line and the advice under it.
fn words(say: Say, judged: &Judged, lang: Lang) -> (String, String) {
    match say {
        Say::Place => (
            lang.text(Msg::DocGuidePlace).into(),
            lang.text(Msg::DocGuidePlaceSub).into(),
        ),
        Say::Fix(code) => judged
            .assessment
            .issues
            .iter()
            .find(|i| i.code == code)
            .map(|i| check::issue_texts(i, lang))
            .unwrap_or_default(),
        Say::HoldStill => (lang.text(Msg::DocGuideHold).into(), String::new()),
        Say::Taken => (lang.text(Msg::DocGuideTaken).into(), String::new()),
    }
}

/// What to call the taken frame in the report.
fn label(opts: &LiveOptions, frame: u64) -> PathBuf {
    match &opts.source {
        Some(s) => PathBuf::from(format!("{s}#frame={frame}")),
        None => PathBuf::from(format!("camera {}#frame={frame}", opts.camera)),
    }
}

/// Runs the live guide; `Ok(true)` when a picture was taken and would pass.
pub fn run(args: &DocumentArgs, opts: &LiveOptions) -> Result<bool> {
    if !args.inputs.is_empty() {
        anyhow::bail!(
            "give either photos or --camera/--source, not both (the live guide takes its own picture)"
        );
    }
    prepare_report(args)?;
    if let Some(p) = &opts.save {
        // Refused before the session: a picture that cannot be kept.
        let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(d) = dir.filter(|d| !d.is_dir()) {
            anyhow::bail!(
                "cannot save the picture to {}: the folder {} does not exist",
                p.display(),
                d.display()
            );
        }
    }
    let today = args.today.unwrap_or_else(today_utc);
    let ocr = load_ocr(args.ocr_models.as_deref())?;
    let taken = if opts.headless {
        headless(args, opts, ocr, today)?
    } else {
        windowed(args, opts, ocr, today)?
    };
    match taken {
        Some((judged, frame)) => {
            if let Some(p) = &opts.save {
                save_png(p, &frame)?;
                eprintln!(
                    "{}",
                    args.lang
                        .fill(Msg::DocGuideSaved, &[("path", &p.display().to_string())])
                );
            }
            tell(args, std::slice::from_ref(&judged), today)
        }
        None => Ok(false),
    }
}

/// The frame as a PNG file, written whole or not at all.
fn save_png(path: &Path, frame: &Frame) -> Result<()> {
    let img = image::RgbImage::from_raw(frame.width, frame.height, frame.rgb.clone())
        .context("the picture taken has an inconsistent size")?;
    let mut bytes = std::io::Cursor::new(Vec::new());
    img.write_to(&mut bytes, image::ImageFormat::Png)
        .context("encoding the picture as PNG")?;
    crate::output::write_atomic(path, bytes.get_ref())
        .with_context(|| format!("cannot save the picture to {}", path.display()))
}

fn not_taken(lang: Lang, why: &str) {
    eprintln!("{}", lang.fill(Msg::DocGuideNotTaken, &[("why", why)]));
}

/// A recording guided frame by frame, what the window would say on stderr.
fn headless(
    args: &DocumentArgs,
    opts: &LiveOptions,
    mut ocr: Ocr,
    today: Date,
) -> Result<Option<(Judged, Frame)>> {
    let mut src = super::practice::open_input(opts.source.as_deref(), opts.camera)?;
    let mut guide = Guide::default();
    let mut frame = Frame::default();
    let mut next = f64::NEG_INFINITY;
    let mut said = String::new();
    let mut last_fix = None;
    loop {
        match src.read_into(&mut frame) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let why = format!("{e:#}");
                not_taken(args.lang, &why);
                anyhow::bail!("{why}");
            }
        }
        if frame.time_s < next {
            continue;
        }
        next = frame.time_s + LOOK_EVERY_S;
        let name = label(opts, frame.index);
        let (j, l) = look(&mut ocr, &frame, &name, today, args.name.as_deref())?;
        let say = guide.push(&l);
        let (title, sub) = words(say, &j, args.lang);
        let now = if sub.is_empty() {
            title.clone()
        } else {
            format!("{title} {sub}")
        };
        if now != said {
            eprintln!("{:7.2}s  {now}", frame.time_s);
            said = now;
        }
        if let Say::Fix(_) = say {
            last_fix = Some(title.clone());
        }
        if say == Say::Taken {
            return Ok(Some((j, frame)));
        }
    }
    let ended = args.lang.text(Msg::DocGuideStreamEnded);
    let why = match last_fix {
        Some(fix) => format!("{ended} ({fix})"),
        None => ended.to_string(),
    };
    not_taken(args.lang, &why);
    Ok(None)
}

enum Command {
    Retake,
    Quit,
}

/// What the looking thread leaves: the picture taken, and why the stream
/// stopped when it failed.
type Looked = (Option<(Judged, Frame)>, Option<String>);

/// The window over the camera (or a recording played at its own rate).
fn windowed(
    args: &DocumentArgs,
    opts: &LiveOptions,
    ocr: Ocr,
    today: Date,
) -> Result<Option<(Judged, Frame)>> {
    use minifb::Key;
    let camera = opts.camera;
    let path = opts.source.clone();
    let capture = Capture::spawn(
        move || super::practice::open_input(path.as_deref(), camera),
        opts.source.is_some(),
        None,
    )?;
    crate::live::wait_first_frame(&capture)?;
    let (w, h) = opts.window;
    let (mut window, keys) = crate::live::open_window(
        "liveness-coach: document",
        (w, h),
        "cannot open a window (no display?). Run it in a desktop session, or check a photo of \
         the document instead: `liveness-coach document PHOTO`",
    )?;
    window.set_target_fps(60);
    // Ctrl-C closes the window as Q does: a picture taken is still reported.
    let interrupted = Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        let _ = ctrlc::set_handler(move || flag.store(true, std::sync::atomic::Ordering::SeqCst));
    }
    let shared = Arc::new(Published::<DocView>::default());
    let (tx, rx) = mpsc::channel::<Command>();
    let latest = capture.latest.clone();
    let worker = {
        let shared = shared.clone();
        let latest = latest.clone();
        let (lang, name, opts) = (args.lang, args.name.clone(), opts.clone());
        std::thread::Builder::new()
            .name("document".into())
            .spawn(move || {
                looking(
                    ocr,
                    &latest,
                    &shared,
                    &rx,
                    lang,
                    name.as_deref(),
                    &opts,
                    today,
                )
            })?
    };
    let mut text = crate::ui::text::Text::new()?;
    let mut xmap = Vec::new();
    let mut buf = vec![0u32; w * h];
    let mut frame = Frame::default();
    let mut view = DocView::default();
    let (mut seen_frame, mut seen_view) = (0u64, 0u64);
    while window.is_open() && !interrupted.load(std::sync::atomic::Ordering::SeqCst) {
        if let Some(t) = latest.take_newer(seen_frame, &mut frame, crate::live::IDLE_REDRAW) {
            seen_frame = t.seq;
        }
        shared.take_newer(&mut seen_view, &mut view);
        let f = (frame.width > 0).then_some(&frame);
        document_screen::render(&mut text, &mut xmap, &mut buf, w, h, f, &view, args.lang);
        window
            .update_with_buffer(&buf, w, h)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("updating the window")?;
        let mut quit = false;
        while let Ok(k) = keys.try_recv() {
            match k {
                Key::Q | Key::Escape => quit = true,
                Key::R => {
                    let _ = tx.send(Command::Retake);
                }
                _ => {}
            }
        }
        if quit {
            break;
        }
    }
    let _ = tx.send(Command::Quit);
    drop(capture);
    let (taken, error) = worker
        .join()
        .map_err(|_| anyhow::anyhow!("the document thread failed"))?;
    match (&taken, error) {
        (Some(_), _) => {}
        (None, Some(e)) => {
            not_taken(args.lang, &e);
            anyhow::bail!("{e}");
        }
        (None, None) => not_taken(args.lang, args.lang.text(Msg::DocGuideClosed)),
    }
    Ok(taken)
}

/// The looking thread: the newest frame judged whenever the last look is
/// done, the guide fed, the view published; until told to quit.
#[allow(clippy::too_many_arguments)] // the thread's whole world
fn looking(
    mut ocr: Ocr,
    latest: &crate::live::capture::Latest,
    shared: &Published<DocView>,
    rx: &mpsc::Receiver<Command>,
    lang: Lang,
    name: Option<&str>,
    opts: &LiveOptions,
    today: Date,
) -> Looked {
    let mut guide = Guide::default();
    let mut frame = Frame::default();
    let mut view = DocView::default();
    let mut seen = 0u64;
    let mut taken: Option<(Judged, Frame)> = None;
    let mut rate = Rate::default();
    let mut last_frame = Instant::now();
    let publish = |view: &DocView| shared.publish(view);
    loop {
        match rx.try_recv() {
            Ok(Command::Quit) | Err(mpsc::TryRecvError::Disconnected) => break,
            Ok(Command::Retake) => {
                guide.retake();
                taken = None;
                view = DocView::default();
                publish(&view);
            }
            Err(mpsc::TryRecvError::Empty) => {}
        }
        if taken.is_some() || view.stopped.is_some() {
            std::thread::sleep(Duration::from_millis(30));
            continue;
        }
        let Some(t) = latest.take_newer(seen, &mut frame, Duration::from_millis(100)) else {
            match latest.state() {
                StreamState::Failed(e) => {
                    view.stopped = Some(e.clone());
                    publish(&view);
                    return (None, Some(e));
                }
                StreamState::Ended => {
                    view.stopped = Some(lang.text(Msg::StreamEnded).into());
                    publish(&view);
                }
                StreamState::Running
                    if last_frame.elapsed().as_secs_f64() > crate::live::FRAME_TIMEOUT_S =>
                {
                    let e = format!(
                        "no frame from the camera for {:.0} s: it stopped delivering (unplugged, \
                         or taken by another app?)",
                        crate::live::FRAME_TIMEOUT_S
                    );
                    view.stopped = Some(e.clone());
                    publish(&view);
                    return (None, Some(e));
                }
                _ => {}
            }
            continue;
        };
        seen = t.seq;
        last_frame = Instant::now();
        let started = Instant::now();
        let (j, l) = match look(&mut ocr, &frame, &label(opts, frame.index), today, name) {
            Ok(x) => x,
            Err(e) => {
                let e = format!("{e:#}");
                view.stopped = Some(e.clone());
                publish(&view);
                return (None, Some(e));
            }
        };
        rate.tick(started);
        let say = guide.push(&l);
        let (title, sub) = words(say, &j, lang);
        view.say = Some(say);
        view.title = title;
        view.sub = sub;
        view.corners = l.corners;
        view.frame_size = (frame.width, frame.height);
        view.looks_per_s = rate.per_second() as f32;
        if say == Say::Taken {
            let pass = j.assessment.would_pass();
            view.result = check::summary(&j.assessment, lang, true)
                .lines()
                .enumerate()
                .map(|(i, l)| (l.to_string(), i == 0 && pass))
                .collect();
            view.taken = Some(frame.clone());
            taken = Some((j, frame.clone()));
        }
        publish(&view);
    }
    (taken, None)
}
