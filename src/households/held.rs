//! What is held about one household in its own tables, for the whole-household operations
//! above (`members`): everything for its subject access, its part of an erasure, and who the
//! retention rule would anonymise.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::FromRow;
use ts_rs::TS;

use super::{store, HistoryEntry, Household, HouseholdSummary};
use crate::db::Conn;
use crate::error::{Error, Result};

/// Joining or renewing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct MembershipEvent {
    pub kind: String,
    #[sqlx(try_from = "crate::db::Day")]
    pub local_date: String,
}

/// A visit with everything stored about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct VisitDetail {
    pub id: i64,
    #[sqlx(try_from = "crate::db::Stamp")]
    pub at: String,
    #[sqlx(try_from = "crate::db::Day")]
    pub local_date: String,
    pub items: i64,
    pub fee_pence: i64,
    pub fee_method: String,
    pub volunteer: String,
    pub note: String,
    pub card_number: Option<String>,
    pub override_reason: Option<String>,
    #[sqlx(try_from = "crate::db::Maybe<crate::db::Stamp>")]
    pub voided_at: Option<String>,
    pub voided_by: Option<String>,
    pub void_reason: Option<String>,
    /// The household as it was then, as the landlord reports count it.
    pub snap_adults: i64,
    pub snap_children: i64,
    pub snap_landlord_tenant: bool,
    pub snap_language: String,
}

/// An item given out at a visit (a negative quantity: returned when the visit was undone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[serde(rename_all = "camelCase")]
pub struct VisitItem {
    pub visit_id: i64,
    pub item: String,
    pub quantity: i64,
    pub kind: String,
}

/// Everything the household's own tables hold about it (erased or not).
#[derive(Debug, Clone)]
pub(crate) struct Held {
    pub household: Household,
    pub history: Vec<HistoryEntry>,
    pub membership_events: Vec<MembershipEvent>,
    pub visits: Vec<VisitDetail>,
    pub visit_items: Vec<VisitItem>,
}

pub(crate) async fn held(conn: &mut Conn, id: i64) -> Result<Held> {
    let household = store::load(conn, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Household {id}")))?;
    Ok(Held {
        household,
        history: store::history(conn, id).await?,
        membership_events: store::membership_events(conn, id).await?,
        visits: store::visit_details(conn, id).await?,
        visit_items: store::visit_items(conn, id).await?,
    })
}

/// Removes every personal value the household's own tables hold, remembers the erasure by
/// id, and writes `action` in its (now blank) history. Inside the caller's transaction;
/// safe to run again.
pub(crate) async fn erase_own(
    conn: &mut Conn,
    id: i64,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    reason: Option<&str>,
) -> Result<()> {
    store::anonymise(conn, id, at).await?;
    store::add_erasure(conn, id, at).await?;
    store::add_change(conn, id, at, actor, action, None, None, None, reason).await
}

/// Remembers an erasure of a household this database does not have (made after the backup
/// it was restored from was taken), by its id alone.
pub(crate) async fn remember_erasure(conn: &mut Conn, id: i64, at: DateTime<Utc>) -> Result<()> {
    store::add_erasure(conn, id, at).await
}

/// A household the retention rule would anonymise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RetentionCandidate {
    pub household: HouseholdSummary,
    pub last_visit: Option<String>,
}

/// Households not erased, joined before `cutoff` and with no visit since.
pub(crate) async fn retention_candidates(
    conn: &mut Conn,
    cutoff: NaiveDate,
) -> Result<Vec<RetentionCandidate>> {
    let rows = store::retention_candidates(conn, cutoff).await?;
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let summaries = store::summaries(conn, &ids).await?;
    Ok(summaries
        .into_iter()
        .zip(rows)
        .map(|(household, (_, last_visit))| RetentionCandidate {
            household,
            last_visit: last_visit.map(|d| d.to_string()),
        })
        .collect())
}
