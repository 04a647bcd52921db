//! SQL for households: the only place that reads or writes `households`,
//! `household_members`, `household_changes`, `membership_events` and `erasures` (reports
//! read the events). It also reads a household's visits (its page, subject access,
//! retention); visits and referrals move or are blanked by their own stores. (Search reads the search indexes in
//! `search_store`; every write of a name here tells `search_store::count_words`.)

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{AssertSqlSafe, FromRow, QueryBuilder};

use super::form::{flags_from_text, Allergen, Dietary};
use super::search_store::{count_words, defer_indexing, index_inserted};
use super::{
    HistoryEntry, Household, HouseholdSummary, Member, MembershipEvent, Status, VisitDetail,
    VisitItem, VisitLine,
};
use crate::db::{sql, Conn, On};
use crate::error::{Error, Result};
use crate::membership;
use crate::on_engine;
use crate::text;

/// A household row to insert (search keys are derived here).
#[derive(Debug, Clone)]
pub struct HouseholdRecord {
    pub id: i64,
    pub membership_number: String,
    pub lead_name: String,
    pub adults: u32,
    pub children: u32,
    /// Display form, e.g. `OL1 3BQ`.
    pub postcode: String,
    pub postcode_district: String,
    pub neighbourhood_id: Option<i64>,
    pub landlord_tenant: bool,
    pub tenancy_ref: String,
    pub phone: String,
    pub email: String,
    pub dietary: String,
    pub allergies: String,
    pub dietary_notes: String,
    pub notes: String,
    pub consent_at: Option<DateTime<Utc>>,
    pub consent_version: Option<String>,
    pub joined_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    /// The preferred language's code.
    pub language: String,
}

/// Rows per multi-row INSERT (keeps under SQLite's bound-variable limit).
const CHUNK: usize = 1_000;

/// Membership serials (= household ids) to give to `count` new households, inside the
/// caller's write transaction (which holds the write lock, so two registrations never get
/// the same one). Serials are never reused: a household merged away leaves its cards
/// (numbered from its serial) with the household kept, so cards count too. Whatever was
/// imported (even the last serial), a free one is found while any is left. `taken` are
/// serials the caller is about to use as well (numbers given in an imported file). `None`
/// when there are not that many left.
pub async fn allocate_serials(
    conn: &mut Conn,
    count: usize,
    taken: &[i64],
) -> Result<Option<Vec<i64>>> {
    if count == 0 {
        return Ok(Some(Vec::new()));
    }
    // On a server, desks registering at once take turns here until their transactions end
    // (a laptop's write transaction already holds the only write lock).
    if let On::Postgres(conn) = conn.on() {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext('pantry.serials'))")
            .execute(conn)
            .await?;
    }
    let after_highest: i64 = on_engine!(
        conn,
        sqlx::query_scalar(sql::<Engine>(
            "SELECT MAX(COALESCE((SELECT MAX(id) FROM households), 0),
                        COALESCE((SELECT MAX(CAST(substr(card_number, 1, 7) AS INTEGER)) FROM cards), 0)) + 1",
            "SELECT GREATEST(COALESCE((SELECT MAX(id) FROM households), 0),
                             COALESCE((SELECT MAX(CAST(substr(card_number, 1, 7) AS BIGINT)) FROM cards
                                        WHERE card_number ~ '^[0-9]{7}'), 0)) + 1",
        ))
        .fetch_one(conn)
        .await
    )?;
    let next = taken.iter().map(|t| t + 1).fold(after_highest, i64::max);
    let used: Vec<i64> = if next + i64::try_from(count).unwrap_or(i64::MAX) - 1
        > i64::from(membership::MAX_SERIAL)
    {
        on_engine!(
            conn,
            sqlx::query_scalar(sql::<Engine>(
                "SELECT id FROM households UNION SELECT CAST(substr(card_number, 1, 7) AS INTEGER) FROM cards",
                "SELECT id FROM households UNION SELECT CAST(substr(card_number, 1, 7) AS BIGINT) FROM cards
                 WHERE card_number ~ '^[0-9]{7}'",
            ))
            .fetch_all(conn)
            .await
        )?
    } else {
        Vec::new()
    };
    Ok(membership::free_serials(next, count, || {
        used.into_iter().chain(taken.iter().copied()).collect()
    }))
}

/// Inserts households, within the caller's transaction, and adds them to the search
/// indexes.
pub async fn insert_many(conn: &mut Conn, rows: &[HouseholdRecord]) -> Result<()> {
    defer_indexing(conn).await?;
    for chunk in rows.chunks(CHUNK) {
        let names: Vec<String> = chunk.iter().map(|h| text::fold(&h.lead_name)).collect();
        on_engine!(conn, {
            let mut q = QueryBuilder::<Engine>::new(
            "INSERT INTO households (id, membership_number, lead_name, search_name, adults, children, \
             postcode, postcode_key, postcode_district, neighbourhood_id, landlord_tenant, tenancy_ref, \
             phone, phone_digits, email, dietary, allergies, dietary_notes, notes, consent_at, \
             consent_version, joined_on, expires_on, status, created_at, updated_at, language, \
             record_key) ",
        );
            q.push_values(chunk.iter().zip(&names), |mut b, (h, name)| {
                b.push_bind(h.id)
                    .push_bind(&h.membership_number)
                    .push_bind(&h.lead_name)
                    .push_bind(name)
                    .push_bind(i64::from(h.adults))
                    .push_bind(i64::from(h.children))
                    .push_bind(&h.postcode)
                    .push_bind(h.postcode.replace(' ', ""))
                    .push_bind(&h.postcode_district)
                    .push_bind(h.neighbourhood_id)
                    .push_bind(h.landlord_tenant)
                    .push_bind(&h.tenancy_ref)
                    .push_bind(&h.phone)
                    .push_bind(text::phone_digits(&h.phone))
                    .push_bind(&h.email)
                    .push_bind(&h.dietary)
                    .push_bind(&h.allergies)
                    .push_bind(&h.dietary_notes)
                    .push_bind(&h.notes)
                    .push_bind(h.consent_at)
                    .push_bind(&h.consent_version)
                    .push_bind(h.joined_on)
                    .push_bind(h.expires_on)
                    .push_bind(h.status.code())
                    .push_bind(h.created_at)
                    .push_bind(h.created_at)
                    .push_bind(&h.language)
                    // The household's record key for the cell key method, drawn as it is inserted
                    // (the trigger that would draw it afterwards rewrites the whole row).
                    .push_bind(i64::from(fastrand::u8(..)));
            });
            q.build()
                .execute(conn)
                .await
                .map(|done| done.rows_affected())
        })?;
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        count_words(conn, &[], &names).await?;
    }
    let ids: Vec<i64> = rows.iter().map(|h| h.id).collect();
    index_inserted(conn, &ids).await
}

/// A household's folded name as stored (empty when there is no such household).
async fn search_name(conn: &mut Conn, id: i64) -> Result<String> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT search_name FROM households WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await
    )?
    .unwrap_or_default())
}

/// Rewrites a household's details (not its number, dates, status or consent).
pub async fn update_details(conn: &mut Conn, h: &HouseholdRecord, at: DateTime<Utc>) -> Result<()> {
    let before = search_name(conn, h.id).await?;
    let after = text::fold(&h.lead_name);
    on_engine!(conn, sqlx::query(
        "UPDATE households SET lead_name = $1, search_name = $2, adults = $3, children = $4, postcode = $5,
             postcode_key = $6, postcode_district = $7, neighbourhood_id = $8, landlord_tenant = $9,
             tenancy_ref = $10, phone = $11, phone_digits = $12, email = $13, dietary = $14, allergies = $15,
             dietary_notes = $16, notes = $17, updated_at = $18, language = $19
         WHERE id = $20",
    )
    .bind(&h.lead_name)
    .bind(&after)
    .bind(i64::from(h.adults))
    .bind(i64::from(h.children))
    .bind(&h.postcode)
    .bind(h.postcode.replace(' ', ""))
    .bind(&h.postcode_district)
    .bind(h.neighbourhood_id)
    .bind(h.landlord_tenant)
    .bind(&h.tenancy_ref)
    .bind(&h.phone)
    .bind(text::phone_digits(&h.phone))
    .bind(&h.email)
    .bind(&h.dietary)
    .bind(&h.allergies)
    .bind(&h.dietary_notes)
    .bind(&h.notes)
    .bind(at)
    .bind(&h.language)
    .bind(h.id)
    .execute(conn)
    .await
    .map(|done| done.rows_affected()))?;
    count_words(conn, &[&before], &[&after]).await
}

pub async fn replace_members(
    conn: &mut Conn,
    id: i64,
    members: &[(String, Option<u16>)],
) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("DELETE FROM household_members WHERE household_id = $1")
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    for (first_name, birth_year) in members {
        on_engine!(conn, sqlx::query(
            "INSERT INTO household_members (household_id, first_name, birth_year) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(first_name)
        .bind(birth_year.map(i64::from))
        .execute(conn)
        .await
        .map(|done| done.rows_affected()))?;
    }
    Ok(())
}

pub async fn set_expiry(
    conn: &mut Conn,
    id: i64,
    expires_on: NaiveDate,
    at: DateTime<Utc>,
) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE households SET expires_on = $1, updated_at = $2 WHERE id = $3")
            .bind(expires_on)
            .bind(at)
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

pub async fn set_status(conn: &mut Conn, id: i64, status: Status, at: DateTime<Utc>) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query("UPDATE households SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.code())
            .bind(at)
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    Ok(())
}

pub async fn set_consent(conn: &mut Conn, id: i64, at: DateTime<Utc>, version: &str) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "UPDATE households SET consent_at = $1, consent_version = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(at)
    .bind(version)
    .bind(at)
    .bind(id)
    .execute(conn)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn add_change(
    conn: &mut Conn,
    household_id: i64,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    field: Option<&str>,
    before: Option<&str>,
    after: Option<&str>,
    reason: Option<&str>,
) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "INSERT INTO household_changes (household_id, at, actor, action, field, before, after, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(household_id)
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(field)
    .bind(before)
    .bind(after)
    .bind(reason)
    .execute(conn)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(())
}

/// A renewal, for the reports' membership counts: on the pantry's date `on`, with the
/// household's neighbourhood and tenancy then.
pub async fn add_renewal_event(
    conn: &mut Conn,
    household_id: i64,
    on: NaiveDate,
    neighbourhood_id: Option<i64>,
    landlord_tenant: bool,
) -> Result<()> {
    on_engine!(conn, sqlx::query(
        "INSERT INTO membership_events (household_id, kind, local_date, neighbourhood_id, landlord_tenant)
         VALUES ($1, 'renewed', $2, $3, $4)",
    )
    .bind(household_id)
    .bind(on)
    .bind(neighbourhood_id)
    .bind(landlord_tenant)
    .execute(conn)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(())
}

#[derive(FromRow)]
struct HouseholdRow {
    id: i64,
    membership_number: String,
    lead_name: String,
    adults: i64,
    children: i64,
    postcode: String,
    postcode_district: String,
    neighbourhood_id: Option<i64>,
    neighbourhood: Option<String>,
    landlord_tenant: bool,
    tenancy_ref: String,
    phone: String,
    email: String,
    dietary: String,
    allergies: String,
    dietary_notes: String,
    notes: String,
    consent_at: Option<DateTime<Utc>>,
    consent_version: Option<String>,
    joined_on: NaiveDate,
    expires_on: NaiveDate,
    status: String,
    erased_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    language: String,
}

pub async fn load(conn: &mut Conn, id: i64) -> Result<Option<Household>> {
    let Some(row) = on_engine!(
        conn,
        sqlx::query_as::<_, HouseholdRow>(
            "SELECT h.id, h.membership_number, h.lead_name, h.adults, h.children, h.postcode,
                h.postcode_district, h.neighbourhood_id, n.name AS neighbourhood, h.landlord_tenant,
                h.tenancy_ref, h.phone, h.email, h.dietary, h.allergies, h.dietary_notes, h.notes,
                h.consent_at, h.consent_version, h.joined_on, h.expires_on, h.status, h.erased_at,
                h.created_at, h.updated_at, h.language
         FROM households h LEFT JOIN neighbourhoods n ON n.id = h.neighbourhood_id
         WHERE h.id = $1",
        )
        .bind(id)
        .fetch_optional(conn)
        .await
    )?
    else {
        return Ok(None);
    };
    let members = on_engine!(conn, sqlx::query_as::<_, Member>(
        "SELECT id, first_name, birth_year FROM household_members WHERE household_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(conn)
    .await)?;
    let small = |n: i64| u32::try_from(n).unwrap_or_default();
    Ok(Some(Household {
        id: row.id,
        membership_number: row.membership_number,
        lead_name: row.lead_name,
        adults: small(row.adults),
        children: small(row.children),
        postcode: row.postcode,
        postcode_district: row.postcode_district,
        neighbourhood_id: row.neighbourhood_id,
        neighbourhood: row.neighbourhood,
        landlord_tenant: row.landlord_tenant,
        tenancy_ref: row.tenancy_ref,
        phone: row.phone,
        email: row.email,
        dietary: flags_from_text(&row.dietary, Dietary::find),
        allergies: flags_from_text(&row.allergies, Allergen::find),
        dietary_notes: row.dietary_notes,
        notes: row.notes,
        members,
        consent_at: row.consent_at.map(|at| at.to_rfc3339()),
        consent_version: row.consent_version,
        joined_on: row.joined_on.to_string(),
        expires_on: row.expires_on.to_string(),
        status: Status::from_code(&row.status)?,
        erased: row.erased_at.is_some(),
        created_at: row.created_at.to_rfc3339(),
        updated_at: row.updated_at.to_rfc3339(),
        language: row.language,
    }))
}

pub async fn history(conn: &mut Conn, id: i64) -> Result<Vec<HistoryEntry>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as::<_, HistoryEntry>(
            "SELECT at, actor, action, field, before, after, reason
         FROM household_changes WHERE household_id = $1 ORDER BY id DESC",
        )
        .bind(id)
        .fetch_all(conn)
        .await
    )?)
}

pub async fn recent_visits(conn: &mut Conn, id: i64, limit: i64) -> Result<Vec<VisitLine>> {
    Ok(on_engine!(conn, sqlx::query_as::<_, VisitLine>(
        "SELECT id, at, local_date, items, fee_pence, fee_method, volunteer, voided_at IS NOT NULL AS voided
         FROM visits WHERE household_id = $1 ORDER BY at DESC LIMIT $2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(conn)
    .await)?)
}

const SUMMARY_COLUMNS: &str = "h.id, h.membership_number, h.lead_name, h.postcode, n.name AS neighbourhood, \
     h.status, h.expires_on, h.allergies != '' AS has_allergies, h.consent_at IS NOT NULL AS has_consent";

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    membership_number: String,
    lead_name: String,
    postcode: String,
    neighbourhood: Option<String>,
    status: String,
    expires_on: NaiveDate,
    has_allergies: bool,
    has_consent: bool,
}

impl TryFrom<SummaryRow> for HouseholdSummary {
    type Error = Error;
    fn try_from(r: SummaryRow) -> Result<Self> {
        Ok(HouseholdSummary {
            id: r.id,
            membership_number: r.membership_number,
            lead_name: r.lead_name,
            postcode: r.postcode,
            neighbourhood: r.neighbourhood,
            status: Status::from_code(&r.status)?,
            expires_on: r.expires_on.to_string(),
            has_allergies: r.has_allergies,
            has_consent: r.has_consent,
        })
    }
}

/// Summaries for the given ids, in the order given.
pub async fn summaries(conn: &mut Conn, ids: &[i64]) -> Result<Vec<HouseholdSummary>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<SummaryRow> = on_engine!(conn, {
        let mut q = QueryBuilder::<Engine>::new(format!(
            "SELECT {SUMMARY_COLUMNS} FROM households h LEFT JOIN neighbourhoods n ON n.id = h.neighbourhood_id WHERE h.id IN ("
        ));
        let mut sep = q.separated(", ");
        for id in ids {
            sep.push_bind(id);
        }
        q.push(")");
        q.build_query_as().fetch_all(conn).await
    })?;
    let mut out = rows
        .into_iter()
        .map(HouseholdSummary::try_from)
        .collect::<Result<Vec<_>>>()?;
    out.sort_by_key(|s| ids.iter().position(|id| *id == s.id));
    Ok(out)
}

/// Moves visits, referrals, membership events, the members `moving` and history from
/// `remove` to `keep`, then deletes `remove` (with its other members). (Past reports keep
/// their figures: events move, not vanish.)
pub async fn merge_into(conn: &mut Conn, keep: i64, remove: i64, moving: &[i64]) -> Result<()> {
    for table in ["membership_events", "household_changes"] {
        on_engine!(
            conn,
            sqlx::query(AssertSqlSafe(format!(
                "UPDATE {table} SET household_id = $1 WHERE household_id = $2"
            )))
            .bind(keep)
            .bind(remove)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
        )?;
    }
    for member in moving {
        on_engine!(
            conn,
            sqlx::query(
                "UPDATE household_members SET household_id = $1 WHERE id = $2 AND household_id = $3",
            )
            .bind(keep)
            .bind(member)
            .bind(remove)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
        )?;
    }
    on_engine!(
        conn,
        sqlx::query("DELETE FROM household_members WHERE household_id = $1")
            .bind(remove)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    let name = search_name(conn, remove).await?;
    on_engine!(
        conn,
        sqlx::query("DELETE FROM households WHERE id = $1")
            .bind(remove)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    )?;
    count_words(conn, &[&name], &[]).await
}

#[derive(Debug)]
pub struct ListFilter<'a> {
    /// Search matches, best first; `None` lists everyone by name.
    pub ids: Option<&'a [i64]>,
    pub status: Option<Status>,
    pub neighbourhood_id: Option<i64>,
    pub expiring_between: Option<(NaiveDate, NaiveDate)>,
    pub offset: i64,
    pub limit: i64,
}

fn push_filters<DB>(q: &mut QueryBuilder<DB>, f: &ListFilter<'_>)
where
    DB: sqlx::Database,
    for<'t> &'t str: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> NaiveDate: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    if let Some(status) = f.status {
        q.push(" AND status = ").push_bind(status.code());
    }
    if let Some(n) = f.neighbourhood_id {
        q.push(" AND neighbourhood_id = ").push_bind(n);
    }
    if let Some((from, to)) = f.expiring_between {
        q.push(" AND expires_on >= ").push_bind(from);
        q.push(" AND expires_on <= ").push_bind(to);
    }
}

/// The total matching the filter and the ids of one page.
pub async fn list_ids(conn: &mut Conn, f: &ListFilter<'_>) -> Result<(u32, Vec<i64>)> {
    if let Some(order) = f.ids {
        if order.is_empty() {
            return Ok((0, Vec::new()));
        }
        let mut found: Vec<i64> = on_engine!(conn, {
            let mut q = QueryBuilder::<Engine>::new(
                "SELECT id FROM households WHERE erased_at IS NULL AND id IN (",
            );
            let mut sep = q.separated(", ");
            for id in order {
                sep.push_bind(id);
            }
            q.push(")");
            push_filters(&mut q, f);
            q.build_query_scalar().fetch_all(conn).await
        })?;
        found.sort_by_key(|id| order.iter().position(|o| o == id));
        let total = u32::try_from(found.len()).unwrap_or(u32::MAX);
        let start = usize::try_from(f.offset)
            .unwrap_or(usize::MAX)
            .min(found.len());
        let end = start
            .saturating_add(usize::try_from(f.limit).unwrap_or(0))
            .min(found.len());
        return Ok((total, found[start..end].to_vec()));
    }
    let total: i64 = on_engine!(conn, {
        let mut count =
            QueryBuilder::<Engine>::new("SELECT COUNT(*) FROM households WHERE erased_at IS NULL");
        push_filters(&mut count, f);
        count.build_query_scalar().fetch_one(conn).await
    })?;
    let ids: Vec<i64> = on_engine!(conn, {
        let mut q =
            QueryBuilder::<Engine>::new("SELECT id FROM households WHERE erased_at IS NULL");
        push_filters(&mut q, f);
        q.push(" ORDER BY search_name, id LIMIT ")
            .push_bind(f.limit);
        q.push(" OFFSET ").push_bind(f.offset);
        q.build_query_scalar().fetch_all(conn).await
    })?;
    Ok((u32::try_from(total).unwrap_or(u32::MAX), ids))
}

/// Removes every personal value of a household, keeping what anonymous reports count (size,
/// district, neighbourhood, tenant or not, the visits' frozen snapshots) and that its history
/// happened. Safe to run again on a household already erased. (`erasure` lists the columns.)
pub async fn anonymise(conn: &mut Conn, id: i64, at: DateTime<Utc>) -> Result<()> {
    let name = search_name(conn, id).await?;
    count_words(conn, &[&name], &[]).await?;
    on_engine!(conn, sqlx::query(
        "UPDATE households SET membership_number = 'erased-' || id, lead_name = 'Erased household',
             search_name = '', postcode = '', postcode_key = '', tenancy_ref = '', phone = '',
             phone_digits = '', email = '', dietary = '', allergies = '', dietary_notes = '',
             notes = '', consent_version = NULL, status = 'left', language = 'en',
             erased_at = COALESCE(erased_at, $1), updated_at = $1
         WHERE id = $2",
    )
    .bind(at)
    .bind(id)
    .execute(conn)
    .await
    .map(|done| done.rows_affected()))?;
    for statement in [
        "DELETE FROM household_members WHERE household_id = $1",
        "UPDATE household_changes SET before = NULL, after = NULL, reason = NULL WHERE household_id = $1",
    ] {
        on_engine!(conn, sqlx::query(statement).bind(id).execute(conn).await.map(|done| done.rows_affected()))?;
    }
    Ok(())
}

/// Remembers an erasure by the household's id alone (again: no change).
pub async fn add_erasure(conn: &mut Conn, id: i64, at: DateTime<Utc>) -> Result<()> {
    on_engine!(
        conn,
        sqlx::query(
            "INSERT INTO erasures (household_id, at) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        )
        .bind(id)
        .bind(at)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    )?;
    Ok(())
}

/// Every visit of a household with everything stored about it, newest first.
pub async fn visit_details(conn: &mut Conn, id: i64) -> Result<Vec<VisitDetail>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT id, at, local_date, items, fee_pence, fee_method, volunteer, note, card_number,
                override_reason, voided_at, voided_by, void_reason, snap_adults, snap_children,
                snap_landlord_tenant, snap_language
         FROM visits WHERE household_id = $1 ORDER BY at DESC, id DESC",
        )
        .bind(id)
        .fetch_all(conn)
        .await
    )?)
}

/// What the household took at each visit (stock given out, and returned when a visit was undone).
pub async fn visit_items(conn: &mut Conn, id: i64) -> Result<Vec<VisitItem>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT m.visit_id, i.name AS item, -m.quantity AS quantity, m.kind
         FROM stock_movements m JOIN items i ON i.id = m.item_id
         WHERE m.visit_id IN (SELECT id FROM visits WHERE household_id = $1) ORDER BY m.id",
        )
        .bind(id)
        .fetch_all(conn)
        .await
    )?)
}

/// Joining and renewals of a household.
pub async fn membership_events(conn: &mut Conn, id: i64) -> Result<Vec<MembershipEvent>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT kind, local_date FROM membership_events WHERE household_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(conn)
        .await
    )?)
}

/// Households not erased, joined before `cutoff` and with no visit since: (id, last visit).
pub async fn retention_candidates(
    conn: &mut Conn,
    cutoff: NaiveDate,
) -> Result<Vec<(i64, Option<NaiveDate>)>> {
    Ok(on_engine!(conn, sqlx::query_as(
        "SELECT h.id, (SELECT MAX(v.local_date) FROM visits v WHERE v.household_id = h.id) AS last_visit
         FROM households h
         WHERE h.erased_at IS NULL AND h.joined_on < $1
           AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.household_id = h.id AND v.local_date >= $1)
         ORDER BY h.id",
    )
    .bind(cutoff)
    .fetch_all(conn)
    .await)?)
}

/// What identifies households already registered: folded name with postcode, and numbers.
#[derive(Debug, Default)]
pub struct ExistingKeys {
    pub names: std::collections::HashSet<(String, String)>,
    pub numbers: std::collections::HashSet<String>,
}

pub async fn existing_keys(conn: &mut Conn) -> Result<ExistingKeys> {
    let rows: Vec<(String, String, String, bool)> = on_engine!(conn, sqlx::query_as(
        "SELECT search_name, postcode_key, membership_number, erased_at IS NOT NULL FROM households",
    )
    .fetch_all(conn)
    .await)?;
    let mut keys = ExistingKeys::default();
    for (name, postcode, number, erased) in rows {
        if !erased {
            keys.names.insert((name, postcode));
        }
        keys.numbers.insert(number);
    }
    Ok(keys)
}

pub async fn id_for_number(conn: &mut Conn, number: &str) -> Result<Option<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT id FROM households WHERE membership_number = $1")
            .bind(number)
            .fetch_optional(conn)
            .await
    )?)
}

/// Households not erased at this postcode: (id, folded name).
pub async fn at_postcode(conn: &mut Conn, postcode_key: &str) -> Result<Vec<(i64, String)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT id, search_name FROM households WHERE postcode_key = $1 AND erased_at IS NULL",
        )
        .bind(postcode_key)
        .fetch_all(conn)
        .await
    )?)
}

/// Households not erased with this phone number (digits only).
pub async fn with_phone(conn: &mut Conn, phone_digits: &str) -> Result<Vec<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar(
            "SELECT id FROM households WHERE phone_digits = $1 AND erased_at IS NULL",
        )
        .bind(phone_digits)
        .fetch_all(conn)
        .await
    )?)
}

/// Households not erased with this email address.
pub async fn with_email(conn: &mut Conn, email: &str) -> Result<Vec<i64>> {
    Ok(on_engine!(
        conn,
        sqlx::query_scalar("SELECT id FROM households WHERE email = $1 AND erased_at IS NULL")
            .bind(email)
            .fetch_all(conn)
            .await
    )?)
}

/// Members born in `year` of households not erased: (household id, first name).
pub async fn members_born_in(conn: &mut Conn, year: u16) -> Result<Vec<(i64, String)>> {
    Ok(on_engine!(
        conn,
        sqlx::query_as(
            "SELECT m.household_id, m.first_name FROM household_members m
         JOIN households h ON h.id = m.household_id
         WHERE m.birth_year = $1 AND h.erased_at IS NULL",
        )
        .bind(i64::from(year))
        .fetch_all(conn)
        .await
    )?)
}

/// Holds the household's row until the transaction ends, so that desks writing about one
/// household at once (a check-in, an undo, an erasure) take turns: on PostgreSQL a row lock,
/// taken before anything is read; SQLite's write transaction already holds the whole file.
pub(crate) async fn lock(conn: &mut Conn, household_id: i64) -> Result<()> {
    if let On::Postgres(conn) = conn.on() {
        sqlx::query("SELECT id FROM households WHERE id = $1 FOR UPDATE")
            .bind(household_id)
            .fetch_optional(conn)
            .await?;
    }
    Ok(())
}
