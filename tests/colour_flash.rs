//! The colour flash on a simulated screen (lc_eval::flash): the product's
//! session tells a dim room, where the screen's light shows on the face,
//! from a bright one, where it does not (docs/colour-flash.md).

mod common;

use lc_eval::flash::{long_enough, rehearse, ROOMS};
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::session::flash::{FlashAdvice, FlashVerdict, FLASH_COUNT};

/// The shippable astronaut photo, framed as a webcam shows a face, as a
/// still clip at 30 fps (the simulation adds the sensor noise).
fn still_face() -> Vec<Frame> {
    let img = common::framed_face();
    let canvas = image::imageops::resize(&img, 640, 480, image::imageops::FilterType::Triangle);
    let f = Frame::from_rgb(640, 480, canvas.into_raw()).expect("frame");
    long_enough(&[f], 6.0, 30.0)
}

#[test]
fn a_dim_room_shows_the_screen_on_the_face_and_a_window_does_not() {
    let files = ModelFiles::embedded().expect("models");
    let frames = still_face();
    let dim = ROOMS
        .iter()
        .find(|r| r.name.starts_with("dim"))
        .expect("room");
    let window = ROOMS
        .iter()
        .find(|r| r.name.contains("window"))
        .expect("room");
    let (r, _) = rehearse(&files, &frames, dim, 0.5, 0.1, 7).expect("rehearse");
    let r = r.expect("flash result");
    assert_eq!(r.verdict, FlashVerdict::Visible, "{r:?}");
    assert_eq!(r.sequence.len(), FLASH_COUNT);
    assert!(r.advice.is_empty());
    let (w, _) = rehearse(&files, &frames, window, 0.5, 0.1, 7).expect("rehearse");
    let w = w.expect("flash result");
    assert_eq!(w.verdict, FlashVerdict::Weak, "{w:?}");
    assert!(w.advice.contains(&FlashAdvice::FullBrightness));
    assert!(w.advice.contains(&FlashAdvice::DimRoom));
    // The measured share follows the rooms' light.
    let share = |x: &liveness_coach::session::flash::FlashResult| {
        x.response.as_ref().map_or(f32::NAN, |v| v.relative)
    };
    assert!(share(&r) > 10.0 * share(&w), "{} {}", share(&r), share(&w));
}

#[test]
fn headless_practice_leaves_the_flash_out_and_says_why() {
    let clip = common::tmp("flash_headless_face.y4m");
    std::fs::write(&clip, common::y4m_of(&common::framed_face(), 30, 30)).expect("write");
    let out = common::run(&[
        "--lang",
        "en",
        "practice",
        "--source",
        clip.to_str().expect("path"),
        "--headless",
        "--style",
        "oval",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("colour flash needs the window"), "{err}");
}
