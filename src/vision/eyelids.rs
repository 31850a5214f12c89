//! Where the eyelids are among the landmarks, and the eye aspect ratio
//! (EAR) over them: the lid-to-lid gap over the corner-to-corner width.
//!
//! This is landmark geometry, kept with the landmarks so that perception's
//! iris gate can read the mesh's lids without reaching up into the measures;
//! `measure::eyes` is where eye openness is measured for everything above.

/// Mesh landmarks of the person's right eye (image left, unmirrored):
/// corners, then three upper-lid / lower-lid pairs, lid above lid.
pub const RIGHT_EYE: EyeIndices = EyeIndices {
    corners: (33, 133),
    pairs: [(160, 144), (159, 145), (158, 153)],
};
/// The person's left eye.
pub const LEFT_EYE: EyeIndices = EyeIndices {
    corners: (263, 362),
    pairs: [(387, 373), (386, 374), (385, 380)],
};
/// The same three pairs in the iris model's 16-point outline (0 and 8 are
/// the corners, 1-7 the lower lid, 9-15 the upper lid back toward 0).
pub const IRIS_OUTLINE: EyeIndices = EyeIndices {
    corners: (0, 8),
    pairs: [(13, 3), (12, 4), (11, 5)],
};

#[derive(Clone, Copy, Debug)]
pub struct EyeIndices {
    pub corners: (usize, usize),
    pub pairs: [(usize, usize); 3],
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Eye aspect ratio of points `p` indexed by `idx`; `None` when the eye has
/// no width (degenerate landmarks).
pub fn aspect_ratio(p: impl Fn(usize) -> [f32; 2], idx: &EyeIndices) -> Option<f32> {
    let width = dist(p(idx.corners.0), p(idx.corners.1));
    if width.is_nan() || width <= 1e-3 {
        return None;
    }
    let open: f32 = idx
        .pairs
        .iter()
        .map(|&(u, l)| dist(p(u), p(l)))
        .sum::<f32>()
        / 3.0;
    let r = open / width;
    r.is_finite().then_some(r)
}

/// (right, left) eye aspect ratio from the 468-point mesh.
pub fn mesh_openness(landmarks: &[[f32; 3]]) -> Option<(f32, f32)> {
    if landmarks.len() < 468 {
        return None;
    }
    let p = |i: usize| [landmarks[i][0], landmarks[i][1]];
    Some((aspect_ratio(p, &RIGHT_EYE)?, aspect_ratio(p, &LEFT_EYE)?))
}
