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
/// Sunglasses, clear glasses and hat from the mesh's features
/// (`vision::cover`), fitted by scripts/train_cover.sh.
pub const COVER_HEADS: &str = "face_cover_heads.onnx";
/// Palms (`vision::hand`), MediaPipe 0.10.21's palm_detection_lite.
pub const PALM: &str = "palm_detection_lite.onnx";
/// 21 hand landmarks (`vision::hand`), MediaPipe 0.10.21's hand_landmark_lite.
pub const HAND: &str = "hand_landmark_lite.onnx";

/// The checksums the embedded files were committed with.
pub const EMBEDDED_SUMS: &str = include_str!("../models/SHA256SUMS");

/// The bytes of every model file, verified.
#[derive(Clone)]
pub struct ModelFiles {
    pub detector: Cow<'static, [u8]>,
    pub mesh: Cow<'static, [u8]>,
    pub iris: Cow<'static, [u8]>,
    pub canonical: Cow<'static, [u8]>,
    pub pose_weights: Cow<'static, [u8]>,
    pub cover: Cow<'static, [u8]>,
    pub cover_heads: Cow<'static, [u8]>,
    pub palm: Cow<'static, [u8]>,
    pub hand: Cow<'static, [u8]>,
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
            cover_heads: Cow::Borrowed(include_bytes!("../models/face_cover_heads.onnx")),
            palm: Cow::Borrowed(include_bytes!("../models/palm_detection_lite.onnx")),
            hand: Cow::Borrowed(include_bytes!("../models/hand_landmark_lite.onnx")),
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
            cover_heads: read(COVER_HEADS)?,
            palm: read(PALM)?,
            hand: read(HAND)?,
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
            (COVER_HEADS, &self.cover_heads),
            (PALM, &self.palm),
            (HAND, &self.hand),
        ] {
            verify_one(name, bytes, sums)?;
        }
        Ok(())
    }
}

/// Checks one file against the `sha256sum`-format listing `sums`.
pub fn verify_one(name: &str, bytes: &[u8], sums: &str) -> Result<()> {
    verify_with_fix(
        name,
        bytes,
        sums,
        "reinstall liveness-coach or run scripts/regenerate-models.sh",
    )
}

/// [`verify_one`] with the fix to name when the file does not match.
pub fn verify_with_fix(name: &str, bytes: &[u8], sums: &str, fix: &str) -> Result<()> {
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
             {fix}"
        );
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- OCR models (the `document` command) -------------------------------

pub const OCR_DETECTOR: &str = "ch_PP-OCRv4_det_infer.onnx";
pub const OCR_RECOGNISER: &str = "ch_PP-OCRv4_rec_infer.onnx";
pub const OCR_DICTIONARY: &str = "ppocr_keys_v1.txt";

/// The checksums the OCR files must have (committed; the files themselves
/// are 15 MB and shipped beside the binary, not inside it).
pub const OCR_SUMS: &str = include_str!("../models/ocr/SHA256SUMS");

/// Where the OCR files are looked for, in order, when `--ocr-models` is not
/// given: `$LIVENESS_COACH_OCR_MODELS`; `ocr/` beside the binary (the
/// tarball); `../share/liveness-coach/ocr/` from the binary (the Debian
/// package: /usr/share/liveness-coach/ocr); the source tree's
/// `models/ocr/` (a build from source, after scripts/convert-ocr-models.sh).
pub fn ocr_search_dirs(explicit: Option<&Path>) -> Vec<std::path::PathBuf> {
    if let Some(d) = explicit {
        return vec![d.to_path_buf()];
    }
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("LIVENESS_COACH_OCR_MODELS") {
        dirs.push(std::path::PathBuf::from(d));
    }
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(|p| p.to_path_buf()))
    {
        dirs.push(exe_dir.join("ocr"));
        dirs.push(exe_dir.join("../share/liveness-coach/ocr"));
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ocr"));
    dirs
}

/// The OCR model files, verified against [`OCR_SUMS`].
pub struct OcrFiles {
    pub detector: Vec<u8>,
    pub recogniser: Vec<u8>,
    pub dictionary: String,
}

impl OcrFiles {
    /// From the first folder of [`ocr_search_dirs`] that holds the detector.
    /// A missing or damaged file is an error that names it and the fix.
    pub fn load(explicit: Option<&Path>) -> Result<OcrFiles> {
        let dirs = ocr_search_dirs(explicit);
        let Some(dir) = dirs.iter().find(|d| d.join(OCR_DETECTOR).is_file()) else {
            bail!(
                "the text-reading model {OCR_DETECTOR} is not installed (looked in {}); \
                 from a source checkout run scripts/convert-ocr-models.sh, otherwise reinstall \
                 liveness-coach or point --ocr-models DIR at a folder with {OCR_DETECTOR}, \
                 {OCR_RECOGNISER} and {OCR_DICTIONARY}",
                dirs.iter()
                    .map(|d| d.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        };
        let read = |name: &str| -> Result<Vec<u8>> {
            let p = dir.join(name);
            let bytes = std::fs::read(&p).with_context(|| {
                format!(
                    "cannot read the text-reading model {}; run scripts/convert-ocr-models.sh \
                     or reinstall liveness-coach",
                    p.display()
                )
            })?;
            verify_with_fix(
                name,
                &bytes,
                OCR_SUMS,
                "reinstall liveness-coach, or from a source checkout delete it and run \
                 scripts/convert-ocr-models.sh",
            )
            .with_context(|| format!("{} cannot be used", p.display()))?;
            Ok(bytes)
        };
        let detector = read(OCR_DETECTOR)?;
        let recogniser = read(OCR_RECOGNISER)?;
        let dictionary =
            String::from_utf8(read(OCR_DICTIONARY)?).context("the OCR dictionary is not UTF-8")?;
        Ok(OcrFiles {
            detector,
            recogniser,
            dictionary,
        })
    }
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
