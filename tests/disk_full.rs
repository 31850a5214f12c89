//! A full disk under `--json`, `--report` and `--record`: a clear message, a
//! non-zero exit, what was measured still printed, and no file left behind,
//! neither the target nor its temporary `.part`.
//!
//! The full disk is a 16 KiB tmpfs mounted in a private mount namespace
//! (`unshare -rm`, no root needed where user namespaces are allowed); where
//! that is unavailable the tests say so and skip.

mod common;
use common::{fixture, tmp, y4m_of};
use std::process::Command;

/// Runs the binary with `args` (where `{dir}` stands for the full disk's
/// folder) inside a namespace whose `{dir}` is a full 16 KiB tmpfs. Returns
/// exit code, stdout, stderr and the folder's listing afterwards, or `None`
/// when namespaces are unavailable.
fn on_full_disk(test: &str, args: &[&str]) -> Option<(i32, String, String, String)> {
    let dir = tmp(&format!("full-{test}"));
    std::fs::create_dir_all(&dir).expect("mount point");
    let d = dir.to_str().expect("path");
    let bin = env!("CARGO_BIN_EXE_liveness-coach");
    let quoted: Vec<String> = args
        .iter()
        .map(|a| format!("'{}'", a.replace("{dir}", d)))
        .collect();
    // Fill the tmpfs first, so the first write fails.
    let script = format!(
        "mount -t tmpfs -o size=16k tmpfs '{d}' || exit 97\n\
         head -c 16384 /dev/zero > '{d}/filler' 2>/dev/null\n\
         '{bin}' {} > '{d}.out' 2> '{d}.err'\n\
         code=$?\n\
         rm -f '{d}/filler'\n\
         echo \"$code\"; ls -A '{d}'",
        quoted.join(" ")
    );
    let out = Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .output();
    let out = match out {
        Ok(o) if o.status.code() != Some(97) && o.status.success() => o,
        other => {
            eprintln!(
                "SKIPPED {test}: no private mount namespace here (unshare -rm): {:?}",
                other.map(|o| String::from_utf8_lossy(&o.stderr).to_string())
            );
            return None;
        }
    };
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut lines = text.lines();
    let code: i32 = lines
        .next()
        .and_then(|l| l.trim().parse().ok())
        .expect("exit code");
    let listing = lines.collect::<Vec<_>>().join("\n");
    let read = |ext: &str| std::fs::read_to_string(format!("{d}.{ext}")).unwrap_or_default();
    let (stdout, stderr) = (read("out"), read("err"));
    assert!(
        code != 101 && !stderr.contains("panicked"),
        "panic: {stderr}"
    );
    Some((code, stdout, stderr, listing))
}

fn clip(name: &str, frames: usize) -> String {
    let img = image::open(fixture("astronaut.png"))
        .expect("fixture")
        .to_rgb8();
    let path = tmp(name);
    std::fs::write(&path, y4m_of(&img, frames, 30)).expect("write clip");
    path.to_str().expect("path").to_string()
}

#[test]
fn analyze_json_on_a_full_disk() {
    let c = clip("full-analyze.y4m", 12);
    let Some((code, stdout, stderr, listing)) = on_full_disk(
        "analyze_json_on_a_full_disk",
        &["analyze", &c, "--json", "{dir}/a.json"],
    ) else {
        return;
    };
    assert_ne!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stderr.contains("a.json") && stderr.to_lowercase().contains("no space"),
        "{stderr}"
    );
    assert!(listing.is_empty(), "left behind: {listing}");
    // The analysis itself is still printed.
    assert!(!stdout.trim().is_empty(), "nothing printed: {stderr}");
}

#[test]
fn practice_report_and_record_on_a_full_disk() {
    let c = clip("full-practice.y4m", 20);
    let Some((code, stdout, stderr, listing)) = on_full_disk(
        "practice_report_and_record_on_a_full_disk",
        &[
            "practice",
            "--source",
            &c,
            "--headless",
            "--report",
            "{dir}/r.json",
            "--record",
            "{dir}/r.y4m",
        ],
    ) else {
        return;
    };
    assert_ne!(code, 0, "{stdout}\n{stderr}");
    let err = stderr.to_lowercase();
    assert!(err.contains("no space"), "{stderr}");
    assert!(stdout.contains("Session summary"), "summary lost: {stdout}");
    assert!(listing.is_empty(), "left behind: {listing}");
}
