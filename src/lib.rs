//! liveness-coach: rehearse and diagnose webcam liveness checks.
//!
//! The rooms in pipeline order; a room imports only rooms above it in this
//! list (`frame` and `models` are the floor), never one below:
//!
//! - `frame`: one decoded picture (RGB, index, timestamp).
//! - `models`: the networks' files, embedded and checked by SHA-256.
//! - `source`: frames in: webcam (nokhwa), Y4M, images, ffmpeg, watchdog.
//! - `vision`: frame -> face: detector, mesh, iris, eyelid geometry, crops,
//!   tracking (the networks run on the `fastconv` crate's kernels).
//! - `measure`: face + frame -> numbers: eyes, pose, lighting, quality,
//!   occlusion, flicker, baselines (per-person levels).
//! - `record`: the per-frame record and the shared vocabulary (event kinds,
//!   hint codes, shared angles): plain data for everything below.
//! - `i18n`: every user-facing sentence, English and Simplified Chinese.
//! - `events`: series -> blink, turn, nod (small state machines).
//! - `hints`: measures -> why a check could fail (thresholds, hysteresis).
//! - `session`: the practice script: plan, per-prompt judge, comparison.
//! - `analysis`: one frame's path through all of the above
//!   (`Analyzer::step`), and a whole source.
//! - `coach`: analysis + hints + session on one frame, live and headless.
//! - `document`: the ID-document check: OCR of the picture (PP-OCRv4
//!   detector and recogniser run by tract, model bytes passed in), the MRZ
//!   found among the lines read, its formats and check digits, Chinese
//!   resident ID numbers, dates and expiry, comparing the name a person will
//!   type with the document's, the issues and verdict (`document::check`).
//! - `ui`: the window's pixels: font, shapes, screens.
//! - `report`: JSON, terminal summary, verdict, plots, HTML page.
//! - `live`: capture thread, inference thread, window loop, recording.
//! - `output`: files written through a temporary name and a rename.
//! - `cmd`: one file per command, where files, terminal and clock meet the
//!   core; `main.rs` parses arguments and calls it.
//!
//! Everything from `vision` to `coach` is plain functions and state machines
//! over data, driven by frame timestamps: a camera frame, a recorded frame
//! and a photo take the same path.

pub mod frame;
pub mod models;
pub mod source;
pub mod vision;
pub mod measure;
pub mod record;
pub mod i18n;
pub mod events;
pub mod hints;
pub mod session;
pub mod analysis;
pub mod coach;
pub mod document;
pub mod ui;
pub mod report;
pub mod live;
pub mod output;
pub mod cmd;
