//! Wall-clock timing of the pipeline stages (the only clock in the analysis path).

use crate::vision::{Stage, StageObserver};
use std::time::{Duration, Instant};

/// Adds the time since the previous mark to the stage that just finished.
/// Optionally keeps every frame's per-stage times for percentiles.
pub struct StageTimer {
    last: Instant,
    pub totals: [Duration; Stage::ALL.len()],
    current: [Duration; Stage::ALL.len()],
    /// Per-frame times, one row per frame, when `keep_frames` is set.
    pub per_frame: Vec<[Duration; Stage::ALL.len()]>,
    keep_frames: bool,
}

impl StageTimer {
    pub fn new(keep_frames: bool) -> StageTimer {
        StageTimer {
            last: Instant::now(),
            totals: Default::default(),
            current: Default::default(),
            per_frame: Vec::new(),
            keep_frames,
        }
    }

    /// Restarts the clock without charging the gap to any stage.
    pub fn restart(&mut self) {
        self.last = Instant::now();
    }

    /// Closes the current frame's row (kept when `keep_frames` is set).
    pub fn end_frame(&mut self) {
        if self.keep_frames {
            self.per_frame.push(self.current);
        }
        self.current = Default::default();
    }

    /// Forgets the kept rows (a new measuring interval).
    pub fn clear_frames(&mut self) {
        self.per_frame.clear();
    }

    pub fn total(&self, stage: Stage) -> Duration {
        self.totals[stage as usize]
    }
}

impl StageObserver for StageTimer {
    fn finished(&mut self, stage: Stage) {
        let now = Instant::now();
        let d = now - self.last;
        self.last = now;
        self.totals[stage as usize] += d;
        self.current[stage as usize] += d;
    }
}
