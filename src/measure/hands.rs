//! How much of each part of the face a detected hand covers.
//!
//! The hand is its 21 landmarks (`vision::hand`) drawn as a shape: the
//! palm's polygon and every bone as a capsule half a finger wide on each
//! side (a finger is about as wide as the spacing of the knuckles). A
//! part of the face (eyes, nose, mouth, forehead, cheeks, chin) is a set
//! of mesh landmarks; the mesh places them under a hand too, so the share
//! of a part's points inside the hand's shape is how much of it is covered.

use serde::{Deserialize, Serialize};

/// The parts of the face a hand may cover, in the order of
/// [`HandCover::parts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FacePart {
    Eyes,
    Nose,
    Mouth,
    Forehead,
    Cheeks,
    Chin,
}

impl FacePart {
    pub const ALL: [FacePart; 6] = [
        FacePart::Eyes,
        FacePart::Nose,
        FacePart::Mouth,
        FacePart::Forehead,
        FacePart::Cheeks,
        FacePart::Chin,
    ];

    /// The mesh landmarks (MediaPipe's 468-point topology) of the part.
    pub fn landmarks(self) -> &'static [usize] {
        match self {
            // Both eyes' lids and corners.
            FacePart::Eyes => &[
                33, 133, 159, 145, 160, 144, 158, 153, 362, 263, 386, 374, 385, 380, 387, 373,
            ],
            FacePart::Nose => &[1, 4, 5, 6, 195, 197, 98, 327, 49, 279, 2],
            FacePart::Mouth => &[0, 13, 14, 17, 61, 291, 78, 308, 37, 267, 84, 314],
            FacePart::Forehead => &[10, 151, 9, 108, 337, 67, 297, 109, 338, 69, 299],
            FacePart::Cheeks => &[234, 454, 50, 280, 123, 352, 116, 345, 205, 425, 187, 411],
            FacePart::Chin => &[152, 148, 377, 176, 400, 199, 175, 171, 396],
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FacePart::Eyes => "eyes",
            FacePart::Nose => "nose",
            FacePart::Mouth => "mouth",
            FacePart::Forehead => "forehead",
            FacePart::Cheeks => "cheeks",
            FacePart::Chin => "chin",
        }
    }
}

/// The hand's bones (MediaPipe's hand connections).
const BONES: [(usize, usize); 21] = [
    (0, 1),
    (1, 2),
    (2, 3),
    (3, 4),
    (0, 5),
    (5, 6),
    (6, 7),
    (7, 8),
    (5, 9),
    (9, 10),
    (10, 11),
    (11, 12),
    (9, 13),
    (13, 14),
    (14, 15),
    (15, 16),
    (13, 17),
    (0, 17),
    (17, 18),
    (18, 19),
    (19, 20),
];
/// The palm's outline: wrist, thumb base, the knuckles.
const PALM: [usize; 6] = [0, 1, 5, 9, 13, 17];
/// Knuckles whose spacing gives the finger width.
const KNUCKLES: (usize, usize) = (5, 9);
/// A bone's capsule reaches this many knuckle spacings either side.
pub const FINGER_HALF_WIDTH: f32 = 0.5;
/// A "hand" with this share of its 21 points or more inside the face's own
/// box is the face taken for a hand: on the tight face crops of
/// `eval/masks` the palm detector fires on bare faces and 0.71-1.0 (mostly
/// 0.95-1.0) of its points fall inside the face, while real hands over
/// faces in `eval/occlusion` reach out of it (0.14-0.81: the wrist and arm
/// come from outside; docs/hands.md).
pub const MAX_INSIDE_FACE_BOX: f32 = 0.9;

/// A part is covered when this share of its landmarks is under a hand, and
/// `hand_over_face` is named when any part is: on `eval/occlusion` (real
/// hands over faces) shares of 0.2-0.3 found the most hands for one false
/// alarm more than 0.5 (docs/hands.md has the grid, tune and held-out
/// halves).
pub const COVERED_MIN: f32 = 0.2;

/// What one frame's hands cover.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HandCover {
    /// Share (0-1) of each part's landmarks under a hand, in the order of
    /// [`FacePart::ALL`].
    pub parts: [f32; 6],
    /// The best hand presence (0 without a hand).
    pub presence: f32,
}

impl HandCover {
    /// Whether a hand covers part of the face ([`COVERED_MIN`]).
    pub fn covers(&self) -> bool {
        self.most() >= COVERED_MIN
    }

    /// The largest share of one part covered.
    pub fn most(&self) -> f32 {
        self.parts.iter().copied().fold(0.0, f32::max)
    }

    /// The parts covered at least `min` (a share).
    pub fn covered(&self, min: f32) -> Vec<FacePart> {
        FacePart::ALL
            .into_iter()
            .zip(self.parts)
            .filter(|(_, v)| *v >= min)
            .map(|(p, _)| p)
            .collect()
    }
}

fn dist_to_segment(p: [f32; 2], a: [f32; 2], b: [f32; 2]) -> f32 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (x, y) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    (x * x + y * y).sqrt()
}

/// Whether `p` lies under the hand `h` (21 landmarks).
pub fn under_hand(h: &[[f32; 2]], p: [f32; 2]) -> bool {
    if h.len() < 21 {
        return false;
    }
    let (k0, k1) = (h[KNUCKLES.0], h[KNUCKLES.1]);
    let r = FINGER_HALF_WIDTH * ((k0[0] - k1[0]).powi(2) + (k0[1] - k1[1]).powi(2)).sqrt();
    let palm: Vec<[f32; 2]> = PALM.iter().map(|&i| h[i]).collect();
    crate::vision::roi::inside(&palm, p)
        || BONES
            .iter()
            .any(|&(a, b)| dist_to_segment(p, h[a], h[b]) <= r)
}

/// What the hands (each 21 landmarks, with its presence) cover of the face
/// whose mesh is `face` (468 points or more); `None` without a usable mesh.
pub fn measure(face: &[[f32; 3]], hands: &[(Vec<[f32; 2]>, f32)]) -> Option<HandCover> {
    if face.len() < 468 {
        return None;
    }
    let b = crate::vision::roi::bounds(face.iter().map(|p| [p[0], p[1]]))?;
    let in_box = |q: &[f32; 2]| q[0] >= b[0] && q[0] <= b[2] && q[1] >= b[1] && q[1] <= b[3];
    let mut out = HandCover::default();
    for (h, presence) in hands {
        let inside = h.iter().filter(|q| in_box(q)).count() as f32 / h.len().max(1) as f32;
        if inside >= MAX_INSIDE_FACE_BOX {
            continue;
        }
        out.presence = out.presence.max(*presence);
        for (i, part) in FacePart::ALL.into_iter().enumerate() {
            let pts = part.landmarks();
            let under = pts
                .iter()
                .filter(|&&k| under_hand(h, [face[k][0], face[k][1]]))
                .count();
            out.parts[i] = out.parts[i].max(under as f32 / pts.len() as f32);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upright hand: wrist at (100, 300), fingers up to y = 100, knuckle
    /// spacing 20 px.
    fn hand() -> Vec<[f32; 2]> {
        let mut h = vec![[100.0, 300.0]];
        // Thumb: 1-4 to the left.
        for k in 1..=4 {
            h.push([100.0 - 15.0 * k as f32, 280.0 - 15.0 * k as f32]);
        }
        // Four fingers at x = 70, 90, 110, 130, knuckles at y = 220.
        for f in 0..4 {
            let x = 70.0 + 20.0 * f as f32;
            for k in 0..4 {
                h.push([x, 220.0 - 35.0 * k as f32]);
            }
        }
        h
    }

    #[test]
    fn points_on_the_fingers_and_palm_are_under_the_hand_and_others_not() {
        let h = hand();
        assert!(under_hand(&h, [90.0, 150.0]), "on a finger");
        assert!(under_hand(&h, [100.0, 260.0]), "in the palm");
        assert!(
            under_hand(&h, [80.0, 150.0]),
            "between two fingers, inside their width"
        );
        assert!(!under_hand(&h, [200.0, 150.0]), "beside the hand");
        assert!(!under_hand(&h, [90.0, 40.0]), "above the fingertips");
        assert!(!under_hand(&h[..5], [90.0, 150.0]), "too few landmarks");
    }

    #[test]
    fn each_part_counts_its_own_points() {
        // A face whose every landmark is far away, but the nose's points on
        // the fingers.
        let mut face = vec![[1000.0, 1000.0, 0.0]; 468];
        for &k in FacePart::Nose.landmarks() {
            face[k] = [90.0, 150.0, 0.0];
        }
        let c = measure(&face, &[(hand(), 0.9)]).expect("measure");
        assert_eq!(c.covered(0.5), vec![FacePart::Nose]);
        assert_eq!(c.most(), 1.0);
        assert_eq!(c.presence, 0.9);
        assert_eq!(measure(&face, &[]).map(|c| c.most()), Some(0.0));
        assert!(measure(&face[..10], &[(hand(), 0.9)]).is_none());
    }
}
