//! Temp-file-then-rename writes, all or nothing across a run's files.
//!
//! A run's output folder ends holding exactly one run's files:
//! - every staged file is registered, so SIGINT, SIGTERM or SIGHUP removes
//!   what is staged before the process exits ([`remove_staged_on_signal`]);
//! - staging into a folder first removes what earlier `sim` processes that
//!   are no longer alive left staged there (a SIGKILL cannot be caught);
//! - [`commit_run`] takes the folder's lock (`.sim.lock`), removes the files
//!   an earlier run wrote that this one does not (a stale `paths.csv`), then
//!   renames every staged file into place: two runs racing on one folder
//!   each commit whole, one after the other, and the last one wins whole.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Every file and folder this process has staged and not yet committed.
static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Every name `sim` writes into an output folder (run, shard, sweep,
/// merge); [`commit_run`] removes those the committing run does not write,
/// and nothing else.
pub const OUTPUT_NAMES: [&str; 15] = [
    "summary.csv",
    "events.csv",
    "breakeven.csv",
    "thresholds.csv",
    "threshold_timing.csv",
    "paths.csv",
    "manifest.json",
    "partial.json",
    "state.bin",
    "sweep.csv",
    "sensitivity.csv",
    "tornado.csv",
    "charts",
    "report.html",
    "points",
];

const LOCK: &str = ".sim.lock";

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
            let _ = remove(&self.tmp, self.is_dir);
        }
        let mut staged = STAGED.lock().unwrap_or_else(|e| e.into_inner());
        staged.retain(|p| *p != self.tmp);
    }
}

impl Staged {
    /// Where the content is being written until [`commit`].
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    fn new(dir: &Path, name: &str, is_dir: bool) -> Staged {
        clear_stale(dir);
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        STAGED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tmp.clone());
        Staged {
            tmp,
            dest: dir.join(name),
            done: false,
            is_dir,
        }
    }
}

fn remove(path: &Path, is_dir: bool) -> io::Result<()> {
    if is_dir {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// Installs the handler that removes every staged file when the process is
/// interrupted (SIGINT, SIGTERM, SIGHUP), then exits with 130. A commit in
/// progress finishes first: it holds the registry.
pub fn remove_staged_on_signal() {
    let _ = ctrlc::set_handler(|| {
        let _registry = remove_all_staged();
        let _ = writeln!(io::stderr(), "sim: interrupted; nothing staged was kept");
        std::process::exit(130);
    });
}

/// Removes every staged file and folder; returns the registry still
/// locked, so nothing is staged or committed until the process exits.
fn remove_all_staged() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    let mut staged = STAGED.lock().unwrap_or_else(|e| e.into_inner());
    for p in staged.drain(..) {
        let _ = remove(&p, p.is_dir());
    }
    staged
}

/// Whether process `pid` is alive, where the system says (`/proc`);
/// elsewhere every process counts as alive and nothing is removed.
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// The process that staged `name` (`.NAME.tmp-PID`), if it is a staged name.
fn stager(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let (_, pid) = rest.rsplit_once(".tmp-")?;
    pid.parse().ok()
}

/// Removes from `dir` what processes no longer alive left staged.
fn clear_stale(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if let Some(pid) = stager(&name.to_string_lossy()) {
            if pid != me && !alive(pid) {
                let path = entry.path();
                let _ = remove(&path, path.is_dir());
            }
        }
    }
}

/// Creates folder `name` in `dir` under a temporary name, to be filled
/// through [`Staged::path`]. On [`commit`] it replaces any folder of that
/// name; dropped uncommitted, it is deleted with its contents.
pub fn stage_dir(dir: &Path, name: &str) -> io::Result<Staged> {
    let staged = Staged::new(dir, name, true);
    if staged.tmp.exists() {
        fs::remove_dir_all(&staged.tmp)?;
    }
    fs::create_dir_all(&staged.tmp)?;
    Ok(staged)
}

/// Writes `name` in `dir` under a temporary name with `write`.
pub fn stage(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<Staged> {
    let staged = Staged::new(dir, name, false);
    let mut w = BufWriter::new(File::create(&staged.tmp)?);
    write(&mut w)?;
    let file = w.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(staged)
}

/// Renames every staged file into place; returns the final paths. For
/// files in a user's folder (`sim init`); a run's output uses
/// [`commit_run`].
pub fn commit(mut staged: Vec<Staged>) -> io::Result<Vec<PathBuf>> {
    // Holding the registry, a signal waits until every file is in place.
    let registry = STAGED.lock().unwrap_or_else(|e| e.into_inner());
    let written = rename_all(&mut staged);
    // Released before `staged` drops: dropping deregisters.
    drop(registry);
    written
}

fn rename_all(staged: &mut [Staged]) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::with_capacity(staged.len());
    for s in staged {
        if s.is_dir && s.dest.is_dir() {
            fs::remove_dir_all(&s.dest)?;
        }
        fs::rename(&s.tmp, &s.dest)?;
        s.done = true;
        written.push(s.dest.clone());
    }
    Ok(written)
}

/// Commits a run's files into its output folder `dir`, which then holds
/// exactly them: under the folder's lock, every other name in
/// [`OUTPUT_NAMES`] is removed first.
pub fn commit_run(dir: &Path, mut staged: Vec<Staged>) -> io::Result<Vec<PathBuf>> {
    let _lock = FolderLock::take(dir)?;
    let registry = STAGED.lock().unwrap_or_else(|e| e.into_inner());
    let written = OUTPUT_NAMES
        .iter()
        .map(|name| dir.join(name))
        .filter(|path| !staged.iter().any(|s| s.dest == *path))
        .filter(|path| fs::symlink_metadata(path).is_ok())
        .try_for_each(|path| remove(&path, path.is_dir()))
        .and_then(|()| rename_all(&mut staged));
    drop(registry);
    written
}

/// `.sim.lock` in an output folder, holding the PID of the process
/// committing into it; removed when dropped. A lock whose process is gone
/// is taken over.
struct FolderLock(PathBuf);

impl FolderLock {
    fn take(dir: &Path) -> io::Result<FolderLock> {
        let path = dir.join(LOCK);
        // Commits take milliseconds: wait up to a minute for another.
        for _ in 0..6000 {
            match fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    write!(f, "{}", std::process::id())?;
                    return Ok(FolderLock(path));
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let owner = fs::read_to_string(&path)
                        .ok()
                        .and_then(|s| s.trim().parse().ok());
                    match owner {
                        Some(pid) if !alive(pid) => {
                            let _ = fs::remove_file(&path);
                        }
                        _ => std::thread::sleep(std::time::Duration::from_millis(10)),
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::other(format!(
            "{} is held by another sim process; remove it if none is running",
            path.display()
        )))
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry is the process's: tests that stage take turns, since
    /// one of them empties it.
    static TURN: Mutex<()> = Mutex::new(());

    fn turn() -> std::sync::MutexGuard<'static, ()> {
        TURN.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let _turn = turn();
        let dir = tempfile::tempdir().unwrap();
        let ok = stage(dir.path(), "a.csv", |w| w.write_all(b"x")).unwrap();
        let failed = stage(dir.path(), "b.csv", |_| Err(io::Error::other("disk full")));
        assert!(failed.is_err());
        drop(ok);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_signal_removes_what_is_staged_and_the_next_commit_what_is_stale() {
        let _turn = turn();
        let dir = tempfile::tempdir().unwrap();
        let file = stage(dir.path(), "summary.csv", |w| w.write_all(b"x")).unwrap();
        let folder = stage_dir(dir.path(), "points").unwrap();
        fs::write(folder.path().join("a"), b"y").unwrap();
        drop(remove_all_staged());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        drop((file, folder));
        // Left by a process that is gone (no PID is this large), and by
        // an earlier run that wrote paths.csv; a user's file stays.
        let gone = 4_000_000_000u32;
        fs::write(dir.path().join(format!(".summary.csv.tmp-{gone}")), b"old").unwrap();
        fs::create_dir(dir.path().join(format!(".points.tmp-{gone}"))).unwrap();
        fs::write(dir.path().join(LOCK), gone.to_string()).unwrap();
        for name in ["paths.csv", "notes.txt"] {
            fs::write(dir.path().join(name), b"old").unwrap();
        }
        let s = stage(dir.path(), "summary.csv", |w| w.write_all(b"new")).unwrap();
        commit_run(dir.path(), vec![s]).unwrap();
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["notes.txt", "summary.csv"]);
    }

    #[test]
    fn commit_renames() {
        let _turn = turn();
        let dir = tempfile::tempdir().unwrap();
        let s = stage(dir.path(), "a.csv", |w| w.write_all(b"x")).unwrap();
        commit(vec![s]).unwrap();
        assert_eq!(fs::read(dir.path().join("a.csv")).unwrap(), b"x");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
