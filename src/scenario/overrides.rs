//! `--set PATH=VALUE`: override any scenario value by its dotted path.
//!
//! Arrays of tables are addressed by their `name` (`lab.OpenAI.hazard`).
//! The override edits the TOML document in place (comments and layout kept),
//! so later errors still point at the right line of the user's file. Only
//! existing keys can be set: a misspelt path is an error, never a silent no-op.

use super::diagnostic::{Diagnostic, Diagnostics, array_label, suggest};
use std::path::Path;
use std::str::FromStr;
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

/// One `--set` flag.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Override {
    /// Dotted path, e.g. `market.gpu_price.vol`.
    pub path: String,
    /// The value as typed: a TOML value, or else taken as a string.
    pub value: String,
    /// The flag that asked for it (`--set`, `--paths`, `--seed`), for messages.
    #[serde(skip, default = "set_flag")]
    pub flag: String,
}

fn set_flag() -> String {
    "--set".to_string()
}

impl Override {
    /// An override coming from a dedicated flag such as `--paths`.
    pub fn from_flag(flag: &str, path: &str, value: impl ToString) -> Override {
        Override {
            path: path.to_string(),
            value: value.to_string(),
            flag: flag.to_string(),
        }
    }

    /// How the user wrote it, for error messages.
    pub fn as_typed(&self) -> String {
        if self.flag == "--set" || self.flag == "--vary" {
            format!("{} {}={}", self.flag, self.path, self.value)
        } else {
            format!("{} {}", self.flag, self.value)
        }
    }
}

impl FromStr for Override {
    type Err = String;
    fn from_str(s: &str) -> Result<Override, String> {
        let (path, value) = s.split_once('=').ok_or_else(|| {
            format!("expected PATH=VALUE (for example market.gpu_price.vol=0.4), found `{s}`")
        })?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!(
                "`{path}` is not a dotted path such as market.gpu_price.vol"
            ));
        }
        Ok(Override {
            path: path.to_string(),
            value: value.trim().to_string(),
            flag: "--set".to_string(),
        })
    }
}

/// Applies the overrides to the scenario text and returns the edited text.
pub fn apply(file: &Path, text: &str, overrides: &[Override]) -> Result<String, Diagnostics> {
    if overrides.is_empty() {
        return Ok(text.to_string());
    }
    let mut doc: DocumentMut = match text.parse() {
        Ok(doc) => doc,
        // A syntax error is reported, with its position, by validation.
        Err(_) => return Ok(text.to_string()),
    };
    let mut errors = Vec::new();
    for o in overrides {
        if let Err((key, message, help)) = set(&mut doc, o) {
            errors.push(Diagnostic {
                file: file.to_path_buf(),
                position: None,
                key,
                message: format!("{}: {message}", o.as_typed()),
                help,
                line_text: None,
            });
        }
    }
    if errors.is_empty() {
        Ok(doc.to_string())
    } else {
        Err(Diagnostics(errors))
    }
}

type SetError = (String, String, Option<String>);

fn set(doc: &mut DocumentMut, o: &Override) -> Result<(), SetError> {
    let segments: Vec<&str> = o.path.split('.').collect();
    set_in_table(doc.as_table_mut(), &segments, 0, o)
}

/// The error for a key `segments[depth]` that is not among `keys`.
fn missing(o: &Override, segments: &[&str], depth: usize, keys: &[String]) -> SetError {
    let here = segments[..depth].join(".");
    let seg = segments[depth];
    let full = |k: &str| {
        if here.is_empty() {
            k.to_string()
        } else {
            format!("{here}.{k}")
        }
    };
    let help = match suggest(seg, keys.iter().map(String::as_str)) {
        Some(best) => format!("did you mean `{}`?", full(best)),
        None if keys.is_empty() => "only keys present in the scenario file can be set".to_string(),
        None => format!(
            "the keys in `{}` are: {}",
            if here.is_empty() {
                "the top level"
            } else {
                &here
            },
            keys.join(", ")
        ),
    };
    let place = if here.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in `{here}`")
    };
    (
        o.path.clone(),
        format!("no key `{seg}` {place}"),
        Some(help),
    )
}

fn set_in_table(
    t: &mut Table,
    segments: &[&str],
    depth: usize,
    o: &Override,
) -> Result<(), SetError> {
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
    let item = t
        .get_mut(segments[depth])
        .ok_or_else(|| missing(o, segments, depth, &keys))?;
    let last = depth + 1 == segments.len();
    let path_here = segments[..=depth].join(".");
    match item {
        Item::Value(v) if last => set_value(v, &o.value),
        Item::Value(Value::InlineTable(inline)) => set_in_inline(inline, segments, depth + 1, o),
        Item::Table(sub) if !last => set_in_table(sub, segments, depth + 1, o),
        Item::ArrayOfTables(array) if depth + 2 < segments.len() => {
            let name = segments[depth + 1];
            let names: Vec<String> = array
                .iter()
                .enumerate()
                .map(|(i, t)| array_label(t, i))
                .collect();
            match array
                .iter_mut()
                .enumerate()
                .find(|(i, t)| array_label(t, *i) == name)
                .map(|(_, t)| t)
            {
                Some(sub) => set_in_table(sub, segments, depth + 2, o),
                None => Err(missing(o, segments, depth + 1, &names)),
            }
        }
        Item::Value(_) => Err((
            o.path.clone(),
            format!("`{path_here}` is a value, not a table"),
            None,
        )),
        _ => Err((
            o.path.clone(),
            format!(
                "`{}` is a table; set one of its keys",
                segments[..segments.len().min(depth + 2)].join(".")
            ),
            None,
        )),
    }
}

fn set_in_inline(
    t: &mut InlineTable,
    segments: &[&str],
    depth: usize,
    o: &Override,
) -> Result<(), SetError> {
    let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
    let value = t
        .get_mut(segments[depth])
        .ok_or_else(|| missing(o, segments, depth, &keys))?;
    match value {
        _ if depth + 1 == segments.len() => set_value(value, &o.value),
        Value::InlineTable(inner) => set_in_inline(inner, segments, depth + 1, o),
        _ => Err((
            o.path.clone(),
            format!("`{}` is a value, not a table", segments[..=depth].join(".")),
            None,
        )),
    }
}

fn set_value(target: &mut Value, raw: &str) -> Result<(), SetError> {
    let mut new = match raw.parse::<Value>() {
        Ok(v) => v,
        Err(_) => Value::from(raw),
    };
    *new.decor_mut() = target.decor().clone();
    *target = new;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, set: &str) -> Result<String, Diagnostics> {
        apply(Path::new("s.toml"), text, &[set.parse().unwrap()])
    }

    #[test]
    fn sets_nested_and_named_values() {
        let text = "[market.gpu]\nvol = 0.3 # comment\n[[lab]]\nname = \"OpenAI\"\nhazard = 0.02\njumps = { rate = 1 }\n";
        let out = run(text, "market.gpu.vol=0.5").unwrap();
        assert!(out.contains("vol = 0.5 # comment"), "{out}");
        assert!(
            run(text, "lab.OpenAI.hazard=0.1")
                .unwrap()
                .contains("hazard = 0.1")
        );
        assert!(
            run(text, "lab.OpenAI.jumps.rate=2")
                .unwrap()
                .contains("rate = 2")
        );
        let dist = run(
            text,
            "lab.OpenAI.hazard={ dist = \"uniform\", min = 0, max = 1 }",
        )
        .unwrap();
        assert!(dist.contains("dist = \"uniform\""), "{dist}");
    }

    #[test]
    fn missing_paths_are_errors_with_suggestions() {
        let text = "[market.gpu]\nvol = 0.3\n[[lab]]\nname = \"OpenAI\"\nhazard = 0.02\n";
        let e = run(text, "market.gpu.vl=0.5").unwrap_err().to_string();
        assert!(
            e.contains("no key `vl`") && e.contains("market.gpu.vol"),
            "{e}"
        );
        let e = run(text, "lab.Anthropic.hazard=0.5")
            .unwrap_err()
            .to_string();
        assert!(e.contains("OpenAI"), "{e}");
        assert!(
            run(text, "market.gpu=1")
                .unwrap_err()
                .to_string()
                .contains("is a table")
        );
        assert!("novalue".parse::<Override>().is_err());
    }
}
