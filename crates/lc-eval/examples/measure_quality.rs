//! Measures the image-quality and pacing conditions of `liveness_coach::measure::quality`
//! against known truths, on real footage (never copied; nothing is written).
//!
//! `cargo run --release -p lc-eval --example measure_quality -- ../shared/eval [--quick]`
//!
//! - zju-dev (40 clips, 320x240, 30 fps, all frontal): the mesh and pose on
//!   every frame at the original size and downscaled by 1.5-4x (blink
//!   accuracy and the inter-ocular distance per size); on every 3rd frame the
//!   clean measures, `motion_blur:N`, `noise:sigma`, `darken:0.3` (placed from
//!   the original frame's landmarks) and the frame rotated by +-20 / +-8
//!   degrees about the face (mesh and pose rerun on the rotated frame).
//! - head-dev: both clips at their speed and sped up 3x and 4x (every k-th
//!   frame re-timed at the original rate; mesh and pose rerun), the clean
//!   measures and the alterations on every 3rd frame.
//! - frame timestamps of every clip with frames dropped (`keep_frame`) or
//!   only every k-th frame kept, for the frame rate.
//!
//! Prints, per code, precision and recall per frame against the truth, the
//! distribution of the measure per case, and the weakest case.

use anyhow::{Context, Result};
use lc_eval::alter::{apply, keep_frame, Alteration};
use lc_eval::eval::{blink_spans, match_spans, Counts, ZjuTruth};
use liveness_coach::analysis::{Analyzer, AnalyzerOptions, EyeSource};
use liveness_coach::frame::Frame;
use liveness_coach::measure::quality::{self, FpsMeter, SpeedMeter};
use liveness_coach::models::ModelFiles;
use liveness_coach::record::FrameRecord;
use liveness_coach::source::open_path;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One measured frame for one code.
struct Row {
    code: &'static str,
    case: String,
    value: f32,
    /// Known truth; `None`: reported, not scored.
    truth: Option<bool>,
    flagged: bool,
}

#[derive(Default)]
struct Rows(Vec<Row>);

impl Rows {
    fn add(
        &mut self,
        code: &'static str,
        case: impl Into<String>,
        value: f32,
        truth: Option<bool>,
        flagged: bool,
    ) {
        if value.is_finite() {
            self.0.push(Row {
                code,
                case: case.into(),
                value,
                truth,
                flagged,
            });
        }
    }
}

fn downscale(src: &Frame, f: f32, out: &mut Frame) {
    if f <= 1.0 {
        out.clone_from(src);
        return;
    }
    let (w, h) = (
        ((src.width as f32 / f) as u32).max(1),
        ((src.height as f32 / f) as u32).max(1),
    );
    out.index = src.index;
    out.time_s = src.time_s;
    out.reshape(w, h);
    for y in 0..h {
        let (sy0, sy1) = (
            (y as f32 * f) as u32,
            (((y + 1) as f32 * f) as u32).max((y as f32 * f) as u32 + 1),
        );
        for x in 0..w {
            let (sx0, sx1) = (
                (x as f32 * f) as u32,
                (((x + 1) as f32 * f) as u32).max((x as f32 * f) as u32 + 1),
            );
            let mut acc = [0u32; 3];
            let mut n = 0;
            for sy in sy0..sy1.min(src.height) {
                for sx in sx0..sx1.min(src.width) {
                    let p = src.pixel(sx as i64, sy as i64);
                    for c in 0..3 {
                        acc[c] += p[c] as u32;
                    }
                    n += 1;
                }
            }
            let i = ((y * w + x) * 3) as usize;
            for (o, a) in out.rgb[i..i + 3].iter_mut().zip(acc) {
                *o = (a / n.max(1)) as u8;
            }
        }
    }
}

/// Rotates the frame by `deg` about (cx, cy), bilinear, edges clamped.
fn rotate(src: &Frame, deg: f32, cx: f32, cy: f32, out: &mut Frame) {
    out.clone_from(src);
    let (s, c) = deg.to_radians().sin_cos();
    for y in 0..src.height {
        for x in 0..src.width {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            // Inverse mapping: where this output pixel comes from.
            let (sx, sy) = (cx + c * dx + s * dy, cy - s * dx + c * dy);
            let (x0, y0) = (sx.floor(), sy.floor());
            let (fx, fy) = (sx - x0, sy - y0);
            let (x0, y0) = (x0 as i64, y0 as i64);
            let i = ((y * src.width + x) * 3) as usize;
            let (p00, p10, p01, p11) = (
                src.pixel(x0, y0),
                src.pixel(x0 + 1, y0),
                src.pixel(x0, y0 + 1),
                src.pixel(x0 + 1, y0 + 1),
            );
            for k in 0..3 {
                let v = (p00[k] as f32 * (1.0 - fx) + p10[k] as f32 * fx) * (1.0 - fy)
                    + (p01[k] as f32 * (1.0 - fx) + p11[k] as f32 * fx) * fy;
                out.rgb[i + k] = v.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}

fn read_all(path: &Path) -> Result<(Vec<Frame>, f64)> {
    let mut src = open_path(path.to_str().context("path")?)?;
    let fps = src.info().fps.unwrap_or(30.0);
    let mut frames = Vec::new();
    let mut f = Frame::default();
    while src.read_into(&mut f)? {
        frames.push(f.clone());
    }
    Ok((frames, fps))
}

const BLURS: [u32; 5] = [5, 9, 15, 25, 41];
const NOISES: [f32; 5] = [2.0, 4.0, 8.0, 12.0, 20.0];
/// Blur widths scored as blurry: at least this fraction of the distance
/// between the outer eye corners.
const BLUR_TRUE_FRACTION: f32 = 0.14;
const BLUR_FALSE_FRACTION: f32 = 0.09;
const NOISE_TRUE_SIGMA: f32 = 8.0;

/// Clean, blurred, noisy and darkened versions of one frame, measured with
/// the original frame's landmarks.
fn image_rows(rows: &mut Rows, set: &str, frame: &Frame, lm: &[[f32; 3]]) {
    let Some(q) = quality::measure(frame, lm) else {
        return;
    };
    let ipd = q.inter_ocular_px;
    rows.add(
        "blurry",
        format!("{set} clean"),
        q.sharpness,
        Some(false),
        q.blurry(),
    );
    rows.add(
        "noisy",
        format!("{set} clean"),
        q.noise_sigma,
        Some(false),
        q.noisy(),
    );
    rows.add(
        "low_resolution",
        format!("{set} clean"),
        ipd,
        Some(false),
        q.low_resolution(),
    );
    let mut g = frame.clone();
    for n in BLURS {
        g.clone_from(frame);
        apply(&Alteration::MotionBlur(n), &mut g, Some(lm));
        if let Some(b) = quality::measure(&g, lm) {
            let rel = n as f32 / ipd;
            let truth = if rel >= BLUR_TRUE_FRACTION {
                Some(true)
            } else if rel < BLUR_FALSE_FRACTION {
                Some(false)
            } else {
                None
            };
            rows.add(
                "blurry",
                format!("{set} motion_blur:{n}"),
                b.sharpness,
                truth,
                b.blurry(),
            );
            rows.add(
                "noisy",
                format!("{set} motion_blur:{n}"),
                b.noise_sigma,
                Some(false),
                b.noisy(),
            );
        }
    }
    for s in NOISES {
        g.clone_from(frame);
        apply(&Alteration::Noise(s), &mut g, Some(lm));
        if let Some(b) = quality::measure(&g, lm) {
            let truth = if s >= NOISE_TRUE_SIGMA {
                Some(true)
            } else if s <= 2.0 {
                Some(false)
            } else {
                None
            };
            rows.add(
                "noisy",
                format!("{set} noise:{s}"),
                b.noise_sigma,
                truth,
                b.noisy(),
            );
            rows.add(
                "blurry",
                format!("{set} noise:{s}"),
                b.sharpness,
                Some(false),
                b.blurry(),
            );
        }
    }
    g.clone_from(frame);
    apply(&Alteration::Darken(0.3), &mut g, Some(lm));
    if let Some(b) = quality::measure(&g, lm) {
        rows.add(
            "blurry",
            format!("{set} darken:0.3"),
            b.sharpness,
            Some(false),
            b.blurry(),
        );
        rows.add(
            "noisy",
            format!("{set} darken:0.3"),
            b.noise_sigma,
            Some(false),
            b.noisy(),
        );
    }
}

fn pose_rows(
    rows: &mut Rows,
    case: &str,
    rec: &FrameRecord,
    roll_truth: Option<bool>,
    facing_truth: Option<bool>,
) {
    if let Some(r) = rec.roll_deg {
        rows.add(
            "head_tilted",
            case,
            r.abs(),
            roll_truth,
            quality::head_tilted(r),
        );
    }
    if let (Some(y), Some(p), Some(ny), Some(np)) = (
        rec.yaw_deg,
        rec.pitch_deg,
        rec.neutral_yaw_deg,
        rec.neutral_pitch_deg,
    ) {
        let (dy, dp) = (y - ny, p - np);
        rows.add(
            "not_facing_camera",
            case,
            dy.abs().max(dp.abs()),
            facing_truth,
            quality::not_facing_camera(dy, dp),
        );
    }
}

fn fps_rows(rows: &mut Rows, set: &str, times: &[f64], fps: f64) {
    // (label, keep predicate, delivered rate)
    let variants: [(&str, u64, u32); 5] = [
        ("as is", 1, 0),
        ("drop every 3rd", 1, 3),
        ("drop every 2nd", 1, 2),
        ("every 3rd", 3, 0),
        ("every 4th", 4, 0),
    ];
    for (label, every, drop) in variants {
        let rate = fps / every as f64
            * if drop >= 2 {
                (drop - 1) as f64 / drop as f64
            } else {
                1.0
            };
        let truth = rate < 15.0;
        let mut m = FpsMeter::new();
        for (i, &t) in times.iter().enumerate() {
            if !(i as u64).is_multiple_of(every) || !keep_frame(i as u64, drop) {
                continue;
            }
            if let Some(f) = m.push(t) {
                rows.add(
                    "low_fps",
                    format!("{set} {label} ({rate:.1} fps)"),
                    f as f32,
                    Some(truth),
                    m.low_fps(),
                );
            }
        }
    }
}

/// Angle now vs. `window_s` earlier on a full-rate trace, with a 3-frame
/// median at both ends: the reference speed (deg/s) at each frame.
fn reference_speed(
    trace: &[(f64, Option<(f32, f32)>)],
    i: usize,
    window_s: f64,
    fps: f64,
) -> Option<f32> {
    let lag = (window_s * fps).round() as usize;
    if i < lag + 1 || i + 1 >= trace.len() {
        return None;
    }
    let med = |c: usize| -> Option<(f32, f32)> {
        let mut ys = [0.0f32; 3];
        let mut ps = [0.0f32; 3];
        for (k, j) in (c - 1..=c + 1).enumerate() {
            let (y, p) = trace[j].1?;
            ys[k] = y;
            ps[k] = p;
        }
        ys.sort_by(f32::total_cmp);
        ps.sort_by(f32::total_cmp);
        Some((ys[1], ps[1]))
    };
    let (a, b) = (med(i)?, med(i - lag)?);
    let dt = trace[i].0 - trace[i - lag].0;
    (dt > 0.0).then(|| (a.0 - b.0).hypot(a.1 - b.1) / dt as f32)
}

/// head-dev webcam timeline (README): turned away / looking down, and frontal.
const WEBCAM_AWAY: [(f64, f64); 5] = [
    (3.5, 4.3),
    (9.3, 14.8),
    (15.7, 17.6),
    (19.1, 19.6),
    (26.8, 28.4),
];
const WEBCAM_FRONTAL: [(f64, f64); 3] = [(0.0, 3.0), (5.2, 8.3), (21.5, 26.0)];

fn facing_truth(t: f64) -> Option<bool> {
    if WEBCAM_AWAY.iter().any(|&(a, b)| t >= a && t <= b) {
        Some(true)
    } else if WEBCAM_FRONTAL.iter().any(|&(a, b)| t >= a && t <= b) {
        Some(false)
    } else {
        None
    }
}

fn head_dev(
    rows: &mut Rows,
    files: &ModelFiles,
    path: &Path,
    set: &str,
    every_img: u64,
) -> Result<()> {
    let opts = AnalyzerOptions {
        eye_source: EyeSource::Mesh,
    };
    let mut src = open_path(path.to_str().context("path")?)?;
    let fps = src.info().fps.unwrap_or(30.0);
    let speedups = [1u64, 3, 4];
    let mut analyzers = speedups
        .iter()
        .map(|_| Analyzer::new(files, opts))
        .collect::<Result<Vec<_>>>()?;
    let mut meters: Vec<SpeedMeter> = speedups.iter().map(|_| SpeedMeter::new()).collect();
    // Per speed-up: (original index, measured speed).
    let mut measured: Vec<Vec<(usize, Option<f32>)>> =
        speedups.iter().map(|_| Vec::new()).collect();
    let mut trace: Vec<(f64, Option<(f32, f32)>)> = Vec::new();
    let mut times = Vec::new();
    let mut frame = Frame::default();
    let mut g = Frame::default();
    while src.read_into(&mut frame)? {
        let i = frame.index as usize;
        times.push(frame.time_s);
        for (k, &f) in speedups.iter().enumerate() {
            if frame.index % f != 0 {
                continue;
            }
            g.clone_from(&frame);
            g.index = frame.index / f;
            g.time_s = g.index as f64 / fps;
            let (rec, seen, _) = analyzers[k].step(&g, &mut ())?;
            let pose = rec.yaw_deg.zip(rec.pitch_deg);
            let speed = match pose {
                Some((y, p)) => meters[k].push(g.time_s, y, p),
                None => None,
            };
            measured[k].push((i, speed));
            if f == 1 {
                trace.push((frame.time_s, pose));
                let facing = if set == "webcam" {
                    facing_truth(frame.time_s)
                } else {
                    None
                };
                pose_rows(
                    rows,
                    set,
                    &rec,
                    Some(false).filter(|_| set == "webcam"),
                    facing,
                );
                if frame.index % every_img == 0 {
                    if let Some(face) = &seen.face {
                        image_rows(rows, set, &frame, &face.landmarks);
                    }
                }
            }
        }
    }
    for (k, &f) in speedups.iter().enumerate() {
        for &(i, speed) in &measured[k] {
            let Some(s) = speed else { continue };
            // The sped-up meter compares angles SPEED_WINDOW_S of its own
            // time apart: f times that in the original, shown f times faster.
            let truth_speed = reference_speed(&trace, i, quality::SPEED_WINDOW_S * f as f64, fps)
                .map(|r| r * f as f32);
            let t = truth_speed.and_then(|v| {
                if v > 1.25 * quality::TOO_FAST_DEG_S {
                    Some(true)
                } else if v < 0.8 * quality::TOO_FAST_DEG_S {
                    Some(false)
                } else {
                    None
                }
            });
            rows.add(
                "moving_too_fast",
                format!("{set} x{f}"),
                s,
                t,
                s > quality::TOO_FAST_DEG_S,
            );
        }
    }
    fps_rows(rows, set, &times, fps);
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = PathBuf::from(
        args.first()
            .context("usage: measure_quality EVAL_DIR [--quick]")?,
    );
    let quick = args.iter().any(|a| a == "--quick");
    let files = ModelFiles::embedded()?;
    let opts = AnalyzerOptions {
        eye_source: EyeSource::Mesh,
    };
    let mut rows = Rows::default();

    // zju-dev.
    let zju = root.join("zju-dev");
    let mut names: Vec<String> = std::fs::read_dir(zju.join("clips"))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".mp4"))
        .map(|n| n.trim_end_matches(".mp4").to_string())
        .collect();
    names.sort();
    if quick {
        names.retain(|n| n.ends_with("FNN"));
    }
    let scales: [f32; 7] = [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0];
    let mut blink_counts: BTreeMap<String, (Counts, Vec<f32>)> = BTreeMap::new();
    let mut g = Frame::default();
    for name in &names {
        let (frames, fps) = read_all(&zju.join("clips").join(format!("{name}.mp4")))?;
        let truth = ZjuTruth::load(&zju.join("gt"), name)?;
        let times: Vec<f64> = frames.iter().map(|f| f.time_s).collect();
        fps_rows(&mut rows, "zju", &times, fps);
        let mut orig_ipd: Vec<Option<f32>> = vec![None; frames.len()];
        let mut centres: Vec<Option<(f32, f32)>> = vec![None; frames.len()];
        let mut clean_roll: Vec<Option<f32>> = vec![None; frames.len()];
        for &sc in &scales {
            let mut an = Analyzer::new(&files, opts)?;
            let mut events = Vec::new();
            let mut ipds = Vec::new();
            for (i, frame) in frames.iter().enumerate() {
                downscale(frame, sc, &mut g);
                let (rec, seen, ev) = an.step(&g, &mut ())?;
                events.extend(ev);
                let Some(face) = &seen.face else { continue };
                let lm = &face.landmarks;
                let ipd = (lm[33][0] - lm[263][0]).hypot(lm[33][1] - lm[263][1]);
                ipds.push(ipd);
                if sc == 1.0 {
                    orig_ipd[i] = Some(ipd);
                    clean_roll[i] = rec.roll_deg;
                    centres[i] = rec
                        .face_box
                        .map(|b| ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0));
                }
                if i % 3 != 0 {
                    continue;
                }
                if sc == 1.0 {
                    image_rows(&mut rows, "zju", frame, lm);
                    pose_rows(&mut rows, "zju", &rec, Some(false), Some(false));
                } else if let (Some(q), Some(o)) = (quality::measure(&g, lm), orig_ipd[i]) {
                    let true_ipd = o / sc;
                    let t = if true_ipd < 0.9 * quality::LOW_RESOLUTION_BELOW_PX {
                        Some(true)
                    } else if true_ipd > 1.1 * quality::LOW_RESOLUTION_BELOW_PX {
                        Some(false)
                    } else {
                        None
                    };
                    rows.add(
                        "low_resolution",
                        format!("zju /{sc}"),
                        q.inter_ocular_px,
                        t,
                        q.low_resolution(),
                    );
                }
            }
            events.extend(an.finish());
            let pred = blink_spans(&events);
            let c = match_spans(&truth.known(&pred), &truth.blinks, 2);
            let e = blink_counts.entry(format!("{sc}")).or_default();
            e.0.add(c);
            e.1.extend(ipds);
        }
        // Rotated about the face: the roll changes by the angle (its sign
        // under this rotation is fitted on the clip: the better of +-1).
        for deg in [-20.0f32, 20.0, -8.0, 8.0] {
            let mut an = Analyzer::new(&files, opts)?;
            let mut got = Vec::new();
            for (i, frame) in frames.iter().enumerate().step_by(3) {
                let (cx, cy) =
                    centres[i].unwrap_or((frame.width as f32 / 2.0, frame.height as f32 / 2.0));
                rotate(frame, deg, cx, cy, &mut g);
                let (rec, _, _) = an.step(&g, &mut ())?;
                if let (Some(r), Some(c)) = (rec.roll_deg, clean_roll[i]) {
                    got.push((r, c));
                }
            }
            let err = |sign: f32| {
                got.iter()
                    .map(|&(r, c)| (r - (c + sign * deg)).abs())
                    .sum::<f32>()
            };
            let sign = if err(1.0) <= err(-1.0) { 1.0 } else { -1.0 };
            for (r, c) in got {
                let expected = (c + sign * deg).abs();
                let t = if expected > quality::TILTED_ABOVE_DEG + 2.0 {
                    Some(true)
                } else if expected < quality::TILTED_ABOVE_DEG - 2.0 {
                    Some(false)
                } else {
                    None
                };
                rows.add(
                    "head_tilted",
                    format!("zju rotated {deg:+}"),
                    r.abs(),
                    t,
                    quality::head_tilted(r),
                );
            }
        }
        eprintln!("{name}: done");
    }

    let hd = root.join("head-dev");
    head_dev(
        &mut rows,
        &files,
        &hd.join("webcam_pointer_demo.mp4"),
        "webcam",
        3,
    )?;
    eprintln!("webcam: done");
    if !quick {
        head_dev(
            &mut rows,
            &files,
            &hd.join("talking_face.mp4"),
            "talking",
            12,
        )?;
        eprintln!("talking: done");
    }

    // Timing of the per-frame measure.
    {
        let (frames, _) = read_all(&hd.join("webcam_pointer_demo.mp4"))?;
        let mut p = liveness_coach::vision::Perception::new(&files, false)?;
        let seen = p.process(&frames[0], &mut ())?;
        if let Some(face) = seen.face {
            let t0 = std::time::Instant::now();
            let mut n = 0;
            for _ in 0..2000 {
                n += quality::measure(&frames[0], &face.landmarks).is_some() as usize;
            }
            println!(
                "quality::measure at {}x{}: {:.3} ms per frame ({n} measured)\n",
                frames[0].width,
                frames[0].height,
                t0.elapsed().as_secs_f64() * 1000.0 / 2000.0
            );
        }
    }

    println!("## Blink accuracy (mesh eyes) vs. face size, zju-dev downscaled\n");
    println!(
        "| downscale | outer-eye-corner distance median (p5-p95) px | precision | recall | F1 |"
    );
    println!("|---|---|---:|---:|---:|");
    for (sc, (c, mut ipds)) in blink_counts {
        ipds.sort_by(f32::total_cmp);
        let q = |p: f32| {
            ipds.get(((ipds.len() as f32 - 1.0) * p) as usize)
                .copied()
                .unwrap_or(f32::NAN)
        };
        println!(
            "| 1/{sc} | {:.0} ({:.0}-{:.0}) | {:.3} | {:.3} | {:.3} |",
            q(0.5),
            q(0.05),
            q(0.95),
            c.precision(),
            c.recall(),
            c.f1()
        );
    }
    println!();
    report(&rows);
    Ok(())
}

fn report(rows: &Rows) {
    let codes = [
        "blurry",
        "noisy",
        "low_resolution",
        "low_fps",
        "moving_too_fast",
        "head_tilted",
        "not_facing_camera",
    ];
    println!("## Per-frame precision / recall\n");
    println!(
        "| code | frames scored | TP | FP | FN | precision | recall | flagged on clean originals |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    for code in codes {
        let (mut tp, mut fp, mut fn_, mut n) = (0, 0, 0, 0);
        let (mut clean, mut clean_flag) = (0, 0);
        for r in rows.0.iter().filter(|r| r.code == code) {
            let is_clean = r.case.ends_with("clean")
                || r.case == "zju"
                || r.case == "webcam"
                || r.case == "talking"
                || r.case.ends_with(" x1")
                || r.case.contains("as is");
            if is_clean {
                clean += 1;
                clean_flag += r.flagged as usize;
            }
            let Some(t) = r.truth else { continue };
            n += 1;
            match (t, r.flagged) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fn_ += 1,
                _ => {}
            }
        }
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let rc = tp as f64 / (tp + fn_).max(1) as f64;
        println!(
            "| {code} | {n} | {tp} | {fp} | {fn_} | {p:.3} | {rc:.3} | {clean_flag} of {clean} |"
        );
    }
    println!();
    for code in codes {
        println!("### {code}\n");
        println!("| case | truth | frames | min | p5 | median | p95 | max | flagged |");
        println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        let mut cases: BTreeMap<(String, String), Vec<(f32, bool)>> = BTreeMap::new();
        for r in rows.0.iter().filter(|r| r.code == code) {
            let t = match r.truth {
                Some(true) => "yes",
                Some(false) => "no",
                None => "-",
            };
            cases
                .entry((r.case.clone(), t.into()))
                .or_default()
                .push((r.value, r.flagged));
        }
        let mut weakest: Option<(f64, String)> = None;
        for ((case, t), mut v) in cases {
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            let q = |p: f32| v[((v.len() as f32 - 1.0) * p) as usize].0;
            let flagged = v.iter().filter(|x| x.1).count();
            println!(
                "| {case} | {t} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {flagged} |",
                v.len(),
                q(0.0),
                q(0.05),
                q(0.5),
                q(0.95),
                q(1.0)
            );
            let acc = match t.as_str() {
                "yes" => flagged as f64 / v.len() as f64,
                "no" => 1.0 - flagged as f64 / v.len() as f64,
                _ => continue,
            };
            if weakest.as_ref().is_none_or(|w| acc < w.0) {
                weakest = Some((
                    acc,
                    format!("{case} (truth {t}): {:.1}% right", acc * 100.0),
                ));
            }
        }
        if let Some((_, w)) = weakest {
            println!("\nweakest case: {w}");
        }
        println!();
    }
}
