//! The one image type that flows through the pipeline.

/// An 8-bit RGB frame with its position in the stream.
///
/// `index` is the 0-based position among decoded frames and `time_s` the
/// presentation time in seconds (from the source's frame rate, or the capture
/// clock for a camera). Every later stage takes time from here, never from a
/// wall clock, so live and recorded input behave identically.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    pub index: u64,
    pub time_s: f64,
    pub width: u32,
    pub height: u32,
    /// Row-major RGB, `width * height * 3` bytes.
    pub rgb: Vec<u8>,
}

impl Frame {
    /// Makes a frame from raw RGB bytes; `None` when the buffer does not match
    /// the size.
    pub fn from_rgb(width: u32, height: u32, rgb: Vec<u8>) -> Option<Frame> {
        let need = (width as usize)
            .checked_mul(height as usize)?
            .checked_mul(3)?;
        (need == rgb.len() && width > 0 && height > 0).then_some(Frame {
            index: 0,
            time_s: 0.0,
            width,
            height,
            rgb,
        })
    }

    /// Resizes the pixel buffer for a new size, reusing its allocation.
    pub fn reshape(&mut self, width: u32, height: u32) {
        self.width = width;
        self.height = height;
        self.rgb.resize(width as usize * height as usize * 3, 0);
    }

    /// The pixel at (x, y), clamped to the frame.
    #[inline]
    pub fn pixel(&self, x: i64, y: i64) -> [u8; 3] {
        let x = x.clamp(0, self.width as i64 - 1) as usize;
        let y = y.clamp(0, self.height as i64 - 1) as usize;
        let i = (y * self.width as usize + x) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// BT.601 luma of the pixel at (x, y), 0-255.
    #[inline]
    pub fn luma(&self, x: i64, y: i64) -> f32 {
        let [r, g, b] = self.pixel(x, y);
        0.299 * r as f32 + 0.587 * g as f32 + 0.114 * b as f32
    }
}

/// Converts one BT.601 limited-range YCbCr sample to RGB (what ffmpeg and most
/// cameras produce for yuv420p/YUYV).
#[inline]
pub fn ycbcr_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let c = (y as i32 - 16) * 298;
    let d = cb as i32 - 128;
    let e = cr as i32 - 128;
    let clamp = |v: i32| ((v + 128) >> 8).clamp(0, 255) as u8;
    [
        clamp(c + 409 * e),
        clamp(c - 100 * d - 208 * e),
        clamp(c + 516 * d),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_rgb_checks_size() {
        assert!(Frame::from_rgb(2, 2, vec![0; 12]).is_some());
        assert!(Frame::from_rgb(2, 2, vec![0; 11]).is_none());
        assert!(Frame::from_rgb(0, 2, vec![]).is_none());
    }

    #[test]
    fn ycbcr_reference_colours() {
        // Limited-range black, white and pure red as ffmpeg encodes them.
        assert_eq!(ycbcr_to_rgb(16, 128, 128), [0, 0, 0]);
        assert_eq!(ycbcr_to_rgb(235, 128, 128), [255, 255, 255]);
        let [r, g, b] = ycbcr_to_rgb(81, 90, 240);
        assert!(r >= 250 && g <= 3 && b <= 3, "{r} {g} {b}");
    }
}
