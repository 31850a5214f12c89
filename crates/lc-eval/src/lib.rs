//! lc-eval: how liveness-coach is measured, kept out of the product.
//!
//! - [`alter`]: alterations of a real frame whose truth is known by
//!   construction (sunglasses, masks, hands, glare, darkness, blur, ...), for
//!   scoring hints where no footage shows the problem for real.
//! - [`document`]: a document scan placed on a real background with
//!   perspective, glare, blur, darkness, distance or a cut-off corner.
//! - [`eval`]: scoring detected events against ground truth, and reading the
//!   truth files of the eval footage.
//! - [`flash`]: a screen's colours lighting a real face (physics and a
//!   webcam's delay, exposure and noise), for the colour-flash step.
//! - [`photos`]: the labelled real photos (masks/, occlusion/) and their canvas.
//! - `examples/`: the programs behind the tables in docs/ (`eval_blinks`, `tune_blinks`,
//!   `eval_hints`, `measure_*`, `alter_clip`, `probe_faces`), each with the
//!   command that reproduces its table in its first lines.
//!
//! The shipped binary never links this crate; the main crate's tests use it
//! as a dev-dependency.

pub mod alter;
pub mod document;
pub mod eval;
pub mod flash;
pub mod photos;
