//! Open-mouth events (张嘴): the mouth opens clearly beyond this person's
//! own closed level and closes again.
//!
//! The closed level is the `CLOSED_QUANTILE` of the last `WINDOW_S` seconds
//! of the mouth aspect ratio (`measure::mouth`): lips at rest, or the small
//! gaps between words when the person talks. An opening starts when the
//! ratio rises `OPEN_RISE * ENTER_FRACTION` above that level, counts when it
//! reaches `OPEN_RISE` above it (and at least `OPEN_MIN` in all), and ends
//! when the mouth is back under the entry rise and half its peak rise; the
//! next one starts only after the mouth has closed to half the entry rise. Talking opens the mouth
//! too, but not that far: `OPEN_RISE` sits above what natural speech reaches
//! on head-dev's talking clip (docs/mouth.md gives the measurement and the
//! command).

use super::{Attempt, Event, EventKind, Outcome, Signals};
use crate::measure::baseline::RollingQuantile;

/// Seconds of history the closed level is learned from.
pub const WINDOW_S: f64 = 4.0;
/// Quantile of recent mouth openness taken as the closed level.
pub const CLOSED_QUANTILE: f32 = 0.2;
/// How far above the closed level the mouth must open to count.
pub const OPEN_RISE: f32 = 0.35;
/// Least mouth aspect ratio of an opening that counts, whatever the level.
pub const OPEN_MIN: f32 = 0.35;
/// An opening starts at this fraction of `OPEN_RISE`.
pub const ENTER_FRACTION: f32 = 0.5;
/// An opening must close again within this time.
pub const MAX_S: f64 = 5.0;
/// Frames of history needed before the closed level is trusted.
pub const MIN_FRAMES: usize = 8;

#[derive(Debug, Clone, Copy)]
struct Open {
    start: Signals,
    peak: f32,
    level: f32,
}

/// Finds open-mouth events and near misses in a stream of frames.
#[derive(Debug, Clone)]
pub struct MouthDetector {
    level: RollingQuantile,
    open: Option<Open>,
    /// After an opening, the mouth must close near its level before the
    /// next one starts.
    armed: bool,
    last: Option<Signals>,
    /// The latest closed level, for display and reports.
    pub closed_level: Option<f32>,
}

impl Default for MouthDetector {
    fn default() -> Self {
        MouthDetector {
            level: RollingQuantile::new(WINDOW_S, CLOSED_QUANTILE),
            open: None,
            armed: true,
            last: None,
            closed_level: None,
        }
    }
}

impl MouthDetector {
    /// The opening under way: (start time, peak rise so far).
    pub fn in_progress(&self) -> Option<(f64, f32)> {
        self.open.map(|o| (o.start.time_s, o.peak - o.level))
    }

    /// Feeds one frame; returns an opening that closed on it, counted
    /// (`Outcome::Done`) or not. Its magnitude is the rise above the closed
    /// level at its widest.
    pub fn push(&mut self, s: &Signals) -> Option<Attempt> {
        let Some(m) = s.mouth else {
            self.open = None;
            self.last = None;
            return None;
        };
        // The level is frozen while the mouth is open: a long opening must
        // not become the person's closed level.
        if self.open.is_none() {
            self.level.push(s.time_s, m);
        }
        if self.level.len() < MIN_FRAMES {
            self.last = Some(*s);
            return None;
        }
        let level = self.level.value()?;
        self.closed_level = Some(level);
        let enter = OPEN_RISE * ENTER_FRACTION;
        let mut out = None;
        match self.open {
            None if !self.armed => self.armed = m - level < enter * 0.5,
            None => {
                if m - level > enter {
                    self.open = Some(Open {
                        start: *s,
                        peak: m,
                        level,
                    });
                }
            }
            Some(mut o) => {
                o.peak = o.peak.max(m);
                let rise = o.peak - o.level;
                if m - o.level < enter && m - o.level < rise * 0.5 {
                    let end = self.last.unwrap_or(*s);
                    let outcome = if rise < OPEN_RISE || o.peak < OPEN_MIN {
                        Outcome::TooSmall
                    } else if end.time_s - o.start.time_s > MAX_S {
                        Outcome::TooLong
                    } else {
                        Outcome::Done
                    };
                    out = Some(Attempt {
                        event: Event {
                            kind: EventKind::OpenMouth,
                            start_frame: o.start.index,
                            end_frame: end.index,
                            start_s: o.start.time_s,
                            end_s: end.time_s,
                            magnitude: rise,
                        },
                        outcome,
                    });
                    self.open = None;
                    self.armed = false;
                } else {
                    self.open = Some(o);
                }
            }
        }
        self.last = Some(*s);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 30 fps: mouth openness from a function of time, with 0.01 jitter.
    fn run(secs: f64, mouth: impl Fn(f64) -> f32) -> Vec<Attempt> {
        let mut d = MouthDetector::default();
        (0..(secs * 30.0) as u64)
            .filter_map(|i| {
                let t = i as f64 / 30.0;
                let jitter = ((i * 7919) % 11) as f32 / 11.0 * 0.02 - 0.01;
                d.push(&Signals {
                    index: i,
                    time_s: t,
                    mouth: Some(mouth(t) + jitter),
                    ..Default::default()
                })
            })
            .collect()
    }

    fn bump(t: f64, t0: f64, t1: f64, peak: f32) -> f32 {
        if t <= t0 || t >= t1 {
            0.0
        } else {
            peak * (std::f64::consts::PI * (t - t0) / (t1 - t0)).sin() as f32
        }
    }

    #[test]
    fn a_wide_opening_counts_and_talking_does_not() {
        // Lips at rest (0.05), an opening to 0.6 at 2-3.5 s.
        let o = run(6.0, |t| 0.05 + bump(t, 2.0, 3.5, 0.55));
        assert_eq!(o.len(), 1, "{o:?}");
        assert_eq!(o[0].outcome, Outcome::Done);
        assert!((o[0].event.start_s - 2.0).abs() < 0.5);
        // Talking: syllables of 0.1-0.25 four times a second never count.
        let o = run(8.0, |t| {
            0.05 + (0.1 + 0.15 * ((t * 1.3).sin() as f32).abs())
                * ((t * 4.0 * std::f64::consts::PI).sin() as f32).max(0.0)
        });
        assert!(o.iter().all(|o| o.outcome != Outcome::Done), "{o:?}");
    }

    #[test]
    fn a_half_opening_is_a_near_miss_and_a_held_one_too_long() {
        let o = run(6.0, |t| 0.05 + bump(t, 2.0, 3.0, 0.25));
        assert_eq!(o.len(), 1, "{o:?}");
        assert_eq!(o[0].outcome, Outcome::TooSmall);
        assert!(o[0].event.magnitude > 0.2);
        let o = run(12.0, |t| if (2.0..9.0).contains(&t) { 0.6 } else { 0.05 });
        assert_eq!(o.len(), 1, "{o:?}");
        assert_eq!(o[0].outcome, Outcome::TooLong, "held 7 s");
    }
}
