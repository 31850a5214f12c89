//! A practice session as real liveness checks run it: get ready, fit the
//! face in the oval, hold still through a 3-2-1 countdown, then a random
//! order of prompts, each with a time limit, then the result.
//!
//! A plain state machine over frames: its clock is the frames' timestamps,
//! its inputs are the per-frame measures ([`judge::Moment`]) and the keys
//! pressed ([`Input`]), so a webcam and a recording take exactly the same
//! path and every behaviour is testable from recorded or constructed frames.

pub mod compare;
pub mod flash;
pub mod judge;
pub mod plan;
pub mod style;

use crate::events::EventTracker;
use crate::hints::framing::Framing;
use crate::record::FrameRecord;
use crate::record::{Event, EventKind};
pub use judge::{FailReason, Judge, Moment, PromptResult, Try};

/// Time the face must sit in the oval before the hold-still step.
pub const CENTRE_S: f64 = 1.0;
/// Length of the hold-still countdown (3-2-1).
pub const HOLD_S: f64 = 3.0;
pub use crate::record::angles::STEADY_DEG;
/// How long "hold still" stays raised after the head moved in the countdown.
pub const UNSTEADY_SHOW_S: f64 = 1.0;
/// Pause after a prompt, showing its verdict, before the next one...
pub const BETWEEN_S: f64 = 1.0;
/// ...extended while a head movement is still under way, up to this long.
pub const BETWEEN_MAX_S: f64 = 3.0;
/// The oval's size when `move_closer` is asked, against the usual oval (0.8
/// of the frame high): 0.44 of the frame, the smallest face in the project's
/// real webcam footage (0.45, docs/hints.md), so the face starts about the
/// oval's size...
pub const OVAL_START_SCALE: f32 = 0.55;
/// ...and the time it takes to grow to the usual (large) oval, which a face
/// of `acceptance::MOVE_CLOSER_FILL` fills.
pub const OVAL_GROW_S: f64 = 2.0;
/// Default time limit of one prompt. Each deliberate movement on head-dev
/// took 0.7-4.3 s out and back; real checks give a few seconds per prompt.
pub const PROMPT_TIMEOUT_S: f64 = 8.0;

/// A key the person pressed (or its equivalent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// Space: start, continue.
    Start,
    /// R: a new attempt.
    Retry,
    /// F: leave out the colour flash offered on the notice.
    Skip,
}

#[derive(Clone, Debug)]
pub struct SessionConfig {
    pub challenges: Vec<EventKind>,
    /// Shuffle the challenges (with `seed`), as real checks do.
    pub shuffle: bool,
    pub seed: u64,
    pub prompt_timeout_s: f64,
    /// Show get-ready, centre and hold-still before the prompts.
    pub intro: bool,
    /// Wait for Space on the get-ready screen (live); a recording goes on
    /// by itself once a face is seen.
    pub wait_for_key: bool,
    /// Fail a prompt at its first too-fast or too-slow movement instead of
    /// coaching tries until the time limit (`judge::Judge::strict`).
    pub strict: bool,
    /// The kind of check rehearsed: the bar each prompt sets.
    pub style: style::Style,
    /// Ask only the first `draw` prompts of each attempt's order (0: all),
    /// so a shuffled pool becomes a random draw.
    pub draw: usize,
    /// Offer the colour flash after the prompts (window only: it needs the
    /// screen; `session::flash`).
    pub flash: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            challenges: plan::DEFAULT_CHALLENGES.to_vec(),
            shuffle: true,
            seed: 0,
            prompt_timeout_s: PROMPT_TIMEOUT_S,
            intro: true,
            wait_for_key: false,
            strict: false,
            style: style::Style::Mixed,
            draw: 0,
            flash: false,
        }
    }
}

/// Where the session is.
#[derive(Clone, Debug)]
pub enum Phase {
    GetReady,
    /// Waiting for the face to sit in the oval (since when it has).
    Centre {
        since: Option<f64>,
    },
    /// The countdown, and the pose it must hold.
    Hold {
        since: f64,
        pose: Option<(f32, f32)>,
    },
    Prompt(Judge),
    /// The notice before the colour flash: it starts only when the person
    /// presses Space (F leaves it out).
    FlashNotice,
    Flash(flash::Flash),
    /// After a prompt's verdict (shown since `since`), before the next.
    Between {
        since: f64,
    },
    Finished,
}

/// What the head pose and framing were on a frame (for the hold step).
#[derive(Clone, Copy, Debug, Default)]
pub struct Posture {
    /// Yaw and pitch in degrees.
    pub pose: Option<(f32, f32)>,
    /// The face sits fully in the oval (size and position).
    pub in_oval: bool,
}

/// One attempt: its prompt order and the verdicts so far.
#[derive(Clone, Debug, Default)]
pub struct AttemptLog {
    pub number: u32,
    pub order: Vec<EventKind>,
    pub results: Vec<PromptResult>,
    /// The colour flash, when the session offered it.
    pub flash: Option<flash::FlashResult>,
    pub start_s: f64,
    pub end_s: Option<f64>,
}

impl AttemptLog {
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed).count()
    }
}

pub struct Session {
    pub config: SessionConfig,
    pub phase: Phase,
    pub attempts: Vec<AttemptLog>,
    /// When the countdown last restarted because the head moved.
    restarted_s: Option<f64>,
    last_t: f64,
}

impl Session {
    pub fn new(config: SessionConfig) -> Session {
        let mut s = Session {
            config,
            phase: Phase::GetReady,
            attempts: Vec::new(),
            restarted_s: None,
            last_t: 0.0,
        };
        s.begin_attempt(0.0);
        s
    }

    fn begin_attempt(&mut self, t: f64) {
        let number = self.attempts.len() as u32 + 1;
        let mut order = plan::order(
            &self.config.challenges,
            self.config.seed,
            number - 1,
            self.config.shuffle,
        );
        if self.config.draw > 0 {
            order.truncate(self.config.draw);
        }
        self.attempts.push(AttemptLog {
            number,
            order,
            results: Vec::new(),
            flash: None,
            start_s: t,
            end_s: None,
        });
        // Get-ready is shown once; a retry goes straight to the oval.
        self.phase = if !self.config.intro || number > 1 {
            Phase::Centre { since: None }
        } else {
            Phase::GetReady
        };
    }

    pub fn current(&self) -> Option<&AttemptLog> {
        self.attempts.last()
    }

    /// The prompt being asked: its number (1-based), the count, its kind.
    pub fn prompt(&self) -> Option<(usize, usize, EventKind)> {
        let a = self.current()?;
        match &self.phase {
            Phase::Prompt(j) => Some((a.results.len() + 1, a.order.len(), j.kind)),
            _ => None,
        }
    }

    /// Seconds left in the hold-still countdown (3, 2, 1).
    pub fn countdown(&self) -> Option<u32> {
        match self.phase {
            Phase::Hold { since, .. } => {
                Some((HOLD_S - (self.last_t - since)).ceil().max(1.0) as u32)
            }
            _ => None,
        }
    }

    /// Fraction of the current prompt's time limit used.
    pub fn progress(&self) -> Option<f32> {
        match &self.phase {
            Phase::Prompt(j) => Some(j.progress(self.last_t)),
            Phase::Hold { since, .. } => {
                Some(((self.last_t - since) / HOLD_S).clamp(0.0, 1.0) as f32)
            }
            Phase::Flash(f) => Some(f.progress(self.last_t)),
            _ => None,
        }
    }

    pub fn finished(&self) -> bool {
        matches!(self.phase, Phase::Finished)
    }

    /// A key press at time `t`.
    pub fn input(&mut self, key: Input, t: f64) {
        match (key, &self.phase) {
            (Input::Start, Phase::GetReady) => self.phase = Phase::Centre { since: None },
            (Input::Retry | Input::Start, Phase::Finished) => self.begin_attempt(t),
            (Input::Start, Phase::FlashNotice) => {
                let number = self.current().map_or(1, |a| a.number);
                let colours = flash::sequence(self.config.seed, number - 1);
                self.phase = Phase::Flash(flash::Flash::new(&colours, t));
            }
            (Input::Skip, Phase::FlashNotice) => {
                if let Some(a) = self.attempts.last_mut() {
                    a.flash = Some(flash::FlashResult::skipped());
                }
                self.end_attempt(None, t);
            }
            (Input::Retry, _) => {
                // Give up on this attempt and start another.
                self.end_attempt(None, t);
                self.begin_attempt(t);
            }
            _ => {}
        }
    }

    /// Closes the current attempt; an open prompt fails with `Ended`.
    fn end_attempt(&mut self, m: Option<&Moment>, t: f64) {
        let moment = m.copied().unwrap_or(Moment {
            time_s: t,
            ..Default::default()
        });
        if let Phase::Prompt(j) = &self.phase {
            let r = j.abandon(&moment);
            if let Some(a) = self.attempts.last_mut() {
                a.results.push(r);
            }
        }
        // Prompts never reached fail too: a session that stops early (no
        // face, quit, camera lost) must not look like a pass.
        // A colour flash cut short, or offered and never reached, was not
        // seen: it fails like a prompt never reached.
        let phase = std::mem::replace(&mut self.phase, Phase::Finished);
        if let Some(a) = self.attempts.last_mut() {
            if let Phase::Flash(f) = phase {
                a.flash = Some(f.finish());
            }
            if self.config.flash && a.flash.is_none() {
                a.flash = Some(flash::Flash::new(&[], moment.time_s).finish());
            }
        }
        if let Some(a) = self.attempts.last_mut() {
            let asked = a.results.len();
            for &kind in a.order.iter().skip(asked) {
                a.results
                    .push(Judge::new(kind, moment.time_s, moment.index, 0.0).abandon(&moment));
            }
        }
        if let Some(a) = self.attempts.last_mut() {
            if a.end_s.is_none() {
                a.end_s = Some(t);
            }
        }
        self.phase = Phase::Finished;
    }

    /// The stream ended or the person quit at `m`.
    pub fn stop(&mut self, m: &Moment) {
        if !self.finished() {
            self.end_attempt(Some(m), m.time_s);
        }
    }

    fn start_prompt(&mut self, m: &Moment) {
        let Some(a) = self.attempts.last() else {
            return;
        };
        match a.order.get(a.results.len()) {
            Some(&kind) => {
                self.phase = Phase::Prompt(
                    Judge::new(kind, m.time_s, m.index, self.config.prompt_timeout_s)
                        .strict(self.config.strict)
                        .bar(self.config.style.bar(kind)),
                )
            }
            None if self.config.flash && a.flash.is_none() => self.phase = Phase::FlashNotice,
            None => self.end_attempt(Some(m), m.time_s),
        }
    }

    /// The oval's size against the usual one: while `move_closer` is asked
    /// it starts at `OVAL_START_SCALE` and grows to full size over
    /// `OVAL_GROW_S`, as oval checks draw it.
    pub fn oval_scale(&self) -> f32 {
        match &self.phase {
            Phase::Prompt(j) if j.kind == EventKind::MoveCloser => {
                let f = ((self.last_t - j.start_s) / OVAL_GROW_S).clamp(0.0, 1.0) as f32;
                // Ease out: quick at first, settling into the full oval.
                let e = 1.0 - (1.0 - f) * (1.0 - f);
                OVAL_START_SCALE + (1.0 - OVAL_START_SCALE) * e
            }
            _ => 1.0,
        }
    }

    /// The colour the screen shows now, during the colour flash.
    pub fn flash_colour(&self) -> Option<[u8; 3]> {
        match &self.phase {
            Phase::Flash(f) => f.colour_at(self.last_t),
            _ => None,
        }
    }

    /// Feeds one analysed frame: its measures `rec` on a `width` x `height`
    /// picture, the movements that ended on it, and the tracker that found
    /// them (for movements under way and near misses). Live, headless and
    /// replayed sessions all come through here.
    pub fn observe(
        &mut self,
        rec: &FrameRecord,
        (width, height): (u32, u32),
        events: &[Event],
        tracker: &EventTracker,
    ) -> Option<PromptResult> {
        let framing = rec
            .face_box
            .and_then(|b| Framing::measure(b, width, height));
        let head = &tracker.head;
        let under_way = self
            .prompt()
            .and_then(|(_, _, kind)| head.in_progress(kind));
        let head_moving = [
            EventKind::TurnLeft,
            EventKind::TurnRight,
            EventKind::Nod,
            EventKind::LookUp,
        ]
        .into_iter()
        .any(|k| head.in_progress(k).is_some());
        let moment = Moment {
            index: rec.index,
            time_s: rec.time_s,
            face: rec.face,
            outside_oval: framing.is_some_and(|f| f.off_center() || f.cut_off()),
            events,
            near_misses: &tracker.near_misses,
            under_way,
            head_moving,
            face_size: framing.map(|f| f.size),
            face_rgb: rec.face_rgb_linear,
            light: rec.face_luma.zip(rec.background_luma),
        };
        let posture = Posture {
            pose: rec.yaw_deg.zip(rec.pitch_deg),
            in_oval: framing.is_some_and(|f| f.in_oval()),
        };
        self.push(&moment, &posture)
    }

    /// Feeds one frame; returns the prompt verdict decided on it, if any.
    pub fn push(&mut self, m: &Moment, posture: &Posture) -> Option<PromptResult> {
        let t = m.time_s;
        self.last_t = t;
        match &mut self.phase {
            Phase::GetReady => {
                if !self.config.wait_for_key && m.face {
                    self.phase = Phase::Centre { since: None };
                }
                None
            }
            Phase::Centre { since } => {
                if !self.config.intro {
                    if m.face {
                        self.start_prompt(m);
                    }
                    return None;
                }
                if m.face && posture.in_oval {
                    let s = *since.get_or_insert(t);
                    if t - s >= CENTRE_S {
                        self.phase = Phase::Hold {
                            since: t,
                            pose: posture.pose,
                        };
                    }
                } else {
                    *since = None;
                }
                None
            }
            Phase::Hold { since, pose } => {
                if !(m.face && posture.in_oval) {
                    self.phase = Phase::Centre { since: None };
                    return None;
                }
                let moved = match (*pose, posture.pose) {
                    (Some((y0, p0)), Some((y, p))) => {
                        (y - y0).abs() > STEADY_DEG || (p - p0).abs() > STEADY_DEG
                    }
                    _ => false,
                };
                if pose.is_none() {
                    *pose = posture.pose;
                }
                if moved {
                    self.restarted_s = Some(t);
                    *since = t;
                    *pose = posture.pose;
                } else if t - *since >= HOLD_S {
                    self.start_prompt(m);
                }
                None
            }
            Phase::Prompt(j) => {
                let r = j.push(m)?;
                if let Some(a) = self.attempts.last_mut() {
                    a.results.push(r.clone());
                }
                self.phase = Phase::Between { since: t };
                Some(r)
            }
            Phase::FlashNotice => None,
            Phase::Flash(f) => {
                f.push(&flash::FlashFrame {
                    time_s: t,
                    face_rgb: m.face_rgb.filter(|_| m.face),
                    face_size: m.face_size,
                    light: m.light,
                });
                if f.done(t) {
                    self.end_attempt(Some(m), t);
                }
                None
            }
            Phase::Between { since } => {
                let waited = t - *since;
                if waited >= BETWEEN_S && (!m.head_moving || waited >= BETWEEN_MAX_S) {
                    self.start_prompt(m);
                }
                None
            }
            Phase::Finished => None,
        }
    }

    /// The countdown restarted because the head moved, within the last
    /// `UNSTEADY_SHOW_S`: the "hold still" condition.
    pub fn unsteady(&self) -> bool {
        matches!(self.phase, Phase::Hold { .. })
            && self
                .restarted_s
                .is_some_and(|r| self.last_t - r < UNSTEADY_SHOW_S)
    }

    /// The last try of the prompt being asked that missed the bar, to show
    /// what to change while the prompt stays open.
    pub fn last_try(&self) -> Option<&Try> {
        match &self.phase {
            Phase::Prompt(j) => j.tries().last(),
            _ => None,
        }
    }

    /// The verdict shown after the last prompt, for the between-prompts pause.
    pub fn last_result(&self) -> Option<&PromptResult> {
        self.current()?.results.last()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Event;

    fn m(t: f64, face: bool) -> Moment<'static> {
        Moment {
            index: (t * 30.0).round() as u64,
            time_s: t,
            face,
            ..Default::default()
        }
    }

    fn still(pose: (f32, f32)) -> Posture {
        Posture {
            pose: Some(pose),
            in_oval: true,
        }
    }

    fn config(intro: bool) -> SessionConfig {
        SessionConfig {
            challenges: vec![EventKind::Blink, EventKind::Nod],
            shuffle: false,
            intro,
            prompt_timeout_s: 4.0,
            ..Default::default()
        }
    }

    #[test]
    fn intro_centre_hold_then_prompts_in_order() {
        let mut s = Session::new(config(true));
        let mut t = 0.0;
        let mut step = |s: &mut Session, dt: f64, face: bool, pose: (f32, f32)| {
            t += dt;
            s.push(&m(t, face), &still(pose))
        };
        // Get-ready goes on by itself once a face is seen (recording).
        step(&mut s, 1.0 / 30.0, true, (0.0, 0.0));
        assert!(matches!(s.phase, Phase::Centre { .. }));
        for _ in 0..40 {
            step(&mut s, 1.0 / 30.0, true, (0.0, 0.0));
        }
        assert!(matches!(s.phase, Phase::Hold { .. }));
        assert_eq!(s.countdown(), Some(3));
        // A 5-degree movement halfway restarts the countdown.
        for _ in 0..45 {
            step(&mut s, 1.0 / 30.0, true, (0.0, 0.0));
        }
        step(&mut s, 1.0 / 30.0, true, (5.0, 0.0));
        assert!(s.unsteady());
        assert_eq!(s.countdown(), Some(3));
        for _ in 0..100 {
            step(&mut s, 1.0 / 30.0, true, (5.0, 0.0));
        }
        assert!(!s.unsteady());
        assert_eq!(
            s.prompt().map(|p| (p.0, p.1, p.2)),
            Some((1, 2, EventKind::Blink))
        );
    }

    #[test]
    fn without_intro_prompts_start_at_the_first_face_and_run_out() {
        let mut s = Session::new(config(false));
        assert!(s.push(&m(0.0, false), &Posture::default()).is_none());
        assert!(s.prompt().is_none());
        s.push(&m(0.5, true), &still((0.0, 0.0)));
        let (_, _, kind) = s.prompt().expect("prompt");
        assert_eq!(kind, EventKind::Blink);
        let blink = [Event {
            kind: EventKind::Blink,
            start_frame: 30,
            end_frame: 36,
            start_s: 1.0,
            end_s: 1.2,
            magnitude: 0.8,
        }];
        let r = s
            .push(
                &Moment {
                    events: &blink,
                    ..m(1.2, true)
                },
                &still((0.0, 0.0)),
            )
            .expect("verdict");
        assert!(r.passed);
        // The nod never comes: it times out 4 s after it was asked.
        let mut t = 1.2;
        let mut verdict = None;
        while verdict.is_none() && t < 20.0 {
            t += 1.0 / 30.0;
            verdict = s.push(&m(t, true), &still((0.0, 0.0)));
        }
        let r = verdict.expect("nod verdict");
        assert_eq!(
            (r.kind, r.reason),
            (EventKind::Nod, Some(FailReason::Timeout))
        );
        assert!((r.end_s - r.start_s - 4.0).abs() < 0.05);
        s.push(&m(t + BETWEEN_S + 0.1, true), &still((0.0, 0.0)));
        assert!(s.finished());
        assert_eq!(s.current().map(|a| a.passed()), Some(1));
    }

    fn flash_config() -> SessionConfig {
        SessionConfig {
            challenges: Vec::new(),
            intro: false,
            flash: true,
            seed: 4,
            ..Default::default()
        }
    }

    #[test]
    fn the_flash_waits_for_space_and_runs_its_sequence_then_the_result() {
        let mut s = Session::new(flash_config());
        s.push(&m(0.0, true), &still((0.0, 0.0)));
        assert!(matches!(s.phase, Phase::FlashNotice));
        // No colour until the person starts it, however long they wait.
        for i in 1..300 {
            s.push(&m(i as f64 / 30.0, true), &still((0.0, 0.0)));
            assert!(s.flash_colour().is_none());
        }
        s.input(Input::Start, 10.0);
        let mut colours = Vec::new();
        let mut t = 10.0;
        while !s.finished() && t < 30.0 {
            t += 1.0 / 30.0;
            s.push(
                &Moment {
                    face_rgb: Some([0.3, 0.2, 0.1]),
                    ..m(t, true)
                },
                &still((0.0, 0.0)),
            );
            if let Some(c) = s.flash_colour() {
                if colours.last() != Some(&c) {
                    colours.push(c);
                }
            }
        }
        assert!(s.finished());
        assert_eq!(colours, flash::sequence(4, 0));
        let f = s.current().and_then(|a| a.flash.clone()).expect("flash");
        // A face whose colour never changed did not reflect the screen.
        assert_eq!(f.verdict, flash::FlashVerdict::Weak, "{f:?}");
        assert_eq!(f.sequence.len(), flash::FLASH_COUNT);
    }

    #[test]
    fn the_flash_can_be_left_out_and_a_stopped_one_is_not_a_pass() {
        let mut s = Session::new(flash_config());
        s.push(&m(0.0, true), &still((0.0, 0.0)));
        s.input(Input::Skip, 0.5);
        assert!(s.finished());
        let f = s.current().and_then(|a| a.flash.clone()).expect("flash");
        assert_eq!(f.verdict, flash::FlashVerdict::Skipped);
        assert!(!f.failed());
        // Quitting on the notice: the flash was never seen.
        let mut s = Session::new(flash_config());
        s.push(&m(0.0, true), &still((0.0, 0.0)));
        s.stop(&m(1.0, true));
        let f = s.current().and_then(|a| a.flash.clone()).expect("flash");
        assert_eq!(f.verdict, flash::FlashVerdict::NotMeasured);
        assert!(f.failed());
    }

    #[test]
    fn the_oval_grows_while_move_closer_is_asked() {
        let mut s = Session::new(SessionConfig {
            challenges: vec![EventKind::MoveCloser],
            intro: false,
            ..Default::default()
        });
        assert_eq!(s.oval_scale(), 1.0);
        s.push(&m(1.0, true), &still((0.0, 0.0)));
        assert!((s.oval_scale() - OVAL_START_SCALE).abs() < 1e-6);
        s.push(&m(1.0 + OVAL_GROW_S / 2.0, true), &still((0.0, 0.0)));
        let half = s.oval_scale();
        assert!(half > OVAL_START_SCALE && half < 1.0, "{half}");
        s.push(&m(1.0 + OVAL_GROW_S + 0.1, true), &still((0.0, 0.0)));
        assert_eq!(s.oval_scale(), 1.0);
    }

    #[test]
    fn no_face_never_passes_and_a_retry_starts_a_new_order() {
        let mut s = Session::new(SessionConfig {
            seed: 3,
            ..config(true)
        });
        for i in 0..600 {
            assert!(s
                .push(&m(i as f64 / 30.0, false), &Posture::default())
                .is_none());
        }
        s.stop(&m(20.0, false));
        assert!(s.finished());
        let a = s.current().expect("attempt");
        assert_eq!(a.passed(), 0);
        assert_eq!(a.results.len(), 2);
        assert!(a
            .results
            .iter()
            .all(|r| r.reason == Some(FailReason::Ended)));
        s.input(Input::Retry, 20.0);
        assert_eq!(s.attempts.len(), 2);
        assert!(matches!(s.phase, Phase::Centre { .. }));
    }
}
