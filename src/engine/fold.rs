//! The fixed merge tree over chunks, which is what lets a run be split
//! across machines and combined to the same bits.
//!
//! Chunk moments combine pairwise along aligned power-of-two blocks: block
//! (start, level) covers chunks `start .. start + 2^level`, with `start` a
//! multiple of `2^level`, and is the merge of its two halves. A [`Fold`]
//! takes chunks (or blocks) in order from any start and merges two
//! neighbours as soon as they are siblings, i.e. the same size and the
//! left one aligned to twice it (a binary counter). Folding a contiguous
//! range of chunks so leaves the largest aligned blocks the range holds;
//! folding those blocks, from chunk 0, gives the whole tree. Whoever
//! computed a block, and whichever way the chunks were split into ranges,
//! every block of the tree is the same merge of the same two halves, so the
//! final moments do not depend on the split. Floating-point merging is not
//! associative; a fixed tree is how the result stays bit-identical.

use crate::stats::Moments;

/// The merged moments of every cell over an aligned block of chunks.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// First chunk.
    pub start: u64,
    /// The block covers `2^level` chunks.
    pub level: u32,
    /// One per cell.
    pub moments: Vec<Moments>,
    /// The sensitivity sums (empty when the run has none).
    pub sens: Vec<f64>,
}

impl Block {
    /// Merges `right`, the next block, into this one.
    fn absorb(&mut self, right: &Block) {
        for (l, r) in self.moments.iter_mut().zip(&right.moments) {
            l.merge(r);
        }
        for (l, r) in self.sens.iter_mut().zip(&right.sens) {
            *l += r;
        }
    }
}

impl Block {
    /// One past the last chunk.
    pub fn end(&self) -> u64 {
        self.start + (1u64 << self.level)
    }
}

/// Why blocks could not be folded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("chunk blocks do not tile the run: {0}")]
pub struct TilingError(pub String);

/// Blocks folded in chunk order: a stack of aligned blocks in which no two
/// neighbours are siblings (from chunk 0: strictly decreasing levels, like
/// the set bits of a binary counter).
#[derive(Debug, Default)]
pub struct Fold {
    stack: Vec<Block>,
    next: u64,
}

impl Fold {
    /// An empty fold whose first block must start at chunk `start`.
    pub fn new(start: u64) -> Fold {
        Fold {
            stack: Vec::new(),
            next: start,
        }
    }

    /// The chunk the next block must start at.
    pub fn next(&self) -> u64 {
        self.next
    }

    /// Adds the next block, merging siblings.
    pub fn push(&mut self, block: Block) -> Result<(), TilingError> {
        if block.start != self.next {
            return Err(TilingError(format!(
                "expected a block starting at chunk {}, found one at chunk {}",
                self.next, block.start
            )));
        }
        if block.level > 62 || block.start % (1u64 << block.level) != 0 {
            return Err(TilingError(format!(
                "block at chunk {} of 2^{} chunks is not aligned",
                block.start, block.level
            )));
        }
        self.next = block.end();
        self.stack.push(block);
        while let [.., left, right] = self.stack.as_slice()
            && left.level == right.level
            && left.start % (2u64 << left.level) == 0
        {
            let right = self.stack.pop().expect("two blocks");
            let left = self.stack.last_mut().expect("two blocks");
            left.absorb(&right);
            left.level += 1;
        }
        Ok(())
    }

    /// The blocks so far, in chunk order: the largest aligned blocks that
    /// tile the chunks pushed.
    pub fn into_blocks(self) -> Vec<Block> {
        self.stack
    }

    /// The moments and sensitivity sums over everything pushed: the
    /// blocks merged from the rightmost up, a fixed order for a given
    /// chunk count when the fold started at chunk 0.
    pub fn total(self, n_cells: usize) -> (Vec<Moments>, Vec<f64>) {
        let mut acc: Option<Block> = None;
        for mut block in self.stack.into_iter().rev() {
            if let Some(right) = acc {
                block.absorb(&right);
            }
            acc = Some(block);
        }
        acc.map_or_else(
            || (vec![Moments::default(); n_cells], Vec::new()),
            |b| (b.moments, b.sens),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    /// (start, level) of the blocks a fold of `range`'s chunks leaves.
    fn aligned_blocks(range: Range<u64>) -> Vec<(u64, u32)> {
        let mut f = Fold::new(range.start);
        range.for_each(|i| f.push(chunk(i)).unwrap());
        f.into_blocks().iter().map(|b| (b.start, b.level)).collect()
    }

    #[test]
    fn aligned_blocks_tile_greedily() {
        assert_eq!(aligned_blocks(0..7), vec![(0, 2), (4, 1), (6, 0)]);
        assert_eq!(aligned_blocks(3..12), vec![(3, 0), (4, 2), (8, 2)]);
        assert_eq!(aligned_blocks(5..5), vec![]);
        assert_eq!(aligned_blocks(0..1), vec![(0, 0)]);
        for a in 0..40u64 {
            for b in a..40 {
                let blocks = aligned_blocks(a..b);
                let mut p = a;
                for (s, l) in blocks {
                    assert_eq!(s, p);
                    assert_eq!(s % (1 << l), 0);
                    p += 1 << l;
                }
                assert_eq!(p, b);
            }
        }
    }

    fn chunk(i: u64) -> Block {
        let mut m = Moments::default();
        // Values whose sums round differently in different orders.
        for k in 0..3 {
            m.push(0.1 * (i as f64 + 1.0).sqrt() + 1e8 * (k as f64));
        }
        Block {
            start: i,
            level: 0,
            moments: vec![m],
            sens: vec![0.1 * i as f64],
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
                let total = global.total(1);
                assert_eq!(total.0[0].mean().to_bits(), whole.0[0].mean().to_bits());
                assert_eq!(total.0[0].std().to_bits(), whole.0[0].std().to_bits());
                assert_eq!(total.1[0].to_bits(), whole.1[0].to_bits());
            }
        }
    }

    #[test]
    fn gaps_and_misalignment_are_refused() {
        let mut f = Fold::new(0);
        f.push(chunk(0)).unwrap();
        assert!(f.push(chunk(2)).is_err());
        let mut b = chunk(1);
        b.level = 1;
        assert!(f.push(b).is_err());
    }
}
