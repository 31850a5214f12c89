//! Probe: why a face on a real photo is not found. For every photo of
//! `masks/` (as given) and `occlusion/` (on the canvas), the best
//! detection's score, the mesh's presence on its crop, and the cover
//! network's scores there from the fold model that did not see the photo
//! (`scripts/train_cover.sh` writes the folds). One CSV row per photo:
//!
//! `cargo run --release -p lc-eval --example probe_doubted -- ../shared/eval /tmp/lc-cover > /tmp/doubted.csv`

use anyhow::{Context, Result};
use lc_eval::photos::{col, on_canvas, read_csv};
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::source::open_path;
use liveness_coach::vision::cover::CoverNet;
use liveness_coach::vision::detector::FaceDetector;
use liveness_coach::vision::mesh::FaceMesh;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A photo to probe: set, file, reading (`file` or `canvas`), path, labels.
type Photo = (String, String, String, PathBuf, BTreeMap<String, String>);

/// Lowest detector score looked at.
const PROBE_MIN_SCORE: f32 = 0.1;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(root), Some(folds)) = (args.first(), args.get(1)) else {
        anyhow::bail!("usage: probe_doubted EVAL_DIR FOLDS_DIR");
    };
    let (root, folds) = (PathBuf::from(root), PathBuf::from(folds));
    let files = ModelFiles::embedded()?;
    let mut det = FaceDetector::new(&files.detector)?;
    let mut mesh = FaceMesh::new(&files.mesh)?;
    // Fold of each (set, file, reading), and each fold's networks.
    let mut fold_of = BTreeMap::new();
    for row in read_csv(&folds.join("folds.csv"))? {
        fold_of.insert(
            (
                col(&row, "set").to_string(),
                col(&row, "file").to_string(),
                col(&row, "reading").to_string(),
            ),
            col(&row, "fold").to_string(),
        );
    }
    let mut nets: BTreeMap<String, CoverNet> = BTreeMap::new();
    let read = |p: PathBuf| std::fs::read(&p).with_context(|| p.display().to_string());
    println!("set,file,mask,sunglasses,face_visible,det,presence,face,p_mask,p_sunglasses");
    let mut photos: Vec<Photo> = Vec::new();
    for row in read_csv(&root.join("masks/labels.csv"))? {
        let f = col(&row, "file").to_string();
        let p = root.join("masks").join(&f);
        photos.push(("masks".into(), f, "file".into(), p, row));
    }
    for row in read_csv(&root.join("occlusion/labels.csv"))? {
        let f = format!("{}/{}", col(&row, "set"), col(&row, "file"));
        let p = root.join("occlusion/images").join(&f);
        photos.push(("occlusion".into(), f, "canvas".into(), p, row));
    }
    for (set, file, reading, path, row) in photos {
        let frame = if reading == "canvas" {
            on_canvas(&path)?.0
        } else {
            read_frame(&path)?
        };
        let dets = det.detect_at(&frame, PROBE_MIN_SCORE, &mut ())?;
        let best = dets.iter().max_by(|a, b| a.score.total_cmp(&b.score));
        let mut cells = [f32::NAN; 5];
        if let Some(d) = best {
            let roi = d.mesh_roi();
            let m = mesh.run(&frame, &roi, &mut ())?;
            cells[0] = d.score;
            cells[1] = m.presence;
            if let Some(k) = fold_of.get(&(set.clone(), file.clone(), reading.clone())) {
                if !nets.contains_key(k) {
                    let cnn = read(folds.join(format!("fold_{k}.onnx")))?;
                    let heads = read(folds.join(format!("heads_fold_{k}.onnx")))?;
                    nets.insert(k.clone(), CoverNet::new(&cnn, &heads)?);
                }
                if let Some(net) = nets.get_mut(k) {
                    let c = net.run(&frame, &roi, &m.features)?;
                    cells[2] = c.face;
                    cells[3] = c.mask;
                    cells[4] = c.sunglasses;
                }
            }
        }
        let label = |k: &str| col(&row, k).to_string();
        let mask = if set == "masks" {
            label("mask")
        } else {
            "no".into()
        };
        let cells: Vec<String> = cells.iter().map(|v| format!("{v:.4}")).collect();
        println!(
            "{set},\"{file}\",{mask},{},{},{}",
            label("sunglasses"),
            label("face_visible"),
            cells.join(",")
        );
    }
    Ok(())
}

fn read_frame(path: &Path) -> Result<Frame> {
    let mut src = open_path(&path.display().to_string())?;
    let mut frame = Frame::default();
    anyhow::ensure!(src.read_into(&mut frame)?, "{}: no frame", path.display());
    Ok(frame)
}
