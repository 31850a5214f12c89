//! Known alterations of a frame, for measuring the hints.
//!
//! Each [`Alteration`] changes a frame in one documented way whose *truth* is
//! known: the hint it should raise (see [`Alteration::truth`]). Running real
//! footage through them gives labelled frames for every hint without staging
//! each problem in front of a camera. They are plain functions of a frame and,
//! for those that depend on the face, its 468 mesh landmarks (MediaPipe
//! face-mesh indices, frame pixels), measured on the *unaltered* frame.
//!
//! Everything is clipped to the frame: landmarks off the frame, tiny frames or
//! a 1x1 frame never panic. Randomness (noise, skin texture, glare spots) comes
//! from a small fixed PRNG so the output is the same on every machine and for
//! every version of every dependency.

use anyhow::{anyhow, bail, Context, Result};
use liveness_coach::frame::Frame;
use liveness_coach::measure::lighting::FACE_OVAL;
use liveness_coach::vision::roi::inside;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// One alteration and its strength. Parsed from and printed as
/// `name[:value]` (`darken:0.3`, `mask`, `motion_blur:15`); serialised with
/// the same snake_case names (`{"darken": 0.3}`, `"mask"`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Alteration {
    /// Scales every channel of every pixel by the factor (0-1; 0.25 is two
    /// stops under): a dim room, an underexposed camera. Truth: `too_dark`
    /// once the face's mean luma is under the threshold (60): 0.3 takes a
    /// well-lit face at 165 to about 50. The background-to-face ratio is
    /// kept, so a scene that was not backlit does not become backlit.
    /// (No gamma variant: a gamma curve crushes the face more than a bright
    /// background, so its truth depends on the scene; gamma 2.2 made a
    /// well-lit zju clip `backlit`, not `too_dark`.)
    Darken(f32),
    /// Multiplies every channel by the factor (> 1) and clips at 255: a face
    /// in direct sun or a camera overexposing. Truth: `too_bright` (x2.5 blew
    /// out 95% of a face at luma 165).
    Overexpose(f32),
    /// Raises every pixel outside the face outline toward white by the factor
    /// (0-1), with a short soft edge; the face itself is untouched: a bright
    /// window or wall behind the person. Truth: `backlit` once the face is
    /// also dark (luma 115 or less), as a camera exposing for the background
    /// makes it: alone it leaves a well-lit face well lit, so combine it with
    /// `darken` first (`darken:0.6 brighten_background:0.8` took a face at 165
    /// to 98 in front of a background at 231).
    BrightenBackground(f32),
    /// Darkens the image-left half of the face (split along the nose line,
    /// landmarks 168-152, as [`liveness_coach::measure::lighting`] splits it) by the factor
    /// (0-1), with soft transitions: light from one side. Truth:
    /// `uneven_light`, with a negative side balance (0.4 gave -0.37).
    DarkenSide(f32),
    /// A flat light-blue surgical-mask polygon over the lower face, from just
    /// below the nose (landmark 2) to below the chin, cheek to cheek; the eyes
    /// and nose tip stay visible. Truth: `mask`.
    Mask,
    /// A hand over the mouth and the image-left cheek, coming from the
    /// image-left side: palm and four fingers in the person's own skin tone
    /// (sampled from their cheeks, landmarks 205/425), with shading between
    /// fingers and a fine fixed texture. Truth: `hand_over_face`.
    Hand,
    /// Dark opaque lenses over both eyes (rounded, about 1.7 eye widths
    /// wide), with a bridge and temple arms. Truth: `sunglasses`.
    Sunglasses,
    /// 2-4 small saturated (white, soft-edged) specular spots on each eye
    /// region, as a lamp or screen reflected in glasses. The spots keep their
    /// place relative to the eyes from frame to frame. Truth: `glare`.
    Glare,
    /// A dark hat brim: everything above a line just below the eyebrows, over
    /// about one and a half face widths, plus its shadow on the upper
    /// forehead. Truth: `hat`.
    Brim,
    /// A horizontal box blur `n` pixels wide over the whole frame: the person
    /// moving, or a long exposure. Truth: `blurry` (15 px on a 320-pixel-wide
    /// frame is clearly visible).
    MotionBlur(u32),
    /// Additive Gaussian noise with this sigma (0-255 levels) on every
    /// channel, seeded from the frame index (same index, same noise): sensor
    /// noise of a dim room at high gain. Truth: `noisy`.
    Noise(f32),
    /// Dark wavy strands of hair falling from the forehead across the
    /// person's right eye (image left) to the cheekbone, the other eye
    /// uncovered. Truth: `hair_over_eyes`.
    HairOverEyes,
    /// The whole picture's brightness pulses by this fraction (0-1) as under
    /// a lamp flickering at 100 Hz (50 Hz mains), sampled at each frame's
    /// own timestamp: at 30 fps that is the 10 Hz alias a camera sees, at 25
    /// fps nothing (as in reality). Truth: `flicker`.
    Flicker(f32),
}

/// The light pulse [`Alteration::Flicker`] imitates, in Hz.
pub const FLICKER_LIGHT_HZ: f64 = 100.0;

impl Alteration {
    /// One example of every alteration, in the command-line syntax.
    pub const EXAMPLES: [&'static str; 13] = [
        "darken:0.3",
        "overexpose:2.5",
        "brighten_background:0.8",
        "darken_side:0.4",
        "mask",
        "hand",
        "sunglasses",
        "glare",
        "brim",
        "motion_blur:15",
        "noise:12",
        "hair_over_eyes",
        "flicker:0.05",
    ];

    /// The snake_case name, as parsed and serialised.
    pub fn name(&self) -> &'static str {
        match self {
            Alteration::Darken(_) => "darken",
            Alteration::Overexpose(_) => "overexpose",
            Alteration::BrightenBackground(_) => "brighten_background",
            Alteration::DarkenSide(_) => "darken_side",
            Alteration::Mask => "mask",
            Alteration::Hand => "hand",
            Alteration::Sunglasses => "sunglasses",
            Alteration::Glare => "glare",
            Alteration::Brim => "brim",
            Alteration::MotionBlur(_) => "motion_blur",
            Alteration::Noise(_) => "noise",
            Alteration::HairOverEyes => "hair_over_eyes",
            Alteration::Flicker(_) => "flicker",
        }
    }

    /// The hint code this alteration should raise (its known truth).
    pub fn truth(&self) -> &'static str {
        match self {
            Alteration::Darken(_) => "too_dark",
            Alteration::Overexpose(_) => "too_bright",
            Alteration::BrightenBackground(_) => "backlit",
            Alteration::DarkenSide(_) => "uneven_light",
            Alteration::Mask => "mask",
            Alteration::Hand => "hand_over_face",
            Alteration::Sunglasses => "sunglasses",
            Alteration::Glare => "glare",
            Alteration::Brim => "hat",
            Alteration::MotionBlur(_) => "blurry",
            Alteration::Noise(_) => "noisy",
            Alteration::HairOverEyes => "hair_over_eyes",
            Alteration::Flicker(_) => "flicker",
        }
    }

    /// Whether the alteration is placed from the face's landmarks.
    pub fn needs_landmarks(&self) -> bool {
        !matches!(
            self,
            Alteration::Darken(_)
                | Alteration::Overexpose(_)
                | Alteration::MotionBlur(_)
                | Alteration::Noise(_)
                | Alteration::Flicker(_)
        )
    }
}

impl FromStr for Alteration {
    type Err = anyhow::Error;

    /// Parses `name` or `name:value`; values are checked against each
    /// alteration's meaningful range.
    fn from_str(s: &str) -> Result<Alteration> {
        let (name, value) = match s.split_once(':') {
            Some((n, v)) => (n.trim(), Some(v.trim())),
            None => (s.trim(), None),
        };
        let example = || {
            Alteration::EXAMPLES
                .iter()
                .find(|e| e.split(':').next() == Some(name))
                .copied()
                .unwrap_or("darken:0.3")
        };
        let number = |lo: f32, hi: f32| -> Result<f32> {
            let v = value.ok_or_else(|| anyhow!("{name} needs a value, e.g. {}", example()))?;
            let x: f32 = v
                .parse()
                .with_context(|| format!("{name}:{v}: {v} is not a number"))?;
            if !(lo..=hi).contains(&x) {
                bail!("{name}:{v}: the value must be between {lo} and {hi}");
            }
            Ok(x)
        };
        let alt = match name {
            "darken" => Alteration::Darken(number(0.0, 1.0)?),
            "overexpose" => Alteration::Overexpose(number(1.0, 100.0)?),
            "brighten_background" => Alteration::BrightenBackground(number(0.0, 1.0)?),
            "darken_side" => Alteration::DarkenSide(number(0.0, 1.0)?),
            "motion_blur" => Alteration::MotionBlur(number(1.0, 1000.0)?.round() as u32),
            "noise" => Alteration::Noise(number(0.0, 255.0)?),
            "mask" => Alteration::Mask,
            "hand" => Alteration::Hand,
            "sunglasses" => Alteration::Sunglasses,
            "glare" => Alteration::Glare,
            "brim" => Alteration::Brim,
            "hair_over_eyes" => Alteration::HairOverEyes,
            "flicker" => Alteration::Flicker(number(0.0, 1.0)?),
            _ => bail!(
                "unknown alteration {s:?}; known: {}",
                Alteration::EXAMPLES.join(", ")
            ),
        };
        if value.is_some() && !alt.has_value() {
            bail!("{name} takes no value (write just `{name}`)");
        }
        Ok(alt)
    }
}

impl Alteration {
    fn has_value(&self) -> bool {
        matches!(
            self,
            Alteration::Darken(_)
                | Alteration::Overexpose(_)
                | Alteration::BrightenBackground(_)
                | Alteration::DarkenSide(_)
                | Alteration::MotionBlur(_)
                | Alteration::Noise(_)
                | Alteration::Flicker(_)
        )
    }
}

impl fmt::Display for Alteration {
    /// The command-line form, which [`FromStr`] parses back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Alteration::Darken(v)
            | Alteration::Overexpose(v)
            | Alteration::BrightenBackground(v)
            | Alteration::DarkenSide(v)
            | Alteration::Noise(v)
            | Alteration::Flicker(v) => write!(f, "{}:{v}", self.name()),
            Alteration::MotionBlur(n) => write!(f, "{}:{n}", self.name()),
            _ => f.write_str(self.name()),
        }
    }
}

/// Whether frame `index` is kept when every `drop_every_n`-th frame is dropped
/// (frames n-1, 2n-1, ... go): a camera or connection losing frames. Values
/// of 0 and 1 keep every frame. Truth: gaps in the frame timing (a clip
/// written at a constant rate should state `fps * (n - 1) / n` to keep its
/// duration).
pub fn keep_frame(index: u64, drop_every_n: u32) -> bool {
    let n = drop_every_n as u64;
    n <= 1 || index % n != n - 1
}

/// Applies `alt` to `frame` in place. `landmarks` are the face's 468 mesh
/// points (frame pixels) measured on the unaltered frame.
///
/// Returns false, with the frame unchanged, when the alteration needs
/// landmarks and there are none usable (missing, fewer than 468, not finite,
/// or a face of no size), or when the frame's buffer does not match its size.
pub fn apply(alt: &Alteration, frame: &mut Frame, landmarks: Option<&[[f32; 3]]>) -> bool {
    let (w, h) = (frame.width as usize, frame.height as usize);
    if w == 0 || h == 0 || w.checked_mul(h).and_then(|n| n.checked_mul(3)) != Some(frame.rgb.len())
    {
        return false;
    }
    let face = if alt.needs_landmarks() {
        match landmarks.and_then(Face::new) {
            Some(f) => Some(f),
            None => return false,
        }
    } else {
        None
    };
    match (*alt, face) {
        (Alteration::Darken(k), _) => map_levels(frame, |v| v * k),
        (Alteration::Overexpose(k), _) => map_levels(frame, |v| v * k),
        (Alteration::MotionBlur(n), _) => motion_blur(frame, n),
        (Alteration::Noise(sigma), _) => noise(frame, sigma),
        (Alteration::Flicker(a), _) => {
            let pulse = (std::f64::consts::TAU * FLICKER_LIGHT_HZ * frame.time_s).sin() as f32;
            let k = 1.0 + a * pulse;
            map_levels(frame, |v| v * k)
        }
        (Alteration::BrightenBackground(k), Some(f)) => brighten_background(frame, &f, k),
        (Alteration::DarkenSide(k), Some(f)) => darken_side(frame, &f, k),
        (Alteration::Mask, Some(f)) => mask(frame, &f),
        (Alteration::Hand, Some(f)) => hand(frame, &f),
        (Alteration::Sunglasses, Some(f)) => sunglasses(frame, &f),
        (Alteration::Glare, Some(f)) => glare(frame, &f),
        (Alteration::Brim, Some(f)) => brim(frame, &f),
        (Alteration::HairOverEyes, Some(f)) => hair(frame, &f),
        // needs_landmarks() guarantees a face for the others.
        (_, None) => return false,
    }
    true
}

// ---------------------------------------------------------------- geometry

type P = [f32; 2];

fn add(a: P, b: P) -> P {
    [a[0] + b[0], a[1] + b[1]]
}
fn sub(a: P, b: P) -> P {
    [a[0] - b[0], a[1] - b[1]]
}
fn scale(a: P, k: f32) -> P {
    [a[0] * k, a[1] * k]
}
fn dot(a: P, b: P) -> f32 {
    a[0] * b[0] + a[1] * b[1]
}
fn len(a: P) -> f32 {
    dot(a, a).sqrt()
}
fn mid(a: P, b: P) -> P {
    scale(add(a, b), 0.5)
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Coverage of a pixel by a shape from the signed distance (pixels, > 0
/// inside) of its centre to the shape's edge: a one-pixel soft edge.
fn coverage(depth_px: f32) -> f32 {
    (depth_px + 0.5).clamp(0.0, 1.0)
}

/// Distance from `p` to the segment `a`-`b`.
fn seg_dist(p: P, a: P, b: P) -> f32 {
    let ab = sub(b, a);
    let l2 = dot(ab, ab);
    let t = if l2 > 0.0 {
        (dot(sub(p, a), ab) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    len(sub(p, add(a, scale(ab, t))))
}

/// Signed distance to a polygon's edge: positive inside.
fn poly_depth(poly: &[P], p: P) -> f32 {
    let Some(&last) = poly.last() else {
        return f32::NEG_INFINITY;
    };
    let mut d = f32::INFINITY;
    let mut b = last;
    for &a in poly {
        d = d.min(seg_dist(p, a, b));
        b = a;
    }
    if inside(poly, p) {
        d
    } else {
        -d
    }
}

fn poly_bounds(poly: &[P]) -> [f32; 4] {
    poly.iter().fold(
        [
            f32::INFINITY,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NEG_INFINITY,
        ],
        |b, p| {
            [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ]
        },
    )
}

fn grow(b: [f32; 4], by: f32) -> [f32; 4] {
    [b[0] - by, b[1] - by, b[2] + by, b[3] + by]
}

/// Keeps the part of a polygon where `keep(p) >= 0` (`keep` affine).
fn clip_poly(poly: &[P], keep: impl Fn(P) -> f32) -> Vec<P> {
    let mut out = Vec::with_capacity(poly.len() + 2);
    let Some(&last) = poly.last() else {
        return out;
    };
    let mut prev = last;
    for &cur in poly {
        let (dp, dc) = (keep(prev), keep(cur));
        if (dp >= 0.0) != (dc >= 0.0) {
            let t = dp / (dp - dc);
            out.push(add(prev, scale(sub(cur, prev), t)));
        }
        if dc >= 0.0 {
            out.push(cur);
        }
        prev = cur;
    }
    out
}

/// A face's landmarks with the directions and size every placement uses.
struct Face<'a> {
    lm: &'a [[f32; 3]],
    /// Unit vector from the person's right eye to their left (image right
    /// when upright and unmirrored).
    ex: P,
    /// Unit vector down the face (toward the chin when upright).
    ey: P,
    /// Distance between the eye centres, pixels: the unit of every size.
    s: f32,
}

/// Eyes as (outer corner, inner corner): person's right (image left), left.
const EYES: [(usize, usize); 2] = [(33, 133), (263, 362)];
const NOSE_TIP: usize = 1;
const NOSE_BOTTOM: usize = 2;
const NOSE_BRIDGE: usize = 168;
const CHIN: usize = 152;
/// Cheek points (person's right, left) where the skin tone is sampled.
const CHEEKS: [usize; 2] = [205, 425];
/// The face's sides at eye level (person's right, left).
const SIDES: [usize; 2] = [234, 454];
const BROWS: [usize; 10] = [70, 63, 105, 66, 107, 336, 296, 334, 293, 300];

impl<'a> Face<'a> {
    fn new(lm: &'a [[f32; 3]]) -> Option<Face<'a>> {
        if lm.len() < 468 || lm.iter().flatten().any(|v| !v.is_finite()) {
            return None;
        }
        let p = |i: usize| [lm[i][0], lm[i][1]];
        let eye = |(a, b): (usize, usize)| mid(p(a), p(b));
        let d = sub(eye(EYES[1]), eye(EYES[0]));
        let s = len(d);
        if !(s.is_finite() && s > 1e-3) {
            return None;
        }
        let ex = scale(d, 1.0 / s);
        Some(Face {
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
        add(o, add(scale(self.ex, u), scale(self.ey, v)))
    }

    /// (u, v) of image point `p` along (ex, ey) from `o`.
    fn local(&self, o: P, p: P) -> P {
        let d = sub(p, o);
        [dot(d, self.ex), dot(d, self.ey)]
    }

    fn oval(&self) -> Vec<P> {
        FACE_OVAL.iter().map(|&i| self.p(i)).collect()
    }

    /// An eye's centre and width (corner to corner).
    fn eye(&self, (outer, inner): (usize, usize)) -> (P, f32) {
        let (a, b) = (self.p(outer), self.p(inner));
        (mid(a, b), len(sub(a, b)).max(1.0))
    }
}

// ------------------------------------------------------------------ pixels

/// Replaces every pixel in `bounds` (clipped to the frame) by
/// `f(centre, current)`; channels are rounded and clipped.
fn paint(frame: &mut Frame, bounds: [f32; 4], mut f: impl FnMut(P, [f32; 3]) -> [f32; 3]) {
    let (w, h) = (frame.width as usize, frame.height as usize);
    let clip = |v: f32, hi: usize| {
        if v.is_nan() {
            0
        } else {
            v.clamp(0.0, hi as f32) as usize
        }
    };
    let (x0, x1) = (clip(bounds[0].floor(), w), clip(bounds[2].ceil() + 1.0, w));
    let (y0, y1) = (clip(bounds[1].floor(), h), clip(bounds[3].ceil() + 1.0, h));
    for y in y0..y1 {
        for x in x0..x1 {
            let i = (y * w + x) * 3;
            let px = &mut frame.rgb[i..i + 3];
            let out = f(
                [x as f32 + 0.5, y as f32 + 0.5],
                [px[0] as f32, px[1] as f32, px[2] as f32],
            );
            for k in 0..3 {
                px[k] = out[k].round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}

fn whole(frame: &Frame) -> [f32; 4] {
    [0.0, 0.0, frame.width as f32, frame.height as f32]
}

fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [0, 1, 2].map(|k| a[k] + (b[k] - a[k]) * t)
}

/// Maps every channel value through `f` (a 256-entry table).
fn map_levels(frame: &mut Frame, f: impl Fn(f32) -> f32) {
    let lut: [u8; 256] = std::array::from_fn(|v| f(v as f32).round().clamp(0.0, 255.0) as u8);
    for v in frame.rgb.iter_mut() {
        *v = lut[*v as usize];
    }
}

/// SplitMix64: a tiny, fixed, well-mixed generator.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// A fixed value in [-1, 1] for an integer lattice point.
fn hash2(a: i64, b: i64) -> f32 {
    let mut r = Rng::new((a as u64).wrapping_mul(0x1000_0000_01b3) ^ (b as u64));
    r.unit() * 2.0 - 1.0
}

// ------------------------------------------------------------- alterations

fn motion_blur(frame: &mut Frame, n: u32) {
    let w = frame.width as usize;
    // Beyond a few frame widths every pixel is the (edge-weighted) row mean.
    let n = (n as usize).min(4 * w + 1);
    if n <= 1 {
        return;
    }
    let (lo, hi) = (n / 2, n - 1 - n / 2);
    let mut row = vec![0u8; w * 3];
    let at = |x: isize| x.clamp(0, w as isize - 1) as usize * 3;
    for r in frame.rgb.chunks_exact_mut(w * 3) {
        row.copy_from_slice(r);
        for c in 0..3 {
            let mut sum: u32 = (-(lo as isize)..=hi as isize)
                .map(|k| row[at(k) + c] as u32)
                .sum();
            for x in 0..w {
                r[x * 3 + c] = ((sum + n as u32 / 2) / n as u32) as u8;
                let xi = x as isize;
                sum += row[at(xi + hi as isize + 1) + c] as u32;
                sum -= row[at(xi - lo as isize) + c] as u32;
            }
        }
    }
}

fn noise(frame: &mut Frame, sigma: f32) {
    let table = normal_table();
    let mut rng = Rng::new(frame.index.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ 0x006e_6f69_7365);
    // Four 16-bit draws per 64-bit number, each looked up in the table.
    for chunk in frame.rgb.chunks_mut(4) {
        let mut bits = rng.next();
        for v in chunk {
            let g = table[(bits & 0xffff) as usize];
            bits >>= 16;
            *v = (*v as f32 + sigma * g + 0.5).clamp(0.0, 255.0) as u8;
        }
    }
}

/// The standard normal distribution's quantiles at (i + 0.5) / 65536: a
/// uniform 16-bit draw looked up here is a normal sample (to 4.3 sigma).
fn normal_table() -> &'static [f32] {
    static TABLE: OnceLock<Vec<f32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..1u32 << 16)
            .map(|i| inverse_normal_cdf((i as f64 + 0.5) / 65536.0) as f32)
            .collect()
    })
}

/// Inverse of the standard normal CDF for 0 < p < 1 (Acklam's rational
/// approximation, relative error under 1.2e-9).
fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.38357751867269e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let poly = |c: &[f64], x: f64| c.iter().fold(0.0, |acc, &k| acc * x + k);
    let tail = |p: f64| {
        let q = (-2.0 * p.ln()).sqrt();
        poly(&C, q) / (poly(&D, q) * q + 1.0)
    };
    const LOW: f64 = 0.02425;
    if p < LOW {
        tail(p)
    } else if p > 1.0 - LOW {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        poly(&A, r) * q / (poly(&B, r) * r + 1.0)
    }
}

fn brighten_background(frame: &mut Frame, face: &Face, k: f32) {
    let oval = face.oval();
    let feather = (0.15 * face.s).max(1.0);
    let near = grow(poly_bounds(&oval), feather);
    paint(frame, whole(frame), |p, px| {
        let outside = p[0] < near[0] || p[0] > near[2] || p[1] < near[1] || p[1] > near[3];
        let t = if outside {
            1.0
        } else if inside(&oval, p) {
            return px;
        } else {
            smoothstep(0.0, feather, -poly_depth(&oval, p))
        };
        mix(px, [255.0; 3], k * t)
    });
}

fn darken_side(frame: &mut Frame, face: &Face, k: f32) {
    let oval = face.oval();
    let (m0, m1) = (face.p(NOSE_BRIDGE), face.p(CHIN));
    let dir = sub(m1, m0);
    let dl = len(dir).max(1e-3);
    let feather = (0.25 * face.s).max(1.0);
    let ramp = (0.12 * face.s).max(0.5);
    paint(frame, grow(poly_bounds(&oval), feather), |p, px| {
        // Positive on the image-left side of the nose line, in pixels.
        let side = (dir[0] * (p[1] - m0[1]) - dir[1] * (p[0] - m0[0])) / dl;
        let on_face = smoothstep(-feather, 0.0, poly_depth(&oval, p));
        let t = smoothstep(-ramp, ramp, side) * on_face;
        px.map(|v| v * (1.0 - (1.0 - k) * t))
    });
}

/// Light blue of a surgical mask.
const MASK_COLOUR: [f32; 3] = [168.0, 206.0, 228.0];

fn mask(frame: &mut Frame, face: &Face) {
    // The outline grown a little (a mask reaches past the cheeks and under the
    // chin), cut along a line across the face just below the nose.
    let oval = face.oval();
    let n = oval.len() as f32;
    let c = scale(oval.iter().fold([0.0, 0.0], |a, &p| add(a, p)), 1.0 / n);
    let grown: Vec<P> = oval
        .iter()
        .map(|&p| add(c, scale(sub(p, c), 1.06)))
        .collect();
    let top = face.p(NOSE_BOTTOM);
    let poly = clip_poly(&grown, |p| face.local(top, p)[1]);
    if poly.len() < 3 {
        return;
    }
    paint(frame, grow(poly_bounds(&poly), 1.0), |p, px| {
        mix(px, MASK_COLOUR, coverage(poly_depth(&poly, p)))
    });
}

/// Mean colour of the on-frame pixels within `r` of `c`.
fn sample(frame: &Frame, c: P, r: f32) -> Option<[f32; 3]> {
    let (mut sum, mut n) = ([0.0f64; 3], 0usize);
    let (w, h) = (frame.width as i64, frame.height as i64);
    let r = r.max(1.0);
    let (x0, x1) = ((c[0] - r).floor() as i64, (c[0] + r).ceil() as i64);
    let (y0, y1) = ((c[1] - r).floor() as i64, (c[1] + r).ceil() as i64);
    for y in y0.max(0)..y1.min(h) {
        for x in x0.max(0)..x1.min(w) {
            if len(sub([x as f32 + 0.5, y as f32 + 0.5], c)) <= r {
                let px = frame.pixel(x, y);
                for k in 0..3 {
                    sum[k] += px[k] as f64;
                }
                n += 1;
            }
        }
    }
    (n > 0).then(|| sum.map(|v| (v / n as f64) as f32))
}

/// Skin tone used when both cheeks are off the frame.
const DEFAULT_SKIN: [f32; 3] = [205.0, 160.0, 135.0];

fn hand(frame: &mut Frame, face: &Face) {
    let s = face.s;
    let samples: Vec<[f32; 3]> = CHEEKS
        .iter()
        .filter_map(|&i| sample(frame, face.p(i), 0.12 * s))
        .collect();
    let skin = if samples.is_empty() {
        DEFAULT_SKIN
    } else {
        let n = samples.len() as f32;
        samples
            .iter()
            .fold([0.0; 3], |a, c| [a[0] + c[0], a[1] + c[1], a[2] + c[2]])
            .map(|v| v / n)
    };
    // In units of s from the nose tip, u toward image right, v down.
    let o = face.p(NOSE_TIP);
    const PALM: (P, P) = ([-0.95, 0.7], [0.5, 0.65]);
    const FINGER_R: f32 = 0.155;
    // (v, u of the tip) of index, middle, ring and little finger, side by
    // side, fanning out slightly from the palm.
    const FINGERS: [(f32, f32); 4] = [(0.22, 0.35), (0.53, 0.5), (0.84, 0.4), (1.14, 0.12)];
    let depth = |q: P| -> f32 {
        // Largest inside-distance over the palm and fingers, in units of s.
        let (pc, pr) = PALM;
        let e = ((q[0] - pc[0]) / pr[0]).hypot((q[1] - pc[1]) / pr[1]);
        let mut d = (1.0 - e) * pr[0].min(pr[1]);
        for (v, tip) in FINGERS {
            d = d.max(FINGER_R - seg_dist(q, [-0.7, 0.7 + (v - 0.7) * 0.8], [tip, v]));
        }
        d
    };
    let corners = [(-1.7, -0.2), (0.9, -0.2), (-1.7, 1.45), (0.9, 1.45)]
        .map(|(u, v)| face.at(o, u * s, v * s));
    paint(frame, poly_bounds(&corners), |p, px| {
        let q = scale(face.local(o, p), 1.0 / s);
        let d = depth(q);
        let cover = coverage(d * s);
        if cover <= 0.0 {
            return px;
        }
        // Darker toward every edge (shows the fingers apart), a fine fixed
        // texture in the hand's own coordinates.
        let shade = 0.8 + 0.2 * smoothstep(0.0, 0.08, d);
        let cell = 0.025;
        let grain = 1.0 + 0.05 * hash2((q[0] / cell) as i64, (q[1] / cell) as i64);
        mix(px, skin.map(|v| v * shade * grain), cover)
    });
}

fn sunglasses(frame: &mut Frame, face: &Face) {
    let eyes = EYES.map(|e| face.eye(e));
    let w = 0.5 * (eyes[0].1 + eyes[1].1);
    let (a, b) = (0.85 * w, 0.62 * w);
    let centres = eyes.map(|(c, _)| face.at(c, 0.0, 0.08 * w));
    // Rounded-rectangle lens: |u/a|^3 + |v/b|^3 <= 1.
    let lens = |q: P| -> f32 {
        let e = ((q[0] / a).abs().powi(3) + (q[1] / b).abs().powi(3)).cbrt();
        (1.0 - e) * b
    };
    let bar = 0.07 * w;
    // Bridge between the inner edges, temple arms toward the face sides.
    let bars = [
        (
            face.at(centres[0], 0.8 * a, -0.25 * b),
            face.at(centres[1], -0.8 * a, -0.25 * b),
        ),
        (
            face.at(centres[0], -0.95 * a, -0.2 * b),
            face.at(face.p(SIDES[0]), 0.0, -0.1 * b),
        ),
        (
            face.at(centres[1], 0.95 * a, -0.2 * b),
            face.at(face.p(SIDES[1]), 0.0, -0.1 * b),
        ),
    ];
    let mut pts: Vec<P> = bars.iter().flat_map(|&(p, q)| [p, q]).collect();
    for c in centres {
        pts.push(face.at(c, -a, -b));
        pts.push(face.at(c, a, b));
        pts.push(face.at(c, -a, b));
        pts.push(face.at(c, a, -b));
    }
    paint(frame, grow(poly_bounds(&pts), 2.0), |p, px| {
        let mut out = px;
        for &(s0, s1) in &bars {
            let cover = coverage(bar - seg_dist(p, s0, s1));
            out = mix(out, [22.0, 22.0, 26.0], cover);
        }
        for c in centres {
            let q = face.local(c, p);
            let cover = coverage(lens(q));
            if cover > 0.0 {
                // Gradient lens: darkest at the top.
                let t = ((q[1] / b + 1.0) * 0.5).clamp(0.0, 1.0);
                let tone = 10.0 + 30.0 * t;
                out = mix(out, [tone, tone, tone * 1.1], cover);
            }
        }
        out
    });
}

fn glare(frame: &mut Frame, face: &Face) {
    for (k, e) in EYES.iter().enumerate() {
        let (c, w) = face.eye(*e);
        // Fixed seed per eye: the reflection stays put relative to the eye.
        let mut rng = Rng::new(0x0067_6c61_7265 + k as u64);
        let count = 2 + (rng.next() % 3) as usize;
        for _ in 0..count {
            let ang = std::f32::consts::TAU * rng.unit();
            let rad = rng.unit().sqrt();
            let spot = face.at(c, 0.55 * w * rad * ang.cos(), 0.35 * w * rad * ang.sin());
            let r = (w * (0.08 + 0.1 * rng.unit())).max(1.5);
            paint(
                frame,
                grow([spot[0], spot[1], spot[0], spot[1]], r),
                |p, px| {
                    let d = len(sub(p, spot)) / r;
                    // Saturated core, soft edge.
                    let t = 1.0 - smoothstep(0.5, 1.0, d);
                    mix(px, [255.0; 3], t)
                },
            );
        }
    }
}

/// Strands of dark hair across the person's right eye: seven wavy curves
/// from above the brow to below the eye, spread over the eye's width.
fn hair(frame: &mut Frame, face: &Face) {
    let (c, w) = face.eye(EYES[0]);
    let s = face.s;
    let strands: Vec<(f32, f32)> = (0..7)
        .map(|k| {
            let t = k as f32 / 6.0;
            // Offset across the eye, and the phase of its wave.
            ((t - 0.5) * 1.3 * w, t * 2.1)
        })
        .collect();
    let thick = (0.07 * w).max(1.2);
    let (top, bottom) = (-0.9 * s, 0.55 * s);
    let reach = 1.0 * w + thick;
    let b = {
        let pts = [
            face.at(c, -reach, top),
            face.at(c, reach, top),
            face.at(c, -reach, bottom),
            face.at(c, reach, bottom),
        ];
        let xs = pts.map(|p| p[0]);
        let ys = pts.map(|p| p[1]);
        [
            xs.iter().copied().fold(f32::INFINITY, f32::min),
            ys.iter().copied().fold(f32::INFINITY, f32::min),
            xs.iter().copied().fold(f32::NEG_INFINITY, f32::max),
            ys.iter().copied().fold(f32::NEG_INFINITY, f32::max),
        ]
    };
    paint(frame, b, |p, px| {
        let q = face.local(c, p);
        if q[1] < top || q[1] > bottom {
            return px;
        }
        let along = (q[1] - top) / (bottom - top);
        let mut cover = 0.0f32;
        for &(u0, phase) in &strands {
            // Strands sway sideways as they fall.
            let u = u0 + 0.18 * w * (along * 5.0 + phase).sin() + 0.25 * w * along;
            cover = cover.max(coverage(thick - (q[0] - u).abs()));
        }
        let tone = 30.0 + 14.0 * (along * 9.0).sin().abs();
        mix(px, [tone, tone * 0.82, tone * 0.7], cover)
    });
}

fn brim(frame: &mut Frame, face: &Face) {
    let s = face.s;
    let brows: Vec<P> = BROWS.iter().map(|&i| face.p(i)).collect();
    let o = scale(
        brows.iter().fold([0.0, 0.0], |a, &p| add(a, p)),
        1.0 / brows.len() as f32,
    );
    // The brim's edge passes just below the lowest brow point, curving up
    // toward its ends; it reaches 0.75 face widths either side.
    let lowest = brows
        .iter()
        .map(|&p| face.local(o, p)[1])
        .fold(f32::NEG_INFINITY, f32::max);
    let edge0 = lowest + 0.1 * s;
    let sides = SIDES.map(|i| face.local(o, face.p(i))[0]);
    let half = (0.75 * (sides[1] - sides[0]).abs()).max(1.0);
    let lift = 0.2 * s;
    let shadow = 0.3 * s;
    paint(frame, whole(frame), |p, px| {
        let q = face.local(o, p);
        let across = (q[0] / half).abs();
        if across > 1.0 + 2.0 / half {
            return px;
        }
        let edge = edge0 - lift * across * across;
        // Inside-distances (pixels) from the bottom edge and the ends.
        let d = (edge - q[1]).min((1.0 - across) * half);
        let cover = coverage(d);
        // The brim's shadow on the forehead and eyes below it.
        let below = q[1] - edge;
        let shade = if below > 0.0 && across < 1.0 {
            1.0 - 0.35 * (1.0 - smoothstep(0.0, shadow, below))
        } else {
            1.0
        };
        let tone = 32.0 + 22.0 * smoothstep(-0.3 * s, 0.0, -d);
        mix(
            px.map(|v| v * shade),
            [tone, tone * 0.9, tone * 0.85],
            cover,
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grey 100x100 frame (level `v`) with a synthetic face: the oval on a
    /// circle of radius 30 around (50, 55), eyes at y = 45, brows at y = 36,
    /// nose tip (50, 58), chin (50, 85).
    fn scene(v: u8) -> (Frame, Vec<[f32; 3]>) {
        let (w, h) = (100u32, 100u32);
        let f = Frame::from_rgb(w, h, vec![v; (w * h * 3) as usize]).unwrap();
        let mut lm = vec![[50.0f32, 55.0, 0.0]; 468];
        for (k, &i) in FACE_OVAL.iter().enumerate() {
            let a = k as f32 / FACE_OVAL.len() as f32 * std::f32::consts::TAU;
            lm[i] = [50.0 + 30.0 * a.sin(), 55.0 - 30.0 * a.cos(), 0.0];
        }
        let mut set = |i: usize, x: f32, y: f32| lm[i] = [x, y, 0.0];
        set(33, 30.0, 45.0);
        set(133, 42.0, 45.0);
        set(362, 58.0, 45.0);
        set(263, 70.0, 45.0);
        for (k, &i) in BROWS.iter().enumerate() {
            let x = if k < 5 {
                28.0 + 4.0 * k as f32
            } else {
                56.0 + 4.0 * (k - 5) as f32
            };
            set(i, x, 36.0);
        }
        set(NOSE_TIP, 50.0, 58.0);
        set(NOSE_BOTTOM, 50.0, 62.0);
        set(NOSE_BRIDGE, 50.0, 45.0);
        set(CHIN, 50.0, 85.0);
        set(CHEEKS[0], 35.0, 62.0);
        set(CHEEKS[1], 65.0, 62.0);
        set(SIDES[0], 20.0, 45.0);
        set(SIDES[1], 80.0, 45.0);
        (f, lm)
    }

    fn mean_luma(f: &Frame, x0: i64, y0: i64, x1: i64, y1: i64) -> f32 {
        let mut s = 0.0;
        for y in y0..y1 {
            for x in x0..x1 {
                s += f.luma(x, y);
            }
        }
        s / ((x1 - x0) * (y1 - y0)) as f32
    }

    /// Variation of texture: a frame with vertical stripes and a gradient.
    fn textured() -> Frame {
        let (w, h) = (64u32, 32u32);
        let mut rgb = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let v = if (x / 3) % 2 == 0 { 200 } else { 40 } as u8;
                rgb.extend_from_slice(&[v, v.saturating_add(y as u8), 255 - v]);
            }
        }
        Frame::from_rgb(w, h, rgb).unwrap()
    }

    fn horizontal_energy(f: &Frame) -> f64 {
        let w = f.width as usize;
        f.rgb
            .chunks_exact(w * 3)
            .flat_map(|r| r.windows(4).map(|q| (q[3] as f64 - q[0] as f64).powi(2)))
            .sum()
    }

    #[test]
    fn darken_halves_the_luma_and_overexpose_clips() {
        let mut f = textured();
        let before = mean_luma(&f, 0, 0, 64, 32);
        assert!(apply(&Alteration::Darken(0.5), &mut f, None));
        let after = mean_luma(&f, 0, 0, 64, 32);
        assert!((after - before / 2.0).abs() < 0.6, "{before} -> {after}");

        let mut f = textured();
        assert!(apply(&Alteration::Overexpose(2.5), &mut f, None));
        let full = f.rgb.iter().filter(|&&v| v == 255).count();
        assert!(full as f32 > 0.5 * f.rgb.len() as f32);
        // 40 * 2.5 = 100: unclipped values are scaled.
        assert!(f.rgb.contains(&100));
    }

    #[test]
    fn brighten_background_leaves_the_face() {
        let (orig, lm) = scene(80);
        let mut f = orig.clone();
        assert!(apply(
            &Alteration::BrightenBackground(0.8),
            &mut f,
            Some(&lm)
        ));
        // Inside the face (well within the radius-30 circle): untouched.
        for (x, y) in [(50, 55), (35, 45), (65, 70), (50, 30), (50, 82)] {
            assert_eq!(f.pixel(x, y), orig.pixel(x, y), "({x}, {y})");
        }
        // Outside: raised toward white.
        for (x, y) in [(2, 2), (97, 50), (50, 98)] {
            assert!(f.pixel(x, y)[0] >= 80 + (175.0 * 0.79) as u8, "({x}, {y})");
        }
        let l = liveness_coach::measure::lighting::measure(&f, &lm).unwrap();
        assert!((l.face_luma - 80.0).abs() < 1.0 && l.background_luma.unwrap() > 200.0);
    }

    #[test]
    fn darken_side_unbalances_the_halves() {
        let (mut f, lm) = scene(150);
        assert!(apply(&Alteration::DarkenSide(0.4), &mut f, Some(&lm)));
        assert!(f.pixel(35, 60)[0] < 70 && f.pixel(65, 60)[0] == 150);
        let l = liveness_coach::measure::lighting::measure(&f, &lm).unwrap();
        assert!(l.side_balance < -0.3, "{l:?}");
    }

    #[test]
    fn sunglasses_darken_the_eyes_and_mask_covers_mouth_not_eyes() {
        let (orig, lm) = scene(180);
        let mut f = orig.clone();
        assert!(apply(&Alteration::Sunglasses, &mut f, Some(&lm)));
        assert!(mean_luma(&f, 30, 42, 42, 49) < 50.0);
        assert!(mean_luma(&f, 58, 42, 70, 49) < 50.0);
        assert_eq!(f.pixel(50, 75), orig.pixel(50, 75));

        let mut f = orig.clone();
        assert!(apply(&Alteration::Mask, &mut f, Some(&lm)));
        assert_eq!(f.pixel(50, 75), [168, 206, 228]);
        assert_eq!(f.pixel(30, 70), [168, 206, 228]);
        assert_eq!(f.pixel(35, 45), orig.pixel(35, 45));
        assert_eq!(f.pixel(50, 58), orig.pixel(50, 58));
    }

    #[test]
    fn hand_glare_take_their_places() {
        let (orig, lm) = scene(120);
        let mut f = orig.clone();
        // Give the cheeks a skin tone to sample.
        for y in 55..70 {
            for x in 28..72 {
                let i = (y * 100 + x) * 3;
                f.rgb[i..i + 3].copy_from_slice(&[200, 150, 120]);
            }
        }
        let cheeks = f.clone();
        assert!(apply(&Alteration::Hand, &mut f, Some(&lm)));
        // The mouth region (below the nose tip) now carries the skin tone.
        let [r, g, b] = f.pixel(45, 72);
        assert!(r > g && g > b && r > 140, "{r} {g} {b}");
        assert_ne!(f.rgb, cheeks.rgb);
        assert_eq!(f.pixel(60, 40), cheeks.pixel(60, 40));

        let mut f = orig.clone();
        assert!(apply(&Alteration::Glare, &mut f, Some(&lm)));
        for (x0, x1) in [(26, 46), (54, 74)] {
            let bright = (40..51)
                .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                .filter(|&(x, y)| f.luma(x, y) > 220.0)
                .count();
            assert!(bright >= 2, "{x0}: {bright}");
        }
        assert_eq!(f.pixel(50, 80), orig.pixel(50, 80));
    }

    #[test]
    fn brim_covers_the_top_down_to_the_brows() {
        let (orig, lm) = scene(200);
        let mut f = orig.clone();
        assert!(apply(&Alteration::Brim, &mut f, Some(&lm)));
        assert!(mean_luma(&f, 30, 0, 70, 37) < 60.0);
        // Eyes in its shadow but not covered; mouth untouched.
        let eye = f.luma(36, 45);
        assert!(eye > 100.0 && eye < 200.0, "{eye}");
        assert_eq!(f.pixel(50, 75), orig.pixel(50, 75));
    }

    #[test]
    fn hair_covers_one_eye_only() {
        let (orig, lm) = scene(200);
        let mut f = orig.clone();
        assert!(apply(&Alteration::HairOverEyes, &mut f, Some(&lm)));
        let eye = |f: &Frame, (o, i): (usize, usize)| {
            let (a, b) = (lm[o], lm[i]);
            let (cx, cy) = ((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0);
            let r = ((a[0] - b[0]).abs() / 2.0) as i64;
            mean_luma(
                f,
                cx as i64 - r,
                cy as i64 - r / 2,
                cx as i64 + r,
                cy as i64 + r / 2,
            )
        };
        assert!(eye(&f, EYES[0]) < eye(&orig, EYES[0]) - 20.0);
        assert!((eye(&f, EYES[1]) - eye(&orig, EYES[1])).abs() < 1.0);
    }

    #[test]
    fn motion_blur_smooths_horizontally() {
        let mut f = textured();
        let before = horizontal_energy(&f);
        assert!(apply(&Alteration::MotionBlur(9), &mut f, None));
        assert!(horizontal_energy(&f) < before * 0.2);
        let mut g = textured();
        apply(&Alteration::MotionBlur(1), &mut g, None);
        assert_eq!(g.rgb, textured().rgb);
        // Columns keep their vertical gradient (the blur is horizontal only).
        assert!(f.pixel(10, 31)[1] > f.pixel(10, 0)[1]);
    }

    #[test]
    fn noise_is_gaussian_and_deterministic() {
        let flat = |index| {
            let mut f = Frame::from_rgb(64, 64, vec![128; 64 * 64 * 3]).unwrap();
            f.index = index;
            f
        };
        let (mut a, mut b, mut c) = (flat(7), flat(7), flat(8));
        for f in [&mut a, &mut b, &mut c] {
            assert!(apply(&Alteration::Noise(12.0), f, None));
        }
        assert_eq!(a.rgb, b.rgb);
        assert_ne!(a.rgb, c.rgb);
        let n = a.rgb.len() as f64;
        let mean = a.rgb.iter().map(|&v| v as f64).sum::<f64>() / n;
        let var = a
            .rgb
            .iter()
            .map(|&v| (v as f64 - mean).powi(2))
            .sum::<f64>()
            / n;
        assert!(
            (mean - 128.0).abs() < 1.0 && (var.sqrt() - 12.0).abs() < 1.0,
            "{mean} {var}"
        );
    }

    #[test]
    fn normal_quantiles() {
        for (p, x) in [
            (0.5, 0.0),
            (0.975, 1.959964),
            (0.01, -2.326348),
            (0.999, 3.090232),
        ] {
            assert!((inverse_normal_cdf(p) - x).abs() < 1e-5, "{p}");
        }
        let t = normal_table();
        let var = t.iter().map(|&g| (g as f64).powi(2)).sum::<f64>() / t.len() as f64;
        assert!((var - 1.0).abs() < 0.01, "{var}");
    }

    #[test]
    fn parse_and_print() {
        for e in Alteration::EXAMPLES {
            let a: Alteration = e.parse().unwrap();
            assert_eq!(a.to_string(), e);
            assert!(!a.truth().is_empty());
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(serde_json::from_str::<Alteration>(&json).unwrap(), a);
        }
        assert_eq!(
            serde_json::to_string(&Alteration::Mask).unwrap(),
            "\"mask\""
        );
        assert_eq!(
            serde_json::to_string(&Alteration::Darken(0.5)).unwrap(),
            "{\"darken\":0.5}"
        );
        for bad in [
            "darken", "darken:2", "darken:x", "mask:1", "blur:3", "", "noise:-1",
        ] {
            assert!(bad.parse::<Alteration>().is_err(), "{bad}");
        }
    }

    #[test]
    fn dropping_frames() {
        let kept: Vec<u64> = (0..9).filter(|&i| keep_frame(i, 3)).collect();
        assert_eq!(kept, [0, 1, 3, 4, 6, 7]);
        assert!((0..9).all(|i| keep_frame(i, 0) && keep_frame(i, 1)));
    }

    #[test]
    fn nothing_panics_on_tiny_frames_or_wild_landmarks() {
        let (_, lm) = scene(0);
        let far: Vec<[f32; 3]> = lm.iter().map(|p| [p[0] + 1e6, p[1] - 1e6, p[2]]).collect();
        let huge: Vec<[f32; 3]> = lm.iter().map(|p| [p[0] * 1e30, p[1] * 1e30, 0.0]).collect();
        let shrunk: Vec<[f32; 3]> = lm.iter().map(|p| [p[0] / 60.0, p[1] / 60.0, 0.0]).collect();
        let nan = vec![[f32::NAN; 3]; 468];
        let flat = vec![[0.0f32; 3]; 468];
        let alts = Alteration::EXAMPLES.map(|e| e.parse::<Alteration>().unwrap());
        for (w, h) in [(1, 1), (2, 1), (1, 3), (7, 5)] {
            for lms in [&lm, &far, &huge, &shrunk, &nan, &flat] {
                for alt in alts.iter().chain(&[Alteration::MotionBlur(u32::MAX)]) {
                    let mut f = Frame::from_rgb(w, h, vec![100; (w * h * 3) as usize]).unwrap();
                    apply(alt, &mut f, Some(lms));
                    apply(alt, &mut f, Some(&lms[..10]));
                    assert_eq!(f.rgb.len(), (w * h * 3) as usize);
                }
            }
        }
        // No landmarks: refused, frame unchanged.
        let (orig, _) = scene(90);
        let mut f = orig.clone();
        assert!(!apply(&Alteration::Mask, &mut f, None));
        assert!(!apply(&Alteration::Hand, &mut f, Some(&nan)));
        assert_eq!(f.rgb, orig.rgb);
        let mut bad = orig.clone();
        bad.rgb.pop();
        assert!(!apply(&Alteration::Darken(0.5), &mut bad, None));
    }
}
