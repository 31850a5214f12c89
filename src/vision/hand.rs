//! Hands: MediaPipe's palm detector and hand landmark model (the "lite"
//! pair of the 0.10.21 wheel, `models/PROVENANCE.md`).
//!
//! As MediaPipe's hand graph: the palm detector on the whole frame
//! letterboxed to 192x192 (2016 anchors on 24x24 (2 per cell) and 12x12 (6
//! per cell) grids, box and 7 keypoints in input pixels, score =
//! sigmoid(logit)); each palm becomes a square crop turned so the fingers
//! point up (wrist to middle-finger knuckle), its box grown 2.6 times and
//! moved half a box toward the fingers; the landmark model gives 21 points
//! in that 224x224 crop and a presence probability.

use super::detector::{decode_ssd, grid_anchors, to_frame, weighted_nms, Detection};
use super::roi::Roi;
use super::warp::{crop_to_tensor, UNIT};
use crate::frame::Frame;
use anyhow::{anyhow, Result};
use fastconv::net::Net;
use std::sync::mpsc::{self, Receiver, SyncSender};

pub const PALM_INPUT: usize = 192;
pub const PALM_ANCHORS: usize = 2016;
pub const HAND_INPUT: usize = 224;
pub const HAND_POINTS: usize = 21;
/// MediaPipe Hands' default minimum palm detection score.
pub const PALM_MIN_SCORE: f32 = 0.5;
/// Palm boxes overlapping more than this are one palm (MediaPipe's value).
pub const PALM_NMS_IOU: f32 = 0.3;
/// MediaPipe Hands' default minimum hand presence.
pub const HAND_MIN_PRESENCE: f32 = 0.5;
/// At most this many hands are followed (a person has two).
pub const MAX_HANDS: usize = 2;
/// The palm box grown this much makes the hand crop (MediaPipe).
const ROI_SCALE: f32 = 2.6;
/// ...moved this share of the box toward the fingers (MediaPipe).
const ROI_SHIFT: f32 = 0.5;

/// Hands are looked for in a square this many times the face's box
/// (around it): a hand on the face is then large enough in the palm
/// detector's 192-pixel input even when the face is small in the frame.
pub const SEARCH_SCALE: f32 = 2.5;

/// The square around a face box (x0, y0, x1, y1) where hands over it are
/// looked for.
pub fn search_roi(face_box: [f32; 4]) -> Option<Roi> {
    let (w, h) = (face_box[2] - face_box[0], face_box[3] - face_box[1]);
    let roi = Roi {
        cx: (face_box[0] + face_box[2]) / 2.0,
        cy: (face_box[1] + face_box[3]) / 2.0,
        size: w.max(h) * SEARCH_SCALE,
        angle: 0.0,
    };
    roi.is_valid().then_some(roi)
}

/// Palm keypoints used for the crop's direction.
const WRIST: usize = 0;
const MIDDLE_KNUCKLE: usize = 2;

/// A hand in frame pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Hand {
    /// The 21 landmarks (MediaPipe's order: wrist, then four per finger
    /// from the thumb), frame pixels.
    pub points: Vec<[f32; 2]>,
    pub presence: f32,
    /// The palm detector's score.
    pub palm_score: f32,
}

/// The crop the landmark model is run on, from a palm in frame pixels.
pub fn hand_roi(palm: &Detection<7>) -> Option<Roi> {
    let [wx, wy] = palm.keypoints[WRIST];
    let [mx, my] = palm.keypoints[MIDDLE_KNUCKLE];
    let (dx, dy) = (mx - wx, my - wy);
    let len = (dx * dx + dy * dy).sqrt();
    if !(len.is_finite() && len > 0.0) {
        return None;
    }
    // The crop's up (its -y axis) along wrist -> knuckle: (sin a, -cos a).
    let angle = dx.atan2(-dy);
    let (bw, bh) = (palm.bbox[2] - palm.bbox[0], palm.bbox[3] - palm.bbox[1]);
    let (cx, cy) = (
        (palm.bbox[0] + palm.bbox[2]) / 2.0,
        (palm.bbox[1] + palm.bbox[3]) / 2.0,
    );
    let (sin, cos) = angle.sin_cos();
    let roi = Roi {
        cx: cx + ROI_SHIFT * bh * sin,
        cy: cy - ROI_SHIFT * bh * cos,
        size: bw.max(bh) * ROI_SCALE,
        angle,
    };
    roi.is_valid().then_some(roi)
}

/// The two networks.
pub struct HandModel {
    palm: Net,
    landmarks: Net,
    anchors: Vec<[f32; 2]>,
}

impl HandModel {
    pub fn new(palm: &[u8], hand: &[u8]) -> Result<HandModel> {
        Ok(HandModel {
            palm: Net::load(palm, [1, 3, PALM_INPUT, PALM_INPUT], "palm detector")?,
            landmarks: Net::load(hand, [1, 3, HAND_INPUT, HAND_INPUT], "hand landmarks")?,
            anchors: grid_anchors(&[(24, 2), (12, 6)]),
        })
    }

    /// Palms in the square `roi` of the frame (the whole frame:
    /// [`Roi::letterbox`]), best first, frame pixels.
    pub fn palms(&mut self, frame: &Frame, roi: &Roi) -> Result<Vec<Detection<7>>> {
        let roi = *roi;
        self.palm
            .fill_input(|out| crop_to_tensor(frame, &roi, PALM_INPUT, UNIT, false, out))?;
        let outs = self
            .palm
            .run_expect(&[PALM_ANCHORS * 18, PALM_ANCHORS], "palm detector")?;
        let dets = weighted_nms(
            decode_ssd::<7>(
                &outs[0],
                &outs[1],
                &self.anchors,
                PALM_INPUT as f32,
                PALM_MIN_SCORE,
            ),
            PALM_NMS_IOU,
        );
        Ok(dets.iter().map(|d| to_frame(d, &roi)).collect())
    }

    /// The hand in `roi`, when the model sees one there.
    pub fn landmarks(&mut self, frame: &Frame, roi: &Roi) -> Result<Option<(Vec<[f32; 2]>, f32)>> {
        self.landmarks
            .fill_input(|out| crop_to_tensor(frame, roi, HAND_INPUT, UNIT, false, out))?;
        let outs = self
            .landmarks
            .run_expect(&[HAND_POINTS * 3, 1], "hand landmarks")?;
        let presence = outs[1][0];
        if !(presence.is_finite() && presence >= HAND_MIN_PRESENCE) {
            return Ok(None);
        }
        let n = HAND_INPUT as f32;
        let points: Vec<[f32; 2]> = outs[0]
            .chunks_exact(3)
            .map(|p| roi.to_frame(p[0] / n, p[1] / n))
            .collect();
        let ok = points.iter().flatten().all(|v| v.is_finite());
        Ok(ok.then_some((points, presence)))
    }

    /// Every hand found in the square `roi` of the frame (at most
    /// [`MAX_HANDS`]); its landmarks may reach outside the square.
    pub fn hands(&mut self, frame: &Frame, roi: &Roi) -> Result<Vec<Hand>> {
        let mut out = Vec::new();
        for palm in self.palms(frame, roi)?.into_iter().take(MAX_HANDS) {
            let Some(roi) = hand_roi(&palm) else {
                continue;
            };
            if let Some((points, presence)) = self.landmarks(frame, &roi)? {
                out.push(Hand {
                    points,
                    presence,
                    palm_score: palm.score,
                });
            }
        }
        Ok(out)
    }
}

struct Job {
    model: Box<HandModel>,
    frame: Frame,
    roi: Roi,
}

struct Done {
    model: Box<HandModel>,
    hands: Result<Vec<Hand>>,
}

/// The hand models, run on this thread or on a worker of their own. The
/// model travels to the worker with the job and back with the result, so
/// nothing is shared; on a single core everything runs here.
pub struct HandLooker {
    /// The model while it is here (not away on the worker).
    model: Option<Box<HandModel>>,
    worker: Option<(SyncSender<Job>, Receiver<Done>)>,
}

impl HandLooker {
    /// `parallel` asks for the worker (used only with more than one core).
    pub fn new(model: HandModel, parallel: bool) -> Result<HandLooker> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let worker = if parallel && cores > 1 {
            let (jobs, job_rx) = mpsc::sync_channel::<Job>(1);
            let (done_tx, done) = mpsc::sync_channel::<Done>(1);
            std::thread::Builder::new()
                .name("hands".into())
                .spawn(move || {
                    while let Ok(Job {
                        mut model,
                        frame,
                        roi,
                    }) = job_rx.recv()
                    {
                        let hands = model.hands(&frame, &roi);
                        if done_tx.send(Done { model, hands }).is_err() {
                            return;
                        }
                    }
                })?;
            Some((jobs, done))
        } else {
            None
        };
        Ok(HandLooker {
            model: Some(Box::new(model)),
            worker,
        })
    }

    /// Whether a look is under way on the worker.
    pub fn busy(&self) -> bool {
        self.model.is_none()
    }

    /// Looks now, on this thread (after the look under way, if any).
    pub fn now(&mut self, frame: &Frame, roi: &Roi) -> Result<Vec<Hand>> {
        if self.busy() {
            self.finish()?;
        }
        match self.model.as_mut() {
            Some(m) => m.hands(frame, roi),
            None => Err(anyhow!("the hand models are lost")),
        }
    }

    /// Starts a look on the worker with a copy of `frame`; `false` when
    /// there is no worker or a look is under way.
    pub fn start(&mut self, frame: &Frame, roi: &Roi) -> bool {
        let Some((jobs, _)) = self.worker.as_ref() else {
            return false;
        };
        let Some(model) = self.model.take() else {
            return false;
        };
        let job = Job {
            model,
            frame: frame.clone(),
            roi: *roi,
        };
        match jobs.send(job) {
            Ok(()) => true,
            Err(mpsc::SendError(job)) => {
                self.model = Some(job.model);
                self.worker = None;
                false
            }
        }
    }

    /// Waits for the look under way; `None` when there is none.
    pub fn finish(&mut self) -> Result<Option<Vec<Hand>>> {
        if !self.busy() {
            return Ok(None);
        }
        let Some((_, done)) = self.worker.as_ref() else {
            return Err(anyhow!("the hand models are lost"));
        };
        let Done { model, hands } = done
            .recv()
            .map_err(|_| anyhow!("the hand worker thread stopped"))?;
        self.model = Some(model);
        hands.map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palm_anchors_match_the_model() {
        let a = grid_anchors(&[(24, 2), (12, 6)]);
        assert_eq!(a.len(), PALM_ANCHORS);
        assert_eq!(a[0], [0.5 / 24.0, 0.5 / 24.0]);
        assert_eq!(a[1152], [0.5 / 12.0, 0.5 / 12.0]);
    }

    #[test]
    fn the_hand_crop_points_the_fingers_up_and_moves_toward_them() {
        // A palm with the fingers pointing right (wrist left of the knuckle).
        let mut kp = [[0.0; 2]; 7];
        kp[WRIST] = [100.0, 200.0];
        kp[MIDDLE_KNUCKLE] = [160.0, 200.0];
        let palm = Detection {
            bbox: [90.0, 170.0, 170.0, 230.0],
            keypoints: kp,
            score: 0.9,
        };
        let roi = hand_roi(&palm).expect("roi");
        // Crop "up" (0.5, 0) maps to the right of the centre.
        let [ux, uy] = roi.to_frame(0.5, 0.0);
        assert!(ux > roi.cx + 1.0 && (uy - roi.cy).abs() < 1e-3, "{roi:?}");
        // Shifted half the box height (60) toward the fingers.
        assert!((roi.cx - (130.0 + 30.0)).abs() < 1e-3, "{roi:?}");
        assert!((roi.size - 80.0 * ROI_SCALE).abs() < 1e-3);
    }
}
