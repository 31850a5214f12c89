//! Photos as first-class inputs, through the binary: a single picture is
//! judged on its own frame (`hints::still`), with the same thresholds as
//! video, and never gets a code that needs time.
//!
//! The photos are the public-domain astronaut fixture framed as a webcam
//! frame shows a face (`common::framed_face`), altered photometrically with
//! the `image` crate the way a camera or a room changes a picture: every
//! pixel scaled down (a dim room, underexposure), scaled up and clipped
//! (overexposure), or the face dimmed and everything around it raised
//! toward white (a bright window behind the person).

mod common;
use common::*;
use liveness_coach::record::HintCode;
use liveness_coach::report::json::AnalysisDoc;
use std::path::{Path, PathBuf};

/// The codes of light problems: a clear photo gets none of them.
const LIGHT: [HintCode; 5] = [
    HintCode::TooDark,
    HintCode::Backlit,
    HintCode::TooBright,
    HintCode::UnevenLight,
    HintCode::Glare,
];

fn save(name: &str, img: &image::RgbImage) -> PathBuf {
    let path = tmp(name);
    img.save(&path).expect("write the photo");
    path
}

/// Every channel of every pixel times `k`, clipped at 255.
fn exposed(img: &image::RgbImage, k: f32) -> image::RgbImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        p.0 = p.0.map(|c| (c as f32 * k).round().min(255.0) as u8);
    }
    out
}

/// A bright window behind the person: the picture dimmed by `dim` (a
/// camera exposing for the bright background), then everything outside an
/// ellipse around the face raised toward white by `lift`, with a soft edge.
/// `face` is the face box (x0, y0, x1, y1) `analyze` measured on the
/// unaltered photo.
fn backlit(img: &image::RgbImage, face: [f64; 4], dim: f32, lift: f32) -> image::RgbImage {
    let mut out = exposed(img, dim);
    let (cx, cy) = ((face[0] + face[2]) / 2.0, (face[1] + face[3]) / 2.0);
    // The box spans brow to chin; hair and ears reach a little further.
    let (rx, ry) = ((face[2] - face[0]) * 0.65, (face[3] - face[1]) * 0.7);
    for (x, y, p) in out.enumerate_pixels_mut() {
        let d =
            (((x as f64 + 0.5 - cx) / rx).powi(2) + ((y as f64 + 0.5 - cy) / ry).powi(2)).sqrt();
        // 0 inside the ellipse, 1 from 15% beyond it.
        let w = ((d - 1.0) / 0.15).clamp(0.0, 1.0) as f32 * lift;
        p.0 =
            p.0.map(|c| (c as f32 + w * (255.0 - c as f32)).round() as u8);
    }
    out
}

/// `analyze PHOTO --json -`: the document on stdout.
fn analyze(photo: &Path) -> (AnalysisDoc, String) {
    let out = run(&["analyze", &photo.display().to_string(), "--json", "-"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{}: {stderr}", photo.display());
    let doc: AnalysisDoc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not an analysis document ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (doc, stderr)
}

fn codes(doc: &AnalysisDoc) -> Vec<HintCode> {
    doc.issues.iter().map(|i| i.span.code).collect()
}

/// Nothing that needs frames over time, and every issue over the one frame.
fn only_still_codes(doc: &AnalysisDoc, what: &str) {
    assert_eq!(doc.frames.len(), 1, "{what}: a photo is one frame");
    for i in &doc.issues {
        assert!(
            i.span.code.still_showable(),
            "{what}: {} cannot be seen on a photo",
            i.span.code.code()
        );
        assert_eq!((i.span.start_frame, i.span.end_frame), (0, 0), "{what}");
    }
}

#[test]
fn a_clear_photo_gets_no_light_hint() {
    let (doc, stderr) = analyze(&save("clear.png", &framed_face()));
    only_still_codes(&doc, "clear");
    assert!(doc.frames[0].face, "the face is found");
    let c = codes(&doc);
    for l in LIGHT {
        assert!(!c.contains(&l), "clear photo: {c:?}");
    }
    assert!(!stderr.contains("Problems seen"), "{stderr}");
}

#[test]
fn a_dark_photo_is_too_dark_and_nothing_time_based() {
    // Two stops under: a dim room. Saved as JPEG, as a phone would.
    let (doc, stderr) = analyze(&save("dark.jpg", &exposed(&framed_face(), 0.25)));
    only_still_codes(&doc, "dark");
    let c = codes(&doc);
    assert!(c.contains(&HintCode::TooDark), "{c:?}");
    assert!(
        !c.contains(&HintCode::Backlit),
        "a dim room is not a window: {c:?}"
    );
    let dark = &doc.issues[c.iter().position(|x| *x == HintCode::TooDark).unwrap_or(0)];
    assert!(dark.span.value < 60.0, "face luma {}", dark.span.value);
    // The summary names it, without a time span, and counts no movements
    // (a photo cannot show one).
    assert!(
        stderr.contains("(too_dark)") && stderr.contains("one photo"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("blink") && !stderr.contains("turn left"),
        "{stderr}"
    );
}

#[test]
fn an_overexposed_photo_is_too_bright() {
    // Two thirds of a stop over: half the face's pixels blown out (x2.5,
    // as `lc_eval::alter` uses on video, blows out so much that no face is
    // found on this photo).
    let (doc, _) = analyze(&save("bright.png", &exposed(&framed_face(), 1.5)));
    only_still_codes(&doc, "bright");
    let c = codes(&doc);
    assert!(c.contains(&HintCode::TooBright), "{c:?}");
    assert!(!c.contains(&HintCode::TooDark), "{c:?}");
}

#[test]
fn a_photo_against_a_bright_window_is_backlit() {
    let face = framed_face();
    let (clear, _) = analyze(&save("window-clear.png", &face));
    let b = clear.frames[0]
        .face_box
        .expect("a face box on the clear photo");
    let face_box = b.map(f64::from);
    let (doc, _) = analyze(&save("window.png", &backlit(&face, face_box, 0.6, 0.85)));
    only_still_codes(&doc, "backlit");
    let c = codes(&doc);
    assert!(c.contains(&HintCode::Backlit), "{c:?} {:?}", doc.frames[0]);
    assert!(!c.contains(&HintCode::TooBright), "{c:?}");
}

#[test]
fn photos_given_one_by_one_are_attempts_and_a_folder_is_one_clip() {
    let dark = save("attempt-dark.png", &exposed(&framed_face(), 0.25));
    let clear = save("attempt-clear.png", &framed_face());
    let dir = tmp("two-photos-report");
    let _ = std::fs::remove_dir_all(&dir);
    let out = run(&[
        "analyze",
        &dark.display().to_string(),
        &clear.display().to_string(),
        "--report",
        &dir.display().to_string(),
        "--lang",
        "en",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Attempt 1") && stdout.contains("Attempt 2"),
        "{stdout}"
    );
    // The verdict of each is that of a photo, with or without problems.
    assert!(stdout.contains("A photo: something in it would make a check fail"));
    assert!(stdout.contains("A photo: nothing in it would make a check fail"));
    let read = |name: &str| -> AnalysisDoc {
        let text = std::fs::read(dir.join(name)).expect("the JSON of each attempt");
        serde_json::from_slice(&text).expect("an analysis document")
    };
    let (first, second) = (read("analysis-1.json"), read("analysis-2.json"));
    only_still_codes(&first, "attempt 1");
    only_still_codes(&second, "attempt 2");
    assert!(codes(&first).contains(&HintCode::TooDark));
    assert!(!codes(&second).contains(&HintCode::TooDark));
    let html = std::fs::read_to_string(dir.join("report.html")).expect("the page");
    assert!(html.contains("data-outcome=\"photo\""), "no photo verdict");
    assert!(
        html.contains("data-outcome=\"photo_clear\""),
        "no clear-photo verdict"
    );
    assert!(html.contains("data-code=\"too_dark\""));

    // The same two pictures in a folder are two frames of one clip: no
    // photo judgement, and a condition on one frame does not last.
    let folder = tmp("two-photos-folder");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("folder");
    std::fs::copy(&dark, folder.join("a.png")).expect("copy");
    std::fs::copy(&clear, folder.join("b.png")).expect("copy");
    let (doc, stderr) = analyze(&folder);
    assert_eq!(doc.frames.len(), 2);
    assert!(doc.issues.is_empty(), "{:?}", codes(&doc));
    assert!(!stderr.contains("one photo"), "{stderr}");
}

#[test]
fn check_on_a_photo_names_its_problem_and_not_the_frame_rate() {
    let dark = save("check-dark.png", &exposed(&framed_face(), 0.25));
    for (lang, fps) in [("en", "fps"), ("zh", "帧/秒")] {
        let out = run(&[
            "check",
            "--source",
            &dark.display().to_string(),
            "--lang",
            lang,
        ]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "not ready: {stdout}");
        assert!(stdout.contains("too_dark"), "{stdout}");
        assert!(
            !stdout.contains("low_fps") && !stdout.contains(fps),
            "{stdout}"
        );
    }
    let clear = save("check-clear.png", &framed_face());
    let out = run(&[
        "check",
        "--source",
        &clear.display().to_string(),
        "--lang",
        "en",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains("low_fps") && !stdout.contains("fps"),
        "{stdout}"
    );
    // Small, but a photo's size is only worth knowing: nothing to fix.
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("Ready"), "{stdout}");
}
