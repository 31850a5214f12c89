//! The HTML report: one self-contained page (inline CSS and SVG, pictures as
//! `data:` URIs, no script, nothing fetched) made from analysis documents.
//!
//! [`render`] is a pure function of the documents and options; the commands
//! write its result beside the JSON it was made from. Every text that comes
//! from outside (file names, error messages) is escaped.

use super::compare;
use super::json::AnalysisDoc;
use super::keyframes::{value_text, Keyframe};
use super::plots::{self, Mark};
use super::prompts::{self, Movement, Replay};
use super::session::SessionDoc;
use super::verdict::{self, percent, Outcome, Verdict};
use crate::i18n::{Lang, Msg};
use crate::record::{Event, EventKind};
use crate::session::{FailReason, PromptResult};
use base64::Engine;
use std::fmt::Write;

mod sections;
use sections::{
    comparison, details, issues_table, keyframes, movements_table, prompts_table, timeline,
};

/// Keyframes of one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Keyframes {
    /// Not asked for (the default: faces are private).
    #[default]
    Off,
    Shown(Vec<Keyframe>),
    /// Asked for, but the recording could not be read again (why).
    Unavailable(String),
}

#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// The prompts the check asked, in order (`--challenges`).
    pub challenges: Option<Vec<EventKind>>,
    /// Time limit of each prompt when judging them.
    pub prompt_timeout_s: f64,
    /// Per document, in the same order (missing entries: off).
    pub keyframes: Vec<Keyframes>,
    /// A practice session's own prompts and verdicts (for its recording,
    /// the one document), shown instead of judging the prompts again.
    pub session: Option<SessionDoc>,
    /// The JSON file beside the page that each document was written to.
    pub json_names: Vec<String>,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            challenges: None,
            prompt_timeout_s: crate::session::PROMPT_TIMEOUT_S,
            keyframes: Vec::new(),
            session: None,
            json_names: Vec::new(),
        }
    }
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// Everything worked out for one document.
pub struct Judged<'a> {
    pub doc: &'a AnalysisDoc,
    pub replay: Replay,
    /// The prompts judged (or from the session): (attempt, result).
    pub prompts: Option<Vec<(u32, PromptResult)>>,
    pub verdict: Verdict,
}

/// The replay, prompts and verdict of `doc`.
pub fn judge<'a>(doc: &'a AnalysisDoc, opts: &ReportOptions) -> Judged<'a> {
    let replay = prompts::replay(doc);
    let prompts: Option<Vec<(u32, PromptResult)>> = match (&opts.session, &opts.challenges) {
        (Some(s), _) => Some(
            s.prompts
                .iter()
                .map(|p| (p.attempt, p.result.clone()))
                .collect(),
        ),
        (None, Some(c)) => Some(
            prompts::judge(doc, c, opts.prompt_timeout_s)
                .into_iter()
                .map(|r| (1, r))
                .collect(),
        ),
        (None, None) => None,
    };
    // The verdict is about the last attempt asked.
    let last: Option<Vec<PromptResult>> = prompts.as_ref().map(|p| {
        let n = p.iter().map(|(a, _)| *a).max().unwrap_or(1);
        p.iter()
            .filter(|(a, _)| *a == n)
            .map(|(_, r)| r.clone())
            .collect()
    });
    let verdict = verdict::judge(doc, last.as_deref());
    Judged {
        doc,
        replay,
        prompts,
        verdict,
    }
}

fn secs(v: f64, lang: Lang) -> String {
    if v.is_finite() {
        let d = if v.abs() < 1.0 { 2 } else { 1 };
        format!("{v:.d$} {}", lang.text(Msg::Seconds))
    } else {
        "–".into()
    }
}

fn span(a: f64, b: f64, lang: Lang) -> String {
    if a.is_finite() && b.is_finite() {
        // Short spans (a blink) would read "13.2–13.2 s" at one decimal.
        let d = if b - a < 0.2 { 2 } else { 1 };
        format!("{a:.d$}–{b:.d$} {}", lang.text(Msg::Seconds))
    } else {
        "–".into()
    }
}

/// A movement's size: blink closure in percent, head angles in degrees.
fn size(e: &Event, lang: Lang) -> String {
    if !e.magnitude.is_finite() {
        return "–".into();
    }
    match e.kind {
        EventKind::Blink => lang.fill(Msg::Closed, &[("pct", &percent(e.magnitude as f64))]),
        _ => format!("{:.0}°", e.magnitude.abs()),
    }
}

/// The page's style sheet, inlined into every report.
const CSS: &str = include_str!("report.css");

/// The report for `docs` (several: one per attempt, compared), in `lang`.
pub fn render(docs: &[AnalysisDoc], opts: &ReportOptions, lang: Lang) -> String {
    let judged: Vec<Judged> = docs.iter().map(|d| judge(d, opts)).collect();
    let mut h = String::with_capacity(64 * 1024);
    let html_lang = match lang {
        Lang::En => "en",
        Lang::Zh => "zh-CN",
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n<main>\n",
        esc(lang.text(Msg::ReportTitle)),
        font_face(lang)
    );
    let _ = writeln!(h, "<h1>{}</h1>", esc(lang.text(Msg::ReportTitle)));
    if judged.is_empty() {
        let _ = writeln!(
            h,
            "<div class=\"card verdict empty\"><h2>{}</h2><p>{}</p></div>",
            esc(lang.text(Msg::VerdictEmpty)),
            esc(lang.text(Msg::VerdictEmptyBody))
        );
    } else if judged.len() == 1 {
        let _ = writeln!(h, "<p class=\"meta\">{}</p>", esc(&meta(docs, 0, lang)));
        attempt(&mut h, &judged[0], opts, 0, lang);
    } else {
        comparison(&mut h, &judged, lang);
        for (i, j) in judged.iter().enumerate() {
            let _ = writeln!(
                h,
                "<section class=\"attempt\" id=\"attempt-{}\">\n<h2>{}</h2>\n<p class=\"meta\">{}</p>",
                i + 1,
                esc(&lang.fill(Msg::AttemptN, &[("n", &(i + 1).to_string())])),
                esc(&meta(docs, i, lang))
            );
            attempt(&mut h, j, opts, i, lang);
            h.push_str("</section>\n");
        }
    }
    let names = if opts.json_names.is_empty() {
        "analysis.json".to_string()
    } else {
        opts.json_names.join(", ")
    };
    let _ = write!(
        h,
        "<footer>{}</footer>\n</main>\n</body>\n</html>\n",
        esc(&lang.fill(Msg::ReportMadeBy, &[("file", &names)]))
    );
    h
}

/// The UI font (with every Chinese character the messages use) for pages
/// in Chinese, so they read the same on a machine without Chinese fonts.
fn font_face(lang: Lang) -> String {
    match lang {
        Lang::En => String::new(),
        Lang::Zh => format!(
            "@font-face{{font-family:\"LC UI\";src:url(data:font/ttf;base64,{}) format(\"truetype\")}}",
            base64::engine::general_purpose::STANDARD.encode(crate::ui::text::FONT_BYTES)
        ),
    }
}

/// `path · 640x480 · 30 fps · 12.3 s`.
fn meta(docs: &[AnalysisDoc], i: usize, lang: Lang) -> String {
    let d = &docs[i];
    let mut parts = vec![
        d.input.path.clone(),
        format!("{}x{}", d.input.width, d.input.height),
    ];
    if let Some(f) = d.input.fps.filter(|f| f.is_finite()) {
        parts.push(format!("{f:.0} fps"));
    }
    parts.push(secs(d.frames.last().map_or(0.0, |f| f.time_s), lang));
    parts.push(format!("{} {}", d.frames.len(), lang.text(Msg::Frames)));
    parts.join(" · ")
}

fn attempt(h: &mut String, j: &Judged, opts: &ReportOptions, i: usize, lang: Lang) {
    verdict_card(h, j, lang);
    if let Some(p) = &j.prompts {
        prompts_table(
            h,
            p,
            &j.replay.movements,
            opts.session.is_some(),
            opts,
            lang,
        );
    }
    if j.doc.frames.iter().any(|f| f.face) {
        movements_table(h, &j.replay.movements, j.prompts.is_some(), lang);
    }
    issues_table(h, j, lang);
    match opts.keyframes.get(i) {
        Some(Keyframes::Shown(k)) => keyframes(h, k, lang),
        Some(Keyframes::Unavailable(why)) => {
            let _ = writeln!(
                h,
                "<h3>{}</h3>\n<p class=\"empty\">{}</p>",
                esc(lang.text(Msg::SectionKeyframes)),
                esc(&lang.fill(Msg::KeyframesUnavailable, &[("why", why)]))
            );
        }
        _ => {}
    }
    timeline(h, j, lang);
    details(h, j, lang);
}

fn verdict_card(h: &mut String, j: &Judged, lang: Lang) {
    let v = &j.verdict;
    let (title, body) = v.outcome.texts();
    let _ = writeln!(
        h,
        "<div class=\"card verdict {}\" id=\"verdict\" data-outcome=\"{}\">\n<h2>{}</h2>\n<p>{}</p>",
        v.outcome.code(),
        v.outcome.code(),
        esc(lang.text(title)),
        esc(lang.text(body))
    );
    let reasons: Vec<&verdict::Reason> = match v.outcome {
        // The headline says it all; no list of consequences of no face.
        Outcome::Empty | Outcome::NoFace => Vec::new(),
        _ => v.reasons.iter().collect(),
    };
    // A photo's problems cover its one frame: no share of time to show.
    let photo = matches!(v.outcome, Outcome::Photo | Outcome::PhotoClear);
    if !reasons.is_empty() {
        h.push_str("<ol class=\"reasons\">\n");
        for r in reasons {
            let (what, advice) = r.texts(lang);
            let share = if photo {
                String::new()
            } else {
                format!(
                    "<div><span class=\"bar\"><i style=\"width:{:.1}%\"></i></span><span class=\"share\">{} · {}</span></div>",
                    (r.fraction * 100.0).clamp(0.0, 100.0),
                    esc(&lang.fill(Msg::ShareOfAttempt, &[("pct", &percent(r.fraction))])),
                    esc(&span(r.start_s, r.end_s, lang)),
                )
            };
            let _ = writeln!(
                h,
                "<li data-code=\"{code}\"><div class=\"reason-head\"><b>{}</b> <code>{code}</code></div>\
                 {share}<p class=\"advice\">{}</p></li>",
                esc(&what),
                esc(&advice),
                code = esc(&r.cause.code()),
            );
        }
        h.push_str("</ol>\n");
    }
    if !v.minor.is_empty() && !matches!(v.outcome, Outcome::Empty | Outcome::NoFace) {
        let _ = writeln!(
            h,
            "<p>{}</p>\n<ul class=\"minor\">",
            esc(lang.text(Msg::AlsoSeen))
        );
        for r in &v.minor {
            let (what, advice) = r.texts(lang);
            let _ = writeln!(
                h,
                "<li data-code=\"{code}\">{} <code>{code}</code> — {} · {}</li>",
                esc(&what),
                esc(&lang.fill(Msg::ShareOfAttempt, &[("pct", &percent(r.fraction))])),
                esc(&advice),
                code = esc(&r.cause.code()),
            );
        }
        h.push_str("</ul>\n");
    }
    if let Some(e) = &j.doc.error {
        let _ = writeln!(
            h,
            "<p class=\"no\">{}: {}</p>",
            esc(lang.text(Msg::StoppedEarly)),
            esc(e)
        );
    }
    h.push_str("</div>\n");
}

fn mark(ok: bool, lang: Lang) -> String {
    if ok {
        format!(
            "<span class=\"ok\">✓ {}</span>",
            esc(lang.text(Msg::Passed))
        )
    } else {
        format!(
            "<span class=\"no\">✗ {}</span>",
            esc(lang.text(Msg::Failed))
        )
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Open tags left unclosed or closed out of order (void elements and
/// self-closed SVG elements aside), and `<` that open no tag: empty when
/// the page is well formed. The tests check every rendered page with it.
pub fn unbalanced_tags(html: &str) -> Vec<String> {
    const VOID: [&str; 6] = ["meta", "br", "img", "hr", "link", "input"];
    let mut stack: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let Some(end) = rest.find('>') else {
            errors.push("a `<` never closed".into());
            break;
        };
        let tag = &rest[..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            errors.push(format!("not a tag: <{tag}>"));
        } else if tag.starts_with('/') {
            match stack.pop() {
                Some(open) if open == name => {}
                other => errors.push(format!("</{name}> closes {other:?}")),
            }
        } else if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
            stack.push(name);
        }
    }
    errors.extend(stack.into_iter().map(|s| format!("<{s}> never closed")));
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::HintCode;
    use crate::report::testdoc::{facing, issue, turning};

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn a_report_is_balanced_self_contained_and_complete() {
        let mut doc = turning(240, 2.0, 1.5, 12.0);
        doc.input.path = "<script>alert(1)</script>.y4m".into();
        doc.issues = vec![
            issue(HintCode::TooDark, 0, 200),
            issue(HintCode::Glasses, 10, 20),
        ];
        doc.events = prompts::replay(&doc).events;
        for lang in [Lang::En, Lang::Zh] {
            let html = render(std::slice::from_ref(&doc), &ReportOptions::default(), lang);
            assert_eq!(unbalanced_tags(&html), Vec::<String>::new());
            assert!(!html.contains("<script"), "unescaped path");
            for bad in ["http://", "https://", "src=\"//", "NaN", "data:image/jpeg"] {
                assert!(!html.contains(bad), "{bad} in the {lang:?} report");
            }
            assert!(html.contains("data-outcome=\"fail\""));
            assert!(
                html.contains("data-code=\"too_dark\"") && html.contains("data-code=\"glasses\"")
            );
            assert!(html.contains("data-event=\"turn_left@"));
            assert_eq!(html.matches("<svg").count(), 5);
            let (title, _) = Outcome::Fail.texts();
            assert!(html.contains(lang.text(title)));
        }
        let zh = render(
            std::slice::from_ref(&doc),
            &ReportOptions::default(),
            Lang::Zh,
        );
        assert!(
            zh.contains("lang=\"zh-CN\"")
                && zh.contains("很可能不通过")
                && zh.contains("@font-face")
        );
    }

    #[test]
    fn asked_prompts_are_listed_with_their_verdicts() {
        let doc = turning(300, 2.0, 1.5, 12.0);
        let opts = ReportOptions {
            challenges: Some(vec![EventKind::TurnLeft, EventKind::Nod]),
            prompt_timeout_s: 4.0,
            ..Default::default()
        };
        let html = render(std::slice::from_ref(&doc), &opts, Lang::En);
        assert!(
            html.contains("data-prompt=\"turn_left\" data-passed=\"true\""),
            "{html}"
        );
        assert!(html.contains("data-prompt=\"nod\" data-passed=\"false\""));
        assert!(
            html.contains("Nod your head")
                && html.contains(Lang::En.text(Msg::AdvicePromptTimeout))
        );
        assert!(html.contains("data-outcome=\"fail\""));
        assert_eq!(unbalanced_tags(&html), Vec::<String>::new());
    }

    #[test]
    fn empty_and_faceless_recordings_say_so_plainly() {
        let mut empty = facing(10);
        empty.frames.clear();
        let mut none = facing(60);
        for f in &mut none.frames {
            *f = crate::record::FrameRecord {
                index: f.index,
                time_s: f.time_s,
                ..Default::default()
            };
        }
        none.issues = vec![issue(HintCode::NoFace, 0, 59)];
        for (doc, want) in [(&empty, Msg::VerdictEmpty), (&none, Msg::VerdictNoFace)] {
            for lang in [Lang::En, Lang::Zh] {
                let html = render(std::slice::from_ref(doc), &ReportOptions::default(), lang);
                assert!(html.contains(lang.text(want)), "{want:?}");
                assert!(!html.contains("NaN"));
                assert_eq!(unbalanced_tags(&html), Vec::<String>::new());
            }
        }
        let html = render(&[], &ReportOptions::default(), Lang::En);
        assert!(html.contains(Lang::En.text(Msg::VerdictEmpty)));
    }

    #[test]
    fn odd_documents_render_without_panic_or_nan() {
        let mut doc = turning(120, 1.0, 1.0, 10.0);
        doc.input.fps = Some(f64::NAN);
        doc.input.width = 0;
        for (i, f) in doc.frames.iter_mut().enumerate() {
            match i % 4 {
                0 => {
                    f.eye_open_left = Some(f32::NAN);
                    f.yaw_deg = Some(f32::INFINITY);
                    f.face_luma = Some(f32::NEG_INFINITY);
                }
                1 => f.time_s = -1.0,
                2 => f.head_speed_deg_s = Some(f32::NAN),
                _ => f.index = u64::MAX - i as u64,
            }
        }
        doc.frames.swap(3, 90);
        let mut odd = issue(HintCode::TooDark, 500, 10);
        odd.span.value = f32::NAN;
        odd.span.start_s = f64::NAN;
        doc.issues = vec![odd, issue(HintCode::Blurry, u64::MAX - 1, u64::MAX)];
        doc.events.push(Event {
            kind: EventKind::Nod,
            start_frame: u64::MAX,
            end_frame: 0,
            start_s: f64::INFINITY,
            end_s: f64::NAN,
            magnitude: f32::NAN,
        });
        let opts = ReportOptions {
            challenges: Some(EventKind::ALL.to_vec()),
            ..Default::default()
        };
        for lang in [Lang::En, Lang::Zh] {
            let html = render(std::slice::from_ref(&doc), &opts, lang);
            for bad in [
                "NaN", ",inf", "inf,", ">inf", "inf<", "=\"inf", "inf ", "-inf",
            ] {
                assert!(!html.contains(bad), "{bad} ({lang:?})");
            }
            assert_eq!(unbalanced_tags(&html), Vec::<String>::new());
            assert!(!crate::report::keyframes::pick(&doc).is_empty());
        }
    }

    #[test]
    fn several_attempts_are_compared() {
        let mut a = facing(90);
        a.issues = vec![issue(HintCode::TooDark, 0, 89)];
        let b = turning(150, 1.0, 1.5, 12.0);
        let html = render(&[a, b], &ReportOptions::default(), Lang::En);
        assert!(html.contains("id=\"compare\"") && html.contains("id=\"attempt-2\""));
        assert!(html.contains("Fixed: Too dark"), "{html}");
        assert_eq!(unbalanced_tags(&html), Vec::<String>::new());
    }

    #[test]
    fn keyframes_appear_only_when_given() {
        let doc = facing(60);
        let f = crate::frame::Frame::from_rgb(64, 48, vec![90; 64 * 48 * 3]).expect("frame");
        let (jpeg, width, height) = crate::report::keyframes::thumbnail(&f, "x").expect("jpeg");
        let k = Keyframe {
            wanted: crate::report::keyframes::Wanted {
                code: HintCode::TooDark,
                frame: 3,
                time_s: 0.1,
                value: 41.0,
            },
            jpeg,
            width,
            height,
        };
        let opts = ReportOptions {
            keyframes: vec![Keyframes::Shown(vec![k])],
            ..Default::default()
        };
        let html = render(std::slice::from_ref(&doc), &opts, Lang::En);
        assert_eq!(html.matches("src=\"data:image/jpeg;base64,").count(), 1);
        assert_eq!(unbalanced_tags(&html), Vec::<String>::new());
        let opts = ReportOptions {
            keyframes: vec![Keyframes::Unavailable("standard input <pipe>".into())],
            ..Default::default()
        };
        let html = render(std::slice::from_ref(&doc), &opts, Lang::En);
        assert!(html.contains("standard input &lt;pipe&gt;") && !html.contains("data:image"));
    }
}
