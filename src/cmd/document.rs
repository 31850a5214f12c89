//! `liveness-coach document INPUT...`: would a KYC check accept this photo
//! of an ID document, and what does it say the person will type.
//!
//! The edge only: files, clock and terminal. The picture is decoded here,
//! read by [`crate::document::ocr`], located by
//! [`crate::document::check::locate`] and judged by
//! [`crate::document::check::assess`].

use crate::document::check::{self, Assessment, InputJson, TimingJson};
use crate::document::date::Date;
use crate::document::ocr::{Ocr, OcrModels, TextLine};
use crate::document::zone;
use crate::frame::Frame;
use crate::i18n::Lang;
use crate::models::OcrFiles;
use anyhow::{bail, Context, Result};
use image::RgbImage;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct DocumentArgs {
    pub inputs: Vec<PathBuf>,
    /// Write the JSON here (`-`: standard output).
    pub json: Option<PathBuf>,
    /// Write document.json (or document-N.json) and summary.txt here.
    pub report: Option<PathBuf>,
    /// The name the person plans to type.
    pub name: Option<String>,
    /// Write the document number unmasked in --json / --report.
    pub show_number: bool,
    /// Folder with the OCR models (default: see `models::ocr_search_dirs`).
    pub ocr_models: Option<PathBuf>,
    /// Judge expiry as on this day (default: today, UTC).
    pub today: Option<Date>,
    pub lang: Lang,
    /// `--camera` / `--source`: the live guide instead of photo files.
    pub live: Option<super::document_live::LiveOptions>,
}

/// One picture read and judged, with the time each OCR stage took.
pub struct Judged {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub lines: Vec<TextLine>,
    pub assessment: Assessment,
    pub detect_ms: f64,
    pub recognise_ms: f64,
    pub locate_ms: f64,
}

/// Decodes a picture file (a clear error for anything unreadable, empty or
/// larger than the pipeline's largest side).
pub fn load_picture(path: &Path) -> Result<RgbImage> {
    let mut frame = Frame::default();
    crate::source::images::load_into(path, &mut frame)?;
    RgbImage::from_raw(frame.width, frame.height, frame.rgb)
        .with_context(|| format!("{} decoded to an inconsistent picture", path.display()))
}

/// The OCR engine over the installed model files.
pub fn load_ocr(dir: Option<&Path>) -> Result<Ocr> {
    let files = OcrFiles::load(dir)?;
    Ocr::new(&OcrModels {
        detector: &files.detector,
        recogniser: &files.recogniser,
        dictionary: &files.dictionary,
    })
}

/// Reads and judges one picture file.
pub fn judge(ocr: &mut Ocr, path: &Path, today: Date, name: Option<&str>) -> Result<Judged> {
    let img = load_picture(path)?;
    judge_image(ocr, &img, path, today, name)
}

/// Reads and judges a decoded picture (`path` names it in messages).
pub fn judge_image(
    ocr: &mut Ocr,
    img: &RgbImage,
    path: &Path,
    today: Date,
    name: Option<&str>,
) -> Result<Judged> {
    let t0 = Instant::now();
    let boxes = ocr
        .detect(img)
        .with_context(|| format!("reading the text of {}", path.display()))?;
    let t1 = Instant::now();
    let lines = ocr
        .recognise(img, &boxes)
        .with_context(|| format!("reading the text of {}", path.display()))?;
    let t2 = Instant::now();
    let located = check::locate(img, &lines);
    let t3 = Instant::now();
    let mut assessment = check::assess(&lines, located.clone(), today, name);
    // A zone not read whole and valid is read again across its full width
    // (`zone::reread_boxes`); the second reading is kept only where its
    // check digits and fields say it is better, a reading forced to a zone
    // length only where they all agree (`zone::rereadings`).
    let mut lines = lines;
    let mut reread_ms = 0.0;
    if !zone::is_valid(&assessment.zone) {
        let boxes = zone::reread_boxes(&lines);
        if !boxes.is_empty() {
            let t = Instant::now();
            let steps = ocr
                .read_steps(img, &boxes)
                .with_context(|| format!("reading the text of {}", path.display()))?;
            let first = lines.clone();
            let again = zone::rereadings(ocr, &boxes, &steps);
            let candidates = std::iter::once((again.greedy, false))
                .chain(again.fixed.into_iter().map(|f| (f, true)))
                .chain(again.laid_out.into_iter().map(|f| (f, true)));
            for (reading, must_be_valid) in candidates {
                let merged = zone::with_reread(&first, &reading);
                let second = check::assess(&merged, located.clone(), today, name);
                if (!must_be_valid || zone::is_valid(&second.zone))
                    && zone::score(&second.zone) < zone::score(&assessment.zone)
                {
                    assessment = second;
                    lines = merged;
                }
            }
            reread_ms = t.elapsed().as_secs_f64() * 1000.0;
        }
    }
    Ok(Judged {
        path: path.to_path_buf(),
        width: img.width(),
        height: img.height(),
        lines,
        assessment,
        detect_ms: (t1 - t0).as_secs_f64() * 1000.0,
        recognise_ms: (t2 - t1).as_secs_f64() * 1000.0 + reread_ms,
        locate_ms: (t3 - t2).as_secs_f64() * 1000.0,
    })
}

/// Today's date in UTC from the system clock.
pub fn today_utc() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    civil_from_days(secs.div_euclid(86_400))
}

/// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + if m <= 2 { 1 } else { 0 }) as i32;
    Date::new(y, m, d).unwrap_or(Date {
        year: 1970,
        month: 1,
        day: 1,
    })
}

fn json_of(j: &Judged, show_number: bool, today: Date) -> check::DocumentJson {
    check::to_json(
        &j.assessment,
        InputJson {
            path: j.path.display().to_string(),
            width: j.width,
            height: j.height,
        },
        show_number,
        today,
        Some(TimingJson {
            detect_ms: (j.detect_ms * 10.0).round() / 10.0,
            recognise_ms: (j.recognise_ms * 10.0).round() / 10.0,
            locate_ms: (j.locate_ms * 10.0).round() / 10.0,
        }),
    )
}

fn json_bytes(judged: &[Judged], show_number: bool, today: Date) -> Result<Vec<u8>> {
    let mut text = if judged.len() == 1 {
        serde_json::to_vec_pretty(&json_of(&judged[0], show_number, today))
    } else {
        serde_json::to_vec_pretty(&check::DocumentsJson {
            schema: check::SCHEMA,
            documents: judged
                .iter()
                .map(|j| json_of(j, show_number, today))
                .collect(),
        })
    }
    .context("serialising the document JSON")?;
    text.push(b'\n');
    Ok(text)
}

/// Runs the command; `Ok(true)` when every picture would pass.
pub fn run(args: &DocumentArgs) -> Result<bool> {
    if let Some(live) = &args.live {
        return super::document_live::run(args, live);
    }
    if args.inputs.is_empty() {
        bail!("give a photo of a document, or --camera N for the live guide");
    }
    prepare_report(args)?;
    let today = args.today.unwrap_or_else(today_utc);
    let mut ocr = load_ocr(args.ocr_models.as_deref())?;
    let mut judged = Vec::new();
    for input in &args.inputs {
        judged.push(judge(&mut ocr, input, today, args.name.as_deref())?);
    }
    tell(args, &judged, today)
}

/// Refuses a report folder that cannot be made, before any work.
pub fn prepare_report(args: &DocumentArgs) -> Result<()> {
    if let Some(dir) = &args.report {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the report folder {}", dir.display()))?;
    }
    Ok(())
}

/// Says what was judged on the terminal and writes `--json` / `--report`;
/// `Ok(true)` when every picture would pass.
pub fn tell(args: &DocumentArgs, judged: &[Judged], today: Date) -> Result<bool> {
    let to_stdout = args.json.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let several = judged.len() > 1;
    let mut report_text = String::new();
    for j in judged {
        let mut text = String::new();
        if several {
            text.push_str(&format!("{}:\n", j.path.display()));
        }
        // The terminal is the person's own: the number in full.
        text.push_str(&check::summary(&j.assessment, args.lang, true));
        if to_stdout {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
        if args.report.is_some() {
            if several {
                report_text.push_str(&format!("{}:\n", j.path.display()));
            }
            report_text.push_str(&check::summary(&j.assessment, args.lang, args.show_number));
        }
    }
    if let Some(path) = &args.json {
        crate::output::write_atomic(path, &json_bytes(judged, args.show_number, today)?)?;
    }
    if let Some(dir) = &args.report {
        crate::output::write_atomic(
            &dir.join("document.json"),
            &json_bytes(judged, args.show_number, today)?,
        )?;
        crate::output::write_atomic(&dir.join("summary.txt"), report_text.as_bytes())?;
    }
    Ok(judged.iter().all(|j| j.assessment.would_pass()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_to_dates() {
        assert_eq!(civil_from_days(0), Date::new(1970, 1, 1).expect("date"));
        // 2026-12-02 is day 20789.
        assert_eq!(
            civil_from_days(20_789),
            Date::new(2026, 12, 2).expect("date")
        );
        assert_eq!(
            civil_from_days(19_782),
            Date::new(2024, 2, 29).expect("date")
        );
    }
}
