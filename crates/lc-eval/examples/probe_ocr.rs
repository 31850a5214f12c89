//! The text lines the OCR reads in a picture, as `document` reads them (for
//! looking at why an MRZ was not found; docs/documents.md).
//!
//! `cargo run --release -p lc-eval --example probe_ocr -- PICTURE...`

use anyhow::Result;
use liveness_coach::cmd::document::{load_ocr, load_picture};
use liveness_coach::document::{quality, zone};
use std::path::Path;

fn main() -> Result<()> {
    let mut ocr = load_ocr(None)?;
    for arg in std::env::args().skip(1) {
        let img = load_picture(Path::new(&arg))?;
        let boxes = ocr.detect(&img)?;
        let lines = ocr.recognise(&img, &boxes)?;
        println!("== {arg}: {} lines", lines.len());
        for l in &lines {
            let (w, h) = l.region.size();
            let (cx, cy) = l.region.centre();
            println!(
                "  y {cy:6.1} x {cx:6.1} {w:5.0}x{h:3.0} conf {:.2} {:?}",
                l.confidence, l.text
            );
        }
        // Blur over every box, read or not (what a picture without
        // readable text is judged by).
        let grey = image::imageops::grayscale(&img);
        let all: Vec<_> = lines.iter().collect();
        let mut hs: Vec<f64> = all.iter().map(|l| l.region.size().1 as f64).collect();
        hs.sort_by(f64::total_cmp);
        if let Some(&th) = hs.get(hs.len() / 2) {
            println!(
                "  blur over all boxes {:?} (median height {th:.0})",
                quality::text_blur(&grey, &all, th)
            );
        }
        // The zone read again across its width, as `document` does when
        // the first reading is not valid.
        let boxes = zone::reread_boxes(&lines);
        for l in ocr.recognise(&img, &boxes)? {
            let (cx, cy) = l.region.centre();
            println!(
                "  again y {cy:6.1} x {cx:6.1} conf {:.2} {:?}",
                l.confidence, l.text
            );
        }
    }
    Ok(())
}
