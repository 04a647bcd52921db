//! The whole household, across the domains that keep something of it: registering it with
//! its first card, the household page (with its cards and referrals), merging two records,
//! and data protection (subject access, erasure, retention). It sits above households,
//! cards, referrals and outreach, which know nothing of each other's records; each does its
//! own part inside the one transaction opened here.

pub mod erasure;
pub mod protection;

use serde::Serialize;
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::cards::{self, Card};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::households::form::HouseholdForm;
use crate::households::{self, HistoryEntry, Household, VisitLine};
use crate::output;
use crate::outreach;
use crate::referrals::{self, Referral};
use crate::visits;

/// Registers a household and issues its first card, in one transaction. Refuses without
/// consent, and refuses likely duplicates unless the volunteer gave a reason to go ahead
/// (recorded in its history).
pub async fn register(
    db: &Db,
    form: &HouseholdForm,
    duplicate_reason: Option<&str>,
    actor: &Actor,
) -> Result<Household> {
    actor.require(db, Operation::RegisterHousehold).await?;
    let mut tx = db.begin_write().await?;
    let id = households::register_in(db, &mut tx, form, duplicate_reason, actor).await?;
    cards::issue_first(&mut tx, &[(id, db.now())], false).await?;
    let household = households::load_live(&mut tx, id).await?;
    tx.commit().await?;
    Ok(household)
}

/// Everything the household page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HouseholdPage {
    pub household: Household,
    pub history: Vec<HistoryEntry>,
    pub visits: Vec<VisitLine>,
    /// Every card it has had, newest first.
    pub cards: Vec<Card>,
    /// Its referrals to advice agencies, newest first.
    pub referrals: Vec<Referral>,
    /// The edit form, filled with what is stored.
    pub form: HouseholdForm,
}

/// The household page: details, history, recent visits, cards, referrals and the filled
/// edit form.
pub async fn page(db: &Db, id: i64, _signed_in: &Actor) -> Result<HouseholdPage> {
    let mut conn = db.acquire().await?;
    let own = households::own(&mut conn, id).await?;
    Ok(HouseholdPage {
        household: own.household,
        history: own.history,
        visits: own.visits,
        cards: cards::for_household(&mut conn, id).await?,
        referrals: referrals::for_household(&mut conn, id).await?,
        form: own.form,
    })
}

/// Merges `remove` into `keep`, in one transaction: visits, referrals, cards, files, support
/// needs, calls and deliveries, history and the members not already there move to the one
/// kept; the other record is deleted. Recorded in the kept household's history and the
/// audit trail.
pub async fn merge(db: &Db, keep: i64, remove: i64, actor: &Actor) -> Result<Household> {
    actor.require(db, Operation::MergeHouseholds).await?;
    if keep == remove {
        return Err(Error::invalid(
            "remove",
            "Choose two different households to merge.",
        ));
    }
    let mut tx = db.begin_write().await?;
    let kept = households::load_live(&mut tx, keep).await?;
    let removed = households::load_live(&mut tx, remove).await?;
    if let Some(day) = outreach::merge_households(&mut tx, keep, remove).await? {
        return Err(Error::Conflict(format!(
            "Both households have a parcel packed for the round of {}: record what happened to it first.",
            crate::clock::uk(day)
        )));
    }
    cards::move_all(&mut tx, remove, keep).await?;
    output::move_files(&mut tx, remove, keep).await?;
    visits::move_household(&mut tx, remove, keep).await?;
    referrals::move_household(&mut tx, remove, keep).await?;
    households::merge_into(&mut tx, &kept, &removed, db.now(), actor.name()).await?;
    audit::record(
        &mut tx,
        db.now(),
        actor.name(),
        "household.merged",
        Some(Subject::Household(keep)),
        // Ids only: the removed household's number and name are in the kept one's history.
        &serde_json::json!({ "removed": remove }),
    )
    .await?;
    let after = households::load_live(&mut tx, keep).await?;
    tx.commit().await?;
    Ok(after)
}

/// Merges the household with membership number `remove_number` into `keep`.
pub async fn merge_by_number(
    db: &Db,
    keep: i64,
    remove_number: &str,
    actor: &Actor,
) -> Result<Household> {
    let remove = households::id_for_number(db, remove_number, actor).await?;
    merge(db, keep, remove, actor).await
}
