//! Fuzzing with proptest: every reader of outside input (Y4M files and pipes,
//! the ffmpeg output pipe, images, JSON reports, command-line values, the
//! binary's arguments) returns `Ok` or a clean `Err`, never panics, never
//! allocates what a header merely declares.
//!
//! `cargo test` runs a small budget (64 cases per property) and replays the
//! failures recorded in `tests/fuzz.proptest-regressions` (the corpus, kept
//! in the repository); `scripts/fuzz.sh` runs a larger one (`PROPTEST_CASES`).

mod common;

use lc_eval::alter::Alteration;
use liveness_coach::frame::Frame;
use liveness_coach::i18n::Lang;
use liveness_coach::report::json::AnalysisDoc;
use liveness_coach::report::session::SessionDoc;
use liveness_coach::session::plan::parse_challenges;
use liveness_coach::source::y4m::{parse_header, Y4mSource, MAX_FPS, MIN_FPS};
use liveness_coach::source::{open_path, FrameSource, MAX_SIDE};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::Value;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{BufReader, Cursor, Read};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Budget

/// Cases per property: `PROPTEST_CASES` when set (scripts/fuzz.sh), else
/// `default` (the quick run of `cargo test`).
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(64),
        // Failures are kept in tests/fuzz.proptest-regressions (proptest's
        // default place) and replayed first on every run.
        ..ProptestConfig::default()
    }
}

/// Each case of the binary property starts a process: a twentieth of the
/// budget, at least 64.
fn binary_config() -> ProptestConfig {
    ProptestConfig {
        cases: (cases(64) / 20).max(64),
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------
// Largest single allocation of the current thread, to check that a header
// declaring a huge frame does not make the reader allocate it.

struct Tracking;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|l| {
        if size > l.get() {
            l.set(size)
        }
    });
}

unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Tracking = Tracking;

/// Runs `f` and returns its result with the largest allocation it made.
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|l| l.set(0));
    let out = f();
    (out, LARGEST.with(|l| l.get()))
}

/// What reading a stream may allocate at most at once: a few times the
/// bytes there are, plus fixed buffers (8 MB of frame reserve, 1 MB reader
/// buffers).
fn allocation_bound(input_len: usize) -> usize {
    16 * input_len + (16 << 20)
}

// ---------------------------------------------------------------------------
// Y4M streams

const MAX_READS: usize = 64;

/// What reading a whole source gave: frames (size, first bytes) and how it ended.
#[derive(Debug, PartialEq)]
struct Outcome {
    frames: Vec<(u32, u32, u64, usize, u64)>,
    end: Result<(), String>,
}

/// Reads up to MAX_READS frames, checking each frame's shape.
fn drain(src: &mut dyn FrameSource) -> Result<Outcome, TestCaseError> {
    let info = src.info().clone();
    prop_assert!(info.width >= 1 && info.width <= MAX_SIDE, "{info:?}");
    prop_assert!(info.height >= 1 && info.height <= MAX_SIDE, "{info:?}");
    if let Some(fps) = info.fps {
        prop_assert!(fps.is_finite() && fps > 0.0, "{info:?}");
    }
    let mut frame = Frame::default();
    let mut frames = Vec::new();
    for _ in 0..MAX_READS {
        match src.read_into(&mut frame) {
            Ok(true) => {
                let (w, h) = (frame.width, frame.height);
                prop_assert!(w >= 1 && h >= 1 && w <= MAX_SIDE && h <= MAX_SIDE);
                prop_assert_eq!(frame.rgb.len(), w as usize * h as usize * 3);
                prop_assert!(frame.time_s.is_finite() && frame.time_s >= 0.0);
                let sum: u64 = frame.rgb.iter().map(|&b| b as u64).sum();
                frames.push((w, h, frame.index, frame.rgb.len(), sum));
            }
            Ok(false) => {
                return Ok(Outcome {
                    frames,
                    end: Ok(()),
                })
            }
            Err(e) => {
                let msg = format!("{e:#}");
                prop_assert!(!msg.is_empty());
                return Ok(Outcome {
                    frames,
                    end: Err(msg),
                });
            }
        }
    }
    Ok(Outcome {
        frames,
        end: Ok(()),
    })
}

/// Opens and drains a Y4M stream held in memory.
fn read_y4m(reader: Box<dyn std::io::BufRead + Send>) -> Result<Outcome, TestCaseError> {
    match Y4mSource::new(reader, "fuzz") {
        Ok(mut src) => drain(&mut src),
        Err(e) => Ok(Outcome {
            frames: Vec::new(),
            end: Err(format!("{e:#}")),
        }),
    }
}

/// A valid stream: header fields and frames of a given layout.
fn valid_y4m(w: usize, h: usize, chroma: &str, frames: usize, seed: u8) -> Vec<u8> {
    let (cw, ch) = match chroma {
        "444" => (w, h),
        "422" => (w.div_ceil(2), h),
        "mono" => (0, 0),
        _ => (w.div_ceil(2), h.div_ceil(2)),
    };
    let mut out =
        format!("YUV4MPEG2 W{w} H{h} F30000:1001 It A1:1 C{chroma} XYSCSS=420JPEG\n").into_bytes();
    for i in 0..frames {
        out.extend_from_slice(if i % 2 == 0 {
            b"FRAME\n"
        } else {
            b"FRAME Ixyz\n"
        });
        let n = w * h + 2 * cw * ch;
        out.extend((0..n).map(|k| (k as u8).wrapping_mul(31).wrapping_add(seed)));
    }
    out
}

fn valid_y4m_strategy() -> impl Strategy<Value = Vec<u8>> {
    (
        1usize..24,
        1usize..24,
        prop::sample::select(vec!["420jpeg", "420", "420paldv", "422", "444", "mono"]),
        0usize..4,
        any::<u8>(),
    )
        .prop_map(|(w, h, c, n, seed)| valid_y4m(w, h, c, n, seed))
}

/// One change to a byte string.
#[derive(Clone, Debug)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Truncate(usize),
    /// Overwrites with text that means something to a parser.
    Splice(usize, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Delete(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (
            any::<usize>(),
            prop::sample::select(vec![
                " ",
                "\n",
                "\0",
                "W",
                "H",
                "F",
                "C",
                ":",
                "-",
                "0",
                "9",
                "é",
                "16384",
                "4294967295",
                "99999999999999999999",
                "1e400",
                "NaN",
                "inf",
                "FRAME\n",
                "YUV4MPEG2 ",
                "\u{feff}",
                "\r\n",
                "{",
                "}",
                "[",
                "]",
                "\"",
                ",",
                "null",
                "true",
                "-1",
                "1e308",
                "0.0",
            ])
        )
            .prop_map(|(i, s)| Mutation::Splice(i, s)),
    ]
}

fn mutate(mut bytes: Vec<u8>, muts: &[Mutation]) -> Vec<u8> {
    for m in muts {
        let len = bytes.len();
        let at = |i: usize| if len == 0 { 0 } else { i % (len + 1) };
        match m {
            Mutation::Set(i, b) => {
                if len > 0 {
                    bytes[i % len] = *b;
                }
            }
            Mutation::Insert(i, v) => {
                let i = at(*i);
                bytes.splice(i..i, v.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let i = at(*i);
                let end = (i + n).min(len);
                bytes.drain(i..end);
            }
            Mutation::Truncate(i) => bytes.truncate(at(*i)),
            Mutation::Splice(i, s) => {
                let i = at(*i);
                let end = (i + s.len()).min(len);
                bytes.splice(i..end, s.bytes());
            }
        }
    }
    bytes
}

/// Header lines: mostly well-formed tokens with hostile values.
fn header_line() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        "[WH][0-9]{0,12}",
        "[WH]-?[0-9]{1,3}",
        "[WH]\\+?[0-9]{1,6}",
        "F-?[0-9]{0,20}:-?[0-9]{0,20}",
        "F[0-9.eE+-]{0,8}:[0-9.eE+-]{0,8}",
        prop::sample::select(vec![
            "F1:1e400",
            "F1e400:1",
            "FNaN:1",
            "Finf:1",
            "F0:0",
            "F30:0",
            "F0:1",
            "F1:1000",
            "F1:1001",
            "F1000:1",
            "F1001:1",
            "F30",
            "F:",
            "F1e-300:1",
            "C420p10",
            "Cmono16",
            "C444alpha",
            "C",
            "W",
            "H",
            "Ip",
            "A0:0",
            "XCOLORRANGE=FULL",
        ])
        .prop_map(String::from),
        "C(420|422|444|mono|420jpeg|420mpeg2|[a-z0-9]{0,6})",
        "[IAX][ -~]{0,10}",
        "\\PC{0,6}",
    ];
    (
        prop_oneof![
            3 => Just("YUV4MPEG2".to_string()),
            1 => "[ -~]{0,10}",
        ],
        prop::collection::vec(
            (token, prop::sample::select(vec![" ", "  ", "\t", ""])),
            0..8,
        ),
    )
        .prop_map(|(magic, tokens)| {
            let mut s = magic;
            for (t, sep) in tokens {
                s.push_str(if sep.is_empty() { " " } else { sep });
                s.push_str(&t);
            }
            s.into_bytes()
        })
}

/// A reader handing out its data in small pieces of varying size, now and
/// then interrupted, as a pipe from a busy ffmpeg does.
struct Chunky {
    data: Vec<u8>,
    pos: usize,
    sizes: Vec<usize>,
    calls: usize,
    interrupt_every: usize,
}

impl Read for Chunky {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.calls += 1;
        if self.interrupt_every > 0 && self.calls.is_multiple_of(self.interrupt_every) {
            return Err(std::io::ErrorKind::Interrupted.into());
        }
        let want = self.sizes[self.calls % self.sizes.len()];
        let n = want.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn chunky(
    data: Vec<u8>,
    sizes: Vec<usize>,
    interrupt_every: usize,
    buf: usize,
) -> Box<dyn std::io::BufRead + Send> {
    Box::new(BufReader::with_capacity(
        buf,
        Chunky {
            data,
            pos: 0,
            sizes,
            calls: 0,
            interrupt_every,
        },
    ))
}

/// Streams of every kind: random bytes, a random header over random bytes,
/// mutated valid streams.
fn any_y4m_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..512),
        2 => (header_line(), prop::collection::vec(any::<u8>(), 0..2048)).prop_map(|(mut h, rest)| {
            h.push(b'\n');
            h.extend_from_slice(b"FRAME\n");
            h.extend(rest);
            h
        }),
        4 => (valid_y4m_strategy(), prop::collection::vec(mutation(), 0..6))
            .prop_map(|(v, m)| mutate(v, &m)),
    ]
}

proptest! {
    #![proptest_config(config())]

    /// Header lines parse or give an error; what parses is usable.
    #[test]
    fn y4m_header_lines(line in prop_oneof![header_line(), prop::collection::vec(any::<u8>(), 0..64)]) {
        if let Ok(h) = parse_header(&line) {
            prop_assert!((1..=MAX_SIDE).contains(&h.width), "{h:?}");
            prop_assert!((1..=MAX_SIDE).contains(&h.height), "{h:?}");
            prop_assert!(h.fps.is_finite() && (MIN_FPS..=MAX_FPS).contains(&h.fps), "{h:?}");
            // Every frame time of the longest stream stays a number.
            prop_assert!((u64::MAX as f64 / h.fps).is_finite());
        }
    }

    /// Sizes: the largest side is accepted, anything above is refused.
    #[test]
    fn y4m_declared_sizes(w in any::<u32>(), h in any::<u32>()) {
        let line = format!("YUV4MPEG2 W{w} H{h} F25:1");
        let ok = parse_header(line.as_bytes()).is_ok();
        prop_assert_eq!(ok, (1..=MAX_SIDE).contains(&w) && (1..=MAX_SIDE).contains(&h));
    }

    /// Any stream reads frame by frame to an end or an error, allocating
    /// only about what it holds.
    #[test]
    fn y4m_streams(bytes in any_y4m_bytes()) {
        let len = bytes.len();
        let (outcome, largest) = largest_allocation(|| read_y4m(Box::new(Cursor::new(bytes))));
        outcome?;
        prop_assert!(largest <= allocation_bound(len), "allocated {largest} for {len} bytes");
    }

    /// A header declaring a large frame followed by little data is refused
    /// (truncated) without allocating the declared frame.
    #[test]
    fn y4m_large_declared_sizes_are_not_allocated(
        w in 2048u32..=MAX_SIDE,
        h in 2048u32..=MAX_SIDE,
        chroma in prop::sample::select(vec!["420", "422", "444", "mono"]),
        data in 0usize..4096,
    ) {
        let mut bytes = format!("YUV4MPEG2 W{w} H{h} F30:1 C{chroma}\nFRAME\n").into_bytes();
        bytes.resize(bytes.len() + data, 100);
        let len = bytes.len();
        let (outcome, largest) = largest_allocation(|| read_y4m(Box::new(Cursor::new(bytes))));
        let outcome = outcome?;
        prop_assert!(outcome.frames.is_empty());
        prop_assert!(outcome.end.as_ref().is_err_and(|e| e.contains("truncated")), "{:?}", outcome.end);
        prop_assert!(largest <= allocation_bound(len), "allocated {largest} for a {w}x{h} header and {len} bytes");
    }

    /// The ffmpeg output pipe: the same bytes handed out in random small
    /// pieces (with interruptions) give exactly what one buffer gives.
    #[test]
    fn y4m_over_a_pipe_in_small_pieces(
        bytes in prop_oneof![valid_y4m_strategy(), any_y4m_bytes()],
        sizes in prop::collection::vec(1usize..64, 1..16),
        interrupt_every in prop_oneof![Just(0usize), 2usize..9],
        buf in 1usize..128,
    ) {
        let whole = read_y4m(Box::new(Cursor::new(bytes.clone())))?;
        let pieces = read_y4m(chunky(bytes, sizes, interrupt_every, buf))?;
        prop_assert_eq!(whole, pieces);
    }

    /// The same streams as `.y4m` files, through `open_path` (which also
    /// estimates the frame count from the file size): the same frames.
    #[test]
    fn y4m_files(bytes in any_y4m_bytes()) {
        let whole = read_y4m(Box::new(Cursor::new(bytes.clone())))?;
        let file = read_file(&bytes, "y4m")?;
        prop_assert_eq!(whole.frames, file.frames);
        prop_assert_eq!(whole.end.is_ok(), file.end.is_ok(), "{:?} / {:?}", whole.end, file.end);
    }

    /// A camera's packed YUYV frames of any length and size convert or are
    /// refused as short.
    #[cfg(feature = "camera")]
    #[test]
    fn camera_yuyv_frames(
        w in 1usize..48,
        h in 1usize..48,
        src in prop::collection::vec(any::<u8>(), 0..6000),
        rgb_short in 0usize..4,
    ) {
        let mut rgb = vec![0u8; (w * h * 3).saturating_sub(rgb_short)];
        let r = liveness_coach::source::camera::yuyv_to_rgb(&src, w, h, &mut rgb);
        prop_assert_eq!(r.is_ok(), src.len() >= w * h * 2 && rgb_short == 0);
    }

    /// Valid streams read completely, through a pipe too: nothing lost.
    #[test]
    fn y4m_valid_streams_read_completely(
        w in 1usize..24,
        h in 1usize..24,
        chroma in prop::sample::select(vec!["420jpeg", "422", "444", "mono"]),
        n in 0usize..5,
        sizes in prop::collection::vec(1usize..64, 1..8),
    ) {
        let bytes = valid_y4m(w, h, chroma, n, 3);
        let out = read_y4m(chunky(bytes, sizes, 5, 16))?;
        prop_assert_eq!(out.end, Ok(()));
        prop_assert_eq!(out.frames.len(), n);
        for (i, f) in out.frames.iter().enumerate() {
            prop_assert_eq!((f.0 as usize, f.1 as usize, f.2), (w, h, i as u64));
        }
    }
}

// ---------------------------------------------------------------------------
// Images

fn scratch_dir() -> PathBuf {
    let dir = common::tmp("fuzz-images");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A small image encoded in one of the formats the image path reads.
fn encoded_image(w: u32, h: u32, ext: &str, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x as u8).wrapping_mul(7) ^ seed,
            (y as u8).wrapping_mul(13),
            seed,
        ])
    });
    let format = image::ImageFormat::from_extension(ext).expect("known extension");
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, format)
        .expect("encodes");
    out.into_inner()
}

/// A PNG signature and header declaring `w` x `h` (8-bit RGB), then `rest`.
fn png_header(w: u32, h: u32, rest: &[u8]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    out.extend(crc32(&ihdr).to_be_bytes());
    out.extend(rest);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A BMP header declaring `w` x `h` (24-bit), then `rest`.
fn bmp_header(w: i32, h: i32, rest: &[u8]) -> Vec<u8> {
    let mut out = b"BM".to_vec();
    out.extend((54 + rest.len() as u32).to_le_bytes());
    out.extend([0u8; 4]);
    out.extend(54u32.to_le_bytes());
    out.extend(40u32.to_le_bytes());
    out.extend(w.to_le_bytes());
    out.extend(h.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(24u16.to_le_bytes());
    out.extend([0u8; 24]);
    out.extend(rest);
    out
}

/// The `image` crate's default limit on what one decode may allocate.
const IMAGE_ALLOC_LIMIT: usize = 512 << 20;

/// Decoders set aside the declared output (see
/// `image_large_declared_sizes_are_not_allocated`), never more than the limit.
fn image_allocation_bound(input_len: usize) -> usize {
    IMAGE_ALLOC_LIMIT + allocation_bound(input_len)
}

static IMAGE_CASE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Writes `bytes` as `case-N.ext`, opens it through `open_path` and reads it.
fn read_file(bytes: &[u8], ext: &str) -> Result<Outcome, TestCaseError> {
    let n = IMAGE_CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = scratch_dir().join(format!("case-{n}.{ext}"));
    std::fs::write(&path, bytes).expect("scratch file");
    let out = match open_path(path.to_str().expect("utf-8 path")) {
        Ok(mut src) => drain(src.as_mut()),
        Err(e) => Ok(Outcome {
            frames: Vec::new(),
            end: Err(format!("{e:#}")),
        }),
    };
    let _ = std::fs::remove_file(&path);
    out
}

fn image_ext() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["png", "jpg", "jpeg", "gif", "bmp", "PNG", "JPG"])
}

proptest! {
    #![proptest_config(config())]

    /// Arbitrary bytes and mutated valid images under every image extension.
    #[test]
    fn image_files(
        ext in image_ext(),
        source_ext in prop::sample::select(vec!["png", "jpg", "gif", "bmp"]),
        w in 1u32..40,
        h in 1u32..40,
        seed in any::<u8>(),
        random in prop::collection::vec(any::<u8>(), 0..1024),
        muts in prop::collection::vec(mutation(), 0..6),
        kind in 0u8..3,
    ) {
        let bytes = match kind {
            0 => random,
            // A valid image of one format, perhaps under another's extension.
            _ => mutate(encoded_image(w, h, source_ext, seed), &muts),
        };
        let len = bytes.len();
        let (out, largest) = largest_allocation(|| read_file(&bytes, ext));
        let out = out?;
        let same_format = image::ImageFormat::from_extension(ext)
            == image::ImageFormat::from_extension(source_ext);
        if kind != 0 && muts.is_empty() && same_format {
            // An untouched image reads.
            prop_assert_eq!(out.end, Ok(()));
            prop_assert_eq!(out.frames.len(), 1);
            prop_assert_eq!((out.frames[0].0, out.frames[0].1), (w, h));
        }
        prop_assert!(largest <= image_allocation_bound(len), "allocated {largest} for {len} bytes");
    }

    /// Headers declaring large images over a few bytes of data: an error.
    /// Unlike the Y4M reader, the `image` decoders reserve the declared
    /// output before reading pixels (a 54-byte BMP declaring 811 x 6897 sets
    /// aside 16.8 MB), up to the crate's 512 MiB limit; the memory is
    /// zero-mapped and never touched when decoding fails, so the process's
    /// resident size does not grow. Above the limit, or above MAX_SIDE, the
    /// image is refused before anything is reserved.
    #[test]
    fn image_large_declared_sizes_are_not_allocated(
        w in 1u32..=40_000,
        h in 1u32..=40_000,
        rest in prop::collection::vec(any::<u8>(), 0..256),
        png in any::<bool>(),
    ) {
        let (bytes, ext) = if png {
            (png_header(w, h, &rest), "png")
        } else {
            (bmp_header(w as i32, h as i32, &rest), "bmp")
        };
        let len = bytes.len();
        let (out, largest) = largest_allocation(|| read_file(&bytes, ext));
        let out = out?;
        if (w as u64) * (h as u64) > 4096 {
            prop_assert!(out.end.is_err(), "{w}x{h} from {len} bytes read as {:?}", out.frames);
        }
        prop_assert!(largest <= image_allocation_bound(len), "allocated {largest} for a {w}x{h} header in {len} bytes");
        let declared = w as usize * h as usize * 3;
        if declared > IMAGE_ALLOC_LIMIT || w > MAX_SIDE || h > MAX_SIDE {
            prop_assert!(largest <= allocation_bound(len), "allocated {largest} for a refused {w}x{h} header");
        }
    }
}

// ---------------------------------------------------------------------------
// JSON reports read back

/// Real documents as the binary writes them: an analysis of the photo and a
/// headless session over a clip of it.
fn sample_docs() -> &'static (Vec<u8>, Vec<u8>) {
    static DOCS: OnceLock<(Vec<u8>, Vec<u8>)> = OnceLock::new();
    DOCS.get_or_init(|| {
        let photo = common::fixture("astronaut.png");
        let analysis = common::run(&["analyze", photo.to_str().unwrap(), "--json", "-", "-q"]);
        assert!(
            analysis.status.success(),
            "{}",
            String::from_utf8_lossy(&analysis.stderr)
        );
        let img = image::open(&photo).unwrap().into_rgb8();
        let img = image::imageops::resize(&img, 160, 160, image::imageops::FilterType::Triangle);
        let clip = common::tmp("fuzz-sample.y4m");
        std::fs::write(&clip, common::y4m_of(&img, 40, 15)).unwrap();
        let session = common::run(&[
            "practice",
            "--source",
            clip.to_str().unwrap(),
            "--headless",
            "--no-intro",
            "--prompt-timeout",
            "1",
            "--seed",
            "1",
            "--report",
            "-",
        ]);
        assert!(
            session.status.success(),
            "{}",
            String::from_utf8_lossy(&session.stderr)
        );
        // The report is the JSON object at the end of stdout, after the summary.
        let text = String::from_utf8(session.stdout).unwrap();
        let start = text.find("{\n").expect("a JSON report on stdout");
        let session = text.as_bytes()[start..].to_vec();
        serde_json::from_slice::<AnalysisDoc>(&analysis.stdout).expect("analysis doc reads back");
        serde_json::from_slice::<SessionDoc>(&session).expect("session doc reads back");
        (analysis.stdout, session)
    })
}

/// A JSON value of any shape, with numbers JSON allows but Rust types may not hold.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop::sample::select(vec![
            0.0,
            -0.0,
            -1.0,
            1e308,
            -1e308,
            3.5e38,
            1e-320,
            4294967296.0
        ])
        .prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        prop::sample::select(vec![
            "blink",
            "nod",
            "turn_left",
            "no_face",
            "timeout",
            "",
            "liveness-coach.analysis.v1"
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{0,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(o) => o.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Replaces the `k`-th node (pre-order) with `new`, or deletes it from its
/// parent when `delete`.
fn replace_node(v: &mut Value, k: &mut usize, new: &Value, delete: bool) -> bool {
    match v {
        Value::Array(a) => {
            for i in 0..a.len() {
                if *k == 1 {
                    if delete {
                        a.remove(i);
                    } else {
                        a[i] = new.clone();
                    }
                    return true;
                }
                *k -= 1;
                if replace_node(&mut a[i], k, new, delete) {
                    return true;
                }
            }
        }
        Value::Object(o) => {
            let keys: Vec<String> = o.keys().cloned().collect();
            for key in keys {
                if *k == 1 {
                    if delete {
                        o.remove(&key);
                    } else {
                        o.insert(key, new.clone());
                    }
                    return true;
                }
                *k -= 1;
                if replace_node(o.get_mut(&key).unwrap(), k, new, delete) {
                    return true;
                }
            }
        }
        _ => {}
    }
    false
}

/// Structural edits of a document: nodes replaced or deleted.
fn mutate_json(doc: &[u8], edits: &[(usize, Value, bool)]) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(doc).expect("sample is JSON");
    for (pick, new, delete) in edits {
        let n = count_nodes(&v);
        if n > 1 {
            let mut k = 1 + pick % (n - 1);
            replace_node(&mut v, &mut k, new, *delete);
        }
    }
    serde_json::to_vec(&v).unwrap()
}

fn check_docs(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(doc) = serde_json::from_slice::<AnalysisDoc>(bytes) {
        // What reads back can be written again.
        prop_assert!(serde_json::to_vec(&doc).is_ok());
    }
    if let Ok(doc) = serde_json::from_slice::<SessionDoc>(bytes) {
        prop_assert!(serde_json::to_vec(&doc).is_ok());
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn json_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_docs(&bytes)?;
    }

    #[test]
    fn json_arbitrary_values(v in json_value()) {
        check_docs(&serde_json::to_vec(&v).unwrap())?;
    }

    /// Real reports, edited as JSON (a node replaced or removed) and as bytes.
    #[test]
    fn json_mutated_reports(
        session in any::<bool>(),
        edits in prop::collection::vec((any::<usize>(), json_value(), any::<bool>()), 1..4),
        muts in prop::collection::vec(mutation(), 0..4),
    ) {
        let (analysis, report) = sample_docs();
        let doc = if session { report } else { analysis };
        let edited = mutate_json(doc, &edits);
        check_docs(&edited)?;
        check_docs(&mutate(edited, &muts))?;
        check_docs(&mutate(doc.clone(), &muts))?;
    }

    /// Unedited reports read back and write out the same.
    #[test]
    fn json_reports_round_trip(session in any::<bool>()) {
        let (analysis, report) = sample_docs();
        if session {
            let doc: SessionDoc = serde_json::from_slice(report).unwrap();
            let again: SessionDoc = serde_json::from_slice(&serde_json::to_vec(&doc).unwrap()).unwrap();
            prop_assert_eq!(doc, again);
        } else {
            let doc: AnalysisDoc = serde_json::from_slice(analysis).unwrap();
            let text = serde_json::to_vec(&doc).unwrap();
            let again: Value = serde_json::from_slice(&text).unwrap();
            prop_assert_eq!(again, serde_json::from_slice::<Value>(analysis).unwrap());
        }
    }
}

// ---------------------------------------------------------------------------
// Command-line values

fn arg_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,24}",
        "[a-z_, -]{0,30}",
        prop::collection::vec(
            prop::sample::select(vec![
                "blink",
                "nod",
                "turn_left",
                "turn-right",
                "left",
                "right",
                "LEFT",
                "Blink",
                "",
                " ",
                ",",
                ",,",
                "wink",
                "turn_",
                "é",
                "\u{0130}",
                "\u{212A}",
            ]),
            0..6
        )
        .prop_map(|v| v.join(",")),
        prop::collection::vec(
            prop::sample::select(vec![
                "darken",
                "overexpose",
                "brighten_background",
                "darken_side",
                "mask",
                "hand",
                "sunglasses",
                "glare",
                "brim",
                "motion_blur",
                "noise",
                "",
                ":",
                "0",
                "1",
                "0.5",
                "-1",
                "1e39",
                "NaN",
                "inf",
                "-0",
                "1000",
                "1001",
                "4294967296",
                "255.0001",
                "\u{0130}",
                " ",
            ]),
            0..4
        )
        .prop_map(|v| v.join(":")),
        prop::sample::select(vec![
            "zh",
            "zh_CN.UTF-8",
            "en",
            "en_US",
            "C",
            "POSIX",
            "c",
            "posix",
            "",
            "ZH",
            "\u{0130}",
            "\u{212A}",
            "zh\u{0301}",
            "e",
            "fr_FR",
        ])
        .prop_map(String::from),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn challenge_lists(s in arg_text()) {
        if let Ok(list) = parse_challenges(&s) {
            prop_assert!(!list.is_empty());
        }
    }

    #[test]
    fn languages(s in arg_text()) {
        let _ = Lang::parse(&s);
    }

    /// Alterations parse or fail, and what parses prints back to itself.
    #[test]
    fn alterations(s in arg_text()) {
        if let Ok(a) = s.parse::<Alteration>() {
            let text = a.to_string();
            let again: Alteration = text.parse().map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            prop_assert_eq!(again, a);
        }
    }
}

// ---------------------------------------------------------------------------
// The binary with random arguments

/// Files the argument vectors may name, made once.
struct ArgFiles {
    dir: PathBuf,
    values: Vec<String>,
}

fn arg_files() -> &'static ArgFiles {
    static FILES: OnceLock<ArgFiles> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = common::tmp("fuzz-args");
        std::fs::create_dir_all(dir.join("cwd")).unwrap();
        std::fs::create_dir_all(dir.join("empty")).unwrap();
        let clip = dir.join("clip.y4m");
        std::fs::write(&clip, valid_y4m(48, 32, "420jpeg", 6, 1)).unwrap();
        let bad = dir.join("bad.y4m");
        std::fs::write(&bad, b"YUV4MPEG2 W16384 H16384 F30:1\nFRAME\nxx").unwrap();
        let junk = dir.join("junk.png");
        std::fs::write(&junk, b"\x89PNG\r\n\x1a\nnot really").unwrap();
        let photo = dir.join("photo.png");
        std::fs::write(&photo, encoded_image(40, 30, "png", 9)).unwrap();
        let mut values: Vec<String> = [
            &clip,
            &bad,
            &junk,
            &photo,
            &dir.join("empty"),
            &dir.join("missing.mp4"),
        ]
        .iter()
        .map(|p| p.display().to_string())
        .collect();
        values.push(dir.join("cwd/out.json").display().to_string());
        values.push(dir.join("cwd/rec.y4m").display().to_string());
        ArgFiles { dir, values }
    })
}

#[derive(Clone, Debug)]
enum Arg {
    Word(&'static str),
    File(usize),
    Text(String),
}

fn arg() -> impl Strategy<Value = Arg> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "analyze", "practice", "cameras", "bench", "help", "--help", "-h", "--version", "-V",
            "--json", "--eyes", "iris", "mesh", "--quiet", "-q", "--camera", "--source",
            "--headless", "--challenges", "--seed", "--no-intro", "--prompt-timeout", "--report",
            "--record", "--landmarks", "--window", "--lang", "--models", "-", "--", "zh", "en",
            "0", "1", "-1", "1e309", "NaN", "inf", "0.5", "600", "601", "18446744073709551616",
            "320x240", "0x0", "319x240", "7680x4320", "x", "99999999999999999999x1",
            "blink,nod", ",", "turn_left", "--json=-", "--report=-", "--lang=zh",
            "--prompt-timeout=1", "--eyes=mesh",
        ]).prop_map(Arg::Word),
        2 => (0usize..8).prop_map(Arg::File),
        1 => "\\PC{0,12}".prop_map(Arg::Text),
    ]
}

/// Arguments that start with a command half of the time.
fn argv() -> impl Strategy<Value = Vec<Arg>> {
    (
        prop::option::of(prop::sample::select(vec![
            "analyze", "practice", "bench", "cameras",
        ])),
        prop::collection::vec(arg(), 0..8),
    )
        .prop_map(|(cmd, mut rest)| {
            if let Some(c) = cmd {
                rest.insert(0, Arg::Word(c));
            }
            rest
        })
}

const BINARY_TIMEOUT: Duration = Duration::from_secs(120);

proptest! {
    #![proptest_config(binary_config())]

    /// Exit 0, 1 or 2 (never 101, never a signal), no "panicked" on stderr,
    /// within a time limit.
    #[test]
    fn binary_arguments(args in argv()) {
        let files = arg_files();
        let args: Vec<String> = args
            .into_iter()
            .map(|a| match a {
                Arg::Word(w) => w.to_string(),
                Arg::File(i) => files.values[i % files.values.len()].clone(),
                // Text stays relative (no `/`), so a path it names resolves
                // inside the scratch folder.
                Arg::Text(t) => t.replace('/', "_"),
            })
            .collect();
        let mut child = common::bin()
            .args(&args)
            .current_dir(files.dir.join("cwd"))
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut stderr_pipe = child.stderr.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = stderr_pipe.read_to_end(&mut s);
            s
        });
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if start.elapsed() > BINARY_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = String::from_utf8_lossy(&reader.join().unwrap()).to_string();
        let status = status.ok_or_else(|| TestCaseError::fail(format!("{args:?} still running after {BINARY_TIMEOUT:?}")))?;
        prop_assert!(!stderr.contains("panicked"), "{:?}: {}", args, stderr);
        prop_assert!(
            matches!(status.code(), Some(0..=2)),
            "{:?} ended with {:?}: {}", args, status, stderr
        );
    }
}
