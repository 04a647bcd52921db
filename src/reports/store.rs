//! SQL for reports: the only place that reads or writes `report_exports`, `social_values` and
//! the report settings in `pantry_settings` (small-count threshold, average item value). It
//! also reads, never writes, the frozen records (and their record keys) the figures come from: `visits`,
//! `membership_events`, `stock_movements`, `deliveries`, `referrals`, `agencies` and
//! `neighbourhoods`.

use chrono::{DateTime, NaiveDate, Utc};

use super::export::ExportRecord;
use crate::db::{sql, Conn, Day, Maybe};
use crate::error::Result;
use crate::on_engine;

/// Visits, items, fees and the value of what was taken, by day and by the neighbourhood at
/// the visit, with the sums of the visits' record keys (binds: from, to, average item value
/// in pence): one read of the period's visits gives both the neighbourhoods' figures and the
/// visits per week.
pub const VISITS_SQL: &str = "WITH taken AS (
             SELECT v.local_date AS day, v.snap_neighbourhood_id AS neighbourhood, COUNT(*) AS visits,
                    CAST(SUM(v.items) AS BIGINT) AS items, CAST(SUM(t.value) AS BIGINT) AS value, CAST(SUM(v.record_key) AS BIGINT) AS key
             FROM (SELECT visit_id, CAST(SUM(COALESCE(-m.value_pence, -m.quantity * $3)) AS BIGINT) AS value
                   FROM stock_movements m
                   WHERE m.kind = 'distribution' AND m.local_date BETWEEN $1 AND $2
                   GROUP BY visit_id) t
             JOIN visits v ON v.id = t.visit_id
             WHERE v.voided_at IS NULL AND v.local_date BETWEEN $1 AND $2
             GROUP BY v.local_date, v.snap_neighbourhood_id),
         daily AS (
             SELECT local_date AS day, snap_neighbourhood_id AS neighbourhood, COUNT(*) AS visits,
                    CAST(SUM(items) AS BIGINT) AS items, CAST(SUM(fee_pence) AS BIGINT) AS fees, CAST(SUM(record_key) AS BIGINT) AS key
             FROM visits WHERE voided_at IS NULL AND local_date BETWEEN $1 AND $2
             GROUP BY local_date, snap_neighbourhood_id)
         SELECT d.day, d.neighbourhood, d.visits, d.items, d.fees,
                COALESCE(t.value, 0) + (d.items - COALESCE(t.items, 0)) * $3 AS value,
                d.visits - COALESCE(t.visits, 0) AS estimated, d.key,
                d.key - COALESCE(t.key, 0) AS estimated_key
         FROM daily d LEFT JOIN taken t
           ON t.day = d.day AND t.neighbourhood IS NOT DISTINCT FROM d.neighbourhood";

/// Households and people, once each, as at their latest visit in the period, by the
/// neighbourhood and the preferred language at that visit, with the sums of the households'
/// record keys (binds: from, to). The snapshot columns beside `MAX(id)` are those of the row
/// holding the maximum (SQLite's rule for a lone min/max aggregate); the household-ordered
/// index is read in order, so nothing is sorted but the few groups.
pub const HOUSEHOLDS_SQL: &str = "WITH last AS (
             SELECT MAX(id), snap_neighbourhood_id, snap_adults, snap_children,
                    snap_landlord_tenant, snap_language, record_key
             FROM visits INDEXED BY idx_visits_household_report
             WHERE voided_at IS NULL AND local_date BETWEEN $1 AND $2
             GROUP BY household_id)
         SELECT snap_neighbourhood_id AS neighbourhood, snap_language AS language,
                COUNT(*) AS households, CAST(SUM(snap_adults) AS BIGINT) AS adults,
                CAST(SUM(snap_children) AS BIGINT) AS children, CAST(SUM(snap_landlord_tenant) AS BIGINT) AS tenants,
                CAST(SUM(record_key) AS BIGINT) AS key, CAST(SUM(snap_landlord_tenant * record_key) AS BIGINT) AS tenants_key
         FROM last GROUP BY snap_neighbourhood_id, snap_language";

/// `HOUSEHOLDS_SQL` on PostgreSQL: each household's latest visit in the period by
/// `DISTINCT ON`, and tenancy as a flag.
pub const HOUSEHOLDS_SQL_POSTGRES: &str = "WITH last AS (
             SELECT DISTINCT ON (household_id) snap_neighbourhood_id, snap_adults, snap_children,
                    snap_landlord_tenant, snap_language, record_key
             FROM visits
             WHERE voided_at IS NULL AND local_date BETWEEN $1 AND $2
             ORDER BY household_id, id DESC)
         SELECT snap_neighbourhood_id AS neighbourhood, snap_language AS language,
                COUNT(*) AS households, CAST(SUM(snap_adults) AS BIGINT) AS adults,
                CAST(SUM(snap_children) AS BIGINT) AS children,
                COUNT(*) FILTER (WHERE snap_landlord_tenant) AS tenants,
                CAST(SUM(record_key) AS BIGINT) AS key,
                CAST(COALESCE(SUM(record_key) FILTER (WHERE snap_landlord_tenant), 0) AS BIGINT) AS tenants_key
         FROM last GROUP BY snap_neighbourhood_id, snap_language";

/// New members and renewals by the neighbourhood when they happened, with the sums of their
/// record keys (binds: from, to).
pub const EVENTS_SQL: &str = "SELECT neighbourhood_id AS neighbourhood,
                COUNT(*) FILTER (WHERE kind = 'joined') AS joined,
                CAST(COALESCE(SUM(record_key) FILTER (WHERE kind = 'joined'), 0) AS BIGINT) AS joined_key,
                COUNT(*) FILTER (WHERE kind = 'renewed') AS renewed,
                CAST(COALESCE(SUM(record_key) FILTER (WHERE kind = 'renewed'), 0) AS BIGINT) AS renewed_key
         FROM membership_events WHERE local_date BETWEEN $1 AND $2 GROUP BY neighbourhood_id";

/// One day's visits in one neighbourhood (`None`: none recorded): visits, items, fees, value
/// taken, visits whose value was estimated, and the record keys' sums.
#[derive(Debug, sqlx::FromRow)]
pub struct VisitFigures {
    pub day: NaiveDate,
    pub neighbourhood: Option<i64>,
    pub visits: i64,
    pub items: i64,
    pub fees: i64,
    pub value: i64,
    pub estimated: i64,
    pub key: i64,
    pub estimated_key: i64,
}

/// The households of one neighbourhood and language: households, adults, children, tenant
/// households, and the record keys' sums of all and of the tenants.
#[derive(Debug, sqlx::FromRow)]
pub struct HouseholdFigures {
    pub neighbourhood: Option<i64>,
    /// The preferred language's code at the household's latest visit.
    pub language: String,
    pub households: i64,
    pub adults: i64,
    pub children: i64,
    pub tenants: i64,
    pub key: i64,
    pub tenants_key: i64,
}

/// One neighbourhood's members joined and renewals, and the record keys' sums.
#[derive(Debug, sqlx::FromRow)]
pub struct EventFigures {
    pub neighbourhood: Option<i64>,
    pub joined: i64,
    pub joined_key: i64,
    pub renewed: i64,
    pub renewed_key: i64,
}

/// The pantry's first day on record: its first visit, its first member's joining day, or the
/// day it was set up, whichever is earliest (imported members and demo visits go back before
/// set-up).
pub async fn first_day(conn: &mut Conn) -> Result<Option<NaiveDate>> {
    // The day it was set up is the UTC day of its creation, as on the laptop's text.
    let first: Maybe<Day> = on_engine!(
        conn,
        sqlx::query_scalar(sql::<Engine>(
            "SELECT MIN(day) FROM (
             SELECT MIN(local_date) AS day FROM visits
             UNION ALL SELECT MIN(joined_on) FROM households
             UNION ALL SELECT substr(created_at, 1, 10) FROM pantry_settings WHERE id = 1) AS days",
            "SELECT MIN(day) FROM (
             SELECT MIN(local_date) AS day FROM visits
             UNION ALL SELECT MIN(joined_on) FROM households
             UNION ALL SELECT (created_at AT TIME ZONE 'UTC')::date FROM pantry_settings WHERE id = 1)
             AS days",
        ))
        .fetch_one(conn)
        .await
    )?;
    Ok(first
        .0
        .and_then(|d| NaiveDate::parse_from_str(&d.0, "%Y-%m-%d").ok()))
}

/// The small-count threshold and the average item value in pence, once the pantry is set up.
pub async fn report_settings(conn: &mut Conn) -> Result<Option<(i64, i64)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT report_small_count, average_item_value_pence FROM pantry_settings WHERE id = 1",
        )
        .fetch_optional(conn)
        .await
    )?)
}

pub async fn save_report_settings(
    conn: &mut Conn,
    small_count: i64,
    average_item_value_pence: i64,
) -> Result<()> {
    on_engine!(conn, sqlx::query("UPDATE pantry_settings SET report_small_count = $1, average_item_value_pence = $2 WHERE id = 1")
        .bind(small_count)
        .bind(average_item_value_pence)
        .execute(conn)
        .await.map(|done| done.rows_affected()))?;
    Ok(())
}

/// The social value of each referral outcome that has one: (outcome code, pence).
pub async fn social_values(conn: &mut Conn) -> Result<Vec<(String, i64)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT outcome, value_pence FROM social_values")
            .fetch_all(conn)
            .await
    )?)
}

/// Replaces every social value with `values` (outcome code, pence).
pub async fn replace_social_values(conn: &mut Conn, values: &[(&str, i64)]) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("DELETE FROM social_values")
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    for (outcome, value) in values {
        on_engine!(
            conn,
            sqlx::query("INSERT INTO social_values (outcome, value_pence) VALUES ($1, $2)")
                .bind(outcome)
                .bind(value)
                .execute(conn)
                .await
                .map(|done| done.rows_affected())
        )?;
    }
    Ok(())
}

pub async fn visit_figures(
    conn: &mut Conn,
    from: NaiveDate,
    to: NaiveDate,
    average_item_value_pence: i64,
) -> Result<Vec<VisitFigures>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(VISITS_SQL)
            .bind(from)
            .bind(to)
            .bind(average_item_value_pence)
            .fetch_all(conn)
            .await
    )?)
}

pub async fn household_figures(
    conn: &mut Conn,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<HouseholdFigures>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(sql::<Engine>(HOUSEHOLDS_SQL, HOUSEHOLDS_SQL_POSTGRES))
            .bind(from)
            .bind(to)
            .fetch_all(conn)
            .await
    )?)
}

pub async fn event_figures(
    conn: &mut Conn,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<EventFigures>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(EVENTS_SQL)
            .bind(from)
            .bind(to)
            .fetch_all(conn)
            .await
    )?)
}

/// Every neighbourhood in the pantry's order: (id, name, active).
pub async fn neighbourhoods(conn: &mut Conn) -> Result<Vec<(i64, String, bool)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT id, name, active FROM neighbourhoods ORDER BY position, id")
            .fetch_all(conn)
            .await
    )?)
}

/// Referrals made in the period, by the kind of agency: (kind code, count, sum of the record
/// keys).
pub async fn referrals_by_kind(
    conn: &mut Conn,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, i64, i64)>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT a.kind, COUNT(*), CAST(SUM(r.record_key) AS BIGINT) FROM referrals r JOIN agencies a ON a.id = r.agency_id
         WHERE r.made_on BETWEEN $1 AND $2 GROUP BY a.kind",
    )
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await)?)
}

/// Referral outcomes recorded from `from` up to (not including) `until`: (outcome code, count,
/// sum of the record keys).
pub async fn referral_outcomes(
    conn: &mut Conn,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<(String, i64, i64)>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT outcome, COUNT(*), CAST(SUM(record_key) AS BIGINT) FROM referrals WHERE outcome IS NOT NULL AND outcome_at >= $1 AND outcome_at < $2
         GROUP BY outcome",
    )
    .bind(from)
    .bind(until)
    .fetch_all(conn)
    .await)?)
}

/// Stock delivered in the period, by source: (source code, units, value in pence).
pub async fn stock_received(
    conn: &mut Conn,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, i64, i64)>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT d.source, CAST(SUM(m.quantity) AS BIGINT), COALESCE(CAST(SUM(m.value_pence) AS BIGINT), 0) FROM deliveries d
         JOIN stock_movements m ON m.delivery_id = d.id WHERE d.local_date BETWEEN $1 AND $2 GROUP BY d.source",
    )
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await)?)
}

/// Every visit (not voided) on or after `from`: (date, household id).
pub async fn visit_days_since(conn: &mut Conn, from: NaiveDate) -> Result<Vec<(NaiveDate, i64)>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT local_date, household_id FROM visits WHERE voided_at IS NULL AND local_date >= $1",
    )
    .bind(from)
    .fetch_all(conn)
    .await)?)
}

/// The six neighbourhoods with most households visiting on or after `from`, each household
/// where it was at its latest visit: (name, households), largest first.
pub async fn top_neighbourhoods(conn: &mut Conn, from: NaiveDate) -> Result<Vec<(String, i64)>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "WITH last AS (SELECT MAX(id) AS id FROM visits WHERE voided_at IS NULL AND local_date >= $1 GROUP BY household_id)
         SELECT COALESCE(n.name, 'No neighbourhood recorded'), COUNT(*) AS households
         FROM last JOIN visits v ON v.id = last.id LEFT JOIN neighbourhoods n ON n.id = v.snap_neighbourhood_id
         GROUP BY v.snap_neighbourhood_id, n.name ORDER BY households DESC, 1 LIMIT 6",
    )
    .bind(from)
    .fetch_all(conn)
    .await)?)
}

/// An export to record.
pub struct NewExport<'a> {
    pub at: DateTime<Utc>,
    pub actor: &'a str,
    pub kind: &'a str,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub format: &'a str,
    pub file: &'a str,
    pub sha256: &'a str,
    /// The audit trail's head as the export left it.
    pub audit_head: &'a crate::audit::chain::ChainHead,
}

/// Records an export and returns it as stored.
pub async fn insert_export(conn: &mut Conn, e: &NewExport<'_>) -> Result<ExportRecord> {
    let id: i64 = on_engine!(conn, sqlx::query_scalar(
        "INSERT INTO report_exports (at, actor, kind, period_from, period_to, format, file, sha256,
             audit_entries, audit_head)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(e.at)
    .bind(e.actor)
    .bind(e.kind)
    .bind(e.period_from)
    .bind(e.period_to)
    .bind(e.format)
    .bind(e.file)
    .bind(e.sha256)
    .bind(e.audit_head.entries)
    .bind(&e.audit_head.hash)
    .fetch_one(conn)
    .await)?;
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT * FROM report_exports WHERE id = $1")
            .bind(id)
            .fetch_one(conn)
            .await
    )?)
}

/// The newest `limit` exports, newest first.
pub async fn exports(conn: &mut Conn, limit: i64) -> Result<Vec<ExportRecord>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as("SELECT * FROM report_exports ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(conn)
            .await
    )?)
}

/// Home deliveries and welfare calls in a period, as (code, count, sum of record keys): parcels
/// delivered and not delivered by the round's date, households delivered to, calls made and
/// households called by the call's date. Codes are `outreach::SUMMARY_ROWS`'.
pub async fn outreach_figures(
    conn: &mut Conn,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, i64, i64)>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "WITH settled AS (
             SELECT s.household_id, s.outcome, s.record_key FROM home_deliveries s
             JOIN delivery_rounds r ON r.id = s.round_id
             WHERE r.on_date BETWEEN $1 AND $2 AND s.outcome IS NOT NULL),
         reached AS (
             SELECT DISTINCT s.household_id, h.record_key FROM settled s
             JOIN households h ON h.id = s.household_id WHERE s.outcome = 'delivered'),
         calls AS (
             SELECT household_id, record_key FROM contact_attempts WHERE local_date BETWEEN $1 AND $2),
         called AS (
             SELECT DISTINCT c.household_id, h.record_key FROM calls c
             JOIN households h ON h.id = c.household_id)
         SELECT 'delivered', COUNT(*), COALESCE(CAST(SUM(record_key) AS BIGINT), 0) FROM settled WHERE outcome = 'delivered'
         UNION ALL
         SELECT 'not_delivered', COUNT(*), COALESCE(CAST(SUM(record_key) AS BIGINT), 0) FROM settled WHERE outcome <> 'delivered'
         UNION ALL
         SELECT 'households_delivered', COUNT(*), COALESCE(CAST(SUM(record_key) AS BIGINT), 0) FROM reached
         UNION ALL
         SELECT 'calls', COUNT(*), COALESCE(CAST(SUM(record_key) AS BIGINT), 0) FROM calls
         UNION ALL
         SELECT 'households_called', COUNT(*), COALESCE(CAST(SUM(record_key) AS BIGINT), 0) FROM called",
    )
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await)?)
}
