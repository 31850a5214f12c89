//! Native YUV4MPEG2 writer: the exact counterpart of [`super::y4m`].
//!
//! Frames are written as 8-bit 4:4:4 (`C444`), so colour is not subsampled,
//! in BT.601 limited range: each pixel's (Y, Cb, Cr) is the one that
//! [`crate::frame::ycbcr_to_rgb`] (what our reader and ffmpeg use) turns back
//! into the nearest RGB, at most one level off per channel.

use super::check_size;
use crate::frame::{ycbcr_to_rgb, Frame};
use anyhow::{bail, Context, Result};
use std::io::Write;

/// Writes frames of one size to a Y4M stream.
///
/// The header is written by [`Y4mWriter::new`]; every frame must have the
/// header's size. Wrap files in a `BufWriter`: each frame is two writes.
pub struct Y4mWriter<W: Write> {
    out: W,
    width: u32,
    height: u32,
    /// The Y, Cb and Cr planes of the frame being written, reused.
    planes: Vec<u8>,
    frames: u64,
}

impl<W: Write> Y4mWriter<W> {
    /// Starts a stream of `width` x `height` frames at `fps` frames per
    /// second (stated as a rational, see [`fps_rational`]) and writes its
    /// header: `YUV4MPEG2 W.. H.. F<num>:<den> Ip A1:1 C444`.
    pub fn new(mut out: W, width: u32, height: u32, fps: f64) -> Result<Self> {
        check_size(width, height, "the Y4M output")?;
        let (num, den) = fps_rational(fps)?;
        writeln!(
            out,
            "YUV4MPEG2 W{width} H{height} F{num}:{den} Ip A1:1 C444"
        )
        .context("writing the Y4M header")?;
        Ok(Y4mWriter {
            out,
            width,
            height,
            planes: Vec::new(),
            frames: 0,
        })
    }

    /// Appends one frame. A frame whose size differs from the header's is
    /// refused (Y4M cannot change size mid-stream).
    pub fn write(&mut self, frame: &Frame) -> Result<()> {
        if (frame.width, frame.height) != (self.width, self.height) {
            bail!(
                "frame {} is {}x{} but the Y4M stream was started at {}x{}; \
                 every frame of a Y4M stream has the same size",
                frame.index,
                frame.width,
                frame.height,
                self.width,
                self.height
            );
        }
        let n = self.width as usize * self.height as usize;
        if frame.rgb.len() != n * 3 {
            bail!(
                "frame {} has {} RGB bytes, not {} for {}x{}",
                frame.index,
                frame.rgb.len(),
                n * 3,
                self.width,
                self.height
            );
        }
        // Allocates on the first frame only.
        self.planes.resize(n * 3, 0);
        let (y_plane, rest) = self.planes.split_at_mut(n);
        let (cb_plane, cr_plane) = rest.split_at_mut(n);
        for (i, px) in frame.rgb.chunks_exact(3).enumerate() {
            let [y, cb, cr] = rgb_to_ycbcr([px[0], px[1], px[2]]);
            y_plane[i] = y;
            cb_plane[i] = cb;
            cr_plane[i] = cr;
        }
        self.out
            .write_all(b"FRAME\n")
            .and_then(|_| self.out.write_all(&self.planes))
            .with_context(|| format!("writing Y4M frame {}", self.frames))?;
        self.frames += 1;
        Ok(())
    }

    /// Number of frames written so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Flushes the stream and hands back the writer.
    pub fn finish(mut self) -> Result<W> {
        self.out.flush().context("flushing the Y4M output")?;
        Ok(self.out)
    }
}

/// A frame rate as the `num:den` a Y4M header states: a whole rate over 1
/// (30 -> 30:1), an NTSC rate over 1001 (29.97 -> 30000:1001, 23.976 ->
/// 24000:1001), anything else in thousandths, reduced (12.5 -> 25:2).
/// Rates that are not positive, not finite or above 1000 (what the reader
/// accepts) are errors.
pub fn fps_rational(fps: f64) -> Result<(u64, u64)> {
    if !(fps.is_finite() && fps > 0.0 && fps <= 1000.0) {
        bail!("frame rate {fps} is not usable (a Y4M rate is above 0 and at most 1000)");
    }
    const CLOSE: f64 = 1e-3;
    let whole = fps.round();
    if whole >= 1.0 && (fps - whole).abs() < CLOSE {
        return Ok((whole as u64, 1));
    }
    let ntsc = (fps * 1.001).round();
    if ntsc >= 1.0 && (fps - ntsc * 1000.0 / 1001.0).abs() < CLOSE {
        return Ok((ntsc as u64 * 1000, 1001));
    }
    let num = ((fps * 1000.0).round() as u64).max(1);
    let g = gcd(num, 1000);
    Ok((num / g, 1000 / g))
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// The BT.601 limited-range (Y, Cb, Cr) of an RGB pixel: the inverse of
/// [`ycbcr_to_rgb`], chosen so that converting back gives each channel within
/// one level of `rgb` (plain rounding alone can be two levels off).
pub fn rgb_to_ycbcr(rgb: [u8; 3]) -> [u8; 3] {
    let [r, g, b] = rgb.map(f32::from);
    let q = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    let first = [
        q(16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0),
        q(128.0 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255.0),
        q(128.0 + (112.0 * r - 93.786 * g - 18.214 * b) / 255.0),
    ];
    let err = |c: [u8; 3]| {
        let back = ycbcr_to_rgb(c[0], c[1], c[2]);
        (0..3).map(|k| back[k].abs_diff(rgb[k])).max().unwrap_or(0)
    };
    if err(first) <= 1 {
        return first;
    }
    // Rare (about 0.5% of colours): the best of the 26 neighbours.
    let mut best = (err(first), first);
    for dy in -1i16..=1 {
        for db in -1i16..=1 {
            for dr in -1i16..=1 {
                let step = |v: u8, d: i16| (v as i16 + d).clamp(0, 255) as u8;
                let c = [step(first[0], dy), step(first[1], db), step(first[2], dr)];
                let e = err(c);
                if e < best.0 {
                    best = (e, c);
                }
            }
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::y4m::Y4mSource;
    use crate::source::FrameSource;

    /// A colourful test image: hue across, brightness down, a grey ramp and
    /// saturated corners.
    fn image(w: u32, h: u32, index: u64) -> Frame {
        let mut rgb = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                let px = match (x * 4 / w, y * 4 / h) {
                    (0, 0) => [255, 0, 0],
                    (3, 0) => [0, 255, 0],
                    (0, 3) => [0, 0, 255],
                    (3, 3) => [(x * 255 / w) as u8; 3],
                    _ => [
                        (x * 255 / w) as u8,
                        (y * 255 / h) as u8,
                        ((x + y + index as u32 * 17) * 7 % 256) as u8,
                    ],
                };
                rgb.extend_from_slice(&px);
            }
        }
        let mut f = Frame::from_rgb(w, h, rgb).expect("size");
        f.index = index;
        f
    }

    fn round_trip(fps: f64) -> (Vec<Frame>, Vec<Frame>, f64) {
        let (w, h) = (37, 23);
        let originals: Vec<Frame> = (0..3).map(|i| image(w, h, i)).collect();
        let mut wr = Y4mWriter::new(Vec::new(), w, h, fps).unwrap();
        for f in &originals {
            wr.write(f).unwrap();
        }
        assert_eq!(wr.frames(), 3);
        let bytes = wr.finish().unwrap();
        let mut src = Y4mSource::new(Box::new(std::io::Cursor::new(bytes)), "test").unwrap();
        let read_fps = src.info().fps.unwrap();
        let mut back = Vec::new();
        let mut f = Frame::default();
        while src.read_into(&mut f).unwrap() {
            back.push(f.clone());
        }
        (originals, back, read_fps)
    }

    #[test]
    fn frames_read_back_within_two_levels() {
        for fps in [30.0, 29.97, 24.0, 12.5] {
            let (orig, back, read_fps) = round_trip(fps);
            assert!((read_fps - fps).abs() < 1e-3, "{fps} -> {read_fps}");
            assert_eq!(back.len(), orig.len());
            for (a, b) in orig.iter().zip(&back) {
                assert_eq!((b.width, b.height), (a.width, a.height));
                let worst = a.rgb.iter().zip(&b.rgb).map(|(x, y)| x.abs_diff(*y)).max();
                assert!(worst.unwrap_or(0) <= 2, "off by {worst:?}");
            }
        }
    }

    #[test]
    fn every_colour_comes_back_within_one_level() {
        for r in (0..=255u8).step_by(3) {
            for g in (0..=255u8).step_by(5) {
                for b in 0..=255u8 {
                    let c = rgb_to_ycbcr([r, g, b]);
                    let back = ycbcr_to_rgb(c[0], c[1], c[2]);
                    assert!(
                        (0..3).all(|k| back[k].abs_diff([r, g, b][k]) <= 1),
                        "{r} {g} {b} -> {c:?} -> {back:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn frame_rates_as_rationals() {
        assert_eq!(fps_rational(30.0).unwrap(), (30, 1));
        assert_eq!(fps_rational(24.0).unwrap(), (24, 1));
        assert_eq!(fps_rational(29.97).unwrap(), (30000, 1001));
        assert_eq!(fps_rational(30000.0 / 1001.0).unwrap(), (30000, 1001));
        assert_eq!(fps_rational(23.976).unwrap(), (24000, 1001));
        assert_eq!(fps_rational(59.94).unwrap(), (60000, 1001));
        assert_eq!(fps_rational(12.5).unwrap(), (25, 2));
        assert_eq!(fps_rational(0.5).unwrap(), (1, 2));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 5000.0] {
            assert!(fps_rational(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn header_and_wrong_sizes() {
        let mut wr = Y4mWriter::new(Vec::new(), 4, 2, 29.97).unwrap();
        let err = wr.write(&image(5, 2, 0)).unwrap_err().to_string();
        assert!(err.contains("5x2") && err.contains("4x2"), "{err}");
        let mut short = image(4, 2, 0);
        short.rgb.pop();
        assert!(wr.write(&short).is_err());
        wr.write(&image(4, 2, 0)).unwrap();
        let bytes = wr.finish().unwrap();
        let header = b"YUV4MPEG2 W4 H2 F30000:1001 Ip A1:1 C444\nFRAME\n";
        assert!(bytes.starts_with(header));
        assert_eq!(bytes.len(), header.len() + 4 * 2 * 3);
        assert!(Y4mWriter::new(Vec::new(), 0, 2, 30.0).is_err());
        assert!(Y4mWriter::new(Vec::new(), 2, 2, 0.0).is_err());
    }
}
