//! The `sim` binary: parse the command line, run, map errors to exit codes.

use clap::Parser;
use sim::app::{self, AppError};
use sim::cli::Cli;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must still end with a message and exit code 3, not a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "sim: internal error: {msg}{at}; please report it"
        );
    }));
    // An interrupted run removes what it has staged (leaves nothing).
    sim::output::remove_staged_on_signal();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    match std::panic::catch_unwind(|| app::run(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(e.exit_code())
        }
        Err(_) => ExitCode::from(AppError::Internal(String::new()).exit_code()),
    }
}
