//! Precision and recall of the still-showable hint codes on real photos,
//! scored on what `analyze PHOTO` lists in its `"issues"` (docs/photos.md).
//!
//! `cargo run --release -p lc-eval --example eval_photos -- ../shared/eval [--list]`
//!
//! Every photo goes through the same path as `liveness-coach analyze
//! PHOTO`: one frame through `analysis::analyze_source`, whose hint
//! tracker judges a one-frame stream as a photo (`hints::still`); the codes
//! of the resulting issues are the decision. The defaults of `analyze` are
//! used (`--eyes iris`).
//!
//! Sets and truth (labels by eye, see each set's README):
//! - `yale/` (164 grayscale stills, 320x243, read as files): `uneven_light`
//!   on the left/right-side lit ones (no on the others); `too_dark` no on
//!   the evenly lit ones (not labelled on the half-shadowed ones);
//!   `too_bright` no except the centre-lit ones (not labelled: a strong
//!   point light in front); `glasses` from the labels (yes/no; `unknown` not
//!   labelled); `hat` yes on subject11 (a fringe down over the brows in all
//!   her stills, the convention of docs/hints.md), no on the others;
//!   `sunglasses`, `mask`, `hand_over_face` no; `backlit` not labelled.
//! - `masks/` (600 photos on a 640x480 canvas, read as files): `mask`,
//!   `sunglasses`, `glasses` (the `eyeglasses` column; not labelled where
//!   sunglasses are worn: the sunglasses advice is the one to give), `hat`,
//!   `hand_over_face`; `unclear` not labelled; light codes not labelled.
//! - `occlusion/` (168 photos of mixed sizes): placed on a 640x480 canvas as
//!   `masks/` is (longest side scaled to 240 px, centred 20 px above the
//!   middle of a grey-118 canvas), the way a webcam frame shows a face;
//!   with `--as-given` also as the files are. Codes as for `masks/`.
//!
//! `--list` prints every photo that missed or wrongly raised a code.

use anyhow::{Context, Result};
use liveness_coach::analysis::{analyze_source, Analyzer, AnalyzerOptions, EyeSource};
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::record::HintCode;
use liveness_coach::source::{open_path, FrameSource, SourceInfo};
use std::collections::BTreeMap;
use std::path::Path;

/// The codes the table reports, in this order.
const CODES: [HintCode; 9] = [
    HintCode::TooDark,
    HintCode::TooBright,
    HintCode::Backlit,
    HintCode::UnevenLight,
    HintCode::Glasses,
    HintCode::Sunglasses,
    HintCode::Mask,
    HintCode::Hat,
    HintCode::HandOverFace,
];

/// The canvas `masks/` was made on (its README), used for `occlusion/`.
const CANVAS: (u32, u32) = (640, 480);
const CANVAS_LONG_SIDE: u32 = 240;
const CANVAS_LIFT_PX: i64 = 20;
const CANVAS_GREY: u8 = 118;

/// A source of one frame already in memory: a photo, as `analyze` reads one.
struct OneFrame {
    frame: Option<Frame>,
    info: SourceInfo,
}

impl FrameSource for OneFrame {
    fn info(&self) -> &SourceInfo {
        &self.info
    }
    fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
        match self.frame.take() {
            Some(f) => {
                *frame = f;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// The codes `analyze` lists for `source`, and whether a face was found.
fn judge(files: &ModelFiles, source: &mut dyn FrameSource) -> Result<(Vec<HintCode>, bool)> {
    let mut a = Analyzer::new(
        files,
        AnalyzerOptions {
            eye_source: EyeSource::Iris,
        },
    )?;
    let clip = analyze_source(source, &mut a, &mut (), |_| {})?;
    let face = clip.frames.iter().any(|f| f.face);
    let mut codes: Vec<HintCode> = clip.issues.iter().map(|s| s.code).collect();
    codes.sort();
    codes.dedup();
    Ok((codes, face))
}

/// The photo at `path` placed on the `masks/` canvas.
fn on_canvas(path: &Path) -> Result<Frame> {
    let img = image::open(path)
        .with_context(|| format!("{} is not a readable image", path.display()))?
        .into_rgb8();
    let (w, h) = (img.width().max(1), img.height().max(1));
    let k = CANVAS_LONG_SIDE as f32 / w.max(h) as f32;
    let (nw, nh) = (
        ((w as f32 * k).round() as u32).max(1),
        ((h as f32 * k).round() as u32).max(1),
    );
    let small = image::imageops::resize(&img, nw, nh, image::imageops::FilterType::Triangle);
    let mut canvas = image::RgbImage::from_pixel(CANVAS.0, CANVAS.1, image::Rgb([CANVAS_GREY; 3]));
    let x = (CANVAS.0 as i64 - nw as i64) / 2;
    let y = (CANVAS.1 as i64 - nh as i64) / 2 - CANVAS_LIFT_PX;
    image::imageops::overlay(&mut canvas, &small, x, y);
    Frame::from_rgb(CANVAS.0, CANVAS.1, canvas.into_raw()).context("canvas")
}

type Truth = BTreeMap<HintCode, bool>;

#[derive(Default, Clone, Copy)]
struct Tally {
    tp: u32,
    fp: u32,
    fn_: u32,
    tn: u32,
}

impl Tally {
    fn add(&mut self, predicted: bool, truth: bool) {
        match (predicted, truth) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    fn merge(&mut self, o: &Tally) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.tn += o.tn;
    }
}

fn ratio(a: u32, b: u32) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}

#[derive(Default)]
struct Set {
    name: String,
    photos: u32,
    faces: u32,
    tally: BTreeMap<HintCode, Tally>,
    /// Photos where a code is not labelled, and on how many it was raised.
    unlabelled: BTreeMap<HintCode, (u32, u32)>,
    misses: Vec<String>,
    false_alarms: Vec<String>,
}

impl Set {
    fn new(name: &str) -> Set {
        Set {
            name: name.into(),
            ..Default::default()
        }
    }

    fn score(&mut self, photo: &str, raised: &[HintCode], face: bool, truth: &Truth) {
        self.photos += 1;
        self.faces += face as u32;
        for code in CODES {
            let p = raised.contains(&code);
            let Some(&t) = truth.get(&code) else {
                let u = self.unlabelled.entry(code).or_default();
                u.0 += 1;
                u.1 += p as u32;
                if p {
                    self.false_alarms
                        .push(format!("{} (not labelled): {photo}", code.code()));
                }
                continue;
            };
            self.tally.entry(code).or_default().add(p, t);
            if p && !t {
                self.false_alarms.push(format!("{}: {photo}", code.code()));
            }
            if t && !p {
                self.misses.push(format!("{}: {photo}", code.code()));
            }
        }
    }
}

fn yes_no(v: &str) -> Option<bool> {
    match v {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn set_truth(t: &mut Truth, code: HintCode, v: Option<bool>) {
    if let Some(v) = v {
        t.insert(code, v);
    }
}

/// Splits one CSV line (fields may be quoted, with commas inside).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            _ => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

/// Rows of a CSV file as maps from column name to value.
fn read_csv(path: &Path) -> Result<Vec<BTreeMap<String, String>>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines();
    let head = csv_fields(lines.next().unwrap_or_default());
    Ok(lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| head.iter().cloned().zip(csv_fields(l)).collect())
        .collect())
}

fn col<'a>(row: &'a BTreeMap<String, String>, k: &str) -> &'a str {
    row.get(k).map(String::as_str).unwrap_or("")
}

/// The occlusion labels of `masks/` and `occlusion/` as truth.
fn cover_truth(row: &BTreeMap<String, String>) -> Truth {
    let mut t = Truth::new();
    let sunglasses = yes_no(col(row, "sunglasses"));
    set_truth(&mut t, HintCode::Mask, yes_no(col(row, "mask")));
    set_truth(&mut t, HintCode::Sunglasses, sunglasses);
    if sunglasses == Some(false) {
        set_truth(&mut t, HintCode::Glasses, yes_no(col(row, "eyeglasses")));
    }
    set_truth(&mut t, HintCode::Hat, yes_no(col(row, "hat")));
    set_truth(
        &mut t,
        HintCode::HandOverFace,
        yes_no(col(row, "hand_over_face")),
    );
    t
}

fn from_file(files: &ModelFiles, path: &Path) -> Result<(Vec<HintCode>, bool)> {
    let mut src = open_path(&path.display().to_string())?;
    judge(files, src.as_mut())
}

fn from_canvas(files: &ModelFiles, path: &Path) -> Result<(Vec<HintCode>, bool)> {
    let frame = on_canvas(path)?;
    let mut src = OneFrame {
        info: SourceInfo {
            name: path.display().to_string(),
            width: frame.width,
            height: frame.height,
            fps: None,
            frames: Some(1),
        },
        frame: Some(frame),
    };
    judge(files, &mut src)
}

fn yale(files: &ModelFiles, root: &Path) -> Result<Set> {
    let dir = root.join("yale");
    let mut set = Set::new("yale");
    for row in read_csv(&dir.join("labels.csv"))? {
        let file = col(&row, "file");
        let lighting = col(&row, "lighting");
        let side = matches!(lighting, "left_side" | "right_side");
        let mut t = Truth::new();
        t.insert(HintCode::UnevenLight, side);
        if !side {
            t.insert(HintCode::TooDark, false);
        }
        if lighting != "center" {
            t.insert(HintCode::TooBright, false);
        }
        set_truth(&mut t, HintCode::Glasses, yes_no(col(&row, "glasses")));
        t.insert(HintCode::Hat, file.starts_with("subject11."));
        t.insert(HintCode::Sunglasses, false);
        t.insert(HintCode::Mask, false);
        t.insert(HintCode::HandOverFace, false);
        let (raised, face) = from_file(files, &dir.join("images").join(file))?;
        set.score(file, &raised, face, &t);
    }
    Ok(set)
}

fn masks(files: &ModelFiles, root: &Path) -> Result<Set> {
    let dir = root.join("masks");
    let mut set = Set::new("masks");
    for row in read_csv(&dir.join("labels.csv"))? {
        let file = col(&row, "file");
        let (raised, face) = from_file(files, &dir.join(file))?;
        set.score(file, &raised, face, &cover_truth(&row));
    }
    Ok(set)
}

fn occlusion(files: &ModelFiles, root: &Path, as_given: bool) -> Result<Set> {
    let dir = root.join("occlusion");
    let mut set = Set::new(if as_given {
        "occlusion (as given)"
    } else {
        "occlusion (on canvas)"
    });
    for row in read_csv(&dir.join("labels.csv"))? {
        let file = format!("{}/{}", col(&row, "set"), col(&row, "file"));
        let path = dir.join("images").join(&file);
        let (raised, face) = if as_given {
            from_file(files, &path)?
        } else {
            from_canvas(files, &path)?
        };
        set.score(&file, &raised, face, &cover_truth(&row));
    }
    Ok(set)
}

fn table(sets: &[Set]) {
    println!("| code | set | positives | negatives | TP | FP | FN | precision | recall |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for code in CODES {
        let mut all = Tally::default();
        let mut n = 0;
        for s in sets {
            let Some(t) = s.tally.get(&code) else {
                continue;
            };
            all.merge(t);
            n += 1;
            println!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                code.code(),
                s.name,
                t.tp + t.fn_,
                t.fp + t.tn,
                t.tp,
                t.fp,
                t.fn_,
                ratio(t.tp, t.tp + t.fp),
                ratio(t.tp, t.tp + t.fn_)
            );
        }
        if n > 1 {
            println!(
                "| **{}** | all | {} | {} | {} | {} | {} | **{}** | **{}** |",
                code.code(),
                all.tp + all.fn_,
                all.fp + all.tn,
                all.tp,
                all.fp,
                all.fn_,
                ratio(all.tp, all.tp + all.fp),
                ratio(all.tp, all.tp + all.fn_)
            );
        }
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or("../shared/eval", String::as_str);
    let root = Path::new(root);
    let list = args.iter().any(|a| a == "--list");
    let as_given = args.iter().any(|a| a == "--as-given");
    for sub in ["yale", "masks", "occlusion"] {
        if !root.join(sub).is_dir() {
            anyhow::bail!(
                "{} is absent: this measures on the real photos of ../shared/eval",
                root.join(sub).display()
            );
        }
    }
    let files = ModelFiles::embedded()?;
    let mut sets = vec![
        yale(&files, root)?,
        masks(&files, root)?,
        occlusion(&files, root, false)?,
    ];
    if as_given {
        sets.push(occlusion(&files, root, true)?);
    }
    for s in &sets {
        println!(
            "{}: {} photos, a face found on {}",
            s.name, s.photos, s.faces
        );
    }
    println!();
    // The pooled rows count each photo once: leave the second reading of
    // the occlusion photos out of them.
    let pooled: Vec<Set> = sets
        .iter()
        .filter(|s| !s.name.ends_with("(as given)"))
        .map(|s| Set {
            name: s.name.clone(),
            photos: s.photos,
            faces: s.faces,
            tally: s.tally.clone(),
            unlabelled: s.unlabelled.clone(),
            misses: Vec::new(),
            false_alarms: Vec::new(),
        })
        .collect();
    table(&pooled);
    if let Some(given) = sets.iter().find(|s| s.name.ends_with("(as given)")) {
        println!();
        table(std::slice::from_ref(given));
    }
    println!("\nNot labelled (no truth either way): how often the code was raised.\n");
    println!("| code | set | photos not labelled | raised on |");
    println!("|---|---|---|---|");
    for code in CODES {
        for s in &sets {
            if let Some((n, k)) = s.unlabelled.get(&code) {
                println!("| {} | {} | {n} | {k} |", code.code(), s.name);
            }
        }
    }
    if list {
        for s in &sets {
            println!("\n## {}", s.name);
            for m in &s.misses {
                println!("missed   {m}");
            }
            for f in &s.false_alarms {
                println!("raised   {f}");
            }
        }
    }
    Ok(())
}
