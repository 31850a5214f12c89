//! The real photos of `../shared/eval/masks` and `../shared/eval/occlusion`:
//! their labels, and the webcam-like canvas `masks/` was made on.

use anyhow::{Context, Result};
use liveness_coach::frame::Frame;
use std::collections::BTreeMap;
use std::path::Path;

/// The canvas `masks/` was made on (its README), used for `occlusion/`.
pub const CANVAS: (u32, u32) = (640, 480);
pub const CANVAS_LONG_SIDE: u32 = 240;
pub const CANVAS_LIFT_PX: i64 = 20;
pub const CANVAS_GREY: u8 = 118;

/// The photo at `path` placed on the `masks/` canvas: longest side scaled
/// to 240 px, centred 20 px above the middle of a grey-118 640x480 frame.
/// Also returns where the photo lies on the canvas (x0, y0, x1, y1).
pub fn on_canvas(path: &Path) -> Result<(Frame, [f32; 4])> {
    let img = image::open(path)
        .with_context(|| format!("{} is not a readable image", path.display()))?
        .into_rgb8();
    let (w, h) = (img.width().max(1), img.height().max(1));
    let k = CANVAS_LONG_SIDE as f32 / w.max(h) as f32;
    let (nw, nh) = (
        ((w as f32 * k).round() as u32).max(1),
        ((h as f32 * k).round() as u32).max(1),
    );
    let small = image::imageops::resize(&img, nw, nh, image::imageops::FilterType::Triangle);
    let mut canvas = image::RgbImage::from_pixel(CANVAS.0, CANVAS.1, image::Rgb([CANVAS_GREY; 3]));
    let x = (CANVAS.0 as i64 - nw as i64) / 2;
    let y = (CANVAS.1 as i64 - nh as i64) / 2 - CANVAS_LIFT_PX;
    image::imageops::overlay(&mut canvas, &small, x, y);
    let frame = Frame::from_rgb(CANVAS.0, CANVAS.1, canvas.into_raw()).context("canvas")?;
    Ok((
        frame,
        [
            x as f32,
            y as f32,
            (x + nw as i64) as f32,
            (y + nh as i64) as f32,
        ],
    ))
}

/// Splits one CSV line (fields may be quoted, with commas inside).
pub fn csv_fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            _ => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

/// Rows of a CSV file as maps from column name to value.
pub fn read_csv(path: &Path) -> Result<Vec<BTreeMap<String, String>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines();
    let head = csv_fields(lines.next().unwrap_or_default());
    Ok(lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| head.iter().cloned().zip(csv_fields(l)).collect())
        .collect())
}

/// One column of a row, empty when absent.
pub fn col<'a>(row: &'a BTreeMap<String, String>, k: &str) -> &'a str {
    row.get(k).map(String::as_str).unwrap_or("")
}

/// `yes` / `no` as a label; anything else (`unclear`, empty) is none.
pub fn yes_no(v: &str) -> Option<bool> {
    match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}
