//! `tornado.csv`: one-at-a-time swings read off a tornado's `sweep.csv`
//! (point 0 at the base, points 2i + 1 and 2i + 2 with input i low and
//! high). Every probability column and every key metric's median is an
//! output.

use super::fmt_f64;
use std::io::{self, Write};

/// One swung input: its path and its base, low and high values.
#[derive(Debug, Clone, PartialEq)]
pub struct SwingInput {
    pub path: String,
    pub base: f64,
    pub low: f64,
    pub high: f64,
}

/// One output's value at the base and with each input low and high.
#[derive(Debug, Clone, PartialEq)]
pub struct SwingOutput {
    /// `entity.event.probability`, `threshold.name.probability` or
    /// `industry.metric.p50`.
    pub name: String,
    pub base: f64,
    /// Per input: (at low, at high, standard error at low, at high); the
    /// errors are NaN for medians.
    pub swings: Vec<(f64, f64, f64, f64)>,
}

impl SwingOutput {
    /// Input indices by the size of their swing, largest first.
    pub fn ranked(&self) -> Vec<usize> {
        super::largest_first(self.swings.len(), |i| {
            let (l, h, _, _) = self.swings[i];
            (h - l).abs()
        })
    }
}

/// Reads the outputs of a tornado's sweep table of `k` inputs.
pub fn swing_table(
    header: &[String],
    rows: &[Vec<String>],
    k: usize,
) -> Result<Vec<SwingOutput>, String> {
    if rows.len() != 2 * k + 1 {
        return Err(format!("{} points, expected {}", rows.len(), 2 * k + 1));
    }
    let cell = |r: usize, c: usize| -> Result<f64, String> {
        let s = rows[r].get(c).map_or("", |s| s.as_str());
        if s.is_empty() {
            return Ok(f64::NAN);
        }
        s.parse()
            .map_err(|_| format!("point {r}'s `{}` is not a number: {s:?}", header[c]))
    };
    let mut out = Vec::new();
    for (c, name) in header.iter().enumerate() {
        // The point's coordinates are inputs, not outputs.
        if name.starts_with("param_") {
            continue;
        }
        let se = if name.ends_with(".probability") {
            let se_name = name.replace(".probability", ".std_error");
            header.iter().position(|h| *h == se_name)
        } else if name.ends_with(".p50") {
            None
        } else {
            continue;
        };
        let se_at = |r: usize| se.map_or(Ok(f64::NAN), |s| cell(r, s));
        let mut swings = Vec::with_capacity(k);
        for i in 0..k {
            let (lo, hi) = (2 * i + 1, 2 * i + 2);
            swings.push((cell(lo, c)?, cell(hi, c)?, se_at(lo)?, se_at(hi)?));
        }
        out.push(SwingOutput {
            name: name.clone(),
            base: cell(0, c)?,
            swings,
        });
    }
    Ok(out)
}

/// Writes one row per output and input, inputs ranked by their swing.
pub fn write_swings(
    w: &mut dyn Write,
    table: &[SwingOutput],
    inputs: &[SwingInput],
) -> io::Result<()> {
    let mut csv = super::cells::Writer::from_writer(w);
    csv.write_record([
        "output",
        "input",
        "rank",
        "input_low",
        "input_base",
        "input_high",
        "output_low",
        "output_base",
        "output_high",
        "swing",
        "swing_se_bound",
    ])?;
    for o in table {
        for (rank, i) in o.ranked().into_iter().enumerate() {
            let (l, h, sl, sh) = o.swings[i];
            let x = &inputs[i];
            // Common random numbers make the two runs' errors correlate
            // positively, so this independent-runs bound is conservative.
            let bound = (sl * sl + sh * sh).sqrt();
            csv.write_record([
                o.name.clone(),
                x.path.clone(),
                (rank + 1).to_string(),
                fmt_f64(x.low),
                fmt_f64(x.base),
                fmt_f64(x.high),
                fmt_f64(l),
                fmt_f64(o.base),
                fmt_f64(h),
                fmt_f64(h - l),
                fmt_f64(bound),
            ])?;
        }
    }
    csv.flush()
}
