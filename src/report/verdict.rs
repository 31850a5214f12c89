//! The verdict at the top of a report: would this attempt likely pass, and
//! if not, why, biggest reason first.
//!
//! A reason's weight is the fraction of the attempt's frames it covered: a
//! problem that lasted the whole recording outranks one that flickered past.
//! Hints are what a check watches for (docs/hints.md); prompts that failed
//! (when the prompts are known) are reasons too, weighted by the time they
//! were asked.

use super::json::AnalysisDoc;
use crate::i18n::{Lang, Msg};
use crate::record::EventKind;
use crate::record::HintCode;
use crate::session::{FailReason, PromptResult};

/// A problem covering at least this fraction of the attempt decides the
/// verdict; shorter ones are listed as minor. A hint already needs half a
/// second to show (`hints::hysteresis::ON_AFTER_S`), so anything listed was
/// there for real; a tenth of a typical 10-20 s attempt is 1-2 s, about the
/// length of one prompt's movement, which is what one bad stretch can spoil.
pub const FAIL_FRACTION: f64 = 0.1;

/// Fewest frames with a face before a recording can be called still.
pub const STILL_MIN_FRAMES: usize = 10;
/// A recording is still when, from one frame with a face to the next, yaw
/// and pitch typically (the median step) move less than this (degrees),
/// and no movement was found. Repeated frames of a photo measure the same
/// once the face tracker has settled on it: median steps of at most 0.003
/// (yaw) and 0.016 (pitch) degrees on 1.5-3 s clips of the astronaut
/// fixture. A person sitting as still as they can jitters by a median of
/// at least 0.08 (yaw) and 0.11 (pitch) degrees on the 40 zju-dev clips and
/// the head-dev webcam clip (docs/report.md), and blinks every few seconds.
/// Eye openness is not used: the iris eyelids may be held between frames
/// where the eyes did not move, so a live face can repeat it exactly.
pub const STILL_STEP_DEG: f32 = 0.04;

/// What the recording shows, overall.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// No frame could be read.
    Empty,
    /// Frames, but no face in any of them.
    NoFace,
    /// A face that never moved at all over many frames: a frozen picture.
    Still,
    /// A single picture (a photo) with a face, and something in it that
    /// would make a check fail.
    Photo,
    /// A single picture with a face and nothing in it that would make a
    /// check fail (movement and frame rate cannot be judged on it).
    PhotoClear,
    /// Nothing seen would make a check fail.
    Pass,
    /// At least one reason would.
    Fail,
}

impl Outcome {
    /// The headline and the sentence under it.
    pub fn texts(self) -> (Msg, Msg) {
        match self {
            Outcome::Empty => (Msg::VerdictEmpty, Msg::VerdictEmptyBody),
            Outcome::NoFace => (Msg::VerdictNoFace, Msg::VerdictNoFaceBody),
            Outcome::Still => (Msg::VerdictStill, Msg::VerdictStillBody),
            Outcome::Photo => (Msg::VerdictPhoto, Msg::VerdictPhotoBody),
            Outcome::PhotoClear => (Msg::VerdictPhotoClear, Msg::VerdictPhotoClearBody),
            Outcome::Pass => (Msg::VerdictPass, Msg::VerdictPassBody),
            Outcome::Fail => (Msg::VerdictFail, Msg::VerdictFailBody),
        }
    }

    /// A stable word for styles and JSON-minded readers.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Empty => "empty",
            Outcome::NoFace => "no_face",
            Outcome::Still => "still",
            Outcome::Photo => "photo",
            Outcome::PhotoClear => "photo_clear",
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
        }
    }
}

/// What a reason is about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cause {
    Issue(HintCode),
    /// Prompt `number` (1-based) of the attempt failed.
    Prompt {
        number: usize,
        kind: EventKind,
        reason: FailReason,
    },
}

/// The advice for a prompt that failed for `r`.
pub fn prompt_advice(r: FailReason) -> Msg {
    match r {
        FailReason::Timeout => Msg::AdvicePromptTimeout,
        FailReason::TooFast => Msg::AdvicePromptTooFast,
        FailReason::TooSlow => Msg::AdvicePromptTooSlow,
        FailReason::NotFarEnough => Msg::AdvicePromptNotFarEnough,
        FailReason::NotCloseEnough => Msg::AdvicePromptNotCloseEnough,
        FailReason::WrongDirection => Msg::AdvicePromptWrongDirection,
        FailReason::FaceLost => Msg::AdvicePromptFaceLost,
        FailReason::FaceLeftOval => Msg::AdvicePromptFaceLeftOval,
        FailReason::Ended => Msg::AdvicePromptEnded,
    }
}

impl Cause {
    /// What went wrong and what to do, in `lang`.
    pub fn texts(self, lang: Lang) -> (String, String) {
        match self {
            Cause::Issue(code) => {
                let (m, a) = code.messages();
                (lang.text(m).to_string(), lang.text(a).to_string())
            }
            Cause::Prompt { kind, reason, .. } => (
                lang.fill(
                    Msg::KindReason,
                    &[
                        ("kind", lang.prompt(kind)),
                        ("reason", lang.text(reason.message())),
                    ],
                ),
                lang.text(prompt_advice(reason)).to_string(),
            ),
        }
    }

    /// The stable code behind it (`too_dark`, `prompt_2_too_fast`).
    pub fn code(self) -> String {
        match self {
            Cause::Issue(c) => c.code().to_string(),
            Cause::Prompt { number, reason, .. } => format!("prompt_{number}_{}", reason.code()),
        }
    }
}

/// One reason, with how much of the attempt it affected.
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    pub cause: Cause,
    /// Fraction of the attempt's frames (0-1).
    pub fraction: f64,
    /// When it first began and last ended.
    pub start_s: f64,
    pub end_s: f64,
    /// `hand_over_face`: the parts of the face a hand covered.
    pub parts: Vec<crate::measure::hands::FacePart>,
}

impl Reason {
    /// What went wrong and what to do, in `lang` (a hand names the parts
    /// it covers).
    pub fn texts(&self, lang: Lang) -> (String, String) {
        match self.cause {
            Cause::Issue(code) => crate::i18n::hint_texts(code, &self.parts, lang),
            _ => self.cause.texts(lang),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub outcome: Outcome,
    /// Reasons the attempt would likely fail, biggest first.
    pub reasons: Vec<Reason>,
    /// Problems too brief or too minor to decide it, biggest first.
    pub minor: Vec<Reason>,
    /// Fraction of frames with a face.
    pub face_fraction: f64,
}

/// Whether a hint can make a check fail by itself. Clear glasses are only
/// worth knowing about (their advice: take them off if the check fails).
pub fn blocking(code: HintCode) -> bool {
    code != HintCode::Glasses
}

/// Fraction of `n` frames covered by the union of inclusive frame ranges.
pub fn covered(ranges: impl IntoIterator<Item = (u64, u64)>, n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let mut hit = vec![false; n];
    for (a, b) in ranges {
        let (a, b) = (a.min(b), a.max(b));
        if a as usize >= n {
            continue;
        }
        let b = (b as usize).min(n - 1);
        hit[a as usize..=b].fill(true);
    }
    hit.iter().filter(|h| **h).count() as f64 / n as f64
}

/// The recording shows a face that never moved: a single picture, or
/// frames whose head pose typically measures the same from one frame to
/// the next.
pub fn is_still(doc: &AnalysisDoc) -> bool {
    let faces: Vec<_> = doc.frames.iter().filter(|f| f.face).collect();
    if faces.is_empty() {
        return false;
    }
    if doc.frames.len() == 1 {
        return true;
    }
    if faces.len() < STILL_MIN_FRAMES || !doc.events.is_empty() {
        return false;
    }
    let median_step = |value: &dyn Fn(&crate::record::FrameRecord) -> Option<f32>| {
        let mut steps: Vec<f32> = faces
            .windows(2)
            .filter_map(|w| Some((value(w[1])? - value(w[0])?).abs()))
            .filter(|v| v.is_finite())
            .collect();
        steps.sort_by(f32::total_cmp);
        steps.get(steps.len() / 2).copied()
    };
    match (median_step(&|f| f.yaw_deg), median_step(&|f| f.pitch_deg)) {
        (Some(yaw), Some(pitch)) => yaw < STILL_STEP_DEG && pitch < STILL_STEP_DEG,
        // No pose at all: nothing says it moved, nor that it did not.
        _ => false,
    }
}

/// The verdict on `doc`; `prompts` are the verdicts of the prompts asked,
/// when they are known.
pub fn judge(doc: &AnalysisDoc, prompts: Option<&[PromptResult]>) -> Verdict {
    let n = doc.frames.len();
    let face_fraction = if n == 0 {
        0.0
    } else {
        doc.frames.iter().filter(|f| f.face).count() as f64 / n as f64
    };
    let mut all = Vec::new();
    for code in HintCode::ALL {
        let spans: Vec<_> = doc
            .issues
            .iter()
            .filter(|i| i.span.code == code)
            .map(|i| &i.span)
            .collect();
        if spans.is_empty() {
            continue;
        }
        all.push(Reason {
            cause: Cause::Issue(code),
            fraction: covered(spans.iter().map(|s| (s.start_frame, s.end_frame)), n),
            start_s: spans
                .iter()
                .map(|s| s.start_s)
                .fold(f64::INFINITY, f64::min),
            end_s: spans
                .iter()
                .map(|s| s.end_s)
                .fold(f64::NEG_INFINITY, f64::max),
            parts: {
                let mut parts = Vec::new();
                for p in spans.iter().flat_map(|s| s.parts.iter()) {
                    if !parts.contains(p) {
                        parts.push(*p);
                    }
                }
                parts.sort_by_key(|p| {
                    crate::measure::hands::FacePart::ALL
                        .iter()
                        .position(|q| q == p)
                });
                parts
            },
        });
    }
    let failed_prompts: Vec<Reason> = prompts
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            Some(Reason {
                cause: Cause::Prompt {
                    number: i + 1,
                    kind: p.kind,
                    reason: p.reason?,
                },
                fraction: covered([(p.start_frame, p.end_frame)], n),
                start_s: p.start_s,
                end_s: p.end_s,
                parts: Vec::new(),
            })
        })
        .collect();
    let (mut reasons, mut minor): (Vec<Reason>, Vec<Reason>) =
        all.into_iter().partition(|r| match r.cause {
            Cause::Issue(c) => blocking(c) && r.fraction >= FAIL_FRACTION,
            Cause::Prompt { .. } => true,
        });
    reasons.extend(failed_prompts);
    // Biggest first; ties keep the order of importance (hints in
    // `HintCode::ALL` order, then prompts in the order asked).
    reasons.sort_by(|a, b| b.fraction.total_cmp(&a.fraction));
    minor.sort_by(|a, b| b.fraction.total_cmp(&a.fraction));
    let outcome = if n == 0 {
        Outcome::Empty
    } else if face_fraction == 0.0 {
        Outcome::NoFace
    } else if n == 1 {
        // A photo: judged on its one frame (`hints::still`), never "still".
        if reasons.is_empty() {
            Outcome::PhotoClear
        } else {
            Outcome::Photo
        }
    } else if is_still(doc) {
        Outcome::Still
    } else if reasons.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail
    };
    Verdict {
        outcome,
        reasons,
        minor,
        face_fraction,
    }
}

/// `0.456` as `46%` (`–` when not a number).
pub fn percent(f: f64) -> String {
    if f.is_finite() {
        format!("{:.0}%", (f * 100.0).clamp(0.0, 100.0))
    } else {
        "–".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdoc::{facing, issue, turning};

    #[test]
    fn coverage_is_the_union_of_ranges() {
        assert_eq!(covered([(0, 9), (5, 14)], 30), 0.5);
        assert_eq!(covered([(20, 100)], 30), 10.0 / 30.0);
        assert_eq!(covered([(40, 50)], 30), 0.0);
        assert_eq!(covered([(3, 1)], 10), 0.3);
        assert_eq!(covered([(0, 0)], 0), 0.0);
    }

    #[test]
    fn reasons_rank_by_how_much_of_the_attempt_they_covered() {
        let mut doc = turning(300, 3.0, 1.5, 12.0);
        doc.issues = vec![
            issue(HintCode::TooDark, 0, 59),          // 20%
            issue(HintCode::FaceOffCenter, 100, 249), // 50%
            issue(HintCode::TooDark, 200, 229),       // +10%
            issue(HintCode::Glare, 10, 20),           // 3.7%: minor
            issue(HintCode::Glasses, 0, 299),         // never blocking
        ];
        let v = judge(&doc, None);
        assert_eq!(v.outcome, Outcome::Fail);
        let codes: Vec<_> = v.reasons.iter().map(|r| r.cause.code()).collect();
        assert_eq!(codes, ["face_off_center", "too_dark"]);
        assert!((v.reasons[1].fraction - 0.3).abs() < 1e-9);
        assert!((v.reasons[1].end_s - 229.0 / 30.0).abs() < 1e-9);
        let minor: Vec<_> = v.minor.iter().map(|r| r.cause.code()).collect();
        assert_eq!(minor, ["glasses", "glare"]);
        let (title, advice) = v.reasons[1].cause.texts(Lang::Zh);
        assert!(
            title.contains("太暗") && advice.contains("灯"),
            "{title} {advice}"
        );
    }

    #[test]
    fn a_failed_prompt_is_a_reason_and_passing_ones_are_not() {
        let doc = turning(600, 3.0, 1.5, 12.0);
        let prompts =
            crate::report::prompts::judge(&doc, &[EventKind::TurnLeft, EventKind::Nod], 8.0);
        let v = judge(&doc, Some(&prompts));
        assert_eq!(v.outcome, Outcome::Fail);
        assert_eq!(v.reasons.len(), 1, "{v:?}");
        assert!(matches!(
            v.reasons[0].cause,
            Cause::Prompt {
                number: 2,
                kind: EventKind::Nod,
                reason: FailReason::Timeout
            }
        ));
        let (title, advice) = v.reasons[0].cause.texts(Lang::En);
        assert!(
            title.contains("Nod") && advice.contains("prompt"),
            "{title}"
        );
        assert_eq!(judge(&doc, None).outcome, Outcome::Pass);
    }

    #[test]
    fn empty_faceless_and_still_recordings_say_so() {
        let mut doc = facing(60);
        doc.frames.clear();
        assert_eq!(judge(&doc, None).outcome, Outcome::Empty);
        let mut doc = facing(60);
        for f in &mut doc.frames {
            *f = crate::record::FrameRecord {
                index: f.index,
                time_s: f.time_s,
                ..Default::default()
            };
        }
        doc.issues = vec![issue(HintCode::NoFace, 0, 59)];
        let v = judge(&doc, None);
        assert_eq!(v.outcome, Outcome::NoFace);
        assert_eq!(v.face_fraction, 0.0);
        // The same measures on every frame: a photo.
        let mut doc = facing(60);
        for f in &mut doc.frames {
            f.yaw_deg = Some(1.5);
            f.pitch_deg = Some(-2.0);
            f.eye_open_left = Some(0.3);
            f.eye_open_right = Some(0.3);
        }
        assert!(is_still(&doc));
        assert_eq!(judge(&doc, None).outcome, Outcome::Still);
        // A live person's jitter is not still; a single picture is.
        assert!(!is_still(&facing(60)));
        assert!(is_still(&facing(1)));
        assert!(!is_still(&facing(5)));
    }

    #[test]
    fn a_photo_is_judged_as_a_photo() {
        let mut doc = facing(1);
        assert_eq!(judge(&doc, None).outcome, Outcome::PhotoClear);
        // Clear glasses alone do not make it fail.
        doc.issues = vec![issue(HintCode::Glasses, 0, 0)];
        let v = judge(&doc, None);
        assert_eq!(v.outcome, Outcome::PhotoClear);
        assert_eq!(v.minor.len(), 1);
        doc.issues = vec![
            issue(HintCode::Glasses, 0, 0),
            issue(HintCode::TooDark, 0, 0),
            issue(HintCode::Mask, 0, 0),
        ];
        let v = judge(&doc, None);
        assert_eq!(v.outcome, Outcome::Photo);
        let codes: Vec<_> = v.reasons.iter().map(|r| r.cause.code()).collect();
        assert_eq!(codes, ["too_dark", "mask"]);
        assert_eq!(v.reasons[0].fraction, 1.0);
        let (title, body) = Outcome::Photo.texts();
        for lang in [Lang::En, Lang::Zh] {
            assert!(!lang.text(title).is_empty() && !lang.text(body).is_empty());
        }
        assert_eq!(Outcome::Photo.code(), "photo");
        assert_eq!(Outcome::PhotoClear.code(), "photo_clear");
        // A photo without a face says so like a clip without one.
        let mut doc = facing(1);
        doc.frames[0] = crate::record::FrameRecord::default();
        assert_eq!(judge(&doc, None).outcome, Outcome::NoFace);
    }

    #[test]
    fn percentages_never_show_nan() {
        assert_eq!(percent(0.456), "46%");
        assert_eq!(percent(f64::NAN), "–");
        assert_eq!(percent(1.2), "100%");
    }
}
