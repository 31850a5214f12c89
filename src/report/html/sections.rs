//! The report's sections below the verdict: prompts, movements, timeline
//! plots, problems, keyframes, recording details and the comparison of
//! attempts. Each appends its HTML to the page.

use super::*;
pub(super) fn prompts_table(
    h: &mut String,
    prompts: &[(u32, PromptResult)],
    movements: &[Movement],
    from_session: bool,
    opts: &ReportOptions,
    lang: Lang,
) {
    let _ = writeln!(h, "<h3>{}</h3>", esc(lang.text(Msg::SectionPrompts)));
    let note = if from_session {
        lang.text(Msg::PromptsFromSession).to_string()
    } else {
        lang.fill(
            Msg::PromptsJudged,
            &[("timeout", &format!("{:.0}", opts.prompt_timeout_s))],
        )
    };
    let _ = writeln!(h, "<p class=\"empty\">{}</p>", esc(&note));
    let attempts = prompts.iter().map(|(a, _)| *a).max().unwrap_or(1) > 1;
    let _ = write!(h, "<table class=\"prompts\">\n<tr><th>#</th>");
    if attempts {
        let _ = write!(h, "<th>{}</th>", esc(lang.text(Msg::ColAttempt)));
    }
    let _ = writeln!(
        h,
        "<th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(lang.text(Msg::ColAsked)),
        esc(lang.text(Msg::ColTime)),
        esc(lang.text(Msg::ColSeen)),
        esc(lang.text(Msg::ColResult)),
        esc(lang.text(Msg::ColWhy)),
    );
    let mut n = 0;
    let mut last_attempt = 0;
    for (a, p) in prompts {
        if *a != last_attempt {
            n = 0;
            last_attempt = *a;
        }
        n += 1;
        let decided = match (p.movement_s, p.magnitude) {
            (Some(d), Some(m)) if d.is_finite() && m.is_finite() => {
                // A wrong-way verdict was decided by a turn the other way.
                let kind = match (p.reason, p.kind) {
                    (Some(FailReason::WrongDirection), EventKind::TurnLeft) => EventKind::TurnRight,
                    (Some(FailReason::WrongDirection), EventKind::TurnRight) => EventKind::TurnLeft,
                    (_, k) => k,
                };
                let e = Event {
                    kind,
                    start_frame: 0,
                    end_frame: 0,
                    start_s: 0.0,
                    end_s: d,
                    magnitude: m,
                };
                Some(format!(
                    "{} {}, {}",
                    lang.event_name(kind),
                    size(&e, lang),
                    secs(d, lang)
                ))
            }
            _ => None,
        };
        let during: Vec<String> = prompts::seen_during(movements, p)
            .iter()
            .map(|m| format!("{} {}", lang.event_name(m.event.kind), size(&m.event, lang)))
            .collect();
        let seen = match (decided, during.is_empty()) {
            (Some(d), _) => d,
            (None, false) => during.join(", "),
            (None, true) => lang.text(Msg::SeenNothing).to_string(),
        };
        let why = match p.reason {
            None => String::new(),
            Some(r) => format!(
                "{}<br><span class=\"advice\">{}</span>",
                esc(lang.text(r.message())),
                esc(lang.text(verdict::prompt_advice(r)))
            ),
        };
        let _ = write!(
            h,
            "<tr data-prompt=\"{}\" data-passed=\"{}\"><td>{n}</td>",
            p.kind.code(),
            p.passed
        );
        if attempts {
            let _ = write!(h, "<td>{a}</td>");
        }
        let _ = writeln!(
            h,
            "<td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"res\">{}</td><td>{why}</td></tr>",
            esc(lang.prompt(p.kind)),
            esc(&span(p.start_s, p.end_s, lang)),
            esc(&seen),
            mark(p.passed, lang),
        );
    }
    h.push_str("</table>\n");
}

pub(super) fn movements_table(h: &mut String, movements: &[Movement], asked: bool, lang: Lang) {
    let note = if asked {
        Msg::MovementsAll
    } else {
        Msg::MovementsNote
    };
    let _ = writeln!(
        h,
        "<h3>{}</h3>\n<p class=\"empty\">{}</p>",
        esc(lang.text(Msg::SectionMovements)),
        esc(lang.text(note))
    );
    if movements.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"empty\">{}</p>",
            esc(lang.text(Msg::NoMovements))
        );
        return;
    }
    let _ = writeln!(
        h,
        "<table class=\"movements\">\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(lang.text(Msg::ColTime)),
        esc(lang.text(Msg::ColMovement)),
        esc(lang.text(Msg::ColDuration)),
        esc(lang.text(Msg::ColSize)),
        esc(lang.text(Msg::ColAccepted)),
    );
    for m in movements {
        let e = &m.event;
        let verdict = match m.problem {
            None => format!("<span class=\"ok\">✓ {}</span>", esc(lang.text(Msg::Yes))),
            Some(r) => format!(
                "<span class=\"no\">✗ {}</span>",
                esc(lang.text(r.message()))
            ),
        };
        let _ = writeln!(
            h,
            "<tr data-event=\"{}@{}\"><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{verdict}</td></tr>",
            e.kind.code(),
            e.start_frame,
            esc(&span(e.start_s, e.end_s, lang)),
            esc(lang.event_name(e.kind)),
            esc(&secs(e.end_s - e.start_s, lang)),
            esc(&size(e, lang)),
        );
    }
    h.push_str("</table>\n");
}

pub(super) fn timeline(h: &mut String, j: &Judged, lang: Lang) {
    if j.doc.frames.is_empty() {
        return;
    }
    let _ = writeln!(h, "<h3>{}</h3>", esc(lang.text(Msg::SectionTimeline)));
    let plots = plots::all(j.doc, &j.replay.movements, lang);
    if !j.doc.frames.iter().any(|f| f.face) {
        let _ = writeln!(
            h,
            "<p class=\"empty\">{}</p>",
            esc(lang.text(Msg::NoPlotData))
        );
    }
    for p in plots {
        let _ = writeln!(
            h,
            "<figure>\n<figcaption>{}</figcaption>",
            esc(lang.text(p.title))
        );
        if !p.legend.is_empty() {
            h.push_str("<div class=\"legend\">");
            for (m, color, text) in &p.legend {
                let (class, style) = match m {
                    Mark::Line => ("", format!("border-color:{color}")),
                    Mark::Dashed => ("dashed", format!("border-color:{color}")),
                    Mark::Band => ("band", format!("background:{color}")),
                };
                let _ = write!(
                    h,
                    "<span><i class=\"{class}\" style=\"{}\"></i>{}</span>",
                    esc(&style),
                    esc(text)
                );
            }
            h.push_str("</div>\n");
        }
        // The SVG comes from plotters, which escapes its text.
        h.push_str(&p.svg);
        h.push_str("</figure>\n");
    }
}

pub(super) fn issues_table(h: &mut String, j: &Judged, lang: Lang) {
    let doc = j.doc;
    if doc.frames.is_empty() {
        return;
    }
    let _ = writeln!(h, "<h3>{}</h3>", esc(lang.text(Msg::ProblemsSeen)));
    if doc.issues.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"empty\">{}</p>",
            esc(lang.text(Msg::NoProblems))
        );
        return;
    }
    let _ = writeln!(
        h,
        "<table class=\"issues\">\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        esc(lang.text(Msg::ColProblem)),
        esc(lang.text(Msg::ColWhen)),
        esc(lang.text(Msg::ColShare)),
        esc(lang.text(Msg::ColValue)),
        esc(lang.text(Msg::ColAdvice)),
    );
    let n = doc.frames.len();
    for i in &doc.issues {
        let s = &i.span;
        let (m, a) = match lang {
            Lang::En => (&i.message.en, &i.advice.en),
            Lang::Zh => (&i.message.zh, &i.advice.zh),
        };
        let _ = writeln!(
            h,
            "<tr data-code=\"{code}\"><td>{} <code>{code}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(m),
            esc(&span(s.start_s, s.end_s, lang)),
            esc(&percent(verdict::covered([(s.start_frame, s.end_frame)], n))),
            esc(&value_text(s.value)),
            esc(a),
            code = s.code.code(),
        );
    }
    h.push_str("</table>\n");
}

pub(super) fn keyframes(h: &mut String, k: &[Keyframe], lang: Lang) {
    let _ = writeln!(
        h,
        "<h3>{}</h3>\n<p class=\"empty\">{}</p>\n<div class=\"frames\">",
        esc(lang.text(Msg::SectionKeyframes)),
        esc(lang.text(Msg::KeyframesNote))
    );
    for f in k {
        let w = &f.wanted;
        let (m, _) = w.code.messages();
        let _ = writeln!(
            h,
            "<figure data-code=\"{code}\"><img width=\"{}\" height=\"{}\" alt=\"{}\" src=\"data:image/jpeg;base64,{}\">\
             <figcaption>{} <code>{code}</code><br>{} {} · {}</figcaption></figure>",
            f.width,
            f.height,
            esc(lang.text(m)),
            base64::engine::general_purpose::STANDARD.encode(&f.jpeg),
            esc(lang.text(m)),
            esc(lang.text(Msg::ColValue)),
            esc(&value_text(w.value)),
            esc(&secs(w.time_s, lang)),
            code = w.code.code(),
        );
    }
    h.push_str("</div>\n");
}

pub(super) fn details(h: &mut String, j: &Judged, lang: Lang) {
    let d = j.doc;
    let _ = writeln!(h, "<h3>{}</h3>\n<dl>", esc(lang.text(Msg::SectionDetails)));
    let mut row = |k: &str, v: String| {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(&v));
    };
    row(lang.text(Msg::RowFile), d.input.path.clone());
    row(
        lang.text(Msg::RowSize),
        format!("{}x{}", d.input.width, d.input.height),
    );
    row(
        lang.text(Msg::RowFrameRate),
        d.input
            .fps
            .filter(|f| f.is_finite())
            .map_or("–".into(), |f| format!("{f:.1} fps")),
    );
    row(lang.text(Msg::RowFrames), d.frames.len().to_string());
    row(
        lang.text(Msg::RowLength),
        secs(d.frames.last().map_or(0.0, |f| f.time_s), lang),
    );
    if !d.frames.is_empty() {
        row(
            lang.text(Msg::FaceVisible),
            percent(j.verdict.face_fraction),
        );
    }
    if d.timing.frames > 0 {
        row(
            lang.text(Msg::Processing),
            format!(
                "{:.1} ms/{}",
                d.timing.process_ms / d.timing.frames as f64,
                lang.text(Msg::FrameUnit)
            ),
        );
    }
    h.push_str("</dl>\n");
}

pub(super) fn comparison(h: &mut String, judged: &[Judged], lang: Lang) {
    let sums: Vec<compare::Summary> = judged
        .iter()
        .map(|j| compare::summarize(j.doc, &j.verdict))
        .collect();
    let _ = writeln!(
        h,
        "<section class=\"compare\" id=\"compare\">\n<h2>{}</h2>\n<table class=\"compare\">\n<tr><th></th>",
        esc(lang.text(Msg::SectionCompare))
    );
    for (i, j) in judged.iter().enumerate() {
        let _ = write!(
            h,
            "<th><a href=\"#attempt-{}\">{}</a><br><code>{}</code></th>",
            i + 1,
            esc(&lang.fill(Msg::AttemptN, &[("n", &(i + 1).to_string())])),
            esc(file_name(&j.doc.input.path))
        );
    }
    h.push_str("</tr>\n");
    let mut row = |label: &str, cells: Vec<String>| {
        let _ = write!(h, "<tr><th>{}</th>", esc(label));
        for c in cells {
            let _ = write!(h, "<td>{c}</td>");
        }
        h.push_str("</tr>\n");
    };
    row(
        lang.text(Msg::RowVerdict),
        judged
            .iter()
            .map(|j| {
                let class = if matches!(j.verdict.outcome, Outcome::Pass | Outcome::PhotoClear) {
                    "ok"
                } else {
                    "no"
                };
                format!(
                    "<span class=\"{class}\">{}</span>",
                    esc(lang.text(j.verdict.outcome.texts().0))
                )
            })
            .collect(),
    );
    row(
        lang.text(Msg::RowLength),
        sums.iter()
            .map(|s| esc(&secs(s.duration_s, lang)))
            .collect(),
    );
    row(
        lang.text(Msg::FaceVisible),
        sums.iter().map(|s| percent(s.face_fraction)).collect(),
    );
    for (i, k) in EventKind::ALL.into_iter().enumerate() {
        row(
            lang.event_name(k),
            sums.iter().map(|s| s.counts[i].to_string()).collect(),
        );
    }
    row(
        lang.text(Msg::RowBrightness),
        sums.iter()
            .map(|s| s.brightness.map_or("–".into(), |b| format!("{b:.0}")))
            .collect(),
    );
    for code in crate::record::HintCode::ALL {
        if sums.iter().any(|s| s.shares.contains_key(&code)) {
            row(
                lang.text(code.messages().0),
                sums.iter()
                    .map(|s| percent(s.shares.get(&code).copied().unwrap_or(0.0)))
                    .collect(),
            );
        }
    }
    h.push_str("</table>\n");
    let prompts: Option<Vec<Vec<PromptResult>>> = judged
        .iter()
        .map(|j| {
            j.prompts
                .as_ref()
                .map(|p| p.iter().map(|(_, r)| r.clone()).collect())
        })
        .collect();
    let _ = writeln!(
        h,
        "<h3>{}</h3>\n<ul class=\"changes\">",
        esc(lang.text(Msg::WhatChanged))
    );
    for c in compare::changes(&sums, prompts.as_deref(), lang) {
        let _ = writeln!(h, "<li>{}</li>", esc(&c));
    }
    h.push_str("</ul>\n</section>\n");
}
