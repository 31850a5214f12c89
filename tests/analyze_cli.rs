//! `liveness-coach analyze` end to end: formats, the JSON document, bad input.

mod common;
use common::{fixture, run, tmp, y4m_of};
use serde_json::Value;
use std::io::Write;
use std::process::Stdio;

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn photo_gives_the_documented_json() {
    let out = run(&[
        "analyze",
        fixture("astronaut.png").to_str().unwrap(),
        "--json",
        "-",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out);
    assert_eq!(doc["schema"], "liveness-coach.analysis.v1");
    assert_eq!(doc["input"]["width"], 512);
    assert_eq!(doc["input"]["frames"], 1);
    let f = &doc["frames"][0];
    assert_eq!(f["index"], 0);
    assert_eq!(f["face"], true);
    assert!(f["face_score"].as_f64().unwrap() > 0.9);
    for k in ["eye_open_left", "eye_open_right"] {
        let v = f[k].as_f64().unwrap();
        assert!((0.15..0.5).contains(&v), "{k} {v}");
    }
    for k in ["yaw_deg", "pitch_deg", "roll_deg"] {
        assert!(f[k].as_f64().unwrap().abs() < 20.0, "{k}");
    }
    assert!(doc["events"].as_array().unwrap().is_empty());
    assert_eq!(doc["timing"]["frames"], 1);
    assert!(doc["timing"]["process_ms"].as_f64().unwrap() > 0.0);
    // The summary goes to stderr when JSON owns stdout (a photo's summary
    // says it is one photo; it lists no movement counts).
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains("one photo"), "{summary}");
}

#[test]
fn y4m_on_standard_input_keeps_time_and_finds_no_movement_in_a_still() {
    let img = image::open(fixture("astronaut.png")).unwrap().into_rgb8();
    let img = image::imageops::resize(&img, 320, 320, image::imageops::FilterType::Triangle);
    let bytes = y4m_of(&img, 45, 15);
    let mut child = common::bin()
        .args(["analyze", "-", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out);
    assert_eq!(doc["input"]["fps"], 15.0);
    let frames = doc["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 45);
    assert!((frames[30]["time_s"].as_f64().unwrap() - 2.0).abs() < 1e-9);
    assert!(frames.iter().all(|f| f["face"] == true));
    // A photo held still neither blinks nor turns.
    assert!(
        doc["events"].as_array().unwrap().is_empty(),
        "{}",
        doc["events"]
    );
}

#[test]
fn truncated_y4m_keeps_the_frames_before_the_damage() {
    let img = image::RgbImage::from_pixel(64, 48, image::Rgb([90, 90, 90]));
    let mut bytes = y4m_of(&img, 5, 30);
    bytes.truncate(bytes.len() - 100);
    let path = tmp("truncated.y4m");
    std::fs::write(&path, bytes).unwrap();
    let json = tmp("truncated.json");
    let out = run(&[
        "analyze",
        path.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an input that stops early is a failure"
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(doc["frames"].as_array().unwrap().len(), 4);
    assert!(doc["error"].as_str().unwrap().contains("truncated"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("stopped early"));
}

#[test]
fn bad_input_gives_a_clear_error_never_a_panic() {
    let empty = tmp("empty.y4m");
    std::fs::write(&empty, b"").unwrap();
    let not_image = tmp("not-an-image.png");
    std::fs::write(&not_image, b"hello, I am text").unwrap();
    let garbage = tmp("garbage.y4m");
    std::fs::write(&garbage, b"YUV4MPEG2 W99999999999 H3\nFRAME\n").unwrap();
    let missing = tmp("does-not-exist.mp4");
    for (path, expect) in [
        (&empty, "empty"),
        (&not_image, "not a readable image"),
        (&garbage, "width"),
        (&missing, "no such file"),
    ] {
        let out = run(&["analyze", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{path:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{path:?}: {err}");
    }
}

#[test]
fn frames_without_faces_say_so() {
    let cases: [(&str, u32, u32, [u8; 3]); 4] = [
        ("one-pixel.png", 1, 1, [128, 128, 128]),
        ("grey.png", 64, 64, [128, 128, 128]),
        ("odd.png", 33, 17, [0, 0, 0]),
        ("huge.png", 8000, 8000, [200, 200, 200]),
    ];
    for (name, w, h, c) in cases {
        let path = tmp(name);
        image::RgbImage::from_pixel(w, h, image::Rgb(c))
            .save(&path)
            .unwrap();
        let out = run(&["analyze", path.to_str().unwrap(), "--json", "-"]);
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc = json_of(&out);
        assert_eq!(doc["frames"][0]["face"], false, "{name}");
        assert!(doc["frames"][0]["eye_open_left"].is_null());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("No face"),
            "{name}"
        );
    }
}

#[test]
fn missing_ffmpeg_names_the_package() {
    let clip = tmp("clip.mp4");
    std::fs::write(&clip, b"not really a video").unwrap();
    let out = common::bin()
        .args(["analyze", clip.to_str().unwrap()])
        .env("PATH", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("apt-get install ffmpeg") && err.contains("brew install ffmpeg"),
        "{err}"
    );
}

#[test]
fn unreadable_video_through_ffmpeg_is_an_error() {
    if !common::have_ffmpeg() {
        eprintln!("SKIPPED unreadable_video_through_ffmpeg_is_an_error: ffmpeg is not installed");
        return;
    }
    let clip = tmp("broken.mp4");
    std::fs::write(&clip, b"not really a video").unwrap();
    let out = run(&["analyze", clip.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ffmpeg cannot read"));
}

#[test]
fn corrupt_model_folder_is_refused() {
    let dir = tmp("models");
    std::fs::create_dir_all(&dir).unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    for f in std::fs::read_dir(&src).unwrap() {
        let f = f.unwrap().path();
        // The face models only (models/ocr/ holds the document's).
        if f.is_file() {
            std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
        }
    }
    let mesh = dir.join("face_landmark.onnx");
    let mut bytes = std::fs::read(&mesh).unwrap();
    bytes[5000] ^= 0xff;
    std::fs::write(&mesh, bytes).unwrap();
    let out = run(&[
        "--models",
        dir.to_str().unwrap(),
        "analyze",
        fixture("astronaut.png").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("face_landmark.onnx is corrupt"));
}
