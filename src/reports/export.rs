//! Writing reports: a summary (or roll-up) becomes a `Document` of headline figures, tables,
//! charts and notes, written as CSV (one tidy long file, UTF-8 with BOM), XLSX (a sheet per
//! table), PDF (with vector charts) or JSON. Each export is recorded with its SHA-256.
//! Every text cell of every CSV and workbook goes through `spreadsheet_text`.

use std::borrow::Cow;
use std::path::Path;

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use super::store;
use super::suppress::{Kind, MEASURES};
use super::{LabelCell, Summary};
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

/// A text cell as a spreadsheet may safely read it (OWASP, "CSV Injection"): text that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula by
/// Excel, LibreOffice or Google Sheets, so it gets a leading `'`, which they show as text.
/// A plain number ("-12", "+3.50") is left as it is: it is read as that number, not a formula.
pub fn spreadsheet_text(text: &str) -> Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = |t: &str| {
        let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
        let (whole, part) = digits.split_once('.').unwrap_or((digits, "0"));
        !whole.is_empty()
            && !part.is_empty()
            && whole
                .bytes()
                .chain(part.bytes())
                .all(|b| b.is_ascii_digit())
    };
    if risky && !number(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
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
    /// A published cell: `None` is hidden below `threshold`.
    pub fn cell(cell: Option<i64>, kind: Kind, threshold: i64) -> Value {
        match (cell, kind) {
            (None, _) => Value::Hidden(threshold),
            (Some(p), Kind::Money) => Value::Money(p),
            (Some(n), _) => Value::Count(n),
        }
    }

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
    pub headline: Vec<(String, Value)>,
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

/// Cells in `MEASURES` order as values.
pub(super) fn figure_values(cells: &[Option<i64>], threshold: i64) -> Vec<Value> {
    cells
        .iter()
        .zip(MEASURES)
        .map(|(c, m)| Value::cell(*c, m.2, threshold))
        .collect()
}

/// The neighbourhood rows of the landlord summary, as published.
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

/// The whole pantry's row of the landlord summary (protected on its own).
pub(super) fn total_row(s: &Summary) -> (String, Vec<Value>) {
    (
        "All neighbourhoods".into(),
        figure_values(&s.overall, s.small_count),
    )
}

/// Households by preferred language, as published.
pub(super) fn language_rows(s: &Summary) -> Vec<(String, Vec<Value>)> {
    s.households_by_language
        .iter()
        .map(|l| {
            (
                l.label.clone(),
                vec![Value::cell(l.count, Kind::Count, s.small_count)],
            )
        })
        .collect()
}

/// The headline figures of the landlord summary: the whole pantry's cells.
pub(super) fn headline(s: &Summary) -> Vec<(String, Value)> {
    MEASURES
        .iter()
        .zip(figure_values(&s.overall, s.small_count))
        .map(|(m, v)| {
            let label = match m.0 {
                "households" => "Households (unduplicated)",
                "people" => "People reached",
                "savings_pence" => "Estimated member savings",
                _ => m.1,
            };
            (label.to_owned(), v)
        })
        .collect()
}

/// The landlord summary as a document.
pub fn summary_document(s: &Summary) -> Document {
    let mut rows = area_rows(s);
    rows.push(total_row(s));
    let t = s.small_count;
    let count = |c: Option<i64>| Value::cell(c, Kind::Count, t);
    let label_counts = |key: &str, title: &str, list: &[LabelCell]| Table {
        key: key.into(),
        title: title.into(),
        columns: vec![("referrals".into(), "Referrals".into())],
        rows: list
            .iter()
            .map(|l| (l.label.clone(), vec![count(l.count)]))
            .collect(),
    };
    let mut tables = vec![
        Table {
            key: "neighbourhood".into(),
            title: "By neighbourhood".into(),
            columns: measure_columns(),
            rows,
        },
        Table {
            key: "households_by_language".into(),
            title: "Households by language".into(),
            columns: vec![("households".into(), "Households".into())],
            rows: language_rows(s),
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
            key: "outreach".into(),
            title: "Home deliveries and welfare calls".into(),
            columns: vec![("count".into(), "Count".into())],
            rows: s
                .outreach
                .iter()
                .map(|l| (l.label.clone(), vec![count(l.count)]))
                .collect(),
        },
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
                        vec![count(w.visits)],
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
                            count(v.count),
                            Value::Money(v.value_each_pence),
                            Value::cell(v.value_pence, Kind::Money, t),
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
    let estimated = match s.visits_with_estimated_value {
        Some(n) => format!("about {n} visits"),
        None => format!("fewer than {t} visits"),
    };
    let mut notes = vec![
        s.rule.clone(),
        format!(
            "Estimated member savings are the value of the items taken less the fees paid. Where the items' \
             values were not recorded ({estimated}), an average of {} per item is used: an estimate.",
            money::pounds(s.average_item_value_pence)
        ),
        "Money columns in the CSV and JSON are in pence. Hidden cells are \"<N\" in the CSV and null in the JSON.".into(),
    ];
    // The audit chain's head, once the pantry keeps one: ties the report to its audit trail.
    if let Some(head) = &s.audit_chain_head {
        notes.push(format!(
            "Audit chain head when this report was made: {head}."
        ));
    }
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
                bars: s
                    .visits_per_week
                    .iter()
                    .filter_map(|w| Some((w.week_start.format("%d/%m").to_string(), w.visits?)))
                    .collect(),
            },
            households_by_area,
        ],
        tables,
        notes,
    }
}

/// CSV: one tidy long-format file, UTF-8 with a BOM so Excel opens it correctly.
/// Columns: pantry_code, period_from, period_to, breakdown, group, measure, value. The notes
/// (the disclosure control rule first) follow as rows of breakdown `notes`, measure `text`.
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
        let code = spreadsheet_text(&doc.code);
        for t in &doc.tables {
            for (group, values) in &t.rows {
                for ((measure, _), v) in t.columns.iter().zip(values) {
                    // Numbers are written as numbers; every text cell is made safe.
                    w.write_record([
                        code.as_ref(),
                        &from,
                        &to,
                        &spreadsheet_text(&t.key),
                        &spreadsheet_text(group),
                        &spreadsheet_text(measure),
                        &v.plain(),
                    ])
                    .map_err(fail)?;
                }
            }
        }
        for (i, note) in doc.notes.iter().enumerate() {
            w.write_record([
                code.as_ref(),
                &from,
                &to,
                "notes",
                &format!("note_{}", i + 1),
                "text",
                &spreadsheet_text(note),
            ])
            .map_err(fail)?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// XLSX: a sheet of headline figures and notes, then a sheet per table with a bold, frozen
/// header row. Every figure is a number cell (counts `#,##0`, money in pounds `£#,##0.00`), so
/// it can be summed; hidden cells are the text "<N"; every text cell is made safe.
pub fn to_xlsx(doc: &Document) -> Result<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| Error::Io(std::io::Error::other(e));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let counts = Format::new().set_num_format("#,##0");
    let pounds = Format::new().set_num_format("£#,##0.00");
    let wrap = Format::new().set_text_wrap();
    let write_value = |sheet: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, v: &Value| {
        match v {
            Value::Count(n) => sheet.write_number_with_format(r, c, *n as f64, &counts),
            Value::Money(p) => sheet.write_number_with_format(r, c, *p as f64 / 100.0, &pounds),
            Value::Hidden(_) => sheet.write_string(r, c, spreadsheet_text(&v.plain())),
        }
        .map(|_| ())
        .map_err(fail)
    };
    let sheet = book.add_worksheet().set_name("Summary").map_err(fail)?;
    sheet
        .write_string_with_format(0, 0, spreadsheet_text(&doc.title), &bold)
        .map_err(fail)?;
    sheet
        .write_string(1, 0, spreadsheet_text(&doc.subtitle))
        .map_err(fail)?;
    for (i, (label, value)) in doc.headline.iter().enumerate() {
        let r = 3 + i as u32;
        sheet
            .write_string_with_format(r, 0, spreadsheet_text(label), &bold)
            .map_err(fail)?;
        write_value(sheet, r, 1, value)?;
    }
    let notes_from = 4 + doc.headline.len() as u32;
    for (r, note) in (notes_from..).zip(&doc.notes) {
        sheet
            .write_string_with_format(r, 0, spreadsheet_text(note), &wrap)
            .map_err(fail)?;
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
            .write_string_with_format(0, 0, "Group", &bold)
            .map_err(fail)?;
        for (c, (_, label)) in t.columns.iter().enumerate() {
            sheet
                .write_string_with_format(0, 1 + c as u16, spreadsheet_text(label), &bold)
                .map_err(fail)?;
        }
        for (i, (group, values)) in t.rows.iter().enumerate() {
            let r = 1 + i as u32;
            sheet
                .write_string(r, 0, spreadsheet_text(group))
                .map_err(fail)?;
            for (c, v) in values.iter().enumerate() {
                write_value(sheet, r, 1 + c as u16, v)?;
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
        flow.field(label, &value.shown())?;
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

/// A recorded export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct ExportRecord {
    #[ts(type = "number")]
    pub id: i64,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
    pub actor: String,
    pub kind: String,
    #[sqlx(try_from = "crate::db::Day")]
    pub period_from: String,
    #[sqlx(try_from = "crate::db::Day")]
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
    let actor = actor.name();
    let out = crate::output::write(db, to, bytes).await?;
    let file = out.display().to_string();
    let hash = crate::files::sha256_hex(bytes);
    // The audit chain's head as this export left: the landlord's copy can be matched to the
    // pantry's trail as it stood then.
    let chain = crate::audit::chain::verify(db).await?.head;
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
            audit_head: &chain,
        },
    )
    .await?;
    crate::audit::record(
        &mut tx,
        db.now(),
        actor,
        "reports.exported",
        None,
        &serde_json::json!({
            "kind": kind,
            "from": doc.from,
            "to": doc.to,
            "format": format.extension(),
            "sha256": hash,
            "auditEntries": chain.entries,
            "auditHead": chain.hash,
        }),
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
    let summary = super::summary(db, period, actor).await?;
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

/// Every export, newest first (a manager's, as exporting is).
pub async fn history(db: &Db, actor: &Actor) -> Result<Vec<ExportRecord>> {
    actor.require(db, Operation::ExportReport).await?;
    let mut conn = db.acquire().await?;
    store::exports(&mut conn, 200).await
}
