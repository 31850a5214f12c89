//! What a liveness check asks for, and a movement that was seen.

use serde::{Deserialize, Serialize};

/// What a liveness check asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Blink,
    TurnLeft,
    TurnRight,
    Nod,
}

impl EventKind {
    pub const ALL: [EventKind; 4] = [
        EventKind::Blink,
        EventKind::TurnLeft,
        EventKind::TurnRight,
        EventKind::Nod,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Blink => "blink",
            EventKind::TurnLeft => "turn_left",
            EventKind::TurnRight => "turn_right",
            EventKind::Nod => "nod",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// A detected movement, frames inclusive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub start_frame: u64,
    pub end_frame: u64,
    pub start_s: f64,
    pub end_s: f64,
    /// How far the movement went: for a blink the deepest closure as a
    /// fraction of the open level (1 = fully shut); for turns and nods the
    /// peak angle from the neutral pose in degrees.
    pub magnitude: f32,
}
