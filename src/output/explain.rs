//! Printing `sim explain`: one block per value for reading, or one CSV row
//! per value for a spreadsheet.

use crate::number::shortest;
use crate::scenario::explain::{Origin, Row};
use crate::scenario::{Hurdle, facts::Fact};
use std::io::{self, Write};

/// The CSV columns of `sim explain --format csv`.
pub const EXPLAIN_COLUMNS: [&str; 11] = [
    "path",
    "value",
    "unit",
    "source",
    "fact_ids",
    "fact_values",
    "as_of",
    "source_url",
    "reason",
    "set_in",
    "note",
];

fn fact_line(f: &Fact) -> String {
    format!(
        "{} = {} {} ({} {}, {}) [{}]",
        f.id,
        shortest(f.value),
        f.unit,
        f.entity,
        f.metric,
        f.as_of,
        f.reliability
    )
}

/// Human-readable blocks: `path = value  unit`, then the source and its URL.
pub fn write_explain_text(w: &mut impl Write, rows: &[Row], hurdles: &[Hurdle]) -> io::Result<()> {
    for r in rows {
        let unit = if r.unit.is_empty() {
            String::new()
        } else {
            format!("  [{}]", r.unit)
        };
        writeln!(w, "{} = {}{unit}", r.path, r.value)?;
        match &r.source {
            Origin::Fact(f) => {
                writeln!(w, "    fact {}", fact_line(f))?;
                writeln!(w, "         {}: {}", f.source_title, f.source_url)?;
            }
            Origin::Derived { how, from } => {
                writeln!(w, "    derived: {how}")?;
                for f in from {
                    writeln!(w, "      from {}", fact_line(f))?;
                    writeln!(w, "           {}: {}", f.source_title, f.source_url)?;
                }
            }
            Origin::Unchecked(id) => {
                writeln!(w, "    fact {id} (not checked: no fact table holds it)")?
            }
            Origin::Assumption(why) => writeln!(w, "    assumption: {why}")?,
            Origin::Override => writeln!(w, "    set on the command line")?,
            Origin::None => {}
        }
        if let Some(at) = &r.set_in {
            writeln!(w, "    set in {at}")?;
        }
        if let Some(note) = &r.note {
            writeln!(w, "    {note}")?;
        }
    }
    if !hurdles.is_empty() {
        writeln!(w, "\nPublished hurdles (product of the factors):")?;
        for h in hurdles {
            let factors: Vec<String> = h.factors.iter().map(|f| shortest(*f)).collect();
            writeln!(
                w,
                "  {}: {} = {} {} (published {}: {})",
                h.name,
                factors.join(" × "),
                shortest(h.computed()),
                h.unit,
                shortest(h.published),
                if h.reproduced() {
                    "reproduced"
                } else {
                    "DIFFERS"
                }
            )?;
        }
    }
    Ok(())
}

/// The I/O error inside a CSV error (so a closed pipe stays recognisable).
fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// One CSV row per value; several facts of a derivation are joined by `;`.
pub fn write_explain_csv(w: impl Write, rows: &[Row]) -> io::Result<()> {
    write_csv_rows(w, rows).map_err(io_error)
}

fn write_csv_rows(w: impl Write, rows: &[Row]) -> csv::Result<()> {
    let mut out = super::cells::Writer::from_writer(w);
    out.write_record(EXPLAIN_COLUMNS)?;
    for r in rows {
        let (facts, reason): (Vec<&Fact>, String) = match &r.source {
            Origin::Fact(f) => (vec![f], String::new()),
            Origin::Derived { how, from } => (from.iter().collect(), how.clone()),
            Origin::Assumption(why) => (Vec::new(), why.clone()),
            Origin::Unchecked(_) | Origin::Override | Origin::None => (Vec::new(), String::new()),
        };
        let join =
            |f: &dyn Fn(&Fact) -> String| facts.iter().map(|x| f(x)).collect::<Vec<_>>().join(";");
        let ids = match &r.source {
            Origin::Unchecked(id) => id.clone(),
            _ => join(&|f| f.id.clone()),
        };
        out.write_record([
            r.path.as_str(),
            r.value.as_str(),
            r.unit.as_str(),
            r.source.kind(),
            &ids,
            &join(&|f| shortest(f.value)),
            &join(&|f| f.as_of.clone()),
            &join(&|f| f.source_url.clone()),
            &reason,
            r.set_in.as_deref().unwrap_or(""),
            r.note.as_deref().unwrap_or(""),
        ])?;
    }
    out.flush()?;
    Ok(())
}
