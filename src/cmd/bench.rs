//! `liveness-coach bench FILE`: per-stage time per frame on a real clip.

use super::timer::StageTimer;
use crate::analysis::{analyze_source, Analyzer, AnalyzerOptions};
use crate::source;
use crate::vision::Stage;
use anyhow::{Context, Result};
use std::path::Path;
use std::time::{Duration, Instant};

/// Median and 95th percentile of a set of durations, in milliseconds.
pub fn percentiles(mut v: Vec<Duration>) -> (f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0);
    }
    v.sort();
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
    (at(0.5), at(0.95))
}

pub fn run(input: &str, models: Option<&Path>, options: AnalyzerOptions) -> Result<String> {
    let t0 = Instant::now();
    let files = super::load_models(models)?;
    let mut analyzer = Analyzer::new(&files, options)?;
    let load = t0.elapsed();
    let mut src = source::open_path(input).with_context(|| format!("cannot read {input}"))?;
    let info = src.info().clone();
    let mut timer = StageTimer::new(true);
    let t1 = Instant::now();
    let clip = analyze_source(src.as_mut(), &mut analyzer, &mut timer, |_| {})?;
    let wall = t1.elapsed();
    let n = clip.frames.len().max(1);
    let detector_frames = timer
        .per_frame
        .iter()
        .filter(|f| f[Stage::Detect as usize] > Duration::ZERO)
        .count();
    let mut out = format!(
        "{}: {}x{}, {} frames; models loaded in {:.0} ms; detector ran on {} frames\n",
        info.name,
        info.width,
        info.height,
        clip.frames.len(),
        load.as_secs_f64() * 1000.0,
        detector_frames
    );
    out += &format!(
        "{:<10} {:>9} {:>9} {:>9}\n",
        "stage", "mean ms", "median", "p95"
    );
    for stage in Stage::ALL {
        let v: Vec<Duration> = timer.per_frame.iter().map(|f| f[stage as usize]).collect();
        let mean = timer.total(stage).as_secs_f64() * 1000.0 / n as f64;
        let (med, p95) = percentiles(v);
        out += &format!(
            "{:<10} {:>9.2} {:>9.2} {:>9.2}\n",
            stage.name(),
            mean,
            med,
            p95
        );
    }
    let after_decode: Vec<Duration> = timer
        .per_frame
        .iter()
        .map(|f| {
            f.iter()
                .enumerate()
                .filter(|(i, _)| *i != Stage::Decode as usize)
                .map(|(_, d)| *d)
                .sum()
        })
        .collect();
    let mean = after_decode.iter().sum::<Duration>().as_secs_f64() * 1000.0 / n as f64;
    let (med, p95) = percentiles(after_decode);
    out += &format!(
        "{:<10} {:>9.2} {:>9.2} {:>9.2}\n",
        "after-decode", mean, med, p95
    );
    out += &format!(
        "end to end: {:.1} frames per second\n",
        n as f64 / wall.as_secs_f64()
    );
    Ok(out)
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
}
