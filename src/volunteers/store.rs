//! SQL for volunteers: the only place that reads or writes `volunteers`.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Volunteer;
use crate::access::Role;
use crate::db::{Conn, On};
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
    pub pin_checks: i64,
    pub pin_checks_since: Option<DateTime<Utc>>,
}

macro_rules! login_sql {
    () => {
        "SELECT id, name, role, pin_hash, failed_attempts, locked_until, pin_checks, pin_checks_since
         FROM volunteers WHERE lower(name) = lower($1) AND active"
    };
}

/// The active volunteer with this name, their row held until the transaction ends (on
/// PostgreSQL a row lock; SQLite's write transaction holds the file), so that desks counting
/// one name's PIN checks take turns.
pub async fn login(conn: &mut Conn, name: &str) -> Result<Option<Login>> {
    Ok(match conn.on() {
        On::Sqlite(conn) => {
            sqlx::query_as(login_sql!())
                .bind(name)
                .fetch_optional(conn)
                .await
        }
        On::Postgres(conn) => {
            sqlx::query_as(concat!(login_sql!(), " FOR UPDATE"))
                .bind(name)
                .fetch_optional(conn)
                .await
        }
    }?)
}

/// Takes a place for a PIN check: the wrong PINs in a row (a lock-out that ran out lifted)
/// and the checks now under way, the newest started `now`.
pub async fn start_pin_check(
    conn: &mut Conn,
    id: i64,
    failed_attempts: i64,
    pin_checks: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "UPDATE volunteers SET failed_attempts = $1, locked_until = NULL, pin_checks = $2,
                 pin_checks_since = $3
             WHERE id = $4",
        )
        .bind(failed_attempts)
        .bind(pin_checks)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// Ends a PIN check: its place is given back, and a wrong PIN is counted (the name locked
/// until `lock_until` when it is the `max`th in a row). Counted in one statement, so wrong
/// PINs ending at once at several desks are each counted. Returns the wrong PINs in a row.
pub async fn end_pin_check(
    conn: &mut Conn,
    id: i64,
    right: bool,
    max: i64,
    lock_until: DateTime<Utc>,
) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "UPDATE volunteers SET
                 pin_checks = CASE WHEN pin_checks > 0 THEN pin_checks - 1 ELSE 0 END,
                 failed_attempts = CASE WHEN $1 THEN 0 ELSE failed_attempts + 1 END,
                 locked_until = CASE WHEN NOT $1 AND failed_attempts + 1 >= $2 THEN $3
                                     ELSE locked_until END
             WHERE id = $4
             RETURNING failed_attempts",
        )
        .bind(right)
        .bind(max)
        .bind(lock_until)
        .bind(id)
        .fetch_one(conn)
        .await
    )?)
}

/// Clears the name's wrong PINs and lifts any lock-out.
pub async fn clear_wrong_pins(conn: &mut Conn, id: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE volunteers SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}
