//! The practice window's drawing: text, shapes and the frame preview.

pub mod document_screen;
pub mod draw;
pub mod screen;
pub mod text;
