//! Whether one prompt was done the way real checks want it.
//!
//! A turn must go past the minimum angle and come back; a nod must go down
//! and up; a blink must be a real blink (the detectors in `events` decide
//! what counts). On top of that a prompt fails when the movement is too
//! fast for a check to see, too slow to finish, or the face is lost or leaves
//! the oval while it is asked.
//!
//! Like real action checks, a prompt stays open until its time limit: a try
//! that misses the bar (too fast, too slow, not far enough, the other way) is
//! recorded as a [`Try`] with its reason, shown to the person, and the
//! prompt passes at the first movement that meets the bar; at the limit it
//! fails with the reason of the last try (or `timeout` when there was none).
//! A strict judge ([`Judge::strict`]) fails at the first too-fast or
//! too-slow movement instead, for people whose real check works that way.

use crate::events::approach::{Approach, Step};
use crate::events::{Attempt, Outcome};

use crate::record::{Event, EventKind};
use serde::{Deserialize, Serialize};

pub use crate::events::acceptance::{NOD_TOO_FAST_S, TURN_TOO_FAST_S};
/// A face missing this long while a prompt is asked fails the prompt. Mesh
/// tracking on zju-dev and head-dev never drops a face for more than a frame
/// or two while it is in view.
pub const FACE_LOST_S: f64 = 0.5;
/// A face outside the oval (off-centre or cut off) this long fails the prompt.
pub const LEFT_OVAL_S: f64 = 0.5;

/// Why a prompt failed, as a stable snake_case code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailReason {
    /// Nothing that looked like the movement happened in the time limit.
    Timeout,
    /// The movement was done, faster than a check can follow.
    TooFast,
    /// The movement started but did not finish in time.
    TooSlow,
    /// The head moved the right way but not far enough.
    NotFarEnough,
    /// The face did not come close enough to fill the oval (`move_closer`).
    NotCloseEnough,
    /// A turn the other way.
    WrongDirection,
    FaceLost,
    FaceLeftOval,
    /// The session stopped (quit, camera lost) while the prompt was asked.
    Ended,
}

impl FailReason {
    pub fn code(self) -> &'static str {
        match self {
            FailReason::Timeout => "timeout",
            FailReason::TooFast => "too_fast",
            FailReason::TooSlow => "too_slow",
            FailReason::NotFarEnough => "not_far_enough",
            FailReason::NotCloseEnough => "not_close_enough",
            FailReason::WrongDirection => "wrong_direction",
            FailReason::FaceLost => "face_lost",
            FailReason::FaceLeftOval => "face_left_oval",
            FailReason::Ended => "ended",
        }
    }

    pub fn message(self) -> crate::i18n::Msg {
        use crate::i18n::Msg;
        match self {
            FailReason::Timeout => Msg::ReasonTimeout,
            FailReason::TooFast => Msg::ReasonTooFast,
            FailReason::TooSlow => Msg::ReasonTooSlow,
            FailReason::NotFarEnough => Msg::ReasonNotFarEnough,
            FailReason::NotCloseEnough => Msg::ReasonNotCloseEnough,
            FailReason::WrongDirection => Msg::ReasonWrongDirection,
            FailReason::FaceLost => Msg::ReasonFaceLost,
            FailReason::FaceLeftOval => Msg::ReasonFaceLeftOval,
            FailReason::Ended => Msg::ReasonEnded,
        }
    }
}

/// A movement during a prompt that did not meet the bar.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Try {
    pub reason: FailReason,
    /// When the movement started and ended (seconds of the input's clock).
    pub start_s: f64,
    pub end_s: f64,
    /// Its size: degrees from neutral for turns and nods, closure 0-1 for blinks.
    pub magnitude: f32,
}

/// The outcome of one prompt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PromptResult {
    pub kind: EventKind,
    pub passed: bool,
    pub reason: Option<FailReason>,
    /// When the prompt was shown and when it was decided.
    pub start_s: f64,
    pub end_s: f64,
    pub start_frame: u64,
    pub end_frame: u64,
    /// The movement that decided it, if one was seen: its duration, and its
    /// size (degrees from neutral for turns and nods, closure 0-1 for blinks).
    pub movement_s: Option<f64>,
    pub magnitude: Option<f32>,
    /// The tries that missed the bar before the verdict, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tries: Vec<Try>,
}

/// What the judge sees on one frame.
#[derive(Clone, Copy, Debug, Default)]
pub struct Moment<'a> {
    pub index: u64,
    pub time_s: f64,
    pub face: bool,
    /// The face is off-centre or cut off (size is not checked here: a nod
    /// shortens the face box).
    pub outside_oval: bool,
    /// Movements that counted, ending on this frame.
    pub events: &'a [Event],
    /// Head movements that came back on this frame without counting.
    pub near_misses: &'a [Attempt],
    /// The excursion of the asked kind under way: (start time, peak so far).
    pub under_way: Option<(f64, f32)>,
    /// Any head movement is under way (the next prompt waits for its end).
    pub head_moving: bool,
    /// Face box height over frame height (from the landmarks), for
    /// `move_closer`.
    pub face_size: Option<f32>,
    /// Mean face colour, linear light (for the colour flash).
    pub face_rgb: Option<[f32; 3]>,
    /// Face and background luma, 0-255.
    pub light: Option<(f32, f32)>,
}

/// Judges one prompt, frame by frame.
#[derive(Clone, Debug)]
pub struct Judge {
    pub kind: EventKind,
    pub start_s: f64,
    pub start_frame: u64,
    timeout_s: f64,
    /// Fail at the first too-fast or too-slow movement (see the module doc).
    strict: bool,
    /// What a movement must reach (`style::Style::bar`).
    bar: super::style::Bar,
    /// The tries that missed the bar so far; the last one explains a
    /// timeout.
    tries: Vec<Try>,
    missing_since: Option<f64>,
    outside_since: Option<f64>,
    /// `move_closer`: the face size when asked, recent sizes, and since
    /// when it has filled the oval.
    approach: Approach,
}

/// Whether a movement of `seen` is the other way from the prompt `asked`.
fn opposite(asked: EventKind, seen: EventKind) -> bool {
    use EventKind as K;
    matches!(
        (asked, seen),
        (K::TurnLeft, K::TurnRight)
            | (K::TurnRight, K::TurnLeft)
            | (K::LookUp, K::Nod | K::LookDown)
            | (K::Nod | K::LookDown, K::LookUp)
    )
}

/// Whether a movement of `seen` does what the prompt `asked` asks: a quick
/// look down (a nod) is also a look down.
fn answers(asked: EventKind, seen: EventKind) -> bool {
    asked == seen || (asked == EventKind::LookDown && seen == EventKind::Nod)
}

/// Whether a movement of `seen` that fell short was a try at `asked`: the
/// same direction (a shake is tried with turns).
fn tried(asked: EventKind, seen: EventKind) -> bool {
    use EventKind as K;
    answers(asked, seen)
        || matches!(
            (asked, seen),
            (K::Nod, K::LookDown) | (K::Shake, K::TurnLeft | K::TurnRight)
        )
}

/// Shortest acceptable duration of a movement of `kind`, where no style is
/// known (the slow speeds of `style::Style::Mixed`).
pub fn too_fast_s(kind: EventKind) -> f64 {
    super::style::Style::Mixed.bar(kind).too_fast_s
}

impl Judge {
    pub fn new(kind: EventKind, start_s: f64, start_frame: u64, timeout_s: f64) -> Judge {
        Judge {
            kind,
            start_s,
            start_frame,
            timeout_s,
            strict: false,
            bar: super::style::Style::Mixed.bar(kind),
            tries: Vec::new(),
            missing_since: None,
            outside_since: None,
            approach: Approach::default(),
        }
    }

    /// The same judge, failing at the first too-fast or too-slow movement.
    pub fn strict(mut self, strict: bool) -> Judge {
        self.strict = strict;
        self
    }

    /// The same judge with the bar of a kind of check.
    pub fn bar(mut self, bar: super::style::Bar) -> Judge {
        self.bar = bar;
        self
    }

    /// The tries that missed the bar so far.
    pub fn tries(&self) -> &[Try] {
        &self.tries
    }

    fn record_try(&mut self, reason: FailReason, e: &Event) {
        self.tries.push(Try {
            reason,
            start_s: e.start_s,
            end_s: e.end_s,
            magnitude: e.magnitude,
        });
    }

    /// Fraction of the time limit used at `t` (0-1).
    pub fn progress(&self, t: f64) -> f32 {
        ((t - self.start_s) / self.timeout_s.max(1e-6)).clamp(0.0, 1.0) as f32
    }

    fn result(
        &self,
        m: &Moment,
        reason: Option<FailReason>,
        movement_s: Option<f64>,
        magnitude: Option<f32>,
    ) -> PromptResult {
        PromptResult {
            kind: self.kind,
            passed: reason.is_none(),
            reason,
            start_s: self.start_s,
            end_s: m.time_s,
            start_frame: self.start_frame,
            end_frame: m.index,
            movement_s,
            magnitude,
            tries: self.tries.clone(),
        }
    }

    /// `move_closer`: the face grows steadily to fill the large oval, then
    /// holds (`events::approach`, `acceptance::MOVE_CLOSER_*`). A jump is a
    /// too-fast try (strict: a failure; coached: the approach is measured
    /// again from there); time running out before the oval is filled is
    /// `not_close_enough`, or `too_fast` when the only approach was a jump.
    fn approach(&mut self, m: &Moment) -> Option<PromptResult> {
        let t = m.time_s;
        match self.approach.push(t, m.index, m.face_size) {
            Step::Jumped { from_s, size } => {
                self.tries.push(Try {
                    reason: FailReason::TooFast,
                    start_s: from_s,
                    end_s: t,
                    magnitude: size,
                });
                if self.strict {
                    return Some(self.result(m, Some(FailReason::TooFast), None, Some(size)));
                }
            }
            Step::Filled { size, .. } => {
                return Some(self.result(m, None, Some(t - self.start_s), Some(size)));
            }
            Step::Nothing => {}
        }
        if t - self.start_s >= self.timeout_s {
            let reason = match self.tries.last() {
                Some(tr) => tr.reason,
                None => FailReason::NotCloseEnough,
            };
            let largest = self.approach.largest;
            return Some(self.result(m, Some(reason), None, Some(largest)));
        }
        None
    }

    /// Feeds one frame; returns the verdict once there is one.
    pub fn push(&mut self, m: &Moment) -> Option<PromptResult> {
        let t = m.time_s;
        if !m.face {
            let since = *self.missing_since.get_or_insert(t);
            if t - since >= FACE_LOST_S {
                return Some(self.result(m, Some(FailReason::FaceLost), None, None));
            }
        } else {
            self.missing_since = None;
        }
        if m.face && m.outside_oval {
            let since = *self.outside_since.get_or_insert(t);
            if t - since >= LEFT_OVAL_S {
                return Some(self.result(m, Some(FailReason::FaceLeftOval), None, None));
            }
        } else if m.face {
            self.outside_since = None;
        }
        if self.kind == EventKind::MoveCloser {
            return self.approach(m);
        }
        let (start_s, kind) = (self.start_s, self.kind);
        for e in m.events.iter().filter(|e| e.start_s >= start_s) {
            let dur = e.end_s - e.start_s;
            if answers(self.kind, e.kind) {
                if e.magnitude < self.bar.min {
                    self.record_try(FailReason::NotFarEnough, e);
                } else if dur >= self.bar.too_fast_s {
                    return Some(self.result(m, None, Some(dur), Some(e.magnitude)));
                } else if self.strict {
                    return Some(self.result(
                        m,
                        Some(FailReason::TooFast),
                        Some(dur),
                        Some(e.magnitude),
                    ));
                } else {
                    self.record_try(FailReason::TooFast, e);
                }
            } else if kind == EventKind::Nod && e.kind == EventKind::LookDown {
                // Down and back, slower than a nod.
                if self.strict {
                    return Some(self.result(
                        m,
                        Some(FailReason::TooSlow),
                        Some(dur),
                        Some(e.magnitude),
                    ));
                }
                self.record_try(FailReason::TooSlow, e);
            } else if opposite(self.kind, e.kind) {
                self.record_try(FailReason::WrongDirection, e);
            }
        }
        for a in m
            .near_misses
            .iter()
            .filter(|a| tried(kind, a.event.kind) && a.event.start_s >= start_s && a.is_try())
        {
            let dur = a.event.end_s - a.event.start_s;
            match a.outcome {
                Outcome::TooLong if self.strict => {
                    return Some(self.result(
                        m,
                        Some(FailReason::TooSlow),
                        Some(dur),
                        Some(a.event.magnitude),
                    ))
                }
                Outcome::TooLong => self.record_try(FailReason::TooSlow, &a.event),
                // A drift in the asked direction is a try that never got
                // far enough quickly enough to be a movement.
                Outcome::TooSmall | Outcome::Drift => {
                    self.record_try(FailReason::NotFarEnough, &a.event)
                }
                Outcome::Done => {}
            }
        }
        if t - self.start_s >= self.timeout_s {
            if let Some((start, peak)) = m.under_way.filter(|(s, _)| *s >= self.start_s) {
                return Some(self.result(
                    m,
                    Some(FailReason::TooSlow),
                    Some(t - start),
                    Some(peak),
                ));
            }
            return Some(self.explained(m, FailReason::Timeout));
        }
        None
    }

    /// The session stops while this prompt is asked: the last try that
    /// missed the bar explains it when there was one (a recording that ends
    /// after a too-fast turn failed for being too fast), `ended` otherwise.
    pub fn abandon(&self, m: &Moment) -> PromptResult {
        self.explained(m, FailReason::Ended)
    }

    /// A failure explained by the last try that missed the bar, or by
    /// `otherwise` when there was none.
    fn explained(&self, m: &Moment, otherwise: FailReason) -> PromptResult {
        match self.tries.last() {
            Some(k) => self.result(
                m,
                Some(k.reason),
                Some(k.end_s - k.start_s),
                Some(k.magnitude),
            ),
            None => self.result(m, Some(otherwise), None, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: EventKind, start_s: f64, end_s: f64, magnitude: f32) -> Event {
        Event {
            kind,
            start_frame: (start_s * 30.0) as u64,
            end_frame: (end_s * 30.0) as u64,
            start_s,
            end_s,
            magnitude,
        }
    }

    fn at(t: f64) -> Moment<'static> {
        Moment {
            index: (t * 30.0) as u64,
            time_s: t,
            face: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_turn_of_the_right_kind_and_pace_passes() {
        let mut j = Judge::new(EventKind::TurnLeft, 1.0, 30, 8.0);
        assert!(j.push(&at(2.0)).is_none());
        let e = [ev(EventKind::TurnLeft, 2.0, 3.5, 9.0)];
        let r = j
            .push(&Moment {
                events: &e,
                ..at(3.5)
            })
            .expect("verdict");
        assert!(r.passed && r.reason.is_none());
        assert_eq!(r.movement_s, Some(1.5));
    }

    #[test]
    fn failures_carry_their_reason() {
        // Too fast, and nothing better before the limit.
        let mut j = Judge::new(EventKind::Nod, 0.0, 0, 8.0);
        let e = [ev(EventKind::Nod, 1.0, 1.2, 12.0)];
        assert!(j
            .push(&Moment {
                events: &e,
                ..at(1.2)
            })
            .is_none());
        let r = j.push(&at(8.0)).expect("verdict");
        assert_eq!(r.reason, Some(FailReason::TooFast));
        assert_eq!(r.tries.len(), 1);
        // Wrong way, then nothing: the timeout says "the other way".
        let mut j = Judge::new(EventKind::TurnLeft, 0.0, 0, 5.0);
        let e = [ev(EventKind::TurnRight, 1.0, 2.5, 9.0)];
        assert!(j
            .push(&Moment {
                events: &e,
                ..at(2.5)
            })
            .is_none());
        let r = j.push(&at(5.0)).expect("verdict");
        assert_eq!(r.reason, Some(FailReason::WrongDirection));
        // Still turned when time runs out: too slow.
        let mut j = Judge::new(EventKind::TurnRight, 0.0, 0, 5.0);
        let r = j
            .push(&Moment {
                under_way: Some((3.0, 10.0)),
                ..at(5.0)
            })
            .expect("verdict");
        assert_eq!(r.reason, Some(FailReason::TooSlow));
        // Nothing at all.
        let mut j = Judge::new(EventKind::Blink, 0.0, 0, 5.0);
        assert_eq!(
            j.push(&at(5.0)).and_then(|r| r.reason),
            Some(FailReason::Timeout)
        );
        // Face gone for half a second.
        let mut j = Judge::new(EventKind::Blink, 0.0, 0, 5.0);
        let gone = |t| Moment {
            face: false,
            ..at(t)
        };
        assert!(j.push(&gone(1.0)).is_none());
        assert_eq!(
            j.push(&gone(1.5)).and_then(|r| r.reason),
            Some(FailReason::FaceLost)
        );
        // A movement that began before the prompt does not count.
        let mut j = Judge::new(EventKind::Blink, 2.0, 60, 5.0);
        let e = [ev(EventKind::Blink, 1.9, 2.1, 0.8)];
        assert!(j
            .push(&Moment {
                events: &e,
                ..at(2.1)
            })
            .is_none());
    }

    /// A too-fast first try is recorded, shown (`tries`) and the prompt
    /// stays open: the good nod after it passes (issue 15: real action
    /// checks keep the prompt open until the limit). A strict judge fails
    /// on the first try instead.
    #[test]
    fn a_prompt_coaches_tries_until_one_meets_the_bar() {
        let jerk = [ev(EventKind::Nod, 0.2, 0.4, 10.0)];
        let good = [ev(EventKind::Nod, 2.0, 2.8, 12.0)];
        let mut j = Judge::new(EventKind::Nod, 0.0, 0, 8.0);
        assert!(j
            .push(&Moment {
                events: &jerk,
                ..at(0.4)
            })
            .is_none());
        assert_eq!(j.tries().len(), 1);
        assert_eq!(j.tries()[0].reason, FailReason::TooFast);
        let r = j
            .push(&Moment {
                events: &good,
                ..at(2.8)
            })
            .expect("verdict");
        assert!(r.passed, "{r:?}");
        assert_eq!(r.tries.len(), 1);
        assert_eq!(r.tries[0].reason, FailReason::TooFast);
        assert_eq!(r.movement_s.map(|d| (d * 10.0).round()), Some(8.0));

        let mut strict = Judge::new(EventKind::Nod, 0.0, 0, 8.0).strict(true);
        let r = strict
            .push(&Moment {
                events: &jerk,
                ..at(0.4)
            })
            .expect("strict verdict at the first try");
        assert_eq!(r.reason, Some(FailReason::TooFast));
    }

    /// Too slow and not far enough are tries too; at the limit the last
    /// one is the reason.
    #[test]
    fn the_last_try_explains_the_timeout() {
        let slow = [Attempt {
            event: ev(EventKind::TurnLeft, 0.5, 4.0, 12.0),
            outcome: Outcome::TooLong,
        }];
        let small = [Attempt {
            event: ev(EventKind::TurnLeft, 4.5, 5.5, 5.0),
            outcome: Outcome::TooSmall,
        }];
        let mut j = Judge::new(EventKind::TurnLeft, 0.0, 0, 8.0);
        for (t, a) in [(4.0, &slow), (5.5, &small)] {
            assert!(j
                .push(&Moment {
                    near_misses: a,
                    ..at(t)
                })
                .is_none());
        }
        let r = j.push(&at(8.0)).expect("verdict");
        assert_eq!(r.reason, Some(FailReason::NotFarEnough));
        let reasons: Vec<_> = r.tries.iter().map(|k| k.reason).collect();
        assert_eq!(reasons, [FailReason::TooSlow, FailReason::NotFarEnough]);
        let mut strict = Judge::new(EventKind::TurnLeft, 0.0, 0, 8.0).strict(true);
        let r = strict
            .push(&Moment {
                near_misses: &slow,
                ..at(4.0)
            })
            .expect("strict verdict");
        assert_eq!(r.reason, Some(FailReason::TooSlow));
    }

    /// Feeds `events` at their end; returns the verdict at `limit`.
    fn judged(mut j: Judge, events: &[Event], limit: f64) -> PromptResult {
        for e in events {
            let one = [e.clone()];
            if let Some(r) = j.push(&Moment {
                events: &one,
                ..at(e.end_s)
            }) {
                return r;
            }
        }
        j.push(&at(limit)).expect("verdict at the limit")
    }

    #[test]
    fn the_new_prompts_take_their_own_movements() {
        use super::super::style::Style;
        let j = |k| Judge::new(k, 0.0, 0, 8.0);
        // A shake of 12 degrees each way passes; 9 is not far enough.
        let r = judged(
            j(EventKind::Shake),
            &[ev(EventKind::Shake, 1.0, 2.0, 12.0)],
            8.0,
        );
        assert!(r.passed, "{r:?}");
        let r = judged(
            j(EventKind::Shake),
            &[ev(EventKind::Shake, 1.0, 2.0, 9.0)],
            8.0,
        );
        assert_eq!(r.reason, Some(FailReason::NotFarEnough));
        // A nod answers a look down; looking up is the other way.
        assert!(
            judged(
                j(EventKind::LookDown),
                &[ev(EventKind::Nod, 1.0, 2.0, 12.0)],
                8.0
            )
            .passed
        );
        let r = judged(
            j(EventKind::LookDown),
            &[ev(EventKind::LookUp, 1.0, 2.0, 12.0)],
            8.0,
        );
        assert_eq!(r.reason, Some(FailReason::WrongDirection));
        // A slow look down asked as a nod is too slow; strict fails at once.
        let slow = [ev(EventKind::LookDown, 1.0, 5.0, 12.0)];
        let r = judged(j(EventKind::Nod), &slow, 8.0);
        assert_eq!((r.reason, r.end_s), (Some(FailReason::TooSlow), 8.0));
        let r = judged(j(EventKind::Nod).strict(true), &slow, 8.0);
        assert_eq!((r.reason, r.end_s), (Some(FailReason::TooSlow), 5.0));
        // An open mouth answers open_mouth.
        let r = judged(
            j(EventKind::OpenMouth),
            &[ev(EventKind::OpenMouth, 1.0, 2.0, 0.5)],
            8.0,
        );
        assert!(r.passed, "{r:?}");
        // A quick 0.4 s turn: fine for an action check, too fast for a turn check.
        let quick = [ev(EventKind::TurnLeft, 1.0, 1.4, 12.0)];
        let bar = |s: Style| s.bar(EventKind::TurnLeft);
        assert!(judged(j(EventKind::TurnLeft).bar(bar(Style::Actions)), &quick, 8.0).passed);
        let r = judged(j(EventKind::TurnLeft).bar(bar(Style::Turns)), &quick, 8.0);
        assert_eq!(r.reason, Some(FailReason::TooFast));
    }
}
