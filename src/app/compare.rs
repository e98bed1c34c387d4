//! `sim compare`: several runs' headline figures side by side.

use super::{AppError, to_stdout};
use crate::cli::{CompareArgs, ExplainFormat};
use crate::model::KEY_METRICS;
use crate::output::compare::{self, CompareError};

pub(super) fn compare(args: &CompareArgs) -> Result<(), AppError> {
    let runs = args
        .dirs
        .iter()
        .map(|d| compare::read_run(d, KEY_METRICS))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| match e {
            CompareError::Input(m) => AppError::Input(m),
            CompareError::Io(m) => AppError::Io(m),
        })?;
    to_stdout(|out| match args.format {
        ExplainFormat::Text => compare::write_text(out, &runs),
        ExplainFormat::Csv => compare::write_csv(out, &runs),
    })
}
