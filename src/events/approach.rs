//! `move_closer`: the face comes closer until it fills the large oval,
//! steadily, and holds there (AWS Face Liveness, FaceTec).
//!
//! One tracker over the face's size (the landmarks' box height over the
//! frame height, `Signals::face_size`) serves both the clip's event list
//! and the session's prompt judge, so `analyze` and `practice` agree on
//! what an approach is. The levels are `acceptance::MOVE_CLOSER_*`.

use super::acceptance::{
    MOVE_CLOSER_FILL, MOVE_CLOSER_GAP_S, MOVE_CLOSER_GROWTH, MOVE_CLOSER_HOLD_S, MOVE_CLOSER_JUMP,
    MOVE_CLOSER_JUMP_S, MOVE_CLOSER_WINDOW_S,
};
use crate::record::{Event, EventKind};
use std::collections::VecDeque;

/// What one frame did to an approach.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Step {
    Nothing,
    /// The face grew more than `MOVE_CLOSER_JUMP` within
    /// `MOVE_CLOSER_JUMP_S` (since `from_s`): a jump, not an approach. The
    /// approach is measured again from here.
    Jumped {
        from_s: f64,
        size: f32,
    },
    /// The face filled the oval, having grown from its low point at
    /// `(from_s, from_frame)`, and held it.
    Filled {
        from_s: f64,
        from_frame: u64,
        size: f32,
    },
}

/// One approach under way.
#[derive(Clone, Debug, Default)]
pub struct Approach {
    /// Sizes of the last `MOVE_CLOSER_WINDOW_S`, for the low point:
    /// (time, frame, size).
    history: VecDeque<(f64, u64, f32)>,
    filled_since: Option<f64>,
    /// The largest size seen since the last restart.
    pub largest: f32,
}

impl Approach {
    /// Feeds one frame's face size (`None`: no face).
    pub fn push(&mut self, t: f64, frame: u64, size: Option<f32>) -> Step {
        let Some(size) = size.filter(|v| v.is_finite() && *v > 0.0) else {
            return Step::Nothing;
        };
        if self
            .history
            .back()
            .is_some_and(|(t0, _, _)| t - t0 > MOVE_CLOSER_GAP_S)
        {
            // The face was lost too long: this is another approach.
            self.restart();
        }
        while self
            .history
            .front()
            .is_some_and(|(t0, _, _)| t - t0 > MOVE_CLOSER_WINDOW_S)
        {
            self.history.pop_front();
        }
        self.largest = self.largest.max(size);
        let recent = self
            .history
            .iter()
            .rev()
            .take_while(|(t0, _, _)| t - t0 <= MOVE_CLOSER_JUMP_S);
        let (smallest, from_s) = recent.fold((f32::INFINITY, t), |(s, _), r| (s.min(r.2), r.0));
        if size > smallest * MOVE_CLOSER_JUMP {
            self.history.clear();
            self.history.push_back((t, frame, size));
            self.filled_since = None;
            return Step::Jumped { from_s, size };
        }
        // The low point: the smallest size in the window (its latest frame).
        let low = self
            .history
            .iter()
            .fold(None::<(f64, u64, f32)>, |acc, &r| match acc {
                Some(a) if a.2 < r.2 => Some(a),
                _ => Some(r),
            })
            .unwrap_or((t, frame, size));
        self.history.push_back((t, frame, size));
        let filled = size >= MOVE_CLOSER_FILL && size >= low.2 * MOVE_CLOSER_GROWTH;
        match (filled, self.filled_since) {
            (true, None) => self.filled_since = Some(t),
            (true, Some(since)) if t - since >= MOVE_CLOSER_HOLD_S => {
                return Step::Filled {
                    from_s: low.0,
                    from_frame: low.1,
                    size,
                };
            }
            (false, _) => self.filled_since = None,
            _ => {}
        }
        Step::Nothing
    }

    /// Forgets the sizes seen: the next approach is measured from the next
    /// frame.
    pub fn restart(&mut self) {
        *self = Approach::default();
    }
}

/// `move_closer` events over a whole clip: every steady approach that
/// filled the oval and held. After one, the next waits until the face has
/// moved back out of the oval's size.
#[derive(Clone, Debug, Default)]
pub struct ApproachDetector {
    approach: Approach,
    /// An approach was reported and the face is still close.
    close: bool,
}

impl ApproachDetector {
    pub fn push(&mut self, s: &super::Signals) -> Option<Event> {
        if self.close {
            match s.face_size {
                Some(v) if v < MOVE_CLOSER_FILL => {
                    self.close = false;
                    self.approach.restart();
                }
                _ => return None,
            }
        }
        match self.approach.push(s.time_s, s.index, s.face_size) {
            Step::Filled {
                from_s,
                from_frame,
                size,
            } => {
                self.close = true;
                Some(Event {
                    kind: EventKind::MoveCloser,
                    start_frame: from_frame,
                    end_frame: s.index,
                    start_s: from_s,
                    end_s: s.time_s,
                    magnitude: size,
                })
            }
            Step::Jumped { .. } | Step::Nothing => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Signals;

    fn at(i: u64, fps: f64, size: f32) -> Signals {
        Signals {
            index: i,
            time_s: i as f64 / fps,
            face_size: Some(size),
            ..Default::default()
        }
    }

    /// A face growing linearly from `from` to `to` over `secs`, then held
    /// for `hold` seconds, at 30 fps.
    fn series(from: f32, to: f32, secs: f64, hold: f64) -> Vec<Signals> {
        let n = (secs * 30.0) as u64;
        let m = ((secs + hold) * 30.0) as u64;
        (0..m)
            .map(|i| {
                let k = (i.min(n) as f32) / n as f32;
                at(i, 30.0, from + (to - from) * k)
            })
            .collect()
    }

    fn events(s: &[Signals]) -> Vec<Event> {
        let mut d = ApproachDetector::default();
        s.iter().filter_map(|s| d.push(s)).collect()
    }

    #[test]
    fn a_steady_approach_that_holds_is_one_event_from_its_low_point() {
        let e = events(&series(0.45, 0.8, 2.0, 1.0));
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].start_frame, 0);
        // Filled at 0.75 (frame ~51), held 0.5 s more.
        assert!((e[0].end_s - (1.71 + 0.5)).abs() < 0.1, "{e:?}");
        assert!(e[0].magnitude >= MOVE_CLOSER_FILL);
    }

    #[test]
    fn an_approach_that_does_not_hold_or_fill_is_no_event() {
        assert!(events(&series(0.45, 0.78, 2.0, 0.2)).is_empty());
        assert!(events(&series(0.45, 0.7, 2.0, 2.0)).is_empty());
        // Already close: it did not grow by MOVE_CLOSER_GROWTH.
        assert!(events(&series(0.7, 0.8, 1.0, 2.0)).is_empty());
    }

    #[test]
    fn a_jump_is_no_approach() {
        let mut s: Vec<Signals> = (0..30).map(|i| at(i, 30.0, 0.45)).collect();
        s.extend((30..90).map(|i| at(i, 30.0, 0.8)));
        assert!(events(&s).is_empty());
        let mut a = Approach::default();
        let steps: Vec<Step> = s
            .iter()
            .map(|s| a.push(s.time_s, s.index, s.face_size))
            .collect();
        assert!(steps.iter().any(|s| matches!(s, Step::Jumped { .. })));
    }

    #[test]
    fn staying_close_is_one_event_and_coming_back_again_another() {
        let mut s = series(0.45, 0.8, 2.0, 3.0);
        let back = series(0.8, 0.5, 2.0, 1.0);
        let again = series(0.5, 0.8, 2.0, 1.0);
        let first = s.len() as u64;
        for (i, x) in (first..).zip(back.into_iter().chain(again)) {
            s.push(at(i, 30.0, x.face_size.unwrap_or(0.0)));
        }
        assert_eq!(events(&s).len(), 2);
    }
}
