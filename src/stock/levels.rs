//! Stock levels: what the Stock screen opens on (low stock, use-by soon, past use-by, past
//! best-before, totals) and one item's batches and movements.

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use sqlx::FromRow;
use ts_rs::TS;

use super::bands::stock_settings_with;
use super::catalogue::{item_with, Item};
use super::store;
use crate::access::Actor;
use crate::db::Db;
use crate::error::Result;
use crate::settings;

/// Stock of one item that arrived together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct Batch {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub item_id: i64,
    pub item: String,
    pub unit: String,
    #[ts(type = "number")]
    pub on_hand: i64,
    pub best_before: Option<NaiveDate>,
    pub use_by: Option<NaiveDate>,
}

/// What the Stock screen opens on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StockOverview {
    pub today: NaiveDate,
    #[ts(type = "number")]
    pub use_by_warning_days: i64,
    /// Active items below their reorder level.
    pub low_stock: Vec<Item>,
    /// Batches whose use-by date is today or within the warning days.
    pub use_by_soon: Vec<Batch>,
    /// Batches past their use-by date: they can only be recorded as waste.
    pub past_use_by: Vec<Batch>,
    /// Batches past best-before (still allowed out; flagged).
    pub past_best_before: Vec<Batch>,
    #[ts(type = "number")]
    pub items: i64,
    #[ts(type = "number")]
    pub units_on_hand: i64,
    /// The stock count in progress, if any.
    #[ts(type = "number | null")]
    pub open_count: Option<i64>,
}

pub async fn overview(db: &Db, _signed_in: &Actor) -> Result<StockOverview> {
    let settings = settings::require(db).await?;
    let mut conn = db.acquire().await?;
    let stock = stock_settings_with(&mut conn).await?;
    let today = settings.date_at(db.now());
    let soon = today + Duration::days(stock.use_by_warning_days);
    let low_stock = store::levels::low_stock(&mut conn, today).await?;
    let use_by_soon = store::levels::use_by_between(&mut conn, today, soon).await?;
    let past_use_by = store::levels::past_use_by(&mut conn, today).await?;
    let past_best_before = store::levels::past_best_before_only(&mut conn, today).await?;
    let (items, units_on_hand) = store::levels::totals(&mut conn).await?;
    let open_count = store::counts::open_count_id(&mut conn).await?;
    Ok(StockOverview {
        today,
        use_by_warning_days: stock.use_by_warning_days,
        low_stock,
        use_by_soon,
        past_use_by,
        past_best_before,
        items,
        units_on_hand,
        open_count,
    })
}

/// One line of an item's ledger, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct MovementLine {
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
    pub local_date: NaiveDate,
    pub kind: String,
    #[ts(type = "number")]
    pub quantity: i64,
    pub best_before: Option<NaiveDate>,
    pub use_by: Option<NaiveDate>,
    /// The document: "Delivery 12 (FareShare)", "Visit 301", "Count 3", "Waste 4: reason".
    pub document: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ItemDetail {
    pub item: Item,
    pub batches: Vec<Batch>,
    pub movements: Vec<MovementLine>,
}

pub async fn item_detail(db: &Db, id: i64, _signed_in: &Actor) -> Result<ItemDetail> {
    let settings = settings::require(db).await?;
    let mut conn = db.acquire().await?;
    let item = item_with(&mut conn, settings.date_at(db.now()), id).await?;
    let batches = store::levels::item_batches(&mut conn, id).await?;
    let movements = store::levels::item_movements(&mut conn, id).await?;
    Ok(ItemDetail {
        item,
        batches,
        movements,
    })
}
