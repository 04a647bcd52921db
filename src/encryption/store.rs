//! SQL for the encryption's records: the only place that reads or writes `recovery_sheets`.

use chrono::{DateTime, Utc};

use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;

pub async fn insert_sheet(
    conn: &mut Conn,
    at: DateTime<Utc>,
    by: &str,
    fingerprint: &str,
) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "INSERT INTO recovery_sheets (printed_at, by, key_fingerprint) VALUES ($1, $2, $3)"
        )
        .bind(at)
        .bind(by)
        .bind(fingerprint)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// When a sheet for the key with this fingerprint was last printed.
pub async fn last_sheet_for(conn: &mut Conn, fingerprint: &str) -> Result<Option<DateTime<Utc>>> {
    Ok(on_engine!(conn, sqlx::query_scalar(
        "SELECT printed_at FROM recovery_sheets WHERE key_fingerprint = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(fingerprint)
    .fetch_optional(conn)
    .await)?)
}
