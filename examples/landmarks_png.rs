//! Draws what perception sees on an image: `cargo run --release --example
//! landmarks_png -- IN.png OUT.png`. Mesh points green, eye outlines from the
//! iris model red, detector box blue.

use anyhow::{Context, Result};
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::source::images::load_into;
use liveness_coach::vision::Perception;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (input, output) = (
        args.get(1).context("IN.png")?,
        args.get(2).context("OUT.png")?,
    );
    let mut frame = Frame::default();
    load_into(input.as_ref(), &mut frame)?;
    let mut p = Perception::new(&ModelFiles::embedded()?, true)?;
    let obs = p.process(&frame, &mut ())?;
    let mut img =
        image::RgbImage::from_raw(frame.width, frame.height, frame.rgb.clone()).context("image")?;
    let mut dot = |x: f32, y: f32, c: [u8; 3]| {
        let (x, y) = (x.round() as i64, y.round() as i64);
        if x >= 0 && y >= 0 && (x as u32) < img.width() && (y as u32) < img.height() {
            img.put_pixel(x as u32, y as u32, image::Rgb(c));
        }
    };
    for d in &obs.detections {
        for t in 0..100 {
            let f = t as f32 / 100.0;
            let [x0, y0, x1, y1] = d.bbox;
            dot(x0 + f * (x1 - x0), y0, [0, 0, 255]);
            dot(x0 + f * (x1 - x0), y1, [0, 0, 255]);
            dot(x0, y0 + f * (y1 - y0), [0, 0, 255]);
            dot(x1, y0 + f * (y1 - y0), [0, 0, 255]);
        }
    }
    if let Some(face) = &obs.face {
        for p in &face.landmarks {
            dot(p[0], p[1], [0, 255, 0]);
        }
        for eye in face.eyes.iter().flatten() {
            for p in eye.outline.iter().chain(eye.iris.iter()) {
                dot(p[0], p[1], [255, 0, 0]);
            }
        }
    }
    img.save(output)?;
    Ok(())
}
