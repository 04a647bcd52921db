//! SQL for waste: `wastes` (the movements are the ledger's), and the batches past use-by.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::Conn;
use crate::error::Result;

pub async fn insert_waste(
    conn: &mut Conn,
    at: DateTime<Utc>,
    local_date: NaiveDate,
    reason: &str,
    volunteer: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO wastes (at, local_date, reason, volunteer) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(at)
    .bind(local_date)
    .bind(reason)
    .bind(volunteer)
    .fetch_one(conn.sqlite()?)
    .await?)
}

/// Batches with stock past their use-by date on `today`: (batch, item, on hand, unit value).
pub async fn batches_past_use_by(
    conn: &mut Conn,
    today: NaiveDate,
) -> Result<Vec<(i64, i64, i64, Option<i64>)>> {
    Ok(sqlx::query_as(
        "SELECT b.id, b.item_id, b.on_hand, i.value_pence FROM batches b JOIN items i ON i.id = b.item_id
         WHERE b.on_hand > 0 AND b.use_by < ?",
    )
    .bind(today)
    .fetch_all(conn.sqlite()?)
    .await?)
}
