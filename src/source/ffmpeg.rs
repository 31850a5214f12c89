//! Any video ffmpeg can read, decoded by an `ffmpeg` subprocess into a Y4M pipe.
//!
//! The child writes YUV4MPEG2 to its stdout, which the native Y4M reader
//! parses; so frame sizes and rates come from one well-tested parser.

use super::y4m::Y4mSource;
use super::{FrameSource, SourceInfo};
use crate::frame::Frame;
use anyhow::{anyhow, bail, Context, Result};
use std::io::{BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The advice printed when ffmpeg is not installed.
pub const INSTALL_HINT: &str = "ffmpeg is needed to read this video: install it \
    (Debian/Ubuntu: `sudo apt-get install ffmpeg`, macOS: `brew install ffmpeg`), \
    or convert the video to Y4M elsewhere and pass the .y4m file";

pub struct FfmpegSource {
    inner: Y4mSource,
    child: Child,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl FfmpegSource {
    pub fn open(path: &Path) -> Result<FfmpegSource> {
        let mut child = Command::new("ffmpeg")
            .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-i"])
            .arg(path)
            // Even frame sizes keep 4:2:0 chroma exact; `-vsync passthrough`
            // keeps one output frame per decoded frame (no duplicates/drops).
            .args([
                "-map",
                "0:v:0",
                "-vsync",
                "passthrough",
                "-pix_fmt",
                "yuv420p",
            ])
            .args(["-f", "yuv4mpegpipe", "-"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    anyhow!("{INSTALL_HINT}")
                } else {
                    anyhow!(e).context("cannot start ffmpeg")
                }
            })?;
        let stdout = child.stdout.take().context("ffmpeg has no output pipe")?;
        let mut stderr_pipe = child.stderr.take().context("ffmpeg has no error pipe")?;
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr_pipe.read_to_string(&mut s);
            s
        });
        let name = path.display().to_string();
        let mut stderr = Some(stderr);
        let inner = match Y4mSource::new(Box::new(BufReader::with_capacity(1 << 20, stdout)), &name)
        {
            Ok(inner) => inner,
            Err(_) => {
                let msg = stop_child(&mut child, &mut stderr);
                bail!("ffmpeg cannot read {name}: {msg}");
            }
        };
        let mut src = FfmpegSource {
            inner,
            child,
            stderr,
        };
        src.inner.set_frames(probe_frames(path));
        Ok(src)
    }

    fn finish_error(&mut self) -> String {
        stop_child(&mut self.child, &mut self.stderr)
    }
}

/// Stops the child and returns the last thing it said on stderr.
fn stop_child(child: &mut Child, stderr: &mut Option<std::thread::JoinHandle<String>>) -> String {
    let _ = child.kill();
    let _ = child.wait();
    let text = stderr
        .take()
        .and_then(|h| h.join().ok())
        .unwrap_or_default();
    let text = text.trim();
    if text.is_empty() {
        "no video stream could be decoded".to_string()
    } else {
        text.lines().last().unwrap_or(text).to_string()
    }
}

/// Frame count from `ffprobe` when it is there (for the progress bar only).
fn probe_frames(path: &Path) -> Option<u64> {
    let out = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=nb_frames",
        ])
        .args(["-of", "default=nokey=1:noprint_wrappers=1"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

impl FrameSource for FfmpegSource {
    fn info(&self) -> &SourceInfo {
        self.inner.info()
    }

    fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
        match self.inner.read_into(frame) {
            Ok(true) => Ok(true),
            Ok(false) => {
                let status = self.child.wait().context("waiting for ffmpeg")?;
                if !status.success() {
                    let msg = self.finish_error();
                    bail!("ffmpeg stopped with an error: {msg}");
                }
                Ok(false)
            }
            Err(e) => {
                let msg = self.finish_error();
                Err(e.context(format!("ffmpeg: {msg}")))
            }
        }
    }
}

impl Drop for FfmpegSource {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
