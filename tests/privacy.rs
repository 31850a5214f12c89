//! Nothing leaves the machine and nothing is written unless asked:
//! `analyze` and `practice --headless` run in a namespace without a network,
//! and leave the working folder, HOME and TMPDIR exactly as they found them.
//! (`scripts/privacy-check.sh` traces the system calls themselves.)

mod common;
use common::{fixture, tmp, y4m_of};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A short clip of the photo, outside the folders the tests watch.
fn clip() -> PathBuf {
    let path = tmp("privacy-clip.y4m");
    if !path.exists() {
        let img = image::open(fixture("astronaut.png")).unwrap().into_rgb8();
        let img = image::imageops::resize(&img, 160, 160, image::imageops::FilterType::Triangle);
        std::fs::write(&path, y4m_of(&img, 30, 15)).unwrap();
    }
    path
}

fn check(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() != Some(101) && !stderr.contains("panicked"),
        "{what}: panic: {stderr}"
    );
    assert!(out.status.success(), "{what}: {:?}: {stderr}", out.status);
}

fn json(out: &Output, what: &str) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// `unshare -rn` (a user namespace with its own, empty network) when it works here.
fn netless() -> Option<Command> {
    let works = Command::new("unshare")
        .args(["-rn", "true"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !works {
        return None;
    }
    let mut cmd = Command::new("unshare");
    cmd.args(["-rn", env!("CARGO_BIN_EXE_liveness-coach")]);
    Some(cmd)
}

#[test]
fn analyze_and_practice_work_without_a_network() {
    let Some(_) = netless() else {
        eprintln!(
            "SKIPPED analyze_and_practice_work_without_a_network: `unshare -rn true` fails here \
             (no unprivileged user namespaces); scripts/privacy-check.sh checks with strace instead"
        );
        return;
    };
    let photo = fixture("astronaut.png");
    let out = netless()
        .unwrap()
        .args(["analyze", photo.to_str().unwrap(), "--json", "-"])
        .output()
        .unwrap();
    check(&out, "analyze without a network");
    let doc = json(&out, "analyze without a network");
    assert_eq!(
        doc["frames"][0]["face"], true,
        "the photo's face is found offline"
    );

    let clip = clip();
    let out = netless()
        .unwrap()
        .args([
            "practice",
            "--source",
            clip.to_str().unwrap(),
            "--headless",
            "--no-intro",
            "--prompt-timeout",
            "1",
            "--report",
            "-",
        ])
        .output()
        .unwrap();
    check(&out, "practice without a network");
    let doc = json(&out, "practice without a network");
    assert_eq!(doc["schema"], "liveness-coach.session.v1");
    assert_eq!(doc["frames"], 30);
}

/// Three empty folders: the working folder, HOME and TMPDIR.
struct Watched {
    cwd: PathBuf,
    home: PathBuf,
    tmpdir: PathBuf,
}

impl Watched {
    fn new(tag: &str) -> Watched {
        let make = |name: &str| {
            let d = tmp(&format!("privacy-{tag}-{name}"));
            let _ = std::fs::remove_dir_all(&d);
            std::fs::create_dir_all(&d).unwrap();
            d
        };
        Watched {
            cwd: make("cwd"),
            home: make("home"),
            tmpdir: make("tmp"),
        }
    }

    /// The binary with its working folder, HOME and TMPDIR here, and the
    /// XDG folders unset so they default to inside HOME.
    fn bin(&self) -> Command {
        let mut cmd = common::bin();
        cmd.current_dir(&self.cwd)
            .env("HOME", &self.home)
            .env("TMPDIR", &self.tmpdir)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        for v in [
            "XDG_CACHE_HOME",
            "XDG_CONFIG_HOME",
            "XDG_DATA_HOME",
            "XDG_STATE_HOME",
            "XDG_RUNTIME_DIR",
        ] {
            cmd.env_remove(v);
        }
        cmd
    }

    /// Everything inside the three folders, with the folder it is in.
    fn contents(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for d in [&self.cwd, &self.home, &self.tmpdir] {
            list(d, &mut out);
        }
        out
    }
}

fn list(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            list(&p, out);
        }
        out.push(p);
    }
}

#[test]
fn nothing_is_written_unless_asked() {
    let w = Watched::new("silent");
    let photo = fixture("astronaut.png");
    let clip = clip();
    let runs: Vec<(&str, Vec<&str>)> = vec![
        ("analyze a photo", vec!["analyze", photo.to_str().unwrap()]),
        ("analyze a clip", vec!["analyze", clip.to_str().unwrap()]),
        (
            "analyze with JSON on stdout",
            vec!["analyze", clip.to_str().unwrap(), "--json", "-"],
        ),
        (
            "practice --headless",
            vec![
                "practice",
                "--source",
                clip.to_str().unwrap(),
                "--headless",
                "--prompt-timeout",
                "1",
            ],
        ),
        (
            "practice --headless with the report on stdout",
            vec![
                "practice",
                "--source",
                clip.to_str().unwrap(),
                "--headless",
                "--no-intro",
                "--report",
                "-",
            ],
        ),
    ];
    for (what, args) in runs {
        let out = w.bin().args(&args).output().unwrap();
        check(&out, what);
        let written = w.contents();
        assert!(written.is_empty(), "{what} wrote {written:?}");
    }
    // Errors write nothing either.
    let out = w.bin().args(["analyze", "missing.mp4"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(w.contents().is_empty(), "{:?}", w.contents());
}

#[test]
fn a_requested_report_is_the_only_file_written() {
    let w = Watched::new("asked");
    let clip = clip();
    let out = w
        .bin()
        .args([
            "practice",
            "--source",
            clip.to_str().unwrap(),
            "--headless",
            "--no-intro",
            "--report",
            "session.json",
        ])
        .output()
        .unwrap();
    check(&out, "practice --report session.json");
    let out = w
        .bin()
        .args(["analyze", clip.to_str().unwrap(), "--json", "analysis.json"])
        .output()
        .unwrap();
    check(&out, "analyze --json analysis.json");
    let mut written = w.contents();
    written.sort();
    assert_eq!(
        written,
        vec![w.cwd.join("analysis.json"), w.cwd.join("session.json")],
        "only the two requested files (no temporary `.part` left behind)"
    );
    for f in &written {
        let doc: Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        assert!(doc["schema"]
            .as_str()
            .unwrap()
            .starts_with("liveness-coach."));
    }
}
