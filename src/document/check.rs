//! One document photo judged: where the document is (see [`locate`]), what
//! its MRZ says, what would make a KYC check refuse it, and the JSON the
//! `document` command writes (`liveness-coach.document.v1`).
//!
//! Pure: the OCR lines, "today" and the typed name come in; nothing is read
//! or written here.

use super::cnid;
use super::date::{expiry_status, Date, ExpiryStatus, EXPIRES_SOON_MONTHS};
use super::find;
use super::mrz::Mrz;
use super::names::{self, NameComparison};
use super::ocr::TextLine;
use super::quality;
use super::zone::{self, Zone};
use crate::i18n::{Lang, Msg};
use serde::Serialize;

pub const SCHEMA: &str = "liveness-coach.document.v1";

/// A line counts as document text when it has at least this many letters
/// or digits ...
pub const TEXT_LINE_MIN_CHARS: usize = 3;
/// ... read with at least this mean confidence (RapidOCR's own cut for
/// keeping a line, `text_score: 0.5`).
pub const TEXT_LINE_MIN_CONFIDENCE: f32 = 0.5;
/// A picture with fewer such lines than this and no MRZ shows no document
/// (`no_document`): every specimen of the evaluation set has more, the
/// face, cat and coffee photos fewer (docs/documents.md).
pub const NO_DOCUMENT_MAX_LINES: usize = 3;
/// A box the text detector found is shaped like a line of text when it is
/// at least this many times as wide as it is high (two characters); on a
/// blurred picture the detector also gives boxes over a whole photo or the
/// document, which are not measured as text.
pub const LINE_MIN_ASPECT: f32 = 2.0;
/// With no readable text, at least this many line-shaped boxes are measured
/// for blur as text ([`quality::text_blur`]); with fewer, the whole picture.
pub const UNREAD_MIN_LINES: usize = 2;

/// What the check would object to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocIssue {
    /// No document in the picture.
    NoDocument,
    /// An MRZ is visible but was not read completely.
    MrzUnreadable,
    /// The MRZ was read but a check digit or a field is wrong.
    MrzInvalid,
    /// The expiry date has passed.
    Expired,
    /// Fewer than [`EXPIRES_SOON_MONTHS`] months left.
    ExpiresSoon,
    /// Part of the document is outside the picture.
    DocumentCutOff,
    /// Specular glare on the document.
    Glare,
    /// The photo is blurred.
    Blurry,
    /// The document is too dark.
    TooDark,
    /// The text is too few pixels high.
    TooSmall,
    /// Turned or slanted away from the camera.
    Tilted,
    /// A Chinese ID number whose check character is wrong.
    IdNumberInvalid,
}

impl DocIssue {
    /// The codes of the photo's quality (`quality`), as opposed to what the
    /// document says.
    pub const QUALITY: [DocIssue; 6] = [
        DocIssue::DocumentCutOff,
        DocIssue::Glare,
        DocIssue::Blurry,
        DocIssue::TooDark,
        DocIssue::TooSmall,
        DocIssue::Tilted,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocIssue::NoDocument => "no_document",
            DocIssue::MrzUnreadable => "mrz_unreadable",
            DocIssue::MrzInvalid => "mrz_invalid",
            DocIssue::Expired => "expired",
            DocIssue::ExpiresSoon => "expires_soon",
            DocIssue::DocumentCutOff => "document_cut_off",
            DocIssue::Glare => "glare",
            DocIssue::Blurry => "blurry",
            DocIssue::TooDark => "too_dark",
            DocIssue::TooSmall => "too_small",
            DocIssue::Tilted => "tilted",
            DocIssue::IdNumberInvalid => "id_number_invalid",
        }
    }

    /// The sentence saying what is wrong and the advice: what to do.
    pub fn messages(self) -> (Msg, Msg) {
        match self {
            DocIssue::NoDocument => (Msg::DocNoDocument, Msg::DocAdviceNoDocument),
            DocIssue::MrzUnreadable => (Msg::DocMrzUnreadable, Msg::DocAdviceMrzUnreadable),
            DocIssue::MrzInvalid => (Msg::DocMrzInvalid, Msg::DocAdviceMrzInvalid),
            DocIssue::Expired => (Msg::DocExpired, Msg::DocAdviceExpired),
            DocIssue::ExpiresSoon => (Msg::DocExpiresSoon, Msg::DocAdviceExpiresSoon),
            DocIssue::DocumentCutOff => (Msg::DocCutOff, Msg::DocAdviceCutOff),
            DocIssue::Glare => (Msg::DocGlare, Msg::DocAdviceGlare),
            DocIssue::Blurry => (Msg::DocBlurry, Msg::DocAdviceBlurry),
            DocIssue::TooDark => (Msg::DocTooDark, Msg::DocAdviceTooDark),
            DocIssue::TooSmall => (Msg::DocTooSmall, Msg::DocAdviceTooSmall),
            DocIssue::Tilted => (Msg::DocTilted, Msg::DocAdviceTilted),
            DocIssue::IdNumberInvalid => (Msg::DocIdNumberInvalid, Msg::DocAdviceIdNumberInvalid),
        }
    }

    /// Whether a check would refuse the photo for it. `expires_soon` is a
    /// warning: the document is valid today; some services (and most
    /// entry rules) want six months left, most KYC checks only refuse
    /// expired documents.
    pub fn blocking(self) -> bool {
        !matches!(self, DocIssue::ExpiresSoon)
    }
}

/// One objection with its measured value (what the value is depends on the
/// code: lines read, failed checks, days) and where on the document.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    pub code: DocIssue,
    pub value: f64,
    pub place: Option<&'static str>,
}

/// Where the document is. Filled by [`locate`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Located {
    pub found: bool,
    /// Corners clockwise from the top left, in picture pixels.
    pub corners: Option<[[f32; 2]; 4]>,
    /// Share of the picture the document covers.
    pub fill: Option<f64>,
    /// passport, id_card, visa, licence, other.
    pub kind: Option<String>,
    /// "outline" (its sides were found) or "frame" (a scan or close-up:
    /// the document taken to fill the picture).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub located_by: Option<&'static str>,
    /// The quality measures behind the issues (none without a document).
    #[serde(rename = "quality", skip_serializing_if = "Option::is_none")]
    pub measures: Option<quality::Measures>,
    /// Quality issues found while locating (glare, blur, ...).
    #[serde(skip)]
    pub issues: Vec<Issue>,
}

/// A line that reads as document text (see [`TEXT_LINE_MIN_CHARS`]).
pub fn is_text(l: &TextLine) -> bool {
    l.confidence >= TEXT_LINE_MIN_CONFIDENCE
        && l.text.chars().filter(|c| c.is_alphanumeric()).count() >= TEXT_LINE_MIN_CHARS
}

/// Lines that read as document text.
pub fn text_lines(lines: &[TextLine]) -> usize {
    lines.iter().filter(|l| is_text(l)).count()
}

/// The bounding box `(x0, y0, x1, y1)` of the text read (lines that read
/// as document text), inside the picture; `None` without any.
pub fn text_bounds(lines: &[TextLine], w: u32, h: u32) -> Option<(f32, f32, f32, f32)> {
    let pts: Vec<(f32, f32)> = lines
        .iter()
        .filter(|l| is_text(l))
        .flat_map(|l| l.region.corners)
        .map(|(x, y)| (x.clamp(0.0, w as f32), y.clamp(0.0, h as f32)))
        .collect();
    if pts.is_empty() || w == 0 || h == 0 {
        return None;
    }
    let (x0, x1) = pts
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (y0, y1) = pts
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    Some((x0, y0, x1, y1))
}

fn rect_area((x0, y0, x1, y1): (f32, f32, f32, f32)) -> f64 {
    (x1 - x0) as f64 * (y1 - y0) as f64
}

/// The text's bounding box grown on every side to the size of a document
/// whose text spans [`quality::TEXT_SHARE_OF_DOCUMENT`] of it, inside the
/// picture, as a quadrilateral clockwise from the top left.
fn grown_to_document((x0, y0, x1, y1): (f32, f32, f32, f32), w: u32, h: u32) -> [[f32; 2]; 4] {
    let g = ((1.0 / quality::TEXT_SHARE_OF_DOCUMENT.sqrt() - 1.0) / 2.0) as f32;
    let (dx, dy) = (g * (x1 - x0), g * (y1 - y0));
    let (l, t) = ((x0 - dx).max(0.0), (y0 - dy).max(0.0));
    let (r, b) = ((x1 + dx).min(w as f32), (y1 + dy).min(h as f32));
    [[l, t], [r, t], [r, b], [l, b]]
}

/// The share of the picture covered by [`text_bounds`].
pub fn text_extent(lines: &[TextLine], w: u32, h: u32) -> Option<f64> {
    text_bounds(lines, w, h).map(|t| rect_area(t) / (w as f64 * h as f64))
}

/// How far the text stops short of each picture border that a side of
/// `quad` lies on, as a share of the text's extent across that border (the
/// largest such gap); `None` when no side lies on the border or there is
/// no text.
fn text_gap_to_border(
    quad: &[[f32; 2]; 4],
    text: (f32, f32, f32, f32),
    w: u32,
    h: u32,
) -> Option<f64> {
    let (x0, y0, x1, y1) = text;
    let (tw, th) = ((x1 - x0).max(1.0) as f64, (y1 - y0).max(1.0) as f64);
    let (wf, hf) = (w as f32, h as f32);
    let e = quality::TEXT_EDGE_MARGIN;
    let mut gap: Option<f64> = None;
    for i in 0..4 {
        let (a, b) = (quad[i], quad[(i + 1) % 4]);
        let side = if a[0] <= e && b[0] <= e {
            Some(x0 as f64 / tw)
        } else if a[0] >= wf - e && b[0] >= wf - e {
            Some((wf - x1) as f64 / tw)
        } else if a[1] <= e && b[1] <= e {
            Some(y0 as f64 / th)
        } else if a[1] >= hf - e && b[1] >= hf - e {
            Some((hf - y1) as f64 / th)
        } else {
            None
        };
        if let Some(g) = side {
            gap = Some(gap.map_or(g, |m: f64| m.max(g)));
        }
    }
    gap
}

/// The blur of a picture in which no document text could be read.
/// Line-shaped boxes ([`LINE_MIN_ASPECT`]) the detector still sees as text
/// while the recogniser reads none of them are measured as read text is (a
/// document blurred past reading); with fewer than [`UNREAD_MIN_LINES`] of
/// them, the whole picture (a photo too blurred even for the detector). A
/// sharp photo of something else measures sharp.
pub fn unread_blur(grey: &image::GrayImage, lines: &[TextLine]) -> f64 {
    let boxes: Vec<&TextLine> = lines
        .iter()
        .filter(|l| {
            let (bw, bh) = l.region.size();
            bw >= LINE_MIN_ASPECT * bh
        })
        .collect();
    (boxes.len() >= UNREAD_MIN_LINES)
        .then(|| quality::text_blur(grey, &boxes))
        .flatten()
        .unwrap_or_else(|| quality::crete_blur(grey, 0, 0, grey.width(), grey.height()))
}

/// Where the document is in the picture and what its photo's quality would
/// make a check refuse.
///
/// The outline comes from [`find::find`] around the text read; a flat scan or a close-up has
/// none, and a picture with text but no outline is taken to be the
/// document filling the frame (corners at the picture's corners; the text
/// touching the border then says it is cut off). Whether there is a
/// document at all is judged from the text read (see
/// [`NO_DOCUMENT_MAX_LINES`]): a rectangle without text is not one. The
/// thresholds are in [`quality`].
pub fn locate(img: &image::RgbImage, lines: &[TextLine]) -> Located {
    let (w, h) = img.dimensions();
    let found =
        text_lines(lines) >= NO_DOCUMENT_MAX_LINES || lines.iter().any(quality::is_mrz_line);
    if !found {
        // No text to read a document by: judged for blur alone.
        let blur = unread_blur(&image::imageops::grayscale(img), lines);
        let issues = if blur >= quality::BLUR_MAX {
            vec![Issue {
                code: DocIssue::Blurry,
                value: (blur * 1000.0).round() / 1000.0,
                place: None,
            }]
        } else {
            Vec::new()
        };
        return Located {
            found,
            corners: None,
            fill: None,
            kind: None,
            located_by: None,
            measures: None,
            issues,
        };
    }
    let text: Vec<[f32; 2]> = lines
        .iter()
        .filter(|l| is_text(l))
        .flat_map(|l| l.region.corners.map(|(x, y)| [x, y]))
        .collect();
    let outline = find::find(img, &text);
    let frame = [
        [0.0, 0.0],
        [w as f32, 0.0],
        [w as f32, h as f32],
        [0.0, h as f32],
    ];
    let quad = outline.as_ref().map_or(frame, |o| o.corners);
    // Light, glare and sharpness are measured over the outline, or where
    // there is none or it is far larger than the text (a table's edge),
    // over the text's extent grown to a document's size: not over the
    // table or the room around it. Tilt and slant stay the outline's.
    let bounds = text_bounds(lines, w, h);
    let outline_is_document = outline.is_some()
        && bounds.is_none_or(|t| {
            find::quad_area(&quad) <= quality::OUTLINE_MAX_OVER_TEXT * rect_area(t)
        });
    let region = match bounds {
        Some(t) if !outline_is_document => grown_to_document(t, w, h),
        _ => quad,
    };
    let mut m = quality::measure(img, &region, lines);
    (m.tilt_deg, m.slant_ratio) = quality::geometry(&quad);
    let mut issues = Vec::new();
    let mut push = |code, value: f64, place| {
        issues.push(Issue {
            code,
            value: (value * 1000.0).round() / 1000.0,
            place,
        })
    };
    // Cut off: a text line running into the picture's side, or a small
    // outline seen on three sides that runs into the border on the fourth.
    // A large one is a scan cropped close on that side (the evaluation's
    // scans have many), one seen on fewer sides a scan with a fold or a
    // printed rule: the document is the picture.
    let e = quality::TEXT_EDGE_MARGIN;
    let touching = lines
        .iter()
        .filter(|l| is_text(l))
        .filter(|l| {
            // A line's end at the left or right border: the line runs on
            // beyond the picture. (A line near the top or bottom border is
            // whole: scans are cropped close to the MRZ.)
            l.region
                .corners
                .iter()
                .any(|&(x, _)| x <= e || x >= w as f32 - e)
        })
        .count();
    let outline_cut = outline.as_ref().is_some_and(|o| {
        o.border_sides == 1
            && o.support >= quality::CUT_OFF_MIN_SUPPORT
            && find::quad_area(&o.corners) < quality::CUT_OFF_MAX_FILL * w as f64 * h as f64
            && bounds
                .and_then(|t| text_gap_to_border(&o.corners, t, w, h))
                .is_some_and(|g| g <= quality::CUT_OFF_MAX_TEXT_GAP)
    });
    let cut = if touching > 0 {
        Some(touching as f64)
    } else if outline_cut {
        outline.as_ref().map(|o| o.border_sides as f64)
    } else {
        None
    };
    if let Some(v) = cut {
        push(DocIssue::DocumentCutOff, v, None);
    }
    if m.median_luma < quality::DARK_MAX_MEDIAN {
        push(DocIssue::TooDark, m.median_luma, None);
    }
    if m.glare_share >= quality::GLARE_MIN_SHARE {
        push(DocIssue::Glare, m.glare_share, Some(m.glare_where));
    }
    if m.blur >= quality::BLUR_MAX {
        push(DocIssue::Blurry, m.blur, None);
    }
    let fill = (find::quad_area(&quad) / (w as f64 * h as f64)).min(1.0);
    // The document's share of the picture: its outline's, or (as above)
    // the text's extent over the share a document's text spans.
    let doc_fill = match (outline_is_document, text_extent(lines, w, h)) {
        (true, _) => fill,
        (false, Some(t)) => t / quality::TEXT_SHARE_OF_DOCUMENT,
        (false, None) => 1.0,
    };
    // Size is not judged on a picture too dark or blurred: the outline and
    // the text it is measured from are what darkness and blur take away
    // (those codes say what to change first).
    let clear_picture = m.median_luma >= quality::DARK_MAX_MEDIAN && m.blur < quality::BLUR_MAX;
    // (The fill of a document running off the picture is only its visible
    // part's: it says nothing of the document's size.)
    let small_text = m.text_height.filter(|&th| th < quality::TEXT_MIN_HEIGHT);
    let too_small =
        clear_picture && (small_text.is_some() || (cut.is_none() && doc_fill < quality::MIN_FILL));
    if too_small {
        push(
            DocIssue::TooSmall,
            small_text.or(m.text_height).unwrap_or(0.0),
            None,
        );
    }
    // Tilt from a clear outline (seen on every side, well supported), else
    // from the text's own direction. A slant needs the outline, and is
    // judged only on a clear picture of a document large enough: it comes
    // from the sides' lengths, which on a small, dark or blurred document
    // are a few pixels off each (wrong slants of 1.4-2.4 there, none on
    // clear large ones but for a wrong outline).
    let clear = outline
        .as_ref()
        .is_some_and(|o| o.border_sides == 0 && o.support >= quality::CUT_OFF_MIN_SUPPORT);
    let tilt = if clear {
        Some(m.tilt_deg)
    } else {
        quality::text_tilt(lines)
    };
    if let Some(t) = tilt {
        let slant_judged = clear && clear_picture && !too_small;
        if t > quality::TILT_MAX_DEG || (slant_judged && m.slant_ratio > quality::SLANT_MAX_RATIO) {
            push(DocIssue::Tilted, t, None);
        }
    }
    Located {
        found,
        corners: Some(quad),
        fill: Some((fill * 1000.0).round() / 1000.0),
        kind: None,
        located_by: Some(if outline.is_some() {
            "outline"
        } else {
            "frame"
        }),
        measures: Some(m),
        issues,
    }
}

/// Everything the command reports about one picture.
#[derive(Clone, Debug)]
pub struct Assessment {
    pub located: Located,
    pub zone: Zone,
    /// A Chinese resident ID card's number, name and validity, where the
    /// picture has no MRZ.
    pub cn_id: Option<CnId>,
    pub issues: Vec<Issue>,
    pub name: Option<NameComparison>,
    /// Text lines read (count; the text itself stays out of reports).
    pub text_lines: usize,
}

impl Assessment {
    pub fn mrz(&self) -> Option<&Mrz> {
        match &self.zone {
            Zone::Read(m) => Some(m),
            _ => None,
        }
    }

    pub fn would_pass(&self) -> bool {
        !self.issues.iter().any(|i| i.code.blocking())
    }
}

/// Judges one picture from its OCR lines and where it was located.
pub fn assess(
    lines: &[TextLine],
    mut located: Located,
    today: Date,
    typed_name: Option<&str>,
) -> Assessment {
    let zone = zone::find(lines, today);
    let mut issues = std::mem::take(&mut located.issues);
    if zone != Zone::Absent {
        located.found = true;
    }
    // A picture too blurred to read says `blurry` (what to change) rather
    // than that there is no document.
    if !located.found && !issues.iter().any(|i| i.code == DocIssue::Blurry) {
        issues.push(Issue {
            code: DocIssue::NoDocument,
            value: text_lines(lines) as f64,
            place: None,
        });
    }
    match &zone {
        Zone::Unreadable(l) => issues.push(Issue {
            code: DocIssue::MrzUnreadable,
            value: l.len() as f64,
            place: Some("mrz"),
        }),
        Zone::Read(m) => {
            let failed = m.failed_checks().len() + m.problems.len();
            if failed > 0 {
                issues.push(Issue {
                    code: DocIssue::MrzInvalid,
                    value: failed as f64,
                    place: Some("mrz"),
                });
            }
            issues.extend(m.expiry.and_then(|exp| expiry_issue(exp, today, "mrz")));
            if located.kind.is_none() {
                located.kind = Some(kind_name(m));
            }
        }
        Zone::Absent => {}
    }
    let cn_id = if zone == Zone::Absent {
        read_cn_id(lines)
    } else {
        None
    };
    if let Some(c) = &cn_id {
        located.found = true;
        if located.kind.is_none() {
            located.kind = Some("id_card".to_string());
        }
        if let Some(n) = &c.number {
            if !n.valid {
                issues.push(Issue {
                    code: DocIssue::IdNumberInvalid,
                    value: 1.0,
                    place: Some("text"),
                });
            }
        }
        issues.extend(
            c.validity
                .as_ref()
                .and_then(|v| v.until)
                .and_then(|exp| expiry_issue(exp, today, "text")),
        );
        // Found after all: the no_document said above was wrong.
        issues.retain(|i| i.code != DocIssue::NoDocument);
    }
    let name = match (typed_name, &zone) {
        (Some(t), Zone::Read(m)) => Some(names::compare(t, &m.surname, &m.given_names)),
        _ => None,
    };
    Assessment {
        located,
        zone,
        cn_id,
        issues,
        name,
        text_lines: text_lines(lines),
    }
}

/// `expired` (value: days since) or `expires_soon` (days left) for an
/// expiry date printed at `place`; `None` while it is valid.
fn expiry_issue(exp: Date, today: Date, place: &'static str) -> Option<Issue> {
    let days = days_between(today, exp) as f64;
    match expiry_status(exp, today) {
        ExpiryStatus::Expired => Some(Issue {
            code: DocIssue::Expired,
            value: -days,
            place: Some(place),
        }),
        ExpiryStatus::ExpiresSoon => Some(Issue {
            code: DocIssue::ExpiresSoon,
            value: days,
            place: Some(place),
        }),
        ExpiryStatus::Valid => None,
    }
}

/// What a Chinese resident ID card says (居民身份证): the number on the
/// front with its check, the name, the validity on the back. Either side
/// alone is enough to be one.
#[derive(Clone, Debug, PartialEq)]
pub struct CnId {
    pub number: Option<cnid::CnIdNumber>,
    pub name: Option<String>,
    pub validity: Option<cnid::Validity>,
}

/// The card's fields among the lines read, `None` when it has none.
pub fn read_cn_id(lines: &[TextLine]) -> Option<CnId> {
    let texts: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
    let number = texts.iter().find_map(|t| cnid::find_number(t));
    let validity = texts.iter().find_map(|t| cnid::parse_validity(t));
    let name = cnid::find_name(&texts);
    (number.is_some() || validity.is_some()).then_some(CnId {
        number,
        name,
        validity,
    })
}

fn kind_name(m: &Mrz) -> String {
    serde_json::to_value(m.kind)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.to_string()))
        .unwrap_or_else(|| "other".to_string())
}

/// Days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    day_number(b) - day_number(a)
}

/// Days since 1970-01-01 (proleptic Gregorian; Howard Hinnant's
/// `days_from_civil`).
fn day_number(d: Date) -> i64 {
    let y = d.year as i64 - if d.month <= 2 { 1 } else { 0 };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = d.month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d.day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

// ---- JSON -------------------------------------------------------------

#[derive(Serialize)]
pub struct Texts {
    pub en: String,
    pub zh: String,
}

#[derive(Serialize)]
pub struct IssueJson {
    pub code: &'static str,
    pub value: f64,
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub place: Option<&'static str>,
    pub blocking: bool,
    pub message: Texts,
    pub advice: Texts,
}

/// The variables an issue's sentences use.
pub fn issue_vars(i: &Issue, lang: Lang) -> Vec<(&'static str, String)> {
    let place = match i.place {
        Some("mrz") => Msg::DocWhereMrz,
        Some("text") => Msg::DocWhereText,
        _ => Msg::DocWhereDocument,
    };
    vec![
        ("value", format!("{}", i.value)),
        ("months", EXPIRES_SOON_MONTHS.to_string()),
        ("where", lang.text(place).to_string()),
    ]
}

/// An issue's sentence and advice in one language.
pub fn issue_texts(i: &Issue, lang: Lang) -> (String, String) {
    let (m, a) = i.code.messages();
    let vars = issue_vars(i, lang);
    let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    (lang.fill(m, &refs), lang.fill(a, &refs))
}

impl IssueJson {
    pub fn of(i: &Issue) -> IssueJson {
        let (m_en, a_en) = issue_texts(i, Lang::En);
        let (m_zh, a_zh) = issue_texts(i, Lang::Zh);
        IssueJson {
            code: i.code.code(),
            value: i.value,
            place: i.place,
            blocking: i.code.blocking(),
            message: Texts { en: m_en, zh: m_zh },
            advice: Texts { en: a_en, zh: a_zh },
        }
    }
}

#[derive(Serialize)]
pub struct InputJson {
    pub path: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Serialize)]
pub struct CheckJson {
    pub field: &'static str,
    pub valid: bool,
}

#[derive(Serialize)]
pub struct MrzJson {
    pub found: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_masked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_names: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<CheckJson>>,
    /// Characters changed because a check digit proved them (count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repairs: Option<usize>,
    /// MRZ-like lines seen when the zone could not be read (count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines_seen: Option<usize>,
}

#[derive(Serialize)]
pub struct TimingJson {
    pub detect_ms: f64,
    pub recognise_ms: f64,
    /// Finding the outline and measuring the photo's quality.
    pub locate_ms: f64,
}

#[derive(Serialize)]
pub struct DocumentJson {
    pub schema: &'static str,
    pub input: InputJson,
    pub document: Located,
    pub issues: Vec<IssueJson>,
    pub mrz: MrzJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cn_id: Option<CnIdJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<NameComparison>,
    pub text_lines: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<TimingJson>,
    pub verdict: &'static str,
}

/// Several pictures: one object each.
#[derive(Serialize)]
pub struct DocumentsJson {
    pub schema: &'static str,
    pub documents: Vec<DocumentJson>,
}

/// `number` with all but its last two characters as `*`.
pub fn mask(number: &str) -> String {
    let n = number.chars().count();
    number
        .chars()
        .enumerate()
        .map(|(i, c)| if i + 2 < n { '*' } else { c })
        .collect()
}

/// The MRZ lines with the document number's characters masked.
fn mask_lines(lines: &[String], number: &str) -> Vec<String> {
    if number.len() < 3 {
        return lines.to_vec();
    }
    lines
        .iter()
        .map(|l| l.replacen(number, &mask(number), 1))
        .collect()
}

fn mrz_json(a: &Assessment, show_number: bool, today: Date) -> MrzJson {
    let empty = MrzJson {
        found: false,
        format: None,
        lines: None,
        valid: None,
        document_code: None,
        issuing_state: None,
        document_number: None,
        number_masked: None,
        surname: None,
        given_names: None,
        nationality: None,
        birth_date: None,
        sex: None,
        expiry: None,
        expired: None,
        checks: None,
        repairs: None,
        lines_seen: None,
    };
    match &a.zone {
        Zone::Absent => empty,
        Zone::Unreadable(l) => MrzJson {
            lines_seen: Some(l.len()),
            ..empty
        },
        Zone::Read(m) => {
            let number = m.document_number.clone();
            MrzJson {
                found: true,
                format: Some(m.format.name()),
                lines: Some(if show_number {
                    m.lines.clone()
                } else {
                    mask_lines(&m.lines, &number)
                }),
                valid: Some(m.valid()),
                document_code: Some(m.document_code.clone()),
                issuing_state: Some(m.issuing_state.clone()),
                document_number: Some(if show_number { number } else { mask(&number) }),
                number_masked: Some(!show_number),
                surname: Some(m.surname.clone()),
                given_names: Some(m.given_names.clone()),
                nationality: m.nationality.clone(),
                birth_date: m.birth_date.map(|d| d.to_string()),
                sex: m.sex.map(|c| c.to_string()),
                expiry: m.expiry.map(|d| d.to_string()),
                expired: m.expiry.map(|d| d < today),
                checks: Some(
                    m.checks
                        .iter()
                        .map(|c| CheckJson {
                            field: c.field,
                            valid: c.valid,
                        })
                        .collect(),
                ),
                repairs: Some(m.repairs.len()),
                lines_seen: None,
            }
        }
    }
}

/// A Chinese ID card in the JSON (the number masked unless asked).
#[derive(Serialize)]
pub struct CnIdJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub number_masked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_valid: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// "long_term" for 长期.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired: Option<bool>,
}

impl CnIdJson {
    pub fn of(c: &CnId, show_number: bool, today: Date) -> CnIdJson {
        CnIdJson {
            number: c.number.as_ref().map(|n| {
                if show_number {
                    n.number.clone()
                } else {
                    mask(&n.number)
                }
            }),
            number_masked: !show_number,
            number_valid: c.number.as_ref().map(|n| n.valid),
            name: c.name.clone(),
            valid_from: c.validity.as_ref().map(|v| v.from.to_string()),
            valid_until: c.validity.as_ref().map(|v| {
                v.until
                    .map_or_else(|| "long_term".to_string(), |d| d.to_string())
            }),
            expired: c
                .validity
                .as_ref()
                .map(|v| v.until.is_some_and(|d| d < today)),
        }
    }
}

/// The JSON of one picture.
pub fn to_json(
    a: &Assessment,
    input: InputJson,
    show_number: bool,
    today: Date,
    timing: Option<TimingJson>,
) -> DocumentJson {
    DocumentJson {
        schema: SCHEMA,
        input,
        document: a.located.clone(),
        issues: a.issues.iter().map(IssueJson::of).collect(),
        mrz: mrz_json(a, show_number, today),
        cn_id: a
            .cn_id
            .as_ref()
            .map(|c| CnIdJson::of(c, show_number, today)),
        name: a.name.clone(),
        text_lines: a.text_lines,
        timing,
        verdict: if a.would_pass() {
            "would_pass"
        } else {
            "would_fail"
        },
    }
}

// ---- terminal ---------------------------------------------------------

/// What the person reads on the terminal: the verdict, the issues with
/// their advice, the MRZ's name, number and dates, and how a typed name
/// differs. The document number in full only with `show_number` (the
/// terminal; a report file masks it).
pub fn summary(a: &Assessment, lang: Lang, show_number: bool) -> String {
    let mut s = String::new();
    let v = if a.would_pass() {
        Msg::DocVerdictPass
    } else {
        Msg::DocVerdictFail
    };
    s.push_str(lang.text(v));
    s.push('\n');
    if let Some(m) = a.mrz() {
        let ok = if m.valid() {
            lang.text(Msg::DocChecksOk)
        } else {
            lang.text(Msg::DocChecksFailed)
        };
        s.push_str(&lang.fill(
            Msg::DocMrzLine,
            &[("format", m.format.name()), ("checks", ok)],
        ));
        s.push('\n');
        let lines = if show_number {
            m.lines.clone()
        } else {
            mask_lines(&m.lines, &m.document_number)
        };
        for l in &lines {
            s.push_str(&format!("    {l}\n"));
        }
        s.push_str(&lang.fill(
            Msg::DocNameLine,
            &[("surname", &m.surname), ("given", &m.given_names)],
        ));
        s.push('\n');
        let number = if show_number {
            m.document_number.clone()
        } else {
            mask(&m.document_number)
        };
        s.push_str(&lang.fill(Msg::DocNumberLine, &[("number", &number)]));
        s.push('\n');
        if let Some(e) = m.expiry {
            s.push_str(&lang.fill(Msg::DocExpiryLine, &[("date", &e.to_string())]));
            s.push('\n');
        }
        if !m.valid() {
            let failed: Vec<&str> = m.failed_checks();
            s.push_str(&lang.fill(Msg::DocFailedChecks, &[("fields", &failed.join(", "))]));
            s.push('\n');
        }
    }
    if let Some(c) = &a.cn_id {
        if let Some(n) = &c.number {
            let number = if show_number {
                n.number.clone()
            } else {
                mask(&n.number)
            };
            let check = if n.valid {
                lang.text(Msg::DocChecksOk)
            } else {
                lang.text(Msg::DocChecksFailed)
            };
            s.push_str(&lang.fill(Msg::DocCnIdLine, &[("number", &number), ("check", check)]));
            s.push('\n');
        }
        if let Some(name) = &c.name {
            s.push_str(&lang.fill(Msg::DocCnIdNameLine, &[("name", name)]));
            s.push('\n');
        }
        if let Some(v) = &c.validity {
            let until = v.until.map_or_else(
                || lang.text(Msg::DocCnIdLongTerm).to_string(),
                |d| d.to_string(),
            );
            s.push_str(&lang.fill(
                Msg::DocCnIdValidityLine,
                &[("from", &v.from.to_string()), ("until", &until)],
            ));
            s.push('\n');
        }
    }
    for i in &a.issues {
        let (msg, advice) = issue_texts(i, lang);
        s.push_str(&format!("  - {msg} {advice}\n"));
    }
    if let Some(n) = &a.name {
        if n.same {
            s.push_str(&lang.fill(Msg::DocNameSame, &[("document", &n.document)]));
        } else {
            s.push_str(&lang.fill(
                Msg::DocNameDiffers,
                &[("typed", &n.typed), ("document", &n.document)],
            ));
            s.push('\n');
            for d in &n.differences {
                s.push_str(&format!("  - {}", difference_text(d, lang)));
                s.push('\n');
            }
        }
        s.push('\n');
    }
    s
}

fn difference_text(d: &names::Difference, lang: Lang) -> String {
    use names::Difference as D;
    match d {
        D::CaseOrSpacing => lang.text(Msg::DocNameCase).to_string(),
        D::OrderSwapped => lang.text(Msg::DocNameOrder).to_string(),
        D::Accents { typed, document } => lang.fill(
            Msg::DocNameAccents,
            &[("typed", typed), ("document", document)],
        ),
        D::Spelling {
            typed, document, ..
        } => lang.fill(
            Msg::DocNameSpelling,
            &[("typed", typed), ("document", document)],
        ),
        D::Missing { name, middle, .. } => lang.fill(
            if *middle {
                Msg::DocNameMissingMiddle
            } else {
                Msg::DocNameMissing
            },
            &[("name", name)],
        ),
        D::Extra { typed } => lang.fill(Msg::DocNameExtra, &[("typed", typed)]),
        D::OtherScript { typed } => lang.fill(Msg::DocNameOtherScript, &[("typed", typed)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_between_counts_calendar_days() {
        let d = |y, m, dd| Date::new(y, m, dd).expect("date");
        assert_eq!(days_between(d(2026, 12, 2), d(2026, 12, 3)), 1);
        assert_eq!(days_between(d(2024, 2, 28), d(2024, 3, 1)), 2);
        assert_eq!(days_between(d(2012, 4, 15), d(2026, 12, 2)), 5344);
    }

    #[test]
    fn masking_keeps_the_last_two_characters() {
        assert_eq!(mask("L898902C3"), "*******C3");
        assert_eq!(
            mask_lines(&["L898902C36UTO".to_string()], "L898902C3"),
            vec!["*******C36UTO".to_string()]
        );
    }

    fn line(text: &str, y: f32) -> TextLine {
        TextLine {
            region: super::super::ocr::TextBox {
                corners: [(10.0, y), (400.0, y), (400.0, y + 30.0), (10.0, y + 30.0)],
                score: 0.9,
            },
            text: text.to_string(),
            confidence: 0.95,
        }
    }

    fn located() -> Located {
        Located {
            found: false,
            corners: None,
            fill: None,
            kind: None,
            located_by: None,
            measures: None,
            issues: Vec::new(),
        }
    }

    #[test]
    fn a_chinese_id_front_gives_its_number_check_and_name() {
        // GB 11643-1999's own example number, 11010519491231002X.
        let lines = [
            line("姓名张三", 10.0),
            line("性别男民族汉", 50.0),
            line("公民身份号码11010519491231002X", 200.0),
        ];
        let today = Date::new(2026, 12, 2).expect("date");
        let a = assess(&lines, located(), today, None);
        let c = a.cn_id.as_ref().expect("a resident ID");
        assert_eq!(c.name.as_deref(), Some("张三"));
        assert!(c.number.as_ref().is_some_and(|n| n.valid));
        assert!(a.located.found);
        assert!(a.would_pass(), "{:?}", a.issues);
        let j = CnIdJson::of(c, false, today);
        assert_eq!(j.number.as_deref(), Some("****************2X"));
        // One digit misread: the check fails and says so.
        let wrong = [line("公民身份号码11010519491231003X", 200.0)];
        let a = assess(&wrong, located(), today, None);
        assert!(a.issues.iter().any(|i| i.code == DocIssue::IdNumberInvalid));
    }

    #[test]
    fn a_chinese_id_back_past_its_validity_is_expired() {
        let lines = [
            line("中华人民共和国", 10.0),
            line("居民身份证", 50.0),
            line("签发机关北京市公安局", 150.0),
            line("有效期限2010.05.01-2020.05.01", 200.0),
        ];
        let today = Date::new(2026, 12, 2).expect("date");
        let a = assess(&lines, located(), today, None);
        assert!(
            a.issues.iter().any(|i| i.code == DocIssue::Expired),
            "{:?}",
            a.issues
        );
        assert!(!a.issues.iter().any(|i| i.code == DocIssue::NoDocument));
        let long = [line("有效期限2010.05.01-长期", 200.0)];
        let a = assess(&long, located(), today, None);
        assert!(a.would_pass(), "{:?}", a.issues);
    }

    #[test]
    fn a_side_on_the_border_is_a_cut_only_where_the_text_runs_to_it() {
        // An outline whose right side is the picture's right border.
        let quad = [
            [300.0, 200.0],
            [1280.0, 190.0],
            [1280.0, 700.0],
            [310.0, 720.0],
        ];
        // Text running to 1260 of 1280: cut where it stops (gap 20 / 900).
        let gap = text_gap_to_border(&quad, (360.0, 250.0, 1260.0, 680.0), 1280, 960);
        assert!(
            gap.is_some_and(|g| g < quality::CUT_OFF_MAX_TEXT_GAP),
            "{gap:?}"
        );
        // Text ending at 1000: a whole document whose outline took the
        // border for a side (gap 280 / 640).
        let gap = text_gap_to_border(&quad, (360.0, 250.0, 1000.0, 680.0), 1280, 960);
        assert!(
            gap.is_some_and(|g| g > quality::CUT_OFF_MAX_TEXT_GAP),
            "{gap:?}"
        );
        // No side on the border: no gap to speak of.
        let inside = [
            [300.0, 200.0],
            [1100.0, 190.0],
            [1100.0, 700.0],
            [310.0, 720.0],
        ];
        assert_eq!(
            text_gap_to_border(&inside, (360.0, 250.0, 1000.0, 680.0), 1280, 960),
            None
        );
    }
}
