//! A camera's MJPEG frames, and what to do when some arrive corrupt.
//!
//! USB webcams send each frame as a JPEG. On a busy USB bus or a failing
//! cable some arrive cut short or garbled. One bad frame is not worth ending
//! a session for: it is skipped. A camera that sends nothing but bad frames
//! for a second is broken, and the session ends with advice.
//! Kept apart from the camera itself so it runs (and is tested) without one.

use crate::frame::Frame;
use anyhow::{anyhow, Result};

/// Corrupt frames in a row after which the camera counts as failed:
/// one second at 30 fps.
pub const MAX_CORRUPT_IN_A_ROW: u32 = 30;

/// Decodes one MJPEG frame into `frame` (its size becomes the JPEG's).
pub fn decode_into(jpeg: &[u8], frame: &mut Frame) -> Result<()> {
    let img = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg)
        .map_err(|e| anyhow!("the camera sent a corrupt MJPEG frame: {e}"))?;
    super::check_size(img.width(), img.height(), "the camera")?;
    let img = img.into_rgb8();
    frame.width = img.width();
    frame.height = img.height();
    frame.rgb = img.into_raw();
    Ok(())
}

/// Counts corrupt frames and decides when there are too many.
#[derive(Clone, Debug, Default)]
pub struct CorruptFrames {
    in_a_row: u32,
    /// Corrupt frames skipped over the whole stream.
    pub total: u64,
}

impl CorruptFrames {
    /// A frame decoded: the run of bad ones is over.
    pub fn good(&mut self) {
        self.in_a_row = 0;
    }

    /// A frame failed to decode with `error`: `Ok` to skip it and read the
    /// next, or the error to stop with once there have been too many in a row.
    pub fn bad(&mut self, error: anyhow::Error) -> Result<()> {
        self.in_a_row += 1;
        self.total += 1;
        if self.in_a_row >= MAX_CORRUPT_IN_A_ROW {
            return Err(error.context(format!(
                "the camera sent {} corrupt frames in a row: reconnect it (another USB port, \
                 no hub), or close other apps using it, then try again",
                self.in_a_row
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 128]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Jpeg)
            .expect("encode a test JPEG");
        out.into_inner()
    }

    #[test]
    fn good_frames_decode_at_their_size() {
        let mut f = Frame::default();
        decode_into(&jpeg(64, 48), &mut f).expect("a good frame decodes");
        assert_eq!((f.width, f.height, f.rgb.len()), (64, 48, 64 * 48 * 3));
    }

    /// Frames cut short, garbled or empty are errors, never panics, and
    /// leave the previous picture's buffer whole.
    #[test]
    fn corrupt_frames_are_errors() {
        let good = jpeg(64, 48);
        let mut garbled = good.clone();
        for b in garbled.iter_mut().skip(200).step_by(7) {
            *b ^= 0x5a;
        }
        let mut no_header = good.clone();
        no_header[0] = 0;
        let cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", vec![]),
            ("header only", good[..20].to_vec()),
            ("no start marker", no_header),
            (
                "random bytes",
                (0..5000u32)
                    .map(|i| ((i * 2654435761u32) >> 24) as u8)
                    .collect(),
            ),
        ];
        for (what, bytes) in cases {
            let mut f = Frame::default();
            decode_into(&good, &mut f).expect("good frame");
            assert!(decode_into(&bytes, &mut f).is_err(), "{what} decoded");
            assert_eq!(f.rgb.len(), 64 * 48 * 3, "{what} damaged the buffer");
        }
        // A garbled body may decode to a damaged picture, but never panics.
        let mut f = Frame::default();
        let _ = decode_into(&garbled, &mut f);
        let _ = decode_into(&good[..good.len() / 2], &mut f);
    }

    #[test]
    fn a_few_bad_frames_are_skipped_a_run_of_them_fails() {
        let good = jpeg(32, 24);
        let mut c = CorruptFrames::default();
        let mut f = Frame::default();
        // A stream where every 5th frame is corrupt goes on for ever.
        for i in 0..300 {
            let bytes = if i % 5 == 0 { &good[..10] } else { &good[..] };
            match decode_into(bytes, &mut f) {
                Ok(()) => c.good(),
                Err(e) => c.bad(e).expect("isolated bad frames are skipped"),
            }
        }
        assert_eq!(c.total, 60);
        // A camera that sends only garbage fails after MAX_CORRUPT_IN_A_ROW.
        let mut c = CorruptFrames::default();
        let mut failed_at = None;
        for i in 1..=100 {
            if let Err(e) = decode_into(&[0xff, 0xd8, 0x00], &mut f) {
                if let Err(stop) = c.bad(e) {
                    assert!(format!("{stop:#}").contains("corrupt frames in a row"));
                    failed_at = Some(i);
                    break;
                }
            }
        }
        assert_eq!(failed_at, Some(MAX_CORRUPT_IN_A_ROW));
    }
}
