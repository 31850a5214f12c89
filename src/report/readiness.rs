//! `liveness-coach check`: what a few seconds in front of the camera say
//! about the real attempt, as a short list of what to fix.

use super::json::AnalysisDoc;
use super::verdict::{self, percent, Cause, Reason};
use crate::i18n::{Lang, Msg};
use std::fmt::Write;

/// Least camera picture real checks accept (the AWS liveness minimum, the
/// same as `practice` warns about).
pub const MIN_SIZE: (u32, u32) = (640, 480);

#[derive(Clone, Debug, PartialEq)]
pub struct Readiness {
    /// Problems that showed while looking, biggest first.
    pub to_fix: Vec<Reason>,
    /// Worth knowing, not a reason to wait (clear glasses).
    pub notes: Vec<Reason>,
    /// The camera's picture is smaller than [`MIN_SIZE`].
    pub small_picture: bool,
    /// Median frame rate delivered.
    pub fps: Option<f64>,
    /// The source was one picture (a photo): judged on that frame alone
    /// (`hints::still`); frame rate does not apply, and its size says
    /// nothing sure about the camera (it may be a crop), so a small photo is
    /// worth knowing, not something to fix.
    pub photo: bool,
}

impl Readiness {
    pub fn ready(&self) -> bool {
        // A small camera picture is a reason to wait; a small photo is not.
        self.to_fix.is_empty() && (self.photo || !self.small_picture)
    }
}

/// What the look at `doc` found. Every problem that showed counts, however
/// briefly: a hint only shows after half a second, and this is a few
/// seconds of sitting as for the real check.
pub fn assess(doc: &AnalysisDoc) -> Readiness {
    let v = verdict::judge(doc, None);
    let (mut to_fix, mut notes): (Vec<Reason>, Vec<Reason>) = v
        .reasons
        .into_iter()
        .chain(v.minor)
        .partition(|r| matches!(r.cause, Cause::Issue(c) if verdict::blocking(c)));
    to_fix.sort_by(|a, b| b.fraction.total_cmp(&a.fraction));
    notes.sort_by(|a, b| b.fraction.total_cmp(&a.fraction));
    let mut fps: Vec<f64> = doc
        .frames
        .iter()
        .filter_map(|f| f.fps)
        .filter(|f| f.is_finite())
        .collect();
    fps.sort_by(f64::total_cmp);
    Readiness {
        to_fix,
        notes,
        small_picture: doc.input.width < MIN_SIZE.0 || doc.input.height < MIN_SIZE.1,
        fps: fps.get(fps.len() / 2).copied().or(doc.input.fps),
        photo: doc.frames.len() == 1,
    }
}

/// The check's answer for the terminal.
pub fn text(doc: &AnalysisDoc, r: &Readiness, lang: Lang) -> String {
    let mut s = String::new();
    let secs =
        doc.frames.last().map_or(0.0, |f| f.time_s) - doc.frames.first().map_or(0.0, |f| f.time_s);
    let size = [
        ("w", doc.input.width.to_string()),
        ("h", doc.input.height.to_string()),
    ];
    let size: Vec<(&str, &str)> = size.iter().map(|(k, v)| (*k, v.as_str())).collect();
    if r.photo {
        let _ = writeln!(s, "{}", lang.fill(Msg::CheckTitlePhoto, &size));
    } else {
        let _ = writeln!(
            s,
            "{}",
            lang.fill(
                Msg::CheckTitle,
                &[
                    ("secs", &format!("{secs:.1}")),
                    ("frames", &doc.frames.len().to_string()),
                    ("w", &doc.input.width.to_string()),
                    ("h", &doc.input.height.to_string()),
                    ("fps", &r.fps.map_or("–".into(), |f| format!("{f:.0}"))),
                ]
            )
        );
    }
    let camera_small = r.small_picture && !r.photo;
    let photo_small = r.small_picture && r.photo;
    if r.ready() {
        let _ = writeln!(s, "{}", lang.text(Msg::CheckReady));
    } else {
        let _ = writeln!(s, "{}", lang.text(Msg::CheckToFix));
        let mut n = 0;
        if camera_small {
            n += 1;
            let _ = writeln!(
                s,
                "  {n}. {}\n     {}",
                lang.text(Msg::CameraBelowMinimum),
                lang.text(Msg::CheckCameraAdvice)
            );
        }
        for x in &r.to_fix {
            n += 1;
            let (what, advice) = x.texts(lang);
            // A photo has no "time" to share out: the one frame shows it.
            let share = if r.photo {
                String::new()
            } else {
                format!(
                    ", {}",
                    lang.fill(Msg::CheckOfTime, &[("pct", &percent(x.fraction))])
                )
            };
            let _ = writeln!(
                s,
                "  {n}. {what} ({}{share})\n     {advice}",
                x.cause.code(),
            );
        }
    }
    if !r.notes.is_empty() || photo_small {
        let _ = writeln!(s, "{}", lang.text(Msg::CheckWorthKnowing));
    }
    if photo_small {
        let _ = writeln!(s, "  - {}", lang.fill(Msg::CheckPhotoSmall, &size));
    }
    if !r.notes.is_empty() {
        for x in &r.notes {
            let (what, advice) = x.texts(lang);
            let _ = writeln!(s, "  - {what} ({})\n    {advice}", x.cause.code());
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::HintCode;
    use crate::report::testdoc::{facing, issue};

    #[test]
    fn a_clean_look_is_ready_and_problems_are_listed() {
        let doc = facing(150);
        let r = assess(&doc);
        assert!(r.ready(), "{r:?}");
        assert_eq!(r.fps, Some(30.0));
        assert!(text(&doc, &r, Lang::En).contains("Ready"));
        let mut doc = facing(150);
        doc.issues = vec![
            issue(HintCode::Glasses, 0, 149),
            issue(HintCode::Backlit, 100, 110),
            issue(HintCode::TooDark, 0, 149),
        ];
        let r = assess(&doc);
        assert!(!r.ready());
        let codes: Vec<_> = r.to_fix.iter().map(|x| x.cause.code()).collect();
        assert_eq!(codes, ["too_dark", "backlit"]);
        assert_eq!(r.notes.len(), 1);
        let t = text(&doc, &r, Lang::Zh);
        assert!(
            t.contains("正式检测前请先改正") && t.contains("太暗") && t.contains("眼镜"),
            "{t}"
        );
        // Glasses alone do not hold anyone back.
        doc.issues.truncate(1);
        assert!(assess(&doc).ready());
        doc.input.width = 320;
        let r = assess(&doc);
        assert!(!r.ready() && text(&doc, &r, Lang::En).contains("640x480"));
    }

    #[test]
    fn a_photo_is_checked_without_a_frame_rate() {
        let mut doc = facing(1);
        doc.frames[0].fps = None;
        doc.input.fps = None;
        doc.input.width = 512;
        doc.input.height = 512;
        let r = assess(&doc);
        assert!(r.photo && r.small_picture);
        // Its size is worth knowing, not a reason to wait.
        assert!(r.ready(), "{r:?}");
        for lang in [Lang::En, Lang::Zh] {
            let t = text(&doc, &r, lang);
            assert!(
                !t.contains("fps") && !t.contains("帧/秒") && !t.contains("每秒"),
                "{t}"
            );
            assert!(t.contains("512x512"), "{t}");
        }
        doc.issues = vec![issue(HintCode::TooDark, 0, 0)];
        let r = assess(&doc);
        assert!(!r.ready());
        let t = text(&doc, &r, Lang::En);
        assert!(t.contains("too_dark") && !t.contains("fps"), "{t}");
    }
}
