//! Precision and recall of every hint code on real footage and on real
//! frames altered in ways whose truth is known (docs/hints.md).
//!
//! `cargo run --release -p lc-eval --example eval_hints -- ../shared/eval [--every K] [--clips N] [--dump DIR] [--cover-folds DIR]`
//!
//! `--cover-folds DIR` (scripts/train_cover.sh's work folder): each zju
//! clip is judged by the cover network and heads of the fold that did not
//! see its person (the cover models train on zju faces too); without it,
//! the shipped models (in-sample on zju for mask, sunglasses, glasses, hat).
//!
//! Sets:
//! - zju-dev clips as recorded: `glasses` on FTN/FBN (thin and black frames),
//!   `backlit` on 000004M (the README's window clips; persons 1 and 3, filmed
//!   elsewhere, are the negatives; the other window-room clips are not
//!   labelled for it), and no other problem;
//! - the FNN and UNN clips (no glasses) with one alteration each, truth the
//!   alteration's code (`lc_eval::alter`); glare on every clip;
//! - the Yale stills (glasses yes/no, light from one side).
//!
//! For clips a code counts as raised when its hint showed (after hysteresis);
//! per frame, the raw condition is compared with the truth on frames with a
//! face. Stills are single frames: their raw condition is the decision.

use anyhow::{Context, Result};
use lc_eval::alter::{apply, Alteration};
use liveness_coach::analysis::{Analyzer, AnalyzerOptions, EyeSource};
use liveness_coach::frame::Frame;
use liveness_coach::hints::{conditions, HintTracker};
use liveness_coach::models::ModelFiles;
use liveness_coach::record::FrameRecord;
use liveness_coach::record::HintCode;
use liveness_coach::source::open_path;
use liveness_coach::vision::Perception;
use std::collections::BTreeMap;
use std::path::Path;

/// When the transient blur is applied (seconds into the clip).
const BLUR_WINDOW: (f64, f64) = (1.5, 3.5);

/// Truth for one case: `Some(true)` present, `Some(false)` absent, `None` not labelled.
type Truth = BTreeMap<HintCode, bool>;

#[derive(Default, Clone, Copy)]
struct Tally {
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Tally {
    fn add(&mut self, predicted: bool, truth: bool) {
        match (predicted, truth) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            _ => {}
        }
    }
    fn p(&self) -> String {
        ratio(self.tp, self.tp + self.fp)
    }
    fn r(&self) -> String {
        ratio(self.tp, self.tp + self.fn_)
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
struct Scores {
    clips: Tally,
    frames: Tally,
    /// Cases that missed or wrongly raised the code.
    misses: Vec<String>,
    false_alarms: Vec<String>,
}

impl Scores {
    /// One case's decision for the clip, against its truth.
    fn clip(&mut self, name: &str, predicted: bool, truth: bool) {
        self.clips.add(predicted, truth);
        if predicted && !truth {
            self.false_alarms.push(name.to_string());
        }
        if !predicted && truth {
            self.misses.push(name.to_string());
        }
    }
}

/// A frame-geometry or timing change whose truth is known.
#[derive(Clone, Copy, Debug)]
enum Change {
    /// The picture scaled by k into a grey canvas of the same size (face small).
    Shrink(f32),
    /// The picture moved right by this fraction of the width.
    Shift(f32),
    /// The picture moved right until this fraction of the face's width (its
    /// median box on the unaltered clip) is past the right edge: a face cut
    /// off by a known amount whatever its size and place (a fixed shift left
    /// small faces barely touching the edge).
    PushOut(f32),
    /// The centre enlarged by k (face too large).
    Zoom(f32),
    /// The picture rotated by this many degrees (head tilted).
    Rotate(f32),
    /// The frame itself made smaller by k (fewer pixels on the face).
    Downscale(f32),
    /// Keep one frame in n (a slow camera).
    Drop(u64),
    /// Every n-th frame at the original rate: the movement n times faster.
    Speed(u64),
    /// Every frame shown n times: the movement n times slower.
    Slow(u64),
}

/// The shift (fraction of the frame width) that puts `k` of the face's
/// median width past the right edge, from the unaltered clip's face boxes.
fn push_out(recs: &[FrameRecord], width: u32, k: f32) -> Change {
    let mut right: Vec<f32> = recs
        .iter()
        .filter_map(|r| r.face_box.map(|b| b[2]))
        .collect();
    let mut size: Vec<f32> = recs
        .iter()
        .filter_map(|r| r.face_box.map(|b| b[2] - b[0]))
        .collect();
    right.sort_by(f32::total_cmp);
    size.sort_by(f32::total_cmp);
    let (Some(&x1), Some(&fw)) = (right.get(right.len() / 2), size.get(size.len() / 2)) else {
        return Change::Shift(0.42);
    };
    let w = width as f32;
    Change::Shift(((w - x1 + k * fw) / w).clamp(0.0, 0.9))
}

fn remap(f: &Frame, map: impl Fn(f32, f32) -> (f32, f32)) -> Frame {
    let (w, h) = (f.width as usize, f.height as usize);
    let mut out = f.clone();
    for y in 0..h {
        for x in 0..w {
            let (sx, sy) = map(x as f32 + 0.5, y as f32 + 0.5);
            let px = if sx >= 0.0 && sy >= 0.0 && (sx as usize) < w && (sy as usize) < h {
                let i = ((sy as usize) * w + sx as usize) * 3;
                [f.rgb[i], f.rgb[i + 1], f.rgb[i + 2]]
            } else {
                [110, 110, 110]
            };
            out.rgb[(y * w + x) * 3..(y * w + x) * 3 + 3].copy_from_slice(&px);
        }
    }
    out
}

fn change(frames: &[Frame], c: Change) -> Vec<Frame> {
    let (cx, cy) = frames.first().map_or((0.0, 0.0), |f| {
        (f.width as f32 / 2.0, f.height as f32 / 2.0)
    });
    let retime = |v: Vec<Frame>| -> Vec<Frame> {
        v.into_iter()
            .enumerate()
            .map(|(i, mut f)| {
                f.index = i as u64;
                f.time_s = i as f64 / 30.0;
                f
            })
            .collect()
    };
    match c {
        Change::Shrink(k) => frames
            .iter()
            .map(|f| remap(f, |x, y| (cx + (x - cx) / k, cy + (y - cy) / k)))
            .collect(),
        Change::Zoom(k) => frames
            .iter()
            .map(|f| remap(f, |x, y| (cx + (x - cx) / k, cy + (y - cy) / k)))
            .collect(),
        // Resolved per clip into a Shift before it gets here (`push_out`).
        Change::PushOut(_) => frames.to_vec(),
        Change::Shift(dx) => frames
            .iter()
            .map(|f| remap(f, |x, y| (x - dx * f.width as f32, y)))
            .collect(),
        Change::Rotate(deg) => {
            let (sin, cos) = deg.to_radians().sin_cos();
            frames
                .iter()
                .map(|f| {
                    remap(f, |x, y| {
                        let (u, v) = (x - cx, y - cy);
                        (cx + cos * u + sin * v, cy - sin * u + cos * v)
                    })
                })
                .collect()
        }
        Change::Downscale(k) => frames
            .iter()
            .map(|f| {
                let (w, h) = (f.width as usize, f.height as usize);
                let (nw, nh) = (
                    ((w as f32 * k) as usize).max(1),
                    ((h as f32 * k) as usize).max(1),
                );
                let mut rgb = vec![0u8; nw * nh * 3];
                for y in 0..nh {
                    for x in 0..nw {
                        // Area average of the source pixels this one covers.
                        let (x0, x1) = (x * w / nw, ((x + 1) * w / nw).max(x * w / nw + 1));
                        let (y0, y1) = (y * h / nh, ((y + 1) * h / nh).max(y * h / nh + 1));
                        for ch in 0..3 {
                            let mut sum = 0u32;
                            for sy in y0..y1 {
                                for sx in x0..x1 {
                                    sum += f.rgb[(sy * w + sx) * 3 + ch] as u32;
                                }
                            }
                            rgb[(y * nw + x) * 3 + ch] =
                                (sum / ((x1 - x0) * (y1 - y0)) as u32) as u8;
                        }
                    }
                }
                let mut g = Frame::from_rgb(nw as u32, nh as u32, rgb).unwrap_or_default();
                g.index = f.index;
                g.time_s = f.time_s;
                g
            })
            .collect(),
        Change::Drop(n) => frames
            .iter()
            .filter(|f| f.index % n == 0)
            .cloned()
            .collect(),
        Change::Speed(n) => retime(frames.iter().step_by(n as usize).cloned().collect()),
        Change::Slow(n) => retime(
            frames
                .iter()
                .flat_map(|f| std::iter::repeat_n(f.clone(), n as usize))
                .collect(),
        ),
    }
}

fn decode(path: &Path, every: u64) -> Result<(Vec<Frame>, u32, u32)> {
    let mut src = open_path(&path.display().to_string())?;
    let (w, h) = (src.info().width, src.info().height);
    let mut out = Vec::new();
    let mut f = Frame::default();
    while src.read_into(&mut f)? {
        if f.index % every == 0 {
            out.push(f.clone());
        }
    }
    Ok((out, w, h))
}

struct Runner {
    files: ModelFiles,
    mesh: Perception,
    /// `--cover-folds DIR`: each zju person's fold models (the cover network
    /// and heads that did not see that person, scripts/train_cover.sh).
    folds: BTreeMap<String, ModelFiles>,
    /// The zju person whose clip is analysed ("" elsewhere).
    person: String,
}

/// `DIR/folds.csv` and `DIR/fold_K.onnx`, `DIR/heads_fold_K.onnx`: the
/// models that did not see each zju person.
fn load_folds(files: &ModelFiles, dir: &Path) -> Result<BTreeMap<String, ModelFiles>> {
    let text = std::fs::read_to_string(dir.join("folds.csv"))
        .with_context(|| format!("cannot read {}/folds.csv", dir.display()))?;
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let (Some(&"zju"), Some(file), Some(fold)) = (cols.first(), cols.get(1), cols.get(3))
        else {
            continue;
        };
        let person = file.trim_matches('"').get(..7).unwrap_or("").to_string();
        if out.contains_key(&person) {
            continue;
        }
        let read = |name: String| {
            let p = dir.join(name);
            std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))
        };
        let m = ModelFiles {
            cover: std::borrow::Cow::Owned(read(format!("fold_{fold}.onnx"))?),
            cover_heads: std::borrow::Cow::Owned(read(format!("heads_fold_{fold}.onnx"))?),
            ..files.clone()
        };
        out.insert(person, m);
    }
    Ok(out)
}

impl Runner {
    fn landmarks(&mut self, frames: &[Frame]) -> Result<Vec<Option<Vec<[f32; 3]>>>> {
        self.mesh.reset();
        frames
            .iter()
            .map(|f| Ok(self.mesh.process(f, &mut ())?.face.map(|x| x.landmarks)))
            .collect()
    }

    /// Records and the codes whose hint showed.
    fn analyse(&self, frames: &[Frame]) -> Result<(Vec<FrameRecord>, Vec<HintCode>, u32, u32)> {
        let files = self.folds.get(&self.person).unwrap_or(&self.files);
        let mut a = Analyzer::new(
            files,
            AnalyzerOptions {
                eye_source: EyeSource::Mesh,
            },
        )?;
        let mut t = HintTracker::default();
        let mut recs = Vec::new();
        let (w, h) = frames.first().map_or((0, 0), |f| (f.width, f.height));
        for f in frames {
            let (rec, _, _) = a.step(f, &mut ())?;
            t.observe(&rec, f.width, f.height, &a.events.near_misses, false);
            recs.push(rec);
        }
        let mut raised: Vec<HintCode> = t.finish().iter().map(|s| s.code).collect();
        raised.sort();
        raised.dedup();
        Ok((recs, raised, w, h))
    }
}

/// `--dump DIR`: every case's frame records and truth, one JSON file each,
/// for sweeping thresholds offline.
static DUMP: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();

fn dump(name: &str, truth: &Truth, recs: &[FrameRecord], raised: Option<&[HintCode]>) {
    let Some(Some(dir)) = DUMP.get() else { return };
    let doc = serde_json::json!({
        "case": name,
        "truth": truth.iter().map(|(c, v)| (c.code(), *v)).collect::<BTreeMap<_, _>>(),
        "raised": raised.map(|r| r.iter().map(|c| c.code()).collect::<Vec<_>>()),
        "frames": recs,
    });
    let file = dir.join(format!(
        "{}.json",
        name.replace(['/', ' ', '+', '(', ')', '.'], "_")
    ));
    if let Ok(bytes) = serde_json::to_vec(&doc) {
        let _ = std::fs::write(file, bytes);
    }
}

fn score(
    scores: &mut BTreeMap<HintCode, Scores>,
    name: &str,
    truth: &Truth,
    recs: &[FrameRecord],
    raised: Option<&[HintCode]>,
    size: (u32, u32),
) {
    score_in(scores, name, truth, recs, raised, size, None)
}

/// `window`: a code whose truth holds only for frames in a time window
/// (per frame; the clip as a whole has it).
fn score_in(
    scores: &mut BTreeMap<HintCode, Scores>,
    name: &str,
    truth: &Truth,
    recs: &[FrameRecord],
    raised: Option<&[HintCode]>,
    size: (u32, u32),
    window: Option<(HintCode, (f64, f64))>,
) {
    dump(name, truth, recs, raised);
    for code in HintCode::ALL {
        let Some(&t) = truth.get(&code) else { continue };
        let s = scores.entry(code).or_default();
        let mut any = false;
        // Clip-level labels only: the second person behind 000001M_UNN
        // comes and goes.
        let clip_only = code == HintCode::MultipleFaces && name.starts_with("000001M_UNN");
        for r in recs
            .iter()
            .filter(|r| (r.face || code == HintCode::NoFace) && !clip_only)
        {
            let c = conditions(r, size.0, size.1)[code.index()].is_some();
            any |= c;
            let frame_truth = match window {
                Some((wc, (a, b))) if wc == code => t && (a..b).contains(&r.time_s),
                _ => t,
            };
            s.frames.add(c, frame_truth);
        }
        s.clip(name, raised.map_or(any, |r| r.contains(&code)), t);
    }
}

/// Every code known absent, then the given ones set.
fn truth_with(set: &[(HintCode, Option<bool>)]) -> Truth {
    let mut t: Truth = HintCode::ALL.iter().map(|&c| (c, false)).collect();
    // Not a property of the footage here: the session raises it.
    t.remove(&HintCode::NotSteady);
    for &(c, v) in set {
        match v {
            Some(v) => {
                t.insert(c, v);
            }
            None => {
                t.remove(&c);
            }
        }
    }
    t
}

fn code(s: &str) -> Option<HintCode> {
    HintCode::parse(s)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root =
        Path::new(args.first().map(String::as_str).unwrap_or("../shared/eval")).to_path_buf();
    let flag = |n: &str| {
        args.iter()
            .position(|a| a == n)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let every = flag("--every").unwrap_or(1).max(1);
    let dump_dir = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    if let Some(d) = &dump_dir {
        std::fs::create_dir_all(d)?;
    }
    let _ = DUMP.set(dump_dir);
    let max_clips = flag("--clips").unwrap_or(u64::MAX) as usize;
    let files = ModelFiles::embedded()?;
    let folds = match args.iter().position(|a| a == "--cover-folds") {
        Some(i) => {
            let dir = args.get(i + 1).context("--cover-folds takes a folder")?;
            load_folds(&files, Path::new(dir))?
        }
        None => BTreeMap::new(),
    };
    if !folds.is_empty() {
        eprintln!("zju clips judged by the cover models of the fold without their person");
    }
    let mut runner = Runner {
        mesh: Perception::new(&files, false)?,
        files,
        folds,
        person: String::new(),
    };
    let mut scores: BTreeMap<HintCode, Scores> = BTreeMap::new();
    let alterations: Vec<(&str, Vec<Alteration>)> = [
        ("darken:0.25", "too_dark"),
        ("overexpose:2.5", "too_bright"),
        ("darken:0.6 brighten_background:0.8", "backlit"),
        ("darken_side:0.4", "uneven_light"),
        ("mask", "mask"),
        ("hand", "hand_over_face"),
        ("sunglasses", "sunglasses"),
        ("brim", "hat"),
        ("hair_over_eyes", "hair_over_eyes"),
        // Motion blur for two seconds in the middle of the clip, as a fast
        // movement or a shaken camera gives it (see `BLUR_WINDOW`).
        ("motion_blur:15", "blurry"),
        ("noise:12", "noisy"),
        ("flicker:0.04", "flicker"),
    ]
    .iter()
    .map(|(spec, truth)| {
        let alts = spec
            .split(' ')
            .map(|a| a.parse::<Alteration>().map_err(|e| anyhow::anyhow!("{e}")))
            .collect::<Result<Vec<_>>>()?;
        Ok((*truth, alts))
    })
    .collect::<Result<_>>()?;

    // zju-dev: originals and alterations.
    let zju = root.join("zju-dev/clips");
    let mut clips: Vec<_> = std::fs::read_dir(&zju)
        .with_context(|| format!("{} (see docs/hints.md)", zju.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "mp4"))
        .collect();
    clips.sort();
    clips.truncate(max_clips);
    for clip in &clips {
        let name = clip
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?")
            .to_string();
        let person = &name[..7];
        runner.person = person.to_string();
        let cond = &name[8..];
        let (frames, w, h) = decode(clip, every)?;
        let glasses = matches!(cond, "FTN" | "FBN");
        let backlit = match person {
            "000004M" => Some(true),
            "000001M" | "000003M" => Some(false),
            _ => None,
        };
        let multiple = name == "000001M_UNN";
        let mut truth = truth_with(&[
            (HintCode::Backlit, backlit),
            // Filmed from below: the camera does not face the person.
            (HintCode::NotFacingCamera, Some(cond == "UNN")),
            // A second person walks behind 000001M in this clip.
            (HintCode::MultipleFaces, Some(multiple)),
        ]);
        if let Some(g) = code("glasses") {
            truth.insert(g, glasses);
        }
        let (recs, raised, _, _) = runner.analyse(&frames)?;
        score(&mut scores, &name, &truth, &recs, Some(&raised), (w, h));
        eprintln!("{name}: raised {raised:?}");
        // Geometry and timing changes with their truth; on clips without
        // glasses (the originals' other labels carry over where they still hold).
        let changes: [(Change, HintCode, &[HintCode]); 8] = [
            (
                Change::Shrink(0.45),
                HintCode::FaceTooSmall,
                &[HintCode::LowResolution, HintCode::FaceOffCenter],
            ),
            (
                Change::Shift(0.32),
                HintCode::FaceOffCenter,
                &[HintCode::FaceCutOff],
            ),
            (
                Change::PushOut(0.25),
                HintCode::FaceCutOff,
                &[
                    HintCode::FaceOffCenter,
                    HintCode::NoFace,
                    HintCode::NotFacingCamera,
                ],
            ),
            // Enlarging also enlarges the face's offset from the centre.
            (
                Change::Zoom(1.9),
                HintCode::FaceTooLarge,
                &[
                    HintCode::FaceCutOff,
                    HintCode::LowResolution,
                    HintCode::FaceOffCenter,
                ],
            ),
            (Change::Rotate(22.0), HintCode::HeadTilted, &[]),
            (Change::Downscale(0.4), HintCode::LowResolution, &[]),
            (Change::Drop(3), HintCode::LowFps, &[]),
            (Change::Speed(4), HintCode::MovingTooFast, &[]),
        ];
        if !glasses {
            for (c, tc, unknown) in changes {
                // zju people sit still: speeding them up moves nothing.
                if matches!(c, Change::Speed(_)) {
                    continue;
                }
                let name_c = format!("{c:?}");
                let c = match c {
                    Change::PushOut(k) => push_out(&recs, w, k),
                    other => other,
                };
                let altered = change(&frames, c);
                let mut t = truth.clone();
                t.insert(tc, true);
                for u in unknown {
                    t.remove(u);
                }
                if matches!(
                    c,
                    Change::Shrink(_)
                        | Change::Shift(_)
                        | Change::PushOut(_)
                        | Change::Zoom(_)
                        | Change::Downscale(_)
                ) {
                    // The background changes with the framing.
                    t.remove(&HintCode::Backlit);
                }
                if multiple {
                    t.remove(&HintCode::MultipleFaces);
                }
                let (recs, raised, w2, h2) = runner.analyse(&altered)?;
                score(
                    &mut scores,
                    &format!("{name}+{name_c}"),
                    &t,
                    &recs,
                    Some(&raised),
                    (w2, h2),
                );
            }
        }
        let marks = runner.landmarks(&frames)?;
        let mut altered_sets = alterations.clone();
        if let (Some(_), Ok(g)) = (code("glare"), "glare".parse::<Alteration>()) {
            altered_sets.push(("glare", vec![g]));
        }
        for (truth_code, alts) in &altered_sets {
            let Some(tc) = code(truth_code) else { continue };
            // Face alterations on clips without glasses; glare on all.
            if glasses && *truth_code != "glare" {
                continue;
            }
            let mut altered = frames.clone();
            let transient = tc == HintCode::Blurry;
            for (f, m) in altered.iter_mut().zip(&marks) {
                if transient && !(BLUR_WINDOW.0..BLUR_WINDOW.1).contains(&f.time_s) {
                    continue;
                }
                for a in alts {
                    apply(a, f, m.as_deref());
                }
            }
            let mut t = truth.clone();
            t.insert(tc, true);
            // An alteration changes the light: backlight is only labelled
            // where the alteration is about it.
            if tc != HintCode::Backlit {
                t.remove(&HintCode::Backlit);
            }
            if tc == HintCode::Backlit {
                // Darkening to make it backlit may also make the face dark.
                t.remove(&HintCode::TooDark);
            }
            // The second person behind 000001M is small: whether the
            // detector still finds them in an altered picture is not a label.
            if multiple {
                t.remove(&HintCode::MultipleFaces);
            }
            // Sunglasses are glasses too: either answer is right.
            if let (Some(g), "sunglasses") = (code("glasses"), *truth_code) {
                t.remove(&g);
            }
            let (recs, raised, _, _) = runner.analyse(&altered)?;
            let label = format!("{name}+{truth_code}");
            let window = transient.then_some((tc, BLUR_WINDOW));
            score_in(
                &mut scores,
                &label,
                &t,
                &recs,
                Some(&raised),
                (w, h),
                window,
            );
        }
    }

    runner.person.clear();
    // Pacing on real movement: the head-dev webcam clip as recorded, four
    // times faster, three times slower. Clip-level truth only.
    let webcam = root.join("head-dev/webcam_pointer_demo.mp4");
    if webcam.exists() {
        let (frames, _, _) = decode(&webcam, 1)?;
        for (label, c, fast, slow) in [
            ("webcam", None, false, false),
            ("webcam x4", Some(Change::Speed(4)), true, false),
            ("webcam /3", Some(Change::Slow(3)), false, true),
        ] {
            let clip = match c {
                Some(c) => change(&frames, c),
                None => frames.clone(),
            };
            let (_, raised, _, _) = runner.analyse(&clip)?;
            eprintln!("{label}: raised {raised:?}");
            // Clip-level only: score on the decision, no frame labels.
            for (code, truth) in [(HintCode::MovingTooFast, fast), (HintCode::TooSlow, slow)] {
                scores
                    .entry(code)
                    .or_default()
                    .clip(label, raised.contains(&code), truth);
            }
        }
    }

    // Yale stills.
    let yale = root.join("yale");
    let labels = std::fs::read_to_string(yale.join("labels.csv")).unwrap_or_default();
    for line in labels.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let [file, _, _, lighting, glasses, _] = cols[..] else {
            continue;
        };
        let (frames, w, h) = decode(&yale.join("images").join(file), 1)?;
        let uneven = matches!(lighting, "left_side" | "right_side");
        let mut truth = truth_with(&[
            (HintCode::UnevenLight, Some(uneven)),
            // A point light in front: not labelled for balance or exposure.
            (
                HintCode::TooBright,
                if lighting == "center" {
                    None
                } else {
                    Some(false)
                },
            ),
            // Tight crops of the face: framing is not what they show.
            (HintCode::FaceTooLarge, None),
            (HintCode::FaceCutOff, None),
            (HintCode::FaceOffCenter, None),
            (HintCode::Backlit, None),
            (HintCode::TooDark, if uneven { None } else { Some(false) }),
            // `hat` means the forehead and brows are hidden (issue 4: "hat
            // (forehead / brows hidden)"). The labels have no column for it;
            // looking at the stills, subject11's fringe comes down over her
            // eyebrows in all 11 of them, and no other subject's forehead
            // and brows are covered.
            (HintCode::Hat, Some(file.starts_with("subject11."))),
        ]);
        if let Some(g) = code("glasses") {
            match glasses {
                "yes" => truth.insert(g, true),
                "no" => truth.insert(g, false),
                _ => truth.remove(&g),
            };
        }
        let (recs, _, _, _) = runner.analyse(&frames)?;
        score(&mut scores, file, &truth, &recs, None, (w, h));
    }

    println!("| code | clips P | clips R | frames P | frames R | positives | missed (examples) | false alarms (examples) |");
    println!("|---|---:|---:|---:|---:|---:|---|---|");
    for (code, s) in &scores {
        let ex = |v: &[String]| {
            let mut e: Vec<&str> = v.iter().take(4).map(String::as_str).collect();
            if v.len() > 4 {
                e.push("...");
            }
            format!("{} {}", v.len(), e.join(" "))
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            code.code(),
            s.clips.p(),
            s.clips.r(),
            s.frames.p(),
            s.frames.r(),
            s.clips.tp + s.clips.fn_,
            ex(&s.misses),
            ex(&s.false_alarms)
        );
    }
    Ok(())
}
