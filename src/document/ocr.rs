//! Text in a picture: PaddleOCR's PP-OCRv4 detector (DB, a text-probability
//! map) and recogniser (SVTR-LCNet, CTC over 6,623 characters: Chinese,
//! Latin, digits, punctuation), run by tract.
//!
//! Pure: the model bytes and the dictionary are passed in, the picture is an
//! `RgbImage`; no file, no clock. [`Ocr::detect`] and [`Ocr::recognise`] are
//! separate so a caller can time each stage.
//!
//! Pre- and post-processing follow PaddleOCR's standard inference
//! (`tools/infer/predict_det.py`, `predict_rec.py`, `DBPostProcess`,
//! `CTCLabelDecode`) as packaged by RapidOCR 1.4.4 (`ch_ppocr_det`,
//! `ch_ppocr_rec`), with its default settings; every constant below names the
//! RapidOCR setting it copies. The networks were trained on BGR input, so
//! channels are fed in that order.

use super::ctc::{self, Steps};
use anyhow::{bail, Context, Result};
use fastconv::net::Net;
use image::{imageops, RgbImage};
use imageproc::contours::{find_contours, BorderType};
use imageproc::geometric_transformations::{warp_into, Border, Interpolation, Projection};
use imageproc::point::Point;
use std::collections::HashMap;

/// The detector's input is scaled so its short side is at least this
/// (RapidOCR `Det.limit_side_len: 736`, `limit_type: min`).
pub const DET_MIN_SIDE: u32 = 736;
/// ... and its long side at most this (RapidOCR caps at `max_side_len: 2000`;
/// lower here to bound the time on a 2-core laptop: a passport page scaled
/// to 1280 px still has MRZ characters about 20 px high; docs/documents.md
/// times it).
pub const DET_MAX_SIDE: u32 = 1280;
/// The detector's network needs sides that are multiples of this.
const DET_STRIDE: u32 = 32;
/// A pixel is text when its probability exceeds this (RapidOCR `thresh: 0.3`).
pub const DET_PIXEL_THRESHOLD: f32 = 0.3;
/// A region is a text box when its mean probability reaches this
/// (RapidOCR `box_thresh: 0.5`).
pub const DET_BOX_THRESHOLD: f32 = 0.5;
/// DB shrinks text regions in training; boxes are grown back by
/// area x ratio / perimeter (RapidOCR `unclip_ratio: 1.6`).
pub const DET_UNCLIP_RATIO: f32 = 1.6;
/// Regions whose short side is under this many map pixels are noise
/// (PaddleOCR `min_size = 3`; after unclipping, `min_size + 2`).
const DET_MIN_BOX_SIDE: f32 = 3.0;
/// At most this many regions are considered (RapidOCR `max_candidates`).
const DET_MAX_CANDIDATES: usize = 1000;

/// The recogniser's input height (RapidOCR `rec_img_shape: [3, 48, 320]`).
pub const REC_HEIGHT: u32 = 48;
/// Narrowest recogniser input (the 320 of `rec_img_shape`).
const REC_MIN_WIDTH: u32 = 320;
/// Inputs are padded to a multiple of this width so a few network shapes
/// serve every line (each new shape costs a plan of about 0.3 s).
const REC_WIDTH_STEP: u32 = 320;
/// Widest recogniser input: a longer line is squeezed to fit (an ICAO line
/// of 44 characters is about 20 heights wide).
pub const REC_MAX_WIDTH: u32 = 1600;
/// A crop at least this much taller than wide is vertical text, turned a
/// quarter (RapidOCR `get_rotate_crop_image`).
const REC_VERTICAL_RATIO: f32 = 1.5;

/// The model files, as bytes: detector and recogniser ONNX, and the
/// recogniser's dictionary (one character a line, in output order).
pub struct OcrModels<'a> {
    pub detector: &'a [u8],
    pub recogniser: &'a [u8],
    pub dictionary: &'a str,
}

/// A detected text region: four corners in picture pixels, clockwise from
/// the top left, and the detector's mean probability inside.
#[derive(Clone, Debug, PartialEq)]
pub struct TextBox {
    pub corners: [(f32, f32); 4],
    pub score: f32,
}

impl TextBox {
    /// Width and height of the region (longest opposite sides).
    pub fn size(&self) -> (f32, f32) {
        let d = |a: (f32, f32), b: (f32, f32)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
        let c = &self.corners;
        (
            d(c[0], c[1]).max(d(c[3], c[2])),
            d(c[0], c[3]).max(d(c[1], c[2])),
        )
    }

    /// The mean of the corners.
    pub fn centre(&self) -> (f32, f32) {
        let c = &self.corners;
        (
            c.iter().map(|p| p.0).sum::<f32>() / 4.0,
            c.iter().map(|p| p.1).sum::<f32>() / 4.0,
        )
    }
}

/// One line of text read: its box, the text, and the recogniser's mean
/// confidence over the characters it kept (0 for an empty line).
#[derive(Clone, Debug, PartialEq)]
pub struct TextLine {
    pub region: TextBox,
    pub text: String,
    pub confidence: f32,
}

/// The two networks (planned lazily, one plan per input shape) and the
/// dictionary. Lines are recognised on two threads where there are two
/// cores: a picture's 20-60 lines are independent recogniser runs, which
/// take two thirds of a picture's time on one core (docs/documents.md).
pub struct Ocr {
    detector: Vec<u8>,
    /// Index 0 is the CTC blank; the dictionary follows; the last is a space.
    chars: Vec<String>,
    det_nets: HashMap<(u32, u32), Net>,
    rec: Recogniser,
    /// A second recogniser for a second thread; `None` on one core.
    helper: Option<Recogniser>,
}

/// The text recogniser, planned lazily for each input width.
struct Recogniser {
    bytes: Vec<u8>,
    classes: usize,
    nets: HashMap<u32, Net>,
}

impl Ocr {
    pub fn new(models: &OcrModels) -> Result<Ocr> {
        let mut chars = vec![String::new()];
        chars.extend(models.dictionary.lines().map(|l| l.to_string()));
        chars.push(" ".to_string());
        if chars.len() < 3 {
            bail!("the OCR dictionary is empty");
        }
        let recogniser = || Recogniser {
            bytes: models.recogniser.to_vec(),
            classes: chars.len(),
            nets: HashMap::new(),
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ok(Ocr {
            detector: models.detector.to_vec(),
            rec: recogniser(),
            helper: (cores > 1).then(recogniser),
            det_nets: HashMap::new(),
            chars,
        })
    }

    /// The same engine reading every line on the calling thread (for
    /// measuring, and for comparing the two ways: the readings are equal).
    pub fn on_one_thread(mut self) -> Ocr {
        self.helper = None;
        self
    }

    /// Every text region of `img`, top to bottom, then left to right.
    pub fn detect(&mut self, img: &RgbImage) -> Result<Vec<TextBox>> {
        let (w, h) = img.dimensions();
        if w == 0 || h == 0 {
            return Ok(Vec::new());
        }
        let (iw, ih) = det_input_size(w, h);
        let scaled = imageops::resize(img, iw, ih, imageops::FilterType::Triangle);
        let net = match self.det_nets.entry((iw, ih)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                Net::load(
                    &self.detector,
                    [1, 3, ih as usize, iw as usize],
                    "text detector",
                )
                .context("the OCR text detector cannot run")?,
            ),
        };
        net.fill_input(|x| fill_bgr(x, &scaled, iw as usize))?;
        let out = net.run_expect(&[(iw * ih) as usize], "text detector")?;
        let prob = &out[0];
        let mut boxes = boxes_from_map(prob, iw as usize, ih as usize);
        let (sx, sy) = (w as f32 / iw as f32, h as f32 / ih as f32);
        for b in &mut boxes {
            for p in &mut b.corners {
                p.0 = (p.0 * sx).round().clamp(0.0, w as f32 - 1.0);
                p.1 = (p.1 * sy).round().clamp(0.0, h as f32 - 1.0);
            }
        }
        boxes.retain(|b| {
            let (bw, bh) = b.size();
            bw > 3.0 && bh > 3.0
        });
        sort_reading_order(&mut boxes);
        Ok(boxes)
    }

    /// The text of each region.
    pub fn recognise(&mut self, img: &RgbImage, boxes: &[TextBox]) -> Result<Vec<TextLine>> {
        let read = self.read_steps(img, boxes)?;
        Ok(boxes
            .iter()
            .zip(&read)
            .map(|(b, steps)| self.greedy_line(b, steps))
            .collect())
    }

    /// The recogniser's per-step class probabilities for each region (for
    /// decoding more than one way: [`Ocr::line_of_length`]).
    pub fn read_steps(&mut self, img: &RgbImage, boxes: &[TextBox]) -> Result<Vec<Steps>> {
        let crops: Vec<RgbImage> = boxes.iter().map(|b| crop_region(img, b)).collect();
        let Some(helper) = self.helper.as_mut().filter(|_| crops.len() > 1) else {
            return crops.iter().map(|c| self.rec.steps(c)).collect();
        };
        // Two shares of about equal work (a run's cost grows with the
        // line's width), each line's result the same whichever thread
        // reads it.
        let mut share = vec![false; crops.len()];
        let (mut here, mut there) = (0.0f32, 0.0f32);
        for (i, c) in crops.iter().enumerate() {
            let work = c.width() as f32 / c.height().max(1) as f32 + 1.0;
            if there < here {
                share[i] = true;
                there += work;
            } else {
                here += work;
            }
        }
        let pick = |mine: bool| -> Vec<&RgbImage> {
            crops
                .iter()
                .zip(&share)
                .filter(|(_, &s)| s == mine)
                .map(|(c, _)| c)
                .collect()
        };
        let (ours, theirs) = (pick(false), pick(true));
        let rec = &mut self.rec;
        let (ours, theirs) = std::thread::scope(|scope| {
            let other = scope.spawn(move || {
                theirs
                    .into_iter()
                    .map(|c| helper.steps(c))
                    .collect::<Result<Vec<_>>>()
            });
            let ours: Result<Vec<Steps>> = ours.into_iter().map(|c| rec.steps(c)).collect();
            let theirs = other
                .join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("the OCR's second thread stopped")));
            (ours, theirs)
        });
        let (mut ours, mut theirs) = (ours?.into_iter(), theirs?.into_iter());
        share
            .iter()
            .map(|&s| if s { theirs.next() } else { ours.next() })
            .map(|r| r.ok_or_else(|| anyhow::anyhow!("the OCR lost a line")))
            .collect()
    }

    /// The line of `steps` as greedy decoding reads it.
    pub fn greedy_line(&self, region: &TextBox, steps: &Steps) -> TextLine {
        let (text, confidence) = ctc::greedy(steps, &self.chars);
        TextLine {
            region: region.clone(),
            text,
            confidence,
        }
    }

    /// The dictionary classes that read as each of `alphabet`'s characters
    /// (upper case; lower case and `also`'s shapes read as their character),
    /// for [`Ocr::line_of_length`].
    pub fn symbols(&self, alphabet: &str, also: &[(char, &str)]) -> Vec<(char, Vec<usize>)> {
        ctc::symbol_classes(alphabet, &self.chars, also)
    }

    /// The most probable reading of `steps` with exactly `len` of `symbols`
    /// ([`Ocr::symbols`]), or `None` when the line is too short for it.
    pub fn line_of_length(
        &self,
        region: &TextBox,
        steps: &Steps,
        symbols: &[(char, Vec<usize>)],
        len: usize,
    ) -> Option<TextLine> {
        ctc::fixed_length(steps, symbols, len).map(|(text, confidence)| TextLine {
            region: region.clone(),
            text,
            confidence,
        })
    }

    /// As [`Ocr::line_of_length`] with the character at each position
    /// limited to those `allowed(position, char)`.
    pub fn line_of_pattern(
        &self,
        region: &TextBox,
        steps: &Steps,
        symbols: &[(char, Vec<usize>)],
        len: usize,
        allowed: impl Fn(usize, char) -> bool,
    ) -> Option<TextLine> {
        ctc::fixed_pattern(steps, symbols, len, allowed).map(|r| TextLine {
            region: region.clone(),
            text: r.text,
            confidence: r.confidence,
        })
    }
}

impl Recogniser {
    /// The recogniser's output for one upright line picture.
    fn steps(&mut self, crop: &RgbImage) -> Result<Steps> {
        let classes = self.classes;
        let (cw, ch) = crop.dimensions();
        if cw == 0 || ch == 0 {
            return Ok(Steps {
                probs: Vec::new(),
                classes,
            });
        }
        let want =
            ((REC_HEIGHT as f32 * cw as f32 / ch as f32).ceil() as u32).clamp(1, REC_MAX_WIDTH);
        let width = want.div_ceil(REC_WIDTH_STEP).max(1) * REC_WIDTH_STEP;
        let width = width.max(REC_MIN_WIDTH);
        let line = imageops::resize(crop, want, REC_HEIGHT, imageops::FilterType::Triangle);
        let net = match self.nets.entry(width) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                Net::load(
                    &self.bytes,
                    [1, 3, REC_HEIGHT as usize, width as usize],
                    "text recogniser",
                )
                .context("the OCR text recogniser cannot run")?,
            ),
        };
        net.fill_input(|x| {
            x.fill(0.0);
            fill_bgr_into(x, &line, width as usize);
        })?;
        let steps = (width / 8) as usize;
        let mut out = net.run_expect(&[steps * classes], "text recogniser")?;
        Ok(Steps {
            probs: out.pop().unwrap_or_default(),
            classes,
        })
    }
}

/// The detector's input size for a `w` x `h` picture.
pub fn det_input_size(w: u32, h: u32) -> (u32, u32) {
    let (wf, hf) = (w as f32, h as f32);
    let mut ratio = 1.0f32;
    let short = wf.min(hf);
    if short < DET_MIN_SIDE as f32 {
        ratio = DET_MIN_SIDE as f32 / short;
    }
    if wf.max(hf) * ratio > DET_MAX_SIDE as f32 {
        ratio = DET_MAX_SIDE as f32 / wf.max(hf);
    }
    let round = |v: f32| (((v / DET_STRIDE as f32).round() as u32).max(1)) * DET_STRIDE;
    (round(wf * ratio), round(hf * ratio))
}

/// Writes `img` (width `w`) into an NCHW tensor of the same size, BGR,
/// values (x / 255 - 0.5) / 0.5.
fn fill_bgr(x: &mut [f32], img: &RgbImage, w: usize) {
    fill_bgr_into(x, img, w)
}

/// Writes `img` into the top-left of an NCHW tensor `tw` wide and
/// `img.height()` high, BGR, values (x / 255 - 0.5) / 0.5; the rest is left.
fn fill_bgr_into(x: &mut [f32], img: &RgbImage, tw: usize) {
    let (iw, ih) = (img.width() as usize, img.height() as usize);
    let plane = tw * ih;
    for (yy, row) in img.rows().enumerate() {
        for (xx, p) in row.enumerate().take(tw.min(iw)) {
            let i = yy * tw + xx;
            for (c, v) in [p[2], p[1], p[0]].into_iter().enumerate() {
                x[c * plane + i] = v as f32 / 127.5 - 1.0;
            }
        }
    }
}

/// DB post-processing: binarise, dilate, regions, minimum-area rectangles,
/// score, unclip. Boxes in map pixels.
pub fn boxes_from_map(prob: &[f32], w: usize, h: usize) -> Vec<TextBox> {
    if prob.len() != w * h || w == 0 || h == 0 {
        return Vec::new();
    }
    // Binarise and dilate with a 2x2 kernel (PaddleOCR `use_dilation`,
    // OpenCV's anchor: each pixel also takes its left, upper and upper-left
    // neighbours).
    let on = |x: usize, y: usize| prob[y * w + x] > DET_PIXEL_THRESHOLD;
    let mut mask = image::GrayImage::new(w as u32, h as u32);
    for y in 0..h {
        for x in 0..w {
            let v = on(x, y)
                || (x > 0 && on(x - 1, y))
                || (y > 0 && on(x, y - 1))
                || (x > 0 && y > 0 && on(x - 1, y - 1));
            if v {
                mask.put_pixel(x as u32, y as u32, image::Luma([255]));
            }
        }
    }
    let contours = find_contours::<i32>(&mask);
    let mut boxes = Vec::new();
    for c in contours
        .iter()
        .filter(|c| c.border_type == BorderType::Outer)
        .take(DET_MAX_CANDIDATES)
    {
        if c.points.len() < 3 {
            continue;
        }
        let pts: Vec<(f32, f32)> = c.points.iter().map(|p| (p.x as f32, p.y as f32)).collect();
        let rect = min_rect(&pts);
        if rect.short_side() < DET_MIN_BOX_SIDE {
            continue;
        }
        let score = mean_inside(prob, w, h, &rect.corners());
        if score < DET_BOX_THRESHOLD {
            continue;
        }
        let grown = rect.unclipped(DET_UNCLIP_RATIO);
        if grown.short_side() < DET_MIN_BOX_SIDE + 2.0 {
            continue;
        }
        let corners = grown
            .corners()
            .map(|(x, y)| (x.clamp(0.0, w as f32), y.clamp(0.0, h as f32)));
        boxes.push(TextBox {
            corners: order_clockwise(corners),
            score,
        });
    }
    boxes
}

/// A rotated rectangle: centre, unit axis along its length, half sizes.
#[derive(Clone, Copy, Debug)]
struct RotRect {
    cx: f32,
    cy: f32,
    ux: f32,
    uy: f32,
    half_w: f32,
    half_h: f32,
}

impl RotRect {
    fn short_side(&self) -> f32 {
        2.0 * self.half_w.min(self.half_h)
    }

    fn corners(&self) -> [(f32, f32); 4] {
        let (vx, vy) = (-self.uy, self.ux);
        let p = |a: f32, b: f32| {
            (
                self.cx + a * self.half_w * self.ux + b * self.half_h * vx,
                self.cy + a * self.half_w * self.uy + b * self.half_h * vy,
            )
        };
        [p(-1.0, -1.0), p(1.0, -1.0), p(1.0, 1.0), p(-1.0, 1.0)]
    }

    /// Grown by area x ratio / perimeter on every side (the offset
    /// PaddleOCR's `unclip` gives a rectangle, its rounded corners aside).
    fn unclipped(&self, ratio: f32) -> RotRect {
        let (w, h) = (2.0 * self.half_w, 2.0 * self.half_h);
        let d = w * h * ratio / (2.0 * (w + h)).max(f32::EPSILON);
        RotRect {
            half_w: self.half_w + d,
            half_h: self.half_h + d,
            ..*self
        }
    }
}

/// The minimum-area rectangle around pixel-boundary points: over the
/// convex hull's edge directions (rotating calipers). The contour runs
/// through pixel centres; the rectangle covers the pixels, as OpenCV's
/// does on a contour (half a pixel added on every side).
fn min_rect(pts: &[(f32, f32)]) -> RotRect {
    let ipts: Vec<Point<i32>> = pts
        .iter()
        .map(|p| Point::new(p.0 as i32, p.1 as i32))
        .collect();
    let hull = imageproc::geometry::convex_hull(ipts);
    let hull: Vec<(f32, f32)> = hull.iter().map(|p| (p.x as f32, p.y as f32)).collect();
    let mut best: Option<(f32, RotRect)> = None;
    let n = hull.len();
    for i in 0..n.max(1) {
        let (ux, uy) = if n >= 2 {
            let a = hull[i];
            let b = hull[(i + 1) % n];
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let len = (dx * dx + dy * dy).sqrt();
            if len < f32::EPSILON {
                continue;
            }
            (dx / len, dy / len)
        } else {
            (1.0, 0.0)
        };
        let (vx, vy) = (-uy, ux);
        let (mut a0, mut a1, mut b0, mut b1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in &hull {
            let a = p.0 * ux + p.1 * uy;
            let b = p.0 * vx + p.1 * vy;
            a0 = a0.min(a);
            a1 = a1.max(a);
            b0 = b0.min(b);
            b1 = b1.max(b);
        }
        let area = (a1 - a0) * (b1 - b0);
        if best.as_ref().is_none_or(|(ba, _)| area < *ba) {
            let (am, bm) = ((a0 + a1) / 2.0, (b0 + b1) / 2.0);
            // Keep the long axis as "width".
            let (hw, hh) = ((a1 - a0) / 2.0 + 0.5, (b1 - b0) / 2.0 + 0.5);
            let r = RotRect {
                cx: am * ux + bm * vx,
                cy: am * uy + bm * vy,
                ux,
                uy,
                half_w: hw,
                half_h: hh,
            };
            let r = if hh > hw {
                RotRect {
                    ux: vx,
                    uy: vy,
                    half_w: hh,
                    half_h: hw,
                    ..r
                }
            } else {
                r
            };
            best = Some((area, r));
        }
    }
    best.map(|(_, r)| r).unwrap_or(RotRect {
        cx: pts[0].0,
        cy: pts[0].1,
        ux: 1.0,
        uy: 0.0,
        half_w: 0.5,
        half_h: 0.5,
    })
}

/// Mean of `prob` over the pixels whose centres lie inside the convex
/// quadrilateral `q` (PaddleOCR's "fast" box score).
fn mean_inside(prob: &[f32], w: usize, h: usize, q: &[(f32, f32); 4]) -> f32 {
    let xmin = q
        .iter()
        .map(|p| p.0)
        .fold(f32::MAX, f32::min)
        .floor()
        .max(0.0) as usize;
    let xmax = (q.iter().map(|p| p.0).fold(f32::MIN, f32::max).ceil() as usize).min(w - 1);
    let ymin = q
        .iter()
        .map(|p| p.1)
        .fold(f32::MAX, f32::min)
        .floor()
        .max(0.0) as usize;
    let ymax = (q.iter().map(|p| p.1).fold(f32::MIN, f32::max).ceil() as usize).min(h - 1);
    let (mut sum, mut n) = (0.0f64, 0usize);
    for y in ymin..=ymax {
        for x in xmin..=xmax {
            if inside_convex(q, (x as f32, y as f32)) {
                sum += prob[y * w + x] as f64;
                n += 1;
            }
        }
    }
    if n == 0 {
        0.0
    } else {
        (sum / n as f64) as f32
    }
}

fn inside_convex(q: &[(f32, f32); 4], p: (f32, f32)) -> bool {
    let mut sign = 0.0f32;
    for i in 0..4 {
        let a = q[i];
        let b = q[(i + 1) % 4];
        let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
        if cross.abs() < 1e-6 {
            continue;
        }
        if sign == 0.0 {
            sign = cross.signum();
        } else if cross.signum() != sign {
            return false;
        }
    }
    true
}

/// Corners as top-left, top-right, bottom-right, bottom-left (the two
/// leftmost by x are the left side; each side ordered by y).
pub fn order_clockwise(c: [(f32, f32); 4]) -> [(f32, f32); 4] {
    let mut by_x = c;
    by_x.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut left, mut right) = ([by_x[0], by_x[1]], [by_x[2], by_x[3]]);
    left.sort_by(|a, b| a.1.total_cmp(&b.1));
    right.sort_by(|a, b| a.1.total_cmp(&b.1));
    [left[0], right[0], right[1], left[1]]
}

/// Top to bottom; boxes whose tops are within 10 px are one row, read left
/// to right (RapidOCR `sorted_boxes`).
fn sort_reading_order(boxes: &mut [TextBox]) {
    boxes.sort_by(|a, b| {
        a.corners[0]
            .1
            .total_cmp(&b.corners[0].1)
            .then(a.corners[0].0.total_cmp(&b.corners[0].0))
    });
    for i in 0..boxes.len().saturating_sub(1) {
        let mut j = i as isize;
        while j >= 0 {
            let (ju, jn) = (j as usize, j as usize + 1);
            if (boxes[jn].corners[0].1 - boxes[ju].corners[0].1).abs() < 10.0
                && boxes[jn].corners[0].0 < boxes[ju].corners[0].0
            {
                boxes.swap(ju, jn);
                j -= 1;
            } else {
                break;
            }
        }
    }
}

/// The region straightened into an upright picture (perspective warp,
/// bicubic), turned a quarter when it is vertical text.
pub fn crop_region(img: &RgbImage, b: &TextBox) -> RgbImage {
    let (bw, bh) = b.size();
    let (cw, ch) = (bw.max(1.0) as u32, bh.max(1.0) as u32);
    let to = [
        (0.0, 0.0),
        (cw as f32, 0.0),
        (cw as f32, ch as f32),
        (0.0, ch as f32),
    ];
    let mut out = RgbImage::new(cw, ch);
    match Projection::from_control_points(b.corners, to) {
        Some(p) => warp_into(img, p, Interpolation::Bicubic, Border::Replicate, &mut out),
        None => return out,
    }
    if ch as f32 >= cw as f32 * REC_VERTICAL_RATIO {
        // numpy's rot90: a quarter turn counter-clockwise.
        imageops::rotate270(&out)
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detector_input_is_a_multiple_of_32_within_the_limits() {
        assert_eq!(det_input_size(736, 736), (736, 736));
        // Small pictures are scaled up to the short-side minimum.
        let (w, h) = det_input_size(300, 200);
        assert_eq!((w % 32, h % 32), (0, 0));
        assert!(h >= 704 && w <= DET_MAX_SIDE, "{w}x{h}");
        // Large ones are capped on the long side.
        let (w, h) = det_input_size(4000, 3000);
        assert!(w <= DET_MAX_SIDE + 16 && h < w, "{w}x{h}");
    }

    #[test]
    fn a_bright_band_in_the_map_is_one_box_around_it() {
        let (w, h) = (200, 100);
        let mut prob = vec![0.0f32; w * h];
        for y in 40..50 {
            for x in 20..180 {
                prob[y * w + x] = 0.9;
            }
        }
        let boxes = boxes_from_map(&prob, w, h);
        assert_eq!(boxes.len(), 1, "{boxes:?}");
        let b = &boxes[0];
        let (bw, bh) = b.size();
        // 160 x 10 pixels, dilated to 161 x 11, grown by 161*11*1.6/344
        // = 8.2 px on each side: 177.5 x 27.5.
        assert!(
            (bw - 177.5).abs() < 1.0 && (bh - 27.5).abs() < 1.0,
            "{bw} x {bh}"
        );
        assert!(b.corners[0].0 < b.corners[1].0 && b.corners[0].1 < b.corners[3].1);
        // The dilated rim (no probability) is inside the box: below 0.9.
        assert!(b.score > DET_BOX_THRESHOLD && b.score < 0.9, "{}", b.score);
    }

    #[test]
    fn a_weak_region_is_no_box() {
        let (w, h) = (100, 50);
        let mut prob = vec![0.0f32; w * h];
        for y in 20..30 {
            for x in 10..90 {
                prob[y * w + x] = 0.4;
            }
        }
        assert!(boxes_from_map(&prob, w, h).is_empty());
    }

    #[test]
    fn reading_order_is_rows_then_columns() {
        let b = |x: f32, y: f32| TextBox {
            corners: [(x, y), (x + 10.0, y), (x + 10.0, y + 5.0), (x, y + 5.0)],
            score: 1.0,
        };
        let mut boxes = vec![b(50.0, 3.0), b(0.0, 40.0), b(0.0, 0.0)];
        sort_reading_order(&mut boxes);
        let xs: Vec<(f32, f32)> = boxes.iter().map(|b| b.corners[0]).collect();
        assert_eq!(xs, vec![(0.0, 0.0), (50.0, 3.0), (0.0, 40.0)]);
    }
}
