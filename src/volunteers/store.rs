//! SQL for volunteers: the only place that reads or writes `volunteers`.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Volunteer;
use crate::access::Role;
use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;

/// Every volunteer, active first, by name.
pub async fn all(conn: &mut Conn) -> Result<Vec<Volunteer>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT id, name, role, active, locked_until FROM volunteers
         ORDER BY active DESC, lower(name), name, id",
        )
        .fetch_all(conn)
        .await
    )?)
}

pub async fn get(conn: &mut Conn, id: i64) -> Result<Volunteer> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT id, name, role, active, locked_until FROM volunteers WHERE id = $1")
            .bind(id)
            .fetch_one(conn)
            .await
    )?)
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT COUNT(*) FROM volunteers")
            .fetch_one(conn)
            .await
    )?)
}

/// Whether another volunteer (not `except`) has this name.
pub async fn name_taken(conn: &mut Conn, name: &str, except: Option<i64>) -> Result<bool> {
    let clash: Option<i64> = on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT id FROM volunteers WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $2"
        )
        .bind(name)
        .bind(except)
        .fetch_optional(conn)
        .await
    )?;
    Ok(clash.is_some())
}

/// Active admins other than volunteer `id`.
pub async fn other_active_admins(conn: &mut Conn, id: i64) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM volunteers WHERE role = 'admin' AND active AND id <> $1",
        )
        .bind(id)
        .fetch_one(conn)
        .await
    )?)
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
    Ok(on_engine!(conn, sqlx::query_scalar(
        "INSERT INTO volunteers (name, role, pin_hash, active, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(name)
    .bind(role.code())
    .bind(pin_hash)
    .bind(active)
    .bind(at)
    .fetch_one(conn)
    .await)?)
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
    let done = on_engine!(conn, sqlx::query(
        "UPDATE volunteers SET name = $1, role = $2, active = $3, pin_hash = COALESCE($4, pin_hash),
             failed_attempts = CASE WHEN $5 IS NULL THEN failed_attempts ELSE 0 END,
             locked_until = CASE WHEN $6 IS NULL THEN locked_until ELSE NULL END
         WHERE id = $7",
    )
    .bind(name)
    .bind(role.code())
    .bind(active)
    .bind(pin_hash)
    .bind(pin_hash)
    .bind(pin_hash)
    .bind(id)
    .execute(conn)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(done > 0)
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
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT id, name, role, pin_hash, failed_attempts, locked_until FROM volunteers WHERE lower(name) = lower($1) AND active",
    )
    .bind(name)
    .fetch_optional(conn)
    .await)?)
}

/// Records wrong PINs in a row, and a lock-out until a time (or none).
pub async fn set_attempts(
    conn: &mut Conn,
    id: i64,
    failed_attempts: i64,
    locked_until: Option<DateTime<Utc>>,
) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE volunteers SET failed_attempts = $1, locked_until = $2 WHERE id = $3")
            .bind(failed_attempts)
            .bind(locked_until)
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}
