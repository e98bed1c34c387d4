//! Parameter sweeps: axes (`PATH=v1,v2` lists and `PATH=LO:HI:STEPS`
//! ranges), their expansion into an ordered, capped list of points, and
//! Latin hypercube designs over ranges.
//!
//! A point is a list of `--set` values, one per axis, as text: the sweep
//! runs each point exactly as `sim run --set PATH=VALUE …` would, so the
//! text is the value. Range steps are computed in exact decimal arithmetic
//! (`0.1:0.3:3` gives the texts `0.1`, `0.2`, `0.3`, never
//! `0.30000000000000004`); a step that does not terminate is rounded to 15
//! significant digits, which an `f64` holds exactly as written. This module
//! knows nothing of scenarios, models or files.

mod decimal;
mod lhs;

pub use lhs::latin_hypercube;

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

/// Points a sweep may expand to unless the user raises the cap.
pub const DEFAULT_MAX_POINTS: usize = 10_000;

/// One swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted scenario path, as for `--set`.
    pub path: String,
    pub values: AxisValues,
}

/// The values an axis takes.
#[derive(Debug, Clone, PartialEq)]
pub enum AxisValues {
    /// Values as typed, in order.
    List(Vec<String>),
    /// `LO:HI:STEPS` (a grid of STEPS values, both ends included) or
    /// `LO:HI` (a range for a Latin hypercube).
    Range {
        lo: Decimal,
        hi: Decimal,
        steps: Option<u64>,
    },
}

impl fmt::Display for Axis {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.values {
            AxisValues::List(v) => write!(f, "{}={}", self.path, v.join(",")),
            AxisValues::Range { lo, hi, steps } => match steps {
                Some(s) => write!(f, "{}={lo}:{hi}:{s}", self.path),
                None => write!(f, "{}={lo}:{hi}", self.path),
            },
        }
    }
}

impl Axis {
    /// Parses the part after `PATH=`: `LO:HI:STEPS`, `LO:HI`, or a
    /// comma-separated list of values (commas inside `{}`, `[]` or quotes
    /// do not split).
    pub fn parse(path: &str, spec: &str) -> Result<Axis, String> {
        let path = path.trim();
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!(
                "`{path}` is not a dotted path such as lab.OpenAI.hazard"
            ));
        }
        let spec = spec.trim();
        if spec.is_empty() {
            return Err(format!(
                "no values for {path}: give a list (0.02,0.05,0.1) or a range LO:HI:STEPS (0.02:0.2:10)"
            ));
        }
        let is_range = spec.contains(':') && !spec.starts_with(['{', '[', '"', '\'']);
        let values = if is_range {
            let parts: Vec<&str> = spec.split(':').map(str::trim).collect();
            let (lo, hi, steps) = match parts.as_slice() {
                [lo, hi] => (lo, hi, None),
                [lo, hi, steps] => (lo, hi, Some(*steps)),
                _ => {
                    return Err(format!(
                        "`{spec}` for {path} is not a range: expected LO:HI:STEPS (e.g. 0.02:0.2:10) or, with --lhs, LO:HI"
                    ));
                }
            };
            let bound = |s: &str, what: &str| {
                decimal::parse(s).map_err(|e| {
                    format!("{what} `{s}` of the range for {path} is not a number: {e}")
                })
            };
            let (lo, hi) = (bound(lo, "LO")?, bound(hi, "HI")?);
            let steps = match steps {
                None => None,
                Some(s) => Some(s.parse::<u64>().map_err(|_| {
                    format!(
                        "STEPS `{s}` of the range for {path} is not a whole number of points (e.g. 0.02:0.2:10)"
                    )
                })?),
            };
            match steps {
                Some(0) => {
                    return Err(format!(
                        "the range {spec} for {path} has zero steps; STEPS counts the points, both ends included, so use at least 2"
                    ));
                }
                Some(1) if lo != hi => {
                    return Err(format!(
                        "the range {spec} for {path} has one step, which cannot reach from {lo} to {hi}; use at least 2 steps, or give the single value"
                    ));
                }
                Some(s) if s > 1 && lo == hi => {
                    return Err(format!(
                        "the range {spec} for {path} is empty (LO equals HI), so its {s} points would all be {lo}; give two different ends"
                    ));
                }
                None if lo == hi => {
                    return Err(format!(
                        "the range {spec} for {path} is empty (LO equals HI); give two different ends"
                    ));
                }
                _ => {}
            }
            AxisValues::Range { lo, hi, steps }
        } else {
            let values = split_list(spec);
            if let Some(i) = values.iter().position(|v| v.is_empty()) {
                return Err(format!(
                    "value {} of the list `{spec}` for {path} is empty",
                    i + 1
                ));
            }
            AxisValues::List(values)
        };
        Ok(Axis {
            path: path.to_string(),
            values,
        })
    }

    /// The grid values of this axis, as text.
    pub fn grid_values(&self) -> Result<Vec<String>, String> {
        match &self.values {
            AxisValues::List(v) => Ok(v.clone()),
            AxisValues::Range {
                steps: None,
                lo,
                hi,
                ..
            } => Err(format!(
                "the range {lo}:{hi} for {} has no STEPS; a grid needs LO:HI:STEPS (a range without steps is for --lhs)",
                self.path
            )),
            AxisValues::Range {
                lo,
                hi,
                steps: Some(steps),
            } => decimal::steps(*lo, *hi, *steps).map_err(|e| format!("{}: {e}", self.path)),
        }
    }

    /// Number of grid values (without expanding them).
    fn grid_len(&self) -> Result<u64, String> {
        match &self.values {
            AxisValues::List(v) => Ok(v.len() as u64),
            AxisValues::Range { steps: Some(s), .. } => Ok(*s),
            AxisValues::Range { .. } => self.grid_values().map(|v| v.len() as u64),
        }
    }
}

impl FromStr for Axis {
    type Err = String;
    /// `PATH=SPEC`, as given to `--vary`.
    fn from_str(s: &str) -> Result<Axis, String> {
        let (path, spec) = s.split_once('=').ok_or_else(|| {
            format!(
                "expected PATH=VALUES, e.g. lab.OpenAI.hazard=0.02,0.05,0.1 or lab.OpenAI.hazard=0.02:0.2:10; found `{s}`"
            )
        })?;
        Axis::parse(path, spec)
    }
}

/// Splits a list at commas that are not inside braces, brackets or quotes.
fn split_list(spec: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, c) in spec.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(spec[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(spec[start..].trim().to_string());
    out
}

/// What to run: the axes and, for a Latin hypercube, its number of
/// points; or an explicit list of points over the axes (a one-at-a-time
/// tornado's design), each a value per axis.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Design {
    pub axes: Vec<Axis>,
    pub lhs: Option<usize>,
    pub list: Option<Vec<Vec<String>>>,
}

impl fmt::Display for Design {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let axes: Vec<String> = self.axes.iter().map(|a| a.to_string()).collect();
        match (&self.list, self.lhs) {
            (Some(points), _) => {
                let paths: Vec<&str> = self.axes.iter().map(|a| a.path.as_str()).collect();
                write!(
                    f,
                    "list of {} points over {}",
                    points.len(),
                    paths.join(" ")
                )
            }
            (None, Some(n)) => write!(f, "Latin hypercube of {n} points over {}", axes.join(" ")),
            (None, None) => write!(f, "grid over {}", axes.join(" ")),
        }
    }
}

impl Design {
    /// Every point in order, each a value per axis. A grid is the cross
    /// product with the first axis outermost (the last varies fastest); a
    /// Latin hypercube draws its points from `rng`. Fails on an empty
    /// design, a repeated path, or more than `cap` points.
    pub fn expand(&self, cap: usize, rng: &mut impl rand::Rng) -> Result<Vec<Vec<String>>, String> {
        if self.axes.is_empty() {
            return Err(
                "nothing to sweep: give --vary PATH=VALUES (repeatable) or a [sweep] table in the scenario"
                    .to_string(),
            );
        }
        for (i, a) in self.axes.iter().enumerate() {
            if self.axes[..i].iter().any(|b| b.path == a.path) {
                return Err(format!(
                    "{} is swept twice; give each path once (list every value in one --vary)",
                    a.path
                ));
            }
        }
        if let Some(points) = &self.list {
            if points.len() > cap {
                return Err(format!(
                    "{} points are above the cap of {cap} points; raise --max-points",
                    points.len()
                ));
            }
            return Ok(points.clone());
        }
        if let Some(n) = self.lhs {
            if n == 0 {
                return Err("--lhs needs at least 1 point".to_string());
            }
            if n > cap {
                return Err(format!(
                    "a Latin hypercube of {n} points is above the cap of {cap} points; ask for fewer or raise --max-points"
                ));
            }
            return latin_hypercube(&self.axes, n, rng);
        }
        let mut total: u64 = 1;
        let mut sizes = Vec::new();
        for a in &self.axes {
            let len = a.grid_len()?;
            sizes.push(format!("{len}"));
            total = total.saturating_mul(len);
        }
        if total > cap as u64 {
            return Err(format!(
                "the grid has {total} points ({}), above the cap of {cap}; use fewer values or steps, or raise --max-points",
                sizes.join(" × ")
            ));
        }
        let axes: Vec<Vec<String>> = self
            .axes
            .iter()
            .map(Axis::grid_values)
            .collect::<Result<_, _>>()?;
        let mut points: Vec<Vec<String>> = vec![Vec::new()];
        for values in &axes {
            points = points
                .into_iter()
                .flat_map(|p| {
                    values.iter().map(move |v| {
                        let mut q = p.clone();
                        q.push(v.clone());
                        q
                    })
                })
                .collect();
        }
        Ok(points)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng() -> rand_xoshiro::Xoshiro256PlusPlus {
        rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7)
    }

    fn grid(specs: &[&str]) -> Result<Vec<Vec<String>>, String> {
        let axes = specs
            .iter()
            .map(|s| s.parse::<Axis>())
            .collect::<Result<Vec<_>, _>>()?;
        Design {
            axes,
            lhs: None,
            list: None,
        }
        .expand(DEFAULT_MAX_POINTS, &mut rng())
    }

    #[test]
    fn decimal_steps_are_exact() {
        let g = grid(&["a.b=0.1:0.3:3"]).unwrap();
        assert_eq!(g, [["0.1"], ["0.2"], ["0.3"]]);
        let parsed: Vec<f64> = g.iter().map(|p| p[0].parse().unwrap()).collect();
        assert_eq!(parsed, [0.1, 0.2, 0.3]);
        assert_eq!(
            grid(&["a.b=-0.45:-0.10:8"]).unwrap().concat(),
            [
                "-0.45", "-0.4", "-0.35", "-0.3", "-0.25", "-0.2", "-0.15", "-0.1"
            ]
        );
        assert_eq!(grid(&["a.b=3:6:4"]).unwrap().concat(), ["3", "4", "5", "6"]);
        assert_eq!(
            grid(&["a.b=0:1:4"]).unwrap().concat(),
            ["0", "0.333333333333333", "0.666666666666667", "1"]
        );
        assert_eq!(
            grid(&["a.b=1e-3:3e-3:3"]).unwrap().concat(),
            ["0.001", "0.002", "0.003"]
        );
        // Descending ranges run from LO to HI.
        assert_eq!(
            grid(&["a.b=0.3:0.1:3"]).unwrap().concat(),
            ["0.3", "0.2", "0.1"]
        );
        assert_eq!(grid(&["a.b=0.02:0.2:10"]).unwrap()[9], ["0.2"]);
    }

    #[test]
    fn cross_product_order_last_axis_fastest() {
        let g = grid(&[
            "a.x=1,2",
            "a.y=0.1:0.2:2",
            "a.z={dist = \"normal\", mean = 1, sd = 0.1},3",
        ])
        .unwrap();
        assert_eq!(g.len(), 8);
        assert_eq!(
            g[0],
            ["1", "0.1", "{dist = \"normal\", mean = 1, sd = 0.1}"]
        );
        assert_eq!(g[1], ["1", "0.1", "3"]);
        assert_eq!(
            g[2],
            ["1", "0.2", "{dist = \"normal\", mean = 1, sd = 0.1}"]
        );
        assert_eq!(g[7], ["2", "0.2", "3"]);
    }

    #[test]
    fn bad_grids_are_refused_with_reasons() {
        let err = |s: &[&str]| grid(s).unwrap_err();
        assert!(
            err(&["a.b=0.1:0.3:0"]).contains("zero steps"),
            "{}",
            err(&["a.b=0.1:0.3:0"])
        );
        assert!(err(&["a.b=0.1:0.1:5"]).contains("empty"));
        assert!(err(&["a.b=0.1:0.3:1"]).contains("one step"));
        assert!(err(&["a.b=0.1:0.3"]).contains("no STEPS"));
        assert!(err(&["a.b=0.1:x:3"]).contains("HI `x`"));
        assert!(err(&["a.b=0.1:0.3:2.5"]).contains("whole number"));
        assert!(err(&["a.b=1,,2"]).contains("empty"));
        assert!(err(&["a.b="]).contains("no values"));
        assert!(err(&["a.b=1", "a.b=2"]).contains("twice"));
        assert!(err(&["novalue"]).contains("PATH=VALUES"));
        let big = err(&["a.x=0:1:200", "a.y=0:1:200"]);
        assert!(
            big.contains("40000 points (200 × 200)") && big.contains("--max-points"),
            "{big}"
        );
        assert!(
            Design::default()
                .expand(10, &mut rng())
                .unwrap_err()
                .contains("nothing to sweep")
        );
        assert_eq!(grid(&["a.b=5:5:1"]).unwrap(), [["5"]]);
    }
}
