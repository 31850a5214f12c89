//! The text lines the OCR reads in a picture, as `document` reads them (for
//! looking at why an MRZ was not found; docs/documents.md).
//!
//! `cargo run --release -p lc-eval --example probe_ocr -- PICTURE...`

use anyhow::Result;
use liveness_coach::cmd::document::{load_ocr, load_picture};
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
    }
    Ok(())
}
