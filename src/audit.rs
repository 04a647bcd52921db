//! The append-only audit trail: who did what, when. The table refuses updates and deletes.

use chrono::{DateTime, Utc};
use sqlx::SqliteConnection;

use crate::access::{Actor, Operation};
use crate::error::Result;

/// Appends one entry, inside the caller's transaction.
pub async fn record(
    conn: &mut SqliteConnection,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: Option<&str>,
    details: &serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(at.to_rfc3339())
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(details.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// One entry of the trail as the Settings screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub details: String,
}

/// What to show: text found in the actor, action, subject or details; dates (YYYY-MM-DD,
/// UTC) from and to, inclusive; empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditFilter {
    pub text: String,
    pub action: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// How many entries match (only the newest `LIMIT` are listed).
    #[ts(type = "number")]
    pub matching: i64,
    /// The kinds of action recorded, for the filter.
    pub actions: Vec<String>,
}

/// The newest entries listed at once.
pub const LIMIT: i64 = 200;

/// The newest entries matching the filter.
pub async fn list(db: &crate::db::Db, filter: &AuditFilter, actor: &Actor) -> Result<AuditPage> {
    actor.require(db, Operation::ViewAudit).await?;
    let date = |text: &str, field: &str| -> Result<Option<String>> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(|d| Some(d.to_string()))
            .map_err(|_| crate::Error::invalid(field, "Give the date as YYYY-MM-DD."))
    };
    let from = date(&filter.from, "from")?;
    let to = date(&filter.to, "to")?;
    let like = format!("%{}%", filter.text.trim());
    let condition =
        "(?1 = '%%' OR actor LIKE ?1 OR action LIKE ?1 OR subject LIKE ?1 OR details LIKE ?1)
         AND (?2 = '' OR action = ?2)
         AND (?3 IS NULL OR substr(at, 1, 10) >= ?3)
         AND (?4 IS NULL OR substr(at, 1, 10) <= ?4)";
    let mut conn = db.pool().acquire().await?;
    let entries = sqlx::query_as(&format!(
        "SELECT id, at, actor, action, subject, details FROM audit_log WHERE {condition} ORDER BY id DESC LIMIT {LIMIT}"
    ))
    .bind(&like)
    .bind(filter.action.trim())
    .bind(&from)
    .bind(&to)
    .fetch_all(&mut *conn)
    .await?;
    let matching = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE {condition}"))
        .bind(&like)
        .bind(filter.action.trim())
        .bind(&from)
        .bind(&to)
        .fetch_one(&mut *conn)
        .await?;
    let actions = sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
        .fetch_all(&mut *conn)
        .await?;
    Ok(AuditPage {
        entries,
        matching,
        actions,
    })
}
