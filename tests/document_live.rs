//! The live document guide (`document --source CLIP --headless`, the same
//! looks and guide as `document --camera`): a recording of a table, then
//! the document on it with glare, then without, is guided step by step and
//! the picture is taken once the photo would be accepted and held still.
//! Built with `lc_eval::document` (the shipped UTOPIA specimen on the
//! shipped coffee-table photo, with perspective). Needs the OCR models.

mod common;

use common::{bin, clip_of_stills, ocr_models_present, run, specimen_and_table, tmp};
use lc_eval::document::{compose, Scene};

/// Frames per second of the built clips: the guide looks once a second of
/// stream time, so five frames a second is plenty and keeps them small.
const FPS: u32 = 5;

fn scene(glare: bool) -> Scene {
    Scene {
        width: 640,
        height: 480,
        doc_share: 0.7,
        rotate_deg: 3.0,
        slant: 0.04,
        glare: glare.then_some(((0.45, 0.72), 0.08, 1.2)),
        ..Scene::default()
    }
}

fn pictures() -> (image::RgbImage, image::RgbImage, image::RgbImage) {
    let (doc, table) = specimen_and_table();
    let clean = compose(&doc, &table, &scene(false)).picture;
    let glare = compose(&doc, &table, &scene(true)).picture;
    let empty = image::imageops::resize(&table, 640, 480, image::imageops::FilterType::Triangle);
    (empty, glare, clean)
}

fn guide(clip: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let clip = clip.display().to_string();
    let mut args = vec![
        "--lang",
        "en",
        "document",
        "--source",
        &clip,
        "--headless",
        "--today",
        "2011-06-01",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn the_guide_asks_for_the_document_then_against_glare_then_takes_the_picture() {
    if !ocr_models_present() {
        return;
    }
    let (empty, glare, clean) = pictures();
    let n = FPS as usize;
    let clip = clip_of_stills(
        "doc-guide.y4m",
        &[(&empty, 2 * n), (&glare, 3 * n), (&clean, 3 * n)],
        FPS,
    );
    let saved = tmp("doc-guide-taken.png");
    let _ = std::fs::remove_file(&saved);
    let out = guide(
        &clip,
        &["--json", "-", "--save", &saved.display().to_string()],
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    // What it said, in order: place it, the glare, hold still, taken.
    let at = |s: &str| {
        said.find(s)
            .unwrap_or_else(|| panic!("{s:?} not said: {said}"))
    };
    let place = at("Hold your document inside the frame");
    let glare_at = at("glare");
    let hold = at("Hold still");
    let taken = at("Picture taken");
    assert!(
        place < glare_at && glare_at < hold && hold < taken,
        "{said}"
    );
    // Taken on the second steady look at the clean document (5 s and 6 s
    // of the clip), and judged as a photo of it.
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["verdict"], "would_pass", "{v}");
    assert_eq!(v["mrz"]["valid"], true, "{v}");
    let path = v["input"]["path"].as_str().expect("path");
    let frame: u64 = path
        .rsplit("#frame=")
        .next()
        .and_then(|f| f.parse().ok())
        .expect("frame number");
    assert_eq!(frame, 6 * FPS as u64, "{path}");
    // The picture kept is the frame judged, at its size.
    let img = image::open(&saved)
        .expect("the picture was saved")
        .to_rgb8();
    assert_eq!(img.dimensions(), (640, 480));
    let _ = std::fs::remove_file(&saved);
}

#[test]
fn nothing_is_taken_or_written_while_the_glare_stays() {
    if !ocr_models_present() {
        return;
    }
    let (_, glare, _) = pictures();
    let clip = clip_of_stills("doc-glare-only.y4m", &[(&glare, 4 * FPS as usize)], FPS);
    let saved = tmp("doc-glare-taken.png");
    let _ = std::fs::remove_file(&saved);
    let out = guide(&clip, &["--save", &saved.display().to_string()]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("No picture was taken") && said.contains("glare"),
        "{said}"
    );
    assert!(!saved.exists(), "nothing is saved without a picture taken");
}

#[test]
fn live_guide_arguments_are_checked() {
    // --save belongs to the live guide.
    let out = run(&["document", "photo.png", "--save", "x.png"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--camera"));
    // Photos and a camera at once.
    let out = run(&["document", "photo.png", "--camera", "0"]);
    assert_eq!(out.status.code(), Some(2));
    // --headless needs a recording.
    let out = run(&["document", "--camera", "0", "--headless"]);
    assert_eq!(out.status.code(), Some(2));
    // A recording that cannot be read is a clear error, not a panic.
    let out = bin()
        .args([
            "document",
            "--source",
            "/nonexistent/clip.y4m",
            "--headless",
        ])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("clip.y4m"));
}
