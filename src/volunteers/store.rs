//! SQL for volunteers: the only place that reads or writes `volunteers`.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Volunteer;
use crate::access::Role;
use crate::db::Conn;
use crate::error::Result;

/// Every volunteer, active first, by name.
pub async fn all(conn: &mut Conn) -> Result<Vec<Volunteer>> {
    Ok(sqlx::query_as(
        "SELECT id, name, role, active, locked_until FROM volunteers ORDER BY active DESC, name",
    )
    .fetch_all(conn.sqlite()?)
    .await?)
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Volunteer> {
    Ok(
        sqlx::query_as("SELECT id, name, role, active, locked_until FROM volunteers WHERE id = ?")
            .bind(id)
            .fetch_one(conn.sqlite()?)
            .await?,
    )
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM volunteers")
        .fetch_one(conn.sqlite()?)
        .await?)
}

/// Whether another volunteer (not `except`) has this name.
pub async fn name_taken(conn: &mut Conn, name: &str, except: Option<i64>) -> Result<bool> {
    let clash: Option<i64> =
        sqlx::query_scalar("SELECT id FROM volunteers WHERE name = ? AND id IS NOT ?")
            .bind(name)
            .bind(except)
            .fetch_optional(conn.sqlite()?)
            .await?;
    Ok(clash.is_some())
}

/// Active admins other than volunteer `id`.
pub async fn other_active_admins(conn: &mut Conn, id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM volunteers WHERE role = 'admin' AND active = 1 AND id <> ?",
    )
    .bind(id)
    .fetch_one(conn.sqlite()?)
    .await?)
}

/// Adds a volunteer; returns the new id.
pub async fn insert(
    conn: &mut Conn,
    name: &str,
    role: Role,
    pin_hash: &str,
    active: bool,
    at: DateTime<Utc>,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO volunteers (name, role, pin_hash, active, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(role.code())
    .bind(pin_hash)
    .bind(active)
    .bind(at)
    .fetch_one(conn.sqlite()?)
    .await?)
}

/// Rewrites a volunteer's name, role and active flag; a new PIN hash also clears wrong
/// tries and any lock-out. False when there is no such volunteer.
pub async fn update(
    conn: &mut Conn,
    id: i64,
    name: &str,
    role: Role,
    active: bool,
    pin_hash: Option<&str>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE volunteers SET name = ?, role = ?, active = ?, pin_hash = COALESCE(?, pin_hash),
             failed_attempts = CASE WHEN ? IS NULL THEN failed_attempts ELSE 0 END,
             locked_until = CASE WHEN ? IS NULL THEN locked_until ELSE NULL END
         WHERE id = ?",
    )
    .bind(name)
    .bind(role.code())
    .bind(active)
    .bind(pin_hash)
    .bind(pin_hash)
    .bind(pin_hash)
    .bind(id)
    .execute(conn.sqlite()?)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// What signing in checks.
#[derive(Debug, FromRow)]
pub struct Login {
    pub id: i64,
    pub name: String,
    pub role: String,
    pub pin_hash: String,
    pub failed_attempts: i64,
    pub locked_until: Option<DateTime<Utc>>,
}

/// The active volunteer with this name.
pub async fn login(conn: &mut Conn, name: &str) -> Result<Option<Login>> {
    Ok(sqlx::query_as(
        "SELECT id, name, role, pin_hash, failed_attempts, locked_until FROM volunteers WHERE name = ? AND active = 1",
    )
    .bind(name)
    .fetch_optional(conn.sqlite()?)
    .await?)
}

/// Records wrong PINs in a row, and a lock-out until a time (or none).
pub async fn set_attempts(
    conn: &mut Conn,
    id: i64,
    failed_attempts: i64,
    locked_until: Option<DateTime<Utc>>,
) -> Result<()> {
    sqlx::query("UPDATE volunteers SET failed_attempts = ?, locked_until = ? WHERE id = ?")
        .bind(failed_attempts)
        .bind(locked_until)
        .bind(id)
        .execute(conn.sqlite()?)
        .await?;
    Ok(())
}
