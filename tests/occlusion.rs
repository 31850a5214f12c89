//! The occlusion measures on the project's fixture photo: clean, altered by
//! the evaluation tooling (`lc_eval::alter`; each drawn occlusion raises its
//! own condition and nothing else), and on degenerate input. (Moved here
//! from the unit tests of `measure::occlusion` when the alterations left the
//! product crate.)

use lc_eval::alter::{apply, Alteration};
use liveness_coach::frame::Frame;
use liveness_coach::measure::occlusion::{measure, OcclusionMeasures};
use std::sync::OnceLock;

/// The project's fixture photo and its mesh landmarks (no glasses, nothing
/// over the face).
fn astronaut() -> &'static (Frame, Vec<[f32; 3]>) {
    static SCENE: OnceLock<(Frame, Vec<[f32; 3]>)> = OnceLock::new();
    SCENE.get_or_init(|| {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/astronaut.png");
        let mut frame = Frame::default();
        liveness_coach::source::images::load_into(&path, &mut frame).expect("fixture loads");
        let files = liveness_coach::models::ModelFiles::embedded().expect("models");
        let mut p = liveness_coach::vision::Perception::new(&files, false).expect("perception");
        let face = p
            .process(&frame, &mut ())
            .expect("runs")
            .face
            .expect("a face");
        (frame, face.landmarks)
    })
}

fn fired(m: &OcclusionMeasures) -> Vec<&'static str> {
    [
        ("glasses", m.glasses()),
        ("sunglasses", m.sunglasses()),
        ("glare", m.glare()),
        ("mask", m.mask()),
        ("hat", m.hat()),
    ]
    .iter()
    .filter(|c| c.1)
    .map(|c| c.0)
    .collect()
}

fn altered(alt: Alteration) -> OcclusionMeasures {
    let (frame, lm) = astronaut();
    let mut f = frame.clone();
    assert!(apply(&alt, &mut f, Some(lm)));
    measure(&f, lm).expect("measures")
}

fn gray(f: &Frame) -> Frame {
    let mut g = f.clone();
    for px in g.rgb.chunks_exact_mut(3) {
        let l = (0.299 * px[0] as f32 + 0.587 * px[1] as f32 + 0.114 * px[2] as f32) as u8;
        px.copy_from_slice(&[l, l, l]);
    }
    g
}

#[test]
fn each_alteration_raises_its_code() {
    for (alt, code) in [
        (Alteration::Sunglasses, "sunglasses"),
        (Alteration::Glare, "glare"),
        (Alteration::Mask, "mask"),
        (Alteration::Brim, "hat"),
    ] {
        let m = altered(alt);
        let f = fired(&m);
        assert!(f.contains(&code), "{alt}: {f:?} {m:?}");
        // Nothing else, but the frame and bridge of sunglasses are glasses.
        let others: Vec<_> = f
            .iter()
            .filter(|&&c| c != code && !(code == "sunglasses" && c == "glasses"))
            .collect();
        assert!(others.is_empty(), "{alt}: also {others:?} {m:?}");
    }
}

#[test]
fn grayscale_mask_and_sunglasses_still_show() {
    let (frame, lm) = astronaut();
    for (alt, check) in [
        (
            Alteration::Mask,
            OcclusionMeasures::mask as fn(&OcclusionMeasures) -> bool,
        ),
        (Alteration::Sunglasses, OcclusionMeasures::sunglasses),
        (Alteration::Brim, OcclusionMeasures::hat),
    ] {
        let mut f = frame.clone();
        apply(&alt, &mut f, Some(lm));
        let m = measure(&gray(&f), lm).expect("measures");
        assert!(check(&m), "{alt}: {m:?}");
        assert_eq!(m.lower_chroma, 0.0);
    }
}

#[test]
fn clean_face_raises_nothing() {
    let (frame, lm) = astronaut();
    for f in [frame.clone(), gray(frame)] {
        let m = measure(&f, lm).expect("measures");
        let fired: Vec<_> = fired(&m).into_iter().collect();
        assert!(fired.is_empty(), "{fired:?} {m:?}");
    }
}

#[test]
fn never_panics_on_bad_input() {
    let (frame, lm) = astronaut();
    let far: Vec<[f32; 3]> = lm.iter().map(|p| [p[0] + 1e6, p[1], p[2]]).collect();
    let huge: Vec<[f32; 3]> = lm.iter().map(|p| [p[0] * 1e30, p[1] * 1e30, 0.0]).collect();
    let shrunk: Vec<[f32; 3]> = lm.iter().map(|p| [p[0] / 60.0, p[1] / 60.0, 0.0]).collect();
    let nan = vec![[f32::NAN; 3]; 468];
    let flat = vec![[0.0f32; 3]; 468];
    let half: Vec<[f32; 3]> = lm.iter().map(|p| [p[0] - 230.0, p[1], p[2]]).collect();
    for lms in [&far, &huge, &nan, &flat] {
        assert!(measure(frame, lms).is_none());
    }
    assert!(measure(frame, &lm[..100]).is_none());
    // Half the face off the frame: measured or not, but no panic, and
    // conditions on NaN measures are false.
    if let Some(m) = measure(frame, &half) {
        let _ = fired(&m);
    }
    for (w, h) in [(1, 1), (2, 1), (7, 5), (40, 30)] {
        let f = Frame::from_rgb(w, h, vec![90; (w * h * 3) as usize]).unwrap();
        for lms in [lm, &shrunk, &far, &nan] {
            if let Some(m) = measure(&f, lms) {
                let _ = fired(&m);
            }
        }
    }
    let mut bad = frame.clone();
    bad.rgb.pop();
    assert!(measure(&bad, lm).is_none());
    let nan_measures = OcclusionMeasures {
        skin_luma: f32::NAN,
        eye_dark_gap: f32::NAN,
        eye_dark_diff: f32::NAN,
        eye_dark: f32::NAN,
        eye_bright: f32::NAN,
        glare: f32::NAN,
        bridge_line: f32::NAN,
        rim_line: f32::NAN,
        bridge_ridge: f32::NAN,
        rim_ridge: f32::NAN,
        temple_line: f32::NAN,
        lower_chroma: f32::NAN,
        lower_luma: f32::NAN,
        lower_far: f32::NAN,
        mouth_line: f32::NAN,
        lower_texture: f32::NAN,
        forehead_dark: f32::NAN,
        forehead_luma: f32::NAN,
        glabella_luma: f32::NAN,
        brow_contrast: f32::NAN,
        texture_asymmetry: f32::NAN,
    };
    assert!(fired(&nan_measures).is_empty());
}
