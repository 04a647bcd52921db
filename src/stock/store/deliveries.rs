//! SQL for deliveries: `deliveries` (their lines are the ledger's movements).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::AssertSqlSafe;

use crate::db::Conn;
use crate::error::Result;
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
    Ok(sqlx::query_scalar(
        "INSERT INTO deliveries (at, local_date, source, donor, note, volunteer) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(at)
    .bind(local_date)
    .bind(source)
    .bind(donor)
    .bind(note)
    .bind(volunteer)
    .fetch_one(conn.sqlite()?)
    .await?)
}

const DELIVERY_SELECT: &str = "SELECT d.id, d.at, d.local_date, d.source, d.donor, d.note, d.volunteer,
        COUNT(m.id) AS lines, COALESCE(SUM(m.quantity), 0) AS units, COALESCE(SUM(m.value_pence), 0) AS value_pence
     FROM deliveries d LEFT JOIN stock_movements m ON m.delivery_id = d.id";

/// A delivery with its totals.
pub async fn delivery(conn: &mut Conn, id: i64) -> Result<Option<Delivery>> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "{DELIVERY_SELECT} WHERE d.id = ? GROUP BY d.id"
    )))
    .bind(id)
    .fetch_optional(conn.sqlite()?)
    .await?)
}

/// The latest deliveries with their totals, newest first.
pub async fn recent(conn: &mut Conn, limit: u32) -> Result<Vec<Delivery>> {
    Ok(sqlx::query_as(AssertSqlSafe(format!(
        "{DELIVERY_SELECT} GROUP BY d.id ORDER BY d.id DESC LIMIT ?"
    )))
    .bind(limit)
    .fetch_all(conn.sqlite()?)
    .await?)
}
