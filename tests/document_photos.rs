//! Photos of a document built with known truth (`lc_eval::document`: the
//! shipped UTOPIA specimen placed on the shipped photo of a table with
//! coffee, with perspective), judged end to end through the binary: each
//! problem built in names its code, the clean photo names none and its
//! corners are found. Needs the OCR models (scripts/convert-ocr-models.sh).

mod common;

use common::{bin, issue_codes, ocr_models_present, specimen_and_table};
use lc_eval::document::{compose, Scene};
use liveness_coach::document::check::DocIssue;

/// The document on the table as `scene` says, judged: (JSON, true corners).
fn judged(tag: &str, scene: &Scene) -> (serde_json::Value, [[f32; 2]; 4]) {
    let (doc, table) = specimen_and_table();
    let c = compose(&doc, &table, scene);
    let dir = std::env::temp_dir().join(format!("lc-docphoto-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("photo.png");
    c.picture.save(&path).expect("write");
    let out = bin()
        .args(["--lang", "en", "document"])
        .arg(&path)
        // Before the specimen's expiry (2012-04-15) and more than six months
        // ahead of it: no expiry issue.
        .args(["--today", "2011-06-01", "--json", "-"])
        .output()
        .expect("run");
    let _ = std::fs::remove_dir_all(&dir);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (v, c.corners)
}

fn base() -> Scene {
    Scene {
        doc_share: 0.62,
        rotate_deg: 4.0,
        slant: 0.05,
        ..Scene::default()
    }
}

#[test]
fn a_clean_photo_on_a_table_is_found_and_names_no_quality_problem() {
    if !ocr_models_present() {
        return;
    }
    let (v, truth) = judged("clean", &base());
    let said = issue_codes(&v);
    for q in DocIssue::QUALITY.map(DocIssue::code) {
        assert!(
            !said.iter().any(|c| c == q),
            "{q} on a clean photo: {said:?}"
        );
    }
    assert_eq!(v["mrz"]["valid"], true, "{v}");
    assert_eq!(v["document"]["located_by"], "outline", "{v}");
    let corners = v["document"]["corners"].as_array().expect("corners");
    let err: f64 = corners
        .iter()
        .zip(truth)
        .map(|(c, t)| {
            let x = c[0].as_f64().unwrap_or(f64::NAN) - t[0] as f64;
            let y = c[1].as_f64().unwrap_or(f64::NAN) - t[1] as f64;
            x.hypot(y)
        })
        .sum::<f64>()
        / 4.0;
    assert!(
        err < 12.0,
        "mean corner error {err} px: {corners:?} vs {truth:?}"
    );
    assert_eq!(v["verdict"], "would_pass", "{v}");
}

#[test]
fn glare_on_the_document_is_named_with_where_it_is() {
    if !ocr_models_present() {
        return;
    }
    // A spot over the MRZ's lines (the lower third of the specimen).
    let scene = Scene {
        glare: Some(((0.45, 0.72), 0.08, 1.2)),
        ..base()
    };
    let (v, _) = judged("glare", &scene);
    let glare: Vec<&serde_json::Value> = v["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter(|i| i["code"] == "glare")
        .collect();
    assert_eq!(glare.len(), 1, "{v}");
    assert_eq!(glare[0]["where"], "mrz", "{v}");
    assert_eq!(v["verdict"], "would_fail");
}

#[test]
fn a_blurred_photo_is_blurry() {
    if !ocr_models_present() {
        return;
    }
    // The specimen's letters are a twelfth of its height, not the twentieth
    // `blur_text_share` counts in: 0.25 is a blur of a sixth of a letter.
    let scene = Scene {
        blur_text_share: 0.25,
        ..base()
    };
    let (v, _) = judged("blur", &scene);
    assert!(issue_codes(&v).iter().any(|c| c == "blurry"), "{v}");
}

#[test]
fn a_photo_blurred_past_reading_is_blurry_not_missing() {
    if !ocr_models_present() {
        return;
    }
    // So blurred that fewer than three lines are read (at 0.25 the MRZ
    // still is): the detector still sees lines of text there, and the
    // advice is to hold still and focus, not that there is no document.
    let scene = Scene {
        blur_text_share: 0.3,
        ..base()
    };
    let (v, _) = judged("blur-past", &scene);
    let said = issue_codes(&v);
    assert!(v["text_lines"].as_u64().unwrap_or(99) < 3, "{v}");
    assert!(said.iter().any(|c| c == "blurry"), "{v}");
    assert!(!said.iter().any(|c| c == "no_document"), "{v}");
}

#[test]
fn a_document_far_from_the_camera_is_too_small() {
    if !ocr_models_present() {
        return;
    }
    // A fifth of the picture's width: its text is still read, but the
    // document covers about 3% of the picture.
    let scene = Scene {
        doc_share: 0.2,
        ..base()
    };
    let (v, _) = judged("small", &scene);
    let said = issue_codes(&v);
    assert!(said.iter().any(|c| c == "too_small"), "{v}");
    assert!(!said.iter().any(|c| c == "no_document"), "{v}");
}

#[test]
fn a_document_running_off_the_picture_is_cut_off() {
    if !ocr_models_present() {
        return;
    }
    let scene = Scene {
        centre: (0.78, 0.5),
        ..base()
    };
    let (v, _) = judged("cut", &scene);
    assert!(
        issue_codes(&v).iter().any(|c| c == "document_cut_off"),
        "{v}"
    );
}

#[test]
fn a_dark_room_is_too_dark() {
    if !ocr_models_present() {
        return;
    }
    let scene = Scene {
        gain: 0.2,
        ..base()
    };
    let (v, _) = judged("dark", &scene);
    assert!(issue_codes(&v).iter().any(|c| c == "too_dark"), "{v}");
}

/// Lines are read on two threads where there are two cores: each line's
/// reading (the recogniser's output, step by step) is the same as on one.
#[test]
fn reading_on_two_threads_reads_what_one_thread_reads() {
    if !ocr_models_present() {
        return;
    }
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        eprintln!("skipped: one core here, so the OCR reads on one thread only");
        return;
    }
    let (doc, table) = specimen_and_table();
    let pic = compose(&doc, &table, &base()).picture;
    let mut two = liveness_coach::cmd::document::load_ocr(None).expect("ocr");
    let mut one = liveness_coach::cmd::document::load_ocr(None)
        .expect("ocr")
        .on_one_thread();
    let boxes = one.detect(&pic).expect("detect");
    assert!(boxes.len() >= 5, "{} boxes", boxes.len());
    let a = two.read_steps(&pic, &boxes).expect("read");
    let b = one.read_steps(&pic, &boxes).expect("read");
    assert_eq!(a.len(), boxes.len());
    assert!(a == b, "the two ways differ");
    let lines = two.recognise(&pic, &boxes).expect("recognise");
    assert!(lines.iter().any(|l| l.text.contains("UTO")), "{lines:?}");
}
