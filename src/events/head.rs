//! Head turns and nods: an excursion from the person's neutral pose past a
//! minimum angle, and back, within a time limit.
//!
//! The neutral pose is learned: the median of the first `NEUTRAL_INIT_S`
//! seconds with a face, then followed slowly (time constant
//! `NEUTRAL_TAU_S`) while the head stays within `NEUTRAL_BAND_DEG` of it, so a
//! camera below the face (a pitch offset) or a slight habitual turn is the
//! person's zero, and a held turn does not drag the zero along.
//!
//! What counts is what real checks accept: the thresholds are in
//! [`super::acceptance`], with their sources. A movement rises quickly; a
//! head that creeps past the minimum over seconds is drifting
//! ([`Outcome::Drift`]): that is never a movement, and no new excursion
//! starts until the head comes back, or until it has rested away long
//! enough (`RESEAT_AFTER_S`) that where it rests becomes its neutral.

pub use super::acceptance::{
    ENTER_FRACTION, LOOK_MAX_S, LOOK_UP_MIN_DEG, NOD_MAX_S, NOD_MIN_DEG, RESEAT_AFTER_S,
    RISE_MAX_S, SHAKE_GAP_S, TURN_MAX_S, TURN_MIN_DEG,
};
use super::{Attempt, Event, EventKind, Outcome, Signals};

pub const NEUTRAL_INIT_S: f64 = 0.5;
pub const NEUTRAL_TAU_S: f64 = 2.0;
pub use crate::record::angles::NEUTRAL_BAND_DEG;

/// A learned zero for one angle.
#[derive(Debug, Clone, Default)]
pub struct Neutral {
    init: Vec<f32>,
    start_s: Option<f64>,
    last_s: f64,
    pub value: Option<f32>,
}

impl Neutral {
    /// Feeds one angle; `settled` says no movement is under way on its axis.
    pub fn push(&mut self, t: f64, v: f32, settled: bool) {
        match self.value {
            None => {
                let t0 = *self.start_s.get_or_insert(t);
                self.init.push(v);
                if t - t0 >= NEUTRAL_INIT_S {
                    self.init.sort_by(f32::total_cmp);
                    self.value = Some(self.init[self.init.len() / 2]);
                    self.init = Vec::new();
                }
            }
            Some(n) => {
                if settled && (v - n).abs() < NEUTRAL_BAND_DEG {
                    let k = ((t - self.last_s) / NEUTRAL_TAU_S).clamp(0.0, 1.0) as f32;
                    self.value = Some(n + k * (v - n));
                }
            }
        }
        self.last_s = t;
    }

    /// Moves the zero by `by` degrees: the head has come to rest elsewhere.
    fn reseat(&mut self, by: f32) {
        if let Some(n) = self.value {
            self.value = Some(n + by);
        }
    }
}

/// An excursion under way.
#[derive(Debug, Clone, Copy)]
struct Open {
    start: Signals,
    peak: f32,
    /// When the minimum angle was first reached.
    reached_s: Option<f64>,
}

#[derive(Debug, Clone, Copy)]
enum State {
    Idle,
    Open(Open),
    /// After a drift or a movement held past its limit: waits for the head
    /// to come back, or re-seats the zero once it has rested within
    /// `NEUTRAL_BAND_DEG` of `rest` since `since` for `RESEAT_AFTER_S`.
    Parked {
        since: f64,
        rest: f32,
    },
}

/// One direction of movement along one angle.
#[derive(Debug, Clone)]
pub struct Excursion {
    kind: EventKind,
    /// Movements done within this time are this other kind (a look down
    /// done within `NOD_MAX_S` is a nod).
    quick: Option<(f64, EventKind)>,
    min_deg: f32,
    max_s: f64,
    state: State,
    last: Option<Signals>,
}

impl Excursion {
    pub fn new(kind: EventKind, min_deg: f32, max_s: f64) -> Excursion {
        Excursion {
            kind,
            quick: None,
            min_deg,
            max_s,
            state: State::Idle,
            last: None,
        }
    }

    /// Movements done within `within_s` are of kind `kind`.
    pub fn quick(mut self, within_s: f64, kind: EventKind) -> Excursion {
        self.quick = Some((within_s, kind));
        self
    }

    /// Whether the head is away from neutral in this direction (a movement
    /// under way, or a drift).
    pub fn active(&self) -> bool {
        !matches!(self.state, State::Idle)
    }

    /// The movement under way: when it started and its peak so far.
    pub fn current(&self) -> Option<(f64, f32)> {
        match self.state {
            State::Open(o) => Some((o.start.time_s, o.peak)),
            _ => None,
        }
    }

    fn attempt(&self, start: &Signals, end: &Signals, peak: f32, outcome: Outcome) -> Attempt {
        let kind = match self.quick {
            Some((within, quick)) if end.time_s - start.time_s <= within => quick,
            _ => self.kind,
        };
        Attempt {
            event: Event {
                kind,
                start_frame: start.index,
                end_frame: end.index,
                start_s: start.time_s,
                end_s: end.time_s,
                magnitude: peak,
            },
            outcome,
        }
    }

    /// `d` is the signed distance from neutral in this excursion's direction.
    /// Returns every excursion that came back, whether or not it counts, and
    /// a drift when it is seen. `Err(d)` asks to move the zero by `d`.
    fn push(&mut self, s: &Signals, d: f32) -> Result<Option<Attempt>, f32> {
        let enter = self.min_deg * ENTER_FRACTION;
        let mut out = None;
        match self.state {
            State::Idle if d > enter => {
                self.state = State::Open(Open {
                    start: *s,
                    peak: d,
                    reached_s: (d >= self.min_deg).then_some(s.time_s),
                })
            }
            State::Idle => {}
            State::Parked { .. } if d <= enter => self.state = State::Idle,
            State::Parked { since, rest } => {
                if (d - rest).abs() > NEUTRAL_BAND_DEG {
                    // Still moving: the rest starts again here.
                    self.state = State::Parked {
                        since: s.time_s,
                        rest: d,
                    };
                } else if s.time_s - since >= RESEAT_AFTER_S {
                    self.state = State::Idle;
                    self.last = Some(*s);
                    return Err(d);
                }
            }
            State::Open(mut o) => {
                o.peak = o.peak.max(d);
                if o.reached_s.is_none() && d >= self.min_deg {
                    o.reached_s = Some(s.time_s);
                }
                if d < enter && d < o.peak * 0.5 {
                    let end = self.last.unwrap_or(*s);
                    let outcome = if o.peak < self.min_deg {
                        Outcome::TooSmall
                    } else if end.time_s - o.start.time_s > self.max_s {
                        Outcome::TooLong
                    } else {
                        Outcome::Done
                    };
                    out = Some(self.attempt(&o.start, &end, o.peak, outcome));
                    self.state = State::Idle;
                } else if s.time_s - o.start.time_s > self.max_s {
                    // Held away past the time limit: too long already,
                    // whenever it comes back.
                    out = Some(self.attempt(&o.start, s, o.peak, Outcome::TooLong));
                    self.state = State::Parked {
                        since: s.time_s,
                        rest: d,
                    };
                } else if o.reached_s.unwrap_or(s.time_s) - o.start.time_s > RISE_MAX_S {
                    // Crept towards or past the minimum: a drift, however
                    // far it goes.
                    out = Some(self.attempt(&o.start, s, o.peak, Outcome::Drift));
                    self.state = State::Parked {
                        since: s.time_s,
                        rest: d,
                    };
                } else {
                    self.state = State::Open(o);
                }
            }
        }
        self.last = Some(*s);
        Ok(out)
    }

    fn reset(&mut self) {
        self.state = State::Idle;
        self.last = None;
    }
}

#[derive(Debug, Clone)]
pub struct HeadDetector {
    pub yaw: Neutral,
    pub pitch: Neutral,
    left: Excursion,
    right: Excursion,
    /// Looking down: a nod when quick, a look down otherwise.
    down: Excursion,
    up: Excursion,
    /// The last turn that counted, for a shake.
    last_turn: Option<Event>,
}

impl Default for HeadDetector {
    fn default() -> Self {
        HeadDetector {
            yaw: Neutral::default(),
            pitch: Neutral::default(),
            left: Excursion::new(EventKind::TurnLeft, TURN_MIN_DEG, TURN_MAX_S),
            right: Excursion::new(EventKind::TurnRight, TURN_MIN_DEG, TURN_MAX_S),
            down: Excursion::new(EventKind::LookDown, NOD_MIN_DEG, LOOK_MAX_S)
                .quick(NOD_MAX_S, EventKind::Nod),
            up: Excursion::new(EventKind::LookUp, LOOK_UP_MIN_DEG, LOOK_MAX_S),
            last_turn: None,
        }
    }
}

impl HeadDetector {
    /// Yaw and pitch relative to the learned neutral pose, once known.
    pub fn relative(&self, yaw: f32, pitch: f32) -> Option<(f32, f32)> {
        Some((yaw - self.yaw.value?, pitch - self.pitch.value?))
    }

    /// The excursion of `kind` under way, if any: (start time, peak degrees).
    pub fn in_progress(&self, kind: EventKind) -> Option<(f64, f32)> {
        match kind {
            EventKind::TurnLeft => self.left.current(),
            EventKind::TurnRight => self.right.current(),
            EventKind::Nod | EventKind::LookDown => self.down.current(),
            EventKind::LookUp => self.up.current(),
            EventKind::Shake => self.left.current().or(self.right.current()),
            EventKind::Blink | EventKind::OpenMouth | EventKind::MoveCloser => None,
        }
    }

    /// Feeds one frame; returns the movements that counted.
    pub fn push(&mut self, s: &Signals) -> Vec<Event> {
        self.push_attempts(s)
            .into_iter()
            .filter(|a| a.outcome == Outcome::Done)
            .map(|a| a.event)
            .collect()
    }

    /// Feeds one frame; returns every excursion that came back on it,
    /// including those that fell short or took too long, and drifts.
    pub fn push_attempts(&mut self, s: &Signals) -> Vec<Attempt> {
        let Some((yaw, pitch, _)) = s.pose else {
            // A face that leaves mid-movement breaks the movement.
            self.reset();
            return Vec::new();
        };
        // Each zero follows while no movement is under way on its own axis:
        // the slow pitch change of a person settling in their chair (or a
        // look up) must not freeze the yaw zero, nor a turn the pitch one.
        let yaw_settled = self.left.current().is_none() && self.right.current().is_none();
        let pitch_settled = self.down.current().is_none() && self.up.current().is_none();
        self.yaw.push(s.time_s, yaw, yaw_settled);
        self.pitch.push(s.time_s, pitch, pitch_settled);
        let Some((dy, dp)) = self.relative(yaw, pitch) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        match self.left.push(s, dy) {
            Ok(a) => out.extend(a),
            Err(by) => self.yaw.reseat(by),
        }
        match self.right.push(s, -dy) {
            Ok(a) => out.extend(a),
            Err(by) => self.yaw.reseat(-by),
        }
        match self.down.push(s, -dp) {
            Ok(a) => out.extend(a),
            Err(by) => self.pitch.reseat(-by),
        }
        match self.up.push(s, dp) {
            Ok(a) => out.extend(a),
            Err(by) => self.pitch.reseat(by),
        }
        let shakes: Vec<Attempt> = out.iter().filter_map(|a| self.shake(a)).collect();
        out.extend(shakes);
        out
    }

    /// A turn that counted, right after one the other way that also
    /// counted, makes a shake: its size is the smaller side.
    fn shake(&mut self, a: &Attempt) -> Option<Attempt> {
        let turn = matches!(a.event.kind, EventKind::TurnLeft | EventKind::TurnRight);
        if a.outcome != Outcome::Done || !turn {
            return None;
        }
        let e = &a.event;
        let prev = self.last_turn.replace(e.clone());
        let p = prev.filter(|p| p.kind != e.kind && e.start_s - p.end_s <= SHAKE_GAP_S)?;
        self.last_turn = None;
        Some(Attempt {
            event: Event {
                kind: EventKind::Shake,
                start_frame: p.start_frame,
                end_frame: e.end_frame,
                start_s: p.start_s,
                end_s: e.end_s,
                magnitude: p.magnitude.min(e.magnitude),
            },
            outcome: Outcome::Done,
        })
    }

    fn reset(&mut self) {
        self.left.reset();
        self.right.reset();
        self.down.reset();
        self.up.reset();
        self.last_turn = None;
    }

    /// End of stream: a movement that never came back is not counted.
    pub fn finish(&mut self) -> Vec<Event> {
        self.reset();
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 30 fps series with yaw and pitch from functions of time.
    fn series(secs: f64, yaw: impl Fn(f64) -> f32, pitch: impl Fn(f64) -> f32) -> Vec<Signals> {
        (0..(secs * 30.0) as u64)
            .map(|i| {
                let t = i as f64 / 30.0;
                let jitter = ((i * 7919) % 13) as f32 / 13.0 - 0.5; // +-0.5 degrees
                Signals {
                    index: i,
                    time_s: t,
                    eyes: Some((0.3, 0.3)),
                    pose: Some((yaw(t) + jitter, pitch(t) + jitter, 0.0)),
                    mouth: None,
                    face_size: None,
                }
            })
            .collect()
    }

    /// A smooth out-and-back bump of `peak` degrees between `t0` and `t1`.
    fn bump(t: f64, t0: f64, t1: f64, peak: f32) -> f32 {
        if t <= t0 || t >= t1 {
            0.0
        } else {
            peak * (std::f64::consts::PI * (t - t0) / (t1 - t0)).sin() as f32
        }
    }

    fn run(s: &[Signals]) -> Vec<Event> {
        let mut d = HeadDetector::default();
        let mut v: Vec<Event> = s.iter().flat_map(|x| d.push(x)).collect();
        v.extend(d.finish());
        v
    }

    #[test]
    fn turns_both_ways_and_a_nod_from_an_offset_neutral() {
        // Camera below the face: the person's neutral pitch is +20 degrees.
        let s = series(
            14.0,
            |t| 3.0 + bump(t, 2.0, 4.0, 12.0) - bump(t, 6.0, 8.0, 12.0),
            |t| 20.0 - bump(t, 10.0, 11.5, 15.0),
        );
        let ev = run(&s);
        let kinds: Vec<_> = ev.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![EventKind::TurnLeft, EventKind::TurnRight, EventKind::Nod],
            "{ev:?}"
        );
        assert!(ev[0].start_s > 2.0 && ev[0].end_s < 4.1);
        assert!((ev[0].magnitude - 12.0).abs() < 1.5);
        assert!((ev[2].magnitude - 15.0).abs() < 1.5);
    }

    #[test]
    fn small_or_one_way_movements_are_not_prompts() {
        // 3-degree sway, then a turn that never comes back.
        let s = series(
            12.0,
            |t| bump(t, 1.0, 3.0, 3.0) + if t > 6.0 { 20.0 } else { 0.0 },
            |_| 0.0,
        );
        assert!(run(&s).is_empty());
        // Looking up is not a nod (a nod goes down first): it is a look up.
        let s = series(6.0, |_| 0.0, |t| bump(t, 2.0, 3.0, 15.0));
        let kinds: Vec<_> = run(&s).iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![EventKind::LookUp]);
    }

    #[test]
    fn too_slow_an_excursion_is_not_a_nod() {
        // Down and back in 5 s: a look down, not a nod (3 s at most).
        let s = series(10.0, |_| 0.0, |t| -bump(t, 1.0, 6.0, 15.0));
        let kinds: Vec<_> = run(&s).iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![EventKind::LookDown]);
        // Held down 10 s: neither.
        let s = series(
            14.0,
            |_| 0.0,
            |t| if (1.0..11.0).contains(&t) { -15.0 } else { 0.0 },
        );
        assert!(run(&s).is_empty());
    }

    #[test]
    fn near_misses_say_why_they_did_not_count() {
        let attempts = |s: &[Signals]| {
            let mut d = HeadDetector::default();
            s.iter()
                .flat_map(|x| d.push_attempts(x))
                .map(|a| (a.event.kind, a.outcome))
                .collect::<Vec<_>>()
        };
        // A 6-degree turn: started (past half the minimum) but not far enough.
        let s = series(6.0, |t| bump(t, 2.0, 4.0, 6.0), |_| 0.0);
        assert_eq!(attempts(&s), vec![(EventKind::TurnLeft, Outcome::TooSmall)]);
        // A 15-degree look down held 10 s: far enough, too long.
        let s = series(14.0, |_| 0.0, |t| -bump(t, 1.0, 12.0, 15.0));
        assert_eq!(attempts(&s), vec![(EventKind::LookDown, Outcome::TooLong)]);
        // While it is under way, the detector says so.
        let mut d = HeadDetector::default();
        let s = series(3.0, |t| if t > 1.0 { 12.0 } else { 0.0 }, |_| 0.0);
        for x in &s {
            d.push(x);
        }
        let (start, peak) = d.in_progress(EventKind::TurnLeft).expect("turn under way");
        assert!((1.0..1.1).contains(&start) && peak > 11.0);
        assert!(d.in_progress(EventKind::TurnRight).is_none());
    }

    fn attempts(s: &[Signals]) -> Vec<Attempt> {
        let mut d = HeadDetector::default();
        s.iter().flat_map(|x| d.push_attempts(x)).collect()
    }

    #[test]
    fn a_still_head_drifting_is_never_a_turn() {
        // About 5 degrees over 3 s and back (a stock clip of a person holding
        // still), then 14 degrees over 10 s, held.
        for s in [
            series(8.0, |t| bump(t, 1.0, 7.0, 5.0), |_| 0.0),
            series(20.0, |t| (1.4 * (t - 1.0)).clamp(0.0, 14.0) as f32, |_| 0.0),
            series(
                20.0,
                |_| 0.0,
                |t| -(1.4 * (t - 1.0)).clamp(0.0, 14.0) as f32,
            ),
        ] {
            let a = attempts(&s);
            assert!(
                a.iter()
                    .all(|a| matches!(a.outcome, Outcome::Drift | Outcome::TooSmall)),
                "a drift is neither a movement nor too slow: {a:?}"
            );
            assert!(run(&s).is_empty());
        }
    }

    #[test]
    fn the_gentlest_published_turn_is_the_least_that_counts() {
        let s = series(6.0, |t| bump(t, 2.0, 3.5, 7.0), |_| 0.0);
        assert!(run(&s).is_empty(), "7 degrees is under the 8-degree bar");
        let s = series(6.0, |t| -bump(t, 2.0, 3.5, 9.5), |_| 0.0);
        let ev = run(&s);
        assert_eq!(ev.len(), 1, "{ev:?}");
        assert_eq!(ev[0].kind, EventKind::TurnRight);
        let s = series(6.0, |_| 0.0, |t| -bump(t, 2.0, 3.0, 9.5));
        assert_eq!(run(&s).first().map(|e| e.kind), Some(EventKind::Nod));
    }

    #[test]
    fn after_a_drift_turns_are_measured_from_where_the_head_rests() {
        // Drifts 14 degrees to the left over 10 s and rests there from 11 s;
        // after resting 8 s that is the new zero: at 20-22 s it turns a
        // further 12 degrees left and back, at 23-25 s 12 right.
        let s = series(
            27.0,
            |t| {
                (1.4 * (t - 1.0)).clamp(0.0, 14.0) as f32 + bump(t, 20.0, 22.0, 12.0)
                    - bump(t, 23.0, 25.0, 12.0)
            },
            |_| 0.0,
        );
        let kinds: Vec<_> = run(&s).iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![EventKind::TurnLeft, EventKind::TurnRight]);
    }

    #[test]
    fn a_glance_held_for_seconds_does_not_move_the_zero() {
        // A 7-degree glance held 6 s, then a 9-degree turn the same way: the
        // turn is measured from the old zero, not from the glance.
        let glance = |t: f64| {
            if (2.0..8.0).contains(&t) {
                7.0
            } else {
                0.0
            }
        };
        let s = series(13.0, move |t| glance(t) + bump(t, 10.0, 11.5, 9.0), |_| 0.0);
        let kinds: Vec<_> = run(&s).iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec![EventKind::TurnLeft]);
    }

    #[test]
    fn a_turn_held_past_the_limit_is_too_long_once() {
        let s = series(
            14.0,
            |t| if (1.0..11.0).contains(&t) { 15.0 } else { 0.0 },
            |_| 0.0,
        );
        let a = attempts(&s);
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].outcome, Outcome::TooLong);
        assert!(run(&s).is_empty());
    }

    #[test]
    fn left_and_right_in_one_go_is_a_shake_and_each_side_a_turn() {
        // Quick natural shake: 12 degrees left, through the middle, 12 right
        // and back, 0.5 s a side; then, 3 s later, a lone turn.
        let s = series(
            9.0,
            |t| {
                let shake = if (2.0..3.0).contains(&t) {
                    12.0 * (std::f64::consts::TAU * (t - 2.0)).sin() as f32
                } else {
                    0.0
                };
                shake + bump(t, 6.0, 7.5, 12.0)
            },
            |_| 0.0,
        );
        let kinds: Vec<_> = run(&s).iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                EventKind::TurnLeft,
                EventKind::TurnRight,
                EventKind::Shake,
                EventKind::TurnLeft
            ]
        );
        let shake = run(&s)[2].clone();
        assert!(shake.start_s < 2.2 && shake.end_s > 2.8, "{shake:?}");
        assert!((shake.magnitude - 12.0).abs() < 1.5);
    }
}
