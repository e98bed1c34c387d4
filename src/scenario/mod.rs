//! Scenarios: the TOML file a user writes, checked and turned into the
//! domain `Scenario` the model is built from.
//!
//! Two stages, as in ripgrep's `LowArgs → HiArgs`: `raw` mirrors the file
//! with serde (unknown keys rejected, spans kept), `validate` turns it into
//! the types below and reports every problem with file, line, column and key.
//! `overrides` applies `--set PATH=VALUE` before either stage. Nothing here
//! draws random numbers or touches threads.

pub mod companies;
mod describe;
pub mod diagnostic;
pub mod explain;
pub mod facts;
pub mod inherit;
pub mod overrides;
pub mod param;
pub mod provenance;
pub mod raw;
pub mod schema;
mod validate;

use crate::number;
use crate::quarter::Quarter;
pub use companies::{Commitment, Hyperscaler, Industry, Lab};
pub use describe::describe;
pub use diagnostic::{Diagnostic, Diagnostics, Source};
use ndarray::Array2;
pub use overrides::Override;
pub use param::{Dist, Param};
use std::path::Path;

/// The named shocks that the correlation matrix ranges over, in matrix order.
pub const SHOCKS: [&str; 6] = [
    "rates",
    "gpu_price",
    "hbm_price",
    "demand",
    "lab_revenue",
    "core_ocf",
];

/// The regime state that lab contagion moves to and in which high-yield
/// issuers lose market access.
pub const BUST: &str = "bust";

/// The largest path count: histogram counters are 32-bit.
pub const MAX_PATHS: u64 = u32::MAX as u64;

/// A validated scenario. Build it with [`load`] or [`from_text`].
#[derive(Debug, Clone)]
pub struct Scenario {
    pub simulation: Simulation,
    pub market: Market,
    pub correlation: Correlation,
    /// Present whenever there are hyperscalers.
    pub industry: Option<Industry>,
    pub hyperscalers: Vec<Hyperscaler>,
    pub labs: Vec<Lab>,
    pub contracts: Vec<companies::Contract>,
    pub thresholds: Vec<Threshold>,
    /// Published back-of-envelope figures (`[[hurdle]]`); the model ignores them.
    pub hurdles: Vec<Hurdle>,
    /// What `sim sweep` varies when no `--vary` is given (`[sweep]`).
    pub sweep: Option<crate::sweep::Design>,
    /// Where every value comes from; the model ignores it.
    pub provenance: Provenance,
}

impl Scenario {
    /// The text the scenario was built from: `file_text` itself, or for a
    /// scenario that `extends` another, the resolved document (so a
    /// manifest's hash changes when a parent does).
    pub fn resolved_text<'a>(&'a self, file_text: &'a str) -> &'a str {
        self.provenance
            .inherited
            .as_ref()
            .map_or(file_text, |r| r.text.as_str())
    }
}

/// `[[hurdle]]`: a published figure and the factors it is the product of,
/// e.g. Sequoia's $600B = $150B of GPU run-rate × 2 × 2.
#[derive(Debug, Clone)]
pub struct Hurdle {
    pub name: String,
    pub factors: Vec<f64>,
    pub published: f64,
    pub unit: String,
    /// Where `published` is written, for the warning when the product differs.
    pub span: std::ops::Range<usize>,
}

impl Hurdle {
    /// The product of the factors, in order.
    pub fn computed(&self) -> f64 {
        self.factors.iter().product()
    }

    /// Whether the product reproduces the published figure to the dollar
    /// (figures are in billions, so within half a dollar is 5e-10).
    pub fn reproduced(&self) -> bool {
        (self.computed() - self.published).abs() <= 5e-10
    }
}

/// Where a scenario's values come from: its citations, the fact table they
/// refer to, every value's path and unit, and the warnings found.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    /// `facts = "…"` as written and where.
    pub facts_key: Option<(String, std::ops::Range<usize>)>,
    pub facts: Option<facts::FactTable>,
    pub cited: Vec<provenance::Cited>,
    /// Every value in file order.
    pub leaves: Vec<provenance::Leaf>,
    /// Unit of each checked parameter, by dotted path.
    pub units: std::collections::BTreeMap<String, &'static str>,
    /// Paths set on the command line.
    pub overridden: Vec<String>,
    /// Cited values that differ from their facts; hurdles not reproduced.
    pub warnings: Vec<Diagnostic>,
    /// For a scenario that `extends` another: the resolved text and the
    /// file each value came from.
    pub inherited: Option<inherit::Resolved>,
}
/// `[[threshold]]`: a test on a metric path, e.g. annualized industry AI
/// revenue ≥ 650 by 2030Q4.
#[derive(Debug, Clone)]
pub struct Threshold {
    pub name: String,
    /// Dotted metric path: the entity, a dot, the metric (`market.compute_spend`).
    pub metric: String,
    /// Line and column of `metric` in the file, for errors found later
    /// (whether the metric exists is known only once the model is built).
    pub metric_position: Option<(usize, usize)>,
    pub window: Window,
    pub op: Op,
    pub value: Param,
    /// The first and last quarters that count, as simulated quarter indices.
    pub from_idx: usize,
    pub by_idx: usize,
}

/// How a metric's quarterly values are combined before the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The quarter's value as recorded.
    Quarter,
    /// The quarter's value × 4 (for quarterly flows).
    Annualized,
    /// The sum of the last four quarters (fewer at the start).
    Ttm,
    /// The sum since the first simulated quarter.
    Cumulative,
}

impl Window {
    pub const NAMES: [&'static str; 4] = ["quarter", "annualized", "ttm", "cumulative"];

    pub fn name(self) -> &'static str {
        Window::NAMES[self as usize]
    }
}

/// The comparison a threshold makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
}

impl Op {
    pub const SYMBOLS: [&'static str; 4] = [">=", ">", "<=", "<"];

    pub fn symbol(self) -> &'static str {
        Op::SYMBOLS[self as usize]
    }

    /// Whether `x op value` holds.
    #[inline]
    pub fn holds(self, x: f64, value: f64) -> bool {
        match self {
            Op::Ge => x >= value,
            Op::Gt => x > value,
            Op::Le => x <= value,
            Op::Lt => x < value,
        }
    }
}

/// `[simulation]`: horizon, path count, seed.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub start: Quarter,
    pub n_quarters: usize,
    pub n_paths: u64,
    pub seed: u64,
    pub antithetic: bool,
}

impl Simulation {
    /// The simulated quarters, in order.
    pub fn quarters(&self) -> Vec<Quarter> {
        (0..self.n_quarters as i64)
            .map(|i| self.start.plus(i))
            .collect()
    }
}

/// `[market]`: the market layer's processes.
#[derive(Debug, Clone)]
pub struct Market {
    pub rates: Rates,
    pub gpu_price: GpuPrice,
    pub hbm_price: HbmPrice,
    pub rental_price: RentalPrice,
    pub demand: Demand,
    pub regime: Regime,
}

/// Short rate, Vasicek: `dr = speed (mean − r) dt + vol dW`; annual units.
#[derive(Debug, Clone)]
pub struct Rates {
    pub start: Param,
    pub mean: Param,
    pub speed: Param,
    pub vol: Param,
}

/// GPU price index (1.0 = today): GBM whose expected annual change is
/// `drift` (jumps included), plus compound-Poisson jumps in the log.
#[derive(Debug, Clone)]
pub struct GpuPrice {
    pub start: Param,
    pub drift: Param,
    pub vol: Param,
    pub jumps: Option<Jumps>,
}

/// Compound-Poisson jumps: `rate` per year, log-size normal(`mean`, `sd`).
#[derive(Debug, Clone)]
pub struct Jumps {
    pub rate: Param,
    pub mean: Param,
    pub sd: Param,
}

/// HBM price index: Ornstein–Uhlenbeck in logs around `ln(mean)`, with an
/// optional squeeze during which the level it reverts to is `level`.
#[derive(Debug, Clone)]
pub struct HbmPrice {
    pub start: Param,
    pub mean: Param,
    pub speed: Param,
    pub vol: Param,
    pub squeeze: Option<Squeeze>,
}

/// A period of raised HBM mean, as simulated quarter indices (inclusive).
#[derive(Debug, Clone)]
pub struct Squeeze {
    pub from_idx: usize,
    pub to_idx: usize,
    pub level: Param,
}

/// Rental price of compute ($ per GPU-hour of the installed fleet). With
/// capacity modelled it clears supply and demand from `start`; without, it
/// is `start × gpu_index^pass_through`.
#[derive(Debug, Clone)]
pub struct RentalPrice {
    pub start: Param,
    pub pass_through: Option<Param>,
    pub gpus_per_gw: Param,
}

/// Market compute demand (GW of IT load).
#[derive(Debug, Clone)]
pub struct Demand {
    pub start: Param,
    pub growth: Param,
    pub vol: Param,
    pub price_elasticity: Param,
    /// Multiplier on `growth` in each regime state, in state order.
    pub regime_scale: Vec<Param>,
}

/// A Markov chain over named states, stepped once a quarter.
#[derive(Debug, Clone)]
pub struct Regime {
    pub states: Vec<String>,
    pub start: usize,
    /// Row-stochastic quarterly transition matrix.
    pub transition: Vec<Vec<f64>>,
}

/// Correlation between the [`SHOCKS`], with its Cholesky factor.
#[derive(Debug, Clone)]
pub struct Correlation {
    pub matrix: Array2<f64>,
    pub factor: Array2<f64>,
}

/// Reads, overrides and validates a scenario file.
pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario, LoadError> {
    let text = read_text(path)?;
    from_text(path, &text, overrides).map_err(LoadError::Invalid)
}

/// The largest scenario file read (the shipped base is about 40 KiB): a
/// bigger file is refused before it is read, not after seconds of parsing.
pub const MAX_SCENARIO_BYTES: u64 = 4 << 20;

/// Reads a scenario file: an unreadable file is an I/O failure, a file that
/// is not UTF-8 text or is larger than [`MAX_SCENARIO_BYTES`] is invalid input.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    if is_stdin(path) {
        return read_stdin(path);
    }
    if let Some(message) = too_big(path) {
        let d = Source::new(path, String::new()).at(None, "", message);
        return Err(LoadError::Invalid(Diagnostics(vec![d])));
    }
    let bytes = std::fs::read(path).map_err(|e| LoadError::Io(path.to_path_buf(), e))?;
    String::from_utf8(bytes).map_err(|e| {
        // Everything before the first bad byte is text: point at it.
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let d = Source::new(path, text).at(
            Some(at..at + 1),
            "",
            "the file is not UTF-8 text here; scenarios are TOML files",
        );
        LoadError::Invalid(Diagnostics(vec![d]))
    })
}

/// Whether the scenario "file" is `-`: standard input, for pipelines.
/// Paths it names (`facts`, `extends`) are relative to the current folder.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The scenario from standard input, held to the size of a file.
fn read_stdin(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_SCENARIO_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError::Io(path.to_path_buf(), e))?;
    let invalid = |message: String| {
        let d = Source::new(path, String::new()).at(None, "", message);
        LoadError::Invalid(Diagnostics(vec![d]))
    };
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(invalid(format!(
            "standard input holds more than {} MiB; a scenario may be at most that (the shipped base is about 40 KiB)",
            MAX_SCENARIO_BYTES >> 20
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| invalid("standard input is not UTF-8 text; scenarios are TOML files".into()))
}

/// Why `path` is too big to be a scenario, if it is.
fn too_big(path: &Path) -> Option<String> {
    let len = std::fs::metadata(path).ok()?.len();
    (len > MAX_SCENARIO_BYTES).then(|| {
        format!(
            "the file is {:.1} MiB; a scenario may be at most {} MiB (the shipped base is about 40 KiB)",
            len as f64 / (1u64 << 20) as f64,
            MAX_SCENARIO_BYTES >> 20
        )
    })
}

/// Validates scenario text as if read from `path` (a cited fact table is
/// read relative to the file that names it). A scenario that `extends`
/// another is resolved first, and its errors and warnings are reported at
/// the file and line that set the value.
pub fn from_text(path: &Path, text: &str, overrides: &[Override]) -> Result<Scenario, Diagnostics> {
    let Some(resolved) = inherit::resolve(path, text)? else {
        return from_resolved(path, text, overrides, None);
    };
    let origins = &resolved.origins;
    let mut scenario = from_resolved(path, &resolved.text, overrides, Some(origins))
        .map_err(|d| origins.relocate_all(d))?;
    let p = &mut scenario.provenance;
    p.warnings = std::mem::take(&mut p.warnings)
        .into_iter()
        .map(|d| origins.relocate(d))
        .collect();
    p.inherited = Some(resolved);
    Ok(scenario)
}

fn from_resolved(
    path: &Path,
    text: &str,
    overrides: &[Override],
    origins: Option<&inherit::Origins>,
) -> Result<Scenario, Diagnostics> {
    let shown = overrides::apply(path, text, overrides)?;
    let lifted = provenance::lift(&Source::new(path, shown.clone()));
    if !lifted.errors.is_empty() {
        return Err(Diagnostics(lifted.errors));
    }
    let src = Source {
        path: path.to_path_buf(),
        text: lifted.text,
        shown: Some(shown),
    };
    let mut scenario = validate::validate(&src, overrides)?;
    let p = &mut scenario.provenance;
    let mut errors = Vec::new();
    if let Some((rel, span)) = &p.facts_key {
        // Relative to the file that wrote `facts` (a parent's, when inherited).
        let named_in = origins.and_then(|o| o.file_of("facts")).unwrap_or(path);
        let file = named_in.parent().unwrap_or(Path::new("")).join(rel);
        match facts::FactTable::load(&file) {
            Ok(t) => p.facts = Some(t),
            // A scenario copied away from its fact table still runs:
            // provenance never stops a run, and `--strict` fails on this.
            Err(_) if !file.exists() => {
                let mut d = src.at(
                    Some(span.clone()),
                    "facts",
                    format!(
                        "fact table {} not found: the scenario runs, but its citations are not checked",
                        file.display()
                    ),
                );
                d.help = Some(
                    "`facts` is a path relative to the scenario file: copy the table beside it and fix the path, or remove the key"
                        .to_string(),
                );
                p.warnings.push(d);
            }
            Err(problems) => {
                let mut d = src.at(Some(span.clone()), "facts", problems.join("\n  "));
                d.help = Some(format!(
                    "`facts` is a path relative to the scenario file; it resolves to {}",
                    file.display()
                ));
                errors.push(d);
            }
        }
    }
    if errors.is_empty() {
        let (errs, warnings) =
            provenance::check(&src, &lifted.cited, p.facts.as_ref(), p.facts_key.is_some());
        errors = errs;
        p.warnings.extend(warnings);
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    for h in &scenario.hurdles {
        if !h.reproduced() {
            let mut d = src.at(
                Some(h.span.clone()),
                &format!("hurdle.{}.published", h.name),
                format!(
                    "the factors multiply to {}, not the published {}",
                    number::shortest(h.computed()),
                    number::shortest(h.published)
                ),
            );
            d.help = Some("check the factors against the publication".to_string());
            p.warnings.push(d);
        }
    }
    p.leaves = provenance::leaves(&src.text, &lifted.cited);
    p.cited = lifted.cited;
    p.overridden = overrides.iter().map(|o| o.path.clone()).collect();
    Ok(scenario)
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read scenario {path}: {source}", path = .0.display(), source = .1)]
    Io(std::path::PathBuf, std::io::Error),
    #[error("{0}")]
    Invalid(Diagnostics),
}
