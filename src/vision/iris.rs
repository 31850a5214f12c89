//! The iris model: a refined eyelid contour and iris for each eye.

use super::roi::{angle_of, Roi};
use super::warp::{crop_to_tensor, UNIT};
use super::{Stage, StageObserver};
use crate::frame::Frame;
use anyhow::Result;
use fastconv::net::Net;

pub const INPUT: usize = 64;
/// Eye crop: the corner-to-corner box grown 2.3x and squared (MediaPipe).
pub const EYE_SCALE: f32 = 2.3;
const CONTOUR_POINTS: usize = 71;
const IRIS_POINTS: usize = 5;

/// The first 16 contour points outline the eye: 0-8 the lower lid from
/// corner to corner, 9-15 the upper lid back toward the first corner.
pub const EYE_OUTLINE: usize = 16;

/// Refined landmarks of one eye in frame pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct EyeLandmarks {
    pub outline: [[f32; 2]; EYE_OUTLINE],
    /// Iris centre first, then four points on its edge.
    pub iris: [[f32; 2]; IRIS_POINTS],
}

pub struct IrisModel {
    net: Net,
}

impl IrisModel {
    pub fn new(bytes: &[u8]) -> Result<IrisModel> {
        Ok(IrisModel {
            net: Net::load(bytes, [1, 3, INPUT, INPUT], "iris model")?,
        })
    }

    /// Runs on the eye between `outer` and `inner` corners. `mirror` is set
    /// for the person's left eye, which MediaPipe feeds flipped.
    pub fn run(
        &mut self,
        frame: &Frame,
        outer: [f32; 2],
        inner: [f32; 2],
        mirror: bool,
        obs: &mut impl StageObserver,
    ) -> Result<Option<EyeLandmarks>> {
        let Some(roi) = eye_roi(outer, inner, mirror) else {
            return Ok(None);
        };
        self.crop(frame, &roi, mirror)?;
        obs.finished(Stage::Crop);
        let eye = self.infer(&roi, mirror);
        obs.finished(Stage::Iris);
        eye
    }

    /// Crops the eye in `roi` into the network's input.
    pub fn crop(&mut self, frame: &Frame, roi: &Roi, mirror: bool) -> Result<()> {
        self.net
            .fill_input(|out| crop_to_tensor(frame, roi, INPUT, UNIT, mirror, out))
    }

    /// Runs the network on the cropped eye and maps its points to the frame.
    pub fn infer(&mut self, roi: &Roi, mirror: bool) -> Result<Option<EyeLandmarks>> {
        let outs = self
            .net
            .run_expect(&[CONTOUR_POINTS * 3, IRIS_POINTS * 3], "iris model")?;
        let n = INPUT as f32;
        let map = |p: &[f32]| {
            let s = p[0] / n;
            roi.to_frame(if mirror { 1.0 - s } else { s }, p[1] / n)
        };
        let mut outline = [[0.0; 2]; EYE_OUTLINE];
        for (o, p) in outline.iter_mut().zip(outs[0].chunks_exact(3)) {
            *o = map(p);
        }
        let mut iris = [[0.0; 2]; IRIS_POINTS];
        for (o, p) in iris.iter_mut().zip(outs[1].chunks_exact(3)) {
            *o = map(p);
        }
        let finite = outline
            .iter()
            .chain(iris.iter())
            .flatten()
            .all(|v| v.is_finite());
        Ok(finite.then_some(EyeLandmarks { outline, iris }))
    }
}

/// The square crop around the eye between `outer` and `inner` corners
/// (MediaPipe's: 2.3 eye widths); `None` for a degenerate eye.
pub fn eye_roi(outer: [f32; 2], inner: [f32; 2], mirror: bool) -> Option<Roi> {
    // The crop's x axis always runs along the image's left-to-right eye line.
    let (a, b) = if mirror {
        (inner, outer)
    } else {
        (outer, inner)
    };
    let width = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
    let roi = Roi {
        cx: (a[0] + b[0]) / 2.0,
        cy: (a[1] + b[1]) / 2.0,
        size: width * EYE_SCALE,
        angle: angle_of(a, b),
    };
    roi.is_valid().then_some(roi)
}
