//! The 468-point face mesh, and tracking its crop from frame to frame.

use super::roi::{angle_of, roi_around, Roi};
use super::warp::{crop_to_tensor, UNIT};
use super::{Stage, StageObserver};
use crate::frame::Frame;
use anyhow::Result;
use fastconv::net::Net;

pub const INPUT: usize = 192;
pub const NUM_LANDMARKS: usize = 468;
/// Below this face-presence probability the track is lost and the detector
/// runs again (MediaPipe's default min_tracking_confidence).
pub const MIN_PRESENCE: f32 = 0.5;
/// Landmarks whose line sets the crop's rotation when tracking: the outer eye
/// corners, the person's right (image left) then left.
pub const TRACK_EYE_CORNERS: (usize, usize) = (33, 263);
/// How much larger than the landmarks' extent the tracked crop is.
pub const TRACK_SCALE: f32 = 1.5;
/// The mesh network's last shared layer (after the trunk, before the
/// landmark and presence heads split), read out as what the face looks
/// like: 128 channels over a 6x6 grid of the crop. `vision::cover` decides
/// sunglasses, clear glasses and hats from it (docs/occlusion.md).
pub const FEATURES_NODE: &str = "p_re_lu_15";
/// Its shape (NCHW) and size.
pub const FEATURE_SHAPE: [usize; 4] = [1, 128, 6, 6];
pub const FEATURES: usize = FEATURE_SHAPE[1] * FEATURE_SHAPE[2] * FEATURE_SHAPE[3];

/// Mesh output for one face, landmarks in frame pixels (z in the same scale:
/// negative toward the camera).
#[derive(Clone, Debug)]
pub struct MeshResult {
    pub landmarks: Vec<[f32; 3]>,
    /// Face-presence probability, 0-1.
    pub presence: f32,
    /// The mesh's inner view of the crop ([`FEATURES_NODE`]).
    pub features: Vec<f32>,
}

pub struct FaceMesh {
    net: Net,
}

impl FaceMesh {
    pub fn new(bytes: &[u8]) -> Result<FaceMesh> {
        Ok(FaceMesh {
            net: Net::load_with_outputs(
                bytes,
                [1, 3, INPUT, INPUT],
                "face mesh",
                &[FEATURES_NODE],
            )?,
        })
    }

    pub fn run(
        &mut self,
        frame: &Frame,
        roi: &Roi,
        obs: &mut impl StageObserver,
    ) -> Result<MeshResult> {
        self.net
            .fill_input(|out| crop_to_tensor(frame, roi, INPUT, UNIT, false, out))?;
        obs.finished(Stage::Crop);
        let mut outs = self
            .net
            .run_expect(&[NUM_LANDMARKS * 3, 1, FEATURES], "face mesh")?;
        let features = outs.pop().unwrap_or_default();
        let n = INPUT as f32;
        let landmarks = outs[0]
            .chunks_exact(3)
            .map(|p| {
                let [x, y] = roi.to_frame(p[0] / n, p[1] / n);
                [x, y, p[2] / n * roi.size]
            })
            .collect();
        let logit = outs[1][0];
        let presence = if logit.is_finite() {
            1.0 / (1.0 + (-logit).exp())
        } else {
            0.0
        };
        obs.finished(Stage::Mesh);
        Ok(MeshResult {
            landmarks,
            presence,
            features,
        })
    }
}

/// The crop for the next frame, from this frame's landmarks.
pub fn roi_from_landmarks(landmarks: &[[f32; 3]]) -> Option<Roi> {
    let (a, b) = TRACK_EYE_CORNERS;
    let (pa, pb) = (landmarks.get(a)?, landmarks.get(b)?);
    let angle = angle_of([pa[0], pa[1]], [pb[0], pb[1]]);
    roi_around(landmarks.iter().map(|p| [p[0], p[1]]), angle, TRACK_SCALE)
}
