//! Photos of a document with their truth known by construction: a flat
//! scan placed on a real photographed background with perspective, lit,
//! blurred, darkened, shrunk or cut off, the way a phone or webcam photo of
//! a card on a table comes out.
//!
//! The physics is simple and stated: the document is a flat plane mapped by
//! a homography (its four corners go where the scene says); glare is a
//! specular highlight, a Gaussian spot of the light source's colour added to
//! the document and clipped by the sensor; darkness is a lower exposure
//! (gain) with the sensor's noise; blur is a Gaussian point-spread function
//! over the whole picture (defocus or motion, as a camera sees both);
//! distance is the document's size in the picture. What is *not* modelled:
//! lens distortion, a hand's fingers, JPEG compression, curved pages.

use image::{Rgb, RgbImage};
use imageproc::geometric_transformations::Projection;

/// How the document sits in the picture and what goes wrong.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// Output picture size.
    pub width: u32,
    pub height: u32,
    /// The document's size: its width this share of the picture's width,
    /// or its height this share of the picture's height where that is
    /// smaller (a card held upright stays inside the picture).
    pub doc_share: f32,
    /// Its centre as a share of the picture's width and height.
    pub centre: (f32, f32),
    /// Turned in the picture's plane (degrees, clockwise).
    pub rotate_deg: f32,
    /// Keystone from a slanted camera: the far (top) side is shorter by
    /// this share of its length.
    pub slant: f32,
    /// A specular spot: its centre (share of the document's width and
    /// height), radius (share of the document's width) and peak (0-1 of
    /// full scale added).
    pub glare: Option<((f32, f32), f32, f32)>,
    /// Exposure gain (1 normal; 0.25 a dark room).
    pub gain: f32,
    /// Gaussian blur of the picture, in units of the document's text height
    /// (a twentieth of the document's height in the picture).
    pub blur_text_share: f32,
    /// Seed of the sensor noise.
    pub seed: u64,
}

impl Default for Scene {
    fn default() -> Self {
        Scene {
            width: 1280,
            height: 960,
            doc_share: 0.6,
            centre: (0.5, 0.5),
            rotate_deg: 0.0,
            slant: 0.0,
            glare: None,
            gain: 1.0,
            blur_text_share: 0.0,
            seed: 1,
        }
    }
}

/// Text on a document is about a twentieth of its height (an ID-1 card's
/// 54 mm carry 8-10 lines; a passport page's MRZ characters are 2.5 mm of
/// 88 mm); used to express blur and size in text heights.
pub const TEXT_SHARE_OF_HEIGHT: f32 = 1.0 / 20.0;
/// Sensor noise (standard deviation, 0-255) at gain 1; it grows as the gain
/// falls (a camera raises its ISO in the dark).
pub const NOISE_AT_GAIN_1: f32 = 2.0;

/// A picture and the document's true corners (clockwise from the top left,
/// picture pixels; they may lie outside it).
pub struct Composed {
    pub picture: RgbImage,
    pub corners: [[f32; 2]; 4],
    /// The document's text height in the picture (pixels).
    pub text_px: f32,
}

/// Where the document's corners go.
pub fn corners(scene: &Scene, doc_w: u32, doc_h: u32) -> [[f32; 2]; 4] {
    let s = scale(scene, doc_w, doc_h);
    let (w, h) = (doc_w as f32 * s, doc_h as f32 * s);
    let top = w * (1.0 - scene.slant);
    let local = [
        [-top / 2.0, -h / 2.0],
        [top / 2.0, -h / 2.0],
        [w / 2.0, h / 2.0],
        [-w / 2.0, h / 2.0],
    ];
    let (s, c) = scene.rotate_deg.to_radians().sin_cos();
    let (cx, cy) = (
        scene.centre.0 * scene.width as f32,
        scene.centre.1 * scene.height as f32,
    );
    local.map(|[x, y]| [cx + x * c - y * s, cy + x * s + y * c])
}

/// How much the document is enlarged (or shrunk, below 1) to its size in
/// the picture.
pub fn scale(scene: &Scene, doc_w: u32, doc_h: u32) -> f32 {
    (scene.doc_share * scene.width as f32 / doc_w.max(1) as f32)
        .min(scene.doc_share * scene.height as f32 / doc_h.max(1) as f32)
}

/// The background filling the picture: scaled to cover it and cropped at
/// the centre.
pub fn cover(bg: &RgbImage, w: u32, h: u32) -> RgbImage {
    let s = (w as f32 / bg.width().max(1) as f32).max(h as f32 / bg.height().max(1) as f32);
    let (sw, sh) = (
        ((bg.width() as f32 * s).ceil() as u32).max(w),
        ((bg.height() as f32 * s).ceil() as u32).max(h),
    );
    let big = image::imageops::resize(bg, sw, sh, image::imageops::FilterType::Triangle);
    image::imageops::crop_imm(&big, (sw - w) / 2, (sh - h) / 2, w, h).to_image()
}

/// A small deterministic generator (SplitMix64) for the noise.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Approximately normal (sum of four uniforms), unit variance.
    fn normal(&mut self) -> f32 {
        (self.next() + self.next() + self.next() + self.next() - 2.0) * 1.732
    }
}

/// Places `doc` on `background` as `scene` says.
pub fn compose(doc: &RgbImage, background: &RgbImage, scene: &Scene) -> Composed {
    let (dw, dh) = doc.dimensions();
    let q = corners(scene, dw, dh);
    let mut pic = cover(background, scene.width, scene.height);
    let src = [
        (0.0, 0.0),
        (dw as f32, 0.0),
        (dw as f32, dh as f32),
        (0.0, dh as f32),
    ];
    let dst = q.map(|[x, y]| (x, y));
    let doc_h_px = {
        let l = |a: [f32; 2], b: [f32; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
        (l(q[0], q[3]) + l(q[1], q[2])) / 2.0
    };
    if let Some(back) = Projection::from_control_points(dst, src) {
        let xs = q.iter().map(|p| p[0]);
        let ys = q.iter().map(|p| p[1]);
        let x0 = xs.clone().fold(f32::MAX, f32::min).floor().max(0.0) as u32;
        let x1 = (xs.fold(f32::MIN, f32::max).ceil().max(0.0) as u32).min(scene.width);
        let y0 = ys.clone().fold(f32::MAX, f32::min).floor().max(0.0) as u32;
        let y1 = (ys.fold(f32::MIN, f32::max).ceil().max(0.0) as u32).min(scene.height);
        for y in y0..y1 {
            for x in x0..x1 {
                let (u, v) = back * (x as f32 + 0.5, y as f32 + 0.5);
                if u < 0.0 || v < 0.0 || u >= dw as f32 || v >= dh as f32 {
                    continue;
                }
                let p = image::imageops::interpolate_bilinear(
                    doc,
                    (u - 0.5).clamp(0.0, dw as f32 - 1.0),
                    (v - 0.5).clamp(0.0, dh as f32 - 1.0),
                )
                .unwrap_or(Rgb([128, 128, 128]));
                let mut c = [p[0] as f32, p[1] as f32, p[2] as f32];
                if let Some(((gx, gy), r, peak)) = scene.glare {
                    let (du, dv) = (
                        u / dw as f32 - gx,
                        (v / dh as f32 - gy) * dh as f32 / dw as f32,
                    );
                    let g = peak * 255.0 * (-(du * du + dv * dv) / (2.0 * r * r)).exp();
                    for ch in &mut c {
                        *ch += g;
                    }
                }
                pic.put_pixel(x, y, Rgb(c.map(|v| v.clamp(0.0, 255.0) as u8)));
            }
        }
    }
    let sigma = scene.blur_text_share * doc_h_px * TEXT_SHARE_OF_HEIGHT;
    if sigma > 0.05 {
        pic = imageproc::filter::gaussian_blur_f32(&pic, sigma);
    }
    if (scene.gain - 1.0).abs() > 1e-6 || NOISE_AT_GAIN_1 > 0.0 {
        let mut n = Noise(scene.seed);
        let sd = NOISE_AT_GAIN_1 / scene.gain.max(0.05).sqrt();
        for p in pic.pixels_mut() {
            for ch in &mut p.0 {
                *ch = (*ch as f32 * scene.gain + sd * n.normal()).clamp(0.0, 255.0) as u8;
            }
        }
    }
    Composed {
        picture: pic,
        corners: q,
        text_px: doc_h_px * TEXT_SHARE_OF_HEIGHT,
    }
}

/// Whether any corner lies outside the picture (the document is cut off).
pub fn cut_off(scene: &Scene, corners: &[[f32; 2]; 4]) -> bool {
    corners
        .iter()
        .any(|&[x, y]| x < 0.0 || y < 0.0 || x > scene.width as f32 || y > scene.height as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upright_document_lands_where_the_scene_says() {
        let doc = RgbImage::from_pixel(300, 200, Rgb([250, 10, 10]));
        let bg = RgbImage::from_pixel(64, 48, Rgb([0, 0, 200]));
        let s = Scene {
            width: 640,
            height: 480,
            doc_share: 0.5,
            ..Scene::default()
        };
        let c = compose(&doc, &bg, &s);
        // 320 x 213.3 around the centre.
        let want = [160.0, 240.0 - 320.0 / 3.0];
        assert!(
            (c.corners[0][0] - want[0]).abs() < 1e-3 && (c.corners[0][1] - want[1]).abs() < 1e-3,
            "{:?}",
            c.corners
        );
        let inside = c.picture.get_pixel(320, 240);
        let outside = c.picture.get_pixel(100, 240);
        assert!(inside[0] > 230 && inside[2] < 30, "{inside:?}");
        assert!(outside[2] > 180 && outside[0] < 20, "{outside:?}");
        assert!(!cut_off(&s, &c.corners));
    }

    #[test]
    fn an_upright_card_is_fitted_by_its_height() {
        let s = Scene {
            width: 640,
            height: 480,
            doc_share: 0.5,
            ..Scene::default()
        };
        // 200 x 300: half the picture's height (240), not half its width.
        let q = corners(&s, 200, 300);
        assert!((q[3][1] - q[0][1] - 240.0).abs() < 1e-3, "{q:?}");
        assert!((q[1][0] - q[0][0] - 160.0).abs() < 1e-3, "{q:?}");
        assert!(!cut_off(&s, &q));
    }

    #[test]
    fn glare_clips_and_gain_darkens() {
        let doc = RgbImage::from_pixel(300, 200, Rgb([180, 180, 170]));
        let bg = RgbImage::from_pixel(64, 48, Rgb([90, 90, 90]));
        let s = Scene {
            width: 640,
            height: 480,
            glare: Some(((0.5, 0.5), 0.05, 1.0)),
            ..Scene::default()
        };
        let c = compose(&doc, &bg, &s);
        assert!(c.picture.get_pixel(320, 240).0.iter().all(|&v| v >= 250));
        let dark = compose(
            &doc,
            &bg,
            &Scene {
                gain: 0.25,
                ..s.clone()
            },
        );
        // Inside the document (x from 128 to 512 here).
        let v = dark.picture.get_pixel(200, 200)[0];
        assert!((v as f32 - 45.0).abs() < 12.0, "{v}");
    }

    #[test]
    fn a_document_pushed_past_the_edge_is_cut_off() {
        let s = Scene {
            centre: (0.9, 0.5),
            ..Scene::default()
        };
        assert!(cut_off(&s, &corners(&s, 300, 200)));
    }
}
