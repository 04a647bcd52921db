//! SQL for the audit trail: the only place that reads or writes `audit_log`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::SqliteConnection;

use super::{AuditEntry, LIMIT};
use crate::error::Result;

pub async fn insert(
    conn: &mut SqliteConnection,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: Option<&str>,
    details: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(details)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which entries to list: `text` found in the actor, action, subject or details (empty:
/// any); exactly this `action` (empty: any); on days (UTC) from and to, inclusive.
#[derive(Debug, Clone, Copy)]
pub struct Matching<'a> {
    pub text: &'a str,
    pub action: &'a str,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

const CONDITION: &str =
    "(?1 = '%%' OR actor LIKE ?1 OR action LIKE ?1 OR subject LIKE ?1 OR details LIKE ?1)
     AND (?2 = '' OR action = ?2)
     AND (?3 IS NULL OR substr(at, 1, 10) >= ?3)
     AND (?4 IS NULL OR substr(at, 1, 10) <= ?4)";

/// The newest `LIMIT` entries matching, newest first.
pub async fn newest(conn: &mut SqliteConnection, m: Matching<'_>) -> Result<Vec<AuditEntry>> {
    Ok(sqlx::query_as(&format!(
        "SELECT id, at, actor, action, subject, details FROM audit_log WHERE {CONDITION} ORDER BY id DESC LIMIT {LIMIT}"
    ))
    .bind(format!("%{}%", m.text))
    .bind(m.action)
    .bind(m.from)
    .bind(m.to)
    .fetch_all(conn)
    .await?)
}

/// How many entries match.
pub async fn count(conn: &mut SqliteConnection, m: Matching<'_>) -> Result<i64> {
    Ok(
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM audit_log WHERE {CONDITION}"))
            .bind(format!("%{}%", m.text))
            .bind(m.action)
            .bind(m.from)
            .bind(m.to)
            .fetch_one(conn)
            .await?,
    )
}

/// Every kind of action recorded, in order.
pub async fn actions(conn: &mut SqliteConnection) -> Result<Vec<String>> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
            .fetch_all(conn)
            .await?,
    )
}

/// Every entry about one of these subjects (`household:42`, `referral:7`), oldest first.
pub async fn about(conn: &mut SqliteConnection, subjects: &[String]) -> Result<Vec<AuditEntry>> {
    let mut q: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(
        "SELECT id, at, actor, action, subject, details FROM audit_log WHERE subject IN (",
    );
    let mut sep = q.separated(", ");
    for s in subjects {
        sep.push_bind(s);
    }
    q.push(") ORDER BY id");
    Ok(q.build_query_as().fetch_all(conn).await?)
}
