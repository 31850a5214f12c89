//! Which prompts a session asks, in which order.
//!
//! Real checks draw a random order so a replayed video cannot anticipate it;
//! here the order is random too, but repeatable with a seed, so a person can
//! rehearse the same order again and a recording can be replayed through it.

use crate::record::EventKind;

/// Prompts asked when neither prompts nor a style are given: the four every
/// kind of check uses.
pub const DEFAULT_CHALLENGES: [EventKind; 4] = [
    EventKind::Blink,
    EventKind::TurnLeft,
    EventKind::TurnRight,
    EventKind::Nod,
];

/// The prompt order of attempt `attempt` (0-based): `challenges` shuffled
/// with `seed` when `shuffle`, as given otherwise.
pub fn order(challenges: &[EventKind], seed: u64, attempt: u32, shuffle: bool) -> Vec<EventKind> {
    let mut v = challenges.to_vec();
    if shuffle {
        let mut rng =
            fastrand::Rng::with_seed(seed ^ (attempt as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.shuffle(&mut v);
    }
    v
}

const ALL_NAMES: &str =
    "blink, turn_left, turn_right, nod, open_mouth, shake, look_up, look_down or move_closer";

/// Parses `blink,turn_left,nod` (also `left`, `right`, `turn-left`).
pub fn parse_challenges(s: &str) -> Result<Vec<EventKind>, String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let norm = part.to_ascii_lowercase().replace('-', "_");
        let kind = match norm.as_str() {
            "left" => Some(EventKind::TurnLeft),
            "right" => Some(EventKind::TurnRight),
            other => EventKind::parse(other),
        };
        match kind {
            Some(k) => out.push(k),
            None => return Err(format!("unknown prompt `{part}`: use {}", ALL_NAMES)),
        }
    }
    if out.is_empty() {
        return Err(format!("no prompts given: use {ALL_NAMES}"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_orders_repeat_and_differ_between_seeds() {
        let a = order(&DEFAULT_CHALLENGES, 7, 0, true);
        assert_eq!(a, order(&DEFAULT_CHALLENGES, 7, 0, true));
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, DEFAULT_CHALLENGES.to_vec());
        // Over a handful of seeds, more than one order appears.
        let distinct: std::collections::HashSet<_> = (0..20)
            .map(|s| order(&DEFAULT_CHALLENGES, s, 0, true))
            .collect();
        assert!(distinct.len() > 5);
        assert_eq!(
            order(&[EventKind::Nod, EventKind::Blink], 1, 0, false),
            vec![EventKind::Nod, EventKind::Blink]
        );
    }

    #[test]
    fn challenge_lists_parse_or_say_what_is_wrong() {
        assert_eq!(
            parse_challenges("blink, left,turn-right,nod"),
            Ok(vec![
                EventKind::Blink,
                EventKind::TurnLeft,
                EventKind::TurnRight,
                EventKind::Nod
            ])
        );
        assert!(parse_challenges("wink").unwrap_err().contains("wink"));
        assert!(parse_challenges(",").is_err());
    }
}
