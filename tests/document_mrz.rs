//! The MRZ texts of the evaluation specimens (`../shared/eval/documents/
//! labels.csv`, research licence, never copied here): every one parses,
//! and its check digits are valid except where the specimen prints invalid
//! ones on purpose. Skipped with a message where the data is absent.

mod common;

use liveness_coach::document::date::Date;
use liveness_coach::document::mrz::{parse, MrzFormat};

/// Specimens whose printed check digits are wrong, and the checks that
/// fail: the Interpol prototype passport (its source says so).
const INVALID_ON_PURPOSE: &[(&str, &[&str])] =
    &[("passports__Interpol.png", &["expiry_date", "composite"])];

#[test]
fn specimen_mrz_texts_parse_and_verify() {
    let Some(dir) = common::eval_dir("documents", "specimen_mrz_texts_parse_and_verify") else {
        return;
    };
    let csv = std::fs::read_to_string(dir.join("labels.csv")).expect("labels.csv");
    let mut header = Vec::new();
    let today = Date::new(2026, 12, 2).expect("date");
    let mut n = 0;
    let mut formats = std::collections::BTreeMap::new();
    for (i, line) in csv.lines().enumerate() {
        let cols: Vec<&str> = line.split(',').collect();
        if i == 0 {
            header = cols.iter().map(|s| s.to_string()).collect();
            continue;
        }
        let col = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|j| cols.get(j).copied())
                .unwrap_or("")
        };
        let text = col("mrz_text");
        if text.is_empty() {
            continue;
        }
        n += 1;
        let file = col("file");
        let lines: Vec<&str> = text.split('|').collect();
        let m = parse(&lines, today).unwrap_or_else(|e| panic!("{file}: {e}"));
        *formats.entry(m.format.name()).or_insert(0) += 1;
        assert!(!m.surname.is_empty(), "{file}: no surname");
        assert!(
            m.repairs.is_empty(),
            "{file}: a transcription needs no repair: {:?}",
            m.repairs
        );
        let failed = m.failed_checks();
        let expected = INVALID_ON_PURPOSE
            .iter()
            .find(|(f, _)| *f == file)
            .map(|(_, c)| c.to_vec())
            .unwrap_or_default();
        assert_eq!(failed, expected, "{file}: {:?}", m.checks);
        assert!(m.problems.is_empty(), "{file}: {:?}", m.problems);
        // Kinds agree with the label (visas and the TD2 example are `other`).
        let kind = col("kind");
        if kind == "passport" {
            assert_eq!(m.format, MrzFormat::Td3, "{file}");
        }
        if m.format == MrzFormat::Td1 {
            assert_eq!(kind, "id_card", "{file}");
        }
    }
    eprintln!("{n} specimen MRZ texts: {formats:?}; invalid on purpose: {INVALID_ON_PURPOSE:?}");
    assert_eq!(n, 25, "labels.csv has 25 MRZ texts");
}

/// Monaco's specimen card, through the binary: greedy decoding drops the
/// thin `I` that begins its zone and reads its state `MCO` as `MOO` on the
/// first line (right on the second). Read again at the zone's length
/// (`document::ctc::fixed_length`), with the state fields made to agree
/// (`mrz` "state_codes"), all three lines come out as printed.
#[test]
fn monacos_zone_is_read_whole_through_the_binary() {
    let Some(dir) = common::eval_dir("documents", "monacos_zone_is_read_whole_through_the_binary")
    else {
        return;
    };
    if !common::ocr_models_present() {
        return;
    }
    let pic = dir.join("images/arg0s_mrz_docs/id_cards__Monaco.png");
    let out = common::bin()
        .args(["--lang", "en", "document"])
        .arg(&pic)
        .args(["--json", "-", "--show-number", "--today", "2026-12-02"])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let csv = std::fs::read_to_string(dir.join("labels.csv")).expect("labels.csv");
    let label = csv
        .lines()
        .find(|l| l.contains("id_cards__Monaco.png"))
        .and_then(|l| l.rsplit(',').next())
        .expect("Monaco's label");
    let want: Vec<&str> = label.split('|').collect();
    let got: Vec<&str> = v["mrz"]["lines"]
        .as_array()
        .map(|a| a.iter().filter_map(|l| l.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(got, want, "{}", v["mrz"]);
    assert_eq!(v["mrz"]["valid"], true);
    assert_eq!(v["mrz"]["issuing_state"], "MCO");
}

/// A rendered TD3 zone whose last two characters are misplaced (`...<6<`
/// for `...<<6`: its personal-number and composite check digits fail as
/// printed). Decoded at 36 characters, dropping fillers and two letters,
/// its lines had passed as a "valid" TD2 zone named `JOHN DAVD`; a line is
/// now decoded only at lengths it may have lost characters from
/// (`zone::rereadings`), so the zone is read as printed and said invalid.
#[test]
fn a_zone_is_not_made_valid_by_reading_it_shorter() {
    let Some(dir) = common::eval_dir(
        "documents",
        "a_zone_is_not_made_valid_by_reading_it_shorter",
    ) else {
        return;
    };
    if !common::ocr_models_present() {
        return;
    }
    let pic =
        dir.join("images/yushulx_mrz/examples__official__kyc-api__test_images__id_card_smith.png");
    let out = common::bin()
        .args(["--lang", "en", "document"])
        .arg(&pic)
        .args(["--json", "-", "--show-number", "--today", "2026-12-02"])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let m = &v["mrz"];
    assert_eq!(m["format"], "TD3", "{m}");
    assert_eq!(m["valid"], false, "{m}");
    assert_eq!(m["surname"], "SMITH", "{m}");
    assert_eq!(m["given_names"], "JOHN DAVID", "{m}");
    let codes: Vec<&str> = v["issues"]
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(codes.contains(&"mrz_invalid"), "{codes:?}");
}
