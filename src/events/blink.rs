use super::{Event, Signals};

#[derive(Debug, Default)]
pub struct BlinkDetector {}

impl BlinkDetector {
    pub fn push(&mut self, _s: &Signals) -> Vec<Event> {
        Vec::new()
    }
    pub fn finish(&mut self) -> Vec<Event> {
        Vec::new()
    }
}
