//! Several recordings of attempts side by side: what changed between them.

use super::json::AnalysisDoc;
use super::verdict::{percent, Outcome, Verdict};
use crate::i18n::{Lang, Msg};
use crate::record::EventKind;
use crate::record::HintCode;
use crate::session::{compare, AttemptLog, PromptResult};
use std::collections::BTreeMap;

/// A change in a problem's share smaller than this is not called better or
/// worse (a few frames of hysteresis either way).
pub const SHARE_CHANGE: f64 = 0.05;
/// A change in mean face brightness (0-255) worth saying: a quarter of the
/// way from too dark (60) to a well-lit face (about 120-160, docs/lighting.md).
pub const BRIGHTNESS_CHANGE: f32 = 15.0;

/// The numbers of one attempt that are compared.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub outcome: Outcome,
    pub duration_s: f64,
    pub face_fraction: f64,
    /// Counted movements per kind, in `EventKind::ALL` order.
    pub counts: [usize; EventKind::ALL.len()],
    /// Mean face brightness over the frames with a face.
    pub brightness: Option<f32>,
    /// Share of the attempt each problem covered.
    pub shares: BTreeMap<HintCode, f64>,
}

pub fn summarize(doc: &AnalysisDoc, verdict: &Verdict) -> Summary {
    let lumas: Vec<f32> = doc
        .frames
        .iter()
        .filter_map(|f| f.face_luma)
        .filter(|v| v.is_finite())
        .collect();
    let shares = verdict
        .reasons
        .iter()
        .chain(&verdict.minor)
        .filter_map(|r| match r.cause {
            super::verdict::Cause::Issue(c) => Some((c, r.fraction)),
            _ => None,
        })
        .collect();
    Summary {
        outcome: verdict.outcome,
        duration_s: doc.frames.last().map_or(0.0, |f| f.time_s.max(0.0)),
        face_fraction: verdict.face_fraction,
        counts: EventKind::ALL.map(|k| doc.events.iter().filter(|e| e.kind == k).count()),
        brightness: (!lumas.is_empty()).then(|| lumas.iter().sum::<f32>() / lumas.len() as f32),
        shares,
    }
}

fn list<T>(v: &[T], f: impl Fn(&T) -> String) -> String {
    v.iter().map(f).collect::<Vec<_>>().join(" → ")
}

/// One sentence per change from the first attempt to the last, in `lang`.
/// `prompts`: each attempt's prompt verdicts, when the prompts are known.
pub fn changes(s: &[Summary], prompts: Option<&[Vec<PromptResult>]>, lang: Lang) -> Vec<String> {
    let (Some(first), Some(last)) = (s.first(), s.last()) else {
        return Vec::new();
    };
    if s.len() < 2 {
        return Vec::new();
    }
    let mut out = Vec::new();
    if s.iter().any(|a| a.outcome != first.outcome) {
        let v = list(s, |a| lang.text(a.outcome.texts().0).to_string());
        out.push(lang.fill(Msg::CmpVerdicts, &[("values", &v)]));
    }
    for code in HintCode::ALL {
        if !s.iter().any(|a| a.shares.contains_key(&code)) {
            continue;
        }
        let share = |a: &Summary| a.shares.get(&code).copied().unwrap_or(0.0);
        let (a, b) = (share(first), share(last));
        let msg = if a > 0.0 && b == 0.0 {
            Msg::CmpFixed
        } else if a == 0.0 && b > 0.0 {
            Msg::CmpNew
        } else if b < a - SHARE_CHANGE {
            Msg::CmpBetter
        } else if b > a + SHARE_CHANGE {
            Msg::CmpWorse
        } else {
            continue;
        };
        let values = list(s, |x| percent(share(x)));
        out.push(lang.fill(
            msg,
            &[("issue", lang.text(code.messages().0)), ("values", &values)],
        ));
    }
    for (i, kind) in EventKind::ALL.into_iter().enumerate() {
        if s.iter().any(|a| a.counts[i] != first.counts[i]) {
            let values = list(s, |a| a.counts[i].to_string());
            out.push(lang.fill(
                Msg::CmpCounts,
                &[("kind", lang.event_name(kind)), ("values", &values)],
            ));
        }
    }
    if let (Some(a), Some(b)) = (first.brightness, last.brightness) {
        if (b - a).abs() >= BRIGHTNESS_CHANGE {
            let values = list(s, |x| {
                x.brightness.map_or("–".into(), |v| format!("{v:.0}"))
            });
            out.push(lang.fill(Msg::CmpBrightness, &[("values", &values)]));
        }
    }
    if let Some(p) = prompts {
        let logs: Vec<AttemptLog> = p
            .iter()
            .enumerate()
            .map(|(i, r)| AttemptLog {
                number: i as u32 + 1,
                order: r.iter().map(|x| x.kind).collect(),
                results: r.clone(),
                flash: None,
                start_s: 0.0,
                end_s: None,
            })
            .collect();
        out.extend(
            compare::trends(&logs)
                .iter()
                .map(|t| compare::describe(t, lang)),
        );
    }
    if out.is_empty() {
        out.push(lang.text(Msg::CmpNothing).to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(outcome: Outcome, dark: f64, blinks: usize, luma: f32) -> Summary {
        let mut shares = BTreeMap::new();
        if dark > 0.0 {
            shares.insert(HintCode::TooDark, dark);
        }
        Summary {
            outcome,
            duration_s: 10.0,
            face_fraction: 1.0,
            counts: [blinks, 1, 0, 0, 0, 0, 0, 0, 0],
            brightness: Some(luma),
            shares,
        }
    }

    #[test]
    fn a_fixed_light_and_more_blinks_are_said() {
        let s = [
            summary(Outcome::Fail, 0.8, 0, 40.0),
            summary(Outcome::Fail, 0.3, 1, 70.0),
            summary(Outcome::Pass, 0.0, 2, 130.0),
        ];
        let c = changes(&s, None, Lang::En);
        assert!(
            c.iter()
                .any(|l| l.starts_with("Verdict") && l.contains("Likely to pass")),
            "{c:?}"
        );
        assert!(
            c.iter()
                .any(|l| l.starts_with("Fixed") && l.contains("80% → 30% → 0%")),
            "{c:?}"
        );
        assert!(
            c.iter()
                .any(|l| l.contains("blink") && l.contains("0 → 1 → 2")),
            "{c:?}"
        );
        assert!(c.iter().any(|l| l.contains("40 → 70 → 130")), "{c:?}");
        let zh = changes(&s, None, Lang::Zh);
        assert!(zh.iter().any(|l| l.starts_with("已解决")), "{zh:?}");
        let same = [
            summary(Outcome::Pass, 0.0, 1, 120.0),
            summary(Outcome::Pass, 0.0, 1, 121.0),
        ];
        assert_eq!(
            changes(&same, None, Lang::En),
            vec![Lang::En.text(Msg::CmpNothing)]
        );
        assert!(changes(&same[..1], None, Lang::En).is_empty());
    }
}
