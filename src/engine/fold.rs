//! Chunks' sums combined over contiguous ranges, which is what lets a run
//! be split across threads and machines and combined to the same bits.
//!
//! A [`Block`] holds the exact sums ([`CellSums`], [`ExactSum`]) of the
//! chunks `start..end`. Exact sums are integers, so merging is associative
//! and commutative: whoever computed a block, and however the chunks were
//! split into ranges, the total is the same bits. A [`Fold`] still takes
//! blocks in chunk order, so that a gap or an overlap between shards is
//! caught, and holds one block whatever the number of chunks.

use crate::stats::{CellSums, ExactSum};

/// The exact sums of every cell over a contiguous range of chunks.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// First chunk.
    pub start: u64,
    /// One past the last chunk.
    pub end: u64,
    /// Per cell (none in a Sobol design's blocks).
    pub cells: CellSums,
    /// The sensitivity sums (empty when the run has none).
    pub sens: Vec<ExactSum>,
}

impl Block {
    /// Adds sums of other chunks of the same run (exact, in any order);
    /// refuses sums of another shape or run.
    pub fn add(&mut self, cells: &CellSums, sens: &[ExactSum]) -> Result<(), String> {
        if self.sens.len() != sens.len() {
            return Err(format!(
                "{} sensitivity sums, not {}",
                sens.len(),
                self.sens.len()
            ));
        }
        self.cells.merge(cells)?;
        for (l, r) in self.sens.iter_mut().zip(sens) {
            l.merge(r);
        }
        Ok(())
    }

    /// Merges `right`, the next block, into this one.
    fn absorb(&mut self, right: &Block) -> Result<(), TilingError> {
        self.add(&right.cells, &right.sens).map_err(|e| {
            TilingError(format!(
                "the block of chunks {}..{}: {e}",
                right.start, right.end
            ))
        })?;
        self.end = right.end;
        Ok(())
    }
}

/// Why blocks could not be folded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("chunk blocks do not tile the run: {0}")]
pub struct TilingError(pub String);

/// Blocks folded in chunk order into one.
#[derive(Debug, Default)]
pub struct Fold {
    acc: Option<Block>,
    next: u64,
}

impl Fold {
    /// An empty fold whose first block must start at chunk `start`.
    pub fn new(start: u64) -> Fold {
        Fold {
            acc: None,
            next: start,
        }
    }

    /// The chunk the next block must start at.
    pub fn next(&self) -> u64 {
        self.next
    }

    /// Adds the next block.
    pub fn push(&mut self, block: Block) -> Result<(), TilingError> {
        if block.start != self.next || block.end < block.start {
            return Err(TilingError(format!(
                "expected a block starting at chunk {}, found chunks {}..{}",
                self.next, block.start, block.end
            )));
        }
        let end = block.end;
        match &mut self.acc {
            Some(acc) => acc.absorb(&block)?,
            None => self.acc = Some(block),
        }
        self.next = end;
        Ok(())
    }

    /// The one block covering everything pushed (none if nothing was).
    pub fn into_blocks(self) -> Vec<Block> {
        self.acc.into_iter().collect()
    }

    /// The cells' sums and the sensitivity sums over everything pushed.
    pub fn total(self, n_cells: usize) -> (CellSums, Vec<ExactSum>) {
        self.acc.map_or_else(
            || (CellSums::new(n_cells), Vec::new()),
            |b| (b.cells, b.sens),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::cell_sums::ChunkCell;

    fn chunk(i: u64) -> Block {
        let mut cells = CellSums::new(1);
        // Values whose float sums round differently in different orders.
        let x = 0.1 * (i as f64 + 1.0).sqrt() + 1e8;
        cells.add_chunk(
            3,
            std::iter::once(ChunkCell {
                shift: 1e8,
                sum: x,
                sum_sq: x * x,
                pair_sq: 0.25 * x * x,
                min: x,
                max: x,
            }),
        );
        let mut s = ExactSum::new();
        s.add(0.1 * i as f64);
        Block {
            start: i,
            end: i + 1,
            cells,
            sens: vec![s],
        }
    }

    /// Folding chunk by chunk, or ranges folded apart and then pushed as
    /// blocks, gives the same bits for every split.
    #[test]
    fn any_split_gives_the_same_bits() {
        for n in [1u64, 2, 5, 13, 33] {
            let mut whole = Fold::new(0);
            (0..n).for_each(|i| whole.push(chunk(i)).unwrap());
            let whole = whole.total(1);
            for cut in 0..=n {
                let mut global = Fold::new(0);
                for range in [0..cut, cut..n] {
                    let mut f = Fold::new(range.start);
                    range.for_each(|i| f.push(chunk(i)).unwrap());
                    for block in f.into_blocks() {
                        global.push(block).unwrap();
                    }
                }
                assert_eq!(global.total(1), whole);
            }
        }
    }

    #[test]
    fn gaps_and_overlaps_are_refused() {
        let mut f = Fold::new(0);
        f.push(chunk(0)).unwrap();
        assert!(f.push(chunk(2)).is_err());
        assert!(f.push(chunk(0)).is_err());
        let mut b = chunk(1);
        b.sens.clear();
        assert!(f.push(b).is_err());
    }
}
