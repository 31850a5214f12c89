//! The `liveness-coach.session.v1` JSON document and the end-of-session
//! summary in the terminal.

use crate::i18n::{Lang, Msg};
use crate::record::EventKind;
use crate::record::HintSpan;
use crate::session::{compare, AttemptLog, PromptResult};
use crate::source::SourceInfo;
use serde::{Deserialize, Serialize};

pub const SESSION_SCHEMA: &str = "liveness-coach.session.v1";

/// A prompt's verdict and the attempt it belongs to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PromptEntry {
    pub attempt: u32,
    #[serde(flatten)]
    pub result: PromptResult,
}

/// The colour flash of one attempt: the colours shown, the face's response
/// to each, the verdict, and the advice in the session's language.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FlashEntry {
    pub attempt: u32,
    #[serde(flatten)]
    pub result: crate::session::flash::FlashResult,
    pub message: String,
    pub advice_text: Vec<String>,
}

/// A hint that showed, with its length and what it means in the session's
/// language.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct HintEntry {
    #[serde(flatten)]
    pub span: HintSpan,
    pub duration_s: f64,
    pub message: String,
    pub advice: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AttemptEntry {
    pub number: u32,
    pub order: Vec<EventKind>,
    pub passed: usize,
    pub total: usize,
    pub start_s: f64,
    pub end_s: Option<f64>,
}

/// How the live loop kept up (absent for `--headless`).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct LiveStats {
    pub width: u32,
    pub height: u32,
    pub frames_captured: u64,
    pub frames_analysed: u64,
    pub frames_displayed: u64,
    pub capture_fps: f64,
    pub analysed_fps: f64,
    pub display_fps: f64,
    /// From a frame's capture to the screen update that first showed it.
    pub capture_to_display_ms: Percentiles,
    /// From a frame's capture to the end of its analysis.
    pub capture_to_analysis_ms: Percentiles,
    /// Drawing one window update (preview, overlays, text), and presenting it.
    pub draw_ms: Percentiles,
    pub present_ms: Percentiles,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Percentiles {
    pub median: f64,
    pub p95: f64,
}

/// The last `cap` samples of a per-frame time, so a long session keeps a
/// fixed amount of memory.
#[derive(Clone, Debug)]
pub struct Recent {
    values: Vec<f64>,
    next: usize,
}

impl Recent {
    pub const CAP: usize = 4096;

    pub fn new() -> Recent {
        Recent {
            values: Vec::with_capacity(Recent::CAP),
            next: 0,
        }
    }

    pub fn push(&mut self, v: f64) {
        if self.values.len() < Recent::CAP {
            self.values.push(v);
        } else {
            self.values[self.next] = v;
            self.next = (self.next + 1) % Recent::CAP;
        }
    }

    pub fn percentiles(&mut self) -> Percentiles {
        Percentiles::of(&mut self.values)
    }
}

impl Default for Recent {
    fn default() -> Self {
        Recent::new()
    }
}

impl Percentiles {
    pub fn of(v: &mut [f64]) -> Percentiles {
        v.sort_by(f64::total_cmp);
        let at = |q: f64| {
            if v.is_empty() {
                0.0
            } else {
                v[((v.len() - 1) as f64 * q).round() as usize]
            }
        };
        Percentiles {
            median: at(0.5),
            p95: at(0.95),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SessionDoc {
    pub schema: String,
    pub source: SourceEntry,
    pub challenges: Vec<EventKind>,
    /// The kind of check rehearsed, and whether tries failed at once.
    #[serde(default)]
    pub style: crate::session::style::Style,
    #[serde(default)]
    pub strict: bool,
    pub seed: u64,
    pub prompt_timeout_s: f64,
    pub frames: u64,
    pub prompts: Vec<PromptEntry>,
    pub hints: Vec<HintEntry>,
    pub attempts: Vec<AttemptEntry>,
    /// The colour flash of each attempt that offered it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub colour_flash: Vec<FlashEntry>,
    /// What changed from one attempt to the next, in the chosen language.
    pub comparison: Vec<String>,
    /// How real services limit retries, and a cause to fix first.
    #[serde(default)]
    pub retry_advice: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub live: Option<LiveStats>,
    /// Set when the session stopped on an error; everything before it is kept.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SourceEntry {
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub fps: Option<f64>,
}

/// Everything a finished (or interrupted) session leaves.
pub struct SessionOutcome<'a> {
    pub source: &'a SourceInfo,
    pub attempts: &'a [AttemptLog],
    pub hints: &'a [HintSpan],
    pub challenges: &'a [EventKind],
    pub style: crate::session::style::Style,
    pub strict: bool,
    pub seed: u64,
    pub prompt_timeout_s: f64,
    pub frames: u64,
    pub live: Option<LiveStats>,
    pub error: Option<String>,
}

impl SessionDoc {
    pub fn new(o: &SessionOutcome, lang: Lang) -> SessionDoc {
        let prompts = o
            .attempts
            .iter()
            .flat_map(|a| {
                a.results.iter().map(|r| PromptEntry {
                    attempt: a.number,
                    result: r.clone(),
                })
            })
            .collect();
        let hints = o
            .hints
            .iter()
            .map(|h| {
                let (message, advice) = crate::i18n::span_texts(h, lang);
                HintEntry {
                    span: h.clone(),
                    duration_s: h.end_s - h.start_s,
                    message,
                    advice,
                }
            })
            .collect();
        let attempts = o
            .attempts
            .iter()
            .map(|a| AttemptEntry {
                number: a.number,
                order: a.order.clone(),
                passed: a.passed(),
                total: a.order.len(),
                start_s: a.start_s,
                end_s: a.end_s,
            })
            .collect();
        let colour_flash = o
            .attempts
            .iter()
            .filter_map(|a| {
                let f = a.flash.as_ref()?;
                Some(FlashEntry {
                    attempt: a.number,
                    result: f.clone(),
                    message: f.describe(lang),
                    advice_text: f
                        .advice
                        .iter()
                        .map(|x| lang.text(x.message()).to_string())
                        .collect(),
                })
            })
            .collect();
        SessionDoc {
            schema: SESSION_SCHEMA.to_string(),
            source: SourceEntry {
                name: o.source.name.clone(),
                width: o.source.width,
                height: o.source.height,
                fps: o.source.fps,
            },
            challenges: o.challenges.to_vec(),
            style: o.style,
            strict: o.strict,
            seed: o.seed,
            prompt_timeout_s: o.prompt_timeout_s,
            frames: o.frames,
            prompts,
            hints,
            attempts,
            colour_flash,
            comparison: compare::trends(o.attempts)
                .iter()
                .map(|t| compare::describe(t, lang))
                .collect(),
            retry_advice: compare::retry_advice(o.attempts, lang),
            live: o.live.clone(),
            error: o.error.clone(),
        }
    }

    /// The end-of-session summary for the terminal.
    pub fn summary(&self, lang: Lang) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "{}", lang.text(Msg::SessionSummary));
        for a in &self.attempts {
            let _ = writeln!(
                s,
                "  {}: {}/{} {}",
                lang.fill(Msg::AttemptN, &[("n", &a.number.to_string())]),
                a.passed,
                a.total,
                lang.text(Msg::Passed)
            );
            for p in self
                .prompts
                .iter()
                .filter(|p| p.attempt == a.number)
                .map(|p| &p.result)
            {
                let what = match (p.movement_s, p.magnitude, p.kind) {
                    (Some(d), Some(m), EventKind::Blink) => {
                        format!(" ({d:.2} {}, {:.0}%)", lang.text(Msg::Seconds), m * 100.0)
                    }
                    (Some(d), Some(m), EventKind::OpenMouth) => {
                        format!(" ({d:.1} {}, +{m:.2})", lang.text(Msg::Seconds))
                    }
                    (Some(d), Some(m), _) => {
                        format!(" ({d:.1} {}, {m:.0}°)", lang.text(Msg::Seconds))
                    }
                    _ => String::new(),
                };
                let verdict = match p.reason {
                    None => lang.text(Msg::Passed).to_string(),
                    Some(r) => format!("{}: {}", lang.text(Msg::Failed), lang.text(r.message())),
                };
                let _ = writeln!(
                    s,
                    "    {:>6.1}s  {:<14} {verdict}{what}",
                    p.start_s,
                    lang.event_name(p.kind)
                );
            }
            for f in self.colour_flash.iter().filter(|f| f.attempt == a.number) {
                let _ = writeln!(s, "    {}", f.message);
                for x in &f.advice_text {
                    let _ = writeln!(s, "             {x}");
                }
            }
        }
        let _ = writeln!(s, "{}", lang.text(Msg::ProblemsSeen));
        if self.hints.is_empty() {
            let _ = writeln!(s, "  {}", lang.text(Msg::NoProblems));
        }
        for h in &self.hints {
            let _ = writeln!(
                s,
                "  {:>6.1}-{:.1}s  {} ({})\n           {}",
                h.span.start_s,
                h.span.end_s,
                h.message,
                h.span.code.code(),
                h.advice
            );
        }
        for c in &self.comparison {
            let _ = writeln!(s, "{c}");
        }
        for a in &self.retry_advice {
            let _ = writeln!(s, "{a}");
        }
        if let Some(l) = &self.live {
            let _ = writeln!(
                s,
                "{}",
                lang.fill(
                    Msg::CameraDelivered,
                    &[
                        ("fps", &format!("{:.1}", l.capture_fps)),
                        ("w", &l.width.to_string()),
                        ("h", &l.height.to_string())
                    ]
                )
            );
            let _ = writeln!(
                s,
                "{}",
                lang.fill(
                    Msg::LiveLoop,
                    &[
                        ("shown", &format!("{:.1}", l.display_fps)),
                        ("analysed", &format!("{:.1}", l.analysed_fps)),
                        ("ms", &format!("{:.0}", l.capture_to_display_ms.median)),
                        ("p95", &format!("{:.0}", l.capture_to_display_ms.p95)),
                    ]
                )
            );
            if l.capture_fps < 15.0 || l.width < 640 || l.height < 480 {
                let _ = writeln!(s, "{}", lang.text(Msg::CameraBelowMinimum));
            }
        }
        if let Some(e) = &self.error {
            let _ = writeln!(s, "{}: {e}", lang.text(Msg::StoppedEarly));
        }
        s
    }
}
