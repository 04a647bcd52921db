//! The multi-pantry roll-up: several pantries' JSON summaries (same schema version) combined
//! into one landlord report, per pantry and in total. Only the anonymous summaries are read;
//! no personal data moves.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use std::path::Path;

use super::export::{self, Chart, Document, ExportRecord, ReportFormat, Table, Value};
use super::suppress::{Kind, MEASURES};
use super::{LabelCell, Summary, SCHEMA_VERSION};
use crate::access::Actor;
use crate::db::Db;
use crate::error::{Error, FieldError, Result};
use crate::i18n::LANGUAGES;
use crate::output::Existing;

/// How households are counted across pantries, stated in every roll-up.
pub const HOUSEHOLDS_ACROSS_PANTRIES: &str =
    "Households are counted once per pantry: a household that \
     shopped at two pantries in the period is counted by each, so the total is a sum of each \
     pantry's unduplicated households, not a count of distinct households across the network \
     (no personal data leaves a pantry, so they cannot be matched).";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rollup {
    pub schema_version: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Measure keys for the cells, in order.
    pub measures: Vec<String>,
    pub pantries: Vec<PantryFigures>,
    /// The sum of the pantries' published figures; hidden where any pantry's is.
    pub total: Vec<Option<i64>>,
    /// Households by language: the sum of the pantries' published cells, English first, then
    /// in Pantry's order; hidden where any pantry's is (a pantry without the row has none).
    pub households_by_language: Vec<LabelCell>,
    pub households_note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PantryFigures {
    pub pantry_code: String,
    pub pantry_name: String,
    /// The pantry's published whole-pantry cells (`null` where hidden).
    pub cells: Vec<Option<i64>>,
    /// The pantry's published households by language.
    pub households_by_language: Vec<LabelCell>,
}

/// The largest count a summary may hold (a pantry's visits in two years are far fewer).
pub const MAX_COUNT: i64 = 10_000_000;
/// The largest amount of money a summary may hold: £1,000,000,000.
pub const MAX_PENCE: i64 = 100_000_000_000;
/// The most pantry summaries one roll-up combines.
pub const MAX_FILES: usize = 1_000;
/// The longest pantry code, and the longest name or label, in characters.
const MAX_CODE: usize = 20;
const MAX_TEXT: usize = 200;
/// The longest rule text.
const MAX_RULE: usize = 2_000;
/// The most rows a breakdown may have.
const MAX_ROWS: usize = 1_000;

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
    if files.len() > MAX_FILES {
        return Err(Error::invalid(
            "files",
            format!("Choose at most {MAX_FILES} pantry summaries at a time."),
        ));
    }
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

/// Reads one pantry's JSON summary, refusing other versions, and any summary that breaks the
/// schema (docs/report-format.md), with a message naming the file and the field.
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
    let summary: Summary = serde_json::from_value(value).map_err(|e| {
        Error::invalid(
            "files",
            format!("{name} could not be read as a summary: {e}."),
        )
    })?;
    let errors = schema_errors(&summary);
    if errors.is_empty() {
        return Ok(summary);
    }
    Err(Error::Validation(
        errors
            .into_iter()
            .take(10)
            .map(|e| FieldError::new("files", format!("{name}: {e}")))
            .collect(),
    ))
}

/// What breaks the schema in a summary, each naming its field: figures must be whole numbers
/// from 0 (savings may be below 0) up to sane bounds, the period must be real, text short and
/// plain, and every row must follow the measures.
fn schema_errors(s: &Summary) -> Vec<String> {
    let mut errors = Vec::new();
    let text = |errors: &mut Vec<String>, field: &str, value: &str, max: usize| {
        let chars = value.chars().count();
        if value.trim().is_empty() {
            errors.push(format!("{field} is empty."));
        } else if chars > max {
            errors.push(format!(
                "{field} is {chars} characters long; at most {max} are allowed."
            ));
        } else if let Some((at, what)) = crate::text::forbidden_character(value, false) {
            errors.push(format!("{field} has {what} at character {at}."));
        }
    };
    text(&mut errors, "pantryCode", &s.pantry_code, MAX_CODE);
    text(&mut errors, "pantryName", &s.pantry_name, MAX_TEXT);
    text(&mut errors, "landlord", &s.landlord, MAX_TEXT);
    text(&mut errors, "period.label", &s.period.label, MAX_TEXT);
    text(&mut errors, "rule", &s.rule, MAX_RULE);
    for (i, a) in s.neighbourhoods.iter().enumerate() {
        text(
            &mut errors,
            &format!("neighbourhoods[{i}].neighbourhood"),
            &a.neighbourhood,
            MAX_TEXT,
        );
    }
    let labels = s
        .households_by_language
        .iter()
        .map(|l| ("householdsByLanguage", &l.label))
        .chain(
            s.referrals_by_kind
                .iter()
                .map(|l| ("referralsByKind", &l.label)),
        )
        .chain(
            s.referrals_by_outcome
                .iter()
                .map(|l| ("referralsByOutcome", &l.label)),
        )
        .chain(s.outreach.iter().map(|l| ("outreach", &l.label)))
        .chain(
            s.stock_received
                .iter()
                .map(|r| ("stockReceived", &r.source)),
        )
        .chain(s.social_value.iter().map(|v| ("socialValue", &v.outcome)));
    for (i, (list, label)) in labels.enumerate() {
        text(
            &mut errors,
            &format!("{list} (row {}) label", i + 1),
            label,
            MAX_TEXT,
        );
    }
    if let Some(head) = &s.audit_chain_head {
        text(&mut errors, "auditChainHead", head, MAX_TEXT);
    }
    for (i, l) in s.households_by_language.iter().enumerate() {
        if s.households_by_language[..i]
            .iter()
            .any(|o| o.label == l.label)
        {
            errors.push(format!(
                "householdsByLanguage[{i}] lists \"{}\" again; each language has one row.",
                l.label
            ));
        }
    }

    let days = (s.period.to - s.period.from).num_days();
    if !(0..=800).contains(&days) {
        errors.push(format!(
            "period runs from {} to {}; a period ends on or after its start, within about two years.",
            s.period.from, s.period.to
        ));
    }
    if !(2..=20).contains(&s.small_count) {
        errors.push(format!(
            "smallCount is {}; it must be from 2 to 20.",
            s.small_count
        ));
    }
    let keys: Vec<&str> = MEASURES.iter().map(|m| m.0).collect();
    if s.measures != keys {
        errors.push(format!("measures must be exactly {}.", keys.join(", ")));
    }
    for (list, rows) in [
        ("neighbourhoods", s.neighbourhoods.len()),
        ("householdsByLanguage", s.households_by_language.len()),
        ("referralsByKind", s.referrals_by_kind.len()),
        ("referralsByOutcome", s.referrals_by_outcome.len()),
        ("outreach", s.outreach.len()),
        ("stockReceived", s.stock_received.len()),
        ("visitsPerWeek", s.visits_per_week.len()),
        ("socialValue", s.social_value.len()),
    ] {
        if rows > MAX_ROWS {
            errors.push(format!(
                "{list} has {rows} rows; at most {MAX_ROWS} are allowed."
            ));
        }
    }

    let figure = |errors: &mut Vec<String>, field: String, value: Option<i64>, kind: &str| {
        let Some(value) = value else { return };
        let (what, min, max) = match kind {
            "money" => ("an amount in pence", 0, MAX_PENCE),
            // Savings are the items' value less the fees, and so may be below zero.
            "savings" => ("an amount in pence", -MAX_PENCE, MAX_PENCE),
            _ => ("a count", 0, MAX_COUNT),
        };
        if !(min..=max).contains(&value) {
            errors.push(format!(
                "{field} is {value}; it must be {what} from {min} to {max}."
            ));
        }
    };
    let mut rows: Vec<(String, &[Option<i64>])> = vec![("overall".into(), &s.overall)];
    rows.extend(
        s.neighbourhoods
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("neighbourhoods[{i}].cells"), a.cells.as_slice())),
    );
    for (field, cells) in rows {
        if cells.len() != MEASURES.len() {
            errors.push(format!(
                "{field} has {} figures; it must have one for each of the {} measures.",
                cells.len(),
                MEASURES.len()
            ));
            continue;
        }
        for (c, m) in cells.iter().zip(MEASURES) {
            let kind = match (m.0, m.2) {
                ("savings_pence", _) => "savings",
                (_, Kind::Money) => "money",
                _ => "count",
            };
            figure(&mut errors, format!("{field}.{}", m.0), *c, kind);
        }
    }
    for (i, l) in s.households_by_language.iter().enumerate() {
        figure(
            &mut errors,
            format!("householdsByLanguage[{i}].count"),
            l.count,
            "count",
        );
    }
    for (i, l) in s.referrals_by_kind.iter().enumerate() {
        figure(
            &mut errors,
            format!("referralsByKind[{i}].count"),
            l.count,
            "count",
        );
    }
    for (i, l) in s.referrals_by_outcome.iter().enumerate() {
        figure(
            &mut errors,
            format!("referralsByOutcome[{i}].count"),
            l.count,
            "count",
        );
    }
    for (i, l) in s.outreach.iter().enumerate() {
        figure(
            &mut errors,
            format!("outreach[{i}].count"),
            l.count,
            "count",
        );
    }
    for (i, r) in s.stock_received.iter().enumerate() {
        figure(
            &mut errors,
            format!("stockReceived[{i}].units"),
            Some(r.units),
            "count",
        );
        figure(
            &mut errors,
            format!("stockReceived[{i}].valuePence"),
            Some(r.value_pence),
            "money",
        );
    }
    for (i, w) in s.visits_per_week.iter().enumerate() {
        figure(
            &mut errors,
            format!("visitsPerWeek[{i}].visits"),
            w.visits,
            "count",
        );
    }
    for (i, v) in s.social_value.iter().enumerate() {
        figure(
            &mut errors,
            format!("socialValue[{i}].count"),
            v.count,
            "count",
        );
        figure(
            &mut errors,
            format!("socialValue[{i}].valueEachPence"),
            Some(v.value_each_pence),
            "money",
        );
        figure(
            &mut errors,
            format!("socialValue[{i}].valuePence"),
            v.value_pence,
            "money",
        );
    }
    figure(
        &mut errors,
        "visitsWithEstimatedValue".into(),
        s.visits_with_estimated_value,
        "count",
    );
    figure(
        &mut errors,
        "averageItemValuePence".into(),
        Some(s.average_item_value_pence),
        "money",
    );
    errors
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
    let mut total: Vec<Option<i64>> = vec![Some(0); MEASURES.len()];
    for s in summaries {
        if s.overall.len() != MEASURES.len() {
            return Err(Error::invalid(
                "files",
                format!(
                    "{}: overall must have one figure for each measure.",
                    s.pantry_code
                ),
            ));
        }
        for ((sum, cell), m) in total.iter_mut().zip(&s.overall).zip(MEASURES) {
            *sum = match (*sum, *cell) {
                (Some(a), Some(b)) => Some(a.checked_add(b).ok_or_else(|| {
                    Error::invalid(
                        "files",
                        format!(
                            "{}: overall.{} is too large to add to the other pantries' figures.",
                            s.pantry_code, m.0
                        ),
                    )
                })?),
                _ => None,
            };
        }
    }
    let households_by_language = languages_combined(summaries)?;
    Ok(Rollup {
        schema_version: SCHEMA_VERSION,
        from: first.period.from,
        to: first.period.to,
        measures: MEASURES.iter().map(|m| m.0.to_owned()).collect(),
        pantries: summaries
            .iter()
            .map(|s| PantryFigures {
                pantry_code: s.pantry_code.clone(),
                pantry_name: s.pantry_name.clone(),
                cells: s.overall.clone(),
                households_by_language: s.households_by_language.clone(),
            })
            .collect(),
        total,
        households_by_language,
        households_note: HOUSEHOLDS_ACROSS_PANTRIES.into(),
    })
}

/// Each language's households summed over the pantries (a pantry without the language's row
/// had none), hidden where any pantry's cell is; English first, then in Pantry's order, then
/// any other label in the order first met.
fn languages_combined(summaries: &[Summary]) -> Result<Vec<LabelCell>> {
    let mut labels: Vec<&str> = Vec::new();
    for l in summaries.iter().flat_map(|s| &s.households_by_language) {
        if !labels.contains(&l.label.as_str()) {
            labels.push(&l.label);
        }
    }
    let rank = |label: &str| {
        LANGUAGES
            .iter()
            .position(|l| l.english_name == label)
            .unwrap_or(LANGUAGES.len())
    };
    // A stable sort: labels Pantry does not ship keep the order they were first met in.
    labels.sort_by_key(|l| rank(l));
    labels
        .into_iter()
        .map(|label| {
            let mut sum = Some(0i64);
            for s in summaries {
                let cell = s
                    .households_by_language
                    .iter()
                    .find(|l| l.label == label)
                    .map_or(Some(0), |l| l.count);
                sum = match (sum, cell) {
                    (Some(a), Some(b)) => Some(a.checked_add(b).ok_or_else(|| {
                        Error::invalid(
                            "files",
                            format!(
                                "{}: householdsByLanguage \"{label}\" is too large to add to the other pantries' figures.",
                                s.pantry_code
                            ),
                        )
                    })?),
                    _ => None,
                };
            }
            Ok(LabelCell {
                label: label.to_owned(),
                count: sum,
            })
        })
        .collect()
}

pub fn rollup_document(r: &Rollup) -> Document {
    // Hidden cells read "<5" whatever each pantry's threshold: the roll-up has no threshold
    // of its own, and the value is only a label.
    let values = |cells: &[Option<i64>]| {
        cells
            .iter()
            .zip(MEASURES)
            .map(|(c, m)| Value::cell(*c, m.2, 5))
            .collect::<Vec<_>>()
    };
    let mut rows: Vec<(String, Vec<Value>)> = r
        .pantries
        .iter()
        .map(|p| {
            (
                format!("{} ({})", p.pantry_name, p.pantry_code),
                values(&p.cells),
            )
        })
        .collect();
    rows.push(("All pantries".into(), values(&r.total)));
    let headline = MEASURES
        .iter()
        .zip(values(&r.total))
        .filter(|(m, _)| {
            [
                "visits",
                "households",
                "people",
                "items",
                "fees_pence",
                "savings_pence",
            ]
            .contains(&m.0)
        })
        .map(|(m, v)| {
            let label = match m.0 {
                "households" => "Households (sum over pantries)",
                "people" => "People reached",
                "savings_pence" => "Estimated member savings",
                _ => m.1,
            };
            (label.to_owned(), v)
        })
        .collect();
    let visits = MEASURES.iter().position(|m| m.0 == "visits").unwrap_or(0);
    Document {
        code: "ROLLUP".into(),
        title: format!("Pantries roll-up: {} pantries", r.pantries.len()),
        subtitle: format!("{} to {}", r.from, r.to),
        from: r.from,
        to: r.to,
        headline,
        charts: vec![Chart {
            title: "Visits by pantry".into(),
            bars: r
                .pantries
                .iter()
                .filter_map(|p| Some((p.pantry_code.clone(), p.cells.get(visits).copied().flatten()?)))
                .collect(),
        }],
        tables: vec![
            Table {
                key: "pantry".into(),
                title: "By pantry".into(),
                columns: MEASURES.iter().map(|m| (m.0.to_owned(), m.1.to_owned())).collect(),
                rows,
            },
            languages_table(r),
        ],
        notes: vec![
            r.households_note.clone(),
            "Each pantry's figures are its own published totals, already protected (moved slightly and rounded \
             to multiples of 5, small counts hidden); the roll-up adds them up and hides a total wherever a \
             pantry's figure is hidden. Neighbourhood cells are not combined. Households by language are \
             summed the same way.".into(),
        ],
    }
}

/// Households by language: a column per pantry (by code), then all pantries.
fn languages_table(r: &Rollup) -> Table {
    let count = |c: Option<i64>| Value::cell(c, Kind::Count, 5);
    let mut columns: Vec<(String, String)> = r
        .pantries
        .iter()
        .map(|p| (p.pantry_code.clone(), p.pantry_code.clone()))
        .collect();
    columns.push(("all_pantries".into(), "All pantries".into()));
    let rows = r
        .households_by_language
        .iter()
        .map(|total| {
            let mut values: Vec<Value> = r
                .pantries
                .iter()
                .map(|p| {
                    count(
                        p.households_by_language
                            .iter()
                            .find(|l| l.label == total.label)
                            .map_or(Some(0), |l| l.count),
                    )
                })
                .collect();
            values.push(count(total.count));
            (total.label.clone(), values)
        })
        .collect();
    Table {
        key: "households_by_language".into(),
        title: "Households by language".into(),
        columns,
        rows,
    }
}
