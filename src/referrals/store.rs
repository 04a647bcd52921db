//! SQL for referrals: the only place that reads or writes `agencies` and `referrals`,
//! including `allocate_reference`, the one place referral references are given out.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AssertSqlSafe, FromRow, QueryBuilder};

use super::{AgencyKind, Outcome, ReferralReason, Urgency};
use crate::db::{Conn, On};
use crate::error::Result;
use crate::membership;
use crate::on_engine;

#[derive(Debug, FromRow)]
pub struct AgencyRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub opening_hours: String,
    pub how_to_refer: String,
    pub active: bool,
}

const AGENCY_COLUMNS: &str =
    "id, name, kind, contact_person, phone, email, address, opening_hours, how_to_refer, active";

/// The directory: agencies in use first, by name.
pub async fn agencies(conn: &mut Conn) -> Result<Vec<AgencyRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, AgencyRow>(AssertSqlSafe(format!(
            "SELECT {AGENCY_COLUMNS} FROM agencies ORDER BY active DESC, lower(name), name"
        )))
        .fetch_all(conn)
        .await
    )?)
}

pub async fn agency(conn: &mut Conn, id: i64) -> Result<Option<AgencyRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, AgencyRow>(AssertSqlSafe(format!(
            "SELECT {AGENCY_COLUMNS} FROM agencies WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(conn)
        .await
    )?)
}

/// Whether another agency (not `except`) has this name.
pub async fn agency_name_taken(conn: &mut Conn, name: &str, except: Option<i64>) -> Result<bool> {
    let clash: Option<i64> = on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT id FROM agencies WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $2"
        )
        .bind(name)
        .bind(except)
        .fetch_optional(conn)
        .await
    )?;
    Ok(clash.is_some())
}

/// An agency's details to store.
#[derive(Debug, Clone, Copy)]
pub struct AgencyFields<'a> {
    pub name: &'a str,
    pub kind: AgencyKind,
    pub contact_person: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub address: &'a str,
    pub opening_hours: &'a str,
    pub how_to_refer: &'a str,
}

pub async fn update_agency(
    conn: &mut Conn,
    id: i64,
    a: AgencyFields<'_>,
    active: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "UPDATE agencies SET name = $1, kind = $2, contact_person = $3, phone = $4, email = $5, address = $6,
             opening_hours = $7, how_to_refer = $8, active = $9, updated_at = $10 WHERE id = $11",
    )
    .bind(a.name)
    .bind(a.kind.code())
    .bind(a.contact_person)
    .bind(a.phone)
    .bind(a.email)
    .bind(a.address)
    .bind(a.opening_hours)
    .bind(a.how_to_refer)
    .bind(active)
    .bind(at)
    .bind(id)
    .execute(conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(())
}

/// Adds an agency, in use; returns its id.
pub async fn insert_agency(conn: &mut Conn, a: AgencyFields<'_>, at: DateTime<Utc>) -> Result<i64> {
    Ok(on_engine!(conn, sqlx::query_scalar(
        "INSERT INTO agencies (name, kind, contact_person, phone, email, address, opening_hours, how_to_refer,
             active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, $10) RETURNING id",
    )
    .bind(a.name)
    .bind(a.kind.code())
    .bind(a.contact_person)
    .bind(a.phone)
    .bind(a.email)
    .bind(a.address)
    .bind(a.opening_hours)
    .bind(a.how_to_refer)
    .bind(at)
    .bind(at)
    .fetch_one(conn)
    .await)?)
}

/// A referral with its household's name and number.
#[derive(Debug, FromRow)]
pub struct ReferralRow {
    pub id: i64,
    pub reference: String,
    pub household_id: i64,
    pub lead_name: String,
    pub membership_number: String,
    pub agency_id: i64,
    pub reason: String,
    pub reason_detail: String,
    pub urgency: String,
    pub consent_at: DateTime<Utc>,
    pub made_at: DateTime<Utc>,
    pub made_on: NaiveDate,
    pub made_by: String,
    pub contacted_at: Option<DateTime<Utc>>,
    pub contacted_by: Option<String>,
    pub outcome: Option<String>,
    pub outcome_note: String,
    pub outcome_at: Option<DateTime<Utc>>,
    pub outcome_by: Option<String>,
}

/// Which referrals to read.
#[derive(Debug, Clone, Copy)]
pub enum Which<'a> {
    Id(i64),
    Reference(&'a str),
    Household(i64),
    /// Every referral with no outcome yet.
    Open,
    /// Referrals with no outcome made on or before this date.
    OpenMadeBy(NaiveDate),
}

pub async fn referrals(conn: &mut Conn, which: Which<'_>) -> Result<Vec<ReferralRow>> {
    Ok(on_engine!(conn, {
        let mut q = QueryBuilder::<Engine>::new(
            "SELECT r.id, r.reference, r.household_id, h.lead_name, h.membership_number, r.agency_id, \
             r.reason, r.reason_detail, r.urgency, r.consent_at, r.made_at, r.made_on, r.made_by, \
             r.contacted_at, r.contacted_by, r.outcome, r.outcome_note, r.outcome_at, r.outcome_by \
             FROM referrals r JOIN households h ON h.id = r.household_id WHERE ",
        );
        match which {
            Which::Id(id) => q.push("r.id = ").push_bind(id),
            Which::Reference(reference) => q.push("r.reference = ").push_bind(reference),
            Which::Household(id) => q.push("r.household_id = ").push_bind(id),
            Which::Open => q.push("r.outcome IS NULL"),
            Which::OpenMadeBy(day) => q.push("r.outcome IS NULL AND r.made_on <= ").push_bind(day),
        };
        q.push(" ORDER BY r.id");
        q.build_query_as().fetch_all(conn).await
    })?)
}

/// The next referral reference (8 digits with a check digit, like membership numbers),
/// inside the caller's write transaction (which holds the write lock, so two referrals
/// never get the same one); past the last serial, the lowest one unused.
pub async fn allocate_reference(conn: &mut Conn) -> Result<Option<String>> {
    // On a server, desks making referrals at once take turns here until their transactions
    // end (a laptop's write transaction already holds the only write lock).
    if let On::Postgres(conn) = conn.on() {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('pantry.referrals'))")
            .execute(conn)
            .await?;
    }
    let next: i64 =
        on_engine!(conn, sqlx::query_scalar(
        "SELECT COALESCE(MAX(CAST(substr(reference, 1, 7) AS BIGINT)), 0) + 1 FROM referrals",
    )
    .fetch_one(conn)
    .await)?;
    let mut used = None;
    if next > i64::from(membership::MAX_SERIAL) {
        used = Some(on_engine!(
            conn,
            sqlx::query_scalar::<_, i64>(
                "SELECT CAST(substr(reference, 1, 7) AS BIGINT) FROM referrals",
            )
            .fetch_all(conn)
            .await
        )?);
    }
    Ok(
        membership::free_serials(next, 1, || used.unwrap_or_default().into_iter().collect())
            .and_then(|s| membership::number_for_serial(u32::try_from(s[0]).ok()?)),
    )
}

/// A referral to store: made (and consented to) `at`, on the pantry's date `on`.
#[derive(Debug, Clone, Copy)]
pub struct NewReferral<'a> {
    pub reference: &'a str,
    pub household_id: i64,
    pub agency_id: i64,
    pub reason: ReferralReason,
    pub reason_detail: &'a str,
    pub urgency: Urgency,
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
    pub by: &'a str,
}

/// Stores a referral; returns its id.
pub async fn insert(conn: &mut Conn, r: NewReferral<'_>) -> Result<i64> {
    Ok(on_engine!(conn, sqlx::query_scalar(
        "INSERT INTO referrals (reference, household_id, agency_id, reason, reason_detail, urgency, consent_at,
             made_at, made_on, made_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(r.reference)
    .bind(r.household_id)
    .bind(r.agency_id)
    .bind(r.reason.code())
    .bind(r.reason_detail)
    .bind(r.urgency.code())
    .bind(r.at)
    .bind(r.at)
    .bind(r.on)
    .bind(r.by)
    .fetch_one(conn)
    .await)?)
}

pub async fn set_contacted(conn: &mut Conn, id: i64, at: DateTime<Utc>, by: &str) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE referrals SET contacted_at = $1, contacted_by = $2 WHERE id = $3")
            .bind(at)
            .bind(by)
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

pub async fn set_outcome(
    conn: &mut Conn,
    id: i64,
    outcome: Outcome,
    note: &str,
    at: DateTime<Utc>,
    by: &str,
) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "UPDATE referrals SET outcome = $1, outcome_note = $2, outcome_at = $3, outcome_by = $4 WHERE id = $5",
    )
    .bind(outcome.code())
    .bind(note)
    .bind(at)
    .bind(by)
    .bind(id)
    .execute(conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(())
}

/// The referrals of `from` become `to`'s (households merged).
pub async fn move_household(conn: &mut Conn, from: i64, to: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE referrals SET household_id = $1 WHERE household_id = $2")
            .bind(to)
            .bind(from)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// Erasure: a household's referral details and outcome notes are blanked; agency, reason
/// code, dates and outcome code stay, for the referral figures.
pub async fn erase_household(conn: &mut Conn, household_id: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "UPDATE referrals SET reason_detail = '', outcome_note = '' WHERE household_id = $1",
        )
        .bind(household_id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}
