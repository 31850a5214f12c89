//! Masks named from the learned cover network (`vision::cover`), end to end
//! through the binary: `analyze PHOTO --json -` lists `mask` in its issues.

mod common;
use common::*;
use lc_eval::alter::{apply, Alteration};
use liveness_coach::frame::Frame;
use liveness_coach::record::HintCode;
use liveness_coach::report::json::AnalysisDoc;
use std::path::Path;

fn codes_of(photo: &Path) -> Vec<HintCode> {
    let out = run(&["analyze", &photo.display().to_string(), "--json", "-"]);
    assert!(
        out.status.success(),
        "{}: {}",
        photo.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: AnalysisDoc = serde_json::from_slice(&out.stdout).expect("an analysis document");
    doc.issues.iter().map(|i| i.span.code).collect()
}

/// Real masked and unmasked photos (masks/, the set the network was trained
/// on: in-sample; the held-out figures are in docs/occlusion.md): the
/// first forty of each class in the labels, against the issue's 0.9. (Ten
/// of each, as before, cannot tell a recall of 0.92 from 0.8: one photo in
/// five of a model at 0.92 fails a 9-of-10 test.)
#[test]
fn real_masked_photos_name_mask_and_unmasked_do_not() {
    let Some(dir) = eval_dir("masks", "real_masked_photos_name_mask_and_unmasked_do_not") else {
        return;
    };
    let labels = std::fs::read_to_string(dir.join("labels.csv")).expect("labels");
    let (mut masked, mut bare) = (Vec::new(), Vec::new());
    for line in labels.lines().skip(1) {
        let mut cols = line.split(',');
        let (Some(file), Some(mask)) = (cols.next(), cols.next()) else {
            continue;
        };
        let v = if mask == "yes" {
            &mut masked
        } else {
            &mut bare
        };
        if v.len() < 40 {
            v.push(dir.join(file));
        }
    }
    let named = |v: &[std::path::PathBuf]| {
        v.iter()
            .filter(|p| codes_of(p).contains(&HintCode::Mask))
            .count()
    };
    let (m, b) = (named(&masked), named(&bare));
    assert!(m >= 36, "mask named on {m} of 40 masked photos");
    assert!(b <= 4, "mask named on {b} of 40 unmasked photos");
}

/// The public-domain astronaut, framed as a webcam shows a face, with a
/// surgical-style mask drawn over nose and mouth by the evaluation tooling
/// (`lc_eval::alter`): named `mask`; the same photo without it is not.
#[test]
fn a_drawn_mask_on_a_shippable_photo_names_mask() {
    let img = framed_face();
    let clean = tmp("cover-clean.png");
    img.save(&clean).expect("write");
    assert!(!codes_of(&clean).contains(&HintCode::Mask), "clean photo");
    let mut frame =
        Frame::from_rgb(img.width(), img.height(), img.clone().into_raw()).expect("frame");
    let files = liveness_coach::models::ModelFiles::embedded().expect("models");
    let mut p = liveness_coach::vision::Perception::new(&files, false).expect("perception");
    let face = p
        .process(&frame, &mut ())
        .expect("runs")
        .face
        .expect("a face");
    assert!(apply(&Alteration::Mask, &mut frame, Some(&face.landmarks)));
    let masked = tmp("cover-masked.png");
    image::RgbImage::from_raw(frame.width, frame.height, frame.rgb)
        .expect("image")
        .save(&masked)
        .expect("write");
    assert!(codes_of(&masked).contains(&HintCode::Mask), "masked photo");
}

/// The two real head-dev recordings, people the cover models never saw
/// (a laptop webcam at 640x480, a studio camera at 360x288; neither wears a
/// mask, sunglasses, glasses or a hat, seen by eye): analysed whole, as
/// `analyze CLIP` shows them, none of those four codes is listed. Before the
/// models learned from zju-dev's webcam faces too, the webcam clip (a man
/// with a moustache and stubble) was called masked.
#[test]
fn real_clips_of_people_never_trained_on_raise_no_cover_code() {
    let test = "real_clips_of_people_never_trained_on_raise_no_cover_code";
    let Some(dir) = eval_dir("head-dev", test) else {
        return;
    };
    for clip in ["webcam_pointer_demo.mp4", "talking_face.mp4"] {
        let codes = codes_of(&dir.join(clip));
        for code in [
            HintCode::Mask,
            HintCode::Sunglasses,
            HintCode::Glasses,
            HintCode::Hat,
        ] {
            assert!(!codes.contains(&code), "{clip}: {code:?} in {codes:?}");
        }
    }
}

/// zju-dev person 000009M (black frames in FBN, none in FNN, by the
/// README's clip names) through `analyze CLIP`: glasses named with frames,
/// not without. zju faces are among the cover models' training crops, so
/// for the shipped models this is in-sample; the held-out clip figures
/// (each person judged by the models of the fold without them: glasses on
/// 48 of 55 clips, no false alarm) are in docs/occlusion.md. What it guards:
/// the learned decision and the pixel lines it is combined with both reach
/// the `issues` of a real webcam recording, and a bare face stays clear.
#[test]
fn glasses_are_named_on_a_real_webcam_clip_with_glasses_and_not_without() {
    let test = "glasses_are_named_on_a_real_webcam_clip_with_glasses_and_not_without";
    let Some(dir) = eval_dir("zju-dev", test) else {
        return;
    };
    let clips = dir.join("clips");
    let fbn = codes_of(&clips.join("000009M_FBN.mp4"));
    assert!(fbn.contains(&HintCode::Glasses), "black frames: {fbn:?}");
    let fnn = codes_of(&clips.join("000009M_FNN.mp4"));
    assert!(!fnn.contains(&HintCode::Glasses), "no glasses: {fnn:?}");
}

/// Real masked photos on which the detector finds no face at its usual
/// score (0.5; a mask hides the mouth and nose it looks for), only a faint
/// one (`detector::MASKED_MIN_SCORE` and up): `analyze` finds the face as a
/// masked face and names `mask` (before, it found no face at all).
#[test]
fn masked_faces_the_detector_scores_faintly_are_found() {
    use liveness_coach::models::ModelFiles;
    use liveness_coach::source::open_path;
    use liveness_coach::vision::detector::{FaceDetector, MASKED_MIN_SCORE, MIN_SCORE};
    let Some(dir) = eval_dir(
        "masks",
        "masked_faces_the_detector_scores_faintly_are_found",
    ) else {
        return;
    };
    let files = ModelFiles::embedded().expect("models");
    let mut det = FaceDetector::new(&files.detector).expect("detector");
    let labels = std::fs::read_to_string(dir.join("labels.csv")).expect("labels");
    let mut faint = Vec::new();
    for line in labels.lines().skip(1) {
        let mut cols = line.split(',');
        let (Some(file), Some("yes")) = (cols.next(), cols.next()) else {
            continue;
        };
        let path = dir.join(file);
        let mut src = open_path(&path.display().to_string()).expect("photo");
        let mut frame = Frame::default();
        assert!(src.read_into(&mut frame).expect("frame"));
        let best = det
            .detect_at(&frame, MASKED_MIN_SCORE, &mut ())
            .expect("detect")
            .iter()
            .map(|d| d.score)
            .fold(0.0f32, f32::max);
        if (MASKED_MIN_SCORE..MIN_SCORE).contains(&best) {
            faint.push(path);
        }
    }
    assert!(faint.len() >= 2, "{} faint masked faces", faint.len());
    let named = faint
        .iter()
        .filter(|p| codes_of(p).contains(&HintCode::Mask))
        .count();
    assert!(
        named + 1 >= faint.len(),
        "mask named on {named} of {} faint masked faces: {faint:?}",
        faint.len()
    );
}
