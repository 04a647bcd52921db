//! Stock going out as waste: chosen items (past use-by stock first, then first-expiring), or
//! everything past its use-by date at once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ledger::{self, Doc, Movement, Take, When};
use super::store;
use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::db::Conn;
use crate::db::Db;
use crate::error::{whole_number, Error, FieldError, Result};
use crate::settings;

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

async fn new_waste(conn: &mut Conn, when: &When, reason: &str, volunteer: &str) -> Result<i64> {
    store::waste::insert_waste(conn, when.at, when.local_date, reason, volunteer).await
}

/// Records waste of the given items (past use-by stock first, then first-expiring).
pub async fn record_waste(db: &Db, form: &WasteForm, actor: &Actor) -> Result<WasteRecord> {
    actor.require(db, Operation::RecordWaste).await?;
    let settings = settings::require(db).await?;
    let when = When::at(db.now(), &settings);
    let mut errors = crate::text::control_errors(form);
    let volunteer = actor.name().to_owned();
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
        Some(Subject::Waste(id)),
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
    let volunteer = actor.name();
    let settings = settings::require(db).await?;
    let when = When::at(db.now(), &settings);
    let mut tx = db.begin_write().await?;
    let batches = store::waste::batches_past_use_by(&mut tx, when.local_date).await?;
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
        Some(Subject::Waste(id)),
        &serde_json::json!({ "reason": "past use-by", "units": units }),
    )
    .await?;
    tx.commit().await?;
    Ok(WasteRecord { id, units })
}
