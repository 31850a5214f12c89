//! The practice window's drawing: text, shapes and the frame preview.

pub mod draw;
pub mod screen;
pub mod text;
