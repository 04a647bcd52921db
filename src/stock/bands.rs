//! Stock settings: how the counter records what a household took, the colour bands with
//! their per-visit limits, the points limit and the days of use-by warning.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use ts_rs::TS;

use super::store;
use crate::access::{Actor, Operation};
use crate::audit;
use crate::db::Conn;
use crate::db::Db;
use crate::error::{whole_number, Error, FieldError, Result};

/// How the counter records what a household took.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CounterStock {
    /// Just the number of items.
    Count,
    /// The items themselves: stock moves out with the visit, within the per-visit limits.
    Items,
}

/// A colour band and how many of its items a household may take per visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Band {
    pub name: String,
    #[ts(type = "number")]
    pub per_visit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StockSettings {
    pub counter_stock: CounterStock,
    /// Points a household may spend per visit (0 = no points limit).
    #[ts(type = "number")]
    pub points_per_visit: i64,
    #[ts(type = "number")]
    pub use_by_warning_days: i64,
    pub bands: Vec<Band>,
}

/// The stock settings as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StockSettingsForm {
    pub counter_stock: CounterStock,
    pub points_per_visit: String,
    pub use_by_warning_days: String,
    pub bands: Vec<BandForm>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BandForm {
    pub name: String,
    pub per_visit: String,
}

pub(crate) async fn stock_settings_with(conn: &mut Conn) -> Result<StockSettings> {
    let (counter_stock, points_per_visit, use_by_warning_days) =
        store::bands::stock_columns(&mut *conn)
            .await?
            .ok_or_else(|| Error::not_found("The pantry's settings (finish first-run setup)"))?;
    let bands = store::bands::bands(&mut *conn).await?;
    Ok(StockSettings {
        counter_stock: if counter_stock == "items" {
            CounterStock::Items
        } else {
            CounterStock::Count
        },
        points_per_visit,
        use_by_warning_days,
        bands,
    })
}

pub async fn stock_settings(db: &Db, _signed_in: &Actor) -> Result<StockSettings> {
    stock_settings_with(&mut db.acquire().await?).await
}

/// Saves the stock settings; a band still used by an item cannot be removed.
pub async fn save_stock_settings(
    db: &Db,
    form: &StockSettingsForm,
    actor: &Actor,
) -> Result<StockSettings> {
    actor.require(db, Operation::ChangeStockSettings).await?;
    crate::text::refuse_control(form)?;
    let actor = actor.name();
    let mut errors = Vec::new();
    let points = whole_number(
        &mut errors,
        "pointsPerVisit",
        &form.points_per_visit,
        0,
        1000,
        "Points per visit",
    );
    let warn = whole_number(
        &mut errors,
        "useByWarningDays",
        &form.use_by_warning_days,
        0,
        60,
        "Days of use-by warning",
    );
    let mut bands: Vec<Band> = Vec::new();
    for (i, b) in form.bands.iter().enumerate() {
        let name = b.name.trim();
        if name.is_empty() && b.per_visit.trim().is_empty() {
            continue;
        }
        if name.is_empty() || name.chars().count() > 30 {
            errors.push(FieldError::new(
                &format!("bands.{i}.name"),
                "Name the colour band in up to 30 characters.",
            ));
        } else if bands.iter().any(|o| o.name.eq_ignore_ascii_case(name)) {
            errors.push(FieldError::new(
                &format!("bands.{i}.name"),
                format!("{name} is listed twice."),
            ));
        }
        let per_visit = whole_number(
            &mut errors,
            &format!("bands.{i}.perVisit"),
            &b.per_visit,
            0,
            100,
            "Items of this colour per visit",
        );
        bands.push(Band {
            name: name.to_owned(),
            per_visit: per_visit.map_or(0, i64::from),
        });
    }
    let (Some(points), Some(warn)) = (points, warn) else {
        return Err(Error::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let mut tx = db.begin_write().await?;
    let before = stock_settings_with(&mut tx).await?;
    for old in &before.bands {
        if bands.iter().any(|b| b.name.eq_ignore_ascii_case(&old.name)) {
            continue;
        }
        let used = store::catalogue::items_in_band(&mut tx, &old.name).await?;
        if used > 0 {
            return Err(Error::invalid(
                "bands",
                format!(
                    "{} items are in the {} band; move them to another band before removing it.",
                    used, old.name
                ),
            ));
        }
        store::bands::delete_band(&mut tx, &old.name).await?;
    }
    for b in &bands {
        store::bands::upsert_band(&mut tx, b).await?;
    }
    store::bands::set_stock_columns(
        &mut tx,
        match form.counter_stock {
            CounterStock::Count => "count",
            CounterStock::Items => "items",
        },
        i64::from(points),
        i64::from(warn),
    )
    .await?;
    let after = stock_settings_with(&mut tx).await?;
    audit::record(
        &mut tx,
        db.now(),
        actor,
        "stock.settings",
        None,
        &serde_json::json!({ "before": before, "after": after }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
