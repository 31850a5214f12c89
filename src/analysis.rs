//! A clip (or a live stream) frame by frame: perception, measures, events.
//!
//! [`Analyzer::step`] is the one path every frame takes, from a file or a
//! camera alike; [`analyze_source`] drives it over a whole source.

use crate::events::{EventTracker, Signals};

use crate::frame::Frame;
use crate::measure::eyes;
use crate::measure::pose::FaceModel;
use crate::models::ModelFiles;
use crate::record::{Event, FrameRecord};
use crate::source::FrameSource;
use crate::vision::{Observation, Perception, Stage, StageObserver};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// Which landmarks eye openness is measured from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EyeSource {
    /// The 468-point mesh's eyelid points (no extra model).
    Mesh,
    /// The iris model's refined eyelids (two more network runs per frame).
    Iris,
}

impl EyeSource {
    /// The (right, left) openness to use, given both measures; the iris
    /// setting falls back to the mesh where the iris model gave nothing.
    pub fn pick<T>(self, mesh: Option<T>, iris: Option<T>) -> Option<T> {
        match self {
            EyeSource::Iris => iris.or(mesh),
            EyeSource::Mesh => mesh,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct AnalyzerOptions {
    pub eye_source: EyeSource,
}

impl Default for AnalyzerOptions {
    fn default() -> Self {
        AnalyzerOptions {
            eye_source: EyeSource::Mesh,
        }
    }
}

pub struct Analyzer {
    perception: Perception,
    face_model: FaceModel,
    pub events: EventTracker,
    options: AnalyzerOptions,
    fps: crate::measure::quality::FpsMeter,
    speed: crate::measure::quality::SpeedMeter,
    sharpness: crate::measure::quality::SharpnessMeter,
    flicker: crate::measure::flicker::FlickerMeter,
    glasses: crate::measure::occlusion::GlassesMeter,
}

impl Analyzer {
    pub fn new(files: &ModelFiles, options: AnalyzerOptions) -> Result<Analyzer> {
        let face_model = FaceModel::parse(
            std::str::from_utf8(&files.canonical).context("canonical face model is not text")?,
            std::str::from_utf8(&files.pose_weights).context("pose weights are not text")?,
        )?;
        Ok(Analyzer {
            perception: Perception::new(files, options.eye_source == EyeSource::Iris)?,
            face_model,
            events: EventTracker::default(),
            options,
            fps: crate::measure::quality::FpsMeter::new(),
            speed: crate::measure::quality::SpeedMeter::new(),
            sharpness: crate::measure::quality::SharpnessMeter::default(),
            flicker: crate::measure::flicker::FlickerMeter::default(),
            glasses: crate::measure::occlusion::GlassesMeter::default(),
        })
    }

    /// How much the mesh's eye openness may change before the iris model
    /// reruns (`vision::iris_gate`; 0: every frame). For measuring the gate.
    pub fn set_iris_rerun_change(&mut self, change: f32) {
        self.perception.set_iris_rerun_change(change);
    }

    /// How many frames the iris model keeps running after a change
    /// (`vision::iris_gate::KEEP_ON_FRAMES`). For measuring the gate.
    pub fn set_iris_keep_on(&mut self, frames: u32) {
        self.perception.set_iris_keep_on(frames);
    }

    /// Processes one frame: returns its measures and any events that ended.
    pub fn step(
        &mut self,
        frame: &Frame,
        obs: &mut impl StageObserver,
    ) -> Result<(FrameRecord, Observation, Vec<Event>)> {
        let seen = self.perception.process(frame, obs)?;
        let mut rec = self.measure(frame, &seen);
        rec.fps = self.fps.push(frame.time_s);
        if let (Some(y), Some(p)) = (rec.yaw_deg, rec.pitch_deg) {
            rec.head_speed_deg_s = self.speed.push(frame.time_s, y, p);
        }
        if let Some(s) = rec.sharpness {
            rec.sharpness_relative = self.sharpness.push(frame.time_s, s);
        }
        rec.flicker = self.flicker.push(frame.time_s, rec.background_luma);
        rec.glasses_share = self
            .glasses
            .push(frame.time_s, rec.occlusion.as_ref().map(|o| o.glasses()));
        obs.finished(Stage::Measure);
        let events = self.events.push(&Signals::measure(&rec, frame.height));
        if rec.face {
            rec.eye_open_level = self.events.blink.open_level;
            rec.neutral_yaw_deg = self.events.head.yaw.value;
            rec.neutral_pitch_deg = self.events.head.pitch.value;
        }
        obs.finished(Stage::Events);
        Ok((rec, seen, events))
    }

    fn measure(&self, frame: &Frame, seen: &Observation) -> FrameRecord {
        let mut rec = FrameRecord {
            index: frame.index,
            time_s: frame.time_s,
            faces_detected: seen.faces_detected,
            ..Default::default()
        };
        rec.hands_seen = seen.hands.len();
        let Some(face) = &seen.face else {
            return rec;
        };
        rec.face = true;
        rec.face_score = Some(face.presence);
        let mesh = face.mesh_open;
        let iris = face.eyes.as_ref().and_then(eyes::iris_openness);
        rec.ear_mesh = mesh.map(|(r, l)| [r, l]);
        rec.ear_iris = iris.map(|(r, l)| [r, l]);
        if let Some((r, l)) = self.options.eye_source.pick(mesh, iris) {
            rec.eye_open_right = Some(r);
            rec.eye_open_left = Some(l);
        }
        rec.mouth_open = crate::measure::mouth::openness(&face.landmarks);
        if let Some(p) = self.face_model.pose(&face.landmarks) {
            rec.yaw_deg = Some(p.yaw);
            rec.pitch_deg = Some(p.pitch);
            rec.roll_deg = Some(p.roll);
        }
        if let Some(l) = crate::measure::lighting::measure(frame, &face.landmarks) {
            rec.face_luma = Some(l.face_luma);
            rec.background_luma = l.background_luma;
            rec.face_clipped = Some(l.face_clipped);
            rec.side_balance = Some(l.side_balance);
            rec.face_rgb_linear = Some(l.face_rgb_linear);
        }
        rec.occlusion = crate::measure::occlusion::measure(frame, &face.landmarks);
        rec.cover = face.cover;
        if let Some(q) = crate::measure::quality::measure(frame, &face.landmarks) {
            rec.sharpness = Some(q.sharpness);
            rec.blur_balance = Some(q.blur_balance);
            rec.noise_sigma = Some(q.noise_sigma);
            rec.inter_ocular_px = Some(q.inter_ocular_px);
        }
        rec.face_box = crate::vision::roi::bounds(face.landmarks.iter().map(|p| [p[0], p[1]]));
        let hands: Vec<(Vec<[f32; 2]>, f32)> = seen
            .hands
            .iter()
            .map(|h| (h.points.clone(), h.presence))
            .collect();
        rec.hand_cover = crate::measure::hands::measure(&face.landmarks, &hands);
        rec
    }

    /// Ends the stream: events still open are closed or dropped.
    pub fn finish(&mut self) -> Vec<Event> {
        self.events.finish()
    }
}

/// A whole clip's results.
#[derive(Clone, Debug, Default)]
pub struct ClipAnalysis {
    pub frames: Vec<FrameRecord>,
    pub events: Vec<Event>,
    /// Every hint raised over the clip (what would make a check fail).
    pub issues: Vec<crate::record::HintSpan>,
    /// Set when reading stopped early on an error; what came before is kept.
    pub error: Option<String>,
}

/// Runs every frame of `source` through `analyzer`. `on_frame` is called
/// after each frame (progress, timing). A read error mid-stream ends the
/// clip and is kept in `error`: the frames before it are not lost.
pub fn analyze_source(
    source: &mut dyn FrameSource,
    analyzer: &mut Analyzer,
    obs: &mut impl StageObserver,
    mut on_frame: impl FnMut(&FrameRecord),
) -> Result<ClipAnalysis> {
    let mut out = ClipAnalysis::default();
    let mut frame = Frame::default();
    let mut hints = crate::hints::HintTracker::default();
    loop {
        match source.read_into(&mut frame) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) if !out.frames.is_empty() => {
                out.error = Some(format!("{e:#}"));
                break;
            }
            Err(e) => return Err(e),
        }
        obs.finished(Stage::Decode);
        let (rec, _, events) = analyzer.step(&frame, obs)?;
        hints.observe(
            &rec,
            frame.width,
            frame.height,
            &analyzer.events.near_misses,
            false,
        );
        on_frame(&rec);
        out.frames.push(rec);
        out.events.extend(events);
    }
    out.events.extend(analyzer.finish());
    out.events.sort_by_key(|e| e.start_frame);
    out.issues = hints.finish();
    Ok(out)
}
