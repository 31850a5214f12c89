//! How the face is lit: brightness of the face and of the background, how
//! much of the face is clipped, and how unevenly its two halves are lit.
//!
//! Plain measures over one frame and its landmarks. They are the inputs of
//! the lighting hints (too dark, too bright, backlit, uneven light); the
//! hints' thresholds are set from these measures on labelled footage.

use crate::frame::Frame;
use crate::vision::roi::{inside_row, row_crossings};

/// The face outline in the 468-point mesh (MediaPipe's face oval), in order.
pub const FACE_OVAL: [usize; 36] = [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
    148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
];
/// Top of the nose bridge and the chin: the line that splits the face in halves.
pub const MIDLINE: (usize, usize) = (168, 152);

/// Luma values (BT.601, 0-255) and fractions of face pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lighting {
    /// Mean luma inside the face outline.
    pub face_luma: f32,
    /// Mean luma of the frame outside the face box grown by half.
    pub background_luma: Option<f32>,
    /// Fraction of face pixels at 250 or more (blown out).
    pub face_clipped: f32,
    /// Mean luma of the face half on the image's left minus the right one,
    /// over their mean: 0 for even light, +-1 when one side is black.
    pub side_balance: f32,
    /// Mean colour inside the face outline in linear light (sRGB decoded,
    /// 0-1 per channel): light adds up in these units, so a screen's
    /// reflection on the face is a sum here (`measure::reflection`).
    pub face_rgb_linear: [f32; 3],
}

/// sRGB code value (0-255) to linear light (0-1), IEC 61966-2-1.
pub fn srgb_to_linear(v: u8) -> f32 {
    let c = v as f32 / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// Linear light (0-1) to an sRGB code value (0-255).
pub fn linear_to_srgb(v: f32) -> u8 {
    let c = v.clamp(0.0, 1.0);
    let s = if c <= 0.003_130_8 {
        12.92 * c
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    };
    (s * 255.0).round().clamp(0.0, 255.0) as u8
}

/// `srgb_to_linear` for every code value.
fn linear_table() -> &'static [f32; 256] {
    static T: std::sync::OnceLock<[f32; 256]> = std::sync::OnceLock::new();
    T.get_or_init(|| std::array::from_fn(|i| srgb_to_linear(i as u8)))
}

/// Measures the lighting of the face given by `landmarks` (frame pixels).
/// Samples on a grid of about 40x40 points over the face, so the cost does
/// not grow with the frame size.
pub fn measure(frame: &Frame, landmarks: &[[f32; 3]]) -> Option<Lighting> {
    if landmarks.len() < 468 || frame.width == 0 || frame.height == 0 {
        return None;
    }
    let poly: Vec<[f32; 2]> = FACE_OVAL
        .iter()
        .map(|&i| [landmarks[i][0], landmarks[i][1]])
        .collect();
    let [x0, y0, x1, y1] = crate::vision::roi::bounds(poly.iter().copied())?;
    if !(x1 > x0 && y1 > y0) {
        return None;
    }
    let (m0, m1) = (landmarks[MIDLINE.0], landmarks[MIDLINE.1]);
    // Side of the midline: sign of the cross product.
    let side = |x: f32, y: f32| (m1[0] - m0[0]) * (y - m0[1]) - (m1[1] - m0[1]) * (x - m0[0]);
    let step = ((x1 - x0).max(y1 - y0) / 40.0).max(1.0);
    let (mut sum, mut n, mut clipped) = (0.0f64, 0usize, 0usize);
    let lin = linear_table();
    let mut rgb = [0.0f64; 3];
    let (mut left, mut nl, mut right, mut nr) = (0.0f64, 0usize, 0.0f64, 0usize);
    let mut y = y0;
    let mut row = Vec::with_capacity(poly.len());
    while y <= y1 {
        row_crossings(&poly, y, &mut row);
        let mut x = x0;
        while x <= x1 {
            let on_frame =
                x >= 0.0 && y >= 0.0 && x < frame.width as f32 && y < frame.height as f32;
            if on_frame && inside_row(&row, x) {
                let px = frame.pixel(x as i64, y as i64);
                let l = 0.299 * px[0] as f32 + 0.587 * px[1] as f32 + 0.114 * px[2] as f32;
                sum += l as f64;
                for (acc, v) in rgb.iter_mut().zip(px) {
                    *acc += lin[v as usize] as f64;
                }
                n += 1;
                if l >= 250.0 {
                    clipped += 1;
                }
                // The midline runs top to bottom: image-left points are on its positive side.
                if side(x, y) > 0.0 {
                    left += l as f64;
                    nl += 1;
                } else {
                    right += l as f64;
                    nr += 1;
                }
            }
            x += step;
        }
        y += step;
    }
    if n < 16 || nl == 0 || nr == 0 {
        return None;
    }
    let (ml, mr) = (left / nl as f64, right / nr as f64);
    let side_balance = if ml + mr > 0.0 {
        ((ml - mr) / ((ml + mr) / 2.0)) as f32 / 2.0
    } else {
        0.0
    };
    Some(Lighting {
        face_luma: (sum / n as f64) as f32,
        background_luma: background(frame, [x0, y0, x1, y1]),
        face_clipped: clipped as f32 / n as f32,
        side_balance,
        face_rgb_linear: rgb.map(|v| (v / n as f64) as f32),
    })
}

/// Mean luma outside the face box grown by half, on a coarse grid.
fn background(frame: &Frame, b: [f32; 4]) -> Option<f32> {
    let (w, h) = ((b[2] - b[0]) * 0.25, (b[3] - b[1]) * 0.25);
    let (x0, y0, x1, y1) = (b[0] - w, b[1] - h, b[2] + w, b[3] + h);
    let step = ((frame.width.max(frame.height) / 60) as usize).max(1);
    let (mut sum, mut n) = (0.0f64, 0usize);
    for y in (0..frame.height as usize).step_by(step) {
        for x in (0..frame.width as usize).step_by(step) {
            let (fx, fy) = (x as f32, y as f32);
            if fx < x0 || fx > x1 || fy < y0 || fy > y1 {
                sum += frame.luma(x as i64, y as i64) as f64;
                n += 1;
            }
        }
    }
    (n >= 16).then(|| (sum / n as f64) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame lit `left`/`right` on either side of x = 50, with a synthetic
    /// "face": the oval points on a circle around (50, 50), midline vertical.
    fn scene(left: u8, right: u8, bg: u8) -> (Frame, Vec<[f32; 3]>) {
        let (w, h) = (100u32, 100u32);
        let mut rgb = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let in_face = ((x as f32 - 50.0).powi(2) + (y as f32 - 50.0).powi(2)).sqrt() < 30.0;
                let v = if !in_face {
                    bg
                } else if x < 50 {
                    left
                } else {
                    right
                };
                rgb.extend_from_slice(&[v, v, v]);
            }
        }
        let mut lm = vec![[50.0f32, 50.0, 0.0]; 468];
        for (k, &i) in FACE_OVAL.iter().enumerate() {
            let a = k as f32 / FACE_OVAL.len() as f32 * std::f32::consts::TAU;
            lm[i] = [50.0 + 28.0 * a.sin(), 50.0 - 28.0 * a.cos(), 0.0];
        }
        lm[MIDLINE.0] = [50.0, 30.0, 0.0];
        lm[MIDLINE.1] = [50.0, 78.0, 0.0];
        (Frame::from_rgb(w, h, rgb).unwrap(), lm)
    }

    #[test]
    fn even_and_uneven_light() {
        let (f, lm) = scene(120, 120, 60);
        let l = measure(&f, &lm).unwrap();
        assert!((l.face_luma - 120.0).abs() < 1.0 && l.side_balance.abs() < 0.02);
        assert!((l.background_luma.unwrap() - 60.0).abs() < 2.0);
        assert_eq!(l.face_clipped, 0.0);
        // Image-left half lit, right half in shadow: positive balance.
        let (f, lm) = scene(200, 40, 60);
        let l = measure(&f, &lm).unwrap();
        assert!(l.side_balance > 0.6, "{l:?}");
        let (f, lm) = scene(40, 200, 255);
        let l = measure(&f, &lm).unwrap();
        assert!(l.side_balance < -0.6 && l.background_luma.unwrap() > 250.0);
    }

    #[test]
    fn clipped_face_and_degenerate_input() {
        let (f, lm) = scene(255, 255, 255);
        assert!(measure(&f, &lm).unwrap().face_clipped > 0.99);
        assert!(measure(&f, &lm[..10]).is_none());
        let flat = vec![[10.0f32, 10.0, 0.0]; 468];
        assert!(measure(&f, &flat).is_none());
    }
}
