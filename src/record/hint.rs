//! Why a check could fail, as stable codes, and a hint that showed.

use serde::{Deserialize, Serialize};

/// A reason a check could fail, as a stable snake_case code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum HintCode {
    NoFace,
    MultipleFaces,
    FaceCutOff,
    FaceTooSmall,
    FaceTooLarge,
    FaceOffCenter,
    NotFacingCamera,
    HeadTilted,
    TooDark,
    Backlit,
    TooBright,
    UnevenLight,
    Flicker,
    Glare,
    Sunglasses,
    Mask,
    Hat,
    HandOverFace,
    HairOverEyes,
    Glasses,
    Blurry,
    Noisy,
    LowResolution,
    LowFps,
    MovingTooFast,
    TooSlow,
    NotSteady,
}

impl HintCode {
    /// In order of importance: the first active one is the one to fix first.
    pub const ALL: [HintCode; 27] = [
        HintCode::NoFace,
        HintCode::MultipleFaces,
        HintCode::FaceCutOff,
        HintCode::FaceTooSmall,
        HintCode::FaceTooLarge,
        HintCode::FaceOffCenter,
        HintCode::NotFacingCamera,
        HintCode::HeadTilted,
        HintCode::TooDark,
        HintCode::Backlit,
        HintCode::TooBright,
        HintCode::UnevenLight,
        HintCode::Flicker,
        HintCode::Glare,
        HintCode::Sunglasses,
        HintCode::Mask,
        HintCode::Hat,
        HintCode::HandOverFace,
        HintCode::HairOverEyes,
        HintCode::Glasses,
        HintCode::Blurry,
        HintCode::Noisy,
        HintCode::LowResolution,
        HintCode::LowFps,
        HintCode::MovingTooFast,
        HintCode::TooSlow,
        HintCode::NotSteady,
    ];
    pub const COUNT: usize = HintCode::ALL.len();

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn code(self) -> &'static str {
        match self {
            HintCode::NoFace => "no_face",
            HintCode::MultipleFaces => "multiple_faces",
            HintCode::FaceCutOff => "face_cut_off",
            HintCode::FaceTooSmall => "face_too_small",
            HintCode::FaceTooLarge => "face_too_large",
            HintCode::FaceOffCenter => "face_off_center",
            HintCode::NotFacingCamera => "not_facing_camera",
            HintCode::HeadTilted => "head_tilted",
            HintCode::TooDark => "too_dark",
            HintCode::Backlit => "backlit",
            HintCode::TooBright => "too_bright",
            HintCode::UnevenLight => "uneven_light",
            HintCode::Flicker => "flicker",
            HintCode::Glare => "glare",
            HintCode::Sunglasses => "sunglasses",
            HintCode::Mask => "mask",
            HintCode::Hat => "hat",
            HintCode::HandOverFace => "hand_over_face",
            HintCode::HairOverEyes => "hair_over_eyes",
            HintCode::Glasses => "glasses",
            HintCode::Blurry => "blurry",
            HintCode::Noisy => "noisy",
            HintCode::LowResolution => "low_resolution",
            HintCode::LowFps => "low_fps",
            HintCode::MovingTooFast => "moving_too_fast",
            HintCode::TooSlow => "too_slow",
            HintCode::NotSteady => "not_steady",
        }
    }

    pub fn parse(s: &str) -> Option<HintCode> {
        HintCode::ALL.into_iter().find(|c| c.code() == s)
    }

    /// What it takes to see the problem: one frame, or frames over time.
    /// A photo is judged on the codes a single frame can show
    /// (`hints::still`); the others never apply to it.
    pub fn evidence(self) -> Evidence {
        use HintCode::*;
        match self {
            // Framing and pose: where the face is and how it is turned.
            NoFace | MultipleFaces | FaceCutOff | FaceTooSmall | FaceTooLarge | FaceOffCenter
            | NotFacingCamera | HeadTilted => Evidence::Frame,
            // Light: the face's and the background's brightness in this frame.
            TooDark | Backlit | TooBright | UnevenLight | Glare => Evidence::Frame,
            // What covers the face.
            Sunglasses | Mask | Hat | HandOverFace | HairOverEyes | Glasses => Evidence::Frame,
            // Picture quality: sharpness (the absolute floor; the drop from a
            // person's own level needs earlier frames), noise and pixels on
            // the face.
            Blurry | Noisy | LowResolution => Evidence::Frame,
            // Light changing over time, the camera's delivered rate, how the
            // head moves, and holding still while asked.
            Flicker | LowFps | MovingTooFast | TooSlow | NotSteady => Evidence::Time,
        }
    }

    /// Whether a single still picture can show it.
    pub fn still_showable(self) -> bool {
        self.evidence() == Evidence::Frame
    }
}

/// What a hint code needs to be seen (`HintCode::evidence`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// One frame shows it: a photo can.
    Frame,
    /// Only frames over time show it (flicker, frame rate, movement).
    Time,
}

/// A hint that showed, frames inclusive, with the mean measured value while
/// its condition held.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HintSpan {
    pub code: HintCode,
    pub start_frame: u64,
    pub end_frame: u64,
    pub start_s: f64,
    pub end_s: f64,
    #[serde(with = "crate::measure::nan")]
    pub value: f32,
    /// `hand_over_face`: the parts of the face a hand covered during the
    /// span (`measure::hands`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<crate::measure::hands::FacePart>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_still_shows_light_framing_cover_and_quality_but_never_time() {
        let time: Vec<_> = HintCode::ALL
            .into_iter()
            .filter(|c| !c.still_showable())
            .map(HintCode::code)
            .collect();
        assert_eq!(
            time,
            [
                "flicker",
                "low_fps",
                "moving_too_fast",
                "too_slow",
                "not_steady"
            ]
        );
        for c in [
            HintCode::TooDark,
            HintCode::Backlit,
            HintCode::FaceCutOff,
            HintCode::Mask,
            HintCode::HandOverFace,
            HintCode::Blurry,
            HintCode::LowResolution,
        ] {
            assert_eq!(c.evidence(), Evidence::Frame, "{c:?}");
        }
    }
}
