//! The crops the face-cover network learns from, made by the product's own
//! code (`vision::cover::crop` on the square the mesh runs on), with their
//! labels: `scripts/train_cover.sh` reads them (docs/occlusion.md).
//!
//! `cargo run --release -p lc-eval --example extract_cover_crops -- ../shared/eval OUT_DIR`
//!
//! Writes `OUT_DIR/crops.u8` (each crop 3x64x64 bytes, planar RGB) and
//! `OUT_DIR/index.csv` (one row per crop), and what the mesh network sees
//! in each crop's square (`vision::mesh::FEATURES`, the product's own mesh
//! run on the same square): `OUT_DIR/mesh_features.f32` and, for the same
//! square in the mirrored picture, `OUT_DIR/mesh_features_mirror.f32`
//! (little-endian f32, one row of `FEATURES` per crop). Nothing is written into the
//! repository: the crops are of research-licensed photos.
//!
//! Faces (label `face` = 1), from every photo of `masks/` (as the files
//! are) and `occlusion/` (on the masks/ canvas, and as given): the
//! detection (score >= 0.3) centred on the photo with the best score gives
//! the crop a photo shows (`view` = `det`, the detection's mesh square);
//! where the mesh confirms it (presence >= 0.5), the square tracked from its
//! landmarks is a second crop (`view` = `track`, what the frames of a clip
//! show). Labels: `mask`, `sunglasses`, `eyeglasses`, `hat`,
//! `hand_over_face` (1 yes, 0 no, -1 unclear).
//!
//! Faces of zju-dev (every 15th frame of each clip, as recorded and with one
//! change of light from `lc_eval::alter`, cycling: darker, one side darker,
//! overexposed): labelled by the clip's name: eyeglasses on FTN / FBN (thin
//! and black frames), none on FNN / UNN; no mask, sunglasses, hat or hand in
//! any. Low-resolution webcam footage of other people: without it the cover
//! decisions learned on photos alone called 87 of the altered zju clips
//! masked and missed the glasses of 41 of 55 clips (`eval_hints`,
//! docs/occlusion.md).
//!
//! Not faces (`face` = 0, other labels -1): what the detector takes for a
//! face in clutter. On every 5th frame of each zju-dev clip, as it is,
//! shifted right in a grey frame and rotated 22 degrees in one (the cases of
//! docs/hints.md and `probe_faces`): every detection (score >= 0.3) that
//! does not overlap the face the mesh confirms and whose own mesh presence
//! is under 0.5; frames where no face is confirmed give none (the face
//! itself may be the detection). And detections centred off the photo on
//! the canvases. The real face of a zju clip is never a crop here.

use anyhow::{Context, Result};
use lc_eval::alter::{apply, Alteration};
use lc_eval::photos::{col, on_canvas, read_csv, yes_no, CANVAS_GREY};
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::source::open_path;
use liveness_coach::vision::cover::{crop, INPUT};
use liveness_coach::vision::detector::{Detection, FaceDetector};
use liveness_coach::vision::mesh::{roi_from_landmarks, FaceMesh, FEATURES, MIN_PRESENCE};
use liveness_coach::vision::roi::Roi;
use liveness_coach::vision::warp::{crop_to_tensor, UNIT};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Detections kept down to this score (below the product's 0.5, so the
/// network also sees the faces and clutter just under it).
const MIN_SCORE: f32 = 0.3;
const ZJU_EVERY: u64 = 5;
/// Every how many frames a zju face is a crop.
const ZJU_FACE_EVERY: u64 = 15;
const ZJU_GREY: u8 = 0x6e;
const ZJU_ROTATE_DEG: f32 = 22.0;

struct Out {
    crops: std::io::BufWriter<std::fs::File>,
    features: std::io::BufWriter<std::fs::File>,
    features_mirror: std::io::BufWriter<std::fs::File>,
    /// The mesh the features come from (its own copy).
    mesh: FaceMesh,
    index: std::io::BufWriter<std::fs::File>,
    n: usize,
    buf: Vec<f32>,
    /// Side of the crops written (the cover network's `INPUT` unless
    /// `--size` asks for another, e.g. the mesh's 192).
    size: usize,
}

impl Out {
    fn add(&mut self, frame: &Frame, roi: &Roi, meta: &str) -> Result<()> {
        if self.size == INPUT {
            crop(frame, roi, &mut self.buf);
        } else {
            crop_to_tensor(frame, roi, self.size, UNIT, false, &mut self.buf);
        }
        let bytes: Vec<u8> = self
            .buf
            .iter()
            .map(|v| (v * 255.0).round().clamp(0.0, 255.0) as u8)
            .collect();
        self.crops.write_all(&bytes)?;
        let f = self.mesh.run(frame, roi, &mut ())?.features;
        write_f32(&mut self.features, &f)?;
        let mirror = Roi {
            cx: frame.width as f32 - roi.cx,
            angle: -roi.angle,
            ..*roi
        };
        let f = self.mesh.run(&mirrored(frame), &mirror, &mut ())?.features;
        write_f32(&mut self.features_mirror, &f)?;
        writeln!(self.index, "{},{meta}", self.n)?;
        self.n += 1;
        Ok(())
    }
}

fn write_f32(w: &mut impl Write, v: &[f32]) -> Result<()> {
    anyhow::ensure!(v.len() == FEATURES, "the mesh gave {} features", v.len());
    for x in v {
        w.write_all(&x.to_le_bytes())?;
    }
    Ok(())
}

/// `f` mirrored left to right.
fn mirrored(f: &Frame) -> Frame {
    let mut rgb = Vec::with_capacity(f.rgb.len());
    for y in 0..f.height as i64 {
        for x in (0..f.width as i64).rev() {
            rgb.extend_from_slice(&f.pixel(x, y));
        }
    }
    Frame::from_rgb(f.width, f.height, rgb).unwrap_or_else(|| f.clone())
}

fn label(v: Option<bool>) -> i32 {
    v.map_or(-1, i32::from)
}

fn iou(a: &[f32; 4], b: &[f32; 4]) -> f32 {
    let w = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let h = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let i = w * h;
    let area = |r: &[f32; 4]| (r[2] - r[0]).max(0.0) * (r[3] - r[1]).max(0.0);
    i / (area(a) + area(b) - i).max(1e-6)
}

fn centre_in(d: &Detection, r: &[f32; 4]) -> bool {
    let (cx, cy) = ((d.bbox[0] + d.bbox[2]) / 2.0, (d.bbox[1] + d.bbox[3]) / 2.0);
    (r[0]..=r[2]).contains(&cx) && (r[1]..=r[3]).contains(&cy)
}

/// The bounding box of the pixels that are not the canvas grey.
fn photo_region(f: &Frame) -> [f32; 4] {
    let (mut x0, mut y0, mut x1, mut y1) = (f.width, f.height, 0, 0);
    for y in 0..f.height {
        for x in 0..f.width {
            if f.pixel(x as i64, y as i64) != [CANVAS_GREY; 3] {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x + 1);
                y1 = y1.max(y + 1);
            }
        }
    }
    if x1 <= x0 {
        return [0.0, 0.0, f.width as f32, f.height as f32];
    }
    [x0 as f32, y0 as f32, x1 as f32, y1 as f32]
}

struct Nets {
    det: FaceDetector,
    mesh: FaceMesh,
}

/// One labelled photo: its face crops, and clutter off the photo.
fn photo(
    nets: &mut Nets,
    out: &mut Out,
    frame: &Frame,
    region: [f32; 4],
    meta: &str,
) -> Result<bool> {
    let labels = meta.split_once(';').map_or("", |x| x.1);
    let key = meta.split_once(';').map_or(meta, |x| x.0);
    let dets = nets.det.detect_at(frame, MIN_SCORE, &mut ())?;
    let best = dets
        .iter()
        .filter(|d| centre_in(d, &region))
        .max_by(|a, b| a.score.total_cmp(&b.score));
    for d in dets.iter().filter(|d| !centre_in(d, &region)) {
        let roi = d.mesh_roi();
        if !roi.is_valid() {
            continue;
        }
        let p = nets.mesh.run(frame, &roi, &mut ())?.presence;
        if p < MIN_PRESENCE {
            out.add(
                frame,
                &roi,
                &format!("{key},clutter,{:.3},{p:.4},0,-1,-1,-1,-1,-1", d.score),
            )?;
        }
    }
    let Some(d) = best else {
        return Ok(false);
    };
    let roi = d.mesh_roi();
    if !roi.is_valid() {
        return Ok(false);
    }
    let m = nets.mesh.run(frame, &roi, &mut ())?;
    out.add(
        frame,
        &roi,
        &format!("{key},det,{:.3},{:.4},1,{labels}", d.score, m.presence),
    )?;
    if m.presence >= MIN_PRESENCE {
        if let Some(t) = roi_from_landmarks(&m.landmarks).filter(|r| r.is_valid()) {
            out.add(
                frame,
                &t,
                &format!("{key},track,{:.3},{:.4},1,{labels}", d.score, m.presence),
            )?;
        }
    }
    Ok(true)
}

fn labels_of(row: &BTreeMap<String, String>) -> String {
    let l = |k: &str| label(yes_no(col(row, k)));
    format!(
        "{},{},{},{},{}",
        l("mask"),
        l("sunglasses"),
        l("eyeglasses"),
        l("hat"),
        l("hand_over_face")
    )
}

/// `frame` moved right in a grey frame: its left 68% padded by 32% on the left.
fn shifted(f: &Frame) -> Frame {
    let pad = (f.width as f32 * 0.32) as i64;
    let mut rgb = Vec::with_capacity(f.rgb.len());
    for y in 0..f.height as i64 {
        for x in 0..f.width as i64 {
            let p = if x < pad {
                [ZJU_GREY; 3]
            } else {
                f.pixel(x - pad, y)
            };
            rgb.extend_from_slice(&p);
        }
    }
    Frame::from_rgb(f.width, f.height, rgb).unwrap_or_else(|| f.clone())
}

/// `frame` rotated about its centre, grey outside (nearest pixel).
fn rotated(f: &Frame, deg: f32) -> Frame {
    let (s, c) = deg.to_radians().sin_cos();
    let (cx, cy) = (f.width as f32 / 2.0, f.height as f32 / 2.0);
    let mut rgb = Vec::with_capacity(f.rgb.len());
    for y in 0..f.height {
        for x in 0..f.width {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            let (sx, sy) = (c * dx + s * dy + cx, -s * dx + c * dy + cy);
            let p = if sx >= 0.0 && sy >= 0.0 && sx < f.width as f32 && sy < f.height as f32 {
                f.pixel(sx as i64, sy as i64)
            } else {
                [ZJU_GREY; 3]
            };
            rgb.extend_from_slice(&p);
        }
    }
    Frame::from_rgb(f.width, f.height, rgb).unwrap_or_else(|| f.clone())
}

/// A zju face (the best detection), as recorded and with `alt` applied
/// (from the clean frame's landmarks).
fn zju_face(
    nets: &mut Nets,
    out: &mut Out,
    frame: &Frame,
    key: &str,
    labels: &str,
    alt: (&str, Alteration),
) -> Result<()> {
    let all = [0.0, 0.0, frame.width as f32, frame.height as f32];
    photo(nets, out, frame, all, &format!("{key},as-is;{labels}"))?;
    let dets = nets.det.detect_at(frame, 0.5, &mut ())?;
    let Some(d) = dets.iter().max_by(|a, b| a.score.total_cmp(&b.score)) else {
        return Ok(());
    };
    let m = nets.mesh.run(frame, &d.mesh_roi(), &mut ())?;
    if m.presence < MIN_PRESENCE {
        return Ok(());
    }
    let mut altered = frame.clone();
    if apply(&alt.1, &mut altered, Some(&m.landmarks)) {
        photo(
            nets,
            out,
            &altered,
            all,
            &format!("{key},{};{labels}", alt.0),
        )?;
    }
    Ok(())
}

/// Clutter the detector takes for a face in one zju frame.
fn clutter(nets: &mut Nets, out: &mut Out, frame: &Frame, key: &str) -> Result<()> {
    let dets = nets.det.detect_at(frame, MIN_SCORE, &mut ())?;
    let mut scored = Vec::new();
    for d in &dets {
        let roi = d.mesh_roi();
        let p = if roi.is_valid() {
            nets.mesh.run(frame, &roi, &mut ())?.presence
        } else {
            0.0
        };
        scored.push((d, roi, p));
    }
    let faces: Vec<[f32; 4]> = scored
        .iter()
        .filter(|s| s.2 >= MIN_PRESENCE)
        .map(|s| s.0.bbox)
        .collect();
    if faces.is_empty() {
        return Ok(());
    }
    for (d, roi, p) in &scored {
        if *p < MIN_PRESENCE && roi.is_valid() && faces.iter().all(|f| iou(f, &d.bbox) < 0.1) {
            out.add(
                frame,
                roi,
                &format!("{key},clutter,{:.3},{p:.4},0,-1,-1,-1,-1,-1", d.score),
            )?;
        }
    }
    Ok(())
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(root), Some(dir)) = (args.first(), args.get(1)) else {
        anyhow::bail!("usage: extract_cover_crops EVAL_DIR OUT_DIR [--size N]");
    };
    let size = match args.iter().position(|a| a == "--size") {
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|&v| (16..=256).contains(&v))
            .context("--size takes a side in pixels, 16-256")?,
        None => INPUT,
    };
    let root = Path::new(root);
    let dir = Path::new(dir);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot make {}", dir.display()))?;
    let files = ModelFiles::embedded()?;
    let mut nets = Nets {
        det: FaceDetector::new(&files.detector)?,
        mesh: FaceMesh::new(&files.mesh)?,
    };
    let mut out = Out {
        crops: std::io::BufWriter::new(std::fs::File::create(dir.join("crops.u8"))?),
        features: std::io::BufWriter::new(std::fs::File::create(dir.join("mesh_features.f32"))?),
        features_mirror: std::io::BufWriter::new(std::fs::File::create(
            dir.join("mesh_features_mirror.f32"),
        )?),
        mesh: FaceMesh::new(&files.mesh)?,
        index: std::io::BufWriter::new(std::fs::File::create(dir.join("index.csv"))?),
        n: 0,
        buf: vec![0.0; 3 * size * size],
        size,
    };
    writeln!(
        out.index,
        "i,set,file,reading,view,det_score,presence,face,mask,sunglasses,eyeglasses,hat,hand_over_face"
    )?;
    let mdir = root.join("masks");
    let (mut n, mut found) = (0, 0);
    for row in read_csv(&mdir.join("labels.csv"))? {
        let file = col(&row, "file");
        let mut src = open_path(&mdir.join(file).display().to_string())?;
        let mut frame = Frame::default();
        if !src.read_into(&mut frame)? {
            continue;
        }
        let region = photo_region(&frame);
        let meta = format!("masks,\"{file}\",file;{}", labels_of(&row));
        n += 1;
        found += photo(&mut nets, &mut out, &frame, region, &meta)? as u32;
    }
    eprintln!("masks: a face crop from {found} of {n}");
    let odir = root.join("occlusion");
    let (mut n, mut found) = (0, 0);
    for row in read_csv(&odir.join("labels.csv"))? {
        let file = format!("{}/{}", col(&row, "set"), col(&row, "file"));
        let path = odir.join("images").join(&file);
        let labels = labels_of(&row);
        let (frame, region) = on_canvas(&path)?;
        n += 1;
        let meta = format!("occlusion,\"{file}\",canvas;{labels}");
        found += photo(&mut nets, &mut out, &frame, region, &meta)? as u32;
        let mut src = open_path(&path.display().to_string())?;
        let mut frame = Frame::default();
        if src.read_into(&mut frame)? {
            let all = [0.0, 0.0, frame.width as f32, frame.height as f32];
            let meta = format!("occlusion,\"{file}\",given;{labels}");
            photo(&mut nets, &mut out, &frame, all, &meta)?;
        }
    }
    eprintln!("occlusion: a face crop from {found} of {n} (on the canvas)");
    let zdir = root.join("zju-dev").join("clips");
    let mut clips: Vec<_> = std::fs::read_dir(&zdir)
        .with_context(|| format!("cannot list {}", zdir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    clips.sort();
    let before = out.n;
    let mut faces = 0;
    for clip in clips {
        let name = clip
            .file_name()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let glasses = name.contains("FTN") || name.contains("FBN");
        let labels = format!("0,0,{},0,0", i32::from(glasses));
        let mut src = open_path(&clip.display().to_string())?;
        let mut frame = Frame::default();
        while src.read_into(&mut frame)? {
            if frame.index % ZJU_FACE_EVERY == 0 {
                let alts = [
                    ("dark", Alteration::Darken(0.3)),
                    ("side", Alteration::DarkenSide(0.4)),
                    ("bright", Alteration::Overexpose(2.0)),
                ];
                let alt = alts[(frame.index / ZJU_FACE_EVERY) as usize % alts.len()];
                zju_face(
                    &mut nets,
                    &mut out,
                    &frame,
                    &format!("zju,\"{name}\""),
                    &labels,
                    alt,
                )?;
                faces += 1;
            }
            if frame.index % ZJU_EVERY != 0 {
                continue;
            }
            clutter(
                &mut nets,
                &mut out,
                &frame,
                &format!("zju,\"{name}\",as-is"),
            )?;
            clutter(
                &mut nets,
                &mut out,
                &shifted(&frame),
                &format!("zju,\"{name}\",shifted"),
            )?;
            clutter(
                &mut nets,
                &mut out,
                &rotated(&frame, ZJU_ROTATE_DEG),
                &format!("zju,\"{name}\",rotated"),
            )?;
        }
    }
    eprintln!(
        "zju: {faces} face frames sampled; face and clutter crops: {}",
        out.n - before
    );
    out.crops.flush()?;
    out.index.flush()?;
    out.features.flush()?;
    out.features_mirror.flush()?;
    eprintln!("{} crops in {}", out.n, dir.display());
    Ok(())
}
