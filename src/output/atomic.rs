//! Temp-file-then-rename writes, all or nothing across a run's files.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file written under a temporary name, waiting to be renamed into place.
/// Dropping it without [`commit`] deletes the temporary file.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
    done: bool,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `name` in `dir` under a temporary name with `write`.
pub fn stage(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<Staged> {
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let staged = Staged {
        tmp: tmp.clone(),
        dest: dir.join(name),
        done: false,
    };
    let mut w = BufWriter::new(File::create(&tmp)?);
    write(&mut w)?;
    let file = w.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(staged)
}

/// Renames every staged file into place; returns the final paths.
pub fn commit(staged: Vec<Staged>) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::with_capacity(staged.len());
    for mut s in staged {
        fs::rename(&s.tmp, &s.dest)?;
        s.done = true;
        written.push(s.dest.clone());
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let ok = stage(dir.path(), "a.csv", |w| w.write_all(b"x")).unwrap();
        let failed = stage(dir.path(), "b.csv", |_| Err(io::Error::other("disk full")));
        assert!(failed.is_err());
        drop(ok);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn commit_renames() {
        let dir = tempfile::tempdir().unwrap();
        let s = stage(dir.path(), "a.csv", |w| w.write_all(b"x")).unwrap();
        commit(vec![s]).unwrap();
        assert_eq!(fs::read(dir.path().join("a.csv")).unwrap(), b"x");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
