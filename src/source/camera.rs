//! Webcam capture through nokhwa. The only code that touches a camera.
//!
//! Frames are decoded here (MJPEG with `image`, YUYV with our own converter)
//! so a corrupt frame from a camera is an error for that frame, not a crash.

use super::{mjpeg, FrameSource, SourceInfo};
use crate::frame::{ycbcr_to_rgb, Frame};
use anyhow::{anyhow, Result};
use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
};
use nokhwa::{Camera, NokhwaError};
use std::time::Instant;

/// What went wrong with a camera, so the message can say what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraProblem {
    NoCamera,
    Busy,
    PermissionDenied,
    Unplugged,
    FormatUnsupported,
    Other(String),
}

impl CameraProblem {
    /// Sorts a backend error message into a problem a person can act on.
    pub fn classify(message: &str) -> CameraProblem {
        let m = message.to_ascii_lowercase();
        if m.contains("busy") || m.contains("ebusy") || m.contains("in use") {
            CameraProblem::Busy
        } else if m.contains("permission") || m.contains("denied") || m.contains("not authorized") {
            CameraProblem::PermissionDenied
        } else if m.contains("no such device") || m.contains("enodev") || m.contains("disconnected")
        {
            CameraProblem::Unplugged
        } else if m.contains("no such file") || m.contains("not found") || m.contains("index") {
            CameraProblem::NoCamera
        } else if m.contains("format") || m.contains("fourcc") || m.contains("resolution") {
            CameraProblem::FormatUnsupported
        } else {
            CameraProblem::Other(message.to_string())
        }
    }

    /// English advice for the problem (the CLI's own messages are English).
    pub fn advice(&self) -> String {
        match self {
            CameraProblem::NoCamera => "no camera was found. Plug one in, or analyse a recording instead: \
                `liveness-coach analyze VIDEO` (any video file, a .y4m, photos, or `-` for Y4M piped from ffmpeg)"
                .into(),
            CameraProblem::Busy => "the camera is busy: another program (a video call, a browser tab) is \
                using it. Close that program and try again"
                .into(),
            CameraProblem::PermissionDenied => "permission to use the camera was denied. On macOS allow it in \
                System Settings > Privacy & Security > Camera for your terminal; on Linux add yourself to \
                the `video` group (`sudo usermod -aG video $USER`, then log in again)"
                .into(),
            CameraProblem::Unplugged => "the camera was disconnected. Plug it back in and start again".into(),
            CameraProblem::FormatUnsupported => "the camera cannot deliver a usable picture format. Try another \
                camera with `--camera N` (`liveness-coach cameras` lists them)"
                .into(),
            CameraProblem::Other(m) => format!("the camera failed: {m}"),
        }
    }
}

fn problem(e: NokhwaError) -> anyhow::Error {
    let p = CameraProblem::classify(&e.to_string());
    anyhow!("{}", p.advice()).context(format!("camera error ({e})"))
}

/// One camera as listed by `liveness-coach cameras`.
#[derive(Debug, Clone)]
pub struct CameraDesc {
    pub index: u32,
    pub name: String,
    pub formats: Vec<String>,
}

/// Lists cameras with the formats each supports.
pub fn list() -> Result<Vec<CameraDesc>> {
    let infos = nokhwa::query(ApiBackend::Auto).map_err(problem)?;
    let mut out = Vec::new();
    for (i, info) in infos.iter().enumerate() {
        let mut formats = Vec::new();
        if let Ok(mut cam) = Camera::new(
            info.index().clone(),
            RequestedFormat::new::<RgbFormat>(RequestedFormatType::None),
        ) {
            if let Ok(list) = cam.compatible_camera_formats() {
                formats = list.iter().map(|f| f.to_string()).collect();
            }
        }
        out.push(CameraDesc {
            index: i as u32,
            name: info.human_name(),
            formats,
        });
    }
    Ok(out)
}

pub struct CameraSource {
    camera: Camera,
    info: SourceInfo,
    format: FrameFormat,
    started: Instant,
    next_index: u64,
    corrupt: mjpeg::CorruptFrames,
}

impl CameraSource {
    /// Opens camera `index`, asking for the closest format to `width`x`height`
    /// at `fps`, MJPEG first (cheap on USB bandwidth), then YUYV.
    pub fn open(index: u32, width: u32, height: u32, fps: u32) -> Result<CameraSource> {
        let cams = nokhwa::query(ApiBackend::Auto).map_err(problem)?;
        if cams.is_empty() {
            return Err(anyhow!("{}", CameraProblem::NoCamera.advice()));
        }
        let mut last_err = None;
        for fourcc in [FrameFormat::MJPEG, FrameFormat::YUYV] {
            let want = CameraFormat::new_from(width, height, fourcc, fps);
            let req = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(want));
            match Camera::new(CameraIndex::Index(index), req)
                .and_then(|mut c| c.open_stream().map(|_| c))
            {
                Ok(camera) => {
                    let f = camera.camera_format();
                    let info = SourceInfo {
                        name: format!("camera {index} ({})", camera.info().human_name()),
                        width: f.width(),
                        height: f.height(),
                        fps: Some(f.frame_rate() as f64),
                        frames: None,
                    };
                    return Ok(CameraSource {
                        format: f.format(),
                        camera,
                        info,
                        started: Instant::now(),
                        next_index: 0,
                        corrupt: mjpeg::CorruptFrames::default(),
                    });
                }
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err
            .map(problem)
            .unwrap_or_else(|| anyhow!("camera {index} could not be opened")))
    }
}

impl FrameSource for CameraSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
        let mut buf = self.camera.frame().map_err(problem)?;
        // Isolated corrupt MJPEG frames are skipped; a run of them fails.
        while self.format == FrameFormat::MJPEG {
            match mjpeg::decode_into(buf.buffer(), frame) {
                Ok(()) => {
                    self.corrupt.good();
                    break;
                }
                Err(e) => {
                    self.corrupt.bad(e)?;
                    buf = self.camera.frame().map_err(problem)?;
                }
            }
        }
        let res = buf.resolution();
        let (w, h) = (res.width(), res.height());
        super::check_size(w, h, "the camera")?;
        match self.format {
            FrameFormat::MJPEG => {}
            FrameFormat::YUYV => {
                frame.reshape(w, h);
                yuyv_to_rgb(buf.buffer(), w as usize, h as usize, &mut frame.rgb)?;
            }
            _ => {
                frame.reshape(w, h);
                let data = buf.buffer().to_vec();
                let decoded = std::panic::catch_unwind(move || {
                    nokhwa::Buffer::new(res, &data, buf.source_frame_format())
                        .decode_image::<RgbFormat>()
                })
                .map_err(|_| anyhow!("the camera sent a frame that could not be decoded"))?
                .map_err(problem)?;
                frame.rgb.copy_from_slice(decoded.as_raw());
            }
        }
        frame.index = self.next_index;
        frame.time_s = self.started.elapsed().as_secs_f64();
        self.next_index += 1;
        Ok(true)
    }
}

/// Packed YUYV (4:2:2) to RGB; errors when the buffer is short.
pub fn yuyv_to_rgb(src: &[u8], w: usize, h: usize, rgb: &mut [u8]) -> Result<()> {
    if src.len() < w * h * 2 || rgb.len() < w * h * 3 {
        return Err(anyhow!("the camera sent a short YUYV frame"));
    }
    for (i, px) in src[..w * h * 2].chunks_exact(4).enumerate() {
        let (y0, u, y1, v) = (px[0], px[1], px[2], px[3]);
        let o = i * 6;
        rgb[o..o + 3].copy_from_slice(&ycbcr_to_rgb(y0, u, v));
        if o + 6 <= rgb.len() {
            rgb[o + 3..o + 6].copy_from_slice(&ycbcr_to_rgb(y1, u, v));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_messages_become_advice() {
        // Messages as V4L2 / AVFoundation / Media Foundation report them.
        assert_eq!(
            CameraProblem::classify("Could not open device 0: Device or resource busy"),
            CameraProblem::Busy
        );
        assert_eq!(
            CameraProblem::classify("Failed to open: Permission denied (os error 13)"),
            CameraProblem::PermissionDenied
        );
        assert_eq!(
            CameraProblem::classify("Could not capture frame: No such device (os error 19)"),
            CameraProblem::Unplugged
        );
        assert_eq!(
            CameraProblem::classify("Could not open device /dev/video0: No such file or directory"),
            CameraProblem::NoCamera
        );
        assert!(CameraProblem::Busy.advice().contains("another program"));
        assert!(CameraProblem::NoCamera
            .advice()
            .contains("liveness-coach analyze"));
    }

    #[test]
    fn yuyv_conversion_and_short_frames() {
        // Two pixels: black and white, neutral chroma.
        let mut rgb = [0u8; 6];
        yuyv_to_rgb(&[16, 128, 235, 128], 2, 1, &mut rgb).unwrap();
        assert_eq!(rgb, [0, 0, 0, 255, 255, 255]);
        assert!(yuyv_to_rgb(&[16, 128], 2, 1, &mut rgb).is_err());
    }
}
