//! Stock-takes: start (expected quantities snapshotted), print a count sheet, enter counted
//! quantities (blank is "not counted", not zero), review variances, finalise (adjustments
//! posted; the count is frozen) or cancel. Movements during the count are accounted for:
//! variance = counted − (expected at start + movements since).

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use super::ledger::{self, Doc, Movement, Take, When};
use super::store;
use super::store::counts::{CountHead, CountLineRow};
use super::store::ledger::Hold;
use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::db::Conn;
use crate::db::Db;
use crate::error::{whole_number, Error, Result};
use crate::money;
use crate::print::flow::Flow;
use crate::settings;

/// One item of a count, with its figures also as the screen shows them (`since_text`,
/// `variance_text`, `variance_value`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
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
    /// `since` signed: "+3", "0", "-2".
    pub since_text: String,
    #[ts(type = "number | null")]
    pub counted: Option<i64>,
    /// counted − (expected + since), once counted.
    #[ts(type = "number | null")]
    pub variance: Option<i64>,
    /// `variance` signed ("+1", "0", "-2"), or "—" when not counted.
    pub variance_text: String,
    /// The variance times the item's unit value, when both are known.
    #[ts(type = "number | null")]
    pub variance_value_pence: Option<i64>,
    /// `variance_value_pence` in pounds ("-£1.70"), or empty when not known.
    pub variance_value: String,
}

impl CountLine {
    fn from_row(r: CountLineRow) -> CountLine {
        let variance = r.counted.map(|c| c - (r.expected + r.since));
        let variance_value_pence = variance.zip(r.unit_value_pence).map(|(v, p)| v * p);
        CountLine {
            item_id: r.item_id,
            item: r.item,
            category: r.category,
            unit: r.unit,
            expected: r.expected,
            since: r.since,
            since_text: signed(r.since),
            counted: r.counted,
            variance,
            variance_text: variance.map_or_else(|| "—".to_owned(), signed),
            variance_value_pence,
            variance_value: variance_value_pence.map(money::pounds).unwrap_or_default(),
        }
    }
}

/// "+3" for gains, "0" and "-2" as they are.
fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
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
    /// Counted items whose quantity differs from what was expected (each is adjusted when
    /// the count is finalised).
    #[ts(type = "number")]
    pub differing: i64,
    /// Net value of the variances where item values are known.
    #[ts(type = "number")]
    pub variance_value_pence: i64,
    /// `variance_value_pence` in pounds.
    pub variance_value: String,
}

impl StockCount {
    fn new(head: CountHead, lines: Vec<CountLineRow>) -> StockCount {
        let lines: Vec<CountLine> = lines.into_iter().map(CountLine::from_row).collect();
        let variance_value_pence = lines.iter().filter_map(|l| l.variance_value_pence).sum();
        StockCount {
            id: head.id,
            status: head.status,
            started_at: head.started_at.to_rfc3339(),
            started_by: head.started_by,
            closed_at: head.closed_at.map(|t| t.to_rfc3339()),
            closed_by: head.closed_by,
            not_counted: lines.iter().filter(|l| l.counted.is_none()).count() as i64,
            differing: lines
                .iter()
                .filter(|l| l.variance.is_some_and(|v| v != 0))
                .count() as i64,
            variance_value_pence,
            variance_value: money::pounds(variance_value_pence),
            lines,
        }
    }
}

async fn count_with(conn: &mut Conn, id: i64) -> Result<StockCount> {
    let head = store::counts::head(&mut *conn, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Stock count {id}")))?;
    let lines = store::counts::lines(&mut *conn, id).await?;
    Ok(StockCount::new(head, lines))
}

pub async fn count(db: &Db, id: i64, _signed_in: &Actor) -> Result<StockCount> {
    count_with(&mut db.acquire().await?, id).await
}

/// The count in progress, if any.
pub async fn open_count(db: &Db, _signed_in: &Actor) -> Result<Option<StockCount>> {
    let mut conn = db.acquire().await?;
    match store::counts::open_count_id(&mut conn).await? {
        Some(id) => Ok(Some(count_with(&mut conn, id).await?)),
        None => Ok(None),
    }
}

/// Starts a count of every active item (and any inactive item still in stock).
pub async fn start_count(db: &Db, actor: &Actor) -> Result<StockCount> {
    actor.require(db, Operation::StockCount).await?;
    let volunteer = actor.name();
    let settings = settings::require(db).await?;
    let when = When::at(db.now(), &settings);
    let volunteer = volunteer.trim();
    if volunteer.is_empty() {
        return Err(Error::invalid("volunteer", "Enter your name."));
    }
    let mut tx = db.begin_write().await?;
    store::ledger::hold_ledger(&mut tx, Hold::Whole).await?;
    if let Some(open) = store::counts::open_count_id(&mut tx).await? {
        return Err(Error::Conflict(format!(
            "Stock count {open} is still in progress: finish or cancel it first."
        )));
    }
    let id = store::counts::insert_count(&mut tx, when.at, volunteer).await?;
    audit::record(
        &mut tx,
        db.now(),
        volunteer,
        "stock.count.started",
        Some(Subject::Count(id)),
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
    match store::counts::status(&mut tx, count_id).await?.as_deref() {
        None => return Err(Error::not_found(format!("Stock count {count_id}"))),
        Some("open") => {}
        Some(_) => {
            return Err(Error::Conflict(
                "This stock count is closed; it cannot change.".into(),
            ))
        }
    }
    if !store::counts::set_counted(&mut tx, count_id, item_id, counted).await? {
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
    let volunteer = actor.name();
    let settings = settings::require(db).await?;
    let when = When::at(db.now(), &settings);
    let volunteer = volunteer.trim();
    if volunteer.is_empty() {
        return Err(Error::invalid("volunteer", "Enter your name."));
    }
    let mut tx = db.begin_write().await?;
    store::ledger::hold_ledger(&mut tx, Hold::Whole).await?;
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
    store::counts::mark_finalised(&mut tx, count_id, when.at, volunteer).await?;
    audit::record(
        &mut tx,
        db.now(),
        volunteer,
        "stock.count.finalised",
        Some(Subject::Count(count_id)),
        &serde_json::json!({
            "adjusted": count.differing,
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
    let volunteer = actor.name();
    let volunteer = volunteer.trim();
    if volunteer.is_empty() {
        return Err(Error::invalid("volunteer", "Enter your name."));
    }
    let mut tx = db.begin_write().await?;
    if !store::counts::cancel_if_open(&mut tx, count_id, db.now(), volunteer).await? {
        return Err(Error::Conflict(
            "Only a count in progress can be cancelled.".into(),
        ));
    }
    audit::record(
        &mut tx,
        db.now(),
        volunteer,
        "stock.count.cancelled",
        Some(Subject::Count(count_id)),
        &serde_json::json!({}),
    )
    .await?;
    let count = count_with(&mut tx, count_id).await?;
    tx.commit().await?;
    Ok(count)
}

/// The count sheet: every item by category with a blank box for the counted quantity.
/// Expected quantities are left off so the count is blind.
pub async fn count_sheet(db: &Db, count_id: i64, actor: &Actor) -> Result<Vec<u8>> {
    actor.require(db, Operation::StockCount).await?;
    let settings = settings::require(db).await?;
    let count = count(db, count_id, actor).await?;
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
    actor: &Actor,
) -> Result<std::path::PathBuf> {
    let pdf = count_sheet(db, count_id, actor).await?;
    crate::output::write(db, to, &pdf).await
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn line(
        item_id: i64,
        expected: i64,
        since: i64,
        counted: Option<i64>,
        value: Option<i64>,
    ) -> CountLineRow {
        CountLineRow {
            item_id,
            item: format!("item {item_id}"),
            category: "Tins".into(),
            unit: "tin".into(),
            expected,
            since,
            counted,
            unit_value_pence: value,
        }
    }

    #[test]
    fn a_count_works_out_its_variances_totals_and_what_the_screen_shows() {
        let head = CountHead {
            id: 3,
            status: "open".into(),
            started_at: Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap(),
            started_by: "Sam".into(),
            closed_at: None,
            closed_by: None,
        };
        let count = StockCount::new(
            head,
            vec![
                // 10 at the start, 2 given out since, 7 counted: 1 missing at 85p.
                line(1, 10, -2, Some(7), Some(85)),
                // 4 more found than expected, value unknown.
                line(2, 5, 3, Some(12), None),
                // As expected.
                line(3, 6, 0, Some(6), Some(120)),
                // Not counted.
                line(4, 9, 0, None, Some(50)),
                // 2 found at £1.10 each.
                line(5, 0, 0, Some(2), Some(110)),
            ],
        );
        let figures: Vec<_> = count
            .lines
            .iter()
            .map(|l| {
                (
                    l.variance,
                    l.since_text.as_str(),
                    l.variance_text.as_str(),
                    l.variance_value_pence,
                    l.variance_value.as_str(),
                )
            })
            .collect();
        assert_eq!(
            figures,
            vec![
                (Some(-1), "-2", "-1", Some(-85), "−£0.85"),
                (Some(4), "+3", "+4", None, ""),
                (Some(0), "0", "0", Some(0), "£0.00"),
                (None, "0", "—", None, ""),
                (Some(2), "0", "+2", Some(220), "£2.20"),
            ]
        );
        assert_eq!(count.not_counted, 1);
        assert_eq!(count.differing, 3);
        assert_eq!(count.variance_value_pence, 135);
        assert_eq!(count.variance_value, "£1.35");
        assert_eq!(count.started_at, "2026-11-24T09:30:00+00:00");
        assert_eq!(count.closed_at, None);
    }
}
