//! On/off with memory, so a hint neither flickers nor lingers.
//!
//! A condition must hold for `on_after_s` before the hint shows, and be gone
//! for `off_after_s` before it hides. Time comes from the frames, never from
//! a clock.

/// Default time a condition must last before its hint shows. Single-frame
/// conditions on clean footage (a landmark jump, a dip in exposure) last at
/// most a few frames; half a second is longer than any of them on zju-dev and
/// head-dev, yet short enough to feel live (docs/hints.md).
pub const ON_AFTER_S: f64 = 0.5;
/// Default time a condition must be gone before its hint hides.
pub const OFF_AFTER_S: f64 = 1.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Hysteresis {
    pub on_after_s: f64,
    pub off_after_s: f64,
    active: bool,
    /// Since when the raw condition has disagreed with `active`.
    pending_since: Option<f64>,
    /// When the raw condition last agreed with "on" (the hint's true end).
    last_true_s: f64,
    /// When the raw condition first held in the current run.
    first_true_s: f64,
}

/// A change of a hysteresis switch, with the times of the raw condition.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Change {
    /// Turned on; the condition began at this time.
    On { since_s: f64 },
    /// Turned off; the condition last held at this time.
    Off { last_s: f64 },
}

impl Default for Hysteresis {
    fn default() -> Self {
        Hysteresis::new(ON_AFTER_S, OFF_AFTER_S)
    }
}

impl Hysteresis {
    pub fn new(on_after_s: f64, off_after_s: f64) -> Hysteresis {
        Hysteresis {
            on_after_s,
            off_after_s,
            active: false,
            pending_since: None,
            last_true_s: 0.0,
            first_true_s: 0.0,
        }
    }

    pub fn active(&self) -> bool {
        self.active
    }

    /// Feeds the raw condition at time `t`; returns a change, if any.
    pub fn push(&mut self, t: f64, condition: bool) -> Option<Change> {
        if condition {
            self.last_true_s = t;
        }
        if condition == self.active {
            self.pending_since = None;
            return None;
        }
        let since = *self.pending_since.get_or_insert(t);
        if condition && since == t {
            self.first_true_s = t;
        }
        let wait = if condition {
            self.on_after_s
        } else {
            self.off_after_s
        };
        if t - since + 1e-9 < wait {
            return None;
        }
        self.active = condition;
        self.pending_since = None;
        Some(if condition {
            Change::On {
                since_s: self.first_true_s,
            }
        } else {
            Change::Off {
                last_s: self.last_true_s,
            }
        })
    }

    /// Forgets everything (a new session).
    pub fn reset(&mut self) {
        *self = Hysteresis::new(self.on_after_s, self.off_after_s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(h: &mut Hysteresis, cond: impl Fn(f64) -> bool, secs: f64) -> Vec<(f64, Change)> {
        (0..(secs * 30.0) as u32)
            .filter_map(|i| {
                let t = i as f64 / 30.0;
                h.push(t, cond(t)).map(|c| (t, c))
            })
            .collect()
    }

    #[test]
    fn short_blips_do_not_show_and_short_gaps_do_not_hide() {
        let mut h = Hysteresis::default();
        // Blips of 0.2 s every second: never on.
        let blips = run(&mut h, |t| t.fract() < 0.2, 5.0);
        assert!(blips.is_empty(), "{blips:?}");
        // On from 1 s to 4 s with a 0.3 s gap at 2 s: one on, one off.
        let mut h = Hysteresis::default();
        let ch = run(
            &mut h,
            |t| (1.0..4.0).contains(&t) && !(2.0..2.3).contains(&t),
            7.0,
        );
        assert_eq!(ch.len(), 2, "{ch:?}");
        assert!(matches!(ch[0].1, Change::On { since_s } if (since_s - 1.0).abs() < 0.05));
        assert!((ch[0].0 - 1.5).abs() < 0.05);
        assert!(matches!(ch[1].1, Change::Off { last_s } if (last_s - 4.0).abs() < 0.05));
        assert!((ch[1].0 - 5.0).abs() < 0.05);
    }
}
