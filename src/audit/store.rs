//! SQL for the audit trail: the only place that reads or writes `audit_log`.

use chrono::NaiveDate;
use sqlx::AssertSqlSafe;

use super::AuditEntry;
use crate::db::{Conn, On};
use crate::error::Result;
use crate::on_engine;

/// An entry as stored (the fields its chain link covers).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredEntry {
    pub id: i64,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: Option<String>,
    pub details: String,
    /// The desk it was written at (none before desks had names, or on a desk without one).
    pub desk: Option<String>,
}

const STORED: &str = "id, at, actor, action, subject, details, desk";

/// Takes the trail's turn for the rest of the caller's transaction: on a server, desks writing
/// at once add their entries (and links) one transaction after another, so the chain never
/// forks; a laptop's write transaction already holds the only write lock.
pub async fn take_turn(conn: &mut Conn) -> Result<()> {
    if let On::Postgres(conn) = conn.on() {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('pantry.audit'))")
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// `at` is the entry's time as its link covers it (RFC 3339 text, kept as text on both
/// engines: `audit::stamp`, or an entry carried from another copy as it was written there).
pub async fn insert(
    conn: &mut Conn,
    at: &str,
    actor: &str,
    action: &str,
    subject: Option<&str>,
    details: &str,
    desk: Option<&str>,
) -> Result<StoredEntry> {
    Ok(on_engine!(conn, sqlx::query_as(
        "INSERT INTO audit_log (at, actor, action, subject, details, desk) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, at, actor, action, subject, details, desk",
    )
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(details)
    .bind(desk)
    .fetch_one(conn)
    .await)?)
}

/// The newest entry's id (0 for an empty trail).
pub async fn newest_id(conn: &mut Conn) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM audit_log")
            .fetch_one(conn)
            .await
    )?)
}

/// When the newest `limit` entries of one kind were recorded (as stored), newest first.
pub async fn newest_times(conn: &mut Conn, action: &str, limit: i64) -> Result<Vec<String>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT at FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT $2")
            .bind(action)
            .bind(limit)
            .fetch_all(conn)
            .await
    )?)
}

/// The chain heads recorded with each backup and each landlord export (entries covered, last
/// link in hex), with what recorded it ("backup"/"export") and when: the anchors a shortened
/// or re-linked trail is checked against.
pub async fn recorded_heads(
    conn: &mut Conn,
) -> Result<Vec<(i64, String, String, chrono::DateTime<chrono::Utc>)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT audit_entries, audit_head, 'backup', at FROM backups
             WHERE audit_entries IS NOT NULL AND audit_head IS NOT NULL
         UNION ALL
         SELECT audit_entries, audit_head, 'export', at FROM report_exports
             WHERE audit_entries IS NOT NULL AND audit_head IS NOT NULL",
        )
        .fetch_all(conn)
        .await
    )?)
}

/// The newest link of the chain.
pub async fn last_link(conn: &mut Conn) -> Result<Option<Vec<u8>>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT hash FROM audit_chain ORDER BY entry_id DESC LIMIT 1")
            .fetch_optional(conn)
            .await
    )?)
}

pub async fn insert_link(conn: &mut Conn, entry_id: i64, hash: &[u8]) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("INSERT INTO audit_chain (entry_id, hash) VALUES ($1, $2)")
            .bind(entry_id)
            .bind(hash)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// How far the entries written before the chain existed go, while they are not linked yet.
pub async fn legacy_up_to(conn: &mut Conn) -> Result<Option<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT up_to FROM audit_chain_legacy")
            .fetch_optional(conn)
            .await
    )?)
}

/// Those entries, oldest first.
pub async fn entries_up_to(conn: &mut Conn, up_to: i64) -> Result<Vec<StoredEntry>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {STORED} FROM audit_log WHERE id <= $1 ORDER BY id"
        )))
        .bind(up_to)
        .fetch_all(conn)
        .await
    )?)
}

/// They are linked: the note goes.
pub async fn legacy_linked(conn: &mut Conn) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("DELETE FROM audit_chain_legacy")
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// An entry with its link, if it has one.
#[derive(Debug, sqlx::FromRow)]
pub struct Linked {
    #[sqlx(flatten)]
    pub entry: StoredEntry,
    pub hash: Option<Vec<u8>>,
}

/// Every entry with its link (if any), oldest first.
pub async fn entries_with_links(conn: &mut Conn) -> Result<Vec<Linked>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT a.id, a.at, a.actor, a.action, a.subject, a.details, a.desk, c.hash
         FROM audit_log a LEFT JOIN audit_chain c ON c.entry_id = a.id ORDER BY a.id",
        )
        .fetch_all(conn)
        .await
    )?)
}

/// How many links the chain has.
pub async fn link_count(conn: &mut Conn) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_chain")
            .fetch_one(conn)
            .await
    )?)
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

/// Text is found whatever its case; the days compare as text (`at` is RFC 3339 in UTC).
const CONDITION: &str = "($1 = '%%' OR lower(actor) LIKE $1 OR lower(action) LIKE $1
         OR lower(subject) LIKE $1 OR lower(details) LIKE $1)
     AND ($2 = '' OR action = $2)
     AND ($3 = '' OR substr(at, 1, 10) >= $3)
     AND ($4 = '' OR substr(at, 1, 10) <= $4)";

/// The values `CONDITION` compares with.
fn condition_values(m: Matching<'_>) -> (String, String, String) {
    let day = |d: Option<NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    (
        format!("%{}%", m.text.to_lowercase()),
        day(m.from),
        day(m.to),
    )
}

/// The newest `limit` entries matching, newest first.
pub async fn newest(conn: &mut Conn, m: Matching<'_>, limit: i64) -> Result<Vec<AuditEntry>> {
    let (text, from, to) = condition_values(m);
    Ok(on_engine!(conn, sqlx::query_as(AssertSqlSafe(format!(
        "SELECT id, at, actor, action, subject, details, desk FROM audit_log WHERE {CONDITION} ORDER BY id DESC LIMIT $5"
    )))
    .bind(&text)
    .bind(m.action)
    .bind(&from)
    .bind(&to)
    .bind(limit)
    .fetch_all(conn)
    .await)?)
}

/// How many entries match.
pub async fn count(conn: &mut Conn, m: Matching<'_>) -> Result<i64> {
    let (text, from, to) = condition_values(m);
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM audit_log WHERE {CONDITION}"
        )))
        .bind(&text)
        .bind(m.action)
        .bind(&from)
        .bind(&to)
        .fetch_one(conn)
        .await
    )?)
}

/// Every kind of action recorded, in order.
pub async fn actions(conn: &mut Conn) -> Result<Vec<String>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
            .fetch_all(conn)
            .await
    )?)
}

/// Every entry about one of these subjects (`household:42`, `referral:7`), oldest first.
pub async fn about(conn: &mut Conn, subjects: &[String]) -> Result<Vec<AuditEntry>> {
    Ok(on_engine!(conn, {
        let mut q = sqlx::QueryBuilder::<Engine>::new(
            "SELECT id, at, actor, action, subject, details, desk FROM audit_log WHERE subject IN (",
        );
        let mut sep = q.separated(", ");
        for s in subjects {
            sep.push_bind(s);
        }
        q.push(") ORDER BY id");
        q.build_query_as().fetch_all(conn).await
    })?)
}
