//! Head pose (yaw, pitch, roll) from the mesh by a weighted Procrustes fit of
//! MediaPipe's canonical face model.
//!
//! Sign convention (unmirrored frame, as the camera sees the person):
//! - yaw > 0 when the person turns to their own left: the nose moves toward
//!   the right edge of the frame;
//! - pitch > 0 when they look up;
//! - roll > 0 when the head tilts toward their own right shoulder
//!   (counter-clockwise in the frame).
//!
//! Both point sets are put in a right-handed frame with x to the image's right,
//! y up and z toward the camera (the canonical model's own axes); the fit
//! finds the scale, rotation and shift that best map the canonical face onto
//! the landmarks, weighting the rigid points MediaPipe's geometry pipeline
//! weights.

use anyhow::{bail, Context, Result};
use nalgebra::{Matrix3, Vector3};

/// Yaw, pitch, roll in degrees.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pose {
    pub yaw: f32,
    pub pitch: f32,
    pub roll: f32,
}

/// The canonical face and the per-landmark fit weights.
#[derive(Clone, Debug)]
pub struct FaceModel {
    /// 468 canonical vertices (centimetres), in mesh index order.
    pub vertices: Vec<[f32; 3]>,
    /// (landmark index, weight) pairs used in the fit.
    pub weights: Vec<(usize, f32)>,
}

impl FaceModel {
    /// Parses the canonical OBJ and the geometry pipeline's `.pbtxt` weights.
    pub fn parse(obj: &str, pbtxt: &str) -> Result<FaceModel> {
        let mut vertices = Vec::with_capacity(468);
        for line in obj.lines().filter(|l| l.starts_with("v ")) {
            let v: Vec<f32> = line[2..]
                .split_whitespace()
                .filter_map(|t| t.parse().ok())
                .collect();
            if v.len() < 3 {
                bail!("canonical face model: bad vertex line {line:?}");
            }
            vertices.push([v[0], v[1], v[2]]);
        }
        if vertices.len() != 468 {
            bail!(
                "canonical face model has {} vertices, expected 468",
                vertices.len()
            );
        }
        let mut weights = Vec::new();
        for line in pbtxt
            .lines()
            .filter(|l| l.contains("procrustes_landmark_basis"))
        {
            let num = |key: &str| -> Option<&str> {
                let rest = &line[line.find(key)? + key.len()..];
                rest.split_whitespace().next()
            };
            let id: usize = num("landmark_id:")
                .and_then(|s| s.parse().ok())
                .context("pose weights: bad landmark_id")?;
            let w: f32 = num("weight:")
                .and_then(|s| s.parse().ok())
                .context("pose weights: bad weight")?;
            if id >= 468 || w.is_nan() || w < 0.0 {
                bail!("pose weights: landmark {id} weight {w} out of range");
            }
            weights.push((id, w));
        }
        if weights.len() < 4 {
            bail!("pose weights: only {} landmarks listed", weights.len());
        }
        Ok(FaceModel { vertices, weights })
    }

    /// Fits the model to mesh landmarks given in frame pixels (y down, z away
    /// from the camera, as the mesh outputs them).
    pub fn pose(&self, landmarks: &[[f32; 3]]) -> Option<Pose> {
        if landmarks.len() < 468 {
            return None;
        }
        let to_model = |p: &[f32; 3]| Vector3::new(p[0] as f64, -p[1] as f64, -p[2] as f64);
        let pairs = self.weights.iter().map(|&(i, w)| {
            let c = self.vertices[i];
            (
                Vector3::new(c[0] as f64, c[1] as f64, c[2] as f64),
                to_model(&landmarks[i]),
                w as f64,
            )
        });
        let r = weighted_rotation(pairs)?;
        Some(euler(&r))
    }
}

/// Rotation of the weighted orthogonal Procrustes problem mapping sources onto
/// targets (scale and translation are solved away).
pub fn weighted_rotation(
    pairs: impl Iterator<Item = (Vector3<f64>, Vector3<f64>, f64)> + Clone,
) -> Option<Matrix3<f64>> {
    let total: f64 = pairs.clone().map(|(_, _, w)| w).sum();
    if total.is_nan() || total <= 0.0 {
        return None;
    }
    let mean_s = pairs.clone().map(|(s, _, w)| s * w).sum::<Vector3<f64>>() / total;
    let mean_t = pairs.clone().map(|(_, t, w)| t * w).sum::<Vector3<f64>>() / total;
    let h: Matrix3<f64> = pairs
        .map(|(s, t, w)| (s - mean_s) * (t - mean_t).transpose() * w)
        .sum();
    if !h.iter().all(|v| v.is_finite()) {
        return None;
    }
    let svd = h.svd(true, true);
    let (u, v_t) = (svd.u?, svd.v_t?);
    let v = v_t.transpose();
    let d = (v * u.transpose()).determinant().signum();
    let r = v * Matrix3::from_diagonal(&Vector3::new(1.0, 1.0, d)) * u.transpose();
    r.iter().all(|x| x.is_finite()).then_some(r)
}

/// Rotation matrix for a pose (R = Ry(yaw) Rx(-pitch) Rz(roll)).
pub fn rotation(p: Pose) -> Matrix3<f64> {
    let (y, x, z) = (
        (p.yaw as f64).to_radians(),
        (-p.pitch as f64).to_radians(),
        (p.roll as f64).to_radians(),
    );
    let ry = Matrix3::new(y.cos(), 0.0, y.sin(), 0.0, 1.0, 0.0, -y.sin(), 0.0, y.cos());
    let rx = Matrix3::new(1.0, 0.0, 0.0, 0.0, x.cos(), -x.sin(), 0.0, x.sin(), x.cos());
    let rz = Matrix3::new(z.cos(), -z.sin(), 0.0, z.sin(), z.cos(), 0.0, 0.0, 0.0, 1.0);
    ry * rx * rz
}

/// Yaw, pitch, roll of a rotation (inverse of [`rotation`]).
pub fn euler(r: &Matrix3<f64>) -> Pose {
    let f = r.column(2);
    let yaw = f[0].atan2(f[2]);
    let pitch = f[1].clamp(-1.0, 1.0).asin();
    let a = rotation(Pose {
        yaw: yaw.to_degrees() as f32,
        pitch: pitch.to_degrees() as f32,
        roll: 0.0,
    });
    let m = a.transpose() * r;
    let roll = m[(1, 0)].atan2(m[(0, 0)]);
    Pose {
        yaw: yaw.to_degrees() as f32,
        pitch: pitch.to_degrees() as f32,
        roll: roll.to_degrees() as f32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> FaceModel {
        FaceModel::parse(
            include_str!("../../models/canonical_face_model.obj"),
            include_str!("../../models/geometry_pipeline_metadata_landmarks.pbtxt"),
        )
        .unwrap()
    }

    /// Projects the canonical face, turned by `pose`, through a pinhole camera
    /// (60 degree field of view, 640x480, face 50 cm away), giving landmarks as
    /// the mesh would: pixels with y down, z in pixel scale away from the camera.
    fn project(m: &FaceModel, pose: Pose) -> Vec<[f32; 3]> {
        let r = rotation(pose);
        let focal = 320.0 / (30f64.to_radians().tan());
        let dist = 50.0;
        m.vertices
            .iter()
            .map(|v| {
                let p = r * Vector3::new(v[0] as f64, v[1] as f64, v[2] as f64);
                let depth = dist - p[2];
                let s = focal / depth;
                [
                    (320.0 + p[0] * s) as f32,
                    (240.0 - p[1] * s) as f32,
                    (-p[2] * focal / dist) as f32,
                ]
            })
            .collect()
    }

    #[test]
    fn euler_round_trip() {
        for (y, p, r) in [(10.0, -5.0, 3.0), (-40.0, 20.0, -15.0), (0.0, 0.0, 0.0)] {
            let pose = Pose {
                yaw: y,
                pitch: p,
                roll: r,
            };
            let back = euler(&rotation(pose));
            assert!(
                (back.yaw - y).abs() < 1e-3
                    && (back.pitch - p).abs() < 1e-3
                    && (back.roll - r).abs() < 1e-3,
                "{back:?}"
            );
        }
    }

    #[test]
    fn recovers_known_rotations_within_one_degree() {
        let m = model();
        for (y, p, r) in [
            (0.0, 0.0, 0.0),
            (25.0, 0.0, 0.0),
            (-25.0, 0.0, 0.0),
            (0.0, 15.0, 0.0),
            (0.0, -15.0, 0.0),
            (0.0, 0.0, 12.0),
            (30.0, -10.0, 5.0),
            (-20.0, 12.0, -8.0),
        ] {
            let truth = Pose {
                yaw: y,
                pitch: p,
                roll: r,
            };
            let got = m.pose(&project(&m, truth)).unwrap();
            for (a, b, what) in [
                (got.yaw, y, "yaw"),
                (got.pitch, p, "pitch"),
                (got.roll, r, "roll"),
            ] {
                assert!((a - b).abs() < 1.0, "{what}: got {a}, truth {b} ({got:?})");
            }
        }
    }

    #[test]
    fn sign_convention() {
        let m = model();
        // Nose toward the right edge of the frame: yaw > 0.
        let lm = project(
            &m,
            Pose {
                yaw: 20.0,
                pitch: 0.0,
                roll: 0.0,
            },
        );
        assert!(lm[4][0] > lm[168][0], "nose tip right of the nose bridge");
        assert!(m.pose(&lm).unwrap().yaw > 15.0);
        // Looking up: the nose tip rises in the frame (smaller y), pitch > 0.
        let lm = project(
            &m,
            Pose {
                yaw: 0.0,
                pitch: 15.0,
                roll: 0.0,
            },
        );
        let level = project(&m, Pose::default());
        assert!(lm[4][1] - lm[168][1] < level[4][1] - level[168][1]);
        assert!(m.pose(&lm).unwrap().pitch > 10.0);
    }

    #[test]
    fn parse_rejects_bad_files() {
        assert!(FaceModel::parse("v 1 2 3\n", "").is_err());
        let obj = include_str!("../../models/canonical_face_model.obj");
        assert!(FaceModel::parse(
            obj,
            "procrustes_landmark_basis { landmark_id: 9999 weight: 1 }"
        )
        .is_err());
    }
}
