//! Scoring detected events against ground truth, and reading the truth files
//! of the ZJU eyeblink clips (`gt/NAME.blinks.csv`, `gt/NAME.frames.csv`).
//!
//! A predicted event counts when its frames overlap a true one's, widened by
//! `slack` frames on each side; matches are one-to-one.

use anyhow::{Context, Result};
use std::path::Path;

/// Frames `start..=end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: u64,
    pub end: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// One-to-one matching of predictions to truth, in time order.
pub fn match_spans(pred: &[Span], truth: &[Span], slack: u64) -> Counts {
    let mut used = vec![false; pred.len()];
    let mut tp = 0;
    for t in truth {
        let (lo, hi) = (t.start.saturating_sub(slack), t.end + slack);
        // The unmatched prediction overlapping most (ties: earliest).
        let best = pred
            .iter()
            .enumerate()
            .filter(|(i, p)| !used[*i] && p.start <= hi && p.end >= lo)
            .max_by_key(|(i, p)| (p.end.min(hi) as i64 - p.start.max(lo) as i64, -(*i as i64)));
        if let Some((i, _)) = best {
            used[i] = true;
            tp += 1;
        }
    }
    Counts {
        tp,
        fp: used.iter().filter(|u| !**u).count(),
        fn_: truth.len() - tp,
    }
}

/// Ground truth of one ZJU clip.
#[derive(Clone, Debug)]
pub struct ZjuTruth {
    pub blinks: Vec<Span>,
    /// First and last annotated frame; frames outside are unknown.
    pub annotated: Span,
}

impl ZjuTruth {
    /// Reads `gt/NAME.blinks.csv` and `gt/NAME.frames.csv`.
    pub fn load(gt_dir: &Path, name: &str) -> Result<ZjuTruth> {
        let blinks_path = gt_dir.join(format!("{name}.blinks.csv"));
        let text = std::fs::read_to_string(&blinks_path)
            .with_context(|| format!("reading {}", blinks_path.display()))?;
        let blinks =
            parse_blinks(&text).with_context(|| format!("parsing {}", blinks_path.display()))?;
        let frames_path = gt_dir.join(format!("{name}.frames.csv"));
        let text = std::fs::read_to_string(&frames_path)
            .with_context(|| format!("reading {}", frames_path.display()))?;
        let frames: Vec<u64> = text
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next()?.trim().parse().ok())
            .collect();
        let annotated = Span {
            start: frames.iter().copied().min().unwrap_or(0),
            end: frames.iter().copied().max().unwrap_or(0),
        };
        Ok(ZjuTruth { blinks, annotated })
    }

    /// The truth for the same clip with only every `k`-th frame kept (see
    /// [`keep_every`]): frame numbers divided by `k`.
    pub fn keep_every(&self, k: u64) -> ZjuTruth {
        let k = k.max(1);
        let scale = |s: &Span| Span {
            start: s.start / k,
            end: s.end / k,
        };
        ZjuTruth {
            blinks: self.blinks.iter().map(scale).collect(),
            annotated: scale(&self.annotated),
        }
    }

    /// Drops predictions that lie wholly in unannotated frames.
    pub fn known(&self, pred: &[Span]) -> Vec<Span> {
        pred.iter()
            .copied()
            .filter(|p| p.end >= self.annotated.start && p.start <= self.annotated.end)
            .collect()
    }
}

/// `blink_id,start_frame,end_frame,...` rows.
pub fn parse_blinks(text: &str) -> Result<Vec<Span>> {
    let mut out = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split(',').collect();
        let num = |i: usize| -> Result<u64> {
            cols.get(i)
                .context("short row")?
                .trim()
                .parse()
                .context("bad frame number")
        };
        out.push(Span {
            start: num(1)?,
            end: num(2)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(a: u64, b: u64) -> Span {
        Span { start: a, end: b }
    }

    #[test]
    fn slack_and_one_to_one() {
        let truth = [s(10, 15), s(40, 44)];
        // 17-18 is within 2 frames of 15; 47 is 3 frames after 44.
        assert_eq!(
            match_spans(&[s(17, 18), s(47, 48)], &truth, 2),
            Counts {
                tp: 1,
                fp: 1,
                fn_: 1
            }
        );
        // Two predictions on one blink: one matches, one is a false positive.
        assert_eq!(
            match_spans(&[s(10, 11), s(13, 15)], &truth[..1], 2),
            Counts {
                tp: 1,
                fp: 1,
                fn_: 0
            }
        );
        // One long prediction spanning two blinks matches only one.
        assert_eq!(
            match_spans(&[s(10, 44)], &truth, 0),
            Counts {
                tp: 1,
                fp: 0,
                fn_: 1
            }
        );
    }

    #[test]
    fn scores() {
        let c = Counts {
            tp: 8,
            fp: 2,
            fn_: 0,
        };
        assert!((c.precision() - 0.8).abs() < 1e-12 && c.recall() == 1.0);
        assert!((c.f1() - 16.0 / 18.0).abs() < 1e-12);
        assert_eq!(Counts::default().f1(), 1.0);
    }

    #[test]
    fn parses_rows() {
        let b = parse_blinks(
            "blink_id,start_frame,end_frame,fully_closed_frames\n1,14,23,3\n2,65,69,5\n",
        )
        .unwrap();
        assert_eq!(b, vec![s(14, 23), s(65, 69)]);
        assert!(parse_blinks("h\n1,x,3\n").is_err());
    }
}

/// Every `k`-th frame, renumbered from 0: the clip as a camera running at
/// 1/k of its frame rate would have delivered it.
pub fn keep_every(
    frames: &[liveness_coach::record::FrameRecord],
    k: u64,
) -> Vec<liveness_coach::record::FrameRecord> {
    let k = k.max(1);
    frames
        .iter()
        .filter(|f| f.index % k == 0)
        .map(|f| liveness_coach::record::FrameRecord {
            index: f.index / k,
            ..f.clone()
        })
        .collect()
}

/// The frame spans of the blinks among `events`.
pub fn blink_spans(events: &[liveness_coach::record::Event]) -> Vec<Span> {
    events
        .iter()
        .filter(|e| e.kind == liveness_coach::record::EventKind::Blink)
        .map(|e| Span {
            start: e.start_frame,
            end: e.end_frame,
        })
        .collect()
}

/// Re-runs the event detectors over recorded frame measures (no inference),
/// taking eye openness from the mesh or the iris eyelids.
pub fn replay_events(
    frames: &[liveness_coach::record::FrameRecord],
    eyes: liveness_coach::analysis::EyeSource,
) -> Vec<liveness_coach::record::Event> {
    use liveness_coach::events::{EventTracker, Signals};
    let mut tracker = EventTracker::default();
    let mut out = Vec::new();
    for f in frames {
        let mut s = Signals::from(f);
        if let Some([r, l]) = eyes.pick(f.ear_mesh, f.ear_iris) {
            s.eyes = Some((r, l));
        }
        out.extend(tracker.push(&s));
    }
    out.extend(tracker.finish());
    out
}

/// Re-runs only the blink detector, with thresholds `params`, over recorded
/// frame measures (no inference), taking eye openness from the mesh or the
/// iris eyelids as [`replay_events`] does. With the default parameters its
/// blinks are those of [`replay_events`].
pub fn replay_blinks(
    frames: &[liveness_coach::record::FrameRecord],
    eyes: liveness_coach::analysis::EyeSource,
    params: liveness_coach::events::blink::BlinkParams,
) -> Vec<liveness_coach::record::Event> {
    use liveness_coach::events::{blink::BlinkDetector, Signals};
    let mut det = BlinkDetector::new(params);
    let mut out = Vec::new();
    for f in frames {
        let mut s = Signals::from(f);
        if let Some([r, l]) = eyes.pick(f.ear_mesh, f.ear_iris) {
            s.eyes = Some((r, l));
        }
        out.extend(det.push(&s));
    }
    out.extend(det.finish());
    out
}

/// The usual fixed rule, for comparison: a blink is a run of at least
/// `min_frames` frames whose mean eye aspect ratio is below `threshold`.
pub fn fixed_threshold_blinks(ear: &[Option<f32>], threshold: f32, min_frames: usize) -> Vec<Span> {
    let mut out = Vec::new();
    let mut run_start = None;
    for (i, e) in ear.iter().chain(std::iter::once(&None)).enumerate() {
        match (e.is_some_and(|v| v < threshold), run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(s)) => {
                if i - s >= min_frames {
                    out.push(Span {
                        start: s as u64,
                        end: i as u64 - 1,
                    });
                }
                run_start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod fixed_tests {
    use super::*;

    #[test]
    fn fixed_rule_needs_enough_frames() {
        let e = [0.3, 0.1, 0.1, 0.3, 0.1, 0.3, 0.1, 0.1].map(Some);
        assert_eq!(
            fixed_threshold_blinks(&e, 0.2, 2),
            vec![Span { start: 1, end: 2 }, Span { start: 6, end: 7 }]
        );
        assert_eq!(fixed_threshold_blinks(&e, 0.2, 3), vec![]);
    }
}

#[cfg(test)]
mod replay_tests {
    use super::*;
    use liveness_coach::analysis::EyeSource;
    use liveness_coach::events::blink::BlinkParams;
    use liveness_coach::record::FrameRecord;

    /// 4 s at 30 fps, eyes open at 0.30 with a little jitter on the iris
    /// measure (the mesh one is flat), and two iris-only dips: one to 55%
    /// (frames 40-46) and a shallow one to 85% (frames 80-85).
    fn frames() -> Vec<FrameRecord> {
        (0..120u64)
            .map(|i| {
                let j = ((i * 7919) % 13) as f32 / 13.0 - 0.5;
                let mut e = 0.30 * (1.0 + 0.01 * j);
                if (40..47).contains(&i) {
                    e = 0.30 * 0.55;
                }
                if (80..86).contains(&i) {
                    e = 0.30 * 0.85;
                }
                FrameRecord {
                    index: i,
                    time_s: i as f64 / 30.0,
                    face: true,
                    yaw_deg: Some(0.0),
                    pitch_deg: Some(-2.0),
                    roll_deg: Some(0.0),
                    ear_mesh: Some([0.30, 0.30]),
                    ear_iris: Some([e, e]),
                    ..Default::default()
                }
            })
            .collect()
    }

    #[test]
    fn replayed_blinks_follow_the_parameters() {
        let f = frames();
        let default = blink_spans(&replay_blinks(&f, EyeSource::Iris, BlinkParams::default()));
        // The defaults give the same blinks as the full event tracker.
        assert_eq!(
            default,
            blink_spans(&replay_events(&f, EyeSource::Iris)),
            "{default:?}"
        );
        // The 45% dip is a blink; the 15% one is too shallow for a 0.2 floor
        // but deep enough for 0.12.
        assert_eq!(default.len(), 2, "{default:?}");
        let strict = BlinkParams {
            depth_min: 0.2,
            ..BlinkParams::default()
        };
        let s = blink_spans(&replay_blinks(&f, EyeSource::Iris, strict));
        assert_eq!(s.len(), 1, "{s:?}");
        assert!(s[0].start >= 40 && s[0].end <= 46, "{s:?}");
        // The mesh eyelids never close here.
        assert!(replay_blinks(&f, EyeSource::Mesh, BlinkParams::default()).is_empty());
    }
}

/// The per-frame measures of `path`: a video, image or folder analysed with
/// the default models (iris eyelids), or an analysis saved by `analyze
/// --json` (a `.json`, read back without the models).
pub fn frames_of(
    path: &str,
    files: &liveness_coach::models::ModelFiles,
) -> Result<Vec<liveness_coach::record::FrameRecord>> {
    use liveness_coach::analysis::{analyze_source, Analyzer, AnalyzerOptions, EyeSource};
    if path.ends_with(".json") {
        let doc: liveness_coach::report::json::AnalysisDoc =
            serde_json::from_slice(&std::fs::read(path)?)
                .with_context(|| format!("{path}: not an analysis"))?;
        return Ok(doc.frames);
    }
    let mut src = liveness_coach::source::open_path(path)?;
    let mut a = Analyzer::new(
        files,
        AnalyzerOptions {
            eye_source: EyeSource::Iris,
        },
    )?;
    Ok(analyze_source(src.as_mut(), &mut a, &mut (), |_| {})?.frames)
}
