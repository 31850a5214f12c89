//! A clip (or a live stream) frame by frame: perception, measures, events.
//!
//! [`Analyzer::step`] is the one path every frame takes, from a file or a
//! camera alike; [`analyze_source`] drives it over a whole source.

use crate::events::{Event, EventTracker, Signals};
use crate::eyes;
use crate::frame::Frame;
use crate::models::ModelFiles;
use crate::pose::FaceModel;
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

/// Everything measured on one frame. Values are `None` where there is no face.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FrameRecord {
    pub index: u64,
    pub time_s: f64,
    pub face: bool,
    pub face_score: Option<f32>,
    /// Eye aspect ratio of the person's left eye (image right, unmirrored).
    pub eye_open_left: Option<f32>,
    /// Eye aspect ratio of the person's right eye.
    pub eye_open_right: Option<f32>,
    pub yaw_deg: Option<f32>,
    pub pitch_deg: Option<f32>,
    pub roll_deg: Option<f32>,
    /// Face box (x0, y0, x1, y1) in frame pixels, from the landmarks.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub face_box: Option<[f32; 4]>,
    /// Faces the detector saw the last time it ran.
    pub faces_detected: usize,
    /// Lighting of the face (see `lighting`): mean face and background luma
    /// (0-255), fraction of blown-out face pixels, left-right balance.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub face_luma: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub background_luma: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub face_clipped: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub side_balance: Option<f32>,
    /// Image quality of the face (see `quality`): fine-to-coarse gradient
    /// ratio (about 1 sharp), noise sigma in luma levels, eye-corner distance
    /// in pixels.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sharpness: Option<f32>,
    /// Sharpness over the person's own recent level (`quality::SharpnessMeter`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sharpness_relative: Option<f32>,
    /// Sharpness across over sharpness along the softer direction (1 even).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub blur_balance: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub noise_sigma: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub inter_ocular_px: Option<f32>,
    /// What covers the face (see `occlusion`): glasses, masks, hats, hands.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub occlusion: Option<crate::occlusion::OcclusionMeasures>,
    /// Share of the last second's frames showing a glasses frame
    /// (`occlusion::GlassesMeter`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub glasses_share: Option<f32>,
    /// Frames per second delivered over the last second.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub fps: Option<f64>,
    /// Regular pulsing of the background's brightness over the last second,
    /// as a fraction of its mean (see `flicker`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub flicker: Option<f32>,
    /// Head angular speed (yaw and pitch) over the last 0.2 s, degrees/s.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub head_speed_deg_s: Option<f32>,
    /// This person's learned open-eye level (eye aspect ratio) at this frame.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub eye_open_level: Option<f32>,
    /// This person's learned neutral yaw and pitch at this frame.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub neutral_yaw_deg: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub neutral_pitch_deg: Option<f32>,
    /// Both eye measures, for comparison (mesh right/left, iris right/left).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ear_mesh: Option<[f32; 2]>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ear_iris: Option<[f32; 2]>,
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
    fps: crate::quality::FpsMeter,
    speed: crate::quality::SpeedMeter,
    sharpness: crate::quality::SharpnessMeter,
    flicker: crate::flicker::FlickerMeter,
    glasses: crate::occlusion::GlassesMeter,
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
            fps: crate::quality::FpsMeter::new(),
            speed: crate::quality::SpeedMeter::new(),
            sharpness: crate::quality::SharpnessMeter::default(),
            flicker: crate::flicker::FlickerMeter::default(),
            glasses: crate::occlusion::GlassesMeter::default(),
        })
    }

    /// How much the mesh's eye openness may change before the iris model
    /// reruns (`vision::iris_gate`; 0: every frame). For measuring the gate.
    pub fn set_iris_rerun_change(&mut self, change: f32) {
        self.perception.set_iris_rerun_change(change);
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
        let events = self.events.push(&Signals::from(&rec));
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
        if let Some(p) = self.face_model.pose(&face.landmarks) {
            rec.yaw_deg = Some(p.yaw);
            rec.pitch_deg = Some(p.pitch);
            rec.roll_deg = Some(p.roll);
        }
        if let Some(l) = crate::lighting::measure(frame, &face.landmarks) {
            rec.face_luma = Some(l.face_luma);
            rec.background_luma = l.background_luma;
            rec.face_clipped = Some(l.face_clipped);
            rec.side_balance = Some(l.side_balance);
        }
        rec.occlusion = crate::occlusion::measure(frame, &face.landmarks);
        if let Some(q) = crate::quality::measure(frame, &face.landmarks) {
            rec.sharpness = Some(q.sharpness);
            rec.blur_balance = Some(q.blur_balance);
            rec.noise_sigma = Some(q.noise_sigma);
            rec.inter_ocular_px = Some(q.inter_ocular_px);
        }
        rec.face_box = crate::vision::roi::bounds(face.landmarks.iter().map(|p| [p[0], p[1]]));
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
    pub issues: Vec<crate::hints::HintSpan>,
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
