//! The `liveness-coach.analysis.v1` JSON document.

use crate::analysis::ClipAnalysis;

use crate::record::Event;
use crate::record::FrameRecord;
use crate::record::HintSpan;
use crate::source::SourceInfo;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const ANALYSIS_SCHEMA: &str = "liveness-coach.analysis.v1";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct InputInfo {
    pub path: String,
    pub width: u32,
    pub height: u32,
    pub fps: Option<f64>,
    pub frames: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Timing {
    pub frames: u64,
    /// Reading and decoding all frames.
    pub decode_ms: f64,
    /// Everything after decoding: inference and analysis.
    pub process_ms: f64,
    /// Total milliseconds per stage.
    #[serde(default)]
    pub stages_ms: BTreeMap<String, f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct AnalysisDoc {
    pub schema: String,
    pub input: InputInfo,
    pub frames: Vec<FrameRecord>,
    pub events: Vec<Event>,
    /// What would make a check fail, while it lasted.
    #[serde(default)]
    pub issues: Vec<IssueEntry>,
    pub timing: Timing,
    /// Set when the input stopped early on an error (frames before it are kept).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

/// A text in both languages.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Bilingual {
    pub en: String,
    pub zh: String,
}

impl Bilingual {
    pub fn of(m: crate::i18n::Msg) -> Bilingual {
        let (en, zh) = m.texts();
        Bilingual {
            en: en.to_string(),
            zh: zh.to_string(),
        }
    }
}

/// A hint over a stretch of the clip: its code, the frames it covered, the
/// mean measured value behind it (units per code in docs/hints.md), and what
/// to change.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct IssueEntry {
    #[serde(flatten)]
    pub span: HintSpan,
    pub message: Bilingual,
    pub advice: Bilingual,
}

impl From<&HintSpan> for IssueEntry {
    fn from(h: &HintSpan) -> IssueEntry {
        use crate::i18n::Lang;
        let ((m_en, a_en), (m_zh, a_zh)) = (
            crate::i18n::span_texts(h, Lang::En),
            crate::i18n::span_texts(h, Lang::Zh),
        );
        IssueEntry {
            span: h.clone(),
            message: Bilingual { en: m_en, zh: m_zh },
            advice: Bilingual { en: a_en, zh: a_zh },
        }
    }
}

impl AnalysisDoc {
    pub fn new(info: &SourceInfo, clip: &ClipAnalysis, timing: Timing) -> AnalysisDoc {
        AnalysisDoc {
            schema: ANALYSIS_SCHEMA.to_string(),
            input: InputInfo {
                path: info.name.clone(),
                width: info.width,
                height: info.height,
                fps: info.fps,
                frames: clip.frames.len() as u64,
            },
            frames: clip.frames.clone(),
            events: clip.events.clone(),
            issues: clip.issues.iter().map(IssueEntry::from).collect(),
            timing,
            error: clip.error.clone(),
        }
    }
}
