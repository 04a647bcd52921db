//! Stock-takes: start (expected quantities snapshotted), print a count sheet, enter counted
//! quantities (blank is "not counted", not zero), review variances, finalise (adjustments
//! posted; the count is frozen) or cancel. Movements during the count are accounted for:
//! variance = counted − (expected at start + movements since).

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::{FromRow, SqliteConnection};
use ts_rs::TS;

use super::ledger::{self, Doc, Movement, Take, When};
use crate::access::{Actor, Operation};
use crate::audit;
use crate::db::Db;
use crate::error::{whole_number, Error, Result};
use crate::print::flow::Flow;
use crate::settings;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct CountLine {
    #[ts(type = "number")]
    pub item_id: i64,
    pub item: String,
    pub category: String,
    pub unit: String,
    /// On hand when the count started.
    #[ts(type = "number")]
    pub expected: i64,
    /// Movements of this item since the count started (visits, deliveries, waste).
    #[ts(type = "number")]
    pub since: i64,
    #[ts(type = "number | null")]
    pub counted: Option<i64>,
    /// counted − (expected + since), once counted.
    #[ts(type = "number | null")]
    pub variance: Option<i64>,
    #[ts(type = "number | null")]
    pub variance_value_pence: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StockCount {
    #[ts(type = "number")]
    pub id: i64,
    pub status: String,
    pub started_at: String,
    pub started_by: String,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub lines: Vec<CountLine>,
    #[ts(type = "number")]
    pub not_counted: i64,
    /// Net value of the variances where item values are known.
    #[ts(type = "number")]
    pub variance_value_pence: i64,
}

#[derive(FromRow)]
struct CountHead {
    id: i64,
    status: String,
    started_at: String,
    started_by: String,
    closed_at: Option<String>,
    closed_by: Option<String>,
}

async fn count_with(conn: &mut SqliteConnection, id: i64) -> Result<StockCount> {
    let head: CountHead = sqlx::query_as(
        "SELECT id, status, started_at, started_by, closed_at, closed_by FROM stock_counts WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::not_found(format!("Stock count {id}")))?;
    // Movements "since" are those after the start and not posted by this count itself.
    let lines: Vec<CountLine> = sqlx::query_as(
        "SELECT l.item_id, i.name AS item, i.category, i.unit, l.expected,
             COALESCE((SELECT SUM(m.quantity) FROM stock_movements m
                       WHERE m.item_id = l.item_id AND m.id > c.after_movement AND m.count_id IS NOT c.id), 0) AS since,
             l.counted, NULL AS variance, i.value_pence AS variance_value_pence
         FROM stock_count_lines l JOIN stock_counts c ON c.id = l.count_id JOIN items i ON i.id = l.item_id
         WHERE l.count_id = ? ORDER BY i.category, i.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let lines: Vec<CountLine> = lines
        .into_iter()
        .map(|mut l| {
            let unit_value = l.variance_value_pence;
            l.variance = l.counted.map(|c| c - (l.expected + l.since));
            l.variance_value_pence = l.variance.zip(unit_value).map(|(v, p)| v * p);
            l
        })
        .collect();
    Ok(StockCount {
        id: head.id,
        status: head.status,
        started_at: head.started_at,
        started_by: head.started_by,
        closed_at: head.closed_at,
        closed_by: head.closed_by,
        not_counted: lines.iter().filter(|l| l.counted.is_none()).count() as i64,
        variance_value_pence: lines.iter().filter_map(|l| l.variance_value_pence).sum(),
        lines,
    })
}

pub async fn count(db: &Db, id: i64) -> Result<StockCount> {
    count_with(&mut *db.pool().acquire().await?, id).await
}

/// The count in progress, if any.
pub async fn open_count(db: &Db) -> Result<Option<StockCount>> {
    let mut conn = db.pool().acquire().await?;
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM stock_counts WHERE status = 'open'")
        .fetch_optional(&mut *conn)
        .await?;
    match id {
        Some(id) => Ok(Some(count_with(&mut conn, id).await?)),
        None => Ok(None),
    }
}

/// Starts a count of every active item (and any inactive item still in stock).
pub async fn start_count(db: &Db, actor: &Actor) -> Result<StockCount> {
    actor.require(db, Operation::StockCount).await?;
    let volunteer = actor.name.as_str();
    let settings = settings::require(db).await?;
    let when = When::at(db.now(), &settings);
    let volunteer = volunteer.trim();
    if volunteer.is_empty() {
        return Err(Error::invalid("volunteer", "Enter your name."));
    }
    let mut tx = db.begin_write().await?;
    let open: Option<i64> = sqlx::query_scalar("SELECT id FROM stock_counts WHERE status = 'open'")
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(open) = open {
        return Err(Error::Conflict(format!(
            "Stock count {open} is still in progress: finish or cancel it first."
        )));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO stock_counts (started_at, started_by, after_movement)
         VALUES (?, ?, (SELECT COALESCE(MAX(id), 0) FROM stock_movements)) RETURNING id",
    )
    .bind(&when.at)
    .bind(volunteer)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO stock_count_lines (count_id, item_id, expected)
         SELECT ?, i.id, COALESCE((SELECT SUM(on_hand) FROM batches b WHERE b.item_id = i.id), 0) AS on_hand
         FROM items i WHERE i.active = 1 OR EXISTS (SELECT 1 FROM batches b WHERE b.item_id = i.id AND b.on_hand > 0)",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        db.now(),
        volunteer,
        "stock.count.started",
        Some(&format!("count:{id}")),
        &serde_json::json!({}),
    )
    .await?;
    let count = count_with(&mut tx, id).await?;
    tx.commit().await?;
    Ok(count)
}

/// Enters (or clears, with an empty text) the counted quantity of one item.
pub async fn enter_counted(
    db: &Db,
    count_id: i64,
    item_id: i64,
    counted: &str,
    actor: &Actor,
) -> Result<CountLine> {
    actor.require(db, Operation::StockCount).await?;
    let counted = if counted.trim().is_empty() {
        None
    } else {
        let mut errors = Vec::new();
        let n = whole_number(
            &mut errors,
            "counted",
            counted,
            0,
            1_000_000,
            "Counted quantity",
        );
        Some(i64::from(n.ok_or(Error::Validation(errors))?))
    };
    let mut tx = db.begin_write().await?;
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM stock_counts WHERE id = ?")
        .bind(count_id)
        .fetch_optional(&mut *tx)
        .await?;
    match status.as_deref() {
        None => return Err(Error::not_found(format!("Stock count {count_id}"))),
        Some("open") => {}
        Some(_) => {
            return Err(Error::Conflict(
                "This stock count is closed; it cannot change.".into(),
            ))
        }
    }
    let done =
        sqlx::query("UPDATE stock_count_lines SET counted = ? WHERE count_id = ? AND item_id = ?")
            .bind(counted)
            .bind(count_id)
            .bind(item_id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found("That item in this count"));
    }
    let count = count_with(&mut tx, count_id).await?;
    tx.commit().await?;
    count
        .lines
        .into_iter()
        .find(|l| l.item_id == item_id)
        .ok_or_else(|| Error::not_found("That item in this count"))
}

/// Posts an adjustment for every counted line with a variance and freezes the count.
/// Lines left blank are not adjusted.
pub async fn finalise_count(db: &Db, count_id: i64, actor: &Actor) -> Result<StockCount> {
    actor.require(db, Operation::StockCount).await?;
    let volunteer = actor.name.as_str();
    let settings = settings::require(db).await?;
    let when = When::at(db.now(), &settings);
    let volunteer = volunteer.trim();
    if volunteer.is_empty() {
        return Err(Error::invalid("volunteer", "Enter your name."));
    }
    let mut tx = db.begin_write().await?;
    let count = count_with(&mut tx, count_id).await?;
    if count.status != "open" {
        return Err(Error::Conflict(
            "This stock count is already closed.".into(),
        ));
    }
    if count.lines.iter().all(|l| l.counted.is_none()) {
        return Err(Error::invalid("counted", "Nothing has been counted yet."));
    }
    let mut losses = BTreeMap::new();
    for l in &count.lines {
        match l.variance {
            Some(v) if v < 0 => {
                losses.insert(l.item_id, -v);
            }
            Some(v) if v > 0 => {
                let batch_id = ledger::new_batch(&mut tx, l.item_id, None, None).await?;
                let unit_value = l.variance_value_pence.map(|total| total / v);
                ledger::post(
                    &mut tx,
                    &when,
                    Movement {
                        kind: "adjustment",
                        item_id: l.item_id,
                        batch_id,
                        quantity: v,
                        value_pence: unit_value.map(|u| u * v),
                        doc: Doc::Count(count_id),
                    },
                )
                .await?;
            }
            _ => {}
        }
    }
    ledger::take(
        &mut tx,
        &when,
        &losses,
        "adjustment",
        Doc::Count(count_id),
        Take::Any,
    )
    .await?;
    sqlx::query(
        "UPDATE stock_counts SET status = 'finalised', closed_at = ?, closed_by = ? WHERE id = ?",
    )
    .bind(&when.at)
    .bind(volunteer)
    .bind(count_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        db.now(),
        volunteer,
        "stock.count.finalised",
        Some(&format!("count:{count_id}")),
        &serde_json::json!({
            "adjusted": count.lines.iter().filter(|l| l.variance.is_some_and(|v| v != 0)).count(),
            "notCounted": count.not_counted,
            "valuePence": count.variance_value_pence,
        }),
    )
    .await?;
    let count = count_with(&mut tx, count_id).await?;
    tx.commit().await?;
    Ok(count)
}

/// Abandons an open count; nothing is adjusted.
pub async fn cancel_count(db: &Db, count_id: i64, actor: &Actor) -> Result<StockCount> {
    actor.require(db, Operation::StockCount).await?;
    let volunteer = actor.name.as_str();
    let volunteer = volunteer.trim();
    if volunteer.is_empty() {
        return Err(Error::invalid("volunteer", "Enter your name."));
    }
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE stock_counts SET status = 'cancelled', closed_at = ?, closed_by = ? WHERE id = ? AND status = 'open'",
    )
    .bind(db.now().to_rfc3339())
    .bind(volunteer)
    .bind(count_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict(
            "Only a count in progress can be cancelled.".into(),
        ));
    }
    audit::record(
        &mut tx,
        db.now(),
        volunteer,
        "stock.count.cancelled",
        Some(&format!("count:{count_id}")),
        &serde_json::json!({}),
    )
    .await?;
    let count = count_with(&mut tx, count_id).await?;
    tx.commit().await?;
    Ok(count)
}

/// The count sheet: every item by category with a blank box for the counted quantity.
/// Expected quantities are left off so the count is blind.
pub async fn count_sheet(db: &Db, count_id: i64) -> Result<Vec<u8>> {
    let settings = settings::require(db).await?;
    let count = count(db, count_id).await?;
    let mut flow = Flow::new(
        &format!("Stock count {count_id}"),
        &format!("{} · stock count {count_id}", settings.name),
    )?;
    flow.title(&format!("Stock count {count_id}"))?;
    flow.field("Pantry", &settings.name)?;
    flow.field(
        "Started",
        &format!(
            "{} by {}",
            chrono::DateTime::parse_from_rfc3339(&count.started_at)
                .map(|t| t.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            count.started_by
        ),
    )?;
    flow.field("Counted by", "")?;
    flow.paragraph(
        "Count what is on the shelves and write the number of units in the box. Write 0 when \
         there are none; leave the box empty only if you did not count the item.",
        crate::print::GREY,
    )?;
    let mut category = None;
    for l in &count.lines {
        if category != Some(&l.category) {
            category = Some(&l.category);
            flow.heading(&l.category)?;
        }
        flow.count_row(&l.item, &l.unit)?;
    }
    flow.finish()
}

/// Writes the count sheet to `to` (a file the user named, or the `print` folder).
pub async fn print_count_sheet(
    db: &Db,
    count_id: i64,
    to: &crate::output::Destination,
) -> Result<std::path::PathBuf> {
    let pdf = count_sheet(db, count_id).await?;
    crate::output::write(db, to, &pdf).await
}
