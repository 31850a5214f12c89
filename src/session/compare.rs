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

/// How real services limit retries: AWS Face Liveness allows at most this
/// many failed attempts...
pub const SERVICE_MAX_FAILS: usize = 5;
/// ...in this many minutes, then makes the person wait 30-60 minutes
/// (AWS's guidance for Face Liveness, quoted in issue 16).
pub const SERVICE_WINDOW_MIN: u32 = 3;

/// The reason shared by the last attempts that failed in a row, and how
/// many they are (at least two): an attempt's reason is that of its first
/// failed prompt.
pub fn repeated_failure(attempts: &[AttemptLog]) -> Option<(super::FailReason, usize)> {
    let first_fail = |a: &AttemptLog| a.results.iter().find(|r| !r.passed).and_then(|r| r.reason);
    let done: Vec<&AttemptLog> = attempts.iter().filter(|a| !a.results.is_empty()).collect();
    let last = first_fail(done.last()?)?;
    let n = done
        .iter()
        .rev()
        .take_while(|a| first_fail(a) == Some(last))
        .count();
    (n >= 2).then_some((last, n))
}

/// What to tell a person about retrying, in `lang`: how real services limit
/// retries once an attempt failed, and to fix a cause that failed several
/// attempts in a row before trying again.
pub fn retry_advice(attempts: &[AttemptLog], lang: Lang) -> Vec<String> {
    let failed = attempts.iter().any(|a| a.results.iter().any(|r| !r.passed));
    let mut out = Vec::new();
    if let Some((reason, n)) = repeated_failure(attempts) {
        out.push(lang.fill(
            Msg::SameCauseAgain,
            &[
                ("n", &n.to_string()),
                ("reason", lang.text(reason.message())),
            ],
        ));
    }
    if failed {
        out.push(lang.fill(
            Msg::RetryLimits,
            &[
                ("n", &SERVICE_MAX_FAILS.to_string()),
                ("min", &SERVICE_WINDOW_MIN.to_string()),
            ],
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::PromptResult;

    fn attempt(n: u32, turn_s: f64, turn_deg: f32, passed: bool) -> AttemptLog {
        AttemptLog {
            number: n,
            flash: None,
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

    #[test]
    fn the_same_cause_twice_in_a_row_says_to_fix_it_first() {
        use crate::session::FailReason;
        let failing = |n, reason| {
            let mut a = attempt(n, 0.4, 9.0, false);
            a.results[0].reason = Some(reason);
            a
        };
        let passed = [attempt(1, 1.0, 9.0, true)];
        assert_eq!(repeated_failure(&passed), None);
        assert!(retry_advice(&passed, Lang::En).is_empty(), "nothing to say");
        let once = [attempt(1, 1.0, 9.0, true), failing(2, FailReason::TooFast)];
        assert_eq!(repeated_failure(&once), None);
        let advice = retry_advice(&once, Lang::En);
        assert_eq!(advice.len(), 1);
        assert!(
            advice[0].contains('5') && advice[0].contains("3 minutes"),
            "{advice:?}"
        );
        let again = [
            failing(1, FailReason::FaceLost),
            failing(2, FailReason::TooFast),
            failing(3, FailReason::TooFast),
            failing(4, FailReason::TooFast),
        ];
        assert_eq!(repeated_failure(&again), Some((FailReason::TooFast, 3)));
        let zh = retry_advice(&again, Lang::Zh);
        assert_eq!(zh.len(), 2);
        assert!(
            zh[0].contains('3') && zh[0].contains(Lang::Zh.text(FailReason::TooFast.message()))
        );
    }
}
