//! The coach's per-frame core: perception and measures ([`Analyzer`]), hints
//! ([`HintTracker`]) and the session script ([`Session`]) on one frame.
//!
//! Live and recorded input both call [`Coach::step`] once per analysed frame;
//! what surrounds it (camera thread, window, files) is I/O.

use crate::analysis::Analyzer;

use crate::frame::Frame;
use crate::hints::HintTracker;
use crate::record::Event;
use crate::record::FrameRecord;
use crate::record::HintSpan;
use crate::session::{Input, Moment, PromptResult, Session, SessionConfig};
use crate::vision::{Observation, StageObserver};
use anyhow::Result;

pub struct Coach {
    pub analyzer: Analyzer,
    pub hints: HintTracker,
    pub session: Session,
    /// Frames analysed, and the last one's index and time.
    pub frames: u64,
    pub last: Option<(u64, f64)>,
    /// Every frame's measures and every movement, kept for a report when
    /// asked for ([`Coach::keep_records`]).
    pub kept: Option<Kept>,
}

/// What a session saw, frame by frame (for `practice --report-dir`).
#[derive(Clone, Debug, Default)]
pub struct Kept {
    pub frames: Vec<FrameRecord>,
    pub events: Vec<Event>,
}

/// What one frame produced.
pub struct CoachStep {
    pub record: FrameRecord,
    pub observation: Observation,
    pub events: Vec<Event>,
    /// A prompt decided on this frame.
    pub verdict: Option<PromptResult>,
}

impl Coach {
    pub fn new(analyzer: Analyzer, config: SessionConfig) -> Coach {
        Coach {
            analyzer,
            hints: HintTracker::default(),
            session: Session::new(config),
            frames: 0,
            last: None,
            kept: None,
        }
    }

    /// Keeps every frame's measures from now on (about 1 KB a frame).
    pub fn keep_records(&mut self) {
        self.kept.get_or_insert_with(Kept::default);
    }

    /// Runs one frame through everything.
    pub fn step(&mut self, frame: &Frame, obs: &mut impl StageObserver) -> Result<CoachStep> {
        let (record, observation, events) = self.analyzer.step(frame, obs)?;
        let verdict = self.session.observe(
            &record,
            (frame.width, frame.height),
            &events,
            &self.analyzer.events,
        );
        self.hints.observe(
            &record,
            frame.width,
            frame.height,
            &self.analyzer.events.near_misses,
            self.session.unsteady(),
        );
        self.frames += 1;
        self.last = Some((record.index, record.time_s));
        if let Some(k) = self.kept.as_mut() {
            k.frames.push(record.clone());
            k.events.extend(events.iter().cloned());
        }
        Ok(CoachStep {
            record,
            observation,
            events,
            verdict,
        })
    }

    pub fn input(&mut self, key: Input) {
        let t = self.last.map_or(0.0, |(_, t)| t);
        self.session.input(key, t);
    }

    /// Ends the session where it stands (an open prompt fails with `ended`)
    /// and shows the result; hints stay open until [`Coach::finish`].
    pub fn finish_session(&mut self) {
        let (index, time_s) = self.last.unwrap_or((0, 0.0));
        self.session.stop(&Moment {
            index,
            time_s,
            ..Default::default()
        });
    }

    /// Ends the session (stream ended, quit, or error): an open prompt fails
    /// with `ended`, hints still showing are closed. Returns every hint span.
    pub fn finish(&mut self) -> Vec<HintSpan> {
        self.finish_session();
        let late = self.analyzer.finish();
        if let Some(k) = self.kept.as_mut() {
            k.events.extend(late);
            k.events.sort_by_key(|e| e.start_frame);
        }
        self.hints.finish()
    }
}
