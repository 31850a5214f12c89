//! Files the user asked for (reports, recordings): written under a
//! temporary name beside the target and renamed into place when complete, so
//! a crash or a full disk never leaves half a file under the name given.
//! A target that is not a regular file (`/dev/null`, a pipe) is written to
//! in place: a rename onto it would replace the device with a file.

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

/// Whether `path` is something that exists and is neither a regular file
/// nor a folder: a device (`/dev/null`), a pipe or a socket, written to in
/// place.
pub fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Writes `bytes` to `path` through [`part_path`] and a rename. `-` is
/// standard output; a device or pipe ([`is_special`]) is written directly.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes).context("writing to standard output")?;
        return out.flush().context("writing to standard output");
    }
    if is_special(path) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(bytes).and_then(|()| f.flush()))
            .with_context(|| format!("cannot write {}", path.display()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_given_as_the_target_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = std::env::temp_dir().join(format!("lc-fifo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("out.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("skipped: no mkfifo here");
            return;
        }
        assert!(is_special(&fifo) && !is_special(&dir));
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(&fifo).unwrap())
        };
        write_atomic(&fifo, b"{\"a\": 1}").unwrap();
        // A rename would have put a regular file in the pipe's place (and
        // left the reader waiting).
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(reader.join().unwrap(), b"{\"a\": 1}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
