//! `state.bin`: the engine's partial statistics of one shard, as exact
//! bits in a small little-endian format, the same on every machine.
//!
//! Layout: magic `SIMSTATE`, format `u32`, cells `u64`, chunk range
//! (`u64`, `u64`); blocks: count, then per block start `u64`, level `u32`,
//! 7 × `u64` per cell ([`Moments::to_raw`]) and the sensitivity sums
//! (count `u64`, then `f64` bits); per cell a histogram:
//! first key `i64`, non-finite count `u64`, length `u64`, counts as
//! LEB128 varints;
//! samples: count `u64`, then `f64` bits. Decoding checks every length
//! against the bytes left, so a damaged file is an error, never a panic.

use crate::engine::{Block, Partial};
use crate::stats::{LogHistogram, Moments};

const MAGIC: &[u8; 8] = b"SIMSTATE";
const FORMAT: u32 = 2;

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
        out.extend_from_slice(&b.start.to_le_bytes());
        out.extend_from_slice(&b.level.to_le_bytes());
        for m in &b.moments {
            for x in m.to_raw() {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        out.extend_from_slice(&(b.sens.len() as u64).to_le_bytes());
        for x in &b.sens {
            out.extend_from_slice(&x.to_bits().to_le_bytes());
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
            "state format {format}, but this sim reads format {FORMAT}"
        ));
    }
    let n_cells = r.len(8)?;
    let chunks = r.u64()?..r.u64()?;
    let n_blocks = r.len(12 + 56 * n_cells)?;
    let mut blocks = Vec::with_capacity(n_blocks);
    for _ in 0..n_blocks {
        let start = r.u64()?;
        let level = r.u32()?;
        let moments = (0..n_cells)
            .map(|_| {
                let mut raw = [0u64; 7];
                for x in &mut raw {
                    *x = r.u64()?;
                }
                Ok(Moments::from_raw(raw))
            })
            .collect::<Result<Vec<_>, String>>()?;
        let n_sens = r.len(8)?;
        let sens = (0..n_sens)
            .map(|_| r.u64().map(f64::from_bits))
            .collect::<Result<Vec<_>, _>>()?;
        blocks.push(Block {
            start,
            level,
            moments,
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
        let mut m = Moments::default();
        [1.5, -2.0, 1e300].iter().for_each(|x| m.push(*x));
        let mut h = LogHistogram::new();
        [1.5, -2.0, 0.0].iter().for_each(|x| h.insert(*x));
        Partial {
            chunks: 4..7,
            blocks: vec![
                Block {
                    start: 4,
                    level: 1,
                    moments: vec![m, Moments::default()],
                    sens: vec![0.5, -3.0],
                },
                Block {
                    start: 6,
                    level: 0,
                    moments: vec![Moments::default(), m],
                    sens: vec![1.0, 2.0],
                },
            ],
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
