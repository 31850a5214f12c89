//! Several attempts side by side: what changed from one to the next.

use super::AttemptLog;
use crate::i18n::{Lang, Msg};
use crate::record::EventKind;

/// A trend over at least two attempts.
#[derive(Clone, Debug, PartialEq)]
pub enum Trend {
    /// Movements of this kind took less time every attempt (seconds).
    Faster(EventKind, Vec<f64>),
    Slower(EventKind, Vec<f64>),
    /// Movements of this kind went further (degrees) every attempt.
    Further(EventKind, Vec<f32>),
    LessFar(EventKind, Vec<f32>),
    /// Prompts passed in each attempt.
    Passed(Vec<usize>),
}

fn monotone<T: PartialOrd + Copy>(v: &[T], rising: bool) -> bool {
    v.len() >= 2
        && v.windows(2)
            .all(|w| if rising { w[1] > w[0] } else { w[1] < w[0] })
}

/// Trends across `attempts`, in order: per kind, the mean movement time and
/// size of that kind in each attempt where it was seen.
pub fn trends(attempts: &[AttemptLog]) -> Vec<Trend> {
    let done: Vec<&AttemptLog> = attempts.iter().filter(|a| !a.results.is_empty()).collect();
    if done.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for kind in EventKind::ALL {
        let mut durs = Vec::new();
        let mut mags = Vec::new();
        for a in &done {
            let seen: Vec<_> = a
                .results
                .iter()
                .filter(|r| r.kind == kind && r.movement_s.is_some())
                .collect();
            if seen.is_empty() {
                continue;
            }
            let n = seen.len() as f64;
            durs.push(seen.iter().filter_map(|r| r.movement_s).sum::<f64>() / n);
            let m: Vec<f32> = seen.iter().filter_map(|r| r.magnitude).collect();
            if !m.is_empty() {
                mags.push(m.iter().sum::<f32>() / m.len() as f32);
            }
        }
        if kind != EventKind::Blink {
            if monotone(&durs, false) {
                out.push(Trend::Faster(kind, durs.clone()));
            } else if monotone(&durs, true) {
                out.push(Trend::Slower(kind, durs.clone()));
            }
            if monotone(&mags, true) {
                out.push(Trend::Further(kind, mags));
            } else if monotone(&mags, false) {
                out.push(Trend::LessFar(kind, mags));
            }
        }
    }
    out.push(Trend::Passed(done.iter().map(|a| a.passed()).collect()));
    out
}

/// One sentence per trend, in `lang`.
pub fn describe(t: &Trend, lang: Lang) -> String {
    let secs = |v: &[f64]| {
        v.iter()
            .map(|d| format!("{d:.1} {}", lang.text(Msg::Seconds)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let degs = |v: &[f32]| {
        v.iter()
            .map(|d| format!("{d:.0}°"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match t {
        Trend::Faster(k, v) => lang.fill(
            Msg::CmpFaster,
            &[("kind", lang.event_name(*k)), ("values", &secs(v))],
        ),
        Trend::Slower(k, v) => lang.fill(
            Msg::CmpSlower,
            &[("kind", lang.event_name(*k)), ("values", &secs(v))],
        ),
        Trend::Further(k, v) => lang.fill(
            Msg::CmpFurther,
            &[("kind", lang.event_name(*k)), ("values", &degs(v))],
        ),
        Trend::LessFar(k, v) => lang.fill(
            Msg::CmpShorter,
            &[("kind", lang.event_name(*k)), ("values", &degs(v))],
        ),
        Trend::Passed(v) => {
            let values = v
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            lang.fill(Msg::CmpPassed, &[("values", &values)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::PromptResult;

    fn attempt(n: u32, turn_s: f64, turn_deg: f32, passed: bool) -> AttemptLog {
        AttemptLog {
            number: n,
            order: vec![EventKind::TurnLeft],
            results: vec![PromptResult {
                kind: EventKind::TurnLeft,
                passed,
                reason: None,
                start_s: 0.0,
                end_s: 1.0,
                start_frame: 0,
                end_frame: 30,
                movement_s: Some(turn_s),
                magnitude: Some(turn_deg),
                tries: Vec::new(),
            }],
            start_s: 0.0,
            end_s: Some(5.0),
        }
    }

    #[test]
    fn turns_that_get_faster_each_time_are_said_so() {
        let a = [
            attempt(1, 2.0, 9.0, true),
            attempt(2, 1.2, 9.5, true),
            attempt(3, 0.5, 8.0, false),
        ];
        let t = trends(&a);
        assert!(t.contains(&Trend::Faster(EventKind::TurnLeft, vec![2.0, 1.2, 0.5])));
        assert!(!t
            .iter()
            .any(|x| matches!(x, Trend::Further(..) | Trend::LessFar(..))));
        assert!(t.contains(&Trend::Passed(vec![1, 1, 0])));
        let s = describe(&t[0], Lang::En);
        assert!(
            s.contains("turn left") && s.contains("faster") && s.contains("0.5"),
            "{s}"
        );
        assert!(describe(&t[0], Lang::Zh).contains("快"));
        assert!(trends(&a[..1]).is_empty());
    }
}
