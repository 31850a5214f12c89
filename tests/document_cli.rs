//! The `document` command end to end through the binary, on pictures the
//! project ships (the ICAO 9303 UTOPIA specimen rendered in OCR-B by
//! scripts/render-mrz-fixture.py, a face photo) and on broken files. Needs
//! the OCR models (scripts/convert-ocr-models.sh, run by scripts/setup.sh).

mod common;

use common::{bin, fixture, issue_codes, ocr_models_present};

fn json_of(args: &[&str]) -> (serde_json::Value, i32) {
    let out = bin()
        .args(["--lang", "en", "document"])
        .args(args)
        .args(["--json", "-"])
        .output()
        .expect("run");
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (v, out.status.code().unwrap_or(-1))
}

#[test]
fn the_utopia_passport_mrz_is_read_checked_and_expired() {
    if !ocr_models_present() {
        return;
    }
    let p = fixture("mrz-utopia-td3.png");
    let (v, code) = json_of(&[p.to_str().expect("path"), "--today", "2026-12-02"]);
    assert_eq!(v["schema"], "liveness-coach.document.v1");
    assert_eq!(v["mrz"]["found"], true);
    assert_eq!(v["mrz"]["format"], "TD3");
    assert_eq!(v["mrz"]["valid"], true, "{v}");
    assert_eq!(v["mrz"]["surname"], "ERIKSSON");
    assert_eq!(v["mrz"]["given_names"], "ANNA MARIA");
    assert_eq!(v["mrz"]["expiry"], "2012-04-15");
    // The number is masked in files unless --show-number.
    assert_eq!(v["mrz"]["document_number"], "*******C3");
    assert!(issue_codes(&v).contains(&"expired".to_string()), "{v}");
    assert_eq!(v["verdict"], "would_fail");
    assert_eq!(code, 1);
}

#[test]
fn a_date_before_expiry_passes_and_near_it_warns() {
    if !ocr_models_present() {
        return;
    }
    let p = fixture("mrz-utopia-td3.png");
    let (v, code) = json_of(&[
        p.to_str().expect("path"),
        "--today",
        "2010-01-01",
        "--show-number",
    ]);
    assert_eq!(v["verdict"], "would_pass", "{v}");
    assert_eq!(v["mrz"]["document_number"], "L898902C3");
    assert_eq!(code, 0);
    let (v, _) = json_of(&[p.to_str().expect("path"), "--today", "2012-01-15"]);
    assert_eq!(issue_codes(&v), vec!["expires_soon".to_string()], "{v}");
    assert_eq!(v["verdict"], "would_pass");
}

#[test]
fn a_face_photo_has_no_document() {
    if !ocr_models_present() {
        return;
    }
    let p = fixture("astronaut.png");
    let (v, code) = json_of(&[p.to_str().expect("path")]);
    assert_eq!(v["mrz"]["found"], false);
    assert!(issue_codes(&v).contains(&"no_document".to_string()), "{v}");
    assert_eq!(code, 1);
}

#[test]
fn a_corrupt_file_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("lc-doc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bad = dir.join("broken.png");
    std::fs::write(&bad, b"\x89PNG\r\n\x1a\nnot really a png").expect("write");
    let out = bin()
        .args(["document", bad.to_str().expect("path")])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("broken.png") && !err.contains("panicked"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
