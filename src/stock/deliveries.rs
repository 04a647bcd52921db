//! Stock coming in: deliveries, with best-before and use-by dates per batch. (Waste, stock
//! going out, is in `waste`; its forms and functions are re-exported here.)

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use super::ledger::{self, Doc, Movement, When};
use super::store;
use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::clock::parse_uk_date;
use crate::db::Conn;
use crate::db::Db;
use crate::error::{whole_number, Error, FieldError, Result};
use crate::money;
use crate::settings;

pub use super::waste::{record_waste, waste_past_use_by, WasteForm, WasteLineForm, WasteRecord};

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
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
    pub local_date: NaiveDate,
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
    let volunteer = actor.name().to_owned();
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
    let id = store::deliveries::insert_delivery(
        &mut tx,
        when.at,
        when.local_date,
        source.code(),
        form.donor.trim(),
        form.note.trim(),
        &volunteer,
    )
    .await?;
    for (i, (item_id, quantity, best_before, use_by, value)) in lines.into_iter().enumerate() {
        let (Some(item_id), Some(quantity)) = (item_id, quantity) else {
            continue;
        };
        let item_value = store::catalogue::unit_value(&mut tx, item_id).await?;
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
        Some(Subject::Delivery(id)),
        &serde_json::json!({ "source": source.code(), "lines": form.lines.len() }),
    )
    .await?;
    let delivery = delivery_with(&mut tx, id).await?;
    tx.commit().await?;
    Ok(delivery)
}

async fn delivery_with(conn: &mut Conn, id: i64) -> Result<Delivery> {
    store::deliveries::delivery(conn, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Delivery {id}")))
}

/// The latest deliveries, newest first.
pub async fn recent_deliveries(db: &Db, limit: u32, _signed_in: &Actor) -> Result<Vec<Delivery>> {
    store::deliveries::recent(&mut db.acquire().await?, limit).await
}
