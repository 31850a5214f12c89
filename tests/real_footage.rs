//! `analyze` on real footage from ../shared/eval (skipped where it is absent).
//!
//! zju-dev: 40 clips of 10 people with per-frame blink truth, four conditions
//! (no glasses, thin and black-frame glasses, camera below the face).
//! head-dev: a webcam clip with held turns, a look-down and blinks, with a
//! timeline read off the footage (its README).

mod common;
use lc_eval::eval::{blink_spans, keep_every, match_spans, replay_events, Counts, Span, ZjuTruth};
use liveness_coach::analysis::EyeSource;
use liveness_coach::record::FrameRecord;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn analyze(clip: &Path) -> Value {
    let out = common::run(&["analyze", clip.to_str().unwrap(), "--json", "-", "-q"]);
    assert!(
        out.status.success(),
        "{clip:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn spans(doc: &Value, kind: &str) -> Vec<Span> {
    doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .map(|e| Span {
            start: e["start_frame"].as_u64().unwrap(),
            end: e["end_frame"].as_u64().unwrap(),
        })
        .collect()
}

#[test]
fn zju_blink_f1_floor() {
    let Some(root) = common::eval_dir("zju-dev", "zju_blink_f1_floor") else {
        return;
    };
    if !common::have_ffmpeg() {
        eprintln!("SKIPPED zju_blink_f1_floor: ffmpeg is not installed (the clips are H.264)");
        return;
    }
    let mut names: Vec<String> = std::fs::read_dir(root.join("clips"))
        .unwrap()
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(String::from))
        .collect();
    names.sort();
    assert_eq!(names.len(), 40);
    // Two workers: the machine has two cores.
    let results: Vec<(String, Counts, Counts)> = std::thread::scope(|s| {
        let chunks: Vec<_> = names.chunks(20).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let root = root.clone();
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|name| {
                            let doc = analyze(&root.join("clips").join(format!("{name}.mp4")));
                            let truth = ZjuTruth::load(&root.join("gt"), name).unwrap();
                            let c =
                                match_spans(&truth.known(&spans(&doc, "blink")), &truth.blinks, 2);
                            let c15 = at_15_fps(&doc, &truth);
                            (name.rsplit('_').next().unwrap().to_string(), c, c15)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut per: BTreeMap<String, Counts> = BTreeMap::new();
    let mut all = Counts::default();
    let mut slow = Counts::default();
    for (cond, c, c15) in results {
        per.entry(cond).or_default().add(c);
        all.add(c);
        slow.add(c15);
    }
    assert_eq!(all.tp + all.fn_, 149, "the truth has 149 blinks");
    for (cond, c) in &per {
        eprintln!(
            "{cond}: precision {:.3} recall {:.3} F1 {:.3}",
            c.precision(),
            c.recall(),
            c.f1()
        );
        assert!(c.f1() >= 0.9, "{cond}: F1 {:.3} below 0.9", c.f1());
    }
    eprintln!("all: F1 {:.3}; at 15 fps: F1 {:.3}", all.f1(), slow.f1());
    assert!(all.f1() >= 0.95, "overall F1 {:.3} below 0.95", all.f1());
    // Short blinks (1-2 frames) at 15 fps are still caught by their shape.
    assert!(
        slow.f1() >= 0.95,
        "F1 at 15 fps {:.3} below 0.95",
        slow.f1()
    );
}

/// The clip as a 15 fps camera would deliver it: every other frame's
/// measures through the event detectors, against the truth halved.
fn at_15_fps(doc: &Value, truth: &ZjuTruth) -> Counts {
    let frames: Vec<FrameRecord> = serde_json::from_value(doc["frames"].clone()).unwrap();
    let pred = blink_spans(&replay_events(&keep_every(&frames, 2), EyeSource::Iris));
    let t = truth.keep_every(2);
    match_spans(&t.known(&pred), &t.blinks, 2)
}

#[test]
fn head_dev_turns_nod_and_blinks_follow_the_timeline() {
    let Some(root) = common::eval_dir(
        "head-dev",
        "head_dev_turns_nod_and_blinks_follow_the_timeline",
    ) else {
        return;
    };
    if !common::have_ffmpeg() {
        eprintln!(
            "SKIPPED head_dev_turns_nod_and_blinks_follow_the_timeline: ffmpeg is not installed"
        );
        return;
    }
    let doc = analyze(&root.join("webcam_pointer_demo.mp4"));
    let events: Vec<(String, f64, f64)> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["start_s"].as_f64().unwrap(),
                e["end_s"].as_f64().unwrap(),
            )
        })
        .collect();
    let within = |kind: &str, lo: f64, hi: f64| {
        events
            .iter()
            .filter(|(k, s, e)| k == kind && *s < hi && *e > lo)
            .count()
    };
    // The timeline (head-dev/README.md): glances to his right at 3.3-4.5 s
    // and 15.5-17.8 s, to his left at 9-15 s and 26.5 s, a look-down at
    // 19.0-19.7 s. Real checks ask for 8 degrees from neutral; of the
    // glances only the one at 15.5 s gets there (about 10 degrees), the
    // others stay at 6-7 and are not turns. They were, under the old
    // 5-degree bar that no real check uses.
    assert_eq!(within("turn_right", 15.0, 18.5), 1, "{events:?}");
    assert_eq!(within("nod", 18.8, 20.2), 1, "{events:?}");
    assert_eq!(
        within("turn_left", 0.0, 29.0) + within("turn_right", 0.0, 15.0),
        0,
        "{events:?}"
    );
    // The look-down narrows the eyes but is not a blink; blinks near 1.5 s,
    // 13.0 s and the long one at 20.4-21.2 s are found.
    assert_eq!(within("blink", 18.9, 19.9), 0, "{events:?}");
    assert!(
        within("blink", 1.2, 2.3) >= 1
            && within("blink", 12.7, 13.5) >= 1
            && within("blink", 20.3, 21.3) >= 1,
        "{events:?}"
    );
    // Yaw sign: turned to his own left (9.5-11 s) is positive, to his right negative.
    let mean_yaw = |lo: f64, hi: f64| {
        let v: Vec<f64> = doc["frames"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| (lo..hi).contains(&f["time_s"].as_f64().unwrap()))
            .filter_map(|f| f["yaw_deg"].as_f64())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(
        mean_yaw(9.5, 11.0) > 4.0 && mean_yaw(16.0, 17.5) < -4.0 && mean_yaw(6.0, 8.0).abs() < 2.0
    );
}

#[test]
fn yale_side_light_shows_in_the_balance_of_the_face_halves() {
    let Some(root) = common::eval_dir(
        "yale",
        "yale_side_light_shows_in_the_balance_of_the_face_halves",
    ) else {
        return;
    };
    let doc = analyze(&root.join("images"));
    let mut files: Vec<String> = std::fs::read_dir(root.join("images"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    files.sort();
    let labels = std::fs::read_to_string(root.join("labels.csv")).unwrap();
    let lighting: BTreeMap<&str, &str> = labels
        .lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            Some((*c.first()?, *c.get(3)?))
        })
        .collect();
    let frames = doc["frames"].as_array().unwrap();
    assert_eq!(frames.len(), files.len());
    let (mut side_hit, mut side_n, mut other_hit, mut other_n) = (0, 0, 0, 0);
    for (f, name) in frames.iter().zip(&files) {
        let balance = f["side_balance"]
            .as_f64()
            .expect("a face in every Yale photo")
            .abs();
        if lighting[name.as_str()].ends_with("_side") {
            side_n += 1;
            side_hit += (balance >= 0.2) as usize;
        } else {
            other_n += 1;
            other_hit += (balance >= 0.2) as usize;
        }
    }
    assert_eq!(side_n, 30);
    assert_eq!(side_hit, 30, "every side-lit face is unbalanced");
    assert!(
        other_hit * 50 <= other_n,
        "{other_hit} of {other_n} evenly lit faces look unbalanced"
    );
}

/// The codes `analyze` raised for `clip`, with their frame spans.
fn issue_spans(clip: &Path, code: &str) -> Vec<(u64, u64)> {
    analyze(clip)["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["code"] == code)
        .map(|i| {
            (
                i["start_frame"].as_u64().unwrap(),
                i["end_frame"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A zju clip changed by an ffmpeg filter, written as Y4M.
fn filtered(root: &Path, clip: &str, filter: &str, out: &str) -> std::path::PathBuf {
    let dst = common::tmp(out);
    let st = std::process::Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(root.join("clips").join(clip))
        .args(["-vf", filter, "-pix_fmt", "yuv420p"])
        .arg(&dst)
        .status()
        .expect("ffmpeg");
    assert!(st.success());
    dst
}

#[test]
fn a_second_face_counts_only_when_the_mesh_confirms_it() {
    let Some(root) = common::eval_dir(
        "zju-dev",
        "a_second_face_counts_only_when_the_mesh_confirms_it",
    ) else {
        return;
    };
    if !common::have_ffmpeg() {
        eprintln!("SKIPPED a_second_face_counts_only_when_the_mesh_confirms_it: no ffmpeg");
        return;
    }
    // A second person walks behind him from about frame 60 (2 s).
    let real = issue_spans(&root.join("clips/000001M_UNN.mp4"), "multiple_faces");
    assert!(
        real.iter().any(|&(a, _)| (55..=95).contains(&a)),
        "the passer-by is missed: {real:?}"
    );
    // Moved sideways in a grey frame, and rotated: the detector alone sees a
    // second "face" in the clutter on 106 and 18 of 140 frames
    // (examples/probe_faces.rs); one person is in view.
    for (clip, filter, out) in [
        (
            "000003M_UNN.mp4",
            "crop=218:ih:0:0,pad=320:ih:102:0:color=0x6e6e6e",
            "shifted.y4m",
        ),
        (
            "000009M_FNN.mp4",
            "rotate=22*PI/180:fillcolor=0x6e6e6e",
            "rotated.y4m",
        ),
    ] {
        let y4m = filtered(&root, clip, filter, out);
        let seen = issue_spans(&y4m, "multiple_faces");
        assert!(seen.is_empty(), "{clip} ({filter}): {seen:?}");
    }
}

/// Each side-lit Yale still on its own (as one frame, the way a still is
/// judged): the eye on the shadowed side is dark, but that is the light
/// (`uneven_light`), not hair over the eye. Without the shadow rule in
/// `hints::conditions`, subject05 and subject09 lit from the right read as
/// hair over an eye (eye darkness gaps 0.33 and 0.39 against 0.33).
#[test]
fn a_side_lit_eye_is_put_down_to_the_light_not_hair() {
    use liveness_coach::hints::conditions;
    use liveness_coach::record::HintCode;
    let Some(root) = common::eval_dir("yale", "a_side_lit_eye_is_put_down_to_the_light_not_hair")
    else {
        return;
    };
    let labels = std::fs::read_to_string(root.join("labels.csv")).unwrap();
    let side_lit: Vec<&str> = labels
        .lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            c.get(3)?.ends_with("_side").then_some(c[0])
        })
        .collect();
    assert_eq!(side_lit.len(), 30);
    for file in side_lit {
        let path = root.join("images").join(file);
        let doc = analyze(&path);
        let rec: FrameRecord = serde_json::from_value(doc["frames"][0].clone()).expect("record");
        let (w, h) = (
            doc["input"]["width"].as_u64().unwrap() as u32,
            doc["input"]["height"].as_u64().unwrap() as u32,
        );
        let c = conditions(&rec, w, h);
        assert!(
            c[HintCode::UnevenLight.index()].is_some(),
            "{file}: light not named"
        );
        assert!(
            c[HintCode::HairOverEyes.index()].is_none(),
            "{file}: read as hair"
        );
    }
}
