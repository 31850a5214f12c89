//! Files the user asked for (reports, recordings): written under a
//! temporary name beside the target and renamed into place when complete, so
//! a crash or a full disk never leaves half a file under the name given.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The temporary name `path` is written under until it is complete:
/// `.NAME.partPID` in the same folder (so the rename stays on one disk).
pub fn part_path(path: &Path) -> Result<PathBuf> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("{} has no file name", path.display()))?;
    Ok(dir.join(format!(
        ".{}.part{}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

/// Writes `bytes` to `path` through [`part_path`] and a rename. `-` is
/// standard output.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes).context("writing to standard output")?;
        return out.flush().context("writing to standard output");
    }
    let tmp = part_path(path)?;
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
