//! Perception on a real face photo the project ships, and on photos without faces.

mod common;
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::source::images::load_into;
use liveness_coach::vision::Perception;

fn perceive(name: &str) -> liveness_coach::vision::Observation {
    let mut frame = Frame::default();
    load_into(&common::fixture(name), &mut frame).expect("fixture loads");
    let mut p =
        Perception::new(&ModelFiles::embedded().expect("models"), true).expect("perception");
    p.process(&frame, &mut ()).expect("runs")
}

fn near(p: [f32; 2], q: [f32; 2], tol: f32) -> bool {
    ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt() <= tol
}

/// Pupil centres read off a 10x zoom of astronaut.png by eye (not from the model).
const PUPIL_IMAGE_LEFT: [f32; 2] = [203.5, 101.0];
const PUPIL_IMAGE_RIGHT: [f32; 2] = [246.5, 103.0];

#[test]
fn astronaut_landmarks_land_on_her_eyes() {
    let obs = perceive("astronaut.png");
    let face = obs.face.expect("a face");
    assert!(face.presence > 0.9);
    let eyes = face.eyes.expect("iris model ran");
    // eyes[0] is the person's right eye: the image's left one.
    assert!(
        near(eyes[0].iris[0], PUPIL_IMAGE_LEFT, 3.0),
        "{:?}",
        eyes[0].iris[0]
    );
    assert!(
        near(eyes[1].iris[0], PUPIL_IMAGE_RIGHT, 3.0),
        "{:?}",
        eyes[1].iris[0]
    );
    // The mesh's eye corners straddle each pupil.
    let lm = &face.landmarks;
    let mid = |a: usize, b: usize| [(lm[a][0] + lm[b][0]) / 2.0, (lm[a][1] + lm[b][1]) / 2.0];
    assert!(near(mid(33, 133), PUPIL_IMAGE_LEFT, 4.0));
    assert!(near(mid(263, 362), PUPIL_IMAGE_RIGHT, 4.0));
    assert!(lm[33][0] < lm[133][0] && lm[362][0] < lm[263][0]);
    // The nose tip is between and below the eyes, the chin below it.
    assert!(
        lm[1][1] > 110.0 && lm[1][0] > 205.0 && lm[1][0] < 245.0,
        "{:?}",
        lm[1]
    );
    assert!(lm[152][1] > lm[1][1] + 25.0);
}

#[test]
fn no_face_in_photos_without_people() {
    for name in ["coffee.png", "chelsea.png"] {
        let obs = perceive(name);
        assert!(obs.face.is_none(), "{name}: found a face");
    }
}
