//! The colour flash on a simulated screen: what the product's flash step
//! says for real faces lit by a screen in rooms of known light.
//!
//! `cargo run --release -p lc-eval --example measure_flash -- [--crf N] CLIP...`
//!
//! Each CLIP (a still-face recording: zju-dev's clips are real webcam
//! footage) is played forward and back until long enough, lit by the
//! product's own random colour sequence through `lc_eval::flash` in every
//! room of `flash::ROOMS` and at a sweep of screen-to-room ratios, with a
//! 0.1 s display-to-camera delay, and judged by the product's session. With
//! `--crf N` the lit frames also go through H.264 (libx264, that CRF) and
//! back before they are judged, as a webcam stream compressed on its way to
//! a server would. Prints, per room and ratio: the verdict and the measured
//! response of each clip, and how many clips were called visible.

use anyhow::{Context, Result};
use lc_eval::flash::{judge, long_enough, rehearse, Room, ROOMS};
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::session::flash::{FlashVerdict, FLASH_COUNT, FLASH_SEGMENT_S};

/// Screen-to-room ratios swept, beyond the rooms.
const SWEEP: [f32; 8] = [0.0, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32];
const START_S: f64 = 0.5;
const LATENCY_S: f64 = 0.1;
const FPS: f64 = 30.0;

fn read_all(path: &str) -> Result<Vec<Frame>> {
    let mut src = liveness_coach::source::open_path(path)?;
    let mut out = Vec::new();
    loop {
        let mut f = Frame::default();
        if !src.read_into(&mut f)? {
            break;
        }
        out.push(f);
    }
    Ok(out)
}

/// The frames through H.264 at `crf` and back.
fn h264(frames: &[Frame], crf: u32, tmp: &std::path::Path) -> Result<Vec<Frame>> {
    use std::io::Write;
    let (w, h) = (frames[0].width, frames[0].height);
    let y4m = tmp.join("lit.y4m");
    let mp4 = tmp.join("lit.mp4");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&y4m)?);
    writeln!(out, "YUV4MPEG2 W{w} H{h} F30:1 Ip A1:1 C444")?;
    for f in frames {
        out.write_all(b"FRAME\n")?;
        let mut planes: Vec<Vec<u8>> = (0..3)
            .map(|_| Vec::with_capacity((w * h) as usize))
            .collect();
        for p in f.rgb.chunks_exact(3) {
            let [r, g, b] = [p[0], p[1], p[2]].map(|c| c as f32);
            planes[0].push((16.0 + 0.257 * r + 0.504 * g + 0.098 * b).round() as u8);
            planes[1].push((128.0 - 0.148 * r - 0.291 * g + 0.439 * b).round() as u8);
            planes[2].push((128.0 + 0.439 * r - 0.368 * g - 0.071 * b).round() as u8);
        }
        for p in planes {
            out.write_all(&p)?;
        }
    }
    out.flush()?;
    drop(out);
    let status = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(&y4m)
        .args([
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-pix_fmt",
            "yuv420p",
            "-crf",
            &crf.to_string(),
        ])
        .arg(&mp4)
        .status()
        .context("ffmpeg")?;
    anyhow::ensure!(status.success(), "ffmpeg failed");
    let mut back = read_all(mp4.to_str().context("path")?)?;
    for (b, f) in back.iter_mut().zip(frames) {
        b.time_s = f.time_s;
        b.index = f.index;
    }
    Ok(back)
}

fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut crf = None;
    if let Some(i) = args.iter().position(|a| a == "--crf") {
        crf = Some(args.get(i + 1).context("--crf N")?.parse::<u32>()?);
        args.drain(i..i + 2);
    }
    anyhow::ensure!(!args.is_empty(), "usage: measure_flash [--crf N] CLIP...");
    let files = ModelFiles::embedded()?;
    let tmp = std::env::temp_dir().join(format!("measure_flash_{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let seconds = START_S + FLASH_COUNT as f64 * FLASH_SEGMENT_S + 0.6;
    let clips: Vec<(String, Vec<Frame>)> = args
        .iter()
        .map(|p| Ok((p.clone(), long_enough(&read_all(p)?, seconds, FPS))))
        .collect::<Result<_>>()?;
    let mut rooms: Vec<Room> = ROOMS.to_vec();
    for g in SWEEP {
        rooms.push(Room {
            name: "sweep",
            screen_over_room: g,
            noise: 2.0,
            auto_exposure: true,
        });
    }
    println!(
        "{} clips, latency {LATENCY_S} s, {}",
        clips.len(),
        crf.map_or("no compression".to_string(), |c| format!("H.264 crf {c}"))
    );
    println!("| room | screen/room | noise | visible | weak | not measured | measured share (median, min-max) | t (median, min) |");
    println!("|---|---:|---:|---:|---:|---:|---|---|");
    for room in &rooms {
        let (mut vis, mut weak, mut nm) = (0, 0, 0);
        let (mut rel, mut ts) = (Vec::new(), Vec::new());
        for (i, (name, frames)) in clips.iter().enumerate() {
            let seed = 100 + i as u64;
            let (mut result, lit) = rehearse(&files, frames, room, START_S, LATENCY_S, seed)?;
            if let Some(c) = crf {
                result = judge(&files, &h264(&lit, c, &tmp)?, START_S, seed)?;
            }
            match result.as_ref().map(|r| r.verdict) {
                Some(FlashVerdict::Visible) => vis += 1,
                Some(FlashVerdict::Weak) => weak += 1,
                _ => nm += 1,
            }
            if let Some(r) = result.as_ref().and_then(|r| r.response.as_ref()) {
                rel.push(r.relative);
                ts.push(r.t_stat);
                if std::env::var_os("VERBOSE").is_some() {
                    eprintln!(
                        "  {name}: {:?} rel {:.4} t {:.1} lag {:.3} noise {:.4}",
                        result.as_ref().map(|r| r.verdict),
                        r.relative,
                        r.t_stat,
                        r.lag_s,
                        r.noise
                    );
                }
            }
        }
        rel.sort_by(f32::total_cmp);
        ts.sort_by(f32::total_cmp);
        let med = |v: &[f32]| v.get(v.len() / 2).copied().unwrap_or(f32::NAN);
        println!(
            "| {} | {:.3} | {:.0} | {vis} | {weak} | {nm} | {:.3} ({:.3}-{:.3}) | {:.1} ({:.1}) |",
            room.name,
            room.screen_over_room,
            room.noise,
            med(&rel),
            rel.first().copied().unwrap_or(f32::NAN),
            rel.last().copied().unwrap_or(f32::NAN),
            med(&ts),
            ts.first().copied().unwrap_or(f32::NAN),
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}
