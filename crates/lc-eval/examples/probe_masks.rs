//! Probe: on the masks set, the best detection's score and the mesh's
//! presence on its crop, for masked and unmasked faces: what a lower
//! detector threshold confirmed by the mesh would find.
//! `cargo run --release -p lc-eval --example probe_masks -- ../shared/eval/masks`

use anyhow::{Context, Result};
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::source::open_path;
use liveness_coach::vision::detector::FaceDetector;
use liveness_coach::vision::mesh::FaceMesh;
use std::path::PathBuf;

fn main() -> Result<()> {
    let root = PathBuf::from(
        std::env::args()
            .nth(1)
            .context("usage: probe_masks MASKS_DIR")?,
    );
    let files = ModelFiles::embedded()?;
    let mut det = FaceDetector::new(&files.detector)?;
    let mut mesh = FaceMesh::new(&files.mesh)?;
    let labels = std::fs::read_to_string(root.join("labels.csv"))?;
    let mut rows: Vec<(bool, f32, f32)> = Vec::new();
    for line in labels.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        let (Some(file), Some(mask)) = (cols.first(), cols.get(1)) else {
            continue;
        };
        let mut src = open_path(&root.join(file).display().to_string())?;
        let mut frame = Frame::default();
        if !src.read_into(&mut frame)? {
            continue;
        }
        let dets = det.detect_at(&frame, 0.1, &mut ())?;
        let best = dets.iter().max_by(|a, b| a.score.total_cmp(&b.score));
        let (score, presence) = match best {
            Some(d) => (d.score, mesh.run(&frame, &d.mesh_roi(), &mut ())?.presence),
            None => (0.0, 0.0),
        };
        rows.push((*mask == "yes", score, presence));
    }
    for masked in [true, false] {
        let v: Vec<_> = rows.iter().filter(|r| r.0 == masked).collect();
        let n = v.len();
        println!("masked {masked}: {n} photos");
        for (ds, mp) in [
            (0.5, 0.5),
            (0.5, 0.3),
            (0.5, 0.1),
            (0.5, 0.0),
            (0.6, 0.0),
            (0.7, 0.0),
            (0.3, 0.0),
        ] {
            let k = v.iter().filter(|r| r.1 >= ds && r.2 >= mp).count();
            println!(
                "  detector >= {ds} and mesh presence >= {mp}: {k} ({:.3})",
                k as f64 / n as f64
            );
        }
        let mut pres: Vec<f32> = v.iter().filter(|r| r.1 >= 0.5).map(|r| r.2).collect();
        pres.sort_by(f32::total_cmp);
        let q = |x: f64| {
            pres.get(((pres.len().max(1) - 1) as f64 * x) as usize)
                .copied()
                .unwrap_or(f32::NAN)
        };
        println!(
            "  mesh presence where detector >= 0.5: min {:.3} p5 {:.3} p25 {:.3} median {:.3}",
            q(0.0),
            q(0.05),
            q(0.25),
            q(0.5)
        );
    }
    Ok(())
}
