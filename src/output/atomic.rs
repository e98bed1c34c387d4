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
    is_dir: bool,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = if self.is_dir {
                fs::remove_dir_all(&self.tmp)
            } else {
                fs::remove_file(&self.tmp)
            };
        }
    }
}

impl Staged {
    /// Where the content is being written until [`commit`].
    pub fn path(&self) -> &Path {
        &self.tmp
    }
}

/// Creates folder `name` in `dir` under a temporary name, to be filled
/// through [`Staged::path`]. On [`commit`] it replaces any folder of that
/// name; dropped uncommitted, it is deleted with its contents.
pub fn stage_dir(dir: &Path, name: &str) -> io::Result<Staged> {
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    fs::create_dir_all(&tmp)?;
    Ok(Staged {
        tmp,
        dest: dir.join(name),
        done: false,
        is_dir: true,
    })
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
        is_dir: false,
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
        if s.is_dir && s.dest.is_dir() {
            fs::remove_dir_all(&s.dest)?;
        }
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
