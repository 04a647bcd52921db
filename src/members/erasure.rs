//! Erasure that leaves nothing: the one operation the app, retention, `pantry erase` and a
//! restore (re-applying later erasures) all use.
//!
//! Every column of every table that can hold a household's personal data, and what erasure
//! does with it (checked against each migration; a new column must be added here and to
//! `erase_in` and the domain step it calls):
//! - `households`: `membership_number` (becomes `erased-<id>`), `lead_name` (becomes
//!   "Erased household"), `search_name`, `postcode`, `postcode_key`, `tenancy_ref`, `phone`,
//!   `phone_digits`, `email`, `dietary`, `allergies`, `dietary_notes`, `notes` (blanked),
//!   `consent_version` (cleared). Kept for anonymous reports: size, `postcode_district`,
//!   neighbourhood, tenant or not, dates, status (left).
//! - `household_members`: every row deleted (first names, birth years).
//! - `household_changes`: `before`, `after` and `reason` cleared (the rows stay: that a
//!   change happened, when and by whom).
//! - `visits`: `note`, `card_number`, `override_reason` and `void_reason` blanked. The frozen
//!   snapshots (`snap_*`) the landlord reports count stay.
//! - `referrals`: `reason_detail` and `outcome_note` blanked (agency, reason code, dates and
//!   outcome code stay, for the referral figures).
//! - `cards`: `card_number` (becomes `erased-<card id>`) and `revoke_reason` blanked.
//! - `support_needs`, `delivery_households`: the household's rows deleted (needs, reasons,
//!   the delivery address, access notes and phone); `contact_attempts`: `note` blanked (the
//!   calls stay: when, who, the outcome code); `home_deliveries`: no personal value (dates,
//!   counts, outcome codes), kept for the delivery figures; a stop not packed yet is deleted.
//! - `household_files`: each file listed is deleted from the disk (a sheet of several
//!   households' cards is deleted whole), then its rows.
//! - The search indexes `households_fts` and `households_words` (and their shadow tables
//!   `*_data`, `*_idx`, `*_docsize`, `*_config`) follow `households` through their triggers;
//!   with FTS5's `secure-delete` option on (migration `search_secure_delete`), a deleted or
//!   changed row's terms are removed from the index's segments at once, not left there
//!   behind a delete marker until the segments are merged.
//! - `search_words` (the words of the names, with how many households have each): the
//!   household's words lose it, and a word no household has any more is deleted.
//! - `membership_events`, `stock_movements`: no personal value (dates, codes, counts).
//! - `audit_log`: never changed (append-only); its entries carry ids and codes only, never a
//!   personal value, so there is nothing of the household in it to remove.
//! - Volunteers' names (`visits.volunteer`, `referrals.made_by`, …) are the volunteers' own,
//!   not the household's, and stay.
//!
//! SQLite's `secure_delete` is on for every connection, so freed space is zeroed; after an
//! erasure the WAL is checkpointed and truncated. On a server (PostgreSQL) the tables that
//! can hold personal values are rewritten after the erasure commits, their indexes (the
//! search's among them) with them, so no old version of a row stays in the tables' files
//! (`pantry_rewrite_erased`, migration `erasure_rewrite`). Erasures are remembered by id alone in
//! `erasures`, carried across a restore and applied again to the restored database.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::cards;
use crate::db::Conn;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::households::{self, Household};
use crate::output;
use crate::outreach;
use crate::referrals;
use crate::visits;

/// Why a household is erased (recorded in the audit trail as a code, never as free text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The member asked (the app, `pantry erase`).
    Request,
    /// No visit for the retention period.
    Retention,
    /// Erased after the backup a restore put back was taken: applied again.
    Restore,
}

impl Why {
    fn code(self) -> &'static str {
        match self {
            Why::Request => "request",
            Why::Retention => "retention",
            Why::Restore => "restore",
        }
    }
}

/// What an erasure did, for the volunteer who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Erasure {
    #[ts(type = "number")]
    pub household_id: i64,
    pub at: String,
    /// Files deleted: its subject-access exports, printed cards and referral slips.
    pub files_deleted: Vec<String>,
    /// Of those, sheets that carried other households' cards too (deleted whole: print
    /// those cards again if they are needed).
    pub shared_files_deleted: Vec<String>,
    /// Files changed since Pantry wrote them, or that could not be deleted: check them by hand.
    pub files_left: Vec<String>,
    /// What it did, in words, for the volunteer who asked.
    pub said: String,
}

/// What an erasure did, in words: the files deleted, sheets of other households' cards
/// among them, and files left to check by hand.
fn in_words(files: &output::FilesDeleted) -> String {
    let mut parts = vec!["Personal details erased.".to_owned()];
    let n = files.deleted.len();
    if n > 0 {
        parts.push(format!(
            "{n} file{} about this household deleted (cards, slips, exports).",
            if n == 1 { "" } else { "s" }
        ));
    }
    let shared = files.shared.len();
    if shared > 0 {
        parts.push(format!(
            "{shared} of them {} with other households' cards too, deleted whole: print those cards again if they are needed.",
            if shared == 1 { "was a sheet" } else { "were sheets" }
        ));
    }
    if !files.left.is_empty() {
        parts.push(format!(
            "Check by hand (changed since Pantry wrote them): {}.",
            files.left.join(", ")
        ));
    }
    parts.join(" ")
}

/// Erases one household on request: every personal value linked to it, everywhere. `reason`
/// is kept in its (otherwise blank) history; write no personal details in it.
pub async fn erase(db: &Db, id: i64, reason: &str, actor: &Actor) -> Result<Erasure> {
    actor.require(db, Operation::EraseHousehold).await?;
    crate::text::refuse_control_in("reason", reason, false)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid(
            "reason",
            "Say why the details are erased (for example: the member asked).",
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Error::invalid(
            "reason",
            format!("Keep the reason short: at most {MAX_REASON} characters."),
        ));
    }
    let at = db.now();
    let mut tx = db.begin_write().await?;
    // A check-in or an undo of this household at another desk finishes first, or waits.
    households::lock(&mut tx, id).await?;
    let household = households::load(&mut tx, id)
        .await?
        .ok_or_else(|| Error::not_found(format!("Household {id}")))?;
    if household.erased {
        return Err(Error::Conflict(
            "This household's details were already erased.".into(),
        ));
    }
    refuse_own_details(reason, &household)?;
    erase_in(&mut tx, id, at, actor.name(), Why::Request, Some(reason)).await?;
    tx.commit().await?;
    let files = finish(db, &[id]).await?;
    Ok(Erasure {
        household_id: id,
        at: at.to_rfc3339(),
        said: in_words(&files),
        files_deleted: files.deleted,
        shared_files_deleted: files.shared,
        files_left: files.left,
    })
}

/// The longest reason kept for an erasure.
pub const MAX_REASON: usize = 200;

/// Refuses a reason that holds the household's own name, phone or postcode: the reason is
/// kept after the erasure, so it would keep what the erasure removes.
fn refuse_own_details(reason: &str, household: &Household) -> Result<()> {
    let folded = crate::text::fold(reason);
    let squeezed = |text: &str| -> String {
        crate::text::fold(text)
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect()
    };
    let reason_squeezed = squeezed(reason);
    let reason_digits: String = reason.chars().filter(char::is_ascii_digit).collect();
    let phone_digits: String = household
        .phone
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let name_word = crate::text::fold(&household.lead_name)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.len() >= 3)
        .any(|w| {
            folded
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|r| r == w)
        });
    let postcode = squeezed(&household.postcode);
    let holds = name_word
        || (postcode.len() >= 5 && reason_squeezed.contains(&postcode))
        || (phone_digits.len() >= 6 && reason_digits.contains(&phone_digits));
    if holds {
        return Err(Error::invalid(
            "reason",
            "The reason is kept after the erasure, so it must not hold the household's own \
             details (its name, phone or postcode). Say only why, for example: the member asked.",
        ));
    }
    Ok(())
}

/// Erases a household inside the caller's write transaction (the files beside the database,
/// and the WAL are left to `finish`, after the commit).
pub(crate) async fn erase_in(
    conn: &mut Conn,
    id: i64,
    at: DateTime<Utc>,
    actor: &str,
    why: Why,
    reason: Option<&str>,
) -> Result<()> {
    let action = match why {
        Why::Request => "erased on request",
        Why::Retention => "anonymised: no visit for the retention period",
        Why::Restore => "erased again after a restore",
    };
    households::erase_own(conn, id, at, actor, action, reason).await?;
    visits::erase_household(conn, id).await?;
    referrals::erase_household(conn, id).await?;
    cards::erase_numbers(conn, id).await?;
    outreach::erase_household(conn, id).await?;
    audit::record(
        conn,
        at,
        actor,
        "household.erased",
        Some(Subject::Household(id)),
        &serde_json::json!({ "why": why.code() }),
    )
    .await
}

/// After erasures are committed: deletes the files that carried the households, then
/// leaves nothing of the erased values in the database's own files (`Db::clear_erased`).
pub(crate) async fn finish(db: &Db, ids: &[i64]) -> Result<output::FilesDeleted> {
    let mut tx = db.begin_write().await?;
    let files = output::delete_files_carrying(&mut tx, ids).await?;
    tx.commit().await?;
    db.clear_erased().await.map_err(|e| {
        Error::Unavailable(format!(
            "The details were erased, but the database could not yet clear the old copies \
             of them from its files ({e}); the next erasure clears them."
        ))
    })?;
    Ok(files)
}

/// Finishes erasures whose files were not all deleted: the process was killed after the
/// erasure committed (its files are listed in the same transaction's database, so they are
/// known). Run at every start, by the app and by each command. Returns the files deleted.
pub async fn finish_interrupted(db: &Db) -> Result<Vec<String>> {
    let ids = output::erased_with_files(&mut db.acquire().await?).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(finish(db, &ids).await?.deleted)
}

/// Applies again, in a database just restored from a backup, the erasures made since that
/// backup was taken (by id alone: a household the backup does not have is only remembered).
pub(crate) async fn reapply(db: &Db, erasures: &[(i64, DateTime<Utc>)], by: &str) -> Result<usize> {
    let mut tx = db.begin_write().await?;
    let mut ids = Vec::new();
    for (id, at) in erasures {
        if households::load(&mut tx, *id).await?.is_some() {
            erase_in(&mut tx, *id, *at, by, Why::Restore, None).await?;
            ids.push(*id);
        } else {
            households::remember_erasure(&mut tx, *id, *at).await?;
        }
    }
    tx.commit().await?;
    finish(db, &ids).await?;
    Ok(ids.len())
}
