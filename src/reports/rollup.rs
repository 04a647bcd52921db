//! The multi-pantry roll-up: several pantries' JSON summaries (same schema version) combined
//! into one landlord report, per pantry and in total. Only the anonymous summaries are read;
//! no personal data moves.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use std::path::Path;

use super::export::{self, Chart, Document, ExportRecord, ReportFormat, Table, Value};
use super::suppress::MEASURES;
use super::{Figures, Summary, SCHEMA_VERSION};
use crate::access::Actor;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::money;
use crate::output::Existing;

/// How households are counted across pantries, stated in every roll-up.
pub const HOUSEHOLDS_ACROSS_PANTRIES: &str =
    "Households are counted once per pantry: a household that \
     shopped at two pantries in the period is counted by each, so the total is a sum of each \
     pantry's unduplicated households, not a count of distinct households across the network \
     (no personal data leaves a pantry, so they cannot be matched).";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Rollup {
    pub schema_version: u32,
    #[ts(type = "string")]
    pub from: NaiveDate,
    #[ts(type = "string")]
    pub to: NaiveDate,
    pub pantries: Vec<PantryFigures>,
    pub total: Figures,
    pub households_note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PantryFigures {
    pub pantry_code: String,
    pub pantry_name: String,
    pub figures: Figures,
}

/// The whole roll-up: reads each pantry's JSON summary (name, bytes), combines them, renders
/// the report and writes it to the file the user named or a new file in `reports`, then
/// records the export. Used by the app and the command line alike.
pub async fn export_rollup(
    db: &Db,
    files: &[(String, Vec<u8>)],
    format: ReportFormat,
    out: Option<(&Path, Existing)>,
    actor: &Actor,
) -> Result<(Rollup, ExportRecord)> {
    let summaries = files
        .iter()
        .map(|(name, bytes)| read_summary(name, bytes))
        .collect::<Result<Vec<_>>>()?;
    let combined = combine(&summaries)?;
    let doc = rollup_document(&combined);
    let bytes = export::render(&doc, &combined, format)?;
    let to = export::destination(
        out,
        format!("rollup-{}_{}", combined.from, combined.to),
        format,
    );
    let record = export::write_and_record(db, "rollup", &doc, format, &bytes, &to, actor).await?;
    Ok((combined, record))
}

/// Reads one pantry's JSON summary, refusing other versions with a clear message.
pub fn read_summary(name: &str, bytes: &[u8]) -> Result<Summary> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|_| Error::invalid("files", format!("{name} is not a Pantry JSON summary.")))?;
    match value.get("schemaVersion").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(Error::invalid(
                "files",
                format!("{name} is a version {v} summary; this Pantry reads version {SCHEMA_VERSION}. Export it again from an up-to-date Pantry."),
            ))
        }
        None => return Err(Error::invalid("files", format!("{name} is not a Pantry JSON summary."))),
    }
    serde_json::from_value(value).map_err(|e| {
        Error::invalid(
            "files",
            format!("{name} could not be read as a summary: {e}."),
        )
    })
}

/// Combines summaries of the same period from different pantries.
pub fn combine(summaries: &[Summary]) -> Result<Rollup> {
    let Some(first) = summaries.first() else {
        return Err(Error::invalid(
            "files",
            "Choose at least one pantry summary (JSON).",
        ));
    };
    for s in summaries {
        if s.period.from != first.period.from || s.period.to != first.period.to {
            return Err(Error::invalid(
                "files",
                format!(
                    "{} covers {} to {}, but {} covers {} to {}: combine summaries of the same period.",
                    s.pantry_code, s.period.from, s.period.to, first.pantry_code, first.period.from, first.period.to
                ),
            ));
        }
        if summaries
            .iter()
            .filter(|o| o.pantry_code == s.pantry_code)
            .count()
            > 1
        {
            return Err(Error::invalid(
                "files",
                format!("{} is given more than once.", s.pantry_code),
            ));
        }
    }
    Ok(Rollup {
        schema_version: SCHEMA_VERSION,
        from: first.period.from,
        to: first.period.to,
        pantries: summaries
            .iter()
            .map(|s| PantryFigures {
                pantry_code: s.pantry_code.clone(),
                pantry_name: s.pantry_name.clone(),
                figures: s.overall,
            })
            .collect(),
        total: summaries
            .iter()
            .fold(Figures::default(), |a, s| a.add(&s.overall)),
        households_note: HOUSEHOLDS_ACROSS_PANTRIES.into(),
    })
}

pub fn rollup_document(r: &Rollup) -> Document {
    let values = |f: &Figures| {
        f.values()
            .iter()
            .zip(MEASURES)
            .map(|(v, m)| {
                if m.2 {
                    Value::Money(*v)
                } else {
                    Value::Count(*v)
                }
            })
            .collect::<Vec<_>>()
    };
    let mut rows: Vec<(String, Vec<Value>)> = r
        .pantries
        .iter()
        .map(|p| {
            (
                format!("{} ({})", p.pantry_name, p.pantry_code),
                values(&p.figures),
            )
        })
        .collect();
    rows.push(("All pantries".into(), values(&r.total)));
    Document {
        code: "ROLLUP".into(),
        title: format!("Pantries roll-up: {} pantries", r.pantries.len()),
        subtitle: format!("{} to {}", r.from, r.to),
        from: r.from,
        to: r.to,
        headline: vec![
            ("Visits".into(), money::count(r.total.visits)),
            ("Households (sum over pantries)".into(), money::count(r.total.households)),
            ("People reached".into(), money::count(r.total.adults + r.total.children)),
            ("Items distributed".into(), money::count(r.total.items)),
            ("Fees collected".into(), money::pounds(r.total.fees_pence)),
            ("Estimated member savings".into(), money::pounds(r.total.savings_pence)),
        ],
        charts: vec![Chart {
            title: "Visits by pantry".into(),
            bars: r.pantries.iter().map(|p| (p.pantry_code.clone(), p.figures.visits)).collect(),
        }],
        tables: vec![Table {
            key: "pantry".into(),
            title: "By pantry".into(),
            columns: MEASURES.iter().map(|m| (m.0.to_owned(), m.1.to_owned())).collect(),
            rows,
        }],
        notes: vec![
            r.households_note.clone(),
            "Each pantry's totals are its own full totals; neighbourhood cells are not combined, so no small count is revealed.".into(),
        ],
    }
}
