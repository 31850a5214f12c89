//! The text lines the OCR reads in a picture, as `document` reads them (for
//! looking at why an MRZ was not found; docs/documents.md).
//!
//! `cargo run --release -p lc-eval --example probe_ocr -- PICTURE...`

use anyhow::Result;
use liveness_coach::cmd::document::{load_ocr, load_picture};
use liveness_coach::document::{check, zone};
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
        // The blur a picture without readable text is judged by.
        let grey = image::imageops::grayscale(&img);
        println!(
            "  blur if no text were read: {:.3}",
            check::unread_blur(&grey, &lines)
        );
        // The zone read again across its width, as `document` does when
        // the first reading is not valid.
        let boxes = zone::reread_boxes(&lines);
        let steps = ocr.read_steps(&img, &boxes)?;
        let again = zone::rereadings(&ocr, &boxes, &steps);
        for (k, again) in std::iter::once(&again.greedy)
            .chain(&again.fixed)
            .chain(&again.laid_out)
            .enumerate()
        {
            for l in again {
                let (cx, cy) = l.region.centre();
                println!(
                    "  again {k} y {cy:6.1} x {cx:6.1} conf {:.2} {:?}",
                    l.confidence, l.text
                );
            }
        }
    }
    Ok(())
}
