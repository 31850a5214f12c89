//! Prompts and movements in a recording, from its analysis alone.
//!
//! The event detectors are plain state machines over each frame's measures
//! (`events::Signals::from(&FrameRecord)`), so replaying them over the
//! frames of an [`AnalysisDoc`] finds the same blinks, turns and nods as the
//! analysis did, plus the head movements that came back without counting
//! (too small, too long), which the document does not keep. Prompts given
//! with `--challenges` are judged by the practice session itself
//! ([`Session`], no intro, in the order given), moment by moment exactly as
//! `practice --headless --no-intro --challenges LIST` judges a recording.

use super::json::AnalysisDoc;
use crate::events::{EventTracker, Outcome, Signals};
use crate::record::{Event, EventKind};
use crate::session::judge::too_fast_s;
use crate::session::{FailReason, Moment, PromptResult, Session, SessionConfig};

/// A movement found in the recording and what a check would make of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Movement {
    pub event: Event,
    /// `None`: a check would accept it; otherwise why not.
    pub problem: Option<FailReason>,
}

/// The detectors replayed over a document's frames.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Replay {
    /// Movements that counted, in order of their start (as `doc.events`).
    pub events: Vec<Event>,
    /// Every movement, counted or not, with a check's view of it.
    pub movements: Vec<Movement>,
}

/// Replays the event detectors over `doc`'s frames.
pub fn replay(doc: &AnalysisDoc) -> Replay {
    let mut tracker = EventTracker::default();
    let mut out = Replay::default();
    let add = |out: &mut Replay, e: Event, problem: Option<FailReason>| {
        out.movements.push(Movement { event: e, problem });
    };
    for rec in &doc.frames {
        for e in tracker.push(&Signals::from(rec)) {
            out.events.push(e.clone());
            let problem = (e.end_s - e.start_s < too_fast_s(e.kind)).then_some(FailReason::TooFast);
            add(&mut out, e, problem);
        }
        for a in tracker.near_misses.iter().filter(|a| a.is_try()) {
            match a.outcome {
                Outcome::TooLong => add(&mut out, a.event.clone(), Some(FailReason::TooSlow)),
                Outcome::TooSmall => add(&mut out, a.event.clone(), Some(FailReason::NotFarEnough)),
                _ => {}
            }
        }
    }
    for e in tracker.finish() {
        out.events.push(e.clone());
        let problem = (e.end_s - e.start_s < too_fast_s(e.kind)).then_some(FailReason::TooFast);
        add(&mut out, e, problem);
    }
    out.events.sort_by_key(|e| e.start_frame);
    out.movements
        .sort_by(|a, b| a.event.start_s.total_cmp(&b.event.start_s));
    out
}

/// Judges `challenges`, asked in this order, over `doc` as a practice
/// session without intro would (prompt after prompt from the first frame
/// with a face, `timeout_s` each). Returns one verdict per prompt asked.
pub fn judge(doc: &AnalysisDoc, challenges: &[EventKind], timeout_s: f64) -> Vec<PromptResult> {
    if challenges.is_empty() {
        return Vec::new();
    }
    let mut session = Session::new(SessionConfig {
        challenges: challenges.to_vec(),
        shuffle: false,
        seed: 0,
        prompt_timeout_s: timeout_s,
        intro: false,
        wait_for_key: false,
        strict: false,
        ..Default::default()
    });
    let mut tracker = EventTracker::default();
    let size = (doc.input.width, doc.input.height);
    let mut last = (0, 0.0);
    for rec in &doc.frames {
        let events = tracker.push(&Signals::from(rec));
        session.observe(rec, size, &events, &tracker);
        last = (rec.index, rec.time_s);
        if session.finished() {
            break;
        }
    }
    session.stop(&Moment {
        index: last.0,
        time_s: last.1,
        ..Default::default()
    });
    session
        .attempts
        .first()
        .map(|a| a.results.clone())
        .unwrap_or_default()
}

/// The movements seen between a prompt's start and its verdict.
pub fn seen_during<'a>(movements: &'a [Movement], p: &PromptResult) -> Vec<&'a Movement> {
    movements
        .iter()
        .filter(|m| m.event.start_s >= p.start_s && m.event.end_s <= p.end_s + 1e-6)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdoc::turning;

    #[test]
    fn a_replayed_turn_is_found_and_judged() {
        let doc = turning(180, 2.0, 1.5, 12.0);
        let r = replay(&doc);
        assert_eq!(r.events.len(), 1, "{r:?}");
        assert_eq!(r.events[0].kind, EventKind::TurnLeft);
        assert_eq!(r.movements[0].problem, None);
        let asked = judge(&doc, &[EventKind::TurnLeft], 8.0);
        assert_eq!(asked.len(), 1);
        assert!(asked[0].passed, "{asked:?}");
        // Asked the other way: the turn does not count.
        let asked = judge(&doc, &[EventKind::TurnRight, EventKind::Blink], 5.0);
        assert_eq!(asked.len(), 2);
        assert!(!asked[0].passed && !asked[1].passed, "{asked:?}");
        assert_eq!(asked[0].reason, Some(FailReason::WrongDirection));
    }

    #[test]
    fn quick_and_small_turns_are_named() {
        let fast = replay(&turning(150, 2.0, 0.4, 12.0));
        assert_eq!(fast.movements.len(), 1, "{fast:?}");
        assert_eq!(fast.movements[0].problem, Some(FailReason::TooFast));
        let small = replay(&turning(150, 2.0, 1.5, 6.0));
        assert!(small.events.is_empty());
        assert_eq!(small.movements.len(), 1, "{small:?}");
        assert_eq!(small.movements[0].problem, Some(FailReason::NotFarEnough));
        // Jitter is not a movement.
        assert!(replay(&turning(150, 2.0, 1.5, 1.5)).movements.is_empty());
    }

    #[test]
    fn nothing_to_judge_on_no_frames() {
        let mut doc = turning(0, 0.0, 1.0, 1.0);
        doc.frames.clear();
        assert!(replay(&doc).movements.is_empty());
        let r = judge(&doc, &[EventKind::Blink], 8.0);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].reason, Some(FailReason::Ended));
        assert!(judge(&doc, &[], 8.0).is_empty());
    }
}
