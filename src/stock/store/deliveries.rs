//! SQL for deliveries: `deliveries` (their lines are the ledger's movements).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;
use crate::stock::deliveries::Delivery;

pub async fn insert_delivery(
    conn: &mut Conn,
    at: DateTime<Utc>,
    local_date: NaiveDate,
    source: &str,
    donor: &str,
    note: &str,
    volunteer: &str,
) -> Result<i64> {
    Ok(on_engine!(conn, sqlx::query_scalar(
        "INSERT INTO deliveries (at, local_date, source, donor, note, volunteer) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(at)
    .bind(local_date)
    .bind(source)
    .bind(donor)
    .bind(note)
    .bind(volunteer)
    .fetch_one(conn)
    .await)?)
}

const DELIVERY_SELECT: &str = "SELECT d.id, d.at, d.local_date, d.source, d.donor, d.note, d.volunteer,
        COUNT(m.id) AS lines, COALESCE(CAST(SUM(m.quantity) AS BIGINT), 0) AS units, COALESCE(CAST(SUM(m.value_pence) AS BIGINT), 0) AS value_pence
     FROM deliveries d LEFT JOIN stock_movements m ON m.delivery_id = d.id";

/// A delivery with its totals.
pub async fn delivery(conn: &mut Conn, id: i64) -> Result<Option<Delivery>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!(
            "{DELIVERY_SELECT} WHERE d.id = $1 GROUP BY d.id"
        )))
        .bind(id)
        .fetch_optional(conn)
        .await
    )?)
}

/// The latest deliveries with their totals, newest first.
pub async fn recent(conn: &mut Conn, limit: u32) -> Result<Vec<Delivery>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!(
            "{DELIVERY_SELECT} GROUP BY d.id ORDER BY d.id DESC LIMIT $1"
        )))
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await
    )?)
}
