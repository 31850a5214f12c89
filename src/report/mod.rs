//! What the program writes: the analysis JSON and the terminal summary.

pub mod json;
pub mod nan;
pub mod session;
pub mod summary;
