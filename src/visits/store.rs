//! SQL for visits: the only place that reads or writes the `visits` and `cash_ups` tables
//! (and the household facts the counter decides from).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::{CashUp, FeeMethod, VisitRecord};
use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;

/// What the counter reads about a household to decide and show.
#[derive(FromRow)]
pub(super) struct CounterRow {
    pub id: i64,
    pub membership_number: String,
    pub lead_name: String,
    pub adults: i64,
    pub children: i64,
    pub neighbourhood_id: Option<i64>,
    pub landlord_tenant: bool,
    /// The preferred language's code, frozen on the visit for the landlord summary.
    pub language: String,
    pub neighbourhood: Option<String>,
    pub allergies: String,
    pub dietary: String,
    pub dietary_notes: String,
    pub status: String,
    /// As stored: the rules refuse a date that cannot be read, naming the household.
    #[sqlx(try_from = "crate::db::Day")]
    pub expires_on: String,
    pub has_consent: bool,
    pub erased: bool,
}

/// The statements of one check-in and one recorded visit, public for the counter
/// benchmark's bare baseline (which binds the same values).
pub const COUNTER_ROW_SQL: &str =
    "SELECT h.id, h.membership_number, h.lead_name, h.adults, h.children, h.neighbourhood_id,
            h.landlord_tenant, h.language, n.name AS neighbourhood, h.allergies, h.dietary, h.dietary_notes,
            h.status, h.expires_on, h.consent_at IS NOT NULL AS has_consent,
            h.erased_at IS NOT NULL AS erased
     FROM households h LEFT JOIN neighbourhoods n ON n.id = h.neighbourhood_id WHERE h.id = $1";
pub const DATES_SINCE_SQL: &str =
    "SELECT local_date FROM visits WHERE household_id = $1 AND voided_at IS NULL AND local_date >= $2";
pub const LAST_DATE_SQL: &str =
    "SELECT local_date, at, desk FROM visits WHERE household_id = $1 AND voided_at IS NULL ORDER BY at DESC LIMIT 1";
macro_rules! visit_select {
    ($where:literal) => {
        concat!(
            "SELECT v.id, v.household_id, h.lead_name, h.membership_number, v.at, v.local_date, \
             v.items, v.fee_pence, v.fee_method, v.volunteer, v.note, v.override_reason, \
             v.voided_at, v.void_reason, v.desk FROM visits v JOIN households h ON h.id = v.household_id ",
            $where
        )
    };
}
pub const VISIT_SQL: &str = visit_select!("WHERE v.id = $1");
pub const VISIT_FOR_REQUEST_SQL: &str = visit_select!("WHERE v.request_id = $1");
pub const INSERT_VISIT_SQL: &str =
    "INSERT INTO visits (household_id, at, local_date, items, fee_pence, fee_method, volunteer, note,
         snap_adults, snap_children, snap_neighbourhood_id, snap_landlord_tenant, snap_language,
         card_number, request_id, override_reason, method, desk)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id";

pub(super) async fn counter_row(conn: &mut Conn, id: i64) -> Result<Option<CounterRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, CounterRow>(COUNTER_ROW_SQL)
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}

/// Local dates of a household's visits (not voided) from `since`.
pub(super) async fn visit_dates_since(
    conn: &mut Conn,
    household_id: i64,
    since: NaiveDate,
) -> Result<Vec<NaiveDate>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(DATES_SINCE_SQL)
            .bind(household_id)
            .bind(since)
            .fetch_all(conn)
            .await
    )?)
}

/// A household's last visit (not voided): its day, time and desk.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub(super) struct LastVisit {
    pub local_date: NaiveDate,
    pub at: DateTime<Utc>,
    pub desk: Option<String>,
}

/// A household's last visit (not voided), if any.
pub(super) async fn last_visit(conn: &mut Conn, household_id: i64) -> Result<Option<LastVisit>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(LAST_DATE_SQL)
            .bind(household_id)
            .fetch_optional(conn)
            .await
    )?)
}

pub(super) async fn visit(conn: &mut Conn, id: i64) -> Result<Option<VisitRecord>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, VisitRecord>(VISIT_SQL)
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}

/// The visit already recorded for a check-in, if any.
pub(super) async fn visit_for_request(
    conn: &mut Conn,
    request_id: &str,
) -> Result<Option<VisitRecord>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, VisitRecord>(VISIT_FOR_REQUEST_SQL)
            .bind(request_id)
            .fetch_optional(conn)
            .await
    )?)
}

/// A visit to insert, with the household as it was (for anonymous reports).
pub(super) struct NewVisit<'a> {
    pub household_id: i64,
    pub at: DateTime<Utc>,
    pub local_date: NaiveDate,
    pub items: u32,
    pub fee_pence: u32,
    pub fee_method: FeeMethod,
    pub volunteer: &'a str,
    pub note: &'a str,
    pub snap_adults: i64,
    pub snap_children: i64,
    pub snap_neighbourhood_id: Option<i64>,
    pub snap_landlord_tenant: bool,
    pub snap_language: &'a str,
    pub card_number: Option<&'a str>,
    pub request_id: &'a str,
    pub override_reason: Option<&'a str>,
    /// "counter", or "delivery" for a parcel delivered to the door.
    pub method: &'static str,
}

/// The newest visit's id (0 for none).
pub(super) async fn newest_id(conn: &mut Conn) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM visits")
            .fetch_one(conn)
            .await
    )?)
}

/// Inserts a visit, recorded at the connection's desk.
pub(super) async fn insert_visit(conn: &mut Conn, v: &NewVisit<'_>) -> Result<i64> {
    let desk = conn.desk().map(str::to_owned);
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(INSERT_VISIT_SQL)
            .bind(v.household_id)
            .bind(v.at)
            .bind(v.local_date)
            .bind(i64::from(v.items))
            .bind(i64::from(v.fee_pence))
            .bind(v.fee_method)
            .bind(v.volunteer)
            .bind(v.note)
            .bind(v.snap_adults)
            .bind(v.snap_children)
            .bind(v.snap_neighbourhood_id)
            .bind(v.snap_landlord_tenant)
            .bind(v.snap_language)
            .bind(v.card_number)
            .bind(v.request_id)
            .bind(v.override_reason)
            .bind(v.method)
            .bind(desk.as_deref())
            .fetch_one(conn)
            .await
    )?)
}

pub(super) async fn mark_void(
    conn: &mut Conn,
    id: i64,
    at: DateTime<Utc>,
    by: &str,
    reason: &str,
) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "UPDATE visits SET voided_at = $1, voided_by = $2, void_reason = $3 WHERE id = $4"
        )
        .bind(at)
        .bind(by)
        .bind(reason)
        .bind(id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// A day's counted visits: (visits, households, people, items).
pub(super) async fn day_totals(conn: &mut Conn, date: NaiveDate) -> Result<(i64, i64, i64, i64)> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT COUNT(*), COUNT(DISTINCT household_id), COALESCE(CAST(SUM(snap_adults + snap_children) AS BIGINT), 0),
                COALESCE(CAST(SUM(items) AS BIGINT), 0)
         FROM visits WHERE local_date = $1 AND voided_at IS NULL",
    )
    .bind(date)
    .fetch_one(conn)
    .await)?)
}

/// A day's counted visits and fees by how they were paid: (method, visits, pence).
pub(super) async fn day_fees(
    conn: &mut Conn,
    date: NaiveDate,
) -> Result<Vec<(FeeMethod, i64, i64)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT fee_method, COUNT(*), COALESCE(CAST(SUM(fee_pence) AS BIGINT), 0) FROM visits
         WHERE local_date = $1 AND voided_at IS NULL GROUP BY fee_method",
        )
        .bind(date)
        .fetch_all(conn)
        .await
    )?)
}

/// A day's visits, voided ones too, newest first.
pub(super) async fn day_visits(
    conn: &mut Conn,
    date: NaiveDate,
    limit: u32,
) -> Result<Vec<VisitRecord>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, VisitRecord>(visit_select!(
            "WHERE v.local_date = $1 ORDER BY v.at DESC LIMIT $2"
        ))
        .bind(date)
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await
    )?)
}

pub(super) async fn last_cash_up(conn: &mut Conn, date: NaiveDate) -> Result<Option<CashUp>> {
    Ok(on_engine!(conn, sqlx::query_as::<_, CashUp>(
        "SELECT local_date, at, expected_pence, counted_pence, difference_pence, volunteer, note
         FROM cash_ups WHERE local_date = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(date)
    .fetch_optional(conn)
    .await)?)
}

/// Cash fees taken on a day (visits not voided).
pub(super) async fn cash_taken(conn: &mut Conn, date: NaiveDate) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT COALESCE(CAST(SUM(fee_pence) AS BIGINT), 0) FROM visits
         WHERE local_date = $1 AND voided_at IS NULL AND fee_method = $2",
        )
        .bind(date)
        .bind(FeeMethod::Cash)
        .fetch_one(conn)
        .await
    )?)
}

/// A cash-up made `at` (`up.at` is its text, for the screen).
pub(super) async fn insert_cash_up(conn: &mut Conn, up: &CashUp, at: DateTime<Utc>) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "INSERT INTO cash_ups (local_date, at, expected_pence, counted_pence, difference_pence, volunteer, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(up.local_date)
    .bind(at)
    .bind(up.expected_pence)
    .bind(up.counted_pence)
    .bind(up.difference_pence)
    .bind(&up.volunteer)
    .bind(&up.note)
    .execute(conn)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(())
}

/// The visits of `from` become `to`'s (households merged).
pub(super) async fn move_household(conn: &mut Conn, from: i64, to: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE visits SET household_id = $1 WHERE household_id = $2")
            .bind(to)
            .bind(from)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// Erasure: a household's visit notes, card numbers and the reasons given for an override
/// or an undo are blanked; the visits and their snapshots stay, for the anonymous reports.
pub(super) async fn erase_household(conn: &mut Conn, household_id: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "UPDATE visits SET note = '', card_number = NULL,
             override_reason = CASE WHEN override_reason IS NULL THEN NULL ELSE '' END,
             void_reason = CASE WHEN void_reason IS NULL THEN NULL ELSE '' END
         WHERE household_id = $1",
        )
        .bind(household_id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}
