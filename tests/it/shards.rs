//! `--shard K/N` and `sim merge`: the merged output of N shards is byte for
//! byte the unsharded output (every CSV; the manifest up to timing), for a
//! single run and for a sweep, for N = 1, 2, 3, 7; and merge refuses
//! mixed, missing, repeated or damaged shards with a clear message.

use crate::common::{read, root};
use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub fn sim() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sim"));
    c.current_dir(root());
    c
}

/// The files of a folder (recursively), relative path → bytes.
pub fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// A manifest without the fields that say how (not what) it was run.
fn manifest_core(bytes: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let o = v.as_object_mut().unwrap();
    for k in ["elapsed_seconds", "paths_per_second", "threads", "shards"] {
        assert!(o.remove(k).is_some(), "manifest has no {k}");
    }
    v
}

/// Every file of `a` is in `b` with the same bytes; manifests agree but
/// for timing.
pub fn assert_same_outputs(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    let names = |f: &[(PathBuf, Vec<u8>)]| f.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&fa), names(&fb), "{} vs {}", a.display(), b.display());
    for ((name, x), (_, y)) in fa.iter().zip(&fb) {
        if name.file_name().unwrap() == "manifest.json" {
            assert_eq!(manifest_core(x), manifest_core(y), "{}", name.display());
        } else {
            assert!(
                x == y,
                "{} differs between {} and {}",
                name.display(),
                a.display(),
                b.display()
            );
        }
    }
}

fn run_args(paths: &str) -> Vec<String> {
    [
        "run",
        "scenarios/base.toml",
        "--paths",
        paths,
        "--sample-paths",
        "3",
        "--quiet",
    ]
    .map(String::from)
    .to_vec()
}

/// Runs every shard of `args` into `dir/shard-K`, merges them into
/// `dir/merged` and returns that folder.
fn shard_and_merge(args: &[String], n: u64, dir: &Path) -> PathBuf {
    let mut shards = Vec::new();
    for k in 0..n {
        let out = dir.join(format!("shard-{k}"));
        sim()
            .args(args)
            .args(["--shard", &format!("{k}/{n}"), "--out"])
            .arg(&out)
            .assert()
            .success();
        shards.push(out);
    }
    // Merge in reverse order: the order of the folders must not matter.
    shards.reverse();
    let merged = dir.join("merged");
    sim()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .arg("--quiet")
        .assert()
        .success();
    merged
}

#[test]
fn merged_run_shards_equal_the_whole_run() {
    let tmp = tempfile::tempdir().unwrap();
    // 6 chunks of 1,024 paths: with 7 shards one shard has none.
    for policy in ["default", "all"] {
        let mut args = run_args("6144");
        args.extend(["--quantiles".to_string(), policy.to_string()]);
        let whole = tmp.path().join(format!("whole-{policy}"));
        sim()
            .args(&args)
            .arg("--out")
            .arg(&whole)
            .assert()
            .success();
        for n in [1, 2, 3, 7] {
            let merged = shard_and_merge(&args, n, &tmp.path().join(format!("{policy}-n{n}")));
            assert_same_outputs(&whole, &merged);
            let m: serde_json::Value =
                serde_json::from_str(&read(&merged.join("manifest.json"))).unwrap();
            assert_eq!(m["shards"], n);
            assert_eq!(m["quantiles"], policy);
        }
    }
}

#[test]
fn merged_sweep_shards_equal_the_whole_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let args: Vec<String> = [
        "sweep",
        "scenarios/base.toml",
        "--paths",
        "1024",
        "--vary",
        "lab.OpenAI.hazard=0.02:0.2:4",
        "--vary",
        "market.gpu_price.drift=-0.45,-0.1",
        "--keep-points",
        "--quiet",
    ]
    .map(String::from)
    .to_vec();
    let whole = tmp.path().join("whole");
    sim()
        .args(&args)
        .arg("--out")
        .arg(&whole)
        .assert()
        .success();
    assert_eq!(read(&whole.join("sweep.csv")).lines().count(), 9);
    for n in [1, 2, 3, 7] {
        let merged = shard_and_merge(&args, n, &tmp.path().join(format!("n{n}")));
        assert_same_outputs(&whole, &merged);
    }
}

fn merge_fails(dirs: &[&Path]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let out = sim()
        .arg("merge")
        .args(dirs)
        .arg("--out")
        .arg(tmp.path().join("m"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(!tmp.path().join("m").join("summary.csv").exists());
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn merge_refuses_mixed_missing_repeated_and_damaged_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let shard = |k: u64, n: u64, seed: &str, name: &str| {
        let out = tmp.path().join(name);
        sim()
            .args(run_args("4096"))
            .args(["--seed", seed, "--shard", &format!("{k}/{n}"), "--out"])
            .arg(&out)
            .assert()
            .success();
        out
    };
    let a0 = shard(0, 2, "1", "a0");
    let a1 = shard(1, 2, "1", "a1");
    let b1 = shard(1, 2, "2", "b1");
    let c1 = shard(1, 3, "1", "c1");

    let e = merge_fails(&[&a0, &b1]);
    assert!(
        e.contains("not shards of the same job") && e.contains("seed"),
        "{e}"
    );
    let e = merge_fails(&[&a0, &c1]);
    assert!(e.contains("shards (2 vs 3)"), "{e}");
    let e = merge_fails(&[&a0]);
    assert!(e.contains("missing shard(s) 1 of 2"), "{e}");
    let e = merge_fails(&[&a0, &a0, &a1]);
    assert!(e.contains("given twice"), "{e}");
    let e = merge_fails(&[&root().join("scenarios")]);
    assert!(e.contains("not a shard's output"), "{e}");

    // A damaged state file is caught by its checksum.
    let state = a1.join("state.bin");
    let mut bytes = std::fs::read(&state).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    std::fs::write(&state, bytes).unwrap();
    let e = merge_fails(&[&a0, &a1]);
    assert!(e.contains("does not match its partial.json"), "{e}");

    // A sweep shard is not a run shard.
    let sweep_shard = |k: u64, extra: &[&str], name: &str| {
        let out = tmp.path().join(name);
        sim()
            .args(["sweep", "scenarios/base.toml", "--paths", "1024"])
            .args(["--vary", "lab.OpenAI.hazard=0.05", "--quiet"])
            .args(["--shard", &format!("{k}/2")])
            .args(extra)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        out
    };
    let s = sweep_shard(0, &[], "s");
    let e = merge_fails(&[&a0, &s]);
    assert!(e.contains("not shards of the same job"), "{e}");
    let s1 = sweep_shard(1, &["--keep-points"], "s1");
    let e = merge_fails(&[&s, &s1]);
    assert!(e.contains("--keep-points"), "{e}");
}

#[test]
fn bad_shard_flags_are_refused() {
    for bad in ["2/2", "1/0", "x", "1/x"] {
        let out = sim()
            .args([
                "run",
                "scenarios/base.toml",
                "--paths",
                "1024",
                "--shard",
                bad,
            ])
            .assert()
            .code(1)
            .get_output()
            .clone();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("--shard"), "{bad}: {err}");
    }
}

#[test]
fn merge_names_what_a_hand_edited_partial_json_gets_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    let shards: Vec<PathBuf> = (0..2)
        .map(|k| {
            let out = tmp.path().join(format!("s{k}"));
            sim()
                .args(run_args("4096"))
                .args(["--shard", &format!("{k}/2"), "--out"])
                .arg(&out)
                .assert()
                .success();
            out
        })
        .collect();
    let originals: Vec<String> = shards
        .iter()
        .map(|d| std::fs::read_to_string(d.join("partial.json")).unwrap())
        .collect();
    // Edits `partial.json` of the shards in `which` with `edit`, merges, and
    // restores the files.
    let tampered = |which: &[usize], edit: &dyn Fn(&mut serde_json::Value)| -> String {
        for &k in which {
            let mut v: serde_json::Value = serde_json::from_str(&originals[k]).unwrap();
            edit(&mut v);
            std::fs::write(shards[k].join("partial.json"), v.to_string()).unwrap();
        }
        let e = merge_fails(&[&shards[0], &shards[1]]);
        for (k, text) in originals.iter().enumerate() {
            std::fs::write(shards[k].join("partial.json"), text).unwrap();
        }
        assert!(!e.contains("bug") && !e.contains("internal"), "{e}");
        e
    };
    let e = tampered(&[1], &|v| {
        v["run"]["meta"]["metrics"].as_array_mut().unwrap().pop();
    });
    assert!(
        e.contains("s1: partial.json lists") && e.contains("cells, but state.bin holds"),
        "{e}"
    );
    let e = tampered(&[0], &|v| {
        v["run"]["meta"]["quarters"].as_array_mut().unwrap().pop();
    });
    assert!(
        e.contains("s0: partial.json lists") && e.contains("× 19 quarters"),
        "{e}"
    );
    let e = tampered(&[0, 1], &|v| v["identity"]["paths"] = 9000.into());
    assert!(
        e.contains("identity.paths = 9000 makes 9 chunks") && e.contains("cover 4"),
        "{e}"
    );
}

#[test]
fn merge_refuses_an_edited_sweep_shard() {
    let tmp = tempfile::tempdir().unwrap();
    let shards: Vec<PathBuf> = (0..2)
        .map(|k| {
            let out = tmp.path().join(format!("s{k}"));
            sim()
                .args([
                    "sweep",
                    "tests/data/companies.toml",
                    "--quiet",
                    "--paths",
                    "8",
                ])
                .args(["--vary", "market.demand.growth=0.3,0.4,0.5"])
                .args(["--shard", &format!("{k}/2"), "--out"])
                .arg(&out)
                .assert()
                .success();
            out
        })
        .collect();
    let csv = shards[0].join("sweep.csv");
    let original = std::fs::read_to_string(&csv).unwrap();
    // A statistic that is not a number.
    let (head, rest) = original.split_once('\n').unwrap();
    let row: Vec<&str> = rest.lines().next().unwrap().split(',').collect();
    let mut edited: Vec<String> = row.iter().map(|s| s.to_string()).collect();
    edited[3] = "=1+1".to_string();
    std::fs::write(&csv, format!("{head}\n{}\n", edited.join(","))).unwrap();
    let e = merge_fails(&[&shards[0], &shards[1]]);
    assert!(
        e.contains("s0/sweep.csv: point 0's `") && e.contains("not a number"),
        "{e}"
    );
    // A point removed.
    std::fs::write(&csv, format!("{head}\n")).unwrap();
    let e = merge_fails(&[&shards[0], &shards[1]]);
    assert!(
        e.contains("it holds points [] but its partial.json says [0, 2]"),
        "{e}"
    );
}
