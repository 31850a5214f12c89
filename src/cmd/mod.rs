//! The commands: the edge where files, terminal and clock meet the core.

pub mod analyze;
pub mod bench;
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

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so a failed write never leaves half a file behind. `-` is stdout.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use anyhow::Context;
    use std::io::Write;
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes).context("writing to standard output")?;
        return out.flush().context("writing to standard output");
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .context("the output path has no file name")?;
    let tmp = dir.join(format!(
        ".{}.part{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow::anyhow!(e).context(format!("cannot write {}", path.display())));
    }
    Ok(())
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
