//! Still images (PNG, JPEG, BMP, GIF) and folders of them, one frame each.

use super::{check_size, FrameSource, SourceInfo};
use crate::frame::Frame;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Frame rate assumed for a sequence of stills (they carry no timing).
pub const STILLS_FPS: f64 = 30.0;

pub fn is_image_extension(ext: &str) -> bool {
    matches!(ext, "png" | "jpg" | "jpeg" | "bmp" | "gif")
}

pub struct ImageSource {
    files: Vec<PathBuf>,
    next: usize,
    info: SourceInfo,
}

impl ImageSource {
    /// All images in a folder, in name order.
    pub fn from_dir(dir: &Path) -> Result<ImageSource> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot list the folder {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| is_image_extension(&e.to_ascii_lowercase()))
            })
            .collect();
        files.sort();
        if files.is_empty() {
            bail!(
                "the folder {} holds no PNG, JPEG, BMP or GIF images",
                dir.display()
            );
        }
        let mut src = ImageSource::from_files(files)?;
        src.info.name = dir.display().to_string();
        Ok(src)
    }

    /// The given files, in the given order. The first one sets the size.
    pub fn from_files(files: Vec<PathBuf>) -> Result<ImageSource> {
        let first = files.first().context("no image files given")?;
        let (width, height) = image::image_dimensions(first)
            .with_context(|| format!("{} is not a readable image", first.display()))?;
        check_size(width, height, &first.display().to_string())?;
        let info = SourceInfo {
            name: first.display().to_string(),
            width,
            height,
            fps: (files.len() > 1).then_some(STILLS_FPS),
            frames: Some(files.len() as u64),
        };
        Ok(ImageSource {
            files,
            next: 0,
            info,
        })
    }
}

/// Decodes one image file into `frame` (any size; the pipeline copes with
/// frames of different sizes).
pub fn load_into(path: &Path, frame: &mut Frame) -> Result<()> {
    let (w, h) = image::image_dimensions(path)
        .with_context(|| format!("{} is not a readable image", path.display()))?;
    check_size(w, h, &path.display().to_string())?;
    let img = image::open(path)
        .with_context(|| format!("{} is not a readable image", path.display()))?
        .into_rgb8();
    frame.width = img.width();
    frame.height = img.height();
    frame.rgb = img.into_raw();
    Ok(())
}

impl FrameSource for ImageSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
        let Some(path) = self.files.get(self.next) else {
            return Ok(false);
        };
        load_into(path, frame)?;
        frame.index = self.next as u64;
        frame.time_s = self.next as f64 / STILLS_FPS;
        self.next += 1;
        Ok(true)
    }
}
