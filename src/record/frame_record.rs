//! Everything measured on one frame: the row every later stage reads.

use crate::measure::occlusion::OcclusionMeasures;
use serde::{Deserialize, Serialize};

/// Everything measured on one frame. Values are `None` where there is no face.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FrameRecord {
    pub index: u64,
    pub time_s: f64,
    pub face: bool,
    pub face_score: Option<f32>,
    /// Eye aspect ratio of the person's left eye (image right, unmirrored).
    pub eye_open_left: Option<f32>,
    /// Eye aspect ratio of the person's right eye.
    pub eye_open_right: Option<f32>,
    /// Mouth aspect ratio: inner-lip gap over mouth width (`mouth`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mouth_open: Option<f32>,
    pub yaw_deg: Option<f32>,
    pub pitch_deg: Option<f32>,
    pub roll_deg: Option<f32>,
    /// Face box (x0, y0, x1, y1) in frame pixels, from the landmarks.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub face_box: Option<[f32; 4]>,
    /// Faces the detector saw the last time it ran.
    pub faces_detected: usize,
    /// Lighting of the face (see `lighting`): mean face and background luma
    /// (0-255), fraction of blown-out face pixels, left-right balance.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub face_luma: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub background_luma: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub face_clipped: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub side_balance: Option<f32>,
    /// Mean face colour in linear light, 0-1 per channel (`lighting`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub face_rgb_linear: Option<[f32; 3]>,
    /// Image quality of the face (see `quality`): fine-to-coarse gradient
    /// ratio (about 1 sharp), noise sigma in luma levels, eye-corner distance
    /// in pixels.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sharpness: Option<f32>,
    /// Sharpness over the person's own recent level (`quality::SharpnessMeter`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sharpness_relative: Option<f32>,
    /// Sharpness across over sharpness along the softer direction (1 even).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub blur_balance: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub noise_sigma: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub inter_ocular_px: Option<f32>,
    /// What covers the face (see `occlusion`): glasses, masks, hats, hands.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub occlusion: Option<OcclusionMeasures>,
    /// What covers the face, from the learned network (`vision::cover`):
    /// face, mask, sunglasses, clear glasses and hat probabilities.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cover: Option<crate::vision::cover::CoverScores>,
    /// What the hands near the face cover of it (`measure::hands`), as
    /// last looked for.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hand_cover: Option<crate::measure::hands::HandCover>,
    /// Hands seen in the frame as last looked for (with a face: near it).
    #[serde(skip_serializing_if = "is_zero", default)]
    pub hands_seen: usize,
    /// Share of the last second's frames showing a glasses frame
    /// (`occlusion::GlassesMeter`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub glasses_share: Option<f32>,
    /// Frames per second delivered over the last second.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fps: Option<f64>,
    /// Regular pulsing of the background's brightness over the last second,
    /// as a fraction of its mean (see `flicker`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub flicker: Option<f32>,
    /// Head angular speed (yaw and pitch) over the last 0.2 s, degrees/s.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub head_speed_deg_s: Option<f32>,
    /// This person's learned open-eye level (eye aspect ratio) at this frame.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub eye_open_level: Option<f32>,
    /// This person's learned neutral yaw and pitch at this frame.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub neutral_yaw_deg: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub neutral_pitch_deg: Option<f32>,
    /// Both eye measures, for comparison (mesh right/left, iris right/left).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ear_mesh: Option<[f32; 2]>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ear_iris: Option<[f32; 2]>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
