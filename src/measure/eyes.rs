//! How open each eye is, from the mesh or the iris model's eyelids.
//!
//! The measure is the eye aspect ratio (EAR): the mean of three lid-to-lid
//! distances over the corner-to-corner width. It is scale free, so one person's
//! open-eye level holds as they move nearer or farther; what "open" means
//! for a particular person is learned over time (see `baseline`).

pub use crate::vision::eyelids::{
    aspect_ratio, mesh_openness, EyeIndices, IRIS_OUTLINE, LEFT_EYE, RIGHT_EYE,
};
use crate::vision::iris::EyeLandmarks;

/// (right, left) eye aspect ratio from the iris model's eyelids.
pub fn iris_openness(eyes: &[EyeLandmarks; 2]) -> Option<(f32, f32)> {
    let r = aspect_ratio(|i| eyes[0].outline[i], &IRIS_OUTLINE)?;
    let l = aspect_ratio(|i| eyes[1].outline[i], &IRIS_OUTLINE)?;
    Some((r, l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aspect_ratio_of_a_drawn_eye() {
        // Corners 10 px apart, lids 3 px apart: EAR 0.3; closed lids: 0.
        let mut pts = [[0.0f32, 0.0]; 16];
        pts[8] = [10.0, 0.0];
        for (u, l) in IRIS_OUTLINE.pairs {
            pts[u] = [5.0, -1.5];
            pts[l] = [5.0, 1.5];
        }
        let ear = aspect_ratio(|i| pts[i], &IRIS_OUTLINE).unwrap();
        assert!((ear - 0.3).abs() < 1e-6);
        for (u, l) in IRIS_OUTLINE.pairs {
            pts[u] = [5.0, 0.0];
            pts[l] = [5.0, 0.0];
        }
        assert_eq!(aspect_ratio(|i| pts[i], &IRIS_OUTLINE), Some(0.0));
        pts[8] = [0.0, 0.0];
        assert_eq!(aspect_ratio(|i| pts[i], &IRIS_OUTLINE), None);
    }
}
