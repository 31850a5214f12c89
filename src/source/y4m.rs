//! Native YUV4MPEG2 reader (files and pipes), no ffmpeg needed.
//!
//! Written here rather than taken from the `y4m` crate so that every size is
//! checked before it is multiplied or allocated: a hostile header must give an
//! error, never an overflow or a huge allocation.

use super::{check_size, FrameSource, SourceInfo};
use crate::frame::{ycbcr_to_rgb, Frame};
use anyhow::{anyhow, bail, Context, Result};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

const MAGIC: &[u8] = b"YUV4MPEG2";
/// Longest header or frame line we accept.
const MAX_LINE: usize = 4096;
/// Frame rates the reader accepts (frames per second): from one frame every
/// 1000 s (the finest rate [`super::y4m_write`] can state) to 1000. Outside
/// this, frame times would be 0, infinite or meaningless.
pub const MIN_FPS: f64 = 0.001;
pub const MAX_FPS: f64 = 1000.0;
/// Most bytes set aside for a frame before its data has arrived: a header may
/// declare a large size, but memory grows only with the bytes really read,
/// so a short or hostile stream never costs the declared frame size.
const PREALLOC_MAX: usize = 8 << 20;

/// Chroma layouts this reader converts (8-bit only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chroma {
    C420,
    C422,
    C444,
    Mono,
}

impl Chroma {
    fn parse(tag: &str) -> Result<Chroma> {
        Ok(match tag {
            "420" | "420jpeg" | "420paldv" | "420mpeg2" => Chroma::C420,
            "422" => Chroma::C422,
            "444" => Chroma::C444,
            "mono" => Chroma::Mono,
            other => bail!(
                "Y4M colour space C{other} is not supported (8-bit 420/422/444/mono are); \
                 convert with `ffmpeg -i IN -pix_fmt yuv420p -f yuv4mpegpipe OUT.y4m`"
            ),
        })
    }

    /// (chroma width, chroma height) for a frame size.
    fn plane(self, w: usize, h: usize) -> (usize, usize) {
        match self {
            Chroma::C420 => (w.div_ceil(2), h.div_ceil(2)),
            Chroma::C422 => (w.div_ceil(2), h),
            Chroma::C444 => (w, h),
            Chroma::Mono => (0, 0),
        }
    }
}

/// Parsed stream header.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub chroma: Chroma,
}

/// Parses the text of a stream header line (without the trailing newline).
pub fn parse_header(line: &[u8]) -> Result<Header> {
    let text = std::str::from_utf8(line).map_err(|_| anyhow!("Y4M header is not text"))?;
    let mut fields = text.split(' ');
    if fields.next() != Some("YUV4MPEG2") {
        bail!("not a Y4M stream (no YUV4MPEG2 signature)");
    }
    let (mut w, mut h, mut fps, mut chroma) = (None, None, 30.0, Chroma::C420);
    for f in fields.filter(|f| !f.is_empty()) {
        // The tag is the first character, which need not be one byte long.
        let tag_len = f.chars().next().map_or(0, char::len_utf8);
        let (tag, val) = f.split_at(tag_len);
        match tag {
            "W" => w = Some(val.parse::<u32>().context("Y4M width is not a number")?),
            "H" => h = Some(val.parse::<u32>().context("Y4M height is not a number")?),
            "F" => {
                let (n, d) = val
                    .split_once(':')
                    .ok_or_else(|| anyhow!("Y4M frame rate {val} is not N:D"))?;
                let n: f64 = n.parse().context("Y4M frame rate")?;
                let d: f64 = d.parse().context("Y4M frame rate")?;
                let rate = n / d;
                if !(rate.is_finite() && (MIN_FPS..=MAX_FPS).contains(&rate)) {
                    bail!(
                        "Y4M frame rate {val} is not a usable rate \
                         (from {MIN_FPS} to {MAX_FPS} frames per second)"
                    );
                }
                fps = rate;
            }
            "C" => chroma = Chroma::parse(val)?,
            // Interlacing, aspect, comments and extensions do not change decoding.
            _ => {}
        }
    }
    let width = w.ok_or_else(|| anyhow!("Y4M header has no width (W)"))?;
    let height = h.ok_or_else(|| anyhow!("Y4M header has no height (H)"))?;
    check_size(width, height, "the Y4M stream")?;
    Ok(Header {
        width,
        height,
        fps,
        chroma,
    })
}

/// Reads a Y4M stream from any reader.
pub struct Y4mSource {
    reader: Box<dyn BufRead + Send>,
    header: Header,
    info: SourceInfo,
    planes: Vec<u8>,
    line: Vec<u8>,
    next_index: u64,
}

/// True when the file starts with the Y4M signature.
pub fn looks_like_y4m(path: &Path) -> bool {
    let mut buf = [0u8; 9];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut buf))
        .map(|_| buf == MAGIC)
        .unwrap_or(false)
}

impl Y4mSource {
    pub fn open(path: &Path) -> Result<Y4mSource> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let len = file.metadata().map(|m| m.len()).ok();
        let mut src = Y4mSource::new(
            Box::new(BufReader::with_capacity(1 << 20, file)),
            &path.display().to_string(),
        )
        .with_context(|| format!("{} is not a readable Y4M file", path.display()))?;
        // Frame count from the file size when every frame has an empty FRAME line.
        if let Some(len) = len {
            src.info.frames = src.estimate_frames(len);
        }
        Ok(src)
    }

    pub fn new(mut reader: Box<dyn BufRead + Send>, name: &str) -> Result<Y4mSource> {
        let mut line = Vec::new();
        read_line(&mut reader, &mut line)?;
        if line.is_empty() {
            bail!("the stream is empty");
        }
        let header = parse_header(&line)?;
        let info = SourceInfo {
            name: name.to_string(),
            width: header.width,
            height: header.height,
            fps: Some(header.fps),
            frames: None,
        };
        Ok(Y4mSource {
            reader,
            header,
            info,
            planes: Vec::new(),
            line,
            next_index: 0,
        })
    }

    /// Sets the frame count when another tool knows it.
    pub fn set_frames(&mut self, frames: Option<u64>) {
        self.info.frames = frames;
    }

    fn frame_bytes(&self) -> usize {
        let (w, h) = (self.header.width as usize, self.header.height as usize);
        let (cw, ch) = self.header.chroma.plane(w, h);
        w * h + 2 * cw * ch
    }

    fn estimate_frames(&self, file_len: u64) -> Option<u64> {
        let header_len = self.line.len() as u64 + 1;
        let per = self.frame_bytes() as u64 + 6;
        file_len.checked_sub(header_len).map(|b| b / per)
    }
}

/// Reads one '\n'-terminated line (without it); refuses absurdly long lines.
fn read_line(reader: &mut dyn BufRead, line: &mut Vec<u8>) -> Result<()> {
    line.clear();
    let n = (&mut *reader)
        .take(MAX_LINE as u64)
        .read_until(b'\n', line)?;
    if n > 0 && line.last() != Some(&b'\n') {
        if n >= MAX_LINE {
            bail!("Y4M header line longer than {MAX_LINE} bytes");
        }
        bail!("Y4M stream ends inside a header line");
    }
    line.pop();
    Ok(())
}

impl FrameSource for Y4mSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
        read_line(&mut self.reader, &mut self.line)?;
        if self.line.is_empty() {
            // Clean end of stream (or a blank trailing line).
            return Ok(false);
        }
        if !self.line.starts_with(b"FRAME") {
            bail!("Y4M frame {} does not start with FRAME", self.next_index);
        }
        let n = self.frame_bytes();
        // Grows with the data actually read (see PREALLOC_MAX); after the
        // first frame the buffer already has its full size.
        self.planes.clear();
        self.planes.reserve(n.min(PREALLOC_MAX));
        let got = (&mut self.reader)
            .take(n as u64)
            .read_to_end(&mut self.planes)
            .context("reading a Y4M frame")?;
        if got < n {
            bail!("Y4M stream is truncated inside frame {}", self.next_index);
        }
        let (w, h) = (self.header.width, self.header.height);
        frame.reshape(w, h);
        planes_to_rgb(
            &self.planes,
            w as usize,
            h as usize,
            self.header.chroma,
            &mut frame.rgb,
        );
        frame.index = self.next_index;
        frame.time_s = self.next_index as f64 / self.header.fps;
        self.next_index += 1;
        Ok(true)
    }
}

/// Converts planar 8-bit YCbCr (as stored in Y4M) to packed RGB.
pub fn planes_to_rgb(planes: &[u8], w: usize, h: usize, chroma: Chroma, rgb: &mut [u8]) {
    let (cw, ch) = chroma.plane(w, h);
    let (y_plane, rest) = planes.split_at(w * h);
    let (u_plane, v_plane) = rest.split_at(cw * ch);
    for row in 0..h {
        let crow = match chroma {
            Chroma::C420 => row / 2,
            _ => row,
        };
        for col in 0..w {
            let y = y_plane[row * w + col];
            let px = match chroma {
                Chroma::Mono => ycbcr_to_rgb(y, 128, 128),
                _ => {
                    let ccol = if chroma == Chroma::C444 { col } else { col / 2 };
                    let ci = crow * cw + ccol;
                    ycbcr_to_rgb(y, u_plane[ci], v_plane[ci])
                }
            };
            let o = (row * w + col) * 3;
            rgb[o..o + 3].copy_from_slice(&px);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a Y4M stream of `frames` 4:2:0 frames whose luma is `level(i)`.
    pub fn y4m_bytes(w: usize, h: usize, frames: usize, level: impl Fn(usize) -> u8) -> Vec<u8> {
        let mut out = format!("YUV4MPEG2 W{w} H{h} F15:1 Ip A1:1 C420jpeg\n").into_bytes();
        for i in 0..frames {
            out.extend_from_slice(b"FRAME\n");
            out.extend(std::iter::repeat_n(level(i), w * h));
            out.extend(std::iter::repeat_n(
                128u8,
                2 * w.div_ceil(2) * h.div_ceil(2),
            ));
        }
        out
    }

    fn read_all(bytes: Vec<u8>) -> Result<Vec<Frame>> {
        let mut src = Y4mSource::new(Box::new(std::io::Cursor::new(bytes)), "test")?;
        let mut out = Vec::new();
        let mut f = Frame::default();
        while src.read_into(&mut f)? {
            out.push(f.clone());
        }
        Ok(out)
    }

    #[test]
    fn decodes_frames_with_index_and_time() {
        let frames = read_all(y4m_bytes(5, 3, 3, |i| 16 + 100 * i as u8)).unwrap();
        assert_eq!(frames.len(), 3);
        assert_eq!((frames[2].width, frames[2].height), (5, 3));
        assert_eq!(frames[2].index, 2);
        assert!((frames[2].time_s - 2.0 / 15.0).abs() < 1e-9);
        assert_eq!(frames[0].rgb[0..3], [0, 0, 0]);
        assert!(frames[2].rgb.iter().all(|&v| v > 200));
    }

    #[test]
    fn truncated_stream_is_an_error() {
        let mut bytes = y4m_bytes(8, 8, 2, |_| 100);
        bytes.truncate(bytes.len() - 10);
        let err = read_all(bytes).unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
    }

    #[test]
    fn bad_headers_are_errors() {
        for h in [
            &b""[..],
            b"YUV4MPEG2 W10\n",
            b"YUV4MPEG2 W0 H10\n",
            b"YUV4MPEG2 W99999999999 H99999999999\n",
            b"YUV4MPEG2 W100000 H100000\n",
            b"YUV4MPEG2 W10 H10 F30:0\n",
            b"YUV4MPEG2 W10 H10 C420p10\n",
            b"RIFF....\n",
            b"YUV4MPEG2 W10 H10",
        ] {
            assert!(
                Y4mSource::new(Box::new(std::io::Cursor::new(h.to_vec())), "t").is_err(),
                "{h:?}"
            );
        }
    }

    /// Found by tests/fuzz.rs: a field starting with a multi-byte character
    /// (`YUV4MPEG2 W2 H2 é`) made `split_at(1)` panic inside the character.
    #[test]
    fn fields_starting_with_any_character_do_not_panic() {
        for line in [
            "YUV4MPEG2 W2 H2 é",
            "YUV4MPEG2 W2 H2 Xé",
            "YUV4MPEG2 é W2 H2",
            "YUV4MPEG2 W2 H2 😀1",
        ] {
            let h = parse_header(line.as_bytes()).unwrap();
            assert_eq!((h.width, h.height), (2, 2), "{line}");
        }
        assert!(parse_header("YUV4MPEG2 Wé H2".as_bytes()).is_err());
    }

    /// Found by tests/fuzz.rs: `F1:1e400` parsed as 1/inf = 0 frames per
    /// second and every frame time became NaN or infinite (`null` in JSON).
    #[test]
    fn frame_rates_outside_the_usable_range_are_errors() {
        for f in [
            "F1:1e400",
            "F0:1",
            "F1:100000",
            "F-30:1",
            "F1e400:1e400",
            "FNaN:1",
            "F1001:1",
            "Finf:1",
        ] {
            let line = format!("YUV4MPEG2 W2 H2 {f}");
            let err = parse_header(line.as_bytes()).unwrap_err().to_string();
            assert!(err.contains("frame rate"), "{f}: {err}");
        }
        for (f, fps) in [
            ("F1:1000", 0.001),
            ("F1000:1", 1000.0),
            ("F30000:1001", 30000.0 / 1001.0),
            ("F-30:-1", 30.0),
        ] {
            let line = format!("YUV4MPEG2 W2 H2 {f}");
            assert_eq!(parse_header(line.as_bytes()).unwrap().fps, fps, "{f}");
        }
    }

    /// Found by tests/fuzz.rs: a header declaring the largest size (16384 x
    /// 16384, 400 MB a frame) followed by a few bytes allocated the whole
    /// frame before reading; memory now follows the bytes really there.
    #[test]
    fn a_large_declared_size_costs_only_the_bytes_read() {
        let mut bytes = b"YUV4MPEG2 W16384 H16384 F30:1 C444\nFRAME\n".to_vec();
        bytes.extend(std::iter::repeat_n(7u8, 1000));
        let mut src = Y4mSource::new(Box::new(std::io::Cursor::new(bytes)), "t").unwrap();
        let mut f = Frame::default();
        let err = src.read_into(&mut f).unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
        assert!(
            src.planes.capacity() <= PREALLOC_MAX,
            "{}",
            src.planes.capacity()
        );
        assert!(f.rgb.is_empty());
    }

    #[test]
    fn odd_sizes_and_other_layouts() {
        for (c, chroma_len) in [("C444", 2 * 15), ("C422", 2 * 3 * 3), ("Cmono", 0)] {
            let mut bytes = format!("YUV4MPEG2 W5 H3 F30:1 {c}\nFRAME\n").into_bytes();
            bytes.extend(std::iter::repeat_n(235u8, 15 + chroma_len));
            let frames = read_all(bytes).unwrap();
            assert_eq!(frames.len(), 1, "{c}");
        }
    }
}
