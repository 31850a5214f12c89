//! Kinds of real check, and the bar each sets for each prompt.
//!
//! | style | prompts | who asks this way | bar |
//! |---|---|---|---|
//! | `actions` | blink, open mouth, shake, nod | the face SDKs of Baidu, Tencent and Alibaba and the apps built on them (眨眼, 张嘴, 摇头, 点头) | Baidu's action config: turns and up/down 8 degrees, shake 10; a quick natural movement is fine (a shake of about 0.3 s each way) |
//! | `turns` | turn left, turn right | Azure- and Onfido-style head-turn checks | 8 degrees (the gentlest published); slow, deliberate turns (at least 0.7 s out and back) |
//! | `oval` | move closer, then the colour flash | AWS Face Liveness (FaceMovementAndLightChallenge), FaceTec | the face fills the large oval at a steady pace and holds (`acceptance::MOVE_CLOSER_*`); the flash in the window only, after a notice (`session::flash`) |
//! | `mixed` | a random draw of four from every prompt | rehearsing for a check not yet known | the gentlest bar of each prompt, the slow speeds |
//!
//! The angles themselves are in `events::acceptance`; this table only picks
//! among them and sets the speeds that differ between styles.

use crate::events::acceptance::{self, NOD_TOO_FAST_S, SHAKE_SIDE_TOO_FAST_S, TURN_TOO_FAST_S};
use crate::record::EventKind;

/// A kind of real check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    Actions,
    Turns,
    Oval,
    #[default]
    Mixed,
}

/// What a movement must reach for one prompt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    /// Least size, in the movement's own unit (`acceptance::minimum`).
    pub min: f32,
    /// Shortest duration that is not too fast, seconds.
    pub too_fast_s: f64,
}

/// What a mixed session draws from: every movement prompt (moving closer
/// needs the large oval of an oval check, so it is asked only by name).
const MIXED: [EventKind; 8] = [
    EventKind::Blink,
    EventKind::TurnLeft,
    EventKind::TurnRight,
    EventKind::Nod,
    EventKind::OpenMouth,
    EventKind::Shake,
    EventKind::LookUp,
    EventKind::LookDown,
];

/// How many prompts a mixed session draws.
pub const MIXED_DRAW: usize = 4;

impl Style {
    pub const ALL: [Style; 4] = [Style::Actions, Style::Turns, Style::Oval, Style::Mixed];

    pub fn code(self) -> &'static str {
        match self {
            Style::Actions => "actions",
            Style::Turns => "turns",
            Style::Oval => "oval",
            Style::Mixed => "mixed",
        }
    }

    pub fn parse(s: &str) -> Option<Style> {
        Style::ALL.into_iter().find(|k| k.code() == s)
    }

    /// The prompts this kind of check asks (a mixed session draws from all).
    pub fn prompts(self) -> &'static [EventKind] {
        match self {
            Style::Actions => &[
                EventKind::Blink,
                EventKind::OpenMouth,
                EventKind::Shake,
                EventKind::Nod,
            ],
            Style::Turns => &[EventKind::TurnLeft, EventKind::TurnRight],
            Style::Oval => &[EventKind::MoveCloser],
            Style::Mixed => &MIXED,
        }
    }

    /// This kind of check ends with the colour flash.
    pub fn flashes(self) -> bool {
        self == Style::Oval
    }

    /// The bar a movement of `kind` must meet in this kind of check.
    pub fn bar(self, kind: EventKind) -> Bar {
        let min = acceptance::minimum(kind);
        let quick = self == Style::Actions;
        let too_fast_s = match kind {
            EventKind::TurnLeft | EventKind::TurnRight if quick => 2.0 * SHAKE_SIDE_TOO_FAST_S,
            EventKind::TurnLeft | EventKind::TurnRight => TURN_TOO_FAST_S,
            EventKind::Shake => 2.0 * SHAKE_SIDE_TOO_FAST_S,
            EventKind::Nod | EventKind::LookUp | EventKind::LookDown => NOD_TOO_FAST_S,
            EventKind::Blink | EventKind::OpenMouth | EventKind::MoveCloser => 0.0,
        };
        Bar { min, too_fast_s }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_style_names_its_prompts_and_parses_back() {
        for s in Style::ALL {
            assert_eq!(Style::parse(s.code()), Some(s));
            assert!(!s.prompts().is_empty());
        }
        assert_eq!(Style::parse("oval "), None);
        assert!(Style::Oval.flashes() && !Style::Mixed.flashes());
    }

    #[test]
    fn action_checks_take_a_quick_turn_that_turn_checks_call_too_fast() {
        let quick = Style::Actions.bar(EventKind::TurnLeft).too_fast_s;
        let slow = Style::Turns.bar(EventKind::TurnLeft).too_fast_s;
        assert!(quick < 0.5 && slow >= 0.7, "{quick} {slow}");
        // A shake must go 10 degrees each way, a turn 8.
        assert!(
            Style::Actions.bar(EventKind::Shake).min > Style::Turns.bar(EventKind::TurnLeft).min
        );
    }
}
