//! What covers a face, learned from real photos: a small CNN on the face's
//! crop (the square the mesh runs on, in the face's own frame: centred,
//! eyes level) that says how likely the crop is a face at all (masked or
//! not), and whether it wears a mask, sunglasses, clear glasses or a hat.
//!
//! The network (`models/face_cover.onnx`) is trained by
//! `scripts/train_cover.sh` on `../shared/eval/masks` and
//! `../shared/eval/occlusion` only, from crops made by [`crop`] itself (the
//! lc-eval example `extract_cover_crops`), so training and the product see
//! the same pixels. Its thresholds, chosen on training folds only, and the
//! held-out scores are in models/PROVENANCE.md and docs/occlusion.md.

use super::roi::Roi;
use super::warp::{crop_to_tensor, UNIT};
use crate::frame::Frame;
use anyhow::Result;
use fastconv::net::Net;
use serde::{Deserialize, Serialize};

/// Side of the crop the network reads (RGB, values 0-1, NCHW).
pub const INPUT: usize = 64;
/// The network's outputs, in order (sigmoid probabilities).
pub const OUTPUTS: usize = 5;

/// Each output's decision threshold is folded into the network's last bias
/// by scripts/train_cover.py (chosen per output on a validation part of the
/// training data, never on the photos a score is reported on: best F1 for
/// mask, sunglasses, clear glasses and hat; for `face`, the lowest value
/// that keeps every clutter crop of the validation part out, at least 0.5;
/// the shipped model takes the median of the five folds' choices, listed in
/// models/PROVENANCE.md). So every output decides at probability 0.5.
///
/// A crop is taken for a face, even where the mesh's presence is low (a
/// mask hides what the mesh looks for), when `face` is at least this.
pub const FACE_MIN: f32 = 0.5;
pub const MASK_MIN: f32 = 0.5;
pub const SUNGLASSES_MIN: f32 = 0.5;
pub const EYEGLASSES_MIN: f32 = 0.5;
pub const HAT_MIN: f32 = 0.5;

/// The network's view of one crop, each a probability 0-1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CoverScores {
    /// A real face (masked or not), as against clutter the detector took
    /// for one.
    pub face: f32,
    pub mask: f32,
    pub sunglasses: f32,
    /// Clear glasses (not sunglasses).
    pub eyeglasses: f32,
    pub hat: f32,
}

impl CoverScores {
    pub fn mask(&self) -> bool {
        self.mask >= MASK_MIN
    }
    pub fn sunglasses(&self) -> bool {
        self.sunglasses >= SUNGLASSES_MIN
    }
    pub fn eyeglasses(&self) -> bool {
        self.eyeglasses >= EYEGLASSES_MIN
    }
    pub fn hat(&self) -> bool {
        self.hat >= HAT_MIN
    }
    /// Whether the crop is a face though the mesh may doubt it.
    pub fn is_face(&self) -> bool {
        self.face >= FACE_MIN
    }
    fn from_logits(v: &[f32]) -> CoverScores {
        let s = |i: usize| {
            let x = v.get(i).copied().unwrap_or(f32::NEG_INFINITY);
            if x.is_finite() {
                1.0 / (1.0 + (-x).exp())
            } else if x > 0.0 {
                1.0
            } else {
                0.0
            }
        };
        CoverScores {
            face: s(0),
            mask: s(1),
            sunglasses: s(2),
            eyeglasses: s(3),
            hat: s(4),
        }
    }
}

/// The crop the network reads: `roi` sampled into `INPUT`x`INPUT`, planar
/// RGB in [0, 1] (the mesh's crop, smaller). `out` holds `3 * INPUT * INPUT`.
pub fn crop(frame: &Frame, roi: &Roi, out: &mut [f32]) {
    crop_to_tensor(frame, roi, INPUT, UNIT, false, out);
}

/// A crop whose pixels all have R, G and B within this many levels of each
/// other is colourless (a greyscale picture). The network learned colour:
/// on Yale's 164 grey stills, never trained on, it called 104 masked
/// (docs/occlusion.md), so on grey faces the pixel rules decide.
pub const GREY_MAX_SPREAD: u8 = 2;

/// Whether the face in `roi` has no colour (16x16 samples over the square).
pub fn colourless(frame: &Frame, roi: &Roi) -> bool {
    (0..16).all(|j| {
        (0..16).all(|i| {
            let [x, y] = roi.to_frame((i as f32 + 0.5) / 16.0, (j as f32 + 0.5) / 16.0);
            if !(0.0..frame.width as f32).contains(&x) || !(0.0..frame.height as f32).contains(&y) {
                return true;
            }
            let [r, g, b] = frame.pixel(x as i64, y as i64);
            r.abs_diff(g) <= GREY_MAX_SPREAD && g.abs_diff(b) <= GREY_MAX_SPREAD
        })
    })
}

pub struct CoverNet {
    net: Net,
}

impl CoverNet {
    pub fn new(bytes: &[u8]) -> Result<CoverNet> {
        Ok(CoverNet {
            net: Net::load(bytes, [1, 3, INPUT, INPUT], "face cover")?,
        })
    }

    /// The scores for the face in `roi`.
    pub fn run(&mut self, frame: &Frame, roi: &Roi) -> Result<CoverScores> {
        self.net.fill_input(|out| crop(frame, roi, out))?;
        let outs = self.net.run_expect(&[OUTPUTS], "face cover")?;
        Ok(CoverScores::from_logits(&outs[0]))
    }

    /// The scores for a crop already made by [`crop`] (evaluation).
    pub fn run_crop(&mut self, pixels: &[f32]) -> Result<CoverScores> {
        self.net.fill_input(|out| {
            let n = out.len().min(pixels.len());
            out[..n].copy_from_slice(&pixels[..n]);
        })?;
        let outs = self.net.run_expect(&[OUTPUTS], "face cover")?;
        Ok(CoverScores::from_logits(&outs[0]))
    }
}
