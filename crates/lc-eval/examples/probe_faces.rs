//! Probe: every detection beyond the tracked face, with the detector's score
//! and the mesh's presence score on that detection's crop.
//! `cargo run --release -p lc-eval --example probe_faces -- CLIP`
//!
//! The moved and rotated clips of docs/hints.md, made with ffmpeg:
//! `-vf crop=218:ih:0:0,pad=320:ih:102:0:color=0x6e6e6e` (zju 000003M_UNN),
//! `-vf rotate=22*PI/180:fillcolor=0x6e6e6e` (zju 000009M_FNN).

use anyhow::{Context, Result};
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::source::open_path;
use liveness_coach::vision::detector::FaceDetector;
use liveness_coach::vision::mesh::FaceMesh;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let clip = args.first().context("usage: probe_faces CLIP")?;
    let files = ModelFiles::embedded()?;
    let mut det = FaceDetector::new(&files.detector)?;
    let mut mesh = FaceMesh::new(&files.mesh)?;
    let mut src = open_path(clip)?;
    let mut frame = Frame::default();
    let (mut n, mut multi) = (0, 0);
    while src.read_into(&mut frame)? {
        let f = &frame;
        n += 1;
        let mut dets = det.detect(f, &mut ())?;
        if dets.len() < 2 {
            continue;
        }
        multi += 1;
        dets.sort_by(|a, b| b.area().total_cmp(&a.area()));
        for d in &dets[1..] {
            let m = mesh.run(f, &d.mesh_roi(), &mut ())?;
            println!(
                "frame {:4} det score {:.3} box [{:.0} {:.0} {:.0} {:.0}] mesh presence {:.3}",
                frame.index, d.score, d.bbox[0], d.bbox[1], d.bbox[2], d.bbox[3], m.presence
            );
        }
    }
    println!("{multi} of {n} frames with more than one detection");
    Ok(())
}
