//! A real hand over a real face, through the binary: MediaPipe's hand
//! models near the face (`vision::hand`) and what they cover
//! (`measure::hands`). Uses `../shared/eval/occlusion` (research photos,
//! never shipped); skips where it is absent.

mod common;

use common::{clip_of_stills, eval_dir, issue_codes, run, tmp};
use serde_json::Value;

fn analyze(path: &str, name: &str) -> Value {
    let json = tmp(name);
    let out = run(&[
        "--lang",
        "en",
        "analyze",
        path,
        "--json",
        &json.display().to_string(),
        "-q",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&std::fs::read(&json).expect("analysis")).expect("json")
}

fn hand_issue(v: &Value) -> Option<&Value> {
    v["issues"]
        .as_array()?
        .iter()
        .find(|i| i["code"] == "hand_over_face")
}

/// A hand across the lower face (Hand-over-Face benchmark sample,
/// labelled by eye): named, with the parts it covers, as a photo and as a
/// clip of it held for two seconds; a bare face (CelebA) is not.
#[test]
fn a_real_hand_over_the_face_is_named_with_the_parts_it_covers() {
    let test = "a_real_hand_over_the_face_is_named_with_the_parts_it_covers";
    let Some(dir) = eval_dir("occlusion", test) else {
        return;
    };
    let hand = dir.join("images/hof_montage_crops/hof_r1c2.png");
    let v = analyze(&hand.display().to_string(), "hand-photo.json");
    let issue = hand_issue(&v).unwrap_or_else(|| panic!("no hand_over_face: {}", v["issues"]));
    let parts: Vec<&str> = issue["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert!(parts.contains(&"mouth"), "{parts:?}");
    let msg = issue["message"]["en"].as_str().unwrap_or("");
    assert!(
        msg.starts_with("A hand covers your") && msg.contains("mouth"),
        "{msg}"
    );
    assert!(
        issue["message"]["zh"].as_str().unwrap_or("").contains("嘴"),
        "{issue}"
    );

    // Held still for 2 s (the hints of video, the hand worker's timing).
    let img = image::open(&hand).expect("photo").to_rgb8();
    let (w, h) = (img.width() & !1, img.height() & !1);
    let img = image::imageops::crop_imm(&img, 0, 0, w, h).to_image();
    let clip = clip_of_stills("hand-held.y4m", &[(&img, 60)], 30);
    let v = analyze(&clip.display().to_string(), "hand-clip.json");
    assert!(hand_issue(&v).is_some(), "{}", v["issues"]);

    let bare = dir.join("images/celeba_negatives/000001.jpg");
    let v = analyze(&bare.display().to_string(), "bare.json");
    assert!(
        !issue_codes(&v).iter().any(|c| c == "hand_over_face"),
        "{}",
        v["issues"]
    );
}
