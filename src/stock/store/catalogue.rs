//! SQL for the catalogue: `items` and `item_barcodes` (with each item's levels summed from
//! `batches`).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;
use crate::stock::distribution::Priced;
use crate::stock::{Item, ItemBarcode};

/// An item's details to write, with its barcodes.
#[derive(Debug, Clone)]
pub struct ItemRecord {
    pub name: String,
    pub category: String,
    pub unit: String,
    pub pack_size: String,
    pub band: Option<String>,
    pub points: i64,
    pub value_pence: Option<i64>,
    pub reorder_level: i64,
    pub barcodes: Vec<ItemBarcode>,
}

/// Items with their levels on the day bound as `?1` (stock past its use-by is not usable).
pub(super) const ITEM_SELECT: &str = "SELECT i.id, i.name, i.category, i.unit, i.pack_size, i.band, i.points,
        i.value_pence, i.reorder_level, i.active,
        COALESCE((SELECT CAST(SUM(on_hand) AS BIGINT) FROM batches b WHERE b.item_id = i.id), 0) AS on_hand,
        COALESCE((SELECT CAST(SUM(on_hand) AS BIGINT) FROM batches b WHERE b.item_id = i.id
                  AND (b.use_by IS NULL OR b.use_by >= $1)), 0) AS usable,
        COALESCE((SELECT string_agg(code || CASE WHEN units > 1 THEN '×' || units ELSE '' END, ', ' ORDER BY code)
                  FROM item_barcodes c WHERE c.item_id = i.id), '') AS barcodes
     FROM items i";

/// One item with its levels on `today`.
pub async fn item(conn: &mut Conn, today: NaiveDate, id: i64) -> Result<Option<Item>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!("{ITEM_SELECT} WHERE i.id = $2")))
            .bind(today)
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}

/// Items whose name, category or a barcode is `LIKE` the pattern, by category and name.
pub async fn search(
    conn: &mut Conn,
    today: NaiveDate,
    include_inactive: bool,
    like: &str,
) -> Result<Vec<Item>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!(
            "{ITEM_SELECT} WHERE ($2 OR i.active)
           AND (lower(i.name) LIKE lower($3) OR lower(i.category) LIKE lower($3)
                OR EXISTS (SELECT 1 FROM item_barcodes c WHERE c.item_id = i.id
                           AND lower(c.code) LIKE lower($3)))
         ORDER BY i.category, lower(i.name), i.id"
        )))
        .bind(today)
        .bind(include_inactive)
        .bind(like)
        .fetch_all(conn)
        .await
    )?)
}

/// Another item (not `not_id`) with exactly this name.
pub async fn item_named(conn: &mut Conn, name: &str, not_id: Option<i64>) -> Result<Option<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT id FROM items WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $2"
        )
        .bind(name)
        .bind(not_id)
        .fetch_optional(conn)
        .await
    )?)
}

/// The name of another item (not `not_id`) that has this barcode.
pub async fn barcode_owner(
    conn: &mut Conn,
    code: &str,
    not_id: Option<i64>,
) -> Result<Option<String>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT i.name FROM item_barcodes c JOIN items i ON i.id = c.item_id
         WHERE c.code = $1 AND c.item_id IS DISTINCT FROM $2",
        )
        .bind(code)
        .bind(not_id)
        .fetch_optional(conn)
        .await
    )?)
}

pub async fn insert_item(
    conn: &mut Conn,
    v: &ItemRecord,
    active: bool,
    at: DateTime<Utc>,
) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "INSERT INTO items (name, category, unit, pack_size, band, points, value_pence,
             reorder_level, active, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&v.name)
        .bind(&v.category)
        .bind(&v.unit)
        .bind(&v.pack_size)
        .bind(&v.band)
        .bind(v.points)
        .bind(v.value_pence)
        .bind(v.reorder_level)
        .bind(active)
        .bind(at)
        .fetch_one(conn)
        .await
    )?)
}

/// Rewrites an item's details (not its barcodes); false when there is no such item.
pub async fn update_item(conn: &mut Conn, id: i64, v: &ItemRecord, active: bool) -> Result<bool> {
    let done = on_engine!(conn, sqlx::query(
        "UPDATE items SET name = $1, category = $2, unit = $3, pack_size = $4, band = $5, points = $6,
             value_pence = $7, reorder_level = $8, active = $9 WHERE id = $10",
    )
    .bind(&v.name)
    .bind(&v.category)
    .bind(&v.unit)
    .bind(&v.pack_size)
    .bind(&v.band)
    .bind(v.points)
    .bind(v.value_pence)
    .bind(v.reorder_level)
    .bind(active)
    .bind(id)
    .execute(conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(done > 0)
}

pub async fn delete_barcodes(conn: &mut Conn, item_id: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("DELETE FROM item_barcodes WHERE item_id = $1")
            .bind(item_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

pub async fn insert_barcode(conn: &mut Conn, item_id: i64, barcode: &ItemBarcode) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("INSERT INTO item_barcodes (code, item_id, units) VALUES ($1, $2, $3)")
            .bind(&barcode.code)
            .bind(item_id)
            .bind(barcode.units)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// An item's barcodes, by code.
pub async fn barcodes(conn: &mut Conn, item_id: i64) -> Result<Vec<ItemBarcode>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT code, units FROM item_barcodes WHERE item_id = $1 ORDER BY code")
            .bind(item_id)
            .fetch_all(conn)
            .await
    )?)
}

/// The item a barcode belongs to, and how many units it stands for.
pub async fn barcode(conn: &mut Conn, code: &str) -> Result<Option<(i64, i64)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT item_id, units FROM item_barcodes WHERE code = $1")
            .bind(code)
            .fetch_optional(conn)
            .await
    )?)
}

/// How many items are in the band of this name.
pub async fn items_in_band(conn: &mut Conn, band: &str) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT COUNT(*) FROM items WHERE lower(band) = lower($1)")
            .bind(band)
            .fetch_one(conn)
            .await
    )?)
}

/// An item's name and unit value, if there is such an item.
pub async fn name_and_value(conn: &mut Conn, id: i64) -> Result<Option<(String, Option<i64>)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT name, value_pence FROM items WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}

/// An item's unit value (`None` when there is no such item; `Some(None)` when not known).
pub async fn unit_value(conn: &mut Conn, id: i64) -> Result<Option<Option<i64>>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT value_pence FROM items WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}

/// An item's band and points.
pub async fn priced(conn: &mut Conn, id: i64) -> Result<Option<Priced>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT id, name, band, points FROM items WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}

/// The item of exactly this name, with how many movements it had before `at`.
pub async fn item_named_with_history(
    conn: &mut Conn,
    name: &str,
    at: DateTime<Utc>,
) -> Result<Option<(i64, i64)>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT i.id, (SELECT COUNT(*) FROM stock_movements m WHERE m.item_id = i.id AND m.at < $1)
         FROM items i WHERE lower(i.name) = lower($2)",
    )
    .bind(at)
    .bind(name)
    .fetch_optional(conn)
    .await)?)
}
