//! SQL for the pantry's settings: the only place that reads or writes `neighbourhoods`,
//! `postcode_districts` and the pantry's own columns of `pantry_settings` (who it is, its
//! visit and membership rules, the idle-lock minutes). Stock, reports and backups keep
//! their own columns of that row.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{DistrictMapping, Neighbourhood, ValidSettings};
use crate::db::{sql, Conn};
use crate::error::Result;
use crate::on_engine;

#[derive(Debug, FromRow)]
pub struct SettingsRow {
    pub name: String,
    pub short_code: String,
    pub address: String,
    pub landlord_name: String,
    pub time_zone: String,
    pub weekly_fee_pence: i64,
    pub items_per_visit: i64,
    pub visits_per_week: i64,
    pub membership_weeks: i64,
    pub retention_months: i64,
    pub visit_rule: String,
    pub week_start: i64,
    pub days_between_visits: i64,
    pub referral_follow_up_days: i64,
    pub updated_at: DateTime<Utc>,
}

/// The three statements that load the settings (the row, active neighbourhoods, districts),
/// public for the counter benchmark's bare baseline.
pub const LOAD_SQL: [&str; 3] = [
    "SELECT name, short_code, address, landlord_name, time_zone, weekly_fee_pence,
            items_per_visit, visits_per_week, membership_weeks, retention_months, visit_rule,
            week_start, days_between_visits, referral_follow_up_days, updated_at
     FROM pantry_settings WHERE id = 1",
    "SELECT id, name FROM neighbourhoods WHERE active ORDER BY position, id",
    "SELECT district, neighbourhood_id FROM postcode_districts ORDER BY district",
];

/// The saved settings row, or `None` before first-run setup.
pub async fn load(conn: &mut Conn) -> Result<Option<SettingsRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, SettingsRow>(LOAD_SQL[0])
            .fetch_optional(conn)
            .await
    )?)
}

/// Active neighbourhoods, in the pantry's order.
pub async fn active_neighbourhoods(conn: &mut Conn) -> Result<Vec<Neighbourhood>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, Neighbourhood>(LOAD_SQL[1])
            .fetch_all(conn)
            .await
    )?)
}

/// Postcode districts mapped to neighbourhoods, by district.
pub async fn districts(conn: &mut Conn) -> Result<Vec<DistrictMapping>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, DistrictMapping>(LOAD_SQL[2])
            .fetch_all(conn)
            .await
    )?)
}

/// Writes the settings row (created the first time, with the pantry's random id, which
/// later saves keep), saved `at`.
pub async fn upsert(conn: &mut Conn, at: DateTime<Utc>, valid: &ValidSettings) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "INSERT INTO pantry_settings (id, name, short_code, address, landlord_name, time_zone,
             weekly_fee_pence, items_per_visit, visits_per_week, membership_weeks, retention_months,
             visit_rule, week_start, days_between_visits, referral_follow_up_days, created_at, updated_at,
             pantry_id)
         VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (id) DO UPDATE SET
             name = excluded.name, short_code = excluded.short_code, address = excluded.address,
             landlord_name = excluded.landlord_name, time_zone = excluded.time_zone,
             weekly_fee_pence = excluded.weekly_fee_pence, items_per_visit = excluded.items_per_visit,
             visits_per_week = excluded.visits_per_week, membership_weeks = excluded.membership_weeks,
             retention_months = excluded.retention_months, visit_rule = excluded.visit_rule,
             week_start = excluded.week_start, days_between_visits = excluded.days_between_visits,
             referral_follow_up_days = excluded.referral_follow_up_days,
             updated_at = excluded.updated_at",
    )
    .bind(&valid.name)
    .bind(&valid.short_code)
    .bind(&valid.address)
    .bind(&valid.landlord_name)
    .bind(valid.time_zone.name())
    .bind(i64::from(valid.weekly_fee_pence))
    .bind(i64::from(valid.items_per_visit))
    .bind(i64::from(valid.visits_per_week))
    .bind(i64::from(valid.membership_weeks))
    .bind(i64::from(valid.retention_months))
    .bind(valid.visit_rule.code())
    .bind(i64::from(valid.week_start))
    .bind(i64::from(valid.days_between_visits))
    .bind(i64::from(valid.referral_follow_up_days))
    .bind(at)
    .bind(at)
    .bind(format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)))
    .execute(conn)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(())
}

/// Makes `names` the active neighbourhoods, in this order; the rest become inactive (never
/// deleted: past visits point at them).
pub async fn set_neighbourhoods(conn: &mut Conn, names: &[String]) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE neighbourhoods SET active = FALSE")
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    for (position, name) in names.iter().enumerate() {
        // Names are unique whatever their case: SQLite's NOCASE column, PostgreSQL's index
        // on lower(name).
        on_engine!(conn, sqlx::query(sql::<Engine>(
            "INSERT INTO neighbourhoods (name, position, active) VALUES ($1, $2, TRUE)
             ON CONFLICT (name) DO UPDATE SET name = excluded.name, position = excluded.position, active = TRUE",
            "INSERT INTO neighbourhoods (name, position, active) VALUES ($1, $2, TRUE)
             ON CONFLICT (lower(name)) DO UPDATE SET name = excluded.name, position = excluded.position, active = TRUE",
        ))
        .bind(name)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .execute(conn)
        .await
        .map(|done| done.rows_affected()))?;
    }
    Ok(())
}

/// Replaces the district mappings: (district, neighbourhood name).
pub async fn set_districts(conn: &mut Conn, mapped: &[(String, String)]) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("DELETE FROM postcode_districts")
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    for (district, name) in mapped {
        on_engine!(
            conn,
            sqlx::query(
                "INSERT INTO postcode_districts (district, neighbourhood_id)
             SELECT $1, id FROM neighbourhoods WHERE lower(name) = lower($2)",
            )
            .bind(district)
            .bind(name)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
        )?;
    }
    Ok(())
}

/// Minutes of inactivity after which the app locks; `None` before first-run setup.
pub async fn idle_lock_minutes(conn: &mut Conn) -> Result<Option<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT idle_lock_minutes FROM pantry_settings WHERE id = 1")
            .fetch_optional(conn)
            .await
    )?)
}

pub async fn set_idle_lock_minutes(conn: &mut Conn, minutes: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE pantry_settings SET idle_lock_minutes = $1 WHERE id = 1")
            .bind(minutes)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// The backup folder setting (empty: the default folder) and how many backups are kept.
pub async fn backup_settings(conn: &mut Conn) -> Result<Option<(String, i64)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT backup_folder, backups_kept FROM pantry_settings WHERE id = 1")
            .fetch_optional(conn)
            .await
    )?)
}

pub async fn save_backup_settings(conn: &mut Conn, folder: &str, kept: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "UPDATE pantry_settings SET backup_folder = $1, backups_kept = $2 WHERE id = 1"
        )
        .bind(folder)
        .bind(kept)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}
