//! `liveness-coach bench FILE`: per-stage time per frame on a real clip,
//! through the whole live pipeline (analysis, hints, session, drawing), and
//! with `--repeat N` a soak: the clip looped as one long stream, with memory
//! and time per frame printed after every pass.

use super::timer::StageTimer;
use crate::analysis::{Analyzer, AnalyzerOptions};
use crate::coach::Coach;
use crate::frame::Frame;
use crate::i18n::Lang;
use crate::session::SessionConfig;
use crate::source;
use crate::ui::screen::{Renderer, View};
use crate::vision::{Stage, StageObserver};
use anyhow::{Context, Result};
use std::path::Path;
use std::time::{Duration, Instant};

/// The picture drawn per frame: the practice window's default size.
pub const DRAW_SIZE: (usize, usize) = (960, 720);

/// Median and 95th percentile of a set of durations, in milliseconds.
pub fn percentiles(mut v: Vec<Duration>) -> (f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0);
    }
    v.sort();
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
    (at(0.5), at(0.95))
}

/// What to run.
#[derive(Clone, Copy, Debug)]
pub struct BenchOptions {
    pub analyzer: AnalyzerOptions,
    /// Passes over the clip, as one continuous stream (1 = a plain benchmark).
    pub repeat: u32,
    /// Draw each frame's window picture, as the live loop does.
    pub draw: bool,
}

/// Resident memory of this process in MiB, where the system says (Linux).
pub fn resident_mib() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0 / (1024.0 * 1024.0))
}

/// Time after decoding, per frame.
fn after_decode(rows: &[[Duration; Stage::ALL.len()]]) -> Vec<Duration> {
    rows.iter()
        .map(|f| {
            f.iter()
                .enumerate()
                .filter(|(i, _)| *i != Stage::Decode as usize)
                .map(|(_, d)| *d)
                .sum()
        })
        .collect()
}

fn stage_table(rows: &[[Duration; Stage::ALL.len()]]) -> String {
    let n = rows.len().max(1) as f64;
    let mut out = format!(
        "{:<13} {:>8} {:>8} {:>8}\n",
        "stage", "mean ms", "median", "p95"
    );
    let mut line = |name: &str, v: Vec<Duration>| {
        let mean = v.iter().sum::<Duration>().as_secs_f64() * 1000.0 / n;
        let (med, p95) = percentiles(v);
        out += &format!("{name:<13} {mean:>8.2} {med:>8.2} {p95:>8.2}\n");
    };
    for stage in Stage::ALL {
        line(
            stage.name(),
            rows.iter().map(|f| f[stage as usize]).collect(),
        );
    }
    line("after-decode", after_decode(rows));
    out
}

/// Runs the benchmark, writing its lines to `out` as they come (a soak's
/// passes appear while it runs).
pub fn run(
    input: &str,
    models: Option<&Path>,
    options: BenchOptions,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    let t0 = Instant::now();
    let files = super::load_models(models)?;
    let analyzer = Analyzer::new(&files, options.analyzer)?;
    let load = t0.elapsed();
    let mut coach = Coach::new(analyzer, SessionConfig::default());
    let mut renderer = Renderer::new()?;
    let (w, h) = DRAW_SIZE;
    let mut buf = vec![0u32; w * h];
    let mut view = View::default();
    let mut frame = Frame::default();
    let mut timer = StageTimer::new(true);
    let repeat = options.repeat.max(1);
    // Each pass continues the stream where the last ended.
    let (mut time_offset, mut index_offset) = (0.0f64, 0u64);
    let (mut first_pass_rows, mut last_pass_rows) = (Vec::new(), Vec::new());
    let (mut frames_total, mut detector_frames, mut iris_frames) = (0u64, 0u64, 0u64);
    let wall = Instant::now();
    for pass in 1..=repeat {
        let mut src = source::open_path(input).with_context(|| format!("cannot read {input}"))?;
        if pass == 1 {
            let info = src.info();
            writeln!(
                out,
                "{}: {}x{}; models loaded (parse, optimise, plan) in {:.0} ms",
                info.name,
                info.width,
                info.height,
                load.as_secs_f64() * 1000.0
            )?;
        }
        let pass_start = Instant::now();
        let (mut last_time, mut last_index) = (time_offset, index_offset);
        timer.restart();
        loop {
            if !src.read_into(&mut frame)? {
                break;
            }
            frame.time_s += time_offset;
            frame.index += index_offset;
            (last_time, last_index) = (frame.time_s, frame.index);
            timer.finished(Stage::Decode);
            let step = coach.step(&frame, &mut timer)?;
            timer.finished(Stage::Hints);
            detector_frames += step.observation.detector_ran as u64;
            iris_frames += step.observation.iris_ran as u64;
            if options.draw {
                view.update(&coach, step.observation.face.as_ref(), Lang::En);
                view.frame_size = (frame.width, frame.height);
                renderer.render(&mut buf, w, h, Some(&frame), &view, Lang::En, false);
                timer.finished(Stage::Draw);
            }
            timer.end_frame();
            frames_total += 1;
        }
        let frame_gap = 1.0 / src.info().fps.unwrap_or(30.0).max(1.0);
        time_offset = last_time + frame_gap;
        index_offset = last_index + 1;
        let rows = std::mem::take(&mut timer.per_frame);
        if repeat > 1 {
            let (med, p95) = percentiles(after_decode(&rows));
            writeln!(
                out,
                "pass {pass:>3}: stream {:>6.0} s, {:>6} frames, after-decode median {med:.2} ms p95 {p95:.2} ms, {:.0} fps, resident {}",
                time_offset,
                rows.len(),
                rows.len() as f64 / pass_start.elapsed().as_secs_f64(),
                resident_mib().map_or("n/a".into(), |m| format!("{m:.1} MiB")),
            )?;
            out.flush()?;
        }
        if pass == 1 {
            first_pass_rows = rows;
        } else if pass == repeat {
            last_pass_rows = rows;
        }
    }
    let wall = wall.elapsed();
    writeln!(
        out,
        "{} frames over {} pass(es); detector ran on {detector_frames}, iris model on {iris_frames}; stage times of pass 1:",
        frames_total, repeat
    )?;
    write!(out, "{}", stage_table(&first_pass_rows))?;
    if repeat > 1 {
        writeln!(out, "stage times of pass {repeat}:")?;
        write!(out, "{}", stage_table(&last_pass_rows))?;
    }
    writeln!(
        out,
        "end to end: {:.1} frames per second",
        frames_total as f64 / wall.as_secs_f64()
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_known_values() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        let (m, p) = percentiles(v);
        assert!(
            (m - 51.0).abs() < 1e-9 && (p - 95.0).abs() < 1e-9,
            "{m} {p}"
        );
        assert_eq!(percentiles(vec![]), (0.0, 0.0));
    }

    #[test]
    fn after_decode_leaves_decoding_out() {
        let mut row = [Duration::ZERO; Stage::ALL.len()];
        row[Stage::Decode as usize] = Duration::from_millis(7);
        row[Stage::Mesh as usize] = Duration::from_millis(3);
        row[Stage::Draw as usize] = Duration::from_millis(1);
        assert_eq!(after_decode(&[row]), vec![Duration::from_millis(4)]);
    }
}
