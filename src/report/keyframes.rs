//! Keyframes (`--frames`, off by default: faces are private): for each
//! problem, a thumbnail of the frame where it was worst, with the measured
//! value drawn on it.
//!
//! [`pick`] chooses the frames from the analysis alone; the command reads
//! the recording again for just those frames and [`thumbnail`] makes each
//! picture. Both are plain functions; only the reading is I/O.

use super::json::AnalysisDoc;
use crate::frame::Frame;
use crate::hints::conditions;
use crate::record::HintCode;
use anyhow::{Context, Result};

/// Largest side of a thumbnail, in pixels.
pub const THUMB_SIDE: u32 = 240;
/// JPEG quality of a thumbnail.
pub const JPEG_QUALITY: u8 = 80;

/// The frame to show for one problem.
#[derive(Clone, Debug, PartialEq)]
pub struct Wanted {
    pub code: HintCode,
    pub frame: u64,
    pub time_s: f64,
    /// The measured value on that frame (units per code in docs/hints.md).
    pub value: f32,
}

/// A thumbnail ready for the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyframe {
    pub wanted: Wanted,
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Whether a larger measured value is a worse case of `code` (`None`: the
/// value says nothing about how bad a frame is).
fn higher_is_worse(code: HintCode) -> Option<bool> {
    use HintCode::*;
    match code {
        NoFace | NotSteady => None,
        FaceTooSmall | TooDark | Hat | HandOverFace | Blurry | LowResolution | LowFps => {
            Some(false)
        }
        _ => Some(true),
    }
}

/// One frame per problem code raised in `doc`: where its measured value was
/// worst while it showed (the middle of its longest stretch when the value
/// does not rank frames, or the condition is not a per-frame one).
pub fn pick(doc: &AnalysisDoc) -> Vec<Wanted> {
    let (w, h) = (doc.input.width, doc.input.height);
    let mut out = Vec::new();
    for code in HintCode::ALL {
        let spans: Vec<_> = doc
            .issues
            .iter()
            .map(|i| &i.span)
            .filter(|s| s.code == code)
            .collect();
        let Some(longest) = spans
            .iter()
            .max_by_key(|s| s.end_frame.saturating_sub(s.start_frame))
        else {
            continue;
        };
        let mut best: Option<(f32, &crate::record::FrameRecord, f32)> = None;
        if let Some(up) = higher_is_worse(code) {
            for f in doc.frames.iter().filter(|f| {
                spans
                    .iter()
                    .any(|s| (s.start_frame..=s.end_frame).contains(&f.index))
            }) {
                let Some(v) = conditions(f, w, h)[code.index()].filter(|v| v.is_finite()) else {
                    continue;
                };
                let score = if up { v.abs() } else { -v };
                if best.is_none_or(|(b, _, _)| score > b) {
                    best = Some((score, f, v));
                }
            }
        }
        let wanted = match best {
            Some((_, f, v)) => Wanted {
                code,
                frame: f.index,
                time_s: f.time_s,
                value: v,
            },
            None => {
                let mid =
                    longest.start_frame + longest.end_frame.saturating_sub(longest.start_frame) / 2;
                let time_s = doc
                    .frames
                    .iter()
                    .find(|f| f.index == mid)
                    .map_or(longest.start_s, |f| f.time_s);
                Wanted {
                    code,
                    frame: mid,
                    time_s,
                    value: longest.value,
                }
            }
        };
        out.push(wanted);
    }
    out
}

/// The value as it is drawn and listed: two significant decimals at most.
pub fn value_text(v: f32) -> String {
    if !v.is_finite() {
        "–".into()
    } else if v.abs() >= 10.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// A JPEG thumbnail of `frame` (at most [`THUMB_SIDE`] on its longer side)
/// with `label` drawn on a dark strip along its bottom.
pub fn thumbnail(frame: &Frame, label: &str) -> Result<(Vec<u8>, u32, u32)> {
    let img = image::RgbImage::from_raw(frame.width, frame.height, frame.rgb.clone())
        .context("frame buffer does not match its size")?;
    let scale = (THUMB_SIDE as f32 / frame.width.max(frame.height).max(1) as f32).min(1.0);
    let (tw, th) = (
        ((frame.width as f32 * scale).round() as u32).max(1),
        ((frame.height as f32 * scale).round() as u32).max(1),
    );
    let small = image::imageops::resize(&img, tw, th, image::imageops::FilterType::Triangle);
    // Draw through the UI's own font (it has every glyph the messages use).
    let mut buf: Vec<u32> = small
        .pixels()
        .map(|p| (p.0[0] as u32) << 16 | (p.0[1] as u32) << 8 | p.0[2] as u32)
        .collect();
    let (w, h) = (tw as usize, th as usize);
    let px = (th as f32 / 11.0).clamp(10.0, 16.0);
    let strip = (px * 1.5).ceil() as usize;
    for row in h.saturating_sub(strip)..h {
        for p in &mut buf[row * w..(row + 1) * w] {
            let dim = |c: u32| (c & 0xff) / 4;
            *p = dim(*p >> 16) << 16 | dim(*p >> 8) << 8 | dim(*p);
        }
    }
    let mut text = crate::ui::text::Text::new()?;
    let y = h.saturating_sub(strip) as i32 + ((strip as f32 - px * 1.2) / 2.0) as i32;
    text.draw(&mut buf, w, h, 4, y, label, px, 0x00ff_ffff);
    let rgb: Vec<u8> = buf
        .iter()
        .flat_map(|p| [(p >> 16) as u8, (p >> 8) as u8, *p as u8])
        .collect();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode(&rgb, tw, th, image::ExtendedColorType::Rgb8)
        .context("encoding a thumbnail")?;
    Ok((jpeg, tw, th))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::HintSpan;
    use crate::report::json::IssueEntry;
    use crate::report::testdoc::facing;

    #[test]
    fn the_darkest_frame_is_picked_for_too_dark() {
        let mut doc = facing(90);
        for f in &mut doc.frames[20..60] {
            f.face_luma = Some(50.0 - (f.index as f32 - 40.0).abs() / 4.0);
        }
        doc.issues = vec![
            IssueEntry::from(&HintSpan {
                code: HintCode::TooDark,
                start_frame: 20,
                end_frame: 59,
                start_s: 20.0 / 30.0,
                end_s: 59.0 / 30.0,
                value: 45.0,
                parts: Vec::new(),
            }),
            IssueEntry::from(&HintSpan {
                code: HintCode::NoFace,
                start_frame: 70,
                end_frame: 80,
                start_s: 70.0 / 30.0,
                end_s: 80.0 / 30.0,
                value: 0.0,
                parts: Vec::new(),
            }),
        ];
        let w = pick(&doc);
        assert_eq!(w.len(), 2);
        assert_eq!((w[0].code, w[0].frame), (HintCode::NoFace, 75));
        assert_eq!(w[1].code, HintCode::TooDark);
        // The lowest face brightness while the hint showed.
        let lowest = doc.frames[20..60]
            .iter()
            .min_by(|a, b| {
                a.face_luma
                    .unwrap_or(0.0)
                    .total_cmp(&b.face_luma.unwrap_or(0.0))
            })
            .map(|f| f.index);
        assert_eq!(Some(w[1].frame), lowest);
        assert!(pick(&facing(30)).is_empty());
    }

    #[test]
    fn a_thumbnail_is_a_small_jpeg() {
        let f = Frame::from_rgb(640, 480, vec![128; 640 * 480 * 3]).expect("frame");
        let (jpeg, w, h) = thumbnail(&f, "too_dark 38 · 太暗").expect("thumbnail");
        assert_eq!((w, h), (240, 180));
        assert_eq!(&jpeg[..2], &[0xff, 0xd8]);
        let back = image::load_from_memory(&jpeg).expect("decodes").to_rgb8();
        // The strip at the bottom is dark, with light text on it.
        let strip: Vec<u8> = (156..180)
            .flat_map(|y| (0..240).map(move |x| (x, y)))
            .map(|(x, y)| back.get_pixel(x, y).0[0])
            .collect();
        assert!(strip.iter().any(|v| *v > 150) && strip.iter().filter(|v| **v < 60).count() > 1000);
        let tiny = Frame::from_rgb(1, 1, vec![0; 3]).expect("frame");
        assert!(thumbnail(&tiny, "x").is_ok());
    }

    #[test]
    fn values_read_plainly() {
        assert_eq!(value_text(38.24), "38");
        assert_eq!(value_text(0.456), "0.46");
        assert_eq!(value_text(f32::NAN), "–");
    }
}
