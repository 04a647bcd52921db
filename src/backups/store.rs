//! SQL for backups and restores: the only place that reads or writes `backups` and
//! `restores`, and the last scheduled backup that failed in `pantry_settings` (the backup
//! folder and number kept are the settings store's). It also reads a backup
//! file before it is restored (its schema version and pantry), counts what a restore undoes,
//! and carries `audit_log` rows and the `erasures` list across a restore.

use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

use super::{BackupRecord, PantryIdentity, RestoreNotice};
use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;

/// The backup taken last.
pub async fn last(conn: &mut Conn) -> Result<Option<BackupRecord>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT at, file, reason, bytes FROM backups ORDER BY id DESC LIMIT 1")
            .fetch_optional(conn)
            .await
    )?)
}

/// When the newest backup was taken.
pub async fn last_at(conn: &mut Conn) -> Result<Option<DateTime<Utc>>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT MAX(at) FROM backups")
            .fetch_one(conn)
            .await
    )?)
}

pub async fn insert(
    conn: &mut Conn,
    at: DateTime<Utc>,
    file: &str,
    reason: &str,
    bytes: i64,
    audit_head: &crate::audit::chain::ChainHead,
) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "INSERT INTO backups (at, file, reason, bytes, audit_entries, audit_head) VALUES ($1, $2, $3, $4, $5, $6)",
    )
        .bind(at)
        .bind(file)
        .bind(reason)
        .bind(bytes)
        .bind(audit_head.entries)
        .bind(&audit_head.hash)
        .execute(conn)
        .await.map(|done| done.rows_affected()))?;
    Ok(())
}

/// Every backup file this database recorded taking.
pub async fn files(conn: &mut Conn) -> Result<Vec<String>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT file FROM backups")
            .fetch_all(conn)
            .await
    )?)
}

/// Whether a database file is a Pantry database (has the settings table).
pub async fn is_pantry(conn: &mut Conn) -> Result<bool> {
    Ok(on_engine!(conn, sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pantry_settings')",
    )
    .fetch_one(conn)
    .await)?)
}

/// The newest migration applied to a Pantry database.
pub async fn schema_version(conn: &mut Conn) -> Result<Option<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(conn)
            .await
    )?)
}

/// Which pantry a database belongs to, once it is set up: its random id (none in a
/// database older than the id), its short code, and whether it holds a member yet.
pub async fn identity(conn: &mut Conn) -> Result<Option<PantryIdentity>> {
    let has_id: bool = on_engine!(conn, sqlx::query_scalar(
        "SELECT COUNT(*) > 0 FROM pragma_table_info('pantry_settings') WHERE name = 'pantry_id'",
    )
    .fetch_one(conn)
    .await)?;
    let sql = if has_id {
        "SELECT pantry_id, short_code, EXISTS (SELECT 1 FROM households) AS has_members
         FROM pantry_settings WHERE id = 1"
    } else {
        "SELECT NULL AS pantry_id, short_code, EXISTS (SELECT 1 FROM households) AS has_members
         FROM pantry_settings WHERE id = 1"
    };
    Ok(on_engine!(
        conn,
        sqlx::query_as(sql).fetch_optional(conn).await
    )?)
}

/// Notes that a scheduled backup could not be taken (`None`: one was taken since).
pub async fn set_failure(conn: &mut Conn, failure: Option<(DateTime<Utc>, &str)>) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "UPDATE pantry_settings SET backup_failed_at = $1, backup_failure = $2 WHERE id = 1"
        )
        .bind(failure.map(|(at, _)| at))
        .bind(failure.map(|(_, why)| why))
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// The last scheduled backup that could not be taken, and why, until one is taken.
pub async fn failure(conn: &mut Conn) -> Result<Option<(DateTime<Utc>, String)>> {
    let row: Option<(Option<DateTime<Utc>>, Option<String>)> = on_engine!(
        conn,
        sqlx::query_as("SELECT backup_failed_at, backup_failure FROM pantry_settings WHERE id = 1")
            .fetch_optional(conn)
            .await
    )?;
    Ok(row.and_then(|(at, why)| at.zip(why)))
}

/// The highest id in `table` (0 when empty). `table` is one of the restore's own names.
pub async fn highest_id(conn: &mut Conn, table: &str) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COALESCE(MAX(id), 0) FROM {table}"
        )))
        .fetch_one(conn)
        .await
    )?)
}

/// Rows of `table` with an id above `after`. `table` is one of the restore's own names.
pub async fn count_after(conn: &mut Conn, table: &str, after: i64) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE id > $1"
        )))
        .bind(after)
        .fetch_one(conn)
        .await
    )?)
}

/// Every erasure remembered: (household id, when).
pub async fn erasures(conn: &mut Conn) -> Result<Vec<(i64, DateTime<Utc>)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT household_id, at FROM erasures ORDER BY household_id")
            .fetch_all(conn)
            .await
    )?)
}

/// `PRAGMA integrity_check` of the open database: "ok" when sound.
pub async fn integrity(conn: &mut Conn) -> Result<String> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(conn)
            .await
    )?)
}

/// Households erased or anonymised.
pub async fn erased_households(conn: &mut Conn) -> Result<Vec<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT id FROM households WHERE erased_at IS NOT NULL")
            .fetch_all(conn)
            .await
    )?)
}

/// The time of the newest audit entry, as written.
pub async fn last_audit_at(conn: &mut Conn) -> Result<Option<String>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT MAX(at) FROM audit_log")
            .fetch_one(conn)
            .await
    )?)
}

/// Audit entries written after `after` (as written), oldest first.
pub async fn audit_after(conn: &mut Conn, after: &str) -> Result<Vec<crate::audit::StoredEntry>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT id, at, actor, action, subject, details, desk FROM audit_log WHERE at > $1 ORDER BY id",
    )
    .bind(after)
    .fetch_all(conn)
    .await)?)
}

/// The backups recorded after the one with id `after` (those a restored database did not
/// know of): carried into it so that they stay this pantry's own, to be recognised and pruned.
pub async fn backups_after(conn: &mut Conn, after: i64) -> Result<Vec<BackupRecord>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT at, file, reason, bytes FROM backups WHERE id > $1 ORDER BY id")
            .bind(after)
            .fetch_all(conn)
            .await
    )?)
}

/// Records a backup carried from the database a restore replaced. Its audit head was of that
/// database's trail, so it is not kept: it is no anchor for the restored trail.
pub async fn carry_backup(conn: &mut Conn, backup: &BackupRecord) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("INSERT INTO backups (at, file, reason, bytes) VALUES ($1, $2, $3, $4)")
            .bind(&backup.at)
            .bind(&backup.file)
            .bind(&backup.reason)
            .bind(backup.bytes)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// The notice of the restore made for a request, if it was made.
pub async fn restore_for_request(
    conn: &mut Conn,
    request_id: &str,
) -> Result<Option<RestoreNotice>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT id, at, by, from_file, backup_taken_at, undone, safety_copy FROM restores
         WHERE request_id = $1",
        )
        .bind(request_id)
        .fetch_optional(conn)
        .await
    )?)
}

/// A restore to record.
pub struct NewRestore<'a> {
    pub request_id: &'a str,
    pub at: DateTime<Utc>,
    pub by: &'a str,
    pub from_file: &'a str,
    pub backup_taken_at: DateTime<Utc>,
    pub undone: &'a str,
    pub safety_copy: &'a str,
}

/// Records a restore and returns its notice.
pub async fn insert_restore(conn: &mut Conn, r: &NewRestore<'_>) -> Result<RestoreNotice> {
    Ok(on_engine!(conn, sqlx::query_as(
        "INSERT INTO restores (request_id, at, by, from_file, backup_taken_at, undone, safety_copy)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id, at, by, from_file, backup_taken_at, undone, safety_copy",
    )
    .bind(r.request_id)
    .bind(r.at)
    .bind(r.by)
    .bind(r.from_file)
    .bind(r.backup_taken_at)
    .bind(r.undone)
    .bind(r.safety_copy)
    .fetch_one(conn)
    .await)?)
}

/// The newest restore nobody has read the notice of yet.
pub async fn unseen_restore(conn: &mut Conn) -> Result<Option<RestoreNotice>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT id, at, by, from_file, backup_taken_at, undone, safety_copy FROM restores
         WHERE seen_at IS NULL ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(conn)
        .await
    )?)
}

pub async fn mark_restore_seen(
    conn: &mut Conn,
    id: i64,
    at: DateTime<Utc>,
    by: &str,
) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "UPDATE restores SET seen_at = $1, seen_by = $2 WHERE id = $3 AND seen_at IS NULL"
        )
        .bind(at)
        .bind(by)
        .bind(id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}
