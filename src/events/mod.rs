//! Prompt events from the per-frame signals: blinks, head turns, nods,
//! looks up and down, shakes, open mouths and approaches (`move_closer`).
//!
//! Each detector is a small state machine fed one frame at a time; they
//! learn the person's own open-eye level and neutral pose as the clip runs
//! (see `baseline`), so no fixed threshold decides what "closed" or "turned"
//! means for everybody.

pub mod acceptance;
pub mod approach;
pub mod blink;
pub mod head;
pub mod mouth;

use crate::record::{Event, EventKind, FrameRecord};
use serde::{Deserialize, Serialize};

/// How an excursion of the head ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Far enough and back in time: it counts.
    Done,
    /// Came back before reaching the minimum angle.
    TooSmall,
    /// Reached the angle but took longer than the time limit to come back.
    TooLong,
    /// Crept away from neutral too slowly to be a movement (see
    /// `acceptance::RISE_MAX_S`): reported once, when it is recognised.
    Drift,
}

/// A movement that started and came back, whether or not it counted.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub event: Event,
    pub outcome: Outcome,
}

impl Attempt {
    /// Whether a person made this movement on purpose: every movement that
    /// reached the minimum angle, and those that fell short (or drifted)
    /// after reaching `acceptance::NEAR_MISS_MIN_FRACTION` of it.
    pub fn is_try(&self) -> bool {
        let min = acceptance::minimum(self.event.kind);
        match self.outcome {
            Outcome::Done | Outcome::TooLong => true,
            Outcome::TooSmall | Outcome::Drift => {
                self.event.magnitude.abs() >= acceptance::NEAR_MISS_MIN_FRACTION * min
            }
        }
    }
}

/// The per-frame inputs of the event detectors.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Signals {
    pub index: u64,
    pub time_s: f64,
    /// (right, left) eye aspect ratio.
    pub eyes: Option<(f32, f32)>,
    /// (yaw, pitch, roll) in degrees.
    pub pose: Option<(f32, f32, f32)>,
    /// Mouth aspect ratio.
    pub mouth: Option<f32>,
    /// Face box height (from the landmarks) over the frame height. The
    /// record does not know the frame's size: see [`Signals::measure`].
    pub face_size: Option<f32>,
}

impl From<&FrameRecord> for Signals {
    fn from(r: &FrameRecord) -> Signals {
        Signals {
            index: r.index,
            time_s: r.time_s,
            eyes: r.eye_open_right.zip(r.eye_open_left),
            pose: match (r.yaw_deg, r.pitch_deg, r.roll_deg) {
                (Some(y), Some(p), Some(r)) => Some((y, p, r)),
                _ => None,
            },
            mouth: r.mouth_open,
            face_size: None,
        }
    }
}

impl Signals {
    /// The signals of a record of a frame `frame_height` pixels high.
    pub fn measure(r: &FrameRecord, frame_height: u32) -> Signals {
        let face_size = r
            .face_box
            .map(|b| (b[3] - b[1]) / frame_height as f32)
            .filter(|v| v.is_finite() && *v > 0.0);
        Signals {
            face_size,
            ..Signals::from(r)
        }
    }
}

/// All detectors together.
#[derive(Debug, Default)]
pub struct EventTracker {
    pub blink: blink::BlinkDetector,
    pub head: head::HeadDetector,
    pub mouth: mouth::MouthDetector,
    pub approach: approach::ApproachDetector,
    /// Head movements that came back on the last frame but did not count
    /// (too small, too long, drifts): what a coach explains after a failed prompt.
    pub near_misses: Vec<Attempt>,
}

impl EventTracker {
    /// Feeds one frame; returns the events that completed on it.
    pub fn push(&mut self, s: &Signals) -> Vec<Event> {
        let mut out = self.blink.push(s);
        out.extend(self.approach.push(s));
        self.near_misses.clear();
        for a in self
            .head
            .push_attempts(s)
            .into_iter()
            .chain(self.mouth.push(s))
        {
            if a.outcome == Outcome::Done {
                out.push(a.event);
            } else {
                self.near_misses.push(a);
            }
        }
        out
    }

    /// Ends the stream.
    pub fn finish(&mut self) -> Vec<Event> {
        let mut out = self.blink.finish();
        out.extend(self.head.finish());
        out
    }
}
