//! Shards: which share of a run or a sweep one machine does
//! (`--shard K/N`), and the partial results it leaves for `sim merge`.
//!
//! A sweep's points go to shards round robin (point `i` to shard
//! `i mod N`); a single run's chunks go to shards as `N` contiguous ranges.
//! Either way each point and each path is computed exactly as in the
//! unsharded job, and the engine's exact sums make the combined statistics
//! bit-identical to it. A partial folder holds `partial.json`
//! (what was run, which shard, the report's metadata) and, for a run,
//! `state.bin` (the engine's partial statistics, exact bits).

pub mod partial;
pub mod state;

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

/// Shard `index` of `count`, counting from 0 like `SLURM_ARRAY_TASK_ID`
/// (with `--array=0-(N-1)`) and Kubernetes' `JOB_COMPLETION_INDEX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// The whole job as one shard.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// This shard's contiguous share of `n` chunks.
    pub fn chunks(&self, n: u64) -> Range<u64> {
        let at = |k: u64| (k as u128 * n as u128 / self.count as u128) as u64;
        at(self.index)..at(self.index + 1)
    }

    /// Whether point `i` of a sweep is this shard's.
    pub fn owns_point(&self, i: usize) -> bool {
        i as u64 % self.count == self.index
    }

    /// The folder name a shard's partial result gets by default.
    pub fn dir_name(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "`{s}` is not a shard: expected K/N with 0 ≤ K < N, e.g. 0/4 for the first of four (K counts from 0, like SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX)"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (
            k.trim().parse::<u64>().map_err(|_| bad())?,
            n.trim().parse::<u64>().map_err(|_| bad())?,
        );
        if count == 0 {
            return Err(format!("`{s}`: the number of shards N must be at least 1"));
        }
        if index >= count {
            return Err(format!(
                "`{s}`: shard K must be below N (shards count from 0: 0/{count} … {}/{count})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(
            "2/7".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 7 }
        );
        assert!("7/7".parse::<Shard>().unwrap_err().contains("below N"));
        assert!("1/0".parse::<Shard>().unwrap_err().contains("at least 1"));
        assert!("a/3".parse::<Shard>().unwrap_err().contains("K/N"));
        assert!("3".parse::<Shard>().unwrap_err().contains("K/N"));
    }

    #[test]
    fn chunk_ranges_tile_and_points_go_round_robin() {
        for n in [0u64, 1, 5, 98, 1000] {
            for count in [1u64, 2, 3, 7, 200] {
                let mut next = 0;
                for index in 0..count {
                    let r = Shard { index, count }.chunks(n);
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, n);
            }
        }
        let s = Shard { index: 1, count: 3 };
        let mine: Vec<usize> = (0..10).filter(|&i| s.owns_point(i)).collect();
        assert_eq!(mine, [1, 4, 7]);
    }
}
