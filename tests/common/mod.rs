//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_liveness-coach"))
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Whether the OCR models the `document` command needs are installed; a
/// message saying the test is skipped when not.
pub fn ocr_models_present() -> bool {
    let ok = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models/ocr/ch_PP-OCRv4_rec_infer.onnx")
        .is_file();
    if !ok {
        eprintln!("skipped: OCR models absent (run scripts/convert-ocr-models.sh)");
    }
    ok
}

/// The issue codes of a `document` JSON.
pub fn issue_codes(v: &serde_json::Value) -> Vec<String> {
    v["issues"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["code"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// `../shared/eval/SUB` beside the project, or `None` with a message saying
/// the test is skipped.
pub fn eval_dir(sub: &str, test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/eval")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED {test}: {} is absent (real footage with ground truth; see tests/README.md)",
            dir.display()
        );
        None
    }
}

pub fn have_ffmpeg() -> bool {
    Command::new("ffmpeg")
        .arg("-version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Runs the binary and checks it did not panic (Rust exits 101 on a panic).
pub fn run(args: &[&str]) -> Output {
    let out = bin().args(args).output().expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() != Some(101) && !stderr.contains("panicked"),
        "panic on {args:?}: {stderr}"
    );
    out
}

pub fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("liveness-coach-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

/// A Y4M stream (4:2:0) of `frames` copies of an RGB image.
pub fn y4m_of(img: &image::RgbImage, frames: usize, fps: u32) -> Vec<u8> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut out = format!("YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n").into_bytes();
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let mut y = vec![0u8; w * h];
    let mut u = vec![0u8; cw * ch];
    let mut v = vec![0u8; cw * ch];
    for (i, p) in img.pixels().enumerate() {
        let [r, g, b] = p.0.map(|c| c as f32);
        y[i] = (16.0 + 0.257 * r + 0.504 * g + 0.098 * b).round() as u8;
        let (row, col) = (i / w, i % w);
        if row % 2 == 0 && col % 2 == 0 {
            let ci = (row / 2) * cw + col / 2;
            u[ci] = (128.0 - 0.148 * r - 0.291 * g + 0.439 * b).round() as u8;
            v[ci] = (128.0 + 0.439 * r - 0.368 * g - 0.071 * b).round() as u8;
        }
    }
    for _ in 0..frames {
        out.extend_from_slice(b"FRAME\n");
        out.extend_from_slice(&y);
        out.extend_from_slice(&u);
        out.extend_from_slice(&v);
    }
    out
}

/// The astronaut's face (tests/fixtures, public domain) cropped so that it
/// sits in the oval as a person in front of a webcam would.
pub fn framed_face() -> image::RgbImage {
    let img = image::open(fixture("astronaut.png"))
        .expect("fixture")
        .to_rgb8();
    image::imageops::crop_imm(&img, 80, 21, 290, 218).to_image()
}

/// Cuts `secs` seconds from `start` of head-dev's talking_face clip (real
/// turns and nods of a man talking to the camera) into a Y4M file, through
/// the ffmpeg filter `vf` at `fps`; `None`, with a message, where head-dev or
/// ffmpeg is absent.
pub fn talking_face_cut(
    test: &str,
    name: &str,
    start: f64,
    secs: f64,
    vf: &str,
    fps: u32,
) -> Option<String> {
    let dir = eval_dir("head-dev", test)?;
    if !have_ffmpeg() {
        eprintln!("SKIPPED {test}: ffmpeg is not installed");
        return None;
    }
    let out = tmp(name);
    let st = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-ss", &start.to_string(), "-i"])
        .arg(dir.join("talking_face.mp4"))
        .args(["-t", &secs.to_string(), "-vf", vf, "-r", &fps.to_string()])
        .args(["-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe"])
        .arg(&out)
        .status()
        .expect("ffmpeg runs");
    assert!(st.success(), "ffmpeg cut {name}");
    Some(out.display().to_string())
}

/// Runs `practice --source CLIP --headless --no-intro --report` with `extra`
/// arguments; returns the session report and the summary printed. Panics
/// (failing the test) when the session does not end successfully.
pub fn headless_practice(clip: &str, name: &str, extra: &[&str]) -> (serde_json::Value, String) {
    let out_path = tmp(name);
    let mut args = vec![
        "practice",
        "--source",
        clip,
        "--headless",
        "--no-intro",
        "--report",
        out_path.to_str().expect("path"),
    ];
    args.extend_from_slice(extra);
    let out = run(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = serde_json::from_slice(&std::fs::read(&out_path).expect("report written"))
        .expect("valid JSON");
    (doc, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// (kind, passed, reason) of every prompt in a session report.
pub fn prompt_verdicts(doc: &serde_json::Value) -> Vec<(String, bool, Option<String>)> {
    doc["prompts"]
        .as_array()
        .expect("prompts")
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap_or("").to_string(),
                p["passed"].as_bool().unwrap_or(false),
                p["reason"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// A Y4M clip of stills held for the given numbers of frames, at `fps`.
pub fn clip_of_stills(name: &str, stills: &[(&image::RgbImage, usize)], fps: u32) -> PathBuf {
    let mut out = Vec::new();
    for (i, (img, n)) in stills.iter().enumerate() {
        let one = y4m_of(img, *n, fps);
        let body = one
            .iter()
            .position(|b| *b == b'\n')
            .map_or(0, |p| if i == 0 { 0 } else { p + 1 });
        out.extend_from_slice(&one[body..]);
    }
    let path = tmp(name);
    std::fs::write(&path, out).expect("write clip");
    path
}

/// The shipped UTOPIA passport specimen and the shipped photo of a table
/// with coffee (public domain), for building document photos.
pub fn specimen_and_table() -> (image::RgbImage, image::RgbImage) {
    let doc = image::open(fixture("mrz-utopia-td3.png"))
        .expect("fixture")
        .to_rgb8();
    let table = image::open(fixture("coffee.png"))
        .expect("fixture")
        .to_rgb8();
    (doc, table)
}
