//! Opening stock from a spreadsheet (CSV or xlsx): items are created as needed and their
//! stock recorded as `opening` movements, all in one transaction. Every row is checked first
//! and its problems reported with line and column; a dry run writes nothing.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use ts_rs::TS;

use super::catalogue::{save_item_with, validate_item, BarcodeForm, ItemForm};
use super::ledger::{self, Doc, Movement, When};
use super::store;
use crate::access::{Actor, Operation};
use crate::audit;
use crate::clock::parse_uk_date;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::import::{RowProblem, Sheet};
use crate::settings;

/// The columns an opening-stock sheet may have (headers matched loosely).
const COLUMNS: &[(&str, &[&str])] = &[
    (
        "name",
        &["name", "item", "itemname", "product", "description"],
    ),
    ("category", &["category", "type", "group"]),
    ("unit", &["unit", "units", "uom"]),
    ("packSize", &["packsize", "size", "pack"]),
    ("quantity", &["quantity", "qty", "onhand", "stock", "count"]),
    ("bestBefore", &["bestbefore", "bbe", "bestbeforedate"]),
    ("useBy", &["useby", "usebydate"]),
    ("value", &["value", "unitvalue", "price", "valueperunit"]),
    ("barcode", &["barcode", "ean", "gtin", "upc"]),
    ("band", &["band", "colour", "color", "colourband"]),
    ("points", &["points"]),
    (
        "reorderLevel",
        &["reorderlevel", "reorder", "minimum", "min"],
    ),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpeningReport {
    /// Rows that are ready (or were imported).
    pub good: u32,
    pub new_items: u32,
    #[ts(type = "number")]
    pub units: i64,
    pub problems: Vec<RowProblem>,
    pub imported: bool,
}

fn key(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

/// Checks the sheet and, unless `dry_run`, records the opening stock. With problems, nothing
/// is written unless `skip_bad` (then the good rows are).
pub async fn import_opening(
    db: &Db,
    sheet: &Sheet,
    dry_run: bool,
    skip_bad: bool,
    actor: &Actor,
) -> Result<OpeningReport> {
    actor.require(db, Operation::ImportStock).await?;
    let actor = actor.name();
    let settings = settings::require(db).await?;
    let when = When::at(db.now(), &settings);
    let columns: HashMap<&str, usize> = COLUMNS
        .iter()
        .filter_map(|(field, names)| {
            let at = sheet
                .headers
                .iter()
                .position(|h| names.contains(&key(h).as_str()))?;
            Some((*field, at))
        })
        .collect();
    for needed in ["name", "quantity"] {
        if !columns.contains_key(needed) {
            return Err(Error::invalid(
                "file",
                format!(
                    "The sheet needs a column headed \"{needed}\" (one row per item or batch)."
                ),
            ));
        }
    }
    let header = |field: &str| {
        columns
            .get(field)
            .map(|&i| sheet.headers[i].clone())
            .unwrap_or_default()
    };

    let mut tx = db.begin_write().await?;
    let mut report = OpeningReport {
        good: 0,
        new_items: 0,
        units: 0,
        problems: Vec::new(),
        imported: false,
    };
    let mut created: HashMap<String, i64> = HashMap::new();
    let mut barcodes_seen = HashSet::new();
    for row in &sheet.rows {
        let cell = |field: &str| {
            columns
                .get(field)
                .and_then(|&i| row.cells.get(i))
                .map(|c| c.trim().to_owned())
                .unwrap_or_default()
        };
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| {
            problems.push(RowProblem {
                line: row.line,
                column: header(field),
                message,
            });
        };
        let name = cell("name");
        if name.is_empty() {
            problem("name", "The item has no name.".into());
        }
        let quantity = cell("quantity")
            .parse::<i64>()
            .ok()
            .filter(|q| (0..=1_000_000).contains(q));
        if quantity.is_none() {
            problem(
                "quantity",
                format!("\"{}\" is not a whole number of units.", cell("quantity")),
            );
        }
        let date = |field: &str, problem: &mut dyn FnMut(&str, String)| {
            let text = cell(field);
            if text.is_empty() {
                return None;
            }
            let d = parse_uk_date(&text);
            if d.is_none() {
                problem(field, format!("\"{text}\" is not a date (use DD/MM/YYYY)."));
            }
            d
        };
        let best_before = date("bestBefore", &mut problem);
        let use_by = date("useBy", &mut problem);
        if use_by.is_some_and(|d| d < when.local_date) {
            problem(
                "useBy",
                "Past its use-by date: record it as waste, not as stock.".into(),
            );
        }
        let existing: Option<(i64, i64)> = if name.is_empty() {
            None
        } else {
            store::catalogue::item_named_with_history(&mut tx, &name, when.at).await?
        };
        let item_id = match (existing, created.get(&name.to_lowercase())) {
            (Some((_, history)), None) if history > 0 => {
                problem(
                    "name",
                    format!("{name} already has stock recorded; correct it with a stock count."),
                );
                None
            }
            (Some((id, _)), _) => Some(id),
            (None, Some(&id)) => Some(id),
            (None, None) if name.is_empty() => None,
            (None, None) => {
                let barcode = cell("barcode");
                let form = ItemForm {
                    id: None,
                    name: name.clone(),
                    category: cell("category"),
                    unit: match cell("unit") {
                        u if u.is_empty() => "each".into(),
                        u => u,
                    },
                    pack_size: cell("packSize"),
                    band: cell("band"),
                    points: cell("points"),
                    value: cell("value"),
                    reorder_level: cell("reorderLevel"),
                    active: true,
                    barcodes: if barcode.is_empty() {
                        Vec::new()
                    } else {
                        vec![BarcodeForm {
                            code: barcode.clone(),
                            units: "1".into(),
                        }]
                    },
                };
                if !barcode.is_empty() && !barcodes_seen.insert(barcode.replace(' ', "")) {
                    problem(
                        "barcode",
                        format!("{barcode} is on an earlier row for another item."),
                    );
                }
                match validate_item(&mut tx, &form).await {
                    Err(Error::Validation(fields)) => {
                        for f in fields {
                            let field = if f.field.starts_with("barcodes") {
                                "barcode".to_owned()
                            } else {
                                f.field
                            };
                            problem(&field, f.message);
                        }
                        None
                    }
                    Err(other) => return Err(other),
                    Ok(valid) if problems.is_empty() => {
                        let id = save_item_with(&mut tx, db.now(), None, &valid, true).await?;
                        created.insert(name.to_lowercase(), id);
                        report.new_items += 1;
                        Some(id)
                    }
                    Ok(_) => None,
                }
            }
        };
        if !problems.is_empty() {
            report.problems.extend(problems);
            continue;
        }
        let (Some(item_id), Some(quantity)) = (item_id, quantity) else {
            continue;
        };
        report.good += 1;
        if quantity > 0 {
            let batch_id = ledger::new_batch(&mut tx, item_id, best_before, use_by).await?;
            let value = store::catalogue::unit_value(&mut tx, item_id)
                .await?
                .ok_or_else(|| Error::not_found(format!("Item {item_id}")))?;
            ledger::post(
                &mut tx,
                &when,
                Movement {
                    kind: "opening",
                    item_id,
                    batch_id,
                    quantity,
                    value_pence: value.map(|v| v * quantity),
                    doc: Doc::Opening,
                },
            )
            .await?;
            report.units += quantity;
        }
    }
    // Nothing recorded (not even "imported 0") when nothing is imported.
    if dry_run || report.good == 0 || (!report.problems.is_empty() && !skip_bad) {
        tx.rollback().await?;
        return Ok(report);
    }
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "stock.opening.imported",
        None,
        &serde_json::json!({ "rows": report.good, "newItems": report.new_items, "units": report.units, "problems": report.problems.len() }),
    )
    .await?;
    tx.commit().await?;
    report.imported = true;
    Ok(report)
}
