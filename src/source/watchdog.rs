//! A live source read on its own thread, so that one which stops delivering
//! (a camera unplugged without an error, a stalled pipe) ends the stream
//! with a clear error instead of blocking for ever.
//!
//! Frames are passed whole, in order, none dropped (unlike the window's
//! newest-frame slot); buffers travel back to the reader to be reused.

use super::{FrameSource, SourceInfo};
use crate::frame::Frame;
use anyhow::{anyhow, Result};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::time::Duration;

pub type Opener = Box<dyn FnOnce() -> Result<Box<dyn FrameSource>> + Send>;

pub struct Watchdog {
    info: SourceInfo,
    frames: Receiver<Result<Option<Frame>>>,
    spare: SyncSender<Frame>,
    timeout: Duration,
    ended: bool,
}

impl Watchdog {
    /// Opens the source with `open` on a reader thread (some sources, a
    /// camera among them, must live on the thread that reads them). Errors
    /// opening it are returned here.
    pub fn spawn(open: Opener, timeout: Duration) -> Result<Watchdog> {
        let (info_tx, info_rx) = mpsc::sync_channel::<Result<SourceInfo>>(1);
        // Two frames in flight at most: the reader never runs far ahead.
        let (tx, frames) = mpsc::sync_channel::<Result<Option<Frame>>>(1);
        let (spare, spare_rx) = mpsc::sync_channel::<Frame>(2);
        std::thread::Builder::new()
            .name("reader".into())
            .spawn(move || {
                let mut src = match open() {
                    Ok(s) => {
                        let _ = info_tx.send(Ok(s.info().clone()));
                        s
                    }
                    Err(e) => {
                        let _ = info_tx.send(Err(e));
                        return;
                    }
                };
                loop {
                    let mut f = spare_rx.try_recv().unwrap_or_default();
                    let msg = match src.read_into(&mut f) {
                        Ok(true) => Ok(Some(f)),
                        Ok(false) => Ok(None),
                        Err(e) => Err(e),
                    };
                    let last = !matches!(msg, Ok(Some(_)));
                    if tx.send(msg).is_err() || last {
                        return;
                    }
                }
            })?;
        let info = info_rx
            .recv()
            .map_err(|_| anyhow!("the frame reader stopped before the source opened"))??;
        Ok(Watchdog {
            info,
            frames,
            spare,
            timeout,
            ended: false,
        })
    }
}

impl FrameSource for Watchdog {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
        if self.ended {
            return Ok(false);
        }
        match self.frames.recv_timeout(self.timeout) {
            Ok(Ok(Some(f))) => {
                let old = std::mem::replace(frame, f);
                let _ = self.spare.try_send(old);
                Ok(true)
            }
            Ok(Ok(None)) => {
                self.ended = true;
                Ok(false)
            }
            Ok(Err(e)) => {
                self.ended = true;
                Err(e)
            }
            Err(RecvTimeoutError::Timeout) => {
                self.ended = true;
                Err(anyhow!(
                    "no frame from {} for {:.0} s: it stopped delivering (camera unplugged or \
                     taken by another app, or the stream stalled)",
                    self.info.name,
                    self.timeout.as_secs_f64()
                ))
            }
            Err(RecvTimeoutError::Disconnected) => {
                self.ended = true;
                Err(anyhow!("the frame reader stopped unexpectedly"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Delivers `n` frames, then blocks for ever (a stalled camera or pipe).
    struct Stalls {
        info: SourceInfo,
        left: u32,
        never: Receiver<()>,
        _keep: SyncSender<()>,
    }

    impl FrameSource for Stalls {
        fn info(&self) -> &SourceInfo {
            &self.info
        }
        fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
            if self.left == 0 {
                let _ = self.never.recv();
            }
            self.left -= 1;
            frame.reshape(4, 2);
            frame.index = u64::from(3 - self.left);
            Ok(true)
        }
    }

    fn info() -> SourceInfo {
        SourceInfo {
            name: "test stream".into(),
            width: 4,
            height: 2,
            fps: Some(30.0),
            frames: None,
        }
    }

    #[test]
    fn a_stalled_source_ends_with_an_error_after_its_frames() {
        let open: Opener = Box::new(|| {
            let (keep, never) = mpsc::sync_channel(1);
            Ok(Box::new(Stalls {
                info: info(),
                left: 3,
                never,
                _keep: keep,
            }) as Box<dyn FrameSource>)
        });
        let mut w = Watchdog::spawn(open, Duration::from_millis(200)).expect("opens");
        assert_eq!(w.info().name, "test stream");
        let mut f = Frame::default();
        for i in 1..=3 {
            assert!(w.read_into(&mut f).expect("a frame"));
            assert_eq!(f.index, i);
        }
        let err = w.read_into(&mut f).expect_err("stalled");
        assert!(format!("{err}").contains("stopped delivering"), "{err}");
        // Ended: no more waiting.
        assert!(!w.read_into(&mut f).expect("ended"));
    }

    #[test]
    fn open_errors_and_read_errors_come_through() {
        let open: Opener = Box::new(|| Err(anyhow!("camera busy")));
        let err = Watchdog::spawn(open, Duration::from_secs(1))
            .err()
            .expect("open error");
        assert!(format!("{err}").contains("camera busy"));

        struct Fails(SourceInfo);
        impl FrameSource for Fails {
            fn info(&self) -> &SourceInfo {
                &self.0
            }
            fn read_into(&mut self, _: &mut Frame) -> Result<bool> {
                Err(anyhow!("unplugged"))
            }
        }
        let open: Opener = Box::new(|| Ok(Box::new(Fails(info())) as Box<dyn FrameSource>));
        let mut w = Watchdog::spawn(open, Duration::from_secs(5)).expect("opens");
        let err = w.read_into(&mut Frame::default()).expect_err("fails");
        assert!(format!("{err}").contains("unplugged"));
    }
}
