//! Glasses over time. Glasses do not come and go between frames, but a
//! thin metal rim at webcam resolution shows in some frames and not others
//! (the light on it, the angle of the head). So the glasses condition is
//! the share of the last second's frames whose own evidence holds
//! ([`super::OcclusionMeasures::glasses`]), not any single frame.
//!
//! Measured on zju-dev (every 3rd frame, `examples/measure_occlusion.rs`,
//! share simulated over the CSV it writes; docs/occlusion.md): with a
//! share of at least 0.2 over 1 s, held 0.5 s, the thin-rim (FTN) and
//! black-frame (FBN) clips raise glasses 20 of 20 (18 of 20 with glare
//! spots added), about 90% of their frames; no clean clip (FNN, UNN, and
//! those with a mask, a hand, a brim or glare spots drawn) has a single
//! window above 0. A still is one frame: its share is 0 or 1.

use std::collections::VecDeque;

/// The span of frames the share is taken over (seconds of stream time).
pub const GLASSES_WINDOW_S: f64 = 1.0;

/// Share of the window's frames with glasses evidence at or above which
/// glasses are reported: clean clips never exceed 0 (one isolated frame
/// in 454 at most), thin rims are above it in 90% of their windows.
pub const GLASSES_MIN_SHARE: f32 = 0.2;

/// The share of recent frames with glasses evidence.
#[derive(Clone, Debug, Default)]
pub struct GlassesMeter {
    /// (frame time, evidence) of the frames in the window, oldest first.
    votes: VecDeque<(f64, bool)>,
}

impl GlassesMeter {
    /// Adds a frame's evidence (`None` without a face: the frame is not
    /// counted) and returns the share over the last [`GLASSES_WINDOW_S`],
    /// `None` while no frame with a face is in the window. Time going
    /// backwards (a new clip) restarts the window.
    pub fn push(&mut self, t: f64, evidence: Option<bool>) -> Option<f32> {
        if self.votes.back().is_some_and(|&(last, _)| t < last) {
            self.votes.clear();
        }
        if let Some(e) = evidence {
            self.votes.push_back((t, e));
        }
        while self
            .votes
            .front()
            .is_some_and(|&(first, _)| t - first >= GLASSES_WINDOW_S)
        {
            self.votes.pop_front();
        }
        if self.votes.is_empty() {
            return None;
        }
        let yes = self.votes.iter().filter(|&&(_, e)| e).count();
        Some(yes as f32 / self.votes.len() as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_of_the_last_second() {
        let mut m = GlassesMeter::default();
        assert_eq!(m.push(0.0, None), None);
        // 30 fps, evidence on every 4th frame: a quarter of the window.
        let mut last = None;
        for i in 0..90 {
            last = m.push(i as f64 / 30.0, Some(i % 4 == 0));
        }
        let share = last.expect("share");
        assert!((share - 0.25).abs() < 0.02, "{share}");
        assert!(share >= GLASSES_MIN_SHARE);
        // One isolated frame in a clean second stays below the threshold.
        let mut m = GlassesMeter::default();
        for i in 0..30 {
            last = m.push(i as f64 / 30.0, Some(i == 10));
        }
        assert!(last.expect("share") < GLASSES_MIN_SHARE);
    }

    #[test]
    fn frames_without_a_face_are_not_counted_and_old_votes_expire() {
        let mut m = GlassesMeter::default();
        for i in 0..30 {
            m.push(i as f64 / 30.0, Some(true));
        }
        // Two seconds without a face: the window empties.
        let mut last = Some(1.0);
        for i in 30..90 {
            last = m.push(i as f64 / 30.0, None);
        }
        assert_eq!(last, None);
        assert_eq!(m.push(3.0, Some(false)), Some(0.0));
    }

    #[test]
    fn a_still_is_judged_by_its_one_frame_and_time_going_back_restarts() {
        let mut m = GlassesMeter::default();
        assert_eq!(m.push(0.0, Some(true)), Some(1.0));
        let mut m2 = GlassesMeter::default();
        for i in 0..30 {
            m2.push(i as f64 / 30.0, Some(true));
        }
        // A new clip from t = 0: the old clip's votes are gone.
        assert_eq!(m2.push(0.0, Some(false)), Some(0.0));
    }
}
