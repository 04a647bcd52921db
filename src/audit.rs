//! The append-only audit trail: who did what, when. The table refuses updates and deletes.

use chrono::Utc;
use sqlx::SqliteConnection;

use crate::error::Result;

/// Appends one entry, inside the caller's transaction.
pub async fn record(
    conn: &mut SqliteConnection,
    actor: &str,
    action: &str,
    subject: Option<&str>,
    details: &serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(Utc::now().to_rfc3339())
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(details.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
