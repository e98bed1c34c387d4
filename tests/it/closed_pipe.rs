//! A closed standard output is success for every command: each writes its
//! files, finds no reader for what it prints, and exits 0 without a word
//! on standard error. The reading end is closed before the command starts,
//! so the write always fails.

use crate::common::root;
use std::path::Path;

/// Runs `sim args…` in `dir` with standard output a pipe nobody reads.
fn into_closed_pipe(dir: &Path, args: &[&str]) {
    // A socket pair stands in for the pipe (std::io::pipe needs Rust 1.87,
    // past the crate's MSRV): writing to it once its peer is closed fails
    // with EPIPE, exactly as a pipe with no reader does.
    let (reader, writer) = std::os::unix::net::UnixStream::pair().unwrap();
    drop(reader);
    let writer = std::process::Stdio::from(std::os::fd::OwnedFd::from(writer));
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("sim"))
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .args(args)
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    assert!(stderr.is_empty(), "{args:?}: {stderr}");
}

#[test]
fn every_command_treats_a_closed_pipe_as_success() {
    let tmp = tempfile::tempdir().unwrap();
    let t = |name: &str| tmp.path().join(name).display().to_string();
    let base = root().join("scenarios/base.toml").display().to_string();
    let r = root();
    into_closed_pipe(&r, &["validate", &base]);
    into_closed_pipe(&r, &["validate", &base, "--resolved"]);
    into_closed_pipe(&r, &["explain", &base]);
    into_closed_pipe(&r, &["run", &base, "--paths", "64", "--out", &t("run")]);
    assert!(tmp.path().join("run/summary.csv").exists());
    into_closed_pipe(&r, &["compare", &t("run"), &t("run")]);
    for k in 0..2 {
        let shard = format!("{k}/2");
        into_closed_pipe(
            &r,
            &[
                "run",
                &base,
                "--paths",
                "2048",
                "--shard",
                &shard,
                "--out",
                &t(&format!("s{k}")),
            ],
        );
    }
    into_closed_pipe(&r, &["merge", &t("s0"), &t("s1"), "--out", &t("merged")]);
    into_closed_pipe(
        &r,
        &[
            "sweep",
            &base,
            "--vary",
            "lab.OpenAI.hazard=0.05,0.1",
            "--paths",
            "64",
            "--out",
            &t("sweep"),
        ],
    );
    into_closed_pipe(
        &r,
        &[
            "tornado",
            &base,
            "--range",
            "lab.OpenAI.hazard=0.05:0.1",
            "--paths",
            "64",
            "--out",
            &t("tornado"),
        ],
    );
    into_closed_pipe(
        &r,
        &["sensitivity", &base, "--sobol", "8", "--out", &t("sobol")],
    );
    into_closed_pipe(tmp.path(), &["init", "starter"]);
    assert!(tmp.path().join("starter.toml").exists());
}
