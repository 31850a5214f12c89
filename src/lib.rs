//! liveness-coach: rehearse and diagnose webcam liveness checks.
//!
//! Data flows one way: `source` (frames in) -> `vision` (face, landmarks) ->
//! `eyes` / `pose` (measures) -> `baseline` (per-person levels) -> `events`
//! (blink, turns, nod) -> `analysis` (a whole clip) -> `report`. Only
//! `source` and the binary touch the outside world; everything else is plain
//! functions and state machines over data, driven by frame timestamps.

pub mod alter;
pub mod analysis;
pub mod baseline;
pub mod cmd;
pub mod coach;
pub mod eval;
pub mod events;
pub mod eyes;
pub mod flicker;
pub mod frame;
pub mod hints;
pub mod i18n;
pub mod lighting;
pub mod live;
pub mod models;
pub mod occlusion;
pub mod output;
pub mod pose;
pub mod quality;
pub mod report;
pub mod session;
pub mod source;
pub mod ui;
pub mod vision;
