//! The live loop: capture, inference and drawing on their own threads.
//!
//! - the capture thread ([`capture`]) keeps only the newest frame;
//! - the inference thread runs [`Coach::step`] on the newest frame it has
//!   not seen and publishes a [`View`];
//! - the window (this thread: some platforms want windows on the main
//!   thread) shows the newest captured frame with the newest view, so the
//!   preview never waits for inference.
//!
//! Keys become [`Input`]s sent to the inference thread over a channel.

pub mod capture;
pub mod record;

use crate::coach::Coach;
use crate::frame::Frame;
use crate::i18n::Lang;
use crate::report::session::{LiveStats, Recent};
use crate::session::Input;
use crate::ui::screen::{Renderer, View};
use anyhow::{Context, Result};
use capture::{Capture, StreamState};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// No new frame for this long from a running camera means it stopped
/// delivering (unplugged without an error, driver hang).
pub const FRAME_TIMEOUT_S: f64 = 5.0;

/// Without new frames (before the first, after the last), the window is
/// redrawn this often, for the countdown, keys and the result screen.
pub const IDLE_REDRAW: Duration = Duration::from_millis(16);

pub struct WindowOptions {
    pub lang: Lang,
    pub landmarks: bool,
    pub size: (usize, usize),
    pub title: String,
}

/// Waits (up to 10 s) for the first frame of `capture`: an input that
/// cannot start is a clear error before any window opens.
pub fn wait_first_frame(capture: &Capture) -> Result<()> {
    let mut probe = Frame::default();
    let first = capture
        .latest
        .take_newer(0, &mut probe, Duration::from_secs(10));
    if first.is_some() {
        return Ok(());
    }
    let why = match capture.latest.state() {
        StreamState::Failed(e) => e,
        StreamState::Ended => "the input has no frames".to_string(),
        _ => "no frame arrived in 10 s: the camera does not deliver (is another app using it?)"
            .to_string(),
    };
    anyhow::bail!("{why}")
}

/// Events per second between the first and the last event counted.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rate {
    first: Option<Instant>,
    last: Option<Instant>,
    n: u64,
}

impl Rate {
    pub fn tick(&mut self, at: Instant) {
        self.first.get_or_insert(at);
        self.last = Some(at);
        self.n += 1;
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    pub fn per_second(&self) -> f64 {
        match (self.first, self.last) {
            (Some(a), Some(b)) if self.n > 1 && b > a => {
                (self.n - 1) as f64 / (b - a).as_secs_f64()
            }
            _ => 0.0,
        }
    }
}

/// What a live run leaves.
pub struct LiveRun {
    pub coach: Coach,
    pub stats: LiveStats,
    /// Why the stream stopped, when it failed.
    pub error: Option<String>,
    /// The recording, still to be finished (renamed into place).
    pub recorder: Option<record::Recorder>,
}

enum Command {
    Key(Input),
    Quit,
}

/// The newest view one thread made for another to draw, with a version
/// bumped on every update (the drawing thread copies only what changed).
pub struct Published<T> {
    slot: Mutex<(T, u64)>,
}

impl<T: Clone + Default> Default for Published<T> {
    fn default() -> Self {
        Published {
            slot: Mutex::new((T::default(), 0)),
        }
    }
}

impl<T: Clone + Default> Published<T> {
    pub fn publish(&self, view: &T) {
        if let Ok(mut s) = self.slot.lock() {
            s.0.clone_from(view);
            s.1 += 1;
        }
    }

    /// Copies the view into `into` when it is newer than `seen` (updated).
    pub fn take_newer(&self, seen: &mut u64, into: &mut T) {
        if let Ok(s) = self.slot.lock() {
            if s.1 != *seen {
                into.clone_from(&s.0);
                *seen = s.1;
            }
        }
    }
}

/// Opens the window of a live loop, its key presses delivered as events;
/// `no_window` says what to do instead when none can open.
pub fn open_window(
    title: &str,
    (w, h): (usize, usize),
    no_window: &'static str,
) -> Result<(minifb::Window, mpsc::Receiver<minifb::Key>)> {
    let mut window = minifb::Window::new(
        title,
        w,
        h,
        minifb::WindowOptions {
            resize: false,
            ..Default::default()
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
    .context(no_window)?;
    // Key presses arrive as events, so a tap shorter than one window update
    // is not missed (polling key state would see it neither down nor up).
    let (key_tx, keys) = mpsc::channel::<minifb::Key>();
    window.set_input_callback(Box::new(KeyEvents(key_tx)));
    Ok((window, keys))
}

/// Runs a session in a window until the person quits (Q, Esc, closing the
/// window) or `interrupted` is set (Ctrl-C).
pub fn run_window(
    capture: Capture,
    coach: Coach,
    opts: WindowOptions,
    interrupted: Arc<AtomicBool>,
) -> Result<LiveRun> {
    use minifb::Key;
    let (w, h) = opts.size;
    let (mut window, keys) = open_window(
        &opts.title,
        opts.size,
        "cannot open a window (no display?). Run it in a desktop session, or rehearse from a \
         recording without a window: `liveness-coach practice --source FILE --headless`",
    )?;
    // No fixed pacing: the loop below presents as soon as a frame arrives
    // (minifb's 60 Hz pacing added up to 16 ms of latency, docs/speed.md).
    window.set_target_fps(0);
    let mut renderer = Renderer::new()?;
    let shared = Arc::new(Published::<View>::default());
    let (tx, rx) = mpsc::channel::<Command>();
    let latest = capture.latest.clone();
    let worker = {
        let shared = shared.clone();
        let latest = latest.clone();
        let lang = opts.lang;
        std::thread::Builder::new()
            .name("inference".into())
            .spawn(move || inference(coach, &latest, &shared, &rx, lang))?
    };
    let mut buf = vec![0u32; w * h];
    let mut frame = Frame::default();
    let mut view = View::default();
    let mut seen_frame = 0u64;
    let mut seen_view = 0u64;
    let mut landmarks = opts.landmarks;
    let mut latency = Recent::new();
    let mut draw_ms = Recent::new();
    let mut present_ms = Recent::new();
    let mut displayed = Rate::default();
    let mut new_frame_at = None;
    while window.is_open() && !interrupted.load(Ordering::SeqCst) {
        let tick = Instant::now();
        // Wake for a new frame, or redraw at IDLE_REDRAW without one.
        if let Some(t) = latest.take_newer(seen_frame, &mut frame, IDLE_REDRAW) {
            seen_frame = t.seq;
            new_frame_at = Some(t.captured_at);
        }
        shared.take_newer(&mut seen_view, &mut view);
        let f = (frame.width > 0).then_some(&frame);
        let t0 = Instant::now();
        renderer.render(&mut buf, w, h, f, &view, opts.lang, landmarks);
        let t1 = Instant::now();
        window
            .update_with_buffer(&buf, w, h)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .context("updating the window")?;
        draw_ms.push((t1 - t0).as_secs_f64() * 1000.0);
        present_ms.push(t1.elapsed().as_secs_f64() * 1000.0);
        if let Some(at) = new_frame_at.take() {
            latency.push(at.elapsed().as_secs_f64() * 1000.0);
            displayed.tick(Instant::now());
        } else if let Some(rest) = IDLE_REDRAW.checked_sub(tick.elapsed()) {
            // The stream has ended: keep the result screen at about 60 Hz
            // without spinning.
            std::thread::sleep(rest);
        }
        let mut quit = false;
        while let Ok(k) = keys.try_recv() {
            match k {
                Key::Q | Key::Escape => quit = true,
                Key::Space => {
                    let _ = tx.send(Command::Key(Input::Start));
                }
                Key::R => {
                    let _ = tx.send(Command::Key(Input::Retry));
                }
                Key::F => {
                    let _ = tx.send(Command::Key(Input::Skip));
                }
                Key::L => landmarks = !landmarks,
                _ => {}
            }
        }
        if quit {
            break;
        }
    }
    let _ = tx.send(Command::Quit);
    let info = latest.info();
    let captured = latest.rate();
    let recorder = capture.stop().and_then(|s| s.into_recorder());
    let (coach, error, mut analysis_latency, analysed) = worker
        .join()
        .map_err(|_| anyhow::anyhow!("the inference thread failed"))?;
    let stats = LiveStats {
        width: info.as_ref().map_or(0, |i| i.width),
        height: info.as_ref().map_or(0, |i| i.height),
        frames_captured: captured.count(),
        frames_analysed: coach.frames,
        frames_displayed: displayed.count(),
        capture_fps: captured.per_second(),
        analysed_fps: analysed.per_second(),
        display_fps: displayed.per_second(),
        capture_to_display_ms: latency.percentiles(),
        capture_to_analysis_ms: analysis_latency.percentiles(),
        draw_ms: draw_ms.percentiles(),
        present_ms: present_ms.percentiles(),
    };
    Ok(LiveRun {
        coach,
        stats,
        error,
        recorder,
    })
}

/// Forwards key presses from the window to the loop (a tap shorter than
/// one window update is not missed, as polling the key state would).
pub struct KeyEvents(pub mpsc::Sender<minifb::Key>);

impl minifb::InputCallback for KeyEvents {
    fn add_char(&mut self, _: u32) {}

    fn set_key_state(&mut self, key: minifb::Key, down: bool) {
        if down {
            let _ = self.0.send(key);
        }
    }
}

/// The inference thread: newest frame in, view out, until told to quit.
fn inference(
    mut coach: Coach,
    latest: &capture::Latest,
    shared: &Published<View>,
    rx: &mpsc::Receiver<Command>,
    lang: Lang,
) -> (Coach, Option<String>, Recent, Rate) {
    let mut frame = Frame::default();
    let mut view = View::default();
    let mut seen = 0u64;
    let mut error = None;
    let mut latency = Recent::new();
    let mut last_frame = Instant::now();
    let mut stream_over = false;
    let mut rate = Rate::default();
    let publish = |view: &View| shared.publish(view);
    loop {
        let mut quit = false;
        while let Ok(c) = rx.try_recv() {
            match c {
                Command::Key(k) => coach.input(k),
                Command::Quit => quit = true,
            }
        }
        if quit {
            break;
        }
        if stream_over {
            std::thread::sleep(Duration::from_millis(30));
            continue;
        }
        let Some(taken) = latest.take_newer(seen, &mut frame, Duration::from_millis(100)) else {
            let state = latest.state();
            let stalled = state == StreamState::Running
                && last_frame.elapsed().as_secs_f64() > FRAME_TIMEOUT_S;
            let why = match state {
                StreamState::Failed(e) => Some(e),
                StreamState::Ended => Some(String::new()),
                _ if stalled => Some(format!(
                    "no frame from the camera for {FRAME_TIMEOUT_S:.0} s: it stopped delivering \
                     (unplugged, or taken by another app?)"
                )),
                _ => None,
            };
            if let Some(why) = why {
                coach.finish_session();
                if !why.is_empty() {
                    error = Some(why.clone());
                    view.stopped = Some(why);
                } else {
                    view.stopped = Some(lang.text(crate::i18n::Msg::StreamEnded).to_string());
                }
                view.update(&coach, None, lang);
                publish(&view);
                stream_over = true;
            }
            continue;
        };
        seen = taken.seq;
        last_frame = Instant::now();
        match coach.step(&frame, &mut ()) {
            Ok(step) => {
                latency.push(taken.captured_at.elapsed().as_secs_f64() * 1000.0);
                view.update(&coach, step.observation.face.as_ref(), lang);
                view.frame_size = (frame.width, frame.height);
                rate.tick(Instant::now());
                view.analysed_fps = rate.per_second() as f32;
                publish(&view);
            }
            Err(e) => {
                error = Some(format!("{e:#}"));
                coach.finish_session();
                view.stopped = error.clone();
                view.update(&coach, None, lang);
                publish(&view);
                stream_over = true;
            }
        }
    }
    (coach, error, latency, rate)
}
