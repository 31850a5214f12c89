//! Where the face sits in the frame, against the oval guide a check shows.
//!
//! Sizes and offsets are fractions of the frame, measured on the face box
//! spanned by the 468 mesh landmarks (brow-top to chin, cheek to cheek; hair
//! and ears are outside it). On real webcam footage (zju-dev, 40 clips,
//! 320x240; head-dev, 640x480 and 360x288) that box is 0.45-0.77 of the frame
//! height and its centre within 0.10 of the frame centre across and 0.18 down
//! (docs/hints.md). The thresholds below sit outside those ranges: a person
//! framed like anyone in that footage gets no framing hint.

/// The guide drawn on screen: an upright ellipse, in fractions of the frame
/// height (centre x, centre y as fractions of width and height).
pub const OVAL_CENTER: (f32, f32) = (0.5, 0.5);
/// Half-height of the oval: the face box of a well-framed person (0.6 of the
/// frame, the middle of the measured range) plus hair and chin margin.
pub const OVAL_HALF_HEIGHT: f32 = 0.40;
/// Half-width of the oval as a fraction of its half-height (a face is about
/// three quarters as wide as it is tall).
pub const OVAL_ASPECT: f32 = 0.75;

/// Face box height below which the face is too small (the smallest face in
/// the measured footage is 0.45 of the frame height; at 0.35 a 640x480 camera
/// still gives 170 pixels of face, at 320x240 only 84).
pub const TOO_SMALL: f32 = 0.35;
/// Face box height above which the face is too close (largest measured:
/// 0.77); past 0.9 the forehead and chin leave the frame on most cameras.
pub const TOO_LARGE: f32 = 0.90;
/// Face-centre offset from the oval centre, as a fraction of the frame width
/// (across) or height (up and down), past which the face is off-centre.
pub const OFF_CENTER_X: f32 = 0.20;
pub const OFF_CENTER_Y: f32 = 0.22;
/// How far (fraction of the face box height) landmarks may fall outside the
/// frame before the face counts as cut off. The mesh places points it cannot
/// see, so a face at the edge has landmarks beyond the frame.
pub const CUT_OFF_MARGIN: f32 = 0.03;

/// The framing measures of one face box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Framing {
    /// Face box height over frame height.
    pub size: f32,
    /// Face-centre offset from the oval centre over frame width / height
    /// (positive: toward the image's right / bottom).
    pub offset: (f32, f32),
    /// How far the box reaches outside the frame, over the box height.
    pub outside: f32,
}

impl Framing {
    /// `face_box` is (x0, y0, x1, y1) in pixels of a `width` x `height` frame.
    pub fn measure(face_box: [f32; 4], width: u32, height: u32) -> Option<Framing> {
        let (w, h) = (width as f32, height as f32);
        let bh = face_box[3] - face_box[1];
        if !(w > 0.0 && h > 0.0 && bh > 0.0) || face_box.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let cx = (face_box[0] + face_box[2]) / 2.0 / w - OVAL_CENTER.0;
        let cy = (face_box[1] + face_box[3]) / 2.0 / h - OVAL_CENTER.1;
        let outside = [-face_box[0], -face_box[1], face_box[2] - w, face_box[3] - h]
            .into_iter()
            .fold(0.0f32, f32::max)
            / bh;
        Some(Framing {
            size: bh / h,
            offset: (cx, cy),
            outside,
        })
    }

    pub fn too_small(&self) -> bool {
        self.size < TOO_SMALL
    }

    pub fn too_large(&self) -> bool {
        self.size > TOO_LARGE
    }

    pub fn off_center(&self) -> bool {
        self.offset.0.abs() > OFF_CENTER_X || self.offset.1.abs() > OFF_CENTER_Y
    }

    pub fn cut_off(&self) -> bool {
        self.outside > CUT_OFF_MARGIN
    }

    /// The face sits in the oval well enough for a check to go on.
    pub fn in_oval(&self) -> bool {
        !(self.too_small() || self.too_large() || self.off_center() || self.cut_off())
    }
}

/// The oval guide in pixels for a `width` x `height` frame: centre and
/// half-axes (x, y).
pub fn oval(width: u32, height: u32) -> ((f32, f32), (f32, f32)) {
    let (w, h) = (width as f32, height as f32);
    let ry = OVAL_HALF_HEIGHT * h;
    (
        (OVAL_CENTER.0 * w, OVAL_CENTER.1 * h),
        (ry * OVAL_ASPECT, ry),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_face_framed_like_the_footage_is_fine() {
        // 640x480, a face box 0.6 of the height, slightly left and low.
        let f = Framing::measure([230.0, 110.0, 400.0, 398.0], 640, 480).expect("framing");
        assert!((f.size - 0.6).abs() < 0.01);
        assert!(f.in_oval(), "{f:?}");
    }

    #[test]
    fn each_framing_problem_is_named() {
        let small = Framing::measure([300.0, 200.0, 360.0, 280.0], 640, 480).expect("m");
        assert!(small.too_small() && !small.in_oval());
        let large = Framing::measure([100.0, 10.0, 540.0, 470.0], 640, 480).expect("m");
        assert!(large.too_large());
        let left = Framing::measure([10.0, 110.0, 180.0, 398.0], 640, 480).expect("m");
        assert!(left.off_center() && !left.too_small());
        let cut = Framing::measure([-40.0, 110.0, 130.0, 398.0], 640, 480).expect("m");
        assert!(cut.cut_off());
        assert!(Framing::measure([0.0, 0.0, 1.0, f32::NAN], 640, 480).is_none());
        assert!(Framing::measure([0.0, 5.0, 1.0, 5.0], 640, 480).is_none());
    }
}
