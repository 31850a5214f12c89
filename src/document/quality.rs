//! How good the photo of the document is, as a document-capture SDK would
//! judge it before upload: light, glare, sharpness, text size, tilt.
//!
//! Pure measures over the picture, the document's outline and the text
//! boxes the OCR found; `check::locate` turns them into issue codes with
//! the thresholds below. Every threshold is measured on the evaluation
//! specimens and on alterations with known truth (docs/documents.md,
//! `cargo run --release --example eval_documents`).

use super::find::inside;
use super::ocr::TextLine;
use image::RgbImage;

/// A picture whose document area has a median luma below this is
/// `too_dark` (0-255). The darkest clean specimen scan has a median well
/// above it; pictures darkened to a quarter of their light fall below
/// (docs/documents.md).
pub const DARK_MAX_MEDIAN: f64 = 70.0;
/// A pixel is glare when every channel is at least this (the sensor
/// clipped) ...
pub const GLARE_MIN_CHANNEL: u8 = 248;
/// ... and its luma is at least this far above the document's paper (the
/// [`PAPER_PERCENTILE`] of its luma without clipped pixels: print covers
/// less than that share of a document): a white spot on a tinted card is glare; on
/// a page that is itself white (a scan) glare cannot be told from paper
/// and none is reported.
pub const GLARE_ABOVE_PAPER: f64 = 10.0;
/// The paper's level: this percentile of the document's unclipped luma.
pub const PAPER_PERCENTILE: f64 = 0.6;
/// The document is `glare` when such pixels cover at least this share of
/// it: clean specimens and photos of them measured up to 0.025 (white
/// panels with a soft edge), built glare spots from 0.038
/// (docs/documents.md).
pub const GLARE_MIN_SHARE: f64 = 0.03;
/// When more than this share of the document is clipped white, the paper
/// itself is white to the sensor and glare on it cannot be told apart: none
/// is reported (a limit, docs/documents.md).
pub const PAPER_CLIPPED_MAX: f64 = 0.25;
/// Clipped blobs smaller than this share of the document are specks (a
/// sequin of the hologram, noise), not glare.
pub const GLARE_MIN_BLOB_SHARE: f64 = 0.0005;
/// The halo ring lies this share of the document's shorter side around a
/// clipped blob ...
pub const HALO_RING_SHARE: f64 = 0.02;
/// ... and is this much brighter than the paper (luma) around glare.
pub const HALO_ABOVE_PAPER: f64 = 12.0;
/// ... and falls off: the paper in a far ring ([`HALO_FAR_RINGS`] rings
/// out) is at least this much darker than in the near one. A white panel on
/// a light tint (the Polish visa specimen's fields) has the tint all
/// around it, flat; built specular spots fell off by 6-37 (tuning half),
/// panels by 0-4 (docs/documents.md).
pub const HALO_FALLOFF: f64 = 5.0;
/// The far ring lies this many near rings out.
pub const HALO_FAR_RINGS: u32 = 3;
/// ... and its edge is soft: the paper within [`GLARE_EDGE_PX`] pixels of the
/// clipped blob is still at least this bright (median luma). Light falls
/// off smoothly from a reflection's clipped core; printed white (a panel, a
/// photo's background) ends at the print beside it. Built glare spots'
/// edges measured 233-252, the white areas taken for glare on built photos
/// of clean documents 127-228 but one (246); on the tuning half alone
/// 235-248 against 185 and 228 (docs/documents.md).
pub const GLARE_EDGE_MIN: f64 = 230.0;
/// The width of that edge (pixels, chessboard distance from the blob).
pub const GLARE_EDGE_PX: u32 = 2;
/// Glare is said to be over the MRZ (or the text) when it covers at least
/// this share of the MRZ's (the text's) boxes; the MRZ first, as it is what
/// a check reads.
pub const GLARE_ZONE_SHARE: f64 = 0.02;
/// Crété-Roffet's blur measure (0 sharp, 1 flat) at or above this over the
/// text is `blurry`. Clean specimens and photos built from them measured
/// up to 0.47, the same blurred by an eighth of the text height from 0.48:
/// the margin is thin (docs/documents.md).
pub const BLUR_MAX: f64 = 0.48;
/// Text boxes higher than this (pixels) are scaled down to it before the
/// blur is measured, so that large blurred print reads as blurred; smaller
/// ones are measured as they are (scaling up would blur them).
pub const BLUR_TEXT_PX: f64 = 32.0;
/// Text lines lower than this (median OCR box height, pixels; a box is
/// about twice the letters' height) are `too_small` to read: the lowest
/// text of a specimen whose MRZ was still read exactly measured 7
/// (docs/documents.md).
pub const TEXT_MIN_HEIGHT: f64 = 7.0;
/// A document whose outline covers less than this share of the picture is
/// `too_small` too: capture SDKs ask for the document to fill the frame,
/// and a webcam's soft pixels read worse than a scan's (docs/documents.md).
pub const MIN_FILL: f64 = 0.12;
/// The text read on a document spans at least this share of its area (the
/// bounding box of its lines; 0.48 the least on built photos with a true
/// outline, tuning half): where no outline is seen, or the outline is not
/// the document's ([`OUTLINE_MAX_OVER_TEXT`]), the document's share of the
/// picture is taken as the text's over this, and [`MIN_FILL`] applies to it.
pub const TEXT_SHARE_OF_DOCUMENT: f64 = 0.45;
/// An outline covering more than this many times the text's bounding box is
/// not the document's but a larger edge around it (a table's, a page's):
/// true outlines measured up to 1.96 times (tuning half).
pub const OUTLINE_MAX_OVER_TEXT: f64 = 3.0;
/// The document's sides are turned more than this from the picture's axes
/// (degrees), or ...
pub const TILT_MAX_DEG: f64 = 15.0;
/// ... its opposite sides differ in length by more than this factor
/// (photographed at a slant): `tilted`.
pub const SLANT_MAX_RATIO: f64 = 1.3;
/// An outline with one or two of its sides on the picture's border is a
/// document running off it (`document_cut_off`) when its seen sides lie on
/// edges over at least this share on average (a weaker outline is more
/// likely a scan's fold or a printed rule).
pub const CUT_OFF_MIN_SUPPORT: f64 = 0.75;
/// ... and covers less than this share of the picture ...
pub const CUT_OFF_MAX_FILL: f64 = 0.5;
/// ... and the text reaches that border to within this share of the text's
/// own extent across it: a document's print begins a few millimetres from
/// its edges, so one running off the picture has its text close to where
/// it is cut (built cut-off photos: 0 and 0.06), while an outline that took
/// the border for a side of a whole document has its text far from it
/// (0.27-7.5; docs/documents.md).
pub const CUT_OFF_MAX_TEXT_GAP: f64 = 0.15;
/// A text box within this many pixels of the picture's edge is cut by it
/// (`document_cut_off`).
pub const TEXT_EDGE_MARGIN: f32 = 2.0;

/// The measures of one picture.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Measures {
    /// Median luma over the document (0-255).
    pub median_luma: f64,
    /// Share of the document that is glare.
    pub glare_share: f64,
    /// Where most glare lies: "mrz", "text" or "document".
    pub glare_where: &'static str,
    /// Crété-Roffet blur over the text (or the document when no text).
    pub blur: f64,
    /// Median text line height (pixels), `None` without text.
    pub text_height: Option<f64>,
    /// Rotation of the document from the picture's axes (degrees, 0-45).
    pub tilt_deg: f64,
    /// Longer over shorter of each pair of opposite sides, the larger.
    pub slant_ratio: f64,
}

fn luma(p: &image::Rgb<u8>) -> f64 {
    0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64
}

fn in_box(l: &TextLine, x: f32, y: f32) -> bool {
    let c = l.region.corners;
    let q = [
        [c[0].0, c[0].1],
        [c[1].0, c[1].1],
        [c[2].0, c[2].1],
        [c[3].0, c[3].1],
    ];
    inside(&q, [x, y])
}

/// An MRZ line as read, even half spoiled: at least this many of its
/// characters are capitals, digits or the `<` filler, with a filler among
/// them (`zone::MRZ_LIKE_MIN_CHARS`).
pub fn is_mrz_line(l: &TextLine) -> bool {
    l.text.contains('<')
        && l.text
            .chars()
            .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '<')
            .count()
            >= super::zone::MRZ_LIKE_MIN_CHARS
}

/// Measures the picture over the document `quad` (picture pixels,
/// clockwise from the top left).
pub fn measure(img: &RgbImage, quad: &[[f32; 2]; 4], lines: &[TextLine]) -> Measures {
    let (w, h) = img.dimensions();
    let xs = quad.iter().map(|p| p[0]);
    let ys = quad.iter().map(|p| p[1]);
    let x0 = xs.clone().fold(f32::MAX, f32::min).max(0.0) as u32;
    let x1 = (xs.fold(f32::MIN, f32::max).ceil().max(0.0) as u32).min(w);
    let y0 = ys.clone().fold(f32::MAX, f32::min).max(0.0) as u32;
    let y1 = (ys.fold(f32::MIN, f32::max).ceil().max(0.0) as u32).min(h);
    // A histogram of luma over the document.
    let mut hist = [0u64; 256];
    // The same without clipped pixels: the paper's level.
    let mut unclipped = [0u64; 256];
    let (mut n, mut n_unclipped) = (0u64, 0u64);
    for y in y0..y1 {
        for x in x0..x1 {
            if inside(quad, [x as f32 + 0.5, y as f32 + 0.5]) {
                let p = img.get_pixel(x, y);
                let v = luma(p).round().clamp(0.0, 255.0) as usize;
                hist[v] += 1;
                n += 1;
                if !p.0.iter().all(|&c| c >= GLARE_MIN_CHANNEL) {
                    unclipped[v] += 1;
                    n_unclipped += 1;
                }
            }
        }
    }
    let median = percentile(&hist, n, 0.5);
    let paper = percentile(&unclipped, n_unclipped, PAPER_PERCENTILE);
    // Paper that is itself clipped white (a scan) hides any glare on it.
    let clipped_share = 1.0 - n_unclipped as f64 / n.max(1) as f64;
    let glare = if clipped_share > PAPER_CLIPPED_MAX {
        Glare {
            mask: vec![false; (x1.saturating_sub(x0) * y1.saturating_sub(y0)) as usize],
            pixels: 0,
        }
    } else {
        glare_spots(img, quad, (x0, y0, x1, y1), paper)
    };
    // How much of the MRZ's boxes and of the other text boxes it covers.
    let (mut on_mrz, mut on_text) = (0u64, 0u64);
    let (mut mrz_area, mut text_area) = (0u64, 0u64);
    let mrz: Vec<&TextLine> = lines.iter().filter(|l| is_mrz_line(l)).collect();
    let other: Vec<&TextLine> = lines
        .iter()
        .filter(|l| !is_mrz_line(l) && !l.text.is_empty())
        .collect();
    let bw = x1.saturating_sub(x0);
    for y in y0..y1 {
        for x in x0..x1 {
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            let is_glare = glare.mask[((y - y0) * bw + (x - x0)) as usize];
            if mrz.iter().any(|l| in_box(l, fx, fy)) {
                mrz_area += 1;
                on_mrz += u64::from(is_glare);
            } else if other.iter().any(|l| in_box(l, fx, fy)) {
                text_area += 1;
                on_text += u64::from(is_glare);
            }
        }
    }
    let glare_share = if n == 0 {
        0.0
    } else {
        glare.pixels as f64 / n as f64
    };
    let covers = |g: u64, area: u64| area > 0 && g as f64 >= GLARE_ZONE_SHARE * area as f64;
    let glare_where = if covers(on_mrz, mrz_area) {
        "mrz"
    } else if covers(on_text, text_area) {
        "text"
    } else {
        "document"
    };
    let grey = image::imageops::grayscale(img);
    let text: Vec<&TextLine> = lines.iter().filter(|l| !l.text.is_empty()).collect();
    let text_height = median_height(&text);
    let blur = text_blur(&grey, &text).unwrap_or_else(|| crete_blur(&grey, x0, y0, x1, y1));
    let (tilt_deg, slant_ratio) = geometry(quad);
    Measures {
        median_luma: median,
        glare_share,
        glare_where,
        blur,
        text_height,
        tilt_deg,
        slant_ratio,
    }
}

/// The glare spots over the document's bounding box `(x0, y0, x1, y1)`:
/// a mask (row-major over the box) and its pixel count.
struct Glare {
    mask: Vec<bool>,
    pixels: u64,
}

/// Clipped blobs above the paper ([`GLARE_MIN_CHANNEL`],
/// [`GLARE_ABOVE_PAPER`]) that have a specular halo: the paper in the ring
/// [`HALO_RING_SHARE`] of the document's size around them (the ring's 75th
/// percentile of luma: print in the ring is darker) is still
/// [`HALO_ABOVE_PAPER`] brighter than the document's paper, and darker
/// further out ([`HALO_FALLOFF`]), and whose edge is soft
/// ([`GLARE_EDGE_MIN`]). Light falls off smoothly around a reflection;
/// around a white printed area (a photo's background, an unprinted panel)
/// the print or paper begins at once.
fn glare_spots(img: &RgbImage, quad: &[[f32; 2]; 4], b: (u32, u32, u32, u32), paper: f64) -> Glare {
    let (x0, y0, x1, y1) = b;
    let (bw, bh) = (x1.saturating_sub(x0), y1.saturating_sub(y0));
    let mut mask = vec![false; (bw * bh) as usize];
    if bw < 4 || bh < 4 {
        return Glare { mask, pixels: 0 };
    }
    let clipped = image::GrayImage::from_fn(bw, bh, |x, y| {
        let (px, py) = (x + x0, y + y0);
        let p = img.get_pixel(px, py);
        let on = inside(quad, [px as f32 + 0.5, py as f32 + 0.5])
            && p.0.iter().all(|&c| c >= GLARE_MIN_CHANNEL)
            && luma(p) >= paper + GLARE_ABOVE_PAPER;
        image::Luma([if on { 255 } else { 0 }])
    });
    let labels = imageproc::region_labelling::connected_components(
        &clipped,
        imageproc::region_labelling::Connectivity::Eight,
        image::Luma([0u8]),
    );
    // Each blob's pixel count and box.
    let mut blobs: std::collections::HashMap<u32, (u64, u32, u32, u32, u32)> =
        std::collections::HashMap::new();
    for (x, y, l) in labels.enumerate_pixels() {
        if l[0] == 0 {
            continue;
        }
        let e = blobs.entry(l[0]).or_insert((0, x, y, x, y));
        e.0 += 1;
        e.1 = e.1.min(x);
        e.2 = e.2.min(y);
        e.3 = e.3.max(x);
        e.4 = e.4.max(y);
    }
    let side = bw.min(bh) as f64;
    let ring = (HALO_RING_SHARE * side).round().clamp(3.0, 60.0) as u32;
    let min_blob = ((GLARE_MIN_BLOB_SHARE * (bw as f64 * bh as f64)) as u64).max(12);
    let mut pixels = 0;
    for (&label, &(count, bx0, by0, bx1, by1)) in &blobs {
        if count < min_blob {
            continue;
        }
        // The rings: pixels at chessboard distance ring/2..=ring from it
        // (near), and 2 ring..=3 ring (far).
        let reach = HALO_FAR_RINGS * ring;
        let (rx0, ry0) = (bx0.saturating_sub(reach), by0.saturating_sub(reach));
        let (rx1, ry1) = ((bx1 + reach + 1).min(bw), (by1 + reach + 1).min(bh));
        let local = image::GrayImage::from_fn(rx1 - rx0, ry1 - ry0, |x, y| {
            image::Luma([if labels.get_pixel(x + rx0, y + ry0)[0] == label {
                255
            } else {
                0
            }])
        });
        let dist = imageproc::distance_transform::distance_transform(
            &local,
            imageproc::distance_transform::Norm::LInf,
        );
        let (mut edge, mut near, mut far) = (Vec::new(), Vec::new(), Vec::new());
        for (x, y, d) in dist.enumerate_pixels() {
            let d = d[0] as u32;
            let (px, py) = (x + rx0 + x0, y + ry0 + y0);
            if d == 0 || !inside(quad, [px as f32 + 0.5, py as f32 + 0.5]) {
                continue;
            }
            if d <= GLARE_EDGE_PX {
                edge.push(luma(img.get_pixel(px, py)));
            }
            if d <= ring / 2 {
                continue;
            }
            if d <= ring {
                near.push(luma(img.get_pixel(px, py)));
            } else if d > reach - ring && d <= reach {
                far.push(luma(img.get_pixel(px, py)));
            }
        }
        // Each ring's paper (its brighter quarter: print in it is darker).
        let paper_of = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v.get(v.len() * 3 / 4).copied()
        };
        let near_paper = paper_of(near).unwrap_or(0.0);
        let far_paper = paper_of(far).unwrap_or(near_paper);
        edge.sort_by(f64::total_cmp);
        let soft = edge
            .get(edge.len() / 2)
            .is_none_or(|&e| e >= GLARE_EDGE_MIN);
        if near_paper >= paper + HALO_ABOVE_PAPER && near_paper - far_paper >= HALO_FALLOFF && soft
        {
            pixels += count;
            for y in by0..=by1 {
                for x in bx0..=bx1 {
                    if labels.get_pixel(x, y)[0] == label {
                        mask[(y * bw + x) as usize] = true;
                    }
                }
            }
        }
    }
    Glare { mask, pixels }
}

fn bounds(l: &TextLine, w: u32, h: u32) -> (u32, u32, u32, u32) {
    let c = l.region.corners;
    let fx = |f: fn(f32, f32) -> f32, init: f32| c.iter().map(|p| p.0).fold(init, f);
    let fy = |f: fn(f32, f32) -> f32, init: f32| c.iter().map(|p| p.1).fold(init, f);
    (
        fx(f32::min, f32::MAX).max(0.0) as u32,
        fy(f32::min, f32::MAX).max(0.0) as u32,
        (fx(f32::max, f32::MIN).ceil().max(0.0) as u32).min(w),
        (fy(f32::max, f32::MIN).ceil().max(0.0) as u32).min(h),
    )
}

fn percentile(hist: &[u64; 256], n: u64, q: f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let target = (q * n as f64).ceil().max(1.0) as u64;
    let mut acc = 0;
    for (v, &c) in hist.iter().enumerate() {
        acc += c;
        if acc >= target {
            return v as f64;
        }
    }
    255.0
}

/// Tilt from the picture's axes (degrees, 0-45) and the larger ratio of
/// opposite sides.
pub fn geometry(q: &[[f32; 2]; 4]) -> (f64, f64) {
    let side = |i: usize| {
        let (a, b) = (q[i], q[(i + 1) % 4]);
        ((b[0] - a[0]) as f64, (b[1] - a[1]) as f64)
    };
    let len = |v: (f64, f64)| v.0.hypot(v.1);
    // The angle of each side folded to 0-45 degrees from an axis, the
    // mean over the four sides weighted by length.
    let mut num = 0.0;
    let mut den = 0.0;
    for i in 0..4 {
        let v = side(i);
        let a = v.1.atan2(v.0).to_degrees().rem_euclid(90.0);
        let a = if a > 45.0 { 90.0 - a } else { a };
        num += a * len(v);
        den += len(v);
    }
    let tilt = if den > 0.0 { num / den } else { 0.0 };
    let ratio = |x: f64, y: f64| {
        if x.min(y) <= 0.0 {
            1.0
        } else {
            x.max(y) / x.min(y)
        }
    };
    let slant = ratio(len(side(0)), len(side(2))).max(ratio(len(side(1)), len(side(3))));
    (tilt, slant)
}

/// The text's turn from horizontal (degrees, 0-45): the median over the
/// text lines of their boxes' top edges; `None` without text.
pub fn text_tilt(lines: &[TextLine]) -> Option<f64> {
    let mut a: Vec<f64> = lines
        .iter()
        .filter(|l| !l.text.is_empty())
        .map(|l| {
            let c = l.region.corners;
            let d = ((c[1].1 - c[0].1) as f64).atan2((c[1].0 - c[0].0) as f64);
            let deg = d.to_degrees().rem_euclid(90.0);
            if deg > 45.0 {
                90.0 - deg
            } else {
                deg
            }
        })
        .collect();
    a.sort_by(f64::total_cmp);
    (!a.is_empty()).then(|| a[a.len() / 2])
}

/// The median height of text boxes (pixels); `None` without any.
pub fn median_height(text: &[&TextLine]) -> Option<f64> {
    let mut heights: Vec<f64> = text.iter().map(|l| l.region.size().1 as f64).collect();
    heights.sort_by(f64::total_cmp);
    heights.get(heights.len() / 2).copied()
}

/// Crété-Roffet blur over text boxes at a common text height (blur that
/// hurts reading is a share of the letters' size; boxes taller than
/// [`BLUR_TEXT_PX`] are scaled down to it), weighted by area; `None` when no
/// box is large enough to measure. The common height is the boxes' median
/// ([`median_height`]).
pub fn text_blur(grey: &image::GrayImage, text: &[&TextLine]) -> Option<f64> {
    let text_height = median_height(text)?;
    let (w, h) = grey.dimensions();
    let k = (BLUR_TEXT_PX / text_height.max(1.0)).clamp(0.25, 1.0);
    let mut sum = 0.0;
    let mut wsum = 0.0;
    for l in text {
        let (bx0, by0, bx1, by1) = bounds(l, w, h);
        let (cw, ch) = (bx1.saturating_sub(bx0), by1.saturating_sub(by0));
        let (tw, thh) = (
            (cw as f64 * k).round() as u32,
            (ch as f64 * k).round() as u32,
        );
        if tw < 10 || thh < 10 {
            continue;
        }
        let crop = image::imageops::crop_imm(grey, bx0, by0, cw, ch).to_image();
        let scaled = image::imageops::resize(&crop, tw, thh, image::imageops::FilterType::Triangle);
        let area = (tw * thh) as f64;
        sum += crete_blur(&scaled, 0, 0, tw, thh) * area;
        wsum += area;
    }
    (wsum > 0.0).then(|| sum / wsum)
}

/// Crété-Roffet et al.'s no-reference blur measure ("The blur effect:
/// perception and estimation with a new no-reference perceptual blur
/// metric", SPIE 2007) over a rectangle: how much of the picture's
/// neighbour differences a further 9-tap box blur leaves (0 sharp, 1 as
/// blurred as the box blur). Independent of contrast.
pub fn crete_blur(g: &image::GrayImage, x0: u32, y0: u32, x1: u32, y1: u32) -> f64 {
    let (w, h) = (
        x1.saturating_sub(x0) as usize,
        y1.saturating_sub(y0) as usize,
    );
    if w < 10 || h < 10 {
        return 0.0;
    }
    let px = |x: usize, y: usize| g.get_pixel(x0 + x as u32, y0 + y as u32)[0] as f64;
    let mut best: f64 = 0.0;
    for vertical in [true, false] {
        let (mut s_f, mut s_v) = (0.0, 0.0);
        // The box-blurred value at (x, y) along the direction.
        let blurred = |x: usize, y: usize| {
            let mut s = 0.0;
            for k in -4i64..=4 {
                let (xx, yy) = if vertical {
                    (x as i64, (y as i64 + k).clamp(0, h as i64 - 1))
                } else {
                    ((x as i64 + k).clamp(0, w as i64 - 1), y as i64)
                };
                s += px(xx as usize, yy as usize);
            }
            s / 9.0
        };
        for y in 0..h {
            for x in 0..w {
                let (px_prev, py_prev) = if vertical {
                    if y == 0 {
                        continue;
                    }
                    (x, y - 1)
                } else {
                    if x == 0 {
                        continue;
                    }
                    (x - 1, y)
                };
                let d_f = (px(x, y) - px(px_prev, py_prev)).abs();
                let d_b = (blurred(x, y) - blurred(px_prev, py_prev)).abs();
                s_f += d_f;
                s_v += (d_f - d_b).max(0.0);
            }
        }
        if s_f > 0.0 {
            best = best.max((s_f - s_v) / s_f);
        } else {
            best = 1.0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};

    /// Blocks wider than the measure's 9-pixel box blur, like print.
    fn stripes(w: u32, h: u32) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| {
            Luma([if (x / 16 + y / 12) % 2 == 0 { 30 } else { 220 }])
        })
    }

    #[test]
    fn blur_rises_with_a_gaussian_blur_and_ignores_contrast() {
        let sharp = stripes(120, 80);
        let soft = imageproc::filter::gaussian_blur_f32(&sharp, 2.5);
        let b_sharp = crete_blur(&sharp, 0, 0, 120, 80);
        let b_soft = crete_blur(&soft, 0, 0, 120, 80);
        assert!(
            b_sharp < 0.3 && b_soft > b_sharp + 0.2,
            "{b_sharp} {b_soft}"
        );
        // Half the contrast: the same measure.
        let faint = GrayImage::from_fn(120, 80, |x, y| {
            Luma([(sharp.get_pixel(x, y)[0] as u32 / 2 + 60) as u8])
        });
        let b_faint = crete_blur(&faint, 0, 0, 120, 80);
        assert!((b_faint - b_sharp).abs() < 0.05, "{b_faint} {b_sharp}");
    }

    #[test]
    fn geometry_of_an_upright_a_turned_and_a_slanted_card() {
        let upright = [[0.0, 0.0], [160.0, 0.0], [160.0, 100.0], [0.0, 100.0]];
        assert_eq!(geometry(&upright), (0.0, 1.0));
        let c = 30f32.to_radians().cos();
        let s = 30f32.to_radians().sin();
        let turned = upright.map(|[x, y]| [x * c - y * s + 200.0, x * s + y * c]);
        let (t, r) = geometry(&turned);
        assert!((t - 30.0).abs() < 0.01 && (r - 1.0).abs() < 1e-3, "{t} {r}");
        let slanted = [[20.0, 0.0], [140.0, 0.0], [160.0, 100.0], [0.0, 100.0]];
        assert!((geometry(&slanted).1 - 160.0 / 120.0).abs() < 1e-6);
    }

    #[test]
    fn a_reflection_is_glare_and_a_white_panel_or_page_is_not() {
        let quad = [[0.0, 0.0], [400.0, 0.0], [400.0, 240.0], [0.0, 240.0]];
        let card = || RgbImage::from_pixel(400, 240, image::Rgb([190, 200, 185]));
        // A reflection: light added with a smooth fall-off, clipped at its
        // core.
        let mut lit = card();
        for (x, y, p) in lit.enumerate_pixels_mut() {
            let d2 = (x as f32 - 250.0).powi(2) + (y as f32 - 120.0).powi(2);
            let g = 150.0 * (-d2 / (2.0 * 20.0f32.powi(2))).exp();
            for c in &mut p.0 {
                *c = (*c as f32 + g).min(255.0) as u8;
            }
        }
        let m = measure(&lit, &quad, &[]);
        assert!(m.glare_share > 0.005, "{m:?}");
        assert_eq!(m.glare_where, "document");
        // A white printed panel with a sharp border: not a reflection.
        let mut panel = card();
        for y in 60..120 {
            for x in 40..120 {
                panel.put_pixel(x, y, image::Rgb([255, 255, 255]));
            }
        }
        assert_eq!(measure(&panel, &quad, &[]).glare_share, 0.0);
        // The same panel inside a light tinted field (the Polish visa's
        // fields): bright all around, but level, not falling off.
        let mut field = card();
        for y in 30..150 {
            for x in 10..150 {
                let v = if (60..120).contains(&y) && (40..120).contains(&x) {
                    255
                } else {
                    228
                };
                field.put_pixel(x, y, image::Rgb([v, v, v]));
            }
        }
        assert_eq!(measure(&field, &quad, &[]).glare_share, 0.0);
        let page = RgbImage::from_pixel(400, 240, image::Rgb([252, 252, 252]));
        assert_eq!(measure(&page, &quad, &[]).glare_share, 0.0);
        // A white panel inside a pale field that fades into the card (the
        // Slovenian card's white lower half, pale blue above it): bright
        // around it and falling off as a halo does, but the print begins at
        // the panel's edge.
        let mut fading = card();
        for y in 20..200 {
            for x in 10..230 {
                let v = if (80..140).contains(&y) && (60..180).contains(&x) {
                    255.0
                } else {
                    // 225 beside the panel, down to the card's 190-200.
                    let d = ((x as f32 - 120.0).abs() - 60.0)
                        .max((y as f32 - 110.0).abs() - 30.0)
                        .max(0.0);
                    (225.0 - d).max(195.0)
                };
                fading.put_pixel(x, y, image::Rgb([v as u8; 3]));
            }
        }
        assert_eq!(measure(&fading, &quad, &[]).glare_share, 0.0);
    }
}
