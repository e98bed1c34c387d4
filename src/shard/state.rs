//! `state.bin`: the engine's partial statistics of one shard, as exact
//! bits in a small little-endian format, the same on every machine.
//!
//! Layout: magic `SIMSTATE`, format `u32`, cells `u64`, chunk range
//! (`u64`, `u64`); blocks: count, then per block its chunks (`u64`, `u64`),
//! paths `u64`, cells `u64` and per cell the shift, min and max (`f64`
//! bits) and three exact sums; then the sensitivity sums (count `u64`, then
//! exact sums). An exact sum ([`ExactSum::to_raw`]) is its non-finite part
//! (`f64` bits), base and digit count (varints) and its digits (zigzag
//! varints). Per cell a histogram:
//! first key `i64`, non-finite count `u64`, length `u64`, counts as
//! LEB128 varints;
//! samples: count `u64`, then `f64` bits. Decoding checks every length
//! against the bytes left, so a damaged file is an error, never a panic.

use crate::engine::{Block, Partial};
use crate::stats::{CellSums, ExactSum, LogHistogram};

const MAGIC: &[u8; 8] = b"SIMSTATE";
/// 3: exact sums (2 held merged moments).
const FORMAT: u32 = 3;

/// Encodes a partial result.
pub fn encode(p: &Partial) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    let n_cells = p.histograms.len() as u64;
    for x in [n_cells, p.chunks.start, p.chunks.end, p.blocks.len() as u64] {
        out.extend_from_slice(&x.to_le_bytes());
    }
    for b in &p.blocks {
        let c = &b.cells;
        for x in [b.start, b.end, c.n, c.len() as u64] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        for i in 0..c.len() {
            for x in [c.shift[i], c.min[i], c.max[i]] {
                out.extend_from_slice(&x.to_bits().to_le_bytes());
            }
            for sum in [&c.sum[i], &c.sum_sq[i], &c.pair_sq[i]] {
                put_exact(&mut out, sum);
            }
        }
        out.extend_from_slice(&(b.sens.len() as u64).to_le_bytes());
        for x in &b.sens {
            put_exact(&mut out, x);
        }
    }
    for h in &p.histograms {
        let (lo, counts, nonfinite) = h.to_raw();
        out.extend_from_slice(&lo.to_le_bytes());
        out.extend_from_slice(&nonfinite.to_le_bytes());
        out.extend_from_slice(&(counts.len() as u64).to_le_bytes());
        for c in counts {
            put_varint(&mut out, c);
        }
    }
    out.extend_from_slice(&(p.samples.len() as u64).to_le_bytes());
    for x in &p.samples {
        out.extend_from_slice(&x.to_bits().to_le_bytes());
    }
    out
}

/// An exact sum's canonical raw form.
fn put_exact(out: &mut Vec<u8>, sum: &ExactSum) {
    let (special, base, digits) = sum.to_raw();
    out.extend_from_slice(&special.to_bits().to_le_bytes());
    put_varint(out, u64::from(base));
    put_varint(out, digits.len() as u64);
    for d in digits {
        // Zigzag: small magnitudes of either sign take few bytes.
        put_varint(out, ((d << 1) ^ (d >> 63)) as u64);
    }
}

/// LEB128: seven bits a byte, low first; most counts take one byte.
fn put_varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        if self.bytes.len() < N {
            return Err("the file ends early (truncated?)".to_string());
        }
        let (head, rest) = self.bytes.split_at(N);
        self.bytes = rest;
        Ok(head.try_into().expect("N bytes"))
    }
    fn u32(&mut self) -> Result<u32, String> {
        self.take().map(u32::from_le_bytes)
    }
    /// A bucket count: below 2^40, so at most six bytes.
    fn varint(&mut self) -> Result<u64, String> {
        let mut x: u64 = 0;
        for shift in (0..42).step_by(7) {
            let [b] = self.take::<1>()?;
            x |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return if x < 1 << 40 {
                    Ok(x)
                } else {
                    Err("a count is 2^40 or more".to_string())
                };
            }
        }
        Err("a count is longer than six bytes".to_string())
    }
    fn u64(&mut self) -> Result<u64, String> {
        self.take().map(u64::from_le_bytes)
    }
    /// An exact sum ([`put_exact`]), checked to be one.
    fn exact(&mut self) -> Result<ExactSum, String> {
        let special = f64::from_bits(self.u64()?);
        let base = u32::try_from(self.varint()?).map_err(|_| "an exact sum's base is too large")?;
        let len = self.varint()?;
        if len > 68 {
            return Err(format!("an exact sum of {len} digits"));
        }
        let digits = (0..len)
            .map(|_| self.varint().map(|z| ((z >> 1) as i64) ^ -((z & 1) as i64)))
            .collect::<Result<Vec<_>, _>>()?;
        ExactSum::from_raw(special, base, digits)
    }
    /// A count of items of `size` bytes each, checked against what is left.
    fn len(&mut self, size: usize) -> Result<usize, String> {
        let n = self.u64()?;
        if n.saturating_mul(size as u64) > self.bytes.len() as u64 {
            return Err(format!("a length of {n} is beyond the end of the file"));
        }
        Ok(n as usize)
    }
}

/// Decodes a partial result written by [`encode`].
pub fn decode(bytes: &[u8]) -> Result<Partial, String> {
    let mut r = Reader { bytes };
    if &r.take::<8>()? != MAGIC {
        return Err("not a sim state file (wrong magic bytes)".to_string());
    }
    let format = r.u32()?;
    if format != FORMAT {
        return Err(format!(
            "state format {format}, but this sim reads format {FORMAT}; rerun the shard with this sim"
        ));
    }
    let n_cells = r.len(8)?;
    let chunks = r.u64()?..r.u64()?;
    let n_blocks = r.len(40)?;
    let mut blocks = Vec::with_capacity(n_blocks);
    for _ in 0..n_blocks {
        let (start, end, n) = (r.u64()?, r.u64()?, r.u64()?);
        let cells_held = r.len(3 * 8 + 3 * 10)?;
        let mut cells = CellSums::new(cells_held);
        cells.n = n;
        for i in 0..cells_held {
            cells.shift[i] = f64::from_bits(r.u64()?);
            cells.min[i] = f64::from_bits(r.u64()?);
            cells.max[i] = f64::from_bits(r.u64()?);
            cells.sum[i] = r.exact()?;
            cells.sum_sq[i] = r.exact()?;
            cells.pair_sq[i] = r.exact()?;
        }
        let n_sens = r.len(10)?;
        let sens = (0..n_sens)
            .map(|_| r.exact())
            .collect::<Result<Vec<_>, _>>()?;
        blocks.push(Block {
            start,
            end,
            cells,
            sens,
        });
    }
    let mut histograms = Vec::with_capacity(n_cells);
    for _ in 0..n_cells {
        let lo = r.u64()? as i64;
        let nonfinite = r.u64()?;
        let len = r.len(1)?;
        let counts = (0..len)
            .map(|_| r.varint())
            .collect::<Result<Vec<_>, _>>()?;
        histograms.push(LogHistogram::from_raw(lo, &counts, nonfinite)?);
    }
    let n_samples = r.len(8)?;
    let samples = (0..n_samples)
        .map(|_| r.u64().map(f64::from_bits))
        .collect::<Result<Vec<_>, _>>()?;
    if !r.bytes.is_empty() {
        return Err(format!("{} stray bytes after the end", r.bytes.len()));
    }
    Ok(Partial {
        chunks,
        blocks,
        histograms,
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Partial {
        use crate::stats::cell_sums::ChunkCell;
        let exact = |xs: &[f64]| {
            let mut s = ExactSum::new();
            xs.iter().for_each(|&x| s.add(x));
            s
        };
        let mut cells = CellSums::new(2);
        let cell = |x: f64| ChunkCell {
            shift: 1.5,
            sum: x,
            sum_sq: x * x,
            pair_sq: -x,
            min: -x,
            max: x,
        };
        cells.add_chunk(3, [cell(1e300), cell(-2.5e-300)].into_iter());
        cells.add_chunk(3, [cell(-1.0), cell(7.0)].into_iter());
        let mut h = LogHistogram::new();
        [1.5, -2.0, 0.0].iter().for_each(|x| h.insert(*x));
        Partial {
            chunks: 4..7,
            blocks: vec![Block {
                start: 4,
                end: 7,
                cells,
                sens: vec![exact(&[0.5, -3.0]), exact(&[]), exact(&[f64::INFINITY])],
            }],
            histograms: vec![h, LogHistogram::new()],
            samples: vec![0.1, -0.0, f64::MAX],
        }
    }

    #[test]
    fn round_trips_exactly() {
        let p = sample();
        let bytes = encode(&p);
        let q = decode(&bytes).unwrap();
        assert_eq!(encode(&q), bytes);
        assert_eq!(q.blocks, p.blocks);
        assert_eq!(q.chunks, p.chunks);
        assert_eq!(q.samples[1].to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn damage_is_an_error_not_a_panic() {
        let bytes = encode(&sample());
        for cut in 0..bytes.len() {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(decode(&extra).unwrap_err().contains("stray"));
        let mut bad = bytes;
        bad[0] = b'X';
        assert!(decode(&bad).unwrap_err().contains("magic"));
    }
}
