//! Constructed analysis documents for the report's unit tests.

use super::json::{AnalysisDoc, InputInfo, IssueEntry, Timing, ANALYSIS_SCHEMA};
use crate::record::FrameRecord;
use crate::record::{HintCode, HintSpan};

/// A hint raised from frame `a` to frame `b` of a 30 fps clip.
pub fn issue(code: HintCode, a: u64, b: u64) -> IssueEntry {
    IssueEntry::from(&HintSpan {
        code,
        start_frame: a,
        end_frame: b,
        start_s: a as f64 / 30.0,
        end_s: b as f64 / 30.0,
        value: 1.0,
        parts: Vec::new(),
    })
}

/// A well-lit person facing the camera at 30 fps for `n` frames.
pub fn facing(n: usize) -> AnalysisDoc {
    let frames = (0..n)
        .map(|i| FrameRecord {
            index: i as u64,
            time_s: i as f64 / 30.0,
            face: true,
            face_score: Some(0.99),
            eye_open_left: Some(0.3 + 0.004 * (i % 5) as f32),
            eye_open_right: Some(0.31 - 0.003 * (i % 4) as f32),
            yaw_deg: Some(0.2 * (i % 3) as f32),
            pitch_deg: Some(-0.15 * (i % 4) as f32),
            roll_deg: Some(0.0),
            face_box: Some([220.0, 120.0, 420.0, 380.0]),
            faces_detected: 1,
            face_luma: Some(130.0 + (i % 7) as f32),
            background_luma: Some(90.0),
            face_clipped: Some(0.0),
            side_balance: Some(0.02),
            head_speed_deg_s: Some(2.0 + (i % 5) as f32),
            eye_open_level: Some(0.31),
            neutral_yaw_deg: Some(0.2),
            neutral_pitch_deg: Some(-0.2),
            fps: Some(30.0),
            ..Default::default()
        })
        .collect();
    AnalysisDoc {
        schema: ANALYSIS_SCHEMA.into(),
        input: InputInfo {
            path: "clip.y4m".into(),
            width: 640,
            height: 480,
            fps: Some(30.0),
            frames: n as u64,
        },
        frames,
        events: Vec::new(),
        issues: Vec::new(),
        timing: Timing::default(),
        error: None,
    }
}

/// [`facing`], turning left (yaw up to `peak` degrees) between `t0` and
/// `t0 + dur` seconds.
pub fn turning(n: usize, t0: f64, dur: f64, peak: f32) -> AnalysisDoc {
    let mut doc = facing(n);
    for f in &mut doc.frames {
        let t = f.time_s;
        let yaw = if (t0..t0 + dur).contains(&t) {
            peak * (std::f64::consts::PI * (t - t0) / dur).sin() as f32
        } else {
            0.0
        };
        // A live person's jitter on top (tenths of a degree).
        f.yaw_deg = Some(yaw + 0.2 * (f.index % 3) as f32);
        f.pitch_deg = Some(-0.15 * (f.index % 4) as f32);
    }
    doc.events = super::prompts::replay(&doc).events;
    doc
}
