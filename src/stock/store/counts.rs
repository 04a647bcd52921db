//! SQL for stock counts: `stock_counts` and `stock_count_lines` (reading the ledger's
//! movements and balances for what was expected).

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;

#[derive(Debug, Clone, FromRow)]
pub struct CountHead {
    pub id: i64,
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub started_by: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<String>,
}

/// One item of a count, as stored, with its movements since the count started.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CountLineRow {
    pub item_id: i64,
    pub item: String,
    pub category: String,
    pub unit: String,
    pub expected: i64,
    pub since: i64,
    pub counted: Option<i64>,
    pub unit_value_pence: Option<i64>,
}

pub async fn head(conn: &mut Conn, id: i64) -> Result<Option<CountHead>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT id, status, started_at, started_by, closed_at, closed_by FROM stock_counts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await)?)
}

/// A count's lines by category and item. Movements "since" are those after the start and
/// not posted by this count itself.
pub async fn lines(conn: &mut Conn, id: i64) -> Result<Vec<CountLineRow>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT l.item_id, i.name AS item, i.category, i.unit, l.expected,
             COALESCE((SELECT CAST(SUM(m.quantity) AS BIGINT) FROM stock_movements m
                       WHERE m.item_id = l.item_id AND m.id > c.after_movement AND m.count_id IS DISTINCT FROM c.id), 0) AS since,
             l.counted, i.value_pence AS unit_value_pence
         FROM stock_count_lines l JOIN stock_counts c ON c.id = l.count_id JOIN items i ON i.id = l.item_id
         WHERE l.count_id = $1 ORDER BY i.category, lower(i.name), i.id",
    )
    .bind(id)
    .fetch_all(conn)
    .await)?)
}

/// The count in progress, if any.
pub async fn open_count_id(conn: &mut Conn) -> Result<Option<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT id FROM stock_counts WHERE status = 'open'")
            .fetch_optional(conn)
            .await
    )?)
}

pub async fn status(conn: &mut Conn, id: i64) -> Result<Option<String>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT status FROM stock_counts WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}

/// Opens a count after the latest movement, with a line for every active item (and any
/// inactive item still in stock) expecting what is on hand now.
pub async fn insert_count(conn: &mut Conn, at: DateTime<Utc>, started_by: &str) -> Result<i64> {
    let id: i64 = on_engine!(
        conn,
        sqlx::query_scalar(
            "INSERT INTO stock_counts (started_at, started_by, after_movement)
         VALUES ($1, $2, (SELECT COALESCE(MAX(id), 0) FROM stock_movements)) RETURNING id",
        )
        .bind(at)
        .bind(started_by)
        .fetch_one(conn)
        .await
    )?;
    on_engine!(conn, sqlx::query(
        "INSERT INTO stock_count_lines (count_id, item_id, expected)
         SELECT $1, i.id, COALESCE((SELECT CAST(SUM(on_hand) AS BIGINT) FROM batches b WHERE b.item_id = i.id), 0) AS on_hand
         FROM items i WHERE i.active OR EXISTS (SELECT 1 FROM batches b WHERE b.item_id = i.id AND b.on_hand > 0)",
    )
    .bind(id)
    .execute(conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(id)
}

/// Sets (or clears) a line's counted quantity; false when the count has no such line.
pub async fn set_counted(
    conn: &mut Conn,
    count_id: i64,
    item_id: i64,
    counted: Option<i64>,
) -> Result<bool> {
    let done = on_engine!(
        conn,
        sqlx::query(
            "UPDATE stock_count_lines SET counted = $1 WHERE count_id = $2 AND item_id = $3"
        )
        .bind(counted)
        .bind(count_id)
        .bind(item_id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(done > 0)
}

pub async fn mark_finalised(conn: &mut Conn, id: i64, at: DateTime<Utc>, by: &str) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "UPDATE stock_counts SET status = 'finalised', closed_at = $1, closed_by = $2 WHERE id = $3",
    )
    .bind(at)
    .bind(by)
    .bind(id)
    .execute(conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(())
}

/// Cancels the count if it is open; false when it is not.
pub async fn cancel_if_open(conn: &mut Conn, id: i64, at: DateTime<Utc>, by: &str) -> Result<bool> {
    let done = on_engine!(conn, sqlx::query(
        "UPDATE stock_counts SET status = 'cancelled', closed_at = $1, closed_by = $2 WHERE id = $3 AND status = 'open'",
    )
    .bind(at)
    .bind(by)
    .bind(id)
    .execute(conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(done > 0)
}
