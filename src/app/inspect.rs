//! `sim validate`, `sim explain` and `sim init`: looking at scenarios
//! without running them.

use super::{AppError, build_model, say, to_stdout};
use crate::cli::{ExplainArgs, ExplainFormat, InitArgs, ValidateArgs};
use crate::output;
use crate::scenario;
use crate::scenario::diagnostic::MAX_LISTED;
use std::io::Write;
use std::path::{Path, PathBuf};

pub(super) fn validate(args: &ValidateArgs) -> Result<(), AppError> {
    let text = scenario::read_text(&args.scenario)?;
    let scenario = scenario::from_text(&args.scenario, &text, &args.set)
        .map_err(|d| AppError::Input(d.to_string()))?;
    build_model(&args.scenario, &text, &scenario)?;
    print_warnings(&scenario);
    if args.strict {
        let unsourced = scenario::explain::unsourced_at(&scenario, &args.scenario, &text);
        let warnings = scenario.provenance.warnings.len();
        if warnings > 0 || !unsourced.is_empty() {
            let mut msg = format!(
                "{}: --strict: {warnings} warning(s) and {} number(s) citing no source",
                args.scenario.display(),
                unsourced.len()
            );
            for (p, at) in unsourced.iter().take(MAX_LISTED) {
                msg.push_str(&format!("\n  {at}: `{p}`"));
            }
            if unsourced.len() > MAX_LISTED {
                msg.push_str(&format!("\n  … and {} more", unsourced.len() - MAX_LISTED));
            }
            msg.push_str("\n  help: cite a fact, a derivation or an assumption: { value = 0.3, fact = \"id\" } (see docs/scenario.md, \"Sources\")");
            return Err(AppError::Input(msg));
        }
    }
    let inherited = scenario.provenance.inherited.as_ref();
    if args.resolved {
        let resolved = inherited.map_or(text.as_str(), |r| r.text.as_str());
        return to_stdout(|out| out.write_all(resolved.as_bytes()));
    }
    let rows = scenario::describe(&scenario);
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    to_stdout(|out| {
        writeln!(out, "{}: ok", args.scenario.display())?;
        if let Some(r) = inherited {
            let chain: Vec<String> = r.origins.files().map(|f| f.display().to_string()).collect();
            writeln!(out, "  resolved from {}", chain.join(" ← "))?;
        }
        for (key, value) in rows {
            writeln!(out, "  {key:width$}  {value}")?;
        }
        Ok(())
    })
}

/// Prints the scenario's warnings (cited values that differ from their
/// facts, a missing fact table, hurdles not reproduced) to standard error:
/// `run` and `sweep` print them too, `--quiet` or not.
pub(super) fn print_warnings(scenario: &scenario::Scenario) {
    for w in &scenario.provenance.warnings {
        eprintln!("warning: {w}");
    }
}

pub(super) fn explain(args: &ExplainArgs) -> Result<(), AppError> {
    let text = scenario::read_text(&args.scenario)?;
    let scenario = scenario::from_text(&args.scenario, &text, &args.set)
        .map_err(|d| AppError::Input(d.to_string()))?;
    print_warnings(&scenario);
    let mut rows = scenario::explain::rows(&scenario);
    for r in rows.iter_mut().filter(|r| r.path.ends_with(".metric")) {
        let name = r.value.trim_matches('"');
        r.note = name
            .split_once('.')
            .and_then(|(entity, metric)| crate::model::revenue_layer(entity, metric))
            .map(|layer| format!("tests the {layer}"));
    }
    to_stdout(|out| match args.format {
        ExplainFormat::Csv => output::write_explain_csv(out, &rows),
        ExplainFormat::Text => {
            let p = &scenario.provenance;
            let facts = match &p.facts {
                Some(t) => format!("facts from {} ({} rows)", t.path.display(), t.len()),
                None => "no fact table".to_string(),
            };
            let sourced = rows
                .iter()
                .filter(|r| !matches!(r.source, scenario::explain::Origin::None))
                .count();
            writeln!(
                out,
                "{}: {} values, {sourced} with a source; {facts}\n",
                args.scenario.display(),
                rows.len()
            )
            .and_then(|_| output::write_explain_text(out, &rows, &scenario.hurdles))
        }
    })
}

/// The starter scenario `sim init` writes: the shipped base scenario.
const STARTER: &str = include_str!("../../scenarios/base.toml");
/// The fact table the starter cites, written beside it.
const STARTER_FACTS: &str = include_str!("../../seeds/facts.csv");
const STARTER_FACTS_FILE: &str = "facts.csv";
/// The schema editors read, written beside the starter.
const STARTER_SCHEMA_FILE: &str = "scenario.schema.json";

pub(super) fn init(args: &InitArgs) -> Result<(), AppError> {
    let name = if args.name.ends_with(".toml") {
        args.name.clone()
    } else {
        format!("{}.toml", args.name)
    };
    let path = PathBuf::from(&name);
    if path.exists() {
        return Err(AppError::Input(format!(
            "{name} already exists; choose another name or remove it first"
        )));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or(name.clone());
    // The starter cites the shipped fact table; it is written beside the
    // scenario (unless one is already there) and the reference rewritten.
    // So is the schema its first line points editors at.
    let starter = STARTER
        .replacen(
            "facts = \"../seeds/facts.csv\"",
            &format!("facts = \"{STARTER_FACTS_FILE}\""),
            1,
        )
        .replacen(
            "#:schema ../docs/scenario.schema.json",
            &format!("#:schema {STARTER_SCHEMA_FILE}"),
            1,
        );
    let mut files = vec![output::stage(dir, &file, |w| {
        w.write_all(starter.as_bytes())
    })];
    if !dir.join(STARTER_FACTS_FILE).exists() {
        files.push(output::stage(dir, STARTER_FACTS_FILE, |w| {
            w.write_all(STARTER_FACTS.as_bytes())
        }));
    }
    if !dir.join(STARTER_SCHEMA_FILE).exists() {
        files.push(output::stage(dir, STARTER_SCHEMA_FILE, |w| {
            w.write_all(scenario::schema::json().as_bytes())
        }));
    }
    let staged = files
        .into_iter()
        .collect::<std::io::Result<Vec<_>>>()
        .and_then(output::commit)
        .map_err(|e| AppError::Io(format!("cannot write {name}: {e}")))?;
    let lines: Vec<String> = staged
        .iter()
        .map(|p| {
            if p.extension().is_some_and(|e| e == "csv") {
                format!("wrote {} (the facts the scenario cites)", p.display())
            } else if p.extension().is_some_and(|e| e == "json") {
                format!("wrote {} (the schema editors check it with)", p.display())
            } else {
                format!(
                    "wrote {}; run it with: sim run {}",
                    p.display(),
                    p.display()
                )
            }
        })
        .collect();
    say(&lines)
}

/// `sim completions SHELL`: the completion script on standard output.
pub(super) fn completions(args: &crate::cli::CompletionsArgs) -> Result<(), AppError> {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "sim", &mut script);
    to_stdout(|out| out.write_all(&script))
}

/// `sim man`: sim(1) on standard output, or every page into `--out`.
pub(super) fn man(args: &crate::cli::ManArgs) -> Result<(), AppError> {
    use clap::CommandFactory;
    let cmd = crate::cli::Cli::command();
    match &args.out {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .map_err(|e| AppError::Io(format!("cannot render the man page: {e}")))?;
            to_stdout(|out| out.write_all(&page))
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| AppError::Io(format!("cannot create {}: {e}", dir.display())))?;
            clap_mangen::generate_to(cmd, dir).map_err(|e| {
                AppError::Io(format!(
                    "cannot write man pages into {}: {e}",
                    dir.display()
                ))
            })?;
            say(&[format!("wrote man pages into {}", dir.display())])
        }
    }
}
