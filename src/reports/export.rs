//! Writing reports: a summary (or roll-up) becomes a `Document` of headline figures, tables,
//! charts and notes, written as CSV (one tidy long file, UTF-8 with BOM), XLSX (a sheet per
//! table), PDF (with vector charts) or JSON. Each export is recorded with its SHA-256.

use std::path::Path;

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use ts_rs::TS;

use super::store;
use super::suppress::{rule_text, MEASURES};
use super::Summary;
use crate::access::{Actor, Operation};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::money;
use crate::output::{Destination, Existing};
use crate::print::flow::Flow;
use crate::print::GREY;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ReportFormat {
    Csv,
    Xlsx,
    Pdf,
    Json,
}

impl ReportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Csv => "csv",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Pdf => "pdf",
            ReportFormat::Json => "json",
        }
    }

    pub fn parse(text: &str) -> Result<ReportFormat> {
        match text.trim().to_lowercase().as_str() {
            "csv" => Ok(ReportFormat::Csv),
            "xlsx" => Ok(ReportFormat::Xlsx),
            "pdf" => Ok(ReportFormat::Pdf),
            "json" => Ok(ReportFormat::Json),
            _ => Err(Error::invalid("format", "Choose csv, xlsx, pdf or json.")),
        }
    }
}

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Count(i64),
    Money(i64),
    /// A small count, hidden.
    Hidden(i64),
}

impl Value {
    /// As in CSV: whole numbers; money in pence; hidden as "<5".
    fn plain(&self) -> String {
        match self {
            Value::Count(n) | Value::Money(n) => n.to_string(),
            Value::Hidden(t) => format!("<{t}"),
        }
    }

    /// As people read it: money in pounds, counts in thousands.
    pub(super) fn shown(&self) -> String {
        match self {
            Value::Money(p) => money::pounds(*p),
            Value::Count(n) => money::count(*n),
            other => other.plain(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    /// Stable key used as `breakdown` in the CSV.
    pub key: String,
    pub title: String,
    /// Stable measure keys and their labels.
    pub columns: Vec<(String, String)>,
    pub rows: Vec<(String, Vec<Value>)>,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub bars: Vec<(String, i64)>,
}

/// What every format writes.
#[derive(Debug, Clone)]
pub struct Document {
    pub code: String,
    pub title: String,
    pub subtitle: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub headline: Vec<(String, String)>,
    pub charts: Vec<Chart>,
    pub tables: Vec<Table>,
    pub notes: Vec<String>,
}

pub(super) fn measure_columns() -> Vec<(String, String)> {
    MEASURES
        .iter()
        .map(|m| (m.0.to_owned(), m.1.to_owned()))
        .collect()
}

fn figure_values(values: &[Option<i64>], threshold: i64) -> Vec<Value> {
    values
        .iter()
        .zip(MEASURES)
        .map(|(v, m)| match v {
            None => Value::Hidden(threshold),
            Some(n) if m.2 => Value::Money(*n),
            Some(n) => Value::Count(*n),
        })
        .collect()
}

/// The neighbourhood rows of the landlord summary, small counts hidden.
pub(super) fn area_rows(s: &Summary) -> Vec<(String, Vec<Value>)> {
    s.neighbourhoods
        .iter()
        .map(|a| {
            (
                a.neighbourhood.clone(),
                figure_values(&a.cells, s.small_count),
            )
        })
        .collect()
}

/// The whole pantry's row of the landlord summary, in full.
pub(super) fn total_row(s: &Summary) -> (String, Vec<Value>) {
    (
        "All neighbourhoods".into(),
        figure_values(&s.overall.values().map(Some), s.small_count),
    )
}

/// The headline figures of the landlord summary, as people read them.
pub(super) fn headline(s: &Summary) -> Vec<(String, String)> {
    let o = &s.overall;
    vec![
        ("Visits".into(), money::count(o.visits)),
        (
            "Households (unduplicated)".into(),
            money::count(o.households),
        ),
        (
            "People reached".into(),
            format!(
                "{} ({} adults, {} children)",
                money::count(o.adults + o.children),
                money::count(o.adults),
                money::count(o.children)
            ),
        ),
        (
            "New members / renewals".into(),
            format!(
                "{} / {}",
                money::count(o.new_members),
                money::count(o.renewals)
            ),
        ),
        (
            "Landlord tenants / others".into(),
            format!(
                "{} / {} households",
                money::count(o.tenant_households),
                money::count(o.other_households)
            ),
        ),
        ("Items distributed".into(), money::count(o.items)),
        ("Fees collected".into(), money::pounds(o.fees_pence)),
        (
            "Estimated member savings".into(),
            money::pounds(o.savings_pence),
        ),
    ]
}

/// The landlord summary as a document.
pub fn summary_document(s: &Summary) -> Document {
    let mut rows = area_rows(s);
    rows.push(total_row(s));
    let label_counts = |key: &str, title: &str, list: &[super::LabelCount]| Table {
        key: key.into(),
        title: title.into(),
        columns: vec![("referrals".into(), "Referrals".into())],
        rows: list
            .iter()
            .map(|l| (l.label.clone(), vec![Value::Count(l.count)]))
            .collect(),
    };
    let mut tables = vec![
        Table {
            key: "neighbourhood".into(),
            title: "By neighbourhood".into(),
            columns: measure_columns(),
            rows,
        },
        label_counts(
            "referrals_by_kind",
            "Referrals made, by kind of help",
            &s.referrals_by_kind,
        ),
        label_counts(
            "referrals_by_outcome",
            "Referral outcomes recorded",
            &s.referrals_by_outcome,
        ),
        Table {
            key: "stock_received".into(),
            title: "Stock received, by source".into(),
            columns: vec![
                ("units".into(), "Units".into()),
                ("value_pence".into(), "Value".into()),
            ],
            rows: s
                .stock_received
                .iter()
                .map(|r| {
                    (
                        r.source.clone(),
                        vec![Value::Count(r.units), Value::Money(r.value_pence)],
                    )
                })
                .collect(),
        },
        Table {
            key: "visits_per_week".into(),
            title: "Visits per week".into(),
            columns: vec![("visits".into(), "Visits".into())],
            rows: s
                .visits_per_week
                .iter()
                .map(|w| {
                    (
                        format!("Week from {}", w.week_start.format("%d/%m/%Y")),
                        vec![Value::Count(w.visits)],
                    )
                })
                .collect(),
        },
    ];
    if !s.social_value.is_empty() {
        tables.push(Table {
            key: "social_value".into(),
            title: "Indicative social value (values set by the landlord)".into(),
            columns: vec![
                ("outcomes".into(), "Outcomes".into()),
                ("value_each_pence".into(), "Value each".into()),
                ("value_pence".into(), "Value".into()),
            ],
            rows: s
                .social_value
                .iter()
                .map(|v| {
                    (
                        v.outcome.clone(),
                        vec![
                            Value::Count(v.count),
                            Value::Money(v.value_each_pence),
                            Value::Money(v.value_pence),
                        ],
                    )
                })
                .collect(),
        });
    }
    let households_by_area = Chart {
        title: "Households by neighbourhood".into(),
        bars: s
            .neighbourhoods
            .iter()
            .filter_map(|a| Some((a.neighbourhood.clone(), a.cells.get(1).copied().flatten()?)))
            .collect(),
    };
    Document {
        code: s.pantry_code.clone(),
        title: s.pantry_name.clone(),
        subtitle: format!("Summary for {}: {}", s.landlord, s.period.label),
        from: s.period.from,
        to: s.period.to,
        headline: headline(s),
        charts: vec![
            Chart {
                title: "Visits per week".into(),
                bars: s.visits_per_week.iter().map(|w| (w.week_start.format("%d/%m").to_string(), w.visits)).collect(),
            },
            households_by_area,
        ],
        tables,
        notes: vec![
            rule_text(s.small_count),
            format!(
                "Estimated member savings are the value of the items taken less the fees paid. Where the items' \
                 values were not recorded ({} visits), an average of {} per item is used: an estimate.",
                s.visits_with_estimated_value,
                money::pounds(s.average_item_value_pence)
            ),
            "Money columns in the CSV and JSON are in pence. Hidden cells are \"<N\" in the CSV and null in the JSON.".into(),
        ],
    }
}

/// CSV: one tidy long-format file, UTF-8 with a BOM so Excel opens it correctly.
/// Columns: pantry_code, period_from, period_to, breakdown, group, measure, value.
pub fn to_csv(doc: &Document) -> Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let (from, to) = (doc.from.to_string(), doc.to.to_string());
        let mut w = csv::Writer::from_writer(&mut out);
        let fail = |e: csv::Error| Error::Io(std::io::Error::other(e));
        w.write_record([
            "pantry_code",
            "period_from",
            "period_to",
            "breakdown",
            "group",
            "measure",
            "value",
        ])
        .map_err(fail)?;
        for t in &doc.tables {
            for (group, values) in &t.rows {
                for ((measure, _), v) in t.columns.iter().zip(values) {
                    w.write_record([
                        doc.code.as_str(),
                        &from,
                        &to,
                        &t.key,
                        group,
                        measure,
                        &v.plain(),
                    ])
                    .map_err(fail)?;
                }
            }
        }
        w.flush()?;
    }
    Ok(out)
}

/// XLSX: a sheet of headline figures and notes, then a sheet per table with a bold, frozen
/// header row and money formatted in pounds.
pub fn to_xlsx(doc: &Document) -> Result<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| Error::Io(std::io::Error::other(e));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let pounds = Format::new().set_num_format("£#,##0.00");
    let wrap = Format::new().set_text_wrap();
    let sheet = book.add_worksheet().set_name("Summary").map_err(fail)?;
    sheet
        .write_with_format(0, 0, &doc.title, &bold)
        .map_err(fail)?;
    sheet.write(1, 0, &doc.subtitle).map_err(fail)?;
    for (i, (label, value)) in doc.headline.iter().enumerate() {
        let r = 3 + i as u32;
        sheet.write_with_format(r, 0, label, &bold).map_err(fail)?;
        sheet.write(r, 1, value).map_err(fail)?;
    }
    let notes_from = 4 + doc.headline.len() as u32;
    for (r, note) in (notes_from..).zip(&doc.notes) {
        sheet.write_with_format(r, 0, note, &wrap).map_err(fail)?;
    }
    sheet.set_column_width(0, 60).map_err(fail)?;
    sheet.set_column_width(1, 40).map_err(fail)?;
    for t in &doc.tables {
        let name: String = t
            .title
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        let sheet = book.add_worksheet().set_name(name.trim()).map_err(fail)?;
        sheet
            .write_with_format(0, 0, "Group", &bold)
            .map_err(fail)?;
        for (c, (_, label)) in t.columns.iter().enumerate() {
            sheet
                .write_with_format(0, 1 + c as u16, label, &bold)
                .map_err(fail)?;
        }
        for (i, (group, values)) in t.rows.iter().enumerate() {
            let r = 1 + i as u32;
            sheet.write(r, 0, group).map_err(fail)?;
            for (c, v) in values.iter().enumerate() {
                let c = 1 + c as u16;
                match v {
                    Value::Count(n) => sheet.write(r, c, *n as f64).map_err(fail)?,
                    Value::Money(p) => sheet
                        .write_with_format(r, c, *p as f64 / 100.0, &pounds)
                        .map_err(fail)?,
                    Value::Hidden(_) => sheet.write(r, c, v.plain()).map_err(fail)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(fail)?;
        sheet.set_column_width(0, 34).map_err(fail)?;
        for c in 0..t.columns.len() {
            sheet.set_column_width(1 + c as u16, 16).map_err(fail)?;
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// PDF: title, period, headline figures, charts drawn as vector bars, tables and notes.
pub fn to_pdf(doc: &Document) -> Result<Vec<u8>> {
    let mut flow = Flow::new(&doc.title, &format!("{} · {}", doc.title, doc.subtitle))?;
    flow.title(&doc.title)?;
    flow.paragraph(&doc.subtitle, GREY)?;
    flow.heading("Headline figures")?;
    for (label, value) in &doc.headline {
        flow.field(label, value)?;
    }
    for chart in &doc.charts {
        flow.heading(&chart.title)?;
        flow.bar_chart(&chart.bars)?;
    }
    // Wide tables are printed in parts of a few columns, each with the group names.
    const PART: usize = 6;
    for t in &doc.tables {
        flow.heading(&t.title)?;
        for start in (0..t.columns.len()).step_by(PART) {
            let end = (start + PART).min(t.columns.len());
            let n = (end - start) as f32;
            let first = if t.columns.len() > 3 { 38.0 } else { 70.0 };
            let mut widths = vec![first];
            widths.extend(std::iter::repeat_n(
                (174.0 - first) / n.max(3.0),
                end - start,
            ));
            let header: Vec<&str> = std::iter::once("")
                .chain(t.columns[start..end].iter().map(|(_, l)| l.as_str()))
                .collect();
            let rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|(g, vs)| {
                    std::iter::once(g.clone())
                        .chain(vs[start..end].iter().map(Value::shown))
                        .collect()
                })
                .collect();
            flow.table(&widths, &header, &rows)?;
        }
    }
    flow.heading("How these figures are made")?;
    for note in &doc.notes {
        flow.paragraph(note, GREY)?;
    }
    flow.finish()
}

pub fn to_json(summary: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(summary).map_err(|e| Error::Io(std::io::Error::other(e)))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A recorded export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportRecord {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub period_from: String,
    pub period_to: String,
    pub format: String,
    pub file: String,
    pub sha256: String,
}

/// Writes `bytes` to `to` and, once the file is safely written, records the export (who,
/// when, period, format, hash).
pub async fn write_and_record(
    db: &Db,
    kind: &str,
    doc: &Document,
    format: ReportFormat,
    bytes: &[u8],
    to: &Destination,
    actor: &Actor,
) -> Result<ExportRecord> {
    actor.require(db, Operation::ExportReport).await?;
    let actor = actor.name.as_str();
    let out = crate::output::write(db, to, bytes).await?;
    let file = out.display().to_string();
    let hash = sha256_hex(bytes);
    let mut tx = db.begin_write().await?;
    let record = store::insert_export(
        &mut tx,
        &store::NewExport {
            at: db.now(),
            actor,
            kind,
            period_from: doc.from,
            period_to: doc.to,
            format: format.extension(),
            file: &file,
            sha256: &hash,
        },
    )
    .await?;
    crate::audit::record(
        &mut tx,
        db.now(),
        actor,
        "reports.exported",
        None,
        &serde_json::json!({ "kind": kind, "from": doc.from, "to": doc.to, "format": format.extension() }),
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}

/// Renders a document (with the summary itself for JSON) in a format.
pub fn render(doc: &Document, json: &impl Serialize, format: ReportFormat) -> Result<Vec<u8>> {
    match format {
        ReportFormat::Csv => to_csv(doc),
        ReportFormat::Xlsx => to_xlsx(doc),
        ReportFormat::Pdf => to_pdf(doc),
        ReportFormat::Json => to_json(json),
    }
}

/// Exports the summary of a period to the file the user named, or (`None`) as a new file in
/// the `reports` folder beside the database.
pub async fn export_summary(
    db: &Db,
    period: &super::Period,
    format: ReportFormat,
    out: Option<(&Path, Existing)>,
    actor: &Actor,
) -> Result<ExportRecord> {
    let summary = super::summary(db, period).await?;
    let doc = summary_document(&summary);
    let bytes = render(&doc, &summary, format)?;
    let to = destination(
        out,
        format!(
            "{}-summary-{}",
            summary.pantry_code.to_lowercase(),
            period.slug()
        ),
        format,
    );
    write_and_record(db, "summary", &doc, format, &bytes, &to, actor).await
}

/// The file the user named, or a new file named `stem` in the `reports` folder.
pub fn destination(
    out: Option<(&Path, Existing)>,
    stem: String,
    format: ReportFormat,
) -> Destination {
    match out {
        Some((path, existing)) => Destination::file(path, existing),
        None => Destination::folder("reports", stem, format.extension()),
    }
}

/// Every export, newest first.
pub async fn history(db: &Db) -> Result<Vec<ExportRecord>> {
    let mut conn = db.pool().acquire().await?;
    store::exports(&mut conn, 200).await
}
