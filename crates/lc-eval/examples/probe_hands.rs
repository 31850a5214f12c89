//! Per photo: the palms and hands MediaPipe's hand models find and how much
//! of each face part they cover (`measure::hands`), for choosing the
//! `hand_over_face` level (docs/hands.md).
//!
//! `cargo run --release -p lc-eval --example probe_hands -- ../shared/eval > /tmp/hands.csv`
//!
//! occlusion/ photos on the 640x480 canvas (as eval_photos places them),
//! masks/ photos as files.

use anyhow::Result;
use lc_eval::photos::{col, on_canvas, read_csv};
use liveness_coach::analysis::{Analyzer, AnalyzerOptions};
use liveness_coach::frame::Frame;
use liveness_coach::measure::hands;
use liveness_coach::models::ModelFiles;
use liveness_coach::vision::hand::HandModel;
use std::path::Path;
use std::time::Instant;

fn main() -> Result<()> {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/eval".into());
    let root = Path::new(&root);
    let files = ModelFiles::embedded()?;
    let mut hand = HandModel::new(&files.palm, &files.hand)?;
    println!("set,file,label,face,palms,hands,presence,most,eyes,nose,mouth,forehead,cheeks,chin,palm_ms,hand_ms,inside,wrist_in,palm_score");
    for (set, canvas) in [("occlusion", true), ("masks", false)] {
        let dir = root.join(set);
        for row in read_csv(&dir.join("labels.csv"))? {
            let rel = if set == "occlusion" {
                format!("images/{}/{}", col(&row, "set"), col(&row, "file"))
            } else {
                col(&row, "file").to_string()
            };
            let path = dir.join(&rel);
            let frame = if canvas {
                on_canvas(&path)?.0
            } else {
                let img = image::open(&path)?.into_rgb8();
                Frame::from_rgb(img.width(), img.height(), img.into_raw()).expect("frame")
            };
            let mut analyzer = Analyzer::new(&files, AnalyzerOptions::default())?;
            let (_, seen, _) = analyzer.step(&frame, &mut ())?;
            let whole = liveness_coach::vision::roi::Roi::letterbox(frame.width, frame.height);
            let area = if std::env::var("WHOLE").is_ok() {
                whole
            } else {
                seen.face
                    .as_ref()
                    .and_then(|f| {
                        liveness_coach::vision::roi::bounds(
                            f.landmarks.iter().map(|p| [p[0], p[1]]),
                        )
                    })
                    .and_then(liveness_coach::vision::hand::search_roi)
                    .unwrap_or(whole)
            };
            let t0 = Instant::now();
            let palms = hand.palms(&frame, &area)?;
            let t1 = Instant::now();
            let found = hand.hands(&frame, &area)?;
            let t2 = Instant::now();
            let hs: Vec<(Vec<[f32; 2]>, f32)> = found
                .iter()
                .map(|h| (h.points.clone(), h.presence))
                .collect();
            let cover = seen
                .face
                .as_ref()
                .and_then(|f| hands::measure(&f.landmarks, &hs));
            let p = cover.map(|c| c.parts).unwrap_or([f32::NAN; 6]);
            // Share of the best hand's points inside the face's box, and
            // whether its wrist is.
            let (inside, wrist) = match (&seen.face, found.first()) {
                (Some(f), Some(h)) => {
                    let b = liveness_coach::vision::roi::bounds(
                        f.landmarks.iter().map(|p| [p[0], p[1]]),
                    )
                    .unwrap_or([0.0; 4]);
                    let within =
                        |q: &[f32; 2]| q[0] >= b[0] && q[0] <= b[2] && q[1] >= b[1] && q[1] <= b[3];
                    (
                        h.points.iter().filter(|q| within(q)).count() as f32 / 21.0,
                        within(&h.points[0]),
                    )
                }
                _ => (f32::NAN, false),
            };
            println!(
                "{set},{},{},{},{},{},{:.3},{:.3},{:.2},{:.2},{:.2},{:.2},{:.2},{:.2},{:.1},{:.1},{:.2},{},{:.3}",
                rel.replace(',', ";"),
                col(&row, "hand_over_face"),
                seen.face.is_some(),
                palms.len(),
                found.len(),
                cover.map_or(0.0, |c| c.presence),
                cover.map_or(f32::NAN, |c| c.most()),
                p[0], p[1], p[2], p[3], p[4], p[5],
                (t1 - t0).as_secs_f64() * 1000.0,
                ((t2 - t1).as_secs_f64() * 1000.0 - (t1 - t0).as_secs_f64() * 1000.0).max(0.0),
                inside,
                wrist,
                found.first().map_or(0.0, |h| h.palm_score),
            );
        }
    }
    Ok(())
}
