//! SQL for what the Stock screen shows: reads `items`, `batches`, `stock_movements` and the
//! documents movements belong to (`deliveries`, `wastes`); writes nothing.

use chrono::NaiveDate;
use sqlx::AssertSqlSafe;

use super::catalogue::ITEM_SELECT;
use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;
use crate::stock::{Batch, Item, MovementLine};

const BATCH_SELECT: &str =
    "SELECT b.id, b.item_id, i.name AS item, i.unit, b.on_hand, b.best_before, b.use_by
     FROM batches b JOIN items i ON i.id = b.item_id WHERE b.on_hand > 0";

/// Active items whose usable stock on `today` is below their reorder level.
pub async fn low_stock(conn: &mut Conn, today: NaiveDate) -> Result<Vec<Item>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!(
            "SELECT * FROM ({ITEM_SELECT} WHERE i.active AND i.reorder_level > 0) AS levels
         WHERE usable < reorder_level ORDER BY category, lower(name), id"
        )))
        .bind(today)
        .fetch_all(conn)
        .await
    )?)
}

fn batches_where(filter: &str) -> String {
    format!("{BATCH_SELECT} AND {filter} ORDER BY COALESCE(b.use_by, b.best_before), lower(i.name), b.id")
}

/// Batches with stock whose use-by date is from `from` to `to`.
pub async fn use_by_between(conn: &mut Conn, from: NaiveDate, to: NaiveDate) -> Result<Vec<Batch>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(batches_where("b.use_by BETWEEN $1 AND $2")))
            .bind(from)
            .bind(to)
            .fetch_all(conn)
            .await
    )?)
}

/// Batches with stock past their use-by date on `today`.
pub async fn past_use_by(conn: &mut Conn, today: NaiveDate) -> Result<Vec<Batch>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(batches_where("b.use_by < $1")))
            .bind(today)
            .fetch_all(conn)
            .await
    )?)
}

/// Batches with stock past their best-before date on `today` but not past their use-by.
pub async fn past_best_before_only(conn: &mut Conn, today: NaiveDate) -> Result<Vec<Batch>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(batches_where(
            "b.best_before < $1 AND (b.use_by IS NULL OR b.use_by >= $1)",
        )))
        .bind(today)
        .fetch_all(conn)
        .await
    )?)
}

/// (active items, units on hand).
pub async fn totals(conn: &mut Conn) -> Result<(i64, i64)> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM items WHERE active), COALESCE((SELECT CAST(SUM(on_hand) AS BIGINT) FROM batches), 0)",
    )
    .fetch_one(conn)
    .await)?)
}

/// An item's batches with stock, first-expiring first (undated last).
pub async fn item_batches(conn: &mut Conn, item_id: i64) -> Result<Vec<Batch>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!(
            "{BATCH_SELECT} AND b.item_id = $1 ORDER BY COALESCE(b.use_by, b.best_before) IS NULL,
             COALESCE(b.use_by, b.best_before), b.id"
        )))
        .bind(item_id)
        .fetch_all(conn)
        .await
    )?)
}

/// An item's latest 100 movements, newest first, each with its document.
pub async fn item_movements(conn: &mut Conn, item_id: i64) -> Result<Vec<MovementLine>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT m.at, m.local_date, m.kind, m.quantity, b.best_before, b.use_by,
             CASE WHEN m.delivery_id IS NOT NULL THEN 'Delivery ' || m.delivery_id || ' (' || d.source || CASE WHEN d.donor <> '' THEN ', ' || d.donor ELSE '' END || ')'
                  WHEN m.visit_id IS NOT NULL THEN 'Visit ' || m.visit_id
                  WHEN m.waste_id IS NOT NULL THEN 'Waste ' || m.waste_id || ': ' || w.reason
                  WHEN m.count_id IS NOT NULL THEN 'Stock count ' || m.count_id
                  ELSE 'Opening stock' END AS document
         FROM stock_movements m JOIN batches b ON b.id = m.batch_id
         LEFT JOIN deliveries d ON d.id = m.delivery_id
         LEFT JOIN wastes w ON w.id = m.waste_id
         WHERE m.item_id = $1 ORDER BY m.id DESC LIMIT 100",
    )
    .bind(item_id)
    .fetch_all(conn)
    .await)?)
}
