//! Per-person levels learned as the clip runs: a rolling quantile over a
//! time window, for the open-eye level and the neutral head pose.
//!
//! People differ (narrow eyes, glasses, a camera below the face), so the
//! detectors compare each frame with this person's own recent level, not
//! with a constant.

use std::collections::VecDeque;

/// The `q`-quantile of the values seen in the last `window_s` seconds.
#[derive(Clone, Debug)]
pub struct RollingQuantile {
    window_s: f64,
    q: f32,
    samples: VecDeque<(f64, f32)>,
    scratch: Vec<f32>,
}

impl RollingQuantile {
    pub fn new(window_s: f64, q: f32) -> RollingQuantile {
        RollingQuantile {
            window_s,
            q: q.clamp(0.0, 1.0),
            samples: VecDeque::new(),
            scratch: Vec::new(),
        }
    }

    /// Adds a value at time `t` and forgets values older than the window.
    pub fn push(&mut self, t: f64, v: f32) {
        if !v.is_finite() {
            return;
        }
        // A time that runs backwards (a new clip) starts the window afresh.
        if self.samples.back().is_some_and(|&(last, _)| t < last) {
            self.samples.clear();
        }
        self.samples.push_back((t, v));
        while self
            .samples
            .front()
            .is_some_and(|&(t0, _)| t - t0 > self.window_s)
        {
            self.samples.pop_front();
        }
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The quantile of the window, `None` while it is empty.
    pub fn value(&mut self) -> Option<f32> {
        self.quantile(self.q)
    }

    /// Any quantile of the current window.
    pub fn quantile(&mut self, q: f32) -> Option<f32> {
        if self.samples.is_empty() {
            return None;
        }
        self.scratch.clear();
        self.scratch.extend(self.samples.iter().map(|s| s.1));
        let k = ((self.scratch.len() - 1) as f32 * q.clamp(0.0, 1.0)).round() as usize;
        let (_, v, _) = self.scratch.select_nth_unstable_by(k, f32::total_cmp);
        Some(*v)
    }

    pub fn clear(&mut self) {
        self.samples.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_ignores_short_dips_and_forgets_old_values() {
        let mut q = RollingQuantile::new(1.0, 0.5);
        assert_eq!(q.value(), None);
        for i in 0..30 {
            // Open eyes at 0.3 with a three-frame dip to 0.05.
            let v = if (10..13).contains(&i) { 0.05 } else { 0.3 };
            q.push(i as f64 / 30.0, v);
        }
        assert_eq!(q.value(), Some(0.3));
        for i in 30..90 {
            q.push(i as f64 / 30.0, 0.2);
        }
        assert_eq!(q.value(), Some(0.2));
        assert!(q.len() <= 31);
        q.push(f64::NAN, f32::NAN);
        q.push(0.0, 0.5); // time went back: a fresh window
        assert_eq!(q.len(), 1);
    }
}
