//! `--record PATH`: the session's frames saved as Y4M, so an attempt can be
//! analysed later. Written to a temporary name beside PATH and renamed when
//! the session ends, so a crash or full disk never leaves half a file under
//! the name the person asked for (a device or pipe, `/dev/null`, is written
//! to in place: `output::is_special`). Nothing is recorded without `--record`.

use super::capture::FrameSink;
use crate::frame::Frame;
use crate::source::y4m_write::Y4mWriter;
use anyhow::{Context, Result};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

pub struct Recorder {
    path: PathBuf,
    tmp: PathBuf,
    fps: f64,
    file: Option<File>,
    writer: Option<Y4mWriter<BufWriter<File>>>,
}

impl Recorder {
    /// Creates the temporary file now, so an unwritable folder is reported
    /// before the session starts.
    pub fn create(path: &Path, fps: f64) -> Result<Recorder> {
        let tmp = if crate::output::is_special(path) {
            path.to_path_buf()
        } else {
            crate::output::part_path(path)?
        };
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(tmp != path)
            .open(&tmp)
            .with_context(|| format!("cannot write the recording {}", path.display()))?;
        Ok(Recorder {
            path: path.to_path_buf(),
            tmp,
            fps: if fps.is_finite() && fps > 0.0 {
                fps
            } else {
                30.0
            },
            file: Some(file),
            writer: None,
        })
    }

    pub fn frames(&self) -> u64 {
        self.writer.as_ref().map_or(0, |w| w.frames())
    }

    /// Flushes, and renames the file to its final name. Returns the path,
    /// or `None` when no frame was recorded (the empty file is removed).
    pub fn finish(mut self) -> Result<Option<PathBuf>> {
        let in_place = self.tmp == self.path;
        let Some(w) = self.writer.take() else {
            if !in_place {
                let _ = std::fs::remove_file(&self.tmp);
            }
            return Ok(None);
        };
        let done = (|| -> Result<()> {
            let buf = w.finish()?;
            let file = buf.into_inner().map_err(|e| e.into_error())?;
            if !in_place {
                file.sync_all()?;
                std::fs::rename(&self.tmp, &self.path)?;
            }
            Ok(())
        })();
        match done {
            Ok(()) => Ok(Some(self.path.clone())),
            Err(e) => {
                if !in_place {
                    let _ = std::fs::remove_file(&self.tmp);
                }
                Err(e.context(format!("cannot save the recording {}", self.path.display())))
            }
        }
    }
}

impl FrameSink for Recorder {
    fn write(&mut self, frame: &Frame) -> Result<()> {
        if self.writer.is_none() {
            let file = self
                .file
                .take()
                .context("the recording was already closed")?;
            self.writer = Some(Y4mWriter::new(
                BufWriter::with_capacity(1 << 20, file),
                frame.width,
                frame.height,
                self.fps,
            )?);
        }
        match self.writer.as_mut() {
            Some(w) => w
                .write(frame)
                .with_context(|| format!("recording to {}", self.path.display())),
            None => Ok(()),
        }
    }

    fn into_recorder(self: Box<Self>) -> Option<Recorder> {
        Some(*self)
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        // Not finished (an error path): leave no temporary file behind (a
        // device written in place is not one).
        if (self.writer.is_some() || self.file.is_some()) && self.tmp != self.path {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_appears_only_when_finished_and_reads_back() {
        let dir = std::env::temp_dir().join(format!("lc-rec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp dir");
        let path = dir.join("attempt.y4m");
        let mut r = Recorder::create(&path, 30.0).expect("create");
        let mut f = Frame::default();
        for i in 0..3 {
            f.reshape(16, 8);
            f.rgb.iter_mut().for_each(|p| *p = 40 * i as u8);
            f.index = i;
            r.write(&f).expect("write");
        }
        assert!(!path.exists(), "the final name appears only at the end");
        assert_eq!(r.finish().expect("finish"), Some(path.clone()));
        let mut src = crate::source::y4m::Y4mSource::open(&path).expect("open");
        use crate::source::FrameSource;
        let mut n = 0;
        while src.read_into(&mut f).expect("read") {
            n += 1;
        }
        assert_eq!(n, 3);
        // Nothing recorded: no file at all. An unwritable folder: an error now.
        let empty = dir.join("empty.y4m");
        assert_eq!(
            Recorder::create(&empty, 30.0).and_then(|r| r.finish()).ok(),
            Some(None)
        );
        assert!(!empty.exists());
        assert!(Recorder::create(Path::new("/nonexistent-dir/x.y4m"), 30.0).is_err());
        let leftovers = std::fs::read_dir(&dir)
            .expect("list")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().contains(".part"))
            })
            .count();
        assert_eq!(leftovers, 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
