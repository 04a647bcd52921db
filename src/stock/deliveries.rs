//! Stock coming in (deliveries, with best-before and use-by dates per batch) and going out
//! as waste (including everything past its use-by date).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use super::ledger::{self, Doc, Movement, Take, When};
use crate::access::{Actor, Operation};
use crate::audit;
use crate::clock::parse_uk_date;
use crate::db::Db;
use crate::error::{whole_number, Error, FieldError, Result};
use crate::money;
use crate::settings;

choices!(
    /// Where a delivery came from.
    DeliverySource {
        FareShare = "fareshare" => "FareShare",
        Supermarket = "supermarket" => "Supermarket surplus",
        Purchase = "purchase" => "Purchase",
        Donation = "donation" => "Public donation",
        Other = "other" => "Other",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryForm {
    pub source: Option<DeliverySource>,
    pub donor: String,
    pub note: String,
    pub lines: Vec<DeliveryLineForm>,
}

/// One batch received: an item, how many units, its dates and (optionally) its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryLineForm {
    #[ts(type = "number | null")]
    pub item_id: Option<i64>,
    pub quantity: String,
    pub best_before: String,
    pub use_by: String,
    /// Value of one unit in pounds; empty uses the item's value.
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub local_date: String,
    pub source: String,
    pub donor: String,
    pub note: String,
    pub volunteer: String,
    #[ts(type = "number")]
    pub lines: i64,
    #[ts(type = "number")]
    pub units: i64,
    #[ts(type = "number")]
    pub value_pence: i64,
}

/// Records a delivery as one document: a batch and a movement per line, all or nothing.
pub async fn record_delivery(db: &Db, form: &DeliveryForm, actor: &Actor) -> Result<Delivery> {
    actor.require(db, Operation::ReceiveDelivery).await?;
    let settings = settings::require(db).await?;
    let when = When::at(db.now(), &settings);
    let mut errors = crate::text::control_errors(form);
    if form.source.is_none() {
        errors.push(FieldError::new(
            "source",
            "Choose where the delivery came from.",
        ));
    }
    let volunteer = actor.name.clone();
    if form.donor.chars().count() > 80 {
        errors.push(FieldError::new("donor", "Keep the donor to 80 characters."));
    }
    if form.lines.is_empty() {
        errors.push(FieldError::new(
            "lines",
            "Add at least one item: scan its barcode or search for it.",
        ));
    }
    let mut lines = Vec::new();
    for (i, l) in form.lines.iter().enumerate() {
        let f = |name: &str| format!("lines.{i}.{name}");
        if l.item_id.is_none() {
            errors.push(FieldError::new(&f("itemId"), "Choose the item."));
        }
        let quantity = whole_number(
            &mut errors,
            &f("quantity"),
            &l.quantity,
            1,
            100_000,
            "Quantity",
        );
        let date = |errors: &mut Vec<FieldError>, field: &str, text: &str| {
            if text.trim().is_empty() {
                return None;
            }
            let d = parse_uk_date(text);
            if d.is_none() {
                errors.push(FieldError::new(field, "Enter the date as DD/MM/YYYY."));
            }
            d
        };
        let best_before = date(&mut errors, &f("bestBefore"), &l.best_before);
        let use_by = date(&mut errors, &f("useBy"), &l.use_by);
        if use_by.is_some_and(|d| d < when.local_date) {
            errors.push(FieldError::new(
                &f("useBy"),
                "This is past its use-by date: it cannot be given out. Do not accept it (or record it as waste).",
            ));
        }
        let value = if l.value.trim().is_empty() {
            None
        } else {
            let v = money::parse_pounds(&l.value);
            if v.is_none() {
                errors.push(FieldError::new(
                    &f("value"),
                    "Enter the value of one unit in pounds, e.g. 0.85.",
                ));
            }
            v
        };
        lines.push((l.item_id, quantity, best_before, use_by, value));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let source = form
        .source
        .ok_or_else(|| Error::invalid("source", "Choose the source."))?;

    let mut tx = db.begin_write().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO deliveries (at, local_date, source, donor, note, volunteer) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&when.at)
    .bind(when.local_date.to_string())
    .bind(source.code())
    .bind(form.donor.trim())
    .bind(form.note.trim())
    .bind(&volunteer)
    .fetch_one(&mut *tx)
    .await?;
    for (i, (item_id, quantity, best_before, use_by, value)) in lines.into_iter().enumerate() {
        let (Some(item_id), Some(quantity)) = (item_id, quantity) else {
            continue;
        };
        let item_value: Option<Option<i64>> =
            sqlx::query_scalar("SELECT value_pence FROM items WHERE id = ?")
                .bind(item_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(item_value) = item_value else {
            return Err(Error::invalid(
                &format!("lines.{i}.itemId"),
                "This item no longer exists.",
            ));
        };
        let batch_id = ledger::new_batch(&mut tx, item_id, best_before, use_by).await?;
        let quantity = i64::from(quantity);
        ledger::post(
            &mut tx,
            &when,
            Movement {
                kind: "delivery",
                item_id,
                batch_id,
                quantity,
                value_pence: value.or(item_value).map(|v| v * quantity),
                doc: Doc::Delivery(id),
            },
        )
        .await?;
    }
    audit::record(
        &mut tx,
        db.now(),
        &volunteer,
        "stock.delivery",
        Some(&format!("delivery:{id}")),
        &serde_json::json!({ "source": source.code(), "lines": form.lines.len() }),
    )
    .await?;
    let delivery = delivery_with(&mut tx, id).await?;
    tx.commit().await?;
    Ok(delivery)
}

const DELIVERY_SELECT: &str = "SELECT d.id, d.at, d.local_date, d.source, d.donor, d.note, d.volunteer,
        COUNT(m.id) AS lines, COALESCE(SUM(m.quantity), 0) AS units, COALESCE(SUM(m.value_pence), 0) AS value_pence
     FROM deliveries d LEFT JOIN stock_movements m ON m.delivery_id = d.id";

async fn delivery_with(conn: &mut sqlx::SqliteConnection, id: i64) -> Result<Delivery> {
    sqlx::query_as(&format!("{DELIVERY_SELECT} WHERE d.id = ? GROUP BY d.id"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| Error::not_found(format!("Delivery {id}")))
}

/// The latest deliveries, newest first.
pub async fn recent_deliveries(db: &Db, limit: u32) -> Result<Vec<Delivery>> {
    Ok(sqlx::query_as(&format!(
        "{DELIVERY_SELECT} GROUP BY d.id ORDER BY d.id DESC LIMIT ?"
    ))
    .bind(limit)
    .fetch_all(&mut *db.pool().acquire().await?)
    .await?)
}

/// Stock thrown away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WasteForm {
    pub reason: String,
    pub lines: Vec<WasteLineForm>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WasteLineForm {
    #[ts(type = "number")]
    pub item_id: i64,
    pub quantity: String,
}

/// What a waste document removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WasteRecord {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub units: i64,
}

async fn new_waste(
    conn: &mut sqlx::SqliteConnection,
    when: &When,
    reason: &str,
    volunteer: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO wastes (at, local_date, reason, volunteer) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(&when.at)
    .bind(when.local_date.to_string())
    .bind(reason)
    .bind(volunteer)
    .fetch_one(conn)
    .await?)
}

/// Records waste of the given items (past use-by stock first, then first-expiring).
pub async fn record_waste(db: &Db, form: &WasteForm, actor: &Actor) -> Result<WasteRecord> {
    actor.require(db, Operation::RecordWaste).await?;
    let settings = settings::require(db).await?;
    let when = When::at(db.now(), &settings);
    let mut errors = crate::text::control_errors(form);
    let volunteer = actor.name.clone();
    let reason = form.reason.trim();
    if reason.is_empty() {
        errors.push(FieldError::new(
            "reason",
            "Say why it is thrown away (for example: damaged tins).",
        ));
    }
    let mut wanted = BTreeMap::new();
    for (i, l) in form.lines.iter().enumerate() {
        if let Some(q) = whole_number(
            &mut errors,
            &format!("lines.{i}.quantity"),
            &l.quantity,
            1,
            100_000,
            "Quantity",
        ) {
            *wanted.entry(l.item_id).or_insert(0) += i64::from(q);
        }
    }
    if form.lines.is_empty() {
        errors.push(FieldError::new("lines", "Add the items thrown away."));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut tx = db.begin_write().await?;
    let id = new_waste(&mut tx, &when, reason, &volunteer).await?;
    ledger::take(&mut tx, &when, &wanted, "waste", Doc::Waste(id), Take::Any).await?;
    audit::record(
        &mut tx,
        db.now(),
        &volunteer,
        "stock.waste",
        Some(&format!("waste:{id}")),
        &serde_json::json!({ "reason": reason, "items": wanted.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(WasteRecord {
        id,
        units: wanted.values().sum(),
    })
}

/// Records every batch past its use-by date as waste, in one document.
pub async fn waste_past_use_by(db: &Db, actor: &Actor) -> Result<WasteRecord> {
    actor.require(db, Operation::RecordWaste).await?;
    let volunteer = actor.name.as_str();
    let settings = settings::require(db).await?;
    let when = When::at(db.now(), &settings);
    let mut tx = db.begin_write().await?;
    let batches: Vec<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT b.id, b.item_id, b.on_hand, i.value_pence FROM batches b JOIN items i ON i.id = b.item_id
         WHERE b.on_hand > 0 AND b.use_by < ?",
    )
    .bind(when.local_date.to_string())
    .fetch_all(&mut *tx)
    .await?;
    if batches.is_empty() {
        return Err(Error::Conflict(
            "Nothing in stock is past its use-by date.".into(),
        ));
    }
    let id = new_waste(&mut tx, &when, "Past use-by date", volunteer).await?;
    let mut units = 0;
    for (batch_id, item_id, on_hand, value) in batches {
        units += on_hand;
        ledger::post(
            &mut tx,
            &when,
            Movement {
                kind: "waste",
                item_id,
                batch_id,
                quantity: -on_hand,
                value_pence: value.map(|v| -v * on_hand),
                doc: Doc::Waste(id),
            },
        )
        .await?;
    }
    audit::record(
        &mut tx,
        db.now(),
        volunteer,
        "stock.waste",
        Some(&format!("waste:{id}")),
        &serde_json::json!({ "reason": "past use-by", "units": units }),
    )
    .await?;
    tx.commit().await?;
    Ok(WasteRecord { id, units })
}
