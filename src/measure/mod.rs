//! Per-frame measures: a frame and the face perception found in it, turned
//! into numbers. Pure functions and small meters that remember a second or so
//! of their own history; no camera, clock or file.
//!
//! In pipeline order: how open the eyes are (`eyes`) and the mouth
//! (`mouth`), where the head points
//! (`pose`), how the face is lit (`lighting`), how sharp and clean the picture
//! is (`quality`), what covers the face (`occlusion`), whether the room's lamp
//! pulses (`flicker`), how the face's colour follows a flashing screen
//! (`reflection`, over a few seconds of frames), and the person's own levels these are judged against
//! (`baseline`). `nan` writes a value that was not measured as JSON `null`.

pub mod baseline;
pub mod eyes;

pub mod flicker;
pub mod hands;
pub mod lighting;
pub mod mouth;
pub mod nan;
pub mod occlusion;
pub mod pose;
pub mod quality;
pub mod reflection;
