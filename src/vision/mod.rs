//! From a frame to one tracked face: detector when the track is lost, the
//! 468-point mesh on a crop that follows the face, and optionally the iris
//! model's refined eyelids.

pub mod cover;
pub mod hand;
pub mod detector;
pub mod eyelids;
pub mod iris;
pub mod iris_gate;
pub mod iris_pair;
pub mod mesh;
pub mod roi;
pub mod warp;
#[cfg(target_arch = "x86_64")]
mod warp_avx2;

use crate::frame::Frame;
use crate::models::ModelFiles;
use anyhow::Result;
use cover::{CoverNet, CoverScores};
use detector::{Detection, FaceDetector};
use iris::EyeLandmarks;
use iris_pair::IrisPair;
use mesh::{FaceMesh, MIN_PRESENCE};
use roi::Roi;

/// The stages a frame goes through, for per-stage timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading and decoding the frame into RGB (at the edge, before perception).
    Decode,
    /// Cropping, rotating, resizing and normalising the model inputs.
    Crop,
    /// The face detector network and its box decoding.
    Detect,
    /// The 468-point mesh network.
    Mesh,
    /// The face-cover network (mask, hand, glasses...; `cover`), its crop
    /// included: a few times a second.
    Cover,
    /// The palm detector and hand landmarks (`hand`), now and then.
    Hands,
    /// The iris network, both eyes.
    Iris,
    /// Eye openness, head pose and the other per-frame measures.
    Measure,
    /// Baselines and the event state machines.
    Events,
    /// Hints and the session script (the coach, after analysis).
    Hints,
    /// Drawing the window's picture (live and `bench` only).
    Draw,
}

impl Stage {
    pub const ALL: [Stage; 11] = [
        Stage::Decode,
        Stage::Crop,
        Stage::Detect,
        Stage::Mesh,
        Stage::Cover,
        Stage::Iris,
        Stage::Hands,
        Stage::Measure,
        Stage::Events,
        Stage::Hints,
        Stage::Draw,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Decode => "decode",
            Stage::Crop => "crop",
            Stage::Detect => "detect",
            Stage::Mesh => "mesh",
            Stage::Cover => "cover",
            Stage::Hands => "hands",
            Stage::Iris => "iris",
            Stage::Measure => "measure",
            Stage::Events => "events",
            Stage::Hints => "hints",
            Stage::Draw => "draw",
        }
    }
}

/// Receives a mark after each stage; the caller decides what a mark means
/// (the benchmark reads a clock, tests and analysis pass `()`), so no clock
/// lives in the core.
pub trait StageObserver {
    fn finished(&mut self, stage: Stage);
}

impl StageObserver for () {
    fn finished(&mut self, _: Stage) {}
}

/// Landmark indices of each eye's corners: (outer, inner).
pub const RIGHT_EYE_CORNERS: (usize, usize) = (33, 133);
pub const LEFT_EYE_CORNERS: (usize, usize) = (263, 362);

/// One face in one frame.
#[derive(Clone, Debug)]
pub struct Face {
    /// 468 points in frame pixels.
    pub landmarks: Vec<[f32; 3]>,
    /// Face-presence probability from the mesh.
    pub presence: f32,
    /// The crop the mesh ran on.
    pub roi: Roi,
    /// Refined eyes (person's right, left) when the iris model ran.
    pub eyes: Option<[EyeLandmarks; 2]>,
    /// Eye openness (right, left) from the mesh's own eyelids
    /// ([`eyelids::mesh_openness`]), measured once here.
    pub mesh_open: Option<(f32, f32)>,
    /// What covers the face, from the learned network ([`cover`]), fresh
    /// at most [`COVER_EVERY_S`] ago.
    pub cover: Option<CoverScores>,
}

/// What perception saw in a frame.
#[derive(Clone, Debug, Default)]
pub struct Observation {
    pub face: Option<Face>,
    /// Whether the detector ran on this frame (the track was lost).
    pub detector_ran: bool,
    /// Faces the detector saw the last time it ran (for "more than one face").
    pub faces_detected: usize,
    /// Detections of that run, best first, in frame pixels.
    pub detections: Vec<Detection>,
    /// Whether the iris model ran on this frame (see [`iris_gate`]).
    pub iris_ran: bool,
    /// Hands near the face (or anywhere, without a face), as last looked
    /// for (see [`HAND_EVERY_S`]).
    pub hands: Vec<hand::Hand>,
}

pub struct Perception {
    detector: FaceDetector,
    mesh: FaceMesh,
    iris: Option<IrisPair>,
    track: Option<Roi>,
    faces_detected: usize,
    /// When the detector last ran (frame time), to recount faces.
    detected_at: Option<f64>,
    /// The last recount saw a detection the mesh did not confirm: look
    /// again sooner ([`RECHECK_S`]).
    unconfirmed: bool,
    /// The last iris run, carried between runs.
    iris_memo: Option<iris_gate::IrisMemo>,
    /// Allowed change of mesh eye openness before the iris model reruns.
    iris_rerun_change: f32,
    /// Frames the iris model keeps running after a change.
    iris_keep_on: u32,
    hand: hand::HandLooker,
    /// The last look for hands: when (frame time), whether a face was
    /// there, and the hands found.
    hand_memo: Option<(f64, bool, Vec<hand::Hand>)>,
    /// A look under way on the hand worker: the frame count at which its
    /// result is taken, and its frame's time and face.
    hand_pending: Option<(u64, f64, bool)>,
    /// Frames processed (for [`HAND_LAG_FRAMES`]).
    frames: u64,
    cover: CoverNet,
    /// The last cover scores and when (frame time) they were made.
    cover_memo: Option<(f64, CoverScores)>,
}

/// How often (seconds of stream time) the cover network reruns on a
/// tracked face: what covers a face changes when a hand or a mask moves,
/// not from frame to frame, and the hints need it for half a second
/// before they show (`hints::hysteresis::ON_AFTER_S`); five times a second
/// costs about 0.1 ms per frame at 30 fps (docs/occlusion.md). It runs at
/// once on a new face, on every photo, and whenever the mesh doubts the face.
pub const COVER_EVERY_S: f64 = 0.2;

/// How often (seconds of stream time) hands are looked for while none was
/// seen near the face: a palm detector run and a landmark run per palm
/// cost about 14 + 10 ms here (docs/hands.md), so once a second is about
/// 0.5 ms per frame at 30 fps. It runs at once on a new face and on every
/// photo.
pub const HAND_EVERY_S: f64 = 1.0;
/// A look on the hand worker is taken this many frames after its frame
/// (at 30 fps, 0.27 s; the hints then need `hints::hysteresis::ON_AFTER_S`
/// more): a look costs about 16 ms here, 26 ms or more when a palm is found
/// and its landmarks run, while it shares the second core with the iris
/// worker. At 4 frames this thread waited for it on two of the zju clip's
/// four looks (2.6 and 22 ms: `hands` 0.34 ms a frame); at 8 the stage is
/// 0.15-0.19 ms there, 0.05 on the webcam clip, most of it the stream's first
/// look, which runs at once (docs/speed.md).
pub const HAND_LAG_FRAMES: u64 = 8;
/// ...and while a hand was seen: four times a second, so a hand moving
/// over the face is followed within the hints' half second
/// (`hints::hysteresis::ON_AFTER_S`).
pub const HAND_NEAR_EVERY_S: f64 = 0.25;

/// While a face is tracked, the detector still runs this often (seconds of
/// stream time) to count the faces in view: a second person walking in is
/// a reason a check fails. At 2.9 ms per run, once a second costs under
/// 0.1 ms per frame at 30 fps.
pub const RECOUNT_S: f64 = 1.0;

/// After a recount that saw a second detection the mesh did not confirm,
/// the next recount comes this much sooner (seconds). The real second
/// person in zju 000001M_UNN (walking past, half in view, blurred) is
/// confirmed on 7 of the 20 frames the detector sees him; looking four
/// times a second while he is there catches him within his first second.
/// False detections cost a detector and a mesh run (about 7 ms) four
/// times a second while they last.
pub const RECHECK_S: f64 = 0.25;

/// A detection counts as another face only when the mesh, run on it, says a
/// face is there (presence at least [`MIN_PRESENCE`], the same rule as for
/// tracking). The detector alone sees faces in clutter: on zju clips moved
/// or rotated in a grey frame it found a second "face" in 18-106 of 140
/// frames with scores 0.51-0.73, and the mesh's presence on those was at most
/// 0.08; on the real passer-by it was 0.75-1.0 on 7 of 20 frames
/// (`cargo run --release -p lc-eval --example probe_faces -- CLIP`; the test
/// `a_second_face_counts_only_when_the_mesh_confirms_it`).
fn confirmed(
    mesh: &mut FaceMesh,
    frame: &Frame,
    d: &Detection,
    obs: &mut impl StageObserver,
) -> Result<bool> {
    let roi = d.mesh_roi();
    if !roi.is_valid() {
        return Ok(false);
    }
    let m = mesh.run(frame, &roi, obs)?;
    Ok(m.presence >= MIN_PRESENCE)
}

impl Perception {
    /// Loads the networks; `with_iris` adds the eyelid refinement.
    pub fn new(files: &ModelFiles, with_iris: bool) -> Result<Perception> {
        Ok(Perception {
            detector: FaceDetector::new(&files.detector)?,
            mesh: FaceMesh::new(&files.mesh)?,
            iris: if with_iris {
                Some(IrisPair::new(&files.iris, true)?)
            } else {
                None
            },
            track: None,
            faces_detected: 0,
            detected_at: None,
            unconfirmed: false,
            iris_memo: None,
            iris_rerun_change: iris_gate::RERUN_CHANGE,
            iris_keep_on: iris_gate::KEEP_ON_FRAMES,
            cover: CoverNet::new(&files.cover, &files.cover_heads)?,
            cover_memo: None,
            hand: hand::HandLooker::new(hand::HandModel::new(&files.palm, &files.hand)?, true)?,
            hand_memo: None,
            hand_pending: None,
            frames: 0,
        })
    }

    /// How much the mesh's eye openness may change before the iris model
    /// reruns (0: on every frame). For measuring the gate.
    pub fn set_iris_rerun_change(&mut self, change: f32) {
        self.iris_rerun_change = change.max(0.0);
    }

    /// How many frames the iris model keeps running after a change
    /// ([`iris_gate::KEEP_ON_FRAMES`]). For measuring the gate.
    pub fn set_iris_keep_on(&mut self, frames: u32) {
        self.iris_keep_on = frames;
    }

    /// Forgets the tracked face (a new clip, or a jump in the stream).
    pub fn reset(&mut self) {
        self.track = None;
        self.faces_detected = 0;
        self.detected_at = None;
        self.unconfirmed = false;
        self.iris_memo = None;
        self.cover_memo = None;
        self.hand_memo = None;
        if self.hand_pending.take().is_some() {
            // The look under way is of the old stream: drop it.
            let _ = self.hand.finish();
        }
    }

    /// Processes one frame: the face, then the hands near it.
    pub fn process(&mut self, frame: &Frame, obs: &mut impl StageObserver) -> Result<Observation> {
        let mut out = self.process_face(frame, obs)?;
        self.look_for_hands(frame, &mut out)?;
        obs.finished(Stage::Hands);
        Ok(out)
    }

    /// Hands in a square around the face ([`hand::search_roi`]), or in the
    /// whole frame without a face, looked for again when the last look is
    /// [`HAND_EVERY_S`] old ([`HAND_NEAR_EVERY_S`] while a hand was seen).
    /// A stream's first look, and a look when a face appears or is lost,
    /// runs at once (a photo is judged on its one frame); the others run on
    /// the hand worker and their result is taken [`HAND_LAG_FRAMES`] frames
    /// later, whatever the timing, so results do not depend on the
    /// machine's speed. Between looks the last hands are kept.
    fn look_for_hands(&mut self, frame: &Frame, out: &mut Observation) -> Result<()> {
        self.frames += 1;
        let face = out.face.is_some();
        if let Some((due, t, had_face)) = self.hand_pending {
            if self.frames >= due {
                self.hand_pending = None;
                let hands = self.hand.finish()?.unwrap_or_default();
                self.hand_memo = Some((t, had_face, hands));
            }
        }
        let changed = self
            .hand_memo
            .as_ref()
            .is_none_or(|(_, had_face, _)| *had_face != face);
        let stale = self.hand_memo.as_ref().is_none_or(|(t, _, hands)| {
            let every = if hands.is_empty() {
                HAND_EVERY_S
            } else {
                HAND_NEAR_EVERY_S
            };
            !(0.0..every).contains(&(frame.time_s - t))
        });
        if changed || (stale && self.hand_pending.is_none()) {
            let area = match &out.face {
                Some(f) => {
                    roi::bounds(f.landmarks.iter().map(|p| [p[0], p[1]])).and_then(hand::search_roi)
                }
                None => Some(Roi::letterbox(frame.width, frame.height)),
            };
            if let Some(a) = area {
                if !changed && self.hand.start(frame, &a) {
                    self.hand_pending = Some((self.frames + HAND_LAG_FRAMES, frame.time_s, face));
                } else {
                    self.hand_pending = None;
                    let hands = self.hand.now(frame, &a)?;
                    self.hand_memo = Some((frame.time_s, face, hands));
                }
            } else {
                self.hand_memo = Some((frame.time_s, face, Vec::new()));
            }
        }
        if let Some((_, had_face, hands)) = &self.hand_memo {
            if *had_face == face {
                out.hands.clone_from(hands);
            }
        }
        Ok(())
    }

    fn process_face(&mut self, frame: &Frame, obs: &mut impl StageObserver) -> Result<Observation> {
        let mut out = Observation::default();
        let mut roi = self.track.filter(|r| fits(r, frame));
        let mut faint_only = false;
        let every = if self.unconfirmed {
            RECHECK_S
        } else {
            RECOUNT_S
        };
        let recount = self
            .detected_at
            .is_none_or(|t| !(0.0..every).contains(&(frame.time_s - t)));
        if roi.is_none() || recount {
            out.detector_ran = true;
            let (dets, faint) = self.detector.detect_or_faint(frame, obs)?;
            self.detected_at = Some(frame.time_s);
            // The face in front: the tracked one, else the biggest found.
            let main = match roi {
                Some(r) => dets.iter().position(|d| {
                    (d.bbox[0]..=d.bbox[2]).contains(&r.cx)
                        && (d.bbox[1]..=d.bbox[3]).contains(&r.cy)
                }),
                None => dets
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.area().total_cmp(&b.1.area()))
                    .map(|(i, _)| i),
            };
            if roi.is_none() {
                roi = main.map(|i| dets[i].mesh_roi()).filter(|r| r.is_valid());
            }
            let mut faces = usize::from(roi.is_some() || main.is_some());
            if roi.is_none() {
                // Nothing found: a faint detection, kept below only as a
                // masked face (`detector::MASKED_MIN_SCORE`).
                roi = faint.map(|d| d.mesh_roi()).filter(|r| r.is_valid());
                faint_only = roi.is_some();
            }
            self.unconfirmed = false;
            for (i, d) in dets.iter().enumerate() {
                if Some(i) == main {
                    continue;
                }
                if confirmed(&mut self.mesh, frame, d, obs)? {
                    faces += 1;
                } else {
                    self.unconfirmed = true;
                }
            }
            self.faces_detected = faces;
            out.detections = dets;
        }
        out.faces_detected = self.faces_detected;
        let Some(roi) = roi else {
            self.track = None;
            self.iris_memo = None;
            self.cover_memo = None;
            return Ok(out);
        };
        let m = self.mesh.run(frame, &roi, obs)?;
        let finite = m.landmarks.iter().flatten().all(|v| v.is_finite());
        // A mask hides what the mesh's presence looks for (on real masked
        // photos a tenth score under 0.1, docs/detector-recall.md): where
        // the mesh doubts, the cover network decides: a face (learned
        // against the clutter the detector takes for faces) with a mask.
        // Held out, its face output let 48 of 176 clutter crops through
        // (docs/occlusion.md), so a doubted face must also be masked.
        let fresh = self
            .cover_memo
            .filter(|(t, _)| (0.0..COVER_EVERY_S).contains(&(frame.time_s - t)))
            .filter(|_| !out.detector_ran && m.presence >= MIN_PRESENCE);
        let cover = match fresh {
            Some((_, c)) => Some(c),
            None if cover::colourless(frame, &roi) => None,
            None => {
                let c = self.cover.run(frame, &roi, &m.features)?;
                self.cover_memo = Some((frame.time_s, c));
                Some(c)
            }
        };
        obs.finished(Stage::Cover);
        let masked_face = cover.is_some_and(|c| c.is_face() && c.mask());
        if !finite || ((m.presence < MIN_PRESENCE || faint_only) && !masked_face) {
            self.track = None;
            self.iris_memo = None;
            self.cover_memo = None;
            return Ok(out);
        }
        if faint_only {
            self.faces_detected = 1;
            out.faces_detected = 1;
        }
        self.track = mesh::roi_from_landmarks(&m.landmarks);
        let mesh_open = eyelids::mesh_openness(&m.landmarks);
        let eyes = match self.iris.as_mut() {
            Some(iris) => {
                let p = |i: usize| [m.landmarks[i][0], m.landmarks[i][1]];
                let corners = [
                    p(RIGHT_EYE_CORNERS.0),
                    p(RIGHT_EYE_CORNERS.1),
                    p(LEFT_EYE_CORNERS.0),
                    p(LEFT_EYE_CORNERS.1),
                ];
                let need =
                    iris_gate::needed(self.iris_memo.as_ref(), mesh_open, self.iris_rerun_change);
                match self.iris_memo.as_mut() {
                    Some(m) if need == iris_gate::Need::No => {
                        m.age += 1;
                        Some(iris_gate::follow(m, corners))
                    }
                    _ => {
                        out.iris_ran = true;
                        let keep_on =
                            need.keep_on_after(self.iris_memo.as_ref(), self.iris_keep_on);
                        let eyes = iris.run(frame, corners, obs)?;
                        self.iris_memo = eyes.clone().zip(mesh_open).map(|(eyes, mesh_open)| {
                            iris_gate::IrisMemo {
                                eyes,
                                mesh_open,
                                corners,
                                age: 0,
                                keep_on,
                            }
                        });
                        eyes
                    }
                }
            }
            None => None,
        };
        out.face = Some(Face {
            landmarks: m.landmarks,
            presence: m.presence,
            roi,
            eyes,
            mesh_open,
            cover,
        });
        Ok(out)
    }
}

/// A tracked crop is usable while its centre stays on the frame.
fn fits(roi: &Roi, frame: &Frame) -> bool {
    roi.is_valid()
        && (0.0..frame.width as f32).contains(&roi.cx)
        && (0.0..frame.height as f32).contains(&roi.cy)
        && roi.size < 4.0 * frame.width.max(frame.height) as f32
}
