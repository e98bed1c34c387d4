//! Scenario inheritance: `extends = "base.toml"` plus only the keys that
//! change.
//!
//! A scenario that extends another is resolved before anything else: the
//! parent (itself resolved, so chains work) is the starting document and the
//! child's keys are merged into it. Tables merge key by key, and so do
//! inline tables that are not a single value; arrays of tables merge element
//! by element, matched by `name` (contracts by `payer` and `provider`,
//! commitments by `provider`), and an element the parent lacks is added.
//! Any other value — a number, a string, an array, a value with its source
//! (`{ value = …, fact = … }`) or a distribution (`{ dist = … }`) — replaces
//! the parent's whole.
//!
//! Every value of the resolved document remembers the file and byte range it
//! came from, so an error found later in the resolved text is reported at
//! the line of the file that set the value, and `explain` can say which file
//! that was. A missing parent and a cycle are errors at the `extends` key.

use super::diagnostic::{Diagnostic, Diagnostics, Source};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

/// Where each value of a resolved scenario was written.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// The files, each with its text (for line numbers and quotes).
    files: Vec<Source>,
    /// Dotted key → (file index, byte range of the value in that file).
    keys: Vec<(String, usize, Range<usize>)>,
}

/// A resolved scenario: the merged text and where its values came from.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub text: String,
    pub origins: Origins,
}

impl Origins {
    /// The file that set `key` (the longest recorded key it starts with),
    /// and the value's byte range there.
    fn find(&self, key: &str) -> Option<(&Source, &Range<usize>)> {
        self.keys
            .iter()
            .filter(|(k, _, _)| key == k || key.starts_with(&format!("{k}.")))
            .max_by_key(|(k, _, _)| k.len())
            .map(|(_, f, span)| (&self.files[*f], span))
    }

    /// `file:line` of the value set for `key`, if any.
    pub fn where_set(&self, key: &str) -> Option<String> {
        self.find(key).map(|(src, span)| {
            let (line, _) = src.line_col(span.start);
            format!("{}:{line}", src.path.display())
        })
    }

    /// The files of the chain, the root first.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|s| s.path.as_path())
    }

    /// The file that set `key`, if any.
    pub fn file_of(&self, key: &str) -> Option<&Path> {
        self.find(key).map(|(s, _)| s.path.as_path())
    }

    /// Moves a diagnostic found in the resolved text to the file and line
    /// that set its key.
    pub fn relocate(&self, d: Diagnostic) -> Diagnostic {
        match self.find(&d.key) {
            Some((src, span)) => {
                let mut moved = src.at(Some(span.clone()), &d.key, d.message);
                moved.help = d.help;
                moved
            }
            // A key no file wrote (a missing one): name the chain's file
            // without a position in text that exists nowhere.
            None => Diagnostic {
                position: None,
                line_text: None,
                ..d
            },
        }
    }

    /// Relocates every diagnostic.
    pub fn relocate_all(&self, ds: Diagnostics) -> Diagnostics {
        Diagnostics(ds.0.into_iter().map(|d| self.relocate(d)).collect())
    }
}

/// Resolves `text` (read from `path`) if it extends another scenario;
/// `None` when it does not (or does not parse: validation reports that).
pub fn resolve(path: &Path, text: &str) -> Result<Option<Resolved>, Diagnostics> {
    resolve_chain(path, text, &mut Vec::new())
}

fn resolve_chain(
    path: &Path,
    text: &str,
    chain: &mut Vec<PathBuf>,
) -> Result<Option<Resolved>, Diagnostics> {
    let Ok(child) = toml_edit::Document::parse(text.to_string()) else {
        return Ok(None);
    };
    let Some(extends) = child.get("extends") else {
        return Ok(None);
    };
    let src = Source::new(path, text.to_string());
    let fail = |message: String, help: Option<String>| {
        let mut d = src.at(extends.span(), "extends", message);
        d.help = help;
        Err(Diagnostics(vec![d]))
    };
    let Some(rel) = extends.as_str() else {
        return fail(
            "expected the parent scenario's file name, e.g. extends = \"base.toml\"".into(),
            None,
        );
    };
    let parent = path.parent().unwrap_or(Path::new("")).join(rel);
    let me = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    chain.push(me);
    let parent_text = match super::read_text(&parent) {
        Ok(t) => t,
        Err(super::LoadError::Io(_, e)) => {
            return fail(
                format!("cannot read the parent scenario {}: {e}", parent.display()),
                Some("`extends` is a path relative to this file".into()),
            );
        }
        Err(super::LoadError::Invalid(d)) => return Err(d),
    };
    let canonical = parent.canonicalize().unwrap_or_else(|_| parent.clone());
    if let Some(at) = chain.iter().position(|p| *p == canonical) {
        let names: Vec<String> = chain[at..]
            .iter()
            .chain(std::iter::once(&canonical))
            .map(|p| {
                p.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        return fail(
            format!(
                "scenarios extend each other in a cycle: {}",
                names.join(" → ")
            ),
            Some("break the cycle: one of them must not extend the other".into()),
        );
    }
    // The parent, itself resolved; then the child merged into it.
    let base = match resolve_chain(&parent, &parent_text, chain)? {
        Some(r) => r,
        None => {
            let Ok(doc) = toml_edit::Document::parse(parent_text.clone()) else {
                // The parent does not parse: report it as its own file.
                return Err(super::from_text(&parent, &parent_text, &[])
                    .err()
                    .unwrap_or_else(|| Diagnostics(vec![])));
            };
            let mut origins = Origins {
                files: vec![Source::new(&parent, parent_text.clone())],
                keys: Vec::new(),
            };
            record(doc.as_table(), "", 0, &mut origins.keys);
            Resolved {
                text: parent_text,
                origins,
            }
        }
    };
    let mut merged: DocumentMut = base
        .text
        .parse()
        .map_err(|e| Diagnostics(vec![src.at(None, "extends", format!("{e}"))]))?;
    let Ok(child_mut) = text.parse::<DocumentMut>() else {
        return Ok(None);
    };
    merge_table(merged.as_table_mut(), child_mut.as_table());
    let mut origins = base.origins;
    let file = origins.files.len();
    origins.files.push(src);
    // What the child writes replaces whatever the parent wrote under it.
    let mut set = Vec::new();
    record(child.as_table(), "", file, &mut set);
    set.retain(|(k, _, _)| k != "extends");
    origins.keys.retain(|(k, _, _)| {
        !set.iter()
            .any(|(s, _, _)| k == s || k.starts_with(&format!("{s}.")))
    });
    origins.keys.extend(set);
    merged.remove("extends");
    Ok(Some(Resolved {
        text: merged.to_string(),
        origins,
    }))
}

/// How an element of an array of tables is matched between files.
fn identity(t: &Table) -> Option<String> {
    let s = |k: &str| t.get(k).and_then(|v| v.as_str()).map(str::to_string);
    match (s("name"), s("payer"), s("provider")) {
        (Some(n), _, _) => Some(n),
        (None, Some(payer), Some(provider)) => Some(format!("{payer}.{provider}")),
        (None, None, Some(provider)) => Some(provider),
        _ => None,
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// An inline table that is one value (with its source, or a distribution)
/// rather than a group of values.
fn is_leaf_inline(v: &Value) -> bool {
    v.as_inline_table()
        .is_some_and(|t| t.contains_key("value") || t.contains_key("dist"))
}

/// Records every value under `table` as written in file `file`.
fn record(table: &Table, prefix: &str, file: usize, out: &mut Vec<(String, usize, Range<usize>)>) {
    for (k, item) in table.iter() {
        let key = join(prefix, k);
        match item {
            Item::Table(t) => record(t, &key, file, out),
            Item::ArrayOfTables(a) => {
                for (i, t) in a.iter().enumerate() {
                    let id = identity(t).unwrap_or_else(|| i.to_string());
                    record(t, &join(&key, &id), file, out);
                }
            }
            Item::Value(v) => record_value(v, &key, file, out),
            Item::None => {}
        }
    }
}

fn record_value(v: &Value, key: &str, file: usize, out: &mut Vec<(String, usize, Range<usize>)>) {
    match v.as_inline_table() {
        Some(t) if !is_leaf_inline(v) => {
            for (k, inner) in t.iter() {
                record_value(inner, &join(key, k), file, out);
            }
        }
        _ => {
            if let Some(span) = v.span() {
                out.push((key.to_string(), file, span));
            }
        }
    }
}

/// A value that groups other values (an inline table that is not one
/// value with its source or a distribution).
fn groups(v: &Value) -> bool {
    v.is_inline_table() && !is_leaf_inline(v)
}

/// Merges the child's table `from` into `into`.
fn merge_table(into: &mut Table, from: &Table) {
    for (k, item) in from.iter() {
        match (into.get_mut(k), item) {
            (Some(Item::Table(dst)), Item::Table(src)) => merge_table(dst, src),
            (Some(Item::ArrayOfTables(dst)), Item::ArrayOfTables(src)) => merge_array(dst, src),
            (Some(Item::Value(dst)), Item::Value(src)) if groups(dst) && groups(src) => {
                merge_inline(dst, src)
            }
            _ => {
                into.insert(k, item.clone());
            }
        }
    }
}

fn merge_inline(dst: &mut Value, src: &Value) {
    let (Some(dst), Some(src)) = (dst.as_inline_table_mut(), src.as_inline_table()) else {
        return;
    };
    for (k, sv) in src.iter() {
        match dst.get_mut(k) {
            Some(dv) if groups(dv) && groups(sv) => merge_inline(dv, sv),
            _ => {
                dst.insert(k, sv.clone());
            }
        }
    }
}

/// Elements with the same identity merge; others are added.
fn merge_array(into: &mut ArrayOfTables, from: &ArrayOfTables) {
    for src in from.iter() {
        let id = identity(src);
        match id
            .as_ref()
            .and_then(|id| into.iter_mut().find(|t| identity(t).as_ref() == Some(id)))
        {
            Some(dst) => merge_table(dst, src),
            None => into.push(src.clone()),
        }
    }
}
