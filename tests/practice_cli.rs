//! `practice --headless`: the session script on recorded and constructed
//! frames, through the binary, exactly as a user replays a recording.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

fn report(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("report written")).expect("valid JSON")
}

fn prompts(doc: &Value) -> Vec<(String, bool, Option<String>)> {
    prompt_verdicts(doc)
}

fn head_dev(test: &str) -> Option<String> {
    let dir = eval_dir("head-dev", test)?;
    if !have_ffmpeg() {
        eprintln!("SKIPPED {test}: ffmpeg is not installed");
        return None;
    }
    Some(dir.join("webcam_pointer_demo.mp4").display().to_string())
}

/// Runs a headless practice session on `clip`; returns its session report
/// and the summary printed.
fn practice(clip: &str, name: &str, extra: &[&str]) -> (Value, String) {
    headless_practice(clip, name, extra)
}

fn tries(doc: &Value, prompt: usize) -> Vec<(String, f64, f64)> {
    doc["prompts"][prompt]["tries"]
        .as_array()
        .map(|t| {
            t.iter()
                .map(|t| {
                    (
                        t["reason"].as_str().unwrap_or("").to_string(),
                        t["start_s"].as_f64().unwrap_or(-1.0),
                        t["magnitude"].as_f64().unwrap_or(-1.0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// talking_face from 40 s: a real turn to his left of about 16 degrees
/// (ending near 5.6 s of the cut), then one to his right of about 13
/// (ending near 13.5 s), both past the 8-degree bar of real checks.
#[test]
fn real_turns_past_the_bar_pass_in_the_order_they_are_made() {
    let test = "real_turns_past_the_bar_pass_in_the_order_they_are_made";
    let Some(clip) = talking_face_cut(test, "turns-40.y4m", 40.0, 16.0, "null", 24) else {
        return;
    };
    let (doc, summary) = practice(
        &clip,
        "real-turns.json",
        &["--challenges", "turn_left,turn_right"],
    );
    assert_eq!(doc["schema"], "liveness-coach.session.v1");
    let p = prompts(&doc);
    assert_eq!(
        p,
        vec![
            ("turn_left".into(), true, None),
            ("turn_right".into(), true, None)
        ]
    );
    // Each verdict lands after its movement.
    let ends: Vec<f64> = doc["prompts"]
        .as_array()
        .expect("prompts")
        .iter()
        .map(|p| p["end_s"].as_f64().unwrap_or(0.0))
        .collect();
    for (end, want) in ends.iter().zip([5.6, 13.5]) {
        assert!((end - want).abs() < 0.7, "{ends:?}");
    }
    assert!(summary.contains("2/2"), "{summary}");
}

/// The head-dev webcam glances (6-9 degrees by this project's pose, which
/// is accurate to 1.6 degrees on labelled photos) are under the 8-degree
/// bar of the gentlest published real check. They used to pass a 5-degree
/// bar; a check would not take them, so practice must not either.
#[test]
fn glances_under_the_bar_are_not_far_enough() {
    let Some(clip) = head_dev("glances_under_the_bar_are_not_far_enough") else {
        return;
    };
    let (doc, _) = practice(
        &clip,
        "glance.json",
        &["--challenges", "turn_right", "--prompt-timeout", "6"],
    );
    let p = prompts(&doc);
    assert_eq!(
        p,
        vec![("turn_right".into(), false, Some("not_far_enough".into()))]
    );
    let t = tries(&doc, 0);
    assert!(!t.is_empty(), "the glance is a try: {doc}");
    let (reason, start, deg) = &t[0];
    assert_eq!(reason, "not_far_enough");
    assert!((3.0..4.0).contains(start), "{t:?}");
    assert!((4.0..8.0).contains(&deg.abs()), "{t:?}");
}

#[test]
fn a_prompt_order_the_clip_does_not_follow_fails_with_reasons() {
    let test = "a_prompt_order_the_clip_does_not_follow_fails_with_reasons";
    let Some(clip) = talking_face_cut(test, "order-40.y4m", 40.0, 16.0, "null", 24) else {
        return;
    };
    // Asked right first: he turns left (the other way) and his right turn
    // only comes after the 6 s limit. The nod asked next is not done.
    let (doc, summary) = practice(
        &clip,
        "wrong-order.json",
        &[
            "--challenges",
            "turn_right,nod",
            "--prompt-timeout",
            "6",
            "--lang",
            "zh",
        ],
    );
    let p = prompts(&doc);
    assert_eq!(
        p[0],
        ("turn_right".into(), false, Some("wrong_direction".into())),
        "{p:?}"
    );
    assert!(!p[1].1, "{p:?}");
    // The summary is in Chinese.
    assert!(summary.contains("练习总结"), "{summary}");
}

#[test]
fn turns_done_four_times_too_fast_fail_as_too_fast() {
    let test = "turns_done_four_times_too_fast_fail_as_too_fast";
    // The real turn left of talking_face at 40 s at four times its speed:
    // it takes about a quarter of a second, under the 0.7 s a check needs.
    let Some(fast) = talking_face_cut(test, "fast-40.y4m", 40.0, 8.0, "setpts=0.25*PTS", 96) else {
        return;
    };
    // Coached (the default) the prompt stays open and the too-fast turn is
    // a try that explains the failure; --strict fails on it at once.
    for strict in [false, true] {
        let mut extra = vec!["--challenges", "turn_left"];
        if strict {
            extra.push("--strict");
        }
        let (doc, _) = practice(&fast, &format!("fast-{strict}.json"), &extra);
        assert_eq!(
            prompts(&doc),
            vec![("turn_left".into(), false, Some("too_fast".into()))],
            "strict {strict}"
        );
        let secs = doc["prompts"][0]["movement_s"]
            .as_f64()
            .expect("movement time");
        assert!(secs < 0.7 && secs > 0.1, "{secs}");
        let n = tries(&doc, 0).len();
        assert_eq!(n > 0, !strict, "strict {strict}: {n} tries");
    }
}

/// head-dev's look-down (19.0-19.7 s) replayed at four times its speed,
/// then at its own: coached, the quick nod is a too-fast try and the next
/// one passes the prompt; strict, the quick one fails it. (The 4-5 degree
/// wobbles of the sped-up lead-in are under the near-miss fraction, not
/// tries.)
#[test]
fn a_nod_after_a_too_fast_try_passes_coached_and_fails_strict() {
    let Some(clip) = head_dev("a_nod_after_a_too_fast_try_passes_coached_and_fails_strict") else {
        return;
    };
    let series = tmp("nods.y4m");
    let graph = "[0:v]trim=18:19,setpts=PTS-STARTPTS[a];\
                 [0:v]trim=18:20.3,setpts=0.25*(PTS-STARTPTS)[b];\
                 [0:v]trim=18:20.3,setpts=PTS-STARTPTS[c];\
                 [a][b][c]concat=n=3:v=1,scale=320:240[v]";
    let st = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i", &clip, "-filter_complex", graph])
        .args(["-map", "[v]", "-r", "30", "-pix_fmt", "yuv420p"])
        .args(["-f", "yuv4mpegpipe"])
        .arg(&series)
        .status()
        .expect("ffmpeg runs");
    assert!(st.success());
    let series = series.display().to_string();
    let (doc, _) = practice(&series, "nods-coached.json", &["--challenges", "nod"]);
    assert_eq!(prompts(&doc), vec![("nod".into(), true, None)], "{doc}");
    let t = tries(&doc, 0);
    assert_eq!(t.first().map(|t| t.0.as_str()), Some("too_fast"), "{t:?}");
    let (doc, _) = practice(
        &series,
        "nods-strict.json",
        &["--challenges", "nod", "--strict"],
    );
    assert_eq!(
        prompts(&doc),
        vec![("nod".into(), false, Some("too_fast".into()))]
    );
}

#[test]
fn a_clip_without_a_face_never_passes_anything() {
    let img = image::open(fixture("coffee.png"))
        .expect("fixture")
        .to_rgb8();
    let clip = tmp("coffee.y4m");
    std::fs::write(&clip, y4m_of(&img, 60, 30)).expect("write clip");
    for intro in [true, false] {
        let out_path = tmp(&format!("coffee-{intro}.json"));
        let mut args = vec![
            "practice",
            "--source",
            clip.to_str().expect("path"),
            "--headless",
            "--report",
            out_path.to_str().expect("path"),
            "--seed",
            "5",
        ];
        if !intro {
            args.push("--no-intro");
        }
        let out = run(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc = report(&out_path);
        let p = prompts(&doc);
        assert_eq!(p.len(), 4, "all four prompts are listed: {p:?}");
        assert!(p.iter().all(|(_, passed, _)| !passed));
        let codes: Vec<&str> = doc["hints"]
            .as_array()
            .expect("hints")
            .iter()
            .filter_map(|h| h["code"].as_str())
            .collect();
        assert_eq!(codes, vec!["no_face"], "{doc}");
        assert_eq!(doc["seed"], 5);
    }
}

#[test]
fn recording_saves_the_frames_and_only_when_asked() {
    let img = image::open(fixture("astronaut.png"))
        .expect("fixture")
        .to_rgb8();
    let clip = tmp("astronaut.y4m");
    std::fs::write(&clip, y4m_of(&img, 45, 30)).expect("write clip");
    let rec = tmp("rec.y4m");
    let out = run(&[
        "practice",
        "--source",
        clip.to_str().expect("path"),
        "--headless",
        "--no-intro",
        "--challenges",
        "blink",
        "--record",
        rec.to_str().expect("path"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Read it back through analyze: same frame count.
    let out = run(&["analyze", rec.to_str().expect("path"), "--json", "-", "-q"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["input"]["frames"], 45);
    assert_eq!(doc["frames"][0]["face"], true);
    // A still photo never blinks: the blink prompt is not passed. Run from
    // an empty folder: nothing is written without --record or --report.
    let empty = tmp("empty-cwd");
    std::fs::create_dir_all(&empty).expect("dir");
    let out = bin()
        .current_dir(&empty)
        .args([
            "practice",
            "--source",
            clip.to_str().expect("path"),
            "--headless",
            "--no-intro",
            "--challenges",
            "blink",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert_eq!(std::fs::read_dir(&empty).expect("ls").count(), 0);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0/1"));
}

#[test]
fn bad_practice_arguments_say_what_to_do() {
    let still = fixture("coffee.png").display().to_string();
    for (args, needle) in [
        (
            vec![
                "practice",
                "--source",
                &still,
                "--headless",
                "--record",
                "/nonexistent-dir/rec.y4m",
            ],
            "/nonexistent-dir/rec.y4m",
        ),
        (
            vec!["practice", "--challenges", "wink", "--headless"],
            "wink",
        ),
        (
            vec!["practice", "--prompt-timeout", "0", "--headless"],
            "prompt-timeout",
        ),
        (
            vec!["practice", "--window", "12", "--headless"],
            "WIDTHxHEIGHT",
        ),
        (
            vec!["practice", "--source", "/nonexistent.mp4", "--headless"],
            "no such file",
        ),
    ] {
        let out = run(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn an_unwritable_report_fails_but_the_summary_is_still_printed() {
    let img = image::open(fixture("coffee.png"))
        .expect("fixture")
        .to_rgb8();
    let clip = tmp("coffee-short.y4m");
    std::fs::write(&clip, y4m_of(&img, 10, 30)).expect("write clip");
    let out = run(&[
        "practice",
        "--source",
        clip.to_str().expect("path"),
        "--headless",
        "--report",
        "/nonexistent-dir/report.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Session summary"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent-dir/report.json"));
}

#[test]
fn no_camera_and_no_display_are_explained() {
    // This machine has no camera: the headless session says so (exit 2).
    let out = run(&["practice", "--headless"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(err.contains("camera"), "{err}");
    // Without a display, the window cannot open: it says how to go on.
    let img = image::open(fixture("coffee.png"))
        .expect("fixture")
        .to_rgb8();
    let clip = tmp("coffee-win.y4m");
    std::fs::write(&clip, y4m_of(&img, 10, 30)).expect("write clip");
    let out = bin()
        .args(["practice", "--source", clip.to_str().expect("path")])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--headless"), "{err}");
}

#[test]
fn input_that_breaks_mid_session_keeps_the_results_so_far() {
    // A camera unplugged or a file cut short: frames stop with an error.
    let img = framed_face();
    let mut bytes = y4m_of(&img, 40, 30);
    bytes.truncate(bytes.len() - 1000);
    let clip = tmp("cut.y4m");
    std::fs::write(&clip, bytes).expect("write clip");
    let out_path = tmp("cut.json");
    let out = run(&[
        "practice",
        "--source",
        clip.to_str().expect("path"),
        "--headless",
        "--no-intro",
        "--challenges",
        "blink,nod",
        "--report",
        out_path.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(1), "stopped early: exit 1");
    let doc = report(&out_path);
    assert!(
        doc["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{doc}"
    );
    assert_eq!(doc["frames"], 39);
    let p = prompts(&doc);
    assert_eq!(p.len(), 2);
    assert!(
        p.iter()
            .all(|(_, passed, r)| !passed && r.as_deref() == Some("ended")),
        "{p:?}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("stopped early"));
}

/// A headless session reading Y4M from stdin, reporting to `report`, all
/// three standard streams piped.
fn headless_on_stdin(report: &Path) -> std::process::Child {
    bin()
        .args([
            "practice",
            "--source",
            "-",
            "--headless",
            "--no-intro",
            "--report",
            report.to_str().expect("path"),
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn")
}

#[test]
fn ctrl_c_ends_the_session_with_its_summary_and_report() {
    use std::io::Write;
    // An endless Y4M stream on stdin (a camera that keeps going), then SIGINT.
    let img = framed_face();
    let one = y4m_of(&img, 1, 30);
    let header_end = one.iter().position(|&b| b == b'\n').expect("header") + 1;
    let (header, frame) = one.split_at(header_end);
    let out_path = tmp("interrupted.json");
    let mut child = headless_on_stdin(&out_path);
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(header).expect("header");
    for _ in 0..60 {
        if stdin.write_all(frame).is_err() {
            break;
        }
    }
    // Wait until it is under way (its first line on stderr), so the signal
    // does not arrive before the program is listening for it.
    let mut err = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut first = String::new();
    std::io::BufRead::read_line(&mut err, &mut first).expect("a first line");
    let pid = child.id().to_string();
    let st = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(st.success());
    // Once it has taken the signal (it says so), the stream ends too; the
    // session stops as interrupted. Ending the stream before that would race
    // the signal: a stream that simply ends is a normal end.
    let mut rest = String::new();
    loop {
        let mut line = String::new();
        let n = std::io::BufRead::read_line(&mut err, &mut line).expect("stderr");
        rest.push_str(&line);
        if n == 0 || line.contains("Ctrl-C: stopping") {
            break;
        }
    }
    drop(stdin);
    let _ = std::io::Read::read_to_string(&mut err, &mut rest);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1), "{first}{rest}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Session summary"));
    let doc = report(&out_path);
    assert!(
        doc["error"]
            .as_str()
            .is_some_and(|e| e.contains("interrupted")),
        "{doc}"
    );
    assert!(doc["frames"].as_u64().is_some_and(|n| n > 0));
}

#[test]
fn a_stream_that_stops_delivering_ends_the_session_with_its_report() {
    use std::io::Write;
    // 40 frames on stdin, then the stream goes silent without closing (a
    // camera that stops delivering, a stalled pipe).
    let img = framed_face();
    let clip = y4m_of(&img, 40, 30);
    let out_path = tmp("stalled.json");
    let mut child = headless_on_stdin(&out_path);
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(&clip).expect("frames");
    stdin.flush().expect("flush");
    // Keep stdin open; the program must give up on its own. A guard (not a
    // timing assertion): kill it if it is still running long after the
    // 5 s frame timeout.
    let waited = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if waited.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    drop(stdin);
    let out = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        status.is_some(),
        "still waiting for frames after 60 s: {stderr}"
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // The summary says why the session ended.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Session summary"), "{stdout}");
    assert!(stdout.contains("stopped delivering"), "{stdout}");
    let doc = report(&out_path);
    assert!(
        doc["error"]
            .as_str()
            .is_some_and(|e| e.contains("stopped delivering")),
        "{doc}"
    );
    assert_eq!(doc["frames"].as_u64(), Some(40), "{doc}");
}
