//! Both eyes through the iris model at once: the person's right eye on the
//! calling thread, the left on a worker thread with its own copy of the
//! network. The crops are made on the calling thread (they read the frame);
//! only the network runs on the worker, and the model travels to it and back
//! through channels, so nothing is shared and nothing is copied but the
//! eye's position. On a single core it runs both eyes in turn.

use super::iris::{eye_roi, EyeLandmarks, IrisModel};
use super::roi::Roi;
use super::{Stage, StageObserver};
use crate::frame::Frame;
use anyhow::{anyhow, Result};
use std::sync::mpsc::{self, Receiver, SyncSender};

struct Job {
    model: Box<IrisModel>,
    roi: Roi,
}

struct Done {
    model: Box<IrisModel>,
    eye: Result<Option<EyeLandmarks>>,
}

struct Worker {
    jobs: SyncSender<Job>,
    done: Receiver<Done>,
    /// The worker's model while it is idle.
    model: Option<Box<IrisModel>>,
    /// Whether the worker has handed over its freshly loaded model.
    loaded: bool,
}

pub struct IrisPair {
    here: IrisModel,
    worker: Option<Worker>,
}

impl IrisPair {
    /// Loads the iris model once per thread used; `parallel` asks for the
    /// worker (it is used only where there is more than one core). The
    /// worker loads its copy on its own thread, while this one goes on.
    pub fn new(bytes: &[u8], parallel: bool) -> Result<IrisPair> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let worker = if parallel && cores > 1 {
            Some(Worker::spawn(bytes.to_vec())?)
        } else {
            None
        };
        let here = IrisModel::new(bytes)?;
        Ok(IrisPair { here, worker })
    }

    /// Refined (right, left) eyes from the mesh's eye corners: right outer,
    /// right inner, left outer, left inner. `None` when either eye fails.
    pub fn run(
        &mut self,
        frame: &Frame,
        corners: [[f32; 2]; 4],
        obs: &mut impl StageObserver,
    ) -> Result<Option<[EyeLandmarks; 2]>> {
        let (Some(right), Some(left)) = (
            eye_roi(corners[0], corners[1], false),
            eye_roi(corners[2], corners[3], true),
        ) else {
            return Ok(None);
        };
        let sent = match self.worker.as_mut() {
            Some(w) => w.start(frame, left),
            None => false,
        };
        // No early return: the worker's model must come back either way.
        let cropped = self.here.crop(frame, &right, false);
        obs.finished(Stage::Crop);
        let r = cropped.and_then(|()| self.here.infer(&right, false));
        let l = if sent {
            match self.worker.as_mut().map(Worker::finish) {
                Some(Ok(eye)) => eye,
                // The worker is gone: carry on alone from now on.
                _ => {
                    self.worker = None;
                    self.left_here(frame, &left)
                }
            }
        } else {
            self.left_here(frame, &left)
        };
        obs.finished(Stage::Iris);
        Ok(r?.zip(l?).map(|(r, l)| [r, l]))
    }

    fn left_here(&mut self, frame: &Frame, roi: &Roi) -> Result<Option<EyeLandmarks>> {
        self.here.crop(frame, roi, true)?;
        self.here.infer(roi, true)
    }
}

impl Worker {
    /// Starts the worker, which loads its network from `bytes` and hands it
    /// over (a load error just leaves the work to the calling thread).
    fn spawn(bytes: Vec<u8>) -> Result<Worker> {
        let (jobs, job_rx) = mpsc::sync_channel::<Job>(1);
        let (done_tx, done) = mpsc::sync_channel::<Done>(1);
        std::thread::Builder::new()
            .name("iris".into())
            .spawn(move || {
                let Ok(model) = IrisModel::new(&bytes) else {
                    return;
                };
                let ready = Done {
                    model: Box::new(model),
                    eye: Ok(None),
                };
                if done_tx.send(ready).is_err() {
                    return;
                }
                while let Ok(Job { mut model, roi }) = job_rx.recv() {
                    let eye = model.infer(&roi, true);
                    if done_tx.send(Done { model, eye }).is_err() {
                        return;
                    }
                }
            })?;
        Ok(Worker {
            jobs,
            done,
            model: None,
            loaded: false,
        })
    }

    /// Crops the left eye into the worker's model and hands it over.
    fn start(&mut self, frame: &Frame, roi: Roi) -> bool {
        if !self.loaded {
            self.loaded = true;
            self.model = self.done.recv().ok().map(|d| d.model);
        }
        let Some(mut model) = self.model.take() else {
            return false;
        };
        if model.crop(frame, &roi, true).is_err() {
            self.model = Some(model);
            return false;
        }
        match self.jobs.send(Job { model, roi }) {
            Ok(()) => true,
            Err(mpsc::SendError(job)) => {
                self.model = Some(job.model);
                false
            }
        }
    }

    /// Waits for the left eye and takes the model back.
    fn finish(&mut self) -> Result<Result<Option<EyeLandmarks>>> {
        let Done { model, eye } = self
            .done
            .recv()
            .map_err(|_| anyhow!("the iris worker thread stopped"))?;
        self.model = Some(model);
        Ok(eye)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ModelFiles;
    use crate::vision::{Perception, LEFT_EYE_CORNERS, RIGHT_EYE_CORNERS};

    /// Both eyes at once give exactly what one thread gives, frame after frame.
    #[test]
    fn the_worker_thread_changes_nothing() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/astronaut.png");
        let img = image::open(path).expect("fixture").to_rgb8();
        let (w, h) = img.dimensions();
        let frame = Frame::from_rgb(w, h, img.into_raw()).expect("frame");
        let files = ModelFiles::embedded().expect("models");
        let marks = Perception::new(&files, false)
            .expect("perception")
            .process(&frame, &mut ())
            .expect("runs")
            .face
            .expect("a face")
            .landmarks;
        let p = |i: usize| [marks[i][0], marks[i][1]];
        let corners = [
            p(RIGHT_EYE_CORNERS.0),
            p(RIGHT_EYE_CORNERS.1),
            p(LEFT_EYE_CORNERS.0),
            p(LEFT_EYE_CORNERS.1),
        ];
        let mut alone = IrisPair::new(&files.iris, false).expect("iris");
        let mut pair = IrisPair::new(&files.iris, true).expect("iris");
        for _ in 0..3 {
            let a = alone.run(&frame, corners, &mut ()).expect("runs");
            let b = pair.run(&frame, corners, &mut ()).expect("runs");
            assert!(a.is_some());
            assert_eq!(a, b);
        }
        // A degenerate eye is no eye, on either path.
        let flat = [corners[0], corners[0], corners[2], corners[3]];
        assert_eq!(pair.run(&frame, flat, &mut ()).expect("runs"), None);
    }
}
