//! Lighting conditions from the per-frame lighting measures (`crate::measure::lighting`).

/// Mean face luma (0-255) under which the face is too dark. Every zju-dev
/// clip darkened by a factor (docs/hints.md): our own blink F1 is 0.997 at
/// full light, 0.986 with faces at about 82, 0.965 at 49, 0.912 at 33; the
/// face is still found down to 11. Real faces in the footage sit at 88 and
/// above. The hint shows before the measures degrade.
pub const TOO_DARK_LUMA: f32 = 60.0;
/// Fraction of blown-out face pixels (luma >= 250) above which the face is
/// too bright: skin detail is gone where a check looks for texture.
pub const TOO_BRIGHT_CLIPPED: f32 = 0.10;
/// Background over face luma above which the light is behind the person...
pub const BACKLIT_RATIO: f32 = 2.0;
/// ...when the face itself is this dark or darker. On zju-dev the clips in
/// front of a bright window or wall have faces at 88-109 and ratios 2.1-2.65;
/// well-lit faces there are at 160-175 (docs/lighting.md).
pub const BACKLIT_FACE_MAX: f32 = 115.0;
/// |side_balance| above which one side of the face is in shadow: flags all
/// 30 side-lit Yale photos and 1 of 134 others (docs/lighting.md).
pub const UNEVEN_BALANCE: f32 = 0.20;

/// The lighting measures of one frame with a face.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LightMeasures {
    pub face_luma: f32,
    pub background_luma: Option<f32>,
    pub face_clipped: f32,
    pub side_balance: f32,
}

impl LightMeasures {
    pub fn backlight_ratio(&self) -> Option<f32> {
        self.background_luma
            .map(|b| b / self.face_luma.max(1.0))
            .filter(|r| r.is_finite())
    }

    pub fn backlit(&self) -> bool {
        self.face_luma <= BACKLIT_FACE_MAX && self.backlight_ratio().unwrap_or(0.0) >= BACKLIT_RATIO
    }

    /// The face itself is too dark (whatever the background does).
    pub fn too_dark(&self) -> bool {
        self.face_luma < TOO_DARK_LUMA
    }

    pub fn too_bright(&self) -> bool {
        self.face_clipped > TOO_BRIGHT_CLIPPED
    }

    pub fn uneven(&self) -> bool {
        self.side_balance.abs() > UNEVEN_BALANCE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(face: f32, bg: f32, clipped: f32, side: f32) -> LightMeasures {
        LightMeasures {
            face_luma: face,
            background_luma: Some(bg),
            face_clipped: clipped,
            side_balance: side,
        }
    }

    #[test]
    fn each_lighting_problem_is_told_apart() {
        let good = m(150.0, 120.0, 0.0, 0.05);
        assert!(!(good.backlit() || good.too_dark() || good.too_bright() || good.uneven()));
        let window_behind = m(90.0, 230.0, 0.0, 0.0);
        assert!(window_behind.backlit() && !window_behind.too_dark());
        let dark_and_backlit = m(30.0, 90.0, 0.0, 0.0);
        assert!(dark_and_backlit.backlit() && dark_and_backlit.too_dark());
        let dark_room = m(40.0, 30.0, 0.0, 0.0);
        assert!(dark_room.too_dark() && !dark_room.backlit());
        assert!(m(240.0, 200.0, 0.3, 0.0).too_bright());
        assert!(m(120.0, 100.0, 0.0, -0.4).uneven());
    }
}
