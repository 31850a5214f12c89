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

/// The name of the colour flash among `practice`'s prompts (it is not a
/// movement: `session::flash`).
pub const FLASH_NAME: &str = "colour_flash";

/// Parses `practice`'s list: movement prompts, and `colour_flash` (also
/// `color_flash`) anywhere in it, which is asked after them. Returns the
/// movements and whether the flash was asked.
pub fn parse_practice(s: &str) -> Result<(Vec<EventKind>, bool), String> {
    let mut flash = false;
    let rest: Vec<&str> = s
        .split(',')
        .filter(|p| {
            let n = p.trim().to_ascii_lowercase().replace('-', "_");
            let is_flash = n == FLASH_NAME || n == "color_flash";
            flash |= is_flash;
            !is_flash
        })
        .collect();
    if flash && rest.iter().all(|p| p.trim().is_empty()) {
        return Ok((Vec::new(), true));
    }
    parse_challenges(&rest.join(",")).map(|k| (k, flash))
}

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
        assert_eq!(
            parse_practice("move_closer, colour_flash"),
            Ok((vec![EventKind::MoveCloser], true))
        );
        assert_eq!(parse_practice("color-flash"), Ok((vec![], true)));
        assert_eq!(parse_practice("nod"), Ok((vec![EventKind::Nod], false)));
        assert!(parse_practice("colour_flash,wink").is_err());
    }
}
