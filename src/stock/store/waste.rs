//! SQL for waste: `wastes` (the movements are the ledger's), and the batches past use-by.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;

pub async fn insert_waste(
    conn: &mut Conn,
    at: DateTime<Utc>,
    local_date: NaiveDate,
    reason: &str,
    volunteer: &str,
) -> Result<i64> {
    Ok(on_engine!(conn, sqlx::query_scalar(
        "INSERT INTO wastes (at, local_date, reason, volunteer) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(at)
    .bind(local_date)
    .bind(reason)
    .bind(volunteer)
    .fetch_one(conn)
    .await)?)
}

/// Batches with stock past their use-by date on `today`: (batch, item, on hand, unit value).
pub async fn batches_past_use_by(
    conn: &mut Conn,
    today: NaiveDate,
) -> Result<Vec<(i64, i64, i64, Option<i64>)>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT b.id, b.item_id, b.on_hand, i.value_pence FROM batches b JOIN items i ON i.id = b.item_id
         WHERE b.on_hand > 0 AND b.use_by < $1",
    )
    .bind(today)
    .fetch_all(conn)
    .await)?)
}
