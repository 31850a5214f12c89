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
    /// 张嘴: open the mouth wide and close it.
    OpenMouth,
    /// 摇头: turn left and right (either order) and back to the middle.
    Shake,
    /// 抬头: look up and back.
    LookUp,
    /// 低头: look down and back (slower than a nod may be).
    LookDown,
    /// Come closer until the face fills the large oval, steadily, and hold
    /// (AWS Face Liveness, FaceTec). Judged by the session from the face's
    /// size, not an event of the detectors.
    MoveCloser,
}

impl EventKind {
    pub const ALL: [EventKind; 9] = [
        EventKind::Blink,
        EventKind::TurnLeft,
        EventKind::TurnRight,
        EventKind::Nod,
        EventKind::OpenMouth,
        EventKind::Shake,
        EventKind::LookUp,
        EventKind::LookDown,
        EventKind::MoveCloser,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Blink => "blink",
            EventKind::TurnLeft => "turn_left",
            EventKind::TurnRight => "turn_right",
            EventKind::Nod => "nod",
            EventKind::OpenMouth => "open_mouth",
            EventKind::Shake => "shake",
            EventKind::LookUp => "look_up",
            EventKind::LookDown => "look_down",
            EventKind::MoveCloser => "move_closer",
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
    /// fraction of the open level (1 = fully shut); for turns, nods, looks
    /// up and down the peak angle from the neutral pose in degrees (a
    /// shake: the smaller of its two sides); for an open mouth the rise of
    /// the mouth aspect ratio above the person's closed level.
    pub magnitude: f32,
}
