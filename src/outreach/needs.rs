//! Support needs: recorded only with the member's consent and a reason, only what the pantry
//! needs to reach out; removed when they no longer apply (and by erasure).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::store::{self, NewNeed};
use super::SupportNeed;
use crate::access::{Actor, Operation};
use crate::audit::{self, Subject};
use crate::db::Db;
use crate::error::{Error, FieldError, Result};
use crate::households;

/// A support need as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NeedForm {
    #[ts(type = "number")]
    pub household_id: i64,
    pub need: Option<SupportNeed>,
    /// The last day it applies (blank: until removed). Self-isolating needs one.
    pub until: String,
    /// Why the pantry should reach out, in a few words.
    pub reason: String,
    /// The member agreed to this being recorded, just now.
    pub consent_given: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SupportNeedRecord {
    pub need: SupportNeed,
    pub label: String,
    pub until: Option<NaiveDate>,
    pub reason: String,
    pub consent_at: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

impl From<store::NeedRow> for SupportNeedRecord {
    fn from(r: store::NeedRow) -> Self {
        SupportNeedRecord {
            need: r.need,
            label: r.need.label().to_owned(),
            until: r.until,
            reason: r.reason,
            consent_at: r.consent_at,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        }
    }
}

/// Records a support need (or changes what was recorded of it); returns the household's needs.
pub async fn record_support_need(
    db: &Db,
    form: &NeedForm,
    actor: &Actor,
) -> Result<Vec<SupportNeedRecord>> {
    actor.require(db, Operation::ChangeSupportNeeds).await?;
    let mut errors = crate::text::control_errors(form);
    if form.need.is_none() {
        errors.push(FieldError::new("need", "Choose the kind of support need."));
    }
    let until = super::optional_date(&mut errors, "until", &form.until, "Until");
    let today = crate::settings::require(db).await?.date_at(db.now());
    if until.is_some_and(|d| d < today) {
        errors.push(FieldError::new("until", "This date has passed."));
    }
    if form.need == Some(SupportNeed::SelfIsolating) && form.until.trim().is_empty() {
        errors.push(FieldError::new(
            "until",
            "Say until when the member is self-isolating.",
        ));
    }
    let reason = form.reason.trim();
    if reason.is_empty() {
        errors.push(FieldError::new(
            "reason",
            "Say in a few words why the pantry should keep in touch.",
        ));
    } else if reason.chars().count() > 200 {
        errors.push(FieldError::new("reason", "Keep this to 200 characters."));
    }
    if !form.consent_given {
        errors.push(FieldError::new(
            "consentGiven",
            "Ask the member first: a support need is recorded only with their consent.",
        ));
    }
    let Some(need) = form.need.filter(|_| errors.is_empty()) else {
        return Err(Error::Validation(errors));
    };
    let now = db.now();
    let mut tx = db.begin_write().await?;
    households::load_live(&mut tx, form.household_id).await?;
    store::put_need(
        &mut tx,
        &NewNeed {
            household_id: form.household_id,
            need,
            until,
            reason,
            at: now,
            by: actor.name(),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        actor.name(),
        "support.recorded",
        Some(Subject::Household(form.household_id)),
        &serde_json::json!({ "need": need.code() }),
    )
    .await?;
    let needs = store::needs(&mut tx, form.household_id).await?;
    tx.commit().await?;
    Ok(needs.into_iter().map(Into::into).collect())
}

/// Removes a need that no longer applies; returns the household's needs.
pub async fn remove_support_need(
    db: &Db,
    household_id: i64,
    need: SupportNeed,
    actor: &Actor,
) -> Result<Vec<SupportNeedRecord>> {
    actor.require(db, Operation::ChangeSupportNeeds).await?;
    let now = db.now();
    let mut tx = db.begin_write().await?;
    if !store::delete_need(&mut tx, household_id, need).await? {
        return Err(Error::not_found(format!(
            "The support need \"{}\"",
            need.label()
        )));
    }
    audit::record(
        &mut tx,
        now,
        actor.name(),
        "support.removed",
        Some(Subject::Household(household_id)),
        &serde_json::json!({ "need": need.code() }),
    )
    .await?;
    let needs = store::needs(&mut tx, household_id).await?;
    tx.commit().await?;
    Ok(needs.into_iter().map(Into::into).collect())
}

/// A household's support needs (managers and the volunteers who make the calls).
pub async fn support_needs(
    db: &Db,
    household_id: i64,
    actor: &Actor,
) -> Result<Vec<SupportNeedRecord>> {
    actor.require(db, Operation::ViewOutreach).await?;
    let mut conn = db.acquire().await?;
    Ok(store::needs(&mut conn, household_id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}
