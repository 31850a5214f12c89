//! How open the mouth is, from the face mesh.
//!
//! The mouth aspect ratio: the mean of three inner-lip gaps (the middle of
//! the lips and a quarter of the way in from each corner) over the width
//! between the outer mouth corners. Like the eye aspect ratio it is scale
//! free; what "closed" and "open" mean for a particular person is learned
//! over time by `events::mouth`.

/// MediaPipe face-mesh indices: (upper inner lip, lower inner lip) pairs.
pub const INNER_LIP_PAIRS: [(usize, usize); 3] = [(13, 14), (82, 87), (312, 317)];
/// The outer mouth corners.
pub const MOUTH_CORNERS: (usize, usize) = (61, 291);

/// Mouth aspect ratio from the 468 mesh landmarks; `None` where they are too
/// few or the corners coincide.
pub fn openness(landmarks: &[[f32; 3]]) -> Option<f32> {
    let p = |i: usize| landmarks.get(i).map(|v| [v[0], v[1]]);
    let dist = |a: [f32; 2], b: [f32; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
    let width = dist(p(MOUTH_CORNERS.0)?, p(MOUTH_CORNERS.1)?);
    if width.is_nan() || width <= 1e-3 {
        return None;
    }
    let mut gap = 0.0;
    for (u, l) in INNER_LIP_PAIRS {
        gap += dist(p(u)?, p(l)?);
    }
    let v = gap / INNER_LIP_PAIRS.len() as f32 / width;
    v.is_finite().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mouth(width: f32, gap: f32) -> Vec<[f32; 3]> {
        let mut pts = vec![[100.0f32, 100.0, 0.0]; 468];
        pts[MOUTH_CORNERS.0] = [100.0 - width / 2.0, 100.0, 0.0];
        pts[MOUTH_CORNERS.1] = [100.0 + width / 2.0, 100.0, 0.0];
        for (u, l) in INNER_LIP_PAIRS {
            pts[u] = [100.0, 100.0 - gap / 2.0, 0.0];
            pts[l] = [100.0, 100.0 + gap / 2.0, 0.0];
        }
        pts
    }

    #[test]
    fn a_drawn_mouth_measures_its_gap_over_its_width() {
        assert_eq!(openness(&mouth(50.0, 0.0)), Some(0.0));
        let v = openness(&mouth(50.0, 20.0)).expect("measured");
        assert!((v - 0.4).abs() < 1e-6, "{v}");
        // Scale free: the same mouth twice as big.
        let w = openness(&mouth(100.0, 40.0)).expect("measured");
        assert!((w - v).abs() < 1e-6);
        assert_eq!(openness(&mouth(0.0, 10.0)), None);
        assert_eq!(openness(&[[0.0; 3]; 10]), None);
    }
}
