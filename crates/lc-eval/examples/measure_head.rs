//! Every head excursion the turn and nod detector sees, with its outcome.
//!
//! `cargo run --release -p lc-eval --example measure_head -- INPUT...`
//!
//! Each INPUT is a video, or an analysis saved by `analyze --json` or
//! `eval_blinks --save` (a `.json`, replayed without the models). For every
//! excursion from the learned neutral pose it prints the direction, the
//! outcome (done, too_small, too_long, drift), start, duration, peak
//! degrees and rise time (from half the minimum angle to the minimum, what
//! `acceptance::RISE_MAX_S` bounds); then, per input, the largest yaw and
//! pitch distance from neutral outside every counted movement: how far a
//! head drifts when it is not moving on purpose.

use anyhow::Result;
use lc_eval::eval::frames_of;
use liveness_coach::events::acceptance::{
    ENTER_FRACTION, LOOK_UP_MIN_DEG, NOD_MIN_DEG, TURN_MIN_DEG,
};
use liveness_coach::events::head::HeadDetector;
use liveness_coach::events::{Outcome, Signals};
use liveness_coach::models::ModelFiles;
use liveness_coach::record::EventKind;

/// (time, yaw from neutral, pitch from neutral) of one frame with a face.
type Rel = (f64, f32, f32);

fn main() -> Result<()> {
    let inputs: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(!inputs.is_empty(), "usage: measure_head INPUT...");
    let files = ModelFiles::embedded()?;
    for path in &inputs {
        let frames = frames_of(path, &files)?;
        let mut det = HeadDetector::default();
        // (time, yaw from neutral, pitch from neutral) per frame with a face.
        let mut rel: Vec<Rel> = Vec::new();
        let mut attempts = Vec::new();
        for f in &frames {
            let s = Signals::from(f);
            attempts.extend(det.push_attempts(&s));
            if let (Some((y, p, _)), true) = (s.pose, det.yaw.value.is_some()) {
                if let Some((dy, dp)) = det.relative(y, p) {
                    rel.push((s.time_s, dy, dp));
                }
            }
        }
        println!("{path}: {} frames", frames.len());
        println!("  kind        outcome     start_s   dur_s  peak_deg  rise_s");
        for a in &attempts {
            let e = &a.event;
            let (min, along): (f32, fn(&Rel) -> f32) = match e.kind {
                EventKind::TurnLeft => (TURN_MIN_DEG, |r| r.1),
                EventKind::TurnRight => (TURN_MIN_DEG, |r| -r.1),
                EventKind::LookUp => (LOOK_UP_MIN_DEG, |r| r.2),
                _ => (NOD_MIN_DEG, |r| -r.2),
            };
            let enter_s = rel
                .iter()
                .find(|r| r.0 >= e.start_s && along(r) > min * ENTER_FRACTION)
                .map(|r| r.0);
            let reach_s = rel
                .iter()
                .find(|r| r.0 >= e.start_s && r.0 <= e.end_s && along(r) >= min)
                .map(|r| r.0);
            let rise = match (enter_s, reach_s) {
                (Some(a), Some(b)) => format!("{:.2}", b - a),
                _ => "-".into(),
            };
            let outcome = match a.outcome {
                Outcome::Done => "done",
                Outcome::TooSmall => "too_small",
                Outcome::TooLong => "too_long",
                Outcome::Drift => "drift",
            };
            println!(
                "  {:<11} {:<10} {:>8.2} {:>7.2} {:>9.1} {:>7}",
                e.kind.code(),
                outcome,
                e.start_s,
                e.end_s - e.start_s,
                e.magnitude,
                rise
            );
        }
        let counted: Vec<(f64, f64)> = attempts
            .iter()
            .filter(|a| a.outcome == Outcome::Done)
            .map(|a| (a.event.start_s, a.event.end_s))
            .collect();
        let outside = rel
            .iter()
            .filter(|r| !counted.iter().any(|(s, e)| r.0 >= *s && r.0 <= *e));
        let (my, mp) = outside.fold((0f32, 0f32), |(my, mp), r| {
            (my.max(r.1.abs()), mp.max(r.2.abs()))
        });
        let done = counted.len();
        println!(
            "  {done} counted; outside them the head stays within {my:.1} deg yaw, {mp:.1} deg pitch of neutral"
        );
    }
    Ok(())
}
