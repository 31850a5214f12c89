//! What the program writes: the analysis JSON, the terminal summary, and
//! the HTML report (verdict, plots, prompts, keyframes, comparison).

pub mod compare;
pub mod html;
pub mod json;
pub mod keyframes;
pub mod plots;
pub mod prompts;
pub mod readiness;
pub mod session;
pub mod summary;
pub mod verdict;

#[cfg(test)]
pub(crate) mod testdoc;
