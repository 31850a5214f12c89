//! The capture thread: reads a frame source as fast as it delivers and keeps
//! only the newest frame, so a slow consumer gets the latest picture instead
//! of a growing queue (the preview stays live; stale frames are dropped).
//!
//! Files are played at their own frame rate (their timestamps), so a
//! recording behaves like a camera.

use crate::frame::Frame;
use crate::source::{FrameSource, SourceInfo};
use anyhow::Result;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How the stream stands.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamState {
    Starting,
    Running,
    /// The source ended (end of file).
    Ended,
    /// The source failed (camera unplugged, corrupt data...).
    Failed(String),
}

struct Slot {
    frame: Frame,
    /// Number of frames published so far (the newest has number `seq`).
    seq: u64,
    captured_at: Instant,
    info: Option<SourceInfo>,
    state: StreamState,
    rate: super::Rate,
}

/// The newest frame, shared between the capture thread and its readers.
pub struct Latest {
    slot: Mutex<Slot>,
    ready: Condvar,
    stop: AtomicBool,
}

/// A copy of the newest frame taken by a reader.
#[derive(Clone, Copy, Debug)]
pub struct Taken {
    pub seq: u64,
    pub captured_at: Instant,
}

impl Latest {
    fn new() -> Latest {
        Latest {
            slot: Mutex::new(Slot {
                frame: Frame::default(),
                seq: 0,
                captured_at: Instant::now(),
                info: None,
                state: StreamState::Starting,
                rate: super::Rate::default(),
            }),
            ready: Condvar::new(),
            stop: AtomicBool::new(false),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slot> {
        // A panic elsewhere must not take the stream down with it.
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Publishes `frame` by swapping buffers with the slot (no copy).
    fn publish(&self, frame: &mut Frame) {
        let mut s = self.lock();
        std::mem::swap(&mut s.frame, frame);
        s.seq += 1;
        s.captured_at = Instant::now();
        let at = s.captured_at;
        s.rate.tick(at);
        s.state = StreamState::Running;
        drop(s);
        self.ready.notify_all();
    }

    fn set_state(&self, state: StreamState) {
        self.lock().state = state;
        self.ready.notify_all();
    }

    pub fn state(&self) -> StreamState {
        self.lock().state.clone()
    }

    pub fn info(&self) -> Option<SourceInfo> {
        self.lock().info.clone()
    }

    /// Frames published so far.
    pub fn published(&self) -> u64 {
        self.lock().seq
    }

    /// How fast frames were published.
    pub fn rate(&self) -> super::Rate {
        self.lock().rate
    }

    /// Copies the newest frame into `into` if it is newer than `seen`;
    /// waits up to `wait` for one. `None`: nothing newer (check `state`).
    pub fn take_newer(&self, seen: u64, into: &mut Frame, wait: Duration) -> Option<Taken> {
        let deadline = Instant::now() + wait;
        let mut s = self.lock();
        while s.seq <= seen && matches!(s.state, StreamState::Starting | StreamState::Running) {
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            s = match self.ready.wait_timeout(s, deadline - now) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
        if s.seq <= seen {
            return None;
        }
        into.clone_from(&s.frame);
        Some(Taken {
            seq: s.seq,
            captured_at: s.captured_at,
        })
    }

    /// Asks the capture thread to stop.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.ready.notify_all();
    }

    pub fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// Something done with every captured frame on the capture thread (a
/// recording), so nothing is dropped from it when the consumers lag.
pub trait FrameSink: Send {
    fn write(&mut self, frame: &Frame) -> Result<()>;

    /// The recorder behind this sink, to finish it.
    fn into_recorder(self: Box<Self>) -> Option<super::record::Recorder> {
        None
    }
}

pub struct Capture {
    pub latest: Arc<Latest>,
    handle: Option<JoinHandle<Option<Box<dyn FrameSink>>>>,
}

impl Capture {
    /// Starts the thread. `open` runs on it (camera handles may not move
    /// between threads); `paced` plays frames at their timestamps.
    pub fn spawn(
        open: impl FnOnce() -> Result<Box<dyn FrameSource>> + Send + 'static,
        paced: bool,
        mut sink: Option<Box<dyn FrameSink>>,
    ) -> Result<Capture> {
        let latest = Arc::new(Latest::new());
        let shared = latest.clone();
        let handle = std::thread::Builder::new()
            .name("capture".into())
            .spawn(move || {
                let mut source = match open() {
                    Ok(s) => s,
                    Err(e) => {
                        shared.set_state(StreamState::Failed(format!("{e:#}")));
                        return sink;
                    }
                };
                shared.lock().info = Some(source.info().clone());
                let mut frame = Frame::default();
                let start = Instant::now();
                let mut first_t = None;
                while !shared.stopping() {
                    match source.read_into(&mut frame) {
                        Ok(true) => {}
                        Ok(false) => {
                            shared.set_state(StreamState::Ended);
                            return sink;
                        }
                        Err(e) => {
                            shared.set_state(StreamState::Failed(format!("{e:#}")));
                            return sink;
                        }
                    }
                    if let Some(s) = sink.as_mut() {
                        if let Err(e) = s.write(&frame) {
                            shared.set_state(StreamState::Failed(format!("{e:#}")));
                            return sink;
                        }
                    }
                    if paced {
                        let t0 = *first_t.get_or_insert(frame.time_s);
                        let due = Duration::from_secs_f64((frame.time_s - t0).max(0.0));
                        if let Some(wait) = due.checked_sub(start.elapsed()) {
                            std::thread::sleep(wait);
                        }
                    }
                    shared.publish(&mut frame);
                }
                shared.set_state(StreamState::Ended);
                sink
            })?;
        Ok(Capture {
            latest,
            handle: Some(handle),
        })
    }

    /// Stops the thread and returns the sink (to finish the recording).
    pub fn stop(mut self) -> Option<Box<dyn FrameSink>> {
        self.latest.request_stop();
        self.handle.take().and_then(|h| h.join().ok()).flatten()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.latest.request_stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::images::ImageSource;

    struct Counting(u64);
    impl FrameSink for Counting {
        fn write(&mut self, _: &Frame) -> Result<()> {
            self.0 += 1;
            Ok(())
        }
    }

    /// A source of `n` grey frames at 30 fps whose level is the frame index.
    struct Synthetic {
        info: SourceInfo,
        n: u64,
        i: u64,
    }
    impl FrameSource for Synthetic {
        fn info(&self) -> &SourceInfo {
            &self.info
        }
        fn read_into(&mut self, f: &mut Frame) -> Result<bool> {
            if self.i == self.n {
                return Ok(false);
            }
            f.reshape(8, 8);
            f.rgb.iter_mut().for_each(|p| *p = self.i as u8);
            f.index = self.i;
            f.time_s = self.i as f64 / 30.0;
            self.i += 1;
            Ok(true)
        }
    }

    fn synthetic(n: u64) -> Box<dyn FrameSource> {
        Box::new(Synthetic {
            info: SourceInfo {
                name: "synthetic".into(),
                width: 8,
                height: 8,
                fps: Some(30.0),
                frames: Some(n),
            },
            n,
            i: 0,
        })
    }

    #[test]
    fn a_slow_reader_gets_the_newest_frame_and_the_sink_gets_all() {
        let cap = Capture::spawn(|| Ok(synthetic(50)), false, Some(Box::new(Counting(0))))
            .expect("spawn");
        let mut f = Frame::default();
        // Wait until the stream ends, then read: the newest frame only.
        while cap.latest.state() != StreamState::Ended {
            std::thread::sleep(Duration::from_millis(5));
        }
        let t = cap
            .latest
            .take_newer(0, &mut f, Duration::from_millis(10))
            .expect("a frame");
        assert_eq!(t.seq, 50);
        assert_eq!(f.index, 49);
        assert!(cap
            .latest
            .take_newer(t.seq, &mut f, Duration::from_millis(10))
            .is_none());
        let sink = cap.stop();
        assert!(sink.is_some());
    }

    #[test]
    fn a_source_that_cannot_open_reports_why() {
        let cap = Capture::spawn(
            || {
                ImageSource::from_dir(std::path::Path::new("/nonexistent-dir"))
                    .map(|s| Box::new(s) as Box<dyn FrameSource>)
            },
            false,
            None,
        )
        .expect("spawn");
        let mut f = Frame::default();
        assert!(cap
            .latest
            .take_newer(0, &mut f, Duration::from_secs(2))
            .is_none());
        assert!(matches!(cap.latest.state(), StreamState::Failed(_)));
    }
}
