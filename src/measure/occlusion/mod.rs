//! What covers the face: glasses, sunglasses, glare, a mask, a hat brim, a
//! hand. (Hair over the eyes is not measured yet: docs/occlusion.md.)
//!
//! The mesh does not tell: its face-presence score stays above 0.99 with half
//! the face hidden, and it still places every landmark under the cover. So
//! these measures read the *pixels* under the landmarks: regions placed from
//! the mesh (eye boxes, the lower face, the forehead above the brows, the nose
//! bridge) are compared with the person's own skin, sampled where nothing
//! usually covers it. Everything is relative to that skin, so the measures
//! hold in dim and bright light alike; colour is used where the frame has it
//! and luma alone where it does not (grayscale input gives zero chroma, and
//! the colour rules then read as "no colour difference").
//!
//! Plain measures over one frame and its landmarks, like
//! [`crate::measure::lighting`]; the thresholds are named constants below, each with
//! what it was measured on (docs/occlusion.md has the tables).
//! Cost: a few hundred samples on grids placed in the face's own axes, no
//! allocation.

mod glasses;
mod lines;

pub use glasses::{GlassesMeter, GLASSES_MIN_SHARE, GLASSES_WINDOW_S};

use crate::frame::Frame;
use crate::measure::lighting::FACE_OVAL;
use crate::vision::roi::inside;

type P = [f32; 2];

/// Eyes as (outer corner, inner corner): person's right (image left), left.
const EYES: [(usize, usize); 2] = [(33, 133), (263, 362)];
/// Upper and lower lid midpoints, same order.
const LIDS: [(usize, usize); 2] = [(159, 145), (386, 374)];
/// Upper brow contours, person's right then left, each from the outer end.
const BROWS: [[usize; 5]; 2] = [[70, 63, 105, 66, 107], [300, 293, 334, 296, 336]];
const NOSE_BRIDGE: usize = 168;
const NOSE_BOTTOM: usize = 2;
const NOSE_TIP: usize = 1;
const MOUTH_CORNERS: (usize, usize) = (61, 291);
const LIPS_INNER: (usize, usize) = (13, 14);
const CHIN: usize = 152;
/// Where the reference skin is sampled: upper cheeks, cheeks, nose dorsum,
/// mid forehead. Any two may be covered: the reference is their median.
const SKIN_PATCHES: [usize; 6] = [123, 352, 50, 280, 195, 151];

/// Per-frame occlusion measures. Fractions are of the samples in a region
/// (0-1); "skin" is the reference skin luma ([`OcclusionMeasures::skin_luma`]);
/// `NaN` where a region is off the frame (every condition is then false).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OcclusionMeasures {
    /// How much darker one eye box is than the other (difference of their
    /// dark fractions), each judged against the skin of its own side (the
    /// lower cheek), so light from one side does not count: hair over one
    /// eye.
    #[serde(with = "crate::measure::nan", default = "nan")]
    pub eye_dark_gap: f32,
    /// The same difference, signed: the image-left eye's dark fraction minus
    /// the image-right one's (positive: the image-left eye is darker).
    #[serde(with = "crate::measure::nan", default = "nan")]
    pub eye_dark_diff: f32,
    /// Reference skin luma (0-255): the median of six patches (cheeks, upper
    /// cheeks, nose, forehead).
    #[serde(with = "crate::measure::nan")]
    pub skin_luma: f32,
    /// Fraction of the eye box (1.2 x 0.8 eye widths around each eye) darker
    /// than [`DARK_LEVEL`] x skin, the lesser of the two eyes.
    #[serde(with = "crate::measure::nan")]
    pub eye_dark: f32,
    /// Brightest sample in the eye openings (between the corners and the
    /// lids) over skin, the greater of the two eyes: the white of the eye
    /// shows unless both eyes are covered.
    #[serde(with = "crate::measure::nan")]
    pub eye_bright: f32,
    /// Fraction of near-white samples (luma >= [`GLARE_LUMA`], nearly
    /// colourless) in the glasses area around each eye (1.5 x 1.0 eye
    /// widths), the greater of the two eyes.
    #[serde(with = "crate::measure::nan")]
    pub glare: f32,
    /// Dark-line depth across the nose bridge (a glasses bridge), over skin:
    /// the deepest narrow valley in vertical profiles between the eyes.
    #[serde(with = "crate::measure::nan")]
    pub bridge_line: f32,
    /// Dark-line depth under the eyes (a lower rim), over skin, mean of eyes.
    #[serde(with = "crate::measure::nan")]
    pub rim_line: f32,
    /// Bright-line height across the nose bridge (a metal bridge catching
    /// the light), over skin: the highest narrow ridge where
    /// [`OcclusionMeasures::bridge_line`] looks for a valley.
    #[serde(with = "crate::measure::nan", default = "nan")]
    pub bridge_ridge: f32,
    /// Bright-line height under the eyes (a metal lower rim), over skin,
    /// mean of eyes.
    #[serde(with = "crate::measure::nan", default = "nan")]
    pub rim_ridge: f32,
    /// Dark-line depth beside the outer eye corners (the rim's side or a
    /// temple arm), over skin, mean of eyes.
    #[serde(with = "crate::measure::nan")]
    pub temple_line: f32,
    /// Median chroma distance of the lower face (below the nose, to the
    /// chin) from the skin, over skin luma. 0 for grayscale frames.
    #[serde(with = "crate::measure::nan")]
    pub lower_chroma: f32,
    /// Median luma of the lower face minus skin, over skin (signed).
    #[serde(with = "crate::measure::nan")]
    pub lower_luma: f32,
    /// Fraction of the lower face far from skin in colour or luma.
    #[serde(with = "crate::measure::nan")]
    pub lower_far: f32,
    /// How much darker the mouth line is than the skin just above and
    /// below it, over skin (lips, the gap between them).
    #[serde(with = "crate::measure::nan")]
    pub mouth_line: f32,
    /// Mean absolute luma step between neighbouring samples of the lower
    /// face, over skin: its texture.
    #[serde(with = "crate::measure::nan")]
    pub lower_texture: f32,
    /// Fraction of the forehead band (0.1-0.35 eye distances above the upper
    /// brow contour) darker than [`FOREHEAD_DARK_LEVEL`] x skin.
    #[serde(with = "crate::measure::nan")]
    pub forehead_dark: f32,
    /// Median luma of the forehead band minus skin, over skin (signed).
    #[serde(with = "crate::measure::nan")]
    pub forehead_luma: f32,
    /// Median luma between the inner brow ends (the glabella) minus skin,
    /// over skin (signed): skin unless something covers the brow line.
    #[serde(with = "crate::measure::nan")]
    pub glabella_luma: f32,
    /// How much darker the brows are than the band above them, over skin.
    #[serde(with = "crate::measure::nan")]
    pub brow_contrast: f32,
    /// Texture of the image-left cheek and lower-face half minus the right
    /// one's (signed), over skin.
    #[serde(with = "crate::measure::nan")]
    pub texture_asymmetry: f32,
}

// ------------------------------------------------------------ thresholds

// Measured with `cargo run --release -p lc-eval --example measure_occlusion --
// ../shared/eval` (docs/occlusion.md): zju = the 40 ZJU clips (320x240,
// every 3rd frame; FNN/UNN no glasses, FTN thin rims, FBN black frames),
// "altered" = their FNN/UNN frames through `lc_eval::alter`, gray = the same in
// grayscale, Yale = 164 grayscale stills. "Clean" = unaltered FNN/UNN frames
// (911) and the 15 Yale no-glasses stills.

/// Eye-box samples darker than this times the skin luma count as dark.
pub const DARK_LEVEL: f32 = 0.45;
/// `eye_dark` at or above this for sunglasses. Altered sunglasses: 0.854 /
/// 1.0 / 1.0 (min / median / max); clean zju at most 0.26; Yale up to 0.84
/// (eyes in deep shadow), which [`SUNGLASSES_MAX_BRIGHT`] separates.
pub const SUNGLASSES_MIN_DARK: f32 = 0.8;
/// `eye_bright` at or below this for sunglasses. Altered sunglasses 0.10 /
/// 0.21 / 0.34; clean zju 0.53 / 0.80 / 2.05; Yale no-glasses from 0.42.
pub const SUNGLASSES_MAX_BRIGHT: f32 = 0.4;
/// Luma (0-255) at or above which an eye-area sample may be a specular spot.
pub const GLARE_LUMA: f32 = 235.0;
/// A specular sample is also at least this much (luma levels) brighter
/// than the skin: on a face lit to near white, nothing counts as glare
/// (zju 000003M_FNN, skin 218, was 0.16-0.18 of its eye areas without it).
pub const GLARE_ABOVE_SKIN: f32 = 40.0;
/// Distance (eye widths) at which a specular spot's surroundings are
/// checked: the largest spot a lamp or screen leaves on a lens is about 0.2
/// eye widths across.
pub const GLARE_SPOT_RADIUS: f32 = 0.3;
/// `glare` at or above this for glare. Altered glare: 5th percentile 0.029,
/// median 0.037 (0 on the over-exposed 000003M_FNN, see
/// [`GLARE_ABOVE_SKIN`]); clean zju at most 0.004, zju glasses clips at most
/// 0.027, Yale no-glasses at most 0.025.
pub const GLARE_MIN_FRACTION: f32 = 0.026;
/// Weight of `rim_line` in [`OcclusionMeasures::glasses_score`].
pub const GLASSES_RIM_WEIGHT: f32 = 0.5;
/// `glasses_score` at or above this for glasses: just above the highest
/// clean frame (a Yale no-glasses still at 0.117; clean zju at most 0.08).
/// Black frames (FBN) 98% of frames, Yale glasses 15/15, thin rims (FTN)
/// about 10%.
pub const GLASSES_MIN_SCORE: f32 = 0.12;
/// `glasses_ridge_score` (bright lines: a metal bridge and rims catching
/// the light) at or above this for glasses: just above the highest clean
/// still (Yale no-glasses 0.156; clean zju frames at most 0.15 of 911, 1 of
/// them above 0.13). Thin metal rims (FTN): median 0.094, p95 0.34; with the
/// dark-line rule, 85% of FTN frames hold either (10% before).
pub const GLASSES_MIN_RIDGE: f32 = 0.17;
/// `eye_dark_gap` at or above this for hair over an eye. Clean zju-dev
/// frames at most 0.18 (p95 0.06), the head-dev webcam at most 0.19, Yale
/// stills at most 0.32 in one tracked run, up to 0.39 each analysed alone
/// (side light the cheek reference does not fully cancel: `hints` then
/// names the light instead; a wink 0.38); strands over one eye (`lc_eval::alter::Alteration::HairOverEyes`, 20 zju
/// clips) at least 0.40, median 0.56. Measured on a drawn alteration only:
/// there is no labelled real footage of hair over an eye (docs/hints.md).
pub const HAIR_MIN_GAP: f32 = 0.33;
/// `lower_chroma` at or above this for a mask. Altered mask 0.159 / 0.295 /
/// 0.362; clean zju at most 0.051; but a real stubbled beard (head-dev
/// webcam clip) reaches 0.070 / 0.093 / 0.133, so the threshold sits between
/// the beard's maximum and the altered masks' minimum (a narrow margin:
/// docs/hints.md).
pub const MASK_MIN_CHROMA: f32 = 0.145;
/// `lower_texture` at or below this (with no mouth line) also means a mask:
/// the grayscale / skin-coloured fallback. Altered mask 0 (a flat fill;
/// a real mask has folds and sensor noise, see docs); clean at least 0.050,
/// altered hand at least 0.037.
pub const MASK_MAX_TEXTURE: f32 = 0.025;
/// `mouth_line` at or below this for the fallback: altered mask 0; clean at
/// least 0.086.
pub const MASK_MAX_MOUTH: f32 = 0.05;
/// `glabella_luma` at or below this for a hat. Altered brim -0.85 / -0.72 /
/// -0.60; clean zju at least -0.23; Yale down to -0.89 (deep shadows).
pub const HAT_MAX_GLABELLA: f32 = -0.45;
/// `forehead_luma` at or below this for a hat. Altered brim -0.86 / -0.74 /
/// -0.61; clean zju down to -0.71 (hair over the forehead: the glabella
/// tells these apart).
pub const HAT_MAX_FOREHEAD: f32 = -0.45;
/// Forehead samples darker than this times the skin luma count as dark.
pub const FOREHEAD_DARK_LEVEL: f32 = 0.5;

impl OcclusionMeasures {
    /// Glasses evidence: the bridge line plus half the lower-rim line.
    pub fn glasses_score(&self) -> f32 {
        self.bridge_line + GLASSES_RIM_WEIGHT * self.rim_line
    }
    /// Glasses evidence from bright lines: the bridge ridge plus half the
    /// lower-rim ridge.
    pub fn glasses_ridge_score(&self) -> f32 {
        self.bridge_ridge + GLASSES_RIM_WEIGHT * self.rim_ridge
    }
    /// This frame shows a glasses frame: dark lines (black or dark rims;
    /// dark lenses count too, sunglasses have a bridge) or bright ones (metal
    /// rims). One frame is weak evidence for thin rims; over a video,
    /// [`GlassesMeter`] decides.
    pub fn glasses(&self) -> bool {
        self.glasses_score() >= GLASSES_MIN_SCORE || self.glasses_ridge_score() >= GLASSES_MIN_RIDGE
    }
    /// Dark lenses hide both eyes: the eye boxes are dark and no eye shows
    /// its white.
    pub fn sunglasses(&self) -> bool {
        self.eye_dark >= SUNGLASSES_MIN_DARK && self.eye_bright <= SUNGLASSES_MAX_BRIGHT
    }
    /// Small specular spots in the eye areas (on glasses or the skin).
    pub fn glare(&self) -> bool {
        self.glare >= GLARE_MIN_FRACTION
    }
    /// The lower face is covered: its colour is not skin, or (grayscale, or a
    /// skin-coloured mask) it is flat and shows no mouth.
    pub fn mask(&self) -> bool {
        self.lower_chroma >= MASK_MIN_CHROMA
            || (self.lower_texture <= MASK_MAX_TEXTURE && self.mouth_line <= MASK_MAX_MOUTH)
    }
    /// Hair (or anything dark) over one eye but not the other.
    pub fn hair_over_eyes(&self) -> bool {
        self.eye_dark_gap >= HAIR_MIN_GAP && !self.sunglasses()
    }
    /// A brim covers the brow line: the skin between the brows and the band
    /// above them are both dark.
    pub fn hat(&self) -> bool {
        self.glabella_luma <= HAT_MAX_GLABELLA && self.forehead_luma <= HAT_MAX_FOREHEAD
    }
}

// -------------------------------------------------------------- geometry

/// The face's axes: `ex` from the person's right eye to their left, `ey` down
/// the face, `s` the distance between the eye centres (pixels).
struct Axes<'a> {
    lm: &'a [[f32; 3]],
    ex: P,
    ey: P,
    s: f32,
}

impl<'a> Axes<'a> {
    fn new(lm: &'a [[f32; 3]]) -> Option<Axes<'a>> {
        if lm.len() < 468
            || lm[..468]
                .iter()
                .any(|p| !(p[0].is_finite() && p[1].is_finite()))
        {
            return None;
        }
        let p = |i: usize| [lm[i][0], lm[i][1]];
        let eye = |(a, b): (usize, usize)| mid(p(a), p(b));
        let d = sub(eye(EYES[1]), eye(EYES[0]));
        let s = (d[0] * d[0] + d[1] * d[1]).sqrt();
        // Below 6 pixels between the eyes there is nothing to read.
        if !(s.is_finite() && (6.0..1e5).contains(&s)) {
            return None;
        }
        let ex = [d[0] / s, d[1] / s];
        Some(Axes {
            lm,
            ex,
            ey: [-ex[1], ex[0]],
            s,
        })
    }
    fn p(&self, i: usize) -> P {
        [self.lm[i][0], self.lm[i][1]]
    }
    /// Image point at (u, v) along (ex, ey) from `o`.
    fn at(&self, o: P, u: f32, v: f32) -> P {
        [
            o[0] + self.ex[0] * u + self.ey[0] * v,
            o[1] + self.ex[1] * u + self.ey[1] * v,
        ]
    }
    /// (u, v) of image point `q` from `o`.
    fn local(&self, o: P, q: P) -> P {
        let d = sub(q, o);
        [
            d[0] * self.ex[0] + d[1] * self.ex[1],
            d[0] * self.ey[0] + d[1] * self.ey[1],
        ]
    }
    /// An eye's centre and width.
    fn eye(&self, k: usize) -> (P, f32) {
        let (a, b) = (self.p(EYES[k].0), self.p(EYES[k].1));
        let d = sub(a, b);
        (mid(a, b), (d[0] * d[0] + d[1] * d[1]).sqrt().max(1.0))
    }
}

fn sub(a: P, b: P) -> P {
    [a[0] - b[0], a[1] - b[1]]
}
fn mid(a: P, b: P) -> P {
    [(a[0] + b[0]) * 0.5, (a[1] + b[1]) * 0.5]
}

/// (Y, Cb, Cr) of the pixel under `q` (BT.601, full range, chroma centred
/// on 0), or `None` off the frame.
#[inline]
fn ycc(frame: &Frame, q: P) -> Option<[f32; 3]> {
    let (x, y) = (q[0].floor(), q[1].floor());
    if !(x >= 0.0 && y >= 0.0 && x < frame.width as f32 && y < frame.height as f32) {
        return None;
    }
    let [r, g, b] = frame.pixel(x as i64, y as i64).map(|v| v as f32);
    let l = 0.299 * r + 0.587 * g + 0.114 * b;
    Some([l, 0.564 * (b - l), 0.713 * (r - l)])
}

#[inline]
fn luma(frame: &Frame, q: P) -> Option<f32> {
    ycc(frame, q).map(|c| c[0])
}

/// Median of the values (sorted in place); NaN when empty.
fn median(v: &mut [f32]) -> f32 {
    if v.is_empty() {
        return f32::NAN;
    }
    v.sort_unstable_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Mean colour of a small patch (3x3 grid, radius `r`) around `c`.
fn patch(frame: &Frame, c: P, r: f32) -> Option<[f32; 3]> {
    let (mut sum, mut n) = ([0.0f32; 3], 0);
    for dy in [-r, 0.0, r] {
        for dx in [-r, 0.0, r] {
            if let Some(v) = ycc(frame, [c[0] + dx, c[1] + dy]) {
                for k in 0..3 {
                    sum[k] += v[k];
                }
                n += 1;
            }
        }
    }
    (n >= 5).then(|| sum.map(|v| v / n as f32))
}

fn mean_finite(v: &[f32]) -> f32 {
    let (mut s, mut n) = (0.0, 0);
    for &x in v {
        if x.is_finite() {
            s += x;
            n += 1;
        }
    }
    if n == 0 {
        f32::NAN
    } else {
        s / n as f32
    }
}

// ---------------------------------------------------------------- measure

/// Measures what covers the face given by `landmarks` (468 mesh points,
/// frame pixels). `None` without a usable face (fewer than 468 points, not
/// finite, eyes under 6 pixels apart) or without skin to compare with.
pub fn measure(frame: &Frame, landmarks: &[[f32; 3]]) -> Option<OcclusionMeasures> {
    if frame.width == 0
        || frame.height == 0
        || frame.rgb.len() != frame.width as usize * frame.height as usize * 3
    {
        return None;
    }
    let f = Axes::new(landmarks)?;
    let s = f.s;

    // Reference skin: median over the patches on the frame.
    let mut pl = [0.0f32; 6];
    let mut pb = [0.0f32; 6];
    let mut pr = [0.0f32; 6];
    let mut n = 0;
    for &i in &SKIN_PATCHES {
        if let Some(c) = patch(frame, f.p(i), 0.05 * s) {
            pl[n] = c[0];
            pb[n] = c[1];
            pr[n] = c[2];
            n += 1;
        }
    }
    if n < 3 {
        return None;
    }
    let skin = [
        median(&mut pl[..n]),
        median(&mut pb[..n]),
        median(&mut pr[..n]),
    ];
    // Relative measures divide by at least a dim skin level.
    let norm = skin[0].max(20.0);

    let (eye_dark, glare) = eyes(frame, &f, skin[0], norm);
    let eye_dark_diff = eye_gap(frame, &f, skin[0]);
    let eye_bright = eye_openings(frame, &f, norm);
    let glabella_luma = glabella(frame, &f, skin[0], norm);
    let lines = lines::glasses_lines(frame, &f, norm);
    let lower = lower_face(frame, &f, skin, norm);
    let (forehead_dark, forehead_luma, brow_contrast) = forehead(frame, &f, skin[0], norm);
    Some(OcclusionMeasures {
        skin_luma: skin[0],
        eye_dark_gap: eye_dark_diff.abs(),
        eye_dark_diff,
        eye_dark,
        eye_bright,
        glare,
        bridge_line: lines.bridge,
        rim_line: lines.rim,
        bridge_ridge: lines.bridge_ridge,
        rim_ridge: lines.rim_ridge,
        temple_line: lines.temple,
        lower_chroma: lower.chroma,
        lower_luma: lower.luma,
        lower_far: lower.far,
        mouth_line: lower.mouth,
        lower_texture: lower.texture,
        forehead_dark,
        forehead_luma,
        glabella_luma,
        brow_contrast,
        texture_asymmetry: lower.asymmetry,
    })
    .filter(|_| s > 0.0)
}

/// (dark fraction of the darker-covered eye, glare fraction of the
/// glarier eye).
fn eyes(frame: &Frame, f: &Axes, skin: f32, _norm: f32) -> (f32, f32) {
    let mut dark = [f32::NAN; 2];
    let mut glare = [f32::NAN; 2];
    for k in 0..2 {
        let (c, w) = f.eye(k);
        dark[k] = dark_fraction(frame, f, c, w, skin);
        // Glare: dense, about 36 x 24 over 1.5 x 1.0 eye widths (one sample
        // per pixel or closer on small faces).
        let (nu, nv) = (
            ((1.5 * w).ceil() as usize).clamp(12, 36),
            ((1.0 * w).ceil() as usize).clamp(8, 24),
        );
        let glare_level = GLARE_LUMA.max(skin + GLARE_ABOVE_SKIN);
        let (mut ng, mut nt) = (0, 0);
        for j in 0..nv {
            for i in 0..nu {
                let u = (i as f32 + 0.5) / nu as f32 * 1.5 - 0.75;
                let v = (j as f32 + 0.5) / nv as f32 * 1.0 - 0.45;
                let q = f.at(c, u * w, v * w);
                if let Some(px) = ycc(frame, q) {
                    nt += 1;
                    if px[0] >= glare_level
                        && px[1].abs() < 12.0
                        && px[2].abs() < 12.0
                        && isolated(frame, f, q, GLARE_SPOT_RADIUS * w, glare_level)
                    {
                        ng += 1;
                    }
                }
            }
        }
        if nt >= nu * nv / 2 {
            glare[k] = ng as f32 / nt as f32;
        }
    }
    let d = if dark[0].is_finite() && dark[1].is_finite() {
        dark[0].min(dark[1])
    } else {
        f32::NAN
    };
    // f32::max ignores a NaN operand.
    let g = glare[0].max(glare[1]);
    (d, g)
}

/// Fraction of the eye box (a 12 x 8 grid over 1.2 x 0.8 eye widths around
/// the eye centre `c`, eye width `w`) darker than `DARK_LEVEL` times
/// `reference`; NaN when less than half of the box is on the frame.
fn dark_fraction(frame: &Frame, f: &Axes, c: P, w: f32, reference: f32) -> f32 {
    let (mut nd, mut nt) = (0, 0);
    for j in 0..8 {
        for i in 0..12 {
            let u = (i as f32 + 0.5) / 12.0 * 1.2 - 0.6;
            let v = (j as f32 + 0.5) / 8.0 * 0.8 - 0.35;
            if let Some(l) = luma(frame, f.at(c, u * w, v * w)) {
                nt += 1;
                if l < DARK_LEVEL * reference {
                    nd += 1;
                }
            }
        }
    }
    if nt >= 48 {
        nd as f32 / nt as f32
    } else {
        f32::NAN
    }
}

fn nan() -> f32 {
    f32::NAN
}

/// Lower-cheek landmarks of the person's right and left side: the skin each
/// eye is compared with in [`eye_gap`].
const LOWER_CHEEKS: [usize; 2] = [207, 427];

/// Difference between the eyes' dark fractions, each against its own side:
/// the image-left eye's minus the image-right one's.
fn eye_gap(frame: &Frame, f: &Axes, skin: f32) -> f32 {
    let mut dark = [f32::NAN; 2];
    for (k, d) in dark.iter_mut().enumerate() {
        let (c, w) = f.eye(k);
        // The side's own skin: a small patch on the lower cheek.
        let cheek = [f.lm[LOWER_CHEEKS[k]][0], f.lm[LOWER_CHEEKS[k]][1]];
        let mut side = [0.0f32; 9];
        let mut n = 0;
        for j in -1..=1 {
            for i in -1..=1 {
                if let Some(l) = luma(frame, f.at(cheek, i as f32 * 0.08 * w, j as f32 * 0.08 * w))
                {
                    side[n] = l;
                    n += 1;
                }
            }
        }
        if n < 5 {
            continue;
        }
        let reference = median(&mut side[..n]).min(skin);
        *d = dark_fraction(frame, f, c, w, reference);
    }
    dark[0] - dark[1]
}

/// Whether at least 3 of the 4 points `r` away from `q` (along the face's
/// axes) are clearly darker than `level`: `q` is in a small spot, not in a
/// large bright area (clipped skin, a white wall).
fn isolated(frame: &Frame, f: &Axes, q: P, r: f32, level: f32) -> bool {
    let dark = [(r, 0.0), (-r, 0.0), (0.0, r), (0.0, -r)]
        .iter()
        .filter(|&&(u, v)| luma(frame, f.at(q, u, v)).is_some_and(|l| l < level - 30.0))
        .count();
    dark >= 3
}

/// Brightest sample of the eye openings over skin, the greater eye.
fn eye_openings(frame: &Frame, f: &Axes, norm: f32) -> f32 {
    let mut best = [f32::NAN; 2];
    for k in 0..2 {
        let (c, w) = f.eye(k);
        let lid = mid(f.p(LIDS[k].0), f.p(LIDS[k].1));
        let gap = f.local(f.p(LIDS[k].0), f.p(LIDS[k].1))[1].abs();
        let centre_v = f.local(c, lid)[1];
        let mut m = f32::NAN;
        for j in [-0.3f32, 0.0, 0.3] {
            for i in 0..7 {
                let u = (i as f32 / 6.0 - 0.5) * 0.7 * w;
                if let Some(l) = luma(frame, f.at(c, u, centre_v + j * gap)) {
                    m = m.max(l);
                }
            }
        }
        best[k] = m / norm;
    }
    best[0].max(best[1])
}

/// Median luma between the inner brow ends minus skin, over skin.
fn glabella(frame: &Frame, f: &Axes, skin: f32, norm: f32) -> f32 {
    let g = mid(f.p(BROWS[0][4]), f.p(BROWS[1][4]));
    let s = f.s;
    let mut v = [0.0f32; 9];
    let mut n = 0;
    for dv in [-0.05, 0.0, 0.05] {
        for du in [-0.06, 0.0, 0.06] {
            if let Some(l) = luma(frame, f.at(g, du * s, dv * s)) {
                v[n] = (l - skin) / norm;
                n += 1;
            }
        }
    }
    if n >= 5 {
        median(&mut v[..n])
    } else {
        f32::NAN
    }
}

struct Lower {
    chroma: f32,
    luma: f32,
    far: f32,
    mouth: f32,
    texture: f32,
    asymmetry: f32,
}

fn lower_face(frame: &Frame, f: &Axes, skin: [f32; 3], norm: f32) -> Lower {
    let s = f.s;
    let mut oval = [[0.0f32; 2]; FACE_OVAL.len()];
    for (o, &i) in oval.iter_mut().zip(FACE_OVAL.iter()) {
        *o = f.p(i);
    }
    let o = f.p(NOSE_BOTTOM);
    let chin_v = f.local(o, f.p(CHIN))[1];
    let (v0, v1) = (0.12 * s, (chin_v - 0.08 * s).max(0.2 * s));
    const NU: usize = 12;
    const NV: usize = 8;
    let mut chroma = [0.0f32; NU * NV];
    let mut lum = [0.0f32; NU * NV];
    let mut grid = [[f32::NAN; NU]; NV];
    let (mut n, mut far) = (0, 0);
    for (j, row) in grid.iter_mut().enumerate() {
        for (i, cell) in row.iter_mut().enumerate() {
            let u = ((i as f32 + 0.5) / NU as f32 - 0.5) * 1.0 * s;
            let v = v0 + (j as f32 + 0.5) / NV as f32 * (v1 - v0);
            let q = f.at(o, u, v);
            if !inside(&oval, q) {
                continue;
            }
            if let Some(c) = ycc(frame, q) {
                let dc = ((c[1] - skin[1]).powi(2) + (c[2] - skin[2]).powi(2)).sqrt() / norm;
                let dl = (c[0] - skin[0]) / norm;
                chroma[n] = dc;
                lum[n] = dl;
                n += 1;
                if dc > 0.12 || dl.abs() > 0.35 {
                    far += 1;
                }
                *cell = c[0];
            }
        }
    }
    // Texture: mean absolute step between horizontal and vertical
    // neighbours, per half (image left / right).
    let (mut t, mut nt) = ([0.0f32; 2], [0usize; 2]);
    for j in 0..NV {
        for i in 0..NU {
            let a = grid[j][i];
            let half = usize::from(i >= NU / 2);
            if i + 1 < NU && a.is_finite() && grid[j][i + 1].is_finite() {
                t[half] += (grid[j][i + 1] - a).abs();
                nt[half] += 1;
            }
            if j + 1 < NV && a.is_finite() && grid[j + 1][i].is_finite() {
                t[half] += (grid[j + 1][i] - a).abs();
                nt[half] += 1;
            }
        }
    }
    let tex = |h: usize| {
        if nt[h] >= 8 {
            t[h] / nt[h] as f32 / norm
        } else {
            f32::NAN
        }
    };
    let texture = if nt[0] + nt[1] >= 16 {
        (t[0] + t[1]) / (nt[0] + nt[1]) as f32 / norm
    } else {
        f32::NAN
    };
    // Mouth line: from corner to corner through the lips' middle, against
    // the skin 0.12 s above and below.
    let (ma, mb) = (f.p(MOUTH_CORNERS.0), f.p(MOUTH_CORNERS.1));
    let mc = mid(f.p(LIPS_INNER.0), f.p(LIPS_INNER.1));
    let mut depth = [0.0f32; 7];
    let mut nd = 0;
    for i in 0..7 {
        let t = 0.2 + 0.6 * i as f32 / 6.0;
        // Quadratic through the corners and the middle.
        let q = [
            (1.0 - t) * (1.0 - t) * ma[0]
                + 2.0 * t * (1.0 - t) * (2.0 * mc[0] - 0.5 * (ma[0] + mb[0]))
                + t * t * mb[0],
            (1.0 - t) * (1.0 - t) * ma[1]
                + 2.0 * t * (1.0 - t) * (2.0 * mc[1] - 0.5 * (ma[1] + mb[1]))
                + t * t * mb[1],
        ];
        // Darkest of three points across the line (lips are thick).
        let line = [-0.03, 0.0, 0.03]
            .iter()
            .filter_map(|&dv| luma(frame, f.at(q, 0.0, dv * s)))
            .fold(f32::INFINITY, f32::min);
        let above = luma(frame, f.at(q, 0.0, -0.14 * s));
        let below = luma(frame, f.at(q, 0.0, 0.16 * s));
        if let (true, Some(a), Some(b)) = (line.is_finite(), above, below) {
            depth[nd] = (a.min(b) - line) / norm;
            nd += 1;
        }
    }
    let _ = NOSE_TIP;
    Lower {
        chroma: if n >= 8 {
            median(&mut chroma[..n])
        } else {
            f32::NAN
        },
        luma: if n >= 8 {
            median(&mut lum[..n])
        } else {
            f32::NAN
        },
        far: if n >= 8 {
            far as f32 / n as f32
        } else {
            f32::NAN
        },
        mouth: if nd >= 4 {
            median(&mut depth[..nd])
        } else {
            f32::NAN
        },
        texture,
        asymmetry: tex(0) - tex(1),
    }
}

/// (dark fraction, median relative luma) of the band above the brows and
/// the brows' contrast with it.
fn forehead(frame: &Frame, f: &Axes, skin: f32, norm: f32) -> (f32, f32, f32) {
    let s = f.s;
    let mut rel = [0.0f32; 40];
    let (mut n, mut dark) = (0, 0);
    let mut brow = [0.0f32; 10];
    let mut nb = 0;
    for side in BROWS {
        for &i in &side {
            let b = f.p(i);
            for v in [0.1, 0.18, 0.26, 0.35] {
                if let Some(l) = luma(frame, f.at(b, 0.0, -v * s)) {
                    rel[n] = (l - skin) / norm;
                    n += 1;
                    if l < FOREHEAD_DARK_LEVEL * skin {
                        dark += 1;
                    }
                }
            }
            // The brow itself: just below its upper contour.
            if let Some(l) = luma(frame, f.at(b, 0.0, 0.04 * s)) {
                brow[nb] = l;
                nb += 1;
            }
        }
    }
    if n < 20 || nb < 5 {
        return (f32::NAN, f32::NAN, f32::NAN);
    }
    let frac = dark as f32 / n as f32;
    let med = median(&mut rel[..n]);
    let brow_l = median(&mut brow[..nb]);
    let band = med * norm + skin;
    (frac, med, (band - brow_l) / norm)
}
