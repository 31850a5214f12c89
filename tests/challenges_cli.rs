//! The prompts of action checks (open mouth, shake) and check styles,
//! through `practice --headless`, on real faces.

mod common;
use common::*;
use serde_json::Value;

/// One still of the Yale face database as an RGB image of even height.
fn yale(test: &str, name: &str) -> Option<image::RgbImage> {
    let dir = eval_dir("yale", test)?;
    let img = image::open(dir.join("images").join(name))
        .expect("yale image")
        .to_rgb8();
    let (w, h) = (img.width() & !1, img.height() & !1);
    Some(image::imageops::crop_imm(&img, 0, 0, w, h).to_image())
}

fn practice(clip: &str, name: &str, extra: &[&str]) -> Value {
    headless_practice(clip, name, extra).0
}

fn verdicts(doc: &Value) -> Vec<(String, bool, Option<String>)> {
    prompt_verdicts(doc)
}

/// Two people of the Yale database, their "normal" face, then their
/// "surprised" one (a mouth opened 0.44-0.52 above their closed level),
/// then normal again: the mouth opened and closed. Their smile ("happy")
/// in its place is not an open mouth.
#[test]
fn a_real_open_mouth_passes_and_a_smile_does_not() {
    let test = "a_real_open_mouth_passes_and_a_smile_does_not";
    for subject in ["subject03", "subject14"] {
        let Some(normal) = yale(test, &format!("{subject}.normal.gif")) else {
            return;
        };
        let Some(open) = yale(test, &format!("{subject}.surprised.gif")) else {
            return;
        };
        let Some(smile) = yale(test, &format!("{subject}.happy.gif")) else {
            return;
        };
        for (face, passes) in [(&open, true), (&smile, false)] {
            let clip = clip_of_stills(
                &format!("{subject}-{passes}.y4m"),
                &[(&normal, 45), (face, 30), (&normal, 60)],
                30,
            );
            let doc = practice(
                clip.to_str().expect("path"),
                &format!("{subject}-{passes}.json"),
                &["--challenges", "open_mouth", "--prompt-timeout", "4"],
            );
            let v = verdicts(&doc);
            assert_eq!(v.len(), 1, "{v:?}");
            assert_eq!(v[0].0, "open_mouth");
            assert_eq!(v[0].1, passes, "{subject} {v:?}");
        }
    }
}

/// Twenty seconds of a man talking (talking_face 150-170 s, with the widest
/// openings of the whole clip): talking is not an open-mouth event.
#[test]
fn talking_is_not_an_open_mouth() {
    let test = "talking_is_not_an_open_mouth";
    let Some(clip) = talking_face_cut(test, "talk-150.y4m", 150.0, 20.0, "null", 24) else {
        return;
    };
    let doc = practice(
        &clip,
        "talk-mouth.json",
        &["--challenges", "open_mouth", "--prompt-timeout", "18"],
    );
    let v = verdicts(&doc);
    assert_eq!(v.len(), 1);
    assert!(!v[0].1, "{v:?}");
}

/// Cuts talking_face (head-dev) by an ffmpeg filter graph into a Y4M file.
fn cut(test: &str, name: &str, graph: &str) -> Option<String> {
    let dir = eval_dir("head-dev", test)?;
    if !have_ffmpeg() {
        eprintln!("SKIPPED {test}: ffmpeg is not installed");
        return None;
    }
    let out = tmp(name);
    let st = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(dir.join("talking_face.mp4"))
        .args(["-filter_complex", graph, "-map", "[v]", "-r", "24"])
        .args(["-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe"])
        .arg(&out)
        .status()
        .expect("ffmpeg runs");
    assert!(st.success());
    Some(out.display().to_string())
}

/// Two real turns of the man in talking_face, put one after the other: a
/// 15-degree turn to his left (43-45.9 s) and a 26-degree turn to his right
/// (from 159 s), spliced where his head is back near the middle. Left and
/// right in one go is a shake; the left turn alone is not.
#[test]
fn a_shake_passes_and_a_single_turn_does_not() {
    let test = "a_shake_passes_and_a_single_turn_does_not";
    let Some(shake) = cut(
        test,
        "shake.y4m",
        "[0:v]trim=43:45.9,setpts=PTS-STARTPTS[a];\
         [0:v]trim=159:163,setpts=PTS-STARTPTS[b];\
         [a][b]concat=n=2:v=1[v]",
    ) else {
        return;
    };
    let doc = practice(
        &shake,
        "shake.json",
        &["--style", "actions", "--challenges", "shake"],
    );
    assert_eq!(verdicts(&doc), vec![("shake".into(), true, None)]);
    let Some(single) = cut(
        test,
        "single-turn.y4m",
        "[0:v]trim=43:48,setpts=PTS-STARTPTS[v]",
    ) else {
        return;
    };
    let doc = practice(
        &single,
        "single.json",
        &[
            "--style",
            "actions",
            "--challenges",
            "shake",
            "--prompt-timeout",
            "4",
        ],
    );
    let v = verdicts(&doc);
    assert_eq!(v.len(), 1);
    assert!(!v[0].1, "one turn is not a shake: {v:?}");
}

/// Without --challenges a style asks its own prompts; a bad style says
/// which there are.
#[test]
fn a_style_asks_its_own_prompts() {
    let clip = tmp("style-still.y4m");
    std::fs::write(&clip, y4m_of(&framed_face(), 30, 30)).expect("clip");
    let doc = practice(
        clip.to_str().expect("path"),
        "style-actions.json",
        &["--style", "actions", "--seed", "3"],
    );
    let mut kinds: Vec<String> = verdicts(&doc).into_iter().map(|v| v.0).collect();
    // The clip ends during the first prompt; the plan lists them all.
    if kinds.len() < 4 {
        kinds = doc["attempts"][0]["order"]
            .as_array()
            .expect("order")
            .iter()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect();
    }
    kinds.sort();
    assert_eq!(kinds, ["blink", "nod", "open_mouth", "shake"]);
    let out = run(&["practice", "--style", "oval-ish", "--headless"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("actions") && err.contains("turns"), "{err}");
}

/// The first 3.2 s of head-dev's webcam clip (a real face, frontal), in a
/// frame twice as large and zoomed by ffmpeg with the zoom factor `z` (a
/// function of the time `it`): a faithful stand-in for a person coming
/// closer to the camera.
fn zoomed(test: &str, name: &str, z: &str) -> Option<String> {
    let dir = eval_dir("head-dev", test)?;
    if !have_ffmpeg() {
        eprintln!("SKIPPED {test}: ffmpeg is not installed");
        return None;
    }
    let out = tmp(name);
    let vf = format!(
        "pad=1280:960:320:240,zoompan=z='{z}':d=1:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=640x480:fps=30"
    );
    let st = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-t", "3.2", "-i"])
        .arg(dir.join("webcam_pointer_demo.mp4"))
        .args(["-vf", &vf, "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe"])
        .arg(&out)
        .status()
        .expect("ffmpeg runs");
    assert!(st.success());
    Some(out.display().to_string())
}

/// The kinds of the events `analyze` lists for `clip`.
fn event_kinds(clip: &str, name: &str) -> Vec<String> {
    let json = tmp(name);
    let out = run(&["analyze", clip, "--json", &json.display().to_string(), "-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value =
        serde_json::from_slice(&std::fs::read(&json).expect("analysis written")).expect("json");
    doc["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str().map(String::from))
        .collect()
}

/// Coming closer steadily (the face grows from 0.24 to 0.85 of the frame
/// over 2.2 s, at most 1.12 times in any 0.2 s) fills the oval and passes;
/// a sudden jump to the same size is too fast (a try coached, a failure
/// strict); coming only half way is not close enough.
#[test]
fn moving_closer_steadily_passes_and_a_jump_does_not() {
    let test = "moving_closer_steadily_passes_and_a_jump_does_not";
    let Some(steady) = zoomed(test, "closer.y4m", "exp(0.576*min(max(it-0.2\\,0)\\,2.2))") else {
        return;
    };
    let ask = ["--challenges", "move_closer", "--prompt-timeout", "8"];
    let doc = practice(&steady, "closer.json", &ask);
    assert_eq!(verdicts(&doc), vec![("move_closer".into(), true, None)]);
    let Some(jump) = zoomed(test, "jump.y4m", "if(lt(it\\,1)\\,1\\,3.4)") else {
        return;
    };
    // Outside a prompt, `analyze` lists the steady approach among the
    // clip's events (once), and the jump not (the person also blinks).
    let approaches = |clip: &str, name: &str| {
        let kinds = event_kinds(clip, name);
        kinds.iter().filter(|k| *k == "move_closer").count()
    };
    assert_eq!(approaches(&steady, "closer-analysis.json"), 1);
    assert_eq!(approaches(&jump, "jump-analysis.json"), 0);
    let doc = practice(&jump, "jump.json", &ask);
    assert_eq!(
        verdicts(&doc),
        vec![("move_closer".into(), false, Some("too_fast".into()))]
    );
    assert_eq!(doc["prompts"][0]["tries"][0]["reason"], "too_fast");
    let mut strict = ask.to_vec();
    strict.push("--strict");
    let doc = practice(&jump, "jump-strict.json", &strict);
    let end = doc["prompts"][0]["end_s"].as_f64().unwrap_or(99.0);
    assert!(end < 1.5, "strict fails at the jump: {doc}");
    let Some(half) = zoomed(test, "half.y4m", "exp(0.3*min(max(it-0.2\\,0)\\,2.2))") else {
        return;
    };
    // Time runs out (2.5 s) while the face is only 0.46 of the frame.
    let doc = practice(
        &half,
        "half.json",
        &["--challenges", "move_closer", "--prompt-timeout", "2.5"],
    );
    assert_eq!(
        verdicts(&doc),
        vec![("move_closer".into(), false, Some("not_close_enough".into()))]
    );
}
