//! SQL for outreach: the only place that reads or writes `support_needs`,
//! `contact_attempts`, `delivery_households`, `delivery_rounds`, `home_deliveries`,
//! `parcel_lines` and `pantry_settings.contact_after_weeks` (and it reads the household
//! facts that the contact list and packing need).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AssertSqlSafe, FromRow};

use super::{ContactOutcome, DeliveryOutcome, SupportNeed};
use crate::db::Conn;
use crate::error::Result;
use crate::on_engine;
use crate::visits::FeeMethod;

// --- settings --------------------------------------------------------------------------

pub async fn contact_after_weeks(conn: &mut Conn) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT contact_after_weeks FROM pantry_settings WHERE id = 1")
            .fetch_optional(conn)
            .await
    )?
    .unwrap_or(3))
}

pub async fn set_contact_after_weeks(conn: &mut Conn, weeks: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE pantry_settings SET contact_after_weeks = $1 WHERE id = 1")
            .bind(weeks)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

// --- support needs ---------------------------------------------------------------------

#[derive(Debug, Clone, FromRow)]
pub struct NeedRow {
    pub household_id: i64,
    pub need: SupportNeed,
    pub until: Option<NaiveDate>,
    pub reason: String,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub consent_at: String,
    pub recorded_by: String,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub recorded_at: String,
}

pub async fn needs(conn: &mut Conn, household_id: i64) -> Result<Vec<NeedRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT household_id, need, until, reason, consent_at, recorded_by, recorded_at
         FROM support_needs WHERE household_id = $1 ORDER BY need",
        )
        .bind(household_id)
        .fetch_all(conn)
        .await
    )?)
}

pub struct NewNeed<'a> {
    pub household_id: i64,
    pub need: SupportNeed,
    pub until: Option<NaiveDate>,
    pub reason: &'a str,
    pub at: DateTime<Utc>,
    pub by: &'a str,
}

/// Records a need, or replaces what was recorded of it.
pub async fn put_need(conn: &mut Conn, n: &NewNeed<'_>) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "INSERT INTO support_needs (household_id, need, until, reason, consent_at, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $5)
         ON CONFLICT (household_id, need) DO UPDATE SET until = excluded.until,
             reason = excluded.reason, consent_at = excluded.consent_at,
             recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
    )
    .bind(n.household_id)
    .bind(n.need)
    .bind(n.until)
    .bind(n.reason)
    .bind(n.at)
    .bind(n.by)
    .execute(conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(())
}

/// Deletes a need; returns whether there was one.
pub async fn delete_need(conn: &mut Conn, household_id: i64, need: SupportNeed) -> Result<bool> {
    Ok(on_engine!(
        conn,
        sqlx::query("DELETE FROM support_needs WHERE household_id = $1 AND need = $2")
            .bind(household_id)
            .bind(need)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )? > 0)
}

// --- the contact list ------------------------------------------------------------------

/// A household that may be due a call: it has a support need in effect on the day asked
/// about, or a follow-up date set by its latest call.
#[derive(Debug, Clone, FromRow)]
pub struct Candidate {
    pub household_id: i64,
    pub membership_number: String,
    pub lead_name: String,
    pub phone: String,
    /// The needs in effect, as comma-separated codes ('' for none).
    pub needs: String,
    pub last_visit: Option<NaiveDate>,
    /// The latest call that reached the member or left a message.
    pub last_spoken: Option<NaiveDate>,
    pub latest_outcome: Option<ContactOutcome>,
    pub latest_call: Option<NaiveDate>,
    pub follow_up_on: Option<NaiveDate>,
}

/// Candidates for the contact list on `today` (households not erased and not left).
pub async fn contact_candidates(conn: &mut Conn, today: NaiveDate) -> Result<Vec<Candidate>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "WITH due AS (
             SELECT household_id FROM support_needs WHERE until IS NULL OR until >= $1
             UNION
             SELECT household_id FROM contact_attempts
             WHERE id IN (SELECT MAX(id) FROM contact_attempts GROUP BY household_id)
               AND follow_up_on IS NOT NULL)
         SELECT h.id AS household_id, h.membership_number, h.lead_name,
                COALESCE(NULLIF(d.phone, ''), h.phone) AS phone,
                COALESCE((SELECT string_agg(need, ',' ORDER BY need) FROM support_needs n
                          WHERE n.household_id = h.id AND (n.until IS NULL OR n.until >= $1)), '') AS needs,
                (SELECT MAX(local_date) FROM visits v WHERE v.household_id = h.id AND v.voided_at IS NULL) AS last_visit,
                (SELECT MAX(local_date) FROM contact_attempts c WHERE c.household_id = h.id
                   AND c.outcome IN ('left_message', 'fine', 'needs_help')) AS last_spoken,
                l.outcome AS latest_outcome, l.local_date AS latest_call, l.follow_up_on
         FROM due JOIN households h ON h.id = due.household_id
         LEFT JOIN delivery_households d ON d.household_id = h.id
         LEFT JOIN contact_attempts l ON l.id = (SELECT MAX(id) FROM contact_attempts c WHERE c.household_id = h.id)
         WHERE h.erased_at IS NULL AND h.status <> 'left'
         ORDER BY h.lead_name, h.id",
    )
    .bind(today)
    .fetch_all(conn)
    .await)?)
}

pub struct NewAttempt<'a> {
    pub household_id: i64,
    pub at: DateTime<Utc>,
    pub local_date: NaiveDate,
    pub volunteer: &'a str,
    pub outcome: ContactOutcome,
    pub note: &'a str,
    pub follow_up_on: Option<NaiveDate>,
    pub referral_id: Option<i64>,
}

pub async fn insert_attempt(conn: &mut Conn, a: &NewAttempt<'_>) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "INSERT INTO contact_attempts (household_id, at, local_date, volunteer, outcome, note,
             follow_up_on, referral_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(a.household_id)
        .bind(a.at)
        .bind(a.local_date)
        .bind(a.volunteer)
        .bind(a.outcome)
        .bind(a.note)
        .bind(a.follow_up_on)
        .bind(a.referral_id)
        .fetch_one(conn)
        .await
    )?)
}

#[derive(Debug, Clone, FromRow)]
pub struct AttemptRow {
    pub id: i64,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
    pub local_date: NaiveDate,
    pub volunteer: String,
    pub outcome: ContactOutcome,
    pub note: String,
    pub follow_up_on: Option<NaiveDate>,
    pub referral_id: Option<i64>,
}

pub async fn attempts(conn: &mut Conn, household_id: i64) -> Result<Vec<AttemptRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT id, at, local_date, volunteer, outcome, note, follow_up_on, referral_id
         FROM contact_attempts WHERE household_id = $1 ORDER BY id",
        )
        .bind(household_id)
        .fetch_all(conn)
        .await
    )?)
}

// --- delivery households ---------------------------------------------------------------

#[derive(Debug, Clone, FromRow)]
pub struct DeliveryRow {
    pub household_id: i64,
    pub until: Option<NaiveDate>,
    pub address_lines: String,
    pub postcode: String,
    pub access_notes: String,
    pub phone: String,
    pub fee_method: FeeMethod,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub set_at: String,
    pub set_by: String,
}

const DELIVERY_COLUMNS: &str =
    "household_id, until, address_lines, postcode, access_notes, phone, fee_method, set_at, set_by";

pub async fn delivery(conn: &mut Conn, household_id: i64) -> Result<Option<DeliveryRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {DELIVERY_COLUMNS} FROM delivery_households WHERE household_id = $1"
        )))
        .bind(household_id)
        .fetch_optional(conn)
        .await
    )?)
}

pub struct NewDelivery<'a> {
    pub household_id: i64,
    pub until: Option<NaiveDate>,
    pub address_lines: &'a str,
    pub postcode: &'a str,
    pub access_notes: &'a str,
    pub phone: &'a str,
    pub fee_method: FeeMethod,
    pub at: DateTime<Utc>,
    pub by: &'a str,
}

pub async fn put_delivery(conn: &mut Conn, d: &NewDelivery<'_>) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "INSERT INTO delivery_households (household_id, until, address_lines, postcode, access_notes,
             phone, fee_method, set_at, set_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (household_id) DO UPDATE SET until = excluded.until,
             address_lines = excluded.address_lines, postcode = excluded.postcode,
             access_notes = excluded.access_notes, phone = excluded.phone,
             fee_method = excluded.fee_method, set_at = excluded.set_at, set_by = excluded.set_by",
    )
    .bind(d.household_id)
    .bind(d.until)
    .bind(d.address_lines)
    .bind(d.postcode)
    .bind(d.access_notes)
    .bind(d.phone)
    .bind(d.fee_method)
    .bind(d.at)
    .bind(d.by)
    .execute(conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(())
}

pub async fn delete_delivery(conn: &mut Conn, household_id: i64) -> Result<bool> {
    Ok(on_engine!(
        conn,
        sqlx::query("DELETE FROM delivery_households WHERE household_id = $1")
            .bind(household_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )? > 0)
}

/// Delivery households whose deliveries still run on `day` (not erased, not left).
pub async fn deliveries_running(conn: &mut Conn, day: NaiveDate) -> Result<Vec<DeliveryRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {} FROM delivery_households d JOIN households h ON h.id = d.household_id
         WHERE (d.until IS NULL OR d.until >= $1) AND h.erased_at IS NULL AND h.status = 'active'
         ORDER BY d.postcode, d.household_id",
            DELIVERY_COLUMNS
                .split(", ")
                .map(|c| format!("d.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        )))
        .bind(day)
        .fetch_all(conn)
        .await
    )?)
}

// --- rounds ----------------------------------------------------------------------------

pub async fn round_on(conn: &mut Conn, day: NaiveDate) -> Result<Option<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT id FROM delivery_rounds WHERE on_date = $1")
            .bind(day)
            .fetch_optional(conn)
            .await
    )?)
}

pub async fn insert_round(
    conn: &mut Conn,
    day: NaiveDate,
    at: DateTime<Utc>,
    by: &str,
) -> Result<i64> {
    Ok(on_engine!(conn, sqlx::query_scalar(
        "INSERT INTO delivery_rounds (on_date, planned_at, planned_by) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(day)
    .bind(at)
    .bind(by)
    .fetch_one(conn)
    .await)?)
}

/// One stop of a round, with what the run sheet, labels and packing need.
#[derive(Debug, Clone, FromRow)]
pub struct StopRow {
    pub id: i64,
    pub round_id: i64,
    pub on_date: NaiveDate,
    pub household_id: i64,
    pub membership_number: String,
    pub lead_name: String,
    pub adults: i64,
    pub children: i64,
    pub dietary: String,
    pub allergies: String,
    pub dietary_notes: String,
    pub position: i64,
    pub parcels: i64,
    pub items: i64,
    #[sqlx(try_from = "crate::db::Maybe<crate::db::Stamp>")]
    pub packed_at: Option<String>,
    pub outcome: Option<DeliveryOutcome>,
    #[sqlx(try_from = "crate::db::Maybe<crate::db::Stamp>")]
    pub outcome_at: Option<String>,
    pub outcome_by: Option<String>,
    pub visit_id: Option<i64>,
    /// Where to deliver: empty when the household no longer receives deliveries.
    pub address_lines: String,
    pub postcode: String,
    pub access_notes: String,
    pub phone: String,
    pub fee_method: FeeMethod,
}

const STOP_SELECT: &str = "SELECT s.id, s.round_id, r.on_date, s.household_id, h.membership_number,
        h.lead_name, h.adults, h.children, h.dietary, h.allergies, h.dietary_notes, s.position,
        s.parcels, s.items, s.packed_at, s.outcome, s.outcome_at, s.outcome_by, s.visit_id,
        COALESCE(d.address_lines, '') AS address_lines, COALESCE(d.postcode, h.postcode) AS postcode,
        COALESCE(d.access_notes, '') AS access_notes,
        COALESCE(NULLIF(d.phone, ''), h.phone) AS phone, COALESCE(d.fee_method, 'waived') AS fee_method
     FROM home_deliveries s JOIN delivery_rounds r ON r.id = s.round_id
     JOIN households h ON h.id = s.household_id
     LEFT JOIN delivery_households d ON d.household_id = s.household_id";

pub async fn stops(conn: &mut Conn, round_id: i64) -> Result<Vec<StopRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!(
            "{STOP_SELECT} WHERE s.round_id = $1 ORDER BY s.position, s.id"
        )))
        .bind(round_id)
        .fetch_all(conn)
        .await
    )?)
}

pub async fn stop(conn: &mut Conn, id: i64) -> Result<Option<StopRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!("{STOP_SELECT} WHERE s.id = $1")))
            .bind(id)
            .fetch_optional(conn)
            .await
    )?)
}

/// A household's home deliveries, newest first.
pub async fn household_stops(conn: &mut Conn, household_id: i64) -> Result<Vec<StopRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(AssertSqlSafe(format!(
            "{STOP_SELECT} WHERE s.household_id = $1 ORDER BY r.on_date DESC, s.id DESC"
        )))
        .bind(household_id)
        .fetch_all(conn)
        .await
    )?)
}

pub async fn insert_stop(
    conn: &mut Conn,
    round_id: i64,
    household_id: i64,
    position: i64,
    parcels: i64,
) -> Result<i64> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "INSERT INTO home_deliveries (round_id, household_id, position, parcels)
         VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(round_id)
        .bind(household_id)
        .bind(position)
        .bind(parcels)
        .fetch_one(conn)
        .await
    )?)
}

pub async fn delete_stop(conn: &mut Conn, id: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("DELETE FROM home_deliveries WHERE id = $1")
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

pub async fn set_stop_plan(conn: &mut Conn, id: i64, position: i64, parcels: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE home_deliveries SET position = $1, parcels = $2 WHERE id = $3")
            .bind(position)
            .bind(parcels)
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

pub async fn mark_packed(
    conn: &mut Conn,
    id: i64,
    items: i64,
    at: DateTime<Utc>,
    by: &str,
) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "UPDATE home_deliveries SET items = $1, packed_at = $2, packed_by = $3 WHERE id = $4"
        )
        .bind(items)
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
    outcome: DeliveryOutcome,
    at: DateTime<Utc>,
    by: &str,
    visit_id: Option<i64>,
) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "UPDATE home_deliveries SET outcome = $1, outcome_at = $2, outcome_by = $3, visit_id = $4 WHERE id = $5",
    )
    .bind(outcome)
    .bind(at)
    .bind(by)
    .bind(visit_id)
    .bind(id)
    .execute(conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(())
}

/// The date of another round the household is on and not settled: packed with no outcome
/// yet, or planned for `today` or later (an unpacked stop of a past round no longer counts).
pub async fn open_stop_elsewhere(
    conn: &mut Conn,
    household_id: i64,
    round_id: i64,
    today: NaiveDate,
) -> Result<Option<NaiveDate>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT r.on_date FROM home_deliveries s JOIN delivery_rounds r ON r.id = s.round_id
         WHERE s.household_id = $1 AND s.round_id <> $2 AND s.outcome IS NULL
           AND (s.packed_at IS NOT NULL OR r.on_date >= $3) LIMIT 1",
        )
        .bind(household_id)
        .bind(round_id)
        .bind(today)
        .fetch_optional(conn)
        .await
    )?)
}

/// Takes a household off every round it is on but not packed for yet.
pub async fn delete_unpacked_stops(conn: &mut Conn, household_id: i64) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("DELETE FROM home_deliveries WHERE household_id = $1 AND packed_at IS NULL")
            .bind(household_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

// --- the standard parcel -----------------------------------------------------------------

#[derive(Debug, Clone, FromRow)]
pub struct ParcelLineRow {
    pub item_id: i64,
    pub name: String,
    pub per_household: i64,
    pub per_person: i64,
    pub allergens: String,
    pub suits: String,
}

pub async fn parcel_lines(conn: &mut Conn) -> Result<Vec<ParcelLineRow>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT p.item_id, i.name, p.per_household, p.per_person, i.allergens, i.suits
         FROM parcel_lines p JOIN items i ON i.id = p.item_id ORDER BY i.category, lower(i.name), i.id",
        )
        .fetch_all(conn)
        .await
    )?)
}

pub async fn replace_parcel_lines(conn: &mut Conn, lines: &[(i64, i64, i64)]) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("DELETE FROM parcel_lines")
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    for (item_id, per_household, per_person) in lines {
        on_engine!(
            conn,
            sqlx::query(
                "INSERT INTO parcel_lines (item_id, per_household, per_person) VALUES ($1, $2, $3)",
            )
            .bind(item_id)
            .bind(per_household)
            .bind(per_person)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
        )?;
    }
    Ok(())
}

pub async fn item_exists(conn: &mut Conn, item_id: i64) -> Result<bool> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM items WHERE id = $1)")
            .bind(item_id)
            .fetch_one(conn)
            .await
    )?)
}

pub async fn set_item_food_facts(
    conn: &mut Conn,
    item_id: i64,
    allergens: &str,
    suits: &str,
) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE items SET allergens = $1, suits = $2 WHERE id = $3")
            .bind(allergens)
            .bind(suits)
            .bind(item_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// What a home delivery took from stock and has not returned: (item, batch, quantity, value).
pub async fn packed_batches(
    conn: &mut Conn,
    home_delivery_id: i64,
) -> Result<Vec<(i64, i64, i64, Option<i64>)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT item_id, batch_id, CAST(SUM(quantity) AS BIGINT), CAST(SUM(value_pence) AS BIGINT) FROM stock_movements
         WHERE home_delivery_id = $1 GROUP BY item_id, batch_id HAVING CAST(SUM(quantity) AS BIGINT) <> 0",
        )
        .bind(home_delivery_id)
        .fetch_all(conn)
        .await
    )?)
}

/// What packing took from stock for a home delivery, item by item: (item, name, quantity,
/// the earliest use-by among its batches).
pub async fn packed_lines(
    conn: &mut Conn,
    home_delivery_id: i64,
) -> Result<Vec<(i64, String, i64, Option<NaiveDate>)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT m.item_id, i.name, -CAST(SUM(m.quantity) AS BIGINT), MIN(b.use_by)
         FROM stock_movements m JOIN items i ON i.id = m.item_id JOIN batches b ON b.id = m.batch_id
         WHERE m.home_delivery_id = $1 AND m.kind = 'packing'
         GROUP BY m.item_id ORDER BY i.category, lower(i.name), i.id",
        )
        .bind(home_delivery_id)
        .fetch_all(conn)
        .await
    )?)
}

// --- merging ---------------------------------------------------------------------------------

/// Moves what outreach holds of household `remove` onto `keep` (a merge of duplicates): its
/// calls and parcels, the needs `keep` has not recorded, its delivery details when `keep` has
/// none. A stop on a round `keep` is on too is dropped when not packed; when packed, the merge
/// is refused (returns the round's date) until its outcome is recorded.
pub async fn merge(conn: &mut Conn, keep: i64, remove: i64) -> Result<Option<NaiveDate>> {
    for statement in [
        "UPDATE contact_attempts SET household_id = $1 WHERE household_id = $2",
        "INSERT INTO support_needs (household_id, need, until, reason, consent_at, recorded_by, recorded_at)
         SELECT $1, need, until, reason, consent_at, recorded_by, recorded_at FROM support_needs WHERE household_id = $2
         ON CONFLICT DO NOTHING",
        "DELETE FROM support_needs WHERE household_id = $2",
        "UPDATE delivery_households SET household_id = $1 WHERE household_id = $2
           AND NOT EXISTS (SELECT 1 FROM delivery_households WHERE household_id = $1)",
        "DELETE FROM delivery_households WHERE household_id = $2",
        "UPDATE home_deliveries SET household_id = $1 WHERE household_id = $2
           AND round_id NOT IN (SELECT round_id FROM home_deliveries WHERE household_id = $1)",
        "DELETE FROM home_deliveries WHERE household_id = $2 AND packed_at IS NULL",
    ] {
        on_engine!(conn, sqlx::query(statement)
            .bind(keep)
            .bind(remove)
            .execute(conn)
            .await.map(|done| done.rows_affected()))?;
    }
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT r.on_date FROM home_deliveries s JOIN delivery_rounds r ON r.id = s.round_id
         WHERE s.household_id = $1 LIMIT 1",
        )
        .bind(remove)
        .fetch_optional(conn)
        .await
    )?)
}

// --- erasure -------------------------------------------------------------------------------

/// Removes every personal value outreach holds about a household: its support needs and
/// delivery address are deleted, its calls' notes blanked (the calls stay as counts), and a
/// stop not packed yet is taken off its round (a packed one stays, to be settled).
pub async fn erase(conn: &mut Conn, household_id: i64) -> Result<()> {
    for statement in [
        "DELETE FROM support_needs WHERE household_id = $1",
        "DELETE FROM delivery_households WHERE household_id = $1",
        "UPDATE contact_attempts SET note = '' WHERE household_id = $1",
    ] {
        on_engine!(
            conn,
            sqlx::query(statement)
                .bind(household_id)
                .execute(conn)
                .await
                .map(|done| done.rows_affected())
        )?;
    }
    delete_unpacked_stops(conn, household_id).await
}
