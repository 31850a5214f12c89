//! The commands: the edge where files, terminal and clock meet the core.

pub mod analyze;
pub mod bench;
pub mod check;
pub mod document;
pub mod document_live;
pub mod practice;
pub mod timer;

use crate::models::ModelFiles;
use anyhow::Result;
use std::path::Path;

/// The embedded models, or those in `dir`.
pub fn load_models(dir: Option<&Path>) -> Result<ModelFiles> {
    match dir {
        Some(d) => ModelFiles::from_dir(d),
        None => ModelFiles::embedded(),
    }
}

/// `liveness-coach cameras`.
#[cfg(feature = "camera")]
pub fn cameras() -> Result<bool> {
    let list = crate::source::camera::list()?;
    if list.is_empty() {
        println!(
            "{}",
            crate::source::camera::CameraProblem::NoCamera.advice()
        );
        return Ok(false);
    }
    for c in list {
        println!("{}: {}", c.index, c.name);
        for f in c.formats {
            println!("    {f}");
        }
    }
    Ok(true)
}

#[cfg(not(feature = "camera"))]
pub fn cameras() -> Result<bool> {
    anyhow::bail!("this build has no camera support (built without the `camera` feature)")
}
