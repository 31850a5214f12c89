//! What covers a face, learned from real photos, in two parts:
//! - a small CNN on the face's crop (the square the mesh runs on, in the
//!   face's own frame: centred, eyes level) says how likely the crop is a
//!   face at all (masked or not), and whether it wears a mask
//!   (`models/face_cover.onnx`);
//! - linear heads on what the mesh network itself sees in that square (its
//!   last shared layer, `mesh::FEATURES_NODE`, already computed for the
//!   landmarks) say sunglasses, clear glasses and hat
//!   (`models/face_cover_heads.onnx`). The mesh was trained by Google on far
//!   more faces than the 54 sunglasses, 50 clear glasses and 165 hats of our
//!   data, from which the CNN learned them from scratch and over-fitted.
//!
//! Both are trained by `scripts/train_cover.sh` on `../shared/eval/masks`,
//! `../shared/eval/occlusion` and zju-dev's faces only, from crops and
//! features made by this
//! code (the lc-eval example `extract_cover_crops`), so training and the
//! product see the same pixels. The thresholds, chosen on training folds
//! only, and the held-out scores are in models/PROVENANCE.md and
//! docs/occlusion.md. Sunglasses and hat are named where the CNN's own
//! outputs for them agree with the heads ([`CoverScores`]).

use super::mesh::{FEATURES, FEATURE_SHAPE};
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
/// The heads' outputs on the mesh features: sunglasses, clear glasses, hat.
pub const HEAD_OUTPUTS: usize = 3;

/// Each output's decision threshold is folded into the last bias by
/// scripts/train_cover.py and train_cover_heads.py (chosen per output on a
/// validation part of the training data, never on the photos a score is
/// reported on: best F1 for mask, sunglasses, clear glasses and hat; for
/// `face`, the lowest value that keeps every clutter crop of the validation
/// part out, at least 0.5; the shipped models take the median of the five
/// folds' choices, listed in models/PROVENANCE.md). So every output decides
/// at probability 0.5.
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
    /// From the CNN's logits (face, mask, sunglasses, clear glasses, hat)
    /// and the heads' (sunglasses, clear glasses, hat). Sunglasses and hat
    /// are the lesser of the two models' probabilities: named only where
    /// both agree. Held out at crop level that trades recall for precision
    /// (sunglasses 0.61 / 0.69 -> 0.84 / 0.47, hat 0.77 / 0.66 -> 0.84 /
    /// 0.53, docs/occlusion.md); the heads alone called the shipped
    /// astronaut portrait's fringe a hat. Clear glasses are the heads' alone
    /// (the CNN's are poor: 0.74 / 0.75) and are checked against the pixel
    /// lines in `hints`.
    fn from_logits(cnn: &[f32], heads: &[f32]) -> CoverScores {
        CoverScores {
            face: sigmoid(cnn, 0),
            mask: sigmoid(cnn, 1),
            sunglasses: sigmoid(heads, 0).min(sigmoid(cnn, 2)),
            eyeglasses: sigmoid(heads, 1),
            hat: sigmoid(heads, 2).min(sigmoid(cnn, 4)),
        }
    }
}

/// Probability of logit `v[i]`; 0 where it is missing, NaN or -inf.
fn sigmoid(v: &[f32], i: usize) -> f32 {
    let x = v.get(i).copied().unwrap_or(f32::NEG_INFINITY);
    if x.is_finite() {
        1.0 / (1.0 + (-x).exp())
    } else if x > 0.0 {
        1.0
    } else {
        0.0
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
    heads: Net,
}

impl CoverNet {
    /// `cnn` is `models/face_cover.onnx`, `heads` `models/face_cover_heads.onnx`.
    pub fn new(cnn: &[u8], heads: &[u8]) -> Result<CoverNet> {
        Ok(CoverNet {
            net: Net::load(cnn, [1, 3, INPUT, INPUT], "face cover")?,
            heads: Net::load(heads, FEATURE_SHAPE, "face cover heads")?,
        })
    }

    /// The scores for the face in `roi`, whose mesh run gave `features`
    /// (`MeshResult::features`, on the same square).
    pub fn run(&mut self, frame: &Frame, roi: &Roi, features: &[f32]) -> Result<CoverScores> {
        anyhow::ensure!(
            features.len() == FEATURES,
            "the face mesh gave {} features, not {FEATURES}",
            features.len()
        );
        self.net.fill_input(|out| crop(frame, roi, out))?;
        let cnn = self.net.run_expect(&[OUTPUTS], "face cover")?;
        self.heads.fill_input(|out| out.copy_from_slice(features))?;
        let heads = self.heads.run_expect(&[HEAD_OUTPUTS], "face cover heads")?;
        Ok(CoverScores::from_logits(&cnn[0], &heads[0]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ModelFiles;

    /// A flat grey picture and a square inside it.
    fn grey_square() -> (Frame, Roi) {
        let frame = Frame::from_rgb(64, 64, vec![128; 64 * 64 * 3]).expect("frame");
        let roi = Roi {
            cx: 32.0,
            cy: 32.0,
            size: 48.0,
            angle: 0.0,
        };
        (frame, roi)
    }

    fn net() -> CoverNet {
        let files = ModelFiles::embedded().expect("models");
        CoverNet::new(&files.cover, &files.cover_heads).expect("loads")
    }

    /// Features that are not the mesh's layer (another mesh model given with
    /// `--models`) are an error to report, never a panic or a silent guess.
    #[test]
    fn features_of_the_wrong_size_are_an_error() {
        let (frame, roi) = grey_square();
        let err = net()
            .run(&frame, &roi, &[0.0; 10])
            .expect_err("10 features");
        assert!(err.to_string().contains("10 features"), "{err}");
    }

    /// The clear-glasses head is linear in the features: the shipped file is
    /// what scripts/train_cover_heads.py wrote (a Gemm, the threshold in its
    /// bias), so scaling one feature vector moves its logit along one line.
    #[test]
    fn the_glasses_head_is_one_linear_layer_on_the_features() {
        let (frame, roi) = grey_square();
        let mut n = net();
        let f: Vec<f32> = (0..FEATURES)
            .map(|i| ((i * 7919) % 13) as f32 / 13.0)
            .collect();
        let logit = |p: f32| (p / (1.0 - p)).ln();
        let at = |n: &mut CoverNet, k: f32| {
            let g: Vec<f32> = f.iter().map(|v| v * k).collect();
            logit(n.run(&frame, &roi, &g).expect("runs").eyeglasses)
        };
        let (a, b, c) = (at(&mut n, 0.0), at(&mut n, 0.05), at(&mut n, 0.1));
        let (d1, d2) = (b - a, c - b);
        assert!(
            d1.abs() > 1e-4 && (d1 - d2).abs() <= 1e-2 * (1.0 + d1.abs()),
            "steps {d1} and {d2}"
        );
    }

    /// Sunglasses and hat need both models; mask and face are the CNN's,
    /// clear glasses the heads'.
    #[test]
    fn sunglasses_and_hat_are_named_only_where_both_models_agree() {
        let cnn = [3.0, -3.0, 2.0, 2.0, -2.0];
        let heads = [-1.0, -2.0, 4.0];
        let s = CoverScores::from_logits(&cnn, &heads);
        assert!(s.is_face() && !s.mask());
        assert!(!s.sunglasses(), "heads say no");
        assert!(!s.hat(), "the CNN says no");
        assert!(!s.eyeglasses(), "the heads decide glasses");
        let s = CoverScores::from_logits(&cnn, &[1.0, 1.0, 1.0]);
        assert!(s.sunglasses() && s.eyeglasses() && !s.hat());
        let s = CoverScores::from_logits(&[3.0, -3.0, 2.0, 2.0, 2.0], &[1.0, 1.0, 1.0]);
        assert!(s.hat());
    }
}
