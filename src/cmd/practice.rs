//! `liveness-coach practice`: the live coach.
//!
//! This first version runs the webcam through exactly the same analysis path
//! as `analyze` and reports movements in the terminal as they happen; the
//! windowed coach with prompts and hints is built on top of it (issue 3).
//! Without a camera it says so and shows how to analyse a recording.

use crate::analysis::{Analyzer, AnalyzerOptions};
use crate::frame::Frame;
use crate::i18n::Lang;
use anyhow::Result;
use std::path::Path;

pub struct PracticeArgs<'a> {
    pub camera: u32,
    pub seconds: f64,
    pub models: Option<&'a Path>,
    pub lang: Lang,
}

#[cfg(feature = "camera")]
pub fn run(args: &PracticeArgs) -> Result<bool> {
    use crate::source::{camera::CameraSource, FrameSource};
    let files = super::load_models(args.models)?;
    let mut analyzer = Analyzer::new(&files, AnalyzerOptions::default())?;
    let mut cam = CameraSource::open(args.camera, 640, 480, 30)?;
    let info = cam.info().clone();
    eprintln!(
        "{}: {}x{} at {:.0} fps. Blink, turn and nod; Ctrl-C to stop.",
        info.name,
        info.width,
        info.height,
        info.fps.unwrap_or(0.0)
    );
    let mut frame = Frame::default();
    let mut seen = 0u64;
    let mut events = Vec::new();
    let result = loop {
        if let Err(e) = cam.read_into(&mut frame) {
            break Err(e);
        }
        let (_, _, evs) = analyzer.step(&frame, &mut ())?;
        for e in &evs {
            println!("{:6.1}s  {}", e.start_s, args.lang.event_name(e.kind));
        }
        events.extend(evs);
        seen += 1;
        if frame.time_s >= args.seconds {
            break Ok(());
        }
    };
    events.extend(analyzer.finish());
    println!("{seen} frames, {} movements", events.len());
    result.map(|_| true)
}

#[cfg(not(feature = "camera"))]
pub fn run(_args: &PracticeArgs) -> Result<bool> {
    anyhow::bail!("this build has no camera support (built without the `camera` feature); analyse a recording instead: `liveness-coach analyze VIDEO`")
}
