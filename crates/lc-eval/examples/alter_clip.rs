//! Writes an altered copy of a clip, for measuring the hints on footage whose
//! truth is known.
//!
//! `cargo run --release -p lc-eval --example alter_clip -- INPUT OUTPUT.y4m ALTERATION [ALTERATION...] [--drop-every N]`
//!
//! INPUT is anything `liveness-coach analyze` reads. Every frame goes through
//! the face mesh (no iris model) first, so the alterations are placed from the
//! landmarks of the *original* frame; then the alterations are applied in the
//! order given and the frame is written as Y4M (4:4:4). OUTPUT `-` writes to
//! standard output. Alterations (see `lc_eval::alter::Alteration`):
//! `darken:0.3`, `overexpose:2.5`, `brighten_background:0.8`,
//! `darken_side:0.4`, `mask`, `hand`, `sunglasses`, `glare`, `brim`,
//! `motion_blur:15`, `noise:12`. `--drop-every N` drops frames N-1, 2N-1, ...
//! and states the rate `fps * (N - 1) / N` so the clip keeps its duration.
//! Frames without a face are written unaltered by the face-placed
//! alterations; the summary on standard error counts them.

use anyhow::{bail, Context, Result};
use lc_eval::alter::{apply, keep_frame, Alteration};
use liveness_coach::frame::Frame;
use liveness_coach::models::ModelFiles;
use liveness_coach::source::open_path;
use liveness_coach::source::y4m_write::Y4mWriter;
use liveness_coach::vision::Perception;
use std::io::{BufWriter, Write};

const USAGE: &str =
    "usage: alter_clip INPUT OUTPUT.y4m ALTERATION [ALTERATION...] [--drop-every N]";

fn main() -> Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut drop_every = 0u32;
    if let Some(i) = args.iter().position(|a| a == "--drop-every") {
        let n = args
            .get(i + 1)
            .with_context(|| format!("--drop-every needs a number\n{USAGE}"))?;
        drop_every = n
            .parse()
            .with_context(|| format!("--drop-every {n}: not a whole number"))?;
        if drop_every < 2 {
            bail!("--drop-every {n}: use 2 or more (2 drops every second frame)");
        }
        args.drain(i..i + 2);
    }
    if args.len() < 3 {
        bail!("{USAGE}\nalterations: {}", Alteration::EXAMPLES.join(", "));
    }
    let (input, output) = (&args[0], &args[1]);
    let alts = args[2..]
        .iter()
        .map(|a| a.parse::<Alteration>())
        .collect::<Result<Vec<_>>>()?;

    let mut source = open_path(input)?;
    let info = source.info().clone();
    let mut fps = info.fps.unwrap_or(30.0);
    if drop_every >= 2 {
        fps *= (drop_every - 1) as f64 / drop_every as f64;
    }
    let out: Box<dyn Write> = if output == "-" {
        Box::new(BufWriter::new(std::io::stdout().lock()))
    } else {
        let file =
            std::fs::File::create(output).with_context(|| format!("cannot create {output}"))?;
        Box::new(BufWriter::with_capacity(1 << 20, file))
    };
    let mut writer = Y4mWriter::new(out, info.width, info.height, fps)?;
    let mut perception = Perception::new(&ModelFiles::embedded()?, false)?;

    let mut frame = Frame::default();
    let (mut read, mut dropped, mut no_face) = (0u64, 0u64, 0u64);
    let mut applied = vec![0u64; alts.len()];
    let mut stopped = None;
    loop {
        match source.read_into(&mut frame) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                stopped = Some(e);
                break;
            }
        }
        read += 1;
        if !keep_frame(frame.index, drop_every) {
            dropped += 1;
            continue;
        }
        let seen = perception.process(&frame, &mut ())?;
        let landmarks = seen.face.as_ref().map(|f| f.landmarks.as_slice());
        if landmarks.is_none() {
            no_face += 1;
        }
        for (alt, n) in alts.iter().zip(applied.iter_mut()) {
            if apply(alt, &mut frame, landmarks) {
                *n += 1;
            }
        }
        writer.write(&frame)?;
    }
    let written = writer.frames();
    writer.finish()?;

    eprintln!(
        "{input} -> {output}: {read} frames read, {written} written at {fps:.3} fps, \
         {dropped} dropped, {no_face} without a face"
    );
    for (alt, n) in alts.iter().zip(&applied) {
        eprintln!(
            "  {:<24} truth {:<16} applied to {n} frames",
            alt.to_string(),
            alt.truth()
        );
    }
    if let Some(e) = stopped {
        return Err(e.context(format!("{input} stopped after {read} frames")));
    }
    Ok(())
}
