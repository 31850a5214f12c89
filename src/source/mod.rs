//! Frame sources: everything that turns the outside world into [`Frame`]s.
//!
//! A webcam, a Y4M file or pipe, image files and folders, and any other video
//! through an `ffmpeg` subprocess all sit behind [`FrameSource`], so the rest
//! of the program never knows where frames came from.

#[cfg(feature = "camera")]
pub mod camera;
pub mod ffmpeg;
pub mod images;
pub mod mjpeg;
pub mod watchdog;
pub mod y4m;
pub mod y4m_write;

use crate::frame::Frame;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// What a source knows about its stream before (or while) reading it.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceInfo {
    /// The path or device the frames come from, as the user named it.
    pub name: String,
    pub width: u32,
    pub height: u32,
    /// Nominal frame rate, when the container states one.
    pub fps: Option<f64>,
    /// Number of frames, when known in advance.
    pub frames: Option<u64>,
}

/// A stream of frames.
pub trait FrameSource {
    fn info(&self) -> &SourceInfo;

    /// Reads the next frame into `frame`, reusing its buffer. Returns
    /// `Ok(false)` at the end of the stream.
    fn read_into(&mut self, frame: &mut Frame) -> Result<bool>;
}

/// The first `seconds` of another source's stream time (by the frames'
/// timestamps): `check` looks for a few seconds, whatever the source.
pub struct FirstSeconds<'a> {
    inner: &'a mut dyn FrameSource,
    seconds: f64,
    start: Option<f64>,
}

impl<'a> FirstSeconds<'a> {
    pub fn new(inner: &'a mut dyn FrameSource, seconds: f64) -> FirstSeconds<'a> {
        FirstSeconds {
            inner,
            seconds,
            start: None,
        }
    }
}

impl FrameSource for FirstSeconds<'_> {
    fn info(&self) -> &SourceInfo {
        self.inner.info()
    }

    fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
        if !self.inner.read_into(frame)? {
            return Ok(false);
        }
        let t0 = *self.start.get_or_insert(frame.time_s);
        Ok(frame.time_s - t0 < self.seconds)
    }
}

/// Largest frame side any source accepts; larger frames are refused with a
/// clear error instead of exhausting memory.
pub const MAX_SIDE: u32 = 16_384;

/// Refuses sizes that are empty or absurd.
pub fn check_size(width: u32, height: u32, what: &str) -> Result<()> {
    if width == 0 || height == 0 {
        bail!("{what} has an empty frame size ({width}x{height})");
    }
    if width > MAX_SIDE || height > MAX_SIDE {
        bail!("{what} has frames of {width}x{height}; the largest supported side is {MAX_SIDE}");
    }
    Ok(())
}

/// Opens a file, folder or `-` (Y4M on standard input) by what it is.
///
/// `.y4m` files and `-` are read natively; PNG/JPEG/BMP/GIF stills and folders
/// of them through `image`; anything else is handed to `ffmpeg`.
pub fn open_path(spec: &str) -> Result<Box<dyn FrameSource>> {
    if spec == "-" {
        let stdin = std::io::stdin();
        return Ok(Box::new(
            y4m::Y4mSource::new(Box::new(std::io::BufReader::new(stdin)), "standard input")
                .context("reading Y4M from standard input (pipe `ffmpeg ... -f yuv4mpegpipe -`)")?,
        ));
    }
    let path = PathBuf::from(spec);
    if !path.exists() {
        bail!("{spec}: no such file or folder");
    }
    if path.is_dir() {
        return Ok(Box::new(images::ImageSource::from_dir(&path)?));
    }
    match extension(&path).as_deref() {
        Some("y4m") => Ok(Box::new(y4m::Y4mSource::open(&path)?)),
        Some(ext) if images::is_image_extension(ext) => {
            Ok(Box::new(images::ImageSource::from_files(vec![path])?))
        }
        _ => {
            // Sniff Y4M by its magic even without the extension.
            if y4m::looks_like_y4m(&path) {
                return Ok(Box::new(y4m::Y4mSource::open(&path)?));
            }
            Ok(Box::new(ffmpeg::FfmpegSource::open(&path)?))
        }
    }
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
}
