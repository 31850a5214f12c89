//! Degenerate frames through the whole pipeline, through the binary:
//! `analyze X --json -` and `practice --source X --headless --no-intro
//! --report -` on blank, noisy, odd-sized and tiny frames and on faces that
//! are upside down, half outside, tiny or many. Each run ends cleanly (exit
//! 0, or 2 with a clear message for an absurd size), writes valid JSON with no
//! NaN or Infinity anywhere, and says something sensible.

mod common;
use common::{fixture, run, tmp, y4m_of};
use image::{imageops, Rgb, RgbImage};
use serde_json::Value;
use std::path::PathBuf;

/// Frames per clip and their rate: 1 s, longer than the half second a hint
/// needs to show, at a rate that raises no `low_fps`.
const FRAMES: usize = 30;
const FPS: u32 = 30;
const GREY: Rgb<u8> = Rgb([128, 128, 128]);

// ---------------------------------------------------------------------------
// Images

fn photo() -> RgbImage {
    image::open(fixture("astronaut.png"))
        .expect("fixture")
        .into_rgb8()
}

fn solid(w: u32, h: u32, c: Rgb<u8>) -> RgbImage {
    RgbImage::from_pixel(w, h, c)
}

/// Uniform noise from a fixed xorshift sequence.
fn noise(w: u32, h: u32) -> RgbImage {
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    RgbImage::from_fn(w, h, |_, _| {
        let mut px = [0u8; 3];
        for c in &mut px {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            *c = (s >> 24) as u8;
        }
        Rgb(px)
    })
}

/// `img` pasted on a grey canvas at (x, y); parts outside are cut off.
fn on_canvas(w: u32, h: u32, img: &RgbImage, x: i64, y: i64) -> RgbImage {
    let mut canvas = solid(w, h, GREY);
    imageops::overlay(&mut canvas, img, x, y);
    canvas
}

fn resized(img: &RgbImage, w: u32, h: u32) -> RgbImage {
    imageops::resize(img, w, h, imageops::FilterType::Triangle)
}

/// The photo cropped to a square around the face (box about 179..272 x
/// 72..175 in the 512 x 512 photo), so that ten copies side by side still
/// show faces the detector's 128 x 128 input resolves (with the whole photo
/// in each tile, a face is 10 px wide there and none is found).
fn face_crop() -> RgbImage {
    imageops::crop_imm(&photo(), 170, 69, 110, 110).to_image()
}

/// Writes `img` as a Y4M clip of FRAMES frames.
fn clip(name: &str, img: &RgbImage) -> PathBuf {
    let path = tmp(&format!("degenerate-{name}.y4m"));
    std::fs::write(&path, y4m_of(img, FRAMES, FPS)).expect("clip written");
    path
}

// ---------------------------------------------------------------------------
// Running and checking

/// The JSON on stdout, checked for text JSON cannot carry.
fn json_of(out: &std::process::Output, what: &str) -> Value {
    let text = String::from_utf8(out.stdout.clone()).expect("UTF-8 output");
    for bad in ["NaN", "Infinity"] {
        assert!(!text.contains(bad), "{what}: `{bad}` in the JSON: {text}");
    }
    // Outside strings, not even a lower-case spelling.
    assert!(
        !text
            .split('"')
            .step_by(2)
            .any(|outside| outside.contains("inf") || outside.contains("nan")),
        "{what}: a non-number in the JSON: {text}"
    );
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {text}"))
}

/// Every number in a document is finite (serde_json would refuse to read
/// anything else, but a `null` where a number belongs is caught by the
/// checks of each field below).
fn all_numbers_finite(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.as_f64().is_some_and(f64::is_finite),
        Value::Array(a) => a.iter().all(all_numbers_finite),
        Value::Object(o) => o.values().all(all_numbers_finite),
        _ => true,
    }
}

fn issue_codes(doc: &Value) -> Vec<String> {
    doc["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| i["code"].as_str().expect("code").to_string())
        .collect()
}

/// `analyze PATH --json -`: exit 0 and a consistent document.
fn analyze(name: &str, path: &std::path::Path, w: u32, h: u32) -> Value {
    let what = format!("analyze {name}");
    let out = run(&["analyze", path.to_str().unwrap(), "--json", "-"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out, &what);
    assert!(all_numbers_finite(&doc), "{what}");
    assert_eq!(doc["schema"], "liveness-coach.analysis.v1", "{what}");
    assert_eq!(doc["input"]["width"], w, "{what}");
    assert_eq!(doc["input"]["height"], h, "{what}");
    let frames = doc["frames"].as_array().expect("frames");
    assert_eq!(frames.len(), FRAMES, "{what}");
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f["index"], i as u64, "{what}");
        let t = f["time_s"].as_f64().expect("time_s is a number");
        assert!((t - i as f64 / FPS as f64).abs() < 1e-9, "{what}: {t}");
        let face = f["face"].as_bool().expect("face");
        for k in [
            "face_score",
            "eye_open_left",
            "eye_open_right",
            "yaw_deg",
            "pitch_deg",
            "roll_deg",
        ] {
            if face {
                if k == "face_score" {
                    let s = f[k].as_f64().expect("score");
                    assert!((0.0..=1.0).contains(&s), "{what}: {k} {s}");
                }
            } else {
                assert!(f[k].is_null(), "{what}: {k} without a face: {f}");
            }
        }
        if face {
            for k in ["yaw_deg", "pitch_deg", "roll_deg"] {
                if let Some(a) = f[k].as_f64() {
                    assert!(a.abs() <= 180.0, "{what}: {k} {a}");
                }
            }
            let b = &f["face_box"];
            if let Some(b) = b.as_array() {
                assert_eq!(b.len(), 4, "{what}");
                let b: Vec<f64> = b.iter().map(|v| v.as_f64().expect("box")).collect();
                assert!(b[0] < b[2] && b[1] < b[3], "{what}: box {b:?}");
            }
        }
    }
    // No face anywhere is said so.
    if frames.iter().all(|f| f["face"] == false) {
        assert!(
            issue_codes(&doc).iter().any(|c| c == "no_face"),
            "{what}: no face on any frame but no `no_face` issue: {}",
            doc["issues"]
        );
        assert!(
            doc["events"].as_array().expect("events").is_empty(),
            "{what}"
        );
    }
    for i in doc["issues"].as_array().unwrap() {
        let (s, e) = (
            i["start_frame"].as_u64().unwrap(),
            i["end_frame"].as_u64().unwrap(),
        );
        assert!(s <= e && e < FRAMES as u64, "{what}: {i}");
        assert!(!i["message"]["en"].as_str().unwrap().is_empty(), "{what}");
    }
    assert!(doc.get("error").is_none(), "{what}: {}", doc["error"]);
    doc
}

/// `practice --source PATH --headless --no-intro --report -`: exit 0 and a
/// consistent session document.
fn practice(name: &str, path: &std::path::Path, w: u32, h: u32) -> Value {
    let what = format!("practice {name}");
    let out = run(&[
        "practice",
        "--source",
        path.to_str().unwrap(),
        "--headless",
        "--no-intro",
        "--seed",
        "3",
        "--report",
        "-",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_of(&out, &what);
    assert!(all_numbers_finite(&doc), "{what}");
    assert_eq!(doc["schema"], "liveness-coach.session.v1", "{what}");
    assert_eq!(doc["source"]["width"], w, "{what}");
    assert_eq!(doc["source"]["height"], h, "{what}");
    assert_eq!(doc["frames"], FRAMES as u64, "{what}");
    assert!(doc["error"].is_null(), "{what}: {}", doc["error"]);
    for p in doc["prompts"].as_array().expect("prompts") {
        assert!(p["passed"].is_boolean(), "{what}: {p}");
        if p["passed"] == false {
            assert!(
                p["reason"].is_string(),
                "{what}: a failed prompt without a reason: {p}"
            );
        }
        let (s, e) = (p["start_s"].as_f64().unwrap(), p["end_s"].as_f64().unwrap());
        assert!(s <= e, "{what}: {p}");
    }
    doc
}

/// Both commands on a clip of `img`; returns (analysis, session).
fn both(name: &str, img: &RgbImage) -> (Value, Value) {
    let path = clip(name, img);
    let (w, h) = img.dimensions();
    let a = analyze(name, &path, w, h);
    let s = practice(name, &path, w, h);
    let _ = std::fs::remove_file(&path);
    let faces = a["frames"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["face"] == true)
        .count();
    eprintln!(
        "{name} ({w}x{h}): face on {faces}/{FRAMES} frames, most faces detected {}, issues {:?}, prompts passed {}",
        most_faces(&a),
        issue_codes(&a),
        s["prompts"].as_array().unwrap().iter().filter(|p| p["passed"] == true).count()
    );
    (a, s)
}

fn most_faces(doc: &Value) -> u64 {
    doc["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["faces_detected"].as_u64().expect("faces_detected"))
        .max()
        .unwrap_or(0)
}

/// No face: no face found on any frame, `no_face` raised, no prompt passed.
fn assert_faceless(name: &str, a: &Value, s: &Value) {
    assert!(
        a["frames"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["face"] == false),
        "{name}: a face was found"
    );
    assert_eq!(most_faces(a), 0, "{name}");
    assert!(issue_codes(a).contains(&"no_face".to_string()), "{name}");
    assert!(
        s["prompts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["passed"] == false),
        "{name}: a prompt passed without a face"
    );
}

// ---------------------------------------------------------------------------
// The cases

#[test]
fn blank_and_noisy_frames_have_no_face() {
    for (name, img) in [
        ("white", solid(320, 240, Rgb([255, 255, 255]))),
        ("black", solid(320, 240, Rgb([0, 0, 0]))),
        ("noise", noise(320, 240)),
    ] {
        let (a, s) = both(name, &img);
        assert_faceless(name, &a, &s);
    }
}

#[test]
fn an_upside_down_face_is_handled() {
    let (a, _) = both("upside-down", &imageops::flip_vertical(&photo()));
    // Whatever is found, it is not an upright, still face that blinks or nods.
    assert!(
        a["events"].as_array().unwrap().len() <= 1,
        "{}",
        a["events"]
    );
}

#[test]
fn a_face_half_outside_the_frame_is_handled() {
    let img = photo();
    // The face (x 179..272) cut at the left edge, then at the top.
    let left = on_canvas(512, 512, &img, -225, 0);
    let top = on_canvas(512, 512, &img, 0, -124);
    for (name, img) in [("half-left", left), ("half-top", top)] {
        let (a, _) = both(name, &img);
        for f in a["frames"].as_array().unwrap() {
            if let Some(b) = f["face_box"].as_array() {
                // A face box may reach past the edge, but not absurdly.
                for v in b {
                    let v = v.as_f64().unwrap();
                    assert!((-512.0..=1024.0).contains(&v), "{name}: box {b:?}");
                }
            }
        }
    }
}

#[test]
fn a_tiny_face_is_handled() {
    // The photo at 1/8 (64 x 64, a face of about 12 px) in a 640 x 480 frame.
    let img = on_canvas(640, 480, &resized(&photo(), 64, 64), 288, 208);
    let (a, _) = both("tiny-face", &img);
    let found = a["frames"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["face"] == true);
    if found {
        // A face that small is too far away: something is said about it.
        assert!(!issue_codes(&a).is_empty(), "tiny face without an issue");
    }
}

#[test]
fn ten_faces_are_counted() {
    let tile = resized(&face_crop(), 128, 128);
    let mut img = solid(5 * 128, 2 * 128, GREY);
    for row in 0..2 {
        for col in 0..5 {
            imageops::overlay(&mut img, &tile, col * 128, row * 128);
        }
    }
    let (a, _) = both("ten-faces", &img);
    // The face followed is one of them; the detector counts the others.
    assert!(a["frames"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["face"] == true));
    assert!(most_faces(&a) >= 2, "faces_detected never above 1");
    assert!(
        issue_codes(&a).contains(&"multiple_faces".to_string()),
        "{:?}",
        issue_codes(&a)
    );
}

#[test]
fn odd_and_tiny_frame_sizes_are_handled() {
    let face = resized(&photo(), 241, 241);
    let odd = on_canvas(333, 241, &face, 46, 0);
    let (a, _) = both("odd-333x241", &odd);
    assert!(
        a["frames"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["face"] == true),
        "the face in an odd-sized frame is found"
    );
    for (name, img) in [
        ("1x1", solid(1, 1, GREY)),
        ("2x2", resized(&photo(), 2, 2)),
        ("3x1", solid(3, 1, Rgb([250, 250, 250]))),
        ("1x7", noise(1, 7)),
    ] {
        let (a, s) = both(name, &img);
        assert_faceless(name, &a, &s);
    }
}

/// Sizes past what any source accepts: exit 2 and a message naming the limit.
#[test]
fn absurd_sizes_are_refused_clearly() {
    for (name, header) in [
        ("too-wide", "YUV4MPEG2 W20000 H10 F30:1 C420jpeg\n"),
        ("zero", "YUV4MPEG2 W0 H10 F30:1 C420jpeg\n"),
        ("overflow", "YUV4MPEG2 W99999999999 H10 F30:1\n"),
    ] {
        let path = tmp(&format!("degenerate-{name}.y4m"));
        let mut bytes = header.as_bytes().to_vec();
        bytes.extend_from_slice(b"FRAME\n");
        bytes.extend(std::iter::repeat_n(100u8, 300));
        std::fs::write(&path, bytes).unwrap();
        for args in [
            vec!["analyze", path.to_str().unwrap(), "--json", "-"],
            vec![
                "practice",
                "--source",
                path.to_str().unwrap(),
                "--headless",
                "--no-intro",
                "--report",
                "-",
            ],
        ] {
            let out = run(&args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {err}");
            assert!(
                out.stdout.is_empty(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stdout)
            );
            assert!(
                err.contains("16384") || err.contains("empty frame size") || err.contains("width"),
                "{name}: {err}"
            );
        }
        let _ = std::fs::remove_file(&path);
    }
}

/// The largest size accepted, declared over a few bytes: the stream is cut
/// short, which is reported (exit 1 with the error in the JSON) without
/// allocating the declared 400 MB frame.
#[test]
fn a_huge_declared_frame_over_little_data_stops_cleanly() {
    let path = tmp("degenerate-huge.y4m");
    let mut bytes = b"YUV4MPEG2 W16384 H16384 F30:1 C444\nFRAME\n".to_vec();
    bytes.extend(std::iter::repeat_n(100u8, 5000));
    std::fs::write(&path, bytes).unwrap();
    let out = run(&["analyze", path.to_str().unwrap(), "--json", "-"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(1 | 2)), "{err}");
    assert!(err.contains("truncated"), "{err}");
    if out.status.code() == Some(1) {
        let doc = json_of(&out, "huge");
        assert!(doc["error"].as_str().unwrap().contains("truncated"));
        assert!(doc["frames"].as_array().unwrap().is_empty());
    }
    let _ = std::fs::remove_file(&path);
}
