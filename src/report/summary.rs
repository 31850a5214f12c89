//! The short human summary `analyze` prints.

use super::json::AnalysisDoc;
use crate::i18n::{Lang, Msg};
use crate::record::EventKind;
use std::fmt::Write;

pub fn summary(doc: &AnalysisDoc, lang: Lang) -> String {
    let mut s = String::new();
    let n = doc.frames.len();
    let with_face = doc.frames.iter().filter(|f| f.face).count();
    let secs = doc.frames.last().map(|f| f.time_s).unwrap_or(0.0);
    // One frame is a photo, judged on its own (`hints::still`).
    let photo = n == 1;
    if photo {
        let _ = writeln!(
            s,
            "{}: {}x{}, {}",
            doc.input.path,
            doc.input.width,
            doc.input.height,
            lang.text(Msg::PhotoJudged)
        );
    } else {
        let _ = writeln!(
            s,
            "{}: {}x{}, {} {}, {:.1} s",
            doc.input.path,
            doc.input.width,
            doc.input.height,
            n,
            lang.text(Msg::Frames),
            secs
        );
    }
    if with_face == 0 {
        let _ = writeln!(s, "{}", lang.text(Msg::NoFaceInClip));
    } else {
        let _ = writeln!(
            s,
            "{}: {:.0}%",
            lang.text(Msg::FaceVisible),
            100.0 * with_face as f64 / n.max(1) as f64
        );
    }
    // A photo cannot show a movement: no counts of them.
    for kind in EventKind::ALL.into_iter().filter(|_| !photo) {
        let evs: Vec<_> = doc.events.iter().filter(|e| e.kind == kind).collect();
        let times: Vec<String> = evs.iter().map(|e| format!("{:.1}s", e.start_s)).collect();
        let _ = writeln!(
            s,
            "  {:<12} {:>3}  {}",
            lang.event_name(kind),
            evs.len(),
            times.join(" ")
        );
    }
    if !doc.issues.is_empty() {
        let _ = writeln!(s, "{}", lang.text(Msg::ProblemsSeen));
    }
    for i in &doc.issues {
        let (m, a) = match lang {
            Lang::En => (&i.message.en, &i.advice.en),
            Lang::Zh => (&i.message.zh, &i.advice.zh),
        };
        if photo {
            let _ = writeln!(s, "  {m} ({})\n    {a}", i.span.code.code());
        } else {
            let _ = writeln!(
                s,
                "  {:>6.1}-{:.1}s  {m} ({})\n           {a}",
                i.span.start_s,
                i.span.end_s,
                i.span.code.code()
            );
        }
    }
    if let Some(e) = &doc.error {
        let _ = writeln!(s, "{}: {e}", lang.text(Msg::StoppedEarly));
    }
    let t = &doc.timing;
    if t.frames > 0 {
        let _ = writeln!(
            s,
            "{}: {:.1} ms/{} ({} {:.1} ms/{})",
            lang.text(Msg::Processing),
            t.process_ms / t.frames as f64,
            lang.text(Msg::FrameUnit),
            lang.text(Msg::Decoding),
            t.decode_ms / t.frames as f64,
            lang.text(Msg::FrameUnit)
        );
    }
    s
}

/// The verdict (and the prompts, when known) for the terminal: what the
/// report's first card says.
pub fn verdict_text(j: &super::html::Judged, lang: Lang) -> String {
    use super::verdict::{percent, Outcome};
    let mut s = String::new();
    let (title, body) = j.verdict.outcome.texts();
    let _ = writeln!(s, "{}: {}", lang.text(Msg::Verdict), lang.text(title));
    match j.verdict.outcome {
        Outcome::Empty
        | Outcome::NoFace
        | Outcome::Still
        | Outcome::Pass
        | Outcome::Photo
        | Outcome::PhotoClear => {
            let _ = writeln!(s, "  {}", lang.text(body));
        }
        Outcome::Fail => {}
    }
    if !matches!(j.verdict.outcome, Outcome::Empty | Outcome::NoFace) {
        for (i, r) in j.verdict.reasons.iter().enumerate() {
            let (what, advice) = r.texts(lang);
            let _ = writeln!(
                s,
                "  {}. {:>4}  {what} ({})\n             {advice}",
                i + 1,
                percent(r.fraction),
                r.cause.code()
            );
        }
    }
    if let Some(p) = &j.prompts {
        let _ = writeln!(s, "{}:", lang.text(Msg::SectionPrompts));
        for (i, (_, r)) in p.iter().enumerate() {
            let v = match r.reason {
                None => lang.text(Msg::Passed).to_string(),
                Some(x) => format!("{}: {}", lang.text(Msg::Failed), lang.text(x.message())),
            };
            let _ = writeln!(s, "  {}. {:<28} {v}", i + 1, lang.prompt(r.kind));
        }
    }
    s
}
