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
//! `--as-clip` holds each photo for 2 s at 30 fps (a clip, with the
//! hysteresis of video) instead of one frame.
//! `--cover-folds DIR` judges each photo with the cover network and heads of
//! the cross-validation fold that did not see it (`DIR/folds.csv`,
//! `DIR/fold_K.onnx`, `DIR/heads_fold_K.onnx` from scripts/train_cover.sh:
//! held-out figures); `--cover-sources DIR` with the network trained without
//! its source (`DIR/source_S.onnx`, and `DIR/heads_source_S.onnx`, which
//! scripts/train_cover_heads.py does not make yet: that run then fails).
//! Without either, the shipped network (in-sample on masks/ and occlusion/).

use anyhow::{Context, Result};
use lc_eval::photos::{col, on_canvas, read_csv, yes_no};
use liveness_coach::analysis::{analyze_source, Analyzer, AnalyzerOptions, EyeSource};
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::record::HintCode;
use liveness_coach::source::{open_path, FrameSource, SourceInfo};
use std::collections::BTreeMap;
use std::path::Path;

/// The face-cover networks of the folds, and which fold holds each photo
/// (set, file, view).
type Folds = (Vec<ModelFiles>, BTreeMap<(String, String, String), usize>);

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

/// A photo already in memory as a source: one frame (as `analyze PHOTO`
/// reads it), or the same frame held for `frames` frames at 30 fps (a
/// person holding still in front of a webcam).
struct Held {
    frame: Frame,
    frames: u64,
    next: u64,
    info: SourceInfo,
}

impl FrameSource for Held {
    fn info(&self) -> &SourceInfo {
        &self.info
    }
    fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
        if self.next >= self.frames {
            return Ok(false);
        }
        frame.clone_from(&self.frame);
        frame.index = self.next;
        frame.time_s = self.next as f64 / HELD_FPS;
        self.next += 1;
        Ok(true)
    }
}

/// A photo held as a clip: 2 s at 30 fps (`--as-clip`).
const HELD_FPS: f64 = 30.0;
const HELD_FRAMES: u64 = 60;

/// How each photo is read and which cover network judges it.
struct Run {
    files: ModelFiles,
    /// The fold models (`--cover-folds DIR`) and which photo each did not see.
    folds: Option<Folds>,
    /// Frames per photo: 1 (a photo) or [`HELD_FRAMES`] (`--as-clip`).
    frames: u64,
}

impl Run {
    fn files_for(&self, set: &str, file: &str, reading: &str) -> &ModelFiles {
        match &self.folds {
            Some((models, map)) => map
                .get(&(set.to_string(), file.to_string(), reading.to_string()))
                .and_then(|&k| models.get(k))
                .unwrap_or(&self.files),
            None => &self.files,
        }
    }
}

fn with_cover(files: &ModelFiles, cover: Vec<u8>, heads: Vec<u8>) -> ModelFiles {
    ModelFiles {
        cover: std::borrow::Cow::Owned(cover),
        cover_heads: std::borrow::Cow::Owned(heads),
        ..files.clone()
    }
}

/// `DIR/folds.csv` (set, file, reading, fold, source) with `DIR/fold_K.onnx`,
/// or with `DIR/source_S.onnx` when `by_source` (scripts/train_cover.py).
fn load_folds(files: &ModelFiles, dir: &Path, by_source: bool) -> Result<Folds> {
    let mut models = Vec::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let mut map = BTreeMap::new();
    for row in read_csv(&dir.join("folds.csv"))? {
        let name = if by_source {
            format!("source_{}.onnx", col(&row, "source"))
        } else {
            format!("fold_{}.onnx", col(&row, "fold"))
        };
        let k = match names.get(&name) {
            Some(&k) => k,
            None => {
                let read = |name: &str| {
                    let p = dir.join(name);
                    std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))
                };
                models.push(with_cover(
                    files,
                    read(&name)?,
                    read(&format!("heads_{name}"))?,
                ));
                names.insert(name, models.len() - 1);
                models.len() - 1
            }
        };
        map.insert(
            (
                col(&row, "set").to_string(),
                col(&row, "file").to_string(),
                col(&row, "reading").to_string(),
            ),
            k,
        );
    }
    Ok((models, map))
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
        if !face {
            self.misses.push(format!("no face: {photo}"));
        }
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

fn set_truth(t: &mut Truth, code: HintCode, v: Option<bool>) {
    if let Some(v) = v {
        t.insert(code, v);
    }
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

fn held(frame: Frame, name: String, frames: u64) -> Held {
    Held {
        info: SourceInfo {
            name,
            width: frame.width,
            height: frame.height,
            fps: (frames > 1).then_some(HELD_FPS),
            frames: Some(frames),
        },
        frame,
        frames,
        next: 0,
    }
}

fn from_file(files: &ModelFiles, path: &Path, frames: u64) -> Result<(Vec<HintCode>, bool)> {
    if frames == 1 {
        let mut src = open_path(&path.display().to_string())?;
        return judge(files, src.as_mut());
    }
    let mut src = open_path(&path.display().to_string())?;
    let mut frame = Frame::default();
    if !src.read_into(&mut frame)? {
        anyhow::bail!("{} has no frame", path.display());
    }
    judge(files, &mut held(frame, path.display().to_string(), frames))
}

fn from_canvas(files: &ModelFiles, path: &Path, frames: u64) -> Result<(Vec<HintCode>, bool)> {
    let (frame, _) = on_canvas(path)?;
    judge(files, &mut held(frame, path.display().to_string(), frames))
}

fn yale(run: &Run, root: &Path) -> Result<Set> {
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
        let (raised, face) = from_file(&run.files, &dir.join("images").join(file), run.frames)?;
        set.score(file, &raised, face, &t);
    }
    Ok(set)
}

fn masks(run: &Run, root: &Path) -> Result<Set> {
    let dir = root.join("masks");
    let mut set = Set::new("masks");
    for row in read_csv(&dir.join("labels.csv"))? {
        let file = col(&row, "file");
        let files = run.files_for("masks", file, "file");
        let (raised, face) = from_file(files, &dir.join(file), run.frames)?;
        set.score(file, &raised, face, &cover_truth(&row));
    }
    Ok(set)
}

fn occlusion(run: &Run, root: &Path, as_given: bool) -> Result<Set> {
    let dir = root.join("occlusion");
    let mut set = Set::new(if as_given {
        "occlusion (as given)"
    } else {
        "occlusion (on canvas)"
    });
    for row in read_csv(&dir.join("labels.csv"))? {
        let file = format!("{}/{}", col(&row, "set"), col(&row, "file"));
        let path = dir.join("images").join(&file);
        let reading = if as_given { "given" } else { "canvas" };
        let files = run.files_for("occlusion", &file, reading);
        let (raised, face) = if as_given {
            from_file(files, &path, run.frames)?
        } else {
            from_canvas(files, &path, run.frames)?
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
        .first()
        .filter(|a| !a.starts_with("--"))
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
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let folds = match (value("--cover-folds"), value("--cover-sources")) {
        (Some(d), _) => Some(load_folds(&files, Path::new(d), false)?),
        (None, Some(d)) => Some(load_folds(&files, Path::new(d), true)?),
        (None, None) => None,
    };
    let frames = if args.iter().any(|a| a == "--as-clip") {
        HELD_FRAMES
    } else {
        1
    };
    let run = Run {
        files,
        folds,
        frames,
    };
    let mut sets = vec![
        yale(&run, root)?,
        masks(&run, root)?,
        occlusion(&run, root, false)?,
    ];
    if as_given {
        sets.push(occlusion(&run, root, true)?);
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
