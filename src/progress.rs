//! A progress bar on standard error (paths/s and ETA; for a sweep also the
//! points done) that hides itself when standard error is not a terminal or
//! the user asked for quiet.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

/// Progress of a run or a sweep, possibly invisible.
pub struct Progress {
    bar: Option<ProgressBar>,
    points: Option<(AtomicU64, u64)>,
}

impl Progress {
    /// A bar for `total` paths, or nothing when quiet or not on a terminal.
    pub fn new(total: u64, quiet: bool) -> Progress {
        Progress {
            bar: Progress::bar(
                total,
                quiet,
                "{bar:40} {human_pos}/{human_len} paths  {per_sec:0}  ETA {eta}",
            ),
            points: None,
        }
    }

    /// A bar for a sweep of `points` points of `total` paths in all.
    pub fn sweep(total: u64, points: u64, quiet: bool) -> Progress {
        let p = Progress {
            bar: Progress::bar(
                total,
                quiet,
                "{bar:40} {msg}  {human_pos}/{human_len} paths  {per_sec:0}  ETA {eta}",
            ),
            points: Some((AtomicU64::new(0), points)),
        };
        p.show_points(0);
        p
    }

    fn bar(total: u64, quiet: bool, template: &str) -> Option<ProgressBar> {
        if quiet || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::new(total);
        let style =
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Some(bar)
    }

    /// Sets the number of paths done.
    pub fn set(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    /// Adds paths done (safe from several threads).
    pub fn add(&self, paths: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(paths);
        }
    }

    /// Counts one more sweep point done.
    pub fn point_done(&self) {
        if let Some((done, _)) = &self.points {
            let now = done.fetch_add(1, Ordering::Relaxed) + 1;
            self.show_points(now);
        }
    }

    fn show_points(&self, done: u64) {
        if let (Some(bar), Some((_, total))) = (&self.bar, &self.points) {
            bar.set_message(format!("{done}/{total} points"));
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
