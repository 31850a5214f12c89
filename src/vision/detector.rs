//! BlazeFace short-range face detector: anchors, decoding and weighted NMS.
//!
//! Constants follow MediaPipe's `face_detection_short_range` graph: a 128x128
//! letterboxed input, 896 anchors on 16x16 (2 per cell) and 8x8 (6 per cell)
//! grids, box and keypoint offsets in input pixels, score = sigmoid(logit).

use super::roi::{angle_of, Roi};
use super::warp::{crop_to_tensor, SIGNED};
use super::{Stage, StageObserver};
use crate::frame::Frame;
use anyhow::Result;
use fastconv::net::Net;

pub const INPUT: usize = 128;
pub const NUM_ANCHORS: usize = 896;
/// MediaPipe's minimum detection score.
pub const MIN_SCORE: f32 = 0.5;
/// Where nothing reaches [`MIN_SCORE`], the best detection down to this
/// score is looked at as a face that may wear a mask: a mask hides the
/// mouth and nose the detector looks for. Such a face is kept only when the
/// cover network sees a masked face there (`vision::Perception`). On the
/// masked photos of `../shared/eval/masks`, 0.4 finds 3 more of 300 (0.45:
/// 1, 0.3: 5) and lets 1 more of 175 clutter crops (scored 0.3 and up) pass
/// as a masked face (0.3: 3), with each photo's and crop's cover network
/// the fold that did not see it (docs/detector-recall.md).
pub const MASKED_MIN_SCORE: f32 = 0.4;
/// Boxes overlapping more than this (IoU) are merged into one face.
pub const NMS_IOU: f32 = 0.3;
/// Logits are clipped like MediaPipe does before the sigmoid.
const SCORE_CLIP: f32 = 100.0;

/// Keypoint order of the detector's six points.
pub mod keypoint {
    /// The person's right eye (image left in an unmirrored frame).
    pub const RIGHT_EYE: usize = 0;
    pub const LEFT_EYE: usize = 1;
    pub const NOSE: usize = 2;
    pub const MOUTH: usize = 3;
}

/// A detected face (six keypoints) or palm (seven: `vision::hand`), in
/// input units or frame pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Detection<const K: usize = 6> {
    /// xmin, ymin, xmax, ymax.
    pub bbox: [f32; 4],
    pub keypoints: [[f32; 2]; K],
    pub score: f32,
}

impl<const K: usize> Detection<K> {
    pub fn area(&self) -> f32 {
        (self.bbox[2] - self.bbox[0]).max(0.0) * (self.bbox[3] - self.bbox[1]).max(0.0)
    }
}

impl Detection {
    /// The square the face mesh is run on: the box grown 1.5x, squared, and
    /// turned so the eyes lie level.
    pub fn mesh_roi(&self) -> Roi {
        let angle = angle_of(
            self.keypoints[keypoint::RIGHT_EYE],
            self.keypoints[keypoint::LEFT_EYE],
        );
        let (w, h) = (self.bbox[2] - self.bbox[0], self.bbox[3] - self.bbox[1]);
        Roi {
            cx: (self.bbox[0] + self.bbox[2]) / 2.0,
            cy: (self.bbox[1] + self.bbox[3]) / 2.0,
            size: w.max(h) * 1.5,
            angle,
        }
    }
}

/// Anchor centres in input units (0..1), in the model's output order.
pub fn anchors() -> Vec<[f32; 2]> {
    grid_anchors(&[(16, 2), (8, 6)])
}

/// SSD anchor centres with a fixed anchor size (MediaPipe's
/// `SsdAnchorsCalculator` with `fixed_anchor_size`): for each (grid side,
/// anchors per cell), row by row, in the model's output order.
pub fn grid_anchors(layers: &[(usize, usize)]) -> Vec<[f32; 2]> {
    let mut out = Vec::new();
    for &(grid, per_cell) in layers {
        for y in 0..grid {
            for x in 0..grid {
                for _ in 0..per_cell {
                    out.push([
                        (x as f32 + 0.5) / grid as f32,
                        (y as f32 + 0.5) / grid as f32,
                    ]);
                }
            }
        }
    }
    out
}

/// Decodes raw outputs into detections in input units (0..1) scoring at
/// least `min_score`.
pub fn decode(
    regressors: &[f32],
    logits: &[f32],
    anchors: &[[f32; 2]],
    min_score: f32,
) -> Vec<Detection> {
    decode_ssd(regressors, logits, anchors, INPUT as f32, min_score)
}

/// [`decode`] for any SSD detector of MediaPipe's kind: per anchor a box
/// (centre offset, size) and `K` keypoints in pixels of an `input`-sized
/// square, and a logit.
pub fn decode_ssd<const K: usize>(
    regressors: &[f32],
    logits: &[f32],
    anchors: &[[f32; 2]],
    input: f32,
    min_score: f32,
) -> Vec<Detection<K>> {
    let mut out = Vec::new();
    let s = input;
    let n = 4 + 2 * K;
    for (i, anchor) in anchors.iter().enumerate() {
        let (Some(&logit), Some(r)) = (logits.get(i), regressors.get(i * n..i * n + n)) else {
            break;
        };
        let score = sigmoid(logit.clamp(-SCORE_CLIP, SCORE_CLIP));
        if score.is_nan() || score < min_score {
            continue;
        }
        let (cx, cy) = (r[0] / s + anchor[0], r[1] / s + anchor[1]);
        let (w, h) = (r[2] / s, r[3] / s);
        let mut keypoints = [[0.0; 2]; K];
        for (k, kp) in keypoints.iter_mut().enumerate() {
            *kp = [r[4 + 2 * k] / s + anchor[0], r[5 + 2 * k] / s + anchor[1]];
        }
        let det = Detection {
            bbox: [cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0],
            keypoints,
            score,
        };
        if det
            .bbox
            .iter()
            .chain(keypoints.iter().flatten())
            .all(|v| v.is_finite())
            && w > 0.0
            && h > 0.0
        {
            out.push(det);
        }
    }
    out
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

pub fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let iw = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let ih = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let inter = iw * ih;
    let union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}

/// MediaPipe's weighted non-maximum suppression: each group of boxes that
/// overlap the best remaining one by more than `iou_threshold` becomes one
/// detection whose box and keypoints are the score-weighted mean of the group.
pub fn weighted_nms<const K: usize>(
    mut dets: Vec<Detection<K>>,
    iou_threshold: f32,
) -> Vec<Detection<K>> {
    dets.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    while !dets.is_empty() {
        let best = dets[0].clone();
        let (group, rest): (Vec<_>, Vec<_>) = dets
            .into_iter()
            .partition(|d| iou(&best.bbox, &d.bbox) > iou_threshold);
        dets = rest;
        let total: f32 = group.iter().map(|d| d.score).sum();
        let mut merged = Detection {
            bbox: [0.0; 4],
            keypoints: [[0.0; 2]; K],
            score: best.score,
        };
        if group.is_empty() || total <= 0.0 {
            merged = best;
        } else {
            for d in &group {
                let w = d.score / total;
                for k in 0..4 {
                    merged.bbox[k] += w * d.bbox[k];
                }
                for (m, p) in merged.keypoints.iter_mut().zip(d.keypoints.iter()) {
                    m[0] += w * p[0];
                    m[1] += w * p[1];
                }
            }
        }
        out.push(merged);
    }
    out
}

/// The detector network with its anchors.
pub struct FaceDetector {
    net: Net,
    anchors: Vec<[f32; 2]>,
}

impl FaceDetector {
    pub fn new(bytes: &[u8]) -> Result<FaceDetector> {
        Ok(FaceDetector {
            net: Net::load(bytes, [1, 3, INPUT, INPUT], "face detector")?,
            anchors: anchors(),
        })
    }

    /// All faces in the frame, best first, in frame pixels.
    pub fn detect(
        &mut self,
        frame: &Frame,
        obs: &mut impl StageObserver,
    ) -> Result<Vec<Detection>> {
        self.detect_at(frame, MIN_SCORE, obs)
    }

    /// As [`FaceDetector::detect`], keeping detections down to `min_score`.
    pub fn detect_at(
        &mut self,
        frame: &Frame,
        min_score: f32,
        obs: &mut impl StageObserver,
    ) -> Result<Vec<Detection>> {
        Ok(self.detect_faint(frame, min_score, None, obs)?.0)
    }

    /// [`FaceDetector::detect`], and where it finds nothing, the best
    /// detection down to [`MASKED_MIN_SCORE`] (one run of the network).
    pub fn detect_or_faint(
        &mut self,
        frame: &Frame,
        obs: &mut impl StageObserver,
    ) -> Result<(Vec<Detection>, Option<Detection>)> {
        self.detect_faint(frame, MIN_SCORE, Some(MASKED_MIN_SCORE), obs)
    }

    fn detect_faint(
        &mut self,
        frame: &Frame,
        min_score: f32,
        faint_score: Option<f32>,
        obs: &mut impl StageObserver,
    ) -> Result<(Vec<Detection>, Option<Detection>)> {
        let roi = Roi::letterbox(frame.width, frame.height);
        self.net
            .fill_input(|out| crop_to_tensor(frame, &roi, INPUT, SIGNED, false, out))?;
        obs.finished(Stage::Crop);
        let outs = self
            .net
            .run_expect(&[NUM_ANCHORS * 16, NUM_ANCHORS], "face detector")?;
        let found = |score: f32| -> Vec<Detection> {
            weighted_nms(decode(&outs[0], &outs[1], &self.anchors, score), NMS_IOU)
                .into_iter()
                .map(|d| to_frame(&d, &roi))
                .collect()
        };
        let dets = found(min_score);
        let faint = match faint_score {
            Some(s) if dets.is_empty() => found(s)
                .into_iter()
                .max_by(|a, b| a.score.total_cmp(&b.score)),
            _ => None,
        };
        obs.finished(Stage::Detect);
        Ok((dets, faint))
    }
}

/// A detection in input units mapped to frame pixels through `roi`.
pub fn to_frame<const K: usize>(d: &Detection<K>, roi: &Roi) -> Detection<K> {
    let [x0, y0] = roi.to_frame(d.bbox[0], d.bbox[1]);
    let [x1, y1] = roi.to_frame(d.bbox[2], d.bbox[3]);
    let mut keypoints = d.keypoints;
    for kp in keypoints.iter_mut() {
        *kp = roi.to_frame(kp[0], kp[1]);
    }
    Detection {
        bbox: [x0, y0, x1, y1],
        keypoints,
        score: d.score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_layout() {
        let a = anchors();
        assert_eq!(a.len(), NUM_ANCHORS);
        assert_eq!(a[0], [0.5 / 16.0, 0.5 / 16.0]);
        assert_eq!(a[1], a[0]);
        assert_eq!(a[2], [1.5 / 16.0, 0.5 / 16.0]);
        assert_eq!(a[512], [0.5 / 8.0, 0.5 / 8.0]);
        assert_eq!(a[895], [7.5 / 8.0, 7.5 / 8.0]);
    }

    #[test]
    fn decode_places_box_on_anchor() {
        let a = anchors();
        let mut reg = vec![0.0; NUM_ANCHORS * 16];
        let mut logits = vec![-10.0; NUM_ANCHORS];
        // Anchor 2 at (1.5/16, 0.5/16), shifted 12.8 px right, 25.6 px wide.
        logits[2] = 3.0;
        reg[32] = 12.8;
        reg[34] = 25.6;
        reg[35] = 12.8;
        reg[36] = 6.4;
        let d = decode(&reg, &logits, &a, 0.5);
        assert_eq!(d.len(), 1);
        let cx = 1.5 / 16.0 + 0.1;
        assert!(
            (d[0].bbox[0] - (cx - 0.1)).abs() < 1e-6 && (d[0].bbox[2] - (cx + 0.1)).abs() < 1e-6
        );
        assert!((d[0].keypoints[0][0] - (1.5 / 16.0 + 0.05)).abs() < 1e-6);
        assert!((d[0].score - 0.952_574).abs() < 1e-5);
        // Garbage (NaN) outputs are dropped, not propagated.
        reg[32] = f32::NAN;
        assert!(decode(&reg, &logits, &a, 0.5).is_empty());
    }

    fn det(x: f32, score: f32) -> Detection {
        Detection {
            bbox: [x, 0.0, x + 1.0, 1.0],
            keypoints: [[x, 0.5]; 6],
            score,
        }
    }

    #[test]
    fn nms_merges_overlaps_weighted_and_keeps_separate_faces() {
        let out = weighted_nms(
            vec![det(0.0, 0.6), det(0.1, 0.9), det(5.0, 0.7), det(0.05, 0.3)],
            0.3,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].score, 0.9);
        let expect = (0.1 * 0.9 + 0.0 * 0.6 + 0.05 * 0.3) / 1.8;
        assert!((out[0].bbox[0] - expect).abs() < 1e-6);
        assert_eq!(out[1].bbox[0], 5.0);
        assert!(weighted_nms::<6>(vec![], 0.3).is_empty());
    }

    #[test]
    fn iou_of_known_boxes() {
        assert_eq!(iou(&[0.0, 0.0, 2.0, 2.0], &[1.0, 0.0, 3.0, 2.0]), 2.0 / 6.0);
        assert_eq!(iou(&[0.0, 0.0, 1.0, 1.0], &[2.0, 2.0, 3.0, 3.0]), 0.0);
    }
}
