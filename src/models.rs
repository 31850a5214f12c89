//! The model files: embedded in the binary, or read from `--models DIR`, and
//! always checked against their SHA-256 before use.

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::path::Path;

pub const DETECTOR: &str = "face_detection_short_range.onnx";
pub const MESH: &str = "face_landmark.onnx";
pub const IRIS: &str = "iris_landmark.onnx";
pub const CANONICAL: &str = "canonical_face_model.obj";
pub const POSE_WEIGHTS: &str = "geometry_pipeline_metadata_landmarks.pbtxt";
/// What covers the face (`vision::cover`), trained by scripts/train_cover.sh.
pub const COVER: &str = "face_cover.onnx";

/// The checksums the embedded files were committed with.
pub const EMBEDDED_SUMS: &str = include_str!("../models/SHA256SUMS");

/// The bytes of every model file, verified.
pub struct ModelFiles {
    pub detector: Cow<'static, [u8]>,
    pub mesh: Cow<'static, [u8]>,
    pub iris: Cow<'static, [u8]>,
    pub canonical: Cow<'static, [u8]>,
    pub pose_weights: Cow<'static, [u8]>,
    pub cover: Cow<'static, [u8]>,
}

impl ModelFiles {
    /// The files compiled into the binary.
    pub fn embedded() -> Result<ModelFiles> {
        let files = ModelFiles {
            detector: Cow::Borrowed(include_bytes!("../models/face_detection_short_range.onnx")),
            mesh: Cow::Borrowed(include_bytes!("../models/face_landmark.onnx")),
            iris: Cow::Borrowed(include_bytes!("../models/iris_landmark.onnx")),
            canonical: Cow::Borrowed(include_bytes!("../models/canonical_face_model.obj")),
            pose_weights: Cow::Borrowed(include_bytes!(
                "../models/geometry_pipeline_metadata_landmarks.pbtxt"
            )),
            cover: Cow::Borrowed(include_bytes!("../models/face_cover.onnx")),
        };
        files
            .verify(EMBEDDED_SUMS)
            .context("the models built into this binary are damaged")?;
        Ok(files)
    }

    /// The files in `dir`, checked against `dir/SHA256SUMS`.
    pub fn from_dir(dir: &Path) -> Result<ModelFiles> {
        let read = |name: &str| -> Result<Cow<'static, [u8]>> {
            let p = dir.join(name);
            Ok(Cow::Owned(std::fs::read(&p).with_context(|| {
                format!("cannot read the model file {}", p.display())
            })?))
        };
        let sums_path = dir.join("SHA256SUMS");
        let sums = std::fs::read_to_string(&sums_path).with_context(|| {
            format!(
                "{} is missing: a model folder needs its checksums",
                sums_path.display()
            )
        })?;
        let files = ModelFiles {
            detector: read(DETECTOR)?,
            mesh: read(MESH)?,
            iris: read(IRIS)?,
            canonical: read(CANONICAL)?,
            pose_weights: read(POSE_WEIGHTS)?,
            cover: read(COVER)?,
        };
        files.verify(&sums).with_context(|| {
            format!(
                "the models in {} do not match their SHA256SUMS",
                dir.display()
            )
        })?;
        Ok(files)
    }

    fn verify(&self, sums: &str) -> Result<()> {
        for (name, bytes) in [
            (DETECTOR, &self.detector),
            (MESH, &self.mesh),
            (IRIS, &self.iris),
            (CANONICAL, &self.canonical),
            (POSE_WEIGHTS, &self.pose_weights),
            (COVER, &self.cover),
        ] {
            verify_one(name, bytes, sums)?;
        }
        Ok(())
    }
}

/// Checks one file against the `sha256sum`-format listing `sums`.
pub fn verify_one(name: &str, bytes: &[u8], sums: &str) -> Result<()> {
    let expected = sums
        .lines()
        .filter_map(|l| l.split_once(char::is_whitespace))
        .find(|(_, n)| n.trim().trim_start_matches('*') == name)
        .map(|(h, _)| h.trim().to_ascii_lowercase());
    let Some(expected) = expected else {
        bail!("no checksum listed for {name}");
    };
    let actual = hex(&Sha256::digest(bytes));
    if actual != expected {
        bail!(
            "{name} is corrupt or not the expected model (sha256 {actual}, expected {expected}); \
             reinstall liveness-coach or run scripts/regenerate-models.sh"
        );
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_models_verify() {
        assert!(ModelFiles::embedded().is_ok());
    }

    #[test]
    fn a_changed_byte_is_refused() {
        let mut bytes = include_bytes!("../models/iris_landmark.onnx").to_vec();
        assert!(verify_one(IRIS, &bytes, EMBEDDED_SUMS).is_ok());
        bytes[1000] ^= 1;
        let err = verify_one(IRIS, &bytes, EMBEDDED_SUMS)
            .unwrap_err()
            .to_string();
        assert!(err.contains("corrupt"), "{err}");
        assert!(verify_one("other.onnx", &bytes, EMBEDDED_SUMS).is_err());
    }
}
