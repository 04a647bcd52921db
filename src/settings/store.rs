//! SQL for the pantry's settings: the only place that reads or writes `neighbourhoods`,
//! `postcode_districts` and the pantry's own columns of `pantry_settings` (who it is, its
//! visit and membership rules, the idle-lock minutes). Stock, reports and backups keep
//! their own columns of that row.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::{DistrictMapping, Neighbourhood, ValidSettings};
use crate::db::Conn;
use crate::error::Result;

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
    "SELECT id, name FROM neighbourhoods WHERE active = 1 ORDER BY position, id",
    "SELECT district, neighbourhood_id FROM postcode_districts ORDER BY district",
];

/// The saved settings row, or `None` before first-run setup.
pub async fn load(conn: &mut Conn) -> Result<Option<SettingsRow>> {
    Ok(sqlx::query_as::<_, SettingsRow>(LOAD_SQL[0])
        .fetch_optional(conn.sqlite()?)
        .await?)
}

/// Active neighbourhoods, in the pantry's order.
pub async fn active_neighbourhoods(conn: &mut Conn) -> Result<Vec<Neighbourhood>> {
    Ok(sqlx::query_as::<_, Neighbourhood>(LOAD_SQL[1])
        .fetch_all(conn.sqlite()?)
        .await?)
}

/// Postcode districts mapped to neighbourhoods, by district.
pub async fn districts(conn: &mut Conn) -> Result<Vec<DistrictMapping>> {
    Ok(sqlx::query_as::<_, DistrictMapping>(LOAD_SQL[2])
        .fetch_all(conn.sqlite()?)
        .await?)
}

/// Writes the settings row (created the first time, with the pantry's random id, which
/// later saves keep), saved `at`.
pub async fn upsert(conn: &mut Conn, at: DateTime<Utc>, valid: &ValidSettings) -> Result<()> {
    sqlx::query(
        "INSERT INTO pantry_settings (id, name, short_code, address, landlord_name, time_zone,
             weekly_fee_pence, items_per_visit, visits_per_week, membership_weeks, retention_months,
             visit_rule, week_start, days_between_visits, referral_follow_up_days, created_at, updated_at,
             pantry_id)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, lower(hex(randomblob(16))))
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
    .bind(valid.weekly_fee_pence)
    .bind(valid.items_per_visit)
    .bind(valid.visits_per_week)
    .bind(valid.membership_weeks)
    .bind(valid.retention_months)
    .bind(valid.visit_rule.code())
    .bind(valid.week_start)
    .bind(valid.days_between_visits)
    .bind(valid.referral_follow_up_days)
    .bind(at)
    .bind(at)
    .execute(conn.sqlite()?)
    .await?;
    Ok(())
}

/// Makes `names` the active neighbourhoods, in this order; the rest become inactive (never
/// deleted: past visits point at them).
pub async fn set_neighbourhoods(conn: &mut Conn, names: &[String]) -> Result<()> {
    sqlx::query("UPDATE neighbourhoods SET active = 0")
        .execute(conn.sqlite()?)
        .await?;
    for (position, name) in names.iter().enumerate() {
        sqlx::query(
            "INSERT INTO neighbourhoods (name, position, active) VALUES (?, ?, 1)
             ON CONFLICT (name) DO UPDATE SET name = excluded.name, position = excluded.position, active = 1",
        )
        .bind(name)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .execute(conn.sqlite()?)
        .await?;
    }
    Ok(())
}

/// Replaces the district mappings: (district, neighbourhood name).
pub async fn set_districts(conn: &mut Conn, mapped: &[(String, String)]) -> Result<()> {
    sqlx::query("DELETE FROM postcode_districts")
        .execute(conn.sqlite()?)
        .await?;
    for (district, name) in mapped {
        sqlx::query(
            "INSERT INTO postcode_districts (district, neighbourhood_id)
             SELECT ?, id FROM neighbourhoods WHERE name = ?",
        )
        .bind(district)
        .bind(name)
        .execute(conn.sqlite()?)
        .await?;
    }
    Ok(())
}

/// Minutes of inactivity after which the app locks; `None` before first-run setup.
pub async fn idle_lock_minutes(conn: &mut Conn) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT idle_lock_minutes FROM pantry_settings WHERE id = 1")
            .fetch_optional(conn.sqlite()?)
            .await?,
    )
}

pub async fn set_idle_lock_minutes(conn: &mut Conn, minutes: i64) -> Result<()> {
    sqlx::query("UPDATE pantry_settings SET idle_lock_minutes = ? WHERE id = 1")
        .bind(minutes)
        .execute(conn.sqlite()?)
        .await?;
    Ok(())
}

/// The backup folder setting (empty: the default folder) and how many backups are kept.
pub async fn backup_settings(conn: &mut Conn) -> Result<Option<(String, i64)>> {
    Ok(
        sqlx::query_as("SELECT backup_folder, backups_kept FROM pantry_settings WHERE id = 1")
            .fetch_optional(conn.sqlite()?)
            .await?,
    )
}

pub async fn save_backup_settings(conn: &mut Conn, folder: &str, kept: i64) -> Result<()> {
    sqlx::query("UPDATE pantry_settings SET backup_folder = ?, backups_kept = ? WHERE id = 1")
        .bind(folder)
        .bind(kept)
        .execute(conn.sqlite()?)
        .await?;
    Ok(())
}
