//! Errors a user can act on: file, line, column, key, what was expected,
//! and a suggestion.
//!
//! Owns the mapping from byte offsets to line and column, the search for the
//! dotted key at an offset (for errors that serde reports by position only),
//! and "did you mean" suggestions. It knows the shape of TOML, not of the
//! scenario.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem in a scenario, located precisely enough to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The scenario file.
    pub file: PathBuf,
    /// 1-based line and column, when the problem has a position.
    pub position: Option<(usize, usize)>,
    /// The dotted key, e.g. `market.gpu_price.vol` (empty when unknown).
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// How to fix it, when we can say.
    pub help: Option<String>,
    /// The offending line of the file, shown under the message with a caret.
    pub line_text: Option<String>,
}

/// The longest key, message or help a diagnostic prints whole (characters);
/// longer ones keep their start and end around an ellipsis.
const MAX_TEXT: usize = 400;
/// Characters of the offending line shown around the caret.
const LINE_WINDOW: usize = 80;
/// Problems listed one by one; the rest are counted.
pub const MAX_LISTED: usize = 20;

/// `text` whole, or its start and end around `…` when it is longer than
/// `max` characters: a 200,000-character name is never echoed.
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let n = text.chars().count();
    if n <= max {
        return text.into();
    }
    let head: String = text.chars().take(max / 2).collect();
    let tail: String = text.chars().skip(n - max / 2).collect();
    format!("{head} … {tail}").into()
}

/// The part of `line` around 1-based column `col` that fits in
/// [`LINE_WINDOW`] characters, and the caret's column in it.
fn window(line: &str, col: usize) -> (String, usize) {
    let n = line.chars().count();
    if n <= LINE_WINDOW {
        return (line.to_string(), col);
    }
    let start = col.saturating_sub(1 + LINE_WINDOW / 2).min(n - LINE_WINDOW);
    let mut shown: String = line.chars().skip(start).take(LINE_WINDOW).collect();
    let mut caret = col - start;
    if start > 0 {
        shown.insert_str(0, "… ");
        caret += 2;
    }
    if start + LINE_WINDOW < n {
        shown.push_str(" …");
    }
    (shown, caret)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.file.as_os_str() == "-" {
            write!(f, "<stdin>")?;
        } else {
            write!(f, "{}", self.file.display())?;
        }
        if let Some((line, col)) = self.position {
            write!(f, ":{line}:{col}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": `{}`", clip(&self.key, MAX_TEXT / 4))?;
        }
        write!(f, ": {}", clip(&self.message, MAX_TEXT))?;
        if let (Some(text), Some((line, col))) = (&self.line_text, self.position) {
            let (text, col) = window(text, col);
            let gutter = line.to_string().len();
            write!(f, "\n  {line} | {text}\n  {:gutter$} | {:>col$}", "", "^")?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", clip(help, MAX_TEXT))?;
        }
        Ok(())
    }
}

/// All the problems found in one scenario, reported together.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The caller prints "error: " before the first; each later problem
        // gets its own, so every one starts a line a reader can scan for.
        for (i, d) in self.0.iter().take(MAX_LISTED).enumerate() {
            if i > 0 {
                write!(f, "\nerror: ")?;
            }
            write!(f, "{d}")?;
        }
        if self.0.len() > MAX_LISTED {
            write!(f, "\n… and {} more errors", self.0.len() - MAX_LISTED)?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The text of a scenario and where it came from, for locating errors.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
    /// The text as the user wrote it, when `text` has had citations lifted
    /// out (same offsets); error messages quote this.
    pub shown: Option<String>,
}

impl Source {
    pub fn new(path: &Path, text: String) -> Source {
        Source {
            path: path.to_path_buf(),
            text,
            shown: None,
        }
    }

    /// 1-based (line, column) of a byte offset; the column counts characters.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// A diagnostic at a span (or none).
    pub fn at(
        &self,
        span: Option<Range<usize>>,
        key: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let position = span.map(|s| self.line_col(s.start));
        Diagnostic {
            file: self.path.clone(),
            position,
            key: key.to_string(),
            message: message.into(),
            help: None,
            line_text: position
                .and_then(|(line, _)| {
                    self.shown
                        .as_deref()
                        .unwrap_or(&self.text)
                        .lines()
                        .nth(line - 1)
                })
                .map(str::to_string),
        }
    }

    /// The dotted key whose key or value covers `offset`, found by walking the
    /// document. Arrays of tables are named by their `name` key when they have one.
    pub fn key_at(&self, offset: usize) -> String {
        let Ok(doc) = toml_edit::Document::parse(self.text.as_str()) else {
            return self.key_on_line(offset);
        };
        let mut path = Vec::new();
        walk_table(doc.as_table(), offset, &mut path);
        path.join(".")
    }
}

impl Source {
    /// For text that does not parse: the last `[table]` header above
    /// `offset` joined with the key written at the start of its line.
    fn key_on_line(&self, offset: usize) -> String {
        let offset = offset.min(self.text.len());
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let header = self.text[..line_start]
            .lines()
            .rev()
            .map(str::trim)
            .find(|l| l.starts_with('['))
            .map(|l| {
                // The header ends at its first `]`: a trailing comment is
                // not part of the key.
                let end = l.find(']').map_or(l.len(), |i| i + 1);
                l[..end]
                    .trim_matches(|c| c == '[' || c == ']')
                    .trim()
                    .to_string()
            });
        let line = self.text[line_start..].lines().next().unwrap_or("");
        let key = line
            .split_once('=')
            .map(|(k, _)| k.trim())
            .filter(|k| !k.is_empty() && !k.starts_with('['));
        match (header, key) {
            (Some(h), Some(k)) => format!("{h}.{k}"),
            (None, Some(k)) => k.to_string(),
            (Some(h), None) => h,
            (None, None) => String::new(),
        }
    }
}

/// How a dotted path names the `i`th table of an array of tables: by its
/// `name`, else by its `provider` (commitments), else by its index.
pub fn array_label(t: &toml_edit::Table, i: usize) -> String {
    ["name", "provider"]
        .iter()
        .find_map(|k| t.get(k).and_then(|n| n.as_str()))
        .map_or(i.to_string(), str::to_string)
}

fn covers(span: Option<Range<usize>>, offset: usize) -> bool {
    span.is_some_and(|s| s.start <= offset && offset < s.end.max(s.start + 1))
}

fn walk_table(table: &toml_edit::Table, offset: usize, path: &mut Vec<String>) -> bool {
    for (k, item) in table.iter() {
        let key_span = table.key(k).and_then(|key| key.span());
        if covers(key_span.clone(), offset) {
            path.push(k.to_string());
            return true;
        }
        path.push(k.to_string());
        if walk_item(item, offset, path) {
            return true;
        }
        path.pop();
    }
    false
}

fn walk_item(item: &toml_edit::Item, offset: usize, path: &mut Vec<String>) -> bool {
    match item {
        toml_edit::Item::Table(t) => walk_table(t, offset, path) || covers(t.span(), offset),
        toml_edit::Item::ArrayOfTables(a) => {
            for (i, t) in a.iter().enumerate() {
                path.push(array_label(t, i));
                if walk_table(t, offset, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        toml_edit::Item::Value(v) => walk_value(v, offset, path),
        toml_edit::Item::None => false,
    }
}

fn walk_value(value: &toml_edit::Value, offset: usize, path: &mut Vec<String>) -> bool {
    if let toml_edit::Value::InlineTable(t) = value {
        for (k, v) in t.iter() {
            let key_span = t.key(k).and_then(|key| key.span());
            path.push(k.to_string());
            if covers(key_span, offset) || walk_value(v, offset, path) {
                return true;
            }
            path.pop();
        }
    }
    covers(value.span(), offset)
}

/// The closest candidate to a misspelt word, if any is close enough.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Close in edits (a typo) or in Jaro–Winkler similarity (a transposition
    // or a shared prefix); ties go to the fewest edits.
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::levenshtein(word, c),
                strsim::jaro_winkler(word, c),
                c,
            )
        })
        .filter(|(edits, jw, c)| *edits <= 2.min(c.len().saturating_sub(1)).max(1) || *jw > 0.85)
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(_, _, c)| c)
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_comment_after_a_table_header_is_not_part_of_the_key() {
        // A line that does not parse, under a header with a comment.
        let text = "[market.rates]        # short rate, Vasicek (a [note])\nvol = = 1\n";
        let s = Source::new(Path::new("x.toml"), text.to_string());
        assert_eq!(s.key_at(text.find("vol").unwrap()), "market.rates.vol");
        let text = "[[hyperscaler]]   # one company\nname = = 1\n";
        let s = Source::new(Path::new("x.toml"), text.to_string());
        assert_eq!(s.key_at(text.find("name").unwrap()), "hyperscaler.name");
    }

    use super::*;

    #[test]
    fn line_and_column() {
        let s = Source::new(Path::new("x.toml"), "a = 1\n[b]\nc = 2\n".into());
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(10), (3, 1));
        assert_eq!(s.line_col(14), (3, 5));
    }

    #[test]
    fn key_at_offset() {
        let text =
            "[market.gpu]\nvol = 1\njumps = { rate = 2 }\n[[lab]]\nname = \"OpenAI\"\nhazard = 3\n";
        let s = Source::new(Path::new("x.toml"), text.into());
        assert_eq!(s.key_at(text.find("1").unwrap()), "market.gpu.vol");
        assert_eq!(
            s.key_at(text.find("rate").unwrap()),
            "market.gpu.jumps.rate"
        );
        assert_eq!(s.key_at(text.find("3").unwrap()), "lab.OpenAI.hazard");
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("hazrd", ["hazard", "recovery"]), Some("hazard"));
        assert_eq!(suggest("zzz", ["hazard", "recovery"]), None);
    }
}
